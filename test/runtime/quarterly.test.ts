/**
 * Reconciliation with the quarterly DGS report (runtime/quarterly.ts, `regel validate
 * --quarterly`): a file with one wrong figure gives exactly that difference with both figures;
 * a file that does not parse, names an unknown figure, gives a value that is not a number or a
 * figure twice is refused with the line and field (exit 2, no stack trace).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReconcileTrace } from "../../compiler/contract.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import {
  QuarterlyError,
  readQuarterly,
  reconcile,
} from "../../runtime/quarterly.js";
import { summaryText } from "../../runtime/report-text.js";
import { renderHtml } from "../../runtime/html-report.js";
import { ensureBuilt, regel } from "../cli/cli-helpers.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import {
  AGGREGATES_DELIVERY,
  AGGREGATES_RULESET,
} from "./aggregate-fixture.js";
import { delivery } from "./helpers.js";

let loaded: LoadedRuleset;
let compiledRoot: string;
const dir = mkdtempSync(join(tmpdir(), "regel-quarterly-"));

beforeAll(async () => {
  const { dir: d } = await compileAndImport(AGGREGATES_RULESET, "t.regel");
  compiledRoot = join(d, "out");
  loaded = await loadCompiled(join(compiledRoot, "t.aggregates@1.0.0"));
}, 120_000);

const decl = (): ReconcileTrace => loaded.module.reconciliations![0];
const read = (text: string, name = "q.csv") =>
  readQuarterly(name, new TextEncoder().encode(text), [decl()]);
const refused = (text: string, name = "q.csv"): string => {
  try {
    read(text, name);
  } catch (e) {
    expect(e).toBeInstanceOf(QuarterlyError);
    return (e as Error).message;
  }
  throw new Error("not refused");
};

describe("the quarterly file", () => {
  it("reads CSV and JSON alike, numbers as written", () => {
    const csv = read(
      "figure,value\nnumber_of_depositors,3\ncovered_deposits,150.30\n",
    );
    const json = read(
      '{\n  "number_of_depositors": 3,\n  "covered_deposits": 150.30\n}\n',
      "q.json",
    );
    for (const q of [csv, json]) {
      expect(q.figures.get("number_of_depositors")?.text).toBe("3");
      expect(q.figures.get("covered_deposits")?.text).toBe("150.30");
    }
    expect(csv.figures.get("covered_deposits")?.line).toBe(3);
    expect(json.figures.get("covered_deposits")?.line).toBe(3);
  });

  it("keeps a JSON number as written, as the NDJSON reader does, whatever the key's spelling", () => {
    const json = read(
      '{"total\\u005fdeposits": 100.000000000000001, "number_of_depositors": 12345678901234567890}',
      "q.json",
    );
    expect(json.figures.get("total_deposits")?.text).toBe(
      "100.000000000000001",
    );
    expect(json.figures.get("number_of_depositors")?.text).toBe(
      "12345678901234567890",
    );
    // a key given twice: the value JSON.parse keeps, the last
    expect(
      read(
        '{"total_deposits": 1.50, "total_deposits": 2.50}',
        "q.json",
      ).figures.get("total_deposits")?.text,
    ).toBe("2.50");
    // an exponent is refused as it is in the CSV file, not turned into 1000
    expect(refused('{"total_deposits": 1e3}', "q.json")).toBe(
      'REG334 q.json line 1, field total_deposits: "1e3" is not a number (write it as 1250000 or 1250000.50: no thousands separators, currency or percent sign)',
    );
  });

  it("refuses what it cannot use, with the line and the field", () => {
    expect(refused("name,amount\nx,1\n")).toBe(
      'REG332 q.csv line 1: the header must be "figure,value", found "name,amount"',
    );
    expect(refused("figure,value\nnumber_of_depositors,3,4\n")).toBe(
      "REG332 q.csv line 2: 3 field(s), expected 2 (figure,value)",
    );
    expect(refused('figure,value\n"number_of_depositors,3\n')).toMatch(
      /^REG332 q\.csv line \d+: not valid CSV/,
    );
    expect(refused('{\n  "number_of_depositors": 3,\n}', "q.json")).toMatch(
      /^REG332 q\.json line 3: not valid JSON/,
    );
    expect(refused("[1, 2]", "q.json")).toMatch(
      /^REG332 q\.json line 1: expected a JSON object/,
    );
    expect(
      refused("figure,value\nnumber_of_depositors,3\nnumber_of_depositers,4\n"),
    ).toBe(
      'REG333 q.csv line 3: unknown figure "number_of_depositers"; did you mean "number_of_depositors"? (reconcile quarterly compares number_of_depositors, covered_deposits, total_deposits)',
    );
    expect(refused('figure,value\ntotal_deposits,"1.250.000,00"\n')).toBe(
      'REG334 q.csv line 2, field value: "1.250.000,00" is not a number (write it as 1250000 or 1250000.50: no thousands separators, currency or percent sign)',
    );
    expect(refused('{\n  "total_deposits": true\n}', "q.json")).toBe(
      "REG334 q.json line 2, field total_deposits: true is not a number",
    );
    expect(refused("figure,value\ntotal_deposits,1\ntotal_deposits,2\n")).toBe(
      'REG335 q.csv line 3: figure "total_deposits" is given twice (first on line 2)',
    );
    expect(() =>
      readQuarterly("q.csv", new TextEncoder().encode("figure,value\n"), []),
    ).toThrow(
      /^REG336 --quarterly q\.csv: the ruleset declares no `reconcile`/,
    );
  });
});

describe("reconciliation", () => {
  it("a quarterly file with one wrong figure: exactly that difference, with both figures", async () => {
    const report = await validateDelivery(
      delivery(AGGREGATES_DELIVERY),
      loaded,
      {
        rrd: "2024-06-30",
        quarterly: read(
          "figure,value\nnumber_of_depositors,4\ncovered_deposits,150.50\ntotal_deposits,141.30\n",
        ),
      },
    );
    const rec = report.plausibility?.reconciliation;
    expect(rec?.status).toBe("differences");
    expect(
      rec?.figures.map((f) => [
        f.name,
        f.reported,
        f.delivered,
        f.difference,
        f.status,
      ]),
    ).toEqual([
      ["number_of_depositors", 4, 3, -1, "differs"],
      // 0.20 off 150.50 is within 0.5 % (0.7525)
      ["covered_deposits", 150.5, 150.3, -0.2, "within"],
      // exactly the tolerance of 1.00 is within it
      ["total_deposits", 141.3, 140.3, -1, "within"],
    ]);
    expect(rec?.figures[0].message).toBe(
      "number_of_depositors: the quarterly report gives 4, the delivery has 3 (depositors); difference -1, tolerance 0: outside the tolerance",
    );
    // a difference is reported, not a blocking error
    expect(report.status).toBe("accepted");
    const text = summaryText(report);
    expect(text).toContain(
      "reconciliation with DGS-kwartaalrapportage (q.csv): 1 of 3 figures differ",
    );
    expect(text).toContain(
      "  number_of_depositors: the quarterly report gives 4",
    );
    expect(text).not.toContain("  covered_deposits: the quarterly");
    const page = renderHtml(report);
    // one Plausibility section: the reconciliation, then the aggregates, under one heading
    const section = page.indexOf('<h2 id="plausibility">Plausibility</h2>');
    expect(section).toBeGreaterThan(0);
    expect(page.indexOf('<h3 id="reconciliation">')).toBeGreaterThan(section);
    expect(page.indexOf('<h3 id="aggregates">')).toBeGreaterThan(
      page.indexOf('<h3 id="reconciliation">'),
    );
    // before the categories, not after the payout conditions
    expect(page.indexOf('<h3 id="aggregates">')).toBeLessThan(
      page.indexOf('<h2 id="categories">') < 0
        ? Infinity
        : page.indexOf('<h2 id="categories">'),
    );
    expect(page.indexOf('<h2 id="files">')).toBeGreaterThan(
      page.indexOf('<h3 id="aggregates">'),
    );
    // the text summary in the same order
    expect(text.indexOf("reconciliation with")).toBeLessThan(
      text.indexOf("aggregates:"),
    );
  });

  it("a figure the file does not give is missing, never reconciled", () => {
    const r = reconcile(
      decl(),
      [
        {
          name: "depositors",
          title: null,
          measure: "count-ikbs",
          unit: "count",
          value: 3,
          text: "3",
        },
      ],
      read("figure,value\nnumber_of_depositors,3\n"),
    );
    expect(r.figures.map((f) => f.status)).toEqual([
      "within",
      "missing",
      "missing",
    ]);
    expect(r.status).toBe("differences");
  });

  it("a percentage tolerance is of the reported figure, in exact decimals", () => {
    const agg = (text: string) => [
      {
        name: "covered_deposits",
        title: null,
        measure: "sum" as const,
        unit: "amount" as const,
        value: Number(text),
        text,
      },
    ];
    const q = read("figure,value\ncovered_deposits,1000.00\n");
    const status = (text: string) =>
      reconcile(decl(), agg(text), q).figures[1].status;
    expect(status("1005.00")).toBe("within");
    expect(status("995.00")).toBe("within");
    expect(status("1005.01")).toBe("differs");
  });
});

describe("regel validate --quarterly", () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it("refuses a bad quarterly file before the run: exit 2, the line and the field, no stack trace", () => {
    const folder = delivery(AGGREGATES_DELIVERY);
    const q = join(dir, "bad.csv");
    writeFileSync(q, "figure,value\ntotal_deposits,abc\n");
    const r = regel([
      "validate",
      folder,
      "--rrd",
      "2024-06-30",
      "--compiled",
      compiledRoot,
      "--quarterly",
      q,
      "--no-progress",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `regel validate: REG334 ${q} line 2, field value: "abc" is not a number`,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("reports the reconciliation in report.json and the summary", () => {
    const folder = delivery(AGGREGATES_DELIVERY);
    const q = join(dir, "good.json");
    writeFileSync(
      q,
      '{"number_of_depositors": 3, "covered_deposits": 150.30, "total_deposits": 140.30}',
    );
    const r = regel([
      "validate",
      folder,
      "--rrd",
      "2024-06-30",
      "--compiled",
      compiledRoot,
      "--quarterly",
      q,
      "--json",
      "--no-progress",
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.plausibility.reconciliation.status).toBe("reconciled");
    expect(report.aggregates.map((a: { name: string }) => a.name)).toContain(
      "depositors",
    );
  });
});
