/**
 * Trace a declared aggregate through every ruleset version that declares it: the data behind
 * `regel trace NAME` for an aggregate name (docs/language.md, "Aggregates and reconciliation").
 * Per version: its title, what it measures, the articles it implements, the assumptions it rests
 * on, where it is declared, and the reconciled figures compared with it.
 *
 * @module
 */
import { aggregateMeasureText } from "../dsl/aggregate-text.js";
import type { ResolvedRuleset } from "../dsl/model.js";
import {
  declHead,
  declTail,
  toleranceText,
  versionsInOrder,
  type DeclTraceVersion,
} from "./trace-plausibility.js";
import { oneLine } from "../runtime/escape.js";

/** An aggregate as one ruleset version has it. */
export interface AggregateTraceVersion extends DeclTraceVersion {
  /** The measure and filters as declared, e.g. `proportion ikb in category identity`. */
  measure: string;
  /** The `reconcile` figures compared with this aggregate. */
  reconciledAs: { reconcile: string; figure: string; tolerance: string }[];
}

export interface AggregateTraceResult {
  aggregate: string;
  versions: AggregateTraceVersion[];
}

/** The measure and filters of an aggregate as written (dsl/aggregate-text.ts). */
export { aggregateMeasureText };

/** Every aggregate name of the loaded rulesets, sorted. */
export function allAggregates(rulesets: readonly ResolvedRuleset[]): string[] {
  return [
    ...new Set(rulesets.flatMap((r) => r.aggregates.map((a) => a.name.name))),
  ].sort();
}

/** The aggregate `name` in every version that declares it (or only `version`). */
export function traceAggregate(
  rulesets: readonly ResolvedRuleset[],
  name: string,
  version?: string,
): AggregateTraceResult {
  const versions = versionsInOrder(rulesets, version).flatMap((r) => {
    const a = r.aggregates.find((x) => x.name.name === name);
    if (a === undefined) return [];
    return [
      {
        ...declHead(r, a),
        measure: aggregateMeasureText(a),
        ...declTail(r, a),
        reconciledAs: r.reconciliations.flatMap((d) =>
          d.figures
            .filter((f) => f.aggregate.name === name)
            .map((f) => ({
              reconcile: d.name.name,
              figure: f.name.name,
              tolerance: toleranceText(f),
            })),
        ),
      },
    ];
  });
  return { aggregate: name, versions };
}

/** `regel trace NAME` for an aggregate, as text. */
export function aggregateTraceText(t: AggregateTraceResult): string {
  const out: string[] = [`aggregate ${t.aggregate}`];
  for (const v of t.versions) {
    out.push(
      "",
      `${v.ruleset} (valid ${v.validFrom ?? "…"} – ${v.validUntil ?? "…"})`,
      `  title: ${v.title ?? "—"}`,
      `  measures: ${v.measure}`,
      `  implements: ${v.articles.map((a) => `${a.source} ${a.locator} (${a.sourceTitle})`).join("; ") || "—"}`,
      `  declared at: ${v.location.file}:${v.location.line}:${v.location.column}`,
    );
    for (const a of v.assumptions) out.push(`  assumption: ${a.text}`);
    for (const r of v.reconciledAs)
      out.push(
        `  reconciled: figure ${r.figure} of ${r.reconcile}, tolerance ${r.tolerance}`,
      );
  }
  return `${out.map(oneLine).join("\n")}\n`;
}
