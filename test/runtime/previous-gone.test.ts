/**
 * `regel validate --previous DIR` with a `for previous E` rule (accounts that disappear, the
 * `example.gone` block of docs/language.md): the accounts of T−1 that the delivery no longer has
 * are found within IKBs that stay and with whole IKBs gone (before, between and after the
 * delivery's IKBs), also when both deliveries are sorted in many small runs; each finding names
 * its file and line in T−1 and its IKB, the IKB key masked when it is personal; report.json fits
 * the schema; the terminal and report.html say it; without T−1 the rule is not evaluated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { reportToJson } from "../../runtime/report-json.js";
import { summaryText } from "../../runtime/report-text.js";
import type { Report, Sample } from "../../runtime/report-types.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

/** The `example.gone` block of docs/language.md. */
const TEXT = (() => {
  const doc = readFileSync("docs/language.md", "utf8");
  const start = doc.indexOf("```regel\nruleset example.gone@1.0.0");
  const end = doc.indexOf("```\n", start + 8);
  return doc.slice(start + "```regel\n".length, end);
})();

let loaded: LoadedRuleset;
let personal: LoadedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(TEXT, "example.gone/1.0.0.regel");
  loaded = await loadCompiled(join(dir, "out", "example.gone@1.0.0"));
  // the same ruleset with a personal IKB key: the samples mask it
  const masked = TEXT.replace("example.gone@", "example.masked@").replace(
    "field ikb_id: text(40) required\n  field account_id",
    "field ikb_id: text(40) required personal\n  field account_id",
  );
  const m = await compileAndImport(masked, "example.masked/1.0.0.regel");
  personal = await loadCompiled(join(m.dir, "out", "example.masked@1.0.0"));
}, 120_000);

const NP = "ikb_id,customer_id\n";
const BA = "ikb_id,account_id,balance\n";

/** T: C2 and C4 (C4 lost account B2), C5 new; written out of key order. */
const current = () =>
  delivery({
    "natural_person.csv": NP + "C4,C4\nC2,C2\nC5,C5\n",
    "bank_account.csv": BA + "C4,B1,5.00\nC2,A1,10.00\nC5,E1,1.00\n",
  });

/**
 * T−1: C1 gone (before the delivery's first IKB), C3 gone (between), C6 gone (after its last);
 * C4's B2 gone (B3 too, but without a balance: `when balance > 0`).
 */
const previous = () =>
  delivery({
    "natural_person.csv": NP + "C6,C6\nC4,C4\nC1,C1\nC2,C2\nC3,C3\n",
    "bank_account.csv":
      BA +
      [
        "C6,F1,6.00", // line 2
        "C4,B1,5.00", // line 3
        "C4,B2,7.00", // line 4
        "C1,X1,1.00", // line 5
        "C2,A1,10.00", // line 6
        "C3,Y1,3.00", // line 7
        "C3,Y2,0.00", // line 8
        "C4,B3,0.00", // line 9
      ].join("\n") +
      "\n",
  });

async function run(
  withPrevious: boolean,
  opts: { sortBudget?: number; ruleset?: LoadedRuleset } = {},
): Promise<Report> {
  return validateDelivery(current(), opts.ruleset ?? loaded, {
    rrd: "2024-06-30",
    maxSamples: 1000,
    sortBudget: opts.sortBudget,
    ...(withPrevious ? { previous: previous() } : {}),
  });
}

function gone(r: Report): Sample[] {
  return [...r.rules, ...r.secondaryRules]
    .filter((x) => x.code === "etc0103")
    .flatMap((x) => x.samples);
}

