/**
 * `regel/dsl`: the language front end. Parse and check `.regel` files ({@link loadProject} for
 * files and folders, {@link parse} and {@link check} for texts), format them ({@link format}), and
 * the diagnostics with their stable codes (docs/diagnostics.md). Loads chevrotain.
 *
 * ```ts
 * import { loadProject, formatDiagnostic } from "regel/dsl";
 * const project = await loadProject(["rulesets"]);
 * for (const d of project.diagnostics) console.error(formatDiagnostic(d, project.texts.get(d.file)));
 * ```
 *
 * @module regel/dsl
 */
export { parse, type ParseResult } from "./parser.js";
export { check, CODES, CODE_SUMMARIES, type CheckResult } from "./checker.js";
export type { CheckCode } from "./check-codes.js";
export type { DataReader } from "./check-tables.js";
export { format, MAX_WIDTH, print } from "./printer.js";
export type { FileDialect } from "./file-dialect.js";
export {
  findRegelFiles,
  findRuleset,
  hasErrors,
  loadProject,
  loadProjectFromTexts,
  ProjectError,
  readDataFile,
  type ChainFile,
  type LoadOptions,
  type Project,
} from "./project.js";
export {
  causeOrder,
  codeFrame,
  formatDiagnostic,
  sortDiagnostics,
  type Diagnostic,
  type DiagnosticSeverity,
} from "./diagnostics.js";
export {
  Links,
  declarationOf,
  referencesIn,
  type DeclarationNode,
  type PathLink,
  type Reference,
  type Target,
} from "./links.js";
export type * from "./ast.js";
export type * from "./model.js";
