/**
 * The previous delivery (T−1) for the rules that read `previous` (docs/language.md, "The previous
 * delivery"): a first read of its IKB keys only counts the records and sees whether a file is in
 * key order already; a file that is (as a bank's own extract usually is) is read again in
 * step with the delivery, one batch at a time, and any other is sorted by IKB key into temporary
 * runs (runtime/assemble.ts, the same external sort as the delivery itself, at most
 * {@link MERGE_FAN_IN} runs merged at once). Both are walked in step with the delivery's IKBs — a
 * merge join on the IKB key. Both sides arrive in the same key order, so
 * {@link PreviousDelivery.seek} only ever moves forward, and memory holds a read batch per file
 * (or the sort budget and {@link MERGE_FAN_IN} run buffers per file) and one IKB of T−1, at any
 * number of depositors.
 *
 * Only the files of entities that such rules are on are read. A row of T−1 that is not a record
 * (bad quoting, another number of cells, no IKB key) is skipped and counted: that delivery was
 * validated in its own run. Its values are decoded by the same generated decoders; a value that
 * does not fit its type reads as absent.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import type {
  CompiledRuleset,
  EntityMeta,
  Finding,
} from "../compiler/contract.js";
import {
  groupByKey,
  largeIkbMessage,
  LargeIkbError,
  MERGE_FAN_IN,
  mergeRuns,
  RunWriter,
  type KeyedRow,
  type KeyGroup,
  type TempSpace,
} from "./assemble.js";
import { IkbTooLargeError } from "./errors.js";
import { deliveryFilePath } from "./delivery-file.js";
import {
  readCsvFileBatches,
  type CsvEvent,
  type CsvProjection,
} from "./csv-reader.js";
import {
  cellNormalizer,
  dialectReaderOptions,
  type CellNormalizer,
} from "./dialect.js";
import { unusableIkbKey } from "./ikb-key.js";
import { InputHash } from "./input-hash.js";
import { previousRules } from "./previous-rules.js";
import type {
  PreviousDeliveryReport,
  PreviousFileReport,
} from "./report-types.js";

/**
 * Bytes read from a run of T−1 at a time: 64 KiB, where the delivery's own runs take 8 KiB
 * (runtime/assemble.ts `RUN_READ_BUFFER`). Validating the 1 M-depositor delivery of
 * bench/previous-large.ts against its T−1 (sorted through runs) took 33.9–34.4 s with 64 KiB and
 * 34.7–35.7 s with 8 KiB (3 interleaved rounds; bench/results.md, "Unsorted deliveries: smaller
 * run reads").
 */
const PREVIOUS_RUN_READ = 1 << 16;

/** One file of T−1 as read. */
interface PreviousFile {
  entity: EntityMeta;
  index: number[];
  normalize: CellNormalizer | undefined;
  /** Its sorted runs, or (a file already in key order) how to read it again in that order. */
  source: string[] | (() => AsyncGenerator<KeyedRow[]>);
}

/**
 * How the records of a file of T−1 are bound to the entity's fields: by the header row, or (a
 * file without one) by position. A record counts when it has the header's number of cells and a
 * usable IKB key ({@link unusableIkbKey}).
 */
