/**
 * Builds one {@link ResolvedRuleset} from a file, the resolved version it `extends` and the
 * versions it `uses`: inherited declarations first in their order, `replace` swaps in place,
 * `remove` drops, `extend entity` edits fields, `extend category` / `extend codelist` edit single
 * entries (resolve-extensions.ts), new declarations are appended. Reports the
 * REG216–REG218 family (duplicates, redeclaring without `replace`, replacing what is not inherited)
 * and unknown source aliases of the file's own `implements` clauses.
 *
 * @module
 */
import type {
  ArticleRef,
  CalendarDecl,
  CodeListDecl,
  Declaration,
  EntityDecl,
  ExtendCategoryDecl,
  ExtendCodeListDecl,
  ExtendEntityDecl,
  FieldDecl,
  HolidayDecl,
  Ident,
  IkbDecl,
  MeasureDecl,
  MetricDecl,
  AggregateDecl,
  ReconcileDecl,
  ParameterDecl,
  TableDecl,
  NormDecl,
  PlausibilityDecl,
  PayoutDecl,
  RegelFile,
  RulesetHeader,
  RulesetRef,
  SourceDecl,
  Span,
} from "./ast.js";
import { CODES } from "./check-codes.js";
import { isRealDate } from "./types.js";
import { readFileOptions } from "./file-dialect.js";
import { missing, type Reporter, suggest, where } from "./check-context.js";
import { extendCategories, extendCodeLists } from "./resolve-extensions.js";
import { Links, type Reference, type Target } from "./links.js";
import type {
  ResolvedArticle,
  ResolvedCategory,
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
  ResolvedRuleset,
} from "./model.js";

/** `name@version` of a header. */
export function rulesetId(header: RulesetHeader): string {
  return `${header.ref.name}@${header.ref.version}`;
}

/**
 * A named collection being merged: starts as the inherited items, then takes this file's
 * declarations in order. A Map keeps insertion order, and `set` on an existing key keeps its place:
 * exactly the "replace swaps in place" rule.
 */
class Collection<T> {
  readonly items: Map<string, T>;
  private readonly inherited: Set<string>;
  private readonly here = new Map<string, Span>();

  constructor(
    private readonly kind: string,
    inherited: Iterable<[string, T]>,
    private readonly reporter: Reporter,
    private readonly ctx: {
      id: string;
      parent: string | undefined;
      links: Links;
    },
    /** What a name of this collection links to (for `remove`). */
    private readonly target: (item: T) => Target,
  ) {
    this.items = new Map(inherited);
    this.inherited = new Set(this.items.keys());
  }

  isInherited(name: string): boolean {
    return this.inherited.has(name);
  }

  /** Declared (or replaced) by this very file. */
  isDeclaredHere(name: string): boolean {
    return this.here.has(name);
  }

  /** Add a declaration of this file. Returns false when it was a duplicate and was dropped. */
  declare(name: Ident, item: T, replace: boolean): boolean {
    if (missing(name)) return false;
    const n = name.name;
    const first = this.here.get(n);
    if (first !== undefined) {
      this.reporter.report(
        CODES.duplicateName,
        `${this.kind} \`${n}\` is declared twice in ${this.ctx.id}`,
        name.span,
        {
          notes: [`first declared at ${where(first)}`],
        },
      );
      return false;
    }
    if (replace) {
      if (!(this.inherited.has(n) && this.items.has(n)))
        this.notInherited(name, "replace");
    } else if (this.inherited.has(n) && this.items.has(n)) {
      this.reporter.report(
        CODES.redeclaredInherited,
        `${this.kind} \`${n}\` is already inherited from ${this.ctx.parent}; write \`replace ${this.kind} ${n}\` to change it`,
        name.span,
      );
    }
    this.here.set(n, name.span);
    this.items.set(n, item);
    return true;
  }

  /** Inherited items that this file keeps (neither replaced nor removed). */
  kept(): T[] {
    return [...this.items]
      .filter(([n]) => this.inherited.has(n) && !this.here.has(n))
      .map(([, item]) => item);
  }

  remove(name: Ident): void {
    if (missing(name)) return;
    const n = name.name;
    if (this.inherited.has(n) && this.items.has(n) && !this.here.has(n)) {
      this.ctx.links.link(name, this.target(this.items.get(n)!));
      this.items.delete(n);
      return;
    }
    this.ctx.links.unresolved(name);
    this.notInherited(name, "remove");
  }

