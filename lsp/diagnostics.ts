/**
 * Diagnostics as you type: the open file checked with its `extends` / `uses` chain, its own
 * diagnostics in protocol form. A suggestion rides along in `data`, for the quick fix
 * (`lsp/code-actions.ts`).
 *
 * @module
 */
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
} from "vscode-languageserver";
import { CODES, type Diagnostic } from "../dsl/index.js";
import { toRange } from "./positions.js";
import type { Workspace } from "./workspace.js";

/** What a diagnostic carries for its quick fix. */
export interface DiagnosticData {
  suggestion: string;
}

/** One front-end diagnostic in protocol form (its notes appended to the message). */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const notes = (d.notes ?? []).map((n) => `\n${n}`).join("");
  const hint =
    d.suggestion === undefined ? "" : `\ndid you mean \`${d.suggestion}\`?`;
  return {
    range: toRange(d.span),
    severity:
      d.severity === "error"
        ? DiagnosticSeverity.Error
        : DiagnosticSeverity.Warning,
    code: d.code,
    source: "regel",
    message: d.message + notes + hint,
    ...(d.suggestion === undefined
      ? {}
      : { data: { suggestion: d.suggestion } satisfies DiagnosticData }),
  };
}

/**
 * The diagnostics of `path`, checked with its chain; and REG210 when another file declares the
 * same version and comes first in path order, as `regel check` over the workspace reports it.
 */
export function diagnosticsFor(
  workspace: Workspace,
  path: string,
): LspDiagnostic[] {
  const own = workspace
    .analyseFile(path)
    .diagnostics.filter((d) => d.span.file === path);
  const duplicates = workspace.duplicatesOf(path);
  const declaredTwice =
    duplicates.length === 0
      ? []
      : workspace
          .analyse([path, ...duplicates])
          .diagnostics.filter(
            (d) => d.span.file === path && d.code === CODES.duplicateRuleset,
          );
  return [...declaredTwice, ...own].map(toLspDiagnostic);
}
