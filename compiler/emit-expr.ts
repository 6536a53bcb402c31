/**
 * Expressions: compiles a checked `.regel` expression to a TypeScript expression, following the
 * semantics of docs/language.md exactly:
 *
 * - absent is `undefined`; a comparison, `in`, `matches` or function call with an absent operand is
 *   `false` (and `not` of it `true`; `x not in (...)` is `not (x in (...))`); arithmetic with an
 *   absent operand is absent;
 * - numbers are exact: integers are JS numbers while they are only compared, every arithmetic
 *   result is a bigint at a static scale (`+ -` the larger scale, `*` the sum, `/` the larger
 *   plus 6 with half-even rounding; division by zero is absent);
 * - dates are day numbers, datetimes milliseconds; they compare in time; `+ months` clamps to the
 *   month end; `workdays` use the calendar in scope.
 *
 * @module
 */
import type {
  AggregateExpr,
  BinaryExpr,
  CalendarDecl,
  CallExpr,
  DurationUnit,
  Expr,
  HolidayDecl,
  Ident,
  IfExpr,
  InExpr,
  Literal,
  ParameterDecl,
  PathExpr,
  TableColumn,
  TableDecl,
  Span,
} from "../dsl/ast.js";
import type { ResolvedEntity, ResolvedField } from "../dsl/model.js";
import { doc, id, join, lit, prop, text, ts, type Code } from "./code.js";
import { CompileError, type ModuleContext } from "./emit-context.js";
import { fieldKind, recordType } from "./emit-types.js";

/** The static kind of a compiled expression. */
export type Kind =
  /** A condition: a JS boolean, never absent. */
  | { k: "cond" }
  /** A boolean field value: `boolean | undefined`. */
  | { k: "boolean" }
  | { k: "text" }
  /** An integer as a JS number. */
  | { k: "num" }
  /** An exact decimal: bigint unscaled at `scale`. */
  | { k: "big"; scale: number }
  | { k: "date" }
  | { k: "datetime" }
  /** `calendar`: the one `workdays` count with (linked by the checker). */
  | {
      k: "duration";
      unit: DurationUnit;
      amount: number;
      calendar?: CalendarDecl;
      /** A `duration` parameter: the amount read on the RRD (`number | undefined`), instead of `amount`. */
      dynamic?: Code;
    };

export interface Value {
  code: Code;
  kind: Kind;
  /** May be undefined at run time. */
  absent: boolean;
  /** Cheap and side-effect free to evaluate twice (a literal or a property read). */
  simple: boolean;
  /** A numeric literal, for conversions at compile time. */
  num?: { unscaled: bigint; scale: number };
  /** The record field this value reads, for `is valid` (a `required` field must also be present). */
  field?: { record: Code; name: string; required: boolean; unknown?: boolean };
}

/** Where an expression is evaluated. */
export interface Scope {
  ctx: ModuleContext;
  /** The entity of the record under test, read through `r`. */
  entity: ResolvedEntity;
  /** The attribute bound to `value` (attribute rules). */
  attribute: ResolvedField | undefined;
  /** Enclosing `where` records (and the aggregate that iterates each), innermost last. */
  bindings: { entity: ResolvedEntity; name: Code; by: AggregateExpr }[];
  /** Fields of the record under test that the expression reads (for the finding's values). */
  refs: ResolvedField[];
  /** Set when the expression needs the assembled IKB. */
  usage: { ikb: boolean };
}

export const R = id("r");
export const CTX = id("ctx");
const DAY_MS = 86400000;
const UNIT_MS: Partial<Record<DurationUnit, number>> = {
  s: 1000,
  min: 60000,
  h: 3600000,
  days: DAY_MS,
};

function fail(message: string, span: Span): never {
  throw new CompileError("REG501", message, span);
}

/** Compile an expression used as a condition. */
export function compileCondition(expr: Expr, scope: Scope): Code {
  return asCondition(compileExpr(expr, scope), expr.span);
}

function asCondition(v: Value, span: Span): Code {
  if (v.kind.k === "cond") return v.code;
  // A helper, not `=== true`: TypeScript would narrow the field across the fused && chain.
  if (v.kind.k === "boolean")
    return v.simple && !v.absent ? v.code : ts`$isTrue(${v.code})`;
  return fail("a condition must be a true/false expression", span);
}

const cond = (code: Code): Value => ({
  code,
  kind: { k: "cond" },
  absent: false,
  simple: false,
});

/** Conditions with a simpler written negation (`x === undefined` for `x !== undefined`). */
const NEGATIONS = new WeakMap<Code, Code>();

/** The negation of a condition, as readable as possible. */
export function not(condition: Code): Code {
  return NEGATIONS.get(condition) ?? ts`!${condition}`;
}

/** Register the written negation of a condition (see {@link not}). */
export function withNegation(code: Code, negation: Code): Code {
  NEGATIONS.set(code, negation);
  NEGATIONS.set(negation, code);
  return code;
}

export function compileExpr(expr: Expr, scope: Scope): Value {
  switch (expr.kind) {
    case "String":
    case "Integer":
    case "Decimal":
    case "Date":
    case "DateTime":
    case "Boolean":
    case "Percent":
      return compileLiteral(expr);
    case "Duration": {
      const v = compileLiteral(expr);
      const calendar = scope.ctx.ruleset.links.declared(expr, "calendar");
      return v.kind.k === "duration" && calendar !== undefined
        ? { ...v, kind: { ...v.kind, calendar: calendar.decl } }
        : v;
    }
    case "Path":
      return compilePath(expr, scope);
    case "Unary":
      if (expr.op === "not")
        return cond(not(compileCondition(expr.operand, scope)));
      return negate(compileExpr(expr.operand, scope), expr.span);
    case "Binary":
      return compileBinary(expr, scope);
    case "Is": {
      const v = compileExpr(expr.operand, scope);
      if (expr.test === "valid") {
        // `is valid`: the text fitted the type, and a `required` field is not empty.
        const test =
          v.field === undefined
            ? ts`true`
            : v.field.required
              ? ts`($isValid(${v.field.record}, ${v.field.name}) && ${v.code} !== undefined)`
              : ts`$isValid(${v.field.record}, ${v.field.name})`;
        return cond(expr.negated ? ts`!${test}` : test);
      }
      if (expr.test === "unknown") {
        // `is unknown`: delivered as one of the field's `unknown` texts (kept in `$unknown`).
        const test =
          v.field === undefined || (v.field.unknown ?? false) === false
            ? ts`false`
            : ts`$isUnknown(${v.field.record}, ${v.field.name})`;
        return cond(expr.negated ? ts`!${test}` : test);
      }
      const present = v.absent
        ? withNegation(
            ts`(${v.code} !== undefined)`,
            ts`(${v.code} === undefined)`,
          )
        : ts`true`;
      // `is known` is `is present`: a real value, not empty, not bad, not an unknown text.
      const wantPresent =
        (expr.test === "present" || expr.test === "known") !== expr.negated;
      return cond(wantPresent ? present : not(present));
    }
    case "In":
      return compileIn(expr, scope);
    case "Matches": {
      const v = compileExpr(expr.operand, scope);
      if (v.kind.k !== "text")
        fail("`matches` needs a text operand", expr.span);
      const whole = `^(?:${expr.pattern.value})$`;
      try {
        new RegExp(whole, "u");
      } catch (e) {
        throw new CompileError(
          "REG502",
          `invalid regular expression: ${(e as Error).message}`,
          expr.pattern.span,
        );
      }
      const re = scope.ctx.hoist("RE", ts`new RegExp(${whole}, "u")`);
      return cond(ts`$matches(${re}, ${v.code})`);
    }
    case "Call":
      return compileCall(expr, scope);
    case "Aggregate":
      return compileAggregate(expr, scope);
    case "If":
      return compileIf(expr, scope);
  }
}

