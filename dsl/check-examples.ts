/**
 * Checks of rule examples (REG4xx): record literals name real entities and fields, typed literals
 * fit their fields (a string literal is the raw CSV cell and is always allowed, so that examples
 * can feed malformed input on purpose), examples fit the rule's target, every `with` record of a
 * record example is in the subject's IKB (so that a rule can see it, as on a delivery), and every
 * rule has at least one passing and one failing example.
 *
 * Whether each example's verdict holds is checked by running it through the compiled validators
 * (cli/example-check.ts, REG408).
 *
 * @module
 */
import type {
  Example,
  Literal,
  RecordExample,
  RecordLiteral,
  RuleDecl,
  Span,
} from "./ast.js";
import { CODES } from "./check-codes.js";
import {
  missing,
  type Reporter,
  type RulesetIndex,
  suggest,
  where,
} from "./check-context.js";
import { annotateLiteral, fieldType } from "./check-expr.js";
import type { ResolvedEntity, ResolvedField } from "./model.js";
import { isRealDate, isRealDateTime, literalScale } from "./types.js";

/** The IKB key an example record gets when it does not give one (docs/language.md, "Examples"). */
export const EXAMPLE_IKB_KEY = "IKB-1";

/** The reporting reference date of an example without `rrd`, when its version is valid on that day. */
export const DEFAULT_EXAMPLE_RRD = "2024-01-01";

/** A version's validity: `valid from` (inclusive) and `until` (exclusive), `YYYY-MM-DD`. */
export interface Validity {
  validFrom: string | undefined;
  validUntil: string | undefined;
}

/** Whether the day `rrd` (`YYYY-MM-DD`) lies within `validity`; a version without `valid from` is valid on every day. */
export function withinValidity(validity: Validity, rrd: string): boolean {
  // ISO dates compare as text
  if (validity.validFrom !== undefined && rrd < validity.validFrom)
    return false;
  return validity.validUntil === undefined || rrd < validity.validUntil;
}

/**
 * Whether a version runs example `ex`: every example but a record example whose `rrd` lies
 * outside the version's validity (the runtime never checks a delivery of that day with it).
 */
export function exampleRunsIn(validity: Validity, ex: Example): boolean {
  return (
    ex.kind !== "RecordExample" ||
    ex.rrd === undefined ||
    withinValidity(validity, ex.rrd.text)
  );
}

/**
 * The RRD of an example that gives none, on which its version is valid (the runtime never checks a
 * delivery of another day with it): {@link DEFAULT_EXAMPLE_RRD}, else the nearest valid day, the
 * version's `valid from` day or the day before its `until`.
 */
export function defaultExampleRrd(validity: Validity): string {
  const { validFrom, validUntil } = validity;
  if (validFrom !== undefined && DEFAULT_EXAMPLE_RRD < validFrom)
    return validFrom;
  if (validUntil !== undefined && DEFAULT_EXAMPLE_RRD >= validUntil) {
    const dayBefore = new Date(`${validUntil}T00:00:00Z`);
    dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
    const last = dayBefore.toISOString().slice(0, 10);
    return validFrom !== undefined && last < validFrom ? validFrom : last;
  }
  return DEFAULT_EXAMPLE_RRD;
}

/** A literal of an example as the CSV cell text it stands for. */
export function literalCell(lit: Literal): string {
  switch (lit.kind) {
    case "String":
      return lit.value;
    case "Integer":
    case "Decimal":
    case "Date":
    case "DateTime":
    case "Percent":
      return lit.text;
    case "Boolean":
      return lit.value ? "true" : "false";
    case "Duration":
      return String(lit.amount);
  }
}

