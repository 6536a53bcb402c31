/**
 * Data exports of a module: metadata, entity metadata, the trace table (rule -> articles, source
 * location, categories fed, assumptions), categories, payouts, norms, file rules and every
 * assumption of the ruleset. Built as plain data first (the same data is written to `trace.json`),
 * then emitted as literals.
 *
 * @module
 */
import type {
  AggregateDecl,
  ArticleRef,
  FileCheck,
  Ident,
  PlausibilityDecl,
  Span,
} from "../dsl/ast.js";
import { readsPrevious } from "../dsl/previous.js";
import { plausibilitySettings } from "../dsl/plausibility-words.js";
import type {
  ResolvedArticle,
  ResolvedRule,
  ResolvedRuleset,
} from "../dsl/model.js";
import type {
  AggregateTrace,
  ReconcileTrace,
  ArticleTrace,
  AssumptionTrace,
  CategoryTrace,
  EntityMeta,
  FileRule,
  NormTrace,
  PlausibilityTrace,
  PayoutTrace,
  RuleTrace,
  RulesetMetadata,
  SourceLocation,
} from "./contract.js";
import { escapeNonAscii } from "./code.js";
import { sha256Hex } from "./contract.js";
import { printExpr, totalFigureText } from "../dsl/printer.js";
import { describeClass } from "../dsl/rule-class.js";
import { assumptionsOf } from "./assumptions.js";
import { ruleInstances } from "./emit-rules.js";
import type { ModuleContext } from "./emit-context.js";
import { typeText } from "./emit-types.js";
import type { ModuleSources } from "./source-files.js";

/** Where in its `.regel` file a span starts; the file named relative to the rulesets root. */
export function location(span: Span, sources: ModuleSources): SourceLocation {
  return {
    file: sources.path(span.file),
    line: span.start.line,
    column: span.start.column,
  };
}

function articles(list: ResolvedArticle[]): ArticleTrace[] {
  return list.map((a) => ({
    source: a.sourceAlias,
    sourceTitle: a.sourceTitle,
    locator: a.locator,
  }));
}

/** Articles of a declaration whose model keeps only its `implements` refs (payouts, norms). */
function refArticles(r: ResolvedRuleset, refs: ArticleRef[]): ArticleTrace[] {
  return refs.map((a) => ({
    source: a.source.name,
    sourceTitle:
      r.links.declared(a.source, "source")?.decl.title ?? a.source.name,
    locator: a.locator,
  }));
}

const attr = (a: {
  entity: { name: string };
  field: { name: string };
}): string => `${a.entity.name}.${a.field.name}`;

export interface ModuleData {
  metadata: RulesetMetadata;
  entities: EntityMeta[];
  trace: RuleTrace[];
  categories: CategoryTrace[];
  payouts: PayoutTrace[];
  norms: NormTrace[];
  fileRules: FileRule[];
  assumptions: AssumptionTrace[];
  /** Reference data (`table` declarations): columns, row count, and for a CSV its path and sha256. */
  tables: TableTrace[];
  /** The declared aggregates; absent when there are none (so other modules are unchanged). */
  aggregates?: AggregateTrace[];
  /** The declared reconciliations; absent when there are none. */
  reconciliations?: ReconcileTrace[];
  /** `plausibility` declarations (absent when the ruleset has none, so other trace files stay as they were). */
  plausibility?: PlausibilityTrace[];
}

/** A reference-data table as trace.json records it (its rows are in the module, as literals). */
export interface TableTrace {
  name: string;
  title: string | undefined;
  columns: { name: string; type: string; key: boolean }[];
  rows: number;
  /** The CSV file, relative to the rulesets root; absent for a table with inline rows. */
  file?: string;
  /** sha256 (lowercase hex) of the CSV file's bytes as the checker read them. */
  sha256?: string;
  location: SourceLocation;
}

