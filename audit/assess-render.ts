/**
 * Renderings of an {@link Assessment}: terminal text and a self-contained HTML page (no scripts,
 * no external resources) with an inline SVG chart of the bank's pass rate per year against the
 * groeipad's reference marks (its norms; any other kind of requirement, such as an aim, draws as a
 * mark of its own kind). The page is built with the `html` tagged template (runtime/html.ts):
 * every value is escaped by construction.
 *
 * @module
 */
import type { Assessment, ChartPoint } from "./assess.js";
import { pageHead } from "../runtime/csp.js";
import { markStyle } from "../runtime/html-charts.js";
import { css, html, type Html, htmlText, joinHtml } from "../runtime/html.js";

const MARK = {
  met: "MET",
  "not met": "NOT MET",
  "no evidence": "NO EVIDENCE",
  incomplete: "INCOMPLETE",
} as const;

const AIM_MARK = {
  reached: "REACHED",
  "not reached": "NOT REACHED",
  "no evidence": "NO EVIDENCE",
} as const;

/** A measure's statutory basis: the articles, none (and where the source says so), or not stated. */
function basisText(m: Assessment["measures"][number]): string {
  if (m.statutoryBasis === "none")
    return `none: no statutory basis (${m.noBasisSource.join("; ")})`;
  if (m.statutoryBasis === "not stated") return "not stated in the sources";
  return m.legalBasis.join("; ");
}

/** Which RRDs the average number of deliveries until accepted is taken over. */
function averageScope(a: Assessment): string {
  return a.rrdsWithoutAcceptance.length === 0
    ? "every RRD of the year"
    : "the RRDs of the year with an accepted delivery";
}

/** An RRD, with `(N deliveries, none accepted)` when none of its deliveries was accepted. */
function rrdWithStatus(a: Assessment, rrd: string): string {
  const none = a.rrdsWithoutAcceptance.find((r) => r.rrd === rrd);
  return none === undefined
    ? rrd
    : `${rrd} (${none.deliveries} ${none.deliveries === 1 ? "delivery" : "deliveries"}, none accepted)`;
}

