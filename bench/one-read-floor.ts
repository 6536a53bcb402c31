/**
 * The floor of a one-read design (bench/measure.ts's "one-read-floor" task; issue 15): every IKB
 * file read once by regel's byte reader, its rows merged by IKB key into IKBs, every row decoded
 * and checked and every IKB classified by the compiled ruleset. That is the work `regel validate`
 * cannot do without, and none of what it adds to it: no scan, key sets, references, unique keys,
 * whole-file checks, tallies or report. The compiled ruleset's own share is timed apart, over
 * batches of IKBs, so that the two costs every design pays (one read, the checks) are measured
 * rather than estimated from a profile.
 *
 * @module
 */
import { join } from "node:path";
import type {
  CompiledRuleset,
  EntityMeta,
  Finding,
  RuleContext,
} from "../compiler/contract.js";
import { readCsvFileBatches, type CsvEvent } from "../runtime/csv-reader.js";
import { dateToDays } from "../runtime/delivery.js";
import { loadCompiled } from "../runtime/load-compiled.js";

/** IKBs handed to the compiled ruleset at once (its time is taken per batch, not per IKB). */
const BATCH = 32;

/** One IKB file read in key order: its current row and that row's IKB key. */
class KeyedCursor {
  private readonly batches: AsyncGenerator<CsvEvent[]>;
  private batch: CsvEvent[] = [];
  private at = 0;
  /** The current row's cells; undefined at the end of the file. */
  cells: string[] | undefined;
  key = "";
  index: number[] = [];
  private keyIndex = -1;
  rows = 0;
  problems = 0;

  constructor(
    readonly entity: EntityMeta,
    path: string,
    private readonly ikbKey: string,
  ) {
    this.batches = readCsvFileBatches(path);
  }

  /** Reads the header and the first row. */
  async open(): Promise<void> {
    if (!(await this.advance())) return;
    const header = this.cells!;
    this.index = this.entity.fields.map((f) => header.indexOf(f.column));
    // oneReadFloor reads only entities that declare the IKB key field
    const keyField = this.entity.fields.find((f) => f.name === this.ikbKey)!;
    this.keyIndex = header.indexOf(keyField.column);
    if (this.keyIndex < 0)
      throw new Error(`${this.entity.file} has no column ${this.ikbKey}`);
    this.rows = 0;
    await this.advance();
  }

  /** The next row; false at the end of the file. Awaits only for the next batch. */
  advance(): boolean | Promise<boolean> {
    while (this.at < this.batch.length) {
      const e = this.batch[this.at++];
      if (e.kind !== "row") {
        this.problems++;
        continue;
      }
      const key = this.keyIndex < 0 ? "" : (e.cells[this.keyIndex] ?? "");
      if (key < this.key)
        throw new Error(
          `${this.entity.file} is not in IKB key order at line ${e.line}: the floor reads files in key order only`,
        );
      this.cells = e.cells;
      this.key = key;
      this.rows++;
      return true;
    }
    return this.refill();
  }

  private async refill(): Promise<boolean> {
    const next = await this.batches.next();
    if (next.done === true) {
      this.cells = undefined;
      return false;
    }
    this.batch = next.value;
    this.at = 0;
    return this.advance();
  }
}

/** One IKB's rows (cells) per file, in the order of the cursors. */
interface RawIkb {
  key: string;
  rows: string[][][];
}

/** Decode, check and classify a batch of IKBs with the compiled ruleset; the findings made. */
function checkBatch(
  m: CompiledRuleset,
  cursors: readonly KeyedCursor[],
  ikbs: readonly RawIkb[],
  rrd: number,
  names: readonly string[],
): number {
  let findings = 0;
  for (const raw of ikbs) {
    const out: Finding[] = [];
    const decoded: Record<string, unknown[]> = {};
    for (const name of names) decoded[name] = [];
    for (let i = 0; i < cursors.length; i++) {
      const entity = cursors[i].entity.name;
      const decode = m.decoders[entity];
      const index = cursors[i].index;
      const list = decoded[entity];
      for (const cells of raw.rows[i]) list.push(decode(cells, index, out));
    }
    const ctx: RuleContext = { rrd, ikb: decoded, ikbKey: raw.key };
    for (let i = 0; i < cursors.length; i++) {
      const check = m.checks[cursors[i].entity.name];
      if (check === undefined || raw.rows[i].length === 0) continue;
      for (const record of decoded[cursors[i].entity.name])
        check(record, ctx, out);
    }
    m.classify(out, decoded);
    findings += out.length;
  }
  return findings;
}

/**
 * The one-read floor over the delivery in `folder` with the compiled ruleset in `compiledDir`:
 * `ms` the whole (reading, merging, checking), `compiledMs` the compiled ruleset's share.
 * Every IKB file must be in IKB key order (a generated delivery is).
 */
export async function oneReadFloor(
  folder: string,
  compiledDir: string,
  rrd: string,
): Promise<Record<string, number>> {
  const started = performance.now();
  const m = (await loadCompiled(compiledDir)).module;
  const ikbKey = m.metadata.ikb?.key;
  if (ikbKey === undefined)
    throw new Error(`${m.metadata.id} assembles no IKBs`);
  const cursors = m.entities
    .filter(
      (e) =>
        e.file !== undefined &&
        e.metadata !== true &&
        e.fields.some((f) => f.name === ikbKey),
    )
    .map((e) => new KeyedCursor(e, join(folder, e.file!), ikbKey));
  for (const c of cursors) await c.open();
  const names = m.entities.map((e) => e.name);
  const rrdDays = dateToDays(rrd);
  let compiledMs = 0;
  let ikbCount = 0;
  let findings = 0;
  let batch: RawIkb[] = [];
  const flush = () => {
    const t = performance.now();
    findings += checkBatch(m, cursors, batch, rrdDays, names);
    compiledMs += performance.now() - t;
    ikbCount += batch.length;
    batch = [];
  };
  for (;;) {
    let key: string | undefined;
    for (const c of cursors)
      if (c.cells !== undefined && (key === undefined || c.key < key))
        key = c.key;
    if (key === undefined) break;
    const rows: string[][][] = [];
    for (const c of cursors) {
      const mine: string[][] = [];
      while (c.cells !== undefined && c.key === key) {
        mine.push(c.cells);
        const more = c.advance();
        if (more !== true && more !== false) await more;
      }
      rows.push(mine);
    }
    batch.push({ key, rows });
    if (batch.length === BATCH) flush();
  }
  if (batch.length > 0) flush();
  return {
    ms: performance.now() - started,
    compiledMs,
    rows: cursors.reduce((n, c) => n + c.rows, 0),
    problems: cursors.reduce((n, c) => n + c.problems, 0),
    ikbs: ikbCount,
    findings,
  };
}
