/**
 * The ruleset folder of a command that reads `.regel` sources without validating a delivery
 * (`trace`, `diff`, `explain`, `assess`).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { packageRulesetsRoot } from "../runtime/load-compiled.js";

/** Where a command's rulesets come from, and the note it prints when it chose for the user. */
export interface RulesetsFolder {
  folder: string;
  /** Said on standard error when the folder is not the one named or found here. */
  note?: string;
}

/**
 * The folder named with `--rulesets`; else `rulesets` in the working directory when there is one
 * (an analyst's project, the repository); else the rulesets shipped with regel, with a note that
 * names them, so that a command run anywhere else works and says what it read. Reading sources
 * runs no code, so a local folder may be taken by default (`regel validate` takes compiled
 * modules only from regel's own folder unless named: runtime/load-compiled.ts).
 */
export function rulesetsFolder(named: string | undefined): RulesetsFolder {
  if (named !== undefined) return { folder: named };
  const shipped = packageRulesetsRoot();
  if (existsSync("rulesets") || shipped === undefined)
    return { folder: "rulesets" };
  return {
    folder: shipped,
    note: `no rulesets folder here: the rulesets shipped with regel are used (${shipped}); name another with --rulesets DIR`,
  };
}

/** The help text of `--rulesets` for the commands that use {@link rulesetsFolder}. */
export const RULESETS_OPTION_HELP =
  "ruleset folder (default: rulesets in the working directory, else the rulesets shipped with regel)";
