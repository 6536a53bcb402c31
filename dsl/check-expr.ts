/**
 * Type checking of expressions (the REG3xx family, plus unknown names inside expressions). Every
 * expression node gets its {@link ValueType} in `expr.type` when `annotate` is set; a node whose
 * type cannot be determined gets `{ kind: "error" }`, and errors never cascade: an operand of type
 * error is accepted everywhere without a second diagnostic.
 *
 * @module
 */
import type {
  AggregateExpr,
  Expr,
  Ident,
  IsExpr,
  Literal,
  ParameterDecl,
  PathExpr,
  StringLiteral,
  ValueType,
} from "./ast.js";
import { CODES } from "./check-codes.js";
import { parameterType } from "./check-parameters.js";
import { isPreviousField, isPreviousRecord } from "./previous.js";
import { tableColumnType } from "./check-tables.js";
import {
  missing,
  type Reporter,
  type RulesetIndex,
  suggest,
} from "./check-context.js";
import type { ResolvedEntity, ResolvedField } from "./model.js";
import {
  BOOLEAN,
  commonType,
  comparable,
  DATE,
  DATE_UNITS,
  DATETIME,
  DATETIME_UNITS,
  decimal,
  ERROR,
  INTEGER,
  isNumeric,
  isRealDate,
  isRealDateTime,
  isTemporal,
  isTextual,
  literalScale,
  numericResult,
  ordered,
  PERCENT,
  sameType,
  TEXT,
  typeName,
} from "./types.js";
import { nestedRepetition } from "./regex-backtracking.js";

/** Where an expression is checked. */
export interface ExprScope {
  index: RulesetIndex;
  reporter: Reporter;
  /** The record the rule runs on (record rules, and the attribute's entity in attribute rules). */
  current: ResolvedEntity | undefined;
  /** The attribute `value` stands for, in attribute rules. */
  attribute: { entity: ResolvedEntity; field: ResolvedField } | undefined;
  /** Entities iterated by enclosing exists/count/sum (and the aggregate that does), innermost last. */
  iterated: { entity: ResolvedEntity; by: AggregateExpr }[];
  /** Percent literals are allowed (norms). */
  inNorm: boolean;
  /** Write `expr.type`. Off when re-checking an inherited rule, whose types belong to its own file. */
  annotate: boolean;
  /** Prefix for messages that depend on the attribute: "for attribute `NP.last_name`: ". */
  label: string;
  /**
   * When re-checking an inherited rule without annotating: set `found` when a type differs from
   * the one written in the declaring version (a field's type was replaced), so the caller can
   * give this version its own typed copy of the rule.
   */
  drift?: { found: boolean };
}

interface Builtin {
  params: { accepts: (t: ValueType) => boolean; label: string }[];
  result: ValueType;
}

const textArg = { accepts: isTextual, label: "text" };
const dateArg = { accepts: isTemporal, label: "a date" };

/** The built-in functions of docs/language.md. */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map([
  ["length", { params: [textArg], result: INTEGER }],
  ["valid_iban", { params: [textArg], result: BOOLEAN }],
  ["valid_bsn", { params: [textArg], result: BOOLEAN }],
  ["valid_country", { params: [textArg], result: BOOLEAN }],
  ["valid_postcode", { params: [textArg], result: BOOLEAN }],
  ["derived_from", { params: [textArg, textArg], result: BOOLEAN }],
  ["year", { params: [dateArg], result: INTEGER }],
]);

/**
 * The normalisations (docs/language.md, Normalisation): one or more text arguments, a text
 * result; also the only functions a whole-file combination may apply to its fields.
 */
export const NORMALIZATIONS: readonly string[] = [
  "normalized_text",
  "normalized_name",
  "normalized_code",
  "normalized_address",
];

/** Every function name: the built-ins with a fixed signature, then `min`, `max` and `round`. */
const FUNCTION_NAMES = [
  ...BUILTINS.keys(),
  "min",
  "max",
  "round",
  ...NORMALIZATIONS,
];

/** The static type of a field, following `ref E.f` to the referenced field (cycles give error). */
export function fieldType(
  index: RulesetIndex,
  field: ResolvedField,
  seen: Set<ResolvedField> = new Set(),
): ValueType {
  const t = field.decl.type;
  if (t === undefined) return ERROR;
  switch (t.name) {
    case "text":
      return TEXT;
    case "integer":
      return INTEGER;
    case "decimal":
      return decimal(t.scale ?? 0);
    case "money":
      return decimal(2);
    case "date":
      return DATE;
    case "datetime":
      return DATETIME;
    case "boolean":
      return BOOLEAN;
    case "code":
      return missing(t.codeList) || !index.rs.codeLists.has(t.codeList!.name)
        ? ERROR
        : { kind: "code", list: t.codeList!.name };
    case "ref": {
      if (missing(t.refEntity) || missing(t.refField) || seen.has(field))
        return ERROR;
      const e = index.entity(t.refEntity!.name);
      const f = e === undefined ? undefined : index.field(e, t.refField!.name);
      if (f === undefined) return ERROR;
      seen.add(field);
      return fieldType(index, f, seen);
    }
    default:
      return ERROR;
  }
}

