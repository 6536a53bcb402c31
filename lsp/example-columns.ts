/**
 * The column names of file examples (`example pass file E columns "a", "b"`) that name a field:
 * the header of a file example is CSV column names in strings, not names the checker links, yet a
 * field without a `column` clause is read from the column of its name, so renaming the field must
 * rename the column in its examples, and find references lists them.
 *
 * A string is a column of a field when it is the whole column name the field is read from
 * (`ResolvedField.column`), in an example of the field's entity: never a part of a string.
 *
 * @module
 */
import type { Range } from "vscode-languageserver";
import type { FieldDecl, Span, Target } from "../dsl/index.js";
import type { Analysis } from "./workspace.js";

/** A column name of a file example that names one of the fields looked for. */
export interface ExampleColumn {
  /** The file the example is written in. */
  file: string;
  /**
   * The column name without its quotes when the string is written as the name itself, else the
   * whole string literal (one with escapes: a rename writes it anew).
   */
  range: Range;
  /** Whether `range` is the whole literal, quotes included. */
  quoted: boolean;
  /** Whether the field is read from the column of its own name (no `column` clause): a rename changes it. */
  followsRename: boolean;
}

/** The field declarations among `targets`. */
export function fieldDeclsOf(targets: readonly Target[]): Set<FieldDecl> {
  const out = new Set<FieldDecl>();
  for (const t of targets) if (t.kind === "field") out.add(t.field.decl);
  return out;
}

/**
 * Every column name of a file example, over every version of `all`, that is the column one of
 * `fields` is read from; each string once (an inherited rule is checked in every version).
 */
export function exampleColumnsOf(
  all: Analysis,
  fields: ReadonlySet<FieldDecl>,
): ExampleColumn[] {
  const out: ExampleColumn[] = [];
  if (fields.size === 0) return out;
  const seen = new Set<string>();
  for (const ruleset of all.rulesets)
    for (const rule of ruleset.rules)
      for (const example of rule.decl.examples) {
        if (example.kind !== "FileExample" || example.form !== "columns")
          continue;
        const entity = ruleset.links.entity(example.entity);
        if (entity === undefined) continue;
        const spans = example.columnSpans ?? [];
        example.columns.forEach((name, i) => {
          const span = spans[i];
          if (span === undefined) return;
          const field = entity.fields.find((f) => f.column === name);
          if (field === undefined || !fields.has(field.decl)) return;
          const key = `${span.file}:${span.start.offset}`;
          if (seen.has(key)) return;
          seen.add(key);
          out.push({
            file: span.file,
            ...rangeOfName(span, name),
            followsRename: field.decl.column === undefined,
          });
        });
      }
  return out;
}

/**
 * The range of `name` inside its string literal at `span`: the text between the quotes when the
 * literal is `"name"` as such (one line, no escapes: two UTF-16 units longer than the name), else
 * the whole literal.
 */
function rangeOfName(
  span: Span,
  name: string,
): { range: Range; quoted: boolean } {
  const plain =
    span.start.line === span.end.line &&
    span.end.offset - span.start.offset === name.length + 2;
  const line = span.start.line - 1;
  return plain
    ? {
        range: {
          start: { line, character: span.start.column },
          end: { line, character: span.end.column - 2 },
        },
        quoted: false,
      }
    : {
        range: {
          start: { line, character: span.start.column - 1 },
          end: { line: span.end.line - 1, character: span.end.column - 1 },
        },
        quoted: true,
      };
}