/** An aggregate as the module and trace.json carry it. */
function aggregateTrace(
  r: ResolvedRuleset,
  a: AggregateDecl,
  sources: ModuleSources,
  texts: ReadonlyMap<string, string>,
): AggregateTrace {
  const m = a.measures[0];
  const shape: Partial<AggregateTrace> = {};
  if (m?.kind === "count-records") shape.entity = m.entity.name;
  if (m?.kind === "count-findings") shape.rule = m.rule.name;
  if (m?.kind === "sum") {
    shape.entity = m.attribute.entity.name;
    shape.field = m.attribute.field.name;
    const entity = r.links.entity(m.attribute.entity);
    const t =
      entity === undefined
        ? undefined
        : r.links.field(m.attribute.field, entity)?.decl.type;
    shape.scale =
      t?.name === "money" ? 2 : t?.name === "decimal" ? (t.scale ?? 0) : 0;
  }
  return {
    name: a.name.name,
    title: a.title,
    measure: m?.kind ?? "count-ikbs",
    ...shape,
    ...(a.category ? { category: a.category.name } : {}),
    ...(a.marking
      ? {
          marking: {
            entity: a.marking.attribute.entity.name,
            field: a.marking.attribute.field.name,
            value: a.marking.value.value,
          },
        }
      : {}),
    articles: refArticles(r, a.implementsRefs),
    assumptions: a.assumptions.map((x) => x.text),
    location: location(a.span, sources),
    source: spanText(texts, a.span),
  };
}

/**
 * A plausibility declaration as trace.json records it, every default filled in (see
 * dsl/plausibility-words.ts): what `regel validate` and `regel assess` evaluate.
 */
export function plausibilityTrace(
  r: ResolvedRuleset,
  p: PlausibilityDecl,
  sources: ModuleSources,
): PlausibilityTrace {
  return {
    name: p.name.name,
    title: p.title,
    ...plausibilitySettings(p),
    articles: refArticles(r, p.implementsRefs),
    assumptions: p.assumptions.map((a) => a.text),
    location: location(p.span, sources),
  };
}

/** The text a span covers in its file, when the file's text is known. */
function spanText(texts: ReadonlyMap<string, string>, span: Span): string {
  return texts.get(span.file)?.slice(span.start.offset, span.end.offset) ?? "";
}

function ruleTrace(
  ctx: ModuleContext,
  rule: ResolvedRule,
  sources: ModuleSources,
  texts: ReadonlyMap<string, string>,
): RuleTrace {
  const d = rule.decl;
  const target = d.target;
  const instances = ruleInstances(ctx, rule);
  const entities =
    target?.kind === "FileTarget"
      ? target.entities.map((e) => e.name)
      : instances.map((i) => i.entity.name);
  const attributes = instances.flatMap((i) =>
    (i.attributes ?? []).map((f) => `${i.entity.name}.${f.name}`),
  );
  return {
    code: rule.code,
    title: d.title,
    meaning: d.meaning,
    meaningFrom: articles(rule.meaningFrom),
    assumptions: (d.assumptions ?? []).map((a) => a.text),
    severity: d.severity ?? "signalling",
    classification: describeClass(rule.code, d),
    ...(readsPrevious(d) ? { previous: true as const } : {}),
    roles: d.roles.length > 0 ? [...d.roles] : ["D", "V"],
    target:
      target?.kind === "FileTarget"
        ? "file"
        : target?.kind === "AttributeTarget"
          ? "attribute"
          : "record",
    entities,
    attributes,
    articles: articles(rule.articles),
    location: location(d.span, sources),
    origin: rule.origin,
    source: spanText(texts, d.span),
    categories: ctx.ruleset.categories.flatMap((c) =>
      c.decl.results
        .filter(
          (res) => ctx.ruleset.links.declared(res.code, "rule")?.rule === rule,
        )
        .map((res) => ({
          category: c.name,
          role: res.role,
          attributes: res.attributes.map(attr),
        })),
    ),
  };
}

/** Every assumption of the ruleset version with the declaration it is on (see compiler/assumptions.ts). */
export function assumptionTable(
  r: ResolvedRuleset,
  sources: ModuleSources,
): AssumptionTrace[] {
  return assumptionsOf(r).map((a) => ({
    on: a.on,
    name: a.name,
    text: a.assumption.text,
    location: location(a.assumption.span, sources),
  }));
}