/**
 * Write the type of a literal that is not part of a checked expression (example values, header
 * and norm dates, marking values, fine amounts), without diagnostics: every Expr node gets a type.
 */
export function annotateLiteral(lit: Literal | undefined): void {
  if (lit === undefined || lit === null) return;
  switch (lit.kind) {
    case "String":
      lit.type = TEXT;
      break;
    case "Integer":
      lit.type = INTEGER;
      break;
    case "Decimal":
      lit.type = decimal(literalScale(lit.text));
      break;
    case "Date":
      lit.type = isRealDate(lit.text) ? DATE : ERROR;
      break;
    case "DateTime":
      lit.type = isRealDateTime(lit.text) ? DATETIME : ERROR;
      break;
    case "Boolean":
      lit.type = BOOLEAN;
      break;
    case "Duration":
      lit.type = { kind: "duration", unit: lit.unit };
      break;
    case "Percent":
      lit.type = PERCENT;
      break;
  }
}

/** Check an expression that must be boolean (`when`, `require`, `where`). */
export function checkCondition(
  expr: Expr | undefined,
  scope: ExprScope,
  what: string,
): void {
  if (expr === undefined || expr === null) return;
  const t = checkExpr(expr, scope);
  if (t.kind !== "boolean" && t.kind !== "error") {
    scope.reporter.report(
      CODES.notBoolean,
      `${scope.label}the ${what} condition must be true or false, but it is ${typeName(t)}`,
      expr.span,
    );
  }
}

/** Type of an expression; reports problems and annotates nodes. */
export function checkExpr(expr: Expr, scope: ExprScope): ValueType {
  if (expr === undefined || expr === null) return ERROR;
  const t = infer(expr, scope);
  if (scope.annotate) expr.type = t;
  else if (
    scope.drift !== undefined &&
    expr.type !== undefined &&
    t.kind !== "error" &&
    !sameType(expr.type, t)
  )
    scope.drift.found = true;
  return t;
}

function infer(expr: Expr, scope: ExprScope): ValueType {
  const { reporter } = scope;
  switch (expr.kind) {
    case "String":
    case "Integer":
    case "Decimal":
    case "Date":
    case "DateTime":
    case "Boolean":
    case "Duration":
    case "Percent":
      return literalType(expr, scope);
    case "Path":
      return pathType(expr, scope);
    case "Unary": {
      const t = checkExpr(expr.operand, scope);
      if (t.kind === "error") return expr.op === "not" ? BOOLEAN : ERROR;
      if (expr.op === "not") {
        if (t.kind !== "boolean") {
          reporter.report(
            CODES.notBoolean,
            `${scope.label}\`not\` needs a condition, but its operand is ${typeName(t)}`,
            expr.operand.span,
          );
        }
        return BOOLEAN;
      }
      if (!isNumeric(t)) {
        reporter.report(
          CODES.badArithmetic,
          `${scope.label}cannot negate a value of type ${typeName(t)}`,
          expr.span,
        );
        return ERROR;
      }
      return t;
    }
    case "Binary":
      return binaryType(expr, scope);
    case "Is": {
      if (
        expr.operand?.kind === "Path" &&
        isPreviousRecord(expr.operand) &&
        expr.test !== "valid"
      ) {
        if (previousRecordOf(expr.operand, scope) !== undefined) {
          scope.index.links.linkPath(expr.operand, { kind: "previous" });
          if (scope.annotate) expr.operand.type = BOOLEAN;
        }
        return BOOLEAN;
      }
      if (
        expr.test === "valid" &&
        expr.operand?.kind === "Path" &&
        (isPreviousField(expr.operand) || isPreviousRecord(expr.operand))
      ) {
        checkExpr(expr.operand, scope);
        reporter.report(
          CODES.previousIsValid,
          `\`is valid\` tests the CSV text of this delivery; a value of the previous delivery that does not fit its type reads as absent: write \`previous.FIELD is present\``,
          expr.span,
        );
        return BOOLEAN;
      }
      checkExpr(expr.operand, scope);
      if (expr.test === "valid" && !(expr.operand?.kind === "Path")) {
        reporter.report(
          CODES.validNotOnField,
          `\`is valid\` tests the CSV text of a field; use it on a field or on \`value\``,
          expr.operand?.span ?? expr.span,
        );
      }
      if (expr.test === "unknown") unknownTestOperand(expr, scope);
      return BOOLEAN;
    }
    case "In": {
      const t = checkExpr(expr.operand, scope);
      if (expr.table !== undefined) {
        const col = tableColumn(expr.table, expr.column, scope);
        if (col !== undefined) compareTypes(t, col, expr.operand, expr, scope);
        return BOOLEAN;
      }
      for (const v of expr.values ?? []) {
        if (v === undefined) continue;
        const vt = checkExpr(v, scope);
        compareTypes(t, vt, expr.operand, v, scope);
      }
      return BOOLEAN;
    }
    case "Matches": {
      const t = checkExpr(expr.operand, scope);
      if (t.kind !== "error" && !isTextual(t)) {
        reporter.report(
          CODES.matchesNotText,
          `${scope.label}\`matches\` tests text, but this is ${typeName(t)}`,
          expr.operand.span,
        );
      }
      if (expr.pattern !== undefined) {
        if (scope.annotate) expr.pattern.type = TEXT;
        try {
          new RegExp(expr.pattern.value, "u");
        } catch (e) {
          const why = (e as Error).message.replace(
            /^Invalid regular expression: \/.*\/[a-z]*: /s,
            "",
          );
          reporter.report(
            CODES.badRegex,
            `invalid regular expression: ${why}`,
            expr.pattern.span,
          );
        }
        const nested = nestedRepetition(expr.pattern.value);
        if (nested !== undefined)
          reporter.report(
            CODES.exponentialRegex,
            `\`${nested}\` repeats a part that itself repeats a varying number of times: a value such as a long run of one character followed by one that does not fit makes the test try every way of splitting the run, for hours (a delivery's values come from outside)`,
            expr.pattern.span,
            {
              notes: [
                "write the pattern so that each character can be matched one way only, e.g. `a+b` for `(a+)+b`, or `[a-z]+( [a-z]+)*` for `([a-z]+ ?)+`",
              ],
            },
          );
      }
      return BOOLEAN;
    }
    case "Call":
      return callType(expr, scope);
    case "Aggregate":
      return aggregateType(expr, scope);
    case "If": {
      checkCondition(expr.condition, scope, "`if`");
      const a = checkExpr(expr.then, scope);
      const b = checkExpr(expr.otherwise, scope);
      const t = commonType(a, b);
      if (t !== undefined) return t;
      reporter.report(
        CODES.mixedTypes,
        `${scope.label}the branches of \`if\` must have one type, but \`then\` gives ${typeName(a)} and \`else\` gives ${typeName(b)}`,
        expr.otherwise.span,
        { notes: [MIXING_NOTE] },
      );
      return ERROR;
    }
    default:
      return ERROR;
  }
}

