/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts and one small inline
 * script (filter and sort the rule tables; the page reads the same without it), no external
 * assets. The page is built with the `html` tagged template (runtime/html.ts), so every value from
 * the delivery or the ruleset is escaped by construction; links are in-page fragments, the
 * ruleset's http(s) source URLs and the relative sample files, nothing else. Its
 * Content-Security-Policy allows only its own style sheet and script, by hash.
 *
 * @module
 */
import type { ArticleTrace } from "../compiler/contract.js";
import { pageHead } from "./csp.js";
import { htmlId } from "./escape.js";
import {
  type ChartMark,
  passRateChart,
  percentText,
  shareBar,
} from "./html-charts.js";
import {
  anchor,
  css,
  html,
  type Html,
  htmlText,
  httpUrl,
  inlineElement,
  joinHtml,
  relativeUrl,
  type Url,
} from "./html.js";
import { plausibilitySection } from "./html-plausibility.js";
import { provenanceHtml } from "./html-provenance.js";
import { REPORT_SCRIPT } from "./html-report-script.js";
import { sampleFileName } from "./report-csv.js";
import { sortNames } from "./report-json.js";
import { notInForceText } from "./report-text.js";
import type {
  CategoryReport,
  GroeipadVerdict,
  Report,
  RuleReport,
} from "./report-types.js";

/** Samples per rule shown in the page (all samples are in the JSON report and the CSV files). */
const HTML_SAMPLES = 50;

const CSS = css`
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#1d1d1f;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f4f6}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.code{white-space:nowrap}
.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.accepted{background:#1a7f37}.rejected{background:#c62828}.blocking{color:#c62828;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
details{margin:.3rem 0}summary{cursor:pointer}.muted{color:#666}
details pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0}
table.samples th,table.samples td{overflow-wrap:anywhere}
.assumed{display:inline-block;margin-left:.3rem;padding:0 .35rem;border-radius:.3rem;background:#fff3cd;color:#7a4d00;font-weight:600;font-size:.8em}
.assumption{margin:.3rem 0;padding:.15rem .45rem;border-left:3px solid #e0a800;background:#fff8e1}
.art{margin-bottom:.25rem}.art cite{display:block;font-style:normal;color:#555;font-size:.85em}
svg.chart{display:block;max-width:100%;height:auto;margin:.5rem 0}svg.share{display:block;width:100%;min-width:4rem;height:.55rem;margin-top:.2rem}
.controls{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:.6rem 0;padding:.5rem .7rem;background:#f4f4f6;border:1px solid #ddd;border-radius:.3rem}
.controls[hidden]{display:none}.controls output{margin-left:auto;color:#444}
@media print{.controls{display:none}}
`;

/**
 * A source of the report's ruleset as the page shows it: its title and URL as the ruleset declares
 * them, and the two links made from them once per page, not in every cell that cites the source
 * (`new URL` and the id checks, 130-odd times for the bundled example).
 */
interface PageSource {
  title: string;
  url: string | null;
  /** The link to the source's entry in the Sources list. */
  entry: Url;
  /** The source's own http(s) URL as a link; undefined when it has none that may be linked. */
  link: Url | undefined;
}

/** The sources of the report's ruleset by alias. */
type Sources = ReadonlyMap<string, PageSource>;

/**
 * A cell of article references: per source, its articles (each linking to the source in the
 * Sources list), then the source's title and, where the ruleset declares one, a link to its URL.
 */
function articleLinks(
  articles: readonly ArticleTrace[],
  sources: Sources,
): Html {
  const bySource = new Map<string, ArticleTrace[]>();
  for (const a of articles) {
    const list = bySource.get(a.source);
    if (list === undefined) bySource.set(a.source, [a]);
    else list.push(a);
  }
  return joinHtml(
    Array.from(bySource, ([alias, list]) => {
      const declared = sources.get(alias);
      const url = declared === undefined ? undefined : declared.link;
      const entry = declared?.entry ?? anchor("source", alias);
      const links = joinHtml(
        list.map(
          (a) =>
            html`<a href="${entry}" title="${a.sourceTitle}">${a.source} ${a.locator}</a>`,
        ),
        html`, `,
      );
      return html`<div class="art">${links}<cite>${declared?.title ?? list[0].sourceTitle}${
        url === undefined
          ? null
          : html` · <a href="${url}" rel="noreferrer">source</a>`
      }</cite></div>`;
    }),
  );
}

