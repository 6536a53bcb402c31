/**
 * The whole-file passes of the validate stage (runtime/stage-validate.ts calls
 * {@link wholeFilePass} before the IKBs are validated): the second read of a file whose
 * whole-file checks (runtime/whole-file.ts) found combinations that may occur twice, and the
 * joined checks (`for file NP with SA by customer_id`), which read two files together by IKB.
 * The findings wait in the checks for the validate pass (`WholeFileCheck.findingAt`).
 *
 * **Worker threads.** With `threads` above 1 (as the validate pass counts them), the files these
 * passes read that are plain UTF-8 CSV in IKB key order are read by range of IKB keys, cut at the
 * scan's resume points as for the validate pass (runtime/stage-partition.ts `rangePlan`): the
 * first range in this thread ({@link RangeWork}), each other one in a worker thread
 * (runtime/whole-file-worker.ts). An IKB is never split, so the
 * pairs of a joined check, and the rows of a file, of range k all come before those of range
 * k + 1 in the single-threaded order. Round 1: each worker hashes the pairs of its range (and
 * does the second read of the own-file checks over its rows, from the row number its resume point
 * holds); the main thread adds the parts in range order (the serial order) and seals the
 * checks (a large joined check's look for repeated hashes in two halves by value, the upper in
 * the first worker: {@link sealSplit}). Round 2, only for a joined check with candidates: each
 * worker reads its range of the check's own file alone (round 1 kept what the pairs need of the
 * joined records) and collects the candidate pairs, numbered on from the pairs of the earlier
 * ranges; the main thread adds them in range order and finishes. The findings are those of one
 * thread, exactly. A file the group stage sorted over the threads (its runs split by range,
 * `FileState.rangeRuns`) is read by a joined check the same way, each range merging its own runs
 * and cut where they were split; its own-file checks, which need its rows in file order, are
 * read in this thread afterwards. Anything else not covered (a dialect, a file sorted in one
 * thread, `--previous`) is read in this thread.
 *
 * @module
 */