  notInherited(name: Ident, verb: string): void {
    const n = name.name;
    const candidates = [...this.inherited].filter((c) => this.items.has(c));
    const why =
      this.ctx.parent === undefined
        ? `${this.ctx.id} does not extend another ruleset`
        : this.here.has(n) && !this.inherited.has(n)
          ? `it is declared in this file, not inherited from ${this.ctx.parent}`
          : `${this.ctx.parent} has no ${this.kind} \`${n}\``;
    this.reporter.report(
      CODES.notInherited,
      `cannot ${verb} ${this.kind} \`${n}\`: ${why}`,
      name.span,
      suggest(n, candidates),
    );
  }
}

/** What the resolver produces besides the model: the sources of this very file. */
export interface Resolution {
  ruleset: ResolvedRuleset;
  /** Source aliases of this file, for checking `implements` of its own declarations. */
  sources: Map<string, SourceDecl>;
}

/**
 * Resolve one file. `parent` is the resolved version named by `extends` (undefined when there is
 * none or it could not be resolved); `used` are the resolved `uses` targets, with the header ref
 * each came from (for diagnostics and links).
 */
export function resolveRuleset(
  file: RegelFile,
  header: RulesetHeader,
  parent: ResolvedRuleset | undefined,
  used: { ref: RulesetRef; ruleset: ResolvedRuleset }[],
  reporter: Reporter,
): Resolution {
  const id = rulesetId(header);
  const links = new Links();
  const ctx = { id, parent: parent?.id, links };
  if (header.extends !== undefined) {
    if (parent === undefined) links.unresolved(header.extends);
    else links.link(header.extends, { kind: "ruleset", ruleset: parent });
  }
  for (const u of header.uses ?? []) {
    const found = used.find((x) => x.ref === u);
    if (found === undefined) links.unresolved(u);
    else links.link(u, { kind: "ruleset", ruleset: found.ruleset });
  }

  // Sources are per file: never inherited.
  const sources = new Map<string, SourceDecl>();
  for (const s of header.sources ?? []) {
    if (missing(s.alias)) continue;
    const first = sources.get(s.alias.name);
    if (first !== undefined) {
      reporter.report(
        CODES.duplicateName,
        `source \`${s.alias.name}\` is declared twice in ${id}`,
        s.alias.span,
        {
          notes: [`first declared at ${where(first.alias.span)}`],
        },
      );
      continue;
    }
    sources.set(s.alias.name, s);
  }
  const articles = (refs: ArticleRef[] | undefined): ResolvedArticle[] =>
    resolveArticles(
      refs ?? [],
      sources,
      reporter,
      links,
      header.extends !== undefined,
    );

  const codeLists = new Collection<CodeListDecl>(
    "codelist",
    parent?.codeLists ?? [],
    reporter,
    ctx,
    (decl) => ({ kind: "codelist", decl }),
  );
  const entities = new Collection<ResolvedEntity>(
    "entity",
    parent?.entities ?? [],
    reporter,
    ctx,
    (entity) => ({ kind: "entity", entity }),
  );
  const rules = new Collection<ResolvedRule>(
    "rule",
    (parent?.rules ?? []).map((r) => [r.code, r]),
    reporter,
    ctx,
    (rule) => ({ kind: "rule", rule }),
  );
  const categories = new Collection<ResolvedCategory>(
    "category",
    (parent?.categories ?? []).map((c) => [c.name, c]),
    reporter,
    ctx,
    (category) => ({ kind: "category", category }),
  );
  const named = <T extends { name: Ident }>(
    kind: string,
    list: T[] | undefined,
    target: (decl: T) => Target,
  ) =>
    new Collection<T>(
      kind,
      (list ?? []).map((d) => [d.name.name, d]),
      reporter,
      ctx,
      target,
    );
  const payouts = named<PayoutDecl>("payout", parent?.payouts, (decl) => ({
    kind: "payout",
    decl,
  }));
  const metrics = named<MetricDecl>("metric", parent?.metrics, (decl) => ({
    kind: "metric",
    decl,
  }));
  const norms = named<NormDecl>("norm", parent?.norms, (decl) => ({
    kind: "norm",
    decl,
  }));
  const measures = named<MeasureDecl>("measure", parent?.measures, (decl) => ({
    kind: "measure",
    decl,
  }));
  const calendars = named<CalendarDecl>(
    "calendar",
    parent?.calendars,
    (decl) => ({ kind: "calendar", decl }),
  );
  const parameters = named<ParameterDecl>(
    "parameter",
    parent?.parameters,
    (decl) => ({ kind: "parameter", decl }),
  );
  const tables = named<TableDecl>("table", parent?.tables, (decl) => ({
    kind: "table",
    decl,
  }));
  const aggregates = named<AggregateDecl>(
    "aggregate",
    parent?.aggregates,
    (decl) => ({ kind: "aggregate", decl }),
  );
  const reconciliations = named<ReconcileDecl>(
    "reconcile",
    parent?.reconciliations,
    (decl) => ({ kind: "reconcile", decl }),
  );
  const plausibilities = named<PlausibilityDecl>(
    "plausibility",
    parent?.plausibilities,
    (decl) => ({ kind: "plausibility", decl }),
  );
  let ikb: IkbDecl | undefined = parent?.ikb;
  let ikbHere: IkbDecl | undefined;
  const extensions: ExtendEntityDecl[] = [];
  const categoryEdits: ExtendCategoryDecl[] = [];
  const codeListEdits: ExtendCodeListDecl[] = [];

  for (const decl of file.declarations ?? []) {
    if (decl === undefined || decl === null) continue;
    switch (decl.kind) {
      case "CodeList":
        checkCodeValues(decl, reporter);
        codeLists.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Entity":
        entities.declare(
          decl.name,
          entityFrom(decl, id, reporter),
          decl.replace,
        );
        articles(decl.implementsRefs);
        break;
      case "ExtendEntity":
        extensions.push(decl);
        break;
      case "ExtendCategory":
        categoryEdits.push(decl);
        break;
      case "ExtendCodeList":
        codeListEdits.push(decl);
        break;
      case "Ikb": {
        articles(decl.implementsRefs);
        const span = decl.span;
        if (ikbHere !== undefined) {
          reporter.report(
            CODES.duplicateName,
            `the \`ikb\` grouping is declared twice in ${id}`,
            span,
            {
              notes: [`first declared at ${where(ikbHere.span)}`],
            },
          );
          break;
        }
        ikbHere = decl;
        if (decl.replace && parent?.ikb === undefined) {
          reporter.report(
            CODES.notInherited,
            `cannot replace \`ikb\`: no \`ikb\` grouping is inherited`,
            span,
          );
        } else if (!decl.replace && parent?.ikb !== undefined) {
          reporter.report(
            CODES.redeclaredInherited,
            `the \`ikb\` grouping is already inherited from ${parent.id}; write \`replace ikb\` to change it`,
            span,
          );
        }
        ikb = decl;
        break;
      }
      case "Rule":
        rules.declare(
          decl.code,
          {
            decl,
            code: decl.code?.name ?? "",
            articles: articles(decl.implementsRefs),
            meaningFrom: articles(decl.meaningFrom),
            origin: id,
          },
          decl.replace,
        );
        break;
      case "Category":
        categories.declare(
          decl.name,
          {
            decl,
            name: decl.name?.name ?? "",
            articles: articles(decl.implementsRefs),
            origin: id,
          },
          decl.replace,
        );
        break;
      case "Payout":
        payouts.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Metric":
        metrics.declare(decl.name, decl, decl.replace);
        break;
      case "Norm":
        norms.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Measure":
        measures.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        articles(decl.basis?.articles);
        checkMeasureBasis(decl, reporter);
        break;
      case "Parameter":
        parameters.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Table":
        tables.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Aggregate":
        aggregates.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Reconcile":
        reconciliations.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Plausibility":
        plausibilities.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Calendar":
        checkHolidays(decl, reporter);
        calendars.declare(decl.name, decl, decl.replace);
        articles(decl.implementsRefs);
        break;
      case "Remove": {
        const target = {
          rule: rules,
          category: categories,
          entity: entities,
          codelist: codeLists,
          payout: payouts,
          norm: norms,
          measure: measures,
          metric: metrics,
          calendar: calendars,
          parameter: parameters,
          table: tables,
          aggregate: aggregates,
          reconcile: reconciliations,
          plausibility: plausibilities,
        }[decl.what] as Collection<unknown> | undefined;
        target?.remove(decl.name);
        break;
      }
    }
  }

  for (const ext of extensions)
    extendEntity(ext, entities, id, reporter, links);
  const editContext = { id, reporter, links, rules: rules.items };
  extendCodeLists(codeListEdits, codeLists, editContext);
  extendCategories(categoryEdits, categories, editContext);

  // Inherited declarations keep the article links of the file that wrote them (sources are per file).
  if (parent !== undefined) {
    const kept: { decl: Declaration }[] = [
      ...codeLists.kept().map((decl) => ({ decl })),
      ...entities.kept(),
      ...(parent.ikb !== undefined && ikbHere === undefined
        ? [{ decl: parent.ikb }]
        : []),
      ...rules.kept(),
      ...categories.kept(),
      ...[
        payouts,
        norms,
        measures,
        calendars,
        parameters,
        tables,
        aggregates,
        reconciliations,
      ].flatMap((c) => c.kept().map((decl) => ({ decl }))),
      ...plausibilities.kept().map((decl) => ({ decl })),
    ];
    links.copy(
      parent.links,
      kept.flatMap((k) => articleSources(k.decl)),
    );
  }

  // `uses` brings calendars and metrics into scope; a name clash with a different declaration is an error.
  for (const u of used) {
    const added = addUsed(
      calendars.items,
      u.ruleset.calendars,
      "calendar",
      u,
      id,
      reporter,
    );
    links.copy(u.ruleset.links, added.flatMap(articleSources));
    addUsed(metrics.items, u.ruleset.metrics, "metric", u, id, reporter);
  }

  const ruleset: ResolvedRuleset = {
    name: header.ref.name,
    version: header.ref.version,
    id,
    title: header.title,
    extends:
      header.extends === undefined
        ? undefined
        : `${header.extends.name}@${header.extends.version}`,
    uses: (header.uses ?? []).map((u) => `${u.name}@${u.version}`),
    validFrom: header.validFrom?.text,
    validUntil: header.validUntil?.text,
    sources: [...sources.values()],
    assumptions: header.assumptions ?? [],
    codeLists: codeLists.items,
    entities: entities.items,
    ikb,
    rules: [...rules.items.values()],
    categories: [...categories.items.values()],
    payouts: [...payouts.items.values()],
    metrics: [...metrics.items.values()],
    norms: [...norms.items.values()],
    measures: [...measures.items.values()],
    calendars: [...calendars.items.values()],
    parameters: [...parameters.items.values()],
    tables: [...tables.items.values()],
    aggregates: [...aggregates.items.values()],
    reconciliations: [...reconciliations.items.values()],
    plausibilities: [...plausibilities.items.values()],
    file: file.path,
    header,
    links,
  };
  return { ruleset, sources };
}

