/**
 * `regel`: the runtime. Validate a delivery folder, validate records from any (async) iterable,
 * load or select a compiled ruleset, and the report types. Importing it loads none of the
 * compiler's dependencies (ts-morph, TypeScript, prettier, chevrotain): those are in
 * `regel/compiler` and `regel/dsl`.
 *
 * ```ts
 * import { validateRecords, validateFolder } from "regel";
 * import * as glo from "regel/rulesets/ikb.glo@1.3.0";
 *
 * for await (const r of validateRecords(glo, "NP", rows, { rrd: "2024-03-31" }))
 *   if (!r.passed) console.log(r.record.customer_id, r.findings.map((f) => f.rule));
 *
 * const report = await validateFolder("deliveries/2024-Q1", { rrd: "2024-03-31" });
 * console.log(report.status, report.ikbs?.percentage);
 * ```
 *
 * @module regel
 */
export {
  validateCsv,
  validateFolder,
  validateIkbs,
  validateRecords,
  type AnyIterable,
  type CsvRowResult,
  type EntityName,
  type FolderOptions,
  type IkbInput,
  type IkbResult,
  type RecordOf,
  type RecordOptions,
  type RecordResult,
  type RowInput,
  type RowOf,
  type RulesetInput,
} from "./validate.js";
export {
  validateDelivery,
  type DeliveryOptions,
  type Progress,
} from "./delivery.js";
export {
  QuarterlyError,
  readQuarterly,
  type QuarterlyFigure,
  type QuarterlyFigures,
} from "./quarterly.js";
export {
  defaultCompiledRoot,
  listCompiled,
  loadCompiled,
  type LoadedRuleset,
} from "./load-compiled.js";
export {
  loadRuleset,
  selectRuleset,
  type SelectOptions,
} from "./select-version.js";
export {
  AmbiguousFieldError,
  IkbTooLargeError,
  InvalidArgumentError,
  InvalidCellError,
  InvalidChunkError,
  InvalidRowError,
  InvalidRrdError,
  RegelError,
  RulesetLoadError,
  RulesetsNotFoundError,
  RULESETS_ENV,
  UnknownColumnError,
  UnknownEntityError,
  UnknownRulesetError,
  type RegelErrorCode,
} from "./errors.js";
export {
  StaleRulesetError,
  type ChangedSource,
  type SourceCheck,
  type SourceStatus,
} from "./source-check.js";
export type { CommitOptions, CommitStep } from "./folder-commit.js";
export { reportToJson } from "./report-json.js";
export { writeReport } from "./report-write.js";
export { renderHtml, type HtmlOptions } from "./html-report.js";
export * from "./report-types.js";
export type {
  OutlierCheck,
  OutlierCheckReport,
  OutliersSection,
  SeriesResult,
} from "./outlier-types.js";
export type * from "../compiler/contract.js";
export { MASK } from "../compiler/contract.js";
