/**
 * Renderings of an {@link Assessment}: terminal text and a self-contained HTML page (no scripts,
 * no external resources; every value escaped) with an inline SVG chart of the bank's pass rate per
 * year against the groeipad norms.
 *
 * @module
 */
import type { Assessment, ChartPoint } from "./assess.js";
import { escapeHtml as esc } from "../runtime/escape.js";
import { cspMeta } from "../runtime/csp.js";

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

/** The assessment as terminal text. */
export function assessmentText(a: Assessment): string {
  const L: string[] = [];
  L.push(`Groeipad assessment: bank ${a.bank}, ${a.year} (RRD ${a.rrd})`);
  L.push(
    `rulesets: ${a.rulesets.groeipad}${a.rulesets.handhaving ? `, ${a.rulesets.handhaving}` : ""}${a.rulesets.calendar ? `; calendar ${a.rulesets.calendar}` : ""}`,
  );
  if (a.otherRrds.length > 0)
    L.push(
      `note: other RRDs in ${a.year} not assessed: ${a.otherRrds.join(", ")}`,
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
      `  average deliveries until accepted in ${a.year} (every RRD of the year): ${a.averageDeliveriesUntilAccepted.toFixed(2)}`,
    );
  for (const n of a.norms) {
    L.push(
      "",
      `${MARK[n.verdict]}  ${n.norm}${n.title ? ` "${n.title}"` : ""} (${n.period}; ${n.articles.join(", ")})`,
    );
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
  L.push("", a.maatwerk, "");
  return L.join("\n");
}

const W = 640;
const H = 300;
const PAD = { left: 48, right: 16, top: 20, bottom: 40 };

/**
 * An SVG bar chart: the bank's pass rate per year (bars) against that year's norm (a line mark),
 * 0-100 %. Text inside the SVG is escaped like any other HTML.
 */
export function groeipadChart(points: ChartPoint[], bank: string): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (p: number) =>
    PAD.top + plotH - (Math.max(0, Math.min(100, p)) / 100) * plotH;
  const slot = points.length === 0 ? plotW : plotW / points.length;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title">`,
  );
  parts.push(
    `<title id="chart-title">${esc(`Share of IKBs meeting the automated controls, bank ${bank}, against the groeipad norm`)}</title>`,
  );
  for (const t of [0, 20, 40, 60, 80, 100]) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${t} %</text>`,
    );
  }
  points.forEach((p, i) => {
    const x0 = PAD.left + i * slot;
    const bw = slot * 0.5;
    const bx = x0 + (slot - bw) / 2;
    if (p.percentage !== null) {
      const ok = p.norm === null || p.percentage >= p.norm;
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${y(p.percentage).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(p.percentage)).toFixed(1)}" fill="${ok ? "#2e7d32" : "#c62828"}"><title>${esc(`${p.year}: ${p.percentage.toFixed(2)} %`)}</title></rect>`,
      );
      parts.push(
        `<text x="${(bx + bw / 2).toFixed(1)}" y="${(y(p.percentage) - 4).toFixed(1)}" text-anchor="middle" font-size="11">${esc(p.percentage.toFixed(1))}</text>`,
      );
    }
    if (p.norm !== null) {
      parts.push(
        `<line class="norm" x1="${(x0 + 4).toFixed(1)}" x2="${(x0 + slot - 4).toFixed(1)}" y1="${y(p.norm).toFixed(1)}" y2="${y(p.norm).toFixed(1)}" stroke="#1565c0" stroke-width="3" stroke-dasharray="6 3"><title>${esc(`norm ${p.year}: ${p.norm} %`)}</title></line>`,
      );
      parts.push(
        `<text x="${(x0 + slot - 4).toFixed(1)}" y="${(y(p.norm) - 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#1565c0">${esc(`norm ${p.norm} %`)}</text>`,
      );
    }
    parts.push(
      `<text x="${(x0 + slot / 2).toFixed(1)}" y="${H - PAD.bottom + 18}" text-anchor="middle" font-size="12">${esc(p.year)}</text>`,
    );
  });
  parts.push(
    `<text x="${PAD.left}" y="${H - 6}" font-size="11">bars: pass rate of the bank (green: meets the norm, red: below); dashed: groeipad norm</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n");
}

const CSS =
  "body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}.met{color:#2e7d32}.not-met{color:#c62828}.no-evidence,.incomplete{color:#8d6e00}";

/** The assessment as a self-contained HTML page (its Content-Security-Policy allows only its own style sheet). */
export function assessmentHtml(a: Assessment): string {
  const h: string[] = [];
  h.push(
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    cspMeta([CSS]),
  );
  h.push(`<title>${esc(`Groeipad assessment ${a.bank} ${a.year}`)}</title>`);
  h.push(`<style>${CSS}</style>`);
  h.push("</head>", "<body>");
  h.push(`<h1>${esc(`Groeipad assessment: bank ${a.bank}, ${a.year}`)}</h1>`);
  h.push(
    `<p>${esc(`RRD ${a.rrd}; rulesets ${[a.rulesets.groeipad, a.rulesets.handhaving].filter(Boolean).join(", ")}; calendar ${a.rulesets.calendar ?? "none"}`)}</p>`,
  );
  if (a.otherRrds.length > 0)
    h.push(
      `<p>${esc(`Other RRDs in ${a.year}, not assessed: ${a.otherRrds.join(", ")}`)}</p>`,
    );
  h.push("<h2>Pass rate per year</h2>", groeipadChart(a.chart, a.bank));
  h.push(
    "<h2>Deliveries for this RRD</h2>",
    "<table><tr><th>delivery</th><th>delivered at (DLR)</th><th>status</th><th>meeting controls</th><th>errors</th><th>blocking</th></tr>",
  );
  for (const d of a.deliveries) {
    h.push(
      `<tr><td>${esc(d.deliveryId)}</td><td>${esc(d.deliveredAt)}</td><td>${d.accepted ? "accepted" : "rejected"}</td><td>${d.percentage === null ? "-" : esc(`${d.percentage.toFixed(2)} %`)}</td><td>${esc(d.errors)}</td><td>${esc(d.blockingErrors)}</td></tr>`,
    );
  }
  h.push(
    "</table>",
    `<p>${esc(`Deliveries before acceptance: ${a.deliveriesBeforeAcceptance}${a.deliveriesUntilAccepted === null ? " (none accepted)" : ""}`)}</p>`,
  );
  h.push("<h2>Norms</h2>");
  for (const n of a.norms) {
    h.push(
      `<h3 class="${n.verdict.replace(" ", "-")}">${esc(`${MARK[n.verdict]}: ${n.title ?? n.norm} (${n.period})`)}</h3>`,
    );
    h.push(`<p>${esc(`Implements ${n.articles.join(", ")}`)}</p>`);
    h.push(
      "<table><tr><th>requirement</th><th>measured</th><th>verdict</th><th>evidence</th></tr>",
    );
    for (const r of n.requirements) {
      h.push(
        `<tr><td><code>${esc(r.requirement)}</code></td><td>${esc(r.measured ?? "-")}</td><td class="${r.verdict.replace(" ", "-")}">${esc(MARK[r.verdict])}</td><td>${esc(r.evidence)}</td></tr>`,
      );
    }
    for (const r of n.aims) {
      h.push(
        `<tr><td>aim, not a norm: <code>${esc(r.aim)}</code></td><td>${esc(r.measured ?? "-")}</td><td>${esc(AIM_MARK[r.verdict])}</td><td>${esc(r.evidence)}</td></tr>`,
      );
    }
    h.push("</table>");
  }
  h.push(
    "<h2>Enforcement measures open to the supervisor</h2>",
    `<p><strong>${esc(a.maatwerk)}</strong></p>`,
  );
  h.push(
    "<table><tr><th>measure</th><th>kind</th><th>character</th><th>legal basis</th><th>preconditions</th><th>fine</th></tr>",
  );
  for (const m of a.measures) {
    h.push(
      `<tr><td>${esc(m.title)}</td><td>${esc(m.kind ?? "-")}</td><td>${esc(m.character ?? "-")}</td><td>${esc(basisText(m))}</td><td><ul>${m.preconditions.map((p) => `<li>${esc(p)}</li>`).join("")}</ul></td><td>${esc(m.fine ?? "-")}</td></tr>`,
    );
  }
  h.push("</table>", "</body>", "</html>", "");
  return h.join("\n");
}
