/**
 * The plausibility checks as the terminal summary and report.html show them, together (docs/
 * report.md, "Aggregates", "Reconciliation", "Plausibility: outliers"): the reconciliation with
 * the quarterly DGS report, the outliers against history and peers, and the declared aggregates.
 *
 * @module
 */
import { html, type Html } from "./html.js";
import type { Report } from "./report-types.js";

/**
 * Lines for the terminal summary, in the order of report.html's Plausibility section: the
 * reconciliation's differences, the outliers to explain, every aggregate.
 */
export function plausibilityLines(r: Report): string[] {
  const lines: string[] = [];
  const rec = r.plausibility?.reconciliation;
  if (rec) {
    const off = rec.figures.filter((f) => f.status !== "within");
    lines.push(
      `reconciliation with ${rec.title ?? rec.name} (${rec.file}): ${
        off.length === 0
          ? `all ${rec.figures.length} figures within tolerance`
          : `${off.length} of ${rec.figures.length} figures differ`
      }`,
    );
    for (const f of off) lines.push(`  ${f.message}`);
  }
  const o = r.plausibility?.outliers;
  if (o) {
    if (o.status !== "evaluated")
      lines.push(`outliers: not evaluated (${o.reason ?? "no reason given"})`);
    else {
      lines.push(
        `outliers: ${o.explain.length === 0 ? "none" : `${o.explain.length} to explain (bk par 2.2)`}`,
      );
      for (const e of o.explain) lines.push(`  ${e}`);
    }
  }
  if (r.aggregates?.length) {
    lines.push("aggregates:");
    for (const a of r.aggregates) lines.push(`  ${a.name}: ${a.text}`);
  }
  return lines;
}

/** The aggregates as a part of report.html's Plausibility section (nothing when none). */
export function aggregatesHtml(r: Report): Html | null {
  if (!r.aggregates?.length) return null;
  return html`<h3 id="aggregates">Aggregates</h3><table><tr><th>aggregate</th><th>title</th><th>value</th></tr>
${r.aggregates.map(
  (a) =>
    html`<tr><td class="mono">${a.name}</td><td>${a.title}</td><td class="n">${a.text}</td></tr>`,
)}</table>`;
}

/** The reconciliation as a part of report.html's Plausibility section (nothing without one). */
export function reconciliationHtml(r: Report): Html | null {
  const rec = r.plausibility?.reconciliation;
  if (!rec) return null;
  return html`<h3 id="reconciliation">Reconciliation with ${rec.title ?? rec.name}</h3>
<p>${rec.file} (sha256 <span class="mono">${rec.sha256.slice(0, 12)}</span>): <b>${
    rec.status === "reconciled"
      ? "every figure within its tolerance"
      : "differences"
  }</b></p>
<table><tr><th>figure</th><th>quarterly report</th><th>delivery</th><th>aggregate</th><th>difference</th><th>tolerance</th><th>status</th></tr>
${rec.figures.map(
  (f) =>
    html`<tr><td class="mono">${f.name}</td><td class="n">${f.reported === null ? "—" : f.reported}</td><td class="n">${f.delivered === null ? "—" : f.delivered}</td><td class="mono">${f.aggregate}</td><td class="n">${f.difference === null ? "—" : f.difference}</td><td class="n">${f.tolerance}</td><td class="${f.status === "within" ? "" : "blocking"}">${f.status}</td></tr>`,
)}</table>`;
}
