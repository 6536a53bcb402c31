/**
 * The report as one self-contained HTML page: inline CSS and SVG charts, no scripts, no external
 * assets. Every value from the delivery or the ruleset is escaped with {@link escapeHtml}; links
 * are built only from http(s) URLs and from safe ids.
 *
 * @module
 */
import type { ArticleTrace } from "../compiler/contract.js";
import { cspMeta } from "./csp.js";
import { escapeHtml as h, htmlId, safeUrl } from "./escape.js";
import { provenanceHtml } from "./html-provenance.js";
import { sampleFileName } from "./report-csv.js";
import type { CategoryReport, Report, RuleReport } from "./report-types.js";

/** Samples per rule shown in the page (all samples are in the JSON report and the CSV files). */
const HTML_SAMPLES = 50;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#1d1d1f;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f4f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.accepted{background:#1a7f37}.rejected{background:#c62828}.blocking{color:#c62828;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
details{margin:.3rem 0}summary{cursor:pointer}.muted{color:#666}
.assumed{display:inline-block;margin-left:.3rem;padding:0 .35rem;border-radius:.3rem;background:#fff3cd;color:#7a4d00;font-weight:600;font-size:.8em}
.assumption{margin:.3rem 0;padding:.15rem .45rem;border-left:3px solid #e0a800;background:#fff8e1}
`;

function articleLinks(articles: readonly ArticleTrace[]): string {
  return articles
    .map(
      (a) =>
        `<a href="#${htmlId("source", a.source)}" title="${h(a.sourceTitle)}">${h(a.source)} ${h(a.locator)}</a>`,
    )
    .join(", ");
}

/** The Bijlage 3 entries of a category, each result linking to its rule in the rules tables. */
function categoryEntries(c: CategoryReport): string {
  const results = c.results.map(
    (x) =>
      `<a class="mono" href="#${htmlId("rule", x.code)}">${h(x.code)}</a>${x.role ? ` (${h(x.role)})` : ""}${
        x.attributes.length > 0
          ? ` <span class="muted">on ${h(x.attributes.join(", "))}</span>`
          : ""
      }`,
  );
  const markings = c.markings.map(
    (m) =>
      `<span class="mono">${h(m.entity)}.${h(m.field)} = ${h(m.value)}</span>${m.role ? ` (${h(m.role)})` : ""}`,
  );
  return [...results, ...markings].map((e) => `<div>${e}</div>`).join("");
}

/** The categories a rule's findings can put an IKB in, linked to their rows. */
function feeds(code: string, categories: readonly CategoryReport[]): string {
  const links = categories
    .filter((c) => c.results.some((x) => x.code === code))
    .map((c) => `<a href="#${htmlId("category", c.name)}">${h(c.name)}</a>`);
  return links.length > 0
    ? `<br><span class="muted">feeds category ${links.join(", ")}</span>`
    : "";
}

/** The mark beside a rule's code when it rests on an assumption. */
function assumedMark(r: RuleReport): string {
  const n = r.assumptions?.length ?? 0;
  return n === 0
    ? ""
    : `<span class="assumed" title="rests on ${n === 1 ? "an assumption" : `${h(n)} assumptions`}: the sources are silent on this">assumed</span>`;
}

/** The rule's assumptions, under its title. */
function assumptionLines(r: RuleReport): string {
  return (r.assumptions ?? [])
    .map((a) => `<div class="assumption"><b>Assumption:</b> ${h(a)}</div>`)
    .join("");
}

/** The rule's source location and, folded, its text as written in the ruleset. */
function sourceCell(r: RuleReport): string {
  const loc = `<span class="mono">${h(`${r.location.file}:${r.location.line}:${r.location.column}`)}</span>`;
  return r.source
    ? `${loc}<details><summary>rule text</summary><pre class="mono">${h(r.source)}</pre></details>`
    : loc;
}

/** Horizontal bar chart: one bar per item, value in percent. */
function barChart(
  items: { label: string; value: number; count: number }[],
  title: string,
): string {
  const rowH = 24;
  const labelW = 300;
  const barW = 520;
  const height = Math.max(1, items.length) * rowH + 10;
  const bars = items
    .map((it, i) => {
      const y = 5 + i * rowH;
      const w = Math.max(0, Math.min(100, it.value)) * (barW / 100);
      return (
        `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" font-size="12">${h(it.label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="#4f6bed"/>` +
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}" font-size="12">${h(it.count)} (${h(it.value)} %)</text>`
      );
    })
    .join("");
  return `<svg role="img" aria-label="${h(title)}" width="${labelW + barW + 120}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${h(title)}</title>${bars}</svg>`;
}

