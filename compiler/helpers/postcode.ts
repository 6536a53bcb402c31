/**
 * Dutch postcode: four digits (no leading zero), a space, two capital letters.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

export const $POSTCODE = /^[1-9][0-9]{3} [A-Z]{2}$/;
export function $validPostcode(s: string | undefined): boolean {
  return s !== undefined && $POSTCODE.test(s);
}
