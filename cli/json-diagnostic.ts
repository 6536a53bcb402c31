/**
 * The JSON form of a diagnostic, the same in the `--json` output of every command that reports
 * diagnostics (`check`, `fmt`, `compile`, `catalogue`).
 *
 * @module
 */
import type { Diagnostic } from "../dsl/diagnostics.js";

/** The JSON form of one diagnostic (`--json`). Lines and columns are 1-based; end is exclusive. */
export interface JsonDiagnostic {
  code: string;
  severity: "error" | "warning";
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** `null` when there is none, so that every diagnostic has the same keys. */
  suggestion: string | null;
  notes: string[];
}

/** A diagnostic as JSON. */
export function toJson(d: Diagnostic): JsonDiagnostic {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.span.file,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    suggestion: d.suggestion ?? null,
    notes: d.notes ?? [],
  };
}
