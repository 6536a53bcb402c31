/**
 * `regel record <report.json> --bank B --delivery-id ID --delivered-at ISO [--history FILE]`:
 * record a validation run (from the JSON report `regel validate --out` wrote) in the history
 * database. Exit codes: 0 recorded, 2 bad input or a history problem (nothing written).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULT_HISTORY, History, HistoryError, runFromReport } from "../../runtime/history.js";
import type { Report } from "../../runtime/report-types.js";
import type { CommandOutput } from "./trace.js";

interface Options {
  bank: string;
  deliveryId: string;
  deliveredAt: string;
  history: string;
}

/** Register the `record` command. */
export function register(program: Command): void {
  program
    .command("record")
    .description("Record a validation run (from its report.json) in the history database")
    .argument("<report>", "the JSON report of the run (report.json)")
    .requiredOption("--bank <bank>", "the bank that delivered")
    .requiredOption("--delivery-id <id>", "the delivery's id (unique per bank)")
    .requiredOption("--delivered-at <iso>", "when the bank delivered it in DLR, ISO 8601 with offset (not the Logius receipt)")
    .option("--history <file>", "history database", DEFAULT_HISTORY)
    .action((report: string, options: Options) => {
      const out = runRecord(report, options);
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.code;
    });
}

/** Read and minimally check a JSON report. */
export function readReport(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new HistoryError(`cannot read the report ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new HistoryError(`${path} is not JSON: ${(e as Error).message}`);
  }
  const r = data as Partial<Report>;
  const ok =
    typeof r === "object" && r !== null && typeof r.reportVersion === "string" && typeof r.rrd === "string" &&
    (r.status === "accepted" || r.status === "rejected") && typeof r.ruleset?.id === "string" &&
    Array.isArray(r.rules) && Array.isArray(r.secondaryRules) && Array.isArray(r.blockingErrors) && Array.isArray(r.inputProblems);
  if (!ok) throw new HistoryError(`${path} is not a regel JSON report (write one with regel validate --out DIR)`);
  if (!r.reportVersion!.startsWith("1.")) throw new HistoryError(`${path}: report version ${r.reportVersion} is not supported (1.x)`);
  return r as Report;
}

/** Run `regel record` and return what it prints. */
export function runRecord(reportPath: string, options: Options): CommandOutput {
  let history: History | undefined;
  try {
    const run = runFromReport(readReport(reportPath), options);
    history = History.open(options.history, { create: true });
    const id = history.record(run);
    const pct = run.percentage === null ? "n/a" : `${run.percentage.toFixed(2)} %`;
    return {
      code: 0,
      stdout: `recorded run ${id} in ${options.history}: ${run.bank} ${run.deliveryId}, RRD ${run.rrd}, ${run.accepted ? "accepted" : "rejected"}, ${pct} meeting the automated controls, ${run.errors} errors\n`,
      stderr: "",
    };
  } catch (e) {
    if (e instanceof HistoryError) return { code: 2, stdout: "", stderr: `regel record: ${e.message}\n` };
    throw e;
  } finally {
    history?.close();
  }
}