/** `if c then a else b`: both branches in one representation, `c ? a : b`. */
function compileIf(expr: IfExpr, scope: Scope): Value {
  const c = compileCondition(expr.condition, scope);
  const [a, b] = branches(
    compileExpr(expr.then, scope),
    compileExpr(expr.otherwise, scope),
    expr.span,
  );
  return {
    code: ts`(${c} ? ${a.code} : ${b.code})`,
    kind: a.kind,
    absent: a.absent || b.absent,
    simple: false,
  };
}

/** Two values that are to stand in one place (`if` branches, `min`/`max` arguments) in one kind. */
function branches(a: Value, b: Value, span: Span): [Value, Value] {
  const ka = a.kind.k;
  const kb = b.kind.k;
  if (isNumeric(a.kind) && isNumeric(b.kind)) {
    if (ka === "num" && kb === "num") return [a, b];
    const s = Math.max(scaleOf(a.kind), scaleOf(b.kind));
    const conv = (v: Value): Value => ({
      ...v,
      code: toBig(v, s),
      kind: { k: "big", scale: s },
      num: undefined,
    });
    return [conv(a), conv(b)];
  }
  const boolish = (k: string) => k === "cond" || k === "boolean";
  if (boolish(ka) && boolish(kb)) {
    if (ka === kb) return [a, b];
    // A condition is never absent; as a boolean value it is the same `true` / `false`.
    const conv = (v: Value): Value => ({ ...v, kind: { k: "boolean" } });
    return [conv(a), conv(b)];
  }
  if (ka === kb && ka !== "duration") return [a, b];
  return fail(`the two values cannot be one type (${ka}, ${kb})`, span);
}

// ---------------------------------------------------------------- literals and names

export function dayNumberOf(textValue: string, span: Span): number {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(textValue);
  if (m === null) fail(`not a date: ${textValue}`, span);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d
  )
    fail(`not a calendar day: ${textValue}`, span);
  return Math.round(t / DAY_MS);
}

export function millisOf(textValue: string, span: Span): number {
  const m =
    /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))$/.exec(
      textValue,
    );
  if (m === null) fail(`not a date-time: ${textValue}`, span);
  const day = dayNumberOf(m[1], span);
  const [hh, mi, ss] = [
    Number(m[2]),
    Number(m[3]),
    m[4] === undefined ? 0 : Number(m[4]),
  ];
  const ms = m[5] === undefined ? 0 : Number((m[5] + "00").slice(0, 3));
  if (hh > 23 || mi > 59 || ss > 59)
    fail(`not a time of day: ${textValue}`, span);
  const offset =
    m[6] !== undefined
      ? 0
      : (m[7] === "-" ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60000;
  return day * DAY_MS + ((hh * 60 + mi) * 60 + ss) * 1000 + ms - offset;
}

/** Exact value of a decimal literal text. */
export function decimalOf(
  textValue: string,
  span: Span,
): { unscaled: bigint; scale: number } {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(textValue);
  if (m === null) fail(`not a number: ${textValue}`, span);
  const fraction = m[3] ?? "";
  const v = BigInt(m[2] + fraction);
  return { unscaled: m[1] === "-" ? -v : v, scale: fraction.length };
}

function compileLiteral(expr: Literal): Value {
  const constant = (code: Code, kind: Kind): Value => ({
    code,
    kind,
    absent: false,
    simple: true,
  });
  switch (expr.kind) {
    case "String":
      return constant(lit(expr.value), { k: "text" });
    case "Boolean":
      return constant(lit(expr.value), { k: "boolean" });
    case "Integer":
    case "Decimal": {
      const n = decimalOf(expr.text, expr.span);
      if (
        n.scale === 0 &&
        n.unscaled <= BigInt(Number.MAX_SAFE_INTEGER) &&
        n.unscaled >= -BigInt(Number.MAX_SAFE_INTEGER)
      ) {
        return { ...constant(lit(Number(n.unscaled)), { k: "num" }), num: n };
      }
      return {
        ...constant(lit(n.unscaled), { k: "big", scale: n.scale }),
        num: n,
      };
    }
    case "Date":
      return constant(lit(dayNumberOf(expr.text, expr.span)), { k: "date" });
    case "DateTime":
      return constant(lit(millisOf(expr.text, expr.span)), { k: "datetime" });
    case "Duration":
      if (!Number.isSafeInteger(expr.amount))
        fail("a duration must be a whole number", expr.span);
      return constant(ts`0`, {
        k: "duration",
        unit: expr.unit,
        amount: expr.amount,
      });
    case "Percent":
      return fail("percentages can only be used in norms", expr.span);
  }
}

/** The kind of a field value. */
export function kindOfField(
  scope: Pick<Scope, "ctx">,
  field: ResolvedField,
): Kind {
  const kind = fieldKind(scope.ctx.ruleset, field.decl.type);
  switch (kind.k) {
    case "text":
    case "code":
      return { k: "text" };
    case "integer":
      return { k: "num" };
    case "decimal":
      return { k: "big", scale: kind.scale };
    default:
      return { k: kind.k };
  }
}