export function checkExamples(
  index: RulesetIndex,
  reporter: Reporter,
  rule: RuleDecl,
  targeted: ResolvedEntity[],
  fileRule: boolean,
): void {
  let pass = false;
  let fail = false;
  const targetNames = targeted.map((e) => e.name);
  // examples this version runs: an inherited one whose `rrd` lies outside its validity does not
  // run here (interpreter/example-runner.ts), and so does not count
  let skipped = 0;
  for (const ex of rule.examples ?? []) {
    if (ex === undefined || ex === null) continue;
    // (the declaring version reports an rrd outside its validity, REG411, or no day, REG403)
    const runs =
      ex.span.file === index.rs.file ||
      (ex.kind === "RecordExample" &&
        ex.rrd !== undefined &&
        !isRealDate(ex.rrd.text)) ||
      exampleRunsIn(index.rs, ex);
    if (!runs) skipped++;
    if (runs && ex.expect === "pass") pass = true;
    if (runs && ex.expect === "fail") fail = true;
    if (ex.kind === "RecordExample") {
      if (fileRule) {
        reporter.report(
          CODES.exampleWrongForm,
          `a \`for file\` rule takes file examples: \`example ${ex.expect} file E missing|columns ...|rows ...\``,
          ex.span,
        );
      }
      annotateLiteral(ex.rrd);
      if (ex.rrd !== undefined && !isRealDate(ex.rrd.text)) {
        reporter.report(
          CODES.exampleBadLiteral,
          `${ex.rrd.text} is not a real calendar day`,
          ex.rrd.span,
        );
      } else if (
        ex.rrd !== undefined &&
        // An inheriting version does not run such an example (interpreter/example-runner.ts);
        // only the version that declares it answers for its day.
        ex.span.file === index.rs.file &&
        !withinValidity(index.rs, ex.rrd.text)
      ) {
        reporter.report(
          CODES.exampleRrdOutsideValidity,
          `rrd ${ex.rrd.text} is outside the validity of ${index.rs.id} (${validityText(index.rs)}): no delivery of that day is checked with this version`,
          ex.rrd.span,
          {
            notes: [
              `give a day on which ${index.rs.id} is valid, or leave \`rrd\` out (the example then runs on ${defaultExampleRrd(index.rs)})`,
            ],
          },
        );
      }
      const subject = checkRecord(index, reporter, ex.subject);
      if (
        !fileRule &&
        subject !== undefined &&
        targeted.length > 0 &&
        !targeted.includes(subject)
      ) {
        reporter.report(
          CODES.exampleEntityNotTargeted,
          `rule \`${rule.code.name}\` checks ${targetNames.map((n) => `\`${n}\``).join(", ")}, so its example cannot be about \`${subject.name}\``,
          ex.subject.entity.span,
          suggest(subject.name, targetNames),
        );
      }
      for (const c of ex.context ?? []) checkRecord(index, reporter, c);
      for (const c of ex.previous ?? []) checkRecord(index, reporter, c);
      if (!fileRule) checkSameIkb(index, reporter, ex);
    } else if (ex.kind === "FileExample") {
      if (!fileRule) {
        reporter.report(
          CODES.exampleWrongForm,
          `a file example needs a \`for file\` rule; this rule checks records: write \`example ${ex.expect} E { ... }\``,
          ex.span,
        );
      }
      if (!missing(ex.entity)) {
        const entity = index.entity(ex.entity.name);
        if (entity !== undefined)
          index.links.link(ex.entity, { kind: "entity", entity });
        else index.links.unresolved(ex.entity);
        if (entity === undefined) {
          reporter.report(
            CODES.exampleUnknownEntity,
            `unknown entity \`${ex.entity.name}\``,
            ex.entity.span,
            suggest(ex.entity.name, index.rs.entities.keys()),
          );
        } else if (
          fileRule &&
          targeted.length > 0 &&
          !targeted.includes(entity)
        ) {
          reporter.report(
            CODES.exampleEntityNotTargeted,
            `rule \`${rule.code.name}\` checks the files of ${targetNames.map((n) => `\`${n}\``).join(", ")}, not of \`${entity.name}\``,
            ex.entity.span,
            suggest(entity.name, targetNames),
          );
        }
      }
      for (const r of ex.rows ?? []) checkRecord(index, reporter, r);
      for (const c of ex.context ?? []) checkRecord(index, reporter, c);
    }
  }
  if (!pass || !fail) {
    const kinds = [pass ? "" : "`pass`", fail ? "" : "`fail`"].filter(
      (k) => k !== "",
    );
    const lacking = `${kinds.map((k) => `a ${k}`).join(" and ")} example`;
    if (skipped === 0)
      reporter.report(
        CODES.missingExamples,
        `rule \`${rule.code.name}\` needs ${lacking}: every rule has at least one of each`,
        rule.code.span,
      );
    // its examples test another version's days: a warning, as the rule is unchanged here
    else
      reporter.report(
        CODES.inheritedExamplesNotRun,
        `rule \`${rule.code.name}\` runs ${kinds.map((k) => `no ${k}`).join(" and ")} example in ${index.rs.id}: ${skipped} inherited example(s) give an \`rrd\` outside its validity (${validityText(index.rs)}) and do not run here`,
        rule.code.span,
        {
          warning: true,
          notes: [
            "leave `rrd` out of an example that holds on any day (it then runs on a day each version is valid), or replace the rule in this version with examples of its own days",
          ],
        },
      );
  }
}