/** The source aliases of a declaration's `implements` (and a rule's `meaning ... from`). */
function articleSources(decl: Declaration): Reference[] {
  const refs: ArticleRef[] = [];
  if ("implementsRefs" in decl) refs.push(...(decl.implementsRefs ?? []));
  if (decl.kind === "Rule") refs.push(...(decl.meaningFrom ?? []));
  return refs.filter((r) => r !== undefined).map((r) => r.source);
}

/** Bring the declarations of a used ruleset into scope; returns those it added. */
function addUsed<T extends { name: Ident }>(
  into: Map<string, T>,
  from: T[],
  kind: string,
  u: { ref: RulesetRef; ruleset: ResolvedRuleset },
  id: string,
  reporter: Reporter,
): T[] {
  const added: T[] = [];
  for (const d of from) {
    const existing = into.get(d.name.name);
    if (existing === d) continue;
    if (existing !== undefined) {
      reporter.report(
        CODES.duplicateName,
        `${kind} \`${d.name.name}\` of ${u.ruleset.id} clashes with the ${kind} of that name in ${id}`,
        u.ref.span,
        {
          notes: [`the other one is declared at ${where(existing.name.span)}`],
        },
      );
      continue;
    }
    into.set(d.name.name, d);
    added.push(d);
  }
  return added;
}