/** The Bijlage 3 entries of a category, each result linking to its rule in the rules tables. */
function categoryEntries(c: CategoryReport): Html {
  return html`${c.results.map(
    (x) =>
      html`<div><a class="mono" href="${anchor("rule", x.code)}">${x.code}</a>${x.role ? ` (${x.role})` : null}${
        x.attributes.length > 0
          ? html` <span class="muted">on ${x.attributes.join(", ")}</span>`
          : null
      }</div>`,
  )}${c.markings.map(
    (m) =>
      html`<div><span class="mono">${m.entity}.${m.field} = ${m.value}</span>${m.role ? ` (${m.role})` : null}</div>`,
  )}`;
}

/** The categories a rule's findings can put an IKB in. */
function categoriesOf(
  code: string,
  categories: readonly CategoryReport[],
): CategoryReport[] {
  return categories.filter((c) => c.results.some((x) => x.code === code));
}

/** The categories a rule's findings can put an IKB in, linked to their rows. */
function feeds(fed: readonly CategoryReport[]): Html {
  if (fed.length === 0) return html``;
  return html`<br><span class="muted">feeds category ${joinHtml(
    fed.map((c) => html`<a href="${anchor("category", c.name)}">${c.name}</a>`),
    html`, `,
  )}</span>`;
}

/** The mark beside a rule's code when it rests on an assumption. */
function assumedMark(r: RuleReport): Html {
  const n = r.assumptions?.length ?? 0;
  return n === 0
    ? html``
    : html`<span class="assumed" title="rests on ${n === 1 ? "an assumption" : `${n} assumptions`}: the sources are silent on this">assumed</span>`;
}

/** The rule's assumptions, under its title. */
function assumptionLines(r: RuleReport): Html {
  return html`${(r.assumptions ?? []).map(
    (a) => html`<div class="assumption"><b>Assumption:</b> ${a}</div>`,
  )}`;
}

/** The rule's source location and, folded, its text as written in the ruleset. */
function sourceCell(r: RuleReport): Html {
  const loc = html`<span class="mono">${r.location.file}:${r.location.line}:${r.location.column}</span>`;
  return r.source
    ? html`${loc}<details><summary>rule text</summary><pre class="mono">${r.source}</pre></details>`
    : loc;
}

/** The samples of a rule, folded: up to {@link HTML_SAMPLES} in a table, and a link to the CSV file. */
function samplesBlock(r: RuleReport, samplesDir: string | undefined): Html {
  if (r.samples.length === 0) return html``;
  const csv =
    samplesDir === undefined
      ? undefined
      : relativeUrl(`${samplesDir}/${sampleFileName(r.code)}`);
  const rows = r.samples.slice(0, HTML_SAMPLES).map(
    (s) =>
      html`<tr><td class="mono">${s.previous === undefined ? null : "T−1 "}${s.file}${s.line !== null ? `:${s.line}` : null}</td><td class="mono">${s.key}${
        s.previous === undefined
          ? null
          : html`<br><i>in T−1 in IKB ${s.previous.ikb}${s.previous.ikbDelivered ? "" : ", which is no longer delivered"}</i>`
      }</td><td>${s.role}</td><td>${s.attribute}${s.reported === "unknown" ? html` <i>(reported as unknown)</i>` : null}</td><td class="mono">${joinHtml(
        sortNames(Object.keys(s.values)).map((k) => {
          const v = s.values[k];
          return html`${k}=${v === null ? html`<i>absent</i>` : v}`;
        }),
        html`<br>`,
      )}</td><td>${s.message}</td></tr>`,
  );
  return html`<details><summary>${r.samples.length} sample${r.samples.length === 1 ? "" : "s"}${
    r.samplesOmitted ? ` (${r.samplesOmitted} more not kept)` : null
  }${csv === undefined ? null : html` — <a href="${csv}">CSV</a>`}</summary>
<table class="samples"><thead><tr><th>file:line</th><th>key</th><th>role</th><th>attribute</th><th>values</th><th>message</th></tr></thead><tbody>
${joinHtml(rows, html`\n`)}</tbody></table>${
    r.samples.length > HTML_SAMPLES
      ? html`<p class="muted">First ${HTML_SAMPLES} shown; all kept samples are in the JSON report and the CSV file.</p>`
      : null
  }</details>`;
}

