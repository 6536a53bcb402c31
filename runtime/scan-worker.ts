/**
 * The entry of a worker thread of the parallel scan (runtime/parallel-scan.ts starts it). It
 * loads the compiled ruleset itself from the same folder (only plain data crosses threads), then
 * scans the byte ranges it is sent, one at a time, with {@link scanRange}, and hands back each
 * range's {@link RangeResult} (its typed arrays transferred, not copied).
 *
 * Messages: from the main thread `job`; to it `progress` (bytes read) and `done`.
 *
 * @module
 */
import {
  isMainThread,
  parentPort,
  workerData,
  type MessagePort,
} from "node:worker_threads";
import { openWorkerRun } from "./worker-run.js";
import {
  SCAN_JOB_KIND,
  scanRange,
  transferables,
  type ScanJobMessage,
  type ScanWorkerData,
  type ScanWorkerMessage,
} from "./parallel-scan.js";

/** Bytes read between two progress messages. */
const PROGRESS_BYTES = 4 << 20;

async function work(port: MessagePort, data: ScanWorkerData): Promise<void> {
  const s = await openWorkerRun(data);
  // one job at a time: the main thread sends the next when this one is done
  const jobs: ScanJobMessage[] = [];
  let running = false;
  const next = async (): Promise<void> => {
    if (running) return;
    running = true;
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
      const id = job.id;
      let unreported = 0;
      const result = await scanRange(s, job.file, job.start, job.end, (n) => {
        unreported += n;
        if (unreported < PROGRESS_BYTES) return;
        port.postMessage({
          type: "progress",
          id,
          bytes: unreported,
        } satisfies ScanWorkerMessage);
        unreported = 0;
      });
      if (unreported > 0)
        port.postMessage({
          type: "progress",
          id,
          bytes: unreported,
        } satisfies ScanWorkerMessage);
      port.postMessage(
        { type: "done", id, result } satisfies ScanWorkerMessage,
        transferables(result),
      );
    }
    running = false;
  };
  port.on("message", (m: ScanJobMessage) => {
    jobs.push(m);
    next().catch(fail);
  });
}

/** Thrown outside the promise: the main thread gets it as the worker's `error` event. */
function fail(e: unknown): void {
  setImmediate(() => {
    throw e;
  });
}

if (
  !isMainThread &&
  parentPort !== null &&
  (workerData as Partial<ScanWorkerData> | null)?.kind === SCAN_JOB_KIND
)
  work(parentPort, workerData as ScanWorkerData).catch(fail);
