/**
 * Date and date-time arithmetic: days, milliseconds and calendar months.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */
import { $DAY, $dayNumber, $daysInMonth, $ymd } from "./days.js";

/** Add days or milliseconds (absent stays absent). */
export function $plus(a: number | undefined, n: number | undefined): number | undefined {
  return a === undefined || n === undefined ? undefined : a + n;
}
/** A duration parameter's amount in another unit (months per year, ms per hour); absent stays absent. */
export function $times(n: number | undefined, factor: number): number | undefined {
  return n === undefined ? undefined : n * factor;
}
/** A day number as milliseconds at midnight UTC. */
export function $dayToMs(a: number | undefined): number | undefined {
  return a === undefined ? undefined : a * $DAY;
}
/** Calendar months: the 31st plus one month is the last day of the next month. */
export function $addMonths(days: number | undefined, months: number | undefined): number | undefined {
  if (days === undefined || months === undefined) return undefined;
  const p = $ymd(days);
  const total = Math.floor(p / 10000) * 12 + (Math.floor(p / 100) % 100) - 1 + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return $dayNumber(y, m, Math.min(p % 100, $daysInMonth(y, m)));
}
export function $addMonthsMs(ms: number | undefined, months: number | undefined): number | undefined {
  if (ms === undefined || months === undefined) return undefined;
  const day = Math.floor(ms / $DAY);
  return ($addMonths(day, months) as number) * $DAY + (ms - day * $DAY);
}

/**
 * Remember `value`, a date computed from the RRD alone, as the memo's value for `rrd`, and return
 * it: generated code reads `memo.value` while the RRD is `memo.rrd` (one run has one RRD).
 */
export function $memoRrd(
  memo: { rrd: number; value: number | undefined },
  rrd: number,
  value: number | undefined,
): number | undefined {
  memo.rrd = rrd;
  memo.value = value;
  return value;
}