/** The rule's class and scope (docs/language.md, "Rule classes and scope"); nothing for old modules. */
function classLine(r: RuleReport): Html | null {
  const c = r.classification;
  if (c === undefined) return null;
  return html`<br><span class="muted rule-class">${c.label} · ${c.scopeLabel}</span>`;
}

function rulesTable(
  rules: readonly RuleReport[],
  first: number,
  samplesDir: string | undefined,
  categories: readonly CategoryReport[],
  sources: Sources,
): Html {
  if (rules.length === 0) return html`<p class="muted">None.</p>`;
  const rows = rules.map((r, i) => {
    const fed = categoriesOf(r.code, categories);
    return html`<tr id="${htmlId("rule", r.code)}" data-order="${first + i}" data-code="${r.code}" data-title="${r.title}" data-severity="${r.severity}" data-class="${r.classification?.class ?? ""}" data-entities="${r.entities.join(" ")}" data-categories="${fed.map((c) => c.name).join(" ")}" data-count="${r.count}" data-records="${r.records}" data-percentage="${r.percentage}" data-assumed="${(r.assumptions?.length ?? 0) > 0 ? "yes" : "no"}"><td class="mono code"><a href="${anchor("rule", r.code)}">${r.code}</a>${assumedMark(r)}</td><td>${r.title}${
      r.meaning && r.meaning !== r.title
        ? html`<br><span class="muted">${r.meaning}</span>`
        : null
    }${classLine(r)}${r.notEvaluated === undefined ? null : html`<br><strong>not evaluated</strong>: <span class="muted">${r.notEvaluated.reason}</span>`}${assumptionLines(r)}${feeds(fed)}${samplesBlock(r, samplesDir)}</td><td class="${r.severity === "blocking" ? "blocking" : ""}">${r.severity}</td><td class="mono">${r.entities.join(", ")}</td><td class="n">${r.notEvaluated === undefined ? r.count : "not evaluated"}</td><td class="n">${r.records}</td><td class="n">${r.percentage}</td><td>${articleLinks(r.articles, sources)}</td><td>${sourceCell(r)}<span class="muted">${r.origin}</span></td></tr>`;
  });
  return html`<table class="rules"><thead><tr><th>rule</th><th>title / samples</th><th>severity</th><th>entity</th><th>findings</th><th>records</th><th>%</th><th>articles</th><th>source</th></tr></thead><tbody>
${joinHtml(rows, html`\n`)}</tbody><tfoot hidden><tr><td colspan="9" class="muted">No rule of this table matches the filters.</td></tr></tfoot></table>`;
}

/** Filters and sort order of the rule tables: hidden until the page's script shows them. */
function ruleControls(r: Report): Html {
  const all = [...r.rules, ...r.secondaryRules];
  const entities = [...new Set(all.flatMap((x) => x.entities))].sort();
  const option = (value: string, label: string) =>
    html`<option value="${value}">${label}</option>`;
  return html`<div id="rule-controls" class="controls" hidden>
<label>severity <select id="filter-severity">${option("", "all")}${option("blocking", "blocking")}${option("signalling", "signalling")}</select></label>
<label>category <select id="filter-category">${option("", "all")}${r.categories.map((c) => option(c.name, c.name))}${option("-", "none (secondary)")}</select></label>
<label>entity <select id="filter-entity">${option("", "all")}${entities.map((e) => option(e, e))}</select></label>
<label><input type="checkbox" id="filter-findings"> with findings</label>
<label><input type="checkbox" id="filter-assumed"> resting on an assumption</label>
<label>code or title <input type="search" id="filter-text" size="14"></label>
<label>sort by <select id="sort-rules">${option("order", "report order")}${option("count", "findings, most first")}${option("records", "records, most first")}${option("percentage", "%, highest first")}${option("severity", "severity, blocking first")}${option("category", "category (Bijlage 3 order)")}${option("entity", "entity")}${option("code", "code")}</select></label>
<button type="button" id="filter-reset">show all</button>
<output id="filter-count" aria-live="polite"></output>
</div>`;
}

