/**
 * The RRD's calendar check (runtime/calendar-date.ts) against the interpreter's day numbers: the
 * same days for every year 0000–9999 (Date.UTC used to read the years 0–99 as 1900–1999, so
 * `--rrd 0001-01-01` was "expected a date YYYY-MM-DD"), and the two kinds of problem apart.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromDayNumber, toDayNumber } from "../../interpreter/calendar.js";
import { dateProblem, dateToDays } from "../../runtime/calendar-date.js";

describe("dateToDays and dateProblem", () => {
  it("agree with the interpreter on every day from 0000-01-01 to 9999-12-31", () => {
    const first = toDayNumber("0000-01-01");
    const last = toDayNumber("9999-12-31");
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (day) => {
        const iso = fromDayNumber(day);
        expect(dateProblem(iso)).toBeUndefined();
        expect(dateToDays(iso)).toBe(day);
      }),
    );
    expect(dateToDays("0001-01-01")).toBe(toDayNumber("0001-01-01"));
  });

  it("tell a wrong form from a day that does not exist", () => {
    expect(dateProblem("2024-3-1")).toBe("expected a date YYYY-MM-DD");
    expect(dateProblem("2024-02-30")).toBe(
      "not a calendar day (2024-02 has no day 30)",
    );
    expect(dateProblem("2023-02-29")).toBe(
      "not a calendar day (2023-02 has no day 29)",
    );
    expect(dateProblem("2024-02-29")).toBeUndefined();
    expect(dateProblem("2024-13-45")).toBe(
      "not a calendar day (there is no month 13)",
    );
    expect(dateProblem("2024-00-10")).toBe(
      "not a calendar day (there is no month 00)",
    );
    expect(dateProblem("2024-04-00")).toBe(
      "not a calendar day (2024-04 has no day 00)",
    );
    expect(dateToDays("2024-02-30")).toBeNaN();
  });
});
