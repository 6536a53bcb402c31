/**
 * `regel verify <report.json> --delivery DIR [--compiled DIR] [--quarterly FILE] [--previous DIR] [--history FILE]`: validate the delivery again with
 * the ruleset, RRD and options the report names and state whether the report reproduces exactly
 * (byte for byte apart from timing); when it does not, which hash differs (an input file, a
 * ruleset source, the compiled module, the tool version) and which findings and counts differ.
 * Exit codes: 0 reproduced, 1 not reproduced, 2 usage error, 3 internal error.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { defaultCompiledRoot } from "../../runtime/load-compiled.js";
import {
  readReportText,
  verifyReport,
  VerifyError,
  type VerifyResult,
} from "../../audit/verify.js";
import { EXIT } from "../exit-codes.js";
import { tempDirProblem } from "../temp-dir-option.js";
import { isFolder } from "../../runtime/make-folder.js";
import { printErr, printOut } from "../terminal-text.js";
import type { CommandOutput } from "./trace.js";

interface Options {
  delivery?: string;
  compiled?: string;
  tempDir?: string;
  quarterly?: string;
  previous?: string;
  history?: string;
  json?: boolean;
}

/** The verdict as JSON (`--json`): the fields of the text, without the new report. */
export function verifyJson(
  reportPath: string,
  delivery: string,
  r: VerifyResult,
): string {
  const body = {
    report: reportPath,
    delivery,
    reproduced: r.reproduced,
    hashes: r.hashes,
    differences: r.differences,
    notRun: r.notRun ?? null,
    notes: r.notes,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** The verdict as text. */
export function verifyText(
  reportPath: string,
  delivery: string,
  r: VerifyResult,
): string {
  const L: string[] = [];
  if (r.reproduced) {
    const p = r.report!.provenance!;
    L.push(
      `regel verify: reproduced — ${reportPath} is byte for byte the report of a new validation of ${delivery}`,
      `  ${p.ruleset.id}, RRD ${r.report!.rrd}, ${p.inputs.length} input file${p.inputs.length === 1 ? "" : "s"}, regel ${r.report!.generator.version}: same findings, same counts`,
    );
  } else {
    L.push(
      `regel verify: NOT reproduced — ${reportPath} differs from a new validation of ${delivery}`,
    );
    if (r.notRun !== undefined)
      L.push(`the delivery could not be validated again: ${r.notRun}`);
    if (r.hashes.length > 0)
      L.push(
        "what produced the report and differs now:",
        ...r.hashes.map((h) => `  ${h}`),
      );
    if (r.differences.length > 0) {
      const shown = r.differences.slice(0, 40);
      L.push(
        "findings and counts that differ (in the report → now):",
        ...shown.map((d) => `  ${d}`),
      );
      if (r.differences.length > shown.length)
        L.push(`  … and ${r.differences.length - shown.length} more`);
    }
  }
  for (const n of r.notes) L.push(`note: ${n}`);
  return `${L.join("\n")}\n`;
}

/** Run `regel verify` and return what it prints. */
export async function runVerify(
  reportPath: string,
  options: Options,
): Promise<CommandOutput> {
  const fail = (message: string): CommandOutput => ({
    code: EXIT.usage,
    stdout: "",
    stderr: `regel verify: ${message}\n`,
  });
  const delivery = options.delivery;
  if (delivery === undefined)
    return fail(
      "give --delivery DIR: the delivery folder the report was made from",
    );
  if (!isFolder(delivery)) return fail(`${delivery} is not a folder`);
  const tempDir = tempDirProblem(options.tempDir, delivery);
  if (tempDir !== undefined) return fail(tempDir);
  const compiledRoot = options.compiled ?? defaultCompiledRoot();
  if (!existsSync(compiledRoot))
    return fail(`${compiledRoot} does not exist (--compiled DIR)`);
  try {
    const result = await verifyReport({
      reportText: readReportText(reportPath),
      delivery,
      compiledRoot,
      tempDir: options.tempDir,
      quarterly: options.quarterly,
      previous: options.previous,
      history: options.history,
    });
    return {
      code: result.reproduced ? EXIT.ok : EXIT.failed,
      stdout:
        options.json === true
          ? verifyJson(reportPath, delivery, result)
          : verifyText(reportPath, delivery, result),
      stderr: "",
    };
  } catch (e) {
    if (e instanceof VerifyError) return fail(e.message);
    return {
      code: EXIT.environment,
      stdout: "",
      stderr: `regel verify: internal error: ${(e as Error).message}\n`,
    };
  }
}

/** Register the `verify` command. */
export function register(program: Command): void {
  program
    .command("verify")
    .description(
      "Validate a delivery again as a report says and state whether the report reproduces exactly",
    )
    .argument("<report>", "the JSON report (report.json)")
    .option("--delivery <dir>", "the delivery folder the report was made from")
    .option(
      "--compiled <dir>",
      "folder with compiled rulesets (default: the ones shipped with regel, as for validate; a rulesets/compiled folder under the working directory is used only when named here)",
    )
    .option("--temp-dir <dir>", "folder for temporary sort files")
    .option(
      "--quarterly <file>",
      "the quarterly file the report was reconciled with (needed when the report records one)",
    )
    .option(
      "--previous <dir>",
      "the previous delivery the report compared with (needed when the report records one)",
    )
    .option(
      "--history <file>",
      "the history the report's outliers were evaluated against (plausibility.outliers), when it is no longer where the report names it; they are evaluated again against the runs of it that the report read",
    )
    .option("--json", "print the verdict and what differs as JSON")
    // exit 1 means "not reproduced": a usage error (a missing argument) must not look like one
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    })
    .addHelpText(
      "after",
      "\nExit codes: 0 reproduced, 1 not reproduced (the output names what differs), 2 usage error, 3 internal error.",
    )
    .action(async (report: string, options: Options) => {
      const out = await runVerify(report, options);
      printOut(out.stdout);
      printErr(out.stderr);
      process.exitCode = out.code;
    });
}
