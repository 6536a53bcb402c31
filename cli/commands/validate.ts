/**
 * `regel validate <delivery folder>`: validate an IKB-bestand and write the report.
 * `regel validate - --entity E --ruleset R --rrd D`: validate one entity's records read from
 * standard input (CSV or NDJSON, see cli/stdin-input.ts). `--out -` writes report.json to
 * standard output (the summary goes to standard error); `--junit FILE` writes the findings per
 * rule as JUnit XML for CI (runtime/report-junit.ts).
 * Exit codes: 0 accepted, 1 rejected, 2 usage or input error, 3 the report or a temporary file
 * cannot be written (full disk, read-only folder, a file where the `--out` folder belongs).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { deliveryFiles, validateDelivery } from "../../runtime/delivery.js";
import { LIMITS } from "../../runtime/csv-reader.js";
import {
  defaultCompiledRoot,
  holdTraceFiles,
  ignoredLocalCompiledRoot,
  RulesetLoadError,
} from "../../runtime/load-compiled.js";
import { addOutliers } from "../../audit/plausibility-report.js";
import { EXIT } from "../exit-codes.js";
import { progressBar } from "../../runtime/progress.js";
import { reportToJson } from "../../runtime/report-json.js";
import { summaryText } from "../../runtime/report-text.js";
import { checkReportFolder, writeReport } from "../../runtime/report-write.js";
import { inForce, selectRuleset } from "../../runtime/select-version.js";
import { StaleRulesetError } from "../../runtime/source-check.js";
import { reportFailure, systemErrorOf } from "../failure.js";
import { writeFileAtomic } from "../../runtime/atomic-file.js";
import { UnknownEntityError } from "../../runtime/errors.js";
import type { QuarterlyFigures } from "../../runtime/quarterly.js";
import type { StreamDelivery } from "../stdin-input.js";
import { printErr, printOut, terminalSafe } from "../terminal-text.js";
import { attachToValidate } from "./record.js";
import { MAX_THREADS_OPTION, threadsOption } from "../threads-option.js";
import { tempDirProblem } from "../temp-dir-option.js";
import { WORKERS_REFUSED } from "../../runtime/stage-partition.js";
import { dateOptionProblem, dateTimeOptionProblem } from "../date-options.js";
import { isFolder } from "../../runtime/make-folder.js";
import { realFolder, withinFolder } from "../folder-paths.js";
import { positiveCount } from "../count-option.js";

interface ValidateFlags {
  rrd?: string;
  ruleset?: string;
  out?: string;
  json?: boolean;
  showPersonalData?: boolean;
  compiled?: string;
  generatedAt?: string;
  tempDir?: string;
  progress?: boolean;
  sortBudget?: string;
  threads?: string;
  maxFieldLength?: string;
  maxFields?: string;
  maxRecordLength?: string;
  entity?: string;
  inputFormat?: string;
  junit?: string;
  quarterly?: string;
  previous?: string;
  /** Added from cli/commands/record.ts (`attachToValidate`); also used for the outliers. */
  bank?: string;
  /** Added from cli/commands/record.ts (`attachToValidate`), checked here: before the run, not after it. */
  deliveredAt?: string;
  history?: string;
  deliveryId?: string;
}

/** The limits a delivery is read with (csv-reader.ts LIMITS), as flags. */
const LIMIT_FLAGS = [
  ["maxFieldLength", "--max-field-length"],
  ["maxFields", "--max-fields"],
  ["maxRecordLength", "--max-record-length"],
] as const;

function fail(message: string): void {
  printErr(`regel validate: ${message}\n`);
  process.exitCode = EXIT.usage;
}

