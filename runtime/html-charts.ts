/**
 * The inline SVG charts of report.html: the pass rate of the automated controls against the
 * groeipad's reference marks (a norm, and any other kind of requirement such as an aim), and the
 * small share bars of the category table. Every label stays inside the chart at any value
 * (0 %, 100 %, a mark at 0 % or 100 %, a value next to a mark): labels are anchored away from the
 * edge they would cross, and each mark's label has a row of its own below the bar, so no two
 * labels meet and no line crosses a label. The browser test (test/browser/report-pages.test.ts)
 * measures this.
 *
 * @module
 */
import { html, type Html } from "./html.js";

/** A reference value drawn on a chart: a norm, an aim, or another kind of requirement. */
export interface ChartMark {
  /** The kind of requirement (`norm`, `aim`, …): it decides the line's style and the legend. */
  kind: string;
  /** Percentage, 0-100. */
  value: number;
  /** The label under the bar, e.g. `norm 2024: 100 %`. */
  label: string;
}

/** How a mark of each kind is drawn; kinds not listed here get {@link OTHER_MARK}. */
export const MARK_STYLES: Readonly<
  Record<string, { stroke: string; dash: string; legend: string }>
> = {
  norm: { stroke: "#1565c0", dash: "6 3", legend: "dashed blue: norm" },
  aim: {
    stroke: "#6a1b9a",
    dash: "1 3",
    legend: "dotted purple: aim (not a norm)",
  },
};

export const OTHER_MARK = { stroke: "#555", dash: "8 2 2 2", legend: "" };

/** The style of a mark's kind. */
export function markStyle(kind: string): {
  stroke: string;
  dash: string;
  legend: string;
} {
  return Object.hasOwn(MARK_STYLES, kind) ? MARK_STYLES[kind] : OTHER_MARK;
}

/** A percentage as the charts show it: at most two decimals, no trailing zeros. */
export function percentText(p: number): string {
  return `${Number(p.toFixed(2))} %`;
}

/** Width of a label in SVG units, estimated from above (0.62 em per character: digits, `%`, Latin text). */
function estimatedWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.62;
}

const clamp = (p: number) => Math.max(0, Math.min(100, p));
const fixed = (n: number) => Number(n.toFixed(1));

/**
 * Where a label of `width` units goes to stand at `x` without crossing `left` or `right`: centred
 * on `x`, or anchored at its start or end when centring would cross an edge.
 */
function anchorAt(
  x: number,
  width: number,
  left: number,
  right: number,
): { x: number; anchor: "start" | "middle" | "end" } {
  if (x - width / 2 < left) return { x: Math.max(x, left), anchor: "start" };
  if (x + width / 2 > right) return { x: Math.min(x, right), anchor: "end" };
  return { x, anchor: "middle" };
}

const PASS = { width: 640, left: 8, right: 632, barY: 24, barH: 24, row: 18 };

/**
 * The pass rate as a horizontal bar (green when it meets every norm, orange when not, blue when
 * there is no norm) with its value above the bar's end; each mark is a vertical line across the
 * bar, its label below the bar under the line, on a row of its own: no line crosses a label, no
 * label meets another.
 */