const MIXING_NOTE =
  "integers and decimals mix (the result is a decimal); a date, a number, text and true/false do not";

/** The rounding modes of `round(x, places, mode)` (docs/language.md, Expressions). */
export const ROUNDING_MODES = [
  "half_even",
  "half_up",
  "half_down",
  "up",
  "down",
  "ceiling",
  "floor",
] as const;

/** `min(a, b, ...)` / `max(a, b, ...)`: numbers with numbers, dates with dates. */
function extremeType(
  expr: Extract<Expr, { kind: "Call" }>,
  args: ValueType[],
  scope: ExprScope,
): ValueType {
  const name = expr.callee.name;
  if (args.length < 2) {
    scope.reporter.report(
      CODES.badArguments,
      `\`${name}\` takes two or more arguments, not ${args.length}`,
      expr.callee.span,
    );
    return ERROR;
  }
  let t: ValueType = ERROR;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.kind !== "error" && !isNumeric(a) && !isTemporal(a)) {
      scope.reporter.report(
        CODES.badArguments,
        `${scope.label}\`${name}\` compares numbers or dates, but its argument is ${typeName(a)}`,
        expr.args[i].span,
      );
      return ERROR;
    }
    const next = commonType(t, a);
    if (next === undefined) {
      scope.reporter.report(
        CODES.mixedTypes,
        `${scope.label}the arguments of \`${name}\` must have one type, but this one is ${typeName(a)} after ${typeName(t)}`,
        expr.args[i].span,
        { notes: [MIXING_NOTE] },
      );
      return ERROR;
    }
    t = next;
  }
  return t;
}

