import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { validateDelivery } from "../../runtime/delivery.js";
import { reportToJson } from "../../runtime/report-json.js";
import type { Report } from "../../runtime/report-types.js";
import { BA_HEADER, delivery, fake, FIXTURES, NP_HEADER } from "./helpers.js";
import { join } from "node:path";

const OK = join(FIXTURES, "delivery-ok");

function allRules(r: Report) {
  return new Map([...r.rules, ...r.secondaryRules].map((x) => [x.code, x]));
}

describe("validateDelivery on a small delivery", () => {
  it("counts IKBs, categories, payouts and findings per rule", async () => {
    const r = await validateDelivery(OK, await fake(), { rrd: "2022-12-31" });
    expect(r.status).toBe("accepted");
    expect(r.rows).toEqual({ read: 7, validated: 7, rejected: 0 });
    // I1 passes; I2 lacks the depositor's date of birth; I3 has the reliability marking
    expect(r.ikbs).toEqual({
      count: 3,
      meetingAutomatedControls: 1,
      percentage: 33.33,
      ungroupedRows: 0,
    });
    expect(r.categories.map((c) => [c.name, c.count])).toEqual([
      ["identity", 2],
      ["amount", 0],
    ]);
    expect(r.payouts.map((p) => [p.number, p.ikbsBlocked])).toEqual([
      [1, 2],
      [3, 0],
    ]);
    expect(r.groeipad).toMatchObject({
      year: 2022,
      norm: 90,
      meetsNorm: false,
    });
    const rules = allRules(r);
    expect(rules.get("dmc0000")!.count).toBe(3);
    expect(rules.get("dmc0000")!.records).toBe(2);
    expect(rules.get("fil0004")!.samples[0]).toMatchObject({
      file: "bank_account.csv",
      line: 4,
      values: { holder_id: "X9" },
    });
    // the unsorted bank_account.csv went through the external sort
    expect(r.files.map((f) => f.sortedByIkbKey)).toEqual([true, false]);
  });

  it("keeps rule metadata: version, source location and articles", async () => {
    const r = await validateDelivery(OK, await fake(), { rrd: "2022-12-31" });
    const d = r.rules.find((x) => x.code === "dmc0000")!;
    expect(d.origin).toBe("fake.ikb@1.0.0");
    expect(d.location).toEqual({
      file: "test/runtime/fixtures/fake.regel",
      line: 20,
      column: 1,
    });
    expect(d.articles.map((a) => `${a.source} ${a.locator}`)).toEqual([
      "br art 2.2",
      "bk bijlage 3",
    ]);
    // a signalling rule feeding no category is secondary
    expect(r.secondaryRules.map((x) => x.code)).toEqual(["fmt0001", "sec0001"]);
  });

  it("masks personal data unless asked", async () => {
    const masked = await validateDelivery(OK, await fake(), {
      rrd: "2022-12-31",
    });
    const fmt = allRules(masked).get("fmt0001")!;
    expect(fmt.samples[0].values).toEqual({ date_of_birth: "***" });
    expect(reportToJson(masked)).not.toContain("1980-02-30");
    const shown = await validateDelivery(OK, await fake(), {
      rrd: "2022-12-31",
      showPersonalData: true,
    });
    expect(allRules(shown).get("fmt0001")!.samples[0].values).toEqual({
      date_of_birth: "1980-02-30",
    });
    expect(shown.personalDataShown).toBe(true);
  });

  it("gives a byte-identical JSON report for the same input, whatever the sort budget", async () => {
    const rs = await fake();
    const a = reportToJson(
      await validateDelivery(OK, rs, { rrd: "2022-12-31" }),
    );
    const b = reportToJson(
      await validateDelivery(OK, rs, { rrd: "2022-12-31" }),
    );
    const c = reportToJson(
      await validateDelivery(OK, rs, { rrd: "2022-12-31", sortBudget: 1 }),
    );
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a).not.toMatch(/generatedAt/);
  });

  it("caps samples and counts the rest", async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) =>
        `K${String(i).padStart(3, "0")},K${String(i).padStart(3, "0")},,,\n`,
    ).join("");
    const dir = delivery({
      "natural_person.csv": NP_HEADER + rows,
      "bank_account.csv": BA_HEADER,
    });
    const r = await validateDelivery(dir, await fake(), {
      rrd: "2022-12-31",
      maxSamples: 10,
    });
    const d = allRules(r).get("dmc0000")!;
    expect(d.count).toBe(60);
    expect(d.samples).toHaveLength(10);
    expect(d.samplesOmitted).toBe(50);
    expect(r.categories.find((c) => c.name === "amount")!.count).toBe(30);
  });

  it("property: shuffled rows and tiny sort runs give the same counts as sorted input", async () => {
    const rs = await fake();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            ikb: fc.integer({ min: 0, max: 6 }),
            dob: fc.constantFrom("", "1970-01-01", "1999-02-30"),
            accounts: fc.integer({ min: 0, max: 2 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer(),
        async (people, seed) => {
          const np = people.map(
            (p, i) =>
              `I${p.ikb},${i % 3 === 0 ? `I${p.ikb}` : `C${i}`},N${i},${p.dob},\n`,
          );
          const ba = people.flatMap((p, i) =>
            Array.from(
              { length: p.accounts },
              (_, k) => `I${p.ikb},A${i}-${k},,1.00\n`,
            ),
          );
          const sorted = (xs: string[]) => [...xs].sort();
          const shuffled = (xs: string[]) =>
            [...xs].sort(
              (a, b) =>
                ((a.length * 31 + seed) % 7) - ((b.length * 17 + seed) % 7) ||
                (a < b ? 1 : -1),
            );
          const d1 = delivery({
            "natural_person.csv": NP_HEADER + sorted(np).join(""),
            "bank_account.csv": BA_HEADER + sorted(ba).join(""),
          });
          const d2 = delivery({
            "natural_person.csv": NP_HEADER + shuffled(np).join(""),
            "bank_account.csv": BA_HEADER + shuffled(ba).join(""),
          });
          const r1 = await validateDelivery(d1, rs, { rrd: "2022-12-31" });
          const r2 = await validateDelivery(d2, rs, {
            rrd: "2022-12-31",
            sortBudget: 50,
          });
          const sum = (r: Report) => ({
            ikbs: r.ikbs,
            rows: r.rows,
            cats: r.categories.map((c) => c.count),
            rules: [...r.rules, ...r.secondaryRules].map((x) => [
              x.code,
              x.count,
              x.records,
            ]),
          });
          expect(sum(r2)).toEqual(sum(r1));
          expect(r1.ikbs!.count).toBe(new Set(people.map((p) => p.ikb)).size);
        },
      ),
      { numRuns: 25 },
    );
  });
});
