/**
 * Write a report to a folder: `report.json`, `report.html` and `samples/*.csv`.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderHtml } from "./html-report.js";
import { sampleFiles } from "./report-csv.js";
import { reportToJson } from "./report-json.js";
import type { Report } from "./report-types.js";

/** Write all report forms into `dir`; returns the paths written, sorted. */
export async function writeReport(
  report: Report,
  dir: string,
): Promise<string[]> {
  await mkdir(join(dir, "samples"), { recursive: true });
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    written.push(join(dir, name));
  };
  await put("report.json", reportToJson(report));
  await put("report.html", renderHtml(report, { samplesDir: "samples" }));
  for (const [name, text] of sampleFiles(report))
    await put(join("samples", name), text);
  return written.sort();
}
