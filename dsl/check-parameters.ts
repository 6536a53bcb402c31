/**
 * Checks of `parameter` declarations: every value fits the parameter's type, no two periods share
 * a day (which value would apply?), and the periods cover every RRD the ruleset version is in
 * force for — so a delivery validated in the version's validity always finds one value. Also the
 * static type a parameter gives an expression that names it.
 *
 * @module
 */
import type {
  DurationUnit,
  Literal,
  ParameterDecl,
  Span,
  ValueType,
} from "./ast.js";
import { annotateLiteral } from "./check-expr.js";
import { CODES } from "./check-codes.js";
import type { Reporter, RulesetIndex } from "./check-context.js";
import {
  BOOLEAN,
  DATE,
  decimal,
  INTEGER,
  isRealDate,
  literalScale,
  PERCENT,
  TEXT,
} from "./types.js";

/** The literal kinds a value of each parameter type may be written as. */
const FITS: Record<ParameterDecl["type"], readonly Literal["kind"][]> = {
  integer: ["Integer"],
  decimal: ["Integer", "Decimal"],
  money: ["Integer", "Decimal"],
  percent: ["Percent"],
  date: ["Date"],
  text: ["String"],
  boolean: ["Boolean"],
  duration: ["Duration"],
};

/** The static type of a parameter in an expression (a `decimal` has the largest scale of its values). */
export function parameterType(p: ParameterDecl): ValueType {
  switch (p.type) {
    case "integer":
      return INTEGER;
    case "decimal":
      return decimal(
        Math.max(
          0,
          ...(p.values ?? [])
            .filter((v) => v?.value?.kind === "Decimal")
            .map((v) => literalScale((v.value as { text: string }).text)),
        ),
      );
    case "money":
      return decimal(2);
    case "percent":
      return PERCENT;
    case "date":
      return DATE;
    case "text":
      return TEXT;
    case "boolean":
      return BOOLEAN;
    case "duration":
      return { kind: "duration", unit: durationUnit(p) ?? "days" };
  }
}

/** The unit of a duration parameter: that of its first duration value (REG133 when another differs). */
export function durationUnit(p: ParameterDecl): DurationUnit | undefined {
  for (const v of p.values ?? [])
    if (v?.value?.kind === "Duration") return v.value.unit;
  return undefined;
}

/** `[from, until)` as ISO dates; an open end is "~" (after every date). */
const bounds = (v: ParameterDecl["values"][number]): [string, string] => [
  v.from?.text ?? "",
  v.until?.text ?? "~",
];

/**
 * Check the parameters declared in this version's own file. Inherited ones were checked in
 * theirs, but for their cover of this version's validity, which may be longer: a gap there is
 * reported at `inheritedAt` (the `extends` of this version).
 */
export function checkParameters(
  index: RulesetIndex,
  reporter: Reporter,
  own: (p: ParameterDecl) => boolean,
  inheritedAt?: Span,
): void {
  for (const p of index.rs.parameters) {
    if (!own(p)) {
      const values = (p.values ?? []).filter((v) => v !== undefined);
      if (inheritedAt !== undefined && values.length > 0)
        checkPeriods(p, values, index, reporter, inheritedAt);
      continue;
    }
    const values = (p.values ?? []).filter((v) => v !== undefined);
    if (values.length === 0) {
      reporter.report(
        CODES.parameterWithoutValue,
        `parameter \`${p.name.name}\` has no value: give one with \`from DATE value ...\``,
        p.name.span,
      );
      continue;
    }
    for (const v of values) {
      for (const d of [v.from, v.until]) {
        annotateLiteral(d);
        if (d !== undefined && !isRealDate(d.text))
          reporter.report(
            CODES.badDateLiteral,
            `${d.text} is not a real calendar day`,
            d.span,
          );
      }
      if (v.until !== undefined && v.from.text >= v.until.text)
        reporter.report(
          CODES.emptyValidity,
          `the period from ${v.from.text} until ${v.until.text} is empty (\`until\` is exclusive)`,
          v.until.span,
        );
      annotateLiteral(v.value);
      if (v.value === undefined) continue;
      const fits =
        FITS[p.type].includes(v.value.kind) &&
        !(
          p.type === "money" &&
          v.value.kind === "Decimal" &&
          literalScale(v.value.text) > 2
        );
      if (!fits)
        reporter.report(
          CODES.parameterValueType,
          `parameter \`${p.name.name}\` is ${p.type === "integer" ? "an" : "a"} ${p.type}, but this value is not${p.type === "money" ? " (an amount has at most 2 decimals)" : ""}`,
          v.value.span,
        );
    }
    checkDurationUnits(p, values, reporter);
    checkPeriods(p, values, index, reporter);
  }
}

