/**
 * The group stage's sort over worker threads (issue 15): the IKB files that are not in IKB key
 * order are cut into pieces at the scan's cuts ({@link FileState.cuts}, record boundaries), and
 * each thread — this one and the workers of the run's pool — sorts the next piece into runs of its
 * own (runtime/sort-worker.ts) until none is left. A file's runs are then those of its pieces:
 * the merge orders every row by key, then line (`compareKeyed`), which no two rows of a file
 * share, so the validate pass sees the rows in the order one thread's sort gives them, whichever
 * thread sorted which piece. Each piece's runs are split by range of IKB keys (cut where the
 * scan's sample of the keys puts about equal bytes in each, runtime/stage-partition.ts
 * `sampledCutKeys`), one range per thread: the validate pass then validates each range on a
 * thread of its own, merging only that range's runs ({@link FileState.rangeRuns}). A range left
 * with more than `MERGE_FAN_IN` runs of a file (a large file: 187 of bank_account.csv in each
 * range at 10 M depositors) has them merged down to that before, the ranges dealt out to the
 * threads as the pieces are.
 *
 * Covered: every file to sort a plain UTF-8 CSV file of one entity (no dialect, no cell
 * normalisation, no record types, not NDJSON), as the parallel validate pass requires
 * (runtime/stage-partition.ts); anything else is sorted in this thread.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import { MERGE_FAN_IN, SORT_BUDGET, type TempSpace } from "./assemble.js";
import {
  progressDone,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { notPlain, runThreads, sampledCutKeys } from "./stage-partition.js";
import { poolWorkerScript } from "./worker-start.js";
import { workerRunData } from "./worker-run.js";
import {
  REDUCE_JOB_KIND,
  reduceWork,
  SORT_JOB_KIND,
  sortWork,
  type ReduceJob,
  type ReduceMessage,
  type SortJob,
  type SortMessage,
} from "./sort-worker.js";

/** A piece is at least this large: each ends in a run of its own. */
export const SORT_PIECE_BYTES = 16 << 20;

/** Pieces per thread, about: enough that the threads end together, few enough runs. */
const PIECES_PER_THREAD = 4;

