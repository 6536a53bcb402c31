/**
 * Whole-file checks (`require unique a, b`, `require one a per b`): the findings of a delivery
 * name every record involved, with file and line, masked where the field is personal; and a
 * differential property: on random files the compiled module run by the runtime (hash pass,
 * second read, findings in the validate pass) gives exactly the findings of the reference
 * interpreter (docs/language.md, "Whole-file checks").
 */
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../compiler/contract.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { checkFiles } from "../../interpreter/reference-interpreter.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import type { Sample } from "../../runtime/report-types.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

const RULESET = `ruleset t.whole@1.0.0
  valid from 2024-01-01
  source scv "Single customer view"

entity CU "Customer"
  file "customer.csv"
  key customer_id
  field ikb_id: text(40)
  field customer_id: text(4) required
  field national_id: text(9) personal
  field amount: decimal(9,2)
  field born: date
  field branch: integer

ikb "Klantbeeld"
  key ikb_id
  depositor CU by customer_id

rule dup0001 "National id under two customer numbers"
  meaning "A national id is under one customer number only." from scv art 3
  severity blocking
  implements scv art 3
  for file CU
  require one customer_id per national_id
  example fail file CU rows { customer_id: "C1", national_id: "N1" }, { customer_id: "C2", national_id: "N1" }
  example pass file CU rows { customer_id: "C1", national_id: "N1" }, { ikb_id: "K2", customer_id: "C1", national_id: "N1" }

rule dup0002 "Same amount twice for one national id"
  meaning "No two records share national id and amount." from scv art 4
  severity signalling
  implements scv art 4
  for file CU
  require unique national_id, amount
  example fail file CU rows { customer_id: "C1", national_id: "N1", amount: 1.50 }, { customer_id: "C2", national_id: "N1", amount: "1.5" }
  example pass file CU rows { customer_id: "C1", national_id: "N1", amount: 1.50 }, { customer_id: "C2", national_id: "N1", amount: 2.50 }

rule dup0003 "One customer and amount per date and branch"
  meaning "Records of one date and branch agree on customer and amount." from scv art 5
  severity signalling
  implements scv art 5
  for file CU
  require one customer_id, amount per born, branch
  example fail file CU rows { customer_id: "C1", born: 2000-01-01, branch: 1 }, { customer_id: "C2", born: 2000-01-01, branch: 1 }
  example pass file CU rows { customer_id: "C1", born: 2000-01-01, branch: 1 }, { customer_id: "C2", born: 2000-01-01, branch: 2 }

rule dup0004 "Holders per national id"
  meaning "The branch states how many records share the national id." from scv art 6
  severity signalling
  implements scv art 6
  for file CU
  require count per national_id = branch
  example fail file CU rows { customer_id: "C1", national_id: "N1", branch: 1 }, { customer_id: "C2", national_id: "N1", branch: 2 }
  example pass file CU rows { customer_id: "C1", national_id: "N1", branch: 2 }, { customer_id: "C2", national_id: "N1", branch: 2 }
`;

const HEADER = "ikb_id,customer_id,national_id,amount,born,branch";
const RULES = ["dup0001", "dup0002", "dup0003", "dup0004"];

let loaded: LoadedRuleset;
let ruleset: ResolvedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(RULESET, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.whole@1.0.0"));
  const p = loadProjectFromTexts(new Map([["t.regel", RULESET]]));
  ruleset = p.rulesets[0];
});

async function run(rows: string[][], showPersonalData = false) {
  const csv = [HEADER, ...rows.map((r) => r.join(","))].join("\n") + "\n";
  const report = await validateDelivery(
    delivery({ "customer.csv": csv }),
    loaded,
    { rrd: "2024-06-30", showPersonalData, maxSamples: 100_000 },
  );
  return report.rules
    .filter((r) => RULES.includes(r.code))
    .flatMap((r) => r.samples.map((s) => ({ rule: r.code, ...s })));
}

