/**
 * Between the front end's spans (1-based lines and columns, UTF-16 offsets, file paths) and the
 * protocol's ranges (0-based lines and characters, `file:` URIs).
 *
 * @module
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Range } from "vscode-languageserver";
import type { Span } from "../dsl/index.js";

/** The file path of a `file:` URI. */
export function uriToPath(uri: string): string {
  return fileURLToPath(uri);
}

/** The `file:` URI of a path. */
export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The protocol range of a span. */
export function toRange(span: Span): Range {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

/** Whether `offset` is inside `span` or just after its end (where a cursor after a name is). */
export function touches(span: Span, offset: number): boolean {
  return span.start.offset <= offset && offset <= span.end.offset;
}
