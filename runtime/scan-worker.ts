/**
 * A job of the parallel scan (runtime/parallel-scan.ts sends it) on a worker of the run's pool
 * (runtime/worker-pool.ts; the entry, runtime/validate-worker.ts, runs it for a job of kind
 * `SCAN_JOB_KIND`): scan one byte range with {@link scanRange} and hand back its
 * {@link RangeResult} (its typed arrays transferred, not copied). The worker's run uses the
 * compiled ruleset it loaded once (only plain data crosses threads).
 *
 * Messages on the job's channel, to the main thread: `progress` (bytes read) and `done`.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import { openWorkerRun } from "./worker-run.js";
import {
  scanRange,
  transferables,
  type ScanJob,
  type ScanWorkerMessage,
} from "./parallel-scan.js";

/** Bytes read between two progress messages. */
const PROGRESS_BYTES = 4 << 20;

/** Scan the job's range and hand back what it found. */
export async function scanWork(port: MessagePort, job: ScanJob): Promise<void> {
  const s = await openWorkerRun(job);
  let unreported = 0;
  const result = await scanRange(s, job.file, job.start, job.end, (n) => {
    unreported += n;
    if (unreported < PROGRESS_BYTES) return;
    port.postMessage({
      type: "progress",
      bytes: unreported,
    } satisfies ScanWorkerMessage);
    unreported = 0;
  });
  if (unreported > 0)
    port.postMessage({
      type: "progress",
      bytes: unreported,
    } satisfies ScanWorkerMessage);
  port.postMessage(
    { type: "done", result } satisfies ScanWorkerMessage,
    transferables(result),
  );
}
