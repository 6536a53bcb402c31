/**
 * Working-day arithmetic over a `calendar` declaration (see `docs/language.md`, "Calendars").
 *
 * Which days are holidays is data in a ruleset ({@link CalendarDecl}); this module only computes
 * with it. Every function is pure: the same calendar and arguments give the same answer, and no
 * function reads the clock. Dates are ISO `YYYY-MM-DD` strings of the proleptic Gregorian
 * calendar, handled as whole UTC days so time zones and daylight saving never shift a day.
 *
 * @module
 */
import type { CalendarDecl } from "../dsl/ast.js";

/** One holiday of one year, as {@link holidaysOf} returns it. */
export interface HolidayOccurrence {
  /** `YYYY-MM-DD`, after any `if sunday` move. */
  date: string;
  /** The holiday's name in the ruleset, e.g. `koningsdag`. */
  name: string;
  /** Its title, e.g. `Koningsdag`. */
  title: string;
}

const MS_PER_DAY = 86_400_000;

/** Weekday numbers as `Date.prototype.getUTCDay` gives them (Sunday = 0). */
const WEEKDAYS: Readonly<Record<string, number>> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The day number (days since 1970-01-01) of an ISO date.
 *
 * @throws RangeError when the text is not a real calendar day in `YYYY-MM-DD` form.
 */
export function toDayNumber(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (match === null)
    throw new RangeError(
      `not a date in YYYY-MM-DD form: ${JSON.stringify(date)}`,
    );
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = utc(year, month, day);
  const check = new Date(ms);
  if (check.getUTCMonth() + 1 !== month || check.getUTCDate() !== day) {
    throw new RangeError(`not a calendar day: ${date}`);
  }
  return ms / MS_PER_DAY;
}

/** The ISO date (`YYYY-MM-DD`) of a day number. */
export function fromDayNumber(dayNumber: number): string {
  const d = new Date(dayNumber * MS_PER_DAY);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/**
 * Milliseconds since the epoch of a UTC calendar day; years 0-99 are taken literally and an
 * overflowing month or day rolls over (month 13 is January of the next year).
 */
function utc(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 1) - MS_PER_DAY).getUTCDate();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Weekday of a day number: Sunday = 0 ... Saturday = 6 (1970-01-01 was a Thursday). */
function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/**
 * Western (Gregorian) Easter Sunday of a year, by the anonymous Gregorian algorithm
 * (Meeus/Jones/Butcher).
 *
 * @example easterSunday(2024) === "2024-03-31"; easterSunday(2025) === "2025-04-20"
 * @throws RangeError for a year that is not an integer from 1583 (the first full Gregorian year).
 */
export function easterSunday(year: number): string {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(
      `Easter is computed for Gregorian years 1583-9999, not ${year}`,
    );
  }
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
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
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * The holidays of a calendar in one year, sorted by date and then by name.
 *
 * A holiday counts in a year when the year lies within its `from`/`until` years (both inclusive).
 * `on DAY MONTH` is that day of the year; `on YYYY-MM-DD` is that day, in its own year only;
 * `easter ±N` is N days from Easter Sunday; `if sunday ±N` moves the day by N days when it falls
 * on a Sunday. Two holidays on the same day are both listed.
 *
 * A fixed day the month does not have in that year (29 february in a common year) is skipped.
 */
export function holidaysOf(
  calendar: CalendarDecl,
  year: number,
): HolidayOccurrence[] {
  const out: HolidayOccurrence[] = [];
  for (const holiday of calendar.holidays) {
    if (holiday.fromYear !== undefined && year < holiday.fromYear) continue;
    if (holiday.untilYear !== undefined && year > holiday.untilYear) continue;
    let day: number;
    if (holiday.rule.kind === "date") {
      // one day of one year (`on 2022-05-27`)
      if (Number(holiday.rule.date.text.slice(0, 4)) !== year) continue;
      day = toDayNumber(holiday.rule.date.text);
    } else if (holiday.rule.kind === "fixed") {
      const { day: d, month } = holiday.rule;
      // A day the month does not have this year (29 february in a common year) is no holiday that
      // year; the generated validators' prelude does the same.
      if (month < 1 || month > 12 || d < 1 || d > daysInMonth(year, month))
        continue;
      day = toDayNumber(`${pad(year, 4)}-${pad(month, 2)}-${pad(d, 2)}`);
    } else {
      day = toDayNumber(easterSunday(year)) + holiday.rule.offset;
    }
    if (holiday.ifSunday !== undefined && weekdayOf(day) === 0)
      day += holiday.ifSunday;
    out.push({
      date: fromDayNumber(day),
      name: holiday.name.name,
      title: holiday.title,
    });
  }
  return out.sort((a, b) =>
    a.date < b.date
      ? -1
      : a.date > b.date
        ? 1
        : a.name < b.name
          ? -1
          : a.name > b.name
            ? 1
            : 0,
  );
}

