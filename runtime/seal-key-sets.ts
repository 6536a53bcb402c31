/**
 * Sealing the run's key sets (the references' targets and the unique keys, runtime/key-set.ts)
 * before the whole-file and validate passes. Each seal is a counting sort of 8-byte hashes, one
 * per row: at 10 M depositors the sets hold about 70 M hashes and the sorts took about 8 s, in
 * the main thread alone while the workers waited. With worker threads the sets are dealt out
 * by size to the main thread and the run's pool (runtime/worker-pool.ts): a worker is handed a
 * set's buffer (transferred, not copied), sorts it with the same {@link sortHashes} and hands
 * the sorted hashes and their index back. The sets come out the same in any thread.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import type { DeliveryRun } from "./delivery-state.js";
import { sortHashes, type HashSet53, type SortedHashes } from "./key-set.js";
import { threadsWanted } from "./stage-partition.js";
import type { WorkerLink } from "./worker-pool.js";

/** The kind of a seal job on a worker of the pool. */
export const SEAL_JOB_KIND = "regel-seal-key-sets";

/**
 * Fewer hashes than this in all are sorted in the main thread: handing them over would cost more
 * than it saves.
 */
export const SEAL_SPLIT_HASHES = 1 << 20;

/** A worker's part: the hashes of its sets (each the first `n` of `hashes`). */
export interface SealJob {
  sets: { hashes: Float64Array<ArrayBuffer>; n: number }[];
}

/** A worker's answer: its sets sorted, in the order of the job. */
export interface SealMessage {
  type: "sorted";
  sorted: SortedHashes[];
}

/** Sort the sets of a seal job and hand them back (a worker of the pool runs it). */
export async function sealWork(port: MessagePort, job: SealJob): Promise<void> {
  const sorted = job.sets.map((set) => sortHashes(set.hashes, set.n));
  port.postMessage(
    { type: "sorted", sorted } satisfies SealMessage,
    sorted.flatMap((r) => [r.sorted.buffer, r.index.buffer]),
  );
}

/**
 * Seal `sets`: with more than one thread and at least {@link SEAL_SPLIT_HASHES} hashes (or the
 * run's `sealSplitHashes`), the largest go to the pool's workers and the main thread seals the
 * rest at the same time, each thread taking the next largest set while its load is the smallest.
 */
export async function sealKeySets(
  s: DeliveryRun,
  sets: readonly HashSet53[],
): Promise<void> {
  const splitHashes = s.opts.sealSplitHashes ?? SEAL_SPLIT_HASHES;
  const total = sets.reduce((n, set) => n + set.size, 0);
  const threads = threadsWanted(
    s.opts.threads,
    s.files.reduce((n, f) => n + f.bytes, 0),
  );
  // the pool's module is loaded only by a run that uses threads (a chunk of its own in the
  // bundled command)
  const pools =
    threads > 1 && total >= splitHashes
      ? await import("./worker-pool.js")
      : undefined;
  const pool = pools?.runPool(s, threads - 1);
  if (pools === undefined || pool === undefined) {
    for (const set of sets) set.seal();
    return;
  }
  // thread 0 is this one; each set to the thread with the least to sort so far
  const parts: HashSet53[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  for (const set of [...sets].sort((a, b) => b.size - a.size)) {
    const t = load.indexOf(Math.min(...load));
    parts[t].push(set);
    load[t] += set.size;
  }
  const links: [WorkerLink<SealMessage, never>, HashSet53[]][] = [];
  try {
    for (let t = 1; t < threads; t++) {
      if (parts[t].length === 0) continue;
      const job: SealJob = { sets: parts[t].map((set) => set.takeUnsorted()) };
      const run = await pool.run(
        SEAL_JOB_KIND,
        job,
        job.sets.map((set) => set.hashes.buffer),
      );
      links.push([
        new pools.WorkerLink<SealMessage, never>(
          run,
          t - 1,
          () => {},
          "the seal",
        ),
        parts[t],
      ]);
    }
    for (const set of parts[0]) set.seal();
    for (const [link, mine] of links) {
      const { sorted } = await link.next("sorted");
      mine.forEach((set, i) => set.adoptSorted(sorted[i]));
    }
  } finally {
    await Promise.all(links.map(([link]) => link.stop()));
  }
}
