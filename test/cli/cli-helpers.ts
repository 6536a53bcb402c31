/**
 * Helpers for tests that run the built `regel` command: build `dist/` first when a source is newer
 * than its compiled form, and run a command capturing its exit code and output.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const MAIN = join(ROOT, "dist", "cli", "main.js");

function mtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/** Run `tsc` when any source the CLI runs is newer than its compiled form. */
export function ensureBuilt(): void {
  const stale = ["dsl", "cli", "cli/commands", "compiler", "runtime"].some(
    (dir) =>
      readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        .some(
          (f) =>
            mtime(join(ROOT, dir, f)) >
            mtime(join(ROOT, "dist", dir, f.replace(/\.ts$/, ".js"))),
        ),
  );
  // tsc exits non-zero while other engineers' files have errors; it still emits.
  if (stale)
    spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
      cwd: ROOT,
      stdio: "ignore",
    });
}

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
