/**
 * The validate pass over worker threads (issue 15): one worker per range of IKB keys
 * (runtime/stage-partition.ts), each validating its IKBs as the main thread would
 * (runtime/validate-worker.ts), their partial states merged in range order
 * (runtime/merge-partials.ts), so that the report is byte-identical to a single-threaded run.
 *
 * The unique-key check reports every occurrence of a key after the first, citing the first
 * line; a key may occur in two ranges, unless it holds the IKB key. When a file whose key does not
 * hold the IKB key has unique-key candidates (hashes seen more than once in the scan), each
 * worker but the last first collects the first line of every
 * candidate key text in its range (reading the key columns only); the main thread hands each
 * worker the key texts first seen in an earlier range, with their lines, and only then do the
 * workers validate. Exact: key texts are compared, never only their hashes.
 *
 * A worker that throws or exits early fails the run with its error; the others are stopped.
 *
 * @module
 */
import type { DeliveryRun, FileState } from "./delivery-state.js";
import { sharedCopy } from "./key-set.js";
import { mergePartial } from "./merge-partials.js";
import { workerFile, workerRunData } from "./worker-run.js";
import { localJob, runPool, WorkerLink } from "./worker-pool.js";
import { inRangeOrder } from "./range-order.js";
import type { ParallelPlan } from "./stage-partition.js";
import {
  validateWork,
  type FirstLines,
  type SeenMessage,
  type WorkerFile,
  type WorkerJob,
  type WorkerMessage,
} from "./validate-worker.js";

/** The kind of a validate job on a worker of the pool (runtime/worker-pool.ts). */
export const JOB_KIND = "regel-validate-range";

/** The validate pass, as errors of its workers name it. */
const VALIDATE_PASS = "the validate pass";

/**
 * Validate the IKB files `grouped` in worker threads, one per range of `plan`, and merge their
 * partial states into `s`.
 *
 * @throws Error when a worker fails (which worker, and its error)
 */
export async function validateInWorkers(
  s: DeliveryRun,
  grouped: readonly FileState[],
  plan: ParallelPlan,
): Promise<void> {
  const files = grouped.map((f) => describe(s, f));
  const targets = new Set(
    files.flatMap((f) => f.refs.filter((r) => r.complete).map((r) => r.target)),
  );
  const refSets: [string, object][] = [...targets].map((t) => {
    const set = s.refSets.get(t)!;
    set.share();
    return [t, shareLarge(set)];
  });
  const exchange = grouped.some(keysMaySpanRanges);
  const last = plan.ranges.length - 1;
  const rows = plan.ranges.map(() => 0);
  const progress = s.opts.onProgress;
  const onRows = (k: number, n: number) => {
    rows[k] = n;
    if (progress === undefined) return;
    const done = s.rowsDone + rows.reduce((a, b) => a + b, 0);
    progress({
      phase: "validate",
      file: grouped.map((f) => f.file).join(", "),
      done,
      total: s.rowsTotal,
      rows: done,
    });
  };
  const jobs = plan.ranges.map((range, k): WorkerJob => ({
    ...workerRunData(s),
    files,
    refSets,
    range,
    exchange,
    collectUnique: exchange && k < last,
  }));
  const pool = runPool(s, jobs.length - 1);
  if (pool === undefined) throw new Error("pool-worker.js is not built");
  // the first range in this thread, with the workers' code, over a channel of its own (its
  // job structured-cloned as a worker's is); the others on the run's pool of workers
  let stopped = false;
  const links = [
    new WorkerLink<WorkerMessage, SeenMessage>(
      localJob((port) =>
        validateWork(port, structuredClone(jobs[0]), s.loaded, () => stopped),
      ),
      0,
      (n) => onRows(0, n),
      VALIDATE_PASS,
    ),
  ];
  try {
    for (let k = 1; k < jobs.length; k++)
      links.push(
        new WorkerLink<WorkerMessage, SeenMessage>(
          await pool.run(JOB_KIND, jobs[k]),
          k,
          (n) => onRows(k, n),
          VALIDATE_PASS,
        ),
      );
    if (exchange) {
      const firsts = await inRangeOrder(links.map((l) => l.next("unique")));
      // per file: each candidate key text with the line of its first occurrence so far
      const before = grouped.map(() => new Map<string, number>());
      firsts.forEach((m, k) => {
        const known: FirstLines = before.flatMap((seen, i) =>
          seen.size > 0 ? [[i, [...seen]]] : [],
        );
        links[k].send({ type: "seen", before: known });
        for (const [i, entries] of m.firsts)
          for (const [key, line] of entries)
            if (!before[i].has(key)) before[i].set(key, line);
      });
    }
    const partials = await inRangeOrder(links.map((l) => l.next("done")));
    for (const p of partials) mergePartial(s, grouped, p.partial);
  } finally {
    stopped = true;
    await Promise.all(links.map((l) => l.stop()));
  }
}

/**
 * Whether a repeated unique key of `f` may have its first occurrence in an earlier range: it has
 * candidates, and its key does not hold the IKB key (a key that does repeats only within its IKB,
 * and an IKB is never split between ranges).
 */
export function keysMaySpanRanges(f: FileState): boolean {
  return (f.unique?.candidates?.size ?? 0) > 0 && !f.keyCols.includes(f.ikbCol);
}

/** Typed arrays at least this large go to the workers as one shared copy. */
const SHARE_BYTES = 1 << 16;

/**
 * A copy of `value` (an object of plain data) whose large typed arrays live in
 * SharedArrayBuffers: every worker reads the one copy instead of a structured clone of its own
 * (the key sets are 8 to 12 bytes per key; copied per worker they would grow with the threads).
 */
function shareLarge<T>(value: T): T {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return value.byteLength < SHARE_BYTES ? value : sharedCopy(value);
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return value;
  if (value instanceof Map || value instanceof Set) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = shareLarge(v);
  return out as T;
}

/** A file's state as plain data for a worker. */
function describe(s: DeliveryRun, f: FileState): WorkerFile {
  return {
    ...workerFile(f),
    bytes: f.bytes,
    keyCols: f.keyCols,
    roleByField: f.roleByField,
    unique:
      f.unique === undefined
        ? undefined
        : {
            code: f.unique.code,
            severity: f.unique.severity,
            candidates: [...(f.unique.candidates ?? [])],
          },
    refs: f.refs.map((r) => ({
      code: r.code,
      severity: r.severity,
      field: r.field,
      col: r.col,
      target: r.target,
      targetEntity: r.targetEntity,
      targetField: r.targetField,
      complete:
        r.against !== undefined && s.refSets.get(r.target) === r.against,
    })),
    // the projection holds the module's functions: the worker takes it from its own module
    wholeFile: f.wholeFile.map((w) =>
      shareLarge({ ...w, projection: undefined }),
    ),
  };
}
