/**
 * The read stage's scan pass over worker threads, by byte range (issue 15). A large plain UTF-8
 * CSV file is cut into ranges dealt out to the threads as they come free (large ones first,
 * small ones last: {@link RangeDealer}); each thread scans its range as one thread would
 * ({@link scanRange}: the same reader, line numbers counted from the range's start) and hands
 * back what the scan found there as plain data ({@link RangeResult}); the main thread merges the
 * ranges in file order into the file's state ({@link scanInWorkers}), so that everything the scan
 * fills is what one thread fills, and the report is byte-identical.
 *
 * **Speculative, verified.** A cut is moved to just after a line feed, a candidate record
 * boundary; it may still fall inside a record (a quoted field holding a line break). Each range
 * is read up to its end without flushing the record still open there, and tells whether the
 * reader ended exactly at its end with nothing pending (the byte tokenizer's `resumable()`).
 * Range k + 1 counts only when range k so ended: then the reader of one thread is at a record
 * boundary there too, on the line the earlier ranges counted to. Otherwise the file is scanned
 * again from the start of range k, the last boundary known, to its end in one job. So is it
 * after a range whose reader was still in the text tokenizer at its end, which cannot tell where
 * it stands (invalid UTF-8, U+FFFF or a record longer than the byte tokenizer holds in the
 * range's last piece: the byte tokenizer takes over again at the first record boundary of a
 * later piece): slower, the same report.
 *
 * What a range gives and how it merges, in range order: the rows read and rejected, the problems
 * (their lines shifted; the first `maxSamples` of the range and of each code in full, the rest
 * counted, which is all {@link problem} keeps of them), sortedness by IKB key (the range's own,
 * its first and last key), the candidate resume points (every piece of the reader, grouped as a
 * read of the whole file cuts its pieces), the key hashes of the unique-key and references checks
 * ({@link HashSet53.addAll}), the whole-file checks' first pass
 * ({@link WholeFileCheck.addScanPart}) and the file totals ({@link FileTotals.addPartial}).
 * The file's sha256 is computed meanwhile by a worker, as its first job of the file
 * ({@link ScanRunner.hash}), or else by the main thread.
 *
 * @module
 */
