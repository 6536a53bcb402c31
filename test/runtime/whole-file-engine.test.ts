/**
 * runtime/whole-file.ts on its own: the hash pass decides whether a file is read again, and the
 * exact pass tells hash collisions apart (projections written by hand, as a module has them); the
 * engine keeps numbers per involved row, not texts, and gives the same findings as the engine
 * that kept every involved row's texts (an oracle written here).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MASK,
  type EntityMeta,
  type FileRule,
} from "../../compiler/contract.js";
import {
  joinRepeated,
  repeatedHashes,
  WholeFileCheck,
} from "../../runtime/whole-file.js";
import { fullGc } from "./helpers.js";

const entity: EntityMeta = {
  name: "BA",
  file: "ba.csv",
  key: ["account_id"],
  fields: [
    {
      name: "account_id",
      column: "account_id",
      type: "text",
      required: true,
      personal: false,
    },
    {
      name: "holders",
      column: "holders",
      type: "integer",
      required: false,
      personal: false,
    },
  ],
} as unknown as EntityMeta;
const index = [0, 1];
const text = (c: string | undefined) => (c ? `${c.length}:${c}` : undefined);

function check(
  rule: Partial<FileRule>,
  projection: ConstructorParameters<typeof WholeFileCheck>[1],
) {
  return new WholeFileCheck(
    {
      code: "w1",
      severity: "signalling",
      entities: ["BA"],
      check: "unique",
      ...rule,
    } as FileRule,
    projection,
    entity,
    index,
    "ba.csv",
    false,
  );
}

describe("WholeFileCheck", () => {
  it("unique: distinct combinations need no second read", () => {
    const w = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    for (const a of ["A1", "A2", "A3", ""]) w.scan([a, "1"]);
    expect(w.seal()).toBe(false);
  });

  it("unique: a repeated combination is read again and named on every row", () => {
    const w = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    const rows = [["A1"], ["A2"], ["A1"]];
    for (const r of rows) w.scan(r);
    expect(w.seal()).toBe(true);
    rows.forEach((r, i) => w.collect(r, i + 2));
    w.finish();
    expect(w.findingAt(3, ["A2"])).toBeUndefined();
    expect(w.findingAt(2, ["A1"])?.message).toBe(
      'account_id="A1" occurs 2 times in ba.csv: lines 2 and 4',
    );
    expect(w.findingAt(4, ["A1"])?.values).toEqual({ account_id: "A1" });
  });

  it("the second read looks only at the rows whose scan hash is a candidate, or that state another number than 1", () => {
    const u = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    const rows = [["A1"], ["A2"], [""], ["A1"]];
    for (const r of rows) u.scan(r);
    expect(u.seal()).toBe(true);
    expect(rows.map(() => u.skip())).toEqual([false, true, true, false]);
    // a row beyond the scan's is looked at
    expect(u.skip()).toBe(false);
    const c = check(
      { check: "count-per", fields: ["holders"], per: ["account_id"] },
      {
        key: (x) => text(x[0]),
        count: (x) => (x[1] ? Number(x[1]) : undefined),
      },
    );
    const counted = [
      ["A1", "1"],
      ["A2", "2"],
      ["A3", "1"],
      ["A3", "1"],
    ];
    for (const r of counted) c.scan(r);
    expect(c.seal()).toBe(true);
    expect(counted.map(() => c.skip())).toEqual([true, false, false, false]);
  });

  it("a hash collision is no finding: the exact values tell the rows apart", () => {
    // a projection whose texts differ but which the test makes collide: equal hashes are only candidates
    const w = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    w.scan(["A1"]);
    w.scan(["A1"]);
    expect(w.seal()).toBe(true);
    // the second read sees other values than the scan (as a colliding pair would give): no finding
    w.collect(["A1"], 2);
    w.collect(["B1"], 3);
    w.finish();
    expect(w.findingAt(2, ["A1"])).toBeUndefined();
  });

  it("count per: rows that state 1 and are alone with their hash are not read again", () => {
    const w = check(
      { check: "count-per", fields: ["holders"], per: ["account_id"] },
      {
        key: (c) => text(c[0]),
        count: (c) => (c[1] ? Number(c[1]) : undefined),
      },
    );
    for (const a of ["A1", "A2"]) w.scan([a, "1"]);
    expect(w.seal()).toBe(false);
  });

  it("count per: a row that states 2 alone is read again and found", () => {
    const w = check(
      { check: "count-per", fields: ["holders"], per: ["account_id"] },
      {
        key: (c) => text(c[0]),
        count: (c) => (c[1] ? Number(c[1]) : undefined),
      },
    );
    const rows = [
      ["A1", "1"],
      ["A2", "2"],
    ];
    for (const r of rows) w.scan(r);
    expect(w.seal()).toBe(true);
    rows.forEach((r, i) => w.collect(r, i + 2));
    w.finish();
    expect(w.findingAt(2, rows[0])).toBeUndefined();
    expect(w.findingAt(3, rows[1])?.message).toBe(
      'account_id="A2" is on 1 record of ba.csv: line 3; the row states holders="2"',
    );
  });
});

/**
 * The findings as the engine gave them before it kept rows as numbers (every involved row's
 * texts in a Map by exact combination): the oracle of the bounded engine, which must give the
 * same bytes.
 */