/** Pass-rate bar against the groeipad norm line. */
function passRateChart(
  percentage: number,
  norm: number | undefined,
  year: number,
): string {
  const w = 600;
  const x = (p: number) => (Math.max(0, Math.min(100, p)) * w) / 100;
  const ok = norm === undefined || percentage >= norm;
  const normLine =
    norm === undefined
      ? ""
      : `<line x1="${x(norm)}" y1="2" x2="${x(norm)}" y2="46" stroke="#c62828" stroke-width="2" stroke-dasharray="4 2"/>` +
        `<text x="${x(norm)}" y="60" text-anchor="middle" font-size="12">norm ${h(year)}: ${h(norm)} %</text>`;
  return (
    `<svg role="img" aria-label="Pass rate against the groeipad norm" width="${w + 20}" height="66" xmlns="http://www.w3.org/2000/svg">` +
    `<title>Pass rate against the groeipad norm</title>` +
    `<rect x="0" y="10" width="${w}" height="28" fill="#eee"/>` +
    `<rect x="0" y="10" width="${x(percentage).toFixed(1)}" height="28" fill="${ok ? "#1a7f37" : "#e08a00"}"/>` +
    `<text x="6" y="29" font-size="13" fill="#fff">${h(percentage)} %</text>${normLine}</svg>`
  );
}

function rulesTable(
  rules: RuleReport[],
  samplesDir: string | undefined,
  categories: readonly CategoryReport[],
): string {
  if (rules.length === 0) return `<p class="muted">None.</p>`;
  const rows = rules
    .map((r) => {
      const id = htmlId("rule", r.code);
      const samples =
        r.samples.length === 0
          ? ""
          : `<details><summary>${h(r.samples.length)} sample${r.samples.length === 1 ? "" : "s"}${
              r.samplesOmitted ? ` (${h(r.samplesOmitted)} more not kept)` : ""
            }${samplesDir !== undefined ? ` — <a href="${h(`${samplesDir}/${sampleFileName(r.code)}`)}">CSV</a>` : ""}</summary>
<table><tr><th>file:line</th><th>key</th><th>role</th><th>attribute</th><th>values</th><th>message</th></tr>
${r.samples
  .slice(0, HTML_SAMPLES)
  .map(
    (s) =>
      `<tr><td class="mono">${h(s.file ?? "")}${s.line !== null ? `:${h(s.line)}` : ""}</td><td class="mono">${h(s.key)}</td><td>${h(s.role ?? "")}</td><td>${h(
        s.attribute ?? "",
      )}</td><td class="mono">${Object.keys(s.values)
        .sort()
        .map(
          (k) =>
            `${h(k)}=${s.values[k] === null ? "<i>absent</i>" : h(s.values[k])}`,
        )
        .join("<br>")}</td><td>${h(s.message)}</td></tr>`,
  )
  .join(
    "\n",
  )}</table>${r.samples.length > HTML_SAMPLES ? `<p class="muted">First ${HTML_SAMPLES} shown; all kept samples are in the JSON report and the CSV file.</p>` : ""}</details>`;
      return `<tr id="${id}"><td class="mono"><a href="#${id}">${h(r.code)}</a>${assumedMark(r)}</td><td>${h(r.title)}${
        r.meaning && r.meaning !== r.title
          ? `<br><span class="muted">${h(r.meaning)}</span>`
          : ""
      }${assumptionLines(r)}${feeds(r.code, categories)}${samples}</td><td class="${r.severity === "blocking" ? "blocking" : ""}">${h(r.severity)}</td><td class="n">${h(r.count)}</td><td class="n">${h(
        r.records,
      )}</td><td class="n">${h(r.percentage)}</td><td>${articleLinks(r.articles)}</td><td>${sourceCell(r)}<span class="muted">${h(r.origin)}</span></td></tr>`;
    })
    .join("\n");
  return `<table><tr><th>rule</th><th>title / samples</th><th>severity</th><th>findings</th><th>records</th><th>%</th><th>articles</th><th>source</th></tr>\n${rows}</table>`;
}

export interface HtmlOptions {
  /** Relative folder of the CSV sample files, to link them (e.g. `samples`). */
  samplesDir?: string;
}

