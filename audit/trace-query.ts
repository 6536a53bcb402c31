/**
 * Trace a validation code through every ruleset version that declares it: the data behind
 * `regel trace CODE`. An auditor goes from a code in a report to its title, meaning (and the
 * articles that give it), the assumptions it rests on, severity, articles, source location, the
 * Bijlage 3 categories it feeds and its examples — per version, because the same code can mean
 * something else (or feed other categories) in another version.
 *
 * @module
 */
import { distance } from "fastest-levenshtein";
import type {
  Example,
  Expr,
  FileCheck,
  Ident,
  ParameterDecl,
  Role,
  TableDecl,
  RuleDecl,
  RuleTarget,
  Severity,
} from "../dsl/ast.js";
import type {
  ResolvedArticle,
  ResolvedRule,
  ResolvedRuleset,
} from "../dsl/model.js";
import { ruleCoded } from "../dsl/named.js";
import { fileCheckText, printExpr } from "../dsl/printer.js";
import { compareVersions } from "../dsl/types.js";
import type {
  ArticleTrace,
  RuleClassification,
  SourceLocation,
} from "../compiler/contract.js";
import { describeClass } from "../dsl/rule-class.js";
import { oneLine } from "../runtime/escape.js";

/** One category entry (Bijlage 3 table row) that a finding of the rule feeds. */
export interface TraceCategory {
  category: string;
  title: string;
  /** The payout condition the category blocks, when declared. */
  payout: string | null;
  /** `D`/`V` when the entry is qualified by role; null for both roles. */
  role: Role | null;
  /** Only findings on these attributes count; empty for all. */
  attributes: string[];
}

/** One `assumption` of the rule, with where it is written. */
export interface TraceAssumption {
  text: string;
  location: SourceLocation;
}

export interface TraceExample {
  expect: "pass" | "fail";
  /** The example as written in the ruleset (one line, whitespace collapsed). */
  text: string;
  location: SourceLocation;
}

/** The rule as one ruleset version has it. */
export interface TraceVersion {
  /** `name@version` of the ruleset version. */
  ruleset: string;
  validFrom: string | null;
  validUntil: string | null;
  /** `name@version` of the file that declared (or replaced) the rule. */
  origin: string;
  title: string;
  meaning: string | null;
  /** The articles that give the meaning (`meaning "..." from ...`); empty when it is the ruleset's own reading. */
  meaningFrom: ArticleTrace[];
  /** What the rule assumes where its sources are silent. */
  assumptions: TraceAssumption[];
  severity: Severity | null;
  /** Business rule classification and scope (docs/language.md, "Rule classes and scope"). */
  classification: RuleClassification;
  /** Roles the rule is checked for; empty means both. */
  roles: Role[];
  target: {
    kind: "record" | "attribute" | "file";
    entities: string[];
    attributes: string[];
  };
  when: string | null;
  require: string | null;
  message: string | null;
  articles: ArticleTrace[];
  location: SourceLocation;
  categories: TraceCategory[];
  /** The parameters its conditions name, with every dated value (docs/language.md, Parameters). */
  parameters: TraceParameter[];
  /** The reference-data tables its conditions read (`in TABLE`, `lookup`), with their CSV's sha256. */
  tables: TraceTable[];
  examples: TraceExample[];
}

/** A reference-data table a rule reads (docs/language.md, Reference data). */
export interface TraceTable {
  name: string;
  title: string | null;
  columns: string[];
  rows: number;
  /** The CSV file as the checker read it; null for inline rows. */
  file: string | null;
  /** sha256 of the CSV's bytes; null for inline rows. */
  sha256: string | null;
  location: SourceLocation;
}

/** A parameter a rule reads: its values per period, the one that applies chosen by the RRD. */
export interface TraceParameter {
  name: string;
  type: string;
  title: string | null;
  /** `source locator` of each article in its `implements`. */
  articles: string[];
  assumptions: string[];
  values: { from: string; until: string | null; value: string }[];
  location: SourceLocation;
}

export interface TraceResult {
  code: string;
  versions: TraceVersion[];
}

/** Where a node of a ruleset starts, as reports print it. */
export function locationOf(span: {
  file: string;
  start: { line: number; column: number };
}): SourceLocation {
  return { file: span.file, line: span.start.line, column: span.start.column };
}

