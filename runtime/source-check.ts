/**
 * Is compiled output current? A compiled module records the sha256 of every `.regel` file of its
 * `extends` / `uses` chain by its path relative to the rulesets root (compiler/source-files.ts).
 * The rulesets root of a compiled root is the folder that holds it (`rulesets/compiled` →
 * `rulesets`): the sources found there are hashed again and compared, so that a ruleset edited
 * but not compiled again is refused instead of validated with its old rules.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { sha256Hex, type SourceFileHash } from "../compiler/contract.js";
import { RegelError } from "./errors.js";

/**
 * The outcome of comparing a module's recorded sources with the files beside its compiled root:
 * - `current`: every source is there and has the recorded sha256;
 * - `not-found`: none of them is there (e.g. an installed package that ships only compiled
 *   output): the sources were not checked;
 * - `unrecorded`: the module records no source hashes (compiled by an older regel, or written by
 *   hand): the sources were not checked;
 * - `stale`: a source differs from, or (while others are there) is missing beside, what was compiled.
 */
export type SourceStatus = "current" | "not-found" | "unrecorded" | "stale";

/** A source that does not match the compiled output. */
export interface ChangedSource {
  /** Relative to the rulesets root. */
  path: string;
  /** `name@version` the file declares. */
  ruleset: string;
  /** The sha256 the module was compiled from. */
  compiled: string;
  /** The sha256 of the file now; null when the file is not there. */
  now: string | null;
}

/** How a compiled ruleset compares with the `.regel` sources beside its compiled root. */
export interface SourceCheck {
  status: SourceStatus;
  /** The folder the sources were looked for in. */
  rulesetsRoot: string;
  /** For `stale`: the sources that differ. */
  changed: ChangedSource[];
}

/** The rulesets root beside a compiled ruleset folder `<root>/<compiled>/<name>@<version>`. */
export function rulesetsRootOf(compiledDir: string): string {
  return dirname(dirname(compiledDir));
}

/** sha256 of a `.regel` file as the compiler hashes it (its UTF-8 text); null when unreadable. */
export function hashSourceFile(path: string): string | null {
  try {
    return sha256Hex(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/** Compare recorded sources with the files under `rulesetsRoot`. */
export function checkSources(
  files: readonly SourceFileHash[] | undefined,
  rulesetsRoot: string,
): SourceCheck {
  if (files === undefined || files.length === 0)
    return { status: "unrecorded", rulesetsRoot, changed: [] };
  const now = files.map((f) => ({
    f,
    sha: hashSourceFile(join(rulesetsRoot, f.path)),
  }));
  if (now.every((x) => x.sha === null))
    return { status: "not-found", rulesetsRoot, changed: [] };
  const changed = now
    .filter((x) => x.sha !== x.f.sha256)
    .map((x) => ({
      path: x.f.path,
      ruleset: x.f.ruleset,
      compiled: x.f.sha256,
      now: x.sha,
    }));
  return {
    status: changed.length > 0 ? "stale" : "current",
    rulesetsRoot,
    changed,
  };
}

/**
 * Compiled output older than its `.regel` sources (code `REGEL_STALE_RULESET`): validating it
 * would run the old rules. Thrown by `validateFolder` / `validateDelivery` and by the record API
 * (`validateRecords`, `validateIkbs`, `validateCsv`) given a loaded ruleset; the message names the
 * ruleset, the changed source and the `regel compile` to run.
 */
export class StaleRulesetError extends RegelError {
  constructor(message: string) {
    super("REGEL_STALE_RULESET", message);
  }
}

/** A path for a message: relative to the working directory when it lies inside it. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r !== "" && !r.startsWith("..") && !isAbsolute(r) ? r : path;
}

/** The message for a stale ruleset: which ruleset, which source, and what to run. */
export function staleMessage(
  id: string,
  compiledDir: string,
  check: SourceCheck,
): string {
  const what = check.changed.map((c) => {
    const file = shown(join(check.rulesetsRoot, c.path));
    const of = c.ruleset === id ? "" : ` (${c.ruleset}, in the chain of ${id})`;
    return c.now === null
      ? `its source ${file}${of} is missing`
      : `its source ${file}${of} changed since it was compiled (sha256 now ${c.now.slice(0, 12)}…, compiled from ${c.compiled.slice(0, 12)}…)`;
  });
  const root = shown(check.rulesetsRoot);
  const out = shown(dirname(compiledDir));
  // `regel compile`'s default output folder is rulesets/compiled under the working directory
  const command =
    out === join("rulesets", "compiled")
      ? `regel compile ${root}`
      : `regel compile ${root} --out ${out}`;
  return `the compiled ruleset ${id} in ${shown(compiledDir)} is stale: ${what.join("; ")}. Run \`${command}\` and validate again (validating now would run the old rules)`;
}

/** Throw {@link StaleRulesetError} when `check` says the compiled output is stale. */
export function assertSourcesCurrent(
  id: string,
  compiledDir: string,
  check: SourceCheck | undefined,
): void {
  if (check?.status === "stale")
    throw new StaleRulesetError(staleMessage(id, compiledDir, check));
}

/**
 * Throw {@link StaleRulesetError} when a loaded ruleset's compiled output is stale (its
 * `sourceCheck`, made when it was loaded): the one refusal of `validateDelivery` and the record API.
 */
export function assertRulesetCurrent(loaded: {
  module: { metadata: { id: string } };
  dir: string;
  sourceCheck?: SourceCheck;
}): void {
  assertSourcesCurrent(
    loaded.module.metadata.id,
    loaded.dir,
    loaded.sourceCheck,
  );
}
