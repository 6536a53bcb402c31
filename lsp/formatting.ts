/**
 * Formatting with the printer of `regel fmt` (`dsl/printer.ts`): one edit that replaces the whole
 * text, or none when the text is already formatted or has syntax errors (which `regel fmt` refuses
 * to format too).
 *
 * @module
 */
import type { TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { format } from "../dsl/index.js";

/** The edits that format `document` (read from `path`). */
export function formatDocument(
  document: TextDocument,
  path: string,
): TextEdit[] {
  const text = document.getText();
  const formatted = format(text, path);
  if (formatted.text === text) return [];
  return [
    {
      range: {
        start: document.positionAt(0),
        end: document.positionAt(text.length),
      },
      newText: formatted.text,
    },
  ];
}
