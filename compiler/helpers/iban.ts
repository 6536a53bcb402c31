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

export function $validIban(s: string | undefined): boolean {
  if (s === undefined || s.length < 5) return false;
  const spec = $IBAN_SPECS.get(s.slice(0, 2));
  if (spec === undefined || spec[0] !== s.length) return false;
  const c0 = s.charCodeAt(2) - 48;
  const c1 = s.charCodeAt(3) - 48;
  if (c0 < 0 || c0 > 9 || c1 < 0 || c1 > 9) return false;
  if (!spec[1].test(s.slice(4))) return false;
  // ISO 7064 mod 97-10 of the BBAN, then the country code, then "00" (no rearranged copy)
  let rest = 0;
  for (let i = 4; i < s.length + 2; i++) {
    const code = i < s.length ? s.charCodeAt(i) : s.charCodeAt(i - s.length);
    rest = code >= 65 ? (rest * 100 + (code - 55)) % 97 : (rest * 10 + (code - 48)) % 97;
  }
  rest = (rest * 100) % 97;
  return 98 - rest === c0 * 10 + c1;
}
