/**
 * Large IKBs (a delivery whose rows all carry one IKB key): the runtime's look-ups within an IKB
 * go through an index past a size, and give what looking through every record gives: a
 * reference's look-up among the IKB's records (runtime/ikb-lookup.ts `inIkb`), and the pairs of a
 * joined check (runtime/stage-whole-file.ts `eachPair`), in the same order. An IKB of more rows
 * than `maxIkbRows` (all of them in memory at once) stops the run with an error that says why,
 * in the delivery and in T−1, with one thread and over several; rows without a usable IKB key
 * are not held together and do not count.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  groupByKey,
  LargeIkbError,
  type KeyedRow,
} from "../../runtime/assemble.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { ensureBuilt } from "../source-folders.js";
import { inIkb } from "../../runtime/ikb-lookup.js";
import { IkbTooLargeError } from "../../runtime/errors.js";
import { eachPair, type JoinedCheck } from "../../runtime/stage-whole-file.js";

const value = fc.constantFrom("C1", "C2", "C3", "", "c1", "C1 ");
/** Customer numbers: some alike, most held by one record. */
const customer = fc.oneof(value, fc.string({ minLength: 1, maxLength: 8 }));

describe("a reference looked up among an IKB's records", () => {
  it("is found exactly when a record holds it, in short lists and long", () => {
    const record = fc.record({ customer_id: fc.option(customer) });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(record, { maxLength: 10 }),
          fc.array(record, { minLength: 64, maxLength: 200 }),
        ),
        fc.array(customer, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (records, others, picks) => {
          const ikb = { NP: records as unknown[] };
          // values of records of the list too, so that some are found
          const looked = [...others];
          for (const p of picks)
            if (records.length > 0)
              looked.push(records[p % records.length].customer_id ?? "C1");
          for (const v of looked)
            expect(inIkb(ikb, "NP", "customer_id", v)).toBe(
              records.some((r) => r.customer_id === v),
            );
        },
      ),
    );
  });

  it("finds every record's value in a long list, and one added since it was last asked", () => {
    const records: Record<string, unknown>[] = Array.from(
      { length: 100 },
      (_, i) => ({ customer_id: `C${i}` }),
    );
    const ikb = { NP: records as unknown[] };
    for (const r of records)
      expect(inIkb(ikb, "NP", "customer_id", r.customer_id as string)).toBe(
        true,
      );
    expect(inIkb(ikb, "NP", "customer_id", "C100")).toBe(false);
    records.push({ customer_id: "C100" });
    expect(inIkb(ikb, "NP", "customer_id", "C100")).toBe(true);
  });
});

