/**
 * Rename of a rule code or a field across the workspace: the declaration and every name the
 * checker linked to it (`lsp/navigation.ts`), in every file. Other names are not renamed: a
 * rename must change what the checker linked and nothing else, and for rules and fields that is
 * the whole story.
 *
 * A field without a `column` clause is read from the column of its name: renaming it changes
 * the column read too (docs/guides/analyst.md says so), so the column names of file examples
 * (`example ... file E columns "a", "b"`) that are the field's are renamed with it
 * (`lsp/example-columns.ts`); a field with a `column` clause keeps its column, and its examples.
 *
 * A new name already declared in the same scope is refused: another field of the entity, or
 * another rule of the version, in any version the rename reaches (one that inherits the field or
 * rule, or extends its entity), since the renamed files would no longer check (REG216). So is the
 * rename of a field or rule that an extending version replaces, or of the replacing one: the
 * rename would reach only one side of the `replace`.
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
import { entityNamed, fieldNamed, ruleCoded } from "../dsl/named.js";
import { exampleColumnsOf, fieldDeclsOf } from "./example-columns.js";
import { nameAt } from "./names.js";
import type { Reference, ResolvedRuleset } from "../dsl/index.js";
import { referenceNodes, spanKey } from "./navigation.js";
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
  const fields = fieldDeclsOf(nameAt(file, path, offset)?.targets ?? []);
  for (const column of exampleColumnsOf(all, fields)) {
    if (!column.followsRename) continue;
    (changes[pathToUri(column.file)] ??= []).push({
      range: column.range,
      newText: column.quoted ? `"${newName}"` : newName,
    });
  }
  return { changes };
}

/**
 * Why renaming the names `renamed` to `newName` would leave a version that no longer checks, or
 * undefined: see {@link takenIn} and {@link partedIn}.
 */
function clashOf(
  all: Analysis,
  renamed: readonly Reference[],
  newName: string,
): string | undefined {
  const keys = new Set(renamed.map(spanKey));
  const isRenamed = (name: Reference): boolean => keys.has(spanKey(name));
  const byId = new Map(all.rulesets.map((r) => [r.id, r]));
  for (const ruleset of all.rulesets) {
    const parent =
      ruleset.extends === undefined ? undefined : byId.get(ruleset.extends);
    const clash =
      takenIn(ruleset, isRenamed, newName) ??
      (parent === undefined ? undefined : partedIn(ruleset, parent, isRenamed));
    if (clash !== undefined) return clash;
  }
  return undefined;
}

/**
 * `newName` is already another field of an entity of `ruleset` that has a renamed field, or
 * another rule of `ruleset` when it has a renamed rule (REG216 after the rename).
 */
function takenIn(
  ruleset: ResolvedRuleset,
  isRenamed: (name: Reference) => boolean,
  newName: string,
): string | undefined {
  // the new name comes from the editor, not from a ruleset: looked up as a name from data
  for (const entity of ruleset.entities.values()) {
    const taken = fieldNamed(entity, newName);
    if (
      taken !== undefined &&
      !isRenamed(taken.decl.name) &&
      entity.fields.some((f) => isRenamed(f.decl.name))
    )
      return `entity \`${entity.name}\` already has a field \`${newName}\` in ${ruleset.id}`;
  }
  const taken = ruleCoded(ruleset, newName);
  if (
    taken !== undefined &&
    !isRenamed(taken.decl.code) &&
    ruleset.rules.some((r) => isRenamed(r.decl.code))
  )
    return `${ruleset.id} already has a rule \`${newName}\``;
  return undefined;
}

/**
 * A field or rule `ruleset` replaces is renamed on one side of the `replace` only: a `replace`
 * is a declaration of its own, not a link to what it replaces, so the rename would part them.
 */
function partedIn(
  ruleset: ResolvedRuleset,
  parent: ResolvedRuleset,
  isRenamed: (name: Reference) => boolean,
): string | undefined {
  const parted =
    "and a rename does not follow `replace`: rename it in each version";
  // a `replace` has no link to what it replaces (see above): it is found by its name
  for (const entity of ruleset.entities.values()) {
    const parentEntity = entityNamed(parent, entity.name);
    if (parentEntity === undefined) continue;
    for (const field of entity.fields) {
      const inherited = fieldNamed(parentEntity, field.name);
      if (
        inherited !== undefined &&
        isRenamed(inherited.decl.name) !== isRenamed(field.decl.name)
      )
        return `field \`${field.name}\` of entity \`${entity.name}\` is replaced in ${ruleset.id}, ${parted}`;
    }
  }
  for (const rule of ruleset.rules) {
    const inherited = ruleCoded(parent, rule.code);
    if (
      inherited !== undefined &&
      isRenamed(inherited.decl.code) !== isRenamed(rule.decl.code)
    )
      return `rule \`${rule.code}\` is replaced in ${ruleset.id}, ${parted}`;
  }
  return undefined;
}