function oracle(
  check: "unique" | "one-per" | "count-per",
  rows: readonly string[][],
  key: (c: readonly string[]) => string | undefined,
  value: (c: readonly string[]) => string | undefined,
  count: (c: readonly string[]) => number | undefined,
  personalKey: boolean,
): Map<number, { message: string; values: Record<string, string | null> }> {
  const names = ["account_id", "holders"];
  const keyWidth = check === "unique" ? 1 : 1;
  const width = check === "unique" ? 1 : 2;
  const show = (c: readonly string[], from: number, to: number, named = true) =>
    c
      .slice(from, to)
      .map((v, j) => {
        const t = from + j === 0 && personalKey ? MASK : JSON.stringify(v);
        return named ? `${names[from + j]}=${t}` : t;
      })
      .join(named ? ";" : ", ");
  /** The lines `l`, of which at most `most` are named. */
  const ls = (l: number[], most = 20) =>
    l.length === 1
      ? `line ${l[0]}`
      : l.length > most
        ? `lines ${l.slice(0, most).join(", ")} and ${l.length - most} more`
        : `lines ${l.slice(0, -1).join(", ")} and ${l[l.length - 1]}`;
  const groups = new Map<string, { line: number; c: string[] }[]>();
  rows.forEach((c, i) => {
    const k = key(c);
    if (k === undefined) return;
    if (check === "one-per" && value(c) === undefined) return;
    if (check === "count-per" && count(c) === undefined) return;
    const g = groups.get(k) ?? [];
    g.push({ line: i + 2, c: c.slice(0, width) });
    groups.set(k, g);
  });
  const out = new Map<
    number,
    { message: string; values: Record<string, string | null> }
  >();
  const values = (c: string[]) =>
    Object.fromEntries(
      names.slice(0, width).map((n, i) => [n, c[i] === "" ? null : c[i]]),
    );
  for (const g of groups.values()) {
    const all = g.map((m) => m.line);
    if (check === "count-per") {
      const tail = `is on ${g.length} ${g.length === 1 ? "record" : "records"} of ba.csv: ${ls(all)}`;
      for (const m of g)
        if (count(m.c) !== g.length)
          out.set(m.line, {
            message: `${show(m.c, 0, keyWidth)} ${tail}; the row states ${show(m.c, 1, 2)}`,
            values: values(m.c),
          });
      continue;
    }
    if (g.length < 2) continue;
    let tail = `occurs ${g.length} times in ba.csv: ${ls(all)}`;
    if (check === "one-per") {
      const byValue = new Map<string, typeof g>();
      for (const m of g) {
        const v = value(m.c)!;
        byValue.set(v, [...(byValue.get(v) ?? []), m]);
      }
      if (byValue.size < 2) continue;
      // 20 lines named in all: the values in order while lines are left to name
      const named: string[] = [];
      let left = 20;
      for (const ms of byValue.values()) {
        if (left === 0) break;
        named.push(
          `${show(ms[0].c, 1, 2, false)} (${ls(
            ms.map((m) => m.line),
            left,
          )})`,
        );
        left -= Math.min(left, ms.length);
      }
      const more = byValue.size - named.length;
      tail = `has ${byValue.size} different values of holders in ba.csv: ${named.join(", ")}${
        more === 0 ? "" : ` and ${more} more value${more === 1 ? "" : "s"}`
      }`;
    }
    for (const m of g)
      out.set(m.line, {
        message: `${show(m.c, 0, keyWidth)} ${tail}`,
        values: values(m.c),
      });
  }
  return out;
}

