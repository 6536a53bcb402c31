/**
 * BSN (burgerservicenummer): nine digits passing the 11-check.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

export function $validBsn(s: string | undefined): boolean {
  if (s === undefined || s.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    sum += i === 8 ? -c : (9 - i) * c;
  }
  return sum % 11 === 0;
}
