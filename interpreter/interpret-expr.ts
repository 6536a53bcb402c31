/**
 * Expression evaluation of the reference interpreter: a direct walk over the checked AST,
 * following docs/language.md (Expressions). Independent of the compiler on purpose.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { isValidIBAN } from "ibantools";
import countries from "i18n-iso-countries";
import type {
  AggregateExpr,
  CalendarDecl,
  Expr,
  Ident,
  Literal,
  ParameterDecl,
} from "../dsl/ast.js";
import type { Links } from "../dsl/links.js";
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRuleset,
} from "../dsl/model.js";
import type { Decimal } from "decimal.js";
import { addWorkdays } from "./calendar.js";
import { normalize } from "./normalize.js";
import {
  addMonths,
  civilFromDays,
  compareValues,
  Dec,
  decodeCell,
  fieldKind,
  formatDate,
  isDec,
  parseDate,
  parseDateTime,
  renderField,
  renderValue,
  type FieldKind,
  type Value,
} from "./interpret-values.js";

/** A record decoded by the interpreter: raw CSV text, decoded values and validity per field name. */
export interface IRecord {
  entity: ResolvedEntity;
  /** Raw cell text per field name (`""` when the cell is empty or the column is missing). */
  raw: Record<string, string>;
  /** Decoded values per field name; undefined when empty or not valid for the type. */
  values: Record<string, Value>;
  /** Whether the raw text fits the field's type (an empty cell fits). */
  valid: Record<string, boolean>;
  /** Canonical CSV text of the decoded value per field name; `null` when absent or not valid. */
  text: Record<string, string | null>;
  /** Fields delivered as one of their `unknown` texts (no value, but valid). */
  unknown: Record<string, boolean>;
}

/** Decoding context shared by one evaluation: the field kinds per entity, computed once. */
export class Model {
  private readonly kinds = new Map<string, Map<string, FieldKind>>();
  readonly calendar: CalendarDecl | undefined;

  constructor(readonly ruleset: ResolvedRuleset) {
    this.calendar = ruleset.calendars[0];
  }

  kindsOf(entity: ResolvedEntity): Map<string, FieldKind> {
    let kinds = this.kinds.get(entity.name);
    if (!kinds) {
      kinds = new Map(
        entity.fields.map((f) => [
          f.name,
          fieldKind(this.ruleset, f.decl.type),
        ]),
      );
      this.kinds.set(entity.name, kinds);
    }
    return kinds;
  }

  /** Decode a CSV row given by column name. */
  decode(
    entity: ResolvedEntity,
    row: Readonly<Record<string, string>>,
  ): IRecord {
    const kinds = this.kindsOf(entity);
    const rec: IRecord = {
      entity,
      raw: {},
      values: {},
      valid: {},
      text: {},
      unknown: {},
    };
    for (const field of entity.fields) {
      const text = Object.hasOwn(row, field.column) ? row[field.column] : "";
      rec.raw[field.name] = text;
      const unknown = (field.decl.unknownValues ?? []).some(
        (u) => u.value === text,
      );
      rec.unknown[field.name] = unknown && text !== "";
      if (text === "" || unknown) {
        rec.values[field.name] = undefined;
        rec.valid[field.name] = true;
        rec.text[field.name] = null;
        continue;
      }
      const kind = kinds.get(field.name)!;
      const decoded = decodeCell(kind, text);
      rec.values[field.name] = decoded.ok ? decoded.value : undefined;
      rec.valid[field.name] = decoded.ok;
      rec.text[field.name] = decoded.ok
        ? renderField(kind, decoded.value)
        : null;
    }
    return rec;
  }
}

/** Everything an expression can see. */
export interface Scope {
  model: Model;
  /** The record the rule runs on. */
  record: IRecord;
  /** The attribute under test (attribute rules): `value` is this field of `record`. */
  attribute: ResolvedField | undefined;
  /** Reporting reference date, days since 1970-01-01. */
  rrd: number;
  /** Decoded records of the IKB of one entity. */
  ikb: (entity: ResolvedEntity) => readonly IRecord[];
  /** Records iterated by enclosing aggregates (and the aggregate that does), innermost last. */
  iterated: { by: AggregateExpr; record: IRecord }[];
  /** The record with the same key in the previous delivery (T−1); undefined when there is none. */
  previous?: IRecord;
}