describe("whole-file checks in a delivery", () => {
  it("one a per b: every record of a national id under two customer numbers, each naming the others' lines", async () => {
    const found = await run([
      ["K1", "C1", "111222333", "", "", ""],
      ["K2", "C2", "111222333", "", "", ""],
      ["K3", "C3", "999888777", "", "", ""],
      ["K1", "C1", "111222333", "", "", ""],
    ]);
    const dup = found.filter((f) => f.rule === "dup0001");
    expect(dup.map((f) => f.line).sort()).toEqual([2, 3, 5]);
    const msg =
      'national_id=*** has 2 different values of customer_id in customer.csv: "C1" (lines 2 and 5), "C2" (line 3)';
    expect(dup.map((f) => f.message)).toEqual([msg, msg, msg]);
    expect(dup.every((f) => f.values.national_id === "***")).toBe(true);
    expect(JSON.stringify(found)).not.toContain("111222333");
  });

  it("one a per b: a message names at most 20 lines in all, however many values the group has", async () => {
    // 30 customer numbers, the first on 25 records: each of the 54 findings names 20 lines
    const rows = [
      ...Array.from({ length: 25 }, (_, i) => [`K${i}`, "C0"]),
      ...Array.from({ length: 29 }, (_, i) => [`L${i}`, `C${i + 1}`]),
    ].map(([k, c]) => [k, c, "111222333", "", "", ""]);
    const dup = (await run(rows)).filter((f) => f.rule === "dup0001");
    expect(dup).toHaveLength(54);
    const first = Array.from({ length: 20 }, (_, i) => i + 2).join(", ");
    expect(new Set(dup.map((f) => f.message))).toEqual(
      new Set([
        `national_id=*** has 30 different values of customer_id in customer.csv: "C0" (lines ${first} and 5 more) and 29 more values`,
      ]),
    );
    // the budget spans values: 19 lines of one, then one of the next
    const split = (
      await run(
        [
          ...Array.from({ length: 19 }, (_, i) => [`K${i}`, "C0"]),
          ["L1", "C1"],
          ["L2", "C1"],
          ["L3", "C2"],
        ].map(([k, c]) => [k, c, "111222333", "", "", ""]),
      )
    ).filter((f) => f.rule === "dup0001");
    const lines19 = Array.from({ length: 19 }, (_, i) => i + 2);
    expect(split[0].message).toBe(
      `national_id=*** has 3 different values of customer_id in customer.csv: "C0" (lines ${lines19.slice(0, -1).join(", ")} and 20), "C1" (lines 21 and 1 more) and 1 more value`,
    );
  });

  it("unique a, b: values compare decoded (1.5 = 1.50), absent and invalid values take no part", async () => {
    const found = await run([
      ["K1", "C1", "N1", "1.5", "", ""],
      ["K2", "C2", "N1", "1.50", "", ""],
      ["K3", "C3", "N1", "", "", ""],
      ["K4", "C4", "N1", "", "", ""],
      ["K5", "C5", "N1", "x", "", ""],
      ["K6", "C6", "N1", "x", "", ""],
    ]);
    const dup = found.filter((f) => f.rule === "dup0002");
    expect(dup.map((f) => [f.line, f.message])).toEqual([
      [
        2,
        'national_id=***;amount="1.5" occurs 2 times in customer.csv: lines 2 and 3',
      ],
      [
        3,
        'national_id=***;amount="1.50" occurs 2 times in customer.csv: lines 2 and 3',
      ],
    ]);
  });

  it("count per b = n: the records that share b against the number each states", async () => {
    const found = await run([
      ["K1", "C1", "N1", "", "", "2"],
      ["K2", "C2", "N1", "", "", "3"],
      ["K3", "C3", "N2", "", "", "1"],
      ["K4", "C4", "N3", "", "", "2"],
      ["K5", "C5", "N4", "", "", ""],
    ]);
    const dup = found.filter((f) => f.rule === "dup0004");
    expect(dup.map((f) => [f.line, f.message])).toEqual([
      [
        3,
        'national_id=*** is on 2 records of customer.csv: lines 2 and 3; the row states branch="3"',
      ],
      [
        5,
        'national_id=*** is on 1 record of customer.csv: line 5; the row states branch="2"',
      ],
    ]);
  });

  it("shows personal values when asked", async () => {
    const found = await run(
      [
        ["K1", "C1", "111222333", "", "", ""],
        ["K2", "C2", "111222333", "", "", ""],
      ],
      true,
    );
    expect(found[0].message).toContain('national_id="111222333"');
  });

  it("a clean file has no whole-file finding", async () => {
    const found = await run([
      ["K1", "C1", "N1", "1", "2000-01-01", "1"],
      ["K2", "C2", "N2", "1", "2000-01-02", "1"],
    ]);
    expect(found).toEqual([]);
  });
});

