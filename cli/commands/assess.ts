/**
 * `regel assess --bank B --year Y [--json] [--html FILE] [--history FILE]`: the groeipad verdict
 * of a bank for a year, with its evidence from the validation history, and the enforcement
 * measures open to the supervisor (options, not a decision). Exit codes: 0 assessed (whatever the
 * verdict), 2 unknown bank or year, a history or ruleset problem (a ruleset it reads that has
 * errors, as `regel check` reports them, is refused as `regel validate` refuses one), or a recorded run of the bank
 * whose RRD or delivered-at is no real date (named), 3 the `--html` page cannot be
 * written (it is replaced atomically).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Command } from "commander";
import { formatDiagnostic, type Diagnostic } from "../../dsl/diagnostics.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { findRuleset, type Project } from "../../dsl/project.js";
import { assess, AssessError, type Evidence } from "../../audit/assess.js";
import { assessmentHtml, assessmentText } from "../../audit/assess-render.js";
import { DEFAULT_HISTORY, History, HistoryError } from "../../audit/history.js";
import { writeFileAtomic } from "../../runtime/atomic-file.js";
import { EXIT } from "../exit-codes.js";
import { isSystemError, systemErrorMessage } from "../failure.js";
import { type CommandOutput, loadNotices, loadRulesets } from "./trace.js";
import { printErr, printOut } from "../terminal-text.js";
import { RULESETS_OPTION_HELP } from "../rulesets-folder.js";

interface Options {
  bank: string;
  year: string;
  json?: boolean;
  html?: string;
  history: string;
  rulesets: string;
  evidence?: string;
}

/** Register the `assess` command. */
export function register(program: Command): void {
  program
    .command("assess")
    .description(
      "Assess a bank against the groeipad norms of a year, with evidence and the enforcement options",
    )
    .requiredOption("--bank <bank>", "the bank, as recorded")
    .requiredOption("--year <year>", "the groeipad year, e.g. 2022")
    .option("--json", "print JSON")
    .option(
      "--html <file>",
      "also write a self-contained HTML page with the groeipad chart",
    )
    .option("--history <file>", "history database", DEFAULT_HISTORY)
    .option(
      "--evidence <file>",
      'JSON object of metrics the history cannot hold (audit dates, statements), e.g. {"audit_reports_delivered_on": "2023-08-30"}',
    )
    .option(
      "--rulesets <dir>",
      `${RULESETS_OPTION_HELP}: ikb.groeipad, ikb.handhaving, nl.werkdagen`,
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 assessed, whatever the verdict (NOT MET is an assessment, not a failure), 2 unknown bank or year, a history or ruleset problem (ikb.groeipad, ikb.handhaving or a ruleset they extend or use has errors: regel check), or a recorded run whose dates are not real, 3 the --html page cannot be written or a bug.",
    )
    .action(async (options: Options) => {
      const out = await runAssess(options);
      printOut(out.stdout);
      printErr(out.stderr);
      process.exitCode = out.code;
    });
}

/**
 * The error diagnostics of the rulesets an assessment reads: every version of `ikb.groeipad` and
 * `ikb.handhaving` (a newest version that does not resolve would leave an older one in its place)
 * and the files of the `extends` / `uses` chains of the versions found (the working-day calendar).
 */
function errorsOfNeeded(
  project: Project,
  found: (ResolvedRuleset | undefined)[],
): Diagnostic[] {
  const names = new Set(["ikb.groeipad", "ikb.handhaving"]);
  const files = new Set<string>();
  const todo = found.filter((r): r is ResolvedRuleset => r !== undefined);
  for (let r = todo.pop(); r !== undefined; r = todo.pop()) {
    if (files.has(resolve(r.file))) continue;
    files.add(resolve(r.file));
    names.add(r.name);
    for (const ref of [
      ...(r.extends === undefined ? [] : [r.extends]),
      ...r.uses,
    ]) {
      const next = findRuleset(project, ref);
      if (next !== undefined) todo.push(next);
    }
  }
  return project.diagnostics.filter(
    (d) =>
      d.severity === "error" &&
      (files.has(resolve(d.span.file)) ||
        names.has(basename(dirname(resolve(d.span.file))))),
  );
}

/** Run `regel assess` and return what it prints (the HTML file is written as a side effect). */
export async function runAssess(
  options: Partial<Options> & { bank: string; year: string },
): Promise<CommandOutput> {
  const fail = (message: string): CommandOutput => ({
    code: 2,
    stdout: "",
    stderr: `regel assess: ${message}\n`,
  });
  if (!/^\d{4}$/.test(options.year))
    return fail(`--year ${options.year}: expected a year such as 2022`);
  const loaded = await loadRulesets(options.rulesets);
  if ("error" in loaded) return fail(loaded.error);
  const groeipad = findRuleset(loaded.project, "ikb.groeipad");
  if (groeipad === undefined)
    return fail(`no ikb.groeipad ruleset under ${loaded.folder}`);
  const handhaving = findRuleset(loaded.project, "ikb.handhaving");
  // As `regel validate` never runs a ruleset that does not check (compile refuses it, and a
  // source edited since is refused as stale), no verdict rests on a ruleset with errors.
  const errors = errorsOfNeeded(loaded.project, [groeipad, handhaving]);
  if (errors.length > 0)
    return fail(
      `the rulesets the assessment needs have errors (regel check ${loaded.folder}); no assessment made:\n${errors
        .slice(0, 5)
        .map((d) => formatDiagnostic(d, undefined))
        .join(
          "\n",
        )}${errors.length > 5 ? `\n(and ${errors.length - 5} more)` : ""}`,
    );
  let evidence: { values: Evidence; source: string } | undefined;
  if (options.evidence !== undefined) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(options.evidence, "utf8"));
    } catch (e) {
      return fail(
        `cannot read the evidence ${options.evidence}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    if (typeof data !== "object" || data === null || Array.isArray(data))
      return fail(
        `${options.evidence}: expected a JSON object of metric: value`,
      );
    evidence = { values: data as Evidence, source: options.evidence };
  }
  let history: History | undefined;
  try {
    history = History.open(options.history ?? DEFAULT_HISTORY);
    const assessment = assess({
      bank: options.bank,
      year: Number(options.year),
      runs: history.runs(),
      aggregates: history.runAggregates(),
      groeipad,
      handhaving,
      evidence,
    });
    if (options.html !== undefined)
      try {
        writeFileAtomic(options.html, assessmentHtml(assessment));
      } catch (e) {
        if (!isSystemError(e)) throw e;
        // the verdict is still printed; the page could not be written
        return {
          code: EXIT.environment,
          stdout:
            options.json === true
              ? `${JSON.stringify(assessment, null, 2)}\n`
              : assessmentText(assessment),
          stderr: `regel assess: ${systemErrorMessage(e, options.html)}\n`,
        };
      }
    const stdout =
      options.json === true
        ? `${JSON.stringify(assessment, null, 2)}\n`
        : assessmentText(assessment);
    const warn = loadNotices("assess", loaded);
    const note = handhaving
      ? ""
      : "regel assess: warning: no ikb.handhaving ruleset; no enforcement measures listed\n";
    return { code: 0, stdout, stderr: warn + note };
  } catch (e) {
    if (e instanceof HistoryError || e instanceof AssessError)
      return fail(e.message);
    throw e;
  } finally {
    history?.close();
  }
}