/** `round(x, places, mode)`: x rounded to `places` decimals the stated way. */
function roundType(
  expr: Extract<Expr, { kind: "Call" }>,
  scope: ExprScope,
): ValueType {
  const { reporter } = scope;
  if (expr.args.length !== 3) {
    (expr.args ?? []).forEach((a) => a !== undefined && checkExpr(a, scope));
    reporter.report(
      CODES.badArguments,
      `\`round\` takes 3 arguments, not ${expr.args.length}: \`round(x, places, mode)\`, e.g. \`round(x, 2, half_even)\``,
      expr.callee.span,
    );
    return ERROR;
  }
  const [x, places, mode] = expr.args;
  const t = checkExpr(x, scope);
  if (t.kind !== "error" && !isNumeric(t)) {
    reporter.report(
      CODES.badArguments,
      `${scope.label}\`round\` needs a number, but its argument is ${typeName(t)}`,
      x.span,
    );
  }
  let n: number | undefined;
  if (places?.kind === "Integer" && /^[0-9]+$/.test(places.text)) {
    n = Number(places.text);
    if (scope.annotate) places.type = INTEGER;
  }
  if (n === undefined || n > 18) {
    reporter.report(
      CODES.badRounding,
      `the places of \`round\` are a whole number from 0 to 18, written as a number`,
      places.span,
    );
  }
  const modeName =
    mode?.kind === "Path" && mode.entity === undefined && !missing(mode.name)
      ? mode.name.name
      : undefined;
  if (
    modeName === undefined ||
    !(ROUNDING_MODES as readonly string[]).includes(modeName)
  ) {
    reporter.report(
      CODES.badRounding,
      `${modeName === undefined ? "the mode of `round`" : `\`${modeName}\``} is no rounding mode: write one of ${ROUNDING_MODES.join(", ")}`,
      mode.span,
      modeName === undefined ? {} : suggest(modeName, ROUNDING_MODES),
    );
  } else if (scope.annotate) mode.type = ERROR;
  if (n === undefined || n > 18 || t.kind === "error" || !isNumeric(t))
    return ERROR;
  return t.kind === "integer" ? INTEGER : decimal(n);
}

function literalType(lit: Literal, scope: ExprScope): ValueType {
  switch (lit.kind) {
    case "String":
      return TEXT;
    case "Integer":
      return INTEGER;
    case "Decimal":
      return decimal(literalScale(lit.text));
    case "Date":
      if (!isRealDate(lit.text)) {
        scope.reporter.report(
          CODES.badDateLiteral,
          `${lit.text} is not a real calendar day`,
          lit.span,
        );
        return ERROR;
      }
      return DATE;
    case "DateTime":
      if (!isRealDateTime(lit.text)) {
        scope.reporter.report(
          CODES.badDateLiteral,
          `${lit.text} is not a real moment in time`,
          lit.span,
        );
        return ERROR;
      }
      return DATETIME;
    case "Boolean":
      return BOOLEAN;
    case "Duration":
      // A norm's `3 workdays` is a threshold on a measured metric, not calendar arithmetic.
      if (lit.unit === "workdays" && !scope.inNorm && scope.index.hasCalendar)
        // Workdays count with the first calendar in scope.
        scope.index.links.link(lit, {
          kind: "calendar",
          decl: scope.index.rs.calendars[0],
        });
      if (
        lit.unit === "workdays" &&
        !scope.inNorm &&
        !scope.index.hasCalendar
      ) {
        scope.reporter.report(
          CODES.noCalendar,
          `\`workdays\` needs a calendar: declare one with \`calendar\` or \`uses\` a ruleset that has one`,
          lit.span,
        );
      }
      return { kind: "duration", unit: lit.unit };
    case "Percent":
      if (!scope.inNorm) {
        scope.reporter.report(
          CODES.percentOutsideNorm,
          `percentages are only allowed in norms; write a number here`,
          lit.span,
        );
        return ERROR;
      }
      return PERCENT;
  }
}

function pathType(p: PathExpr, scope: ExprScope): ValueType {
  const { reporter, index } = scope;
  if (missing(p.name)) return ERROR;
  const name = p.name.name;
  if (isPreviousField(p)) return previousField(p, scope);
  if (p.entity === undefined || p.entity === null) {
    if (isPreviousRecord(p)) {
      // the record alone has no value: it is only tested for presence (see the `Is` case)
      index.links.unresolved(p.name);
      reporter.report(
        CODES.previousAlone,
        `${scope.label}\`previous\` alone stands for the record in the previous delivery; test it with \`previous is present\` or \`previous is absent\`, or read a field: \`previous.FIELD\``,
        p.name.span,
      );
      return ERROR;
    }
    if (name === "rrd") {
      index.links.linkPath(p, { kind: "rrd" });
      return DATE;
    }
    if (name === "value") {
      if (scope.attribute === undefined) {
        index.links.unresolved(p.name);
        reporter.report(
          CODES.valueOutsideAttributeRule,
          `\`value\` is the attribute under test and exists only in attribute rules (\`for E.f, ...\`); name the field instead`,
          p.name.span,
        );
        return ERROR;
      }
      index.links.linkPath(p, { kind: "value" });
      return fieldType(index, scope.attribute.field);
    }
    const parameter = index.rs.parameters.find(
      (x) => !missing(x.name) && x.name.name === name,
    );
    if (parameter !== undefined) return parameterPath(p, parameter, scope);
    if (scope.current === undefined) {
      index.links.unresolved(p.name);
      reporter.report(
        CODES.unknownField,
        `unknown field \`${name}\`: this rule has no current record`,
        p.name.span,
      );
      return ERROR;
    }
    return fieldOf(p, scope.current, "current", scope);
  }
  if (missing(p.entity)) return ERROR;
  const en = p.entity.name;
  for (let i = scope.iterated.length - 1; i >= 0; i--) {
    const { entity, by } = scope.iterated[i];
    if (entity.name === en) {
      index.links.link(p.entity, { kind: "entity", entity });
      return fieldOf(p, entity, by, scope);
    }
  }
  if (scope.current !== undefined && scope.current.name === en) {
    index.links.link(p.entity, { kind: "entity", entity: scope.current });
    return fieldOf(p, scope.current, "current", scope);
  }
  const named = index.entity(en);
  if (named !== undefined) {
    // It names an entity, but no record of it: the path reads nothing.
    index.links.link(p.entity, { kind: "entity", entity: named });
    index.links.unresolved(p.name);
    reporter.report(
      CODES.entityNotInScope,
      `${scope.label}\`${en}.${name}\` names no record here: \`${en}\` is neither the record under test${
        scope.current === undefined ? "" : ` (\`${scope.current.name}\`)`
      } nor iterated by exists/count/sum; use \`exists(${en} where ...)\``,
      p.entity.span,
    );
    return ERROR;
  }
  index.links.unresolved(p.entity);
  reporter.report(
    CODES.unknownEntity,
    `unknown entity \`${en}\``,
    p.entity.span,
    suggest(en, index.rs.entities.keys()),
  );
  return ERROR;
}