/** Resolve `implements` aliases against the file's own sources; unknown aliases are reported and dropped. */
export function resolveArticles(
  refs: ArticleRef[],
  sources: Map<string, SourceDecl>,
  reporter: Reporter,
  links: Links,
  extending = false,
): ResolvedArticle[] {
  const out: ResolvedArticle[] = [];
  for (const ref of refs) {
    if (ref === undefined || missing(ref.source)) continue;
    const source = sources.get(ref.source.name);
    if (source === undefined) {
      links.unresolved(ref.source);
      reporter.report(
        CODES.unknownSource,
        `unknown source \`${ref.source.name}\`: declare it in the header with \`source ${ref.source.name} "title"\`${
          extending
            ? " (sources are not inherited: each version declares the sources it cites)"
            : ""
        }`,
        ref.source.span,
        suggest(ref.source.name, sources.keys()),
      );
      continue;
    }
    links.link(ref.source, { kind: "source", decl: source });
    out.push({
      sourceAlias: source.alias.name,
      sourceTitle: source.title,
      locator: ref.locator,
      span: ref.span,
    });
  }
  return out;
}

function resolvedField(decl: FieldDecl, origin: string): ResolvedField {
  return {
    decl,
    name: decl.name.name,
    column: decl.column ?? decl.name.name,
    origin,
  };
}

