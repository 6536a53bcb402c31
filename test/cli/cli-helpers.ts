/**
 * Helpers for tests that run the built `regel` command: build `dist/` first when a source is newer
 * than its compiled form, and run a command capturing its exit code and output.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const MAIN = join(ROOT, "dist", "cli", "main.js");

export { ensureBuilt } from "../source-folders.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `regel ARGS` in `cwd` (default: the repository). */
export function regel(args: string[], cwd = ROOT): CliResult {
  const r = spawnSync("node", [MAIN, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** No stack trace: no `    at ` frame lines and no `Error:` with a file location. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(].+\d+:\d+\)?$/m.test(text);
}
