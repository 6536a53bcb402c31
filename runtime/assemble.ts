/**
 * Bounded-memory IKB assembly: every IKB file becomes a stream of rows sorted by IKB key (the file
 * itself when it already is sorted, otherwise an external merge sort through temporary run files),
 * and a k-way merge over those streams yields one IKB at a time.
 *
 * Memory is bounded by the sort budget (rows held before a run is written), one open read buffer
 * per run — at most {@link MERGE_FAN_IN} runs per file, longer lists are merged in passes first —
 * and the largest single IKB.
 *
 * @module
 */
import { createWriteStream, rmSync } from "node:fs";
import { chmod, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { onExitCleanup } from "./exit-cleanup.js";
import { unusableIkbKey } from "./ikb-key.js";
import { emptyObjectArray } from "./object-arrays.js";
import { fileChunks, readCsvBatches } from "./csv-reader.js";
import { keyThenLineOrder } from "./key-order.js";
import { ownerIsGone, readOwner, writeOwner } from "./owner.js";
import { ownText } from "./own-text.js";
import { RUN_HEADER, runRecord, runRows } from "./run-format.js";

/** A CSV row tagged with its IKB key and line. */
export interface KeyedRow {
  key: string;
  line: number;
  cells: string[];
}

/** Order by key (UTF-16 code units, as `<` compares strings), then by line. */
export function compareKeyed(
  a: { key: string; line: number },
  b: { key: string; line: number },
): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.line - b.line;
}

/** Name prefix of the sort folders; with the owner marker inside, how a later run knows its leftovers. */
const SORT_DIR_PREFIX = "regel-sort-";
/** The owner marker in a sort folder (pid and host of the run). */
const OWNER_FILE = "owner.json";

/**
 * Remove sort folders under `base` that an earlier run left behind (killed with SIGKILL, or a
 * power cut): those with an owner marker of this host whose process is gone. Folders of live
 * runs, of other hosts and anything without a marker are left alone. Returns the folders removed.
 */
