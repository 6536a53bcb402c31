/**
 * The validate pass's job on a worker of the run's pool (runtime/worker-pool.ts; the entry is
 * runtime/pool-worker.ts), sent by runtime/parallel-validate.ts for a range that
 * runtime/stage-partition.ts planned ({@link validateWork}). It rebuilds the states of the IKB
 * files from their descriptions (only plain data crosses threads), and validates the IKBs whose
 * key is in its range exactly as the main thread would (stage-validate.ts `validateGrouped`),
 * starting each file at its resume point (or merging the range's runs of a file the group stage
 * sorted over the threads). It hands back its partial state
 * (runtime/merge-partials.ts). The main thread runs the first range's job itself, over a
 * channel of its own, with the same code.
 *
 * Messages: to the main thread `unique` (the first line of each unique-key candidate in its
 * range, when the main thread asks for it), `progress` (rows validated), `done` (the partial
 * state); from it `seen` (the candidates first seen in earlier ranges, with their lines).
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import type { Severity } from "../compiler/contract.js";
import { mergeRuns, unlessStopped, type KeyedRow } from "./assemble.js";
import { readCsvFileBatches, type CsvProjection } from "./csv-reader.js";
import type { DeliveryRun, FileState } from "./delivery-state.js";
import {
  openWorkerRun,
  workerFileState,
  type WorkerFileBase,
  type WorkerRunData,
} from "./worker-run.js";
import type { LoadedRuleset } from "./load-compiled.js";
import { hash53Cells, HashSet53 } from "./key-set.js";
import { partialOf, type PartialState } from "./merge-partials.js";
import { keysMaySpanRanges } from "./parallel-validate.js";
import type { KeyRange, StartPoint } from "./stage-partition.js";
import { keyedRows } from "./stage-read.js";
import { keyText, validateGrouped } from "./stage-validate.js";
import { WholeFileCheck } from "./whole-file.js";

/** An IKB file as the main thread describes it to a worker (after the read stage). */
export interface WorkerFile extends WorkerFileBase {
  bytes: number;
  keyCols: number[];
  roleByField: number;
  unique?: { code: string; severity: Severity; candidates: number[] };
  refs: {
    code: string;
    severity: Severity;
    field: string;
    col: number;
    target: string;
    targetEntity: string;
    targetField: string;
    /** Whether the target was read to the end (its key set is in {@link WorkerJob.refSets}). */
    complete: boolean;
  }[];
  /**
   * The file's whole-file checks after `finish()`, structured-cloned without their projection
   * (functions of the compiled module, which the worker takes from its own).
   */
  wholeFile: object[];
}

/** What a worker is started with (its `workerData`). */
export interface WorkerJob extends WorkerRunData {
  files: WorkerFile[];
  /** Sealed key sets of the reference targets read to the end, structured-cloned. */
  refSets: [string, object][];
  range: KeyRange;
  /** Whether the main thread exchanges unique-key candidates before the validate pass. */
  exchange: boolean;
  /** Whether to collect this range's first lines of the candidates (not for the last range). */
  collectUnique: boolean;
}

/** Per file index: key texts and the line each was first seen on. */
export type FirstLines = [number, [string, number][]][];

/** A message of a worker to the main thread. */
export type WorkerMessage =
  | { type: "unique"; firsts: FirstLines }
  | { type: "progress"; rows: number }
  | { type: "done"; partial: PartialState };

/** The main thread's answer to `unique`. */
export interface SeenMessage {
  type: "seen";
  before: FirstLines;
}

/**
 * An object structured-cloned from a `T` (which lost its prototype on the way), as a `T` again:
 * its fields copied onto a new object of the class's prototype (`Object.setPrototypeOf` on the
 * clone would leave it in V8's slow dictionary mode, and the lookups of the validate pass with it).
 */
function revive<T extends object>(
  data: object,
  klass: abstract new (...args: never[]) => T,
): T {
  return Object.assign(Object.create(klass.prototype) as T, data);
}

function fileState(
  s: DeliveryRun,
  d: WorkerFile,
  sets: ReadonlyMap<string, HashSet53>,
): FileState {
  return {
    ...workerFileState(s, d, d.bytes),
    keyCols: d.keyCols,
    unique:
      d.unique === undefined
        ? undefined
        : {
            code: d.unique.code,
            severity: d.unique.severity,
            hashes: new HashSet53(),
            candidates: new Set(d.unique.candidates),
            seen: new Map(),
          },
    refs: d.refs.map((r) => ({
      code: r.code,
      severity: r.severity,
      field: r.field,
      col: r.col,
      target: r.target,
      targetEntity: r.targetEntity,
      targetField: r.targetField,
      against: r.complete ? sets.get(r.target) : undefined,
    })),
    wholeFile: d.wholeFile.map((w) => {
      const check = revive(w, WholeFileCheck);
      Object.assign(check, { projection: s.rs.wholeFile?.[check.rule.code] });
      return check;
    }),
    roleByField: d.roleByField,
  };
}

