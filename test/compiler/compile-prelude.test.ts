/**
 * The prelude helpers (compiler/helpers/*.ts, which generated modules inline), imported directly and
 * property-tested against independent implementations: decimal.js for exact decimals and
 * half-even division, `Date` for calendar days and instants, interpreter/calendar.ts for Easter and
 * working days, ibantools for IBANs.
 */
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { isValidIBAN } from "ibantools";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addWorkdays,
  easterSunday,
  fromDayNumber,
  isWorkday,
  toDayNumber,
} from "../../interpreter/calendar.js";
import { holidayData } from "../../compiler/emit-expr.js";
import { $validBsn } from "../../compiler/helpers/bsn.js";
import { $addMonths } from "../../compiler/helpers/date-arithmetic.js";
import { $yearOfDay } from "../../compiler/helpers/days.js";
import { $div } from "../../compiler/helpers/decimal.js";
import {
  $parseDate,
  $parseDateTime,
  $parseDecimal,
} from "../../compiler/helpers/decode.js";
import { $validIban } from "../../compiler/helpers/iban.js";
import { $renderDate, $renderDecimal } from "../../compiler/helpers/render.js";
import { $cpLength } from "../../compiler/helpers/text.js";
import {
  $addWorkdays,
  $easter,
  type $Calendar,
} from "../../compiler/helpers/workdays.js";
import type { CalendarDecl } from "../../dsl/ast.js";
import { loadProjectFromTexts } from "../../dsl/project.js";

const P = {
  $cpLength,
  $parseDate,
  $parseDateTime,
  $parseDecimal,
  $renderDecimal,
  $renderDate,
  $div,
  $addMonths,
  $easter,
  $addWorkdays,
  $validIban,
  $validBsn,
  $yearOfDay,
};

const CALENDAR_TEXT = `ruleset t.cal@1.0.0
  source atw "Algemene termijnenwet"

calendar nl "Werkdagen"
  implements atw art 3
  weekend saturday, sunday
  holiday nieuwjaar "Nieuwjaarsdag" on 1 january
  holiday goedevrijdag "Goede Vrijdag" easter -2
  holiday paas2 "Tweede Paasdag" easter +1
  holiday koningsdag "Koningsdag" on 27 april if sunday -1 from 2014
  holiday koninginnedag "Koninginnedag" on 30 april if sunday +1 until 2013
  holiday hemelvaart "Hemelvaartsdag" easter +39
  holiday bevrijding "Bevrijdingsdag" on 5 may from 2020
  holiday kerst "Eerste Kerstdag" on 25 december
  holiday kerst2 "Tweede Kerstdag" on 26 december
  holiday schrikkel "Schrikkeldag" on 29 february if sunday +1
  holiday brugdag_2022 "Vrijdag na Hemelvaartsdag" on 2022-05-27
  holiday brugdag_1999 "Oudejaarsdag" on 1999-12-31
`;

let calendar: CalendarDecl;
let calData: $Calendar;

beforeAll(() => {
  const project = loadProjectFromTexts(new Map([["cal.regel", CALENDAR_TEXT]]));
  calendar = project.rulesets[0].calendars[0];
  const days = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
  ];
  calData = {
    weekend: calendar.weekend.map((w) => days.indexOf(w.name)),
    holidays: calendar.holidays.map(holidayData),
  };
});

const D = Decimal.clone({ precision: 100, rounding: Decimal.ROUND_HALF_EVEN });
const dayArb = fc.integer({
  min: toDayNumber("1900-01-01"),
  max: toDayNumber("2100-12-31"),
});

