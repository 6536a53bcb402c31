/**
 * Checks of rules: required clauses, targets, `when`/`require` conditions (type-checked once per
 * listed attribute in attribute rules), file checks, message placeholders, and the examples.
 *
 * @module
 */
import type {
  AggregateExpr,
  Expr,
  FileCheck,
  FileJoin,
  Ident,
  RuleDecl,
} from "./ast.js";
import { CODES } from "./check-codes.js";
import {
  missing,
  Reporter,
  type RulesetIndex,
  suggest,
} from "./check-context.js";
import {
  expandAttributes,
  linkField,
  lookupEntity,
  unknownField,
} from "./check-decls.js";
import { fileCheckText } from "./printer.js";
import { checkExamples } from "./check-examples.js";
import { checkRuleClass } from "./check-rule-class.js";
import {
  checkCondition,
  fieldType,
  NORMALIZATIONS,
  type ExprScope,
} from "./check-expr.js";
import { isTextual } from "./types.js";
import { exprHasAggregate, exprReadsPrevious } from "./previous.js";
import { Links } from "./links.js";
import { placeholders } from "./message-template.js";
import type { ResolvedEntity, ResolvedRule } from "./model.js";
import type { TargetAttribute } from "./check-decls.js";

export { expandAttributes, type TargetAttribute } from "./check-decls.js";

function isFileCheck(x: Expr | FileCheck | undefined): x is FileCheck {
  return x !== undefined && x !== null && x.kind === "FileCheck";
}

/** Check every rule of the ruleset. `annotate(rule)`: whether expression types are written (own rules only). */
export function checkRules(
  index: RulesetIndex,
  reporter: Reporter,
  annotate: (r: ResolvedRule) => boolean,
): void {
  const rules = index.rs.rules;
  const links = index.links;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const own = annotate(rule);
    const drift = { found: false };
    // An inherited rule is linked in a scratch table first: kept unless the rule needs its own copy.
    const scratch = own ? links : new Links();
    index.links = scratch;
    checkRule(index, reporter, rule.decl, own, own ? undefined : drift);
    index.links = links;
    checkMeaningSource(reporter, rule);
    checkRuleClass(reporter, rule);
    if (drift.found) {
      // An inherited rule whose types changed here (e.g. `replace field balance: decimal(18,4)`):
      // this version gets its own typed copy (linked in its own terms); the declaring version
      // keeps its types.
      const decl = structuredClone(rule.decl);
      checkRule(index, new Reporter(), decl, true, undefined);
      // Its articles cite the sources of the file that wrote it, as the original's do.
      const copied = sourceRefs(decl);
      sourceRefs(rule.decl).forEach((from, n) => links.move(from, copied[n]));
      rules[i] = { ...rule, decl };
      index.rules.set(rule.code, rules[i]);
    } else if (scratch !== links) links.absorb(scratch);
  }
}

/** The source aliases of a rule's `implements` and `meaning ... from`, in order. */
function sourceRefs(d: RuleDecl): Ident[] {
  return [...(d.implementsRefs ?? []), ...(d.meaningFrom ?? [])]
    .filter((a) => a !== undefined)
    .map((a) => a.source);
}