export function moduleData(
  ctx: ModuleContext,
  sources: ModuleSources,
  texts: ReadonlyMap<string, string> = new Map(),
): ModuleData {
  const r = ctx.ruleset;
  const metadata: RulesetMetadata = {
    name: r.name,
    version: r.version,
    id: r.id,
    title: r.title,
    validFrom: r.validFrom,
    validUntil: r.validUntil,
    extends: r.extends,
    sources: r.sources.map((s) => ({
      alias: s.alias.name,
      title: s.title,
      url: s.url,
    })),
    ikb:
      r.ikb === undefined
        ? undefined
        : {
            key: r.ikb.key.name,
            depositors: r.ikb.depositors.map((d) => d.name),
            depositorBy: r.ikb.depositorBy.name,
            ...(r.ikb.unit === undefined ? {} : { unit: r.ikb.unit.value }),
          },
    ...(sources.files === undefined ? {} : { sourceFiles: sources.files }),
  };
  const entities: EntityMeta[] = [...r.entities.values()].map((e) => ({
    name: e.name,
    title: e.title,
    file: e.file,
    ...(e.dialect === undefined ? {} : { dialect: { ...e.dialect } }),
    ...(e.fileOptional ? { optional: true as const } : {}),
    ...(e.record === undefined ? {} : { record: e.record }),
    ...(e.single ? { single: true as const } : {}),
    ...(e.metadata ? { metadata: true as const } : {}),
    key: [...e.key],
    roleBy: e.roleBy,
    fields: e.fields.map((f) => ({
      name: f.name,
      column: f.column,
      type: typeText(f.decl.type),
      required: f.decl.required,
      personal: f.decl.personal,
      description: f.decl.description,
      ...(f.decl.optionalColumn === undefined
        ? {}
        : { optionalColumn: true as const }),
      ...((f.decl.unknownValues?.length ?? 0) === 0
        ? {}
        : { unknownValues: f.decl.unknownValues!.map((u) => u.value) }),
      ...(f.decl.dateFormat === undefined || f.decl.type?.name !== "date"
        ? {}
        : { dateFormat: f.decl.dateFormat.value }),
    })),
  }));
  const categories: CategoryTrace[] = r.categories.map((c) => ({
    name: c.name,
    title: c.decl.title,
    payout: c.decl.blocks?.name,
    articles: articles(c.articles),
    location: location(c.decl.span, sources),
    results: c.decl.results.map((res) => ({
      code: res.code.name,
      role: res.role,
      attributes: res.attributes.map(attr),
    })),
    markings: c.decl.markings.map((m) => ({
      entity: m.attribute.entity.name,
      field: m.attribute.field.name,
      value: m.value.value,
      role: m.role,
    })),
  }));
  const payouts: PayoutTrace[] = r.payouts.map((p) => ({
    name: p.name.name,
    number: p.number,
    title: p.title,
    articles: refArticles(r, p.implementsRefs),
  }));
  const norms: NormTrace[] = r.norms.map((n) => ({
    name: n.name.name,
    title: n.title,
    articles: refArticles(r, n.implementsRefs),
    location: location(n.span, sources),
    periods: n.periods.map((p) => ({
      year: p.year,
      from: p.from?.text,
      until: p.until?.text,
      requirements: p.requirements.map((q) => ({
        metric: q.metric.name,
        op: q.op,
        value: printExpr(q.value),
        // only aims carry the flag, so modules without aims are unchanged
        ...(q.aim ? { aim: true as const } : {}),
      })),
    })),
  }));
  const plausibility = r.plausibilities.map((p) =>
    plausibilityTrace(r, p, sources),
  );
  const fileRules: FileRule[] = r.rules.flatMap((rule) => {
    const t = rule.decl.target;
    const req = rule.decl.require;
    if (t?.kind !== "FileTarget" || req?.kind !== "FileCheck") return [];
    return [
      {
        code: rule.code,
        severity: rule.decl.severity ?? "signalling",
        check: req.check,
        entities: t.entities.map((e) => e.name),
        // only whole-file checks name fields, so other modules are unchanged
        ...(req.fields ? { fields: req.fields.map((f) => f.name) } : {}),
        ...(req.per ? { per: req.per.map((f) => qualified(req, f)) } : {}),
        ...(t.join
          ? { join: { entity: t.join.entity.name, by: t.join.by.name } }
          : {}),
        ...(req.check === "total"
          ? {
              total: {
                measure: req.measure ?? "count",
                ...(req.fields?.[0] ? { field: req.fields[0].name } : {}),
                op: req.op ?? "=",
                figure: totalFigureText(req.figure),
                ...(req.figure?.entity
                  ? { single: req.figure.entity.name }
                  : {}),
                ...(req.figure?.key?.kind === "String"
                  ? {
                      key: req.figure.key.value,
                      keyField: req.figure.keyField?.name ?? "",
                    }
                  : {}),
                ...(rule.decl.when ? { when: printExpr(rule.decl.when) } : {}),
              },
            }
          : {}),
      },
    ];
  });
  const aggregates = r.aggregates.map((a) =>
    aggregateTrace(r, a, sources, texts),
  );
  const reconciliations: ReconcileTrace[] = r.reconciliations.map((d) => ({
    name: d.name.name,
    title: d.title,
    articles: refArticles(r, d.implementsRefs),
    assumptions: d.assumptions.map((a) => a.text),
    location: location(d.span, sources),
    figures: d.figures.map((f) => ({
      name: f.name.name,
      aggregate: f.aggregate.name,
      tolerance:
        f.tolerance === undefined
          ? { kind: "absolute" as const, value: "0" }
          : {
              kind:
                f.tolerance.kind === "Percent"
                  ? ("percent" as const)
                  : ("absolute" as const),
              value: f.tolerance.text,
            },
    })),
  }));
  return {
    metadata,
    entities,
    trace: r.rules.map((rule) => ruleTrace(ctx, rule, sources, texts)),
    ...(aggregates.length > 0 ? { aggregates } : {}),
    ...(reconciliations.length > 0 ? { reconciliations } : {}),
    categories,
    payouts,
    norms,
    fileRules,
    assumptions: assumptionTable(r, sources),
    tables: r.tables.map((t) => ({
      name: t.name.name,
      title: t.title,
      columns: t.columns.map((c) => ({
        name: c.name.name,
        type: c.type,
        key: c.key,
      })),
      rows: t.rows.length,
      ...(t.path === undefined ? {} : { file: sources.path(t.path) }),
      ...(t.sha256 === undefined ? {} : { sha256: t.sha256 }),
      location: location(t.name.span, sources),
    })),
    ...(plausibility.length > 0 ? { plausibility } : {}),
  };
}