/** The article references in the form reports use. */
export function articleTraces(
  articles: readonly ResolvedArticle[],
): ArticleTrace[] {
  return articles.map((a) => ({
    source: a.sourceAlias,
    sourceTitle: a.sourceTitle,
    locator: a.locator,
  }));
}

/** What a rule runs on: kind, entities and (for attribute rules) `E.f` attributes. */
export function targetOf(
  target: RuleTarget | undefined,
): TraceVersion["target"] {
  if (target === undefined)
    return { kind: "record", entities: [], attributes: [] };
  switch (target.kind) {
    case "RecordTarget":
      return { kind: "record", entities: [target.entity.name], attributes: [] };
    case "FileTarget":
      return {
        kind: "file",
        entities: target.entities.map((e) => e.name),
        attributes: [],
      };
    case "AttributeTarget": {
      const attributes = target.attributes.map(
        (a) => `${a.entity.name}.${a.field.name}`,
      );
      return {
        kind: "attribute",
        entities: [...new Set(target.attributes.map((a) => a.entity.name))],
        attributes,
      };
    }
  }
}

/** The `require` clause as text: the printed expression, or the built-in file check. */
export function requireText(decl: RuleDecl): string | null {
  if (decl.require === undefined) return null;
  if (decl.require.kind === "FileCheck") return fileCheckText(decl.require);
  return printExpr(decl.require);
}

function exampleText(
  example: Example,
  readText: (file: string) => string | undefined,
): string {
  const text = readText(example.span.file);
  if (text === undefined) return `example ${example.expect}`;
  return text
    .slice(example.span.start.offset, example.span.end.offset)
    .replace(/\s+/g, " ")
    .trim();
}

/** The categories of `ruleset` that list `rule`, one entry per table row naming it. */
export function categoriesFed(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule,
): TraceCategory[] {
  const out: TraceCategory[] = [];
  for (const c of ruleset.categories) {
    for (const r of c.decl.results) {
      if (ruleset.links.declared(r.code, "rule")?.rule !== rule) continue;
      out.push({
        category: c.name,
        title: c.decl.title,
        payout: c.decl.blocks?.name ?? null,
        role: r.role ?? null,
        attributes: r.attributes.map((a) => `${a.entity.name}.${a.field.name}`),
      });
    }
  }
  return out.sort(
    (a, b) => cmp(a.category, b.category) || cmp(a.role ?? "", b.role ?? ""),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function versionTrace(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule,
  readText: (file: string) => string | undefined,
): TraceVersion {
  const d = rule.decl;
  return {
    ruleset: ruleset.id,
    validFrom: ruleset.validFrom ?? null,
    validUntil: ruleset.validUntil ?? null,
    origin: rule.origin,
    title: d.title,
    meaning: d.meaning ?? null,
    meaningFrom: articleTraces(rule.meaningFrom ?? []),
    assumptions: (d.assumptions ?? []).map((a) => ({
      text: a.text,
      location: locationOf(a.span),
    })),
    severity: d.severity ?? null,
    classification: describeClass(rule.code, d),
    roles: [...d.roles],
    target: targetOf(d.target),
    when: d.when === undefined ? null : printExpr(d.when),
    require: requireText(d),
    message: d.message ?? null,
    articles: articleTraces(rule.articles),
    location: locationOf(d.code.span),
    categories: categoriesFed(ruleset, rule),
    parameters: parametersRead(ruleset, [d.when, d.require]),
    tables: tablesRead(ruleset, [d.when, d.require]),
    examples: d.examples.map((e) => ({
      expect: e.expect,
      text: exampleText(e, readText),
      location: locationOf(e.span),
    })),
  };
}

/** The parameters the expressions name, in the order first named, each once. */
export function parametersRead(
  ruleset: ResolvedRuleset,
  exprs: readonly (Expr | FileCheck | undefined)[],
): TraceParameter[] {
  const found: ParameterDecl[] = [];
  const walk = (e: Expr | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case "Path": {
        const link = ruleset.links.path(e);
        if (link?.kind === "parameter" && !found.includes(link.decl))
          found.push(link.decl);
        return;
      }
      case "Unary":
      case "Is":
      case "In":
      case "Matches":
        return walk(e.operand);
      case "Binary":
        walk(e.left);
        return walk(e.right);
      case "Call":
        return e.args.forEach(walk);
      case "Aggregate":
        walk(e.value);
        return walk(e.where);
      case "If":
        walk(e.condition);
        walk(e.then);
        return walk(e.otherwise);
      default:
        return;
    }
  };
  for (const e of exprs) if (e !== undefined && e.kind !== "FileCheck") walk(e);
  return found.map((p) => ({
    name: p.name.name,
    type: p.type,
    title: p.title ?? null,
    articles: p.implementsRefs.map((a) => `${a.source.name} ${a.locator}`),
    assumptions: p.assumptions.map((a) => a.text),
    values: p.values.map((v) => ({
      from: v.from.text,
      until: v.until?.text ?? null,
      value: printExpr(v.value),
    })),
    location: locationOf(p.name.span),
  }));
}

/** The tables the expressions read (`x in T`, `lookup(T.c, k)`), in the order first named, each once. */
export function tablesRead(
  ruleset: ResolvedRuleset,
  exprs: readonly (Expr | FileCheck | undefined)[],
): TraceTable[] {
  const found: TableDecl[] = [];
  const note = (name: Ident | undefined): void => {
    const t = name === undefined ? undefined : ruleset.links.target(name);
    if (t?.kind === "table" && !found.includes(t.decl)) found.push(t.decl);
  };
  const walk = (e: Expr | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case "Unary":
      case "Is":
      case "Matches":
        return walk(e.operand);
      case "In":
        note(e.table);
        return walk(e.operand);
      case "Binary":
        walk(e.left);
        return walk(e.right);
      case "Call": {
        const first = e.args[0];
        if (e.callee.name === "lookup" && first?.kind === "Path")
          note(first.entity);
        return e.args.forEach(walk);
      }
      case "Aggregate":
        walk(e.value);
        return walk(e.where);
      case "If":
        walk(e.condition);
        walk(e.then);
        return walk(e.otherwise);
      default:
        return;
    }
  };
  for (const e of exprs) if (e !== undefined && e.kind !== "FileCheck") walk(e);
  return found.map((t) => ({
    name: t.name.name,
    title: t.title ?? null,
    columns: t.columns.map(
      (c) => `${c.name.name}: ${c.type}${c.key ? " key" : ""}`,
    ),
    rows: t.rows.length,
    file: t.path ?? null,
    sha256: t.sha256 ?? null,
    location: locationOf(t.name.span),
  }));
}