function readField(
  scope: Scope,
  record: Code,
  field: ResolvedField,
  current: boolean,
): Value {
  if (current && !scope.refs.includes(field)) scope.refs.push(field);
  return {
    code: prop(record, field.name),
    kind: kindOfField(scope, field),
    absent: true,
    simple: true,
    field: {
      record,
      name: field.name,
      required: field.decl.required,
      unknown: (field.decl.unknownValues?.length ?? 0) > 0,
    },
  };
}

/**
 * The record under test as the previous delivery has it: the record of its entity with the same
 * key among the IKB's records in T−1 (`ctx.previous`); undefined when there is none.
 */
function previousRecord(scope: Scope): Code {
  const key = scope.ctx.hoist(
    "KEY",
    lit(scope.entity.key),
    ts`readonly string[]`,
  );
  return ts`$previous(${CTX}.previous?.[${scope.entity.name}], ${R}, ${key})`;
}

/** A name: what the checker linked it to (dsl/links.ts). */
function compilePath(expr: PathExpr, scope: Scope): Value {
  const links = scope.ctx.ruleset.links;
  const link = links.path(expr);
  const written =
    expr.entity === undefined
      ? expr.name.name
      : `${expr.entity.name}.${expr.name.name}`;
  if (link === undefined) return fail(`unknown name \`${written}\``, expr.span);
  switch (link.kind) {
    case "rrd":
      return {
        code: prop(CTX, "rrd"),
        kind: { k: "date" },
        absent: false,
        simple: true,
      };
    case "value":
      if (scope.attribute === undefined)
        fail(
          "`value` is only defined in attribute rules (`for E.f`)",
          expr.span,
        );
      return readField(scope, R, scope.attribute, true);
    case "parameter":
      return compileParameter(link.decl, scope);
    case "previous":
      return {
        code: previousRecord(scope),
        kind: { k: "text" },
        absent: true,
        simple: false,
      };
    case "field": {
      if (link.record === "previous") {
        const f = links.field(expr.name, scope.entity);
        if (f === undefined)
          fail(
            `\`${written}\` is not a field of the record under test (\`${scope.entity.name}\`)`,
            expr.span,
          );
        return {
          code: prop(ts`${previousRecord(scope)}?`, f.name),
          kind: kindOfField(scope, f),
          absent: true,
          simple: false,
        };
      }
      if (link.record === "current") {
        const f = links.field(expr.name, scope.entity);
        if (f === undefined)
          fail(
            `\`${written}\` is not a field of the record under test (\`${scope.entity.name}\`)`,
            expr.span,
          );
        return readField(scope, R, f, true);
      }
      const b = scope.bindings.find((x) => x.by === link.record);
      const f = links.field(expr.name, b?.entity);
      if (b === undefined || f === undefined)
        fail(`unknown field \`${written}\``, expr.span);
      return readField(scope, b.name, f, false);
    }
  }
}

/**
 * A parameter: its periods embedded as data (values as literals, in the representation of its
 * type), the one that holds the RRD chosen at run time.
 */
function compileParameter(decl: ParameterDecl, scope: Scope): Value {
  if (decl.type === "duration") return compileDurationParameter(decl, scope);
  const kind: Kind =
    decl.type === "integer"
      ? { k: "num" }
      : decl.type === "decimal" || decl.type === "money"
        ? {
            k: "big",
            scale:
              decl.type === "money"
                ? 2
                : Math.max(
                    0,
                    ...decl.values.map((v) =>
                      v.value.kind === "Decimal"
                        ? decimalOf(v.value.text, v.value.span).scale
                        : 0,
                    ),
                  ),
          }
        : decl.type === "date"
          ? { k: "date" }
          : decl.type === "text"
            ? { k: "text" }
            : decl.type === "boolean"
              ? { k: "boolean" }
              : fail("percentages can only be used in norms", decl.name.span);
  const valueOf = (l: Literal): Code => {
    if (kind.k === "big") {
      const n = decimalOf(
        l.kind === "Integer" || l.kind === "Decimal" ? l.text : "",
        l.span,
      );
      return lit(n.unscaled * pow10(kind.scale - n.scale));
    }
    return compileLiteral(l).code;
  };
  const type =
    kind.k === "num" || kind.k === "date"
      ? ts`number`
      : kind.k === "big"
        ? ts`bigint`
        : kind.k === "text"
          ? ts`string`
          : ts`boolean`;
  const periods = decl.values.map(
    (v) =>
      ts`[${lit(dayNumberOf(v.from.text, v.from.span))}, ${v.until === undefined ? ts`undefined` : lit(dayNumberOf(v.until.text, v.until.span))}, ${valueOf(v.value)}]`,
  );
  const table = scope.ctx.hoist(
    "PARAM",
    ts`[${join(periods, ", ")}]`,
    ts`readonly $Period<${type}>[]`,
  );
  return {
    code: ts`$paramAt(${table}, ${prop(CTX, "rrd")})`,
    kind,
    absent: true,
    simple: false,
  };
}

/**
 * A `duration` parameter: its amounts per period embedded as data (the unit is one for all
 * periods, REG133), the one that holds the RRD chosen at run time; only date arithmetic reads it.
 */
function compileDurationParameter(decl: ParameterDecl, scope: Scope): Value {
  const first = decl.values.find((v) => v.value.kind === "Duration")?.value;
  if (first?.kind !== "Duration")
    return fail("a duration parameter needs a duration value", decl.name.span);
  const periods = decl.values.map((v) => {
    if (v.value.kind !== "Duration" || !Number.isSafeInteger(v.value.amount))
      fail("a duration must be a whole number", v.value.span);
    return ts`[${lit(dayNumberOf(v.from.text, v.from.span))}, ${v.until === undefined ? ts`undefined` : lit(dayNumberOf(v.until.text, v.until.span))}, ${lit(v.value.amount)}]`;
  });
  const table = scope.ctx.hoist(
    "PARAM",
    ts`[${join(periods, ", ")}]`,
    ts`readonly $Period<number>[]`,
  );
  const calendar = scope.ctx.ruleset.links.declared(first, "calendar");
  return {
    code: ts`0`,
    kind: {
      k: "duration",
      unit: first.unit,
      amount: 0,
      dynamic: ts`$paramAt(${table}, ${prop(CTX, "rrd")})`,
      ...(calendar === undefined ? {} : { calendar: calendar.decl }),
    },
    absent: false,
    simple: true,
  };
}

