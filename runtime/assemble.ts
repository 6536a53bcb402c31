/**
 * Bounded-memory IKB assembly: every IKB file becomes a stream of rows sorted by IKB key (the file
 * itself when it already is sorted, otherwise an external merge sort through temporary run files),
 * and a k-way merge over those streams yields one IKB at a time.
 *
 * Memory is bounded by the sort budget (rows held before a run is written), one open read buffer
 * per run, and the largest single IKB.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** A CSV row tagged with its IKB key and line. */
export interface KeyedRow {
  key: string;
  line: number;
  cells: string[];
}

/** Order by key (UTF-16 code units, as `<` compares strings), then by line. */
export function compareKeyed(a: KeyedRow, b: KeyedRow): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.line - b.line;
}

/** A temporary folder for sort runs, removed by {@link TempSpace.dispose}. */
export class TempSpace {
  private dir: string | undefined;
  private n = 0;
  constructor(private readonly base: string = tmpdir()) {}
  async file(prefix: string): Promise<string> {
    this.dir ??= await mkdtemp(join(this.base, "regel-"));
    return join(this.dir, `${prefix}-${String(this.n++).padStart(5, "0")}.ndjson`);
  }
  async dispose(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/**
 * Collects rows and writes them as sorted runs (NDJSON `[key, line, cells]`) whenever the budget of
 * characters held in memory is reached.
 */
export class RunWriter {
  readonly runs: string[] = [];
  private rows: KeyedRow[] = [];
  private held = 0;
  constructor(
    private readonly temp: TempSpace,
    private readonly prefix: string,
    /** Characters of cell text held before a run is written (default 64 M). */
    private readonly budget = 64 * 1024 * 1024,
  ) {}

  /** Add a row; resolves after a run is written when the budget is full. */
  async add(row: KeyedRow): Promise<void> {
    this.rows.push(row);
    let size = 64 + row.key.length;
    for (const c of row.cells) size += c.length + 16;
    this.held += size;
    if (this.held >= this.budget) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.held = 0;
    rows.sort(compareKeyed);
    const path = await this.temp.file(this.prefix);
    const parts: string[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) parts[i] = JSON.stringify([rows[i].key, rows[i].line, rows[i].cells]);
    await writeFile(path, parts.join("\n") + "\n");
    this.runs.push(path);
  }
}

async function* readRun(path: string): AsyncGenerator<KeyedRow> {
  const rl = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 16 }), crlfDelay: Infinity });
  for await (const text of rl) {
    if (!text) continue;
    const [key, line, cells] = JSON.parse(text) as [string, number, string[]];
    yield { key, line, cells };
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

/** Merge sorted run files into one sorted stream. */
export async function* mergeRuns(paths: readonly string[]): AsyncGenerator<KeyedRow> {
  if (paths.length === 1) {
    yield* readRun(paths[0]);
    return;
  }
  const heap = new Heap<{ row: KeyedRow; it: AsyncGenerator<KeyedRow> }>((a, b) => compareKeyed(a.row, b.row) < 0);
  for (const p of paths) {
    const it = readRun(p);
    const first = await it.next();
    if (!first.done) heap.push({ row: first.value, it });
  }
  while (heap.size > 0) {
    const top = heap.pop()!;
    yield top.row;
    const next = await top.it.next();
    if (!next.done) heap.push({ row: next.value, it: top.it });
  }
}

/** One IKB: its key and, per source index, the rows with that key. */
export interface KeyGroup {
  key: string;
  rows: KeyedRow[][];
}

/**
 * K-way merge of per-entity streams, each sorted by key, into groups with the same key.
 * Throws if a stream turns out not to be sorted (callers sort first).
 */
export async function* groupByKey(sources: readonly AsyncIterator<KeyedRow>[]): AsyncGenerator<KeyGroup> {
  const heads: (KeyedRow | undefined)[] = [];
  for (const s of sources) {
    const r = await s.next();
    heads.push(r.done ? undefined : r.value);
  }
  for (;;) {
    let min: string | undefined;
    for (const h of heads) if (h && (min === undefined || h.key < min)) min = h.key;
    if (min === undefined) return;
    const rows: KeyedRow[][] = sources.map(() => []);
    for (let i = 0; i < sources.length; i++) {
      let h = heads[i];
      while (h && h.key === min) {
        rows[i].push(h);
        const r = await sources[i].next();
        const next = r.done ? undefined : r.value;
        if (next && next.key < min) throw new Error(`source ${i} is not sorted by key at line ${next.line}`);
        h = next;
      }
      heads[i] = h;
    }
    yield { key: min, rows };
  }
}
