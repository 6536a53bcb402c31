/**
 * The built `regel` command for tests that run it as a real process (signals, exit codes, pipes):
 * builds dist/ first when a source is newer than it.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const MAIN = join(ROOT, "dist", "cli", "main.js");

function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext) && !e.name.endsWith(".d.ts"))
      t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Build dist/ when a source of the command is newer than the newest build output. */
export function ensureBuilt(): void {
  const dirs = ["cli", "compiler", "dsl", "runtime"];
  const sources = Math.max(...dirs.map((d) => newest(join(ROOT, d), ".ts")));
  let built = 0;
  try {
    built = Math.max(...dirs.map((d) => newest(join(ROOT, "dist", d), ".js")));
  } catch {
    built = 0;
  }
  if (built >= sources) return;
  // tsc exits non-zero while other engineers' files have errors; it still emits.
  spawnSync(
    "npx",
    [
      "tsc",
      "-p",
      "tsconfig.build.json",
      "--incremental",
      "--tsBuildInfoFile",
      ".regel-cache/cli-tests.tsbuildinfo",
    ],
    { cwd: ROOT, stdio: "ignore" },
  );
}

/** Run `regel ARGS` to the end. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    env: options.env ?? process.env,
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** What a finished `regel` process printed and how it ended. */
export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `regel ARGS` without blocking, so that tests can run several at once. */
export function runCliAsync(
  args: readonly string[],
  options: { cwd?: string; nodeArgs?: readonly string[] } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), MAIN, ...args],
      { cwd: options.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.on("error", reject);
    child.on("close", (status, signal) =>
      resolve({ status, signal, stdout, stderr }),
    );
  });
}

/** A stack trace line, as Node prints them ("    at f (file:1:2)"). */
export const STACK_TRACE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
