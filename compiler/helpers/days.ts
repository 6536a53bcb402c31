/**
 * Day numbers (days since 1970-01-01) and proleptic Gregorian calendar dates.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

export const $DAY = 86400000;

export function $isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function $daysInMonth(y: number, m: number): number {
  return m === 2 ? ($isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function $dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day number, packed as y * 10000 + m * 100 + d (no allocation). */
export function $ymd(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

export function $yearOfDay(days: number | undefined): number | undefined {
  return days === undefined ? undefined : Math.floor($ymd(days) / 10000);
}

export function $yearOfMs(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.floor($ymd(Math.floor(ms / $DAY)) / 10000);
}

/** Day of the week, 0 = Sunday (1970-01-01 was a Thursday). */
export function $weekday(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}
