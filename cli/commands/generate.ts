import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { writeQuarterlyFigures } from "../../runtime/synthetic/quarterly.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  defaultCompiledRoot,
  ignoredLocalCompiledRoot,
} from "../../runtime/load-compiled.js";
import { selectRuleset } from "../../runtime/select-version.js";
import { printErr, printOut } from "../terminal-text.js";
import { EXIT } from "../exit-codes.js";
import { isSystemError, reportFailure } from "../failure.js";
import { realFolder, withinFolder } from "../folder-paths.js";
import { dateOptionProblem } from "../date-options.js";

interface GenerateFlags {
  depositors: string;
  seed: string;
  defectRate: string;
  markingRate: string;
  duplicateRate: string;
  defects?: string;
  countDefects: string;
  rrd: string;
  ruleset?: string;
  compiled?: string;
  out: string;
  force?: boolean;
  json?: boolean;
  previousOut?: string;
  changeRate: string;
  quarterlyOut?: string;
  quarterlyWrong: string;
}

/** What `regel generate` writes into its folder: the entity files, the ground truth, the manifest. */
function isGeneratedFile(name: string): boolean {
  return (
    name === "manifest.json" ||
    name === "ground-truth" ||
    /\.(csv|ndjson|jsonl)$/.test(name)
  );
}

/**
 * Check the output folder: a file there is an environment error (exit 3); a folder with files
 * is refused (exit 2) unless `--force`, which removes what an earlier `regel generate` writes
 * (entity files, `ground-truth/`, `manifest.json`) so no file of the earlier delivery stays.
 */
function prepareOut(
  out: string,
  force: boolean,
): { code: number; message: string } | undefined {
  if (!existsSync(out)) return undefined;
  if (!statSync(out).isDirectory())
    return {
      code: EXIT.environment,
      message: `${out} is a file, not a folder; give a folder for the delivery`,
    };
  const entries = readdirSync(out).sort();
  if (entries.length === 0) return undefined;
  if (!force)
    return {
      code: EXIT.usage,
      message: `${out} is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}); pass --force to replace the delivery there, or give a new folder`,
    };
  for (const name of entries)
    if (isGeneratedFile(name))
      rmSync(join(out, name), { recursive: true, force: true });
  return undefined;
}

/**
 * Why `--previous-out` cannot go with `--out`: the same folder, or one inside the other, would
 * mix the two deliveries' files (and `--force` would remove the other's).
 */