export async function removeLeftoverSortDirs(base: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = join(base, name);
    if (isLeftoverSortDir(dir)) {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

/**
 * Whether `dir` is a sort folder an earlier run of this host left behind, its process gone
 * (what {@link removeLeftoverSortDirs} removes).
 */
export function isLeftoverSortDir(dir: string): boolean {
  if (!basename(dir).startsWith(SORT_DIR_PREFIX)) return false;
  const owner = readOwner(join(dir, OWNER_FILE));
  return owner !== undefined && ownerIsGone(owner);
}

/**
 * Remove a folder from an exit hook: synchronously, retrying while a write that was under way in
 * the thread pool adds a file (ENOTEMPTY), and never throwing — the process is on its way out.
 */
function removeNow(dir: string): void {
  for (let attempt = 0; attempt < 5; attempt++)
    try {
      rmSync(dir, {
        recursive: true,
        force: true,
        maxRetries: 3,
        retryDelay: 5,
      });
      return;
    } catch {
      // try again: the folder changed under us
    }
}

/** Where a {@link RunWriter} writes its runs: a new file's path per call. */
export interface RunFiles {
  file(prefix: string): Promise<string>;
}

/** The `n`-th run file of `prefix` in the sort folder `dir`. */
function runFileName(dir: string, prefix: string, n: number): string {
  return join(dir, `${prefix}-${String(n).padStart(5, "0")}.csv`);
}

/**
 * Run files in a sort folder that the main thread's {@link TempSpace} made (and removes): a worker
 * of the run writes its runs there, under a prefix no other writer uses.
 */
export class RunFolder implements RunFiles {
  private n = 0;
  constructor(private readonly dir: string) {}
  async file(prefix: string): Promise<string> {
    return runFileName(this.dir, prefix, this.n++);
  }
}

/**
 * A private temporary folder for sort runs (mode 0700, files 0600): the runs hold unmasked rows
 * (names, IBANs). It is removed by {@link TempSpace.dispose}, and also when the process exits
 * another way (an error, `process.exit`, SIGINT / SIGTERM / SIGHUP). After a SIGKILL the owner
 * marker lets the next run remove it ({@link removeLeftoverSortDirs}). That sweep of leftovers
 * starts when the TempSpace is made, so that listing a crowded temporary folder overlaps the
 * run's reading; {@link TempSpace.dispose} (or the first sort folder) waits for it.
 */
export class TempSpace implements RunFiles {
  private dir: string | undefined;
  private n = 0;
  private removeExitHook: (() => void) | undefined;
  /** Leftovers of killed runs go once per run, whether or not this run sorts. */
  private readonly sweeping: Promise<unknown>;
  constructor(private readonly base: string = tmpdir()) {
    this.sweeping = removeLeftoverSortDirs(base);
    // a failure is reported where the sweep is awaited, not as an unhandled rejection meanwhile
    this.sweeping.catch(() => undefined);
  }
  async file(prefix: string): Promise<string> {
    return runFileName(await this.folder(), prefix, this.n++);
  }
  /** The sort folder, made now if it was not yet (a worker of the run writes runs into it). */
  async folder(): Promise<string> {
    this.dir ??= await this.create();
    return this.dir;
  }
  private async create(): Promise<string> {
    await this.sweeping;
    const dir = await mkdtemp(join(this.base, SORT_DIR_PREFIX));
    // mkdtemp makes it 0700 on POSIX already; say so explicitly (no-op on Windows)
    await chmod(dir, 0o700);
    this.removeExitHook = onExitCleanup(() => removeNow(dir));
    writeOwner(join(dir, OWNER_FILE));
    return dir;
  }
  async dispose(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    await this.sweeping;
    this.removeExitHook?.();
    this.removeExitHook = undefined;
    this.dir = undefined;
  }
}

/** Characters of run records a {@link RunWriter} holds when no sort budget is given. */
export const SORT_BUDGET = 64 * 1024 * 1024;

/** A row held by a {@link RunWriter}: its key and line, and its record in the run format. */
export interface RunEntry {
  key: string;
  line: number;
  record: string;
}

/**
 * The rows a {@link RunWriter} holds until its next run is written: each row's record
 * (runtime/run-format.ts) in UTF-8, one after another in one buffer in the order they were added,
 * and its key, line and where its record starts. A row is held as its record's bytes, not its
 * cells nor a string: on a shuffled delivery of 1 M depositors, rows held as cells took a quarter
 * of the run in garbage collection, and records held as strings a tenth in collecting them and
 * in joining them in key order to write them (bench/results.md, "Unsorted deliveries").
 */
class HeldRows {
  /** The records, from 0 to {@link used}. */
  bytes = Buffer.allocUnsafe(1 << 16);
  used = 0;
  keys: string[] = [];
  lines: number[] = [];
  starts: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  add(key: string, line: number, record: string): void {
    // (at most 3 bytes of UTF-8 per UTF-16 code unit; room kept after them for recordPieces)
    const most = this.used + record.length * 3 + RUN_WRITE_BYTES;
    if (most > this.bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(most, this.bytes.length * 2));
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
    // (a key kept as its piece's slice would keep the piece until the run is written)
    this.keys.push(ownText(key));
    this.lines.push(line);
    this.starts.push(this.used);
    this.used += this.bytes.write(record, this.used);
  }

  /** The rows' places, in key-then-line order ({@link compareKeyed}). */
  sorted(): number[] {
    return keyThenLineOrder(this.keys, this.lines);
  }

  /** Where the record of row `i` ends. */
  end(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1] : this.used;
  }

  /** Hold no rows, keeping the buffer. */
  clear(): void {
    this.used = 0;
    this.keys = [];
    this.lines = [];
    this.starts = [];
  }
}

/**
 * Collects rows and writes them as sorted runs (runtime/run-format.ts) whenever the budget of
 * characters held in memory is reached ({@link HeldRows}).
 */
export class RunWriter {
  /** The runs by range of keys ({@link cuts}): `byRange[k]` holds rows in [cuts[k − 1], cuts[k]). */
  readonly byRange: string[][];
  private rows: HeldRows | undefined = new HeldRows();
  private held = 0;
  constructor(
    private readonly files: RunFiles,
    private readonly prefix: string,
    /** Characters of run records held before a run is written. */
    private readonly budget = SORT_BUDGET,
    /**
     * Keys, ascending, that split each run into one file per range of keys (none: one range), so
     * that each range's rows can be merged apart (runtime/parallel-sort.ts).
     */
    private readonly cuts: readonly string[] = [],
  ) {
    this.byRange = Array.from({ length: cuts.length + 1 }, () => []);
  }

  /** The runs written, of every range, range after range. */
  get runs(): string[] {
    return this.byRange.flat();
  }

  /** Add a row; returns true when the budget is full and {@link RunWriter.flush} should be awaited. */
  add(row: KeyedRow): boolean {
    return this.addEntry({
      key: row.key,
      line: row.line,
      record: runRecord(row),
    });
  }

  /** Add a row as its record ({@link add}'s, made by the caller). */
  addEntry(entry: RunEntry): boolean {
    (this.rows ??= new HeldRows()).add(entry.key, entry.line, entry.record);
    this.held += entry.record.length + 64;
    return this.held >= this.budget;
  }

  async flush(): Promise<void> {
    const rows = this.rows;
    if (rows === undefined || rows.size === 0) return;
    // rows added while this run is written go to rows of their own
    this.rows = undefined;
    this.held = 0;
    const order = rows.sorted();
    let from = 0;
    for (let k = 0; k <= this.cuts.length; k++) {
      let end = order.length;
      if (k < this.cuts.length) {
        const cut = this.cuts[k];
        end = from;
        while (end < order.length && rows.keys[order[end]] < cut) end++;
      }
      if (end === from) continue;
      const path = await this.files.file(this.prefix);
      await writeRun(path, recordPieces(rows, order, from, end));
      this.byRange[k].push(path);
      from = end;
    }
    rows.clear();
    this.rows ??= rows;
  }

  /**
   * Write the last run, then merge runs of each range into longer ones until at most
   * {@link MERGE_FAN_IN} are left ({@link reduceRuns}): the final merge then holds a bounded number
   * of read buffers however large the file (each run merged is read and written once more).
   */
  async finish(fanIn = MERGE_FAN_IN): Promise<void> {
    await this.flush();
    this.rows = undefined;
    for (const range of this.byRange) {
      const runs = await reduceRuns(this.files, this.prefix, range, fanIn);
      range.splice(0, range.length, ...runs);
    }
  }
}

/**
 * Merge runs of `runs` into longer ones (removing those merged) until at most `fanIn` are left;
 * returns them. Only as many as that takes are merged: the first `fanIn` runs, or fewer for the
 * last merge, each merged run put last, so that one of the runs written first is merged again
 * only when every run given has been. 80 runs take one merge of 17, where merging them all in
 * groups of 64 wrote all 80 again.
 */
export async function reduceRuns(
  files: RunFiles,
  prefix: string,
  runs: readonly string[],
  fanIn = MERGE_FAN_IN,
): Promise<string[]> {
  const left = [...runs];
  while (left.length > fanIn) {
    // merging g runs into one leaves g − 1 fewer
    const group = left.splice(
      0,
      Math.max(2, Math.min(fanIn, left.length - fanIn + 1)),
    );
    const path = await files.file(prefix);
    await writeRun(path, recordsOf(mergeRuns(group)));
    await Promise.all(group.map((p) => rm(p, { force: true })));
    left.push(path);
  }
  return left;
}

/**
 * Most runs merged at once (the final merge's fan-in). Each open run holds a read buffer of
 * {@link RUN_READ_BUFFER} bytes and the rows of one batch; 64 bound that at a few MB, where one
 * buffer per run grew with the file (bench/results.md, "The previous delivery"). At 16, the 2 M
 * rows of a shuffled bank_account.csv at 1 M depositors (23 runs) were merged in an extra pass,
 * written and read once more: 10 s of a 72 s run ("Unsorted deliveries").
 */
export const MERGE_FAN_IN = 64;

/**
 * Bytes read from a run at a time. A merge holds a batch of rows of each open run, alive through
 * every scavenge until the merge hands them on. The shuffled 1 M delivery (23 runs, 10 of them
 * bank_account.csv's, with one thread; twice as many with two: each thread sorts in half the
 * budget, and each range reads a piece of every run) spent 1.8 s of its 15 s validate pass in
 * scavenges with 64 KiB (`--trace-gc`, one thread); with 8 KiB its validate pass took a median
 * 9.2 s against 11.9 s with two threads and 14.7 s against 15.1 s with one (16 KiB between, 4 KiB
 * no better; bench/results.md, "Unsorted deliveries: smaller run reads"). The previous delivery's
 * runs are read 64 KiB at a time (runtime/previous-delivery.ts `PREVIOUS_RUN_READ`).
 */
const RUN_READ_BUFFER = 1 << 13;

/**
 * The records of the rows `order[from, to)` of `rows`, in that order, in pieces of about
 * {@link RUN_WRITE_BYTES} (a sorted run as a stream of bytes). Each piece is put together by
 * `copyWithin` in the room after the held records ({@link HeldRows.add} keeps it), then copied out
 * whole: `Buffer.copy` makes a view of its source for every record it copies (Node 20), and the
 * shuffled 1 M delivery's sort took 0.5 s longer with one thread (bench/results.md, "Unsorted
 * deliveries: the order of a run without a comparator").
 */
function* recordPieces(
  rows: HeldRows,
  order: readonly number[],
  from: number,
  to: number,
): Generator<Buffer> {
  const bytes = rows.bytes;
  const base = rows.used;
  const room = Math.min(bytes.length - base, RUN_WRITE_BYTES);
  let at = 0;
  for (let k = from; k < to; k++) {
    const i = order[k];
    const start = rows.starts[i];
    const end = rows.end(i);
    if (at + end - start > room) {
      if (at > 0) yield Buffer.from(bytes.subarray(base, base + at));
      at = 0;
      if (end - start > room) {
        yield Buffer.from(bytes.subarray(start, end));
        continue;
      }
    }
    bytes.copyWithin(base + at, start, end);
    at += end - start;
  }
  if (at > 0) yield Buffer.from(bytes.subarray(base, base + at));
}

/** Bytes of a run written at a time. */
const RUN_WRITE_BYTES = 1 << 20;

/** The records of a stream of row batches, a text per batch. */
async function* recordsOf(
  batches: AsyncIterable<KeyedRow[]>,
): AsyncGenerator<string> {
  for await (const batch of batches) {
    let text = "";
    for (const r of batch) text += runRecord(r);
    yield text;
  }
}

/** Write a sorted run's records as one run file (runtime/run-format.ts, mode 0600). */
async function writeRun(
  path: string,
  records: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
): Promise<void> {
  const out = createWriteStream(path, { mode: 0o600 });
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", (e: NodeJS.ErrnoException) => {
      // a write's error knows only its descriptor: name the run file (a full disk: which disk)
      if (e.syscall && e.path === undefined) e.path = path;
      reject(e);
    });
  });
  // observed below; until then a write error must not become an unhandled rejection
  done.catch(() => undefined);
  try {
    out.write(RUN_HEADER);
    for await (const piece of records) {
      if (!out.write(piece))
        await new Promise<void>((resolve, reject) => {
          const onError = (e: Error): void => reject(e);
          out.once("drain", () => {
            out.off("error", onError);
            resolve();
          });
          out.once("error", onError);
        });
    }
  } finally {
    out.end();
  }
  await done;
}