function entityFrom(
  decl: EntityDecl,
  origin: string,
  reporter: Reporter,
): ResolvedEntity {
  const fields: ResolvedField[] = [];
  const seen = new Map<string, Span>();
  for (const f of decl.fields ?? []) {
    if (f === undefined || missing(f.name)) continue;
    const first = seen.get(f.name.name);
    if (first !== undefined) {
      reporter.report(
        CODES.duplicateName,
        `field \`${f.name.name}\` is declared twice on entity \`${decl.name?.name}\``,
        f.name.span,
        {
          notes: [`first declared at ${where(first)}`],
        },
      );
      continue;
    }
    seen.set(f.name.name, f.name.span);
    fields.push(resolvedField(f, origin));
  }
  return {
    decl,
    name: decl.name?.name ?? "",
    title: decl.title,
    file: decl.file,
    ...dialectOf(decl),
    key: (decl.key ?? []).filter((k) => !missing(k)).map((k) => k.name),
    roleBy: missing(decl.roleBy) ? undefined : decl.roleBy!.name,
    fields,
    span: decl.span,
    doc: decl.doc ?? [],
    assumptions: decl.assumptions ?? [],
  };
}

/** The valid options of an entity's `file` clause (the checker reports the others). */
function dialectOf(
  decl: EntityDecl,
): Pick<
  ResolvedEntity,
  "dialect" | "fileOptional" | "record" | "single" | "metadata"
> {
  const { dialect, optional, record, single, metadata } = readFileOptions(
    decl.fileOptions,
  );
  return { dialect, fileOptional: optional, record, single, metadata };
}

/** Apply `extend entity`: removes first (so a field can be removed and re-added), then adds and replaces. */
function extendEntity(
  ext: ExtendEntityDecl,
  entities: Collection<ResolvedEntity>,
  id: string,
  reporter: Reporter,
  links: Links,
): void {
  if (missing(ext.name)) return;
  const base = entities.items.get(ext.name.name);
  if (base === undefined || !entities.isInherited(ext.name.name)) {
    links.unresolved(ext.name);
    entities.notInherited(ext.name, "extend");
    return;
  }
  const fields = [...base.fields];
  const indexOf = (name: string) => fields.findIndex((f) => f.name === name);
  for (const r of ext.removeFields ?? []) {
    if (missing(r)) continue;
    const i = indexOf(r.name);
    if (i < 0) {
      links.unresolved(r);
      reporter.report(
        CODES.notInherited,
        `cannot remove field \`${r.name}\`: entity \`${base.name}\` has no such field`,
        r.span,
        suggest(
          r.name,
          fields.map((f) => f.name),
        ),
      );
      continue;
    }
    links.link(r, { kind: "field", entity: base, field: fields[i] });
    fields.splice(i, 1);
  }
  const added = new Map<string, Span>();
  for (const f of ext.fields ?? []) {
    if (f === undefined || missing(f.name)) continue;
    const n = f.name.name;
    const first = added.get(n);
    if (first !== undefined) {
      reporter.report(
        CODES.duplicateName,
        `field \`${n}\` is declared twice on entity \`${base.name}\``,
        f.name.span,
        {
          notes: [`first declared at ${where(first)}`],
        },
      );
      continue;
    }
    added.set(n, f.name.span);
    const i = indexOf(n);
    if (f.replace) {
      if (i < 0) {
        reporter.report(
          CODES.notInherited,
          `cannot replace field \`${n}\`: entity \`${base.name}\` has no such field`,
          f.name.span,
          suggest(
            n,
            fields.map((x) => x.name),
          ),
        );
        fields.push(resolvedField(f, id));
      } else fields[i] = resolvedField(f, id);
    } else if (i >= 0) {
      reporter.report(
        CODES.redeclaredInherited,
        `field \`${n}\` already exists on entity \`${base.name}\`; write \`replace field ${n}\` to change it`,
        f.name.span,
      );
      fields[i] = resolvedField(f, id);
    } else fields.push(resolvedField(f, id));
  }
  // A new object: the parent's entity stays as it was.
  const extended = { ...base, fields };
  links.link(ext.name, { kind: "entity", entity: extended });
  entities.items.set(base.name, extended);
}