/** The assessment as terminal text. */
export function assessmentText(a: Assessment): string {
  const L: string[] = [];
  L.push(`Groeipad assessment: bank ${a.bank}, ${a.year} (RRD ${a.rrd})`);
  L.push(
    `rulesets: ${a.rulesets.groeipad}${a.rulesets.handhaving ? `, ${a.rulesets.handhaving}` : ""}${a.rulesets.calendar ? `; calendar ${a.rulesets.calendar}` : ""}`,
  );
  if (a.otherRrds.length > 0)
    L.push(
      `note: other RRDs in ${a.year} not assessed: ${a.otherRrds.map((r) => rrdWithStatus(a, r)).join(", ")}`,
    );
  L.push("", "Deliveries for this RRD:");
  for (const d of a.deliveries) {
    const p = d.percentage === null ? "-" : `${d.percentage.toFixed(2)} %`;
    L.push(
      `  ${d.deliveryId}  delivered ${d.deliveredAt}  ${d.accepted ? "accepted" : "rejected"}  ${p} meeting controls  ${d.errors} errors (${d.blockingErrors} blocking)`,
    );
  }
  L.push(
    `  deliveries before acceptance: ${a.deliveriesBeforeAcceptance}${a.deliveriesUntilAccepted === null ? " (none accepted)" : ` (accepted at delivery ${a.deliveriesUntilAccepted})`}`,
  );
  if (a.averageDeliveriesUntilAccepted !== null)
    L.push(
      `  average deliveries until accepted in ${a.year} (${averageScope(a)}): ${a.averageDeliveriesUntilAccepted.toFixed(2)}`,
    );
  if (a.rrdsWithoutAcceptance.length > 0)
    L.push(
      `  RRDs of ${a.year} with no accepted delivery (not in the average): ${a.rrdsWithoutAcceptance.map((r) => rrdWithStatus(a, r.rrd)).join(", ")}`,
    );
  for (const n of a.norms) {
    L.push(
      "",
      `${MARK[n.verdict]}  ${n.norm}${n.title ? ` "${n.title}"` : ""} (${n.period}; ${n.articles.join(", ")})${n.assumptions.length > 0 ? " (assumed)" : ""}`,
    );
    // a norm the sources do not state must not read as cited from them
    for (const x of n.assumptions) L.push(`  assumption of the norm: ${x}`);
    for (const r of n.requirements) {
      L.push(`  [${MARK[r.verdict]}] ${r.requirement}: ${r.measured ?? "-"}`);
      L.push(`      ${r.evidence}`);
    }
    for (const r of n.aims) {
      L.push(
        `  aim, not a norm [${AIM_MARK[r.verdict]}] ${r.aim}: ${r.measured ?? "-"}`,
      );
      L.push(`      ${r.evidence}`);
    }
  }
  L.push(
    "",
    "Enforcement measures open to the supervisor (options, not a decision):",
  );
  for (const m of a.measures) {
    const kind = [m.kind, m.character].filter(Boolean).join(", ");
    L.push(`  - ${m.title} (${m.name}${kind ? `; ${kind}` : ""})`);
    L.push(`      legal basis: ${basisText(m)}`);
    for (const p of m.preconditions) L.push(`      precondition: ${p}`);
    if (m.fine) L.push(`      fine: ${m.fine}`);
  }
  L.push("", `${a.outliers.indicator}, delivery ${a.outliers.deliveryId}:`);
  if (a.outliers.status === "not evaluated")
    L.push(`  not evaluated: ${a.outliers.reason ?? ""}`);
  else if (a.outliers.explain.length === 0)
    L.push("  no outliers: nothing to explain");
  else for (const e of a.outliers.explain) L.push(`  to explain: ${e}`);
  for (const c of a.outliers.checks)
    if (c.status === "not evaluated")
      L.push(`  ${c.name} not evaluated: ${c.reason ?? ""}`);
  L.push("", a.maatwerk, "");
  return L.join("\n");
}

/** A year of the chart with its reference marks (the norm; other kinds of requirement alike). */
interface ChartYear {
  year: number;
  percentage: number | null;
  marks: { kind: string; value: number }[];
}

/** The marks of a chart point: its norm, and its aim (a mark of its own kind, not a norm). */
function chartYear(p: ChartPoint): ChartYear {
  return {
    year: p.year,
    percentage: p.percentage,
    marks: [
      ...(p.norm === null ? [] : [{ kind: "norm", value: p.norm }]),
      ...(p.aim === undefined || p.aim === null
        ? []
        : [{ kind: "aim", value: p.aim }]),
    ],
  };
}

const W = 640;
const PAD = { left: 48, right: 16, top: 24 };
const PLOT_H = 236;
const ROW = 14;

/** A number as the chart shows it: at most two decimals. */
const num = (n: number) => String(Number(n.toFixed(2)));
const fixed = (n: number) => Number(n.toFixed(1));

/** The largest font size (at most `max`) at which `text` fits in `width` (0.62 em per character). */
function fit(text: string, width: number, max: number): number {
  return fixed(Math.min(max, width / (text.length * 0.62)));
}

/**
 * An SVG bar chart: the bank's pass rate per year (bars, value above each) against that year's
 * reference marks, 0-100 %. A mark is drawn as two ticks beside its year's bar, never across it,
 * so it cannot cross the bar's value; the marks' values are written under the year, one row per
 * kind. Every label stays inside the chart at any value (the browser test measures this).
 */
