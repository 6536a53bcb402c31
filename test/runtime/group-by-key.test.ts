import { describe, expect, it } from "vitest";
import { groupByKey, type KeyedRow } from "../../runtime/assemble.js";
import { seededRandom } from "./helpers.js";

/** Sorted rows of one source, cut into batches of random sizes (empty batches too). */
function source(
  next: () => number,
  keys: readonly string[],
  name: string,
): { rows: KeyedRow[]; batches: KeyedRow[][] } {
  const rows: KeyedRow[] = [];
  let line = 1;
  for (const key of keys) {
    const n = Math.floor(next() * 4); // 0..3 rows with this key
    for (let j = 0; j < n; j++)
      rows.push({ key, line: ++line, cells: [name, key, String(line)] });
  }
  const batches: KeyedRow[][] = [];
  for (let i = 0; i < rows.length;) {
    const n = Math.floor(next() * 5); // 0..4 rows a batch
    batches.push(rows.slice(i, i + n));
    i += n;
  }
  return { rows, batches };
}

async function* stream(batches: KeyedRow[][]): AsyncGenerator<KeyedRow[]> {
  // a copy: the consumer may clear the slots of a batch it is done with
  for (const b of batches) yield b.slice();
}

describe("groupByKey", () => {
  it("groups the rows of every source by key, in key order, whatever the batches", async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = seededRandom(seed);
      const keys = Array.from(
        { length: 1 + Math.floor(next() * 150) },
        (_, i) => `K${String(i).padStart(4, "0")}`,
      );
      const sources = Array.from(
        { length: 1 + Math.floor(next() * 4) },
        (_, i) => source(next, keys, `s${i}`),
      );
      const want: { key: string; rows: KeyedRow[][] }[] = [];
      for (const key of keys) {
        const rows = sources.map((s) => s.rows.filter((r) => r.key === key));
        if (rows.some((r) => r.length > 0)) want.push({ key, rows });
      }
      const got: { key: string; rows: KeyedRow[][] }[] = [];
      for await (const groups of groupByKey(
        sources.map((s) => stream(s.batches)),
      ))
        for (const g of groups)
          got.push({ key: g.key, rows: g.rows.map((r) => [...r]) });
      expect(got).toEqual(want);
    }
  });

  it("throws when a source is not sorted", async () => {
    const rows = (keys: string[]): KeyedRow[] =>
      keys.map((key, i) => ({ key, line: i + 2, cells: [key] }));
    const run = async () => {
      for await (const _ of groupByKey([
        stream([rows(["A", "C"]), rows(["B"])]),
        stream([rows(["A", "B", "C"])]),
      ]));
    };
    await expect(run()).rejects.toThrow(
      /source 0 is not sorted by key at line 2/,
    );
  });
});
