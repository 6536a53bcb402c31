/**
 * Large IKBs (a delivery whose rows all carry one IKB key): the runtime's look-ups within an IKB
 * go through an index past a size, and give what looking through every record gives: a
 * reference's look-up among the IKB's records (runtime/ikb-lookup.ts `inIkb`), and the pairs of a
 * joined check (runtime/stage-whole-file.ts `eachPair`), in the same order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KeyedRow } from "../../runtime/assemble.js";
import { inIkb } from "../../runtime/ikb-lookup.js";
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
          await eachPair(
            [
              batches(own, size)[Symbol.asyncIterator](),
              batches(other, size)[Symbol.asyncIterator](),
            ],
            j,
            (a, b) => pairs.push(`${a.line}-${b.line}`),
            undefined,
            (n) => counts.push(n),
          );
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