import { closeSync, openSync, readSync } from "node:fs";
import { readCsvFileBatches, type CsvEvent } from "./csv-reader.js";
import { cellNormalizer } from "./dialect.js";
import {
  markBoundary,
  reportFromEvent,
  type BoundaryMarks,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { FileTotals, type FileTotalsPart } from "./file-totals.js";
import { hash53Cells, HashSet53 } from "./key-set.js";
import {
  workerFile,
  workerRunData,
  type WorkerFileBase,
  type WorkerRunData,
} from "./worker-run.js";
import {
  failureError,
  runPool,
  type PoolJob,
  type WorkerPool,
} from "./worker-pool.js";
import {
  HASH_JOB_KIND,
  type HashJob,
  type HashWorkerMessage,
} from "./hash-worker.js";
import { ownText } from "./own-text.js";
import { problem } from "./stage-tally.js";
import { SCAN_SPLIT_BYTES } from "./stage-partition.js";
import { WholeFileCheck, type WholeFileScanPart } from "./whole-file.js";
import { repeatedHeaderMessage, repeatsHeader } from "./ikb-key.js";

/** The kind of a scan job on a worker of the pool (runtime/worker-pool.ts). */
export const SCAN_JOB_KIND = "regel-scan-range";

/** The reader's piece size (csv-reader.ts `BATCH_BYTES`): where a read of the whole file yields. */
const PIECE = 1 << 15;

/** A file's state after its header, as plain data for a range's scan. */
export interface ScanFile extends WorkerFileBase {
  bytes: number;
  keyCols: number[];
  /** Whether the unique-key check hashes the key columns. */
  unique: boolean;
  /** The places in the ruleset's `fileRules` of the file's whole-file checks, in order. */
  wholeFile: number[];
  /** Columns whose non-empty values go to a references key set, in order. */
  collect: number[];
  /** The cells the scan decodes (the reader's projection). */
  keep: Uint8Array;
  /** The header's cells: how the reader names columns in its problems. */
  header: string[];
}

/** A problem of a range, its line counted from the range's start. */
export interface RangeProblem {
  code: string;
  line: number;
  message: string;
}

/** The state of a range's scan at the end of one piece of the reader. */
export interface PieceEnd {
  /** Where the piece ends (a byte offset of the file). */
  end: number;
  /** Whether the piece gave records or problems (a read of the whole file yields a batch then). */
  events: boolean;
  /** The reader's resume point there (−1: none), its line counted from the range's start. */
  offset: number;
  line: number;
  /** The IKB key of the range's last good row so far (null: none yet). */
  lastKey: string | null;
  /** Whether the range's good rows so far are in IKB key order. */
  sorted: boolean;
  /** The range's good rows so far. */
  records: number;
}

/** What the scan of one range found. */
export interface RangeResult {
  start: number;
  /** The range's end (exclusive), undefined: the end of the file. */
  end: number | undefined;
  /** Whether the reader ended exactly at `end` at a record boundary (always, at the file's end). */
  confirmed: boolean;
  /** Lines the range holds (its last line end counted), when confirmed. */
  lines: number;
  rowsRead: number;
  rowsRejected: number;
  /** Rows that fit the header (`single`'s records). */
  records: number;
  problems: RangeProblem[];
  /** Problems not kept in full, per code. */
  counted: [string, number][];
  firstKey: string | null;
  lastKey: string | null;
  sorted: boolean;
  /** The pieces that gave events, and the first piece. */
  pieces: PieceEnd[];
  unique: Float64Array | undefined;
  collected: Float64Array[];
  wholeFile: WholeFileScanPart[];
  totals: FileTotalsPart;
}

/** A file's bound state as {@link ScanFile}. */
export function describeForScan(
  s: DeliveryRun,
  f: FileState,
  collect: readonly { col: number }[],
  keep: Uint8Array,
  header: readonly string[],
): ScanFile {
  return {
    ...workerFile(f),
    bytes: f.bytes,
    keyCols: f.keyCols,
    unique: f.unique !== undefined,
    wholeFile: f.wholeFile.map((w) => s.rs.fileRules.indexOf(w.rule)),
    collect: collect.map((c) => c.col),
    keep,
    header: [...header],
  };
}

/**
 * Scan the bytes [start, end) of a file (to its end when `end` is undefined), starting at a
 * record boundary, as {@link RangeResult}. Does not change `s` (its ruleset and options are read).
 */
export async function scanRange(
  s: DeliveryRun,
  d: ScanFile,
  start: number,
  end: number | undefined,
  onBytes?: (n: number) => void,
): Promise<RangeResult> {
  const entity = s.rs.entities.find((e) => e.name === d.entity);
  if (entity === undefined)
    throw new Error(`the compiled ruleset has no entity ${d.entity}`);
  // the checks and sets pushed onto empty arrays, not made by `map`: an array `map` builds in
  // optimized code has another elements kind than one it builds unoptimized, and RangeRows.scan,
  // compiled on the one, was deoptimized by the other
  const checks: WholeFileCheck[] = [];
  for (const i of d.wholeFile) {
    const rule = s.rs.fileRules[i];
    checks.push(
      new WholeFileCheck(
        rule,
        s.rs.wholeFile![rule.code],
        entity,
        d.index,
        d.file,
        s.opts.showPersonalData === true,
      ),
    );
  }
  const totals = new FileTotals(s.rs.fileRules, s.rs.fileTotals, s.rs.entities);
  totals.rrd = s.rrdDays;
  const unique = d.unique ? new HashSet53() : undefined;
  const sets: HashSet53[] = [];
  for (let i = 0; i < d.collect.length; i++) sets.push(new HashSet53());
  const normalize = cellNormalizer(entity, d.index);
  const max = s.maxSamples;
  const perCode = new Map<string, number>();
  const counted = new Map<string, number>();
  const problems: RangeProblem[] = [];
  let all = 0;
  const record = (code: string, line: number, message: string) => {
    const n = perCode.get(code) ?? 0;
    perCode.set(code, n + 1);
    // what problem() may keep of it: among the first samples of the file or of its code
    if (all++ < max || n < max) problems.push({ code, line, message });
    else counted.set(code, (counted.get(code) ?? 0) + 1);
  };
  const r: RangeResult = {
    start,
    end,
    confirmed: false,
    lines: 0,
    rowsRead: 0,
    rowsRejected: 0,
    records: 0,
    problems,
    counted: [],
    firstKey: null,
    lastKey: null,
    sorted: true,
    pieces: [],
    unique: undefined,
    collected: [],
    wholeFile: [],
    totals: totals.partial(),
  };
  const resume = { offset: -1, line: 0 };
  let at = start;
  let events = false;
  /** The state at the end of the piece read last (the reader reads the next one now). */
  const pieceEnd = (prevKey: string | null) => {
    if (at === start) return;
    if (events || r.pieces.length === 0)
      r.pieces.push({
        end: at,
        events,
        offset: resume.offset,
        line: resume.line,
        // a copy: the key is a view of its piece, and the range's pieces live until it is merged
        lastKey: prevKey === null ? null : ownText(prevKey),
        sorted: r.sorted,
        records: r.records,
      });
    events = false;
  };
  const rows = new RangeRows(
    d,
    entity.name,
    r,
    record,
    unique,
    sets,
    checks,
    totals,
    normalize,
  );
  for await (const batch of readCsvFileBatches(d.path, {
    maxFieldLength: s.opts.maxFieldLength,
    maxFields: s.opts.maxFields,
    maxRecordLength: s.opts.maxRecordLength,
    projection: { keep: d.keep },
    columns: d.header,
    start: { offset: start, line: 1 },
    end,
    resumePoint: resume,
    onBytes: (n) => {
      pieceEnd(rows.prevKey);
      at += n;
      onBytes?.(n);
    },
    // the last piece's state, before the end flushes a record (the resume point is over then)
    onInputEnd: () => pieceEnd(rows.prevKey),
  })) {
    events = true;
    rows.scan(batch);
  }
  const prevKey = rows.prevKey;
  pieceEnd(prevKey);
  r.lastKey = prevKey;
  r.confirmed = end === undefined || resume.offset === end;
  r.lines = resume.line - 1;
  r.counted = [...counted];
  r.unique = unique?.added();
  rows.finish();
  r.totals = totals.partial();
  return r;
}

/**
 * The rows of a range's batches, counted, checked and collected into its {@link RangeResult}.
 * A plain method per batch, as stage-read.ts's `scanBatch`: the optimizing compiler compiles
 * this small loop once, instead of {@link scanRange}'s async body again on each range.
 */
class RangeRows {
  /** The IKB key of the range's last good row so far (null: none yet). */
  prevKey: string | null = null;
  /**
   * How many whole-file checks and key sets there are, and the sets' columns as a typed array:
   * an empty array has another map than a full one, and a file without checks or sets would
   * otherwise deoptimize {@link scan} (compiled for the files before it) on their `length`.
   */
  private readonly nChecks: number;
  private readonly nSets: number;
  private readonly collectCols: Int32Array;

  constructor(
    private readonly d: ScanFile,
    private readonly entity: string,
    private readonly r: RangeResult,
    private readonly record: (
      code: string,
      line: number,
      message: string,
    ) => void,
    private readonly unique: HashSet53 | undefined,
    private readonly sets: HashSet53[],
    private readonly checks: WholeFileCheck[],
    private readonly totals: FileTotals,
    private readonly normalize: ReturnType<typeof cellNormalizer>,
  ) {
    this.nChecks = checks.length;
    this.collectCols = Int32Array.from(d.collect);
    this.nSets = this.collectCols.length;
  }

  /**
   * The key sets' and whole-file checks' parts of the range, into its result. By the counts, as
   * {@link scan}: a `map` over the arrays, inlined into {@link scanRange}, deoptimized its loop.
   */
  finish(): void {
    const { r, sets, checks, nSets, nChecks } = this;
    const collected: Float64Array[] = [];
    for (let i = 0; i < nSets; i++) collected.push(sets[i].added());
    const parts: WholeFileScanPart[] = [];
    for (let w = 0; w < nChecks; w++) parts.push(checks[w].scanPart());
    r.collected = collected;
    r.wholeFile = parts;
  }

  scan(batch: CsvEvent[]): void {
    const { d, r, unique, sets, checks, totals, normalize } = this;
    const { nChecks, nSets, collectCols } = this;
    const { ikbCol, width, keyCols } = d;
    for (let b = 0; b < batch.length; b++) {
      const ev = batch[b];
      r.rowsRead++;
      if (ev.kind === "problem") {
        r.rowsRejected++;
        this.record(`input.${ev.code}`, ev.line, ev.message);
        continue;
      }
      if (ev.cells.length !== width) {
        r.rowsRejected++;
        this.record(
          "input.column-count",
          ev.line,
          `the row has ${ev.cells.length} columns; the header has ${width}`,
        );
        continue;
      }
      if (ikbCol >= 0) {
        const key = ev.cells[ikbCol];
        // the header row again (the file is CSV: the scan splits no other)
        if (repeatsHeader(key, d.header[ikbCol]))
          this.record(
            "input.repeated-header",
            ev.line,
            repeatedHeaderMessage(d.header[ikbCol]),
          );
        if (this.prevKey === null) r.firstKey = key;
        else if (key < this.prevKey) r.sorted = false;
        this.prevKey = key;
      }
      if (unique) unique.addHash(hash53Cells(ev.cells, keyCols));
      if (nChecks > 0) {
        let cells = ev.cells;
        if (normalize) {
          cells = cells.slice();
          normalize.normalize(cells);
        }
        for (let w = 0; w < nChecks; w++) checks[w].scan(cells);
      }
      totals.row(this.entity, ev.cells, d.index, ev.line, normalize);
      for (let i = 0; i < nSets; i++) {
        const v = ev.cells[collectCols[i]];
        if (v !== "") sets[i].add(v);
      }
      r.records++;
    }
  }
}

/** The typed arrays of a result, to transfer rather than copy. */
export function transferables(r: RangeResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: Float64Array | undefined) => {
    if (a !== undefined && a.buffer instanceof ArrayBuffer) out.push(a.buffer);
  };
  add(r.unique);
  r.collected.forEach(add);
  for (const w of r.wholeFile) {
    add(w.hashes);
    add(w.notOneRows);
  }
  return out;
}

