/**
 * A small delivery tokenized once. `regel validate` reads every file in the scan, again for the
 * whole-file checks and again in the validate pass; for a delivery of at most
 * {@link REPLAY_BYTES} bytes the events of the first read of each file are kept, and the later
 * reads of the run are served from them instead of reading and tokenizing the file again (the
 * bundled example: three tokenizations of 0.26 MB were a tenth of its run).
 *
 * A replay gives what a read of the file gives: the same batches, events, line numbers and
 * problems, with the cells a projection does not keep as `""` (as the byte tokenizer leaves them,
 * runtime/csv-bytes.ts), in fresh arrays each time (consumers write over a batch's array, and the
 * validate pass normalizes a dialect's cells in place). Only reads by the byte tokenizer from the
 * start to the end of a file, without `onChunk`, `onBytes` or a resume point, are replayed; the
 * others read the file as before.
 *
 * @module
 */
import { byteTokenizerFits } from "./csv-bytes.js";
import {
  DEFAULT_TOKENIZER,
  type CsvEvent,
  type CsvProjection,
  type CsvReaderOptions,
} from "./csv-reader.js";

/**
 * The largest delivery (bytes of its files together) whose files' events are kept from their
 * first read: the size of a short run (cli/short-run.ts). Its events take a few times its bytes
 * of memory until the run ends.
 */
export const REPLAY_BYTES = 1024 * 1024;

/** The events of one complete read of a file, batch by batch, cells in full. */
interface Kept {
  readonly batches: readonly (readonly CsvEvent[])[];
  /**
   * Whether the read had problems. A problem's message names a column by the header's cell, and
   * a read with a projection from its start has the header's cells projected too: such a read
   * of a file with problems reads the file (the kept read had the whole header).
   */
  readonly problems: boolean;
}

/**
 * The kept reads of one run, by the object that stands for the file (its `FileState`): a file
 * is read with the same options by every pass of a run, so the file decides the events.
 */
export class ReadReplay<File extends object> {
  private readonly kept = new WeakMap<File, Kept>();
  private readonly wanted = new WeakSet<File>();

  /** Keep the events of `file`'s next complete read. */
  keep(file: File): void {
    this.wanted.add(file);
  }

  /**
   * The events of a read of `file` with `options`, by `readFile` (a read of the file with the
   * options it is given): replayed when an earlier read of the file was kept and this one can be
   * replayed; else read, in full (without the projection, applied here) and kept when asked for by
   * {@link keep} and read to its end.
   */
  read(
    file: File,
    options: CsvReaderOptions,
    readFile: (options: CsvReaderOptions) => AsyncGenerator<CsvEvent[]>,
  ): AsyncGenerator<CsvEvent[]> {
    const kept = this.kept.get(file);
    if (kept === undefined && !this.wanted.has(file)) return readFile(options);
    return this.serve(file, kept, options, readFile);
  }

  /**
   * {@link read} for a file kept or to keep, decided at the first batch asked for: the
   * projection is then as a read's tokenizer would find it at its first record.
   */
  private async *serve(
    file: File,
    kept: Kept | undefined,
    options: CsvReaderOptions,
    readFile: (options: CsvReaderOptions) => AsyncGenerator<CsvEvent[]>,
  ): AsyncGenerator<CsvEvent[]> {
    // a projection from the start projects the header too, and a problem's message names a
    // column by the header's cell: the kept read (the whole header) serves such a read only when
    // it had no problems, and such a read is not kept (a later one is)
    const early = options.projection?.keep !== undefined;
    if (kept !== undefined && replayable(options) && !(kept.problems && early))
      yield* replay(kept.batches, options.projection);
    else if (
      kept === undefined &&
      this.wanted.has(file) &&
      keepable(options) &&
      !early
    ) {
      this.wanted.delete(file);
      // read once in a short run: runs of plain lines split natively (runtime/csv-bytes.ts)
      yield* this.record(
        file,
        readFile({ ...options, projection: undefined, splitLines: true }),
        options.projection,
      );
    } else yield* readFile(options);
  }

