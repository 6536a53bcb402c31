/**
 * The fast paths of prelude helpers that run on every row ($normalWords' ASCII loop,
 * $parseDecimal's sum as a double, $derivedFrom's ASCII loops, $validIban's sum without a copy)
 * against the plain implementations they replace, kept here as the reference (ibantools for
 * IBANs): the results must be the same on any text.
 */
import fc from "fast-check";
import { composeIBAN, isValidIBAN } from "ibantools";
import { describe, expect, it } from "vitest";
import { $parseDecimal } from "../../compiler/helpers/decode.js";
import { $IBAN_SPECS, $validIban } from "../../compiler/helpers/iban.js";
import {
  $derivedFrom,
  $digestHex,
  $HEX_RUN,
  $MIN_DERIVED_LENGTH,
} from "../../compiler/helpers/identifiers.js";
import {
  $FOLDED,
  $NAME_PARTICLES,
  $normalizedCode,
  $normalizedName,
  $normalWords,
} from "../../compiler/helpers/normalize.js";

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

/** Lower case, `includes` and a regular expression on every text (the implementation before the ASCII loops). */
function referenceDerivedFrom(
  id: string | undefined,
  value: string | undefined,
): boolean {
  if (
    id === undefined ||
    value === undefined ||
    value.length < $MIN_DERIVED_LENGTH
  )
    return false;
  const lower = id.toLowerCase();
  if (lower.includes(value.toLowerCase())) return true;
  if (!$HEX_RUN.test(lower)) return false;
  return (
    lower.includes($digestHex("md5", value)) ||
    lower.includes($digestHex("sha1", value)) ||
    lower.includes($digestHex("sha256", value))
  );
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

  it("$normalizedName and $normalizedCode: the words joined from a scratch list, as filtered and joined lists of them", () => {
    const name = (texts: readonly (string | undefined)[]) => {
      const w = referenceWords(texts);
      if (w.length === 0) return undefined;
      const kept = w.filter((x) => !$NAME_PARTICLES.has(x));
      return (kept.length === 0 ? w : kept).join("");
    };
    const code = (texts: readonly (string | undefined)[]) => {
      const w = referenceWords(texts);
      return w.length === 0 ? undefined : w.join("");
    };
    const values = fc.array(fc.option(text, { nil: undefined }), {
      maxLength: 4,
    });
    // calls of both, one after the other: a longer list of words before leaves nothing behind
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 4 }), (calls) => {
        for (const texts of calls) {
          expect($normalizedName(texts)).toBe(name(texts));
          expect($normalizedCode(texts)).toBe(code(texts));
        }
      }),
      { numRuns: 3000 },
    );
    for (const texts of [
      ["van den Berg"],
      ["van der", "de"],
      ["Berg, van den", "J. P."],
      ["v.d. Berg"],
      ["111.222.333"],
      ["MÜLLER-Lüdenscheid"],
      ["", undefined],
      ["de", "Vries", "van"],
    ]) {
      expect($normalizedName(texts)).toBe(name(texts));
      expect($normalizedCode(texts)).toBe(code(texts));
    }
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

  it("$derivedFrom: the ASCII loops and lower case with a regular expression agree", () => {
    const idChar = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom(
          ..."0123456789abcdefABCDEFxyzXYZ-_ ".split(""),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom(..."İıÄäẞß\u212a".split("")) },
    );
    const value = fc.option(
      fc.string({ unit: idChar, minLength: 4, maxLength: 12 }),
      { nil: undefined },
    );
    const id = fc.oneof(
      fc.option(fc.string({ unit: idChar, maxLength: 80 }), { nil: undefined }),
      // ids built from the value: itself in another case, or with one of its digests
      fc
        .tuple(
          value,
          fc.constantFrom("same", "upper", "md5", "sha1", "sha256", "MD5"),
          fc.string({ unit: idChar, maxLength: 6 }),
        )
        .map(([v, how, pad]) => {
          if (v === undefined) return undefined;
          const core =
            how === "same"
              ? v
              : how === "upper"
                ? v.toUpperCase()
                : how === "MD5"
                  ? $digestHex("md5", v).toUpperCase()
                  : $digestHex(how, v);
          return pad + core + pad;
        }),
    );
    fc.assert(
      fc.property(id, value, (i, v) => {
        expect($derivedFrom(i, v)).toBe(referenceDerivedFrom(i, v));
      }),
      { numRuns: 5000 },
    );
    // one identifier asked about several values in a row, then another identifier, and back
    // (values longer and shorter than the identifier)
    fc.assert(
      fc.property(id, id, fc.array(value, { maxLength: 4 }), (i, j, values) => {
        for (const who of [i, j, i])
          for (const v of values)
            expect($derivedFrom(who, v)).toBe(referenceDerivedFrom(who, v));
      }),
      { numRuns: 3000 },
    );
    const sha = $digestHex("sha256", "123456789");
    for (const [i, v] of [
      ["NL91ABNA0417164300", "nl91abna0417164300"],
      [`x${sha}`, "123456789"],
      [`x${sha.toUpperCase()}`, "123456789"],
      ["C0000000001-B1", "NL25ASNB2179760268"],
      ["ab", "abcdefgh"],
    ] as const)
      expect($derivedFrom(i, v)).toBe(referenceDerivedFrom(i, v));
    expect($derivedFrom(`x${sha}`, "123456789")).toBe(true);
  });

  it("$derivedFrom: no code point's lower case is shorter than itself (a longer value is never in a shorter identifier)", () => {
    for (let c = 0; c <= 0x10ffff; c++) {
      const s = String.fromCodePoint(c);
      if (s.toLowerCase().length < s.length)
        expect(c.toString(16)).toBe("none shorter");
    }
    expect($derivedFrom("C0000000001", "NL25ASNB2179760268")).toBe(false);
    expect($derivedFrom("C0000000001", "c00000000010")).toBe(false);
    expect($derivedFrom("xC0000000001", "c0000000001")).toBe(true);
  });

  it("$validIban: the check digits summed without a rearranged copy, as ibantools has them", () => {
    const bban = fc.oneof(
      fc.stringMatching(/^[A-Z]{4}[0-9]{10}$/).map((b) => ["NL", b] as const),
      fc.stringMatching(/^[0-9]{18}$/).map((b) => ["DE", b] as const),
      fc.stringMatching(/^[A-Z]{4}[0-9]{14}$/).map((b) => ["GB", b] as const),
    );
    fc.assert(
      fc.property(bban, fc.nat(99), ([countryCode, b], wrong) => {
        const iban = composeIBAN({ countryCode, bban: b })!;
        expect($validIban(iban)).toBe(true);
        const other =
          iban.slice(0, 2) + String(wrong).padStart(2, "0") + iban.slice(4);
        expect($validIban(other)).toBe(isValidIBAN(other));
      }),
      { numRuns: 2000 },
    );
  });

  it("$validIban: the rest taken only before it leaves int32, as the rest taken at every step", () => {
    // the plain mod 97-10 of the BBAN, the country code and "00", the rest taken at every step
    const reference = (s: string): boolean => {
      if (s.length < 5) return false;
      const spec = $IBAN_SPECS.get(s.slice(0, 2));
      if (spec === undefined || spec[0] !== s.length) return false;
      if (!/^[0-9]{2}$/.test(s.slice(2, 4))) return false;
      if (!spec[1].test(s.slice(4))) return false;
      let rest = 0;
      for (const c of s.slice(4) + s.slice(0, 2)) {
        const code = c.charCodeAt(0);
        rest =
          code >= 65
            ? (rest * 100 + (code - 55)) % 97
            : (rest * 10 + (code - 48)) % 97;
      }
      return 98 - ((rest * 100) % 97) === Number(s.slice(2, 4));
    };
    const countries = [...$IBAN_SPECS.keys()];
    const unit = fc.constantFrom(
      ..."0123456789ABCDEFXYZaz -/:@\u00e9".split(""),
    );
    const iban = fc
      .tuple(
        fc.constantFrom(...countries, "nl", "N1", "ZZ"),
        fc.string({ unit, minLength: 0, maxLength: 34 }),
      )
      .map(([cc, rest]) => cc + rest);
    fc.assert(
      fc.property(iban, (s) => {
        expect($validIban(s)).toBe(reference(s));
      }),
      { numRuns: 20000 },
    );
    // valid IBANs of every country, and the same with other check digits
    for (const [cc, [chars, re]] of $IBAN_SPECS) {
      const sample = fc.sample(fc.stringMatching(re), {
        numRuns: 20,
        seed: chars,
      });
      for (const b of sample) {
        const bban = b.length === chars - 4 ? b : undefined;
        if (bban === undefined) continue;
        const good = composeIBAN({ countryCode: cc, bban });
        if (good === null || good === undefined) continue;
        expect($validIban(good)).toBe(reference(good));
        const other = good.slice(0, 2) + "00" + good.slice(4);
        expect($validIban(other)).toBe(reference(other));
      }
    }
  });

  it("$validIban: every BBAN format admits only 0-9, A-Z and a-z, and its whole length", () => {
    // what lets $validIban take the rest only now and then: no code unit below "0" gets that far
    for (const [cc, [chars, re]] of $IBAN_SPECS) {
      const parts = re.source.replace(/^\^/, "").replace(/\$$/, "");
      expect(parts, cc).toMatch(/^(\[(0-9|A-Z|a-z)+\]\{\d+\})+$/);
      // without both anchors, the counts fill the BBAN exactly
      const total = [...parts.matchAll(/\{(\d+)\}/g)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      if (!re.source.startsWith("^") || !re.source.endsWith("$"))
        expect(total, cc).toBe(chars - 4);
    }
  });
});