/**
 * The entity whose record in T−1 `previous` names: the record under test, when its entity
 * belongs to the IKB (the previous delivery is read IKB by IKB, by the IKB key). Reports REG263
 * and gives undefined otherwise.
 */
function previousRecordOf(
  p: PathExpr,
  scope: ExprScope,
): ResolvedEntity | undefined {
  const { index, reporter } = scope;
  const at = p.entity ?? p.name;
  const current = scope.current;
  const ikb = index.rs.ikb;
  const why =
    current === undefined
      ? "this rule has no record under test"
      : ikb === undefined || missing(ikb.key)
        ? "the ruleset has no `ikb` grouping, by whose key the previous delivery is read"
        : index.field(current, ikb.key.name) === undefined
          ? `\`${current.name}\` has no field \`${ikb.key.name}\` (the IKB key), so its records belong to no IKB`
          : current.key.length === 0
            ? `\`${current.name}\` has no \`key\` that finds the same record in the previous delivery`
            : undefined;
  if (why === undefined) return current;
  index.links.unresolved(at);
  reporter.report(
    CODES.previousWithoutRecord,
    `${scope.label}\`previous\` is the record with the same key in the previous delivery, but ${why}`,
    at.span,
  );
  return undefined;
}

/** `previous.f`: field `f` of the record under test, as the previous delivery has it. */
function previousField(p: PathExpr, scope: ExprScope): ValueType {
  const entity = previousRecordOf(p, scope);
  if (entity === undefined) {
    scope.index.links.unresolved(p.name);
    return ERROR;
  }
  const f = scope.index.field(entity, p.name.name);
  if (f === undefined) {
    scope.index.links.unresolved(p.name);
    scope.reporter.report(
      CODES.unknownField,
      `unknown field \`${p.name.name}\` on entity \`${entity.name}\` (read from the previous delivery)`,
      p.name.span,
      suggest(p.name.name, scope.index.fields(entity).keys()),
    );
    return ERROR;
  }
  scope.index.links.link(p.name, { kind: "field", entity, field: f });
  scope.index.links.linkPath(p, { kind: "field", record: "previous" });
  return fieldType(scope.index, f);
}

/** A parameter named in a condition: its value on the RRD (a field of the same name is ambiguous). */
function parameterPath(
  p: PathExpr,
  parameter: ParameterDecl,
  scope: ExprScope,
): ValueType {
  const { index, reporter } = scope;
  const name = parameter.name.name;
  if (
    scope.current !== undefined &&
    index.field(scope.current, name) !== undefined
  ) {
    index.links.unresolved(p.name);
    reporter.report(
      CODES.fieldAndParameter,
      `\`${name}\` is both a field of \`${scope.current.name}\` and a parameter: rename one of them`,
      p.name.span,
      { notes: [`write \`${scope.current.name}.${name}\` for the field`] },
    );
    return ERROR;
  }
  index.links.link(p.name, { kind: "parameter", decl: parameter });
  index.links.linkPath(p, { kind: "parameter", decl: parameter });
  if (parameter.type === "percent" && !scope.inNorm) {
    reporter.report(
      CODES.percentOutsideNorm,
      `parameter \`${name}\` is a percentage; percentages are only allowed in norms`,
      p.name.span,
    );
    return ERROR;
  }
  const t = parameterType(parameter);
  if (t.kind === "duration" && t.unit === "workdays" && !scope.inNorm) {
    // As a `workdays` literal: its values count with the first calendar in scope.
    if (!scope.index.hasCalendar)
      reporter.report(
        CODES.noCalendar,
        `parameter \`${name}\` counts in workdays, which need a calendar: declare one with \`calendar\` or \`uses\` a ruleset that has one`,
        p.name.span,
      );
    else
      for (const v of parameter.values ?? [])
        if (v?.value?.kind === "Duration")
          index.links.link(v.value, {
            kind: "calendar",
            decl: index.rs.calendars[0],
          });
  }
  return t;
}

/**
 * REG239: `x is unknown` needs a field (or `value`) that declares `unknown` texts; anything else
 * is never unknown, so the test would be always false.
 */
function unknownTestOperand(expr: IsExpr, scope: ExprScope): void {
  const operand = expr.operand;
  if (operand?.kind !== "Path") {
    scope.reporter.report(
      CODES.unknownTestNotOnUnknownField,
      "`is unknown` tests how a field was delivered; use it on a field or on `value`",
      operand?.span ?? expr.span,
    );
    return;
  }
  const field =
    operand.entity === undefined && operand.name.name === "value"
      ? scope.attribute?.field
      : scope.index.links.field(operand.name);
  if (field === undefined) return;
  if ((field.decl.unknownValues?.length ?? 0) === 0)
    scope.reporter.report(
      CODES.unknownTestNotOnUnknownField,
      `${scope.label}\`${field.name}\` declares no \`unknown\` texts, so \`is unknown\` is always false; add \`unknown "Unknown"\` (the texts the delivery uses) to the field`,
      operand.span,
    );
}