/**
 * A duration parameter counts in one unit in every period: `24 months` then `2 years` would give
 * a rule a different kind of shift per RRD (months clamp to the month end, workdays need a
 * calendar), so the type of `rrd - max_age` must not depend on the date.
 */
function checkDurationUnits(
  p: ParameterDecl,
  values: ParameterDecl["values"],
  reporter: Reporter,
): void {
  const unit = durationUnit(p);
  if (p.type !== "duration" || unit === undefined) return;
  for (const v of values)
    if (v.value?.kind === "Duration" && v.value.unit !== unit)
      reporter.report(
        CODES.durationParameterUnits,
        `parameter \`${p.name.name}\` counts in ${unit} in its first period, but this value is in ${v.value.unit}: write every value in ${unit}`,
        v.value.span,
      );
}

function checkPeriods(
  p: ParameterDecl,
  values: ParameterDecl["values"],
  index: RulesetIndex,
  reporter: Reporter,
  inheritedAt?: Span,
): void {
  const sorted = [...values].sort((a, b) =>
    bounds(a)[0] < bounds(b)[0] ? -1 : bounds(a)[0] > bounds(b)[0] ? 1 : 0,
  );
  for (let i = 1; i < sorted.length; i++) {
    const [, prevUntil] = bounds(sorted[i - 1]);
    const [from] = bounds(sorted[i]);
    if (from < prevUntil) {
      if (inheritedAt !== undefined) return; // reported in the parameter's own file
      const other = sorted[i - 1].span;
      reporter.report(
        CODES.overlappingParameterPeriods,
        `parameter \`${p.name.name}\`: the period from ${from} overlaps the one from ${bounds(sorted[i - 1])[0]}; which value applies?`,
        sorted[i].span,
        {
          notes: [
            `the other period is at ${other.file}:${other.start.line}:${other.start.column}`,
          ],
        },
      );
      return;
    }
  }
  // Every RRD of the version's validity needs a value: [validFrom, validUntil) without gaps.
  const start = index.rs.validFrom ?? bounds(sorted[0])[0];
  const end = index.rs.validUntil ?? "~";
  let covered = start;
  for (const v of sorted) {
    const [from, until] = bounds(v);
    if (until <= covered) continue;
    if (from > covered) break;
    covered = until;
    if (covered >= end) return;
  }
  if (covered >= end) return;
  const next = sorted.find((v) => bounds(v)[0] > covered);
  const gapEnd = next === undefined ? end : bounds(next)[0];
  reporter.report(
    CODES.parameterNotCovering,
    `${inheritedAt === undefined ? "parameter" : "inherited parameter"} \`${p.name.name}\` has no value for RRDs from ${covered}${gapEnd === "~" ? " on" : ` until ${gapEnd}`}, while ruleset \`${index.rs.id}\` is in force then`,
    inheritedAt ?? p.name.span,
    {
      notes: [
        ...(inheritedAt === undefined
          ? []
          : [
              `the parameter is declared at ${p.name.span.file}:${p.name.span.start.line}:${p.name.span.start.column}; give this version its periods with \`replace parameter\`, or extend them there`,
            ]),
        `the ruleset is in force ${index.rs.validFrom === undefined ? "from its first parameter value" : `from ${index.rs.validFrom}`}${index.rs.validUntil === undefined ? " with no end" : ` until ${index.rs.validUntil}`}; add a \`from ... value\` line for the gap`,
      ],
    },
  );
}
