/**
 * The difference between two resolved ruleset versions: the data behind `regel diff A B`. An
 * analyst sees what a new GLO version changes before it goes live: the header (validity, sources,
 * assumptions), rules added, removed and changed (condition, severity, roles, articles, target
 * attributes, examples, ...), per Bijlage 3 category the table entries and markings added, removed
 * and changed, the entries that move from one category to another, and the other declarations
 * (fields with their type and flags, code lists, payouts, metrics, norms, measures, calendars,
 * parameters with their dated values, reference-data tables with their columns, rows and CSV hash).
 *
 * Conditions and examples are compared as printed by the canonical printer, so layout and
 * comments never count as a change. A category entry is identified by its code (a marking by its
 * attribute and value): when its role or attributes change it is one changed entry with before
 * and after; when it leaves one category for another it is one moved entry; only an entry with no
 * counterpart is added or removed.
 *
 * @module
 */
import type {
  AggregateDecl,
  PlausibilityDecl,
  ReconcileDecl,
} from "../dsl/ast.js";
import { plausibilitySettings } from "../dsl/plausibility-words.js";
import { aggregateMeasureText } from "./trace-aggregate.js";
import { toleranceText } from "./trace-plausibility.js";
import type {
  CalendarDecl,
  CategoryDecl,
  CategoryMarking,
  CategoryResult,
  FieldDecl,
  MeasureDecl,
  NormDecl,
  ParameterDecl,
  TableDecl,
} from "../dsl/ast.js";
import type { ResolvedRule, ResolvedRuleset } from "../dsl/model.js";
import { printExample, printExpr, printType, quote } from "../dsl/printer.js";
import { requireText, targetOf } from "./trace-query.js";

/** One aspect of a rule that differs: its value before and after, as text. */
export interface RuleChange {
  aspect:
    | "title"
    | "meaning"
    | "assumptions"
    | "severity"
    | "roles"
    | "articles"
    | "target"
    | "when"
    | "require"
    | "message"
    | "examples";
  from: string;
  to: string;
}

export interface RuleSummary {
  code: string;
  title: string;
  severity: string | null;
  origin: string;
}

export interface ChangedRule {
  code: string;
  title: string;
  changes: RuleChange[];
}

/** A category table entry: `code [(role)] [on attributes]`, attributes sorted. */
export interface CategoryEntry {
  code: string;
  role: "D" | "V" | null;
  attributes: string[];
}

export interface MarkingEntry {
  attribute: string;
  value: string;
  role: "D" | "V" | null;
}

export interface CategoryDiff {
  name: string;
  /** `added`/`removed`: the whole category is new or gone; `changed`: entries or header differ. */
  status: "added" | "removed" | "changed";
  /** Header changes (title, blocks, articles), as for rules. */
  changes: {
    aspect: "title" | "blocks" | "articles";
    from: string;
    to: string;
  }[];
  resultsAdded: CategoryEntry[];
  resultsRemoved: CategoryEntry[];
  /** Entries of a code whose role or attribute list changed: one entry, before and after. */
  resultsChanged: { from: CategoryEntry; to: CategoryEntry }[];
  markingsAdded: MarkingEntry[];
  markingsRemoved: MarkingEntry[];
  /** Markings whose role changed. */
  markingsChanged: { from: MarkingEntry; to: MarkingEntry }[];
}

/** A table entry that leaves one category for another (its role or attributes may change too). */
export type CategoryMove =
  | {
      kind: "result";
      from: { category: string; entry: CategoryEntry };
      to: { category: string; entry: CategoryEntry };
    }
  | {
      kind: "marking";
      from: { category: string; entry: MarkingEntry };
      to: { category: string; entry: MarkingEntry };
    };

/** A change of the ruleset header. */
export interface HeaderChange {
  aspect: "title" | "validity" | "extends" | "uses" | "sources" | "assumptions";
  from: string;
  to: string;
}

