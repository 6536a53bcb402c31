/**
 * Diagnostics as a SARIF 2.1.0 log (`regel check --format sarif`), the format code-scanning UIs
 * read: one run of the tool `regel`, one rule per diagnostic code that occurs (with the code's
 * summary from docs/diagnostics.md where there is one), one result per diagnostic with its file
 * and region. Columns are UTF-16 code units, as regel counts them. File names are URIs relative
 * to the working directory (`%SRCROOT%`) when the file lies under it, else `file:` URLs.
 *
 * @module
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { CODE_SUMMARIES } from "../dsl/check-codes.js";
import type { Diagnostic } from "../dsl/diagnostics.js";

/** The SARIF version and the schema it is written against. */
export const SARIF_VERSION = "2.1.0";
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** A file of a diagnostic as a SARIF artifact location. */
export function artifactLocation(
  file: string,
  cwd = process.cwd(),
): { uri: string; uriBaseId?: string } {
  const rel = relative(cwd, resolve(cwd, file));
  if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel))
    return {
      uri: rel.split(sep).map(encodeURIComponent).join("/"),
      uriBaseId: "%SRCROOT%",
    };
  return { uri: pathToFileURL(resolve(cwd, file)).href };
}

/** A SARIF 2.1.0 log of `diagnostics`. */
export function sarifLog(
  diagnostics: readonly Diagnostic[],
  tool: { version: string },
  cwd = process.cwd(),
): object {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const summaries: Readonly<Record<string, string>> = CODE_SUMMARIES;
  const rules = codes.map((code) => ({
    id: code,
    name: code,
    shortDescription: {
      text: Object.hasOwn(summaries, code)
        ? summaries[code]
        : `regel diagnostic ${code}`,
    },
    help: { text: `See docs/diagnostics.md, ${code}.` },
  }));
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: codes.indexOf(d.code),
    level: d.severity === "error" ? "error" : "warning",
    message: {
      text: [
        d.message,
        ...(d.suggestion !== undefined
          ? [`Did you mean \`${d.suggestion}\`?`]
          : []),
        ...(d.notes ?? []),
      ].join("\n"),
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(d.span.file, cwd),
          region: {
            startLine: d.span.start.line,
            startColumn: d.span.start.column,
            endLine: d.span.end.line,
            endColumn: d.span.end.column,
          },
        },
      },
    ],
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: "regel",
            version: tool.version,
            rules,
          },
        },
        originalUriBaseIds: {
          "%SRCROOT%": { uri: pathToFileURL(`${resolve(cwd)}${sep}`).href },
        },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}