function shown(r: Report): string[] {
  return gone(r)
    .map(
      (s) =>
        `${s.key} ${s.file}:${s.line} ${s.previous?.ikb} ${s.previous?.ikbDelivered}`,
    )
    .sort();
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile(
  JSON.parse(readFileSync("docs/report-schema.json", "utf8")),
);

describe("accounts that disappear, validated with the previous delivery", () => {
  it("finds the accounts of T−1 gone from T: within an IKB that stays and with whole IKBs", async () => {
    const r = await run(true);
    expect(shown(r)).toEqual([
      "ikb_id=C1;account_id=X1 bank_account.csv:5 C1 false",
      "ikb_id=C3;account_id=Y1 bank_account.csv:7 C3 false",
      "ikb_id=C4;account_id=B2 bank_account.csv:4 C4 true",
      "ikb_id=C6;account_id=F1 bank_account.csv:2 C6 false",
    ]);
    expect(gone(r).map((s) => s.message)).toContain(
      "account B2 is no longer delivered",
    );
    expect(r.previousDelivery).toMatchObject({
      given: true,
      ikbsMatched: 2,
      ikbsGone: 3,
    });
    // the findings of gone IKBs count in no IKB: C2, C4 and C5 are the delivery's three
    expect(r.ikbs?.count).toBe(3);
    const rule = [...r.rules, ...r.secondaryRules].find(
      (x) => x.code === "etc0103",
    )!;
    expect([rule.count, rule.records]).toEqual([4, 4]);
    // of the 8 accounts read from T−1
    expect(rule.percentage).toBe(50);
  });

  it("gives the same findings when both deliveries are sorted in many small runs", async () => {
    expect(shown(await run(true, { sortBudget: 64 }))).toEqual(
      shown(await run(true)),
    );
  });

  it("gives the same findings when T−1 is already in key order (read in step, without a sort)", async () => {
    const inOrder = delivery({
      "natural_person.csv": NP + "C1,C1\nC2,C2\nC3,C3\nC4,C4\nC6,C6\n",
      "bank_account.csv":
        BA +
        [
          "C1,X1,1.00",
          "C2,A1,10.00",
          "C3,Y1,3.00",
          "C3,Y2,0.00",
          "C4,B1,5.00",
          "C4,B2,7.00",
          "C4,B3,0.00",
          "C6,F1,6.00",
        ].join("\n") +
        "\n",
    });
    const r = await validateDelivery(current(), loaded, {
      rrd: "2024-06-30",
      maxSamples: 1000,
      previous: inOrder,
    });
    const withoutLines = (x: Report) =>
      gone(x)
        .map((g) => `${g.key} ${g.previous?.ikb} ${g.previous?.ikbDelivered}`)
        .sort();
    expect(withoutLines(r)).toEqual(withoutLines(await run(true)));
    expect(withoutLines(r)).toHaveLength(4);
    expect(r.previousDelivery).toMatchObject({ ikbsMatched: 2, ikbsGone: 3 });
  });

  it("report.json fits the schema; the terminal and report.html say where the record was", async () => {
    const r = await run(true);
    validateSchema(JSON.parse(reportToJson(r)));
    expect(validateSchema.errors ?? []).toEqual([]);
    expect(summaryText(r)).toContain(
      "2 IKBs also in it, 3 of its IKBs no longer delivered",
    );
    const page = renderHtml(r);
    expect(page).toContain("T−1 bank_account.csv:4");
    expect(page).toContain("in T−1 in IKB C4</i>");
    expect(page).toContain("in T−1 in IKB C3, which is no longer delivered");
  });

  it("masks the IKB of a finding when the IKB key field is personal", async () => {
    const r = await run(true, { ruleset: personal });
    const samples = gone(r);
    expect(samples).toHaveLength(4);
    for (const s of samples) {
      expect(s.previous?.ikb).toBe("***");
      expect(s.key).toMatch(/^ikb_id=\*\*\*;account_id=/);
    }
  });

  it("without a previous delivery the rule is not evaluated", async () => {
    const r = await run(false);
    expect(gone(r)).toEqual([]);
    const rule = [...r.rules, ...r.secondaryRules].find(
      (x) => x.code === "etc0103",
    )!;
    expect(rule.notEvaluated?.reason).toContain("none was given");
    expect(r.previousDelivery).toMatchObject({ given: false, ikbsGone: 0 });
  });
});
