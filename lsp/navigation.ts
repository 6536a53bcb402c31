/**
 * Go to definition and find references, read from the checker's links: a reference's targets
 * (`Links.targets`) and a declaration's references over every checked version
 * (`referencesIn`). Never a search by name.
 *
 * @module
 */
import type { Location } from "vscode-languageserver";
import {
  declarationOf,
  referencesIn,
  type Reference,
  type Target,
} from "../dsl/index.js";
import { exampleColumnsOf, fieldDeclsOf } from "./example-columns.js";
import { nameAt, nameOf } from "./names.js";
import { pathToUri, toRange } from "./positions.js";
import type { Analysis } from "./workspace.js";

/** Where the declarations named at `offset` are. */
export function definitionAt(
  analysis: Analysis,
  path: string,
  offset: number,
): Location[] {
  const name = nameAt(analysis, path, offset);
  if (name === undefined) return [];
  return dedupe(
    name.targets.map((t) => nameOf(declarationOf(t))).map(locationOf),
  );
}

/**
 * Every name referring to the declarations named at `offset` in `path`, over every version of
 * `all` (the whole workspace checked). `file` analysis gives the targets; the whole-workspace
 * one is searched for references. A field's column names in file examples
 * (`lsp/example-columns.ts`) follow its references.
 */
export function referencesAt(
  file: Analysis,
  all: Analysis,
  path: string,
  offset: number,
  includeDeclaration: boolean,
): Location[] {
  const columns = exampleColumnsOf(
    all,
    fieldDeclsOf(nameAt(file, path, offset)?.targets ?? []),
  ).map((c) => ({ uri: pathToUri(c.file), range: c.range }));
  return [
    ...referenceNodes(file, all, path, offset, includeDeclaration).map(
      locationOf,
    ),
    ...columns,
  ];
}

/** A name's place: the same name node may be a different object in another checked project. */
export function spanKey(name: Reference): string {
  return `${name.span.file}:${name.span.start.offset}`;
}

/** The reference nodes behind {@link referencesAt} (rename edits them). */
export function referenceNodes(
  file: Analysis,
  all: Analysis,
  path: string,
  offset: number,
  includeDeclaration: boolean,
  targets?: readonly Target[],
): Reference[] {
  const named = targets ?? nameAt(file, path, offset)?.targets ?? [];
  const out: Reference[] = [];
  const seen = new Set<string>();
  const add = (node: Reference): void => {
    const key = spanKey(node);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(node);
  };
  for (const target of named) {
    const decl = declarationOf(target);
    if (includeDeclaration) add(nameOf(decl));
    for (const ref of referencesIn(all.rulesets, decl)) add(ref);
  }
  return out.sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start.offset - b.span.start.offset,
  );
}

function locationOf(node: Reference): Location {
  return { uri: pathToUri(node.span.file), range: toRange(node.span) };
}

function dedupe(list: Location[]): Location[] {
  const seen = new Set<string>();
  return list.filter((l) => {
    const key = `${l.uri}:${l.range.start.line}:${l.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
