/**
 * Checks of `aggregate` and `reconcile` declarations (docs/language.md, "Aggregates"): each
 * aggregate has exactly one measure, names entities, fields, rules and categories that exist,
 * sums a number field and sees records of an IKB; each reconciled figure names a declared
 * aggregate, once.
 *
 * @module
 */
import type { AggregateDecl, AggregateMeasure, ReconcileDecl } from "./ast.js";
import { CODES } from "./check-codes.js";
import {
  missing,
  suggest,
  where,
  type Reporter,
  type RulesetIndex,
} from "./check-context.js";
import { fieldType } from "./check-expr.js";
import {
  checkMarking,
  linkField,
  lookupEntity,
  unknownField,
} from "./check-decls.js";
import type { ResolvedEntity } from "./model.js";
import { typeName } from "./types.js";

/**
 * Check the aggregates and reconciliations of a version, inherited ones too: what they name (a
 * rule, a category, a field and its type) is the version's own, which may have removed or
 * replaced it (the reporter keeps a problem found again in every version once).
 */
export function checkAggregates(index: RulesetIndex, reporter: Reporter): void {
  for (const a of index.rs.aggregates ?? [])
    if (a !== undefined) checkAggregate(index, reporter, a);
  const aggregates = new Map(
    (index.rs.aggregates ?? [])
      .filter((a) => a !== undefined && !missing(a.name))
      .map((a) => [a.name.name, a]),
  );
  for (const r of index.rs.reconciliations ?? [])
    if (r !== undefined) checkReconcile(index, reporter, r, aggregates);
}

function checkAggregate(
  index: RulesetIndex,
  reporter: Reporter,
  a: AggregateDecl,
): void {
  const measures = (a.measures ?? []).filter((m) => m !== undefined);
  if (measures.length !== 1) {
    reporter.report(
      CODES.aggregateMeasure,
      measures.length === 0
        ? `aggregate \`${a.name.name}\` says nothing about what it measures`
        : `aggregate \`${a.name.name}\` has ${measures.length} measures; it takes exactly one`,
      measures.length === 0 ? a.name.span : measures[1].span,
      {
        notes: [
          "an aggregate measures one of: `count ikb`, `count ENTITY`, `sum ENTITY.field`, `proportion ikb`, `count result RULE`",
        ],
      },
    );
  }
  for (const m of measures) checkMeasure(index, reporter, a, m);
  const overIkbs =
    a.category !== undefined ||
    a.marking !== undefined ||
    measures.some((m) => m.kind !== "count-findings");
  if (overIkbs && (index.rs.ikb === undefined || missing(index.rs.ikb.key)))
    reporter.report(
      CODES.aggregateNeverSees,
      `aggregate \`${a.name.name}\` counts or adds up records of IKBs, but ruleset \`${index.rs.id}\` has no \`ikb\` grouping`,
      a.name.span,
      {
        notes: [
          'declare the grouping (`ikb "..." key FIELD depositor E by FIELD`), or measure findings (`count result RULE`)',
        ],
      },
    );
  if (
    measures.some((m) => m.kind === "share-ikbs") &&
    a.category === undefined &&
    a.marking === undefined
  )
    reporter.report(
      CODES.aggregateShareWithoutFilter,
      `\`proportion ikb\` in aggregate \`${a.name.name}\` is always 100 %: say which IKBs it is the share of`,
      measures.find((m) => m.kind === "share-ikbs")!.span,
      {
        notes: [
          'add `in category NAME` or `with ENTITY.field = "VALUE"` (or both)',
        ],
      },
    );
  if (a.category !== undefined && !missing(a.category)) {
    const cat = index.rs.categories.find((c) => c.name === a.category!.name);
    if (cat !== undefined)
      index.links.link(a.category, { kind: "category", category: cat });
    else {
      index.links.unresolved(a.category);
      reporter.report(
        CODES.aggregateUnknownCategory,
        `unknown category \`${a.category.name}\``,
        a.category.span,
        suggest(
          a.category.name,
          index.rs.categories.map((c) => c.name),
        ),
      );
    }
  }
  if (a.marking !== undefined)
    checkMarking(index, reporter, a.marking, "`with`");
}

