/**
 * Static types of regel expressions: how a field type becomes a {@link ValueType}, how two types
 * combine, and how they are named in diagnostics. Pure functions, no diagnostics here.
 *
 * @module
 */
import type { DurationUnit, ValueType } from "./ast.js";

export const TEXT: ValueType = { kind: "text" };
export const INTEGER: ValueType = { kind: "integer" };
export const DATE: ValueType = { kind: "date" };
export const DATETIME: ValueType = { kind: "datetime" };
export const BOOLEAN: ValueType = { kind: "boolean" };
export const PERCENT: ValueType = { kind: "percent" };
/** The type of an expression that already produced a diagnostic: never reported again. */
export const ERROR: ValueType = { kind: "error" };

export function decimal(scale: number): ValueType {
  return { kind: "decimal", scale };
}

/** integer, decimal (and money, which is a decimal of scale 2). */
export function isNumeric(t: ValueType): boolean {
  return t.kind === "integer" || t.kind === "decimal";
}

/** Text and codes are both strings at run time. */
export function isTextual(t: ValueType): boolean {
  return t.kind === "text" || t.kind === "code";
}

export function isTemporal(t: ValueType): boolean {
  return t.kind === "date" || t.kind === "datetime";
}

function scaleOf(t: ValueType): number {
  return t.kind === "decimal" ? t.scale : 0;
}

/**
 * The one type two values of an `if ... then ... else` (or the arguments of `min` / `max`) share:
 * integers and decimals make a decimal of the larger scale, texts and codes of different lists
 * make text; undefined when the two cannot be one type (a number and a date, say).
 */
export function commonType(a: ValueType, b: ValueType): ValueType | undefined {
  if (a.kind === "error") return b;
  if (b.kind === "error") return a;
  if (isNumeric(a) && isNumeric(b))
    return a.kind === "integer" && b.kind === "integer"
      ? INTEGER
      : decimal(Math.max(scaleOf(a), scaleOf(b)));
  if (isTextual(a) && isTextual(b))
    return a.kind === "code" && b.kind === "code" && a.list === b.list
      ? a
      : TEXT;
  if (
    a.kind === b.kind &&
    (a.kind === "date" || a.kind === "datetime" || a.kind === "boolean")
  )
    return a;
  return undefined;
}

/**
 * The result type of `a op b` for numeric operands. Integers stay integers except under `/`;
 * `+`/`-` keep the larger scale, `*` adds scales, `/` keeps the larger scale plus 6 digits
 * (docs/language.md, Expressions).
 */
export function numericResult(
  op: "+" | "-" | "*" | "/",
  a: ValueType,
  b: ValueType,
): ValueType {
  const sa = scaleOf(a);
  const sb = scaleOf(b);
  if (op === "/") return decimal(Math.max(sa, sb) + 6);
  if (a.kind === "integer" && b.kind === "integer") return INTEGER;
  return decimal(op === "*" ? sa + sb : Math.max(sa, sb));
}

/** Duration units a date may be shifted by. */
export const DATE_UNITS: ReadonlySet<DurationUnit> = new Set([
  "days",
  "workdays",
  "months",
  "years",
]);
/** Duration units a datetime may be shifted by. */
export const DATETIME_UNITS: ReadonlySet<DurationUnit> = new Set([
  "s",
  "min",
  "h",
  "days",
]);

/** How a type is named in a message: `text`, `decimal`, `code legal_capacity`, `duration in days`. */
export function typeName(t: ValueType): string {
  switch (t.kind) {
    case "code":
      return `code ${t.list}`;
    case "duration":
      return `duration in ${t.unit}`;
    case "list":
      return `list of ${typeName(t.element)}`;
    case "error":
      return "(error)";
    default:
      return t.kind;
  }
}

/**
 * Whether two values of these types may be compared with `=`/`!=` (and, unless `ordered` says no,
 * `<`...). Numbers mix; dates and datetimes compare in time; text and codes compare as text (a
 * string literal against a code is checked separately); two codes must share their list.
 */
export function comparable(a: ValueType, b: ValueType): boolean {
  if (a.kind === "error" || b.kind === "error") return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isTemporal(a) && isTemporal(b)) return true;
  if (a.kind === "code" && b.kind === "code") return a.list === b.list;
  if (isTextual(a) && isTextual(b)) return true;
  if (a.kind === "duration" && b.kind === "duration") return true;
  return a.kind === b.kind && a.kind !== "list";
}

/** Whether `<`, `<=`, `>`, `>=` make sense on this type (everything but booleans and lists). */
export function ordered(t: ValueType): boolean {
  return t.kind !== "boolean" && t.kind !== "list";
}

/** Structural equality, used to decide whether two attributes give `value` the same type. */
export function sameType(a: ValueType, b: ValueType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "decimal" && b.kind === "decimal") return a.scale === b.scale;
  if (a.kind === "code" && b.kind === "code") return a.list === b.list;
  if (a.kind === "duration" && b.kind === "duration") return a.unit === b.unit;
  if (a.kind === "list" && b.kind === "list")
    return sameType(a.element, b.element);
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` naming a real calendar day (2023-02-30 is not). */
export function isRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const max = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return day <= max;
}

/** `YYYY-MM-DDThh:mm[:ss[.fff]]` then `Z` or `±hh:mm`, with a real day and a real time. */
export function isRealDateTime(text: string): boolean {
  const m =
    /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/.exec(
      text,
    );
  if (m === null) return false;
  if (!isRealDate(m[1])) return false;
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? "0") > 59)
    return false;
  if (m[5] !== "Z" && (Number(m[6]) > 14 || Number(m[7]) > 59)) return false;
  return true;
}

/** Number of digits after the decimal point of a literal as written (`10000.00` -> 2). */
export function literalScale(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Compare two semantic versions (`1.10.0` > `1.9.0`; a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = splitPre(a);
  const [coreB, preB] = splitPre(b);
  const pa = coreA.split(".").map(Number);
  const pb = coreB.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d < 0 ? -1 : 1;
  }
  if (preA === undefined && preB === undefined) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : preA > preB ? 1 : 0;
}

function splitPre(v: string): [string, string | undefined] {
  const i = v.indexOf("-");
  return i < 0 ? [v, undefined] : [v.slice(0, i), v.slice(i + 1)];
}