export function groeipadChart(points: ChartPoint[], bank: string): Html {
  const years = points.map(chartYear);
  const kinds = [
    ...new Set(years.flatMap((y) => y.marks.map((m) => m.kind))),
  ].sort((a, b) => (a === "norm" ? -1 : b === "norm" ? 1 : a < b ? -1 : 1));
  const plotW = W - PAD.left - PAD.right;
  const base = PAD.top + PLOT_H;
  const height = base + 20 + kinds.length * ROW + 22;
  const y = (p: number) =>
    fixed(base - (Math.max(0, Math.min(100, p)) / 100) * PLOT_H);
  const slot = years.length === 0 ? plotW : plotW / years.length;
  const grid = [0, 20, 40, 60, 80, 100].map(
    (t) =>
      html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${t} %</text>`,
  );
  const columns = years.map((p, i) => {
    const x0 = PAD.left + i * slot;
    const bw = slot * 0.6;
    const bx = x0 + (slot - bw) / 2;
    const centre = fixed(x0 + slot / 2);
    const meets = p.marks.every(
      (m) => m.kind !== "norm" || (p.percentage ?? 0) >= m.value,
    );
    const bar =
      p.percentage === null
        ? null
        : html`<rect x="${fixed(bx)}" y="${y(p.percentage)}" width="${fixed(bw)}" height="${fixed(base - y(p.percentage))}" fill="${meets ? "#2e7d32" : "#c62828"}"><title>${`${p.year}: ${p.percentage.toFixed(2)} %`}</title></rect><text class="value" x="${centre}" y="${fixed(y(p.percentage) - 4)}" text-anchor="middle" font-size="${fit(num(p.percentage), bw, 11)}">${num(p.percentage)}</text>`;
    const marks = p.marks.map((m) => {
      const style = markStyle(m.kind);
      const my = y(m.value);
      const label = `${m.kind} ${num(m.value)} %`;
      return html`<g class="mark ${m.kind}" stroke="${style.stroke}" stroke-width="3" stroke-dasharray="${style.dash}"><title>${`${m.kind} ${p.year}: ${m.value} %`}</title><line x1="${fixed(x0 + 2)}" x2="${fixed(bx - 2)}" y1="${my}" y2="${my}"/><line x1="${fixed(bx + bw + 2)}" x2="${fixed(x0 + slot - 2)}" y1="${my}" y2="${my}"/></g><text class="mark-label ${m.kind}" x="${centre}" y="${base + 20 + (kinds.indexOf(m.kind) + 1) * ROW}" text-anchor="middle" font-size="${fit(label, slot - 4, 10)}" fill="${style.stroke}">${label}</text>`;
    });
    return html`${bar}${marks}<text class="year" x="${centre}" y="${base + 18}" text-anchor="middle" font-size="${fit(String(p.year), slot - 4, 12)}">${p.year}</text>`;
  });
  const legend = [
    "bars: pass rate of the bank (green: meets the norm, red: below)",
    ...kinds.map((k) => markStyle(k).legend || `${k}: the ${k} of the year`),
  ].join("; ");
  return html`<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="chart-title"><title id="chart-title">${`Share of IKBs meeting the automated controls, bank ${bank}, against the groeipad norm`}</title>
${grid}
${columns}
<text class="legend" x="${PAD.left}" y="${height - 6}" font-size="${fit(legend, W - PAD.left - 4, 11)}">${legend}</text></svg>`;
}

const CSS = css`body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}.met{color:#2e7d32}.not-met{color:#c62828}.no-evidence,.incomplete{color:#8d6e00}.assumption{padding:.15em .45em;border-left:3px solid #e0a800;background:#fff8e1}svg.chart{display:block;max-width:100%;height:auto}`;