// ---------------------------------------------------------------- numbers

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function isNumeric(k: Kind): boolean {
  return k.k === "num" || k.k === "big";
}

function scaleOf(k: Kind): number {
  return k.k === "big" ? k.scale : 0;
}

/** A numeric value as a bigint at `scale` (not below its own scale). */
function toBig(v: Value, scale: number): Code {
  const own = scaleOf(v.kind);
  if (v.num !== undefined)
    return lit(v.num.unscaled * pow10(scale - v.num.scale));
  const big = v.kind.k === "num" ? ts`$big(${v.code})` : v.code;
  return scale === own ? big : ts`$scale(${big}, ${lit(pow10(scale - own))})`;
}

const big = (code: Code, scale: number): Value => ({
  code,
  kind: { k: "big", scale },
  absent: true,
  simple: false,
});

function negate(v: Value, span: Span): Value {
  if (!isNumeric(v.kind)) fail("`-` needs a number", span);
  if (v.num !== undefined) {
    const n = { unscaled: -v.num.unscaled, scale: v.num.scale };
    return v.kind.k === "num"
      ? { ...v, code: lit(Number(n.unscaled)), num: n }
      : { ...v, code: lit(n.unscaled), num: n };
  }
  return big(ts`$neg(${toBig(v, scaleOf(v.kind))})`, scaleOf(v.kind));
}

/** The scale the checker gave an operand (decimal scale, 0 for integers), if any. */
function checkedScale(expr: Expr): number | undefined {
  const t = expr.type;
  return t?.kind === "decimal"
    ? t.scale
    : t?.kind === "integer"
      ? 0
      : undefined;
}

function arithmetic(
  op: "+" | "-" | "*" | "/",
  a: Value,
  b: Value,
  span: Span,
  operands: [Expr, Expr],
): Value {
  const sa = scaleOf(a.kind);
  const sb = scaleOf(b.kind);
  switch (op) {
    case "+":
    case "-": {
      const s = Math.max(sa, sb);
      return big(
        ts`${op === "+" ? ts`$add` : ts`$sub`}(${toBig(a, s)}, ${toBig(b, s)})`,
        s,
      );
    }
    case "*":
      return big(ts`$mul(${toBig(a, sa)}, ${toBig(b, sb)})`, sa + sb);
    case "/": {
      // Result scale: the larger operand scale (as the checker typed them) plus 6.
      const s =
        Math.max(
          checkedScale(operands[0]) ?? sa,
          checkedScale(operands[1]) ?? sb,
        ) + 6;
      const e = s + sb - sa;
      const [ma, mb] = e >= 0 ? [pow10(e), 1n] : [1n, pow10(-e)];
      return big(
        ts`$div(${toBig(a, sa)}, ${toBig(b, sb)}, ${lit(ma)}, ${lit(mb)})`,
        s,
      );
    }
  }
  return fail("unsupported arithmetic", span);
}

// ---------------------------------------------------------------- dates

/** The reporting reference date of the run, as generated code reads it. */
const RRD = prop(CTX, "rrd");

/**
 * `expr`, a date computed from the RRD alone, through a hoisted memo of its value for the last
 * RRD (`$memoRrd`): computed once per run, where every record would compute it again.
 */
function perRrd(ctx: ModuleContext, expr: Code): Code {
  const memo = ctx.hoistOnce(
    "rrdMemo",
    text(expr),
    (name) =>
      ts`const ${name}: { rrd: number; value: number | undefined } = { rrd: Number.NaN, value: undefined };`,
  );
  return ts`(${memo}.rrd === ${RRD} ? ${memo}.value : $memoRrd(${memo}, ${RRD}, ${expr}))`;
}

/**
 * A date or date-time plus or minus a duration; through {@link perRrd} when the date is the RRD
 * (the duration is a literal or a parameter on the RRD: the same date for every record of a run).
 */
function dateArithmetic(
  op: "+" | "-",
  a: Value,
  d: Extract<Kind, { k: "duration" }>,
  scope: Scope,
  span: Span,
): Value {
  const value = dateArithmeticOf(op, a, d, scope, span);
  return a.kind.k === "date" && text(a.code) === text(RRD)
    ? { ...value, code: perRrd(scope.ctx, value.code) }
    : value;
}

function dateArithmeticOf(
  op: "+" | "-",
  a: Value,
  d: Extract<Kind, { k: "duration" }>,
  scope: Scope,
  span: Span,
): Value {
  const sign = op === "+" ? 1 : -1;
  // The amount times `factor` (months per unit, ms per unit): a literal, or the parameter's
  // amount on the RRD scaled at run time (absent when no period holds the RRD).
  const amount = (factor: number): Code =>
    d.dynamic === undefined
      ? lit(sign * d.amount * factor)
      : ts`$times(${d.dynamic}, ${lit(sign * factor)})`;
  const out = (code: Code, k: "date" | "datetime"): Value => ({
    code,
    kind: { k },
    absent: true,
    simple: false,
  });
  const months =
    d.unit === "months"
      ? amount(1)
      : d.unit === "years"
        ? amount(12)
        : undefined;
  if (a.kind.k === "date") {
    if (d.unit === "days")
      return out(ts`$plus(${a.code}, ${amount(1)})`, "date");
    if (months !== undefined)
      return out(ts`$addMonths(${a.code}, ${months})`, "date");
    if (d.unit === "workdays")
      return out(
        ts`$addWorkdays(${a.code}, ${amount(1)}, ${calendar(scope, d.calendar, span)})`,
        "date",
      );
    return out(
      ts`$plus($dayToMs(${a.code}), ${amount(UNIT_MS[d.unit] ?? 0)})`,
      "datetime",
    );
  }
  if (months !== undefined)
    return out(ts`$addMonthsMs(${a.code}, ${months})`, "datetime");
  if (d.unit === "workdays")
    return out(
      ts`$addWorkdaysMs(${a.code}, ${amount(1)}, ${calendar(scope, d.calendar, span)})`,
      "datetime",
    );
  return out(ts`$plus(${a.code}, ${amount(UNIT_MS[d.unit] ?? 0)})`, "datetime");
}