/** Why `files` are sorted in this thread, if they are. */
function notCovered(
  s: DeliveryRun,
  files: readonly FileState[],
): string | undefined {
  if (s.loaded.compiledSha256 === undefined)
    return "the ruleset was not loaded from its compiled folder";
  if (poolWorkerScript() === undefined)
    return "the worker entry (pool-worker.js) is not built";
  for (const f of files) {
    const why = notPlain(f);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** One piece of a file: [start, end) in bytes (null: the file's start, its end). */
interface Piece {
  file: number;
  start: { offset: number; line: number } | null;
  end: number | null;
  bytes: number;
}

/** `f` cut at its cuts into pieces of at least `size` bytes, in file order. */
function piecesOf(f: FileState, file: number, size: number): Piece[] {
  const out: Piece[] = [];
  let start: Piece["start"] = null;
  for (const cut of f.cuts ?? []) {
    const from = start?.offset ?? 0;
    if (cut.offset - from < size || f.bytes - cut.offset < size) continue;
    out.push({ file, start, end: cut.offset, bytes: cut.offset - from });
    start = cut;
  }
  out.push({ file, start, end: null, bytes: f.bytes - (start?.offset ?? 0) });
  return out;
}

/**
 * Sort `files` (IKB files not in IKB key order) into runs over the run's threads, filling their
 * `runs`; false when they are to be sorted in this thread (one thread asked for or available,
 * a file not covered).
 */
export async function sortInParallel(
  s: DeliveryRun,
  files: readonly FileState[],
  temp: TempSpace,
): Promise<boolean> {
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const asked = runThreads(s, bytes);
  if (asked < 2 || notCovered(s, files) !== undefined) return false;
  const pools = await import("./worker-pool.js");
  const pool = pools.runPool(s, asked - 1);
  if (pool === undefined || pool.size === 0) return false;
  const threads = Math.min(asked, pool.size + 1);
  const size = Math.max(
    s.opts.sortPieceBytes ?? SORT_PIECE_BYTES,
    Math.ceil(bytes / (threads * PIECES_PER_THREAD)),
  );
  const pieces = files.flatMap((f, i) => piecesOf(f, i, size));
  // the ranges of IKB keys the validate pass will split the delivery into: every piece's runs
  // are split at them, so that each range's rows are merged on a thread of their own
  const cuts = sampledCutKeys(
    s.files.filter((f) => f.report.readStatus === "read" && f.ikbCol >= 0),
    threads,
  );
  const dir = await temp.folder();
  const jobs = pieces.map((p, k): SortJob => ({
    ...workerRunData(s),
    path: files[p.file].path,
    width: files[p.file].width,
    ikbCol: files[p.file].ikbCol,
    start: p.start,
    end: p.end,
    dir,
    prefix: `${files[p.file].entity.name}-piece${k}`,
    cuts,
    // the budget shared between the threads: the memory of one thread's sort
    budget: Math.max(
      1,
      Math.floor((s.opts.sortBudget ?? SORT_BUDGET) / threads),
    ),
  }));
  // the largest pieces first, so that the threads end together
  const order = pieces
    .map((p, k) => k)
    .sort((a, b) => pieces[b].bytes - pieces[a].bytes || a - b);
  const runs: string[][][] = pieces.map(() => []);
  const rows = new Array<number>(pieces.length).fill(0);
  const total = files.reduce((n, f) => n + f.report.rowsRead, 0);
  const names = files.map((f) => f.file).join(", ");
  const onRows = (k: number, n: number) => {
    rows[k] = n;
    const done = rows.reduce((a, b) => a + b, 0);
    s.opts.onProgress?.({
      phase: "sort",
      file: names,
      done,
      total,
      rows: done,
    });
  };
  /**
   * A job on thread `t` to its `done` message: `here` in this thread (t = 0), else `job` of
   * `kind` on the pool; `pass` names it in a worker's error.
   */
  const untilDone = async <M extends { type: string }>(
    t: number,
    here: (port: MessagePort) => Promise<void>,
    kind: string,
    job: unknown,
    onThreadRows: (n: number) => void,
    pass: string,
  ): Promise<Extract<M, { type: "done" }>> => {
    const link = new pools.WorkerLink<M, never>(
      t === 0 ? pools.localJob(here) : await pool.run(kind, job),
      t,
      onThreadRows,
      pass,
    );
    try {
      return await link.next("done");
    } finally {
      await link.stop();
    }
  };
  await dealOut(threads, order, async (k, t) => {
    const done = await untilDone<SortMessage>(
      t,
      (port) => sortWork(port, jobs[k], true),
      SORT_JOB_KIND,
      jobs[k],
      (n) => onRows(k, n),
      "the sort",
    );
    runs[k] = done.runs;
  });
  progressDone(
    s,
    "sort",
    names,
    total,
    files.reduce((n, f) => n + f.report.rowsRead - f.report.rowsRejected, 0),
  );
  // each file's runs of each range; a range of more than MERGE_FAN_IN merged down to that, the
  // ranges over the threads (a range's merges read and write only its own runs)
  const ranges = files.flatMap((f, i) =>
    Array.from({ length: cuts.length + 1 }, (_, r) => ({
      prefix: `${f.entity.name}-range${r}`,
      runs: pieces.flatMap((p, k) => (p.file === i ? runs[k][r] : [])),
    })),
  );
  const many = ranges
    .map((_, k) => k)
    .filter((k) => ranges[k].runs.length > MERGE_FAN_IN)
    .sort((a, b) => ranges[b].runs.length - ranges[a].runs.length || a - b);
  await dealOut(threads, many, async (k, t) => {
    const job: ReduceJob = { dir, ...ranges[k] };
    const done = await untilDone<ReduceMessage>(
      t,
      (port) => reduceWork(port, job),
      REDUCE_JOB_KIND,
      job,
      () => {},
      "the sort's merges",
    );
    ranges[k].runs = done.runs;
  });
  files.forEach((f, i) => {
    const byRange = ranges
      .slice(i * (cuts.length + 1), (i + 1) * (cuts.length + 1))
      .map((x) => x.runs);
    f.runs = byRange.flat();
    f.rangeRuns = { cuts, runs: byRange };
  });
  return true;
}

/**
 * Run `work(k, t)` for every `k` of `order`, on `threads` threads (`t`: 0 is this one), each
 * taking the next `k` as it comes free; the first failure stops the dealing and is thrown.
 */
async function dealOut(
  threads: number,
  order: readonly number[],
  work: (k: number, t: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const thread = async (t: number): Promise<void> => {
    while (!failed && next < order.length) {
      const k = order[next++];
      try {
        await work(k, t);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: threads }, (_, t) => thread(t)));
}
