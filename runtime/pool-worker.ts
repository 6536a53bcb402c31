/**
 * The entry of the worker threads of a run's pool (runtime/worker-pool.ts). A worker loads the
 * compiled ruleset from the folder the main thread loaded it from, once (a worker given other code
 * than the main thread's fails before its first job), then runs the jobs it is sent, one at a
 * time in the order they came (a job may be queued behind the one running), each over a channel
 * of its own, and says when each is done: a range of the scan
 * (runtime/scan-worker.ts), of the whole-file passes (runtime/whole-file-worker.ts) or of the
 * validate pass (runtime/validate-worker.ts), key sets to sort (runtime/seal-key-sets.ts), a
 * whole file to hash (runtime/hash-worker.ts), a piece of a file to sort into runs or one
 * range's runs to merge (runtime/sort-worker.ts). Its code stays warm from job to job. A job that
 * throws fails the worker: the main thread gets the error, and the run fails.
 *
 * @module
 */
import {
  isMainThread,
  parentPort,
  workerData,
  type MessagePort,
} from "node:worker_threads";
import { HASH_JOB_KIND, hashWork } from "./hash-worker.js";
import { SCAN_JOB_KIND } from "./parallel-scan.js";
import { JOB_KIND } from "./parallel-validate.js";
import { scanWork } from "./scan-worker.js";
import { SEAL_JOB_KIND, sealWork } from "./seal-key-sets.js";
import {
  REDUCE_JOB_KIND,
  reduceWork,
  SORT_JOB_KIND,
  sortWork,
} from "./sort-worker.js";
import { WHOLE_FILE_JOB_KIND } from "./stage-whole-file.js";
import { validateWork } from "./validate-worker.js";
import { wholeFileWork } from "./whole-file-worker.js";
import { loadWorkerRuleset } from "./worker-run.js";
import {
  POOL_KIND,
  type PoolFreeMessage,
  type PoolJobMessage,
  type PoolWorkerData,
} from "./worker-pool.js";

/** Thrown outside the promise: the main thread gets it as the worker's `error` event. */
function rethrow(e: unknown): void {
  setImmediate(() => {
    throw e;
  });
}

/** Run the jobs the pool sends (see the module comment). */
function poolWorker(parent: MessagePort, data: PoolWorkerData): void {
  const jobs: Record<string, (port: MessagePort, job: never) => Promise<void>> =
    {
      [SCAN_JOB_KIND]: scanWork,
      [WHOLE_FILE_JOB_KIND]: wholeFileWork,
      [JOB_KIND]: validateWork,
      [SEAL_JOB_KIND]: sealWork,
      [HASH_JOB_KIND]: hashWork,
      [SORT_JOB_KIND]: sortWork,
      [REDUCE_JOB_KIND]: reduceWork,
    };
  loadWorkerRuleset(data).catch(rethrow);
  /** The jobs sent so far, one after the other. */
  let queue: Promise<void> = Promise.resolve();
  parent.on("message", (m: PoolJobMessage) => {
    const run = jobs[m.kind];
    if (run === undefined) {
      rethrow(new Error(`no job of kind ${m.kind}`));
      return;
    }
    queue = queue
      .then(() => run(m.port, m.job as never))
      .then(
        () => parent.postMessage({ type: "free" } satisfies PoolFreeMessage),
        rethrow,
      );
  });
}

if (
  !isMainThread &&
  parentPort !== null &&
  (workerData as Partial<PoolWorkerData> | null)?.kind === POOL_KIND
)
  poolWorker(parentPort, workerData as PoolWorkerData);
