/**
 * ISO 3166-1 alpha-2 country codes (a table embedded at compile time).
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format. `$COUNTRIES` is read from
 * i18n-iso-countries here and written into the module as a literal (compiler/prelude.ts, `EMBEDDED`),
 * so the module does not import it.
 *
 * @module
 */
import countries from "i18n-iso-countries";

/** ISO 3166-1 alpha-2 codes (embedded from i18n-iso-countries at compile time). */
export const $COUNTRIES: ReadonlySet<string> = new Set<string>(
  Object.keys(countries.getAlpha2Codes()).sort(),
);

export function $validCountry(s: string | undefined): boolean {
  return s !== undefined && $COUNTRIES.has(s);
}
