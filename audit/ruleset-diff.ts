/**
 * The difference between two resolved ruleset versions: the data behind `regel diff A B`. An
 * analyst sees what a new GLO version changes before it goes live: rules added, removed and
 * changed (condition, severity, roles, articles, target attributes, ...) and, per Bijlage 3
 * category, the table entries (code, role, attributes) and markings added and removed.
 *
 * Conditions are compared as printed by the canonical printer (`printExpr`), so layout and
 * comments never count as a change. A category entry is its code, role and attribute set: an entry
 * whose attribute list grows is one entry removed and one added, exactly as two tables differ.
 *
 * @module
 */
import type {
  CategoryDecl,
  CategoryMarking,
  CategoryResult,
  MeasureDecl,
  NormDecl,
} from "../dsl/ast.js";
import type { ResolvedRule, ResolvedRuleset } from "../dsl/model.js";
import { printExpr, printType } from "../dsl/printer.js";
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
  markingsAdded: MarkingEntry[];
  markingsRemoved: MarkingEntry[];
}

/**
 * Declarations other than rules and categories, by kind: names added and removed, and those whose
 * content changed (as canonical text). A field whose type changes is removed and added
 * (`NP.x: text(10)` -> `NP.x: text(20)`).
 */
export interface OtherDiff {
  kind:
    | "entity"
    | "field"
    | "codelist"
    | "payout"
    | "metric"
    | "norm"
    | "measure"
    | "calendar";
  added: string[];
  removed: string[];
  changed: { name: string; from: string; to: string }[];
}

export interface RulesetDiff {
  from: string;
  to: string;
  rules: {
    added: RuleSummary[];
    removed: RuleSummary[];
    changed: ChangedRule[];
  };
  categories: CategoryDiff[];
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
    examples: `${d.examples.filter((e) => e.expect === "pass").length} pass, ${d.examples.filter((e) => e.expect === "fail").length} fail`,
  };
}

function diffRule(a: ResolvedRule, b: ResolvedRule): RuleChange[] {
  const x = aspects(a);
  const y = aspects(b);
  return (Object.keys(x) as RuleChange["aspect"][])
    .filter((k) => x[k] !== y[k])
    .map((k) => ({ aspect: k, from: x[k], to: y[k] }));
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

function categoryDiff(
  name: string,
  a: { decl: CategoryDecl; articles: string } | undefined,
  b: { decl: CategoryDecl; articles: string } | undefined,
): CategoryDiff | undefined {
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
  const d: CategoryDiff = {
    name,
    status: a === undefined ? "added" : b === undefined ? "removed" : "changed",
    changes,
    resultsAdded: minus(rb, ra, entryText),
    resultsRemoved: minus(ra, rb, entryText),
    markingsAdded: minus(mb, ma, markingText),
    markingsRemoved: minus(ma, mb, markingText),
  };
  const empty =
    changes.length +
      d.resultsAdded.length +
      d.resultsRemoved.length +
      d.markingsAdded.length +
      d.markingsRemoved.length ===
    0;
  return d.status === "changed" && empty ? undefined : d;
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
  const categories = [...new Set([...catA.keys(), ...catB.keys()])]
    .sort()
    .map((n) => categoryDiff(n, catA.get(n), catB.get(n)))
    .filter((d): d is CategoryDiff => d !== undefined);
  const fields = (r: ResolvedRuleset) =>
    new Map(
      [...r.entities.values()].flatMap((e) =>
        e.fields.map(
          (f) =>
            [`${e.name}.${f.name}: ${printType(f.decl.type)}`, ""] as const,
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
        (c) => c.values.map((v) => JSON.stringify(v.code)).join(", "),
      ),
      byName(
        [...b.codeLists.values()],
        (c) => c.name.name,
        (c) => c.values.map((v) => JSON.stringify(v.code)).join(", "),
      ),
    ),
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
      byName(
        a.calendars,
        (c) => c.name.name,
        (c) =>
          `${c.weekend.map((w) => w.name).join(", ")}; ${c.holidays.map((h) => h.name.name).join(", ")}`,
      ),
      byName(
        b.calendars,
        (c) => c.name.name,
        (c) =>
          `${c.weekend.map((w) => w.name).join(", ")}; ${c.holidays.map((h) => h.name.name).join(", ")}`,
      ),
    ),
  ].filter((d): d is OtherDiff => d !== undefined);
  const byCode = (x: { code: string }, y: { code: string }) =>
    cmp(x.code, y.code);
  return {
    from: a.id,
    to: b.id,
    rules: {
      added: added.sort(byCode),
      removed: removed.sort(byCode),
      changed: changed.sort(byCode),
    },
    categories,
    other,
  };
}

/** Whether the two versions differ at all. */
export function isEmptyDiff(d: RulesetDiff): boolean {
  return (
    d.rules.added.length +
      d.rules.removed.length +
      d.rules.changed.length +
      d.categories.length +
      d.other.length ===
    0
  );
}

/** Terminal rendering: `+` added, `-` removed, `~` changed. */
export function diffText(d: RulesetDiff): string {
  const lines: string[] = [`${d.from} -> ${d.to}`];
  if (isEmptyDiff(d)) return `${lines[0]}: no differences\n`;
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
    for (const c of x.changes) {
      lines.push(`      ${c.aspect}:`);
      lines.push(`        - ${c.from === "" ? "(none)" : c.from}`);
      lines.push(`        + ${c.to === "" ? "(none)" : c.to}`);
    }
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
    for (const m of c.markingsRemoved)
      lines.push(`      - marking ${markingText(m)}`);
    for (const m of c.markingsAdded)
      lines.push(`      + marking ${markingText(m)}`);
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
