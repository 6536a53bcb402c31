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

/** The rounding modes of `round(x, places, mode)` (docs/language.md, Expressions). */
export type $RoundingMode = "half_even" | "half_up" | "half_down" | "up" | "down" | "ceiling" | "floor";

/**
 * `a / factor` rounded the stated way (factor a power of ten): `round` to fewer decimals.
 * `up` / `down` are away from / towards zero, `ceiling` / `floor` towards +/- infinity, the
 * `half_` modes go to the nearest and break a tie to the even neighbour, away from zero, or
 * towards zero.
 */
export function $round(a: bigint | undefined, factor: bigint, mode: $RoundingMode): bigint | undefined {
  if (a === undefined) return undefined;
  const q = a / factor; // truncated towards zero
  const r = a % factor;
  if (r === 0n) return q;
  const away = a < 0n ? q - 1n : q + 1n;
  const twice = (r < 0n ? -r : r) * 2n;
  switch (mode) {
    case "down":
      return q;
    case "up":
      return away;
    case "floor":
      return a < 0n ? away : q;
    case "ceiling":
      return a < 0n ? q : away;
    case "half_up":
      return twice >= factor ? away : q;
    case "half_down":
      return twice > factor ? away : q;
    case "half_even":
      return twice > factor || (twice === factor && q % 2n !== 0n) ? away : q;
  }
}

/** The least value; absent when a value is absent (numbers, bigints, days or milliseconds alike). */
export function $min<T extends number | bigint>(xs: readonly (T | undefined)[]): T | undefined {
  let m: T | undefined;
  for (const x of xs) {
    if (x === undefined) return undefined;
    if (m === undefined || x < m) m = x;
  }
  return m;
}

/** The greatest value; absent when a value is absent. */
export function $max<T extends number | bigint>(xs: readonly (T | undefined)[]): T | undefined {
  let m: T | undefined;
  for (const x of xs) {
    if (x === undefined) return undefined;
    if (m === undefined || x > m) m = x;
  }
  return m;
}