/** `valid from 2020-01-01 until 2023-07-01`, as the header says it. */
function validityText(validity: Validity): string {
  return `valid from ${validity.validFrom ?? "?"}${validity.validUntil === undefined ? "" : ` until ${validity.validUntil}`}`;
}

/** The text an example record gives for a field; undefined when it does not give the field. */
function given(rec: RecordLiteral, field: string): string | undefined {
  const fv = (rec.fields ?? []).find(
    (f) => f !== undefined && !missing(f.name) && f.name.name === field,
  );
  return fv?.value === undefined || fv.value === null
    ? undefined
    : literalCell(fv.value);
}

/**
 * REG409: a record example stands for a one-group delivery, in which the subject sees the records
 * of its own IKB and nothing else. A `with` record the subject could never see (no `ikb`, a record
 * or subject without an IKB key, another IKB key than the subject's) would make the example claim
 * what no delivery does.
 */
function checkSameIkb(
  index: RulesetIndex,
  reporter: Reporter,
  ex: RecordExample,
): void {
  const context = (ex.context ?? []).filter(
    (c) => c !== undefined && c !== null && !missing(c.entity),
  );
  if (context.length === 0 || missing(ex.subject?.entity)) return;
  const subjectEntity = index.entity(ex.subject.entity.name);
  if (subjectEntity === undefined) return;
  const ikb = index.rs.ikb;
  const report = (
    rec: RecordLiteral,
    why: string,
    fix: string,
    suggestion?: string,
    span: Span = rec.span,
  ) =>
    reporter.report(
      CODES.exampleRecordNotInIkb,
      `this \`${rec.entity.name}\` record is not in the subject's IKB, so no rule can see it: ${why}`,
      span,
      {
        notes: [
          `a record example is checked as a delivery of one IKB: \`exists\`, \`count\` and \`sum\` see the records with the subject's IKB key`,
          fix,
        ],
        ...(suggestion === undefined ? {} : { suggestion }),
      },
    );
  if (ikb === undefined || missing(ikb.key)) {
    for (const rec of context)
      report(
        rec,
        `ruleset \`${index.rs.id}\` has no \`ikb\` grouping (each record is checked on its own)`,
        "remove the `with` records",
      );
    return;
  }
  const key = ikb.key.name;
  if (index.field(subjectEntity, key) === undefined) {
    for (const rec of context)
      report(
        rec,
        `the subject's entity \`${subjectEntity.name}\` has no IKB key field \`${key}\``,
        `add \`field ${key}\` to entity \`${subjectEntity.name}\``,
      );
    return;
  }
  const subjectKey = given(ex.subject, key) ?? EXAMPLE_IKB_KEY;
  if (subjectKey === "") {
    for (const rec of context)
      report(
        rec,
        `the subject's IKB key \`${key}\` is empty (the subject is in no IKB)`,
        `give the subject an IKB key, or leave \`${key}\` out (it is then \`${EXAMPLE_IKB_KEY}\`)`,
      );
    return;
  }
  for (const rec of context) {
    const entity = index.entity(rec.entity.name);
    if (entity === undefined) continue;
    if (index.field(entity, key) === undefined) {
      report(
        rec,
        `entity \`${entity.name}\` has no IKB key field \`${key}\``,
        `add \`field ${key}\` to entity \`${entity.name}\``,
      );
      continue;
    }
    const recKey = given(rec, key);
    if (recKey !== undefined && recKey !== subjectKey)
      report(
        rec,
        `its \`${key}\` is ${JSON.stringify(recKey)} and the subject's is ${JSON.stringify(subjectKey)}`,
        `give it the subject's IKB key, or leave \`${key}\` out: a \`with\` record without it is in the subject's IKB`,
        subjectKey,
        (rec.fields ?? []).find((f) => f?.name?.name === key)?.value?.span,
      );
  }
}