/**
 * The good rows of a sorted file whose IKB key is in [lo, hi), in batches, read from `start`
 * (a resume point before the range) or from the file's start; as `goodRows` (stage-read.ts)
 * gives them, rows with problems skipped (the scan reported them).
 */
export function rangeRows(
  s: DeliveryRun,
  f: FileState,
  start: StartPoint,
  lo: string | null,
  hi: string | null,
  projection?: CsvProjection,
): AsyncGenerator<KeyedRow[]> {
  const batches = readCsvFileBatches(f.path, {
    maxFieldLength: s.opts.maxFieldLength,
    maxFields: s.opts.maxFields,
    maxRecordLength: s.opts.maxRecordLength,
    start: start ?? undefined,
    projection,
  });
  // from a resume point the first record is data; from the file's start it is the header
  return keyedRows(batches, f, start !== null, lo, hi);
}

/**
 * The good rows of the `i`-th file whose IKB key is in `range`, in batches: merged from the
 * range's runs of a file the group stage sorted over the threads, else read from the file
 * ({@link rangeRows}; `projection` for that read).
 */
function rowsOfRange(
  s: DeliveryRun,
  f: FileState,
  range: KeyRange,
  i: number,
  projection?: CsvProjection,
): AsyncGenerator<KeyedRow[]> {
  const runs = range.runs?.[i];
  if (runs !== undefined && runs !== null) return mergeRuns(runs);
  return rangeRows(s, f, range.starts[i], range.lo, range.hi, projection);
}

/**
 * The first line of each unique-key candidate in the range, per file that has candidates: the
 * key columns only are decoded.
 */
async function firstLines(
  s: DeliveryRun,
  files: readonly FileState[],
  range: KeyRange,
): Promise<FirstLines> {
  const out: FirstLines = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const candidates = f.unique?.candidates;
    if (candidates === undefined || !keysMaySpanRanges(f)) continue;
    const keep = new Uint8Array(f.width);
    keep[f.ikbCol] = 1;
    for (const c of f.keyCols) keep[c] = 1;
    const first = new Map<string, number>();
    for await (const batch of rowsOfRange(s, f, range, i, { keep }))
      for (const row of batch)
        if (candidates.has(hash53Cells(row.cells, f.keyCols))) {
          const kt = keyText(s, f, row.cells);
          if (!first.has(kt)) first.set(kt, row.line);
        }
    out.push([i, [...first]]);
  }
  return out;
}

function nextMessage(port: MessagePort): Promise<SeenMessage> {
  return new Promise((resolve) =>
    port.once("message", (m: SeenMessage) => resolve(m)),
  );
}

/**
 * Validate the job's range and hand back the partial state: in a worker of the pool, or in the
 * main thread for the first range (`loaded`: its compiled ruleset; `stopped`: whether another
 * range failed, and the reads should stop).
 */
export async function validateWork(
  port: MessagePort,
  job: WorkerJob,
  loaded?: LoadedRuleset,
  stopped?: () => boolean,
): Promise<void> {
  const s = await openWorkerRun(
    job,
    {
      onProgress: (p) => port.postMessage({ type: "progress", rows: p.rows }),
    },
    loaded,
  );
  const sets = new Map(
    job.refSets.map(([target, set]) => [target, revive(set, HashSet53)]),
  );
  const files = job.files.map((d) => fileState(s, d, sets));
  s.files.push(...files);
  const range = job.range;
  if (job.exchange) {
    const firsts = job.collectUnique ? await firstLines(s, files, range) : [];
    const seen = nextMessage(port);
    port.postMessage({ type: "unique", firsts } satisfies WorkerMessage);
    for (const [i, entries] of (await seen).before)
      files[i].unique!.seen = new Map(entries);
  }
  await validateGrouped(
    s,
    files,
    files.map((f, i) => {
      const rows = rowsOfRange(s, f, range, i);
      return stopped === undefined ? rows : unlessStopped(rows, stopped);
    }),
  );
  port.postMessage({
    type: "done",
    partial: partialOf(s, files),
  } satisfies WorkerMessage);
}