/**
 * The reference marks of the groeipad chart: the norm in force for the RRD's year. (A requirement
 * of another kind, such as an aim, is one more mark with its own `kind`.)
 */
function groeipadMarks(g: GroeipadVerdict | null): ChartMark[] {
  if (g === null) return [];
  return [
    {
      kind: "norm",
      value: g.norm,
      label: `norm ${g.year}: ${percentText(g.norm)}`,
    },
    ...(g.aim === undefined
      ? []
      : [
          {
            kind: "aim",
            value: g.aim.target,
            label: `aim ${g.year}: ${percentText(g.aim.target)}`,
          },
        ]),
  ];
}

/** The groeipad section: the pass rate against its marks, and the verdict in words. */
function groeipadSection(r: Report): Html {
  if (!r.ikbs) return html``;
  // the groeipad is a norm on IKBs: a report of another unit has none to show
  if (r.ikbs.unit !== undefined && r.groeipad === null) return html``;
  // no compiled ruleset declares a groeipad norm: nothing to hold the report against
  if (r.groeipadDeclared === false) return html``;
  const g = r.groeipad;
  return html`<h2 id="groeipad">Automated controls against the groeipad</h2>
${passRateChart(r.ikbs.percentage, groeipadMarks(g), g === null ? null : g.meetsNorm)}
${
  g === null
    ? html`<p class="muted">No groeipad norm is in force for RRD ${r.rrd}.</p>`
    : html`<p>${g.percentage} % of the IKBs meet the automated controls; the norm for ${g.year} is ${g.norm} %${g.assumptions === undefined ? null : html` <span class="assumed" title="the ruleset states an assumption on this norm, where the sources are silent">assumed</span>`} (${g.source}): <b>${g.meetsNorm ? "met" : "not met"}</b>.</p>${(
        g.assumptions ?? []
      ).map(
        (a) =>
          html`<div class="assumption"><b>Assumption of the norm:</b> ${a}</div>`,
      )}`
}${
    g?.aim === undefined
      ? null
      : html`<p>Aim (not a norm): ${g.aim.target} % (${g.aim.source}): <b>${g.aim.reached ? "reached" : "not reached"}</b>. An aim never decides the verdict.</p>`
  }`;
}

/** What one group of the report is called: the ruleset's unit (`ikb ... unit "..."`), else IKB. */
function unitOf(r: Report): string {
  return r.ikbs?.unit ?? "IKB";
}

function summarySection(r: Report): Html {
  const ikbs = r.ikbs;
  return html`<h2 id="summary">Summary</h2><table class="summary">
<tr><th>rows read</th><td class="n">${r.rows.read}</td></tr>
<tr><th>rows validated</th><td class="n">${r.rows.validated}</td></tr>
<tr><th>rows rejected</th><td class="n">${r.rows.rejected}</td></tr>
${
  ikbs
    ? html`<tr><th>${unitOf(r)}s</th><td class="n">${ikbs.count}</td></tr>
<tr><th>${unitOf(r)}s meeting the automated controls</th><td class="n">${ikbs.meetingAutomatedControls} (${ikbs.percentage} %)</td></tr>
${
  ikbs.ungroupedRows
    ? html`<tr><th>rows without ${unitOf(r) === "IKB" ? "an IKB key" : `the key of a ${unitOf(r)}`} <span class="muted">(each counted above as ${unitOf(r) === "IKB" ? "an IKB" : `one ${unitOf(r)}`} that does not meet the automated controls; <span class="mono">input.missing-ikb-key</span> under Files)</span></th><td class="n">${ikbs.ungroupedRows}</td></tr>`
    : null
}`
    : null
}
</table>
${(r.deliveryProblems ?? []).map(
  (p) =>
    html`<p><span class="mono ${p.severity === "blocking" ? "blocking" : ""}">${p.code}</span> ${p.message}</p>`,
)}`;
}

