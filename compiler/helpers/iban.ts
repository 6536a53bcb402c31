/**
 * IBAN validation: format per country (a table embedded at compile time) and the ISO 7064 check digits.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format. `$IBAN_SPECS` is built from ibantools
 * here and written into the module as a literal table (compiler/prelude.ts, `EMBEDDED`), so the
 * module does not import ibantools.
 *
 * @module
 */
import { countrySpecs } from "ibantools";

/** IBAN length and BBAN format per country (embedded from ibantools at compile time). */
export const $IBAN_SPECS: ReadonlyMap<string, readonly [number, RegExp]> = new Map(
  Object.keys(countrySpecs)
    .sort()
    .flatMap((cc): [string, readonly [number, RegExp]][] => {
      const s = countrySpecs[cc] as { chars?: number; bban_regexp?: string | null };
      return s.chars === undefined || typeof s.bban_regexp !== "string"
        ? []
        : [[cc, [s.chars, new RegExp(s.bban_regexp)]]];
    }),
);

/**
 * {@link $IBAN_SPECS} by the letters of the country code, at `(first - 65) * 26 + (second - 65)`
 * (`A` is 65): found from the IBAN's first two code units, without a copy of them to look up.
 */
export const $IBAN_BY_LETTERS: readonly (readonly [number, RegExp] | undefined)[] =
  $ibanByLetters($IBAN_SPECS);

/** The table {@link $IBAN_BY_LETTERS} of `specs`, whose country codes are two letters `A-Z`. */
export function $ibanByLetters(
  specs: ReadonlyMap<string, readonly [number, RegExp]>,
): (readonly [number, RegExp] | undefined)[] {
  const table: (readonly [number, RegExp] | undefined)[] = new Array(26 * 26).fill(undefined);
  for (const [cc, spec] of specs) table[(cc.charCodeAt(0) - 65) * 26 + (cc.charCodeAt(1) - 65)] = spec;
  return table;
}

export function $validIban(s: string | undefined): boolean {
  if (s === undefined || s.length < 5) return false;
  const l0 = s.charCodeAt(0) - 65;
  const l1 = s.charCodeAt(1) - 65;
  if (l0 < 0 || l0 > 25 || l1 < 0 || l1 > 25) return false;
  const spec = $IBAN_BY_LETTERS[l0 * 26 + l1];
  if (spec === undefined || spec[0] !== s.length) return false;
  const c0 = s.charCodeAt(2) - 48;
  const c1 = s.charCodeAt(3) - 48;
  if (c0 < 0 || c0 > 9 || c1 < 0 || c1 > 9) return false;
  if (!spec[1].test(s.slice(4))) return false;
  // ISO 7064 mod 97-10 of the BBAN, then the country code, then "00" (no rearranged copy). Every
  // BBAN format admits only `0-9A-Za-z` (test/compiler/hot-helpers.test.ts), so each step adds a
  // number >= 0 and the rest need only be taken while it still fits an int32 (fewer divisions).
  let rest = 0;
  for (let i = 4; i < s.length + 2; i++) {
    const code = i < s.length ? s.charCodeAt(i) : s.charCodeAt(i - s.length);
    rest = code >= 65 ? rest * 100 + (code - 55) : rest * 10 + (code - 48);
    if (rest >= 10000000) rest %= 97;
  }
  rest = (rest * 100) % 97;
  return 98 - rest === c0 * 10 + c1;
}