class Layout {
  index: number[] = [];
  width = -1;
  keyCol = -1;
  normalize: CellNormalizer | undefined;
  bound = false;
  constructor(
    private readonly entity: EntityMeta,
    private readonly ikbKey: string | undefined,
  ) {
    if (entity.dialect?.header === false) {
      this.index = entity.fields.map((_, i) => i);
      this.width = entity.fields.length;
      this.keyCol = entity.fields.findIndex((f) => f.name === ikbKey);
      this.normalize = cellNormalizer(entity, this.index);
      this.bound = true;
    }
  }
  /** Bind the columns by the header's names (a missing column reads as absent). */
  bind(cells: readonly string[]): void {
    const header = cells.map((c) => c.trim());
    this.index = this.entity.fields.map((f) => header.indexOf(f.column));
    this.width = cells.length;
    this.keyCol =
      this.index[this.entity.fields.findIndex((f) => f.name === this.ikbKey)] ??
      -1;
    this.normalize = cellNormalizer(this.entity, this.index);
    this.bound = true;
  }
  /** The IKB key of a record that counts, undefined for anything else (a problem, a bad row). */
  keyOf(ev: CsvEvent): string | undefined {
    if (ev.kind !== "row") return undefined;
    const key = this.keyCol < 0 ? "" : (ev.cells[this.keyCol] ?? "");
    if (ev.cells.length !== this.width || unusableIkbKey(key)) return undefined;
    return key;
  }
}

/** The records of a file of T−1 that count, in file order, as keyed rows (one batch per read batch). */
async function* keyedRows(
  path: string,
  entity: EntityMeta,
  ikbKey: string | undefined,
): AsyncGenerator<KeyedRow[]> {
  const layout = new Layout(entity, ikbKey);
  for await (const batch of readCsvFileBatches(
    path,
    dialectReaderOptions(entity),
  )) {
    const out: KeyedRow[] = [];
    for (const ev of batch) {
      if (!layout.bound) {
        if (ev.kind !== "row") return;
        layout.bind(ev.cells);
        continue;
      }
      const key = layout.keyOf(ev);
      if (key !== undefined && ev.kind === "row")
        out.push({ key, line: ev.line, cells: ev.cells });
    }
    if (out.length) yield out;
  }
}

/** One IKB of T−1: its records decoded, and the line of each in its file, by entity name. */
export interface PreviousIkb {
  key: string;
  records: Record<string, unknown[]>;
  lines: Record<string, number[]>;
}

/** The previous delivery, read and sorted; {@link seek} gives the records of one IKB. */
export class PreviousDelivery {
  private readonly files: PreviousFile[] = [];
  private groups: AsyncGenerator<KeyGroup[]> | undefined;
  private batch: KeyGroup[] = [];
  private at = 0;
  private done = false;
  readonly report: PreviousDeliveryReport;
  /**
   * The hash of each file of T−1 read, fed by its first read, and the file's size and
   * modification time then (runtime/stage-read.ts `checkUnchanged`).
   */
  private readonly hashes = new Map<
    string,
    { path: string; hash: InputHash; size: number; modifiedMs: number }
  >();
  /** The lines in T−1 of the records the last {@link seek} gave, by entity name. */
  lines: Record<string, number[]> = Object.create(null);
  /**
   * Called with each IKB of T−1 that the delivery no longer has (`for previous E` rules run on
   * its records), as {@link seek} and {@link finish} pass it; one IKB at a time, nothing kept.
   */
  onGone: ((ikb: PreviousIkb) => void) | undefined;

  private constructor(
    private readonly rs: CompiledRuleset,
    readonly folder: string,
    entities: readonly string[],
    rules: readonly string[],
  ) {
    this.report = {
      given: true,
      folder,
      rules: [...rules],
      ikbsMatched: 0,
      ikbsGone: 0,
      files: [],
    };
    void entities;
  }

  /**
   * Read the files of `entities` from `folder` and sort them by IKB key into `temp`; an IKB of
   * more than `maxIkbRows` rows stops the run when it is reached (`DeliveryOptions.maxIkbRows`).
   *
   * @throws Error when `folder` is not a folder (a usage error the CLI reports)
   */
  static async open(
    rs: CompiledRuleset,
    folder: string,
    temp: TempSpace,
    sortBudget?: number,
    maxIkbRows?: number,
  ): Promise<PreviousDelivery> {
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new Error(
        `the previous delivery ${JSON.stringify(folder)} is not a folder`,
      );
    const { codes, entities } = previousRules(rs);
    const p = new PreviousDelivery(rs, folder, entities, codes);
    for (const name of entities) {
      const entity = rs.entities.find((e) => e.name === name)!;
      await p.read(entity, temp, sortBudget);
    }
    p.groups = groupByKey(
      p.files.map((f) =>
        typeof f.source === "function"
          ? f.source()
          : mergeRuns(f.source, PREVIOUS_RUN_READ),
      ),
      maxIkbRows,
    );
    return p;
  }