/** A holiday as the `$Holiday` data of compiler/helpers/workdays.ts. */
export function holidayData(h: HolidayDecl): {
  kind: 0 | 1;
  month: number;
  day: number;
  offset: number;
  ifSunday: number;
  from: number;
  until: number;
} {
  if (h.rule.kind === "date") {
    // `on 2022-05-27`: a fixed day whose first and last year are its own year
    const [y, m, d] = h.rule.date.text.split("-").map(Number);
    return {
      kind: 0,
      month: m,
      day: d,
      offset: 0,
      ifSunday: 0,
      from: y,
      until: y,
    };
  }
  return {
    kind: h.rule.kind === "easter" ? 1 : 0,
    month: h.rule.kind === "fixed" ? h.rule.month : 0,
    day: h.rule.kind === "fixed" ? h.rule.day : 0,
    offset: h.rule.kind === "easter" ? h.rule.offset : 0,
    ifSunday: h.ifSunday ?? 0,
    from: h.fromYear ?? 0,
    until: h.untilYear ?? 999999,
  };
}

/** The calendar `workdays` count with (the checker linked it), embedded as data. */
function calendar(
  scope: Scope,
  cal: CalendarDecl | undefined,
  span: Span,
): Code {
  if (cal === undefined)
    fail(
      "`workdays` need a calendar in scope (declare one or `uses` a ruleset that has one)",
      span,
    );
  const days = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
  ];
  const weekend = [
    ...new Set(
      cal.weekend
        .map((w) => days.indexOf(w.name.toLowerCase()))
        .filter((d) => d >= 0),
    ),
  ].sort();
  const holidays = cal.holidays.map((h) => lit(holidayData(h)));
  return scope.ctx.hoist(
    "CALENDAR",
    ts`{ weekend: ${lit(weekend)}, holidays: [${join(holidays, ", ")}] }`,
    ts`$Calendar`,
  );
}

// ---------------------------------------------------------------- comparisons

type CmpOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
const HELPER: Record<CmpOp, Code> = {
  "=": ts`$eq`,
  "!=": ts`$ne`,
  "<": ts`$lt`,
  "<=": ts`$le`,
  ">": ts`$gt`,
  ">=": ts`$ge`,
};
const JS_OP: Record<CmpOp, Code> = {
  "=": ts`===`,
  "!=": ts`!==`,
  "<": ts`<`,
  "<=": ts`<=`,
  ">": ts`>`,
  ">=": ts`>=`,
};

/** Bring two operands to one comparable representation. */
function unify(a: Value, b: Value, span: Span): [Value, Value] {
  const ka = a.kind.k;
  const kb = b.kind.k;
  if (ka === kb && ka !== "big" && ka !== "duration") return [a, b];
  if (isNumeric(a.kind) && isNumeric(b.kind)) {
    const s = Math.max(scaleOf(a.kind), scaleOf(b.kind));
    const conv = (v: Value): Value =>
      v.kind.k === "big" && scaleOf(v.kind) === s
        ? v
        : {
            ...v,
            code: toBig(v, s),
            kind: { k: "big", scale: s },
            simple: v.num !== undefined,
          };
    return [conv(a), conv(b)];
  }
  const dateLike = (k: string) => k === "date" || k === "datetime";
  if (dateLike(ka) && dateLike(kb)) {
    const conv = (v: Value): Value =>
      v.kind.k === "datetime"
        ? v
        : {
            ...v,
            code:
              v.simple && !v.absent
                ? ts`(${v.code} * ${DAY_MS})`
                : ts`$dayToMs(${v.code})`,
            kind: { k: "datetime" },
            simple: false,
          };
    return [conv(a), conv(b)];
  }
  if (
    (ka === "cond" || ka === "boolean") &&
    (kb === "cond" || kb === "boolean")
  )
    return [a, b];
  return fail(`cannot compare ${ka} with ${kb}`, span);
}

function compare(op: CmpOp, a0: Value, b0: Value, span: Span): Value {
  const [a, b] = unify(a0, b0, span);
  if (
    (a.kind.k === "cond" || a.kind.k === "boolean") &&
    op !== "=" &&
    op !== "!="
  )
    fail("true/false values can only be compared with = and !=", span);
  const booleans = a.kind.k === "cond" || a.kind.k === "boolean";
  if (op === "=" && (!a.absent || !b.absent) && !booleans)
    return cond(ts`(${a.code} === ${b.code})`);
  if (booleans) return cond(ts`${HELPER[op]}<boolean>(${a.code}, ${b.code})`);
  if (a.simple && b.simple) {
    const guards = [a, b]
      .filter((v) => v.absent)
      .map((v) => ts`${v.code} !== undefined`);
    return cond(
      ts`(${join([...guards, ts`${a.code} ${JS_OP[op]} ${b.code}`], " && ")})`,
    );
  }
  return cond(ts`${HELPER[op]}(${a.code}, ${b.code})`);
}

function compileBinary(expr: BinaryExpr, scope: Scope): Value {
  const op = expr.op;
  if (op === "and" || op === "or") {
    const l = compileCondition(expr.left, scope);
    const r = compileCondition(expr.right, scope);
    return cond(op === "and" ? ts`(${l} && ${r})` : ts`(${l} || ${r})`);
  }
  const a = compileExpr(expr.left, scope);
  const b = compileExpr(expr.right, scope);
  if (op === "+" || op === "-" || op === "*" || op === "/") {
    if (
      (a.kind.k === "date" || a.kind.k === "datetime") &&
      b.kind.k === "duration" &&
      (op === "+" || op === "-")
    ) {
      return dateArithmetic(op, a, b.kind, scope, expr.span);
    }
    if (
      a.kind.k === "duration" &&
      (b.kind.k === "date" || b.kind.k === "datetime") &&
      op === "+"
    ) {
      return dateArithmetic(op, b, a.kind, scope, expr.span);
    }
    if (isNumeric(a.kind) && isNumeric(b.kind))
      return arithmetic(op, a, b, expr.span, [expr.left, expr.right]);
    return fail(
      `\`${op}\` cannot combine ${a.kind.k} and ${b.kind.k}`,
      expr.span,
    );
  }
  return compare(op, a, b, expr.span);
}

// ---------------------------------------------------------------- in, calls

/** The table a name was linked to by the checker. */
function linkedTable(name: Ident, scope: Scope): TableDecl {
  const t = scope.ctx.ruleset.links.target(name);
  if (t?.kind !== "table") fail(`unknown table \`${name.name}\``, name.span);
  return t.decl;
}

/** The column `name` of `table` (its key column without a name). */
function tableColumn(
  table: TableDecl,
  name: Ident | undefined,
  span: Span,
): { column: TableColumn; index: number } {
  const index = table.columns.findIndex((c) =>
    name === undefined ? c.key : c.name.name === name.name,
  );
  if (index < 0) fail("unknown table column", span);
  return { column: table.columns[index]!, index };
}