/** Where a path points: a field of a record, or a computed value (`rrd`). */
type Place = { record: IRecord; field: ResolvedField } | { value: Value };

/** What a name reads: the checker's link (dsl/links.ts); nothing (absent) when unresolved. */
function resolvePath(
  expr: Extract<Expr, { kind: "Path" }>,
  scope: Scope,
): Place {
  const links = scope.model.ruleset.links;
  const link = links.path(expr);
  switch (link?.kind) {
    case "rrd":
      return { value: { kind: "date", days: scope.rrd } };
    case "parameter":
      return { value: parameterValue(link.decl, scope.rrd) };
    case "value":
      return scope.attribute === undefined
        ? { value: undefined }
        : { record: scope.record, field: scope.attribute };
    case "previous":
      // only tested for presence: any value that is not absent will do
      return { value: scope.previous === undefined ? undefined : true };
    case "field": {
      const record =
        link.record === "current"
          ? scope.record
          : link.record === "previous"
            ? scope.previous
            : scope.iterated.find((i) => i.by === link.record)?.record;
      const field =
        record === undefined
          ? undefined
          : links.field(expr.name, record.entity);
      return record === undefined || field === undefined
        ? { value: undefined }
        : { record, field };
    }
    default:
      return { value: undefined };
  }
}

/**
 * The value of a parameter on the RRD (docs/language.md, Parameters): the period with
 * `from <= rrd < until` (an open `until` never ends); absent when no period holds the RRD.
 */
export function parameterValue(decl: ParameterDecl, rrd: number): Value {
  const period = decl.values.find((v) => {
    const from = parseDate(v.from.text);
    const until = v.until === undefined ? undefined : parseDate(v.until.text);
    return (
      from !== undefined && from <= rrd && (until === undefined || rrd < until)
    );
  });
  return period === undefined ? undefined : literalValue(period.value);
}

/** `is valid`: the text fits the field's type, and a `required` field is not empty. */
function fitsField(record: IRecord, field: ResolvedField): boolean {
  if (record.valid[field.name] === false) return false;
  return !(field.decl.required && (record.raw[field.name] ?? "") === "");
}

function placeValue(place: Place): Value {
  return "value" in place ? place.value : place.record.values[place.field.name];
}

/** The value of a literal. */
export function literalValue(lit: Literal): Value {
  switch (lit.kind) {
    case "String":
      return lit.value;
    case "Integer":
    case "Decimal":
      return new Dec(lit.text);
    case "Date": {
      const days = parseDate(lit.text);
      return days === undefined ? undefined : { kind: "date", days };
    }
    case "DateTime": {
      const ms = parseDateTime(lit.text);
      return ms === undefined ? undefined : { kind: "datetime", ms };
    }
    case "Boolean":
      return lit.value;
    case "Duration":
      return { kind: "duration", amount: lit.amount, unit: lit.unit };
    case "Percent":
      return new Dec(lit.text);
  }
}

/** Evaluate a condition: only `true` counts as true (absent is false). */
export function truthy(expr: Expr, scope: Scope): boolean {
  return evaluate(expr, scope) === true;
}

const regexCache = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    // The pattern is tested against the whole text (docs/language.md, Expressions).
    re = new RegExp(`^(?:${pattern})$`, "u");
    regexCache.set(pattern, re);
  }
  return re;
}

const ALPHA2 = new Set(Object.keys(countries.getAlpha2Codes()));

