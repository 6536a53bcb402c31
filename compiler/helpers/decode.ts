/**
 * Decoding CSV text per field type: integers, exact decimals, real calendar days, date-times, booleans.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */
import { $DAY, $dayNumber, $daysInMonth } from "./days.js";

export function $digitsAt(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `YYYY-MM-DD`, a real calendar day, to a day number. */
export function $parseDate(s: string): number | undefined {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const y = $digitsAt(s, 0, 4);
  const m = $digitsAt(s, 5, 2);
  const d = $digitsAt(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > $daysInMonth(y, m)) return undefined;
  return $dayNumber(y, m, d);
}

export const $DATETIME =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))$/;

/** ISO 8601 date-time with `Z` or an offset to milliseconds since the epoch (fractions below a millisecond are dropped). */
export function $parseDateTime(s: string): number | undefined {
  const m = $DATETIME.exec(s);
  if (m === null) return undefined;
  const day = $parseDate(m[1]);
  const hh = Number(m[2]);
  const mi = Number(m[3]);
  const ss = m[4] === undefined ? 0 : Number(m[4]);
  const ms = m[5] === undefined ? 0 : Number((m[5] + "00").slice(0, 3));
  if (day === undefined || hh > 23 || mi > 59 || ss > 59) return undefined;
  let offset = 0;
  if (m[6] === undefined) {
    const oh = Number(m[8]);
    const om = Number(m[9]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[7] === "-" ? -1 : 1) * (oh * 60 + om) * 60000;
  }
  return day * $DAY + ((hh * 60 + mi) * 60 + ss) * 1000 + ms - offset;
}

/** `-?[0-9]+` within the safe integer range. */
export function $parseInteger(s: string): number | undefined {
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  if (s.length === start) return undefined;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n + 0 : undefined;
}

/** Powers of ten that are exact doubles (10^0 .. 10^15), for {@link $parseDecimal}'s fast path. */
export const $POW10: readonly number[] = [
  1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/**
 * `-?[0-9]+(\.[0-9]+)?` with at most `scale` decimals, as the unscaled value at `scale`;
 * undefined when the value needs more than `precision` digits. A value of at most 15 digits at
 * `scale` (the usual amount) is summed as a double, exact below 2^53, without building a string.
 */
export function $parseDecimal(s: string, precision: number, scale: number): bigint | undefined {
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  let point = -1;
  let n = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && point < 0 && i > start && i + 1 < s.length) point = i;
    else if (c < 48 || c > 57) return undefined;
    else n = n * 10 + (c - 48);
  }
  if (s.length === start) return undefined;
  const decimals = point < 0 ? 0 : s.length - point - 1;
  if (decimals > scale) return undefined;
  // digits before the point plus `scale`: at most 15, so every partial sum above was exact
  if ((point < 0 ? s.length - start : point - start) + scale <= 15) {
    const v = n * $POW10[scale - decimals];
    // the value's digits without leading zeros (none for 0)
    let width = 0;
    while (width < 16 && v >= $POW10[width]) width++;
    if (width > precision) return undefined;
    const big = BigInt(v);
    return start === 1 ? -big : big;
  }
  const whole = point < 0 ? s.slice(start) : s.slice(start, point);
  const fraction = point < 0 ? "" : s.slice(point + 1);
  const digits = (whole + fraction.padEnd(scale, "0")).replace(/^0+/, "");
  if (digits.length > precision) return undefined;
  const v = digits === "" ? 0n : BigInt(digits);
  return start === 1 ? -v : v;
}

export function $parseBoolean(s: string): boolean | undefined {
  return s === "true" ? true : s === "false" ? false : undefined;
}