function overlapProblem(out: string, previousOut: string): string | undefined {
  const a = realFolder(out);
  const b = realFolder(previousOut);
  const both = `--out ${out} and --previous-out ${previousOut}`;
  if (a === b)
    return `${both} are the same folder; give the previous delivery (T−1) a folder of its own`;
  if (withinFolder(b, a) || withinFolder(a, b))
    return `${both}: one is inside the other; give the previous delivery (T−1) a folder of its own, beside --out`;
  return undefined;
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new Error(`${flag} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

/** `regel generate`: a synthetic delivery with known defects and its ground truth. */
export function register(program: Command): void {
  program
    .command("generate")
    .description(
      "write a synthetic IKB-bestand with injected defects and a ground-truth file",
    )
    .requiredOption("--depositors <n>", "number of depositors (IKBs)")
    .option(
      "--seed <s>",
      "random seed: the same seed gives the same delivery",
      "1",
    )
    .option(
      "--defect-rate <r>",
      "share of IKBs with one injected defect (0..1)",
      "0.05",
    )
    .option(
      "--marking-rate <r>",
      "share of IKBs with one Bijlage 3 marking (0..1)",
      "0.02",
    )
    .option(
      "--duplicate-rate <r>",
      "share of IKBs whose depositor repeats an earlier one under a new customer number (half of them near duplicates that must not match; ground-truth/near-duplicates.csv); needs dup0001 (ikb.glo 1.3.0)",
      "0",
    )
    .option(
      "--defects <codes>",
      "comma-separated rule codes to inject (default: all the generator knows)",
    )
    .option(
      "--count-defects <n>",
      "number of row counts in entity_type_delivery.csv to state wrongly (their findings go to ground-truth/file-findings.csv)",
      "0",
    )
    .option(
      "--rrd <date>",
      "reporting reference date (YYYY-MM-DD, a calendar day)",
      "2024-03-31",
    )
    .option(
      "--ruleset <name@version>",
      "ruleset version of the data model (default: the one in force on the RRD)",
    )
    .option(
      "--previous-out <dir>",
      "also write the previous delivery (T−1) there, a folder of its own (not --out, nor inside or around it), with changes injected between it and this one; their ground truth is ground-truth/previous-findings.csv (validate with --previous <dir>)",
    )
    .option(
      "--change-rate <r>",
      "with --previous-out: share of IKBs with one change since T−1 (0..1)",
      "0.05",
    )
    .option(
      "--quarterly-out <file>",
      "also write the bank's quarterly figures there (figure,value: the figures the ruleset's reconcile declares, as the generated delivery has them; validate with --quarterly <file>)",
    )
    .option(
      "--quarterly-wrong <n>",
      "with --quarterly-out: number of figures to write wrongly, beyond their tolerance (ground-truth/quarterly-wrong.csv)",
      "0",
    )
    .option(
      "--compiled <dir>",
      "folder of compiled rulesets (default: the ones shipped with regel)",
      undefined,
    )
    .requiredOption(
      "--out <dir>",
      "output folder (new or empty, unless --force)",
    )
    .option(
      "--force",
      "replace an existing delivery in --out (its CSV files, ground-truth/ and manifest.json)",
    )
    .option(
      "--json",
      "print what was generated (rows per file, injected findings per rule) as JSON",
    )
    .action(async (flags: GenerateFlags) => {
      try {
        const depositors = number("--depositors", flags.depositors);
        const seed = number("--seed", flags.seed);
        const defectRate = number("--defect-rate", flags.defectRate);
        const markingRate = number("--marking-rate", flags.markingRate);
        const changeRate = number("--change-rate", flags.changeRate);
        const countDefects = number("--count-defects", flags.countDefects);
        const duplicateRate = number("--duplicate-rate", flags.duplicateRate);
        const rrdProblem = dateOptionProblem("--rrd", flags.rrd);
        if (rrdProblem !== undefined) throw new Error(rrdProblem);
        const overlap =
          flags.previousOut === undefined
            ? undefined
            : overlapProblem(flags.out, flags.previousOut);
        if (overlap !== undefined) throw new Error(overlap);
        const quarterlyWrong = number(
          "--quarterly-wrong",
          flags.quarterlyWrong,
        );
        if (quarterlyWrong !== 0 && flags.quarterlyOut === undefined)
          throw new Error("--quarterly-wrong needs --quarterly-out <file>");
        if (!Number.isInteger(quarterlyWrong) || quarterlyWrong < 0)
          throw new Error(
            `--quarterly-wrong must be a whole number of figures, got ${flags.quarterlyWrong}`,
          );
        const ignored =
          flags.compiled === undefined ? ignoredLocalCompiledRoot() : undefined;
        if (ignored !== undefined)
          printErr(
            `regel generate: note: ${ignored} is not used (compiled rulesets are taken from regel's own unless named); to use it, add --compiled ${ignored}\n`,
          );
        const loaded = await selectRuleset({
          root: flags.compiled ?? defaultCompiledRoot(),
          ruleset: flags.ruleset ?? "ikb.glo",
          rrd: flags.rrd,
        });
        const reconcile = loaded.module.reconciliations?.[0];
        if (flags.quarterlyOut !== undefined && reconcile === undefined)
          throw new Error(
            `--quarterly-out: ${loaded.module.metadata.id} declares no reconcile, so there are no quarterly figures to write`,
          );
        if (
          reconcile !== undefined &&
          quarterlyWrong > reconcile.figures.length
        )
          throw new Error(
            `--quarterly-wrong ${quarterlyWrong}: reconcile ${reconcile.name} has ${reconcile.figures.length} figures`,
          );
        // only once the flags are known to be good: --force removes the earlier delivery
        const refused =
          prepareOut(flags.out, flags.force === true) ??
          (flags.previousOut === undefined
            ? undefined
            : prepareOut(flags.previousOut, flags.force === true));
        if (refused !== undefined) {
          printErr(`regel generate: ${refused.message}\n`);
          process.exitCode = refused.code;
          return;
        }
        const started = performance.now();
        const summary = generateDelivery(loaded.module, {
          depositors,
          seed,
          defectRate,
          markingRate,
          duplicateRate,
          defects: flags.defects
            ?.split(",")
            .map((c) => c.trim())
            .filter((c) => c !== ""),
          countDefects,
          rrd: flags.rrd,
          out: flags.out,
          previousOut: flags.previousOut,
          changeRate,
          onProgress:
            process.stderr.isTTY && flags.json !== true
              ? (done) =>
                  // the CLI's own carriage return: only numbers follow it
                  process.stderr.write(
                    `\r${done.toLocaleString("en")} / ${depositors.toLocaleString("en")} depositors`,
                  )
              : undefined,
        });
        if (process.stderr.isTTY && flags.json !== true) printErr("\n");
        let quarterly:
          | { file: string; wrong: ReturnType<typeof writeQuarterlyFigures> }
          | undefined;
        if (flags.quarterlyOut !== undefined && reconcile !== undefined) {
          // the figures as `regel validate` computes the aggregates of this delivery
          const report = await validateDelivery(flags.out, loaded, {
            rrd: flags.rrd,
            maxSamples: 0,
          });
          quarterly = {
            file: flags.quarterlyOut,
            wrong: writeQuarterlyFigures(reconcile, report.aggregates ?? [], {
              file: flags.quarterlyOut,
              wrong: quarterlyWrong,
              seed,
              out: flags.out,
            }),
          };
        }
        if (flags.json === true) {
          printOut(
            `${JSON.stringify({ out: flags.out, ...summary, ...(quarterly === undefined ? {} : { quarterly }) }, null, 2)}\n`,
          );
          return;
        }
        const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
        const seconds = (performance.now() - started) / 1000;
        printOut(
          `${summary.ruleset}: ${summary.depositors} depositors, ${rows} rows in ${seconds.toFixed(1)} s -> ${flags.out}\n` +
            `injected findings: ${Object.values(summary.findingsPerRule).reduce((a, b) => a + b, 0)}; ` +
            `IKBs meeting the automated controls: ${summary.ikbsMeetingAutomatedControls} (${summary.percentageMeetingAutomatedControls} %)\n` +
            (quarterly === undefined
              ? ""
              : `quarterly figures -> ${quarterly.file}: ${quarterly.wrong.length} written wrongly${quarterly.wrong.length === 0 ? "" : ` (${quarterly.wrong.map((w) => w.figure).join(", ")})`}\n`),
        );
      } catch (error) {
        if (isSystemError(error)) {
          process.exitCode = reportFailure("generate", error);
          return;
        }
        printErr(
          `regel generate: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exitCode = EXIT.usage;
      }
    });
}