function validBsn(text: string): boolean {
  if (!/^[0-9]{9}$/.test(text)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(text[i]) * (9 - i);
  sum -= Number(text[8]);
  return sum % 11 === 0;
}

/** Text of a value for text functions: strings as they are, other values as canonical text. */
function textOf(v: Value): string {
  return typeof v === "string" ? v : renderValue(v);
}

const MS: Record<string, number> = {
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  days: 86_400_000,
};

function addWorkdaysTo(days: number, n: number, scope: Scope): number {
  const cal = scope.model.calendar;
  if (!cal) throw new Error("workdays need a calendar in scope");
  const out = parseDate(addWorkdays(cal, formatDate(days), n));
  if (out === undefined) throw new Error("calendar returned a bad date");
  return out;
}

/** `date|datetime ± duration` (and `duration + date|datetime`). */
function shift(a: Value, b: Value, sign: 1 | -1, scope: Scope): Value {
  const swapped =
    sign === 1 &&
    a !== undefined &&
    typeof a === "object" &&
    !isDec(a) &&
    a.kind === "duration";
  const base = swapped ? b : a;
  const dur = swapped ? a : b;
  if (
    base === undefined ||
    dur === undefined ||
    typeof base !== "object" ||
    isDec(base)
  )
    return undefined;
  if (typeof dur !== "object" || isDec(dur) || dur.kind !== "duration")
    return undefined;
  const n = sign * dur.amount;
  if (base.kind === "date") {
    switch (dur.unit) {
      case "days":
        return { kind: "date", days: base.days + n };
      case "months":
        return { kind: "date", days: addMonths(base.days, n) };
      case "years":
        return { kind: "date", days: addMonths(base.days, 12 * n) };
      case "workdays":
        return { kind: "date", days: addWorkdaysTo(base.days, n, scope) };
      default:
        // A date shifted by seconds/minutes/hours becomes an instant.
        return {
          kind: "datetime",
          ms: base.days * 86_400_000 + n * MS[dur.unit],
        };
    }
  }
  if (base.kind === "datetime") {
    if (dur.unit in MS)
      return { kind: "datetime", ms: base.ms + n * MS[dur.unit] };
    const day = Math.floor(base.ms / 86_400_000);
    const within = base.ms - day * 86_400_000;
    if (dur.unit === "months" || dur.unit === "years") {
      const months = dur.unit === "years" ? 12 * n : n;
      return {
        kind: "datetime",
        ms: addMonths(day, months) * 86_400_000 + within,
      };
    }
    if (dur.unit === "workdays")
      return {
        kind: "datetime",
        ms: addWorkdaysTo(day, n, scope) * 86_400_000 + within,
      };
  }
  return undefined;
}

function scaleOfType(expr: Expr, v: Dec): number {
  const t = expr.type;
  if (t?.kind === "decimal") return t.scale;
  if (t?.kind === "integer") return 0;
  return Math.max(0, v.decimalPlaces());
}

/** Evaluate an expression to a value (undefined = absent). */
export function evaluate(expr: Expr, scope: Scope): Value {
  switch (expr.kind) {
    case "String":
    case "Integer":
    case "Decimal":
    case "Date":
    case "DateTime":
    case "Boolean":
    case "Duration":
    case "Percent":
      return literalValue(expr);
    case "Path":
      return placeValue(resolvePath(expr, scope));
    case "Unary": {
      const v = evaluate(expr.operand, scope);
      if (expr.op === "not") return v !== true;
      if (isDec(v)) return v.neg();
      if (v && typeof v === "object" && v.kind === "duration")
        return { ...v, amount: -v.amount };
      return undefined;
    }
    case "Binary":
      return binary(expr, scope);
    case "Is": {
      let result: boolean;
      if (expr.test === "valid") {
        const place =
          expr.operand.kind === "Path"
            ? resolvePath(expr.operand, scope)
            : undefined;
        result =
          place && "record" in place
            ? fitsField(place.record, place.field)
            : true;
      } else if (expr.test === "unknown") {
        const place =
          expr.operand.kind === "Path"
            ? resolvePath(expr.operand, scope)
            : undefined;
        result =
          place !== undefined &&
          "record" in place &&
          place.record.unknown[place.field.name] === true;
      } else {
        const present = evaluate(expr.operand, scope) !== undefined;
        result =
          expr.test === "present" || expr.test === "known" ? present : !present;
      }
      return expr.negated ? !result : result;
    }
    case "In": {
      const v = evaluate(expr.operand, scope);
      const listed =
        expr.table === undefined
          ? expr.values
          : tableCells(scope, expr.table, expr.column);
      const found =
        v !== undefined &&
        listed.some((lit) => {
          const w = literalValue(lit);
          return w !== undefined && compareValues(v, w) === 0;
        });
      return expr.negated ? !found : found;
    }
    case "Matches": {
      const v = evaluate(expr.operand, scope);
      if (v === undefined) return false;
      return regex(expr.pattern.value).test(textOf(v));
    }
    case "Call":
      return call(expr, scope);
    case "Aggregate":
      return aggregate(expr, scope);
    case "If":
      return truthy(expr.condition, scope)
        ? evaluate(expr.then, scope)
        : evaluate(expr.otherwise, scope);
  }
}

/** Decimal.js's rounding constant for each mode of `round(x, places, mode)`. */
const ROUNDING: Record<string, Decimal.Rounding> = {
  half_even: Dec.ROUND_HALF_EVEN,
  half_up: Dec.ROUND_HALF_UP,
  half_down: Dec.ROUND_HALF_DOWN,
  up: Dec.ROUND_UP,
  down: Dec.ROUND_DOWN,
  ceiling: Dec.ROUND_CEIL,
  floor: Dec.ROUND_FLOOR,
};

/** The least (`sign` -1) or greatest (1) of numbers, or of dates, or of datetimes; absent if one is. */
function extreme(args: Value[], sign: 1 | -1): Value {
  let best: Value;
  for (const v of args) {
    if (v === undefined) return undefined;
    if (best === undefined) best = v;
    else {
      const c = compareValues(v, best);
      if (c === undefined) return undefined;
      if (c * sign > 0) best = v;
    }
  }
  return best;
}

function binary(expr: Extract<Expr, { kind: "Binary" }>, scope: Scope): Value {
  const { op } = expr;
  if (op === "and")
    return truthy(expr.left, scope) && truthy(expr.right, scope);
  if (op === "or") return truthy(expr.left, scope) || truthy(expr.right, scope);
  const a = evaluate(expr.left, scope);
  const b = evaluate(expr.right, scope);
  switch (op) {
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=": {
      if (a === undefined || b === undefined) return false;
      const c = compareValues(a, b);
      if (c === undefined) return false;
      return op === "="
        ? c === 0
        : op === "!="
          ? c !== 0
          : op === "<"
            ? c < 0
            : op === "<="
              ? c <= 0
              : op === ">"
                ? c > 0
                : c >= 0;
    }
    case "+":
    case "-": {
      if (a === undefined || b === undefined) return undefined;
      if (isDec(a) && isDec(b)) return op === "+" ? a.plus(b) : a.minus(b);
      return shift(a, b, op === "+" ? 1 : -1, scope);
    }
    case "*":
      if (!isDec(a) || !isDec(b)) return undefined;
      return a.times(b);
    case "/": {
      if (!isDec(a) || !isDec(b) || b.isZero()) return undefined;
      const scale =
        Math.max(scaleOfType(expr.left, a), scaleOfType(expr.right, b)) + 6;
      return a.div(b).toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
    }
  }
}

