/**
 * What a place in a file names: the declaration under the cursor, through the checker's links
 * (`dsl/links.ts`) — never by searching for a name. A cursor on a reference gives the targets the
 * checker linked it to; a cursor on a declaration's own name gives that declaration.
 *
 * @module
 */
import {
  declarationOf,
  type ArticleRef,
  type DeclarationNode,
  type Ident,
  type Reference,
  type ResolvedRuleset,
  type RulesetRef,
  type Span,
  type Target,
} from "../dsl/index.js";
import { touches } from "./positions.js";
import { rulesetOf, type Analysis } from "./workspace.js";

/** The name node of a declaration: what a rename changes and "go to definition" selects. */
export function nameOf(decl: DeclarationNode): Ident | RulesetRef {
  switch (decl.kind) {
    case "Rule":
      return decl.code;
    case "Source":
      return decl.alias;
    case "RulesetHeader":
      return decl.ref;
    default:
      return decl.name;
  }
}

/** Every declaration a ruleset version consists of (inherited ones included), as link targets. */
export function targetsOf(ruleset: ResolvedRuleset): Target[] {
  const out: Target[] = [{ kind: "ruleset", ruleset }];
  for (const decl of ruleset.sources) out.push({ kind: "source", decl });
  for (const decl of ruleset.codeLists.values())
    out.push({ kind: "codelist", decl });
  for (const entity of ruleset.entities.values()) {
    out.push({ kind: "entity", entity });
    for (const field of entity.fields)
      out.push({ kind: "field", entity, field });
  }
  for (const rule of ruleset.rules) out.push({ kind: "rule", rule });
  for (const category of ruleset.categories)
    out.push({ kind: "category", category });
  for (const decl of ruleset.payouts) out.push({ kind: "payout", decl });
  for (const decl of ruleset.metrics) out.push({ kind: "metric", decl });
  for (const decl of ruleset.norms) out.push({ kind: "norm", decl });
  for (const decl of ruleset.measures) out.push({ kind: "measure", decl });
  for (const decl of ruleset.calendars) out.push({ kind: "calendar", decl });
  for (const decl of ruleset.aggregates) out.push({ kind: "aggregate", decl });
  for (const decl of ruleset.reconciliations)
    out.push({ kind: "reconcile", decl });
  for (const decl of ruleset.plausibilities)
    out.push({ kind: "plausibility", decl });
  return out;
}

/** What the cursor is on: a reference (with its targets) or a declaration's name. */
export interface NameAt {
  /** The name node under the cursor. */
  node: Reference;
  /** What it names (several for a field name over several entities). */
  targets: readonly Target[];
  /** The version whose links were read. */
  ruleset: ResolvedRuleset;
}

/** The name at `offset` in `path`, read from the links of the version in `path`. */
export function nameAt(
  analysis: Analysis,
  path: string,
  offset: number,
): NameAt | undefined {
  const ruleset = rulesetOf(analysis, path);
  if (ruleset === undefined) return undefined;
  let best: NameAt | undefined;
  const consider = (node: Reference, targets: readonly Target[]): void => {
    if (node.span.file !== path || !touches(node.span, offset)) return;
    if (targets.length === 0) return;
    if (best === undefined || width(node.span) < width(best.node.span))
      best = { node, targets, ruleset };
  };
  for (const [ref, targets] of ruleset.links.entries()) consider(ref, targets);
  if (best !== undefined) return best;
  for (const target of targetsOf(ruleset)) {
    const name = nameOf(declarationOf(target));
    consider(name, [target]);
  }
  return best;
}

function width(span: Span): number {
  return span.end.offset - span.start.offset;
}

/** Every article reference written in the file `path` (of any declaration or clause). */
export function articleRefsIn(analysis: Analysis, path: string): ArticleRef[] {
  const file = analysis.parsed.get(path)?.file;
  if (file === undefined) return [];
  const out: ArticleRef[] = [];
  const seen = new Set<object>();
  const walk = (value: unknown): void => {
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
      return;
    }
    const node = value as { kind?: string };
    if (node.kind === "ArticleRef") {
      out.push(node as ArticleRef);
      return;
    }
    for (const [k, v] of Object.entries(value))
      if (k !== "span" && k !== "comments") walk(v);
  };
  walk(file.header);
  walk(file.declarations);
  return out;
}