function checkRule(
  index: RulesetIndex,
  reporter: Reporter,
  rule: RuleDecl,
  annotate: boolean,
  drift: { found: boolean } | undefined,
): void {
  if (missing(rule.code)) return;
  const codeSpan = rule.code.span;
  const code = rule.code.name;
  if ((rule.implementsRefs ?? []).length === 0) {
    reporter.report(
      CODES.missingImplements,
      `rule \`${code}\` does not say which article it implements; add \`implements ALIAS LOCATOR\``,
      codeSpan,
    );
  }
  if (rule.severity === undefined) {
    reporter.report(
      CODES.missingSeverity,
      `rule \`${code}\` has no severity; add \`severity blocking\` or \`severity signalling\``,
      codeSpan,
    );
  }
  const target = rule.target;
  if (target === undefined || target === null) {
    reporter.report(
      CODES.missingTarget,
      `rule \`${code}\` does not say what it checks; add \`for ENTITY\`, \`for E.field, ...\` or \`for file E\``,
      codeSpan,
    );
  }
  if (rule.require === undefined || rule.require === null) {
    reporter.report(
      CODES.missingRequire,
      `rule \`${code}\` has no \`require\` condition`,
      codeSpan,
    );
  }

  const base: Omit<ExprScope, "current" | "attribute" | "label"> = {
    index,
    reporter,
    iterated: [],
    inNorm: false,
    annotate,
    drift,
  };
  const targeted: ResolvedEntity[] = [];
  let attributes: TargetAttribute[] = [];
  let fileRule = false;

  if (target?.kind === "FileTarget") {
    fileRule = true;
    for (const e of target.entities ?? []) {
      const entity = lookupEntity(index, reporter, e);
      if (entity !== undefined) targeted.push(entity);
    }
    const total = isFileCheck(rule.require) && rule.require.check === "total";
    if (rule.when !== undefined && rule.when !== null && !total) {
      reporter.report(
        CODES.wrongCheckKind,
        `a \`for file\` rule checks the delivery, not records: it cannot have a \`when\` condition (only a file total, \`require count = x\` or \`require sum f = x\`, counts the records that meet one)`,
        rule.when.span,
      );
    } else if (rule.when !== undefined && rule.when !== null)
      checkTotalWhen(rule.when, { ...base, label: "" }, reporter, targeted);
    if (
      rule.require !== undefined &&
      rule.require !== null &&
      !isFileCheck(rule.require)
    ) {
      reporter.report(
        CODES.wrongCheckKind,
        `a \`for file\` rule takes one of \`require present\`, \`require header\`, \`require unique key\`, \`require references\`, \`require unique a, b\`, \`require one a per b\`, \`require count per b = n\`, \`require count = x\`, \`require sum f = x\``,
        rule.require.span,
      );
    }
    if (isFileCheck(rule.require) && rule.require.check === "unique-key") {
      for (const entity of targeted) {
        if (entity.key.length === 0) {
          reporter.report(
            CODES.uniqueKeyWithoutKey,
            `entity \`${entity.name}\` has no \`key\`, so \`require unique key\` cannot be checked`,
            rule.require.span,
          );
        }
      }
    }
    const joined =
      target.join === undefined
        ? undefined
        : checkJoin(index, reporter, target.join, rule.require, targeted);
    if (
      isFileCheck(rule.require) &&
      (rule.require.check === "unique" ||
        rule.require.check === "one-per" ||
        rule.require.check === "count-per")
    )
      checkWholeFile(
        index,
        reporter,
        rule.require,
        targeted,
        joined ?? (target.join === undefined ? undefined : "failed"),
      );
    if (isFileCheck(rule.require) && rule.require.check === "total")
      checkFileTotal(index, reporter, rule.require, targeted);
  } else if (target?.kind === "RecordTarget" && target.previous === true) {
    const entity = lookupEntity(index, reporter, target.entity);
    if (entity !== undefined) {
      targeted.push(entity);
      checkGoneRule(
        rule,
        entity,
        { ...base, current: entity, attribute: undefined, label: "" },
        reporter,
      );
    }
  } else if (target?.kind === "RecordTarget") {
    const entity = lookupEntity(index, reporter, target.entity);
    if (entity !== undefined) {
      targeted.push(entity);
      const scope: ExprScope = {
        ...base,
        current: entity,
        attribute: undefined,
        label: "",
      };
      checkConditions(rule, scope, reporter);
    }
  } else if (target?.kind === "AttributeTarget") {
    attributes = expandAttributes(index, reporter, target.attributes ?? []);
    const many = attributes.length > 1;
    attributes.forEach((a, i) => {
      if (!targeted.includes(a.entity)) targeted.push(a.entity);
      const scope: ExprScope = {
        ...base,
        annotate: annotate && i === 0,
        drift: i === 0 ? drift : undefined,
        current: a.entity,
        attribute: a,
        label: many
          ? `for attribute \`${a.entity.name}.${a.field.name}\`: `
          : "",
      };
      checkConditions(rule, scope, reporter);
    });
  }

  checkRoles(reporter, rule, targeted);
  checkPlaceholders(index, reporter, rule, targeted);
  checkPersonalPlaceholders(index, reporter, rule, targeted, attributes);
  linkPlaceholders(index, rule, targeted);
  checkExamples(index, reporter, rule, targeted, fileRule);
}

