/**
 * Unknown values in the report (docs/language.md, "Unknown values"; docs/report.md, "Unknown
 * values"): a finding about a field that declares `unknown` texts says whether its attribute was
 * reported as unknown or was missing; the report keeps that on each sample and counts both per
 * rule, so "reported as unknown" never blurs into "missing".
 *
 * @module
 */
import type { Finding } from "../compiler/contract.js";

/** How often a rule's findings were about a value reported as unknown, or missing. */
export interface ReportedCounts {
  /** Findings whose attribute was delivered as one of its field's `unknown` texts. */
  reportedUnknown: number;
  /** Findings whose attribute (a field with `unknown` texts) was empty. */
  reportedMissing: number;
}

/** Count one finding into `counts` (created on the first finding that has `reported`). */
export function countReported(
  counts: ReportedCounts | undefined,
  finding: Finding,
): ReportedCounts | undefined {
  if (finding.reported === undefined) return counts;
  const c = counts ?? { reportedUnknown: 0, reportedMissing: 0 };
  if (finding.reported === "unknown") c.reportedUnknown++;
  else c.reportedMissing++;
  return c;
}

/** The `reported` property of a sample: only on findings that have one. */
export function reportedOf(finding: Finding): {
  reported?: "unknown" | "missing";
} {
  return finding.reported === undefined ? {} : { reported: finding.reported };
}
