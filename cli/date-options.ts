/**
 * The date and date-time options of every command (`--rrd`, `--generated-at`, `regel validate
 * --record`'s `--delivered-at`), checked in one place so that each says the same thing: a wrong
 * form asks for the form, a day that does not exist (`2024-02-30`) is named as such.
 *
 * @module
 */
import { dateProblem } from "../runtime/calendar-date.js";

/** What is wrong with a `YYYY-MM-DD` option, as `--rrd 2024-02-30: not a calendar day (…)`; undefined when it is a calendar day. */
export function dateOptionProblem(
  flag: string,
  value: string,
): string | undefined {
  const problem = dateProblem(value);
  return problem === undefined ? undefined : `${flag} ${value}: ${problem}`;
}

/** The date-time options, checked as `regel record` checks its `--delivered-at`. */
export { dateTimeOptionProblem } from "../audit/history.js";
