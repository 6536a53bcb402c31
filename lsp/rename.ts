/**
 * Rename of a rule code or a field across the workspace: the declaration and every name the
 * checker linked to it (`lsp/navigation.ts`), in every file. Other names are not renamed: a
 * rename must change what the checker linked and nothing else, and for rules and fields that is
 * the whole story.
 *
 * A field without a `column` clause is read from the column of its name: renaming it changes
 * the column read too (docs/guides/analyst.md says so).
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
  const changes: Record<string, TextEdit[]> = {};
  for (const node of nodes) {
    if (node.kind !== "Ident") continue;
    const uri = pathToUri(node.span.file);
    (changes[uri] ??= []).push({ range: toRange(node.span), newText: newName });
  }
  return { changes };
}