export function passRateChart(
  percentage: number,
  marks: readonly ChartMark[],
  meets: boolean | null,
): Html {
  const { width, left, right, barY, barH, row } = PASS;
  const x = (p: number) => left + (clamp(p) * (right - left)) / 100;
  const height = barY + barH + marks.length * row + 6;
  const value = percentText(percentage);
  const at = anchorAt(x(percentage), estimatedWidth(value, 13), left, right);
  const fill = meets === null ? "#4f6bed" : meets ? "#1a7f37" : "#d97706";
  const lines = marks.map((m, i) => {
    const style = markStyle(m.kind);
    const labelY = barY + barH + (i + 1) * row;
    const mx = fixed(x(m.value));
    const label = anchorAt(mx, estimatedWidth(m.label, 12), left, right);
    return html`<line class="mark ${m.kind}" x1="${mx}" y1="${barY}" x2="${mx}" y2="${barY + barH + 3}" stroke="${style.stroke}" stroke-width="2" stroke-dasharray="${style.dash}"/><text class="mark-label ${m.kind}" x="${fixed(label.x)}" y="${labelY}" text-anchor="${label.anchor}" font-size="12" fill="${style.stroke}">${m.label}</text>`;
  });
  const description = [`pass rate ${value}`, ...marks.map((m) => m.label)].join(
    "; ",
  );
  return html`<svg class="chart pass-rate" role="img" aria-label="${description}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${description}</title><rect class="track" x="${left}" y="${barY}" width="${right - left}" height="${barH}" fill="#eee"/><rect class="bar" x="${left}" y="${barY}" width="${fixed(x(percentage) - left)}" height="${barH}" fill="${fill}"/><text class="value" x="${fixed(at.x)}" y="${barY - 8}" text-anchor="${at.anchor}" font-size="13" font-weight="600" fill="#1d1d1f">${value}</text>${lines}</svg>`;
}

/** A small bar for a table cell: a share of 0-100 % (the number stands beside it in the table). */
export function shareBar(percentage: number): Html {
  return html`<svg class="share" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" xmlns="http://www.w3.org/2000/svg"><rect width="100" height="10" fill="#eee"/><rect width="${fixed(clamp(percentage))}" height="10" fill="#4f6bed"/></svg>`;
}

const BAND = {
  width: 320,
  height: 96,
  left: 8,
  right: 250,
  top: 12,
  bottom: 80,
};

/**
 * A small chart of one watched series (report.json `plausibility.outliers`): the earlier values
 * as grey dots joined by a line, the usual band (median ± threshold × scale) as a shaded strip,
 * and this delivery as the last dot, red when it lies outside the band, with its value beside it.
 */
export function bandChart(
  series: string,
  history: readonly { rrd: string; value: number }[],
  band: { median: number; low: number; high: number },
  value: number,
  outlier: boolean,
): Html {
  const { width, height, left, right, top, bottom } = BAND;
  const all = [...history.map((h) => h.value), value, band.low, band.high];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const y = (v: number) =>
    fixed(bottom - ((v - lo) * (bottom - top)) / (hi - lo));
  const n = history.length + 1;
  const x = (i: number) =>
    fixed(left + (i * (right - left)) / Math.max(n - 1, 1));
  const points = [...history.map((h) => h.value), value];
  const path = points
    .map((v, i) => `${i === 0 ? "M" : "L"}${x(i)} ${y(v)}`)
    .join(" ");
  const fill = outlier ? "#c62828" : "#1a7f37";
  const text = Number(value.toFixed(4)).toString();
  const description = `${series}: this delivery ${text}; usual band ${band.low} to ${band.high} over ${history.length} earlier deliveries (${history.map((h) => h.rrd).join(", ")})`;
  return html`<svg class="chart band" role="img" aria-label="${description}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${description}</title><rect class="band" x="${left}" y="${y(band.high)}" width="${right - left}" height="${fixed(y(band.low) - y(band.high))}" fill="#e3ecfa"/><line class="median" x1="${left}" y1="${y(band.median)}" x2="${right}" y2="${y(band.median)}" stroke="#1565c0" stroke-width="1" stroke-dasharray="4 3"/><path d="${path}" fill="none" stroke="#999" stroke-width="1.5"/>${history.map(
    (h, i) =>
      html`<circle cx="${x(i)}" cy="${y(h.value)}" r="2.5" fill="#777"/>`,
  )}<circle class="current" cx="${x(n - 1)}" cy="${y(value)}" r="4" fill="${fill}"/><text class="value" x="${right + 8}" y="${fixed(Math.min(Math.max(y(value) + 4, top + 4), bottom))}" font-size="12" font-weight="600" fill="${fill}">${text}</text></svg>`;
}
