import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { CalendarDecl, HolidayDecl, Span } from "../../dsl/ast.js";
import {
  addWorkdays,
  easterSunday,
  holidaysOf,
  isWorkday,
  workdaysBetween,
} from "../../interpreter/calendar.js";

// ---------------------------------------------------------------- hand-built calendars

const span: Span = {
  file: "fixture",
  start: { offset: 0, line: 1, column: 1 },
  end: { offset: 0, line: 1, column: 1 },
};

function holiday(
  name: string,
  rule: { day: number; month: number } | { easter: number } | { date: string },
  options: { ifSunday?: number; from?: number; until?: number } = {},
): HolidayDecl {
  return {
    kind: "Holiday",
    span,
    name: { kind: "Ident", span, name },
    title: name.toUpperCase(),
    rule:
      "easter" in rule
        ? { kind: "easter", offset: rule.easter }
        : "date" in rule
          ? { kind: "date", date: { kind: "Date", span, text: rule.date } }
          : { kind: "fixed", day: rule.day, month: rule.month },
    ifSunday: options.ifSunday,
    fromYear: options.from,
    untilYear: options.until,
    assumptions: [],
  };
}

function calendar(weekend: string[], holidays: HolidayDecl[]): CalendarDecl {
  return {
    kind: "Calendar",
    span,
    doc: [],
    replace: false,
    name: { kind: "Ident", span, name: "fixture" },
    title: undefined,
    implementsRefs: [],
    weekend: weekend.map((name) => ({ kind: "Ident" as const, span, name })),
    holidays,
    assumptions: [],
  };
}

const plain = calendar(["saturday", "sunday"], []);

