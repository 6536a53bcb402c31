/**
 * `regel validate --previous DIR` (runtime/previous-delivery.ts): the rules that read `previous`
 * compare each record with the record of the same key in the previous delivery, IKB by IKB in
 * step with the delivery (also when both are sorted into several runs); without a previous
 * delivery they are reported as not evaluated — never as passed — in report.json, the terminal
 * summary and the HTML report.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { reportToJson } from "../../runtime/report-json.js";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { summaryText } from "../../runtime/report-text.js";
import type { Report } from "../../runtime/report-types.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

/** The `example.previous` block of docs/language.md. */
const TEXT = (() => {
  const doc = readFileSync("docs/language.md", "utf8");
  const start = doc.indexOf("```regel\nruleset example.previous@1.0.0");
  const end = doc.indexOf("```\n", start + 8);
  return doc.slice(start + "```regel\n".length, end);
})();

let loaded: LoadedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(TEXT, "example.previous/1.0.0.regel");
  loaded = await loadCompiled(join(dir, "out", "example.previous@1.0.0"));
}, 120_000);

const NP = "ikb_id,customer_id,date_of_birth\n";
const BA = "ikb_id,account_id,balance\n";

/** T: three IKBs (one of them new), written out of key order so that both sides are sorted. */
const current = () =>
  delivery({
    "natural_person.csv":
      NP +
      "C3,C3,1980-03-03\nC1,C1,1970-01-01\nC2,C2,1975-05-05\nC1,V1,1990-09-09\n",
    "bank_account.csv":
      BA + "C2,A2,100.00\nC1,A1,50000.00\nC3,A3,70000.00\nC1,A9,10.00\n",
  });

/** T−1: C1 with another date of birth, C2 as in T, C0 gone, C3 not there yet. */
const previous = () =>
  delivery({
    "natural_person.csv":
      NP +
      "C2,C2,1975-05-05\nC0,C0,1960-06-06\nC1,C1,1971-01-01\nC1,V1,1990-09-09\n",
    "bank_account.csv":
      BA + "C1,A1,1500.00\nC0,A0,99.00\nC2,A2,1500.00\nC1,A9,broken\n",
  });

async function run(
  withPrevious: boolean,
  sortBudget?: number,
): Promise<Report> {
  return validateDelivery(current(), loaded, {
    rrd: "2024-06-30",
    maxSamples: 1000,
    showPersonalData: true,
    sortBudget,
    ...(withPrevious ? { previous: previous() } : {}),
  });
}

function found(r: Report): string[] {
  return [...r.rules, ...r.secondaryRules]
    .flatMap((x) => x.samples.map((s) => `${x.code} ${s.key}`))
    .sort();
}

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile(
  JSON.parse(readFileSync("docs/report-schema.json", "utf8")),
);

