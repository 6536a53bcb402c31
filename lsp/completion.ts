/**
 * Completion in context: the keywords the grammar accepts at the cursor (`dsl/content-assist.ts`,
 * Chevrotain's `computeContentAssist` on the parser itself), and the names the checked model
 * offers there — the fields of the entity in scope (after `NP.` or in a rule's conditions and
 * examples), entities, code lists, rule codes, source aliases, the values of a code list
 * inside the quotes compared with a code field, and aggregate names after `figure NAME =` in a
 * `reconcile` and after `aggregate` in a plausibility check's `watch` (rule codes after `findings`).
 *
 * @module
 */
import {
  CompletionItemKind,
  type CompletionItem,
  type Range,
} from "vscode-languageserver";
import type {
  Declaration,
  ResolvedEntity,
  ResolvedRuleset,
  RuleDecl,
} from "../dsl/index.js";
import { keywordsAt } from "../dsl/content-assist.js";
import { entityNamed, fieldNamed } from "../dsl/named.js";
import { rulesetOf, type Analysis } from "./workspace.js";

/** What the cursor is in, for completion. */
interface Place {
  text: string;
  offset: number;
  /** The line up to the cursor. */
  linePrefix: string;
  /** 0-based line and character of the cursor. */
  line: number;
  character: number;
}

/** The completion items at `offset` in `path` (whose current text is `text`). */
export function completionsAt(
  analysis: Analysis,
  path: string,
  text: string,
  offset: number,
): CompletionItem[] {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const linePrefix = text.slice(lineStart, offset);
  const place: Place = {
    text,
    offset,
    linePrefix,
    line: countLines(text, lineStart),
    character: offset - lineStart,
  };
  const ruleset = rulesetOf(analysis, path);
  const decl = enclosing(analysis, path, offset);
  const names =
    ruleset === undefined ? undefined : namesAt(ruleset, decl, place);
  if (names !== undefined && names.exclusive) return names.items;
  const keywords = keywordsAt(text, offset).map((word): CompletionItem => ({
    label: word,
    kind: CompletionItemKind.Keyword,
  }));
  return [...(names?.items ?? []), ...keywords];
}

interface Names {
  items: CompletionItem[];
  /** Only these fit here (no keyword does). */
  exclusive: boolean;
}

