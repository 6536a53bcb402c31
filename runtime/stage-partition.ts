/**
 * Which deliveries the validate pass splits over worker threads, and how (runtime/
 * parallel-validate.ts): the IKB key space is cut into contiguous ranges of about equal bytes,
 * worker k validating the IKBs whose key is in [lo_k, lo_{k+1}). Every IKB of range k comes
 * before every IKB of range k + 1 in the single-threaded order (`groupByKey` compares keys as
 * JavaScript strings, as the scan's sortedness check does), so the partial states merged in range
 * order (runtime/merge-partials.ts) are the single-threaded state.
 *
 * The cut points come from the scan's resume points ({@link FileState.resume}: byte offset, line,
 * last IKB key before it). A cut is placed right after a resume point: `lo` is the smallest
 * string above the point's last key, so a worker starts each file exactly at the last resume
 * point whose last key is below its `lo`, skips the rows below `lo` and stops at the first row at
 * or above the next range's `lo`.
 *
 * A delivery with files out of IKB key order that the group stage sorted over the threads
 * (runtime/parallel-sort.ts) is cut where their runs were split ({@link sampledCutKeys}, from the
 * keys the scan sampled at its cuts): a range reads those files from its runs, and the sorted
 * files from their resume points as above.
 *
 * Covered: every IKB file a plain UTF-8 CSV file of one entity (no dialect, no cell
 * normalisation, no record types, not NDJSON), in IKB key order or with runs split by range, and
 * no previous delivery (T−1). Anything else is validated in the main thread, exactly as with one
 * thread.
 *
 * @module
 */
import { totalmem } from "node:os";
import { availableCores } from "./cpu-quota.js";
import type { DeliveryRun, FileState } from "./delivery-state.js";
import { poolWorkerScript } from "./worker-start.js";

/**
 * Files smaller than this are scanned in the main thread whole: a file this small scans in
 * about 10 ms. Its half is the smallest range (runtime/parallel-scan.ts `RangeDealer`): a range costs well under a
 * millisecond (792 ranges of 1 MB and 6 of a whole file scanned the 1 M delivery in the same CPU
 * time), and small last ranges let the threads end a file together (at 1 M, 2 MiB against 8 MiB:
 * the scan 3 % shorter with two threads).
 */
export const SCAN_SPLIT_BYTES = 2 << 20;

/** Workers `threads: "auto"` starts at most. */
export const MAX_AUTO_THREADS = 16;

/**
 * Bytes of IKB files below which `threads: "auto"` stays in one thread: a worker costs about
 * 0.3 s of CPU to start and warm up, and the validate pass takes more CPU over workers than in one
 * thread. Measured on an idle 2-core machine (bench/results.md, "Worker threads on an idle
 * machine"): two threads gave nothing at 159 MB (200,000 depositors), 1.11 × at 311 MB and 1.23 ×
 * at 776 MB; below 256 MB they are not worth their memory.
 */
export const AUTO_MIN_BYTES = 256 << 20;

/** Where a worker starts reading one file: a resume point, or null for the file's start. */
export type StartPoint = { offset: number; line: number } | null;

/** One range of IKB keys: [lo, hi), null for no bound. */
export interface KeyRange {
  lo: string | null;
  hi: string | null;
  /** Per IKB file (in the order of the files planned), where to start reading. */
  starts: StartPoint[];
  /**
   * Per IKB file, the runs holding its rows of the range, for a file the group stage sorted over
   * the threads (null: the file is read from its start point); absent: none is.
   */
  runs?: (string[] | null)[];
}

/** How the IKB files are split: one range per worker, in key order (at least two). */
export interface ParallelPlan {
  ranges: KeyRange[];
}

/**
 * Memory `threads: "auto"` counts per thread: it takes no more threads than the memory the
 * process may use holds of these. Measured peaks (bench/results.md, "`auto` the default"): 10 M
 * depositors (7.6 GB) 1.4 GB with two threads, and about 115 MiB more per thread past the second,
 * so 16 threads need about 3 GB there and are given them from 8 GiB; 1 M depositors 271 MiB with
 * one thread, 65 MiB more per thread.
 */
export const AUTO_MEMORY_PER_THREAD = 512 << 20;

/** How the reason starts when the system refused worker threads (`DeliveryRun.threadsLimit`). */
export const WORKERS_REFUSED = "worker threads could not be started";

/**
 * The threads a pass of the run `s` over files of `bytes` bytes takes: as the options ask
 * ({@link threadsWanted}), and no more than the run could start (`threadsLimit`).
 */