describe("a joined check's collect from its own file alone (takeOwn)", () => {
  // own cells: account_id, holders; the joined record's code after them (cell 2)
  const joinedEntity = {
    ...entity,
    fields: [
      ...entity.fields,
      {
        name: "X.code",
        column: "code",
        type: "text",
        required: false,
        personal: false,
      },
    ],
  } as unknown as EntityMeta;
  const joined = () =>
    new WholeFileCheck(
      {
        code: "w2",
        severity: "signalling",
        entities: ["BA"],
        check: "one-per",
        fields: ["holders"],
        per: ["X.code"],
      } as unknown as FileRule,
      { key: (c) => text(c[2]), value: (c) => text(c[1]) },
      joinedEntity,
      [0, 1, 2],
      "ba.csv",
      true,
      2,
    );
  // records with 300 pairs (past one byte's count), none, one, and two
  const records: { cells: string[]; line: number; codes: string[] }[] = [
    {
      cells: ["A0", "1"],
      line: 2,
      codes: Array.from({ length: 300 }, (_, i) => `K${i}`),
    },
    { cells: ["A1", "3"], line: 3, codes: [] },
    { cells: ["A2", "2"], line: 4, codes: ["K150"] },
    { cells: ["A3", "1"], line: 5, codes: ["K7", "Z"] },
    { cells: ["A4", "5"], line: 6, codes: ["K299", "Y"] },
  ];

  it("finds what the collect over the pairs finds", () => {
    const viaPairs = joined();
    const viaOwn = joined();
    for (const w of [viaPairs, viaOwn]) {
      for (const r of records) {
        for (const code of r.codes) w.scan([...r.cells, code]);
        w.scanOwn(r.codes.length);
      }
      expect(w.seal()).toBe(true);
    }
    for (const r of records)
      for (const code of r.codes)
        if (!viaPairs.skip()) viaPairs.take([...r.cells, code], r.line);
    for (const r of records) viaOwn.takeOwn(r.cells, r.line);
    viaPairs.finish();
    viaOwn.finish();
    const findings = (w: WholeFileCheck) =>
      records.map((r) => w.findingAt(r.line, r.cells)?.message);
    expect(findings(viaOwn)).toEqual(findings(viaPairs));
    expect(findings(viaOwn)).toEqual([
      'X.code=*** has 2 different values of holders in ba.csv: "1" (line 2), "2" (line 4)',
      undefined,
      'X.code=*** has 2 different values of holders in ba.csv: "1" (line 2), "2" (line 4)',
      undefined,
      'X.code=*** has 2 different values of holders in ba.csv: "1" (line 2), "5" (line 6)',
    ]);
  });
});

