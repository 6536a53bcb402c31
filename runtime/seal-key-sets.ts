/**
 * Sealing the run's key sets (the references' targets and the unique keys, runtime/key-set.ts)
 * before the whole-file and validate passes, and with them step 2 of the whole-file checks of
 * one file (runtime/whole-file.ts: the hashes that occur more than once). Each seal is a
 * counting sort of 8-byte hashes, one per row: at 10 M depositors the sets hold about 70 M hashes
 * and the sorts took about 8 s, in the main thread alone while the workers waited; the whole-file
 * checks' seals then took about 1 s more, the workers waiting again. With worker threads the sets
 * and the checks are dealt out by size to the main thread and the run's pool
 * (runtime/worker-pool.ts): a worker is handed a set's buffer or a check's hashes (transferred,
 * not copied), runs the same {@link sortHashes} or {@link repeatedHashes} and hands the result
 * back. The sets and the checks come out the same in any thread.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import type { DeliveryRun } from "./delivery-state.js";
import { sortHashes, type HashSet53, type SortedHashes } from "./key-set.js";
import {
  repeatedBuffers,
  repeatedHashes,
  type RepeatedHashes,
  type WholeFileCheck,
} from "./whole-file.js";
import { runThreads } from "./stage-partition.js";
import type { WorkerLink } from "./worker-pool.js";

/** The kind of a seal job on a worker of the pool. */
export const SEAL_JOB_KIND = "regel-seal-key-sets";

/**
 * Fewer hashes than this in all are sorted in the main thread: handing them over would cost more
 * than it saves.
 */
export const SEAL_SPLIT_HASHES = 1 << 20;

/**
 * A worker's part: the hashes of its sets (each the first `n` of `hashes`), and of its
 * whole-file checks (each check's scan hashes, in row order).
 */
export interface SealJob {
  sets: { hashes: Float64Array<ArrayBuffer>; n: number }[];
  checks: Float64Array<ArrayBuffer>[];
}

/** A worker's answer: its sets sorted and its checks' repeated hashes, in the order of the job. */
export interface SealMessage {
  type: "sorted";
  sorted: SortedHashes[];
  repeated: RepeatedHashes[];
}

/** Seal the sets and checks of a seal job and hand them back (a worker of the pool runs it). */
export async function sealWork(port: MessagePort, job: SealJob): Promise<void> {
  const sorted = job.sets.map((set) => sortHashes(set.hashes, set.n));
  const repeated = job.checks.map((hashes) => repeatedHashes(hashes));
  port.postMessage({ type: "sorted", sorted, repeated } satisfies SealMessage, [
    ...sorted.flatMap((r) => [r.sorted.buffer, r.index.buffer]),
    ...repeated.flatMap(repeatedBuffers),
  ]);
}

/** A set or a whole-file check to seal, and its size (hashes). */
type Sealable =
  { set: HashSet53; size: number } | { check: WholeFileCheck; size: number };

/**
 * Seal `sets`, and step 2 of the whole-file checks `checks` (of one file each, not joined): with
 * more than one thread and at least {@link SEAL_SPLIT_HASHES} hashes (or the run's
 * `sealSplitHashes`), the largest go to the pool's workers and the main thread seals the rest at
 * the same time, each thread taking the next largest while its load is the smallest. In one
 * thread the checks are left to the whole-file pass, which seals them as it starts.
 */
export async function sealKeySets(
  s: DeliveryRun,
  sets: readonly HashSet53[],
  checks: readonly WholeFileCheck[] = [],
): Promise<void> {
  const splitHashes = s.opts.sealSplitHashes ?? SEAL_SPLIT_HASHES;
  const items: Sealable[] = [
    ...sets.map((set) => ({ set, size: set.size })),
    ...checks.map((check) => ({ check, size: check.scanRows })),
  ];
  const total = items.reduce((n, item) => n + item.size, 0);
  const asked = runThreads(
    s,
    s.files.reduce((n, f) => n + f.bytes, 0),
  );
  // the pool's module is loaded only by a run that uses threads (a chunk of its own in the
  // bundled command)
  const pools =
    asked > 1 && total >= splitHashes
      ? await import("./worker-pool.js")
      : undefined;
  const pool = pools?.runPool(s, asked - 1);
  // no workers (none built, or the system refused them all): the sets in this thread
  if (pools === undefined || pool === undefined || pool.size === 0) {
    for (const set of sets) set.seal();
    return;
  }
  const threads = Math.min(asked, pool.size + 1);
  // thread 0 is this one; each item to the thread with the least to seal so far
  const parts: Sealable[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  for (const item of items.sort((a, b) => b.size - a.size)) {
    const t = load.indexOf(Math.min(...load));
    parts[t].push(item);
    load[t] += item.size;
  }
  const links: [WorkerLink<SealMessage, never>, Sealable[]][] = [];
  try {
    for (let t = 1; t < threads; t++) {
      if (parts[t].length === 0) continue;
      const job: SealJob = {
        sets: parts[t].flatMap((i) =>
          "set" in i ? [i.set.takeUnsorted()] : [],
        ),
        checks: parts[t].flatMap((i) =>
          "check" in i
            ? [i.check.takeScanHashes() as Float64Array<ArrayBuffer>]
            : [],
        ),
      };
      const run = await pool.run(SEAL_JOB_KIND, job, [
        ...job.sets.map((set) => set.hashes.buffer),
        ...job.checks.map((hashes) => hashes.buffer),
      ]);
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
    for (const item of parts[0])
      if ("set" in item) item.set.seal();
      else item.check.seal();
    for (const [link, mine] of links) {
      const { sorted, repeated } = await link.next("sorted");
      const sets = mine.flatMap((i) => ("set" in i ? [i.set] : []));
      const checks = mine.flatMap((i) => ("check" in i ? [i.check] : []));
      sets.forEach((set, i) => set.adoptSorted(sorted[i]));
      checks.forEach((check, i) => check.seal(repeated[i]));
    }
  } finally {
    await Promise.all(links.map(([link]) => link.stop()));
  }
}
