/**
 * One temporary folder for the whole test run: every test, its forks and the CLI processes they
 * start get it as `TMPDIR` (`TEMP`, `TMP`) (os.tmpdir() reads it on every call), and it is removed when the run
 * ends. Without it each run left about 800 folders in the machine's temporary folder, which
 * `regel validate` lists to sweep leftover sort folders: at 19,000 entries that listing alone was
 * 15 ms of the bundled example's run.
 *
 * Also dist/ built here, once, when a source is newer than it ({@link ensureBuilt}): test files
 * that call it themselves would otherwise rebuild it at the same time, and a test that packs the
 * package found a half-written bundle folder (`dist/bin.build-<pid>`) in it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt } from "./source-folders.js";

/** The temporary folder before the run's own, for caches meant to outlive a run (Chromium). */
export const HOST_TMPDIR_VARIABLE = "REGEL_TEST_HOST_TMPDIR";

export default function setup(): () => void {
  ensureBuilt();
  const host = tmpdir();
  const run = mkdtempSync(join(host, "regel-vitest-"));
  process.env[HOST_TMPDIR_VARIABLE] ??= host;
  // TMPDIR on POSIX, TEMP and TMP on Windows
  for (const name of ["TMPDIR", "TEMP", "TMP"]) process.env[name] = run;
  return () => {
    rmSync(run, { recursive: true, force: true });
  };
}