describe("repeatedHashes (the seal's look for repeated hashes)", () => {
  /** What the seal did before: a sorted copy, and a search of each row's hash among the repeated ones. */
  function oracle(hashes: readonly number[]): {
    candidates: number[];
    rows: number[];
  } {
    const count = new Map<number, number>();
    for (const h of hashes)
      if (!Number.isNaN(h)) count.set(h, (count.get(h) ?? 0) + 1);
    const candidates = [...count]
      .filter(([, k]) => k > 1)
      .map(([h]) => h)
      .sort((a, b) => a - b);
    const rows = hashes.flatMap((h, i) => ((count.get(h) ?? 0) > 1 ? [i] : []));
    return { candidates, rows };
  }
  const setRows = (bits: Uint8Array | undefined, n: number): number[] =>
    bits === undefined
      ? []
      : Array.from({ length: n }, (_, i) => i).filter(
          (i) => (bits[i >>> 3] & (1 << (i & 7))) !== 0,
        );

  it("finds every repeated hash and every row that has one, NaN equal to nothing", () => {
    // few distinct values so that buckets hold runs, big ones above the small-bucket sort, and
    // hashes that share their top bits (one bucket) but differ below
    const hash = fc.oneof(
      fc.constant(Number.NaN),
      fc.integer({ min: 0, max: 5 }).map((k) => k * 2 ** 40 + 7),
      fc.integer({ min: 0, max: 2 ** 20 }).map((k) => 2 ** 52 + k),
      // one bucket and the same low 32 bits, different above them: not repeated
      fc.integer({ min: 0, max: 7 }).map((k) => k * 2 ** 32 + 99),
      fc.integer({ min: 0, max: 7 }).map((k) => 2 ** 52 + k * 2 ** 32 + 5),
      fc.integer({ min: 0, max: 2 ** 53 - 1 }),
    );
    fc.assert(
      fc.property(fc.array(hash, { maxLength: 300 }), (hashes) => {
        const got = repeatedHashes(Float64Array.from(hashes));
        const want = oracle(hashes);
        expect(Array.from(got.candidates)).toEqual(want.candidates);
        expect(setRows(got.rows, hashes.length)).toEqual(want.rows);
        if (want.rows.length === 0) expect(got.rows).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("split into parts by value (2 or 4), the parts' answers joined are the whole's", () => {
    const hash = fc.oneof(
      fc.constant(Number.NaN),
      fc.integer({ min: 0, max: 5 }).map((k) => k * 2 ** 40 + 7),
      // around the halves' and quarters' borders
      fc.integer({ min: -3, max: 3 }).map((k) => 2 ** 52 + k),
      fc.integer({ min: -3, max: 3 }).map((k) => 2 ** 51 + k),
      fc.integer({ min: 0, max: 3 }).map((k) => 2 ** 53 - 1 - k),
      fc.integer({ min: 0, max: 2 ** 53 - 1 }),
    );
    fc.assert(
      fc.property(
        fc.array(hash, { maxLength: 400 }),
        fc.constantFrom(2, 4),
        (list, of) => {
          const hashes = Float64Array.from(list);
          const parts = Array.from({ length: of }, (_, k) =>
            repeatedHashes(hashes, { k, of }),
          );
          const got = joinRepeated(parts, hashes.length);
          const want = oracle(list);
          expect(Array.from(got.candidates)).toEqual(want.candidates);
          expect(setRows(got.rows, hashes.length)).toEqual(want.rows);
          if (want.rows.length === 0) expect(got.rows).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a hash on tens of thousands of rows, among distinct ones (a bucket sorted, not compared pairwise)", () => {
    const n = 60_000;
    const hashes = new Float64Array(n);
    for (let i = 0; i < n; i++)
      hashes[i] = i % 3 === 0 ? 12345 : i * 1_000_003 + 1;
    const got = repeatedHashes(hashes);
    expect(Array.from(got.candidates)).toEqual([12345]);
    expect(setRows(got.rows, n)).toEqual(oracle(Array.from(hashes)).rows);
  });
});

describe("WholeFileCheck keeps numbers per row, not texts", () => {
  // a value that differs in text but not in meaning ("01" and "1"): grouped as one, shown as written
  const key = (c: readonly string[]) => text(c[0]);
  const value = (c: readonly string[]) =>
    c[1] === "" || !/^[0-9]+$/.test(c[1]) ? undefined : String(Number(c[1]));
  const count = (c: readonly string[]) =>
    c[1] === "" || !/^[0-9]+$/.test(c[1]) ? undefined : Number(c[1]);

  function run(
    kind: "unique" | "one-per" | "count-per",
    rows: readonly string[][],
    personalKey: boolean,
  ) {
    const e = {
      ...entity,
      fields: entity.fields.map((f, i) =>
        i === 0 ? { ...f, personal: personalKey } : f,
      ),
    } as EntityMeta;
    const w = new WholeFileCheck(
      {
        code: "w1",
        severity: "signalling",
        entities: ["BA"],
        check: kind,
        ...(kind === "unique"
          ? { fields: ["account_id"] }
          : { fields: ["holders"], per: ["account_id"] }),
      } as FileRule,
      kind === "unique"
        ? { key }
        : kind === "one-per"
          ? { key, value }
          : { key, count },
      e,
      index,
      "ba.csv",
      false,
    );
    for (const r of rows) w.scan(r);
    if (w.seal()) {
      rows.forEach((r, i) => w.collect(r, i + 2));
      w.finish();
    }
    const got = new Map<number, unknown>();
    rows.forEach((r, i) => {
      const f = w.findingAt(i + 2, r);
      if (f) got.set(i + 2, f);
    });
    return got;
  }

  const row = fc.tuple(
    fc.constantFrom("A1", "A2", "A3", "A4", "", 'B\u00e9"1'),
    fc.constantFrom("1", "01", "2", "3", "", "x"),
  );
  for (const kind of ["unique", "one-per", "count-per"] as const)
    it(`${kind}: the same findings, byte for byte, as the engine that kept every row's texts`, () => {
      fc.assert(
        fc.property(
          fc.array(row, { maxLength: 60 }),
          fc.boolean(),
          (rows, p) => {
            const mutable = rows.map((r) => [...r]);
            expect(run(kind, mutable, p)).toEqual(
              oracle(kind, mutable, key, value, count, p),
            );
          },
        ),
        { numRuns: 150 },
      );
    });

  it("tens of thousands of rows involved, groups longer than the lines a message names", () => {
    // 60,000 rows in 2,000 combinations (30 rows each) and 20,000 pairs
    const rows: string[][] = [];
    for (let i = 0; i < 60_000; i++)
      rows.push([`G${i % 2000}`, String(1 + (i % 3))]);
    for (let i = 0; i < 40_000; i++) rows.push([`P${i >> 1}`, "2"]);
    for (const kind of ["unique", "one-per", "count-per"] as const) {
      const got = run(kind, rows, false);
      const want = oracle(kind, rows, key, value, count, false);
      expect(got.size).toBe(want.size);
      expect(got).toEqual(want);
    }
    expect(run("unique", rows, false).get(2)).toEqual({
      message: `account_id="G0" occurs 30 times in ba.csv: lines ${Array.from({ length: 20 }, (_, j) => 2 + j * 2000).join(", ")} and 10 more`,
      values: { account_id: "G0" },
    });
  });
});

describe("WholeFileCheck memory", () => {
  it("keeps no text of an involved row between the second read and the validate pass", () => {
    // 100,000 involved rows whose combination is 300 characters long: the engine that kept
    // every involved row's texts held about 30 MB of them on the heap; now only typed arrays
    const gc = fullGc();
    const long = (i: number) =>
      `${"x".repeat(290)}${String(i >> 1).padStart(10, "0")}`;
    const w = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    for (let i = 0; i < 100_000; i++) w.scan([long(i)]);
    expect(w.seal()).toBe(true);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) w.collect([long(i)], i + 2);
    w.finish();
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(kept).toBeLessThan(8 * 1024 * 1024);
    // and the findings are still there, rebuilt from the row's own cells
    expect(w.findingAt(100_001, [long(99_999)])?.message).toBe(
      `account_id=${JSON.stringify(long(99_999))} occurs 2 times in ba.csv: lines 100000 and 100001`,
    );
  });
});
