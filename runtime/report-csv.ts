/**
 * The sample records of the report as CSV files: one file per rule with findings, plus one for the
 * input problems. Every cell shows its control characters as `\uXXXX` and is formula-neutralised
 * (see {@link csvCell}).
 *
 * @module
 */
import { csvLine } from "./escape.js";
import { sortNames } from "./report-json.js";
import type { Report, RuleReport } from "./report-types.js";

/** A character not kept in a sample file's name (made once, as the module's other patterns). */
const NOT_IN_NAME = /[^A-Za-z0-9_.-]/g;

/** File name of a rule's sample file (the code, with unsafe characters replaced). */
export function sampleFileName(code: string): string {
  return `${code.replace(NOT_IN_NAME, "_")}.csv`;
}

const HEADER = [
  "rule",
  "severity",
  "ruleset",
  "entity",
  "role",
  "attribute",
  "key",
  "values",
  "message",
  "file",
  "line",
];

/** The CSV text of one rule's samples. */
export function ruleSamplesCsv(rule: RuleReport): string {
  let out = csvLine(HEADER);
  for (const s of rule.samples) {
    const values = sortNames(Object.keys(s.values))
      .map((k) => `${k}=${s.values[k] ?? ""}`)
      .join("; ");
    out += csvLine([
      rule.code,
      rule.severity,
      rule.origin,
      s.entity,
      s.role,
      s.attribute,
      s.key,
      values,
      s.message,
      s.file,
      s.line,
    ]);
  }
  return out;
}

/** The CSV text of all input problems (per file, in order). */
export function inputProblemsCsv(report: Report): string {
  let out = csvLine(["code", "severity", "file", "line", "message"]);
  for (const p of report.deliveryProblems ?? [])
    out += csvLine([p.code, p.severity, null, null, p.message]);
  for (const f of report.files)
    for (const p of f.problems)
      out += csvLine([p.code, p.severity, p.file, p.line, p.message]);
  return out;
}

/** All sample files: name -> CSV text, sorted by name. */
export function sampleFiles(report: Report): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of [...report.rules, ...report.secondaryRules].sort((a, b) =>
    a.code < b.code ? -1 : 1,
  ))
    if (r.samples.length > 0)
      files.set(sampleFileName(r.code), ruleSamplesCsv(r));
  if (
    report.files.some((f) => f.problems.length > 0) ||
    (report.deliveryProblems?.length ?? 0) > 0
  )
    files.set("input-problems.csv", inputProblemsCsv(report));
  return files;
}