/** Render the report as a self-contained HTML page. */
export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const r = report;
  const title = `Validation report — ${r.ruleset.id} — RRD ${r.rrd}`;
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
  );
  parts.push(cspMeta([CSS]));
  parts.push(`<title>${h(title)}</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>${h(title)}</h1>`);
  parts.push(
    `<p><span class="badge ${r.status === "accepted" ? "accepted" : "rejected"}">${h(r.status)}</span> &nbsp;ruleset <b>${h(r.ruleset.id)}</b>${
      r.ruleset.title ? ` — ${h(r.ruleset.title)}` : ""
    } · report version ${h(r.reportVersion)} · personal data ${r.personalDataShown ? "shown" : "masked"}${
      r.generatedAt ? ` · generated ${h(r.generatedAt)}` : ""
    }</p>`,
  );
  parts.push(provenanceHtml(r));

  parts.push(`<h2>Summary</h2><table>`);
  parts.push(`<tr><th>rows read</th><td class="n">${h(r.rows.read)}</td></tr>`);
  parts.push(
    `<tr><th>rows validated</th><td class="n">${h(r.rows.validated)}</td></tr>`,
  );
  parts.push(
    `<tr><th>rows rejected</th><td class="n">${h(r.rows.rejected)}</td></tr>`,
  );
  if (r.ikbs) {
    parts.push(`<tr><th>IKBs</th><td class="n">${h(r.ikbs.count)}</td></tr>`);
    parts.push(
      `<tr><th>IKBs meeting the automated controls</th><td class="n">${h(r.ikbs.meetingAutomatedControls)} (${h(r.ikbs.percentage)} %)</td></tr>`,
    );
    if (r.ikbs.ungroupedRows)
      parts.push(
        `<tr><th>rows without an IKB key <span class="muted">(each counted above as an IKB that does not meet the automated controls; <span class="mono">input.missing-ikb-key</span> under Files)</span></th><td class="n">${h(r.ikbs.ungroupedRows)}</td></tr>`,
      );
  }
  parts.push(`</table>`);
  for (const p of r.deliveryProblems ?? [])
    parts.push(
      `<p><span class="mono ${p.severity === "blocking" ? "blocking" : ""}">${h(p.code)}</span> ${h(p.message)}</p>`,
    );

  if (r.blockingErrors.length) {
    parts.push(
      `<h2>Blocking errors</h2><table><tr><th>code</th><th>title</th><th>count</th><th>first at</th></tr>`,
    );
    for (const b of r.blockingErrors) {
      const link = r.rules.some((x) => x.code === b.code)
        ? `<a href="#${htmlId("rule", b.code)}">${h(b.code)}</a>`
        : h(b.code);
      parts.push(
        `<tr><td class="mono">${link}</td><td>${h(b.title)}</td><td class="n">${h(b.count)}</td><td class="mono">${h(b.file ?? "")}${
          b.line !== null ? `:${h(b.line)}` : ""
        }</td></tr>`,
      );
    }
    parts.push(`</table>`);
  }

  if (r.ikbs) {
    parts.push(`<h2>Automated controls against the groeipad</h2>`);
    parts.push(
      passRateChart(
        r.ikbs.percentage,
        r.groeipad?.norm,
        r.groeipad?.year ?? Number(r.rrd.slice(0, 4)),
      ),
    );
    if (r.groeipad)
      parts.push(
        `<p>${h(r.groeipad.percentage)} % of the IKBs meet the automated controls; the norm for ${h(r.groeipad.year)} is ${h(
          r.groeipad.norm,
        )} % (${h(r.groeipad.source)}): <b>${r.groeipad.meetsNorm ? "met" : "not met"}</b>.</p>`,
      );
    if (r.groeipad?.aim)
      parts.push(
        `<p>Aim (not a norm): ${h(r.groeipad.aim.target)} % (${h(r.groeipad.aim.source)}): <b>${r.groeipad.aim.reached ? "reached" : "not reached"}</b>. An aim never decides the verdict.</p>`,
      );
    parts.push(`<h2>Bijlage 3 categories</h2>`);
    parts.push(
      barChart(
        r.categories.map((c) => ({
          label: `${c.name} — ${c.title}`,
          value: c.percentage,
          count: c.count,
        })),
        "IKBs per category",
      ),
    );
    parts.push(
      `<table><tr><th>category</th><th>title</th><th>blocks payout condition</th><th>IKBs</th><th>%</th><th>validation results and markings (Bijlage 3)</th><th>articles</th></tr>`,
    );
    for (const c of r.categories)
      parts.push(
        `<tr id="${htmlId("category", c.name)}"><td class="mono">${h(c.name)}</td><td>${h(c.title)}</td><td>${h(c.payout ?? "")}</td><td class="n">${h(c.count)}</td><td class="n">${h(
          c.percentage,
        )}</td><td>${categoryEntries(c)}</td><td>${articleLinks(c.articles)}</td></tr>`,
      );
    parts.push(
      `</table><h2>Payout conditions</h2><table><tr><th>#</th><th>condition</th><th>IKBs blocked</th><th>%</th><th>articles</th></tr>`,
    );
    for (const p of r.payouts)
      parts.push(
        `<tr><td class="n">${h(p.number)}</td><td>${h(p.title)} <span class="muted mono">${h(p.name)}</span></td><td class="n">${h(
          p.ikbsBlocked,
        )}</td><td class="n">${h(p.percentage)}</td><td>${articleLinks(p.articles)}</td></tr>`,
      );
    parts.push(`</table>`);
  }

  parts.push(
    `<h2>Files</h2><table><tr><th>file</th><th>entity</th><th>status</th><th>read</th><th>validated</th><th>rejected</th><th>problems</th></tr>`,
  );
  for (const f of r.files) {
    const probs = f.problems
      .slice(0, 20)
      .map(
        (p) =>
          `<div><span class="mono">${h(p.code)}</span> ${p.line !== undefined ? `line ${h(p.line)}: ` : ""}${h(p.message)}</div>`,
      )
      .join("");
    const more =
      f.problems.length + f.problemsOmitted - Math.min(20, f.problems.length);
    parts.push(
      `<tr><td class="mono">${h(f.file)}</td><td>${h(f.entity)}</td><td class="${f.status === "rejected" ? "blocking" : ""}">${h(f.status)} (${h(
        f.readStatus,
      )})${f.blockingByCode
        .map((b) => `<div class="mono">${h(b.code)} × ${h(b.count)}</div>`)
        .join(
          "",
        )}</td><td class="n">${h(f.rowsRead)}</td><td class="n">${h(f.rowsValidated)}</td><td class="n">${h(f.rowsRejected)}</td><td>${probs}${
        more > 0 ? `<div class="muted">${h(more)} more</div>` : ""
      }</td></tr>`,
    );
  }
  parts.push(`</table>`);
  const notRead = r.filesNotRead ?? [];
  if (notRead.length)
    parts.push(
      `<h3>Not read</h3><p class="muted">Entries of the delivery folder that ${h(r.ruleset.id)} does not read.</p><table><tr><th>name</th><th>kind</th><th>why</th></tr>${notRead
        .map(
          (n) =>
            `<tr><td class="mono">${h(n.name)}</td><td>${h(n.kind)}</td><td>${h(n.reason)}</td></tr>`,
        )
        .join("")}</table>`,
    );

  parts.push(`<h2>Rules</h2>`);
  const assumed = [...r.rules, ...r.secondaryRules].filter(
    (x) => (x.assumptions?.length ?? 0) > 0,
  ).length;
  if (assumed > 0)
    parts.push(
      `<p>${h(assumed)} of ${h(r.rules.length + r.secondaryRules.length)} rules rest on an assumption where the sources are silent; they are marked <span class="assumed">assumed</span> and their assumptions are listed under their title.</p>`,
    );
  parts.push(rulesTable(r.rules, opts.samplesDir, r.categories));
  parts.push(
    `<h2>Secondary validation errors</h2><p class="muted">Signalling rules that put an IKB in no Bijlage 3 category.</p>`,
  );
  parts.push(rulesTable(r.secondaryRules, opts.samplesDir, r.categories));

  parts.push(`<h2>Sources</h2><ul>`);
  for (const s of r.ruleset.sources) {
    const url = safeUrl(s.url);
    parts.push(
      `<li id="${htmlId("source", s.alias)}"><span class="mono">${h(s.alias)}</span>: ${url ? `<a href="${h(url)}">${h(s.title)}</a>` : h(s.title)}</li>`,
    );
  }
  parts.push(`</ul></body></html>\n`);
  return parts.join("\n");
}
