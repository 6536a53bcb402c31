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
import { readCsvBatches } from "../../runtime/csv-reader.js";
import {
  plainRunRecord,
  RUN_HEADER,
  runRecord,
} from "../../runtime/run-format.js";
import {
  keyedRows,
  recordsProjection,
  runEntries,
} from "../../runtime/stage-read.js";

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

  it("property: the sort's read of records gives each good row the record runRecord makes of its cells (plain lines as read, others joined again), whatever the file holds", async () => {
    const cell = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom("C1", "C2", "b", "", "12.50", "x y"),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom("é", "Müller", "€", "😀", "\u0000", "j"),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom('"q"', '"a,b"', '"x\ny"', '"a""b"', 'a"b'),
      },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
    );
    const line = fc.tuple(
      fc.array(cell, { minLength: 1, maxLength: 5 }),
      fc.constantFrom("\n", "\r\n", "\r"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, width, keyAt, at) => {
          const bytes = Buffer.from(
            lines.map(([c, eol]) => c.join(",") + eol).join(""),
          );
          const cuts = [...new Set(at.map((p) => p % (bytes.length + 1)))]
            .sort((a, b) => a - b)
            .concat(bytes.length);
          const chunks = cuts.map((p, i) =>
            bytes.subarray(i === 0 ? 0 : cuts[i - 1], p),
          );
          const f = { width, ikbCol: keyAt % width };
          const expected: string[] = [];
          for await (const b of keyedRows(
            readCsvBatches(chunks),
            f,
            false,
            null,
            null,
          ))
            for (const r of b) expected.push(runRecord(r));
          const got: string[] = [];
          for await (const b of runEntries(
            readCsvBatches(chunks, { projection: recordsProjection(f) }),
            f,
            false,
          ))
            for (const e of b) got.push(e.record);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
    expect(plainRunRecord("C1,Müller,", "C1", 12)).toBe(
      runRecord({ key: "C1", line: 12, cells: ["C1", "Müller", ""] }),
    );
  });
});