/** The type of the field `p` names on `entity` (read from `record`), linking the path. */
function fieldOf(
  p: PathExpr,
  entity: ResolvedEntity,
  record: "current" | AggregateExpr,
  scope: ExprScope,
): ValueType {
  const name = p.name.name;
  const span = p.name.span;
  const f = scope.index.field(entity, name);
  if (f !== undefined) {
    scope.index.links.link(p.name, { kind: "field", entity, field: f });
    scope.index.links.linkPath(p, { kind: "field", record });
  } else {
    scope.index.links.unresolved(p.name);
    scope.reporter.report(
      CODES.unknownField,
      `unknown field \`${name}\` on entity \`${entity.name}\``,
      span,
      suggest(name, scope.index.fields(entity).keys()),
    );
    return ERROR;
  }
  return fieldType(scope.index, f);
}

/** Report when two types cannot be compared; a string literal against a code must be in the list. */
function compareTypes(
  a: ValueType,
  b: ValueType,
  left: Expr,
  right: Expr,
  scope: ExprScope,
  op = "=",
): void {
  if (a.kind === "error" || b.kind === "error") return;
  if (a.kind === "code" && right?.kind === "String")
    return checkCodeLiteral(a.list, right, scope);
  if (b.kind === "code" && left?.kind === "String")
    return checkCodeLiteral(b.list, left, scope);
  if (!comparable(a, b)) {
    const quoted = left?.kind === "String" || right?.kind === "String";
    scope.reporter.report(
      CODES.incomparable,
      `${scope.label}cannot compare ${typeName(a)} with ${typeName(b)}`,
      right.span,
      {
        notes: [
          `the left side is ${typeName(a)}, the right side is ${typeName(b)}`,
          ...(quoted
            ? [
                "a quoted value is text: write dates, numbers and booleans without quotes (1970-01-01, 12.50, true)",
              ]
            : []),
        ],
      },
    );
    return;
  }
  if (op !== "=" && op !== "!=" && !ordered(a)) {
    scope.reporter.report(
      CODES.incomparable,
      `${scope.label}\`${op}\` needs ordered values; ${typeName(a)} has no order, use \`=\` or \`!=\``,
      left.span,
    );
  }
}

function checkCodeLiteral(
  list: string,
  lit: StringLiteral,
  scope: ExprScope,
): void {
  const decl = scope.index.rs.codeLists.get(list);
  if (decl === undefined) return;
  const values = (decl.values ?? []).map((v) => v.code);
  if (values.includes(lit.value)) return;
  scope.reporter.report(
    CODES.notInCodeList,
    `"${lit.value}" is not a value of code list \`${list}\``,
    lit.span,
    { ...suggest(lit.value, values), notes: [valuesNote(values)] },
  );
}

/** "the values are ..." with at most 12 values, so a long list does not flood the terminal. */
export function valuesNote(values: string[]): string {
  const shown = values
    .slice(0, 12)
    .map((v) => `"${v}"`)
    .join(", ");
  return `the values are ${shown}${values.length > 12 ? `, ... (${values.length} in all)` : ""}`;
}

function binaryType(
  expr: Extract<Expr, { kind: "Binary" }>,
  scope: ExprScope,
): ValueType {
  const { reporter } = scope;
  const a = checkExpr(expr.left, scope);
  const b = checkExpr(expr.right, scope);
  switch (expr.op) {
    case "and":
    case "or":
      for (const [t, side] of [
        [a, expr.left],
        [b, expr.right],
      ] as const) {
        if (t.kind !== "boolean" && t.kind !== "error") {
          reporter.report(
            CODES.notBoolean,
            `${scope.label}\`${expr.op}\` joins conditions, but this operand is ${typeName(t)}`,
            side.span,
          );
        }
      }
      return BOOLEAN;
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      compareTypes(a, b, expr.left, expr.right, scope, expr.op);
      return BOOLEAN;
    case "+":
    case "-":
    case "*":
    case "/": {
      if (a.kind === "error" || b.kind === "error") return ERROR;
      if (isNumeric(a) && isNumeric(b)) return numericResult(expr.op, a, b);
      if (expr.op === "+" || expr.op === "-") {
        const shifted =
          shift(a, b) ?? (expr.op === "+" ? shift(b, a) : undefined);
        if (shifted !== undefined) return shifted;
      }
      reporter.report(
        CODES.badArithmetic,
        `${scope.label}cannot compute ${typeName(a)} ${expr.op} ${typeName(b)}${arithmeticHint(a, b)}`,
        expr.span,
      );
      return ERROR;
    }
    default:
      return ERROR;
  }
}

/** `date ± days|months|years|workdays`, `datetime ± s|min|h|days`. */
function shift(base: ValueType, by: ValueType): ValueType | undefined {
  if (by.kind !== "duration") return undefined;
  if (base.kind === "date" && DATE_UNITS.has(by.unit)) return DATE;
  if (base.kind === "datetime" && DATETIME_UNITS.has(by.unit)) return DATETIME;
  return undefined;
}