/** Check a record literal; returns its entity when known. */
function checkRecord(
  index: RulesetIndex,
  reporter: Reporter,
  rec: RecordLiteral | undefined,
): ResolvedEntity | undefined {
  if (rec === undefined || rec === null || missing(rec.entity))
    return undefined;
  const entity = index.entity(rec.entity.name);
  if (entity === undefined) {
    index.links.unresolved(rec.entity);
    reporter.report(
      CODES.exampleUnknownEntity,
      `unknown entity \`${rec.entity.name}\``,
      rec.entity.span,
      suggest(rec.entity.name, index.rs.entities.keys()),
    );
    return undefined;
  }
  index.links.link(rec.entity, { kind: "entity", entity });
  const given = new Map<string, Span>();
  for (const fv of rec.fields ?? []) {
    if (fv === undefined || missing(fv.name)) continue;
    const first = given.get(fv.name.name);
    if (first !== undefined) {
      reporter.report(
        CODES.exampleDuplicateField,
        `field \`${fv.name.name}\` is given twice in this record`,
        fv.name.span,
        {
          notes: [`first given at ${where(first)}`],
        },
      );
      continue;
    }
    given.set(fv.name.name, fv.name.span);
    annotateLiteral(fv.value);
    const f = index.field(entity, fv.name.name);
    if (f !== undefined)
      index.links.link(fv.name, { kind: "field", entity, field: f });
    else index.links.unresolved(fv.name);
    if (f === undefined) {
      reporter.report(
        CODES.exampleUnknownField,
        `unknown field \`${fv.name.name}\` on entity \`${entity.name}\``,
        fv.name.span,
        suggest(fv.name.name, index.fields(entity).keys()),
      );
      continue;
    }
    if (fv.value !== undefined && fv.value !== null) {
      checkFits(index, reporter, entity, f, fv.value);
      checkRecordTypeCode(index, reporter, entity, f, fv.value);
    }
  }
  return entity;
}

/**
 * REG412: the first field of a record type (`record "C"`) is its type code, the one thing that
 * makes a row of the shared file a record of this entity. An example record that gives it another
 * code stands for a row a delivery reads as another entity's record (or an unknown type), while
 * the example would check it as this entity's.
 */
function checkRecordTypeCode(
  index: RulesetIndex,
  reporter: Reporter,
  entity: ResolvedEntity,
  field: ResolvedField,
  lit: Literal,
): void {
  if (entity.record === undefined || entity.fields[0] !== field) return;
  const code = literalCell(lit);
  if (code === entity.record) return;
  const owner = [...index.rs.entities.values()].find(
    (e) => e.file === entity.file && e.record === code,
  );
  reporter.report(
    CODES.exampleOtherRecordType,
    `a \`${entity.name}\` record has the type code ${JSON.stringify(entity.record)} in \`${field.name}\`, not ${JSON.stringify(code)}: ${owner === undefined ? `on a delivery this row of ${entity.file ?? "its file"} is of an unknown record type` : `on a delivery this row is a record of \`${owner.name}\``}`,
    lit.span,
    {
      notes: [
        `leave \`${field.name}\` out: an example record of a record type gets its code`,
      ],
      suggestion: JSON.stringify(entity.record),
    },
  );
}