function blockingSection(r: Report): Html {
  if (r.blockingErrors.length === 0) return html``;
  return html`<h2 id="blocking">Blocking errors</h2><table><tr><th>code</th><th>title</th><th>count</th><th>first at</th></tr>
${r.blockingErrors.map(
  (b) =>
    html`<tr><td class="mono">${
      r.rules.some((x) => x.code === b.code)
        ? html`<a href="${anchor("rule", b.code)}">${b.code}</a>`
        : b.code
    }</td><td>${b.title}</td><td class="n">${b.count}</td><td class="mono">${b.file}${b.line !== null ? `:${b.line}` : null}</td></tr>`,
)}</table>`;
}

function categorySections(r: Report, sources: Sources): Html {
  if (!r.ikbs) return html``;
  // a ruleset of another scheme without categories and payout conditions: nothing to show
  if (r.ikbs.unit !== undefined && !r.categories.length && !r.payouts.length)
    return html``;
  return html`<h2 id="categories">Bijlage 3 categories</h2>
<table class="categories"><tr><th>category</th><th>title</th><th>blocks payout condition</th><th>${unitOf(r)}s</th><th>%</th><th>validation results and markings (Bijlage 3)</th><th>articles</th></tr>
${r.categories.map(
  (c) =>
    html`<tr id="${htmlId("category", c.name)}"><td class="mono">${c.name}</td><td>${c.title}</td><td>${c.payout}</td><td class="n">${c.count}</td><td class="n">${c.percentage}${shareBar(c.percentage)}</td><td>${categoryEntries(c)}</td><td>${articleLinks(c.articles, sources)}</td></tr>`,
)}</table>
<h2 id="payouts">Payout conditions</h2><table><tr><th>#</th><th>condition</th><th>${unitOf(r)}s blocked</th><th>%</th><th>articles</th></tr>
${r.payouts.map(
  (p) =>
    html`<tr><td class="n">${p.number}</td><td>${p.title} <span class="muted mono">${p.name}</span></td><td class="n">${p.ikbsBlocked}</td><td class="n">${p.percentage}${shareBar(p.percentage)}</td><td>${articleLinks(p.articles, sources)}</td></tr>`,
)}</table>`;
}

function filesSection(r: Report): Html {
  const notRead = r.filesNotRead ?? [];
  return html`<h2 id="files">Files</h2><table><tr><th>file</th><th>entity</th><th>status</th><th>read</th><th>validated</th><th>rejected</th><th>problems</th></tr>
${r.files.map((f) => {
  const more =
    f.problems.length + f.problemsOmitted - Math.min(20, f.problems.length);
  return html`<tr><td class="mono">${f.file}</td><td>${f.entity}</td><td class="${f.status === "rejected" ? "blocking" : ""}">${f.status} (${f.readStatus})${f.blockingByCode.map(
    (b) => html`<div class="mono">${b.code} × ${b.count}</div>`,
  )}</td><td class="n">${f.rowsRead}</td><td class="n">${f.rowsValidated}</td><td class="n">${f.rowsRejected}</td><td>${f.problems
    .slice(0, 20)
    .map(
      (p) =>
        html`<div><span class="mono">${p.code}</span> ${p.line !== undefined ? `line ${p.line}: ` : null}${p.message}</div>`,
    )}${more > 0 ? html`<div class="muted">${more} more</div>` : null}</td></tr>
`;
})}</table>
${
  notRead.length === 0
    ? null
    : html`<h3>Not read</h3><p class="muted">Entries of the delivery folder that ${r.ruleset.id} does not read.</p><table><tr><th>name</th><th>kind</th><th>why</th></tr>${notRead.map(
        (n) =>
          html`<tr><td class="mono">${n.name}</td><td>${n.kind}</td><td>${n.reason}</td></tr>`,
      )}</table>`
}`;
}

