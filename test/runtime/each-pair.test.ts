/**
 * `eachPair` (runtime/stage-whole-file.ts): the pairs of a joined check, read from two streams
 * sorted by IKB key, against a plain reference: every record of the own file with each record of
 * the other file in its IKB whose `by` cell is the same text (not empty, not in an IKB whose key
 * is blank, holds a control character or is only invisible characters), in
 * the order IKB key, record, joined record; every own record seen once, in order, and told its
 * number of pairs. The streams come in batches cut anywhere, so that an IKB spans batches.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KeyedRow } from "../../runtime/assemble.js";
import { eachPair, type JoinedCheck } from "../../runtime/stage-whole-file.js";

/** Rows sorted by key (then line), in batches of the given sizes. */
async function* batches(
  rows: readonly KeyedRow[],
  sizes: readonly number[],
): AsyncGenerator<KeyedRow[]> {
  let at = 0;
  for (let i = 0; at < rows.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length] ?? 1);
    yield rows.slice(at, at + n);
    at += n;
  }
}

const row = fc.record({
  key: fc.constantFrom("", " ", "A", "A\u0000", "\u200b", "B", "C", "D", "E"),
  by: fc.constantFrom("", "c1", "c2", "c3"),
});

function keyed(
  rs: readonly { key: string; by: string }[],
  firstLine: number,
): KeyedRow[] {
  return rs
    .map((r, i) => ({ key: r.key, line: firstLine + i, cells: [r.key, r.by] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.line - b.line));
}

/** The keys of `row` that name no IKB: blank, holding a control character, only invisible. */
const NO_KEY = new Set(["", " ", "A\u0000", "\u200b"]);

describe("eachPair", () => {
  it("gives the pairs, the own records and their numbers of pairs of a plain nested loop", async () => {
    const j = { byOwn: 1, byOther: 1 } as unknown as JoinedCheck;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 30 }),
        fc.array(row, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 5 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.integer({ min: 1, max: 5 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (ownRows, otherRows, ownSizes, otherSizes) => {
          const own = keyed(ownRows, 2);
          const other = keyed(otherRows, 1000);
          const got: string[] = [];
          await eachPair(
            [batches(own, ownSizes), batches(other, otherSizes)],
            j,
            (a, b) => got.push(`pair ${a.line} ${b.line}`),
            (a) => got.push(`own ${a.line}`),
            (n) => got.push(`pairs ${n}`),
          );
          // the reference: IKB by IKB, its own records first, then the pairs of each
          const want: string[] = [];
          const keys = [...new Set(own.map((r) => r.key))];
          for (const key of keys) {
            const mine = own.filter((r) => r.key === key);
            const theirs = other.filter((r) => r.key === key);
            for (const a of mine) want.push(`own ${a.line}`);
            for (const a of mine) {
              let n = 0;
              if (!NO_KEY.has(key) && a.cells[1] !== "")
                for (const b of theirs)
                  if (b.cells[1] === a.cells[1]) {
                    want.push(`pair ${a.line} ${b.line}`);
                    n++;
                  }
              want.push(`pairs ${n}`);
            }
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});