/** What the scan of a file had done in the main thread when it handed the rest to the workers. */
export interface ScanCursor {
  /** Where the rest starts: a record boundary, and its line. */
  offset: number;
  line: number;
  /** The end of the last piece the main thread read (its resume point is decided). */
  pieceEnd: number;
  /** The IKB key of the last good row (undefined: none). */
  prevKey: string | undefined;
  /** The offset of the last resume point recorded (0: none). */
  lastResume: number;
  /** The offset of the last cut recorded ({@link FileState.cuts}; 0: none). */
  lastCut: number;
  /** Bytes between two resume points (stage-read.ts). */
  resumeStep: number;
  /** Good rows so far. */
  records: number;
  /** The key sets the file's references collect, in {@link ScanFile.collect}'s order. */
  sets: HashSet53[];
}

/** Where the ranges of a file are scanned: {@link ScanPool}, or (tests) this thread. */
export interface ScanRunner {
  /** How many threads scan a file's ranges at once (each takes the next range when free). */
  readonly size: number;
  /**
   * Scan [start, end) of a file (to its end when `end` is undefined); `queued`: the range may
   * wait behind another one on the same thread.
   */
  run(
    file: ScanFile,
    start: number,
    end: number | undefined,
    onBytes: ((n: number) => void) | undefined,
    queued?: boolean,
  ): Promise<RangeResult>;
  /** Where to cut [from, size) of the file at `path` (default: {@link RangeDealer}'s cuts). */
  cuts?(path: string, from: number, size: number): number[];
  /**
   * One of the threads is the calling thread: it scans its ranges itself, the others by
   * {@link run}.
   */
  readonly firstHere?: boolean;
  /**
   * The sha256 of the whole file at `path`, computed by one of the other threads (null: it could
   * not be read). Without it, the calling thread hashes the file while the ranges are scanned.
   */
  hash?(path: string, size: number): Promise<string | null>;
}