function namesAt(
  ruleset: ResolvedRuleset,
  decl: Declaration | undefined,
  place: Place,
): Names | undefined {
  const p = place.linePrefix;
  const quote = openQuote(p);
  if (quote !== undefined) return codeValues(ruleset, decl, place, quote);
  let m = /([A-Za-z_]\w*|\*)\.\w*$/.exec(p);
  if (m !== null) {
    const entities =
      m[1] === "*"
        ? [...ruleset.entities.values()]
        : [entityNamed(ruleset, m[1])].filter((e) => e !== undefined);
    return { items: fieldItems(entities), exclusive: true };
  }
  if (
    /\b(implements|from|basis(\s+none\s+from)?)\s+\w*$/.test(p) ||
    /\b(implements|from)\b[^"]*,\s*\w*$/.test(p)
  )
    return {
      items: ruleset.sources.map((s) => ({
        label: s.alias.name,
        kind: CompletionItemKind.Module,
        detail: s.title,
      })),
      exclusive: true,
    };
  // `figure NAME = AGGREGATE` in a reconcile; `watch ..., aggregate NAME` / `findings CODE`
  if (
    (decl?.kind === "Reconcile" && /^\s*figure\s+\w+\s*=\s*\w*$/.test(p)) ||
    (decl?.kind === "Plausibility" && /\baggregate\s+\w*$/.test(p))
  )
    return { items: aggregateItems(ruleset), exclusive: true };
  if (decl?.kind === "Plausibility" && /\bfindings\s+\w*$/.test(p))
    return { items: ruleItems(ruleset), exclusive: true };
  if (/\b(remove|replace)\s+rule\s+\w*$/.test(p) || /^\s*result\s+\w*$/.test(p))
    return { items: ruleItems(ruleset), exclusive: true };
  if (/\bcode\s+\w*$/.test(p) && decl?.kind !== "Rule")
    return {
      items: [...ruleset.codeLists.values()].map((c) => ({
        label: c.name.name,
        kind: CompletionItemKind.Enum,
        detail: c.title,
      })),
      exclusive: true,
    };
  if (
    /\bfor\s+(file\s+)?([A-Za-z_]\w*\s*,\s*)*\w*$/.test(p) ||
    /\b(ref|entity|depositor|with)\s+\w*$/.test(p) ||
    /\bexample\s+(pass|fail)\s+(file\s+)?\w*$/.test(p)
  )
    return { items: entityItems(ruleset), exclusive: false };
  if (decl?.kind === "Rule") {
    // A clause starts with a keyword; names come after it.
    if (/^\s*\w*$/.test(p)) return undefined;
    const entities = entitiesOf(ruleset, decl);
    return {
      items: [
        ...fieldItems(entities),
        {
          label: "value",
          kind: CompletionItemKind.Variable,
          detail: "the attribute under test",
        },
      ],
      exclusive: false,
    };
  }
  if (decl?.kind === "Category" && /^\s*result\s/.test(p))
    return { items: ruleItems(ruleset), exclusive: false };
  return undefined;
}

/** The code-list values to offer inside an open quote after a code field (`= "`, `in ("`). */
function codeValues(
  ruleset: ResolvedRuleset,
  decl: Declaration | undefined,
  place: Place,
  quote: number,
): Names {
  const before = place.linePrefix.slice(0, quote);
  const m =
    /(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)\s*(?:!=|=|\bin\s*\(|\bnot\s+in\s*\(|,)[^=]*$/.exec(
      before,
    );
  const entities =
    m?.[1] !== undefined
      ? [entityNamed(ruleset, m[1])].filter((e) => e !== undefined)
      : decl?.kind === "Rule"
        ? entitiesOf(ruleset, decl)
        : [...ruleset.entities.values()];
  const range: Range = {
    start: { line: place.line, character: quote + 1 },
    end: { line: place.line, character: place.character },
  };
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const entity of entities) {
    // The field and entity names before the cursor are text being typed, not yet linked.
    const field = m?.[2] === undefined ? undefined : fieldNamed(entity, m[2]);
    const codes =
      field === undefined
        ? undefined
        : ruleset.links.declared(field.decl.type.codeList, "codelist")?.decl;
    for (const v of codes?.values ?? []) {
      if (seen.has(v.code)) continue;
      seen.add(v.code);
      items.push({
        label: v.code,
        kind: CompletionItemKind.EnumMember,
        detail: v.description,
        textEdit: { range, newText: v.code },
      });
    }
  }
  return { items, exclusive: true };
}

/** The index in `prefix` of a `"` that is still open, if any. */
function openQuote(prefix: string): number | undefined {
  let open: number | undefined;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (c === "\\" && open !== undefined) i++;
    else if (c === '"') open = open === undefined ? i : undefined;
    else if (c === "/" && prefix[i + 1] === "/" && open === undefined) break;
  }
  return open;
}

/** The entities a rule reads: its record, attributes or files. */
function entitiesOf(
  ruleset: ResolvedRuleset,
  rule: RuleDecl,
): ResolvedEntity[] {
  const t = rule.target;
  const out = new Set<ResolvedEntity>();
  const add = (e: ResolvedEntity | undefined): void => {
    if (e !== undefined) out.add(e);
  };
  if (t?.kind === "RecordTarget") add(ruleset.links.entity(t.entity));
  else if (t?.kind === "FileTarget")
    for (const e of t.entities) add(ruleset.links.entity(e));
  else if (t?.kind === "AttributeTarget")
    for (const a of t.attributes) {
      if (a.entity.name === "*")
        for (const e of ruleset.entities.values()) add(e);
      else add(ruleset.links.entity(a.entity));
    }
  return [...out];
}

function fieldItems(entities: readonly ResolvedEntity[]): CompletionItem[] {
  const items = new Map<string, CompletionItem>();
  for (const entity of entities)
    for (const f of entity.fields)
      if (!items.has(f.name))
        items.set(f.name, {
          label: f.name,
          kind: CompletionItemKind.Field,
          detail: `${entity.name}.${f.name}`,
          documentation: f.decl.description,
        });
  return [...items.values()];
}

function entityItems(ruleset: ResolvedRuleset): CompletionItem[] {
  return [...ruleset.entities.values()].map((e) => ({
    label: e.name,
    kind: CompletionItemKind.Class,
    detail: e.title,
  }));
}

function aggregateItems(ruleset: ResolvedRuleset): CompletionItem[] {
  return ruleset.aggregates.map((a) => ({
    label: a.name.name,
    kind: CompletionItemKind.Variable,
    detail: a.title,
  }));
}

function ruleItems(ruleset: ResolvedRuleset): CompletionItem[] {
  return ruleset.rules.map((r) => ({
    label: r.code,
    kind: CompletionItemKind.Reference,
    detail: r.decl.title,
  }));
}

/** The declaration of the file the cursor is in (the last one starting before it). */
function enclosing(
  analysis: Analysis,
  path: string,
  offset: number,
): Declaration | undefined {
  let found: Declaration | undefined;
  for (const d of analysis.parsed.get(path)?.file.declarations ?? [])
    if (d.span.start.offset < offset) found = d;
  return found;
}

function countLines(text: string, end: number): number {
  let n = 0;
  for (
    let i = text.indexOf("\n");
    i >= 0 && i < end;
    i = text.indexOf("\n", i + 1)
  )
    n++;
  return n;
}