/**
 * Where a rule's meaning comes from: `meaning "..." from ARTICLE` must name articles the rule
 * implements (REG228); a rule whose meaning no cited article gives must carry an `assumption`
 * (REG229, a warning), so that an auditor can tell the law from the ruleset's own reading.
 */
function checkMeaningSource(reporter: Reporter, rule: ResolvedRule): void {
  const d = rule.decl;
  if (missing(d.code)) return;
  const implemented = new Set(
    rule.articles.map((a) => `${a.sourceAlias} ${a.locator}`),
  );
  for (const a of rule.meaningFrom) {
    const text = `${a.sourceAlias} ${a.locator}`;
    if (implemented.has(text)) continue;
    reporter.report(
      CODES.meaningSourceNotImplemented,
      `rule \`${d.code.name}\` takes its meaning from \`${text}\` but does not implement it; add it to \`implements\` or cite an article the rule implements`,
      a.span,
      suggest(text, implemented),
    );
  }
  // A blank `assumption ""` says nothing, so it marks nothing.
  const assumed = (d.assumptions ?? []).some((a) => a.text.trim() !== "");
  if ((d.meaningFrom ?? []).length > 0 || assumed) return;
  const blank =
    (d.assumptions ?? []).length > 0
      ? " that says something (it is blank)"
      : "";
  const message =
    d.meaning === undefined
      ? `rule \`${d.code.name}\` does not say what its code means, and carries no \`assumption\`${blank}`
      : `the meaning of rule \`${d.code.name}\` is not given by a cited article, and the rule carries no \`assumption\`${blank}`;
  reporter.report(CODES.meaningNeitherSourcedNorAssumed, message, d.code.span, {
    warning: true,
    notes: [
      d.meaning === undefined
        ? 'when an article states what the code means, write `meaning "..." from ALIAS LOCATOR` (an article the rule implements); otherwise add `assumption "..."` saying whose reading it is'
        : 'when an article the rule implements states it, add `from ALIAS LOCATOR` to the `meaning`; otherwise add `assumption "..."` saying whose reading it is',
    ],
  });
}

/**
 * `for previous E` (docs/language.md, "Accounts that disappear"): E's records of the previous
 * delivery are found IKB by IKB, by the IKB key, and in the delivery by E's `key` (REG320); the
 * rule requires only that the record is still delivered, `require present` (REG321); a `when`
 * reads the fields of the record of T−1 and nothing else (REG322).
 */
function checkGoneRule(
  rule: RuleDecl,
  entity: ResolvedEntity,
  scope: ExprScope,
  reporter: Reporter,
): void {
  const { index } = scope;
  const ikb = index.rs.ikb;
  const target = rule.target!;
  const why =
    ikb === undefined || missing(ikb.key)
      ? "the ruleset has no `ikb` grouping, by whose key the previous delivery is read"
      : index.field(entity, ikb.key.name) === undefined
        ? `\`${entity.name}\` has no field \`${ikb.key.name}\` (the IKB key), so its records belong to no IKB`
        : entity.key.length === 0
          ? `\`${entity.name}\` has no \`key\` that finds the same record in the delivery`
          : undefined;
  if (why !== undefined)
    reporter.report(
      CODES.goneTarget,
      `\`for previous ${entity.name}\` runs on the records of the previous delivery that the delivery no longer has, but ${why}`,
      target.span,
    );
  if (rule.when !== undefined && rule.when !== null) {
    if (exprHasAggregate(rule.when) || exprReadsPrevious(rule.when))
      reporter.report(
        CODES.goneWhen,
        `the \`when\` of a \`for previous ${entity.name}\` rule reads the fields of the record of the previous delivery, and nothing else (no \`exists\`, \`count\`, \`sum\` or \`previous\`)`,
        rule.when.span,
      );
    else checkCondition(rule.when, scope, "`when`");
  }
  const req = rule.require;
  if (
    req !== undefined &&
    req !== null &&
    !(isFileCheck(req) && req.check === "present")
  )
    reporter.report(
      CODES.goneRequire,
      `a \`for previous ${entity.name}\` rule requires that the record of the previous delivery is still delivered: write \`require present\``,
      req.span,
      { suggestion: "present" },
    );
}

