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
 * The state of an `--out` folder after a kill: a complete set, and — from the staged set's rename
 * to `.B.regel-new` until the swap ends (runtime/folder-commit.ts, steps 1 and 2) — a complete new
 * set staged beside it, which recovery moves into place: then the state is the staged set, and
 * the folder, if it is still there, must be complete too.
 */
export function stateAfterKill(
  dir: string,
): { set: string } | { staged: string } {
  const set = existsSync(dir) ? completeReportSet(dir) : undefined;
  const staged = join(dir, "..", `.${dir.split(/[\\/]/).pop()}.regel-new`);
  if (existsSync(staged)) return { staged: completeReportSet(staged) };
  if (set === undefined)
    throw new Error(`${dir} is gone and no complete set is staged`);
  return { set };
}