/**
 * Scan the rest of `f` (from `cursor`) in ranges and merge it into `f` and `s`. Returns the
 * good rows of the whole file (the cursor's and the rest's).
 *
 * The ranges are dealt out as the threads come free ({@link RangeDealer}): each thread (this one
 * and every worker) takes the next range when it has scanned its last (a worker holds one more,
 * queued: it is dealt a range each time it finishes one), so a worker that starts late, a thread
 * slowed by the other, or the hashing shifts ranges to the other threads instead of leaving one
 * waiting at the file's end. The file is hashed by the first worker before its first range (with
 * {@link ScanRunner.hash}; else by this thread meanwhile): this thread starts at once on the first
 * range, and no thread is left hashing once the ranges are done. Ranges are merged in file order
 * as soon as the ranges before them are in; a worker is dealt its next range before the one it
 * finished is merged.
 */
export async function scanInWorkers(
  s: DeliveryRun,
  f: FileState,
  d: ScanFile,
  cursor: ScanCursor,
  pool: ScanRunner,
): Promise<number> {
  const lanes = Math.max(1, pool.size);
  const dealer = new RangeDealer(
    f.path,
    cursor.offset,
    f.bytes,
    lanes,
    Math.ceil((s.opts.scanSplitBytes ?? SCAN_SPLIT_BYTES) / 2),
    pool.cuts?.(f.path, cursor.offset, f.bytes),
  );
  let done = cursor.offset;
  const progress = s.opts.onProgress;
  const onBytes = progress
    ? (n: number) =>
        progress({
          phase: "scan",
          file: f.file,
          done: (done += n),
          total: f.bytes,
          rows: f.report.rowsRead,
        })
    : undefined;
  const merge = new RangeMerge(s, f, cursor);
  /** Ranges scanned but not merged yet, by their place in file order. */
  const waiting = new Map<number, RangeResult>();
  let merged = 0;
  /** The first range whose reader did not end at its end (the cut after it was in a record). */
  let broken: RangeResult | undefined;
  /** A range failed (a read error, a failed worker): the ranges still under way are dropped. */
  let failed = false;
  const arrived = (k: number, r: RangeResult) => {
    if (failed) return;
    // the ranges after an unconfirmed one are scanned again: deal out no more
    if (!r.confirmed) dealer.stop();
    waiting.set(k, r);
    for (
      let next = waiting.get(merged);
      next !== undefined && broken === undefined;
      next = waiting.get(merged)
    ) {
      waiting.delete(merged++);
      if (next.confirmed) merge.add(next);
      else broken = next;
    }
  };
  const lane = async (here: boolean, hashes: boolean) => {
    if (hashes) f.hash.adopt(await pool.hash!(f.path, f.bytes));
    if (here) {
      for (
        let range = dealer.next();
        range !== undefined;
        range = dealer.next()
      )
        arrived(
          range.k,
          await scanRange(s, d, range.start, range.end, onBytes),
        );
      return;
    }
    // A worker holds two ranges: the one it scans and the next, queued behind it, which it
    // starts the moment the first ends instead of waiting for this thread's event loop (up to
    // TURN_MS of runtime/csv-reader.ts while this thread reads). Its next range is dealt out
    // before its last one is merged here. (After a range that did not end at its cut, the ones
    // dealt are not merged.)
    const inFlight: { k: number; result: Promise<RangeResult> }[] = [];
    const deal = (queued: boolean) => {
      const r = dealer.next();
      if (r === undefined) return;
      const result = pool.run(d, r.start, r.end, onBytes, queued);
      // awaited below; until then a failure is not unhandled
      result.catch(() => undefined);
      inFlight.push({ k: r.k, result });
    };
    deal(false);
    deal(true);
    while (inFlight.length > 0) {
      const scanned = await inFlight[0].result;
      const { k } = inFlight.shift()!;
      deal(true);
      arrived(k, scanned);
    }
  };
  try {
    // this thread's lane first: it takes the first range, which it can start at once
    const here = pool.firstHere === true;
    // the first worker's lane hashes the file, when there is a worker to do it
    const hasher = here && pool.hash !== undefined && lanes > 1 ? 1 : -1;
    await Promise.all([
      ...Array.from({ length: lanes }, (_, t) =>
        lane(here && t === 0, t === hasher),
      ),
      hasher < 0 ? f.hash.catchUp(f.path, f.bytes) : undefined,
    ]);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    dealer.close();
  }
  // the cut after this range was inside a record: the rest again, from this range's start
  if (broken !== undefined)
    merge.add(await pool.run(d, broken.start, undefined, undefined));
  return merge.records;
}