describe("the previous delivery", () => {
  it("report.json with and without a previous delivery fits docs/report-schema.json", async () => {
    for (const r of [await run(true), await run(false)]) {
      validateSchema(JSON.parse(reportToJson(r)));
      expect(validateSchema.errors ?? []).toEqual([]);
    }
  });

  it("compares each record with the record of the same key in T−1", async () => {
    const r = await run(true);
    expect(found(r)).toEqual([
      "etc0101 ikb_id=C1;customer_id=C1",
      "etc0102 ikb_id=C1;account_id=A1",
    ]);
    expect(r.previousDelivery).toEqual({
      given: true,
      folder: expect.any(String),
      rules: ["etc0101", "etc0102"],
      ikbsMatched: 2,
      ikbsGone: 1,
      files: [
        {
          entity: "NP",
          file: "natural_person.csv",
          status: "read",
          rows: 4,
          rowsSkipped: 0,
        },
        {
          entity: "BA",
          file: "bank_account.csv",
          status: "read",
          rows: 4,
          rowsSkipped: 0,
        },
      ],
    });
    const rules = [...r.rules, ...r.secondaryRules];
    expect(rules.filter((x) => x.notEvaluated !== undefined)).toEqual([]);
    expect(summaryText(r)).toContain("previous delivery (T−1): ");
  });

  it("skips a T−1 record whose IKB key holds a control character or is only invisible characters, as one without a key", async () => {
    const r = await validateDelivery(current(), loaded, {
      rrd: "2024-06-30",
      maxSamples: 1000,
      showPersonalData: true,
      previous: delivery({
        "natural_person.csv":
          NP +
          "C2,C2,1975-05-05\nC0,C0,1960-06-06\nC1,C1,1971-01-01\nC1,V1,1990-09-09\n" +
          "C9\u0000,C9,1960-06-06\n\u200b,C8,1960-06-06\n",
        "bank_account.csv":
          BA + "C1,A1,1500.00\nC0,A0,99.00\nC2,A2,1500.00\nC1,A9,broken\n",
      }),
    });
    expect(found(r)).toEqual(found(await run(true)));
    expect(r.previousDelivery).toMatchObject({ ikbsMatched: 2, ikbsGone: 1 });
    expect(r.previousDelivery!.files[0]).toMatchObject({
      rows: 4,
      rowsSkipped: 2,
    });
  });

  it("counts a T−1 record the reader refuses (a bad closing quote, a quote never closed) as skipped: rows + skipped are its records", async () => {
    const r = await validateDelivery(current(), loaded, {
      rrd: "2024-06-30",
      previous: delivery({
        "natural_person.csv":
          NP +
          'C2,C2,1975-05-05\nC0,"C0"x,1960-06-06\nC1,C1,1971-01-01\nC3,"C3\n',
        "bank_account.csv": BA + "C1,A1,1500.00\nC2,A2,1500.00\n",
      }),
    });
    expect(r.previousDelivery!.files[0]).toMatchObject({
      rows: 2,
      rowsSkipped: 2,
    });
  });

  it("gives the same findings when both deliveries are sorted in many small runs", async () => {
    expect(found(await run(true, 64))).toEqual(found(await run(true)));
  });

  it("reads a T−1 already in key order in step with the delivery: the same findings and counts", async () => {
    const unsorted = await run(true);
    const sorted = await validateDelivery(current(), loaded, {
      rrd: "2024-06-30",
      maxSamples: 1000,
      showPersonalData: true,
      previous: delivery({
        "natural_person.csv":
          NP +
          "C0,C0,1960-06-06\nC1,C1,1971-01-01\nC1,V1,1990-09-09\nC2,C2,1975-05-05\n",
        "bank_account.csv":
          BA + "C0,A0,99.00\nC1,A1,1500.00\nC1,A9,broken\nC2,A2,1500.00\n",
      }),
    });
    expect(found(sorted)).toEqual(found(unsorted));
    expect({ ...sorted.previousDelivery, folder: "" }).toEqual({
      ...unsorted.previousDelivery,
      folder: "",
    });
  });

  it("merges T−1 in passes when it is sorted into more runs than are merged at once", async () => {
    // 60 IKBs, T−1 in reverse order: with a budget of one row per run, 60 runs per file (more
    // than MERGE_FAN_IN), merged in passes; every third date of birth changed since T−1
    const ids = Array.from(
      { length: 60 },
      (_, i) => `K${String(i).padStart(3, "0")}`,
    );
    const t = delivery({
      "natural_person.csv":
        NP + ids.map((k) => `${k},${k},1980-01-01\n`).join(""),
      "bank_account.csv": BA + ids.map((k) => `${k},A${k},10.00\n`).join(""),
    });
    const t1 = delivery({
      "natural_person.csv":
        NP +
        [...ids]
          .reverse()
          .map((k, i) => `${k},${k},${i % 3 === 0 ? "1981" : "1980"}-01-01\n`)
          .join(""),
      "bank_account.csv":
        BA +
        [...ids]
          .reverse()
          .map((k) => `${k},A${k},10.00\n`)
          .join(""),
    });
    const go = (sortBudget?: number) =>
      validateDelivery(t, loaded, {
        rrd: "2024-06-30",
        maxSamples: 1000,
        showPersonalData: true,
        previous: t1,
        sortBudget,
      });
    const many = await go(1);
    expect(found(many)).toEqual(found(await go()));
    expect(found(many)).toHaveLength(20);
    expect(many.previousDelivery?.ikbsMatched).toBe(60);
  });

  it("without a previous delivery the rules are not evaluated, never passed", async () => {
    const r = await run(false);
    expect(found(r)).toEqual([]);
    const rules = [...r.rules, ...r.secondaryRules].filter((x) =>
      ["etc0101", "etc0102"].includes(x.code),
    );
    expect(rules.map((x) => [x.code, x.notEvaluated?.reason])).toEqual([
      [
        "etc0101",
        "the rule reads the previous delivery (T−1) and none was given (regel validate --previous DIR)",
      ],
      [
        "etc0102",
        "the rule reads the previous delivery (T−1) and none was given (regel validate --previous DIR)",
      ],
    ]);
    expect(r.previousDelivery).toEqual({
      given: false,
      folder: null,
      rules: ["etc0101", "etc0102"],
      ikbsMatched: 0,
      ikbsGone: 0,
      files: [],
    });
    expect(summaryText(r)).toContain(
      "NOT EVALUATED (2 rule(s) compare with the previous delivery, and none was given: --previous DIR): etc0101, etc0102",
    );
    const page = renderHtml(r);
    expect(page).toContain('id="previous-delivery"');
    expect(page).toContain("<strong>not evaluated</strong>");
  });

  it("a file missing from T−1: its records read as absent there", async () => {
    const r = await validateDelivery(current(), loaded, {
      rrd: "2024-06-30",
      previous: delivery({ "natural_person.csv": NP + "C1,C1,1971-01-01\n" }),
    });
    expect(found(r)).toEqual(["etc0101 ikb_id=C1;customer_id=C1"]);
    expect(r.previousDelivery?.files.map((f) => f.status)).toEqual([
      "read",
      "missing",
    ]);
  });
});
