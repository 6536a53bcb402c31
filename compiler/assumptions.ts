/**
 * Every `assumption` a resolved ruleset version rests on, with the declaration it is on — for the
 * `assumptions` table of a compiled module (and `trace.json`) and for the catalogue's lists. The
 * order is the model's: header, code lists, entities (each followed by its fields), the IKB,
 * rules, categories, payouts, metrics, norms, measures, calendars (each followed by its holidays).
 * Inherited declarations and calendars brought in by `uses` are included: the version rests on them.
 *
 * @module
 */
import type { Assumption } from "../dsl/ast.js";
import type { ResolvedRuleset } from "../dsl/model.js";
import type { AssumptionSubject } from "./contract.js";

/** One assumption and what it is on. */
export interface PlacedAssumption {
  on: AssumptionSubject;
  /** The ruleset id, a rule code, `Entity.field`, `calendar.holiday`, `ikb`, or the declaration's name. */
  name: string;
  /** For a field or holiday: the entity or calendar it belongs to. */
  parent: string | undefined;
  assumption: Assumption;
}

export function assumptionsOf(r: ResolvedRuleset): PlacedAssumption[] {
  const out: PlacedAssumption[] = [];
  const add = (
    on: AssumptionSubject,
    name: string,
    list: readonly Assumption[] | undefined,
    parent?: string,
  ): void => {
    for (const assumption of list ?? [])
      out.push({ on, name, parent, assumption });
  };
  add("ruleset", r.id, r.assumptions);
  for (const c of r.codeLists.values())
    add("codelist", c.name.name, c.assumptions);
  for (const e of r.entities.values()) {
    add("entity", e.name, e.assumptions);
    for (const f of e.fields)
      add("field", `${e.name}.${f.name}`, f.decl.assumptions, e.name);
  }
  if (r.ikb !== undefined) add("ikb", "ikb", r.ikb.assumptions);
  for (const rule of r.rules) add("rule", rule.code, rule.decl.assumptions);
  for (const c of r.categories) add("category", c.name, c.decl.assumptions);
  for (const p of r.payouts) add("payout", p.name.name, p.assumptions);
  for (const m of r.metrics) add("metric", m.name.name, m.assumptions);
  for (const n of r.norms) add("norm", n.name.name, n.assumptions);
  for (const m of r.measures) add("measure", m.name.name, m.assumptions);
  for (const a of r.aggregates ?? [])
    add("aggregate", a.name.name, a.assumptions);
  for (const d of r.reconciliations ?? [])
    add("reconcile", d.name.name, d.assumptions);
  for (const p of r.plausibilities)
    add("plausibility", p.name.name, p.assumptions);
  for (const c of r.calendars) {
    add("calendar", c.name.name, c.assumptions);
    for (const h of c.holidays)
      add(
        "holiday",
        `${c.name.name}.${h.name.name}`,
        h.assumptions,
        c.name.name,
      );
  }
  return out;
}