/**
 * The ranges of the rest of a file, dealt out one at a time in file order: each about
 * 1 / (2 × lanes) of what is left (guided self-scheduling: large ranges first, few jobs; small
 * ones last, so the threads end together), at least `least` bytes, cut just after a line feed;
 * the last runs to the file's end. With `cuts` (tests), the ranges between those offsets.
 */
export class RangeDealer {
  private at: number;
  private k = 0;
  private fd: number | undefined;
  private readonly window = Buffer.allocUnsafe(1 << 16);
  private stopped = false;

  constructor(
    private readonly path: string,
    from: number,
    private readonly size: number,
    private readonly lanes: number,
    private readonly least: number,
    private readonly cuts?: readonly number[],
  ) {
    this.at = from;
  }

  /** The next range (undefined: none left), `k` its place in file order. */
  next(): { k: number; start: number; end: number | undefined } | undefined {
    if (this.stopped || this.at >= this.size) return undefined;
    const start = this.at;
    const cut = this.cuts !== undefined ? this.cuts[this.k] : this.cut(start);
    const end =
      cut !== undefined && cut > start && cut < this.size ? cut : undefined;
    this.at = end ?? this.size;
    return { k: this.k++, start, end };
  }

  /** No more ranges. */
  stop(): void {
    this.stopped = true;
  }