/** Whether a typed literal fits a field. String literals always do: they are the raw CSV text. */
function checkFits(
  index: RulesetIndex,
  reporter: Reporter,
  entity: ResolvedEntity,
  field: ResolvedField,
  lit: Literal,
): void {
  if (lit.kind === "String") return;
  const t = fieldType(index, field);
  if (t.kind === "error") return;
  const label = `\`${entity.name}.${field.name}\``;
  const typeText = describeField(field);
  const bad = (why: string) =>
    reporter.report(CODES.exampleBadLiteral, why, lit.span);
  switch (lit.kind) {
    case "Integer":
    case "Decimal": {
      if (t.kind === "integer") {
        if (lit.kind === "Decimal")
          bad(`${label} is an integer field; ${lit.text} has decimals`);
        // A delivery's integer cell beyond 2^53 − 1 is not a valid value (it has no exact
        // number), so the example would blame the rule for a value no delivery can hold.
        else if (!isSafeIntegerText(lit.text))
          bad(
            `${lit.text} is beyond the integers ${label} can hold exactly (at most ${Number.MAX_SAFE_INTEGER} either side of 0); write "${lit.text}" to feed it as raw CSV text`,
          );
        return;
      }
      if (t.kind !== "decimal")
        return bad(
          `${label} is ${typeText}; the number ${lit.text} does not fit (write "${lit.text}" for raw CSV text)`,
        );
      const scale = lit.kind === "Decimal" ? literalScale(lit.text) : 0;
      if (scale > t.scale)
        return bad(
          `${label} allows ${t.scale} decimal${t.scale === 1 ? "" : "s"}; ${lit.text} has ${scale}`,
        );
      const precision =
        field.decl.type.name === "decimal" ? field.decl.type.precision : 18;
      const intDigits = lit.text
        .replace(/^-/, "")
        .split(".")[0]
        .replace(/^0+(?=\d)/, "").length;
      if (precision !== undefined && intDigits > precision - t.scale)
        bad(`${lit.text} has too many digits for ${label} (${typeText})`);
      return;
    }
    case "Date":
      if (t.kind !== "date")
        return bad(
          `${label} is ${typeText}; a date does not fit (write "${lit.text}" for raw CSV text)`,
        );
      if (!isRealDate(lit.text))
        bad(
          `${lit.text} is not a real calendar day (write "${lit.text}" to feed it as raw CSV text)`,
        );
      return;
    case "DateTime":
      if (t.kind !== "datetime")
        return bad(
          `${label} is ${typeText}; a datetime does not fit (write "${lit.text}" for raw CSV text)`,
        );
      if (!isRealDateTime(lit.text))
        bad(`${lit.text} is not a real moment in time`);
      return;
    case "Boolean":
      if (t.kind !== "boolean")
        bad(
          `${label} is ${typeText}; \`${lit.value}\` does not fit (write "${lit.value}" for raw CSV text)`,
        );
      return;
    case "Duration":
    case "Percent":
      bad(
        `a ${lit.kind === "Duration" ? "duration" : "percentage"} cannot be a field value in an example`,
      );
      return;
  }
}

/** Whether the digits of an integer literal are within ±(2^53 − 1), where every integer is exact. */
function isSafeIntegerText(text: string): boolean {
  const value = BigInt(text);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return value <= max && value >= -max;
}

function describeField(field: ResolvedField): string {
  const t = field.decl.type;
  switch (t.name) {
    case "text":
      return t.maxLength === undefined
        ? "a text field"
        : `a text(${t.maxLength}) field`;
    case "code":
      return `a code field (list \`${t.codeList?.name}\`)`;
    case "decimal":
      return `a decimal(${t.precision ?? ""},${t.scale ?? ""}) field`;
    case "ref":
      return `a reference to \`${t.refEntity?.name}.${t.refField?.name}\``;
    default:
      return `a ${t.name} field`;
  }
}