function checkCodeValues(decl: CodeListDecl, reporter: Reporter): void {
  const seen = new Map<string, Span>();
  for (const v of decl.values ?? []) {
    if (v === undefined || v.code === undefined) continue;
    const first = seen.get(v.code);
    if (first !== undefined) {
      reporter.report(
        CODES.duplicateName,
        `value "${v.code}" is listed twice in code list \`${decl.name?.name}\``,
        v.span,
        {
          notes: [`first listed at ${where(first)}`],
        },
      );
    } else seen.set(v.code, v.span);
  }
}

function checkHolidays(decl: CalendarDecl, reporter: Reporter): void {
  const seen = new Map<string, Span>();
  for (const h of decl.holidays ?? []) {
    if (h === undefined) continue;
    if (h.rule?.kind === "date") checkDatedHoliday(h, reporter);
    if (missing(h.name)) continue;
    const first = seen.get(h.name.name);
    if (first !== undefined) {
      reporter.report(
        CODES.duplicateName,
        `holiday \`${h.name.name}\` is declared twice in calendar \`${decl.name?.name}\``,
        h.name.span,
        {
          notes: [`first declared at ${where(first)}`],
        },
      );
    } else seen.set(h.name.name, h.name.span);
  }
}

/**
 * `holiday x "..." on 2022-05-27` is that one day: a real calendar day (REG317) without the yearly
 * modifiers `if sunday`, `from` and `until` (REG232), which would say nothing or contradict it.
 */
function checkDatedHoliday(h: HolidayDecl, reporter: Reporter): void {
  if (h.rule.kind !== "date") return;
  const date = h.rule.date;
  date.type = { kind: "date" };
  if (!isRealDate(date.text))
    reporter.report(
      CODES.badDateLiteral,
      `${date.text} is not a real calendar day`,
      date.span,
    );
  const extra = [
    h.ifSunday !== undefined ? "`if sunday`" : "",
    h.fromYear !== undefined ? "`from`" : "",
    h.untilYear !== undefined ? "`until`" : "",
  ].filter((x) => x !== "");
  if (extra.length > 0)
    reporter.report(
      CODES.datedHolidayModifier,
      `holiday \`${h.name.name}\` is one day, ${date.text}; it takes no ${extra.join(", ")}`,
      h.span,
      {
        notes: [
          "for a day that returns every year write `on DAY MONTH`; for a day of one year drop the modifiers",
        ],
      },
    );
}

/**
 * `basis ...` names articles the measure implements (REG231), as `meaning ... from` does for a
 * rule: the catalogue and `regel assess` show the basis among the measure's articles.
 */
function checkMeasureBasis(decl: MeasureDecl, reporter: Reporter): void {
  if (decl.basis === undefined || missing(decl.name)) return;
  const text = (a: ArticleRef) => `${a.source?.name} ${a.locator}`;
  const implemented = new Set((decl.implementsRefs ?? []).map(text));
  for (const a of decl.basis.articles ?? []) {
    if (a === undefined || missing(a.source) || implemented.has(text(a)))
      continue;
    reporter.report(
      CODES.basisNotImplemented,
      decl.basis.none
        ? `measure \`${decl.name.name}\` cites \`${text(a)}\` for having no statutory basis but does not implement it; add it to \`implements\``
        : `measure \`${decl.name.name}\` has its statutory basis in \`${text(a)}\` but does not implement it; add it to \`implements\``,
      a.span,
      suggest(text(a), implemented),
    );
  }
}