  close(): void {
    this.stopped = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Just after the first line feed at or after the range's share (undefined: the file's end). */
  private cut(start: number): number | undefined {
    const share = Math.max(
      this.least,
      Math.floor((this.size - start) / (2 * this.lanes)),
    );
    let at = start + share;
    // what is left after this range would be too small to be worth a range of its own
    if (this.size - at < this.least) return undefined;
    this.fd ??= openSync(this.path, "r");
    while (at < this.size) {
      const got = readSync(this.fd, this.window, 0, this.window.length, at);
      if (got === 0) return undefined;
      const lf = this.window.subarray(0, got).indexOf(10);
      if (lf >= 0)
        return this.size - (at + lf + 1) < this.least ? undefined : at + lf + 1;
      at += got;
    }
    return undefined;
  }
}

/** Merges ranges in file order into a file's state (see the module comment). */
class RangeMerge {
  /** The line the next range starts on. */
  private line: number;
  private prevKey: string | undefined;
  private readonly marks: BoundaryMarks;
  /** The end of the last piece whose resume point was decided. */
  private decided: number;
  /** Whether {@link reserve} ran. */
  private reserved = false;
  /** The last piece of the previous range, when it ended inside a piece of a whole read. */
  private open: Resolved | undefined;
  records: number;

  constructor(
    private readonly s: DeliveryRun,
    private readonly f: FileState,
    private readonly cursor: ScanCursor,
  ) {
    this.line = cursor.line;
    this.prevKey = cursor.prevKey;
    this.marks = {
      lastCut: cursor.lastCut,
      lastResume: cursor.lastResume,
      step: cursor.resumeStep,
    };
    this.decided = cursor.pieceEnd;
    this.records = cursor.records;
  }

