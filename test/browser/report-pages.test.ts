/**
 * The pages auditors and supervisors read, in a real browser (headless Chromium, see chromium.ts):
 * `report.html` of `regel validate` (the example delivery, and a generated delivery with findings
 * for every rule) and the `regel assess --html` page. What a person sees: the summary first, chart
 * labels inside their charts and apart from each other at any value, every rule and category row,
 * links that resolve inside the page, no script error or policy violation, no network request
 * (the pages work offline), the filters and sort order of the rule tables, the page without
 * script, and hostile values from rulesets and data shown as text.
 *
 * One browser for the file. A screenshot of each page is kept in test-artifacts/browser/
 * (git-ignored; each run overwrites it).
 */
// the callbacks of page.evaluate run in the browser: they use the DOM types
/// <reference lib="dom" />
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groeipadChart } from "../../audit/assess-render.js";
import type { ChartPoint } from "../../audit/assess.js";
import { type ChartMark, passRateChart } from "../../runtime/html-charts.js";
import { htmlText } from "../../runtime/html.js";
import { renderHtml } from "../../runtime/html-report.js";
import type { Report, RuleReport } from "../../runtime/report-types.js";
import { runRecord } from "../../cli/commands/record.js";
import { ensureBuilt, ROOT } from "../source-folders.js";
import { launchBrowser } from "./chromium.js";
import {
  chartProblems,
  linkProblems,
  openPage,
  type OpenedPage,
} from "./page-checks.js";

/** Where the screenshots are kept (git-ignored). */
export const ARTIFACTS = join(ROOT, "test-artifacts", "browser");

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "regel-browser-"));

/** Run the built `regel`; exit 1 (a negative verdict) is an answer too. */
async function regel(...args: string[]): Promise<string> {
  try {
    return (
      await run(
        process.execPath,
        [join(ROOT, "dist", "cli", "main.js"), ...args],
        {
          cwd: ROOT,
        },
      )
    ).stdout;
  } catch (e) {
    const failed = e as { code?: number; stdout: string; stderr: string };
    if (failed.code === 1) return failed.stdout;
    throw new Error(`regel ${args.join(" ")}: ${failed.stderr}`);
  }
}

const readReport = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;

/** The example report with other RRDs and pass rates, recorded for one bank: the assess page's history. */
async function assessPage(example: string): Promise<string> {
  const base = readReport(example);
  const history = join(work, "history.sqlite");
  const years: [string, number, string][] = [
    ["2020-04-24", 100, "2020-04-27T10:00:00+02:00"],
    ["2021-04-23", 0, "2021-04-26T10:00:00+02:00"],
    ["2022-04-22", 90, "2022-04-25T10:00:00+02:00"],
    ["2023-04-21", 94.67, "2023-04-24T10:00:00+02:00"],
    ["2024-03-29", base.ikbs!.percentage, "2024-04-02T10:00:00+02:00"],
  ];
  for (const [rrd, percentage, at] of years) {
    const r = structuredClone(base);
    r.rrd = rrd;
    r.ikbs!.percentage = percentage;
    r.ikbs!.meetingAutomatedControls = Math.round(
      (percentage * r.ikbs!.count) / 100,
    );
    // a report regel could write: its version in force on the RRD, no category wider than the
    // IKBs that miss the controls (regel record refuses a report that contradicts itself)
    r.ruleset.validFrom = "2020-01-01";
    const missing = r.ikbs!.count - r.ikbs!.meetingAutomatedControls;
    for (const c of r.categories) c.count = Math.min(c.count, missing);
    const file = join(work, `report-${rrd}.json`);
    writeFileSync(file, JSON.stringify(r));
    // `regel record`, in this process (a process per run would cost seconds)
    const recorded = runRecord(file, {
      bank: "Voorbeeldbank",
      deliveryId: `d-${rrd}`,
      deliveredAt: at,
      history,
    });
    if (recorded.code !== 0) throw new Error(recorded.stderr);
  }
  const page = join(work, "assess.html");
  await regel(
    "assess",
    "--bank",
    "Voorbeeldbank",
    "--year",
    "2023",
    "--history",
    history,
    "--html",
    page,
  );
  return page;
}

