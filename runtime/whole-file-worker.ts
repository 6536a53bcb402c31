/**
 * The whole-file passes' job over a range of IKB keys (runtime/stage-whole-file.ts sends it) on a
 * worker of the run's pool (runtime/worker-pool.ts; the entry, runtime/pool-worker.ts, runs
 * {@link wholeFileWork} for a job of kind `WHOLE_FILE_JOB_KIND`). It uses the compiled ruleset its
 * worker loaded (the checks' projections are functions of the module), rebuilds the files and
 * checks from plain data, and reads only the rows of its range of IKB keys.
 *
 * Round 1: per joined check, the hashes of the pairs of its range in order (and the second read
 * of the own file's checks along, from the row number of its resume point); then the own-file
 * checks of the other files; message `scanned`. It waits for `sealed` (the main thread's sealed
 * joined checks, with the number of the range's first pair), reads its records of the own file
 * again (alone) for those with candidates, and sends `collected`.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import { openWorkerRun, workerFileState } from "./worker-run.js";
import {
  RangeWork,
  type WholeFileJob,
  type WholeFileMessage,
  type WholeFileSealedMessage,
} from "./stage-whole-file.js";

function nextMessage(port: MessagePort): Promise<WholeFileSealedMessage> {
  return new Promise((resolve) =>
    port.once("message", (m: WholeFileSealedMessage) => resolve(m)),
  );
}

/** Run the job's two rounds over its range (see the module comment). */
export async function wholeFileWork(
  port: MessagePort,
  job: WholeFileJob,
): Promise<void> {
  const s = await openWorkerRun(job);
  const work = new RangeWork(
    s,
    job.files.map((d) => workerFileState(s, d)),
    job,
  );
  const sealed = nextMessage(port);
  port.postMessage((await work.round1()) satisfies WholeFileMessage);
  port.postMessage(
    (await work.round2(await sealed)) satisfies WholeFileMessage,
  );
}