export function register(program: Command): void {
  const validate = program
    .command("validate")
    .description(
      "Validate an IKB-bestand (a folder of CSV files) and report the findings",
    )
    .argument(
      "<folder>",
      "the delivery folder, or - to read one entity's records from standard input (with --entity and --ruleset)",
    )
    .option(
      "--rrd <date>",
      "reporting reference date (YYYY-MM-DD), required; picks the ruleset version in force",
    )
    .option(
      "--ruleset <name[@version]>",
      "ruleset to use (name@version, or a name whose version in force on the RRD is used); needed when the folder fits several rulesets",
    )
    .option(
      "--out <dir>",
      "write report.json, report.html and samples/*.csv to this folder, replacing an earlier report there as one set; - writes report.json to standard output",
    )
    .option(
      "--entity <name>",
      "with -: the entity whose records standard input holds, e.g. NP",
    )
    .option(
      "--input-format <format>",
      "with -: csv (header first) or ndjson (one JSON object per line); default: by the first character",
    )
    .option(
      "--junit <file>",
      "also write the findings as JUnit XML: one test case per rule, a failure for each rule with findings",
    )
    .option(
      "--previous <dir>",
      "the bank's previous delivery (T−1), for the rules that compare with it (`previous` in a ruleset); without it those rules are not evaluated",
    )
    .option("--json", "print the JSON report on stdout instead of the summary")
    .option(
      "--show-personal-data",
      "do not mask BSN, names and dates of birth in samples",
    )
    .option(
      "--compiled <dir>",
      "folder with compiled rulesets (default: the ones shipped with regel; a rulesets/compiled folder under the working directory is used only when named here)",
    )
    .option(
      "--generated-at <timestamp>",
      "put this timestamp in the report, an ISO 8601 date-time with offset, e.g. 2024-04-03T14:05:00+02:00 (omitted by default)",
    )
    .option("--temp-dir <dir>", "folder for temporary sort files")
    .option(
      "--sort-budget <chars>",
      "characters of rows held in memory per external-sort run (default 64000000)",
    )
    .option(
      "--threads <n|auto>",
      "threads that validate the IKBs: auto (the default: the machine's cores, or a container's CPU quota rounded up, at most 16 and one per 512 MiB of memory; one for a delivery under 256 MB of IKB files) or a number. Only a delivery whose IKB files are each a plain UTF-8 CSV file of one entity (no dialect, not NDJSON), without --previous, has its IKBs and whole-file checks split over threads (files not in IKB-key order are first sorted over the same threads); any other is validated in one thread (with --threads N above 1, a note on stderr says why). The scan of every plain UTF-8 CSV file of 2 MiB or more is split over the same threads by byte range. The report is the same whatever the number",
    )
    .option(
      "--max-field-length <chars>",
      `longest field read; a record with a longer one is rejected (default ${LIMITS.maxFieldLength})`,
    )
    .option(
      "--max-fields <n>",
      `most fields in a record; a record with more is rejected (default ${LIMITS.maxFields})`,
    )
    .option(
      "--max-record-length <chars>",
      `most characters of field text in a record (or an NDJSON line); a longer one is rejected (default ${LIMITS.maxRecordLength})`,
    )
    .option(
      "--quarterly <file>",
      "the bank's quarterly DGS figures (CSV figure,value or a JSON object) to reconcile with the delivery's aggregates, as the ruleset's reconcile declares",
    )
    .option("--no-progress", "no progress bar")
    .action(async (folder: string, flags: ValidateFlags) => {
      // one run, then the process exits: each compiled ruleset's trace.json is read once
      holdTraceFiles();
      const fromStdin = folder === "-";
      if (!fromStdin && !isFolder(folder))
        return fail(`${folder} is not a folder`);
      if (flags.previous !== undefined && !isFolder(flags.previous))
        return fail(`--previous ${flags.previous} is not a folder`);
      if (!fromStdin && flags.entity !== undefined)
        return fail(
          "--entity is for records read from standard input: give - as the folder",
        );
      if (!fromStdin && flags.inputFormat !== undefined)
        return fail(
          "--input-format is for records read from standard input: give - as the folder",
        );
      if (fromStdin && flags.entity === undefined)
        return fail(
          "reading from standard input (-) needs --entity NAME: the entity whose records the stream holds",
        );
      if (fromStdin && flags.ruleset === undefined)
        return fail(
          "reading from standard input (-) needs --ruleset name[@version]: the stream alone does not say which ruleset it is for",
        );
      if (
        flags.inputFormat !== undefined &&
        !["csv", "ndjson"].includes(flags.inputFormat)
      )
        return fail(
          `--input-format ${flags.inputFormat}: use csv or ndjson (or leave it out to tell by the first character)`,
        );
      const toStdout = flags.out === "-";
      // the report would become part of the delivery: a folder the next run lists as not read
      if (
        !fromStdin &&
        flags.out !== undefined &&
        !toStdout &&
        withinFolder(realFolder(flags.out), realFolder(folder))
      )
        return fail(
          `--out ${flags.out} is in the delivery folder ${folder}: give a folder outside it (the report would become part of the delivery)`,
        );
      const dateOptions =
        (flags.rrd === undefined
          ? undefined
          : dateOptionProblem("--rrd", flags.rrd)) ??
        (flags.generatedAt === undefined
          ? undefined
          : dateTimeOptionProblem("--generated-at", flags.generatedAt)) ??
        (flags.deliveredAt === undefined
          ? undefined
          : dateTimeOptionProblem("--delivered-at", flags.deliveredAt));
      if (dateOptions !== undefined) return fail(dateOptions);
      if (
        flags.sortBudget !== undefined &&
        positiveCount(flags.sortBudget) === undefined
      )
        return fail(
          `--sort-budget ${flags.sortBudget}: expected a positive integer`,
        );
      const threads = threadsOption(flags.threads);
      if (threads === undefined)
        return fail(
          `--threads ${flags.threads}: expected auto or a number from 1 to ${MAX_THREADS_OPTION}`,
        );
      for (const [key, flag] of LIMIT_FLAGS) {
        const value = flags[key];
        if (value !== undefined && positiveCount(value) === undefined)
          return fail(`${flag} ${value}: expected a positive integer`);
      }
      // The RRD is never guessed: it decides which version is in force and every date rule.
      if (!flags.rrd)
        return fail(
          "give --rrd YYYY-MM-DD: the reporting reference date decides which ruleset version is in force and every date check (with --ruleset name@version too)",
        );
      if (flags.compiled !== undefined && !isFolder(flags.compiled))
        return fail(`--compiled ${flags.compiled} is not a folder`);
      const tempDir = tempDirProblem(
        flags.tempDir,
        fromStdin ? undefined : folder,
      );
      if (tempDir !== undefined) return fail(tempDir);
      const ignored =
        flags.compiled === undefined ? ignoredLocalCompiledRoot() : undefined;
      if (ignored !== undefined)
        printErr(
          `regel validate: note: ${ignored} is not used (compiled rulesets are taken from regel's own unless named); to use it, add --compiled ${ignored}\n`,
        );
      if (flags.out !== undefined && !toStdout)
        try {
          // before the run, not after an hour of it
          checkReportFolder(flags.out);
        } catch (e) {
          process.exitCode = reportFailure("validate", e);
          return;
        }
      let loaded;
      try {
        loaded = await selectRuleset({
          root: flags.compiled ?? defaultCompiledRoot(),
          ruleset: flags.ruleset,
          rrd: flags.rrd,
          deliveryFiles: fromStdin ? [] : deliveryFiles(folder),
        });
      } catch (e) {
        return fail(
          e instanceof RulesetLoadError
            ? e.message
            : `cannot load the ruleset: ${(e as Error).message}`,
        );
      }
      let quarterly: QuarterlyFigures | undefined;
      if (flags.quarterly !== undefined) {
        // read before the run, not after an hour of it; loaded only by a run given the figures
        // (a chunk of its own in the bundled command)
        const { QuarterlyError, readQuarterly } =
          await import("../../runtime/quarterly.js");
        try {
          quarterly = readQuarterly(
            flags.quarterly,
            readFileSync(flags.quarterly),
            loaded.module.reconciliations,
          );
        } catch (e) {
          return fail(
            e instanceof QuarterlyError
              ? e.message
              : `--quarterly ${flags.quarterly} cannot be read: ${(e as Error).message}`,
          );
        }
      }
      let stream: StreamDelivery | undefined;
      if (fromStdin) {
        const entities = loaded.module.entities.filter((e) => e.file);
        const entity = entities.find((e) => e.name === flags.entity);
        if (entity === undefined)
          return fail(
            new UnknownEntityError(
              flags.entity!,
              entities.map((e) => e.name),
              loaded.module.metadata.id,
            ).message,
          );
        if (process.stdin.isTTY)
          printErr(
            `regel validate: reading ${entity.name} records from standard input (end with Ctrl-D)\n`,
          );
        // imported here: only a run that reads standard input needs it (start-up, bench/)
        const { spoolEntity } = await import("../stdin-input.js");
        stream = await spoolEntity(
          process.stdin,
          entity,
          (flags.inputFormat as "csv" | "ndjson" | undefined) ?? "auto",
          flags.tempDir,
        );
        folder = stream.folder;
        if (loaded.module.needsIkb.includes(entity.name))
          printErr(
            `regel validate: note: rules of ${entity.name} that look at other entities of the IKB (exists, count, sum) see only the ${entity.name} records of the stream; validate a delivery folder to check them\n`,
          );
      }
      const rrd = flags.rrd;
      const m = loaded.module.metadata;
      if (!inForce(rrd, m.validFrom, m.validUntil))
        printErr(
          `regel validate: warning: ${m.id} is not in force on ${rrd} (valid ${m.validFrom ?? "…"} – ${m.validUntil ?? "…"}); validating with it because --ruleset names it\n`,
        );
      const bar =
        flags.progress === false ? { stop: () => undefined } : progressBar();
      let report;
      try {
        report = await validateDelivery(folder, loaded, {
          rrd,
          showPersonalData: flags.showPersonalData,
          generatedAt: flags.generatedAt,
          tempDir: flags.tempDir,
          sortBudget: flags.sortBudget ? Number(flags.sortBudget) : undefined,
          threads,
          // the system refused worker threads, or more than one thread was asked for by name
          // and one validates: say why
          onThreads: (n, why) => {
            if (why?.startsWith(WORKERS_REFUSED))
              printErr(
                `regel validate: note: ${why}; the report is the same as with more\n`,
              );
            else if (n === 1 && threads !== "auto" && threads > 1)
              printErr(
                `regel validate: note: the IKBs are validated in one thread: ${why}\n`,
              );
          },
          maxFieldLength: flags.maxFieldLength
            ? Number(flags.maxFieldLength)
            : undefined,
          maxFields: flags.maxFields ? Number(flags.maxFields) : undefined,
          maxRecordLength: flags.maxRecordLength
            ? Number(flags.maxRecordLength)
            : undefined,
          rrdChosenBy: "--rrd",
          entities: fromStdin ? [flags.entity!] : undefined,
          quarterly,
          previous: flags.previous,
          onProgress:
            "onProgress" in bar && bar.onProgress !== undefined
              ? (p) => bar.onProgress!({ ...p, file: terminalSafe(p.file) })
              : undefined,
        });
      } catch (e) {
        bar.stop();
        stream?.dispose();
        // a damaged compiled ruleset read during the run (the groeipad's trace.json) names its file
        if (e instanceof StaleRulesetError || e instanceof RulesetLoadError)
          return fail(e.message);
        // a temporary sort file that cannot be written (full disk) is the environment, not the
        // input, also when a worker thread wrote it
        const system = systemErrorOf(e);
        if (system !== undefined) {
          process.exitCode = reportFailure("validate", system);
          return;
        }
        return fail(`validation stopped: ${(e as Error).message}`);
      }
      bar.stop();
      stream?.dispose();
      // issue 19: outliers against the bank's recorded history and its peers
      addOutliers(report, flags.compiled ?? defaultCompiledRoot(), flags);
      let writeFailed: unknown;
      if (flags.out && !toStdout) {
        try {
          const written = await writeReport(report, flags.out);
          if (!flags.json)
            printErr(`wrote ${written.length} files to ${flags.out}\n`);
        } catch (e) {
          writeFailed = e;
        }
      }
      if (flags.junit !== undefined && writeFailed === undefined)
        try {
          const { reportToJunit } =
            await import("../../runtime/report-junit.js");
          writeFileAtomic(flags.junit, reportToJunit(report));
        } catch (e) {
          writeFailed = e;
        }
      // the verdict is printed even when the report folder cannot be written
      if (flags.json || toStdout) printOut(reportToJson(report));
      if (toStdout) printErr(summaryText(report));
      else if (!flags.json) printOut(summaryText(report));
      process.exitCode =
        writeFailed !== undefined
          ? reportFailure("validate", writeFailed)
          : report.status === "accepted"
            ? EXIT.ok
            : EXIT.failed;
    });
  // `--record` and the options it needs come from the record command's module; registered here,
  // so that a run of validate imports no other command's module (bench/results.md)
  attachToValidate(validate);
}
