import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortNames, stableStringify } from "../../runtime/report-json.js";

/** stableStringify as it was before its index loops and its own sort of an object's keys (b73de58). */
function referenceStringify(v: unknown): string {
  const nested = (x: unknown) =>
    (typeof x === "object" && x !== null) || typeof x === "bigint";
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const x of v as unknown[]) out.push(nested(x) ? sortKeys(x) : x);
      return out;
    }
    if (typeof v === "bigint") return v.toString();
    if (!v || typeof v !== "object") return v;
    const keys = Object.keys(v).sort();
    const out: Record<string, unknown> = keys.includes("__proto__")
      ? Object.create(null)
      : {};
    for (const k of keys) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = nested(x) ? sortKeys(x) : x;
    }
    return out;
  };
  return JSON.stringify(sortKeys(v), null, 2) + "\n";
}

/** Keys that sort in surprising ways: array indices (listed first by every object), case, surrogates. */
const KEY = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom(
    "__proto__",
    "0",
    "1",
    "2",
    "10",
    "01",
    "-1",
    "4294967294",
    "4294967295",
    "a",
    "B",
    "b",
    "é",
    "\ud83d\ude00",
    "\uffff",
    "constructor",
    "toString",
  ),
);

describe("stableStringify", () => {
  it("sorts the keys at every level, drops undefined properties, writes bigints as strings", () => {
    const value = {
      b: [{ z: 1, a: undefined, m: [3n, { y: null, x: "x" }] }, undefined],
      a: { d: true, c: 0 },
    };
    expect(stableStringify(value)).toBe(
      `${JSON.stringify(
        {
          a: { c: 0, d: true },
          b: [{ m: ["3", { x: "x", y: null }], z: 1 }, null],
        },
        null,
        2,
      )}\n`,
    );
  });

  it("keeps a key `__proto__` as a key, in its sorted place", () => {
    const value = JSON.parse('{"z": 1, "__proto__": {"b": 2, "a": 1}, "a": 0}');
    expect(stableStringify(value)).toBe(
      '{\n  "__proto__": {\n    "a": 1,\n    "b": 2\n  },\n  "a": 0,\n  "z": 1\n}\n',
    );
  });

  it("property: the same text as before for any value (sorted keys, undefined, bigints, __proto__, array indices)", () => {
    fc.assert(
      fc.property(
        fc.anything({
          key: KEY,
          maxDepth: 4,
          withBigInt: true,
          withNullPrototype: true,
          withSparseArray: true,
        }),
        (value) => {
          expect(stableStringify(value)).toBe(referenceStringify(value));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("property: sortNames orders names as Array#sort does, short lists and long", () => {
    fc.assert(
      fc.property(fc.array(KEY, { maxLength: 40 }), (names) => {
        expect(sortNames([...names])).toEqual([...names].sort());
      }),
      { numRuns: 3000 },
    );
  });
});