let browser: Browser;
const dirs = {
  example: join(work, "example"),
  many: join(work, "many"),
  hostile: join(work, "hostile"),
  assess: "",
};

/**
 * A ruleset whose texts are hostile (markup in titles, an assumption and a source title, a
 * `javascript:` URL and one with a quote, bidirectional and control characters), and a delivery
 * whose values are: compiled and validated by the built `regel`, as a user would.
 */
async function hostileReport(): Promise<void> {
  const rulesets = join(work, "hostile-rulesets");
  const delivery = join(work, "hostile-delivery");
  mkdirSync(join(rulesets, "t.hostile"), { recursive: true });
  mkdirSync(delivery, { recursive: true });
  writeFileSync(
    join(rulesets, "t.hostile", "1.0.0.regel"),
    readFileSync(join(ROOT, "test/browser/fixtures/hostile.regel"), "utf8"),
  );
  writeFileSync(
    join(delivery, "np.csv"),
    'ikb_id,customer_id,last_name,date_of_birth,note\nI1,"<img src=x onerror=alert(1)>",Jansen,,"</td><script>alert(2)</script>\u202e"\nI2,C2,Smit,1970-01-01,ok\n',
  );
  await regel("compile", rulesets, "--out", join(work, "hostile-compiled"));
  await regel(
    "validate",
    delivery,
    "--rrd",
    "2024-03-31",
    "--compiled",
    join(work, "hostile-compiled"),
    "--out",
    dirs.hostile,
    "--no-progress",
  );
}

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  await Promise.all([
    launchBrowser().then((b) => (browser = b)),
    hostileReport(),
    regel(
      "validate",
      "examples/ikb-delivery",
      "--rrd",
      "2024-03-31",
      "--out",
      dirs.example,
      "--no-progress",
    ).then(async () => (dirs.assess = await assessPage(dirs.example))),
    regel(
      "generate",
      "--depositors",
      "200",
      "--seed",
      "7",
      "--defect-rate",
      "1",
      "--marking-rate",
      "0.2",
      "--rrd",
      "2024-03-31",
      "--out",
      join(work, "generated"),
    ).then(() =>
      regel(
        "validate",
        join(work, "generated"),
        "--rrd",
        "2024-03-31",
        "--out",
        dirs.many,
        "--no-progress",
      ),
    ),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

const open = (
  target: { file: string } | { content: string },
  options: { javaScript?: boolean } = {},
): Promise<OpenedPage> => openPage(browser, target, options);

/** Nothing went wrong while the page was open: no script error, no violation, no request. */
function expectQuiet(opened: OpenedPage): void {
  expect(opened.problems, "script errors, policy violations, dialogs").toEqual(
    [],
  );
  expect(opened.requests, "network requests").toEqual([]);
}

/** Links a report may have besides in-page ones: its sample files, and the declared source URLs. */
function reportLinks(dir: string, report: Report): (href: string) => boolean {
  const urls = new Set(report.ruleset.sources.flatMap((s) => s.url ?? []));
  return (href) =>
    urls.has(href) ||
    (/^samples\/[A-Za-z0-9_.-]+\.csv$/.test(href) &&
      existsSync(join(dir, href)));
}

/** The rule rows a person sees, per rule table, in page order. */
const shownRules = (page: Page) =>
  page.$$eval("table.rules", (tables) =>
    tables.map((t) =>
      Array.from(t.querySelectorAll(":scope > tbody > tr"))
        .filter((tr) => tr.getBoundingClientRect().height > 0)
        .map((tr) => (tr as HTMLElement).dataset.code!),
    ),
  );

describe("report.html in a browser", () => {
  it("of examples/ikb-delivery: summary first, every rule and category, readable chart, links inside the page, offline, no errors", async () => {
    const report = readReport(dirs.example);
    const opened = await open({ file: join(dirs.example, "report.html") });
    const { page } = opened;
    await page.screenshot({
      path: join(ARTIFACTS, "report-example.png"),
      fullPage: true,
    });

    // the summary is the first section, and it is on the first screen with the status
    const headings = await page.$$eval("h2", (hs) =>
      hs.map((h) => ({
        text: h.textContent,
        top: h.getBoundingClientRect().top,
      })),
    );
    expect(headings[0].text).toBe("Summary");
    expect(headings[0].top).toBeLessThan(900 - 150);
    expect(headings.map((h) => h.text)).toEqual([
      "Summary",
      "Automated controls against the groeipad",
      "Plausibility",
      "Bijlage 3 categories",
      "Payout conditions",
      "Files",
      "Rules",
      "Secondary validation errors",
      "Sources",
    ]);
    expect(
      await page.$eval(".badge", (b) => [
        b.textContent,
        b.getBoundingClientRect().top,
      ]),
    ).toEqual([report.status, expect.any(Number)]);

    // the groeipad chart: the norm of 95 % and the aim of 100 % (not a norm), labels inside the chart
    expect(
      await page.$$eval("svg.pass-rate text", (ts) =>
        ts.map((t) => t.textContent),
      ),
    ).toEqual([
      `${report.ikbs!.percentage} %`,
      "norm 2024: 95 %",
      "aim 2024: 100 %",
    ]);
    expect(await chartProblems(page)).toEqual([]);

    // every rule row and category row, shown, with its numbers
    const rows = await shownRules(page);
    expect(rows).toEqual([
      report.rules.map((r) => r.code),
      report.secondaryRules.map((r) => r.code),
    ]);
    const categories = await page.$$eval("tr[id^='category-']", (trs) =>
      trs
        .filter((tr) => tr.getBoundingClientRect().height > 0)
        .map((tr) => [tr.id, tr.querySelector("td.n")?.textContent]),
    );
    expect(categories).toEqual(
      report.categories.map((c) => [`category-${c.name}`, String(c.count)]),
    );
    const all = [...report.rules, ...report.secondaryRules];
    expect(await page.$eval("#filter-count", (o) => o.textContent)).toBe(
      `${all.length} of ${all.length} rules shown`,
    );

    // assumptions read as such: the mark beside the code, the text under the title
    const dmc0001 = await page.$eval("#rule-dmc0001", (tr) => ({
      mark: tr.querySelector(".assumed")?.textContent,
      markTop: tr.querySelector(".assumed")!.getBoundingClientRect().top,
      codeTop: tr.querySelector("a")!.getBoundingClientRect().top,
      assumption: (tr.querySelector(".assumption") as HTMLElement).innerText,
    }));
    expect(dmc0001.mark).toBe("assumed");
    expect(Math.abs(dmc0001.markTop - dmc0001.codeTop)).toBeLessThan(8);
    expect(dmc0001.assumption).toBe(
      `Assumption: ${all.find((r) => r.code === "dmc0001")!.assumptions![0]}`,
    );

    // article references with their source's title
    const articles = await page.$eval(
      "#rule-dmc0001 .art",
      (d) => (d as HTMLElement).innerText,
    );
    expect(articles).toContain("bk bijlage 3");
    expect(articles).toContain(
      report.ruleset.sources.find((s) => s.alias === "bk")!.title,
    );

    const links = await linkProblems(page, reportLinks(dirs.example, report));
    expect(links.problems).toEqual([]);
    expect(links.inPage).toBeGreaterThan(100);
    expectQuiet(opened);
  });

  it("with findings for every rule: filters and sort orders do what they say; a link to a filtered-out rule shows it", async () => {
    const report = readReport(dirs.many);
    const primary = report.rules;
    const secondary = report.secondaryRules;
    const all = [...primary, ...secondary];
    expect(all.filter((r) => r.count > 0).length).toBeGreaterThanOrEqual(30);
    const opened = await open({ file: join(dirs.many, "report.html") });
    const { page } = opened;
    expect(await chartProblems(page)).toEqual([]);
    expect(
      (await linkProblems(page, reportLinks(dirs.many, report))).problems,
    ).toEqual([]);

    const count = () => page.$eval("#filter-count", (o) => o.textContent);
    const expectShown = async (keep: (r: RuleReport) => boolean) => {
      expect(await shownRules(page)).toEqual([
        primary.filter(keep).map((r) => r.code),
        secondary.filter(keep).map((r) => r.code),
      ]);
      expect(await count()).toBe(
        `${all.filter(keep).length} of ${all.length} rules shown`,
      );
    };
    const categoryOf = (name: string) =>
      new Set(
        report.categories
          .find((c) => c.name === name)!
          .results.map((x) => x.code),
      );
    const inNoCategory = (r: RuleReport) =>
      report.categories.every((c) => !c.results.some((x) => x.code === r.code));

    await page.select("#filter-severity", "blocking");
    await expectShown((r) => r.severity === "blocking");
    // a table left without rows says so (the secondary rules are all signalling)
    expect(
      await page.$$eval("table.rules > tfoot", (fs) =>
        fs.map((f) => f.getBoundingClientRect().height > 0),
      ),
    ).toEqual([false, true]);
    await page.select("#filter-severity", "signalling");
    await page.select("#filter-entity", "NP");
    await expectShown(
      (r) => r.severity === "signalling" && r.entities.includes("NP"),
    );
    await page.select("#filter-severity", "");
    await page.select("#filter-entity", "");
    for (const c of report.categories) {
      await page.select("#filter-category", c.name);
      const codes = categoryOf(c.name);
      await expectShown((r) => codes.has(r.code));
    }
    await page.select("#filter-category", "-");
    await expectShown(inNoCategory);
    await page.select("#filter-category", "");
    await page.click("#filter-findings");
    await expectShown((r) => r.count > 0);
    await page.click("#filter-assumed");
    await expectShown((r) => r.count > 0 && (r.assumptions?.length ?? 0) > 0);
    await page.click("#filter-findings");
    await page.click("#filter-assumed");
    await page.type("#filter-text", "IBAN");
    await expectShown((r) =>
      `${r.code} ${r.title}`.toLowerCase().includes("iban"),
    );
    await page.click("#filter-reset");
    await expectShown(() => true);
    expect(
      await page.$$eval("table.rules > tfoot", (fs) =>
        fs.map((f) => f.getBoundingClientRect().height > 0),
      ),
    ).toEqual([false, false]);

    // each sort order, within each table, report order breaking ties
    const sorted = (
      rules: RuleReport[],
      key: (r: RuleReport) => (number | string)[],
    ) =>
      rules
        .map((r, i) => ({ r, k: [...key(r), i] }))
        .sort((a, b) => {
          for (let i = 0; i < a.k.length; i++)
            if (a.k[i] !== b.k[i]) return a.k[i] < b.k[i] ? -1 : 1;
          return 0;
        })
        .map((x) => x.r.code);
    const rank = (r: RuleReport) =>
      Math.min(
        report.categories.length + 2,
        ...report.categories.flatMap((c, i) =>
          c.results.some((x) => x.code === r.code) ? [i + 1] : [],
        ),
      );
    const orders: [string, (r: RuleReport) => (number | string)[]][] = [
      ["count", (r) => [-r.count]],
      ["records", (r) => [-r.records]],
      ["percentage", (r) => [-r.percentage]],
      ["severity", (r) => [r.severity === "blocking" ? 0 : 1]],
      ["category", (r) => [rank(r)]],
      ["entity", (r) => [r.entities.join(" ")]],
      ["code", (r) => [r.code]],
      ["order", () => []],
    ];
    for (const [value, key] of orders) {
      await page.select("#sort-rules", value);
      expect(await shownRules(page), `sort by ${value}`).toEqual([
        sorted(primary, key),
        sorted(secondary, key),
      ]);
    }
    await page.select("#sort-rules", "count");
    await page.select("#filter-severity", "blocking");
    await page.$eval("#rule-controls", (c) => c.scrollIntoView());
    await page.screenshot({
      path: join(ARTIFACTS, "report-filtered.png"),
    });

    // a link to a rule the filter hides: the filters are cleared and the link lands on the rule
    const target = primary.find(
      (r) => r.severity === "signalling" && !inNoCategory(r),
    )!;
    await page.click(`table.categories a[href="#rule-${target.code}"]`);
    const landed = await page.$eval(`#rule-${target.code}`, (tr) => ({
      top: tr.getBoundingClientRect().top,
      height: tr.getBoundingClientRect().height,
      hash: location.hash,
      severity: (
        document.getElementById("filter-severity") as HTMLSelectElement
      ).value,
    }));
    expect(landed.height).toBeGreaterThan(0);
    expect(landed.top).toBeGreaterThanOrEqual(-1);
    expect(landed.top).toBeLessThan(900);
    expect(landed.hash).toBe(`#rule-${target.code}`);
    expect(landed.severity).toBe("");
    expect(await count()).toBe(`${all.length} of ${all.length} rules shown`);
    expectQuiet(opened);
  });

  it("a 9,004-character value in a sample wraps: the page stays within the viewport with every sample fold open", async () => {
    const delivery = join(work, "wide-delivery");
    cpSync(join(ROOT, "examples", "ikb-delivery"), delivery, {
      recursive: true,
    });
    const file = join(delivery, "bank_account.csv");
    const lines = readFileSync(file, "utf8").split("\n");
    const column = lines[0].split(",").indexOf("product_label");
    const cells = lines[4].split(",");
    cells[column] = "Wide" + "W".repeat(9000);
    lines[4] = cells.join(",");
    writeFileSync(file, lines.join("\n"));
    const out = join(work, "wide");
    await regel(
      "validate",
      delivery,
      "--rrd",
      "2024-03-31",
      "--out",
      out,
      "--no-progress",
    );
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain(
      "W".repeat(9000),
    );
    const opened = await open({ file: join(out, "report.html") });
    const { page } = opened;
    await page.$$eval("details", (ds) =>
      ds.forEach((d) => {
        if (d.querySelector("table.samples") !== null)
          (d as HTMLDetailsElement).open = true;
      }),
    );
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expectQuiet(opened);
  });

  it("a rule text with a 9,000-character line wraps: the page stays within the viewport with every rule-text fold open", async () => {
    const report = readReport(dirs.example);
    const rule = report.rules.find((r) => r.source)!;
    rule.source = `${rule.source}\n  // ${"Long".repeat(2250)}`;
    const file = join(work, "wide-rule-text.html");
    writeFileSync(file, renderHtml(report, { samplesDir: "samples" }));
    const opened = await open({ file });
    const { page } = opened;
    const shown = await page.$$eval("details", (ds) =>
      ds.flatMap((d) => {
        const pre = d.querySelector("pre");
        if (pre === null) return [];
        (d as HTMLDetailsElement).open = true;
        return [pre.textContent ?? ""];
      }),
    );
    expect(shown.some((t) => t.includes("Long".repeat(2250)))).toBe(true);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expectQuiet(opened);
  });

  it("without script: every rule in report order, no controls that do nothing", async () => {
    const report = readReport(dirs.example);
    const opened = await open(
      { file: join(dirs.example, "report.html") },
      { javaScript: false },
    );
    const { page } = opened;
    expect(
      await page.$eval(
        "#rule-controls",
        (c) => c.getBoundingClientRect().height,
      ),
    ).toBe(0);
    expect(await shownRules(page)).toEqual([
      report.rules.map((r) => r.code),
      report.secondaryRules.map((r) => r.code),
    ]);
    expect(await chartProblems(page)).toEqual([]);
    expectQuiet(opened);
  });

  it("hostile values from a ruleset and a delivery, through regel compile and validate, stay text: no markup, no link, no script, nothing loaded", async () => {
    const file = join(dirs.hostile, "report.html");
    const html = readFileSync(file, "utf8");
    // the page is a function of report.json: rendered again from it, byte for byte the same
    expect(
      renderHtml(readReport(dirs.hostile), { samplesDir: "samples" }),
    ).toBe(html);
    const opened = await open({ file });
    const { page } = opened;
    await (await page.$("#rule-dmc0001"))!.screenshot({
      path: join(ARTIFACTS, "report-hostile.png"),
    });
    const dom = await page.evaluate(() => ({
      injected: Array.from(
        document.querySelectorAll("img, iframe, link, object, embed"),
      ).map((e) => e.outerHTML.slice(0, 80)),
      // the assumption's <b>bold</b> and the payout's <b>vastgesteld</b> are text, not elements
      bold: Array.from(document.querySelectorAll("b")).filter((b) =>
        ["bold", "vastgesteld"].includes(b.textContent ?? ""),
      ).length,
      scripts: document.scripts.length,
      styles: document.querySelectorAll("style").length,
      handlers: Array.from(document.querySelectorAll("*")).flatMap((e) =>
        Array.from(e.attributes)
          .filter((a) => a.name.startsWith("on"))
          .map((a) => a.name),
      ),
      external: Array.from(document.querySelectorAll("a[href]"))
        .map((a) => a.getAttribute("href")!)
        .filter((h) => !h.startsWith("#") && !h.startsWith("samples/")),
    }));
    expect(dom.injected).toEqual([]);
    expect(dom.bold).toBe(0);
    expect(dom.scripts).toBe(1);
    expect(dom.styles).toBe(1);
    expect(dom.handlers).toEqual([]);
    // of the three source URLs only the http(s) one without a quote is a link
    expect([...new Set(dom.external)]).toEqual([
      "https://wetten.overheid.nl/BWBR0002448",
    ]);
    // unfold the samples, then read the page as a person would
    const text = await page.evaluate(() => {
      document.querySelectorAll("details").forEach((d) => (d.open = true));
      return document.body.innerText;
    });
    for (const shown of [
      "<script>alert(1)</script>",
      `"><img src=x onerror=alert(1)>`,
      "javascript:alert(1)",
      "<style>body{display:none}</style>",
      "Identiteit <b>vastgesteld</b>",
      "Wet \\u202eop het\\u202c toezicht",
      "quotes \" ' ` & <b>bold</b> bell\\u0007 \\u202eevil",
      "<img src=x onerror=alert(1)>",
      "note=</td><script>alert(2)</script>\\u202e",
    ])
      expect(text).toContain(shown);
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0007]/);
    expectQuiet(opened);
  });
});

