/**
 * Exact decimal arithmetic on unscaled bigints (absent stays absent).
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

/** A safe integer as bigint (absent stays absent). */
export function $big(a: number | undefined): bigint | undefined {
  return a === undefined ? undefined : BigInt(a);
}
/** Multiply by a power of ten: move an unscaled value to a larger scale. */
export function $scale(a: bigint | undefined, factor: bigint): bigint | undefined {
  return a === undefined ? undefined : a * factor;
}
export function $add(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
export function $sub(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}
export function $mul(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  return a === undefined || b === undefined ? undefined : a * b;
}
export function $neg(a: bigint | undefined): bigint | undefined {
  return a === undefined ? undefined : -a;
}
/**
 * `(a * ma) / (b * mb)` rounded half to even; absent when an operand is absent or b is zero.
 * The caller picks the powers of ten so the quotient lands on the result scale.
 */
export function $div(
  a: bigint | undefined,
  b: bigint | undefined,
  ma: bigint,
  mb: bigint,
): bigint | undefined {
  if (a === undefined || b === undefined || b === 0n) return undefined;
  const n = a * ma;
  const d = b * mb;
  let q = n / d;
  const r = n % d;
  if (r !== 0n) {
    const twice = (r < 0n ? -r : r) * 2n;
    const abs = d < 0n ? -d : d;
    if (twice > abs || (twice === abs && q % 2n !== 0n)) q += n < 0n !== d < 0n ? -1n : 1n;
  }
  return q;
}