function checkMeasure(
  index: RulesetIndex,
  reporter: Reporter,
  a: AggregateDecl,
  m: AggregateMeasure,
): void {
  switch (m.kind) {
    case "count-ikbs":
    case "share-ikbs":
      return;
    case "count-findings": {
      if (missing(m.rule)) return;
      const rule = index.rules.get(m.rule.name);
      if (rule !== undefined) index.links.link(m.rule, { kind: "rule", rule });
      else {
        index.links.unresolved(m.rule);
        reporter.report(
          CODES.unknownRule,
          `unknown rule \`${m.rule.name}\`: \`count result\` names the code of a rule`,
          m.rule.span,
          suggest(m.rule.name, index.rules.keys()),
        );
      }
      return;
    }
    case "count-records": {
      const e = lookupEntity(index, reporter, m.entity);
      if (e !== undefined) inIkb(index, reporter, a, e);
      return;
    }
    case "sum": {
      const e = lookupEntity(index, reporter, m.attribute?.entity);
      if (e === undefined || missing(m.attribute.field)) return;
      const f = linkField(index, e, m.attribute.field);
      if (f === undefined) {
        unknownField(index, reporter, e, m.attribute.field);
        return;
      }
      const t = fieldType(index, f);
      if (t.kind !== "integer" && t.kind !== "decimal" && t.kind !== "error")
        reporter.report(
          CODES.aggregateSumNotNumber,
          `\`sum ${e.name}.${f.name}\` adds up a field that is ${typeName(t)}: only integer, decimal and money fields add up`,
          m.attribute.span,
        );
      inIkb(index, reporter, a, e);
      return;
    }
  }
}

/** The records an aggregate counts or adds up are those of IKBs: the entity must carry the IKB key. */
function inIkb(
  index: RulesetIndex,
  reporter: Reporter,
  a: AggregateDecl,
  e: ResolvedEntity,
): void {
  const ikb = index.rs.ikb;
  if (ikb === undefined || missing(ikb.key)) return; // reported for the aggregate
  if (index.field(e, ikb.key.name) === undefined || e.file === undefined)
    reporter.report(
      CODES.aggregateNeverSees,
      `aggregate \`${a.name.name}\` never sees a record of \`${e.name}\`: ${
        e.file === undefined
          ? "the entity has no `file`"
          : `it has no IKB key field \`${ikb.key.name}\``
      }`,
      a.name.span,
      { notes: [`aggregates count and add up the records of the IKBs`] },
    );
}

function checkReconcile(
  index: RulesetIndex,
  reporter: Reporter,
  r: ReconcileDecl,
  aggregates: Map<string, AggregateDecl>,
): void {
  const seen = new Map<string, ReconcileDecl["figures"][number]>();
  for (const f of r.figures ?? []) {
    if (f === undefined || missing(f.name)) continue;
    const first = seen.get(f.name.name);
    if (first !== undefined)
      reporter.report(
        CODES.reconcileFigureTwice,
        `figure \`${f.name.name}\` is given twice in reconcile \`${r.name.name}\``,
        f.name.span,
        { notes: [`the first is at ${where(first.name.span)}`] },
      );
    else seen.set(f.name.name, f);
    if (missing(f.aggregate)) continue;
    const a = aggregates.get(f.aggregate.name);
    if (a !== undefined)
      index.links.link(f.aggregate, { kind: "aggregate", decl: a });
    else {
      index.links.unresolved(f.aggregate);
      reporter.report(
        CODES.reconcileUnknownAggregate,
        `unknown aggregate \`${f.aggregate.name}\`: a reconciled figure is compared with a declared aggregate`,
        f.aggregate.span,
        suggest(f.aggregate.name, aggregates.keys()),
      );
    }
  }
}