/** How a column's values are represented: decimals at the largest scale written in the column. */
function columnKind(table: TableDecl, index: number): Kind {
  const c = table.columns[index]!;
  switch (c.type) {
    case "integer":
      return { k: "num" };
    case "money":
      return { k: "big", scale: 2 };
    case "decimal":
      return {
        k: "big",
        scale: Math.max(
          0,
          ...table.rows.map((r) => {
            const v = r.values[index];
            return v?.kind === "Decimal" ? decimalOf(v.text, v.span).scale : 0;
          }),
        ),
      };
    case "date":
      return { k: "date" };
    case "text":
      return { k: "text" };
    case "boolean":
      return { k: "boolean" };
  }
}

/** A table cell as code of its column's kind (through `lit`: never pasted as text). */
function cellCode(l: Literal, kind: Kind): Code {
  if (kind.k === "big") {
    const n = decimalOf(
      l.kind === "Integer" || l.kind === "Decimal" ? l.text : "",
      l.span,
    );
    return lit(n.unscaled * pow10(kind.scale - n.scale));
  }
  return compileLiteral(l).code;
}

/** The TypeScript type of a value of `kind` in a table map. */
function kindType(kind: Kind): Code {
  return kind.k === "num" || kind.k === "date"
    ? ts`number`
    : kind.k === "big"
      ? ts`bigint`
      : kind.k === "text"
        ? ts`string`
        : ts`boolean`;
}

/**
 * `lookup(rates.rate, key)`: the table embedded as a map from key to the column's value (keys and
 * values as literals), read at run time.
 */
function compileLookup(expr: CallExpr, scope: Scope): Value {
  const [target, keyExpr] = expr.args;
  if (target?.kind !== "Path" || target.entity === undefined || !keyExpr)
    fail("`lookup` takes a table column and a key", expr.span);
  const table = linkedTable(target.entity, scope);
  const { index: keyIndex } = tableColumn(table, undefined, expr.span);
  const { index } = tableColumn(table, target.name, target.name.span);
  const keyKind = columnKind(table, keyIndex);
  const valueKind = columnKind(table, index);
  const key = compileExpr(keyExpr, scope);
  let keyCode: Code;
  let keyScale = 0;
  if (keyKind.k === "text" && key.kind.k === "text") keyCode = key.code;
  else if (
    (keyKind.k === "date" && key.kind.k === "date") ||
    (keyKind.k === "num" && key.kind.k === "num")
  )
    keyCode = key.code;
  else if (isNumeric(keyKind) && isNumeric(key.kind)) {
    keyScale = Math.max(scaleOf(keyKind), scaleOf(key.kind));
    keyCode = toBig(key, keyScale);
  } else if (keyKind.k === "boolean" && key.kind.k === "boolean")
    keyCode = key.code;
  else
    fail(
      "the key of `lookup` must have the type of the key column",
      keyExpr.span,
    );
  const mapKeyKind: Kind =
    keyScale > 0 || (keyKind.k === "big" && isNumeric(key.kind))
      ? { k: "big", scale: keyScale }
      : keyKind.k === "big"
        ? { k: "big", scale: 0 }
        : keyKind;
  const entries = table.rows.map(
    (r) =>
      ts`[${cellCode(r.values[keyIndex]!, mapKeyKind)}, ${cellCode(r.values[index]!, valueKind)}]`,
  );
  const map = scope.ctx.hoist(
    "TABLE",
    ts`new Map<${kindType(mapKeyKind)}, ${kindType(valueKind)}>([${join(entries, ", ")}])`,
    ts`ReadonlyMap<${kindType(mapKeyKind)}, ${kindType(valueKind)}>`,
  );
  return {
    code: ts`$lookup(${map}, ${keyCode})`,
    kind: valueKind,
    absent: true,
    simple: false,
  };
}

function compileIn(expr: InExpr, scope: Scope): Value {
  const v = compileExpr(expr.operand, scope);
  let literals = expr.values;
  if (expr.table !== undefined) {
    // `in rates[.column]`: the column's values, as if listed.
    const table = linkedTable(expr.table, scope);
    const { index } = tableColumn(table, expr.column, expr.span);
    literals = table.rows.map((r) => r.values[index]!);
  }
  const values = literals.map((l) => compileLiteral(l));
  let test: Code;
  if (v.kind.k === "text" && values.every((x) => x.kind.k === "text")) {
    const set = scope.ctx.hoist(
      "IN",
      ts`new Set<string>([${join(
        values.map((x) => x.code),
        ", ",
      )}])`,
      ts`ReadonlySet<string>`,
    );
    test = ts`$in(${set}, ${v.code})`;
  } else if (isNumeric(v.kind) && values.every((x) => isNumeric(x.kind))) {
    const s = Math.max(scaleOf(v.kind), ...values.map((x) => scaleOf(x.kind)));
    if (
      s === 0 &&
      v.kind.k === "num" &&
      values.every((x) => x.kind.k === "num")
    ) {
      const set = scope.ctx.hoist(
        "IN",
        ts`new Set<number>([${join(
          values.map((x) => x.code),
          ", ",
        )}])`,
        ts`ReadonlySet<number>`,
      );
      test = ts`$in(${set}, ${v.code})`;
    } else {
      const set = scope.ctx.hoist(
        "IN",
        ts`new Set<bigint>([${join(
          values.map((x) => toBig(x, s)),
          ", ",
        )}])`,
        ts`ReadonlySet<bigint>`,
      );
      test = ts`$in(${set}, ${toBig(v, s)})`;
    }
  } else if (
    (v.kind.k === "date" || v.kind.k === "datetime") &&
    values.every((x) => x.kind.k === v.kind.k)
  ) {
    const set = scope.ctx.hoist(
      "IN",
      ts`new Set<number>([${join(
        values.map((x) => x.code),
        ", ",
      )}])`,
      ts`ReadonlySet<number>`,
    );
    test = ts`$in(${set}, ${v.code})`;
  } else {
    return fail(
      "the values of `in` must have the type of the tested value",
      expr.span,
    );
  }
  return cond(expr.negated ? ts`!${test}` : test);
}

