/**
 * The fast paths of prelude helpers that run on every row ($normalWords' ASCII loop,
 * $parseDecimal's sum as a double) against the plain implementations they replace, kept here as
 * the reference: the results must be the same on any text.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { $parseDecimal } from "../../compiler/helpers/decode.js";
import { $FOLDED, $normalWords } from "../../compiler/helpers/normalize.js";

/** The Unicode steps for every text (the implementation before the ASCII loop). */
function referenceWords(texts: readonly (string | undefined)[]): string[] {
  let s = "";
  for (const t of texts) if (t !== undefined && t !== "") s += " " + t;
  const folded = s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => $FOLDED[c] ?? c);
  return folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== "");
}

/** Digits and strings through BigInt (the implementation before the fast path). */
function referenceDecimal(
  s: string,
  precision: number,
  scale: number,
): bigint | undefined {
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  let point = -1;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && point < 0 && i > start && i + 1 < s.length) point = i;
    else if (c < 48 || c > 57) return undefined;
  }
  if (s.length === start) return undefined;
  const whole = point < 0 ? s.slice(start) : s.slice(start, point);
  const fraction = point < 0 ? "" : s.slice(point + 1);
  if (fraction.length > scale) return undefined;
  const digits = (whole + fraction.padEnd(scale, "0")).replace(/^0+/, "");
  if (digits.length > precision) return undefined;
  const v = digits === "" ? 0n : BigInt(digits);
  return start === 1 ? -v : v;
}

/** Texts mostly of ASCII names and codes, now and then with a character from elsewhere. */
const nameChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(..."aAzZ09 .,-'/_\t()".split("")) },
  {
    weight: 6,
    arbitrary: fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(..."éÉüÜßæŒøŁđÐþıİﬁ²①Ⅻ٣ǅ\u0301\u00a0".split("")),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  },
);
const text = fc.option(fc.string({ unit: nameChar, maxLength: 24 }), {
  nil: undefined,
});

describe("hot prelude helpers give what their plain implementations give", () => {
  it("$normalWords: the ASCII loop and the Unicode steps split alike", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), (texts) => {
        expect($normalWords(texts)).toEqual(referenceWords(texts));
      }),
      { numRuns: 5000 },
    );
    for (const texts of [
      ["van den Berg", "J.P."],
      ["1234 AB", "12", "a"],
      ["", undefined, "  "],
      ["MÜLLER"],
      ["ABC", "déf"],
      ["Straße 1"],
    ])
      expect($normalWords(texts)).toEqual(referenceWords(texts));
  });

  it("$parseDecimal: the sum as a double and the digits through BigInt agree", () => {
    const decimalText = fc.oneof(
      fc
        .tuple(
          fc.constantFrom("", "-", "--", "+"),
          fc.stringMatching(/^[0-9]{0,20}$/),
          fc.option(fc.stringMatching(/^[0-9]{0,6}$/)),
          fc.constantFrom("", "", "", "x", "."),
        )
        .map(
          ([sign, whole, frac, tail]) =>
            `${sign}${whole}${frac === null ? "" : `.${frac}`}${tail}`,
        ),
      fc.string({
        unit: fc.constantFrom(..."0123456789.-e ".split("")),
        maxLength: 20,
      }),
    );
    fc.assert(
      fc.property(
        decimalText,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 6 }),
        (s, precision, scale) => {
          expect($parseDecimal(s, precision, scale)).toBe(
            referenceDecimal(s, precision, scale),
          );
        },
      ),
      { numRuns: 20000 },
    );
    for (const [s, p, sc] of [
      ["0", 1, 0],
      ["0.00", 1, 2],
      ["-0", 3, 2],
      ["999999999999999", 15, 0],
      ["9999999999999.99", 15, 2],
      ["99999999999999.99", 18, 2],
      ["1000000000000000", 15, 0],
      ["00000000000000000012.5", 3, 2],
      ["123456789012.34", 14, 2],
      ["123456789012.34", 13, 2],
    ] as const)
      expect($parseDecimal(s, p, sc)).toBe(referenceDecimal(s, p, sc));
  });
});