describe("the regel assess --html page in a browser", () => {
  it("shows the pass rate per year against the norms, every label readable, offline, no errors", async () => {
    const opened = await open({ file: dirs.assess });
    const { page } = opened;
    await page.screenshot({
      path: join(ARTIFACTS, "assess.png"),
      fullPage: true,
    });
    expect(await chartProblems(page)).toEqual([]);
    const chart = await page.$eval("svg.chart", (svg) => ({
      bars: svg.querySelectorAll("rect").length,
      values: Array.from(svg.querySelectorAll("text.value")).map(
        (t) => t.textContent,
      ),
      marks: Array.from(svg.querySelectorAll("text.mark-label")).map(
        (t) => t.textContent,
      ),
      years: Array.from(svg.querySelectorAll("text.year")).map(
        (t) => t.textContent,
      ),
    }));
    const report = readReport(dirs.example);
    expect(chart).toEqual({
      bars: 5,
      values: ["100", "0", "90", "94.67", String(report.ikbs!.percentage)],
      marks: [
        "norm 60 %",
        "norm 80 %",
        "norm 90 %",
        "norm 95 %",
        "norm 95 %",
        "aim 100 %",
      ],
      years: ["2020", "2021", "2022", "2023", "2024"],
    });
    expect((await linkProblems(page, () => false)).problems).toEqual([]);
    expectQuiet(opened);
  });
});

