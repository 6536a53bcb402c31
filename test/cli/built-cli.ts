/**
 * The built `regel` command for tests that run it as a real process (signals, exit codes, pipes):
 * builds dist/ first when a source is newer than it.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const MAIN = join(ROOT, "dist", "cli", "main.js");

export { ensureBuilt } from "../source-folders.js";

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