function arithmeticHint(a: ValueType, b: ValueType): string {
  const dur = a.kind === "duration" ? a : b.kind === "duration" ? b : undefined;
  if (dur?.kind === "duration" && (a.kind === "date" || b.kind === "date"))
    return ": a date moves by days, workdays, months or years";
  if (
    dur?.kind === "duration" &&
    (a.kind === "datetime" || b.kind === "datetime")
  )
    return ": a datetime moves by s, min, h or days";
  return "";
}

/**
 * The table (linked) and column named by `in rates[.column]` or `lookup(rates.column, key)`;
 * undefined (reported) when either is unknown. Without a column: the table's key column.
 */
function tableColumn(
  table: Ident,
  column: Ident | undefined,
  scope: ExprScope,
): ValueType | undefined {
  const { index, reporter } = scope;
  if (missing(table)) return undefined;
  const decl = index.rs.tables.find(
    (t) => !missing(t.name) && t.name.name === table.name,
  );
  if (decl === undefined) {
    index.links.unresolved(table);
    reporter.report(
      CODES.unknownTable,
      `unknown table \`${table.name}\``,
      table.span,
      suggest(
        table.name,
        index.rs.tables.map((t) => t.name.name),
      ),
    );
    return undefined;
  }
  index.links.link(table, { kind: "table", decl });
  const c =
    column === undefined
      ? decl.columns.find((x) => x.key)
      : decl.columns.find((x) => x.name.name === column.name);
  if (c === undefined) {
    if (column !== undefined && !missing(column))
      reporter.report(
        CODES.unknownTableColumn,
        `table \`${decl.name.name}\` has no column \`${column.name}\``,
        column.span,
        {
          ...suggest(
            column.name,
            decl.columns.map((x) => x.name.name),
          ),
          notes: [
            `its columns are ${decl.columns.map((x) => x.name.name).join(", ")}`,
          ],
        },
      );
    return undefined;
  }
  return tableColumnType(decl, c);
}

/**
 * `lookup(rates.rate, currency)`: the `rate` of the row of `rates` whose key is `currency`;
 * absent when no row has that key (or the key is absent).
 */
function lookupType(
  expr: Extract<Expr, { kind: "Call" }>,
  scope: ExprScope,
): ValueType {
  const [target, key] = expr.args ?? [];
  if (
    expr.args?.length !== 2 ||
    target?.kind !== "Path" ||
    target.entity === undefined
  ) {
    scope.reporter.report(
      CODES.badArguments,
      "`lookup` takes a table column and a key: `lookup(rates.rate, currency)`",
      expr.callee.span,
    );
    for (const a of expr.args ?? []) if (a !== undefined) checkExpr(a, scope);
    return ERROR;
  }
  const keyType = key === undefined ? ERROR : checkExpr(key, scope);
  const result = tableColumn(target.entity, target.name, scope);
  if (result === undefined) return ERROR;
  const decl = scope.index.rs.tables.find(
    (t) => t.name.name === target.entity!.name,
  )!;
  const keyColumn = decl.columns.find((c) => c.key);
  // a table without its key column (lost to a parse error, or REG132) has no key type to compare
  if (keyColumn === undefined) return result;
  const keyColumnType = tableColumnType(decl, keyColumn);
  if (
    keyType.kind !== "error" &&
    key !== undefined &&
    !comparable(keyType, keyColumnType)
  ) {
    scope.reporter.report(
      CODES.tableLookupKeyType,
      `${scope.label}the key of table \`${decl.name.name}\` is ${typeName(keyColumnType)} (column \`${keyColumn.name.name}\`), but this is ${typeName(keyType)}`,
      key.span,
    );
  }
  if (scope.annotate) target.type = result;
  return result;
}

function callType(
  expr: Extract<Expr, { kind: "Call" }>,
  scope: ExprScope,
): ValueType {
  if (!missing(expr.callee) && expr.callee.name === "round")
    return roundType(expr, scope);
  if (!missing(expr.callee) && expr.callee.name === "lookup")
    return lookupType(expr, scope);
  const args = (expr.args ?? []).map((a) =>
    a === undefined ? ERROR : checkExpr(a, scope),
  );
  if (missing(expr.callee)) return ERROR;
  const name = expr.callee.name;
  if (name === "min" || name === "max") return extremeType(expr, args, scope);
  if (NORMALIZATIONS.includes(name)) {
    if (args.length === 0)
      scope.reporter.report(
        CODES.badArguments,
        `\`${name}\` takes one or more text arguments`,
        expr.callee.span,
      );
    args.forEach((t, i) => {
      if (t.kind !== "error" && !isTextual(t))
        scope.reporter.report(
          CODES.badArguments,
          `${scope.label}\`${name}\` needs text, but its argument is ${typeName(t)}`,
          expr.args[i].span,
        );
    });
    return TEXT;
  }
  const fn = BUILTINS.get(name);
  if (fn === undefined) {
    scope.reporter.report(
      CODES.unknownFunction,
      `unknown function \`${name}\``,
      expr.callee.span,
      {
        ...suggest(name, FUNCTION_NAMES),
        notes: [`the functions are ${FUNCTION_NAMES.join(", ")}`],
      },
    );
    return ERROR;
  }
  if (args.length !== fn.params.length) {
    scope.reporter.report(
      CODES.badArguments,
      `\`${name}\` takes ${fn.params.length} argument${fn.params.length === 1 ? "" : "s"}, not ${args.length}`,
      expr.callee.span,
    );
    return fn.result;
  }
  fn.params.forEach((p, i) => {
    const t = args[i];
    if (t.kind !== "error" && !p.accepts(t)) {
      scope.reporter.report(
        CODES.badArguments,
        `${scope.label}\`${name}\` needs ${p.label}, but its argument is ${typeName(t)}`,
        expr.args[i].span,
      );
    }
  });
  return fn.result;
}

