/**
 * A job of the parallel scan on a worker of the run's pool (runtime/worker-pool.ts): the sha256 of
 * a whole file, so that the main thread need not read it again for its provenance while the
 * threads scan its ranges (runtime/parallel-scan.ts sends it before the worker's first range).
 * Like every job, it waits for the worker's compiled ruleset and fails when that is not the code
 * the main thread loaded: a worker given other code fails at its first job, whatever the job.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import { InputHash } from "./input-hash.js";
import { loadWorkerRuleset, type WorkerRunData } from "./worker-run.js";

/** The kind of a hash job on a worker of the pool. */
export const HASH_JOB_KIND = "regel-hash-file";

/** A hash job: the run, the file, and its size when the run listed it. */
export interface HashJob extends WorkerRunData {
  path: string;
  size: number;
}

/** A hash job's message to the main thread: the digest, null when the file cannot be read. */
export interface HashWorkerMessage {
  type: "done";
  sha256: string | null;
}

/** Hash the job's file and send the digest back. */
export async function hashWork(port: MessagePort, job: HashJob): Promise<void> {
  await loadWorkerRuleset(job);
  const hash = new InputHash();
  // the worker does nothing else meanwhile: no event-loop turn is needed between reads
  hash.readRest(job.path, job.size);
  port.postMessage({
    type: "done",
    sha256: await hash.digest(job.path, job.size),
  } satisfies HashWorkerMessage);
}
