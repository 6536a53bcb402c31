/**
 * `regel validate <delivery folder>`: validate an IKB-bestand and write the report.
 * Exit codes: 0 accepted, 1 rejected, 2 usage or input error, 3 the report or a temporary file
 * cannot be written (full disk, read-only folder, a file where the `--out` folder belongs).
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import {
  dateToDays,
  deliveryFiles,
  validateDelivery,
} from "../../runtime/delivery.js";
import {
  defaultCompiledRoot,
  RulesetLoadError,
} from "../../runtime/load-compiled.js";
import { progressBar } from "../../runtime/progress.js";
import { reportToJson } from "../../runtime/report-json.js";
import { summaryText } from "../../runtime/report-text.js";
import { checkReportFolder, writeReport } from "../../runtime/report-write.js";
import { selectRuleset } from "../../runtime/select-version.js";
import { EXIT } from "../exit-codes.js";
import { isSystemError, reportFailure } from "../failure.js";

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
}

function fail(message: string): void {
  process.stderr.write(`regel validate: ${message}\n`);
  process.exitCode = 2;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description(
      "Validate an IKB-bestand (a folder of CSV files) and report the findings",
    )
    .argument("<folder>", "the delivery folder")
    .option(
      "--rrd <date>",
      "reporting reference date (YYYY-MM-DD); picks the ruleset version in force",
    )
    .option(
      "--ruleset <name[@version]>",
      "ruleset to use (name@version, or a name whose version in force on the RRD is used)",
    )
    .option(
      "--out <dir>",
      "write report.json, report.html and samples/*.csv to this folder, replacing an earlier report there as one set",
    )
    .option("--json", "print the JSON report on stdout instead of the summary")
    .option(
      "--show-personal-data",
      "do not mask BSN, names and dates of birth in samples",
    )
    .option(
      "--compiled <dir>",
      "folder with compiled rulesets (default: rulesets/compiled)",
    )
    .option(
      "--generated-at <timestamp>",
      "put this timestamp in the report (omitted by default)",
    )
    .option("--temp-dir <dir>", "folder for temporary sort files")
    .option(
      "--sort-budget <chars>",
      "characters of rows held in memory per external-sort run (default 64000000)",
    )
    .option("--no-progress", "no progress bar")
    .action(async (folder: string, flags: ValidateFlags) => {
      if (!existsSync(folder) || !statSync(folder).isDirectory())
        return fail(`${folder} is not a folder`);
      if (flags.rrd !== undefined && Number.isNaN(dateToDays(flags.rrd)))
        return fail(`--rrd ${flags.rrd}: expected a date YYYY-MM-DD`);
      if (
        flags.sortBudget !== undefined &&
        !(
          Number.isSafeInteger(Number(flags.sortBudget)) &&
          Number(flags.sortBudget) > 0
        )
      )
        return fail(
          `--sort-budget ${flags.sortBudget}: expected a positive integer`,
        );
      if (!flags.rrd && !flags.ruleset?.includes("@"))
        return fail("give --rrd YYYY-MM-DD or --ruleset name@version");
      if (flags.out !== undefined)
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
          deliveryFiles: deliveryFiles(folder),
        });
      } catch (e) {
        return fail(
          e instanceof RulesetLoadError
            ? e.message
            : `cannot load the ruleset: ${(e as Error).message}`,
        );
      }
      // Without --rrd, a pinned ruleset is validated as of the first day it is valid.
      const rrd = flags.rrd ?? loaded.module.metadata.validFrom;
      if (!rrd)
        return fail(
          `--rrd is needed: ${loaded.module.metadata.id} has no 'valid from' date`,
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
          onProgress: "onProgress" in bar ? bar.onProgress : undefined,
        });
      } catch (e) {
        bar.stop();
        // a temporary sort file that cannot be written (full disk) is the environment, not the input
        if (isSystemError(e)) {
          process.exitCode = reportFailure("validate", e);
          return;
        }
        return fail(`validation stopped: ${(e as Error).message}`);
      }
      bar.stop();
      let writeFailed: unknown;
      if (flags.out) {
        try {
          const written = await writeReport(report, flags.out);
          if (!flags.json)
            process.stderr.write(
              `wrote ${written.length} files to ${flags.out}\n`,
            );
        } catch (e) {
          writeFailed = e;
        }
      }
      // the verdict is printed even when the report folder cannot be written
      if (flags.json) process.stdout.write(reportToJson(report));
      else process.stdout.write(summaryText(report));
      process.exitCode =
        writeFailed !== undefined
          ? reportFailure("validate", writeFailed)
          : report.status === "accepted"
            ? EXIT.ok
            : EXIT.failed;
    });
}
