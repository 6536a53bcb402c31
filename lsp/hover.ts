/**
 * Hover: what a name stands for, from the checked model. A field: its entity, type, flags and
 * description; a rule: its title, meaning, severity, the articles it implements with their
 * source's title, and its assumptions; an aggregate: what it measures; a reconciliation: its
 * figures and tolerances; a plausibility check: its method, numbers and watched series; an
 * article locator: the source's title and URL.
 *
 * @module
 */
import { MarkupKind, type Hover } from "vscode-languageserver";
import type {
  ArticleRef,
  Assumption,
  ResolvedArticle,
  SourceDecl,
  Target,
} from "../dsl/index.js";
import { printType } from "../dsl/printer.js";
import { aggregateMeasureText } from "../dsl/aggregate-text.js";
import { plausibilitySettings } from "../dsl/plausibility-words.js";
import { articleRefsIn, nameAt } from "./names.js";
import { toRange, touches } from "./positions.js";
import type { Analysis } from "./workspace.js";

/** The hover at `offset` in `path`, or undefined where the cursor names nothing. */
export function hoverAt(
  analysis: Analysis,
  path: string,
  offset: number,
): Hover | undefined {
  const name = nameAt(analysis, path, offset);
  if (name !== undefined && name.node.kind !== "Ident") {
    // `extends x@1` / `uses x@1`: the version it names.
    return markdown(
      name.targets.map(describe).join("\n\n---\n\n"),
      name.node.span,
    );
  }
  // An article reference: its locator, or its source alias.
  for (const article of articleRefsIn(analysis, path)) {
    if (!touches(article.span, offset)) continue;
    const ruleset =
      name?.ruleset ?? analysis.rulesets.find((r) => r.file === path);
    const source = ruleset?.links.declared(article.source, "source")?.decl;
    const lines = [`**${article.source.name} ${article.locator}**`];
    if (source !== undefined) lines.push(...sourceLines(source));
    else lines.push("_unknown source_");
    return markdown(lines.join("\n\n"), article.span);
  }
  if (name === undefined) return undefined;
  return markdown(
    name.targets.map(describe).join("\n\n---\n\n"),
    name.node.span,
  );
}

function markdown(value: string, span: Parameters<typeof toRange>[0]): Hover {
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: toRange(span),
  };
}

