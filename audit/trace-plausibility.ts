/**
 * Trace a `plausibility` or a `reconcile` declaration through every ruleset version that declares
 * it: the data behind `regel trace NAME` for such a name (docs/language.md, "Plausibility" and
 * "Aggregates and reconciliation"). Per version: its title, its settings with every default filled
 * in (a plausibility check's comparison, method, window, minimum, threshold and watched series; a
 * reconciliation's figures with their aggregates and tolerances), the articles it implements, the
 * assumptions it rests on and where it is declared.
 *
 * @module
 */
import type {
  ArticleRef,
  Assumable,
  Ident,
  ReconcileFigure,
} from "../dsl/ast.js";
import type { ResolvedRuleset } from "../dsl/model.js";
import { compareVersions } from "../dsl/types.js";
import { plausibilitySettings } from "../dsl/plausibility-words.js";
import type { ArticleTrace, SourceLocation } from "../compiler/contract.js";
import { locationOf } from "./trace-query.js";
import { oneLine } from "../runtime/escape.js";

/** What every traced declaration (aggregate, reconciliation, plausibility check) has per version. */
export interface DeclTraceVersion {
  ruleset: string;
  validFrom: string | null;
  validUntil: string | null;
  title: string | null;
  articles: ArticleTrace[];
  assumptions: { text: string; location: SourceLocation }[];
  location: SourceLocation;
}

/** A plausibility check as one ruleset version has it (defaults filled in). */
export interface PlausibilityTraceVersion extends DeclTraceVersion {
  compare: "history" | "peers";
  method: string;
  threshold: number;
  window: number;
  minimum: number;
  watch: string[];
}

export interface PlausibilityTraceResult {
  plausibility: string;
  versions: PlausibilityTraceVersion[];
}

/** A reconciliation as one ruleset version has it. */
export interface ReconcileTraceVersion extends DeclTraceVersion {
  figures: { figure: string; aggregate: string; tolerance: string }[];
}

export interface ReconcileTraceResult {
  reconcile: string;
  versions: ReconcileTraceVersion[];
}

/** A figure's tolerance as written: `0` when none, `0.1 %`, `1.00`. */
export function toleranceText(f: ReconcileFigure): string {
  return f.tolerance === undefined
    ? "0"
    : f.tolerance.kind === "Percent"
      ? `${f.tolerance.text} %`
      : f.tolerance.text;
}

function refArticles(r: ResolvedRuleset, refs: ArticleRef[]): ArticleTrace[] {
  return refs.map((a) => ({
    source: a.source.name,
    sourceTitle:
      r.links.declared(a.source, "source")?.decl.title ?? a.source.name,
    locator: a.locator,
  }));
}

/** A declaration that `regel trace NAME` follows through the versions. */
type TracedDecl = Assumable & {
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
};

/** The fields before a traced declaration's own: its version, that version's validity, its title. */
export function declHead(
  r: ResolvedRuleset,
  d: TracedDecl,
): Pick<DeclTraceVersion, "ruleset" | "validFrom" | "validUntil" | "title"> {
  return {
    ruleset: r.id,
    validFrom: r.validFrom ?? null,
    validUntil: r.validUntil ?? null,
    title: d.title ?? null,
  };
}

/** The fields after a traced declaration's own: its articles, its assumptions, where it is declared. */
export function declTail(
  r: ResolvedRuleset,
  d: TracedDecl,
): Pick<DeclTraceVersion, "articles" | "assumptions" | "location"> {
  return {
    articles: refArticles(r, d.implementsRefs),
    assumptions: d.assumptions.map((x) => ({
      text: x.text,
      location: locationOf(x.span),
    })),
    location: locationOf(d.name.span),
  };
}

/** The versions to trace (all, or those matching `version`), in order: by ruleset name, then version. */
export function versionsInOrder(
  rulesets: readonly ResolvedRuleset[],
  version: string | undefined,
): ResolvedRuleset[] {
  return rulesets
    .filter(
      (r) => version === undefined || r.id === version || r.version === version,
    )
    .sort((a, b) =>
      a.name === b.name
        ? compareVersions(a.version, b.version)
        : a.name < b.name
          ? -1
          : 1,
    );
}