  private async *record(
    file: File,
    batches: AsyncGenerator<CsvEvent[]>,
    projection: CsvProjection | undefined,
  ): AsyncGenerator<CsvEvent[]> {
    const kept: CsvEvent[][] = [];
    let problems = false;
    for await (const batch of batches) {
      // (the reader's batch: a new array each time, handed to no one else)
      kept.push(batch);
      // the projection as it is now: a consumer sets it once it has read the header
      problems ||= batch.some((ev) => ev.kind === "problem");
      yield copyBatch(batch, projection?.keep);
    }
    // only a read to the end is kept (a consumer that stops early never gets here)
    this.kept.set(file, { batches: kept, problems });
  }
}

/** A read of a whole file by the byte tokenizer: its events can be kept. */
function keepable(options: CsvReaderOptions): boolean {
  return (
    (options.tokenizer ?? DEFAULT_TOKENIZER) === "bytes" &&
    byteTokenizerFits(options) &&
    options.start === undefined &&
    options.end === undefined
  );
}

/** A read that wants nothing but the events (no hashing, progress or resume points) of a whole file. */
function replayable(options: CsvReaderOptions): boolean {
  return (
    keepable(options) &&
    options.onBytes === undefined &&
    options.onChunk === undefined &&
    options.resumePoint === undefined
  );
}

/** The kept batches, as a read with `projection` gives them. */
async function* replay(
  kept: Kept["batches"],
  projection: CsvProjection | undefined,
): AsyncGenerator<CsvEvent[]> {
  for (const batch of kept) yield copyBatch(batch, projection?.keep);
}

/** A batch in a new array, rows with new cell arrays holding the cells `keep` keeps. */
function copyBatch(
  batch: readonly CsvEvent[],
  keep: Uint8Array | undefined,
): CsvEvent[] {
  const out: CsvEvent[] = new Array(batch.length);
  const columns = keep === undefined ? undefined : keptColumns(keep);
  for (let i = 0; i < batch.length; i++) {
    const ev = batch[i];
    if (ev.kind === "row")
      out[i] = {
        kind: "row",
        cells:
          columns === undefined
            ? ev.cells.slice()
            : projected(ev.cells, columns),
        line: ev.line,
      };
    else out[i] = ev;
  }
  return out;
}

/** The columns after the first that a projection's `keep` keeps, by `keep` (set once, never written). */
const keptByKeep = new WeakMap<Uint8Array, Int32Array>();

function keptColumns(keep: Uint8Array): Int32Array {
  let columns = keptByKeep.get(keep);
  if (columns === undefined) {
    const list: number[] = [];
    for (let c = 1; c < keep.length; c++) if (keep[c] !== 0) list.push(c);
    columns = Int32Array.from(list);
    keptByKeep.set(keep, columns);
  }
  return columns;
}

/** `n` empty cells, by `n` up to {@link BLANK_ROWS}: copied for each projected row. */
const blankRows: string[][] = [];
const BLANK_ROWS = 256;

/**
 * `cells` copied, those a projection does not keep as `""` (the first is always kept; `columns`:
 * the others it keeps, {@link keptColumns}). Only the kept cells are visited: a projection
 * keeps a few columns of many.
 */
function projected(cells: readonly string[], columns: Int32Array): string[] {
  const n = cells.length;
  let blank = blankRows[n];
  if (blank === undefined) {
    blank = [];
    for (let c = 0; c < n; c++) blank.push("");
    if (n <= BLANK_ROWS) blankRows[n] = blank;
  }
  const out = blank.slice();
  out[0] = cells[0];
  for (let k = 0; k < columns.length; k++) {
    const c = columns[k];
    if (c >= n) break;
    out[c] = cells[c];
  }
  return out;
}
