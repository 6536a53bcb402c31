/**
 * The order of a sort run's rows (runtime/key-order.ts) is the comparator's, key then line,
 * whatever the keys: sharing a prefix or not, of one alphabet or of all UTF-16 code units
 * (unpaired surrogates included), shorter or longer than its numbers hold, equal, empty; and
 * whether the lines follow the rows' places or not.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyThenLineOrder } from "../../runtime/key-order.js";

/** The order by the comparator the sort run used before (runtime/assemble.ts `compareKeyed`). */
function comparatorOrder(keys: string[], lines: number[]): number[] {
  return Array.from({ length: keys.length }, (_, i) => i).sort((a, b) =>
    keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : lines[a] - lines[b],
  );
}

/** Lines that follow the rows' places, as a file's rows are added (gaps allowed). */
const ascendingLines = (n: number) =>
  fc
    .array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n })
    .map((steps) => {
      let line = 1;
      return steps.map((s) => (line += s));
    });

/** Distinct lines in any order. */
const shuffledLines = (n: number) =>
  fc.shuffledSubarray(
    Array.from({ length: n }, (_, i) => i + 2),
    { minLength: n, maxLength: n },
  );

/** Key families: each array draws from one, or from all at once. */
const families = [
  // IKB keys as the generator writes them: one prefix, digits
  fc
    .integer({ min: 0, max: 400 })
    .map((n) => `C0000000${String(n).padStart(3, "0")}`),
  // a small alphabet, short and long (one key the prefix of another), sharing a long prefix
  fc
    .array(fc.constantFrom("a", "b", "0"), { maxLength: 30 })
    .map((cs) => `NLBANK-${cs.join("")}`),
  // short keys of three digits: never longer than the numbers hold, one the prefix of another
  fc
    .array(fc.constantFrom("0", "1", "2"), { maxLength: 5 })
    .map((cs) => `P${cs.join("")}`),
  // any code units, the empty key included
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.string({
    unit: fc
      .integer({ min: 0, max: 0xffff })
      .map((c) => String.fromCharCode(c)),
    maxLength: 25,
  }),
];
const keysOf = (n: number) =>
  fc.oneof(
    ...[...families, fc.oneof(...families)].map((key) =>
      fc.array(key, { minLength: n, maxLength: n }),
    ),
  );

describe("keyThenLineOrder", () => {
  it("orders as the comparator does, the lines following the rows' places or not", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 300 })
          .chain((n) =>
            fc.tuple(keysOf(n), fc.oneof(ascendingLines(n), shuffledLines(n))),
          ),
        ([keys, lines]) => {
          expect(keyThenLineOrder(keys, lines)).toEqual(
            comparatorOrder(keys, lines),
          );
        },
      ),
      { numRuns: 600 },
    );
  });

  it("orders keys that differ only past what the numbers hold by their whole text", () => {
    // the first character varies, so no prefix is shared; 40 characters of three fillers follow,
    // and the number holds about 9 characters: many rows tie on it and differ only at the end
    const fillers = [
      "q".repeat(40),
      `${"q".repeat(39)}r`,
      "abcdefghij".repeat(4),
    ];
    const keys = Array.from(
      { length: 3000 },
      (_, i) =>
        `${String.fromCharCode(65 + ((i * 7) % 26))}${fillers[i % 3]}${(
          (i * 7919) %
          3000
        )
          .toString(36)
          .padStart(3, "0")}`,
    );
    const lines = keys.map((_, i) => 2 + i);
    expect(keyThenLineOrder(keys, lines)).toEqual(comparatorOrder(keys, lines));
  });

  it("keeps rows of one key in line order, and handles no rows and one", () => {
    expect(keyThenLineOrder([], [])).toEqual([]);
    expect(keyThenLineOrder(["A"], [7])).toEqual([0]);
    expect(keyThenLineOrder(["B", "A", "B", "A"], [2, 3, 4, 5])).toEqual([
      1, 3, 0, 2,
    ]);
    expect(keyThenLineOrder(["A", "A", "A"], [9, 4, 6])).toEqual([1, 2, 0]);
    expect(keyThenLineOrder(["", "a", ""], [2, 3, 4])).toEqual([0, 2, 1]);
  });

  it("orders a sort run's worth of shuffled IKB keys, duplicates included", () => {
    const n = 200_000;
    let seed = 12345;
    const random = () =>
      (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = Array.from(
      { length: n },
      () => `C${String(Math.floor(random() * 150_000)).padStart(10, "0")}`,
    );
    const lines = keys.map((_, i) => 2 + 3 * i);
    expect(keyThenLineOrder(keys, lines)).toEqual(comparatorOrder(keys, lines));
  });
});
