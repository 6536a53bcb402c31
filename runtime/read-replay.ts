/**
 * A small delivery tokenized once. `regel validate` reads every file in the scan, again for the
 * whole-file checks and again in the validate pass; for a delivery of at most
 * {@link REPLAY_BYTES} bytes the events of the first read of each file are kept, and the later
 * reads of the run are served from them instead of reading and tokenizing the file again (the
 * bundled example: three tokenizations of 0.26 MB were a tenth of its run).
 *
 * A replay gives what a read of the file gives: the same batches, events, line numbers and
 * problems, each batch in a fresh array (a consumer may write over it: `keyedRows` does). The
 * events themselves, and their cells, are those of the kept read, shared by every read of the
 * file that it serves: a consumer must not write into them (the validate pass normalizes a
 * dialect's cells in a copy). Copying them for every pass was about a tenth of a short run's
 * garbage. A served read holds every cell of a row whatever its projection: the projection says
 * which cells its consumer needs (a read by the tokenizer leaves the others `""`), and a consumer
 * reads no other. Only reads by the byte tokenizer from the start to the end of a file, without
 * `onChunk`, `onBytes` or a resume point, are replayed; the others read the file as before.
 *
 * @module
 */
import { byteTokenizerFits } from "./csv-bytes.js";
import {
  DEFAULT_TOKENIZER,
  type CsvEvent,
  type CsvReaderOptions,
} from "./csv-reader.js";

/**
 * The largest delivery (bytes of its files together) whose files' events are kept from their
 * first read: the size of a short run (cli/v8-tuning.ts). Its events take a few times its bytes
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
   * replayed; else read, in full (without the projection: a served read holds every cell) and kept
   * when asked for by {@link keep} and read to its end.
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
      yield* replay(kept.batches);
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
      );
    } else yield* readFile(options);
  }

  private async *record(
    file: File,
    batches: AsyncGenerator<CsvEvent[]>,
  ): AsyncGenerator<CsvEvent[]> {
    const kept: CsvEvent[][] = [];
    let problems = false;
    for await (const batch of batches) {
      // (the reader's batch: a new array each time, handed to no one else)
      kept.push(batch);
      problems ||= batch.some((ev) => ev.kind === "problem");
      // the same events in a new array: the kept one is never handed out
      yield batch.slice();
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

/** The kept batches, each in a new array (the events shared: see the module's comment). */
async function* replay(kept: Kept["batches"]): AsyncGenerator<CsvEvent[]> {
  for (const batch of kept) yield batch.slice();
}