/** The previous delivery (T−1) the rules reading `previous` compared with, or that none was given. */
function previousNote(r: Report): Html {
  const pd = r.previousDelivery;
  if (pd === undefined) return html``;
  if (!pd.given)
    return html`<p id="previous-delivery"><strong>Not evaluated:</strong> ${pd.rules.length} rule(s) compare a record with the bank's previous delivery (T−1), and none was given (<span class="mono">regel validate --previous DIR</span>): <span class="mono">${pd.rules.join(", ")}</span>. They did not pass either.</p>`;
  return html`<p id="previous-delivery">Compared with the previous delivery (T−1) <span class="mono">${pd.folder ?? ""}</span>: ${pd.ikbsMatched} ${unitOf(r)}s of this delivery are also in it${pd.ikbsGone ? `, ${pd.ikbsGone} of its ${unitOf(r)}s are no longer delivered` : ""}; ${joinHtml(
    pd.files.map(
      (f) =>
        html`<span class="mono">${f.file}</span> ${f.status === "read" ? `${f.rows} records read${f.rowsSkipped > 0 ? `, ${f.rowsSkipped} rows skipped` : ""}` : f.status}`,
    ),
    html`, `,
  )}.</p>`;
}

function rulesSections(r: Report, opts: HtmlOptions, sources: Sources): Html {
  const all = [...r.rules, ...r.secondaryRules];
  const assumed = all.filter((x) => (x.assumptions?.length ?? 0) > 0).length;
  return html`<h2 id="rules">Rules</h2>
${
  assumed === 0
    ? null
    : html`<p>${assumed} of ${all.length} rules rest on an assumption where the sources are silent; they are marked <span class="assumed">assumed</span> and their assumptions are listed under their title.</p>`
}
${previousNote(r)}
${ruleControls(r)}
${rulesTable(r.rules, 0, opts.samplesDir, r.categories, sources)}
<h2 id="secondary">Secondary validation errors</h2><p class="muted">${unitOf(r) === "IKB" ? "Signalling rules that put an IKB in no Bijlage 3 category." : `Signalling rules that put a ${unitOf(r)} in no category.`}</p>
${rulesTable(r.secondaryRules, r.rules.length, opts.samplesDir, r.categories, sources)}`;
}

function sourcesSection(r: Report): Html {
  return html`<h2 id="sources">Sources</h2><ul>
${r.ruleset.sources.map((s) => {
  const url = httpUrl(s.url);
  const link =
    url !== undefined
      ? html` — <a href="${url}" rel="noreferrer">${url}</a>`
      : s.url
        ? html` — <span class="mono">${s.url}</span> <span class="muted">(not linked: only http(s) URLs are)</span>`
        : null;
  return html`<li id="${htmlId("source", s.alias)}"><span class="mono">${s.alias}</span>: ${s.title}${link}</li>
`;
})}</ul>`;
}

/** Options of the HTML report. */
export interface HtmlOptions {
  /** Relative folder of the CSV sample files, to link them (e.g. `samples`). */
  samplesDir?: string;
}

/** Render the report as a self-contained HTML page. */
export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const r = report;
  const title = `Validation report — ${r.ruleset.id} — RRD ${r.rrd}`;
  const sources: Sources = new Map(
    r.ruleset.sources.map((s) => [
      s.alias,
      {
        title: s.title,
        url: s.url,
        entry: anchor("source", s.alias),
        link: httpUrl(s.url),
      },
    ]),
  );
  const page = html`${pageHead(title, [CSS], [REPORT_SCRIPT])}
<body>
<h1>${title}</h1>
<p><span class="badge ${r.status === "accepted" ? "accepted" : "rejected"}">${r.status}</span> &nbsp;ruleset <b>${r.ruleset.id}</b>${
    r.ruleset.title ? ` — ${r.ruleset.title}` : null
  } · report version ${r.reportVersion} · personal data ${r.personalDataShown ? "shown" : "masked"}${
    r.generatedAt ? ` · generated ${r.generatedAt}` : null
  }</p>
${r.rulesetInForce === false ? html`<p class="blocking">${notInForceText(r)}</p>` : null}
${provenanceHtml(r)}
${summarySection(r)}
${blockingSection(r)}
${groeipadSection(r)}
${plausibilitySection(r)}
${categorySections(r, sources)}
${filesSection(r)}
${rulesSections(r, opts, sources)}
${sourcesSection(r)}
${inlineElement(REPORT_SCRIPT)}
</body>
</html>
`;
  return htmlText(page);
}
