/**
 * The terminal summary of a report.
 *
 * @module
 */
import { oneLine } from "./escape.js";
import { plausibilityLines } from "./report-plausibility.js";
import type { Report } from "./report-types.js";

/**
 * The warning that the report's ruleset was not in force on its RRD (`rulesetInForce: false`): the
 * status is then that of a ruleset that does not apply to the delivery.
 */
export function notInForceText(r: Report): string {
  return `warning: ${r.ruleset.id} is not in force on the RRD ${r.rrd} (valid ${r.ruleset.validFrom ?? "…"} – ${r.ruleset.validUntil ?? "…"}): the status is that of a ruleset that does not apply, and regel record refuses this report`;
}

/** A short plain-text summary (a few dozen lines at most). */
export function summaryText(r: Report, maxRules = 15): string {
  const lines: string[] = [];
  lines.push(`regel validate — ${r.ruleset.id} — RRD ${r.rrd}`);
  lines.push(`status: ${r.status.toUpperCase()}`);
  if (r.rulesetInForce === false) lines.push(notInForceText(r));
  lines.push(
    `rows: ${r.rows.read} read = ${r.rows.validated} validated + ${r.rows.rejected} rejected`,
  );
  // a file of record types is read by several entities: name the entity beside it
  const shared = (file: string) =>
    r.files.filter((g) => g.file === file).length > 1;
  for (const f of r.files)
    lines.push(
      `  ${f.file}${shared(f.file) ? ` (${f.entity})` : ""}: ${f.status}${f.readStatus !== "read" ? ` (${f.readStatus})` : ""}, ${f.rowsRead} read, ${f.rowsValidated} validated, ${f.rowsRejected} rejected${
        f.problems.length
          ? `, ${f.problems.length + f.problemsOmitted} problem(s); first: ${f.problems[0].line !== undefined ? `line ${f.problems[0].line}: ` : ""}${f.problems[0].message}`
          : ""
      }`,
    );
  const notRead = r.filesNotRead ?? [];
  if (notRead.length)
    lines.push(
      `not read (${notRead.length}): ${notRead
        .slice(0, 10)
        .map((n) => `${n.name}${n.kind === "folder" ? "/" : ""} (${n.reason})`)
        .join("; ")}${notRead.length > 10 ? "; … (see the report)" : ""}`,
    );
  for (const p of r.deliveryProblems ?? [])
    lines.push(`${p.code} (${p.severity}): ${p.message}`);
  if (r.ikbs) {
    const unit = r.ikbs.unit ?? "IKB";
    lines.push(
      `${unit}s: ${r.ikbs.count}; meeting the automated controls: ${r.ikbs.meetingAutomatedControls} (${r.ikbs.percentage} %)`,
    );
    if (r.ikbs.ungroupedRows)
      lines.push(
        unit === "IKB"
          ? `  ${r.ikbs.ungroupedRows} row(s) without an IKB key, each counted as an IKB that does not meet the automated controls (input.missing-ikb-key)`
          : `  ${r.ikbs.ungroupedRows} row(s) without the key of a ${unit}, each counted as one ${unit} that does not meet the automated controls (input.missing-ikb-key)`,
      );
    if (r.groeipad) {
      lines.push(
        `groeipad ${r.groeipad.year}: norm ${r.groeipad.norm} %${r.groeipad.assumptions ? " (assumed)" : ""} — ${r.groeipad.meetsNorm ? "met" : "NOT met"}`,
      );
      // a norm the sources do not state must not read as cited from them
      for (const a of r.groeipad.assumptions ?? [])
        lines.push(`  assumption of the norm: ${a}`);
      if (r.groeipad.aim)
        lines.push(
          `  aim ${r.groeipad.aim.target} % (an aim, not a norm) — ${r.groeipad.aim.reached ? "reached" : "not reached"}`,
        );
    }
    for (const c of r.categories)
      if (c.count)
        lines.push(`  category ${c.name}: ${c.count} (${c.percentage} %)`);
  }
  if (r.blockingErrors.length) {
    lines.push("blocking errors:");
    for (const b of r.blockingErrors)
      lines.push(
        `  ${b.code} ${b.title}: ${b.count}${b.file ? ` (first: ${b.file}${b.line !== null ? `:${b.line}` : ""})` : ""}`,
      );
  }
  lines.push(...plausibilityLines(r));
  const pd = r.previousDelivery;
  if (pd !== undefined)
    lines.push(
      pd.given
        ? `previous delivery (T−1): ${pd.folder}; ${pd.ikbsMatched} ${r.ikbs?.unit ?? "IKB"}s also in it${pd.ikbsGone ? `, ${pd.ikbsGone} of its ${r.ikbs?.unit ?? "IKB"}s no longer delivered` : ""}; ${pd.files.map((f) => `${f.file} ${f.status === "read" ? `${f.rows} read${f.rowsSkipped ? `, ${f.rowsSkipped} skipped` : ""}` : f.status}`).join(", ") || "no files read"}`
        : `NOT EVALUATED (${pd.rules.length} rule(s) compare with the previous delivery, and none was given: --previous DIR): ${pd.rules.join(", ")}`,
    );
  const fired = [...r.rules, ...r.secondaryRules]
    .filter((x) => x.count > 0)
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  if (fired.length) {
    lines.push("findings per rule:");
    for (const x of fired.slice(0, maxRules))
      lines.push(
        `  ${x.code.padEnd(10)} ${String(x.count).padStart(9)}  ${x.percentage} %  ${x.title}${x.reportedUnknown ? ` (${x.reportedUnknown} reported as unknown)` : ""}`,
      );
    if (fired.length > maxRules)
      lines.push(
        `  … ${fired.length - maxRules} more rules with findings (see the report)`,
      );
  }
  return lines.map(oneLine).join("\n") + "\n";
}