export function runThreads(s: DeliveryRun, bytes: number): number {
  const n = threadsWanted(s.opts.threads, bytes);
  return s.threadsLimit === undefined ? n : Math.min(n, s.threadsLimit.threads);
}

/** The number of threads the options ask for, for IKB files of `bytes` bytes. */
export function threadsWanted(
  threads: DeliveryRun["opts"]["threads"],
  bytes: number,
): number {
  if (threads === undefined) return 1;
  if (threads === "auto")
    // below the size one thread: the cores and the memory, read from a control group's files,
    // are not looked up for it (a small delivery's run asks several times)
    return bytes < AUTO_MIN_BYTES
      ? 1
      : autoThreads(bytes, availableCores(), memoryLimit());
  return Math.max(1, Math.floor(threads));
}

/**
 * The threads `auto` takes for IKB files of `bytes` bytes on a machine of `cores` cores where the
 * process may use `memory` bytes: one below {@link AUTO_MIN_BYTES}, else the cores, at most
 * {@link MAX_AUTO_THREADS} and one per {@link AUTO_MEMORY_PER_THREAD}.
 */
export function autoThreads(
  bytes: number,
  cores: number,
  memory: number,
): number {
  if (bytes < AUTO_MIN_BYTES) return 1;
  const fit = Math.floor(memory / AUTO_MEMORY_PER_THREAD);
  return Math.max(1, Math.min(MAX_AUTO_THREADS, cores, fit));
}

/**
 * The memory this process may use: the machine's, or a control group's limit below it (a
 * container's; `process.constrainedMemory` gives 0 or a huge number where there is none).
 */
function memoryLimit(): number {
  const total = totalmem();
  const constrained = process.constrainedMemory();
  return constrained > 0 && constrained < total ? constrained : total;
}

/**
 * Whether the IKB files `grouped` can be validated in parallel, and the ranges; a text: why
 * they are validated in this thread (one thread asked for, a delivery not covered, no cut point).
 */
export function parallelPlan(
  s: DeliveryRun,
  grouped: readonly FileState[],
): ParallelPlan | string {
  const bytes = grouped.reduce((n, f) => n + f.bytes, 0);
  const n = runThreads(s, bytes);
  if (n < 2)
    return s.threadsLimit !== undefined &&
      threadsWanted(s.opts.threads, bytes) > 1
      ? s.threadsLimit.why
      : s.opts.threads === "auto"
        ? "the delivery is too small to gain from more threads"
        : "one thread asked for";
  // files the group stage sorted over the threads: their runs are split at these keys already
  const partition = grouped.find((f) => f.rangeRuns !== undefined)?.rangeRuns;
  const why = notCovered(s, grouped, partition?.cuts);
  if (why !== undefined) return why;
  if (poolWorkerScript() === undefined)
    return "the worker entry (pool-worker.js) is not built";
  const cuts = partition?.cuts ?? cutKeys(grouped, bytes, n);
  if (cuts.length === 0) return "the IKB files are too small to split";
  return rangesAt(grouped, cuts);
}

/**
 * The ranges cut at `cuts`: a file in IKB key order read from its last resume point below each
 * range, a file with runs split by range from that range's runs.
 */
function rangesAt(
  files: readonly FileState[],
  cuts: readonly string[],
): ParallelPlan {
  const los: (string | null)[] = [null, ...cuts];
  return {
    ranges: los.map((lo, k) => ({
      lo,
      hi: los[k + 1] ?? null,
      starts: files.map((f) =>
        f.rangeRuns === undefined ? startOf(f, lo) : null,
      ),
      runs: files.map((f) => f.rangeRuns?.runs[k] ?? null),
    })),
  };
}

/**
 * Why the parallel pass does not cover the delivery (see the module comment), if it does not;
 * `partition`: a file with runs is covered when they are split at these keys.
 */
function notCovered(
  s: DeliveryRun,
  grouped: readonly FileState[],
  partition?: readonly string[],
): string | undefined {
  if (s.previous !== undefined) return "a previous delivery is read";
  if (s.loaded.compiledSha256 === undefined)
    return "the ruleset was not loaded from its compiled folder";
  for (const f of grouped) {
    const why = notPlain(f);
    if (why !== undefined) return why;
    if (
      partition !== undefined &&
      f.rangeRuns !== undefined &&
      f.rangeRuns.cuts === partition
    )
      continue;
    if (f.runs !== undefined || f.report.sortedByIkbKey !== true)
      return `${f.file} is not in IKB key order`;
  }
  return undefined;
}

