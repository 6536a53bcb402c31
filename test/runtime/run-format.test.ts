/**
 * The run files of the external sort (runtime/run-format.ts, written and read by
 * runtime/assemble.ts): every row comes back exactly as it went in, whatever its cells hold —
 * quotes, commas, CR, LF, NUL, a byte order mark, unpaired surrogates (NDJSON can give them), the
 * JSON marker `j`, no cells at all — in key-then-line order, from one run and from several.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  compareKeyed,
  mergeRuns,
  RunWriter,
  TempSpace,
  type KeyedRow,
} from "../../runtime/assemble.js";
import { RUN_HEADER, runRecord } from "../../runtime/run-format.js";

let temp: TempSpace | undefined;
afterEach(async () => {
  await temp?.dispose();
  temp = undefined;
});

const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "",
    "j",
    "12",
    '"',
    '""',
    ",",
    "a,b",
    "\r",
    "\n",
    "\r\n",
    "\u0000",
    "\ufeffstart",
    "\ud800",
    "x\udfffy",
    "😀",
    "regel-run-1",
    " padded ",
  ),
);

const row = fc.record({
  key: hostileText,
  line: fc.integer({ min: 1, max: 2 ** 40 }),
  cells: fc.array(hostileText, { maxLength: 6 }),
});

async function roundTrip(
  rows: KeyedRow[],
  budget: number,
): Promise<{
  back: KeyedRow[];
  runs: string[];
}> {
  temp = new TempSpace(mkdtempSync(join(tmpdir(), "regel-test-")));
  const w = new RunWriter(temp, "t", budget);
  for (const r of rows) if (w.add(r)) await w.flush();
  await w.finish(3);
  const back: KeyedRow[] = [];
  for await (const b of mergeRuns(w.runs)) back.push(...b);
  const runs = w.runs;
  await temp.dispose();
  temp = undefined;
  return { back, runs };
}

describe("the sort's run files", () => {
  it("give back every row exactly, in key and line order, from one run and from several", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 40 }),
        fc.constantFrom(1, 200, 1 << 30),
        async (rows, budget) => {
          // distinct lines, as a file's rows have
          const input = rows.map((r, i) => ({ ...r, line: r.line * 64 + i }));
          const { back } = await roundTrip(input, budget);
          expect(back).toEqual([...input].sort(compareKeyed));
        },
      ),
      { numRuns: 150, seed: 20261206 },
    );
  });

  it("write plain rows as CSV records with the key and line last, and quote only what must be", () => {
    expect(runRecord({ key: "K1", line: 7, cells: ["K1", "a", ""] })).toBe(
      "K1,a,,K1,7\n",
    );
    expect(
      runRecord({ key: "K,2", line: 8, cells: ['say "hi"', "x\ny", "z"] }),
    ).toBe('"say ""hi""","x\ny",z,"K,2",8\n');
    // no cells, or a surrogate: JSON in one cell, then the marker
    expect(runRecord({ key: "K", line: 9, cells: [] })).toBe(
      '"[""K"",9,[]]",j\n',
    );
    expect(runRecord({ key: "K", line: 3, cells: ["\ud800"] })).toBe(
      '"[""K"",3,[""\\ud800""]]",j\n',
    );
  });

  it("refuses a run file that was changed or cut", async () => {
    const base = mkdtempSync(join(tmpdir(), "regel-test-"));
    temp = new TempSpace(base);
    const w = new RunWriter(temp, "t");
    w.add({ key: "K", line: 2, cells: ["K", "a"] });
    await w.finish();
    const [path] = w.runs;
    expect(readFileSync(path, "utf8")).toBe(`${RUN_HEADER}K,a,K,2\n`);
    const read = async () => {
      for await (const b of mergeRuns([path])) void b;
    };
    writeFileSync(path, "K,a,K,2\n");
    await expect(read()).rejects.toThrow(/not a run of this version/);
    writeFileSync(path, `${RUN_HEADER}"K,a,K,2\n`);
    await expect(read()).rejects.toThrow(/is damaged/);
    writeFileSync(path, "");
    await expect(read()).rejects.toThrow(/is empty/);
    expect(readdirSync(join(path, "..")).some((n) => n.endsWith(".csv"))).toBe(
      true,
    );
  });
});