/** `min(a, b, ...)`, `max(a, b, ...)`: absent when an argument is absent. */
function compileExtreme(expr: CallExpr, scope: Scope): Value {
  const name = expr.callee.name;
  if (expr.args.length < 2)
    fail(`\`${name}\` takes two or more arguments`, expr.span);
  let values = expr.args.map((a) => compileExpr(a, scope));
  // Every argument in the representation they all share (decimals at the largest scale).
  if (
    values.every((v) => isNumeric(v.kind)) &&
    values.some((v) => v.kind.k === "big")
  ) {
    const s = Math.max(...values.map((v) => scaleOf(v.kind)));
    values = values.map((v) => ({
      ...v,
      code: toBig(v, s),
      kind: { k: "big", scale: s },
    }));
  }
  if (values.some((v) => v.kind.k !== values[0].kind.k))
    fail(`the arguments of \`${name}\` cannot be one type`, expr.span);
  const kind = values[0].kind;
  if (
    kind.k !== "num" &&
    kind.k !== "big" &&
    kind.k !== "date" &&
    kind.k !== "datetime"
  )
    fail(`\`${name}\` compares numbers or dates`, expr.span);
  return {
    code: ts`${name === "min" ? ts`$min` : ts`$max`}([${join(
      values.map((v) => v.code),
      ", ",
    )}])`,
    kind,
    absent: true,
    simple: false,
  };
}

/** `round(x, places, mode)`: exact, at the scale `places` (the checker's type). */
function compileRound(expr: CallExpr, scope: Scope): Value {
  const [x, places, mode] = expr.args;
  if (
    expr.args.length !== 3 ||
    places.kind !== "Integer" ||
    mode.kind !== "Path"
  )
    return fail("`round` takes `round(x, places, mode)`", expr.span);
  const v = compileExpr(x, scope);
  if (!isNumeric(v.kind)) fail("`round` needs a number", expr.span);
  const n = Number(places.text);
  const own = scaleOf(v.kind);
  if (v.kind.k === "num") return v;
  if (n >= own) return big(toBig(v, n), n);
  return big(
    ts`$round(${v.code}, ${lit(pow10(own - n))}, ${lit(mode.name.name)})`,
    n,
  );
}

/** The helper (compiler/helpers/normalize.ts) of each normalisation. */
export const NORMALIZE_HELPERS: ReadonlyMap<string, Code> = new Map([
  ["normalized_text", ts`$normalizedText`],
  ["normalized_name", ts`$normalizedName`],
  ["normalized_code", ts`$normalizedCode`],
  ["normalized_address", ts`$normalizedAddress`],
]);

function compileCall(expr: CallExpr, scope: Scope): Value {
  const name = expr.callee.name;
  if (name === "derived_from") {
    // Two text arguments (the checker's signature): the identifier and the value it may hold.
    const [id, value] = expr.args.map((a) => compileExpr(a, scope));
    if (id?.kind.k !== "text" || value?.kind.k !== "text")
      fail("`derived_from` needs two text arguments", expr.span);
    return cond(ts`$derivedFrom(${id.code}, ${value.code})`);
  }
  if (name === "lookup") return compileLookup(expr, scope);
  if (name === "min" || name === "max") return compileExtreme(expr, scope);
  const normalize = NORMALIZE_HELPERS.get(name);
  if (normalize !== undefined) {
    // one or more texts (the checker's signature); an absent one is skipped by the helper
    const args = expr.args.map((a) => compileExpr(a, scope));
    if (args.length === 0 || args.some((a) => a.kind.k !== "text"))
      fail(`\`${name}\` needs text arguments`, expr.span);
    return {
      code: ts`${normalize}([${join(
        args.map((a) => a.code),
        ", ",
      )}])`,
      kind: { k: "text" },
      absent: true,
      simple: false,
    };
  }
  if (name === "round") return compileRound(expr, scope);
  if (expr.args.length !== 1) fail(`\`${name}\` takes one argument`, expr.span);
  const arg = compileExpr(expr.args[0], scope);
  const needText = (): void => {
    if (arg.kind.k !== "text")
      fail(`\`${name}\` needs a text argument`, expr.span);
  };
  switch (name) {
    case "length":
      needText();
      return {
        code: ts`$length(${arg.code})`,
        kind: { k: "num" },
        absent: arg.absent,
        simple: false,
      };
    case "year":
      if (arg.kind.k === "date")
        return {
          code: ts`$yearOfDay(${arg.code})`,
          kind: { k: "num" },
          absent: true,
          simple: false,
        };
      if (arg.kind.k === "datetime")
        return {
          code: ts`$yearOfMs(${arg.code})`,
          kind: { k: "num" },
          absent: true,
          simple: false,
        };
      return fail("`year` needs a date", expr.span);
    case "valid_iban":
      needText();
      return cond(ts`$validIban(${arg.code})`);
    case "valid_bsn":
      needText();
      return cond(ts`$validBsn(${arg.code})`);
    case "valid_country":
      needText();
      return cond(ts`$validCountry(${arg.code})`);
    case "valid_postcode":
      needText();
      return cond(ts`$validPostcode(${arg.code})`);
    default:
      return fail(`unknown function \`${name}\``, expr.callee.span);
  }
}

// ---------------------------------------------------------------- aggregates

/** Kinds whose `=` is JavaScript's `===` of the two values (compiler `compare`). */
const STRICT_EQUAL_KINDS: ReadonlySet<Kind["k"]> = new Set([
  "text",
  "num",
  "date",
  "datetime",
]);

/**
 * The records of the aggregate's list `rows` worth looking at, picked through an index
 * (compiler/helpers/records.ts `$INDEX_FROM`) by conditions its `where` requires (joined by `and`
 * at its top): every `E.f = x` with `x` a field of the record under test or of an enclosing
 * `where` record (the index keyed by all of them), else `derived_from(x, E.f)`. Every record that
 * meets `where` is among them, in their order, so `exists`, `count` and `sum` are as over the
 * whole list. Undefined when `where` requires neither.
 */