describe("easterSunday", () => {
  it.each([
    [1818, "1818-03-22"], // earliest possible date
    [2000, "2000-04-23"],
    [2008, "2008-03-23"],
    [2019, "2019-04-21"],
    [2024, "2024-03-31"],
    [2025, "2025-04-20"],
    [2038, "2038-04-25"], // latest possible date
    [2285, "2285-03-22"],
  ])("Easter %i is %s", (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it("is always a Sunday between 22 March and 25 April", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
        const date = easterSunday(year);
        expect(new Date(`${date}T00:00:00Z`).getUTCDay()).toBe(0);
        const monthDay = date.slice(5);
        expect(monthDay >= "03-22" && monthDay <= "04-25").toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses years before the Gregorian calendar", () => {
    expect(() => easterSunday(1500)).toThrow(RangeError);
    expect(() => easterSunday(2024.5)).toThrow(RangeError);
  });
});

describe("holidaysOf", () => {
  const cal = calendar(
    ["saturday", "sunday"],
    [
      holiday("b_new_year", { day: 1, month: 1 }),
      holiday("easter_monday", { easter: 1 }),
      holiday("good_friday", { easter: -2 }),
      holiday("kings_day", { day: 27, month: 4 }, { ifSunday: -1, from: 2014 }),
      holiday(
        "queens_day",
        { day: 30, month: 4 },
        { ifSunday: -1, from: 1980, until: 2013 },
      ),
      holiday("a_new_year", { day: 1, month: 1 }),
    ],
  );

  it("computes fixed, Easter-relative and Sunday-moved days, sorted by date then name", () => {
    expect(holidaysOf(cal, 2025)).toEqual([
      { date: "2025-01-01", name: "a_new_year", title: "A_NEW_YEAR" },
      { date: "2025-01-01", name: "b_new_year", title: "B_NEW_YEAR" },
      { date: "2025-04-18", name: "good_friday", title: "GOOD_FRIDAY" },
      { date: "2025-04-21", name: "easter_monday", title: "EASTER_MONDAY" },
      { date: "2025-04-26", name: "kings_day", title: "KINGS_DAY" }, // 27 April 2025 is a Sunday
    ]);
  });

  it("applies from/until years inclusively", () => {
    const names = (year: number) => holidaysOf(cal, year).map((h) => h.name);
    expect(names(2013)).toContain("queens_day");
    expect(names(2013)).not.toContain("kings_day");
    expect(names(2014)).toContain("kings_day");
    expect(names(2014)).not.toContain("queens_day");
    expect(names(1979)).not.toContain("queens_day");
  });

  it("moves only when the day is a Sunday", () => {
    expect(
      holidaysOf(cal, 2024).find((h) => h.name === "kings_day")?.date,
    ).toBe("2024-04-27"); // Saturday
    expect(
      holidaysOf(cal, 2014).find((h) => h.name === "kings_day")?.date,
    ).toBe("2014-04-26"); // Sunday -> Saturday
    expect(
      holidaysOf(cal, 2006).find((h) => h.name === "queens_day")?.date,
    ).toBe("2006-04-29");
  });

  it("counts a holiday of one day (`on 2022-05-27`) in its own year only", () => {
    const decree = calendar(
      ["saturday", "sunday"],
      [
        holiday("ascension", { easter: 39 }),
        holiday("bridge_2022", { date: "2022-05-27" }),
      ],
    );
    expect(holidaysOf(decree, 2022).map((h) => `${h.date} ${h.name}`)).toEqual([
      "2022-05-26 ascension",
      "2022-05-27 bridge_2022",
    ]);
    expect(holidaysOf(decree, 2023).map((h) => h.name)).toEqual(["ascension"]);
    // Thursday 26 May 2022 (RRD) + 3 working days skips Ascension's Friday too.
    expect(addWorkdays(decree, "2022-05-25", 3)).toBe("2022-06-01");
    expect(workdaysBetween(decree, "2022-05-25", "2022-05-30")).toBe(1);
  });

  it("skips a fixed day the month does not have that year", () => {
    const leap = calendar(
      [],
      [
        holiday("leap_day", { day: 29, month: 2 }),
        holiday("never", { day: 30, month: 2 }),
      ],
    );
    expect(holidaysOf(leap, 2024).map((h) => h.date)).toEqual(["2024-02-29"]);
    expect(holidaysOf(leap, 2023)).toEqual([]);
    expect(isWorkday(leap, "2024-02-29")).toBe(false);
    expect(isWorkday(leap, "2023-03-01")).toBe(true);
    expect(holidaysOf(leap, 2000).map((h) => h.date)).toEqual(["2000-02-29"]); // divisible by 400
    expect(holidaysOf(leap, 2100)).toEqual([]); // divisible by 100 only
    const monthEnds = calendar(
      [],
      [
        holiday("dec31", { day: 31, month: 12 }),
        holiday("apr31", { day: 31, month: 4 }),
      ],
    );
    expect(holidaysOf(monthEnds, 2024).map((h) => h.date)).toEqual([
      "2024-12-31",
    ]);
  });
});

describe("isWorkday / addWorkdays / workdaysBetween on a plain weekend calendar", () => {
  it("knows weekends", () => {
    expect(isWorkday(plain, "2024-03-01")).toBe(true); // Friday
    expect(isWorkday(plain, "2024-03-02")).toBe(false);
    expect(isWorkday(plain, "2024-03-03")).toBe(false);
    expect(isWorkday(plain, "2024-03-04")).toBe(true);
  });

  it("counts from the day after the start", () => {
    expect(addWorkdays(plain, "2024-03-01", 3)).toBe("2024-03-06"); // Fri + 3 = Wed
    expect(addWorkdays(plain, "2024-03-02", 1)).toBe("2024-03-04"); // Sat + 1 = Mon
    expect(addWorkdays(plain, "2024-03-06", -3)).toBe("2024-03-01");
    expect(addWorkdays(plain, "2024-03-02", 0)).toBe("2024-03-02");
    expect(workdaysBetween(plain, "2024-03-01", "2024-03-06")).toBe(3);
    expect(workdaysBetween(plain, "2024-03-06", "2024-03-01")).toBe(-3);
    expect(workdaysBetween(plain, "2024-03-01", "2024-03-01")).toBe(0);
    expect(workdaysBetween(plain, "2024-03-01", "2024-03-03")).toBe(0);
  });

  it("crosses leap days and year ends", () => {
    expect(addWorkdays(plain, "2024-02-28", 1)).toBe("2024-02-29");
    expect(addWorkdays(plain, "2023-12-29", 1)).toBe("2024-01-01");
  });

  it("refuses bad input", () => {
    expect(() => isWorkday(plain, "2023-02-29")).toThrow(RangeError);
    expect(() => isWorkday(plain, "1 march 2024")).toThrow(RangeError);
    expect(() => addWorkdays(plain, "2024-03-01", 1.5)).toThrow(RangeError);
    expect(() => isWorkday(calendar(["caturday"], []), "2024-03-01")).toThrow(
      RangeError,
    );
    const never = calendar(
      [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
      ],
      [],
    );
    expect(() => addWorkdays(never, "2024-03-01", 1)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- properties

const dateArb = fc
  .integer({
    min: Date.UTC(1990, 0, 1) / 86_400_000,
    max: Date.UTC(2060, 11, 31) / 86_400_000,
  })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

/** Dates within a few years, so that counting day by day stays fast. */
const nearDateArb = fc
  .integer({
    min: Date.UTC(2019, 0, 1) / 86_400_000,
    max: Date.UTC(2026, 11, 31) / 86_400_000,
  })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

/** A calendar like the Dutch one, built by hand (the ruleset itself is tested below). */
const dutchLike = calendar(
  ["saturday", "sunday"],
  [
    holiday("new_year", { day: 1, month: 1 }),
    holiday("good_friday", { easter: -2 }),
    holiday("easter_monday", { easter: 1 }),
    holiday("kings_day", { day: 27, month: 4 }, { ifSunday: -1, from: 2014 }),
    holiday("liberation", { day: 5, month: 5 }),
    holiday("ascension", { easter: 39 }),
    holiday("whit_monday", { easter: 50 }),
    holiday("christmas", { day: 25, month: 12 }),
    holiday("boxing_day", { day: 26, month: 12 }),
  ],
);

describe("properties", () => {
  it("workdaysBetween(d, addWorkdays(d, n)) === n", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -80, max: 80 }), (date, n) => {
        const end = addWorkdays(dutchLike, date, n);
        expect(workdaysBetween(dutchLike, date, end)).toBe(n);
        if (n !== 0) expect(isWorkday(dutchLike, end)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("addWorkdays is monotone and adding in steps equals adding at once", () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (date, a, b) => {
          const once = addWorkdays(dutchLike, date, a + b);
          const steps = addWorkdays(
            dutchLike,
            addWorkdays(dutchLike, date, a),
            b,
          );
          if (a > 0) expect(steps).toBe(once);
          expect(once >= date).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("workdaysBetween is additive over ordered days, forwards and backwards", () => {
    fc.assert(
      fc.property(nearDateArb, nearDateArb, nearDateArb, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort();
        expect(
          workdaysBetween(dutchLike, a, b) + workdaysBetween(dutchLike, b, c),
        ).toBe(workdaysBetween(dutchLike, a, c));
        expect(
          workdaysBetween(dutchLike, c, b) + workdaysBetween(dutchLike, b, a),
        ).toBe(workdaysBetween(dutchLike, c, a));
        expect(workdaysBetween(dutchLike, a, c)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 60 },
    );
  });
});

// ---------------------------------------------------------------- the shipped calendar

describe("nl.werkdagen@1.0.0 (Algemene termijnenwet art 3)", async () => {
  const { findRuleset, loadProject } = await import("../../dsl/project.js");
  const project = await loadProject(["rulesets/nl.werkdagen"]);
  const nl = findRuleset(project, "nl.werkdagen@1.0.0")?.calendars.find(
    (c) => c.name.name === "nl_werkdagen",
  );

  it("loads", () => {
    expect(project.diagnostics).toEqual([]);
    expect(nl).toBeDefined();
  });

  it("lists the holidays of 2024 and 2025", () => {
    const dates = (year: number) =>
      holidaysOf(nl!, year).map((h) => `${h.date} ${h.name}`);
    expect(dates(2024)).toEqual([
      "2024-01-01 nieuwjaarsdag",
      "2024-03-29 goede_vrijdag",
      "2024-04-01 tweede_paasdag",
      "2024-04-27 koningsdag",
      "2024-05-05 bevrijdingsdag",
      "2024-05-09 hemelvaartsdag",
      "2024-05-10 gelijkgesteld_2024_05_10",
      "2024-05-20 tweede_pinksterdag",
      "2024-12-25 eerste_kerstdag",
      "2024-12-26 tweede_kerstdag",
      "2024-12-27 gelijkgesteld_2024_12_27",
    ]);
    expect(dates(2025)).toContain("2025-04-26 koningsdag"); // 27 April 2025 is a Sunday
    expect(dates(2025)).toContain("2025-05-29 hemelvaartsdag");
    expect(dates(2014)).toContain("2014-04-26 koningsdag");
    expect(dates(2013)).toContain("2013-04-30 koninginnedag");
    expect(dates(2006)).toContain("2006-04-29 koninginnedag");
  });

  it("knows working days", () => {
    expect(isWorkday(nl!, "2025-04-26")).toBe(false); // Koningsdag on a Saturday anyway
    expect(isWorkday(nl!, "2025-04-28")).toBe(true); // the Monday after
    expect(isWorkday(nl!, "2024-05-09")).toBe(false); // Hemelvaartsdag
    expect(isWorkday(nl!, "2024-05-10")).toBe(false); // the Friday after: equated by decree (art 3 lid 3)
    expect(isWorkday(nl!, "2021-05-14")).toBe(true); // no decree for 2021 is listed (an assumption of the calendar)
    expect(isWorkday(nl!, "2022-05-05")).toBe(false); // Bevrijdingsdag counts every year for the Atw
    expect(isWorkday(nl!, "2024-03-29")).toBe(false); // Goede Vrijdag, art 3 lid 2
  });

  it("counts the groeipad's 3 working days after an RRD", () => {
    expect(addWorkdays(nl!, "2024-03-28", 3)).toBe("2024-04-04"); // over Goede Vrijdag and Tweede Paasdag
    expect(addWorkdays(nl!, "2024-05-08", 3)).toBe("2024-05-15"); // over Hemelvaartsdag and the Friday after
    expect(addWorkdays(nl!, "2024-12-23", 3)).toBe("2024-12-31"); // over Christmas and the Friday after
    expect(addWorkdays(nl!, "2024-12-23", 4)).toBe("2025-01-02"); // and Nieuwjaarsdag
    expect(workdaysBetween(nl!, "2024-03-28", "2024-04-04")).toBe(3);
    expect(workdaysBetween(nl!, "2024-03-28", "2024-04-05")).toBe(4);
  });

  it("agrees with addWorkdays/workdaysBetween as inverses", () => {
    fc.assert(
      fc.property(nearDateArb, fc.integer({ min: -30, max: 30 }), (date, n) => {
        expect(workdaysBetween(nl!, date, addWorkdays(nl!, date, n))).toBe(n);
      }),
      { numRuns: 200 },
    );
  });

  it("matches the date-holidays package (NL) from 1990 to 2040, apart from the differences listed and explained", async () => {
    const Holidays = (await import("date-holidays")).default;
    const dh = new Holidays("NL");
    /** Holidays of ours that date-holidays does not list as public, and why. */
    const OURS_ONLY: Record<string, string> = {
      // date-holidays lists Goede Vrijdag as a school holiday; Atw art 3 lid 2 equates it.
      goede_vrijdag: "Atw art 3 lid 2",
      // date-holidays lists Bevrijdingsdag as a school holiday; for the Atw it is a holiday every
      // year (art 3 lid 1, "de vijfde mei").
      bevrijdingsdag: "Atw art 3 lid 1",
    };
    /** Public holidays of date-holidays that are not ours, and why. */
    const THEIRS_ONLY: Record<string, string> = {
      // Easter and Whit Sunday: Sundays, weekend days in any case; the Atw names only the second
      // days (art 3 lid 1, "de Christelijke tweede Paas- en Pinksterdag").
      Pasen: "a Sunday",
      Pinksteren: "a Sunday",
    };
    const unexplained: string[] = [];
    const seen = new Set<string>();
    for (let year = 1990; year <= 2040; year++) {
      const ours = new Map(holidaysOf(nl!, year).map((h) => [h.date, h]));
      const theirs = new Map(
        dh
          .getHolidays(year)
          .filter((h) => h.type === "public")
          .map((h) => [h.date.slice(0, 10), h.name]),
      );
      for (const [date, h] of ours) {
        if (theirs.has(date)) continue;
        // a day equated by decree (art 3 lid 3) is data per year, which date-holidays lacks
        const reason =
          OURS_ONLY[h.name] ??
          (h.name.startsWith("gelijkgesteld_") ? "Atw art 3 lid 3" : undefined);
        if (reason === undefined)
          unexplained.push(`ours only: ${date} ${h.name}`);
        else seen.add(h.name.startsWith("gelijkgesteld_") ? "decree" : h.name);
      }
      for (const [date, name] of theirs) {
        if (ours.has(date)) continue;
        if (THEIRS_ONLY[name] === undefined)
          unexplained.push(`date-holidays only: ${date} ${name}`);
        else seen.add(name);
      }
      // every day of the year is a working day in both, or in neither, but for the listed reasons
      for (
        let d = new Date(Date.UTC(year, 0, 1));
        d.getUTCFullYear() === year;
        d = new Date(d.getTime() + 86_400_000)
      ) {
        const date = d.toISOString().slice(0, 10);
        const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
        const explained = ours.has(date) && !theirs.has(date) && !weekend;
        const theirsWorkday = !weekend && !theirs.has(date);
        if (isWorkday(nl!, date) !== (theirsWorkday && !explained))
          unexplained.push(`working day differs: ${date}`);
      }
    }
    expect(unexplained).toEqual([]);
    // each listed difference does occur, so the lists cannot go stale
    expect([...seen].sort()).toEqual(
      [
        "Pasen",
        "Pinksteren",
        "bevrijdingsdag",
        "decree",
        "goede_vrijdag",
      ].sort(),
    );
  });
});
