/**
 * The indexes of long IKB lists (compiler/helpers/records.ts): `$rowsEqual` and `$rowsEqualAll`
 * pick exactly the records whose fields are `===` the values, in their order, none for an absent
 * value; an index is made once per context and list, and again for a list that changed;
 * `$previous` and `$delivered` find a record by its key in a long list as in a short one.
 * (`$rowsDerivedInto` is tested with `derived_from` in identifiers.test.ts; the compiled
 * aggregates that use them against the reference interpreter in differential.test.ts.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  $delivered,
  $ikbIndex,
  $previous,
  $rowsEqual,
  $rowsEqualAll,
} from "../../compiler/helpers/records.js";

type Row = Record<string, unknown>;

/** Whether two lists hold the same records in the same order (cheap to fail: no diff made). */
const same = (a: readonly Row[], b: readonly Row[]) =>
  a.length === b.length && a.every((r, i) => r === b[i]);

// few values, so that records share them; numbers and texts that print alike, and absent ones
const cell = fc.constantFrom<unknown>(
  "C1",
  "C2",
  "1",
  1,
  0,
  -0,
  "",
  '["C1"]',
  "C1,C2",
  undefined,
);
const rows = fc.array(fc.record({ a: cell, b: cell, c: cell }), {
  minLength: 0,
  maxLength: 120,
});

describe("IKB list indexes", () => {
  it("$rowsEqual picks the records whose field is the value, in order", () => {
    fc.assert(
      fc.property(
        rows,
        fc.array(cell, { minLength: 1, maxLength: 5 }),
        (list, values) => {
          const ctx = {};
          for (const v of values)
            expect($rowsEqual(ctx, list, "a", "a", v)).toEqual(
              v === undefined ? [] : list.filter((r: Row) => r.a === v),
            );
        },
      ),
    );
  });

  it("$rowsEqualAll picks the records whose fields are all the values, in order", () => {
    let hits = 0;
    fc.assert(
      fc.property(
        rows,
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (list, probes, from) => {
          const ctx = {};
          // values of a record of the list too, so that some are found
          const all = [...probes];
          if (list.length > 0) {
            const r = list[from % list.length];
            all.push([r.b, r.c]);
          }
          for (const [b, c] of all) {
            const picked = $rowsEqualAll(ctx, list, "bc", ["b", "c"], [b, c]);
            const expected =
              b === undefined || c === undefined
                ? []
                : list.filter((r: Row) => r.b === b && r.c === c);
            expect(same(picked, expected)).toBe(true);
            hits += expected.length;
          }
        },
      ),
    );
    expect(hits).toBeGreaterThan(20);
  });

  it("is made once per context and list, and again for a list that changed", () => {
    const ctx = {};
    const list: Row[] = [{ a: "C1" }];
    let made = 0;
    const make = () => ++made;
    expect($ikbIndex(ctx, list, "n", make)).toBe(1);
    expect($ikbIndex(ctx, list, "n", make)).toBe(1);
    // another context (another IKB), another name, a list grown, another list: made again
    expect($ikbIndex({}, list, "n", make)).toBe(2);
    expect($ikbIndex(ctx, list, "m", make)).toBe(3);
    list.push({ a: "C2" });
    expect($ikbIndex(ctx, list, "n", make)).toBe(4);
    expect($ikbIndex(ctx, [...list], "n", make)).toBe(5);
    // and the index of a grown list finds the new record
    expect($rowsEqual(ctx, list, "a", "a", "C2")).toEqual([{ a: "C2" }]);
    list.push({ a: "C2" });
    expect($rowsEqual(ctx, list, "a", "a", "C2")).toHaveLength(2);
  });

  it("$previous and $delivered find the first record with the same key in a long list, as by looking through it", () => {
    const key = ["b", "c"];
    // what the two say by looking through every record (their code for a short list)
    const first = (list: readonly Row[], a: Row) =>
      list.find((b) => key.every((k) => a[k] !== undefined && a[k] === b[k]));
    let found = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ b: cell, c: cell }), {
          minLength: 64,
          maxLength: 120,
        }),
        fc.array(fc.record({ b: cell, c: cell }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (list, others, picks) => {
          // copies of records of the list too (another object, the same key), so that some are found
          const asked: Row[] = [
            ...others,
            ...picks.map((p) => ({ ...list[p % list.length] })),
          ];
          for (const a of asked) {
            const expected = first(list, a);
            if (expected !== undefined) found++;
            expect($previous(list, a, key) === expected).toBe(true);
            expect($delivered(list, a, key)).toBe(
              key.some((k) => a[k] === undefined) || expected !== undefined,
            );
          }
        },
      ),
    );
    expect(found).toBeGreaterThan(20);
    // a record added to the list since: found too
    const list: Row[] = Array.from({ length: 64 }, (_, i) => ({
      b: `B${i}`,
      c: "C",
    }));
    expect($previous(list, { b: "B64", c: "C" }, key)).toBeUndefined();
    list.push({ b: "B64", c: "C" });
    expect($previous(list, { b: "B64", c: "C" }, key)).toBe(list[64]);
    expect($delivered(list, { b: "B64", c: "C" }, key)).toBe(true);
  });
});
