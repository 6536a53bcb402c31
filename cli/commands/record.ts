/**
 * `regel record <report.json> --bank B --delivery-id ID --delivered-at ISO [--history FILE]`:
 * record a validation run (from the JSON report `regel validate --out` wrote) in the history
 * database. Exit codes: 0 recorded, 2 bad input (a report of a delivery the history already holds,
 * by its input files and RRD: audit/history.ts deliveryIdentity; a report that does not match
 * docs/report-schema.json: every problem with its path, an `rrd` that is not a calendar day among
 * them; counts, or their sums, beyond 2^53 - 1,
 * which JavaScript cannot hold exactly) or a history problem (nothing written),
 * 3 a broken installation (the schema is missing).
 *
 * Also gives `regel validate` its `--record` ({@link attachToValidate}, which validate's module
 * calls): after a run with `--out DIR`, the report `DIR/report.json` is recorded the same way.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import {
  assertRecordable,
  DEFAULT_HISTORY,
  deliveryIdentity,
  History,
  HistoryError,
  runFromReport,
} from "../../audit/history.js";
import {
  ReportSchemaError,
  reportProblems,
} from "../../runtime/report-check.js";
import type { Report } from "../../runtime/report-types.js";
import { EXIT } from "../exit-codes.js";
import type { CommandOutput } from "./trace.js";
import { printErr, printOut } from "../terminal-text.js";

interface Options {
  bank: string;
  deliveryId: string;
  deliveredAt: string;
  history: string;
  json?: boolean;
}

/** Register the `record` command. */
export function register(program: Command): void {
  program
    .command("record")
    .description(
      "Record a validation run (from its report.json) in the history database",
    )
    .argument("<report>", "the JSON report of the run (report.json)")
    .requiredOption("--bank <bank>", "the bank that delivered")
    .requiredOption("--delivery-id <id>", "the delivery's id (unique per bank)")
    .requiredOption(
      "--delivered-at <iso>",
      "when the bank delivered it in DLR, ISO 8601 with offset (not the Logius receipt)",
    )
    .option("--history <file>", "history database", DEFAULT_HISTORY)
    .option("--json", "print the recorded run as JSON")
    .addHelpText(
      "after",
      "\nA report of a delivery the history already holds (the same input files, by their sha256 in the report's provenance, for the same RRD; under any bank or delivery id) is refused: one delivery is never counted twice.\nExit codes: 0 recorded, 2 the report or the history is refused (nothing written), 3 a broken installation.",
    )
    .action((report: string, options: Options) => {
      const out = runRecord(report, options);
      printOut(out.stdout);
      printErr(out.stderr);
      process.exitCode = out.code;
    });
}

/** Read a JSON report and check it against the report schema (unknown properties allowed). */
export function readReport(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new HistoryError(
      `cannot read the report ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new HistoryError(`${path} is not JSON: ${(e as Error).message}`);
  }
  const version =
    typeof data === "object" && data !== null && "reportVersion" in data
      ? data.reportVersion
      : undefined;
  if (typeof version === "string" && !version.startsWith("1."))
    throw new HistoryError(
      `${path}: report version ${version} is not supported (1.x)`,
    );
  // The whole report against docs/report-schema.json: what record accepts, history can read.
  const problems = reportProblems(data);
  if (problems.length > 0)
    throw new HistoryError(
      `${path} is not a valid regel JSON report (see docs/report-schema.json):\n${problems.map((p) => `  ${p}`).join("\n")}\nuse the report.json that regel validate --out DIR wrote`,
    );
  return data as Report;
}

/** Run `regel record` and return what it prints. */
export function runRecord(reportPath: string, options: Options): CommandOutput {
  let history: History | undefined;
  try {
    const report = readReport(reportPath);
    const run = {
      ...runFromReport(report, options),
      identity: deliveryIdentity(report),
    };
    assertRecordable(report, options.deliveredAt);
    history = History.open(options.history, { create: true });
    const id = history.record(run);
    if (options.json === true)
      return {
        code: EXIT.ok,
        stdout: `${JSON.stringify({ history: options.history, run: { id, ...run } }, null, 2)}\n`,
        stderr: "",
      };
    const pct =
      run.percentage === null ? "n/a" : `${run.percentage.toFixed(2)} %`;
    return {
      code: 0,
      stdout: `recorded run ${id} in ${options.history}: ${run.bank} ${run.deliveryId}, RRD ${run.rrd}, ${run.accepted ? "accepted" : "rejected"}, ${pct} meeting the automated controls, ${run.errors} errors\n`,
      stderr: "",
    };
  } catch (e) {
    if (e instanceof HistoryError)
      return {
        code: EXIT.usage,
        stdout: "",
        stderr: `regel record: ${e.message}\n`,
      };
    if (e instanceof ReportSchemaError)
      return {
        code: EXIT.environment,
        stdout: "",
        stderr: `regel record: ${e.message}\n`,
      };
    throw e;
  } finally {
    history?.close();
  }
}

interface ValidateRecordFlags {
  record?: boolean;
  out?: string;
  bank?: string;
  deliveryId?: string;
  deliveredAt?: string;
  history: string;
}

/**
 * `regel validate DIR --out OUT --record --bank B --delivery-id ID --delivered-at ISO`: record the
 * run after the report is written. A run that failed (exit 2) is not recorded.
 */
export function attachToValidate(validate: Command): void {
  validate
    .option(
      "--record",
      "record the run in the history database (needs --out, --bank, --delivery-id, --delivered-at)",
    )
    .option(
      "--bank <bank>",
      "the bank that delivered: with --record, recorded as this bank's run; also compares the delivery with the bank's recorded history and its peers (report.json plausibility.outliers)",
    )
    .option(
      "--delivery-id <id>",
      "with --record: the delivery's id (unique per bank)",
    )
    .option(
      "--delivered-at <iso>",
      "with --record: when the bank delivered it in DLR, ISO 8601 with offset",
    )
    .option(
      "--history <file>",
      "history database: where --record records the run, and where the outliers of --bank are read from",
      DEFAULT_HISTORY,
    )
    .hook("postAction", (_program, command) => {
      const flags = command.opts<ValidateRecordFlags>();
      if (flags.record !== true) return;
      const fail = (message: string) => {
        printErr(`regel validate --record: ${message}\n`);
        process.exitCode = EXIT.usage;
      };
      if (process.exitCode === EXIT.usage)
        return fail("the validation did not complete; nothing recorded");
      const missing = (
        ["out", "bank", "deliveryId", "deliveredAt"] as const
      ).filter((k) => flags[k] === undefined);
      if (missing.length > 0) {
        return fail(
          `also give ${missing.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}; nothing recorded`,
        );
      }
      const report = join(flags.out!, "report.json");
      if (!existsSync(report))
        return fail(`${report} was not written; nothing recorded`);
      const before = process.exitCode;
      const out = runRecord(report, {
        bank: flags.bank!,
        deliveryId: flags.deliveryId!,
        deliveredAt: flags.deliveredAt!,
        history: flags.history,
      });
      // a refusal is validate's, whose report folder is written: say so, not record's "Nothing
      // was written"
      printErr(
        out.code === 0 || out.stderr === ""
          ? out.stdout + out.stderr
          : `${out.stdout}regel validate --record: ${out.stderr
              .replace(/^regel record: /, "")
              .replace(/\s*Nothing was written\.?\s*$/, "")
              .trimEnd()
              .replace(
                /\.$/,
                "",
              )}; the report is written to ${flags.out!}, nothing recorded\n`,
      );
      process.exitCode = out.code === 0 ? before : out.code;
    });
}