/** Per calendar: the weekend weekdays and the holiday day numbers per year (memoised, pure). */
interface CalendarIndex {
  weekend: Set<number>;
  holidaysByYear: Map<number, Set<number>>;
}

const indexes = new WeakMap<CalendarDecl, CalendarIndex>();

function indexOf(calendar: CalendarDecl): CalendarIndex {
  let index = indexes.get(calendar);
  if (index === undefined) {
    const weekend = new Set<number>();
    for (const ident of calendar.weekend) {
      const weekday = WEEKDAYS[ident.name.toLowerCase()];
      if (weekday === undefined)
        throw new RangeError(
          `unknown weekday in calendar ${calendar.name.name}: ${ident.name}`,
        );
      weekend.add(weekday);
    }
    index = { weekend, holidaysByYear: new Map() };
    indexes.set(calendar, index);
  }
  return index;
}

/** Holiday day numbers of a year. Holidays moved into a neighbouring year (easter ±N) stay with their year. */
function holidaySet(
  calendar: CalendarDecl,
  index: CalendarIndex,
  year: number,
): Set<number> {
  let set = index.holidaysByYear.get(year);
  if (set === undefined) {
    set = new Set(holidaysOf(calendar, year).map((h) => toDayNumber(h.date)));
    index.holidaysByYear.set(year, set);
  }
  return set;
}

function isWorkdayNumber(
  calendar: CalendarDecl,
  index: CalendarIndex,
  dayNumber: number,
): boolean {
  if (index.weekend.has(weekdayOf(dayNumber))) return false;
  const year = new Date(dayNumber * MS_PER_DAY).getUTCFullYear();
  // A holiday defined relative to Easter or moved by `if sunday` may cross a year boundary.
  for (const y of [year - 1, year, year + 1]) {
    if (y >= 1583 && y <= 9999 && holidaySet(calendar, index, y).has(dayNumber))
      return false;
  }
  return true;
}

/**
 * Whether a day is a working day: not a weekend day and not a holiday of the calendar.
 *
 * @example isWorkday(nl, "2025-04-26") === false (Koningsdag 2025, moved from Sunday 27 April)
 */
export function isWorkday(calendar: CalendarDecl, date: string): boolean {
  return isWorkdayNumber(calendar, indexOf(calendar), toDayNumber(date));
}

/**
 * The day `n` working days after `date` (before it when `n` is negative).
 *
 * Counting starts the day after `date`, so `date` itself never counts: with an RRD on a Friday,
 * `addWorkdays(cal, rrd, 3)` is the Wednesday after (when no holiday intervenes). `n = 0` returns
 * `date` unchanged, even when it is not a working day. For `n ≠ 0` the result is always a
 * working day.
 *
 * @throws RangeError when `n` is not an integer or `date` is not a date.
 */
export function addWorkdays(
  calendar: CalendarDecl,
  date: string,
  n: number,
): string {
  if (!Number.isInteger(n))
    throw new RangeError(
      `a number of working days must be an integer, not ${n}`,
    );
  const index = indexOf(calendar);
  if (index.weekend.size >= 7)
    throw new RangeError(`calendar ${calendar.name.name} has no working days`);
  let day = toDayNumber(date);
  const step = n < 0 ? -1 : 1;
  let remaining = Math.abs(n);
  while (remaining > 0) {
    day += step;
    if (isWorkdayNumber(calendar, index, day)) remaining--;
  }
  return fromDayNumber(day);
}

/**
 * The number of working days from `from` to `to`: when `to` is on or after `from`, the working
 * days `d` with `from < d <= to`; otherwise minus the working days `d` with `to <= d < from`.
 *
 * This is the inverse of {@link addWorkdays}: `workdaysBetween(c, d, addWorkdays(c, d, n)) === n`
 * for every date `d` and integer `n`. An IKB-bestand delivered on day `x` after RRD `r` is within
 * 3 working days when `workdaysBetween(c, r, x) <= 3`. Counts add up along ordered days
 * (`between(a, b) + between(b, c) = between(a, c)` for `a <= b <= c`, and likewise backwards), but
 * swapping the arguments only negates the count when both days are working days or both are not.
 */
export function workdaysBetween(
  calendar: CalendarDecl,
  from: string,
  to: string,
): number {
  const index = indexOf(calendar);
  const start = toDayNumber(from);
  const end = toDayNumber(to);
  let count = 0;
  if (end >= start) {
    for (let day = start + 1; day <= end; day++)
      if (isWorkdayNumber(calendar, index, day)) count++;
    return count;
  }
  for (let day = end; day < start; day++)
    if (isWorkdayNumber(calendar, index, day)) count++;
  return count === 0 ? 0 : -count; // never -0
}
