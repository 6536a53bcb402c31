/**
 * Starting a worker thread of the parallel passes (runtime/parallel-scan.ts,
 * runtime/stage-whole-file.ts, runtime/parallel-validate.ts) with the Node options of this
 * process that a worker can take. Node refuses a worker given an option about the main entry
 * (`--input-type`: `node --input-type=module -e …` running `validateDelivery`), a V8 option
 * (`--max-old-space-size`, `--no-opt`) or an option of the whole process (`--title`); the last two
 * are in force for every thread of the process already, so leaving them out changes nothing.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import type { DeliveryRun } from "./delivery-state.js";

/**
 * `node:worker_threads`, loaded when a run first starts a worker or opens a channel: a run on one
 * thread never does, and loading the module (or touching the global `MessageChannel`) costs about
 * a millisecond of a short run's start (issue 15). `process.getBuiltinModule`: Node 20.16 and later.
 */
export function workerThreads(): typeof import("node:worker_threads") {
  return process.getBuiltinModule("node:worker_threads");
}

/** Options of the main entry only: a worker started with them fails (`--input-type`) or runs code. */
const ENTRY_ONLY = new Set(["--input-type", "-e", "--eval", "-p", "--print"]);

/**
 * The Node options of this process a worker inherits, without those about the main entry
 * (`node --input-type=module -e …` running `validateDelivery`: a worker given `--input-type`
 * does not start).
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const name = arg.split("=")[0];
    if (!ENTRY_ONLY.has(name)) out.push(arg);
    // the option's value as the next argument
    else if (!arg.includes("=")) i++;
  }
  return out;
}

/**
 * The options Node refused for a worker, as its error names them (`ERR_WORKER_INVALID_EXEC_ARGV`:
 * "Initiated Worker with invalid execArgv flags: --a, --b"); empty when the error is another.
 */
export function refusedOptions(error: unknown): string[] {
  if (
    !(error instanceof Error) ||
    (error as NodeJS.ErrnoException).code !== "ERR_WORKER_INVALID_EXEC_ARGV"
  )
    return [];
  const colon = error.message.indexOf(": ");
  return colon < 0 ? [] : error.message.slice(colon + 2).split(", ");
}

/**
 * A worker running `script` with `workerData`, given this process's Node options
 * ({@link workerExecArgv}) less those Node refuses for a worker (V8 options and options of the
 * whole process, which are in force for the worker anyway).
 */
export function startWorker(script: URL, workerData: unknown): Worker {
  const execArgv = workerExecArgv(process.execArgv);
  try {
    return new (workerThreads().Worker)(script, { workerData, execArgv });
  } catch (e) {
    const refused = new Set(refusedOptions(e));
    if (refused.size === 0) throw e;
    // unrecognised names refused: start with none of this process's options rather than fail
    const kept = execArgv.filter((a) => !refused.has(a));
    return new (workerThreads().Worker)(script, {
      workerData,
      execArgv: kept.length === execArgv.length - refused.size ? kept : [],
    });
  }
}

/**
 * A built worker entry, `entry` of dist/runtime: beside this module (dist/runtime, or a chunk of
 * the bundled command in dist/bin), beside the CommonJS bundle's folder (dist/cjs → dist/runtime),
 * or, when this module runs from its TypeScript source (tests), the built one in dist/. Undefined
 * when there is none (then the main thread does the work).
 */
export function builtWorkerScript(entry: string): URL | undefined {
  let here: string;
  try {
    here = import.meta.url;
  } catch {
    return undefined;
  }
  for (const candidate of [
    `./${entry}`,
    `../runtime/${entry}`,
    `../dist/runtime/${entry}`,
  ]) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/** The built entry of the worker pool's workers (undefined: the main thread does the work). */
export function poolWorkerScript(): URL | undefined {
  return builtWorkerScript("pool-worker.js");
}

/**
 * The worker pool of each run that started one (runtime/worker-pool.ts keeps them here): a run
 * that started none closes without loading the pool's module, which a short run never loads.
 */
export const runPools = new WeakMap<DeliveryRun, { stop(): Promise<void> }>();

/** Stop the worker pool of the run `s`, if it has one. */
export async function closeRunPool(s: DeliveryRun): Promise<void> {
  const pool = runPools.get(s);
  runPools.delete(s);
  await pool?.stop();
}