describe("the groeipad charts in a browser", () => {
  const page = (charts: string[]) =>
    `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${charts.join("\n")}</body></html>`;
  const passRate = (p: number, marks: ChartMark[]) =>
    htmlText(
      passRateChart(
        p,
        marks,
        marks.some((m) => m.kind === "norm")
          ? marks.every((m) => m.kind !== "norm" || p >= m.value)
          : null,
      ),
    );
  const norm = (v: number): ChartMark => ({
    kind: "norm",
    value: v,
    label: `norm 2024: ${v} %`,
  });
  const aim = (v: number): ChartMark => ({
    kind: "aim",
    value: v,
    label: `aim 2025: ${v} %`,
  });

  it("table: every label inside its chart and apart at 0 %, 100 %, a norm of 0 % or 100 %, values next to the norm", async () => {
    const values = [0, 0.01, 1, 5, 50, 89.99, 90, 90.01, 99.99, 100];
    const markSets = [
      [],
      [norm(0)],
      [norm(0.5)],
      [norm(50)],
      [norm(90)],
      [norm(99.5)],
      [norm(100)],
      [norm(90), aim(100)],
      [norm(100), aim(100)],
      [norm(5), aim(6)],
    ];
    const charts = values.flatMap((p) =>
      markSets.map((marks) => passRate(p, marks)),
    );
    const years = (n: number, f: (i: number) => Partial<ChartPoint>) =>
      Array.from({ length: n }, (_, i) => ({
        year: 2020 + i,
        percentage: null,
        norm: null,
        ...f(i),
      }));
    const assess = [
      years(4, (i) => ({
        percentage: [100, 0, 89.99, 95][i],
        norm: [60, 80, 90, 95][i],
      })),
      years(1, () => ({ percentage: 100, norm: 100 })),
      years(1, () => ({ percentage: 0, norm: 0 })),
      years(8, (i) => ({ percentage: 99.99 - i, norm: 100 - i })),
      years(8, (i) => ({
        percentage: i % 2 ? null : 0.01,
        norm: i % 3 ? 100 : null,
      })),
      years(6, () => ({ percentage: 12.34 })),
    ].map((points) => htmlText(groeipadChart(points, "Voorbeeldbank")));
    const opened = await open({ content: page([...charts, ...assess]) });
    expect(await chartProblems(opened.page)).toEqual([]);
    expect(await opened.page.$$eval("svg", (s) => s.length)).toBe(
      charts.length + assess.length,
    );
    expectQuiet(opened);
  });

  it("property: every label inside its chart and apart, at any pass rate and norm", async () => {
    const percent = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100);
    const pass = fc.record({
      p: percent,
      marks: fc.oneof(
        fc.constant([] as ChartMark[]),
        percent.map((v) => [norm(v)]),
        fc.tuple(percent, percent).map(([a, b]) => [norm(a), aim(b)]),
      ),
    });
    const assess = fc.array(
      fc.record({
        percentage: fc.option(percent, { nil: null }),
        norm: fc.option(percent, { nil: null }),
      }),
      { minLength: 1, maxLength: 8 },
    );
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(pass, { minLength: 4, maxLength: 4 }),
        assess,
        async (charts, points) => {
          await tab.setContent(
            page([
              ...charts.map((c) => passRate(c.p, c.marks)),
              htmlText(
                groeipadChart(
                  points.map((x, i) => ({ year: 2020 + i, ...x })),
                  "B",
                ),
              ),
            ]),
          );
          expect(await chartProblems(tab)).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
    await tab.close();
    expect(problems).toEqual([]);
  });
});