/** No limit: a run's records are rows that passed the delivery's limits, with two cells more. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** Read a run file in batches (one per batch of the reader), `readBytes` at a time. */
async function* readRun(
  path: string,
  readBytes: number,
): AsyncGenerator<KeyedRow[]> {
  let header = true;
  for await (const events of readCsvBatches(fileChunks(path, readBytes), {
    maxFieldLength: UNLIMITED,
    maxFields: UNLIMITED,
    maxRecordLength: UNLIMITED,
  })) {
    let batch = events;
    if (header) {
      header = false;
      const first = events[0];
      if (
        first?.kind !== "row" ||
        first.cells.length !== 1 ||
        `${first.cells[0]}\n` !== RUN_HEADER
      )
        throw new Error(`sort run ${path} is not a run of this version`);
      batch = events.slice(1);
    }
    const rows = runRows(batch, path);
    if (rows.length) yield rows;
  }
  if (header) throw new Error(`sort run ${path} is empty`);
}

/**
 * A read position in a stream of row batches. `ready()` is synchronous; only when a batch is used
 * up does the caller `await refill()`, so most rows cost no promise.
 */
export class Cursor {
  /** The current batch; a row handed out is cleared from it (see {@link Cursor.advance}). */
  private buf: (KeyedRow | undefined)[] = [];
  private pos = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<KeyedRow[]>) {}
  ready(): boolean {
    return this.pos < this.buf.length || this.done;
  }
  async refill(): Promise<void> {
    while (this.pos >= this.buf.length && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        this.buf = r.value;
        this.pos = 0;
      }
    }
  }
  /** The current row (after `ready()` / `refill()`), or undefined at the end. */
  head(): KeyedRow | undefined {
    return this.buf[this.pos];
  }
  /**
   * The rows with `key` from the current one on in this batch, added to `into` (a new list of
   * exactly their number when undefined; `into` as it is when there are none), and past them.
   * Their slots are cleared, as by {@link advance}.
   */
  takeKey(key: string, into: KeyedRow[] | undefined): KeyedRow[] | undefined {
    const buf = this.buf;
    const from = this.pos;
    let end = from;
    while (end < buf.length && buf[end]!.key === key) end++;
    if (end === from) return into;
    let list: KeyedRow[];
    if (into === undefined) list = buf.slice(from, end) as KeyedRow[];
    else {
      list = into;
      for (let i = from; i < end; i++) list.push(buf[i]!);
    }
    for (let i = from; i < end; i++) buf[i] = undefined;
    this.pos = end;
    return list;
  }
  /**
   * Past the current row. Its slot is cleared: a row the consumer is done with can then be
   * collected before the rest of its batch (fewer young objects surviving a scavenge).
   */
  advance(): void {
    this.buf[this.pos++] = undefined;
  }
}

