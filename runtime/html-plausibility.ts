/**
 * The one Plausibility section of report.html: the reconciliation with the quarterly DGS report,
 * the outliers (report.json `plausibility.outliers`) and the declared aggregates, under one
 * heading. The outliers: per declaration its method in words and its status, a table of the
 * outliers the bank must explain, and for each series flagged against the bank's own history a
 * small chart of this delivery against the history band (runtime/html-charts.ts). A peer
 * comparison shows the bank's position only.
 *
 * @module
 */
import { bandChart } from "./html-charts.js";
import { html, type Html } from "./html.js";
import type { OutliersSection, SeriesResult } from "./outlier-types.js";
import type { Report } from "./report-types.js";
import { aggregatesHtml, reconciliationHtml } from "./report-plausibility.js";

function zText(s: SeriesResult): string {
  if (s.z !== null) return String(s.z);
  return s.direction === "high" ? "+∞" : s.direction === "low" ? "−∞" : "–";
}

function outliersHtml(o: OutliersSection): Html {
  if (o.status === "not evaluated" && o.checks.length === 0)
    return html`<p class="muted">Outliers not evaluated: ${o.reason ?? ""}</p>`;
  return html`${o.checks.map((c) => {
    const flagged = c.series.filter((s) => s.status === "outlier");
    const skipped = c.series.filter((s) => s.status === "not evaluated");
    return html`<h4 id="plausibility-${c.name}">${c.title ?? c.name} <span class="muted">(${c.name}, ${c.compare === "history" ? "against the bank's own history" : "against peers"}; ${c.ruleset}, ${c.articles.join(", ")})</span></h4>
<p class="muted">${c.method}</p>
${
  c.status === "not evaluated"
    ? html`<p><b>Not evaluated:</b> ${c.reason ?? ""}</p>`
    : flagged.length === 0
      ? html`<p>No outliers among ${c.series.length - skipped.length} evaluated series (compared with ${c.comparedWith} ${c.compare === "history" ? "earlier deliveries" : "other banks"}).</p>`
      : html`<table class="outliers"><thead><tr><th>series</th><th>this delivery</th><th>robust z</th><th>${c.compare === "history" ? "usual band" : "position (low to high)"}</th><th>chart</th></tr></thead><tbody>
${flagged.map(
  (s) =>
    html`<tr><td class="mono">${s.series}</td><td class="n">${s.value ?? "–"}${c.compare === "peers" && s.series !== "percentage" ? " per 1,000 IKBs" : ""}</td><td class="n">${zText(s)} (${s.direction ?? ""})</td><td class="n">${
      s.band !== undefined
        ? `${s.band.low} – ${s.band.high}`
        : s.position !== undefined
          ? `${s.position.rank} of ${s.position.of}`
          : "–"
    }</td><td>${
      s.band !== undefined && s.history !== undefined && s.value !== null
        ? bandChart(s.series, s.history, s.band, s.value, true)
        : null
    }</td></tr>
`,
)}</tbody></table>`
}${
      skipped.length > 0
        ? html`<details><summary>${skipped.length} series not evaluated</summary><ul>${skipped.map(
            (s) =>
              html`<li><span class="mono">${s.series}</span>: ${s.reason ?? ""}</li>`,
          )}</ul></details>`
        : null
    }`;
  })}${
    o.explain.length > 0
      ? html`<p><b>To explain</b> (bk par 2.2, "verklaring bank bij uitschietende en afwijkende waarden"):</p><ul>${o.explain.map(
          (e) => html`<li>${e}</li>`,
        )}</ul>`
      : null
  }`;
}

/**
 * The Plausibility section: reconciliation, outliers, aggregates, each only when the report has
 * it; empty when it has none of them.
 */
export function plausibilitySection(r: Report): Html {
  const o = r.plausibility?.outliers;
  const reconciliation = reconciliationHtml(r);
  const aggregates = aggregatesHtml(r);
  if (o === undefined && reconciliation === null && aggregates === null)
    return html``;
  return html`<h2 id="plausibility">Plausibility</h2>
${reconciliation}${
    o === undefined
      ? null
      : html`<h3 id="outliers">Outliers</h3>
${outliersHtml(o)}`
  }${aggregates}`;
}