function indexedRows(
  expr: AggregateExpr,
  inner: Scope,
  rows: Code,
): Code | undefined {
  if (expr.where === undefined) return undefined;
  const links = inner.ctx.ruleset.links;
  const required: Expr[] = [];
  const conditions = (e: Expr): void => {
    if (e.kind === "Binary" && e.op === "and") {
      conditions(e.left);
      conditions(e.right);
    } else required.push(e);
  };
  conditions(expr.where);
  const own = (e: Expr): e is PathExpr => {
    if (e.kind !== "Path") return false;
    const link = links.path(e);
    return link?.kind === "field" && link.record === expr;
  };
  // a field of the record under test or of an enclosing `where` record, or `value`
  const outer = (e: Expr): e is PathExpr => {
    if (e.kind !== "Path") return false;
    const link = links.path(e);
    return (
      link?.kind === "value" ||
      (link?.kind === "field" &&
        link.record !== "previous" &&
        link.record !== expr)
    );
  };
  // compiled again for the index, apart: the reads it records are those of `where` already
  const value = (e: Expr): Value =>
    compileExpr(e, { ...inner, refs: [], usage: { ikb: false } });
  // the index's name: one per helper, entity and fields in a context
  const name = (helper: string, fields: readonly string[]) =>
    lit(`${helper}:${expr.entity.name}.${fields.join(",")}`);
  const equal: { field: string; probe: Code }[] = [];
  for (const c of required) {
    if (c.kind !== "Binary" || c.op !== "=") continue;
    const [field, other] = own(c.left) ? [c.left, c.right] : [c.right, c.left];
    if (!own(field) || !outer(other)) continue;
    const a = value(field);
    const b = value(other);
    if (a.kind.k !== b.kind.k || !STRICT_EQUAL_KINDS.has(a.kind.k)) continue;
    if (!equal.some((e) => e.field === a.field!.name))
      equal.push({ field: a.field!.name, probe: b.code });
  }
  const fields = equal.map((e) => e.field);
  if (equal.length === 1)
    return ts`$rowsEqual(${CTX}, ${rows}, ${name("$rowsEqual", fields)}, ${lit(fields[0])}, ${equal[0].probe})`;
  if (equal.length > 1) {
    const probes = join(
      equal.map((e) => e.probe),
      ", ",
    );
    return ts`$rowsEqualAll(${CTX}, ${rows}, ${name("$rowsEqualAll", fields)}, ${lit(fields)}, [${probes}])`;
  }
  for (const c of required)
    if (
      c.kind === "Call" &&
      c.callee.name === "derived_from" &&
      c.args.length === 2 &&
      outer(c.args[0]) &&
      own(c.args[1])
    ) {
      const field = value(c.args[1]).field!.name;
      return ts`$rowsDerivedInto(${CTX}, ${rows}, ${name("$rowsDerivedInto", [field])}, ${lit(field)}, ${value(c.args[0]).code})`;
    }
  return undefined;
}

function compileAggregate(expr: AggregateExpr, scope: Scope): Value {
  const links = scope.ctx.ruleset.links;
  const entity = links.entity(expr.entity);
  if (entity === undefined)
    fail(`unknown entity \`${expr.entity.name}\``, expr.entity.span);
  scope.usage.ikb = true;
  const name = id(`$e${scope.bindings.length + 1}`);
  const inner: Scope = {
    ...scope,
    bindings: [...scope.bindings, { entity, name, by: expr }],
  };
  const where =
    expr.where === undefined ? undefined : compileCondition(expr.where, inner);
  const params = [
    ts`${R}: ${recordType(scope.entity)}`,
    ts`${CTX}: RuleContext`,
    ...scope.bindings.map((b) => ts`${b.name}: ${recordType(b.entity)}`),
  ];
  const args = [R, CTX, ...scope.bindings.map((b) => b.name)];
  const helper = scope.ctx.fresh("agg");
  const rows = id(`$rows${scope.bindings.length + 1}`);
  const index = id(`$i${scope.bindings.length + 1}`);
  // the IKB's list read at the site by its constant name (one shape at each site: a fast load),
  // where a shared $ikbRows reads every entity's name through one look-up
  const list = ts`(${prop(CTX, "ikb")}[${entity.name}] ?? $NO_ROWS) as readonly ${recordType(entity)}[]`;
  // a long list: only the records an index picks by a condition `where` requires
  const picked = indexedRows(expr, inner, rows);
  const loop = ts`${
    picked === undefined
      ? ts`const ${rows} = ${list};`
      : ts`let ${rows} = ${list};
    if (${rows}.length >= $INDEX_FROM) ${rows} = ${picked};`
  }
    for (let ${index} = 0; ${index} < ${rows}.length; ${index}++)`;
  const bind = ts`const ${name} = ${rows}[${index}];`;
  let body: Code;
  let kind: Kind;
  let returnType: Code;
  switch (expr.op) {
    case "exists":
      body = ts`${loop} { ${bind} if (${where ?? ts`true`}) return true; } return false;`;
      kind = { k: "cond" };
      returnType = ts`boolean`;
      break;
    case "count":
      body =
        expr.where === undefined
          ? ts`return (${prop(CTX, "ikb")}[${entity.name}] ?? $NO_ROWS).length;`
          : ts`let n = 0; ${loop} { ${bind} if (${where}) n++; } return n;`;
      kind = { k: "num" };
      returnType = ts`number`;
      break;
    case "sum": {
      if (expr.value !== undefined) {
        const v = compileExpr(expr.value, inner);
        if (!isNumeric(v.kind))
          fail("`sum` needs a number to add up", expr.span);
        const add = v.kind.k === "num" ? ts`s += BigInt(v);` : ts`s += v;`;
        body = ts`let s = 0n; ${loop} { ${bind} ${where === undefined ? ts`` : ts`if (!(${where})) continue; `}const v = ${v.code}; if (v !== undefined) { ${add} } } return s;`;
        kind = { k: "big", scale: scaleOf(v.kind) };
        returnType = ts`bigint`;
        break;
      }
      const field = links.field(expr.field, entity);
      if (field === undefined)
        fail(
          `unknown field \`${entity.name}.${expr.field?.name ?? ""}\``,
          expr.span,
        );
      const fk = kindOfField(scope, field);
      if (!isNumeric(fk)) fail("`sum` needs a numeric field", expr.span);
      const read = prop(name, field.name);
      const add = fk.k === "num" ? ts`s += BigInt(v);` : ts`s += v;`;
      body = ts`let s = 0n; ${loop} { ${bind} const v = ${read}; if (v !== undefined${where === undefined ? ts`` : ts` && ${where}`}) { ${add} } } return s;`;
      kind = { k: "big", scale: scaleOf(fk) };
      returnType = ts`bigint`;
      break;
    }
  }
  scope.ctx.helpers.push(
    ts`${doc([`${expr.op} over the ${entity.name} records of the IKB`])}function ${helper}(${join(params, ", ")}): ${returnType} { ${body} }`,
  );
  return {
    code: ts`${helper}(${join(args, ", ")})`,
    kind,
    absent: false,
    simple: false,
  };
}