/**
 * The cells of one column of a reference-data table (docs/language.md, Reference data): the named
 * column, or without a name the key column. None when the checker could not link the table.
 */
function tableCells(
  scope: Scope,
  table: Ident,
  column: Ident | undefined,
): Literal[] {
  const target = scope.model.ruleset.links.target(table);
  if (target?.kind !== "table") return [];
  const i = target.decl.columns.findIndex((c) =>
    column === undefined ? c.key : c.name.name === column.name,
  );
  return i < 0 ? [] : target.decl.rows.map((r) => r.values[i]!);
}

/**
 * `lookup(T.c, key)`: column `c` of the row of T whose key cell equals `key` (numbers by value);
 * absent when the key is absent or no row has it.
 */
function lookup(expr: Extract<Expr, { kind: "Call" }>, scope: Scope): Value {
  const [target, keyExpr] = expr.args;
  if (target?.kind !== "Path" || target.entity === undefined) return undefined;
  const key = evaluate(keyExpr, scope);
  if (key === undefined) return undefined;
  const keys = tableCells(scope, target.entity, undefined);
  const values = tableCells(scope, target.entity, target.name);
  const i = keys.findIndex((k) => {
    const w = literalValue(k);
    return w !== undefined && compareValues(key, w) === 0;
  });
  return i < 0 || values[i] === undefined ? undefined : literalValue(values[i]);
}