/**
 * The first line of a compiled `validators.js`: what choosing a ruleset needs to know of it, as
 * one line of JSON in a comment, so that `regel validate` learns the name, version, validity
 * dates and files of every compiled ruleset by reading the first bytes of each module, without
 * parsing each `trace.json` (runtime/load-compiled.ts, `readCompiledMeta`). It is part of the
 * module it describes (a module compiled again by a regel that writes no header has none, and is
 * then read from its `trace.json` as before); `trace` is the sha256 of the `trace.json` compiled
 * with it, checked when the module is loaded. ASCII only, one line.
 */
export const RULESET_HEADER_PREFIX = "// regel-ruleset ";

/** What the {@link RULESET_HEADER_PREFIX} line holds (`format` 1). */
export interface RulesetHeader {
  format: 1;
  id: string;
  name: string;
  version: string;
  validFrom?: string;
  validUntil?: string;
  /** The files of the data model (`entity.file`), in entity order. */
  files: string[];
  /** The metrics that a norm of the ruleset sets a requirement on (aims not counted), sorted. */
  normMetrics: string[];
  /** How many `plausibility` declarations the ruleset has. */
  plausibility: number;
  /** sha256 (lowercase hex) of the `trace.json` compiled with the module. */
  trace: string;
}

/** The header line (with its newline) of a module with `data`, compiled with `traceJson`. */
export function rulesetHeaderLine(data: ModuleData, traceJson: string): string {
  const m = data.metadata;
  const metrics = new Set<string>();
  for (const n of data.norms)
    for (const p of n.periods)
      for (const q of p.requirements) if (q.aim !== true) metrics.add(q.metric);
  const header: RulesetHeader = {
    format: 1,
    id: m.id,
    name: m.name,
    version: m.version,
    ...(m.validFrom !== undefined ? { validFrom: m.validFrom } : {}),
    ...(m.validUntil !== undefined ? { validUntil: m.validUntil } : {}),
    files: data.entities.flatMap((e) => (e.file === undefined ? [] : [e.file])),
    normMetrics: [...metrics].sort(),
    plausibility: data.plausibility?.length ?? 0,
    trace: sha256Hex(traceJson),
  };
  // ASCII, as the rest of the module: a U+2028 would end the comment line
  return `${RULESET_HEADER_PREFIX}${escapeNonAscii(JSON.stringify(header))}\n`;
}

/** A field of a whole-file combination as the runtime names it: `SA.postal_code` when joined. */
function qualified(req: FileCheck, field: Ident): string {
  for (const item of req.combination ?? []) {
    const i = item.fields.indexOf(field);
    const of = i < 0 ? undefined : item.of?.[i];
    if (i >= 0)
      return of === undefined ? field.name : `${of.name}.${field.name}`;
  }
  return field.name;
}
