/**
 * Diagnostics: every problem the front end finds, with a stable code, a message an analyst
 * understands, a source span, and where possible a suggestion. Codes are documented in
 * `docs/diagnostics.md`; the `REG1xx` range belongs to the lexer and parser, `REG2xx` to name
 * resolution and versions, `REG3xx` to types and expressions, `REG4xx` to examples.
 *
 * @module
 */
import { distance } from "fastest-levenshtein";
import type { Span } from "./ast.js";

/** An error stops compiling; a warning does not. */
export type DiagnosticSeverity = "error" | "warning";

/** A problem found in a ruleset: a stable code, a message, where, and maybe a suggestion. */
export interface Diagnostic {
  /** Stable code, e.g. `REG201`. */
  code: string;
  severity: DiagnosticSeverity;
  message: string;
  span: Span;
  /** A replacement to offer, e.g. the correctly spelt name. */
  suggestion?: string;
  /** Extra lines: "first declared here", "expected one of ...". */
  notes?: string[];
}

/** Build an error diagnostic. */
export function error(
  code: string,
  message: string,
  span: Span,
  extra: Partial<Diagnostic> = {},
): Diagnostic {
  return { code, severity: "error", message, span, ...extra };
}

/**
 * The closest candidate to a misspelt name, or undefined when nothing is close enough.
 * Close enough: edit distance at most a third of the name's length (at least 1), case ignored.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (
      d < bestDistance ||
      (d === bestDistance && best !== undefined && candidate < best)
    ) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Sort diagnostics by file, then position, then code: a stable order for output and tests. */
export function sortDiagnostics(
  diagnostics: readonly Diagnostic[],
): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start.offset - b.span.start.offset ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/**
 * Render a diagnostic for a terminal:
 *
 * ```text
 * rulesets/x.regel:12:7: error REG201: unknown field `date_of_brith`
 *    11 |   for NP
 *    12 |   require date_of_brith is present
 *       |           ^^^^^^^^^^^^^
 *    13 |   example fail NP { }
 *   help: did you mean `date_of_birth`?
 * ```
 */
export function formatDiagnostic(
  diagnostic: Diagnostic,
  sourceText: string | undefined,
): string {
  const { span } = diagnostic;
  const head = `${span.file}:${span.start.line}:${span.start.column}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`;
  const lines = [head];
  if (sourceText !== undefined) lines.push(...codeFrame(sourceText, span));
  for (const note of diagnostic.notes ?? []) lines.push(`  note: ${note}`);
  if (diagnostic.suggestion !== undefined)
    lines.push(`  help: did you mean \`${diagnostic.suggestion}\`?`);
  return lines.join("\n");
}

/** The lines around a span with a caret underline below the first line of the span. */
export function codeFrame(
  sourceText: string,
  span: Span,
  context = 1,
): string[] {
  const sourceLines = sourceText.split(/\r\n|\n|\r/);
  const first = Math.max(1, span.start.line - context);
  const last = Math.min(sourceLines.length, span.start.line + context);
  const width = String(last).length + 2;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (sourceLines[n - 1] ?? "").replace(/\t/g, " ");
    out.push(`${String(n).padStart(width)} | ${text}`);
    if (n === span.start.line) {
      const startCol = Math.max(1, span.start.column);
      const endCol =
        span.end.line === span.start.line
          ? Math.max(span.end.column, startCol + 1)
          : text.length + 1;
      const length = Math.max(1, Math.min(endCol, text.length + 1) - startCol);
      out.push(
        `${" ".repeat(width)} | ${" ".repeat(startCol - 1)}${"^".repeat(length)}`,
      );
    }
  }
  return out;
}
