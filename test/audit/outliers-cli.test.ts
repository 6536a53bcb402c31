/**
 * Outliers end to end (issue 19 items 2, 3 and 6): a series of generated deliveries of one bank,
 * validated and recorded one after the other with `regel validate --record --bank`, with one
 * injected jump in the defects: report.json `plausibility.outliers` is "not evaluated" until the
 * history holds the declared minimum, flags the jump delivery, and nothing else; the HTML page
 * charts the flagged series; peers over three banks from one history store show a position only.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assess } from "../../audit/assess.js";
import { assessmentText } from "../../audit/assess-render.js";
import { History } from "../../audit/history.js";
import { findRuleset, loadProject } from "../../dsl/project.js";
import { outliersSection } from "../../audit/plausibility-report.js";
import type { OutliersSection } from "../../runtime/outlier-types.js";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt } from "../source-folders.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "regel-outliers-"));
const HISTORY = join(dir, "history.sqlite");
const RRDS = [
  "2022-03-31",
  "2022-06-30",
  "2022-09-30",
  "2022-12-31",
  "2023-03-31",
  "2023-06-30",
  "2023-09-30",
];
const JUMP = 5;

function regel(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: "utf8",
  });
  return { code: r.status, stderr: r.stderr };
}

/** Generate, validate and record delivery `i` of `bank`; returns its report. */
function deliver(
  bank: string,
  i: number,
  defectRate: string,
  seed = "11",
): Report {
  const data = join(dir, `${bank}-d${i}`);
  const out = join(dir, `${bank}-o${i}`);
  // the same seed every quarter: the deliveries differ only where a defect rate differs
  const g = regel([
    "generate",
    "--depositors",
    "150",
    "--seed",
    seed,
    "--defect-rate",
    defectRate,
    "--rrd",
    RRDS[i],
    "--out",
    data,
  ]);
  expect(g.code, g.stderr).toBe(0);
  const v = regel([
    "validate",
    data,
    "--rrd",
    RRDS[i],
    "--out",
    out,
    "--no-progress",
    "--record",
    "--bank",
    bank,
    "--delivery-id",
    `${bank}-${i}`,
    "--delivered-at",
    `${RRDS[i]}T12:00:00+02:00`,
    "--history",
    HISTORY,
  ]);
  expect(v.stderr).toMatch(/recorded run/);
  return JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
}

const reports: Report[] = [];

beforeAll(() => {
  ensureBuilt();
  for (let i = 0; i < RRDS.length; i++)
    reports.push(deliver("bank-a", i, i === JUMP ? "0.6" : "0.05"));
}, 300_000);

const own = (r: Report) =>
  r.plausibility!.outliers!.checks.find((c) => c.name === "own_history")!;

describe("outliers against the bank's own history, end to end", () => {
  it("is not evaluated until four earlier deliveries are recorded, with the reason", () => {
    expect(reports[0].plausibility!.outliers!.reason).toMatch(/no history at/);
    for (let i = 1; i < 4; i++) {
      const c = own(reports[i]);
      expect(c.status).toBe("not evaluated");
      expect(c.reason).toMatch(
        new RegExp(`only ${i} earlier deliver(y|ies) of bank bank-a`),
      );
    }
    for (let i = 4; i < RRDS.length; i++)
      expect(own(reports[i]).status).toBe("evaluated");
  });

  it("flags the delivery with the injected jump and no other", () => {
    const flagged = reports.map((r, i) =>
      i === 0
        ? []
        : own(r)
            .series.filter((s) => s.status === "outlier")
            .map((s) => s.series),
    );
    expect(flagged[JUMP]).toContain("errors");
    for (let i = 0; i < RRDS.length; i++)
      if (i !== JUMP) expect(flagged[i], `delivery ${i}`).toEqual([]);
    const o = reports[JUMP].plausibility!.outliers!;
    expect(
      o.explain.some((e) => /^errors: \d+ is unusually high/.test(e)),
    ).toBe(true);
    const errors = own(reports[JUMP]).series.find(
      (s) => s.series === "errors",
    )!;
    expect(errors.history!.map((h) => h.rrd)).toEqual(RRDS.slice(0, JUMP));
    expect(errors.value!).toBeGreaterThan(errors.band!.high);
  });

  it("charts each flagged series against the history band in report.html", () => {
    const page = readFileSync(
      join(dir, `bank-a-o${JUMP}`, "report.html"),
      "utf8",
    );
    // one Plausibility section: the outliers under it (with the aggregates the run recorded)
    expect(page).toContain('<h2 id="plausibility">Plausibility</h2>');
    expect(page).toContain('<h3 id="outliers">Outliers</h3>');
    expect(page.indexOf('<h3 id="outliers">')).toBeGreaterThan(
      page.indexOf('<h2 id="plausibility">'),
    );
    expect(page.match(/<h2 id="plausibility">/g)).toHaveLength(1);
    expect(page).toMatch(
      /<svg class="chart band"[^>]*aria-label="errors: this delivery/,
    );
    const quiet = readFileSync(join(dir, "bank-a-o4", "report.html"), "utf8");
    expect(quiet).not.toContain('class="chart band"');
  });
});