function checkConditions(
  rule: RuleDecl,
  scope: ExprScope,
  reporter: Reporter,
): void {
  checkCondition(rule.when, scope, "`when`");
  if (isFileCheck(rule.require)) {
    reporter.report(
      CODES.wrongCheckKind,
      `\`require ${fileCheckText(rule.require)}\` is a file check; it needs a \`for file\` target`,
      rule.require.span,
    );
  } else checkCondition(rule.require, scope, "`require`");
}

/**
 * The whole-file checks `unique a, b`, `one a per b` and `count per b = n` (n an integer): one entity (fields are its own), every
 * name a field of it (linked), none named twice, `per` spelled so.
 */
/**
 * `for file NP with SA by customer_id`: the joined entity (linked), when the join can be made: a
 * `one a per b` check of one entity, another entity, a field `by` of both with the same type, and
 * both entities in the IKB (REG325, REG326, REG328, REG330). Undefined when it cannot.
 */
function checkJoin(
  index: RulesetIndex,
  reporter: Reporter,
  join: FileJoin,
  require: RuleDecl["require"],
  targeted: ResolvedEntity[],
): ResolvedEntity | undefined {
  const joined = lookupEntity(index, reporter, join.entity);
  if (joined === undefined) return undefined;
  if (
    !isFileCheck(require) ||
    require.check !== "one-per" ||
    targeted.length !== 1
  ) {
    reporter.report(
      CODES.joinNeedsOnePer,
      `\`with ${joined.name} by ${join.by.name}\` joins records to the records of one entity for \`require one a per b\`: ${targeted.length !== 1 ? `this rule is for ${targeted.length} entities` : "this rule has another check"}`,
      join.span,
    );
    return undefined;
  }
  const own = targeted[0];
  if (own === joined) {
    reporter.report(
      CODES.joinSelf,
      `\`${own.name}\` is joined to itself: a join names another entity (a person's address: \`with SA by customer_id\`)`,
      join.entity.span,
    );
    return undefined;
  }
  const mine = missing(join.by) ? undefined : index.field(own, join.by.name);
  const theirs = missing(join.by)
    ? undefined
    : index.field(joined, join.by.name);
  if (mine === undefined || theirs === undefined) {
    if (!missing(join.by)) {
      index.links.unresolved(join.by);
      reporter.report(
        CODES.joinField,
        `\`${join.by.name}\` is not a field of ${mine === undefined ? `\`${own.name}\`` : ""}${mine === undefined && theirs === undefined ? " and " : ""}${theirs === undefined ? `\`${joined.name}\`` : ""}: the records are joined by a field both entities have`,
        join.by.span,
        suggest(join.by.name, [...joined.fields.map((f) => f.name)]),
      );
    }
    return undefined;
  }
  index.links.link(join.by, { kind: "field", entity: joined, field: theirs });
  if (mine.decl.type.name !== theirs.decl.type.name) {
    reporter.report(
      CODES.joinField,
      `\`${join.by.name}\` is \`${mine.decl.type.name}\` in \`${own.name}\` and \`${theirs.decl.type.name}\` in \`${joined.name}\`: a join compares the field as text, so it has one type in both`,
      join.by.span,
    );
    return undefined;
  }
  const ikb = index.rs.ikb;
  const key = ikb === undefined || missing(ikb.key) ? undefined : ikb.key.name;
  const outside = [own, joined].filter(
    (e) => key === undefined || index.field(e, key) === undefined,
  );
  if (outside.length > 0) {
    reporter.report(
      CODES.joinOutsideIkb,
      key === undefined
        ? `a join is made within an IKB, and this ruleset declares no \`ikb\``
        : `a join is made within an IKB, and ${outside.map((e) => `\`${e.name}\``).join(" and ")} ${outside.length === 1 ? "has" : "have"} no field \`${key}\` (the IKB key)`,
      join.span,
    );
    return undefined;
  }
  const check = require as FileCheck;
  if (
    !(check.combination ?? []).some((item) =>
      (item.of ?? []).some((of) => of !== undefined),
    )
  )
    reporter.report(
      CODES.joinUnused,
      `\`with ${joined.name} by ${join.by.name}\` joins records that the combination does not read: name their fields as \`${joined.name}.field\` after \`per\`, or leave the join out`,
      join.span,
    );
  return joined;
}

