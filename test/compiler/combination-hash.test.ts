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
  $hashEnd,
  $hashNormalizedCode,
  $hashNormalizedName,
  $hashPart,
  $hashStart,
} from "../../compiler/helpers/combination.js";
import {
  $NAME_PARTICLES,
  $normalizedCode,
  $normalizedName,
} from "../../compiler/helpers/normalize.js";
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
      // hashed from its digits (a date's day number), up to the safe integers' ends, and -0
      fc.maxSafeInteger(),
      fc.integer({ min: -100, max: 100 }),
      fc.constantFrom(
        -0,
        Number.MAX_SAFE_INTEGER,
        Number.MIN_SAFE_INTEGER,
        2 ** 53,
        1e21,
      ),
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

describe("the hashes of a normalised name or code, taken without building it", () => {
  /** The hashes of a combination of one part, hashed by `step` (undefined: it returned false). */
  function hashed(step: (both: boolean) => boolean): number[] | undefined {
    const out = new Float64Array([-1, -1]);
    $hashStart();
    if (!step(true)) return undefined;
    $hashEnd(out);
    return Array.from(out);
  }

  it("$hashNormalizedName and $hashNormalizedCode hash what $normalizedName and $normalizedCode give", () => {
    const word = fc.oneof(
      fc.constantFrom(...$NAME_PARTICLES),
      fc.constantFrom(
        "VAN",
        "Den",
        "v.d.",
        "'t",
        "Berg",
        "Müller",
        "ß",
        "12",
        "a1B2",
      ),
      fc.stringMatching(/^[A-Za-z0-9]{1,7}$/),
    );
    const text = fc.oneof(
      fc.constant(undefined),
      fc.constant(""),
      fc
        .tuple(
          fc.array(word, { maxLength: 5 }),
          fc.array(fc.constantFrom(" ", ".", ", ", "-", "'", "  "), {
            minLength: 5,
            maxLength: 5,
          }),
        )
        .map(([ws, seps]) => ws.map((w, i) => w + seps[i]).join("")),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 3 }), (texts) => {
        for (const [fused, normalise] of [
          [$hashNormalizedName, $normalizedName],
          [$hashNormalizedCode, $normalizedCode],
        ] as const) {
          const want = normalise(texts);
          expect(hashed((both) => fused(texts, both))).toEqual(
            want === undefined
              ? undefined
              : hashed((both) => ($hashPart(want, both), true)),
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("names of particles only keep them; a particle in capitals is one", () => {
    for (const name of [
      "van den Berg",
      "Berg, V.D.",
      "VAN DER",
      "de",
      "Vanderberg",
      "van 1 de",
    ]) {
      const want = $normalizedName([name])!;
      expect(
        hashed((both) => $hashNormalizedName([name], both)),
        name,
      ).toEqual(hashed((both) => ($hashPart(want, both), true)));
    }
    expect($normalizedName(["VAN DER"])).toBe("vander");
  });
});
