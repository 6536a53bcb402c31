/**
 * The whole-file passes' job over a range of IKB keys (runtime/stage-whole-file.ts sends it) on a
 * worker of the run's pool (runtime/worker-pool.ts; the entry, runtime/pool-worker.ts, runs
 * {@link wholeFileWork} for a job of kind `WHOLE_FILE_JOB_KIND`). It uses the compiled ruleset its
 * worker loaded (the checks' projections are functions of the module), rebuilds the files and
 * checks from plain data, and reads only the rows of its range of IKB keys.
 *
 * Round 1: per joined check, the hashes of the pairs of its range in order (and the second read
 * of the own file's checks along, from the row number of its resume point); then the own-file
 * checks of the other files; message `scanned`. It waits for `sealed`, the main thread's sealed
 * joined checks with the number of the range's first pair (meanwhile it answers `repeat`: half of
 * the look for a joined check's repeated hashes), reads its records of the own file again
 * (alone) for those with candidates, and sends `collected`.
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
  type WholeFileToWorker,
} from "./stage-whole-file.js";
import { repeatedBuffers, repeatedHashes } from "./whole-file.js";

/**
 * The main thread's `sealed`; a `repeat` before it is answered at once (a half of the look for a
 * joined check's repeated hashes, runtime/stage-whole-file.ts `sealSplit`).
 */
function sealedMessage(port: MessagePort): Promise<WholeFileSealedMessage> {
  return new Promise((resolve) => {
    const onMessage = (m: WholeFileToWorker) => {
      if (m.type === "sealed") {
        port.off("message", onMessage);
        resolve(m);
        return;
      }
      const repeated = repeatedHashes(m.hashes, m.part);
      port.postMessage(
        { type: "repeated", repeated } satisfies WholeFileMessage,
        repeatedBuffers(repeated),
      );
    };
    port.on("message", onMessage);
  });
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
  const sealed = sealedMessage(port);
  port.postMessage((await work.round1()) satisfies WholeFileMessage);
  port.postMessage(
    (await work.round2(await sealed)) satisfies WholeFileMessage,
  );
}