/** A small binary min-heap of iterator heads. */
class Heap<T> {
  private items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The batches of `rows` until `stopped` says otherwise (then the read throws): a range's read
 * over threads stops between batches when another range failed.
 */
export async function* unlessStopped<T>(
  rows: AsyncGenerator<T>,
  stopped: () => boolean,
): AsyncGenerator<T> {
  for await (const batch of rows) {
    if (stopped()) throw new Error("stopped");
    yield batch;
  }
}

/**
 * Merge sorted run files into one sorted stream of batches, reading each `readBytes` at a time
 * (default {@link RUN_READ_BUFFER}).
 */
export async function* mergeRuns(
  paths: readonly string[],
  readBytes = RUN_READ_BUFFER,
): AsyncGenerator<KeyedRow[]> {
  if (paths.length === 1) {
    yield* readRun(paths[0], readBytes);
    return;
  }
  const heap = new Heap<{ row: KeyedRow; c: Cursor }>(
    (a, b) => compareKeyed(a.row, b.row) < 0,
  );
  for (const p of paths) {
    const c = new Cursor(readRun(p, readBytes));
    await c.refill();
    const h = c.head();
    if (h) heap.push({ row: h, c });
  }
  let out: KeyedRow[] = [];
  while (heap.size > 0) {
    const top = heap.pop()!;
    out.push(top.row);
    top.c.advance();
    if (!top.c.ready()) {
      if (out.length) {
        yield out;
        out = [];
      }
      await top.c.refill();
    }
    const h = top.c.head();
    if (h) heap.push({ row: h, c: top.c });
    if (out.length >= 4096) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

/**
 * IKBs handed over per batch by {@link groupByKey}. Their rows are alive until the batch is
 * validated; 1,024 IKBs (~6,000 rows) made most young objects survive a scavenge (2 s of GC on
 * 1.19M rows), 64 keeps the GC time to a fifth at a promise per 64 IKBs.
 */
const GROUP_BATCH = 64;

/** One IKB: its key and, per source index, the rows with that key. */
export interface KeyGroup {
  key: string;
  /** Per source, its rows with the key: read them, do not change the lists (empty ones are shared). */
  rows: KeyedRow[][];
}

/**
 * The rows one IKB may have, in all its files together. Every row of an IKB, and its record, is in
 * memory while the IKB is checked: about 1.5 KB each (a delivery of 100,000 depositors whose
 * 650,000 rows carry one IKB key peaked at 1.0 GB), so an IKB this large takes about 1.5 GB, and a
 * larger one would run the process out of memory and kill it (6.27 M rows did after 67 s, at
 * 4.4 GB). No depositor has an IKB this large: a delivery with one is an export that wrote one
 * key for all the rows.
 */
export const MAX_IKB_ROWS = 1_000_000;

/** An IKB with more rows than it may have: its key, the source whose rows passed the limit, the limit. */
export class LargeIkbError extends Error {
  constructor(
    readonly key: string,
    readonly source: number,
    readonly maxRows: number,
  ) {
    super(
      `the rows of IKB key ${JSON.stringify(key.slice(0, 40))} are more than ${maxRows.toLocaleString("en")}`,
    );
  }
}

/**
 * Why a run stops at a {@link LargeIkbError}: `e`'s message, the `files` whose rows made the IKB
 * (`what` the part of the run that holds them), and what to check (`keyColumn`, the IKB key field).
 */
export function largeIkbMessage(
  e: LargeIkbError,
  files: readonly string[],
  what: string,
  keyColumn: string,
): string {
  return `${e.message} (in ${files.join(", ")}${files.length > 1 ? " together" : ""}): every row of an IKB is held in memory while ${what}, so an IKB of more rows is not validated; no depositor has one, so the delivery most likely wrote one IKB key for rows of many depositors: check its ${keyColumn} column`;
}

/**
 * The fewest rows without a usable IKB key that {@link groupByKey} hands over as one piece: all
 * of them in one group held 3.7 GB at 1 M depositors whose rows all had an empty key.
 */
export const UNGROUPED_PIECE = 65_536;

/** The rows of a source that has none with a group's key (one list for all groups, never written to). */
const NO_ROWS: KeyedRow[] = emptyObjectArray();

/**
 * K-way merge of per-entity streams of row batches, each sorted by key, into groups with the same
 * key. Throws if a stream turns out not to be sorted (callers sort first), and
 * {@link LargeIkbError} for a group of more than `maxRows` rows with a usable IKB key. With
 * `pieces`, the rows without a usable key (each checked on its own) come in groups of at least
 * {@link UNGROUPED_PIECE} rows, one after the other with the same key, in the order one group
 * would hold them, instead of one group of all of them.
 */
export async function* groupByKey(
  sources: readonly AsyncIterator<KeyedRow[]>[],
  maxRows = MAX_IKB_ROWS,
  pieces = false,
): AsyncGenerator<KeyGroup[]> {
  const grouper = new Grouper(
    sources.map((s) => new Cursor(s)),
    maxRows,
    pieces,
  );
  for (;;) {
    const state = grouper.fill();
    if (state === GROUPS_END) break;
    if (state === GROUPS_FULL) {
      yield grouper.take();
      continue;
    }
    // a cursor's batch is used up: wait for its next one, then go on
    await grouper.refill();
  }
  const rest = grouper.take();
  if (rest.length) yield rest;
}

/** Why {@link Grouper.fill} returned. */
const GROUPS_FULL = 0;
const GROUPS_END = 1;
const GROUPS_REFILL = 2;

/**
 * The groups of {@link groupByKey}, formed from the cursors' current batches by a plain
 * (synchronous) method, so that the optimizing compiler takes its loop (an async generator's
 * loop it does not); the generator only awaits the refills.
 */
class Grouper {
  private out: KeyGroup[] = emptyObjectArray();
  /** The group being formed when a cursor had to be refilled: its key, rows, next cursor. */
  private min = "";
  private rows: KeyedRow[][] | undefined;
  private at = 0;

  /** `pieces`: rows without a usable IKB key are handed over in pieces ({@link groupByKey}). */
  constructor(
    private readonly cursors: readonly Cursor[],
    private readonly maxRows: number,
    private readonly pieces: boolean,
  ) {}

  /**
   * Throws {@link LargeIkbError} when the group being formed, whose rows from cursor `at` are
   * `list` (so far), has more rows than it may ({@link MAX_IKB_ROWS}): checked as its rows go on
   * past a batch, and when it is formed.
   */
  private holdable(rows: KeyedRow[][], at: number, list: KeyedRow[]): void {
    let n = list.length;
    for (let i = 0; i < at; i++) n += rows[i].length;
    // (rows without a usable key are checked one by one, each as an IKB of its own)
    if (n > this.maxRows && !unusableIkbKey(this.min)) {
      // the source whose rows passed the limit, wherever its batches ended (threads cut them
      // elsewhere): the same source with any number of threads
      let source = 0;
      for (let sum = 0; source < at; source++)
        if ((sum += rows[source].length) > this.maxRows) break;
      throw new LargeIkbError(this.min, source, this.maxRows);
    }
  }

  /** The groups formed so far. */
  take(): KeyGroup[] {
    const out = this.out;
    this.out = emptyObjectArray();
    return out;
  }

  /** Refill every cursor whose batch is used up. */
  async refill(): Promise<void> {
    for (let i = 0; i < this.cursors.length; i++)
      if (!this.cursors[i].ready()) await this.cursors[i].refill();
  }

  /**
   * Form groups until {@link GROUP_BATCH} are waiting (GROUPS_FULL), every cursor is at its end
   * (GROUPS_END), or a cursor must be refilled first (GROUPS_REFILL; a group half formed then
   * goes on at the next call).
   */
  fill(): number {
    const cursors = this.cursors;
    const k = cursors.length;
    const out = this.out;
    for (;;) {
      let rows = this.rows;
      if (rows === undefined) {
        if (out.length >= GROUP_BATCH) return GROUPS_FULL;
        for (let i = 0; i < k; i++)
          if (!cursors[i].ready()) return GROUPS_REFILL;
        let min: string | undefined;
        for (let i = 0; i < k; i++) {
          const h = cursors[i].head();
          if (h !== undefined && (min === undefined || h.key < min))
            min = h.key;
        }
        if (min === undefined) return GROUPS_END;
        this.min = min;
        this.rows = rows = new Array<KeyedRow[]>(k);
        this.at = 0;
      }
      const min = this.min;
      for (; this.at < k; this.at++) {
        const c = cursors[this.at];
        let list: KeyedRow[] | undefined = rows[this.at];
        for (;;) {
          if (!c.ready()) {
            rows[this.at] = list as KeyedRow[];
            return GROUPS_REFILL;
          }
          list = c.takeKey(min, list);
          const h = c.head();
          // the batch used up: the key's rows may go on in the next one
          if (h === undefined && !c.ready()) {
            if (list === undefined) continue;
            if (
              this.pieces &&
              list.length >= UNGROUPED_PIECE &&
              unusableIkbKey(min)
            ) {
              // rows without a usable key are checked one by one: handed over in pieces
              for (let i = this.at + 1; i < k; i++) rows[i] = NO_ROWS;
              rows[this.at] = list;
              out.push({ key: min, rows });
              this.rows = rows = new Array<KeyedRow[]>(k);
              for (let i = 0; i < this.at; i++) rows[i] = NO_ROWS;
              return GROUPS_FULL;
            }
            this.holdable(rows, this.at, list);
            continue;
          }
          if (h !== undefined && h.key < min)
            throw new Error(
              `source ${this.at} is not sorted by key at line ${h.line}`,
            );
          break;
        }
        rows[this.at] = list ?? NO_ROWS;
      }
      this.rows = undefined;
      this.holdable(rows, k - 1, rows[k - 1]);
      out.push({ key: min, rows });
    }
  }
}
