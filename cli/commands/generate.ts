import type { Command } from "commander";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import {
  defaultCompiledRoot,
  ignoredLocalCompiledRoot,
} from "../../runtime/load-compiled.js";
import { selectRuleset } from "../../runtime/select-version.js";
import { printErr, printOut } from "../terminal-text.js";

interface GenerateFlags {
  depositors: string;
  seed: string;
  defectRate: string;
  markingRate: string;
  defects?: string;
  rrd: string;
  ruleset?: string;
  compiled?: string;
  out: string;
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
      "--defects <codes>",
      "comma-separated rule codes to inject (default: all the generator knows)",
    )
    .option(
      "--rrd <date>",
      "reporting reference date (YYYY-MM-DD)",
      "2024-03-31",
    )
    .option(
      "--ruleset <name@version>",
      "ruleset version of the data model (default: the one in force on the RRD)",
    )
    .option(
      "--compiled <dir>",
      "folder of compiled rulesets (default: the ones shipped with regel)",
      undefined,
    )
    .requiredOption("--out <dir>", "output folder")
    .action(async (flags: GenerateFlags) => {
      try {
        const depositors = number("--depositors", flags.depositors);
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
        const started = performance.now();
        const summary = generateDelivery(loaded.module, {
          depositors,
          seed: number("--seed", flags.seed),
          defectRate: number("--defect-rate", flags.defectRate),
          markingRate: number("--marking-rate", flags.markingRate),
          defects: flags.defects
            ?.split(",")
            .map((c) => c.trim())
            .filter((c) => c !== ""),
          rrd: flags.rrd,
          out: flags.out,
          onProgress: process.stderr.isTTY
            ? (done) =>
                // the CLI's own carriage return: only numbers follow it
                process.stderr.write(
                  `\r${done.toLocaleString("en")} / ${depositors.toLocaleString("en")} depositors`,
                )
            : undefined,
        });
        if (process.stderr.isTTY) printErr("\n");
        const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
        const seconds = (performance.now() - started) / 1000;
        printOut(
          `${summary.ruleset}: ${summary.depositors} depositors, ${rows} rows in ${seconds.toFixed(1)} s -> ${flags.out}\n` +
            `injected findings: ${Object.values(summary.findingsPerRule).reduce((a, b) => a + b, 0)}; ` +
            `IKBs meeting the automated controls: ${summary.ikbsMeetingAutomatedControls} (${summary.percentageMeetingAutomatedControls} %)\n`,
        );
      } catch (error) {
        printErr(
          `regel generate: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exitCode = 2;
      }
    });
}
