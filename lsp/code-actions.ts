/**
 * Quick fixes: a diagnostic that carries a suggestion (a misspelt name or keyword: "did you mean
 * `signalling`?") offers to replace its range with the suggestion.
 *
 * @module
 */
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
} from "vscode-languageserver";
import type { DiagnosticData } from "./diagnostics.js";

/** The quick fixes for `diagnostics` (as the client sent them back) in the document `uri`. */
export function quickFixes(
  uri: string,
  diagnostics: readonly Diagnostic[],
): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const suggestion = (d.data as Partial<DiagnosticData> | undefined)
      ?.suggestion;
    if (d.source !== "regel" || typeof suggestion !== "string") continue;
    out.push({
      title: `Change to \`${suggestion}\``,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: suggestion }] } },
    });
  }
  return out;
}