/** The hover text of a declaration. */
export function describe(target: Target): string {
  switch (target.kind) {
    case "field": {
      const { entity, field } = target;
      const d = field.decl;
      const flags = [
        d.required ? "required" : "optional",
        ...(d.personal ? ["personal data"] : []),
        `column \`${field.column}\``,
      ];
      return [
        `**field** \`${entity.name}.${field.name}: ${printType(d.type)}\``,
        flags.join(" · "),
        ...(d.description === undefined ? [] : [d.description]),
        ...d.doc,
        ...assumptions(d.assumptions),
      ].join("\n\n");
    }
    case "rule": {
      const { rule } = target;
      const d = rule.decl;
      return [
        `**rule** \`${rule.code}\` — ${d.title}`,
        `severity: ${d.severity ?? "none"}${d.roles.length > 0 ? ` · applies to ${d.roles.join(", ")}` : ""}`,
        ...(d.meaning === undefined ? [] : [`meaning: ${d.meaning}`]),
        ...articles("meaning from", rule.meaningFrom),
        ...articles("implements", rule.articles),
        ...assumptions(d.assumptions),
        `declared in \`${rule.origin}\``,
      ].join("\n\n");
    }
    case "entity": {
      const { entity } = target;
      return [
        `**entity** \`${entity.name}\`${entity.title === undefined ? "" : ` — ${entity.title}`}`,
        ...(entity.file === undefined ? [] : [`file \`${entity.file}\``]),
        ...(entity.key.length === 0 ? [] : [`key ${entity.key.join(", ")}`]),
        `${entity.fields.length} fields`,
        ...entity.doc,
        ...assumptions(entity.assumptions),
      ].join("\n\n");
    }
    case "codelist": {
      const d = target.decl;
      return [
        `**codelist** \`${d.name.name}\`${d.title === undefined ? "" : ` — ${d.title}`}`,
        d.values
          .map(
            (v) =>
              `- \`"${v.code}"\`${v.description === undefined ? "" : ` ${v.description}`}`,
          )
          .join("\n"),
        ...assumptions(d.assumptions),
      ].join("\n\n");
    }
    case "category": {
      const { category } = target;
      return [
        `**category** \`${category.name}\` — ${category.decl.title}`,
        ...articles("implements", category.articles),
        ...assumptions(category.decl.assumptions),
      ].join("\n\n");
    }
    case "source":
      return [
        `**source** \`${target.decl.alias.name}\``,
        ...sourceLines(target.decl),
      ].join("\n\n");
    case "ruleset": {
      const r = target.ruleset;
      return [
        `**ruleset** \`${r.id}\`${r.title === undefined ? "" : ` — ${r.title}`}`,
        ...(r.validFrom === undefined
          ? []
          : [
              `valid from ${r.validFrom}${r.validUntil === undefined ? "" : ` until ${r.validUntil}`}`,
            ]),
        ...(r.extends === undefined ? [] : [`extends \`${r.extends}\``]),
        ...r.sources.map((s) => `source \`${s.alias.name}\`: ${s.title}`),
      ].join("\n\n");
    }
    case "aggregate": {
      const d = target.decl;
      return [
        `**aggregate** \`${d.name.name}\`${d.title === undefined ? "" : ` — ${d.title}`}`,
        `measures \`${aggregateMeasureText(d)}\``,
        ...refs(d.implementsRefs),
        ...d.doc,
        ...assumptions(d.assumptions),
      ].join("\n\n");
    }
    case "reconcile": {
      const d = target.decl;
      return [
        `**reconcile** \`${d.name.name}\`${d.title === undefined ? "" : ` — ${d.title}`}`,
        d.figures
          .map(
            (f) =>
              `- figure \`${f.name.name}\` = aggregate \`${f.aggregate.name}\`, tolerance ${f.tolerance === undefined ? "0" : f.tolerance.kind === "Percent" ? `${f.tolerance.text} %` : f.tolerance.text}`,
          )
          .join("\n"),
        ...refs(d.implementsRefs),
        ...d.doc,
        ...assumptions(d.assumptions),
      ].join("\n\n");
    }
    case "plausibility": {
      const d = target.decl;
      const s = plausibilitySettings(d);
      return [
        `**plausibility** \`${d.name.name}\`${d.title === undefined ? "" : ` — ${d.title}`}`,
        `compare ${s.compare} · method ${s.method} · threshold ${s.threshold} · window ${s.window} · minimum ${s.minimum}`,
        `watch ${s.watch.join(", ")}`,
        ...refs(d.implementsRefs),
        ...d.doc,
        ...assumptions(d.assumptions),
      ].join("\n\n");
    }
    default: {
      const d = target.decl;
      const title =
        "title" in d && d.title !== undefined ? ` — ${d.title}` : "";
      return [
        `**${target.kind}** \`${d.name.name}\`${title}`,
        ...assumptions(d.assumptions),
      ].join("\n\n");
    }
  }
}

function sourceLines(source: SourceDecl): string[] {
  return [source.title, ...(source.url === undefined ? [] : [source.url])];
}

function articles(label: string, list: readonly ResolvedArticle[]): string[] {
  if (list.length === 0) return [];
  return [
    `${label}:\n${list.map((a) => `- ${a.sourceAlias} ${a.locator} (${a.sourceTitle})`).join("\n")}`,
  ];
}

/** `implements` references as written (the source's title is in the hover of the locator). */
function refs(list: readonly ArticleRef[]): string[] {
  if (list.length === 0) return [];
  return [
    `implements ${list.map((a) => `${a.source.name} ${a.locator}`).join(", ")}`,
  ];
}

function assumptions(list: readonly Assumption[]): string[] {
  return list.map((a) => `_assumption:_ ${a.text}`);
}