describe("regel assess: the indicator 'verklaring bij uitschietende en afwijkende waarden'", () => {
  it("lists what the bank must explain for the assessed delivery, and nothing for a quiet one", async () => {
    const project = await loadProject([join(ROOT, "rulesets")]);
    const groeipad = findRuleset(project, "ikb.groeipad")!;
    const h = History.open(HISTORY);
    const runs = h.runs({ bank: "bank-a" });
    const aggregates = h.runAggregates();
    h.close();
    // the 2023 round as it stood after the jump delivery (RRD 2023-06-30)
    const upToJump = runs.filter((r) => r.rrd <= RRDS[JUMP]);
    const a = assess({
      bank: "bank-a",
      year: 2023,
      runs: upToJump,
      groeipad,
      handhaving: undefined,
      aggregates,
    });
    expect(a.rrd).toBe(RRDS[JUMP]);
    expect(a.outliers.status).toBe("evaluated");
    expect(a.outliers.deliveryId).toBe(`bank-a-${JUMP}`);
    expect(a.outliers.explain.some((e) => e.startsWith("errors: "))).toBe(true);
    const text = assessmentText(a);
    expect(text).toContain(
      `Verklaring bank bij uitschietende en afwijkende waarden in gegevens en markeringen (bk par 2.2), delivery bank-a-${JUMP}:\n  to explain: `,
    );
    expect(text).toContain("\n  to explain: errors: ");
    const quiet = assess({
      bank: "bank-a",
      year: 2023,
      runs: runs.filter((r) => r.rrd <= RRDS[4]),
      groeipad,
      handhaving: undefined,
      aggregates,
    });
    expect(quiet.outliers.explain).toEqual([]);
    expect(assessmentText(quiet)).toContain("no outliers: nothing to explain");
  });
});

describe("outliers against peers, from one history store", () => {
  it("places a bank among three others at the same RRD, without their figures", () => {
    // three more banks recorded at the last RRD, one of them with ten times the defects
    const last = RRDS.length - 1;
    // another seed: the same files as bank-a's would be one delivery, which record refuses
    deliver("bank-b", last, "0.05", "12");
    deliver("bank-c", last, "0.06");
    const odd = deliver("bank-d", last, "0.6");
    const h = History.open(HISTORY);
    const runs = h.runs();
    h.close();
    expect(new Set(runs.map((r) => r.bank))).toEqual(
      new Set(["bank-a", "bank-b", "bank-c", "bank-d"]),
    );
    const peersOf = (o: OutliersSection) =>
      o.checks.find((c) => c.name === "peers")!;
    const section = odd.plausibility!.outliers!;
    const peers = peersOf(section);
    expect(peers.status).toBe("evaluated");
    expect(peers.comparedWith).toBe(3);
    const errors = peers.series.find((s) => s.series === "errors")!;
    expect(errors).toMatchObject({
      status: "outlier",
      direction: "high",
      position: { rank: 4, of: 4 },
    });
    expect(errors.history).toBeUndefined();
    expect(errors.band).toBeUndefined();
    // none of the other banks' error counts appears in bank-d's section
    const text = JSON.stringify(section);
    for (const r of runs.filter(
      (x) => x.bank !== "bank-d" && x.rrd === RRDS[last],
    ))
      expect(text).not.toMatch(new RegExp(`"value":${r.errors}[,}]`));
    // the same figures from the store's point of view: bank-b is not an outlier among its peers
    const b = outliersSection(
      JSON.parse(
        readFileSync(join(dir, `bank-b-o${last}`, "report.json"), "utf8"),
      ) as Report,
      [
        {
          name: "peers",
          title: undefined,
          compare: "peers",
          method: "robust_z",
          threshold: 3.5,
          window: 8,
          minimum: 3,
          watch: ["errors"],
          articles: [],
          assumptions: [],
          location: { file: "t.regel", line: 1, column: 1 },
          ruleset: "t@1.0.0",
        },
      ],
      { bank: "bank-b", history: HISTORY, deliveryId: `bank-b-${last}` },
    );
    expect(peersOf(b).series[0].status).toBe("usual");
  });
});
