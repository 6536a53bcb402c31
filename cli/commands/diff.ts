/**
 * `regel diff name@A name@B [--json]`: what changes from one ruleset version to another — the
 * header (validity, sources), rules added, removed and changed, the Bijlage 3 category entries and
 * markings added, removed, changed and moved, and the other declarations.
 * Exit codes: 0 (whether or not there are differences), 2 unknown version or bad paths.
 *
 * @module
 */
import type { Command } from "commander";
import { diffRulesets, diffText } from "../../audit/ruleset-diff.js";
import { findRuleset } from "../../dsl/project.js";
import { type CommandOutput, loadNotices, loadRulesets } from "./trace.js";
import { printErr, printOut } from "../terminal-text.js";
import { RULESETS_OPTION_HELP } from "../rulesets-folder.js";

interface Options {
  json?: boolean;
  rulesets: string;
}

/** Register the `diff` command. */
export function register(program: Command): void {
  program
    .command("diff")
    .description(
      "Show what changes between two ruleset versions (rules and Bijlage 3 categories)",
    )
    .argument("<from>", "ruleset version, e.g. ikb.glo@1.2.0")
    .argument("<to>", "ruleset version, e.g. ikb.glo@1.3.0")
    .option("--json", "print JSON")
    .option("--rulesets <dir>", RULESETS_OPTION_HELP)
    .action(async (from: string, to: string, options: Options) => {
      const out = await runDiff(from, to, options);
      printOut(out.stdout);
      printErr(out.stderr);
      process.exitCode = out.code;
    });
}

/** Run `regel diff` and return what it prints. */
export async function runDiff(
  from: string,
  to: string,
  options: Partial<Options> = {},
): Promise<CommandOutput> {
  const loaded = await loadRulesets(options.rulesets);
  if ("error" in loaded)
    return { code: 2, stdout: "", stderr: `regel diff: ${loaded.error}\n` };
  let stderr = loadNotices("diff", loaded);
  const { project } = loaded;
  const found = [from, to].map((ref) => {
    if (!/^[A-Za-z_][\w.]*@\d+\.\d+\.\d+(-[\w.]+)?$/.test(ref)) {
      stderr += `regel diff: \`${ref}\` is not name@version (e.g. ikb.glo@1.3.0)\n`;
      return undefined;
    }
    const rs = findRuleset(project, ref);
    if (rs === undefined) {
      const name = ref.slice(0, ref.indexOf("@"));
      const same = project.rulesets
        .filter((r) => r.name === name)
        .map((r) => r.id);
      const all = project.rulesets.map((r) => r.id);
      stderr += `regel diff: no ruleset version \`${ref}\`; ${same.length > 0 ? `${name} has ${same.join(", ")}` : `known: ${all.join(", ")}`}\n`;
    }
    return rs;
  });
  const [a, b] = found;
  if (a === undefined || b === undefined)
    return { code: 2, stdout: "", stderr };
  const d = diffRulesets(a, b);
  return {
    code: 0,
    stdout:
      options.json === true ? `${JSON.stringify(d, null, 2)}\n` : diffText(d),
    stderr,
  };
}