describe("prelude helpers agree with independent implementations", () => {
  it("decimals: parse to the unscaled value, reject what does not fit, render back", () => {
    const decimalText = fc.tuple(
      fc.boolean(),
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.option(fc.stringMatching(/^[0-9]{1,5}$/)),
    );
    fc.assert(
      fc.property(
        decimalText,
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 12 }),
        ([neg, whole, frac], scale, precision) => {
          const s = `${neg ? "-" : ""}${whole}${frac === null ? "" : `.${frac}`}`;
          const v = new D(s);
          const fits =
            (frac ?? "").length <= scale &&
            v.abs().times(new D(10).pow(scale)).lt(new D(10).pow(precision));
          const parsed = P.$parseDecimal(s, precision, scale);
          if (!fits) {
            expect(parsed).toBeUndefined();
            return;
          }
          expect(parsed).toBe(BigInt(v.times(new D(10).pow(scale)).toFixed(0)));
          expect(P.$renderDecimal(parsed, scale)).toBe(v.toFixed(scale));
        },
      ),
      { numRuns: 300 },
    );
    for (const bad of ["", "-", ".5", "5.", "1.2.3", "+1", "1e3", " 1", "١"])
      expect(P.$parseDecimal(bad, 18, 2)).toBeUndefined();
  });

  it("division rounds half to even at the requested scale", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
        fc.integer({ min: 0, max: 8 }),
        (a, b, k) => {
          const q = P.$div(a, b, 10n ** BigInt(k), 1n);
          if (b === 0n) {
            expect(q).toBeUndefined();
            return;
          }
          const expected = new D(a.toString())
            .times(new D(10).pow(k))
            .div(new D(b.toString()))
            .toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
          expect(q).toBe(BigInt(expected.toFixed(0)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("dates: real calendar days only, as day numbers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const s = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          const t = new Date(0);
          t.setUTCFullYear(y, m - 1, d);
          const real =
            m >= 1 &&
            m <= 12 &&
            d >= 1 &&
            t.getUTCFullYear() === y &&
            t.getUTCMonth() === m - 1 &&
            t.getUTCDate() === d;
          const parsed = P.$parseDate(s);
          if (!real) {
            expect(parsed).toBeUndefined();
            return;
          }
          expect(parsed).toBe(Math.round(t.getTime() / 86400000));
          expect(P.$renderDate(parsed)).toBe(s);
          expect(P.$yearOfDay(parsed)).toBe(y);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("date-times with offsets are instants", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1900-01-01T00:00:00Z"),
          max: new Date("2100-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const local = new Date(date.getTime() + offset * 60000)
            .toISOString()
            .slice(0, 23);
          const sign = offset < 0 ? "-" : "+";
          const o = Math.abs(offset);
          const s = `${local}${sign}${String(Math.floor(o / 60)).padStart(2, "0")}:${String(o % 60).padStart(2, "0")}`;
          expect(P.$parseDateTime(s)).toBe(date.getTime());
        },
      ),
      { numRuns: 200 },
    );
    expect(P.$parseDateTime("2024-01-01T10:00Z")).toBe(
      Date.UTC(2024, 0, 1, 10),
    );
    expect(P.$parseDateTime("2024-02-30T10:00Z")).toBeUndefined();
    expect(P.$parseDateTime("2024-01-01T10:00")).toBeUndefined();
  });

  it("months clamp to the end of the month", () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -240, max: 240 }), (day, n) => {
        const [y, m, d] = fromDayNumber(day).split("-").map(Number);
        const total = y * 12 + (m - 1) + n;
        const ty = Math.floor(total / 12);
        const tm = total - ty * 12;
        const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
        expect(fromDayNumber(P.$addMonths(day, n)!)).toBe(
          fromDayNumber(Date.UTC(ty, tm, Math.min(d, last)) / 86400000),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("Easter and working days agree with interpreter/calendar.ts", () => {
    for (let y = 1900; y <= 2100; y++)
      expect(fromDayNumber(P.$easter(y))).toBe(easterSunday(y));
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -15, max: 15 }), (day, n) => {
        const date = fromDayNumber(day);
        expect(fromDayNumber(P.$addWorkdays(day, n, calData)!)).toBe(
          addWorkdays(calendar, date, n),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("a holiday of one day (`on 2022-05-27`) counts in its own year only, as in interpreter/calendar.ts", () => {
    for (const around of [
      "2022-05-27",
      "1999-12-31",
      "2023-05-27",
      "2000-12-31",
    ]) {
      const centre = toDayNumber(around);
      for (let day = centre - 6; day <= centre + 6; day++)
        for (let n = -3; n <= 3; n++)
          expect(fromDayNumber(P.$addWorkdays(day, n, calData)!)).toBe(
            addWorkdays(calendar, fromDayNumber(day), n),
          );
    }
    expect(isWorkday(calendar, "2022-05-27")).toBe(false);
    expect(isWorkday(calendar, "2023-05-26")).toBe(true);
    expect(isWorkday(calendar, "1999-12-31")).toBe(false);
    expect(isWorkday(calendar, "2004-12-31")).toBe(true);
  });

  it("code points, BSN and IBAN", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(P.$cpLength(s)).toBe([...s].length);
      }),
      { numRuns: 300 },
    );
    const bsnOracle = (s: string) =>
      /^[0-9]{9}$/.test(s) &&
      [...s].reduce(
        (sum, c, i) => sum + (i === 8 ? -1 : 9 - i) * Number(c),
        0,
      ) %
        11 ===
        0;
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{8,10}$/), (s) => {
        expect(P.$validBsn(s)).toBe(bsnOracle(s));
      }),
      { numRuns: 300 },
    );
    // Countries without a national BBAN check in ibantools: the embedded table gives the same answer.
    const iban = fc.tuple(
      fc.constantFrom("NL", "DE", "GB", "IT", "LU", "AT", "DK"),
      fc.stringMatching(/^[0-9]{2}$/),
      fc.stringMatching(/^[A-Z0-9]{10,30}$/),
    );
    fc.assert(
      fc.property(iban, ([cc, check, bban]) => {
        const s = `${cc}${check}${bban}`;
        expect(P.$validIban(s)).toBe(isValidIBAN(s));
      }),
      { numRuns: 300 },
    );
    for (const s of [
      "NL91ABNA0417164300",
      "DE89370400440532013000",
      "GB29NWBK60161331926819",
    ])
      expect(P.$validIban(s)).toBe(true);
    expect(P.$validIban("NL91ABNA0417164301")).toBe(false);
  });
});