describe("whole-file checks in a file with a dialect", () => {
  it("compare the decoded values: decimal comma and DDMMYYYY dates as the validate pass reads them", async () => {
    const text = RULESET.replace("t.whole@1.0.0", "t.dialect@1.0.0").replace(
      'file "customer.csv"',
      'file "customer.csv" delimiter ";" decimal "," dates "DDMMYYYY"',
    );
    const { dir } = await compileAndImport(text, "d.regel");
    const compiled = await loadCompiled(join(dir, "out", "t.dialect@1.0.0"));
    const rows = [
      ["K1", "C1", "N1", "1,5", "01012000", "1"],
      ["K2", "C2", "N1", "1,50", "01012000", "1"],
      ["K3", "C3", "N2", "2,5", "02012000", "1"],
    ];
    const csv =
      [HEADER.replaceAll(",", ";"), ...rows.map((r) => r.join(";"))].join(
        "\n",
      ) + "\n";
    const report = await validateDelivery(
      delivery({ "customer.csv": csv }),
      compiled,
      { rrd: "2024-06-30", maxSamples: 100_000 },
    );
    const lines = (code: string) =>
      report.rules
        .find((r) => r.code === code)!
        .samples.map((x) => x.line)
        .sort();
    // national id and amount: 1,5 = 1,50
    expect(lines("dup0002")).toEqual([2, 3]);
    // one customer per date and branch: 01012000 twice under C1 and C2
    expect(lines("dup0003")).toEqual([2, 3]);
  });

  it("show the values as delivered, in messages and values alike (not the decoded text)", async () => {
    const text = RULESET.replace("t.whole@1.0.0", "t.dialect@1.0.0").replace(
      'file "customer.csv"',
      'file "customer.csv" delimiter ";" decimal "," dates "DDMMYYYY"',
    );
    const { dir } = await compileAndImport(text, "d.regel");
    const compiled = await loadCompiled(join(dir, "out", "t.dialect@1.0.0"));
    const rows = [
      ["K1", "C1", "N1", "1,5", "01012000", "1"],
      ["K2", "C2", "N1", "1,50", "01012000", "1"],
    ];
    const csv =
      [HEADER.replaceAll(",", ";"), ...rows.map((r) => r.join(";"))].join(
        "\n",
      ) + "\n";
    const report = await validateDelivery(
      delivery({ "customer.csv": csv }),
      compiled,
      { rrd: "2024-06-30", maxSamples: 100_000, showPersonalData: true },
    );
    const shown = (code: string) =>
      report.rules
        .find((r) => r.code === code)!
        .samples.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
        .map((x) => [x.line, x.message, x.values]);
    expect(shown("dup0002")).toEqual([
      [
        2,
        'national_id="N1";amount="1,5" occurs 2 times in customer.csv: lines 2 and 3',
        { national_id: "N1", amount: "1,5" },
      ],
      [
        3,
        'national_id="N1";amount="1,50" occurs 2 times in customer.csv: lines 2 and 3',
        { national_id: "N1", amount: "1,50" },
      ],
    ]);
    expect(shown("dup0003")).toEqual([
      [
        2,
        'born="01012000";branch="1" has 2 different combinations of customer_id, amount in customer.csv: "C1", "1,5" (line 2), "C2", "1,50" (line 3)',
        { born: "01012000", branch: "1", customer_id: "C1", amount: "1,5" },
      ],
      [
        3,
        'born="01012000";branch="1" has 2 different combinations of customer_id, amount in customer.csv: "C1", "1,5" (line 2), "C2", "1,50" (line 3)',
        { born: "01012000", branch: "1", customer_id: "C2", amount: "1,50" },
      ],
    ]);
  });
});

// ---------------------------------------------------------------- differential

const cellArb = {
  ikb: fc.constantFrom("K1", "K2", "K3", ""),
  customer: fc.constantFrom("C1", "C2", "C3", "C12345"),
  national: fc.constantFrom("N111", "N222", "", "N3333333333"),
  amount: fc.constantFrom("1.5", "1.50", "01.5", "2", "", "x", "1.555"),
  born: fc.constantFrom("2000-01-01", "2000-02-30", "", "1999-12-31"),
  branch: fc.constantFrom("1", "01", "2", "", "b"),
};
const rowArb = fc.tuple(
  cellArb.ikb,
  cellArb.customer,
  cellArb.national,
  cellArb.amount,
  cellArb.born,
  cellArb.branch,
);

const personal = new Set(["national_id"]);

function comparable(f: {
  rule: string;
  line?: number | null;
  key: string;
  values: Record<string, string | null>;
  message: string;
}) {
  const values: Record<string, string | null> = {};
  for (const k of Object.keys(f.values).sort())
    values[k] = f.values[k] !== null && personal.has(k) ? "***" : f.values[k];
  return JSON.stringify([f.rule, f.line, f.key, values, f.message]);
}

describe("whole-file checks: compiled runtime = reference interpreter", () => {
  it("on random files", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 0, maxLength: 14 }),
        async (rows) => {
          const compiled = (await run(rows)).map(
            (s: Sample & { rule: string }) => comparable(s),
          );
          const names = HEADER.split(",");
          const interpreted = checkFiles(ruleset, {
            CU: {
              header: names,
              rows: rows.map((r) =>
                Object.fromEntries(names.map((n, i) => [n, r[i]])),
              ),
            },
          })
            .filter((f: Finding) => RULES.includes(f.rule))
            .map(comparable);
          expect(compiled.sort()).toEqual(interpreted.sort());
          for (const c of compiled) seen.add(JSON.parse(c)[0]);
        },
      ),
      { numRuns: 60, seed: 20241203 },
    );
    // not vacuous: every rule had findings in some run
    expect([...seen].sort()).toEqual(RULES);
  });
});
