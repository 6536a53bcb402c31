/**
 * Values of the reference interpreter: decoding CSV text per field type, calendar arithmetic on
 * dates, and comparison. Written independently of the compiler's prelude on purpose: the
 * interpreter exists to cross-check the compiler, so it must not share its code.
 *
 * Representation (interpreter-internal, not the compiled one):
 * text / code → `string`; integer, decimal, money → `Decimal` (exact); date → `{ days }` since
 * 1970-01-01; datetime → `{ ms }` since the epoch (UTC); boolean → `boolean`; duration →
 * `{ amount, unit }`; absent → `undefined`.
 *
 * @module
 */
import DecimalDefault from "decimal.js";
import type { Decimal as DecimalClass } from "decimal.js";
import type { DurationUnit, TypeRef } from "../dsl/ast.js";
import type { ResolvedRuleset } from "../dsl/model.js";

// decimal.js ships CJS types for an ESM default export: its default import is the class at run time.
const DecimalBase = ((
  DecimalDefault as unknown as { default?: typeof DecimalClass }
).default ?? DecimalDefault) as unknown as typeof DecimalClass;

/** Decimal with enough precision that no value of a ruleset or delivery is ever rounded. */
export const Dec = DecimalBase.clone({
  precision: 200,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  toExpNeg: -100,
  toExpPos: 100,
});
export type Dec = DecimalClass;

export interface DateValue {
  kind: "date";
  days: number;
}
export interface DateTimeValue {
  kind: "datetime";
  ms: number;
}
export interface DurationValue {
  kind: "duration";
  amount: number;
  unit: DurationUnit;
}

/** A value during evaluation. */
export type Value =
  | string
  | boolean
  | Dec
  | DateValue
  | DateTimeValue
  | DurationValue
  | undefined;

export const isDec = (v: unknown): v is Dec => v instanceof Dec;

// ------------------------------------------------------------------ calendar (proleptic Gregorian)

/** Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number. */
export function civilFromDays(days: number): {
  y: number;
  m: number;
  d: number;
} {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe -
      Math.floor(doe / 1460) +
      Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) /
      365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d };
}

export const isLeapYear = (y: number): boolean =>
  (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
    m - 1
  ];
}

/** `YYYY-MM-DD` of a day number. */
export function formatDate(days: number): string {
  const { y, m, d } = civilFromDays(days);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Day number of `YYYY-MM-DD`, or undefined when the text is not a real calendar day. */
export function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d);
}