function checkWholeFile(
  index: RulesetIndex,
  reporter: Reporter,
  check: FileCheck,
  targeted: ResolvedEntity[],
  /** The joined entity; `failed` when the join was reported (its fields are then not checked). */
  joinedOrFailed?: ResolvedEntity | "failed",
): void {
  const joined = joinedOrFailed === "failed" ? undefined : joinedOrFailed;
  const text = `require ${fileCheckText(check)}`;
  if (check.perWord !== undefined)
    reporter.report(
      CODES.wholeFilePer,
      `\`one ${(check.fields ?? []).map((f) => f.name).join(", ")}\` is followed by \`per\` and the fields the records share, not \`${check.perWord.name}\``,
      check.perWord.span,
      { suggestion: "per" },
    );
  if (targeted.length > 1) {
    reporter.report(
      CODES.wholeFileEntities,
      `\`${text}\` names fields of one entity, and this rule is for ${targeted.length} (${targeted.map((e) => e.name).join(", ")}): write one rule per entity`,
      check.span,
    );
    return;
  }
  const entity = targeted[0];
  if (entity === undefined) return;
  // `SA.postal_code`: a field of the joined records, linked to the joined entity (REG327)
  const of = new Map<Ident, Ident>();
  for (const item of check.combination ?? [])
    item.fields.forEach((f, i) => {
      const q = item.of?.[i];
      if (q !== undefined) of.set(f, q);
    });
  const seen = new Map<string, Ident>();
  for (const ident of [...(check.fields ?? []), ...(check.per ?? [])]) {
    if (missing(ident)) continue;
    const qualifier = of.get(ident);
    if (qualifier !== undefined) {
      if (missing(qualifier) || joinedOrFailed === "failed") {
        index.links.unresolved(ident);
        continue;
      }
      if (joined === undefined || qualifier.name !== joined.name) {
        index.links.unresolved(qualifier);
        index.links.unresolved(ident);
        reporter.report(
          CODES.joinQualifier,
          joined === undefined
            ? `\`${qualifier.name}.${ident.name}\` names a field of joined records, and this rule joins none: write \`for file ${entity.name} with ${qualifier.name} by FIELD\``
            : `\`${qualifier.name}\` is not the entity this rule joins (\`${joined.name}\`): write \`${joined.name}.${ident.name}\``,
          qualifier.span,
          joined === undefined ? undefined : { suggestion: joined.name },
        );
        continue;
      }
      index.links.link(qualifier, { kind: "entity", entity: joined });
      const field = linkField(index, joined, ident);
      if (field === undefined) {
        unknownField(index, reporter, joined, ident, ` (in \`${text}\`)`);
        continue;
      }
      const name = `${joined.name}.${ident.name}`;
      const first = seen.get(name);
      if (first !== undefined)
        reporter.report(
          CODES.wholeFileRepeated,
          `\`${name}\` is named twice in \`${text}\` (first at line ${first.span.start.line}): name each field of the combination once`,
          ident.span,
        );
      else seen.set(name, ident);
      continue;
    }
    const field = linkField(index, entity, ident);
    if (field === undefined) {
      unknownField(index, reporter, entity, ident, ` (in \`${text}\`)`);
      continue;
    }
    if (
      check.check === "count-per" &&
      check.fields?.includes(ident) &&
      field.decl.type.name !== "integer"
    )
      reporter.report(
        CODES.wholeFileCountNotInteger,
        `\`${ident.name}\` states how many records share ${(check.per ?? []).map((p) => `\`${p.name}\``).join(", ")}, so it must be an \`integer\` field, not \`${field.decl.type.name}\``,
        ident.span,
      );
    const first = seen.get(ident.name);
    if (first !== undefined)
      reporter.report(
        CODES.wholeFileRepeated,
        `\`${ident.name}\` is named twice in \`${text}\` (first at line ${first.span.start.line}): ${check.check === "one-per" ? "a field the records share cannot also be the one they must agree on" : "name each field of the combination once"}`,
        ident.span,
      );
    else seen.set(ident.name, ident);
  }
  for (const item of check.combination ?? []) {
    const fn = item.normalize;
    if (fn === undefined || missing(fn)) continue;
    if (!NORMALIZATIONS.includes(fn.name)) {
      reporter.report(
        CODES.wholeFileNotNormalization,
        `\`${fn.name}\` is not a normalisation: a combination of \`${text}\` names fields, each as it is or in one of ${NORMALIZATIONS.map((n) => `\`${n}\``).join(", ")}`,
        fn.span,
        suggest(fn.name, NORMALIZATIONS),
      );
      continue;
    }
    item.fields.forEach((ident, i) => {
      if (missing(ident)) return;
      const field =
        item.of?.[i] === undefined
          ? linkField(index, entity, ident)
          : index.links.field(ident);
      if (field === undefined) return;
      const t = fieldType(index, field);
      if (t.kind !== "error" && !isTextual(t))
        reporter.report(
          CODES.wholeFileNormalizeNotText,
          `\`${fn.name}\` normalises text, and \`${ident.name}\` is a \`${field.decl.type.name}\` field: name it without \`${fn.name}(...)\` (its decoded value is compared as it is)`,
          ident.span,
        );
    });
  }
}

