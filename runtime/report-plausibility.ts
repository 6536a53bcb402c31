/**
 * The aggregates and the reconciliation with the quarterly DGS report as the terminal summary and
 * report.html show them (docs/report.md, "Aggregates", "Reconciliation").
 *
 * @module
 */
import { html, type Html } from "./html.js";
import type { Report } from "./report-types.js";

/** Lines for the terminal summary: every aggregate, then the reconciliation's differences. */
export function plausibilityLines(r: Report): string[] {
  const lines: string[] = [];
  if (r.aggregates?.length) {
    lines.push("aggregates:");
    for (const a of r.aggregates) lines.push(`  ${a.name}: ${a.text}`);
  }
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
  return lines;
}

/** The aggregates and the reconciliation as sections of report.html (nothing when absent). */
export function plausibilitySections(r: Report): Html {
  const rec = r.plausibility?.reconciliation;
  return html`${
    r.aggregates?.length
      ? html`<h2 id="aggregates">Aggregates</h2><table><tr><th>aggregate</th><th>title</th><th>value</th></tr>
${r.aggregates.map(
  (a) =>
    html`<tr><td class="mono">${a.name}</td><td>${a.title}</td><td class="n">${a.text}</td></tr>`,
)}</table>`
      : null
  }${
    rec
      ? html`<h2 id="reconciliation">Reconciliation with ${rec.title ?? rec.name}</h2>
<p>${rec.file} (sha256 <span class="mono">${rec.sha256.slice(0, 12)}</span>): <b>${
          rec.status === "reconciled"
            ? "every figure within its tolerance"
            : "differences"
        }</b></p>
<table><tr><th>figure</th><th>quarterly report</th><th>delivery</th><th>aggregate</th><th>difference</th><th>tolerance</th><th>status</th></tr>
${rec.figures.map(
  (f) =>
    html`<tr><td class="mono">${f.name}</td><td class="n">${f.reported === null ? "—" : f.reported}</td><td class="n">${f.delivered === null ? "—" : f.delivered}</td><td class="mono">${f.aggregate}</td><td class="n">${f.difference === null ? "—" : f.difference}</td><td class="n">${f.tolerance}</td><td class="${f.status === "within" ? "" : "blocking"}">${f.status}</td></tr>`,
)}</table>`
      : null
  }`;
}