/** Every plausibility name of the loaded rulesets, sorted. */
export function allPlausibilities(
  rulesets: readonly ResolvedRuleset[],
): string[] {
  return [
    ...new Set(
      rulesets.flatMap((r) => r.plausibilities.map((p) => p.name.name)),
    ),
  ].sort();
}

/** Every reconciliation name of the loaded rulesets, sorted. */
export function allReconciliations(
  rulesets: readonly ResolvedRuleset[],
): string[] {
  return [
    ...new Set(
      rulesets.flatMap((r) => r.reconciliations.map((d) => d.name.name)),
    ),
  ].sort();
}

/** The plausibility check `name` in every version that declares it (or only `version`). */
export function tracePlausibility(
  rulesets: readonly ResolvedRuleset[],
  name: string,
  version?: string,
): PlausibilityTraceResult {
  const versions = versionsInOrder(rulesets, version).flatMap((r) => {
    const p = r.plausibilities.find((x) => x.name.name === name);
    if (p === undefined) return [];
    return [
      {
        ...declHead(r, p),
        ...plausibilitySettings(p),
        ...declTail(r, p),
      },
    ];
  });
  return { plausibility: name, versions };
}

/** The reconciliation `name` in every version that declares it (or only `version`). */
export function traceReconcile(
  rulesets: readonly ResolvedRuleset[],
  name: string,
  version?: string,
): ReconcileTraceResult {
  const versions = versionsInOrder(rulesets, version).flatMap((r) => {
    const d = r.reconciliations.find((x) => x.name.name === name);
    if (d === undefined) return [];
    return [
      {
        ...declHead(r, d),
        figures: d.figures.map((f) => ({
          figure: f.name.name,
          aggregate: f.aggregate.name,
          tolerance: toleranceText(f),
        })),
        ...declTail(r, d),
      },
    ];
  });
  return { reconcile: name, versions };
}

function headLines(v: DeclTraceVersion): string[] {
  return [
    "",
    `${v.ruleset} (valid ${v.validFrom ?? "…"} – ${v.validUntil ?? "…"})`,
    `  title: ${v.title ?? "—"}`,
  ];
}

function tailLines(v: DeclTraceVersion): string[] {
  return [
    `  implements: ${v.articles.map((a) => `${a.source} ${a.locator} (${a.sourceTitle})`).join("; ") || "—"}`,
    `  declared at: ${v.location.file}:${v.location.line}:${v.location.column}`,
    ...v.assumptions.map((a) => `  assumption: ${a.text}`),
  ];
}

/** `regel trace NAME` for a plausibility check, as text. */
export function plausibilityTraceText(t: PlausibilityTraceResult): string {
  const out: string[] = [`plausibility ${t.plausibility}`];
  for (const v of t.versions)
    out.push(
      ...headLines(v),
      `  compares with: ${v.compare === "peers" ? "peers (the other banks in the history store at the same RRD, per 1,000 IKBs)" : "history (the bank's own earlier deliveries)"}`,
      `  method: ${v.method}, threshold ${v.threshold}`,
      `  window: ${v.window}, minimum: ${v.minimum}`,
      `  watches: ${v.watch.join(", ")}`,
      ...tailLines(v),
    );
  return `${out.map(oneLine).join("\n")}\n`;
}

/** `regel trace NAME` for a reconciliation, as text. */
export function reconcileTraceText(t: ReconcileTraceResult): string {
  const out: string[] = [`reconcile ${t.reconcile}`];
  for (const v of t.versions)
    out.push(
      ...headLines(v),
      ...v.figures.map(
        (f) =>
          `  figure ${f.figure} = aggregate ${f.aggregate}, tolerance ${f.tolerance}`,
      ),
      ...tailLines(v),
    );
  return `${out.map(oneLine).join("\n")}\n`;
}
