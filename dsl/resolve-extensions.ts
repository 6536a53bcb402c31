/**
 * Partial edits of inherited tables: `extend category NAME` adds and removes single `result` and
 * `marking` entries of an inherited category, `extend codelist NAME` single values of an inherited
 * code list. The result is a new declaration (the parent's stays as it was) that every later pass
 * reads as if the table had been retyped, located at the extension (a category's `origin` is
 * the extending version). Removes apply before adds, so an entry can be removed and
 * added back changed (another role, other attributes). Reports REG218 (nothing inherited to
 * extend) and REG249–REG254.
 *
 * @module
 */
import type {
  AttributeRef,
  CategoryMarking,
  CategoryResult,
  CodeListDecl,
  CodeValue,
  ExtendCategoryDecl,
  ExtendCodeListDecl,
  Ident,
  Span,
} from "./ast.js";
import { CODES } from "./check-codes.js";
import { missing, type Reporter, suggest, where } from "./check-context.js";
import type { Links, Target } from "./links.js";
import type { ResolvedCategory, ResolvedRule } from "./model.js";

/** The part of a collection of inherited and declared items that an extension needs. */
export interface Extendable<T> {
  readonly items: Map<string, T>;
  isInherited(name: string): boolean;
  /** Declared (or replaced) by this very file. */
  isDeclaredHere(name: string): boolean;
  /** Reports REG218 for `verb` on a name that is not inherited. */
  notInherited(name: Ident, verb: string): void;
}

/** What the extensions of one file edit, and where they report. */
export interface ExtensionContext {
  id: string;
  reporter: Reporter;
  links: Links;
  rules: ReadonlyMap<string, ResolvedRule>;
}

const attributeText = (a: AttributeRef) =>
  `${a.entity?.name ?? ""}.${a.field?.name ?? ""}`;
const roleText = (role: string | undefined) =>
  role === undefined ? "" : ` (${role})`;

/** An entry of a category table as written: `result dmc0003 (D) on NP.date_of_birth`. */
export function resultText(r: CategoryResult): string {
  const on =
    r.attributes.length === 0
      ? ""
      : ` on ${r.attributes.map(attributeText).join(", ")}`;
  return `result ${r.code?.name ?? ""}${roleText(r.role)}${on}`;
}

/** A marking entry as written: `marking NP.x = "VALUE" (D)`. */
export function markingText(m: CategoryMarking): string {
  return `marking ${attributeText(m.attribute)} = ${JSON.stringify(m.value?.value ?? "")}${roleText(m.role)}`;
}

/** Two results are one entry when code, role and the set of attributes are equal. */
function resultKey(r: CategoryResult): string {
  const attrs = [...new Set(r.attributes.map(attributeText))].sort();
  return `${r.code?.name ?? ""}\u0000${r.role ?? ""}\u0000${attrs.join(",")}`;
}

function markingKey(m: CategoryMarking): string {
  return `${attributeText(m.attribute)}\u0000${m.value?.value ?? ""}\u0000${m.role ?? ""}`;
}

/**
 * The target of an extension: the inherited item, or undefined after reporting why there is none
 * (REG218 when nothing of that name is inherited, REG253 when this file also declares, replaces
 * or removes it, REG254 when it is extended twice).
 */
function inheritedTarget<T>(
  kind: string,
  name: Ident,
  collection: Extendable<T>,
  seen: Map<string, Span>,
  ctx: ExtensionContext,
): T | undefined {
  if (missing(name)) return undefined;
  const n = name.name;
  const first = seen.get(n);
  if (first !== undefined) {
    ctx.links.unresolved(name);
    ctx.reporter.report(
      CODES.extendedTwice,
      `${kind} \`${n}\` is extended twice in ${ctx.id}: write its edits in one \`extend ${kind}\``,
      name.span,
      { notes: [`first extended at ${where(first)}`] },
    );
    return undefined;
  }
  seen.set(n, name.span);
  if (collection.isInherited(n) && collection.isDeclaredHere(n)) {
    ctx.links.unresolved(name);
    ctx.reporter.report(
      CODES.extendedAndReplaced,
      `${kind} \`${n}\` is both replaced and extended in ${ctx.id}: write the edits into the \`replace ${kind}\``,
      name.span,
    );
    return undefined;
  }
  if (collection.isInherited(n) && !collection.items.has(n)) {
    ctx.links.unresolved(name);
    ctx.reporter.report(
      CODES.extendedAndReplaced,
      `${kind} \`${n}\` is both removed and extended in ${ctx.id}: drop one of the two`,
      name.span,
    );
    return undefined;
  }
  const item = collection.items.get(n);
  if (item === undefined || !collection.isInherited(n)) {
    ctx.links.unresolved(name);
    collection.notInherited(name, "extend");
    return undefined;
  }
  return item;
}