describe("the checks themselves", () => {
  it("see a script error, a policy violation, a request, a cut-off or overlapping label, a crossing mark and a broken link", async () => {
    const opened = await open({
      content: `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https:; script-src 'sha256-AAAA'"></head><body>
<script>undefinedFunction()</script><img src="https://example.org/x.png">
<svg width="200" height="50" xmlns="http://www.w3.org/2000/svg"><text x="190" y="20">norm 2024: 100 %</text><text x="10" y="40">one</text><text x="12" y="42">two</text>
<g class="mark norm"><line x1="15" y1="0" x2="15" y2="50" stroke="red"/></g></svg>
<a href="#nowhere">x</a><a href="javascript:alert(1)">y</a></body></html>`,
    });
    expect(opened.problems.join("\n")).toMatch(
      /Content Security Policy|script-src/,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(opened.requests).toEqual(["https://example.org/x.png"]);
    const charts = await chartProblems(opened.page);
    expect(charts).toEqual([
      expect.stringMatching(
        /"norm 2024: 100 %" is cut off \([0-9.]+ px right\)/,
      ),
      expect.stringMatching(/"one" overlaps "two"/),
      expect.stringMatching(/a mark norm line crosses "one"/),
      expect.stringMatching(/a mark norm line crosses "two"/),
    ]);
    expect((await linkProblems(opened.page, () => false)).problems).toEqual([
      "link #nowhere leads nowhere in the page",
      "link javascript:alert(1) is not allowed",
    ]);
  });
});
