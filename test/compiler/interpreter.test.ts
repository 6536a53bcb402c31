import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addMonths,
  civilFromDays,
  daysFromCivil,
  decodeCell,
  Dec,
  formatDate,
  parseDate,
  parseDateTime,
} from "../../compiler/interpret-values.js";

describe("interpreter values: dates", () => {
  it("day numbers round-trip through civil dates", () => {
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 800_000 }), (days) => {
        const { y, m, d } = civilFromDays(days);
        expect(daysFromCivil(y, m, d)).toBe(days);
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with the platform calendar for formatting", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (days) => {
        expect(formatDate(days)).toBe(new Date(days * 86_400_000).toISOString().slice(0, 10));
      }),
      { numRuns: 300 },
    );
  });

  it("accepts only real calendar days", () => {
    expect(parseDate("2024-02-29")).toBe(daysFromCivil(2024, 2, 29));
    expect(parseDate("2023-02-29")).toBeUndefined();
    expect(parseDate("1900-02-29")).toBeUndefined();
    expect(parseDate("2000-02-29")).toBeDefined();
    expect(parseDate("2024-13-01")).toBeUndefined();
    expect(parseDate("2024-04-31")).toBeUndefined();
    expect(parseDate("2024-4-01")).toBeUndefined();
    expect(parseDate("1970-01-01")).toBe(0);
  });

  it("clamps month arithmetic to the end of the month", () => {
    const d = (s: string) => parseDate(s)!;
    expect(formatDate(addMonths(d("2024-01-31"), 1))).toBe("2024-02-29");
    expect(formatDate(addMonths(d("2023-01-31"), 1))).toBe("2023-02-28");
    expect(formatDate(addMonths(d("2024-02-29"), 12))).toBe("2025-02-28");
    expect(formatDate(addMonths(d("2024-03-31"), -1))).toBe("2024-02-29");
    expect(formatDate(addMonths(d("2024-01-15"), -13))).toBe("2022-12-15");
  });

  it("parses datetimes with Z or an offset", () => {
    expect(parseDateTime("2024-03-01T10:00:00Z")).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseDateTime("2024-03-01T10:00+01:00")).toBe(Date.UTC(2024, 2, 1, 9));
    expect(parseDateTime("2024-03-01T10:00:00.5-02:30")).toBe(Date.UTC(2024, 2, 1, 12, 30, 0, 500));
    expect(parseDateTime("2024-03-01T10:00:00.123456789Z")).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    expect(parseDateTime("2024-03-01T10:00:00")).toBeUndefined();
    expect(parseDateTime("2024-03-01T24:00:00Z")).toBeUndefined();
    expect(parseDateTime("2023-02-29T10:00:00Z")).toBeUndefined();
  });
});

describe("interpreter values: decoding CSV text", () => {
  const ok = (r: ReturnType<typeof decodeCell>) => r.ok;
  it("text counts code points against the maximum length", () => {
    expect(ok(decodeCell({ kind: "text", maxLength: 2 }, "ab"))).toBe(true);
    expect(ok(decodeCell({ kind: "text", maxLength: 2 }, "abc"))).toBe(false);
    expect(ok(decodeCell({ kind: "text", maxLength: 2 }, "😀😀"))).toBe(true);
    expect(ok(decodeCell({ kind: "text", maxLength: undefined }, "x".repeat(10_000)))).toBe(true);
  });

  it("integers are safe integers written as -?digits", () => {
    const k = { kind: "integer" } as const;
    expect(ok(decodeCell(k, "-12"))).toBe(true);
    expect(ok(decodeCell(k, "12.0"))).toBe(false);
    expect(ok(decodeCell(k, "+1"))).toBe(false);
    expect(ok(decodeCell(k, " 1"))).toBe(false);
    expect(ok(decodeCell(k, "9007199254740991"))).toBe(true);
    expect(ok(decodeCell(k, "9007199254740992"))).toBe(false);
  });

  it("money is decimal(18,2): at most 2 decimals and 18 digits, exact", () => {
    const k = { kind: "decimal", precision: 18, scale: 2 } as const;
    const r = decodeCell(k, "0.10");
    expect(r.ok && (r.value as Dec).plus(new Dec("0.20")).eq(new Dec("0.3"))).toBe(true);
    expect(ok(decodeCell(k, "1.234"))).toBe(false);
    expect(ok(decodeCell(k, "-1.5"))).toBe(true);
    expect(ok(decodeCell(k, "1."))).toBe(false);
    expect(ok(decodeCell(k, ".5"))).toBe(false);
    expect(ok(decodeCell(k, "1e3"))).toBe(false);
    expect(ok(decodeCell(k, "9999999999999999.99"))).toBe(true);
    expect(ok(decodeCell(k, "99999999999999999.99"))).toBe(false);
    expect(ok(decodeCell(k, "99999999999999999.9"))).toBe(false);
    expect(ok(decodeCell(k, "00000000000000000001.00"))).toBe(true);
  });

  it("booleans, codes and dates", () => {
    expect(decodeCell({ kind: "boolean" }, "true")).toEqual({ ok: true, value: true });
    expect(ok(decodeCell({ kind: "boolean" }, "TRUE"))).toBe(false);
    const code = { kind: "code", values: new Set(["JA", "NEE"]) } as const;
    expect(ok(decodeCell(code, "JA"))).toBe(true);
    expect(ok(decodeCell(code, "ja"))).toBe(false);
    expect(ok(decodeCell({ kind: "date" }, "2024-02-29"))).toBe(true);
    expect(ok(decodeCell({ kind: "date" }, "2023-02-29"))).toBe(false);
  });
});
