/**
 * `YYYY-MM-DD` calendar days as regel takes them from options and reports (the RRD): one check,
 * so that every command tells a wrong form from a day that does not exist. A small module of its
 * own: `regel record` checks a report's RRD without loading the validation runtime.
 *
 * @module
 */

/**
 * What is wrong with `text` as a `YYYY-MM-DD` calendar day (proleptic Gregorian, years 0000 to
 * 9999, as the compiled validators count them), or undefined when it is one. Separates a wrong
 * form ("expected a date YYYY-MM-DD") from a day that does not exist ("not a calendar day (…)").
 */
export function dateProblem(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return "expected a date YYYY-MM-DD";
  const month = +m[2];
  if (month < 1 || month > 12)
    return `not a calendar day (there is no month ${m[2]})`;
  const day = +m[3];
  if (day < 1 || day > daysInMonth(+m[1], month))
    return `not a calendar day (${m[1]}-${m[2]} has no day ${m[3]})`;
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2
    ? leap
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date; NaN when it is not a calendar day ({@link dateProblem}). */
export function dateToDays(iso: string): number {
  if (dateProblem(iso) !== undefined) return NaN;
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0 to 99 as 1900 to 1999
  const d = new Date(0);
  d.setUTCFullYear(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
  return d.getTime() / 86400000;
}

/** ISO 8601 date-time with an offset or Z (`--generated-at`, `--delivered-at`), e.g. `2024-04-03T14:05:00+02:00`. */
const ISO_DATETIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `text` is an ISO 8601 date-time with an offset that denotes a real instant. */
export function isIsoDateTime(text: string): boolean {
  if (!ISO_DATETIME.test(text) || Number.isNaN(Date.parse(text))) return false;
  // Date.parse rolls 30 February over to 2 March: check the calendar day itself.
  const [y, m, d] = text.slice(0, 10).split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return (
    day.getUTCMonth() === m - 1 &&
    day.getUTCDate() === d &&
    Number(text.slice(11, 13)) < 24
  );
}
