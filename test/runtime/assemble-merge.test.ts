/**
 * The external sort's merge (runtime/assemble.ts): {@link RunWriter.finish} merges runs in passes
 * until at most the fan-in is left, so the final merge holds a bounded number of read buffers;
 * the merged stream is every row in key-then-line order, and the intermediate runs are removed.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  compareKeyed,
  MERGE_FAN_IN,
  mergeRuns,
  RunWriter,
  TempSpace,
  type KeyedRow,
} from "../../runtime/assemble.js";

let temp: TempSpace | undefined;
afterEach(async () => {
  await temp?.dispose();
  temp = undefined;
});

/** `n` rows with keys in a scrambled order and some keys repeated. */
function rows(n: number): KeyedRow[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `K${String((i * 37) % Math.ceil(n / 2)).padStart(4, "0")}`,
    line: i + 2,
    cells: [`c${i}`, i % 5 === 0 ? 'a "quoted", text\n' : "", "ü€"],
  }));
}

async function all(paths: string[]): Promise<KeyedRow[]> {
  const out: KeyedRow[] = [];
  for await (const b of mergeRuns(paths)) out.push(...b);
  return out;
}

describe("the external sort's merge", () => {
  it("merges runs in passes down to the fan-in, with every row in key and line order", async () => {
    const base = mkdtempSync(join(tmpdir(), "regel-test-"));
    temp = new TempSpace(base);
    const input = rows(200);
    const w = new RunWriter(temp, "t", 1); // one row per run: 200 runs
    for (const r of input) if (w.add(r)) await w.flush();
    await w.finish(3);
    expect(w.runs.length).toBeLessThanOrEqual(3);
    expect(w.runs.length).toBeGreaterThan(1);
    expect(await all(w.runs)).toEqual([...input].sort(compareKeyed));
    // the runs merged into longer ones are gone: only the final ones (and the owner marker) remain
    const dir = join(w.runs[0], "..");
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith(".csv"))
        .sort(),
    ).toEqual(w.runs.map((p) => p.slice(dir.length + 1)).sort());
  });

  it("leaves as many runs as the fan-in alone, and the default fan-in is bounded", async () => {
    temp = new TempSpace(mkdtempSync(join(tmpdir(), "regel-test-")));
    const w = new RunWriter(temp, "t", 1);
    for (const r of rows(MERGE_FAN_IN)) if (w.add(r)) await w.flush();
    const before = [...w.runs];
    await w.finish();
    expect(w.runs).toEqual(before);
    expect(w.runs.every((p) => existsSync(p))).toBe(true);
    const more = new RunWriter(temp, "u", 1);
    for (const r of rows(MERGE_FAN_IN * 4 + 1))
      if (more.add(r)) await more.flush();
    await more.finish();
    expect(more.runs.length).toBeLessThanOrEqual(MERGE_FAN_IN);
    expect(await all(more.runs)).toEqual(
      rows(MERGE_FAN_IN * 4 + 1).sort(compareKeyed),
    );
  });

  it("merges only as many runs as it takes to leave the fan-in, each once where it can", async () => {
    temp = new TempSpace(mkdtempSync(join(tmpdir(), "regel-test-")));
    const input = rows(80);
    const w = new RunWriter(temp, "t", 1); // one row per run: 80 runs
    for (const r of input) if (w.add(r)) await w.flush();
    const before = [...w.runs];
    await w.finish(64);
    // one merge of 17 runs: the other 63 are left as they were
    expect(w.runs).toHaveLength(64);
    expect(w.runs.slice(0, 63)).toEqual(before.slice(17));
    expect(before.slice(0, 17).some((p) => existsSync(p))).toBe(false);
    expect(await all(w.runs)).toEqual([...input].sort(compareKeyed));
    // a fan-in of one still ends, with one run
    const one = new RunWriter(temp, "u", 1);
    for (const r of input.slice(0, 5)) if (one.add(r)) await one.flush();
    await one.finish(1);
    expect(one.runs).toHaveLength(1);
    expect(await all(one.runs)).toEqual(input.slice(0, 5).sort(compareKeyed));
  });
});
