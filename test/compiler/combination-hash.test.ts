/**
 * `$combinationHash` (compiler/helpers/combination.ts) and the `hash` of a module's whole-file
 * projections: the runtime's two hashes of the combination's text (runtime/key-set.ts `hash53`,
 * seeds 0 and 0x9e3779b9), computed without building the text, for any values; false exactly
 * when the text is undefined.
 */
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  $combination,
  $combinationHash,
} from "../../compiler/helpers/combination.js";
import { hash53 } from "../../runtime/key-set.js";
import { loadCompiled } from "../../runtime/load-compiled.js";

const SEED2 = 0x9e3779b9;

/** What the runtime takes of a text: both hashes, or undefined for no text. */
function hashesOfText(text: string | undefined): number[] | undefined {
  return text === undefined ? undefined : [hash53(text), hash53(text, SEED2)];
}

describe("$combinationHash", () => {
  it("gives hash53 of $combination's text with both seeds, and false when a value is absent", () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: "grapheme", maxLength: 12 }),
      fc.string({ minLength: 95, maxLength: 130 }),
      fc.string({ minLength: 999, maxLength: 1001 }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.bigInt(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 6 }), (values) => {
        const out = new Float64Array([-1, -1]);
        const ok = $combinationHash(values, out);
        const want = hashesOfText($combination(values));
        expect(ok ? Array.from(out) : undefined).toEqual(want);
        if (!ok) expect(Array.from(out)).toEqual([-1, -1]);
        // room for one: the first only
        const first = new Float64Array([-1]);
        expect($combinationHash(values, first)).toBe(ok);
        expect(first[0]).toBe(ok ? want![0] : -1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("a module's whole-file hash", () => {
  it("ikb.glo@1.3.0 dup0001 and dup0002: the hashes of `key` on random rows", async () => {
    const loaded = await loadCompiled(
      join(import.meta.dirname, "../../rulesets/compiled/ikb.glo@1.3.0"),
    );
    const projections = Object.entries(loaded.module.wholeFile ?? {});
    expect(projections.map(([code]) => code)).toEqual(["dup0001", "dup0002"]);
    const width = 40;
    const index = Array.from({ length: width }, (_, i) => i);
    const cell = fc.oneof(
      fc.constant(""),
      fc.constantFrom(
        "van den Berg",
        "Berg, v.d.",
        "MÜLLER",
        "1234 AB",
        "12",
        "a",
      ),
      fc.constantFrom("1970-01-01", "1970-02-30", "19700101", "NL", "DE"),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: width, maxLength: width }),
        (cells) => {
          for (const [code, p] of projections) {
            const out = new Float64Array(2);
            const ok = p.hash!(cells, index, out);
            expect(ok ? Array.from(out) : undefined, code).toEqual(
              hashesOfText(p.key(cells, index)),
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