import type { EntityMeta, FileRule } from "../compiler/contract.js";
import {
  Cursor,
  mergeRuns,
  unlessStopped,
  largeIkbMessage,
  LargeIkbError,
  MAX_IKB_ROWS,
  type KeyedRow,
} from "./assemble.js";
import { IkbTooLargeError } from "./errors.js";
import { readCsvFileBatches } from "./csv-reader.js";
import {
  joinRepeated,
  repeatedHashes,
  WholeFileCheck,
  type HashPart,
  type RepeatedHashes,
  type WholeFileCollectedPart,
  type WholeFileScanPart,
  type WholeFileSealedPart,
} from "./whole-file.js";
import {
  columnOf,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import {
  canonicalCells,
  goodRows,
  keyedRows,
  readReplay,
} from "./stage-read.js";
import { unusableIkbKey } from "./ikb-key.js";
import { rowsByIkbKey } from "./stage-group.js";
import {
  rangePlan,
  runThreads,
  type ParallelPlan,
  type StartPoint,
} from "./stage-partition.js";
import type { WorkerRunData } from "./worker-run.js";
import type { WorkerLink } from "./worker-pool.js";
import { inRangeOrder } from "./range-order.js";

/**
 * The second read of the whole-file checks (runtime/whole-file.ts): only of a file read to the
 * end in which some combination may occur twice; the findings then wait for the validate pass.
 * A file in IKB key order that the joined pass reads anyway is not read for them by itself.
 */
export async function wholeFilePass(s: DeliveryRun): Promise<void> {
  const pending = new Map<FileState, WholeFileCheck[]>();
  for (const f of s.files) {
    const sealed = f.wholeFile.filter((w) => w.seal());
    if (sealed.length > 0 && f.report.readStatus === "read")
      pending.set(f, sealed);
  }
  const joins = s.rs.fileRules.flatMap((r) => {
    const j = joinedCheck(s, r, s.files);
    return j === undefined ? [] : [j];
  });
  let parallel = parallelWork(s, joins, pending);
  // fewer workers than planned for (the system refused some): planned again with those that run
  if (
    parallel !== undefined &&
    !(await import("./worker-pool.js")).workersStarted(
      s,
      parallel.plan.ranges.length - 1,
    )
  )
    parallel = parallelWork(s, joins, pending);
  if (parallel !== undefined) await inWorkers(s, parallel, pending);
  for (const j of joins)
    if (!parallel?.joins.includes(j)) await joinedPass(s, j, pending);
  for (const [f, checks] of pending) {
    for await (const batch of fileRows(s, f, checkColumns(f, checks)))
      for (const row of batch) collectRow(f, checks, row);
    for (const w of checks) w.finish();
  }
  // the joined checks after the file's own, in the order of the rules (as findings are listed)
  for (const j of joins) j.own.wholeFile.push(j.w);
}

/**
 * A row of the second read, for each check: the rows of the scan, in its order; a row the scan
 * found cannot be involved is not even decoded.
 */
export function collectRow(
  f: FileState,
  checks: readonly WholeFileCheck[],
  row: KeyedRow,
): void {
  let cells: string[] | undefined;
  for (const w of checks)
    if (!w.skip())
      w.take((cells ??= canonicalCells(f, row.cells)), row.line, row.cells);
}

/** A joined check (`for file NP with SA by customer_id`) over two files of the delivery. */
export interface JoinedCheck {
  rule: FileRule;
  own: FileState;
  other: FileState;
  /** The column of the `by` field in each file. */
  byOwn: number;
  byOther: number;
  w: WholeFileCheck;
  /** The rows an IKB may have in the two files together (`DeliveryOptions.maxIkbRows`). */
  maxRows: number;
  /** The IKB key field, for the error past `maxRows`. */
  keyField: string;
}

/**
 * The joined check of rule `r` over `files`; undefined when `r` is not joined, or when a file of
 * either entity is missing, unreadable or without the IKB key or the `by` field (it gives no
 * finding: the file is reported by itself).
 */
export function joinedCheck(
  s: DeliveryRun,
  r: FileRule,
  files: readonly FileState[],
): JoinedCheck | undefined {
  const join = r.join;
  const projection = s.rs.wholeFile?.[r.code];
  if (join === undefined || projection === undefined) return undefined;
  const own = files.find((f) => f.entity.name === r.entities[0]);
  const other = files.find((f) => f.entity.name === join.entity);
  if (
    own === undefined ||
    other === undefined ||
    own.report.readStatus !== "read" ||
    other.report.readStatus !== "read" ||
    own.ikbCol < 0 ||
    other.ikbCol < 0
  )
    return undefined;
  const byOwn = columnOf(own, join.by);
  const byOther = columnOf(other, join.by);
  if (byOwn < 0 || byOther < 0) return undefined;
  // one row of the check: the record's fields, then the joined record's as `SA.field`
  const entity: EntityMeta = {
    ...own.entity,
    fields: [
      ...own.entity.fields,
      ...other.entity.fields.map((fd) => ({
        ...fd,
        name: `${other.entity.name}.${fd.name}`,
      })),
    ],
  };
  const index = [
    ...own.index,
    ...other.index.map((i) => (i < 0 ? -1 : i + own.width)),
  ];
  const w = new WholeFileCheck(
    r,
    projection,
    entity,
    index,
    own.file,
    s.opts.showPersonalData === true,
    own.width,
  );
  const maxRows = s.opts.maxIkbRows ?? MAX_IKB_ROWS;
  const keyField = s.rs.metadata.ikb?.key ?? "IKB key";
  return { rule: r, own, other, byOwn, byOther, w, maxRows, keyField };
}

/**
 * The whole-file checks over joined records: the two files are read together, one IKB at a time
 * (sorted as for the validate pass), and each record is paired with the joined entity's records
 * of its IKB whose `by` cell is the same text; every pair is one row of the check (its line the
 * record's). A hash pass over the pairs and, when some combination may occur twice, a second read
 * of the record's file alone that collects the candidates (the hash pass kept, per pair, the
 * second half of its digest and, per record, its number of pairs: `WholeFileCheck.takeOwn`): the
 * memory is that of {@link WholeFileCheck} plus one IKB of the two files, never a table of the
 * joined file.
 *
 * The hash pass also does the second read of the record's file for the checks of its own rows
 * (`pending`, taken out of it) when that file was in IKB key order: the pass then sees its rows in
 * file order, as the scan did.
 */
async function joinedPass(
  s: DeliveryRun,
  j: JoinedCheck,
  pending: Map<FileState, WholeFileCheck[]>,
): Promise<void> {
  const { own, other, w } = j;
  const pair = new PairCells(own, other, w.columns);
  const ownChecks =
    own.runs === undefined && own.report.sortedByIkbKey !== false
      ? pending.get(own)
      : undefined;
  if (ownChecks) pending.delete(own);
  const [keepOwn, keepOther] = joinColumns(j, ownChecks ?? []);
  const sources = () => [
    sortedRows(s, own, keepOwn),
    sortedRows(s, other, keepOther),
  ];
  await eachPair(
    sources(),
    j,
    (a, b) => {
      pair.fill(a, b);
      w.scan(pair.cells);
    },
    ownChecks && ((a) => collectRow(own, ownChecks, a)),
    (pairs) => w.scanOwn(pairs),
  );
  if (ownChecks) for (const c of ownChecks) c.finish();
  if (w.seal()) {
    // the own file again, in the same order, alone: round 1 kept what the pairs need of the
    // joined records
    for await (const batch of sortedRows(s, own, valueColumns(j)))
      for (const a of batch) takeOwn(j, a);
    w.finish();
  }
}

/** Round 2 of a joined check: a record of its own file (see `WholeFileCheck.takeOwn`). */
function takeOwn(j: JoinedCheck, a: KeyedRow): void {
  j.w.takeOwn(canonicalCells(j.own, a.cells), a.line, a.cells);
}

/**
 * Rows of one IKB from which {@link eachPair} finds the pairs through an index: comparing every
 * row of the IKB with every joined row takes time quadratic in the IKB, hours for a delivery whose
 * rows all carry one IKB key.
 */
const PAIRS_INDEX_FROM = 4096;

/** The first `n` rows of `rows` by their cell `column`, each list in the rows' order. */
function rowsByCell(
  rows: readonly KeyedRow[],
  n: number,
  column: number,
): Map<string, KeyedRow[]> {
  const byCell = new Map<string, KeyedRow[]>();
  for (let k = 0; k < n; k++) {
    const cell = rows[k].cells[column];
    const same = byCell.get(cell);
    if (same === undefined) byCell.set(cell, [rows[k]]);
    else same.push(rows[k]);
  }
  return byCell;
}

/** Stops the run: the IKB `key` has more rows in the two files of `j` than they may. */
function tooLarge(j: JoinedCheck, key: string): never {
  const e = new LargeIkbError(key, 1, j.maxRows);
  const files = [j.own.file, j.other.file];
  throw new IkbTooLargeError(
    largeIkbMessage(e, files, "they are compared", j.keyField),
  );
}

/**
 * Every record of the joined check's own file with each record of the other file in its IKB
 * whose `by` cell is the same, in the same order on every call (IKB key, then the records'
 * lines); `eachOwn` sees every good row of the own file first, in the order `sources` gives them
 * (the own file's rows, then the other's, in IKB key order); `pairsOf` is told, after the pairs of
 * each good row of the own file (in the same order), how many it had.
 */
export async function eachPair(
  sources: readonly AsyncIterator<KeyedRow[]>[],
  j: JoinedCheck,
  fn: (a: KeyedRow, b: KeyedRow) => void,
  eachOwn?: (a: KeyedRow) => void,
  pairsOf?: (pairs: number) => void,
): Promise<void> {
  const { byOwn, byOther } = j;
  // a merge of the two sorted streams by IKB key: the rows of one IKB of each file in two lists
  // reused from IKB to IKB (the joined file's rows of IKBs without a record are passed over)
  const own = new Cursor(sources[0]);
  const other = new Cursor(sources[1]);
  // their first nMine / nTheirs places (set, not shrunk: `length = 0` is a call of its own)
  const mine: KeyedRow[] = [];
  const theirs: KeyedRow[] = [];
  await own.refill();
  for (let a = own.head(); a !== undefined;) {
    const key = a.key;
    // rows without a usable key pair with none: seen one by one, not held (there may be millions)
    const unusable = unusableIkbKey(key);
    let nMine = 0;
    do {
      if (unusable) eachOwn?.(a);
      else mine[nMine] = a;
      if (++nMine > j.maxRows && !unusable) tooLarge(j, key);
      own.advance();
      if (!own.ready()) await own.refill();
      a = own.head();
    } while (a !== undefined && a.key === key);
    let nTheirs = 0;
    for (;;) {
      if (!other.ready()) await other.refill();
      const b = other.head();
      if (b === undefined || b.key > key) break;
      if (b.key === key && !unusable) {
        theirs[nTheirs++] = b;
        if (nMine + nTheirs > j.maxRows) tooLarge(j, key);
      }
      other.advance();
    }
    if (unusable) {
      if (pairsOf) for (let i = 0; i < nMine; i++) pairsOf(0);
      continue;
    }
    if (eachOwn) for (let i = 0; i < nMine; i++) eachOwn(mine[i]);
    if (nTheirs === 0) {
      if (pairsOf) for (let i = 0; i < nMine; i++) pairsOf(0);
      continue;
    }
    // a large IKB: the joined rows by their `by` cell, in their order (the pairs the loop below
    // finds, in its order, without comparing every row with every row)
    const byCell =
      nMine * nTheirs >= PAIRS_INDEX_FROM
        ? rowsByCell(theirs, nTheirs, byOther)
        : undefined;
    for (let i = 0; i < nMine; i++) {
      const r = mine[i];
      const by = r.cells[byOwn];
      let pairs = 0;
      if (by !== "" && byCell !== undefined) {
        const same = byCell.get(by);
        if (same !== undefined)
          for (let k = 0; k < same.length; k++) {
            fn(r, same[k]);
            pairs++;
          }
      } else if (by !== "")
        for (let k = 0; k < nTheirs; k++)
          if (theirs[k].cells[byOther] === by) {
            fn(r, theirs[k]);
            pairs++;
          }
      pairsOf?.(pairs);
    }
  }
}

/**
 * The cells of one pair of {@link eachPair} (the record's, then the joined record's), as the
 * decoders read them, in an array each pair reuses: a whole-file check keeps no cells, only what
 * it derives from them. Only the cells the check reads are copied (the others stay "").
 */
export class PairCells {
  /** A file's dialect decoded. */
  readonly cells: string[];
  private readonly ownWidth: number;
  private readonly own: FileState;
  private readonly other: FileState;
  /** The check's columns in each file (the other file's numbered from its own start). */
  private readonly ownCols: Int32Array;
  private readonly otherCols: Int32Array;

  constructor(own: FileState, other: FileState, columns: readonly number[]) {
    this.own = own;
    this.other = other;
    this.ownWidth = own.width;
    this.cells = new Array<string>(own.width + other.width).fill("");
    this.ownCols = Int32Array.from(columns.filter((c) => c < own.width));
    this.otherCols = Int32Array.from(
      columns.filter((c) => c >= own.width).map((c) => c - own.width),
    );
  }

  fill(a: KeyedRow, b: KeyedRow): void {
    const cells = this.cells;
    const mine = canonicalCells(this.own, a.cells);
    const theirs = canonicalCells(this.other, b.cells);
    const ownCols = this.ownCols;
    const otherCols = this.otherCols;
    for (let i = 0; i < ownCols.length; i++)
      cells[ownCols[i]] = mine[ownCols[i]];
    const n = this.ownWidth;
    for (let i = 0; i < otherCols.length; i++)
      cells[n + otherCols[i]] = theirs[otherCols[i]];
  }
}

// ---- reading only the cells the checks need ---------------------------------------------

/**
 * Whether `f` is a plain UTF-8 CSV file of one entity (no dialect, no record types): then its
 * rows can be read with only some cells decoded, and from a resume point.
 */
function plain(f: FileState): boolean {
  return (
    f.format === "csv" &&
    f.entity.dialect === undefined &&
    f.normalize === undefined &&
    f.recordTypes === undefined
  );
}

/** The cells a joined check reads of each file (and the own-file checks read with it). */
export function joinColumns(
  j: JoinedCheck,
  ownChecks: readonly WholeFileCheck[],
): [Uint8Array, Uint8Array] {
  const keepOwn = new Uint8Array(j.own.width);
  const keepOther = new Uint8Array(j.other.width);
  keepOwn[j.own.ikbCol] = 1;
  keepOwn[j.byOwn] = 1;
  keepOther[j.other.ikbCol] = 1;
  keepOther[j.byOther] = 1;
  for (const c of j.w.columns)
    if (c < j.own.width) keepOwn[c] = 1;
    else keepOther[c - j.own.width] = 1;
  for (const w of ownChecks) for (const c of w.columns) keepOwn[c] = 1;
  return [keepOwn, keepOther];
}

/** The cells round 2 of a joined check reads of its own file (and its IKB key). */
function valueColumns(j: JoinedCheck): Uint8Array {
  const keep = new Uint8Array(j.own.width);
  keep[j.own.ikbCol] = 1;
  for (const c of j.w.valueColumns) keep[c] = 1;
  return keep;
}

/** The cells the checks `checks` of `f` read (and its IKB key). */
export function checkColumns(
  f: FileState,
  checks: readonly WholeFileCheck[],
): Uint8Array {
  const keep = new Uint8Array(f.width);
  if (f.ikbCol >= 0) keep[f.ikbCol] = 1;
  for (const w of checks) for (const c of w.columns) keep[c] = 1;
  return keep;
}

/**
 * The good rows of `f` in file order (as `goodRows` gives them), from `start` (a resume point;
 * null: the file's start), with only the cells `keep` marks decoded when the file is plain and
 * read (the others are ""; a small delivery's kept read, replayed, holds them all); up to the
 * first row whose IKB key is at or above `hi`.
 */
export function plainRows(
  s: DeliveryRun,
  f: FileState,
  keep: Uint8Array,
  start: StartPoint = null,
  hi: string | null = null,
): AsyncGenerator<KeyedRow[]> {
  const batches = readReplay.read(
    f,
    {
      maxFieldLength: s.opts.maxFieldLength,
      maxFields: s.opts.maxFields,
      maxRecordLength: s.opts.maxRecordLength,
      start: start ?? undefined,
      projection: { keep },
    },
    (options) => readCsvFileBatches(f.path, options),
  );
  // from a resume point the first record is data; from the file's start it is the header
  return keyedRows(batches, f, start !== null, null, hi);
}

/** The good rows of `f` in file order, only the cells `keep` marks decoded where it can. */
function fileRows(
  s: DeliveryRun,
  f: FileState,
  keep: Uint8Array,
): AsyncGenerator<KeyedRow[]> {
  return plain(f) ? plainRows(s, f, keep) : goodRows(s, f);
}

/** The good rows of an IKB file in IKB key order, only the cells `keep` marks decoded where it can. */
function sortedRows(
  s: DeliveryRun,
  f: FileState,
  keep: Uint8Array,
): AsyncGenerator<KeyedRow[]> {
  return plain(f) && f.runs === undefined && f.report.sortedByIkbKey === true
    ? plainRows(s, f, keep)
    : rowsByIkbKey(s, f);
}

// ---- over worker threads ------------------------------------------------------------

/** The {@link WholeFileJob.kind} of a job. */
export const WHOLE_FILE_JOB_KIND = "regel-whole-file-range";

/** A file as the main thread describes it to a worker of the whole-file pass. */
export interface WholeFileWorkerFile {
  entity: string;
  file: string;
  path: string;
  width: number;
  index: number[];
  ikbCol: number;
  /** Where the worker starts reading, and the good rows of the file before that point. */
  start: StartPoint;
  startRow: number;
  /** The runs of the range, for a file the group stage sorted over the threads (then read). */
  runs: string[] | null;
}

/** A sealed own-file check a worker collects over its range (by its rule's code). */
export interface SealedCheck {
  code: string;
  sealed: WholeFileSealedPart;
}

/** What a worker of the whole-file pass is started with (its `workerData`). */
export interface WholeFileJob extends WorkerRunData {
  files: WholeFileWorkerFile[];
  /** The range of IKB keys: [lo, hi), null for no bound. */
  lo: string | null;
  hi: string | null;
  /** The joined checks (indexes into `files`), with the own file's checks read along. */
  joins: {
    code: string;
    own: number;
    other: number;
    ownChecks: SealedCheck[];
  }[];
  /** The own-file checks of files no joined check reads. */
  collects: { file: number; checks: SealedCheck[] }[];
}

/** A message of a whole-file worker to the main thread. */
export type WholeFileMessage =
  | {
      type: "scanned";
      /** Per joined check: its hash pass over the range, its pairs, its own checks' rows. */
      joins: {
        scan: WholeFileScanPart;
        pairs: number;
        own: WholeFileCollectedPart[];
      }[];
      collects: WholeFileCollectedPart[][];
    }
  | { type: "collected"; joins: (WholeFileCollectedPart | null)[] }
  | { type: "repeated"; repeated: RepeatedHashes };

/** The main thread's answer to `scanned`: per joined check, its sealed state (null: no candidate). */
export interface WholeFileSealedMessage {
  type: "sealed";
  joins: ({ sealed: WholeFileSealedPart; row: number } | null)[];
}

/**
 * Between `scanned` and `sealed`, to the first worker: look for the repeated hashes of `part` of
 * a joined check's pair hashes (shared memory, in pair order), answered by `repeated`.
 */
export interface WholeFileRepeatMessage {
  type: "repeat";
  hashes: Float64Array;
  part: HashPart;
}

/** What the main thread sends a worker of the whole-file passes. */
export type WholeFileToWorker = WholeFileSealedMessage | WholeFileRepeatMessage;

/**
 * Joined checks with fewer pair hashes than this (or the run's `sealSplitHashes`) are sealed in
 * the main thread alone; with more, half of the look for repeated hashes goes to the first
 * worker (at 1 M, 1.2 M hashes: the worker waited 110–180 ms for the main thread's seal).
 */
const SPLIT_SEAL_HASHES = 1 << 18;

/** What goes over worker threads: joined checks, and files whose own checks are read alone. */
interface ParallelWork {
  joins: JoinedCheck[];
  /** Per joined check, the own file's checks read along (taken out of `pending`). */
  ownChecks: WholeFileCheck[][];
  collects: [FileState, WholeFileCheck[]][];
  files: FileState[];
  plan: ParallelPlan;
}

/**
 * The part of the whole-file passes that goes over worker threads, if any: the joined checks
 * over two files, and the own-file checks of files, in IKB key order and plain UTF-8 CSV.
 */
function parallelWork(
  s: DeliveryRun,
  joins: readonly JoinedCheck[],
  pending: ReadonlyMap<FileState, WholeFileCheck[]>,
): ParallelWork | undefined {
  const grouped = s.files.filter(
    (f) => f.report.readStatus === "read" && f.ikbCol >= 0,
  );
  const n = runThreads(
    s,
    grouped.reduce((k, f) => k + f.bytes, 0),
  );
  if (n < 2) return undefined;
  // in IKB key order: a range read from a resume point, its rows in file order as well
  const inKeyOrder = (f: FileState) =>
    f.ikbCol >= 0 &&
    plain(f) &&
    f.runs === undefined &&
    f.report.sortedByIkbKey === true &&
    f.resume !== undefined;
  // or sorted over the threads: a range merges its own runs, its rows in key order only, so a
  // joined check reads it and its own-file checks wait for the read in file order below
  const covered = (f: FileState) =>
    inKeyOrder(f) || (f.ikbCol >= 0 && plain(f) && f.rangeRuns !== undefined);
  const parallelJoins = joins.filter((j) => covered(j.own) && covered(j.other));
  const taken = new Set<FileState>();
  const ownChecks = parallelJoins.map((j) => {
    const checks =
      taken.has(j.own) || !inKeyOrder(j.own) ? undefined : pending.get(j.own);
    if (checks === undefined) return [];
    taken.add(j.own);
    return checks;
  });
  const collects = [...pending].filter(([f]) => !taken.has(f) && inKeyOrder(f));
  if (parallelJoins.length === 0 && collects.length === 0) return undefined;
  const files = [
    ...new Set([
      ...parallelJoins.flatMap((j) => [j.own, j.other]),
      ...collects.map(([f]) => f),
    ]),
  ];
  const plan = rangePlan(s, files, n);
  if (typeof plan === "string") return undefined;
  return { joins: parallelJoins, ownChecks, collects, files, plan };
}

/** The good rows of `f` before `start` (a resume point of its scan). */
function rowsBefore(f: FileState, start: StartPoint): number {
  if (start === null) return 0;
  const point = f.resume?.find((r) => r.offset === start.offset);
  if (point === undefined)
    throw new Error(`${f.file}: no resume point at byte ${start.offset}`);
  return point.row;
}

/**
 * The whole-file passes of `work` over worker threads, one per range of its plan but the first,
 * which this thread reads meanwhile (see the module comment); the checks read are taken out of
 * `pending`, and finished.
 *
 * @throws Error when a worker fails (which worker, and its error)
 */
async function inWorkers(
  s: DeliveryRun,
  work: ParallelWork,
  pending: Map<FileState, WholeFileCheck[]>,
): Promise<void> {
  // loaded only by a run that uses threads (a chunk of its own in the bundled command)
  const [pools, { workerFile, workerRunData }] = await Promise.all([
    import("./worker-pool.js"),
    import("./worker-run.js"),
  ]);
  const pool = pools.runPool(s, work.plan.ranges.length - 1);
  if (pool === undefined) throw new Error("pool-worker.js is not built");
  const { joins, ownChecks, collects, files, plan } = work;
  joins.forEach((j, i) => {
    if (ownChecks[i].length > 0) pending.delete(j.own);
  });
  for (const [f] of collects) pending.delete(f);
  const sealed = (checks: readonly WholeFileCheck[]): SealedCheck[] =>
    checks.map((w) => ({ code: w.rule.code, sealed: w.sealedPart() }));
  const jobs = plan.ranges.map((range): WholeFileJob => ({
    ...workerRunData(s),
    files: files.map((f, i) => ({
      ...workerFile(f),
      start: range.starts[i],
      startRow: rowsBefore(f, range.starts[i]),
      runs: range.runs?.[i] ?? null,
    })),
    lo: range.lo,
    hi: range.hi,
    joins: joins.map((j, i) => ({
      code: j.rule.code,
      own: files.indexOf(j.own),
      other: files.indexOf(j.other),
      ownChecks: sealed(ownChecks[i]),
    })),
    collects: collects.map(([f, checks]) => ({
      file: files.indexOf(f),
      checks: sealed(checks),
    })),
  }));
  // the first range in this thread (its code is warm, and it has nothing else to do meanwhile)
  const links: WorkerLink<WholeFileMessage, WholeFileToWorker>[] = [];
  let local: RangeWork | undefined;
  try {
    // the other ranges on the run's pool of workers, each a job on the next free one
    for (const [k, job] of jobs.slice(1).entries())
      links.push(
        new pools.WorkerLink<WholeFileMessage, WholeFileToWorker>(
          await pool.run(WHOLE_FILE_JOB_KIND, job),
          k,
          () => {},
          "the whole-file pass",
        ),
      );
    local = new RangeWork(s, files, jobs[0]);
    const scans = await inRangeOrder([
      local.round1(),
      ...links.map((l) => l.next("scanned")),
    ]);
    // round 1, in range order: the own-file checks are collected, the joined checks scanned
    collects.forEach(([, checks], i) =>
      checks.forEach((w, c) => {
        for (const m of scans) w.addCollectedPart(m.collects[i][c]);
        w.finish();
      }),
    );
    const firstPair = scans.map(() => joins.map(() => 0));
    joins.forEach((j, i) => {
      ownChecks[i].forEach((w, c) => {
        for (const m of scans) w.addCollectedPart(m.joins[i].own[c]);
        w.finish();
      });
      let pairs = 0;
      scans.forEach((m, k) => {
        firstPair[k][i] = pairs;
        pairs += m.joins[i].pairs;
        j.w.addScanPart(m.joins[i].scan);
      });
    });
    const candidates: boolean[] = [];
    for (const j of joins)
      candidates.push(
        links.length > 0 &&
          j.w.scanRows >= (s.opts.sealSplitHashes ?? SPLIT_SEAL_HASHES)
          ? await sealSplit(j.w, links[0])
          : j.w.seal(),
      );
    const answers = scans.map((_, k): WholeFileSealedMessage => ({
      type: "sealed",
      joins: joins.map((j, i) =>
        candidates[i]
          ? { sealed: j.w.sealedPart(), row: firstPair[k][i] }
          : null,
      ),
    }));
    links.forEach((l, k) => l.send(answers[k + 1]));
    // round 2, in range order: the candidate pairs of the joined checks
    const collected = await inRangeOrder([
      local.round2(answers[0]),
      ...links.map((l) => l.next("collected")),
    ]);
    joins.forEach((j, i) => {
      if (!candidates[i]) return;
      for (const m of collected) j.w.addCollectedPart(m.joins[i]!);
      j.w.finish();
    });
  } finally {
    local?.stop();
    await Promise.all(links.map((l) => l.stop()));
  }
}

/**
 * Seal the joined check `w` with the look for its repeated hashes in two halves by value: the
 * upper in the worker of `link` (it waits for `sealed` meanwhile), the lower here at the same
 * time. The same candidates and rows as {@link repeatedHashes} of all of them.
 */
async function sealSplit(
  w: WholeFileCheck,
  link: WorkerLink<WholeFileMessage, WholeFileToWorker>,
): Promise<boolean> {
  const hashes = w.joinedHashes();
  link.send({ type: "repeat", hashes, part: { k: 1, of: 2 } });
  const lower = repeatedHashes(hashes, { k: 0, of: 2 });
  const { repeated: upper } = await link.next("repeated");
  return w.seal(joinRepeated([lower, upper], hashes.length));
}

/** An own-file check of `f`, sealed as in the main thread, collecting from the range's first row. */
function ownCheck(
  s: DeliveryRun,
  f: FileState,
  d: WholeFileWorkerFile,
  c: SealedCheck,
): WholeFileCheck {
  const rule = s.rs.fileRules.find(
    (r) => r.code === c.code && r.join === undefined,
  );
  const projection = s.rs.wholeFile?.[c.code];
  if (rule === undefined || projection === undefined)
    throw new Error(`the compiled ruleset has no whole-file check ${c.code}`);
  const w = new WholeFileCheck(
    rule,
    projection,
    f.entity,
    f.index,
    f.file,
    s.opts.showPersonalData === true,
  );
  w.adoptSealed(c.sealed, d.startRow);
  return w;
}

/**
 * The good rows of `f` whose IKB key is in [lo, hi), read from `start`; `below` is called for
 * each good row before the range (read from the resume point, not the range's).
 */
async function* rangeRows(
  s: DeliveryRun,
  f: FileState,
  keep: Uint8Array,
  start: StartPoint,
  lo: string | null,
  hi: string | null,
  below?: () => void,
  stopped?: () => boolean,
): AsyncGenerator<KeyedRow[]> {
  let inRange = lo === null;
  for await (const batch of plainRows(s, f, keep, start, hi)) {
    if (stopped?.()) throw new Error("stopped");
    if (inRange) {
      yield batch;
      continue;
    }
    // the file is in key order: once a row is in the range, so are the rows after it
    let i = 0;
    while (i < batch.length && batch[i].key < lo!) {
      below?.();
      i++;
    }
    if (i === batch.length) continue;
    inRange = true;
    yield i === 0 ? batch : batch.slice(i);
  }
}

/**
 * The two rounds of the whole-file passes over one range of IKB keys (see the module comment):
 * in a worker (runtime/whole-file-worker.ts), or in the main thread for the first range.
 */
export class RangeWork {
  private readonly joins: JoinedCheck[];

  constructor(
    private readonly s: DeliveryRun,
    /** The files of the job, as `job.files` describes them. */
    private readonly files: readonly FileState[],
    private readonly job: RangeJob,
  ) {
    this.joins = job.joins.map((d) => {
      const rule = s.rs.fileRules.find((r) => r.code === d.code);
      const j = rule && joinedCheck(s, rule, [files[d.own], files[d.other]]);
      if (j === undefined)
        throw new Error(`the compiled ruleset has no joined check ${d.code}`);
      return j;
    });
  }

  private read(
    i: number,
    keep: Uint8Array,
    below?: () => void,
  ): AsyncGenerator<KeyedRow[]> {
    const d = this.job.files[i];
    // a range's runs hold only the range's keys
    if (d.runs !== null)
      return unlessStopped(mergeRuns(d.runs), () => this.stopped);
    return rangeRows(
      this.s,
      this.files[i],
      keep,
      d.start,
      this.job.lo,
      this.job.hi,
      below,
      () => this.stopped,
    );
  }

  /** Whether {@link stop} was called: the reads then throw. */
  private stopped = false;

  /** Stop reading (another range failed; the run fails with its error). */
  stop(): void {
    this.stopped = true;
  }

  /** Round 1: the joined checks' hash pass over the range's pairs, and the own-file checks. */
  async round1(): Promise<Extract<WholeFileMessage, { type: "scanned" }>> {
    const { s, job } = this;
    const scanned: Extract<WholeFileMessage, { type: "scanned" }> = {
      type: "scanned",
      joins: [],
      collects: [],
    };
    for (let i = 0; i < this.joins.length; i++) {
      const j = this.joins[i];
      const d = job.joins[i];
      const checks = d.ownChecks.map((c) =>
        ownCheck(s, j.own, job.files[d.own], c),
      );
      const keep = joinColumns(j, checks);
      const pair = new PairCells(j.own, j.other, j.w.columns);
      let pairs = 0;
      await eachPair(
        [
          this.read(d.own, keep[0], () => {
            for (const c of checks) c.skip();
          }),
          this.read(d.other, keep[1]),
        ],
        j,
        (a, b) => {
          pair.fill(a, b);
          j.w.scan(pair.cells);
          pairs++;
        },
        checks.length > 0 ? (a) => collectRow(j.own, checks, a) : undefined,
        (n) => j.w.scanOwn(n),
      );
      scanned.joins.push({
        scan: j.w.scanPart(),
        pairs,
        own: checks.map((c) => c.collectedPart()),
      });
    }
    for (const d of job.collects) {
      const f = this.files[d.file];
      const checks = d.checks.map((c) => ownCheck(s, f, job.files[d.file], c));
      const below = () => {
        for (const c of checks) c.skip();
      };
      for await (const batch of this.read(
        d.file,
        checkColumns(f, checks),
        below,
      ))
        for (const row of batch) collectRow(f, checks, row);
      scanned.collects.push(checks.map((c) => c.collectedPart()));
    }
    return scanned;
  }

  /** Round 2: the candidate pairs of the joined checks the main thread sealed with candidates. */
  async round2(
    answer: WholeFileSealedMessage,
  ): Promise<Extract<WholeFileMessage, { type: "collected" }>> {
    const out: Extract<WholeFileMessage, { type: "collected" }> = {
      type: "collected",
      joins: [],
    };
    for (let i = 0; i < this.joins.length; i++) {
      const part = answer.joins[i];
      if (part === null) {
        out.joins.push(null);
        continue;
      }
      const j = this.joins[i];
      const d = this.job.joins[i];
      j.w.adoptSealed(part.sealed, part.row);
      // the range's records of the own file alone, as round 1 paired them
      for await (const batch of this.read(d.own, valueColumns(j)))
        for (const a of batch) takeOwn(j, a);
      out.joins.push(j.w.collectedPart());
    }
    return out;
  }
}

/** What {@link RangeWork} reads of a job: its files, its range, its checks. */
export type RangeJob = Pick<
  WholeFileJob,
  "files" | "lo" | "hi" | "joins" | "collects"
>;
