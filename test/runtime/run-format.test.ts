/**
 * The run files of the external sort (runtime/run-format.ts, written and read by
 * runtime/assemble.ts): every row comes back exactly as it went in, whatever its cells hold —
 * quotes, commas, CR, LF, NUL, a byte order mark, unpaired surrogates (NDJSON can give them), the
 * JSON marker `j`, no cells at all — in key-then-line order, from one run and from several.
 */
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
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
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
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
    "\uffff",
    "a\uffffb",
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

  it("give back runs of several pieces and records larger than a piece (1 MiB) exactly", async () => {
    // 3,000 records of about 1 KB, two of 1.5 MB and one of 3 MB among them, keys out of order
    const input: KeyedRow[] = Array.from({ length: 3000 }, (_, i) => ({
      key: `K${String((i * 7919) % 1000).padStart(4, "0")}`,
      line: 2 + i,
      cells: [String(i), `${"abcdefgh".repeat(125)}${i}`],
    }));
    input[10].cells[1] = "x".repeat(1_500_000);
    input[1500].cells[1] = `"quoted, ${"y".repeat(1_500_000)}"`;
    input[2999].cells[0] = "z".repeat(3_000_000);
    for (const budget of [1 << 30, 4_000_000]) {
      const { back, runs } = await roundTrip(input, budget);
      if (budget === 1 << 30) expect(runs).toHaveLength(1);
      else expect(runs.length).toBeGreaterThan(1);
      expect(back).toEqual([...input].sort(compareKeyed));
    }
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
    // U+FFFF, which the reader takes for an invalid byte's mark, and a surrogate pair: escaped
    expect(runRecord({ key: "K", line: 4, cells: ["a\uffff", "😀"] })).toBe(
      '"[""K"",4,[""a\\uffff"",""\\ud83d\\ude00""]]",j\n',
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

  it("property: a sort run's rows in key-then-line order whatever their keys: long shared prefixes, characters from 127 up, NUL, keys that are prefixes of others", async () => {
    const key = fc
      .tuple(
        fc.constantFrom("", "C000000000", "C0000000001234", "NL91ABNA041716"),
        fc.array(
          fc.constantFrom("0", "1", "\u0000", "\u007f", "é", "😀", "~"),
          {
            maxLength: 8,
          },
        ),
      )
      .map(([prefix, rest]) => prefix + rest.join(""));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key, cells: fc.array(key, { maxLength: 2 }) }), {
          maxLength: 40,
        }),
        fc.constantFrom(200, 1 << 30),
        async (rows, budget) => {
          const input = rows.map((r, i) => ({ ...r, line: 40 - i }));
          const { back } = await roundTrip(input, budget);
          expect(back).toEqual([...input].sort(compareKeyed));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("an NDJSON file out of IKB key order whose value holds U+FFFF (`\\uffff`) is sorted and validated as the same file in key order (it stopped the run: a run file damaged)", async () => {
    const glo = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const work = mkdtempSync(join(tmpdir(), "regel-test-"));
    try {
      const findings = async (reversed: boolean) => {
        const dir = join(work, String(reversed));
        cpSync(join("examples", "ikb-delivery"), dir, { recursive: true });
        const [header, ...rows] = readFileSync(
          join(dir, "natural_person.csv"),
          "utf8",
        )
          .trim()
          .split("\n");
        const columns = header.split(",");
        const objects = rows.map((row) =>
          Object.fromEntries(row.split(",").map((c, i) => [columns[i], c])),
        );
        objects[5].first_names += "\uffff";
        if (reversed) objects.reverse();
        writeFileSync(
          join(dir, "natural_person.ndjson"),
          objects
            .map((o) => JSON.stringify(o).replace("\uffff", "\\uffff"))
            .join("\n") + "\n",
        );
        unlinkSync(join(dir, "natural_person.csv"));
        const report = await validateDelivery(dir, glo, {
          rrd: "2024-03-31",
          threads: 1,
          tempDir: work,
        });
        const np = report.files.find((f) => f.entity === "NP")!;
        expect(np.sortedByIkbKey).toBe(!reversed);
        return {
          status: report.status,
          rows: report.files.map((f) => [f.rowsRead, f.rowsValidated]),
          findings: report.rules.map((r) => [r.code, r.count]),
        };
      };
      const inOrder = await findings(false);
      expect(await findings(true)).toEqual(inOrder);
      expect(inOrder.findings.some(([, n]) => (n as number) > 0)).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