/**
 * REG319: on a delivery `exists` / `count` / `sum` see the other records of the current record's
 * IKB and nothing else (docs/language.md, "The IKB"). Report the ones that can never see a record:
 * no `ikb` grouping, an iterated entity or a current record outside every IKB, or an iterated
 * entity that no delivery holds (no `file`).
 */
function checkSeesRecords(
  expr: Extract<Expr, { kind: "Aggregate" }>,
  entity: ResolvedEntity,
  scope: ExprScope,
): void {
  const { index, reporter } = scope;
  const ikb = index.rs.ikb;
  const call = `\`${expr.op}(${entity.name}${expr.op === "sum" && !missing(expr.field) ? `.${expr.field!.name}` : ""} ...)\``;
  const outcome = expr.op === "exists" ? "always false" : "always 0";
  const report = (why: string, fix: string) =>
    reporter.report(
      CODES.crossRecordNeverSees,
      `${call} is ${outcome} on a delivery: it never sees a record, because ${why}`,
      expr.span,
      { notes: [fix] },
    );
  if (ikb === undefined || missing(ikb.key)) {
    report(
      `ruleset \`${index.rs.id}\` has no \`ikb\` grouping (a record sees the other records of its own IKB only)`,
      'declare the grouping (`ikb "..." key FIELD depositor E by FIELD`, every entity carrying the key field), or check this without looking at other records',
    );
    return;
  }
  const key = ikb.key.name;
  const current = scope.current;
  if (current !== undefined && index.field(current, key) === undefined) {
    report(
      `\`${current.name}\` has no IKB key field \`${key}\` (its records are in no IKB)`,
      `add \`field ${key}\` to entity \`${current.name}\``,
    );
    return;
  }
  if (index.field(entity, key) === undefined) {
    report(
      `\`${entity.name}\` has no IKB key field \`${key}\` (its records are in no IKB)`,
      `add \`field ${key}\` to entity \`${entity.name}\``,
    );
    return;
  }
  if (entity.file === undefined)
    report(
      `entity \`${entity.name}\` has no \`file\` (no delivery holds its records)`,
      `give entity \`${entity.name}\` the CSV file it is delivered in: \`file "name.csv"\``,
    );
}

function aggregateType(
  expr: Extract<Expr, { kind: "Aggregate" }>,
  scope: ExprScope,
): ValueType {
  const { reporter, index } = scope;
  const result =
    expr.op === "exists" ? BOOLEAN : expr.op === "count" ? INTEGER : ERROR;
  if (missing(expr.entity)) return result;
  const entity = index.entity(expr.entity.name);
  if (entity !== undefined)
    index.links.link(expr.entity, { kind: "entity", entity });
  else {
    index.links.unresolved(expr.entity);
    reporter.report(
      CODES.unknownEntity,
      `unknown entity \`${expr.entity.name}\``,
      expr.entity.span,
      suggest(expr.entity.name, index.rs.entities.keys()),
    );
    return result;
  }
  checkSeesRecords(expr, entity, scope);
  if (expr.where !== undefined && expr.where !== null) {
    checkCondition(
      expr.where,
      { ...scope, iterated: [...scope.iterated, { entity, by: expr }] },
      "`where`",
    );
  }
  if (expr.op !== "sum") return result;
  if (expr.value !== undefined && expr.value !== null) {
    const t = checkExpr(expr.value, {
      ...scope,
      iterated: [...scope.iterated, { entity, by: expr }],
    });
    if (t.kind !== "error" && !isNumeric(t)) {
      reporter.report(
        CODES.sumNotNumeric,
        `${scope.label}\`sum\` adds numbers, but this is ${typeName(t)}`,
        expr.value.span,
      );
      return ERROR;
    }
    return t;
  }
  if (missing(expr.field)) return ERROR;
  const f = index.field(entity, expr.field!.name);
  if (f !== undefined)
    index.links.link(expr.field!, { kind: "field", entity, field: f });
  else {
    index.links.unresolved(expr.field!);
    reporter.report(
      CODES.unknownField,
      `unknown field \`${expr.field!.name}\` on entity \`${entity.name}\``,
      expr.field!.span,
      suggest(expr.field!.name, index.fields(entity).keys()),
    );
    return ERROR;
  }
  const t = fieldType(index, f);
  if (t.kind !== "error" && !isNumeric(t)) {
    reporter.report(
      CODES.sumNotNumeric,
      `\`sum\` adds numbers, but \`${entity.name}.${f.name}\` is ${typeName(t)}`,
      expr.field!.span,
    );
    return ERROR;
  }
  return t;
}