/** Every rule code declared in any of the rulesets, sorted. */
export function allCodes(rulesets: readonly ResolvedRuleset[]): string[] {
  return [
    ...new Set(rulesets.flatMap((r) => r.rules.map((rule) => rule.code))),
  ].sort();
}

/**
 * Codes that look like `code`: by edit distance (at most a third of the length, at least 2), then
 * codes sharing its three-letter family prefix. At most `limit`, closest first.
 */
export function similarCodes(
  code: string,
  candidates: readonly string[],
  limit = 5,
): string[] {
  const lower = code.toLowerCase();
  const max = Math.max(2, Math.floor(code.length / 3));
  const scored = candidates
    .map((c) => ({ c, d: distance(lower, c.toLowerCase()) }))
    .filter(
      ({ c, d }) =>
        d <= max ||
        (lower.length >= 3 && c.toLowerCase().startsWith(lower.slice(0, 3))),
    )
    .sort((a, b) => a.d - b.d || cmp(a.c, b.c));
  return scored.slice(0, limit).map(({ c }) => c);
}

/**
 * The trace of `code` in every ruleset version that declares it, oldest version first.
 * `version` narrows to versions equal to it (`1.2.0`) or to one ruleset version (`ikb.glo@1.2.0`).
 * Returns `versions: []` when no version matches.
 */
export function traceRule(
  rulesets: readonly ResolvedRuleset[],
  code: string,
  options: {
    version?: string;
    readText?: (file: string) => string | undefined;
  } = {},
): TraceResult {
  const readText = options.readText ?? (() => undefined);
  const v = options.version;
  const versions = rulesets
    .filter((r) => v === undefined || r.version === v || r.id === v)
    .slice()
    .sort(
      (a, b) => cmp(a.name, b.name) || compareVersions(a.version, b.version),
    )
    .flatMap((r) => {
      const rule = ruleCoded(r, code);
      return rule === undefined ? [] : [versionTrace(r, rule, readText)];
    });
  return { code, versions };
}