/** The assessment as a self-contained HTML page (its Content-Security-Policy allows only its own style sheet). */
export function assessmentHtml(a: Assessment): string {
  const page = html`${pageHead(`Groeipad assessment ${a.bank} ${a.year}`, [CSS])}
<body>
<h1>Groeipad assessment: bank ${a.bank}, ${a.year}</h1>
<p>RRD ${a.rrd}; rulesets ${[a.rulesets.groeipad, a.rulesets.handhaving].filter(Boolean).join(", ")}; calendar ${a.rulesets.calendar ?? "none"}</p>
${a.otherRrds.length > 0 ? html`<p>Other RRDs in ${a.year}, not assessed: ${a.otherRrds.map((r) => rrdWithStatus(a, r)).join(", ")}</p>` : null}
<h2>Pass rate per year</h2>
${groeipadChart(a.chart, a.bank)}
<h2>Deliveries for this RRD</h2>
<table><tr><th>delivery</th><th>delivered at (DLR)</th><th>status</th><th>meeting controls</th><th>errors</th><th>blocking</th></tr>
${a.deliveries.map(
  (d) =>
    html`<tr><td>${d.deliveryId}</td><td>${d.deliveredAt}</td><td>${d.accepted ? "accepted" : "rejected"}</td><td>${d.percentage === null ? "-" : `${d.percentage.toFixed(2)} %`}</td><td>${d.errors}</td><td>${d.blockingErrors}</td></tr>
`,
)}</table>
<p>Deliveries before acceptance: ${a.deliveriesBeforeAcceptance}${a.deliveriesUntilAccepted === null ? " (none accepted)" : null}</p>
${a.averageDeliveriesUntilAccepted === null ? null : html`<p>Average deliveries until accepted in ${a.year} (${averageScope(a)}): ${a.averageDeliveriesUntilAccepted.toFixed(2)}</p>`}
${a.rrdsWithoutAcceptance.length === 0 ? null : html`<p>RRDs of ${a.year} with no accepted delivery (not in the average): ${a.rrdsWithoutAcceptance.map((r) => rrdWithStatus(a, r.rrd)).join(", ")}</p>`}
<h2>Norms</h2>
${a.norms.map(
  (
    n,
  ) => html`<h3 class="${n.verdict.replace(" ", "-")}">${MARK[n.verdict]}: ${n.title ?? n.norm} (${n.period})</h3>
<p>Implements ${n.articles.join(", ")}</p>${n.assumptions.map(
    (x) =>
      html`<p class="assumption"><strong>Assumption of the norm:</strong> ${x}</p>`,
  )}
<table><tr><th>requirement</th><th>measured</th><th>verdict</th><th>evidence</th></tr>
${n.requirements.map(
  (r) =>
    html`<tr><td><code>${r.requirement}</code></td><td>${r.measured ?? "-"}</td><td class="${r.verdict.replace(" ", "-")}">${MARK[r.verdict]}</td><td>${r.evidence}</td></tr>
`,
)}${n.aims.map(
    (r) =>
      html`<tr><td>aim, not a norm: <code>${r.aim}</code></td><td>${r.measured ?? "-"}</td><td>${AIM_MARK[r.verdict]}</td><td>${r.evidence}</td></tr>
`,
  )}</table>
`,
)}
<h2>${a.outliers.indicator}</h2>
<p>Delivery ${a.outliers.deliveryId}: ${
    a.outliers.status === "not evaluated"
      ? `not evaluated: ${a.outliers.reason ?? ""}`
      : a.outliers.explain.length === 0
        ? "no outliers, nothing to explain"
        : `${a.outliers.explain.length} outliers for the bank to explain`
  }</p>
${a.outliers.explain.length > 0 ? html`<ul>${a.outliers.explain.map((e) => html`<li>${e}</li>`)}</ul>` : null}
${a.outliers.checks.map((c) => html`<p><small>${c.name}: ${c.method}</small></p>`)}
<h2>Enforcement measures open to the supervisor</h2>
<p><strong>${a.maatwerk}</strong></p>
<table><tr><th>measure</th><th>kind</th><th>character</th><th>legal basis</th><th>preconditions</th><th>fine</th></tr>
${a.measures.map(
  (m) =>
    html`<tr><td>${m.title}</td><td>${m.kind ?? "-"}</td><td>${m.character ?? "-"}</td><td>${basisText(m)}</td><td><ul>${m.preconditions.map((p) => html`<li>${p}</li>`)}</ul></td><td>${m.fine ?? "-"}</td></tr>
`,
)}</table>
</body>
</html>
`;
  return htmlText(page);
}