  private async read(
    entity: EntityMeta,
    temp: TempSpace,
    sortBudget?: number,
  ): Promise<void> {
    const file = entity.file!;
    const path = deliveryFilePath(this.folder, file);
    const row: Omit<PreviousFileReport, "status"> = {
      entity: entity.name,
      file,
      rows: 0,
      rowsSkipped: 0,
    };
    if (!existsSync(path)) {
      this.report.files.push({ ...row, status: "missing" });
      // its records are not in T−1: `previous` reads absent for each of them
      this.files.push({ entity, index: [], normalize: undefined, source: [] });
      return;
    }
    // first read: the IKB keys only (a projection: the other cells are never decoded), to count
    // the records and to see whether the file is in key order already
    const layout = new Layout(entity, this.rs.metadata.ikb?.key);
    const projection: CsvProjection = {};
    const keepKey = (): void => {
      if (layout.keyCol < 0) return;
      const keep = new Uint8Array(layout.keyCol + 1);
      keep[layout.keyCol] = 1;
      projection.keep = keep;
    };
    if (layout.bound) keepKey(); // a file without a header: bound by position already
    let sorted = true;
    let last: string | undefined;
    // the first read of a file also hashes it for the report's provenance (never a read of its own)
    const hash = new InputHash();
    if (!this.hashes.has(file)) {
      const stat = statSync(path);
      this.hashes.set(file, {
        path,
        hash,
        size: stat.size,
        modifiedMs: stat.mtimeMs,
      });
    }
    for await (const batch of readCsvFileBatches(path, {
      ...dialectReaderOptions(entity),
      projection,
      onChunk: hash.update,
    }))
      for (const ev of batch) {
        if (!layout.bound) {
          if (ev.kind !== "row") return this.unreadable(row, file);
          layout.bind(ev.cells);
          keepKey();
          continue;
        }
        const key = layout.keyOf(ev);
        if (key === undefined) {
          // a record that is no row (bad quoting, too long: the reader's problem) or has no usable
          // IKB key: every event after the header is one record, as in the delivery's scan
          row.rowsSkipped++;
          continue;
        }
        row.rows++;
        if (last !== undefined && key < last) sorted = false;
        last = key;
      }
    if (!layout.bound) return this.unreadable(row, file);
    this.report.files.push({ ...row, status: "read" });
    const { index, normalize } = layout;
    if (sorted) {
      // in key order (as a bank's own extract usually is; `regel generate`'s T−1 is not): read
      // again in step with the delivery, one batch at a time — no sort, no temporary files
      this.files.push({
        entity,
        index,
        normalize,
        source: () => keyedRows(path, entity, this.rs.metadata.ikb?.key),
      });
      return;
    }
    // otherwise sort it into runs (the same external sort as the delivery's files)
    const w = new RunWriter(temp, `previous-${entity.name}`, sortBudget);
    for await (const batch of keyedRows(
      path,
      entity,
      this.rs.metadata.ikb?.key,
    ))
      for (const r of batch) if (w.add(r)) await w.flush();
    await w.finish();
    this.files.push({ entity, index, normalize, source: w.runs });
  }

  /** A file of T−1 without a header: none of its records is read. */
  private unreadable(
    row: Omit<PreviousFileReport, "status">,
    file: string,
  ): void {
    void file;
    this.report.files.push({ ...row, status: "unreadable" });
    this.files.push({
      entity: this.rs.entities.find((e) => e.name === row.entity)!,
      index: [],
      normalize: undefined,
      source: [],
    });
  }