  add(r: RangeResult): void {
    const { s, f } = this;
    if (!this.reserved) this.reserve(r);
    const shift = this.line - 1;
    f.report.rowsRead += r.rowsRead;
    f.report.rowsRejected += r.rowsRejected;
    for (const p of r.problems)
      problem(s, f, {
        code: p.code,
        severity: "blocking",
        file: f.file,
        line: p.line + shift,
        message:
          p.code === "input.unclosed-quote"
            ? p.message.replace(
                `at line ${p.line} `,
                `at line ${p.line + shift} `,
              )
            : p.message,
      });
    // past the samples of the file and of their code: counted only (their text is never kept)
    for (const [code, n] of r.counted)
      for (let i = 0; i < n; i++)
        problem(s, f, {
          code,
          severity: "blocking",
          file: f.file,
          message: "",
        });
    this.resumePoints(r, shift);
    if (f.ikbCol >= 0 && r.firstKey !== null) {
      if (
        !r.sorted ||
        (this.prevKey !== undefined && r.firstKey < this.prevKey)
      )
        f.report.sortedByIkbKey = false;
      this.prevKey = r.lastKey!;
    }
    if (r.unique !== undefined) f.unique!.hashes.addAll(r.unique);
    r.collected.forEach((h, i) => this.cursor.sets[i].addAll(h));
    r.wholeFile.forEach((part, i) => f.wholeFile[i].addScanPart(part));
    s.totals.addPartial(r.totals, shift);
    this.records += r.records;
    this.line += r.lines;
  }

  /**
   * Before the first range's hashes are added, room in the key sets and the whole-file checks
   * for about the rest of the file's, estimated from that range's by bytes (10 % more): one
   * growth each, not a copy at every doubling while the worker waits (the dealer's first range
   * is about a quarter of the file with two threads; a low estimate grows as before).
   */
  private reserve(r: RangeResult): void {
    this.reserved = true;
    if (r.end === undefined) return;
    const scale = ((this.f.bytes - r.start) / (r.end - r.start)) * 1.1;
    const more = (n: number) => Math.ceil(n * scale);
    if (r.unique !== undefined)
      this.f.unique!.hashes.reserve(more(r.unique.length));
    r.collected.forEach((h, i) => this.cursor.sets[i].reserve(more(h.length)));
    r.wholeFile.forEach((part, i) =>
      this.f.wholeFile[i].reserveScan(more(part.hashes.length)),
    );
  }

  /**
   * The resume points a read of the whole file records in this range: at the end of each of its
   * pieces (every 32 KiB of the file's offsets) that gave events, when far enough from the last
   * one, while the file is in key order. A range's first piece and the previous range's last
   * are one piece of a whole read when the cut between them is not at a piece's end.
   */
  private resumePoints(r: RangeResult, shift: number): void {
    const f = this.f;
    if (f.ikbCol < 0) return;
    const sortedBefore = f.report.sortedByIkbKey === true;
    const keyBefore = this.prevKey;
    /** A piece's state as the whole file's: its line, last key and sortedness. */
    const resolve = (p: PieceEnd): Resolved => ({
      end: p.end,
      events: p.events,
      offset: p.offset,
      line: p.line + shift,
      lastKey: p.lastKey ?? keyBefore ?? null,
      records: this.records + p.records,
      sorted:
        sortedBefore &&
        p.sorted &&
        (p.lastKey === null ||
          keyBefore === undefined ||
          r.firstKey! >= keyBefore),
    });
    for (const piece of r.pieces) {
      const p = resolve(piece);
      const whole = pieceOf(p.end, f.bytes);
      // the main thread's pieces, and those of earlier ranges, are decided
      if (whole <= this.decided) continue;
      const open = this.open;
      if (open !== undefined && pieceOf(open.end, f.bytes) !== whole) {
        this.take(open);
        this.open = undefined;
      }
      // pieces of ranges cut inside one piece of a whole read are that piece: it gave events
      // when any of them did, and ends in the state of the last
      this.open =
        this.open === undefined
          ? p
          : { ...p, events: p.events || this.open.events };
      if (p.end === whole) {
        this.take(this.open);
        this.open = undefined;
      }
    }
  }

  /** Record the resume point and cut at the end of a piece of a whole read, as the scan does. */
  private take(p: Resolved): void {
    this.decided = pieceOf(p.end, this.f.bytes);
    if (!p.events) return;
    markBoundary(
      this.f,
      this.marks,
      { offset: p.offset, line: p.line, lastKey: p.lastKey, row: p.records },
      p.sorted,
    );
  }
}

