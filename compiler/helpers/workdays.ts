/**
 * Working-day arithmetic over a calendar given as data (holidays are ruleset data, not code).
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */
import { $DAY, $dayNumber, $daysInMonth, $weekday, $ymd } from "./days.js";

/** A holiday rule: fixed day (kind 0) or Easter offset (kind 1). */
export interface $Holiday {
  readonly kind: 0 | 1;
  readonly month: number;
  readonly day: number;
  readonly offset: number;
  readonly ifSunday: number;
  readonly from: number;
  readonly until: number;
}
export interface $Calendar {
  /** Weekend days, 0 = Sunday. */
  readonly weekend: readonly number[];
  readonly holidays: readonly $Holiday[];
}

/** Western (Gregorian) Easter Sunday as a day number (anonymous Gregorian algorithm). */
export function $easter(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return $dayNumber(y, month, day);
}

/** The day of a holiday in year `y` (a fixed day the month lacks that year is none). */
export function $holidayIn(h: $Holiday, y: number): number | undefined {
  if (y < h.from || y > h.until) return undefined;
  let d: number;
  if (h.kind === 1) {
    if (y < 1583) return undefined;
    d = $easter(y) + h.offset;
  } else {
    if (h.day > $daysInMonth(y, h.month)) return undefined;
    d = $dayNumber(y, h.month, h.day);
  }
  return h.ifSunday !== 0 && $weekday(d) === 0 ? d + h.ifSunday : d;
}

export function $isWorkday(days: number, cal: $Calendar): boolean {
  if (cal.weekend.includes($weekday(days))) return false;
  const y = Math.floor($ymd(days) / 10000);
  for (const h of cal.holidays) {
    // A moved holiday can cross a year boundary: look at the neighbouring years too.
    for (let yy = y - 1; yy <= y + 1; yy++) if ($holidayIn(h, yy) === days) return false;
  }
  return true;
}

/** Move by whole working days (negative: backwards); 0 leaves the day unchanged. */
export function $addWorkdays(
  days: number | undefined,
  n: number | undefined,
  cal: $Calendar,
): number | undefined {
  // A calendar without working days has no answer (and must not loop forever).
  if (days === undefined || n === undefined || (n !== 0 && cal.weekend.length >= 7)) return undefined;
  const step = n < 0 ? -1 : 1;
  let left = Math.abs(n);
  let d = days;
  while (left > 0) {
    d += step;
    if ($isWorkday(d, cal)) left--;
  }
  return d;
}
export function $addWorkdaysMs(
  ms: number | undefined,
  n: number | undefined,
  cal: $Calendar,
): number | undefined {
  if (ms === undefined || n === undefined) return undefined;
  const day = Math.floor(ms / $DAY);
  const moved = $addWorkdays(day, n, cal);
  return moved === undefined ? undefined : moved * $DAY + (ms - day * $DAY);
}
