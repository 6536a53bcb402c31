/**
 * `regel explain --report R --rule CODE --record KEY --delivery DIR`: evaluate one rule on one
 * record of the delivery, step by step with the values, down to the failing sub-condition. The
 * ruleset version and RRD come from the report; the record is read from the delivery folder (the
 * report keeps only masked samples of the offending values). The `.regel` sources of the ruleset's
 * chain must be the ones the report was made with (their sha256 in the report's provenance):
 * explaining other rules than the report ran could answer "pass" for a record the report lists as
 * failing. So must the delivery's files (their sha256 in the report's provenance). Exit codes: 0
 * explained, 2 unknown rule, record or ruleset, rulesets or files that differ from the report's,
 * or bad input.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { moduleSources } from "../../compiler/source-files.js";
import { findRuleset } from "../../dsl/project.js";
import { HistoryError } from "../../audit/history.js";
import {
  inputDifferences,
  sourceDifferences,
} from "../../audit/report-diff.js";
import { InputHash } from "../../runtime/input-hash.js";
import type { InputProvenance } from "../../runtime/report-types.js";
import { readReport } from "./record.js";
import { type CommandOutput, loadRulesets } from "./trace.js";
import { printErr, printOut } from "../terminal-text.js";
import { RULESETS_OPTION_HELP } from "../rulesets-folder.js";

interface Options {
  report: string;
  rule: string;
  record: string;
  delivery?: string;
  entity?: string;
  json?: boolean;
  showPersonalData?: boolean;
  rulesets: string;
}

/** Register the `explain` command. */
export function register(program: Command): void {
  program
    .command("explain")
    .description(
      "Evaluate one rule on one record step by step, down to the failing sub-condition",
    )
    .requiredOption(
      "--report <file>",
      "the JSON report of the run (report.json)",
    )
    .requiredOption("--rule <code>", "validation code, e.g. dmc0003")
    .requiredOption(
      "--record <key>",
      "record key as the report prints it, e.g. ikb_id=IKB001;customer_id=IKB001",
    )
    .option(
      "--delivery <dir>",
      "the delivery folder the report was made from (the report does not record it)",
    )
    .option(
      "--entity <name>",
      "the entity, when the rule runs on several and the key is ambiguous",
    )
    .option("--json", "print JSON")
    .option("--show-personal-data", "do not mask personal fields")
    .option("--rulesets <dir>", RULESETS_OPTION_HELP)
    .action(async (options: Options) => {
      const out = await runExplain(options);
      printOut(out.stdout);
      printErr(out.stderr);
      process.exitCode = out.code;
    });
}

/**
 * The report's input files as they are in `folder` now (a file that is not there, or a name that
 * is not a plain file name, is left out: {@link inputDifferences} names it as missing).
 */
async function hashDeliveryFiles(
  folder: string,
  inputs: readonly InputProvenance[],
): Promise<InputProvenance[]> {
  const out: InputProvenance[] = [];
  for (const i of inputs) {
    if (basename(i.file) !== i.file || i.file === "." || i.file === "..")
      continue;
    const path = join(folder, i.file);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    const bytes = statSync(path).size;
    out.push({
      file: i.file,
      bytes,
      sha256: await new InputHash().digest(path, bytes),
      rows: i.rows,
    });
  }
  return out;
}

/** Run `regel explain` and return what it prints. */
export async function runExplain(
  options: Partial<Options> & Pick<Options, "report" | "rule" | "record">,
): Promise<CommandOutput> {
  const fail = (message: string): CommandOutput => ({
    code: 2,
    stdout: "",
    stderr: `regel explain: ${message}\n`,
  });
  let report;
  try {
    report = readReport(options.report);
  } catch (e) {
    if (e instanceof HistoryError) return fail(e.message);
    throw e;
  }
  const folder = options.delivery;
  if (folder === undefined)
    return fail(
      "the report does not name its delivery folder; pass --delivery DIR (the folder given to regel validate)",
    );
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    return fail(`${folder} is not a folder`);
  const loaded = await loadRulesets(options.rulesets);
  if ("error" in loaded) return fail(loaded.error);
  const rulesetsDir = loaded.folder;
  const ruleset = findRuleset(loaded.project, report.ruleset.id);
  if (ruleset === undefined) {
    return fail(
      `the report was made with ${report.ruleset.id}, which is not under ${rulesetsDir}; rulesets: ${loaded.project.rulesets.map((r) => r.id).join(", ")}`,
    );
  }
  const recorded = report.provenance?.ruleset.sources;
  let note = loaded.note ? `note: ${loaded.note}\n` : "";
  if (recorded === undefined || recorded.length === 0)
    note += `note: the report (reportVersion ${report.reportVersion}) records no source hashes; cannot confirm that the rulesets under ${rulesetsDir} are the ones it was made with\n`;
  else {
    const now =
      moduleSources(ruleset, loaded.project.rulesets, loaded.project.texts)
        .files ?? [];
    const differ = sourceDifferences(
      "ruleset",
      recorded,
      now,
      `under ${rulesetsDir}`,
    );
    if (differ.length > 0)
      return fail(
        `the rulesets under ${rulesetsDir} are not the ones the report was made with:\n${differ.map((d) => `  ${d}\n`).join("")}explaining would evaluate other rules than the report ran (it could answer "pass" for a record the report lists as failing); give --rulesets DIR with the sources of ${report.ruleset.id} the report was made with (regel verify checks a whole report)`,
      );
  }
  const inputs = report.provenance?.inputs;
  if (inputs === undefined || inputs.length === 0)
    note += `note: the report records no input hashes; cannot confirm that ${folder} is the delivery it was made from\n`;
  else {
    const differ = inputDifferences(
      inputs,
      await hashDeliveryFiles(folder, inputs),
      "input file",
      folder,
    );
    if (differ.length > 0)
      return fail(
        `${folder} is not the delivery the report was made from:\n${differ.map((d) => `  ${d}\n`).join("")}explaining would read other records than the report did (it could answer "pass" for a record the report lists as failing); give --delivery DIR with the folder the report was made from (regel verify checks a whole report)`,
      );
  }
  const reported = [...report.rules, ...report.secondaryRules].find(
    (r) => r.code === options.rule,
  );
  // Loaded on use: the interpreter's dependencies (IBAN, country tables) would slow every regel start-up.
  const { explainRule, ExplainError, explanationText } =
    await import("../../audit/explain.js");
  try {
    const x = await explainRule({
      ruleset,
      rule: options.rule,
      key: options.record,
      folder,
      rrd: report.rrd,
      entity: options.entity,
      showPersonalData: options.showPersonalData,
    });
    const inReport =
      reported?.samples.some((s) => s.key === x.key && s.entity === x.entity) ??
      false;
    note +=
      reported === undefined
        ? `note: the report lists no findings of ${options.rule}\n`
        : inReport
          ? ""
          : `note: this record is not among the report's samples of ${options.rule} (${reported.count} findings, ${reported.samples.length} samples)\n`;
    return {
      code: 0,
      stdout:
        options.json === true
          ? `${JSON.stringify(x, null, 2)}\n`
          : explanationText(x),
      stderr: note,
    };
  } catch (e) {
    if (e instanceof ExplainError) return fail(e.message);
    throw e;
  }
}