/** A {@link PieceEnd} as the whole file's state. */
interface Resolved {
  end: number;
  events: boolean;
  offset: number;
  line: number;
  lastKey: string | null;
  /** The file's good rows before the point (the rows the whole-file checks scanned). */
  records: number;
  sorted: boolean;
}

/** The end of the piece of a whole read of a file of `size` bytes that holds the offset before `end`. */
function pieceOf(end: number, size: number): number {
  return Math.min(size, Math.ceil(end / PIECE) * PIECE);
}

/** A range of a file for a worker of the run's pool to scan (runtime/scan-worker.ts). */
export interface ScanJob extends WorkerRunData {
  file: ScanFile;
  start: number;
  end: number | undefined;
}

/** A scan job's message to the main thread. */
export type ScanWorkerMessage =
  { type: "progress"; bytes: number } | { type: "done"; result: RangeResult };

/**
 * The scan's share of the run's worker pool (runtime/worker-pool.ts) for one read stage. A file's
 * ranges are scanned by `size` threads: the main thread and the pool's `size − 1` workers, each
 * taking the next range when free ({@link scanInWorkers}), a range a job on a free worker. A
 * worker that fails fails every job (and so the run) with its error.
 */
export class ScanPool implements ScanRunner {
  readonly firstHere = true;
  private readonly pool: WorkerPool;
  private readonly data: WorkerRunData;
  private readonly jobs = new Set<PoolJob>();
  private failure: Error | undefined;
  private nextWorker = 0;
  /** The threads that scan: `size` asked for, fewer when the system refused workers. */
  readonly size: number;

  /** @param _script unused: the pool's workers run its entry */
  constructor(s: DeliveryRun, _script: URL, size: number) {
    const pool = runPool(s, size - 1);
    if (pool === undefined) throw new Error("pool-worker.js is not built");
    this.pool = pool;
    this.size = Math.min(size, pool.size + 1);
    this.data = workerRunData(s);
  }

  /** Scan [start, end) of the file in the next free worker (`queued`: or behind a range). */
  run(
    file: ScanFile,
    start: number,
    end: number | undefined,
    onBytes: ((n: number) => void) | undefined,
    queued = false,
  ): Promise<RangeResult> {
    return this.job<ScanWorkerMessage, RangeResult>(
      SCAN_JOB_KIND,
      { ...this.data, file, start, end } satisfies ScanJob,
      (m, resolve) => {
        if (m.type === "progress") reportFromEvent(onBytes, m.bytes);
        else resolve(m.result);
      },
      queued,
    );
  }

  /** Hash the whole file in the next free worker (runtime/hash-worker.ts). */
  hash(path: string, size: number): Promise<string | null> {
    return this.job<HashWorkerMessage, string | null>(
      HASH_JOB_KIND,
      { ...this.data, path, size } satisfies HashJob,
      (m, resolve) => resolve(m.sha256),
    );
  }

  /** Run a job of `kind` in the next free worker; `answer` reads its messages. */
  private async job<M, T>(
    kind: string,
    data: unknown,
    answer: (m: M, resolve: (value: T) => void) => void,
    queued = false,
  ): Promise<T> {
    if (this.failure !== undefined) throw this.failure;
    const k = this.nextWorker++ % Math.max(1, this.size - 1);
    const job = await this.pool.run(kind, data, [], queued);
    this.jobs.add(job);
    try {
      return await new Promise<T>((resolve, reject) => {
        job.onFailure((f) => {
          this.failure ??= new ScanWorkerError(
            failureError(f, k, "the scan").message,
            "error" in f ? { cause: f.error } : undefined,
          );
          reject(this.failure);
        });
        job.port.on("message", (m: M) => answer(m, resolve));
      });
    } finally {
      this.jobs.delete(job);
      job.close();
    }
  }

  /** The stage is done, or failed: the jobs still running are left (the pool stops them). */
  async stop(): Promise<void> {
    this.failure ??= new ScanWorkerError("the scan's workers were stopped");
    for (const job of this.jobs) job.close();
    this.jobs.clear();
  }
}

/** A worker of the scan failed: the run fails (it is not a problem of the file read). */
export class ScanWorkerError extends Error {}