/**
 * Why a worker cannot read `f` from a record boundary as this thread reads it, if it cannot: it
 * is not a plain UTF-8 CSV file of one entity (NDJSON, a dialect, record types).
 */
export function notPlain(f: FileState): string | undefined {
  if (f.format !== "csv") return `${f.file} is NDJSON`;
  if (f.entity.dialect !== undefined || f.normalize !== undefined)
    return `${f.file} has a dialect`;
  if (f.recordTypes !== undefined) return `${f.file} holds record types`;
  return undefined;
}

/**
 * Up to n − 1 cut keys, ascending, each right after a resume point, the k-th placed where about
 * k/n of the files' bytes lie below it.
 */
function cutKeys(
  files: readonly FileState[],
  bytes: number,
  n: number,
): string[] {
  const keys = [
    ...new Set(
      files.flatMap((f) =>
        (f.resume ?? []).flatMap((r) =>
          r.lastKey === null ? [] : [r.lastKey],
        ),
      ),
    ),
  ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const cuts: string[] = [];
  let from = 0;
  for (let k = 1; k < n; k++) {
    const target = (bytes * k) / n;
    let best = -1;
    let bestDistance = Infinity;
    for (let i = from; i < keys.length; i++) {
      const distance = Math.abs(bytesBelow(files, after(keys[i])) - target);
      if (distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    if (best < 0) break;
    cuts.push(after(keys[best]));
    from = best + 1;
  }
  return cuts;
}

/**
 * Up to n − 1 cut keys, ascending, for IKB files in any order: the keys at the scan's cuts
 * ({@link FileState.cuts}: the last key before each, a sample of a file's keys spread over its
 * bytes), each weighing the bytes since the cut before it, the k-th placed where about k/n of
 * the weight lies below it (runtime/parallel-sort.ts splits its runs at them).
 */
export function sampledCutKeys(
  files: readonly FileState[],
  n: number,
): string[] {
  const samples: { key: string; bytes: number }[] = [];
  for (const f of files) {
    let from = 0;
    for (const c of f.cuts ?? []) {
      if (c.lastKey !== null)
        samples.push({ key: c.lastKey, bytes: c.offset - from });
      from = c.offset;
    }
  }
  samples.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const total = samples.reduce((t, x) => t + x.bytes, 0);
  const cuts: string[] = [];
  let below = 0;
  let k = 1;
  for (const x of samples) {
    below += x.bytes;
    if (k >= n) break;
    if (below < (total * k) / n) continue;
    const cut = after(x.key);
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
    while (k < n && below >= (total * k) / n) k++;
  }
  return cuts;
}

/** The smallest string above `key`. */
function after(key: string): string {
  return key + "\u0000";
}

/** About the bytes of the files' rows whose key is below `lo`: up to their start points. */
function bytesBelow(files: readonly FileState[], lo: string): number {
  let n = 0;
  for (const f of files) n += startOf(f, lo)?.offset ?? 0;
  return n;
}

/** The last resume point of `f` whose last key is below `lo` (null: the file's start). */
function startOf(f: FileState, lo: string | null): StartPoint {
  if (lo === null || f.resume === undefined) return null;
  const points = f.resume;
  // last keys ascend with the offsets (the file is sorted): binary search
  let a = 0;
  let b = points.length - 1;
  let found = -1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    const last = points[mid].lastKey;
    if (last === null || last < lo) {
      found = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  return found < 0
    ? null
    : { offset: points[found].offset, line: points[found].line };
}

/**
 * The ranges for `n` workers over the IKB files `files` only (the whole-file passes,
 * runtime/stage-whole-file.ts, which read a few of the IKB files), cut as {@link parallelPlan}
 * cuts them (where the group stage split the runs of a file it sorted over the threads, if it
 * did); a text: why they are read in this thread.
 */
export function rangePlan(
  s: DeliveryRun,
  files: readonly FileState[],
  n: number,
): ParallelPlan | string {
  if (n < 2) return "one thread";
  const partition = files.find((f) => f.rangeRuns !== undefined)?.rangeRuns;
  const why = notCovered(s, files, partition?.cuts);
  if (why !== undefined) return why;
  if (poolWorkerScript() === undefined)
    return "the worker entry (pool-worker.js) is not built";
  const bytes = files.reduce((k, f) => k + f.bytes, 0);
  const cuts = partition?.cuts ?? cutKeys(files, bytes, n);
  if (cuts.length === 0) return "the files are too small to split";
  return rangesAt(files, cuts);
}