/** Batches of `rows` as the sorted readers give them. */
async function* batches(rows: KeyedRow[], size: number) {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

describe("the pairs of a joined check", () => {
  it("are each own row with every joined row of its IKB with the same cell, in order, in small IKBs and large", async () => {
    const row = fc.record({
      key: fc.constantFrom("K1", "K1", "K1", "K2", ""),
      by: value,
    });
    // a few rows, or enough for IKB K1 to pass the index's threshold (4,096 pairs looked at)
    const rows = fc.oneof(
      fc.array(row, { maxLength: 20 }),
      fc.array(row, { minLength: 110, maxLength: 150 }),
    );
    let large = 0;
    await fc.assert(
      fc.asyncProperty(
        rows,
        rows,
        fc.integer({ min: 1, max: 64 }),
        async (ownRows, otherRows, size) => {
          const keyed = (rs: { key: string; by: string }[]): KeyedRow[] =>
            rs
              .map((r, i) => ({
                key: r.key,
                line: i + 2,
                cells: [r.key, r.by],
              }))
              .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          const own = keyed(ownRows);
          const other = keyed(otherRows);
          const count = (k: string, rs: KeyedRow[]) =>
            rs.filter((r) => r.key === k).length;
          if (count("K1", own) * count("K1", other) >= 4096) large++;
          const j = { byOwn: 1, byOther: 1 } as JoinedCheck;
          const pairs: string[] = [];
          const counts: number[] = [];
          const seen: number[] = [];
          await eachPair(
            [
              batches(own, size)[Symbol.asyncIterator](),
              batches(other, size)[Symbol.asyncIterator](),
            ],
            j,
            (a, b) => pairs.push(`${a.line}-${b.line}`),
            (a) => seen.push(a.line),
            (n) => counts.push(n),
          );
          // every own row seen, in order (those without a usable key too)
          expect(seen).toEqual(own.map((r) => r.line));
          // every row of the own file with each row of the other with its key (not empty) and its
          // by cell (not empty), in the order of the own rows, then of the other's
          const expected: string[] = [];
          const expectedCounts: number[] = [];
          for (const a of own) {
            let n = 0;
            for (const b of other)
              if (
                a.key !== "" &&
                b.key === a.key &&
                a.cells[1] !== "" &&
                b.cells[1] === a.cells[1]
              ) {
                expected.push(`${a.line}-${b.line}`);
                n++;
              }
            expectedCounts.push(n);
          }
          expect(pairs).toEqual(expected);
          expect(counts).toEqual(expectedCounts);
        },
      ),
      { numRuns: 200 },
    );
    // some IKBs were large enough for the index
    expect(large).toBeGreaterThan(10);
  });
});

describe("an IKB too large to hold", () => {
  const rows = (key: string, n: number, from = 2): KeyedRow[] =>
    Array.from({ length: n }, (_, i) => ({
      key,
      line: from + i,
      cells: [key],
    }));
  const groups = async (
    sources: KeyedRow[][],
    max: number,
    size: number,
  ): Promise<number> => {
    let n = 0;
    for await (const batch of groupByKey(
      sources.map((s) => batches(s, size)[Symbol.asyncIterator]()),
      max,
    ))
      n += batch.length;
    return n;
  };

  it("is found as its rows come, whether they end a batch or not, and names the file that passed the limit", async () => {
    for (const size of [7, 1000]) {
      const error = await groups(
        [rows("K1", 30), [...rows("K1", 25), ...rows("K2", 3, 27)]],
        50,
        size,
      ).catch((e: unknown) => e);
      expect(error, `batches of ${size}`).toBeInstanceOf(LargeIkbError);
      expect((error as LargeIkbError).source).toBe(1);
      expect((error as LargeIkbError).key).toBe("K1");
      // at the limit: held
      expect(await groups([rows("K1", 30), rows("K1", 20)], 50, size)).toBe(1);
      // the first file passed it alone: named, whether a batch ended within its rows or after
      // them (then the group is checked only when formed)
      const first = await groups(
        [[...rows("K1", 60), ...rows("K2", 3, 62)], rows("K1", 5)],
        50,
        size,
      ).catch((e: unknown) => e);
      expect((first as LargeIkbError).source, `batches of ${size}`).toBe(0);
    }
    // rows without a usable key: each is checked on its own, however many
    expect(await groups([rows("", 80), rows(" ", 80)], 50, 7)).toBe(2);
  });

  it("rows without a usable key come in pieces, when asked for, in the order of one group", async () => {
    const blank = [rows("", 150_000), rows("", 70_000, 10), rows("K1", 2)];
    const pieces: KeyedRow[][][] = [];
    for await (const batch of groupByKey(
      blank.map((s) => batches(s, 4096)[Symbol.asyncIterator]()),
      50,
      true,
    ))
      for (const g of batch) pieces.push(g.rows);
    // more than one piece of "", then K1
    expect(pieces.length).toBeGreaterThan(2);
    const lines = (source: number) =>
      pieces.slice(0, -1).flatMap((p) => p[source].map((r) => r.line));
    expect(lines(0)).toEqual(blank[0].map((r) => r.line));
    expect(lines(1)).toEqual(blank[1].map((r) => r.line));
    expect(pieces.at(-1)![2].map((r) => r.line)).toEqual([2, 3]);
  });

  it("rows with a usable key never come in pieces: an IKB of more rows than a piece is one group, and the limit counts all of them", async () => {
    const big = [rows("K1", 2), [...rows("K1", 70_000), ...rows("K2", 3)]];
    const keys: string[] = [];
    const sizes: number[] = [];
    for await (const batch of groupByKey(
      big.map((s) => batches(s, 4096)[Symbol.asyncIterator]()),
      100_000,
      true,
    ))
      for (const g of batch) {
        keys.push(g.key);
        sizes.push(g.rows[0].length + g.rows[1].length);
      }
    expect(keys).toEqual(["K1", "K2"]);
    expect(sizes).toEqual([70_002, 3]);
    const error = await (async () => {
      for await (const batch of groupByKey(
        big.map((s) => batches(s, 4096)[Symbol.asyncIterator]()),
        69_999,
        true,
      ))
        void batch;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LargeIkbError);
    expect((error as LargeIkbError).source).toBe(1);
  });

  const work = mkdtempSync(join(tmpdir(), "regel-large-ikb-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  let glo: LoadedRuleset;
  let glo12: LoadedRuleset;
  beforeAll(async () => {
    ensureBuilt();
    glo = await loadCompiled(join("rulesets", "compiled", "ikb.glo@1.3.0"));
    glo12 = await loadCompiled(join("rulesets", "compiled", "ikb.glo@1.2.0"));
  }, 300_000);

  /** A generated delivery (and its T−1) whose IKB files' rows all carry the IKB key `key`. */
  const oneKey = (key: string, which: "delivery" | "previous") => {
    const dir = mkdtempSync(join(work, "d-"));
    const previous = mkdtempSync(join(work, "p-"));
    rmSync(dir, { recursive: true });
    rmSync(previous, { recursive: true });
    generateDelivery(glo.module, {
      depositors: 300,
      seed: 5,
      defectRate: 0.05,
      markingRate: 0.02,
      rrd: "2024-03-31",
      out: dir,
      previousOut: previous,
    });
    const folder = which === "delivery" ? dir : previous;
    for (const f of readdirSync(folder).filter((f) => f.endsWith(".csv"))) {
      const lines = readFileSync(join(folder, f), "utf8").split("\n");
      if (!lines[0].startsWith("ikb_id,")) continue;
      for (let i = 1; i < lines.length; i++)
        if (lines[i] !== "")
          lines[i] = key + lines[i].slice(lines[i].indexOf(","));
      writeFileSync(join(folder, f), lines.join("\n"));
    }
    return { dir, previous };
  };

  it("stops the run with an error that says why, with one thread and over three: the joined check's pass, or the validate pass", async () => {
    const { dir } = oneKey("IKB-ALL", "delivery");
    // ikb.glo@1.3.0 has a joined check (dup0002), whose pass holds the IKB first; 1.2.0 has none
    const passes = [
      {
        l: glo,
        where:
          "in natural_person\\.csv, structured_address\\.csv together\\): every row of an IKB is held in memory while they are compared",
      },
      {
        l: glo12,
        where:
          // the files in the order the IKB is assembled, up to the one whose rows passed the limit
          "in natural_person\\.csv, non_natural_person\\.csv, representation\\.csv, bank_account\\.csv together\\): every row of an IKB is held in memory while it is checked",
      },
    ];
    for (const { l, where } of passes)
      for (const threads of [1, 3]) {
        const run = validateDelivery(dir, l, {
          rrd: "2024-03-31",
          threads,
          scanSplitBytes: 1,
          maxIkbRows: 500,
        });
        await expect(
          run,
          `${l.module.metadata.id}, ${threads} threads`,
        ).rejects.toThrow(
          new RegExp(
            `the rows of IKB key "IKB-ALL" are more than 500 \\(${where}.*: check its ikb_id column`,
          ),
        );
      }
    // within the limit: validated, as one IKB
    const report = await validateDelivery(dir, glo, {
      rrd: "2024-03-31",
      maxIkbRows: 1_000_000,
    });
    expect(report.ikbs?.count).toBe(1);
  }, 120_000);

  it("stops with the same typed error whichever thread meets the IKB: one in the middle of the delivery, 1 to 4 threads", async () => {
    const { dir } = oneKey("", "delivery");
    // the rows of the middle third of each IKB file take one key, K5000, between the keys
    // before (K0001, ...) and after (L...): the key order holds, and with split ranges a worker
    // (not the main thread) holds that IKB
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".csv"))) {
      const lines = readFileSync(join(dir, f), "utf8").split("\n");
      if (!lines[0].startsWith("ikb_id,")) continue;
      const third = lines.length / 3;
      for (let i = 1; i < lines.length; i++)
        if (lines[i] !== "")
          lines[i] =
            (i < third
              ? `K${String(i).padStart(4, "0")}`
              : i < 2 * third
                ? "K5000"
                : `L${String(i).padStart(4, "0")}`) +
            lines[i].slice(lines[i].indexOf(","));
      writeFileSync(join(dir, f), lines.join("\n"));
    }
    for (const l of [glo, glo12]) {
      const messages = new Set<string>();
      for (const threads of [1, 2, 3, 4]) {
        const error: unknown = await validateDelivery(dir, l, {
          rrd: "2024-03-31",
          threads,
          scanSplitBytes: 1,
          maxIkbRows: 100,
        }).catch((e: unknown) => e);
        expect(
          error,
          `${l.module.metadata.id}, ${threads} threads`,
        ).toBeInstanceOf(IkbTooLargeError);
        expect((error as IkbTooLargeError).code).toBe("REGEL_LARGE_IKB");
        messages.add((error as Error).message);
      }
      expect([...messages]).toHaveLength(1);
      expect([...messages][0]).toMatch(
        /^the rows of IKB key "K5000" are more than 100 \(in /,
      );
    }
  }, 120_000);

  it("two IKBs too large: the first in key order is named with any number of threads, though a later range meets its own first", async () => {
    const { dir } = oneKey("", "delivery");
    // K4000 covers 35-45 % of each IKB file's rows, K5500 55-65 %: with two threads the second
    // range starts at K5500 and meets it long before the first range reaches K4000
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".csv"))) {
      const lines = readFileSync(join(dir, f), "utf8").split("\n");
      if (!lines[0].startsWith("ikb_id,")) continue;
      for (let i = 1; i < lines.length; i++) {
        if (lines[i] === "") continue;
        const at = i / lines.length;
        const key =
          at >= 0.35 && at < 0.45
            ? "K4000"
            : at >= 0.55 && at < 0.65
              ? "K5500"
              : `K${String(Math.floor(at * 10_000)).padStart(4, "0")}-${i}`;
        lines[i] = key + lines[i].slice(lines[i].indexOf(","));
      }
      writeFileSync(join(dir, f), lines.join("\n"));
    }
    // (which range meets its IKB first in time is up to the threads: runtime/range-order.ts's
    // own test makes a later range fail first)
    for (const l of [glo, glo12])
      for (const threads of [1, 2, 4]) {
        const error: unknown = await validateDelivery(dir, l, {
          rrd: "2024-03-31",
          threads,
          scanSplitBytes: 1,
          maxIkbRows: 100,
        }).catch((e: unknown) => e);
        expect(
          (error as Error).message,
          `${l.module.metadata.id}, ${threads} threads`,
        ).toMatch(/^the rows of IKB key "K4000" are more than 100 \(in /);
      }
  }, 180_000);

  it("in T−1 too", async () => {
    const { dir, previous } = oneKey("IKB-ALL", "previous");
    await expect(
      validateDelivery(dir, glo, {
        rrd: "2024-03-31",
        previous,
        maxIkbRows: 500,
      }),
    ).rejects.toThrow(
      /^the previous delivery: the rows of IKB key "IKB-ALL" are more than 500/,
    );
  }, 120_000);

  it("not for rows without an IKB key: each is checked on its own", async () => {
    const { dir } = oneKey("", "delivery");
    const report = await validateDelivery(dir, glo, {
      rrd: "2024-03-31",
      maxIkbRows: 500,
    });
    expect(report.ikbs?.count).toBeGreaterThan(500);
  }, 120_000);
});