/** Milliseconds since the epoch of `YYYY-MM-DDThh:mm[:ss[.f…]]` plus `Z` or `±hh:mm` (fraction up to 9 digits). */
export function parseDateTime(text: string): number | undefined {
  const m =
    /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(
      text,
    );
  if (!m) return undefined;
  const days = parseDate(m[1]);
  if (days === undefined) return undefined;
  const h = Number(m[2]);
  const mi = Number(m[3]);
  const s = m[4] === undefined ? 0 : Number(m[4]);
  const frac = m[5] === undefined ? 0 : Number(m[5].padEnd(3, "0").slice(0, 3)); // below a millisecond is dropped
  if (h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMin = 0;
  if (m[6] !== "Z") {
    const oh = Number(m[8]);
    const om = Number(m[9]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[7] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  return days * 86_400_000 + ((h * 60 + mi - offsetMin) * 60 + s) * 1000 + frac;
}

/** Add calendar months to a day number; a day past the end of the target month is clamped to its last day. */
export function addMonths(days: number, months: number): number {
  const { y, m, d } = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (((total % 12) + 12) % 12) + 1;
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

// ------------------------------------------------------------------ decoding CSV text

/** The field type as the interpreter needs it, with `ref` followed to the referenced field. */
export type FieldKind =
  | { kind: "text"; maxLength: number | undefined }
  | { kind: "integer" }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "date" }
  | { kind: "datetime" }
  | { kind: "boolean" }
  | { kind: "code"; values: Set<string> };

/** Resolve a written field type (following `ref E.f`, at most a few hops) to what decoding needs. */
export function fieldKind(
  ruleset: ResolvedRuleset,
  type: TypeRef,
  depth = 0,
): FieldKind {
  switch (type.name) {
    case "text":
      return { kind: "text", maxLength: type.maxLength };
    case "integer":
      return { kind: "integer" };
    case "money":
      return { kind: "decimal", precision: 18, scale: 2 };
    case "decimal":
      return {
        kind: "decimal",
        precision: type.precision ?? 18,
        scale: type.scale ?? 0,
      };
    case "date":
      return { kind: "date" };
    case "datetime":
      return { kind: "datetime" };
    case "boolean":
      return { kind: "boolean" };
    case "code": {
      const list = ruleset.links.declared(type.codeList, "codelist")?.decl;
      return {
        kind: "code",
        values: new Set(list?.values.map((v) => v.code) ?? []),
      };
    }
    case "ref": {
      const field = ruleset.links.field(type.refField);
      if (!field || depth > 8) return { kind: "text", maxLength: undefined };
      return fieldKind(ruleset, field.decl.type, depth + 1);
    }
  }
}

const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^-?([0-9]+)(?:\.([0-9]+))?$/;
const MAX_SAFE = new Dec(Number.MAX_SAFE_INTEGER);

/**
 * Decode one non-empty CSV cell. Returns `{ ok: false }` when the text does not fit the type
 * (such a value is absent for every rule except `is valid`).
 */
export function decodeCell(
  kind: FieldKind,
  text: string,
): { ok: true; value: Value } | { ok: false } {
  switch (kind.kind) {
    case "text":
      if (kind.maxLength !== undefined && [...text].length > kind.maxLength)
        return { ok: false };
      return { ok: true, value: text };
    case "integer": {
      if (!INTEGER.test(text)) return { ok: false };
      const v = new Dec(text);
      if (v.abs().gt(MAX_SAFE)) return { ok: false };
      return { ok: true, value: v };
    }
    case "decimal": {
      const m = DECIMAL.exec(text);
      if (!m) return { ok: false };
      const fraction = m[2] ?? "";
      if (fraction.length > kind.scale) return { ok: false };
      // decimal(P,S): the value written with exactly S decimals needs at most P significant digits.
      const digits = (m[1] + fraction.padEnd(kind.scale, "0")).replace(
        /^0+/,
        "",
      ).length;
      if (digits > kind.precision) return { ok: false };
      return { ok: true, value: new Dec(text) };
    }
    case "date": {
      const days = parseDate(text);
      return days === undefined
        ? { ok: false }
        : { ok: true, value: { kind: "date", days } };
    }
    case "datetime": {
      const ms = parseDateTime(text);
      return ms === undefined
        ? { ok: false }
        : { ok: true, value: { kind: "datetime", ms } };
    }
    case "boolean":
      if (text === "true") return { ok: true, value: true };
      if (text === "false") return { ok: true, value: false };
      return { ok: false };
    case "code":
      return kind.values.has(text) ? { ok: true, value: text } : { ok: false };
  }
}

// ------------------------------------------------------------------ comparison

/** Milliseconds of a date or datetime, so that the two compare in time. */
function instant(v: DateValue | DateTimeValue): number {
  return v.kind === "date" ? v.days * 86_400_000 : v.ms;
}

/**
 * Three-way comparison of two present values of compatible types, or undefined when they do not
 * compare (mismatched kinds).
 */
export function compareValues(
  a: Exclude<Value, undefined>,
  b: Exclude<Value, undefined>,
): number | undefined {
  if (isDec(a) && isDec(b)) return a.cmp(b);
  if (typeof a === "string" && typeof b === "string")
    return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean")
    return a === b ? 0 : a ? 1 : -1;
  if (
    typeof a === "object" &&
    typeof b === "object" &&
    !isDec(a) &&
    !isDec(b)
  ) {
    if (a.kind !== "duration" && b.kind !== "duration")
      return Math.sign(instant(a) - instant(b));
    if (a.kind === "duration" && b.kind === "duration" && a.unit === b.unit)
      return Math.sign(a.amount - b.amount);
  }
  return undefined;
}

/**
 * A decoded field value as canonical CSV text: decimals with exactly the field's scale, dates
 * `YYYY-MM-DD`, datetimes ISO 8601 in UTC, booleans `true`/`false`; `null` when absent.
 */
export function renderField(kind: FieldKind, v: Value): string | null {
  if (v === undefined) return null;
  if (kind.kind === "decimal" && isDec(v)) return v.toFixed(kind.scale);
  return renderValue(v);
}

/** Render a value as canonical text (used for `matches` on non-text values and messages). */
export function renderValue(v: Value): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (isDec(v)) return v.toFixed();
  if (v.kind === "date") return formatDate(v.days);
  if (v.kind === "datetime") return new Date(v.ms).toISOString();
  return `${v.amount} ${v.unit}`;
}