/** Apply the `extend category` declarations of one file, in file order. */
export function extendCategories(
  exts: readonly ExtendCategoryDecl[],
  categories: Extendable<ResolvedCategory>,
  ctx: ExtensionContext,
): void {
  const seen = new Map<string, Span>();
  for (const ext of exts) {
    const base = inheritedTarget("category", ext.name, categories, seen, ctx);
    if (base === undefined) continue;
    const results = editTable(
      base.decl.results,
      ext.removeResults ?? [],
      ext.results ?? [],
      resultKey,
      resultText,
      (r) => r.code?.name ?? "",
      `category \`${base.name}\``,
      ctx,
    );
    const markings = editTable(
      base.decl.markings,
      ext.removeMarkings ?? [],
      ext.markings ?? [],
      markingKey,
      markingText,
      (m) => attributeText(m.attribute),
      `category \`${base.name}\``,
      ctx,
    );
    for (const r of ext.removeResults ?? []) {
      const rule = missing(r.code) ? undefined : ctx.rules.get(r.code.name);
      if (rule !== undefined) ctx.links.link(r.code, { kind: "rule", rule });
    }
    // A new object: the parent's category stays as it was. The table is this version's now: it
    // is located at the extension, whose doc comment follows the inherited one.
    const extended: ResolvedCategory = {
      ...base,
      origin: ctx.id,
      decl: {
        ...base.decl,
        span: ext.span,
        doc: [...(base.decl.doc ?? []), ...(ext.doc ?? [])],
        results,
        markings,
      },
    };
    link(ctx, ext.name, { kind: "category", category: extended });
    categories.items.set(base.name, extended);
  }
}

/** Apply the `extend codelist` declarations of one file, in file order. */
export function extendCodeLists(
  exts: readonly ExtendCodeListDecl[],
  codeLists: Extendable<CodeListDecl>,
  ctx: ExtensionContext,
): void {
  const seen = new Map<string, Span>();
  for (const ext of exts) {
    const base = inheritedTarget("codelist", ext.name, codeLists, seen, ctx);
    if (base === undefined) continue;
    const values = [...base.values];
    const where_ = `code list \`${base.name.name}\``;
    for (const r of ext.removeValues ?? []) {
      const i = values.findIndex((v) => v.code === r.value);
      if (i < 0) {
        ctx.reporter.report(
          CODES.codeValueNotPresent,
          `cannot remove value ${JSON.stringify(r.value)}: ${where_} has no such value`,
          r.span,
          suggest(
            r.value,
            values.map((v) => v.code),
          ),
        );
        continue;
      }
      values.splice(i, 1);
    }
    for (const v of ext.values ?? []) {
      if (v === undefined || v.code === undefined) continue;
      const there = values.find((x) => x.code === v.code);
      if (there !== undefined) {
        ctx.reporter.report(
          CODES.codeValueAlreadyPresent,
          `${where_} already has value ${JSON.stringify(v.code)}; to change its description, \`remove value ${JSON.stringify(v.code)}\` and add it again`,
          v.span,
          { notes: [`it is listed at ${where(there.span)}`] },
        );
        continue;
      }
      values.push(v satisfies CodeValue);
    }
    const extended: CodeListDecl = {
      ...base,
      span: ext.span,
      doc: [...(base.doc ?? []), ...(ext.doc ?? [])],
      values,
    };
    link(ctx, ext.name, { kind: "codelist", decl: extended });
    codeLists.items.set(base.name.name, extended);
  }
}

function link(ctx: ExtensionContext, name: Ident, target: Target): void {
  ctx.links.link(name, target);
}

/**
 * The inherited entries minus `removed` plus `added`, reporting REG250 for an entry to remove that
 * is not there and REG249 for an entry to add that already is.
 */
function editTable<E extends { span: Span }>(
  inherited: readonly E[],
  removed: readonly E[],
  added: readonly E[],
  key: (e: E) => string,
  text: (e: E) => string,
  group: (e: E) => string,
  where_: string,
  ctx: ExtensionContext,
): E[] {
  const entries = [...inherited];
  for (const r of removed) {
    if (r === undefined) continue;
    const i = entries.findIndex((e) => key(e) === key(r));
    if (i < 0) {
      const alike = entries.filter((e) => group(e) === group(r));
      ctx.reporter.report(
        CODES.entryNotPresent,
        `cannot remove \`${text(r)}\`: ${where_} has no such entry`,
        r.span,
        {
          notes:
            alike.length === 0
              ? [`${where_} has no entry for \`${group(r)}\``]
              : [
                  `an entry is removed as the table writes it; ${where_} has ${alike.map((e) => `\`${text(e)}\``).join(", ")}`,
                ],
        },
      );
      continue;
    }
    entries.splice(i, 1);
  }
  for (const a of added) {
    if (a === undefined) continue;
    const there = entries.find((e) => key(e) === key(a));
    if (there !== undefined) {
      ctx.reporter.report(
        CODES.entryAlreadyPresent,
        `${where_} already has \`${text(a)}\``,
        a.span,
        { notes: [`it is listed at ${where(there.span)}`] },
      );
      continue;
    }
    entries.push(a);
  }
  return entries;
}