/** Terminal rendering of a trace. */
export function traceText(trace: TraceResult): string {
  const lines: string[] = [];
  for (const v of trace.versions) {
    const valid = [
      v.validFrom ? `from ${v.validFrom}` : "",
      v.validUntil ? `until ${v.validUntil}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    lines.push(
      `${trace.code} in ${v.ruleset}${valid ? ` (valid ${valid})` : ""}`,
    );
    lines.push(`  title:      ${v.title}`);
    if (v.meaning) lines.push(`  meaning:    ${v.meaning}`);
    if (v.meaningFrom.length > 0)
      lines.push(
        `              (from ${v.meaningFrom.map((a) => `${a.source} ${a.locator}`).join(", ")})`,
      );
    if (v.assumptions.length > 0) {
      lines.push("  assumptions:");
      for (const a of v.assumptions)
        lines.push(`    ${a.text}  (${a.location.file}:${a.location.line})`);
    } else if (!v.meaningFrom.length)
      lines.push(
        "  assumptions: none, and no article gives the meaning (see REG229)",
      );
    lines.push(`  severity:   ${v.severity ?? "(not set)"}`);
    lines.push(`  class:      ${classLine(v.classification)}`);
    lines.push(`  scope:      ${scopeLine(v.classification)}`);
    lines.push(
      `  roles:      ${v.roles.length === 0 ? "D, V (all)" : v.roles.join(", ")}`,
    );
    const t = v.target;
    lines.push(
      `  target:     ${t.kind === "attribute" ? t.attributes.join(", ") : `${t.kind === "file" ? "file " : ""}${t.entities.join(", ")}`}`,
    );
    if (v.when) lines.push(`  when:       ${v.when}`);
    if (v.require) lines.push(`  require:    ${v.require}`);
    if (v.message) lines.push(`  message:    ${v.message}`);
    lines.push("  articles:");
    for (const a of v.articles)
      lines.push(`    ${a.source} ${a.locator}  (${a.sourceTitle})`);
    lines.push(
      `  declared:   ${v.location.file}:${v.location.line}:${v.location.column} (${v.origin})`,
    );
    if (v.categories.length === 0)
      lines.push("  categories: none (a secondary validation error)");
    else {
      lines.push("  categories:");
      for (const c of v.categories) {
        const role = c.role ? ` (${c.role})` : "";
        const on =
          c.attributes.length > 0 ? ` on ${c.attributes.join(", ")}` : "";
        lines.push(
          `    ${c.category}${role}${on}: ${c.title}${c.payout ? ` [blocks ${c.payout}]` : ""}`,
        );
      }
    }
    if (v.parameters.length > 0) {
      lines.push(
        "  parameters (the value whose period holds the RRD applies):",
      );
      for (const p of v.parameters) {
        lines.push(
          `    ${p.name}: ${p.type}${p.title ? ` "${p.title}"` : ""}${p.articles.length > 0 ? ` [${p.articles.join(", ")}]` : ""}  (${p.location.file}:${p.location.line})`,
        );
        for (const x of p.values)
          lines.push(
            `      from ${x.from}${x.until === null ? "" : ` until ${x.until}`}: ${x.value}`,
          );
        for (const a of p.assumptions) lines.push(`      assumption: ${a}`);
      }
    }
    if (v.tables.length > 0) {
      lines.push("  tables (reference data):");
      for (const t of v.tables)
        lines.push(
          `    ${t.name}${t.title ? ` "${t.title}"` : ""} (${t.columns.join(", ")}), ${t.rows} row${t.rows === 1 ? "" : "s"}${t.file === null ? " inline" : ` from ${t.file} sha256 ${t.sha256}`}  (${t.location.file}:${t.location.line})`,
        );
    }
    lines.push("  examples:");
    for (const e of v.examples)
      lines.push(`    ${e.text}  (${e.location.file}:${e.location.line})`);
    lines.push("");
  }
  return lines.map(oneLine).join("\n");
}

/** `domain constraint (from the prefix dmc)`, for `regel trace`. */
export function classLine(c: RuleClassification): string {
  const from =
    c.classFrom === "declared"
      ? "declared"
      : c.classFrom === "prefix"
        ? "from the code prefix"
        : c.classFrom === "prefix-inferred"
          ? "from the code prefix; inferred, no public source defines it"
          : "no class clause and no known prefix";
  return `${c.label} (${from})`;
}

/** `Checked within the data delivery (declared)`, for `regel trace`. */
export function scopeLine(c: RuleClassification): string {
  return `${c.scopeLabel} (${c.scopeFrom === "declared" ? "declared" : "the usual scope of its class"})`;
}