/**
 * Declarations other than rules and categories, by kind: names added and removed, and those whose
 * content changed (as canonical text). A field is named `Entity.field`; its text is its type and
 * flags (`text(10) required personal column "x" "description"`), so a changed type or flag is one
 * changed field. A code list's text is its title; each of its values is a `code` named
 * `list "CODE"` whose text is its description, so one value added or removed is one line.
 */
export interface OtherDiff {
  kind:
    | "entity"
    | "field"
    | "codelist"
    | "code"
    | "payout"
    | "metric"
    | "norm"
    | "measure"
    | "calendar"
    | "parameter"
    | "table"
    | "aggregate"
    | "reconcile"
    | "plausibility";
  added: string[];
  removed: string[];
  changed: { name: string; from: string; to: string }[];
}

export interface RulesetDiff {
  from: string;
  to: string;
  /** Changes of the header: title, validity, extends, uses, sources, assumptions. */
  header: HeaderChange[];
  rules: {
    added: RuleSummary[];
    removed: RuleSummary[];
    changed: ChangedRule[];
  };
  categories: CategoryDiff[];
  /** Table entries that move between categories. */
  moves: CategoryMove[];
  other: OtherDiff[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function summary(rule: ResolvedRule): RuleSummary {
  return {
    code: rule.code,
    title: rule.decl.title,
    severity: rule.decl.severity ?? null,
    origin: rule.origin,
  };
}

/** The comparable aspects of a rule, each as canonical text. */
function aspects(rule: ResolvedRule): Record<RuleChange["aspect"], string> {
  const d = rule.decl;
  const t = targetOf(d.target);
  return {
    title: d.title,
    meaning:
      (d.meaning ?? "") +
      (rule.meaningFrom.length === 0
        ? ""
        : ` (from ${rule.meaningFrom.map((a) => `${a.sourceAlias} ${a.locator}`).join(", ")})`),
    assumptions: (d.assumptions ?? []).map((a) => a.text).join(" | "),
    severity: d.severity ?? "",
    roles: d.roles.length === 0 ? "D, V" : [...d.roles].sort().join(", "),
    articles: rule.articles
      .map((a) => `${a.sourceAlias} ${a.locator}`)
      .join(", "),
    target:
      t.kind === "attribute"
        ? t.attributes.join(", ")
        : `${t.kind === "file" ? "file " : ""}${t.entities.join(", ")}`,
    when: d.when === undefined ? "" : printExpr(d.when),
    require: requireText(d) ?? "",
    message: d.message ?? "",
    examples: d.examples.map(printExample).join("\n"),
  };
}

function diffRule(a: ResolvedRule, b: ResolvedRule): RuleChange[] {
  const x = aspects(a);
  const y = aspects(b);
  return (Object.keys(x) as RuleChange["aspect"][])
    .filter((k) => x[k] !== y[k])
    .map((k) => {
      if (k !== "examples") return { aspect: k, from: x[k], to: y[k] };
      // only the examples that differ: removed ones before, added ones after
      const ex = x[k].split("\n").filter(Boolean);
      const ey = y[k].split("\n").filter(Boolean);
      return {
        aspect: k,
        from: ex.filter((e) => !ey.includes(e)).join("\n"),
        to: ey.filter((e) => !ex.includes(e)).join("\n"),
      };
    })
    .filter((c) => c.from !== c.to);
}

/** A category entry in canonical form. */
export function resultEntry(r: CategoryResult): CategoryEntry {
  return {
    code: r.code.name,
    role: r.role ?? null,
    attributes: r.attributes
      .map((a) => `${a.entity.name}.${a.field.name}`)
      .sort(),
  };
}

export function markingEntry(m: CategoryMarking): MarkingEntry {
  return {
    attribute: `${m.attribute.entity.name}.${m.attribute.field.name}`,
    value: m.value.value,
    role: m.role ?? null,
  };
}

/** `dmc0000 (D) on NP.date_of_birth, NP.last_name`. */
export function entryText(e: CategoryEntry): string {
  return `${e.code}${e.role ? ` (${e.role})` : ""}${e.attributes.length > 0 ? ` on ${e.attributes.join(", ")}` : ""}`;
}

/** `NP.reliability_indicator_code = "BETROUWBAARHEID NIET GEGARANDEERD" (D)`. */
export function markingText(m: MarkingEntry): string {
  return `${m.attribute} = ${JSON.stringify(m.value)}${m.role ? ` (${m.role})` : ""}`;
}

/** Items of `a` not in `b` by `key`, sorted by key; duplicates within `a` kept once. */
function minus<T>(a: T[], b: T[], key: (t: T) => string): T[] {
  const inB = new Set(b.map(key));
  const seen = new Set<string>();
  return a
    .filter((t) => {
      const k = key(t);
      if (inB.has(k) || seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((x, y) => cmp(key(x), key(y)));
}

/**
 * Pair the entries left over on both sides by their key (a result's code, a marking's attribute
 * and value): same-key entries of `from` and `to` become one change, preferring pairs that keep
 * the role, then pairs that keep the rest; what has no counterpart stays.
 */
function pairByKey<T extends { role: "D" | "V" | null }>(
  from: T[],
  to: T[],
  key: (t: T) => string,
  rest: (t: T) => string,
): { pairs: { from: T; to: T }[]; from: T[]; to: T[] } {
  const left = [...from];
  const right = [...to];
  const pairs: { from: T; to: T }[] = [];
  for (const match of [
    (x: T, y: T) => x.role === y.role,
    (x: T, y: T) => rest(x) === rest(y),
    () => true,
  ]) {
    for (let i = 0; i < left.length;) {
      const j = right.findIndex(
        (y) => key(y) === key(left[i]) && match(left[i], y),
      );
      if (j < 0) {
        i++;
        continue;
      }
      pairs.push({ from: left[i], to: right[j] });
      left.splice(i, 1);
      right.splice(j, 1);
    }
  }
  return { pairs, from: left, to: right };
}

const resultKey = (e: CategoryEntry) => e.code;
const resultRest = (e: CategoryEntry) => e.attributes.join(",");
const markingKey = (m: MarkingEntry) => `${m.attribute}=${m.value}`;

type CategoryInfo = { decl: CategoryDecl; articles: string };

function categoryDiff(
  name: string,
  a: CategoryInfo | undefined,
  b: CategoryInfo | undefined,
): CategoryDiff {
  const ra = a?.decl.results.map(resultEntry) ?? [];
  const rb = b?.decl.results.map(resultEntry) ?? [];
  const ma = a?.decl.markings.map(markingEntry) ?? [];
  const mb = b?.decl.markings.map(markingEntry) ?? [];
  const changes: CategoryDiff["changes"] = [];
  if (a && b) {
    if (a.decl.title !== b.decl.title)
      changes.push({ aspect: "title", from: a.decl.title, to: b.decl.title });
    const ba = a.decl.blocks?.name ?? "";
    const bb = b.decl.blocks?.name ?? "";
    if (ba !== bb) changes.push({ aspect: "blocks", from: ba, to: bb });
    if (a.articles !== b.articles)
      changes.push({ aspect: "articles", from: a.articles, to: b.articles });
  }
  const results = pairByKey(
    minus(ra, rb, entryText),
    minus(rb, ra, entryText),
    resultKey,
    resultRest,
  );
  const markings = pairByKey(
    minus(ma, mb, markingText),
    minus(mb, ma, markingText),
    markingKey,
    () => "",
  );
  return {
    name,
    status: a === undefined ? "added" : b === undefined ? "removed" : "changed",
    changes,
    resultsAdded: results.to,
    resultsRemoved: results.from,
    resultsChanged: results.pairs,
    markingsAdded: markings.to,
    markingsRemoved: markings.from,
    markingsChanged: markings.pairs,
  };
}

function isEmptyCategory(d: CategoryDiff): boolean {
  return (
    d.status === "changed" &&
    d.changes.length +
      d.resultsAdded.length +
      d.resultsRemoved.length +
      d.resultsChanged.length +
      d.markingsAdded.length +
      d.markingsRemoved.length +
      d.markingsChanged.length ===
      0
  );
}

/**
 * Entries removed from one category and added to another with the same key become moves; they
 * leave the added and removed lists of their categories.
 */
function findMoves(diffs: CategoryDiff[]): CategoryMove[] {
  const moves: CategoryMove[] = [];
  for (const kind of ["result", "marking"] as const) {
    const key = (e: CategoryEntry | MarkingEntry) =>
      kind === "result"
        ? resultKey(e as CategoryEntry)
        : markingKey(e as MarkingEntry);
    const text = (e: CategoryEntry | MarkingEntry) =>
      kind === "result"
        ? entryText(e as CategoryEntry)
        : markingText(e as MarkingEntry);
    const removed = (d: CategoryDiff) =>
      (kind === "result" ? d.resultsRemoved : d.markingsRemoved) as (
        CategoryEntry | MarkingEntry
      )[];
    const added = (d: CategoryDiff) =>
      (kind === "result" ? d.resultsAdded : d.markingsAdded) as (
        CategoryEntry | MarkingEntry
      )[];
    // exact entries first, then any entry of the same code (or marking)
    for (const same of [true, false]) {
      for (const from of diffs) {
        for (const gone of [...removed(from)]) {
          const to = diffs.find(
            (d) =>
              d !== from &&
              added(d).some(
                (e) =>
                  key(e) === key(gone) && (!same || text(e) === text(gone)),
              ),
          );
          if (to === undefined) continue;
          const list = added(to);
          const i = list.findIndex(
            (e) => key(e) === key(gone) && (!same || text(e) === text(gone)),
          );
          const entry = list[i];
          list.splice(i, 1);
          const r = removed(from);
          r.splice(r.indexOf(gone), 1);
          moves.push({
            kind,
            from: { category: from.name, entry: gone },
            to: { category: to.name, entry },
          } as CategoryMove);
        }
      }
    }
  }
  return moves.sort((x, y) =>
    cmp(
      `${x.kind} ${x.from.category} ${x.to.category} ${JSON.stringify(x.from.entry)}`,
      `${y.kind} ${y.from.category} ${y.to.category} ${JSON.stringify(y.from.entry)}`,
    ),
  );
}

/** Added, removed and changed declarations of one kind, each given as name -> canonical text. */
function namesDiff(
  kind: OtherDiff["kind"],
  a: Map<string, string>,
  b: Map<string, string>,
): OtherDiff | undefined {
  const added = [...b.keys()].filter((n) => !a.has(n)).sort();
  const removed = [...a.keys()].filter((n) => !b.has(n)).sort();
  const changed = [...a.keys()]
    .filter((n) => b.has(n) && a.get(n) !== b.get(n))
    .sort()
    .map((name) => ({ name, from: a.get(name)!, to: b.get(name)! }));
  return added.length + removed.length + changed.length === 0
    ? undefined
    : { kind, added, removed, changed };
}

const refs = (r: { source: { name: string }; locator: string }[]) =>
  r.map((x) => `${x.source.name} ${x.locator}`).join(", ");

/** The values of every code list, named `list "CODE"`, with their descriptions. */
function codeValues(r: ResolvedRuleset): Map<string, string> {
  return new Map(
    [...r.codeLists.values()].flatMap((c) =>
      c.values.map(
        (v) =>
          [
            `${c.name.name} ${JSON.stringify(v.code)}`,
            v.description === undefined ? "-" : quote(v.description),
          ] as const,
      ),
    ),
  );
}

/** A field's type and flags: `text(10) required personal column "x" "description"`. */
function fieldText(f: FieldDecl): string {
  return [
    printType(f.type),
    f.required ? "required" : "",
    f.personal ? "personal" : "",
    f.column === undefined ? "" : `column ${quote(f.column)}`,
    f.description === undefined ? "" : quote(f.description),
  ]
    .filter(Boolean)
    .join(" ");
}

function holidayText(h: CalendarDecl["holidays"][number]): string {
  const rule =
    h.rule.kind === "fixed"
      ? `on ${h.rule.day}-${h.rule.month}`
      : h.rule.kind === "date"
        ? `on ${h.rule.date.text}`
        : `easter ${h.rule.offset}`;
  return [
    h.name.name,
    rule,
    h.ifSunday === undefined ? "" : `if sunday ${h.ifSunday}`,
    h.fromYear === undefined ? "" : `from ${h.fromYear}`,
    h.untilYear === undefined ? "" : `until ${h.untilYear}`,
  ]
    .filter(Boolean)
    .join(" ");
}

/** A parameter as text: type, title, articles, assumptions and every dated value. */
export function parameterText(p: ParameterDecl): string {
  return [
    `${p.type} "${p.title ?? ""}"`,
    `implements ${refs(p.implementsRefs)}`,
    ...p.assumptions.map((a) => `assumption ${quote(a.text)}`),
    ...p.values.map(
      (v) =>
        `from ${v.from.text}${v.until === undefined ? "" : ` until ${v.until.text}`} value ${printExpr(v.value)}`,
    ),
  ].join("; ");
}

/** A table as text: title, columns, the CSV and its sha256, and every row (a changed cell changes it). */
export function tableText(t: TableDecl): string {
  return [
    `"${t.title ?? ""}"`,
    `columns ${t.columns.map((c) => `${c.name.name}: ${c.type}${c.key ? " key" : ""}`).join(", ")}`,
    ...(t.file === undefined
      ? []
      : [`file ${quote(t.file.value)} sha256 ${t.sha256 ?? "not read"}`]),
    `${t.rows.length} rows`,
    ...t.rows.map((r) => `row ${r.values.map((v) => printExpr(v)).join(", ")}`),
  ].join("; ");
}

function calendarText(c: CalendarDecl): string {
  return `${c.weekend.map((w) => w.name).join(", ")}; ${c.holidays.map(holidayText).join(", ")}`;
}

function validityText(r: ResolvedRuleset): string {
  if (r.validFrom === undefined && r.validUntil === undefined) return "always";
  return [
    r.validFrom === undefined ? "" : `from ${r.validFrom}`,
    r.validUntil === undefined ? "" : `until ${r.validUntil}`,
  ]
    .filter(Boolean)
    .join(" ");
}

function headerDiff(a: ResolvedRuleset, b: ResolvedRuleset): HeaderChange[] {
  const text = (
    r: ResolvedRuleset,
  ): Record<HeaderChange["aspect"], string> => ({
    title: r.title ?? "",
    validity: validityText(r),
    extends: r.extends ?? "",
    uses: r.uses.join(", "),
    sources: r.sources
      .map(
        (s) =>
          `${s.alias.name} ${quote(s.title)}${s.url === undefined ? "" : ` url ${quote(s.url)}`}`,
      )
      .join("; "),
    assumptions: r.assumptions.map((x) => x.text).join(" | "),
  });
  const x = text(a);
  const y = text(b);
  return (Object.keys(x) as HeaderChange["aspect"][])
    .filter((k) => x[k] !== y[k])
    .map((k) => ({ aspect: k, from: x[k], to: y[k] }));
}

function normText(n: NormDecl): string {
  const periods = n.periods.map((p) => {
    const when =
      p.year !== undefined
        ? `year ${p.year}`
        : [
            p.from ? `from ${p.from.text}` : "",
            p.until ? `until ${p.until.text}` : "",
          ]
            .filter(Boolean)
            .join(" ");
    return `${when}: ${p.requirements.map((q) => `${q.aim ? "aim " : ""}${q.metric.name} ${q.op} ${printExpr(q.value)}`).join(", ")}`;
  });
  return [
    `"${n.title ?? ""}"`,
    `implements ${refs(n.implementsRefs)}`,
    ...periods,
  ].join("; ");
}

function measureText(m: MeasureDecl): string {
  return [
    `"${m.title}"`,
    `kind ${m.measureKind ?? "-"}`,
    `character ${m.character ?? "-"}`,
    `implements ${refs(m.implementsRefs)}`,
    m.basis === undefined
      ? "basis not stated"
      : `basis ${m.basis.none ? "none from " : ""}${refs(m.basis.articles)}`,
    ...m.preconditions.map((p) => `precondition "${p}"`),
    m.fine
      ? `fine category ${m.fine.category} base ${m.fine.base.text} ${m.fine.currency}`
      : "",
  ]
    .filter(Boolean)
    .join("; ");
}

function byName<T>(
  items: T[],
  name: (t: T) => string,
  text: (t: T) => string,
): Map<string, string> {
  return new Map(items.map((t) => [name(t), text(t)]));
}

/** The differences from ruleset version `a` to version `b` (any two versions, any order). */
export function diffRulesets(
  a: ResolvedRuleset,
  b: ResolvedRuleset,
): RulesetDiff {
  const rulesA = new Map(a.rules.map((r) => [r.code, r]));
  const rulesB = new Map(b.rules.map((r) => [r.code, r]));
  const added = [...rulesB.values()]
    .filter((r) => !rulesA.has(r.code))
    .map(summary);
  const removed = [...rulesA.values()]
    .filter((r) => !rulesB.has(r.code))
    .map(summary);
  const changed: ChangedRule[] = [];
  for (const [code, ra] of rulesA) {
    const rb = rulesB.get(code);
    if (rb === undefined) continue;
    const changes = diffRule(ra, rb);
    if (changes.length > 0)
      changed.push({ code, title: rb.decl.title, changes });
  }
  const catA = new Map(
    a.categories.map((c) => [
      c.name,
      {
        decl: c.decl,
        articles: c.articles
          .map((x) => `${x.sourceAlias} ${x.locator}`)
          .join(", "),
      },
    ]),
  );
  const catB = new Map(
    b.categories.map((c) => [
      c.name,
      {
        decl: c.decl,
        articles: c.articles
          .map((x) => `${x.sourceAlias} ${x.locator}`)
          .join(", "),
      },
    ]),
  );
  const allCategories = [...new Set([...catA.keys(), ...catB.keys()])]
    .sort()
    .map((n) => categoryDiff(n, catA.get(n), catB.get(n)));
  const moves = findMoves(allCategories);
  const categories = allCategories.filter((d) => !isEmptyCategory(d));
  const fields = (r: ResolvedRuleset) =>
    new Map(
      [...r.entities.values()].flatMap((e) =>
        e.fields.map(
          (f) => [`${e.name}.${f.name}`, fieldText(f.decl)] as const,
        ),
      ),
    );
  const entities = (r: ResolvedRuleset) =>
    byName(
      [...r.entities.values()],
      (e) => e.name,
      (e) =>
        `"${e.title ?? ""}" file ${e.file ?? "-"} key ${e.key.join(", ")}${e.roleBy ? ` role by ${e.roleBy}` : ""}`,
    );
  const other = [
    namesDiff("entity", entities(a), entities(b)),
    namesDiff("field", fields(a), fields(b)),
    namesDiff(
      "codelist",
      byName(
        [...a.codeLists.values()],
        (c) => c.name.name,
        (c) => quote(c.title ?? ""),
      ),
      byName(
        [...b.codeLists.values()],
        (c) => c.name.name,
        (c) => quote(c.title ?? ""),
      ),
    ),
    // One line per value added, removed or redescribed (an `extend codelist` edits single values).
    namesDiff("code", codeValues(a), codeValues(b)),
    namesDiff(
      "payout",
      byName(
        a.payouts,
        (p) => p.name.name,
        (p) => `${p.number} "${p.title}"`,
      ),
      byName(
        b.payouts,
        (p) => p.name.name,
        (p) => `${p.number} "${p.title}"`,
      ),
    ),
    namesDiff(
      "metric",
      byName(
        a.metrics,
        (m) => m.name.name,
        (m) => `${m.type} "${m.description ?? ""}"`,
      ),
      byName(
        b.metrics,
        (m) => m.name.name,
        (m) => `${m.type} "${m.description ?? ""}"`,
      ),
    ),
    namesDiff(
      "norm",
      byName(a.norms, (n) => n.name.name, normText),
      byName(b.norms, (n) => n.name.name, normText),
    ),
    namesDiff(
      "measure",
      byName(a.measures, (m) => m.name.name, measureText),
      byName(b.measures, (m) => m.name.name, measureText),
    ),
    namesDiff(
      "calendar",
      byName(a.calendars, (c) => c.name.name, calendarText),
      byName(b.calendars, (c) => c.name.name, calendarText),
    ),
    namesDiff(
      "parameter",
      byName(a.parameters, (p) => p.name.name, parameterText),
      byName(b.parameters, (p) => p.name.name, parameterText),
    ),
    namesDiff(
      "table",
      byName(a.tables, (t) => t.name.name, tableText),
      byName(b.tables, (t) => t.name.name, tableText),
    ),
    namesDiff(
      "aggregate",
      byName(a.aggregates ?? [], (x) => x.name.name, aggregateText),
      byName(b.aggregates ?? [], (x) => x.name.name, aggregateText),
    ),
    namesDiff(
      "reconcile",
      byName(a.reconciliations ?? [], (x) => x.name.name, reconcileText),
      byName(b.reconciliations ?? [], (x) => x.name.name, reconcileText),
    ),
    namesDiff(
      "plausibility",
      byName(a.plausibilities ?? [], (x) => x.name.name, plausibilityText),
      byName(b.plausibilities ?? [], (x) => x.name.name, plausibilityText),
    ),
  ].filter((d): d is OtherDiff => d !== undefined);
  const byCode = (x: { code: string }, y: { code: string }) =>
    cmp(x.code, y.code);
  return {
    from: a.id,
    to: b.id,
    header: headerDiff(a, b),
    rules: {
      added: added.sort(byCode),
      removed: removed.sort(byCode),
      changed: changed.sort(byCode),
    },
    categories,
    moves,
    other,
  };
}

/** Whether the two versions differ at all. */
export function isEmptyDiff(d: RulesetDiff): boolean {
  return (
    d.header.length +
      d.rules.added.length +
      d.rules.removed.length +
      d.rules.changed.length +
      d.categories.length +
      d.moves.length +
      d.other.length ===
    0
  );
}

/** `- from` / `+ to` lines, one per line of a multi-line value. */
function beforeAfter(from: string, to: string, indent: string): string[] {
  const lines = (sign: string, v: string) =>
    v === ""
      ? [`${indent}${sign} (none)`]
      : v.split("\n").map((l) => `${indent}${sign} ${l}`);
  return [...lines("-", from), ...lines("+", to)];
}

/** Terminal rendering: `+` added, `-` removed, `~` changed. */
export function diffText(d: RulesetDiff): string {
  const lines: string[] = [`${d.from} -> ${d.to}`];
  if (isEmptyDiff(d)) return `${lines[0]}: no differences\n`;
  if (d.header.length > 0) lines.push("", "Header:");
  for (const h of d.header)
    lines.push(`  ~ ${h.aspect}:`, ...beforeAfter(h.from, h.to, "      "));
  const r = d.rules;
  lines.push(
    "",
    `Rules: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed`,
  );
  for (const x of r.added)
    lines.push(`  + ${x.code} ${x.title} (${x.severity ?? "no severity"})`);
  for (const x of r.removed) lines.push(`  - ${x.code} ${x.title}`);
  for (const x of r.changed) {
    lines.push(`  ~ ${x.code} ${x.title}`);
    for (const c of x.changes)
      lines.push(
        `      ${c.aspect}:`,
        ...beforeAfter(c.from, c.to, "        "),
      );
  }
  if (d.categories.length > 0) lines.push("", "Categories (Bijlage 3):");
  for (const c of d.categories) {
    lines.push(
      `  ${c.status === "added" ? "+" : c.status === "removed" ? "-" : "~"} ${c.name}`,
    );
    for (const x of c.changes)
      lines.push(`      ${x.aspect}: ${x.from} -> ${x.to}`);
    for (const e of c.resultsRemoved)
      lines.push(`      - result ${entryText(e)}`);
    for (const e of c.resultsAdded)
      lines.push(`      + result ${entryText(e)}`);
    for (const e of c.resultsChanged)
      lines.push(`      ~ result ${entryText(e.from)} -> ${entryText(e.to)}`);
    for (const m of c.markingsRemoved)
      lines.push(`      - marking ${markingText(m)}`);
    for (const m of c.markingsAdded)
      lines.push(`      + marking ${markingText(m)}`);
    for (const m of c.markingsChanged)
      lines.push(
        `      ~ marking ${markingText(m.from)} -> ${markingText(m.to)}`,
      );
  }
  if (d.moves.length > 0) lines.push("", "Moved between categories:");
  for (const m of d.moves) {
    const text =
      m.kind === "result"
        ? (e: CategoryEntry) => `result ${entryText(e)}`
        : (e: MarkingEntry) => `marking ${markingText(e)}`;
    lines.push(
      `  > ${(text as (e: unknown) => string)(m.from.entry)} in ${m.from.category} -> ${(text as (e: unknown) => string)(m.to.entry)} in ${m.to.category}`,
    );
  }
  if (d.other.length > 0) lines.push("", "Other declarations:");
  for (const o of d.other) {
    for (const n of o.removed) lines.push(`  - ${o.kind} ${n}`);
    for (const n of o.added) lines.push(`  + ${o.kind} ${n}`);
    for (const c of o.changed)
      lines.push(
        `  ~ ${o.kind} ${c.name}`,
        `      - ${c.from}`,
        `      + ${c.to}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

/** An aggregate as `regel diff` compares it: title, measure and filters, articles. */
function aggregateText(x: AggregateDecl): string {
  return [
    quote(x.title ?? ""),
    aggregateMeasureText(x),
    ...x.implementsRefs.map((r) => `implements ${r.source.name} ${r.locator}`),
  ].join(" ");
}

/** A reconciliation as `regel diff` compares it: its figures with their aggregates and tolerances. */
function reconcileText(x: ReconcileDecl): string {
  return [
    quote(x.title ?? ""),
    ...x.figures.map(
      (f) =>
        `figure ${f.name.name} = ${f.aggregate.name} tolerance ${toleranceText(f)}`,
    ),
    ...x.implementsRefs.map((r) => `implements ${r.source.name} ${r.locator}`),
  ].join("; ");
}

/**
 * A plausibility check as `regel diff` compares it: title, comparison, method, threshold, window,
 * minimum (defaults filled in, so writing out a default is no change), watched series, articles.
 */
function plausibilityText(x: PlausibilityDecl): string {
  const s = plausibilitySettings(x);
  return [
    quote(x.title ?? ""),
    `compare ${s.compare}`,
    `method ${s.method}`,
    `threshold ${s.threshold}`,
    `window ${s.window}`,
    `minimum ${s.minimum}`,
    `watch ${s.watch.join(", ")}`,
    ...x.implementsRefs.map((r) => `implements ${r.source.name} ${r.locator}`),
  ].join("; ");
}
