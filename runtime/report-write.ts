/**
 * Write a report to a folder: `report.json`, `report.html` and `samples/*.csv`, as one set (see
 * {@link commitFolder}): after a crash the folder holds the previous report or the new one, never
 * a mix, and no sample file of an earlier run stays behind.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isLeftoverSortDir } from "./assemble.js";
import {
  checkFolder,
  commitFolder,
  type CommitOptions,
  type FileText,
} from "./folder-commit.js";
import { renderHtml } from "./html-report.js";
import { sampleFiles } from "./report-csv.js";
import { reportToJson } from "./report-json.js";
import type { Report } from "./report-types.js";

/** Entries of a report folder besides `samples/`. */
const REPORT_FILES = new Set(["report.json", "report.html"]);

/**
 * True when `dir` holds nothing but a report set (`report.json`, `report.html`, `samples/*.csv`)
 * and sort folders of killed runs (`--temp-dir` the same folder as `--out`), so that replacing the
 * whole folder loses nothing of the user's.
 */
export function isReportFolder(dir: string): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && REPORT_FILES.has(e.name)) continue;
    if (e.isDirectory() && isLeftoverSortDir(join(dir, e.name))) continue;
    if (e.isDirectory() && e.name === "samples") {
      const samples = join(dir, "samples");
      const ok = readdirSync(samples).every(
        (f) => f.endsWith(".csv") && statSync(join(samples, f)).isFile(),
      );
      if (ok) continue;
    }
    return false;
  }
  return true;
}

/**
 * Write all report forms into `dir`, replacing an earlier report there as one set; returns the
 * paths written, sorted. `dir` must be absent, empty or hold only an earlier report.
 */
export async function writeReport(
  report: Report,
  dir: string,
  options: Pick<CommitOptions, "onStep"> = {},
): Promise<string[]> {
  const files = new Map<string, FileText>();
  // the small sample files first; report.json and report.html are made while the files written
  // before them are fsynced (in libuv's thread pool), which then overlaps the main thread's work
  files.set("samples/", "");
  for (const [name, text] of sampleFiles(report))
    files.set(`samples/${name}`, text);
  files.set("report.json", () => reportToJson(report));
  files.set("report.html", () => renderHtml(report, { samplesDir: "samples" }));
  return commitFolder(dir, files, {
    replaceable: isReportFolder,
    onStep: options.onStep,
  });
}

/**
 * Check before a long run that {@link writeReport} could write into `dir`: throws
 * `OutputFolderError` when it is a file, holds files other than a report, or is read-only.
 */
export function checkReportFolder(dir: string): void {
  checkFolder(dir, { replaceable: isReportFolder });
}
