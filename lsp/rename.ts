/**
 * Rename of a rule code or a field across the workspace: the declaration and every name the
 * checker linked to it (`lsp/navigation.ts`), in every file. Other names are not renamed: a
 * rename must change what the checker linked and nothing else, and for rules and fields that is
 * the whole story.
 *
 * A field without a `column` clause is read from the column of its name: renaming it changes
 * the column read too (docs/guides/analyst.md says so).
 *
 * A new name already declared in the same scope is refused: another field of the entity, or
 * another rule of the version, in any version the rename reaches (one that inherits the field or
 * rule, or extends its entity), since the renamed files would no longer check (REG216).
 *
 * @module
 */
import {
  ResponseError,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { KEYWORDS } from "../dsl/lexer.js";
import { nameAt } from "./names.js";
import type { Reference } from "../dsl/index.js";
import { referenceNodes } from "./navigation.js";
import { pathToUri, toRange } from "./positions.js";
import type { Analysis } from "./workspace.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set<string>(KEYWORDS);

/** The range of the rule code or field name at `offset`, or an error saying why it cannot be renamed. */
export function prepareRenameAt(
  analysis: Analysis,
  path: string,
  offset: number,
): { range: Range; placeholder: string } | ResponseError<void> {
  const name = nameAt(analysis, path, offset);
  if (name === undefined || name.node.kind !== "Ident")
    return new ResponseError(
      0,
      "only a rule code or a field name can be renamed",
    );
  const kinds = new Set(name.targets.map((t) => t.kind));
  if (kinds.size !== 1 || !(kinds.has("rule") || kinds.has("field")))
    return new ResponseError(
      0,
      "only a rule code or a field name can be renamed",
    );
  return { range: toRange(name.node.span), placeholder: name.node.name };
}

/** The edits renaming what is at `offset` to `newName`. */
export function renameAt(
  file: Analysis,
  all: Analysis,
  path: string,
  offset: number,
  newName: string,
): WorkspaceEdit | ResponseError<void> {
  const prepared = prepareRenameAt(file, path, offset);
  if (prepared instanceof ResponseError) return prepared;
  if (!NAME.test(newName) || RESERVED.has(newName))
    return new ResponseError(
      0,
      `\`${newName}\` is no valid name: a letter or \`_\`, then letters, digits or \`_\`, and no keyword`,
    );
  const nodes = referenceNodes(file, all, path, offset, true);
  const clash = clashOf(all, nodes, newName);
  if (clash !== undefined)
    return new ResponseError(0, `cannot rename to \`${newName}\`: ${clash}`);
  const changes: Record<string, TextEdit[]> = {};
  for (const node of nodes) {
    if (node.kind !== "Ident") continue;
    const uri = pathToUri(node.span.file);
    (changes[uri] ??= []).push({ range: toRange(node.span), newText: newName });
  }
  return { changes };
}

/**
 * Why renaming the names `renamed` to `newName` would declare a name twice: another field of an
 * entity that has a renamed field, or another rule of a version that has a renamed rule.
 * Undefined when nothing clashes.
 */
function clashOf(
  all: Analysis,
  renamed: readonly Reference[],
  newName: string,
): string | undefined {
  const keys = new Set(renamed.map(spanKey));
  const isRenamed = (name: Reference): boolean => keys.has(spanKey(name));
  for (const ruleset of all.rulesets) {
    for (const entity of ruleset.entities.values()) {
      if (!entity.fields.some((f) => isRenamed(f.decl.name))) continue;
      if (
        entity.fields.some((f) => f.name === newName && !isRenamed(f.decl.name))
      )
        return `entity \`${entity.name}\` already has a field \`${newName}\` in ${ruleset.id}`;
    }
    if (!ruleset.rules.some((r) => isRenamed(r.decl.code))) continue;
    if (
      ruleset.rules.some((r) => r.code === newName && !isRenamed(r.decl.code))
    )
      return `${ruleset.id} already has a rule \`${newName}\``;
  }
  return undefined;
}

/** A name's place: the same name node may be a different object in another checked project. */
function spanKey(name: Reference): string {
  return `${name.span.file}:${name.span.start.offset}`;
}