function call(expr: Extract<Expr, { kind: "Call" }>, scope: Scope): Value {
  if (expr.callee.name === "lookup") return lookup(expr, scope);
  if (expr.callee.name === "round") {
    const [x, places, mode] = expr.args;
    const v = evaluate(x, scope);
    if (!isDec(v) || places.kind !== "Integer" || mode.kind !== "Path")
      return undefined;
    return v.toDecimalPlaces(Number(places.text), ROUNDING[mode.name.name]);
  }
  const args = expr.args.map((a) => evaluate(a, scope));
  const x = args[0];
  if (expr.callee.name.startsWith("normalized_"))
    return normalize(
      expr.callee.name,
      args.map((a) => (a === undefined ? undefined : textOf(a))),
    );
  switch (expr.callee.name) {
    case "min":
      return extreme(args, -1);
    case "max":
      return extreme(args, 1);
    case "length":
      return x === undefined ? undefined : new Dec([...textOf(x)].length);
    case "year":
      if (x && typeof x === "object" && !isDec(x)) {
        if (x.kind === "date") return new Dec(civilFromDays(x.days).y);
        if (x.kind === "datetime")
          return new Dec(civilFromDays(Math.floor(x.ms / 86_400_000)).y);
      }
      return undefined;
    case "valid_iban":
      return x !== undefined && isValidIBAN(textOf(x));
    case "valid_bsn":
      return x !== undefined && validBsn(textOf(x));
    case "valid_country":
      return x !== undefined && ALPHA2.has(textOf(x));
    case "valid_postcode":
      return x !== undefined && /^[1-9][0-9]{3} [A-Z]{2}$/.test(textOf(x));
    case "derived_from":
      return derivedFrom(x, args[1]);
    default:
      throw new Error(`unknown function ${expr.callee.name}`);
  }
}

function aggregate(
  expr: Extract<Expr, { kind: "Aggregate" }>,
  scope: Scope,
): Value {
  const links = scope.model.ruleset.links;
  const entity = links.entity(expr.entity);
  const records = entity === undefined ? [] : scope.ikb(entity);
  const selected = records.filter(
    (r) =>
      expr.where === undefined ||
      truthy(expr.where, {
        ...scope,
        iterated: [...scope.iterated, { by: expr, record: r }],
      }),
  );
  if (expr.op === "exists") return selected.length > 0;
  if (expr.op === "count") return new Dec(selected.length);
  let total = new Dec(0);
  if (expr.value !== undefined) {
    for (const r of selected) {
      const v = evaluate(expr.value, {
        ...scope,
        iterated: [...scope.iterated, { by: expr, record: r }],
      });
      if (isDec(v)) total = total.plus(v);
    }
    return total;
  }
  const field = links.field(expr.field, entity);
  for (const r of selected) {
    const v = field === undefined ? undefined : r.values[field.name];
    if (isDec(v)) total = total.plus(v);
  }
  return total;
}

/**
 * The names of the fields of the record under test (of `entity`) an expression reads; fields of
 * records iterated by `exists` / `count` / `sum` do not count.
 */
export function fieldsRead(
  links: Links,
  expr: Expr | undefined,
  entity: ResolvedEntity,
  out: Set<string>,
): Set<string> {
  if (!expr) return out;
  switch (expr.kind) {
    case "Path": {
      const link = links.path(expr);
      const field =
        link?.kind === "field" && link.record === "current"
          ? links.field(expr.name, entity)
          : undefined;
      if (field !== undefined) out.add(field.name);
      break;
    }
    case "Unary":
      fieldsRead(links, expr.operand, entity, out);
      break;
    case "Binary":
      fieldsRead(links, expr.left, entity, out);
      fieldsRead(links, expr.right, entity, out);
      break;
    case "Is":
    case "In":
    case "Matches":
      fieldsRead(links, expr.operand, entity, out);
      break;
    case "Call":
      for (const a of expr.args) fieldsRead(links, a, entity, out);
      break;
    case "Aggregate":
      fieldsRead(links, expr.value, entity, out);
      fieldsRead(links, expr.where, entity, out);
      break;
    case "If":
      fieldsRead(links, expr.condition, entity, out);
      fieldsRead(links, expr.then, entity, out);
      fieldsRead(links, expr.otherwise, entity, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * `derived_from(id, value)` (docs/language.md, Functions): the identifier holds the value (6
 * characters or more), in any letter case, or its md5, sha1 or sha256 hex digest.
 */
function derivedFrom(id: Value, value: Value): boolean {
  if (id === undefined || value === undefined) return false;
  const v = textOf(value);
  if (v.length < 6) return false;
  const haystack = textOf(id).toLowerCase();
  const digests = ["md5", "sha1", "sha256"].map((a) =>
    createHash(a).update(v, "utf8").digest("hex"),
  );
  return [v.toLowerCase(), ...digests].some((n) => haystack.includes(n));
}
