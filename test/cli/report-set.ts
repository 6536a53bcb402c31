/**
 * What a complete, consistent report folder is, for the fault-injection tests: `report.json`
 * parses, `report.html` belongs to the same run (same `generatedAt`), and `samples/` holds exactly
 * the CSV files that report.json gives, byte for byte.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sampleFiles } from "../../runtime/report-csv.js";
import type { Report } from "../../runtime/report-types.js";

/**
 * Check that `dir` holds one complete report set and return its `generatedAt` (the tests give
 * every run its own); throws with what is wrong otherwise.
 */
export function completeReportSet(dir: string): string {
  const entries = readdirSync(dir).sort();
  if (entries.join(",") !== "report.html,report.json,samples")
    throw new Error(`${dir} holds ${entries.join(", ")}`);
  const json = readFileSync(join(dir, "report.json"), "utf8");
  const report = JSON.parse(json) as Report;
  const stamp = report.generatedAt;
  if (!stamp) throw new Error("report.json has no generatedAt");
  const html = readFileSync(join(dir, "report.html"), "utf8");
  if (!html.trimEnd().endsWith("</html>"))
    throw new Error("report.html is truncated");
  if (!html.includes(`generated ${stamp}`))
    throw new Error(`report.html is not the one of report.json (${stamp})`);
  const expected = sampleFiles(report);
  const present = readdirSync(join(dir, "samples")).sort();
  if (present.join(",") !== [...expected.keys()].sort().join(","))
    throw new Error(
      `samples/ holds ${present.join(", ")}; report.json gives ${[...expected.keys()].join(", ")}`,
    );
  for (const [name, text] of expected)
    if (readFileSync(join(dir, "samples", name), "utf8") !== text)
      throw new Error(`samples/${name} differs from report.json`);
  return stamp;
}

/**
 * The state of an `--out` folder after a kill: a complete set, or — only in the instant between
 * the two renames of the swap — no folder and a complete new set staged beside it.
 */
export function stateAfterKill(
  dir: string,
): { set: string } | { staged: string } {
  if (existsSync(dir)) return { set: completeReportSet(dir) };
  const staged = join(dir, "..", `.${dir.split(/[\\/]/).pop()}.regel-new`);
  if (!existsSync(staged))
    throw new Error(`${dir} is gone and no complete set is staged`);
  return { staged: completeReportSet(staged) };
}