/**
 * The `when` of a file total: which records of its one entity are counted or summed (a subtype's
 * condition: `when blocked = true require count = ETD.row_count of "blocked_bank_account"`). The
 * condition sees one record alone, so it may not use exists / count / sum (REG260).
 */
function checkTotalWhen(
  when: Expr,
  base: Omit<ExprScope, "current" | "attribute">,
  reporter: Reporter,
  targeted: ResolvedEntity[],
): void {
  if (targeted.length !== 1) {
    if (targeted.length > 1)
      reporter.report(
        CODES.fileTotalWhenEntities,
        `a \`when\` on a file total picks records of one entity, and this rule is for ${targeted.length} (${targeted.map((e) => e.name).join(", ")}): write one rule per entity`,
        when.span,
      );
    return;
  }
  const aggregate = findAggregate(when);
  if (aggregate !== undefined) {
    reporter.report(
      CODES.fileTotalWhenAggregate,
      `the \`when\` of a file total sees one record of \`${targeted[0].name}\` at a time, not its IKB: \`${aggregate.op}(...)\` cannot be used here`,
      aggregate.span,
    );
    return;
  }
  checkCondition(
    when,
    { ...base, current: targeted[0], attribute: undefined },
    "`when`",
  );
}

/** The first exists / count / sum in an expression. */
function findAggregate(node: unknown): AggregateExpr | undefined {
  if (node === null || typeof node !== "object") return undefined;
  if ((node as { kind?: unknown }).kind === "Aggregate")
    return node as AggregateExpr;
  for (const [k, v] of Object.entries(node)) {
    if (k === "span" || k === "type") continue;
    const found = Array.isArray(v)
      ? v.map(findAggregate).find((x) => x !== undefined)
      : findAggregate(v);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The field types a file total adds or compares. */
const NUMBER_TYPES: readonly string[] = ["integer", "decimal", "money"];

/**
 * The file totals `count op x` and `sum f op x`: `sum` over one entity and a number field of it;
 * the figure a number, a number parameter, or a number field of a `single` entity.
 */
function checkFileTotal(
  index: RulesetIndex,
  reporter: Reporter,
  check: FileCheck,
  targeted: ResolvedEntity[],
): void {
  const text = `require ${fileCheckText(check)}`;
  const summed = check.fields?.[0];
  if (check.measure === "sum" && summed !== undefined && !missing(summed)) {
    if (targeted.length > 1)
      reporter.report(
        CODES.fileTotalSumEntities,
        `\`${text}\` sums a field of one entity, and this rule is for ${targeted.length} (${targeted.map((e) => e.name).join(", ")}): write one rule per entity`,
        check.span,
      );
    else if (targeted[0] !== undefined) {
      const field = linkField(index, targeted[0], summed);
      if (field === undefined)
        unknownField(index, reporter, targeted[0], summed, ` (in \`${text}\`)`);
      else if (!NUMBER_TYPES.includes(field.decl.type.name))
        reporter.report(
          CODES.fileTotalNotNumber,
          `\`sum ${summed.name}\` adds up a \`${field.decl.type.name}\` field; a control total sums an \`integer\`, \`decimal\` or \`money\` field`,
          summed.span,
        );
    }
  }
  const figure = check.figure;
  if (figure === undefined) return;
  if (figure.literal !== undefined) {
    if (figure.literal.kind !== "Integer" && figure.literal.kind !== "Decimal")
      reporter.report(
        CODES.fileTotalFigureNotNumber,
        `a file total is compared with a number, not a ${figure.literal.kind.toLowerCase()} literal`,
        figure.literal.span,
      );
    return;
  }
  const name = figure.name;
  if (name === undefined || missing(name)) return;
  if (figure.entity !== undefined) {
    const entity = lookupEntity(index, reporter, figure.entity);
    if (entity === undefined) return;
    const field = linkField(index, entity, name);
    if (field === undefined) {
      unknownField(index, reporter, entity, name, ` (in \`${text}\`)`);
      return;
    }
    if (figure.key !== undefined)
      checkKeyedFigure(
        index,
        reporter,
        entity,
        { key: figure.key, keyField: figure.keyField },
        `require ${fileCheckText(check)}`,
      );
    else if (!entity.single)
      reporter.report(
        CODES.fileTotalNotSingle,
        `\`${entity.name}.${name.name}\` is one value only when \`${entity.name}\` has exactly one record: declare the entity \`single\` (a trailer), pick one record (\`${entity.name}.${name.name} where k = "KEY"\`), or compare with a number or a parameter`,
        figure.entity.span,
      );
    if (!NUMBER_TYPES.includes(field.decl.type.name))
      reporter.report(
        CODES.fileTotalNotNumber,
        `\`${entity.name}.${name.name}\` is a \`${field.decl.type.name}\` field; a file total is compared with an \`integer\`, \`decimal\` or \`money\` field`,
        name.span,
      );
    return;
  }
  const parameter = index.rs.parameters.find((p) => p.name.name === name.name);
  if (parameter === undefined) {
    index.links.unresolved(name);
    reporter.report(
      CODES.fileTotalUnknownName,
      `\`${name.name}\` is no parameter; a file total is compared with a number, a parameter, or a field of a \`single\` entity written \`E.f\` (\`TR.record_count\`)`,
      name.span,
      suggest(
        name.name,
        index.rs.parameters.map((p) => p.name.name),
      ),
    );
    return;
  }
  index.links.link(name, { kind: "parameter", decl: parameter });
  if (!NUMBER_TYPES.includes(parameter.type))
    reporter.report(
      CODES.fileTotalFigureNotNumber,
      `parameter \`${name.name}\` is a \`${parameter.type}\`; a file total is compared with an \`integer\`, \`decimal\` or \`money\` parameter`,
      name.span,
    );
}

/**
 * `E.f where k = "KEY"`: `k` is a `text` field of `E` and KEY a text (REG261); on a delivery the
 * figure is `f` of the one record of `E` whose `k` is KEY (none or several: a finding).
 */
function checkKeyedFigure(
  index: RulesetIndex,
  reporter: Reporter,
  entity: ResolvedEntity,
  figure: { key: Expr; keyField: Ident | undefined },
  text: string,
): void {
  const ident = figure.keyField;
  if (ident === undefined || missing(ident)) return;
  const field = linkField(index, entity, ident);
  if (field === undefined) {
    unknownField(index, reporter, entity, ident, ` (in \`${text}\`)`);
    return;
  }
  if (field.decl.type.name !== "text")
    reporter.report(
      CODES.fileTotalKeyedFigure,
      `\`where ${ident.name} = ...\` picks the record of \`${entity.name}\` by a text field, and \`${ident.name}\` is a \`${field.decl.type.name}\` field`,
      ident.span,
    );
  else if (figure.key.kind !== "String")
    reporter.report(
      CODES.fileTotalKeyedFigure,
      `\`${ident.name}\` is a text: write the value that picks the record in double quotes`,
      figure.key.span,
    );
}

/**
 * `{name}` in a message: `{attribute}` and `{value}` (attribute rules) or a field of the rule's
 * entity; anything else is printed as written, which is almost never meant (a warning).
 */
function checkPlaceholders(
  index: RulesetIndex,
  reporter: Reporter,
  rule: RuleDecl,
  targeted: ResolvedEntity[],
): void {
  if (rule.message === undefined) return;
  const attributeRule = rule.target?.kind === "AttributeTarget";
  for (const { name } of placeholders(rule.message)) {
    if (name === "attribute" || name === "value") {
      if (attributeRule) continue;
      reporter.report(
        CODES.unknownPlaceholder,
        `\`{${name}}\` in the message of rule \`${rule.code.name}\` is only filled in for attribute rules (\`for E.f, ...\`); here it prints nothing`,
        rule.messageSpan ?? rule.code.span,
        { warning: true },
      );
      continue;
    }
    if (targeted.some((e) => index.field(e, name) !== undefined)) continue;
    const fields = targeted.flatMap((e) => [...index.fields(e).keys()]);
    reporter.report(
      CODES.unknownPlaceholder,
      `the message of rule \`${rule.code.name}\` has a placeholder \`{${name}}\` that is neither \`{attribute}\`, \`{value}\` nor a field of the rule's entity; it is printed as written`,
      rule.messageSpan ?? rule.code.span,
      {
        warning: true,
        ...suggest(name, [
          ...fields,
          ...(attributeRule ? ["attribute", "value"] : []),
        ]),
      },
    );
  }
}

/**
 * Link the `{field}` placeholders of the rule's message (its title when it has none) to the field
 * they show on each entity the rule checks; other names stay as written.
 */
function linkPlaceholders(
  index: RulesetIndex,
  rule: RuleDecl,
  targeted: ResolvedEntity[],
): void {
  const template = rule.message ?? rule.title;
  if (template === undefined) return;
  for (const { name } of placeholders(template)) {
    if (name === "attribute" || name === "value") continue;
    for (const entity of targeted) {
      const field = index.field(entity, name);
      if (field !== undefined)
        index.links.linkPlaceholder(rule, entity, name, field);
    }
  }
}

/**
 * Personal data never appears in a message (issue 16): a placeholder that shows the value of a
 * personal field — `{value}` of an attribute rule that checks one, or `{field}` — must be written
 * `|masked`. The compiled rule masks it either way; the error makes the author say so.
 */
function checkPersonalPlaceholders(
  index: RulesetIndex,
  reporter: Reporter,
  rule: RuleDecl,
  targeted: ResolvedEntity[],
  attributes: TargetAttribute[],
): void {
  const template = rule.message ?? rule.title;
  if (template === undefined) return;
  const reported = new Set<string>();
  for (const p of placeholders(template)) {
    if (p.masked || p.name === "attribute" || reported.has(p.name)) continue;
    const personal =
      p.name === "value"
        ? attributes
            .filter((a) => a.field.decl.personal)
            .map((a) => `${a.entity.name}.${a.field.name}`)
        : targeted
            .filter((e) => index.field(e, p.name)?.decl.personal === true)
            .map((e) => `${e.name}.${p.name}`);
    if (personal.length === 0) continue;
    reported.add(p.name);
    const fields =
      personal.length > 3
        ? `${personal.slice(0, 3).join(", ")} and ${personal.length - 3} more`
        : personal.join(", ");
    reporter.report(
      CODES.personalInMessage,
      `the ${rule.message === undefined ? "title" : "message"} of rule \`${rule.code.name}\` shows \`${p.whole}\`, the value of personal field${personal.length === 1 ? "" : "s"} ${fields}; personal data may appear in a message only masked: write \`{${p.name}|masked}\` (shown as *** for a personal field) or leave the value out (the finding lists it, masked, under its values)`,
      rule.code.span,
    );
  }
}

/**
 * `applies to D` filters records by role; on an entity without `role by` there is no role and every
 * record is checked (docs/language.md). Saying otherwise misleads the reader: a warning.
 */
function checkRoles(
  reporter: Reporter,
  rule: RuleDecl,
  targeted: ResolvedEntity[],
): void {
  const roles = rule.roles ?? [];
  if (
    roles.length === 0 ||
    (roles.includes("D") && roles.includes("V")) ||
    rule.target?.kind === "FileTarget"
  )
    return;
  for (const e of targeted) {
    if (e.roleBy !== undefined) continue;
    reporter.report(
      CODES.roleWithoutRoleBy,
      `rule \`${rule.code.name}\` applies to ${roles.join(", ")} only, but entity \`${e.name}\` has no \`role by\`: all its records are checked`,
      rule.code.span,
      { warning: true },
    );
  }
}