  /**
   * The records of the IKB `key` in T−1 by entity name (empty lists when it is not there). Keys
   * must be asked in ascending order (as `<` compares them), as the delivery's IKBs come.
   */
  async seek(key: string): Promise<Record<string, unknown[]>> {
    for (;;) {
      const g = await this.next();
      if (g === undefined || g.key > key) {
        // not in T−1: `previous` reads absent for each of its records
        const none = this.empty(key);
        this.lines = none.lines;
        return none.records;
      }
      this.at++;
      if (g.key < key) {
        this.gone(g); // an IKB of T−1 that the delivery no longer has
        continue;
      }
      this.report.ikbsMatched++;
      const d = this.decode(g);
      this.lines = d.lines;
      return d.records;
    }
  }

  /** The files of T−1 read, with their size and modification time when first read. */
  listed(): { file: string; path: string; size: number; modifiedMs: number }[] {
    return [...this.hashes].map(([file, h]) => ({
      file,
      path: h.path,
      size: h.size,
      modifiedMs: h.modifiedMs,
    }));
  }

  /**
   * The sha256 of the file `file` of T−1, from the bytes its first read took in (the rest read
   * here only when that read stopped early); null when it was not read or cannot be.
   */
  async sha256(file: string): Promise<string | null> {
    const h = this.hashes.get(file);
    if (h === undefined) return null;
    const size = existsSync(h.path) ? statSync(h.path).size : 0;
    return h.hash.digest(h.path, size);
  }

  /**
   * After the delivery's last IKB: the IKBs of T−1 that come after it are gone from the delivery
   * too ({@link onGone}).
   */
  async finish(): Promise<void> {
    for (;;) {
      const g = await this.next();
      if (g === undefined) return;
      this.at++;
      this.gone(g);
    }
  }

  /** The next IKB of T−1 (not yet passed), or undefined at the end. */
  private async next(): Promise<KeyGroup | undefined> {
    while (this.at >= this.batch.length) {
      if (this.done || this.groups === undefined) return undefined;
      let next: IteratorResult<KeyGroup[]>;
      try {
        next = await this.groups.next();
      } catch (e) {
        if (!(e instanceof LargeIkbError)) throw e;
        const files = this.files
          .slice(0, e.source + 1)
          .map((f) => f.entity.file!);
        const key = this.rs.metadata.ikb!.key;
        throw new IkbTooLargeError(
          `the previous delivery: ${largeIkbMessage(e, files, "it is compared", key)}`,
        );
      }
      if (next.done) {
        this.done = true;
        return undefined;
      }
      this.batch = next.value;
      this.at = 0;
    }
    return this.batch[this.at];
  }

  private gone(g: KeyGroup): void {
    this.report.ikbsGone++;
    if (this.onGone !== undefined) this.onGone(this.decode(g));
  }

  /** An IKB with no records in any file read. */
  private empty(key: string): PreviousIkb {
    const records: Record<string, unknown[]> = Object.create(null);
    const lines: Record<string, number[]> = Object.create(null);
    for (const f of this.files) {
      records[f.entity.name] = [];
      lines[f.entity.name] = [];
    }
    return { key, records, lines };
  }

  /** The records of one IKB of T−1, decoded (decode findings dropped), with their lines. */
  private decode(g: KeyGroup): PreviousIkb {
    const { records, lines } = this.empty(g.key);
    g.rows.forEach((rows, i) => {
      const f = this.files[i];
      const decode = this.rs.decoders[f.entity.name];
      const sink: Finding[] = [];
      records[f.entity.name] = rows.map((r) => {
        if (f.normalize) f.normalize.normalize(r.cells);
        return decode ? decode(r.cells, f.index, sink) : {};
      });
      lines[f.entity.name] = rows.map((r) => r.line);
    });
    return { key: g.key, records, lines };
  }
}
