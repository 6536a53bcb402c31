/**
 * Names that are also properties of every JavaScript object (issue 16): rule codes `constructor`,
 * `__proto__`, `toString`, `hasOwnProperty` and `valueOf`, a category `constructor` and an entity
 * `constructor` go through check, compile, validate, record, history, assess, diff and trace with
 * exact counts. The history used to store "function Object() { [native code] }2" as the count of
 * `constructor` and lose `__proto__` (plain objects as maps); a record without an IKB saw a
 * `constructor` entity in its empty IKB.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runExamples } from "../../interpreter/example-runner.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { runFromReport } from "../../audit/history.js";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt, hasStackTrace, regel, ROOT } from "./cli-helpers.js";

const CODES = [
  "constructor",
  "toString",
  "hasOwnProperty",
  "__proto__",
  "valueOf",
];

/** Rule `code` finds records whose amount is `amount`. */
const rule = (code: string, amount: number) => `
rule ${code} "Rule ${code}"
  assumption "a test rule"
  severity signalling
  implements br art 2
  for NP${code === "__proto__" ? ".amount" : ""}
  require ${code === "__proto__" ? "value" : "amount"} is absent or ${code === "__proto__" ? "value" : "amount"} != ${amount}
  example fail NP { customer_id: "1", amount: ${amount} }
  example pass NP { customer_id: "1" }
`;

const RULESET = `ruleset t.proto@1.0.0 "Proto"
  valid from 2022-01-01 until 2024-01-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  role by customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field amount: integer

entity constructor "Address"
  file "ad.csv"
  key ikb_id, address_id
  field ikb_id: text(40) required
  field address_id: text(40) required

ikb "IKB"
  key ikb_id
  depositor NP by customer_id

payout identity_established 1 "Identiteit vastgesteld"
  implements br art 2

metric automated_controls_pass: percent "Share"
${CODES.map((c, i) => rule(c, i + 1)).join("")}
rule hasaddr "Adres ontbreekt"
  assumption "a test rule"
  severity signalling
  implements br art 2
  for NP
  require exists(constructor)
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "1" } with constructor { address_id: "A1" }

category constructor "Cat"
  blocks identity_established
  implements br art 2
  result constructor (D)
  result __proto__ (D)
`;

/** The next version drops `toString` (for regel diff). */
const NEXT = `ruleset t.proto@1.1.0 "Proto"
  extends t.proto@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"

remove rule toString
`;

describe("rule codes, a category and an entity named like Object.prototype properties, end to end", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-proto-"));
  const history = join(dir, "h.sqlite");
  const validate = (folder: string, rrd: string, out: string) =>
    regel([
      "validate",
      join(dir, folder),
      "--ruleset",
      "t.proto@1.0.0",
      "--rrd",
      rrd,
      "--compiled",
      join(dir, "compiled"),
      "--out",
      join(dir, out),
      "--no-progress",
    ]);

  beforeAll(() => {
    ensureBuilt();
    mkdirSync(join(dir, "rs"));
    writeFileSync(join(dir, "rs", "proto.regel"), RULESET);
    writeFileSync(join(dir, "rs", "proto-1.1.0.regel"), NEXT);
    mkdirSync(join(dir, "d1"));
    // amount i+1 breaks CODES[i]; I9 has no address (a row without an IKB key would be a blocking input problem)
    writeFileSync(
      join(dir, "d1", "np.csv"),
      "ikb_id,customer_id,amount\nI1,I1,1\nI1,X1,2\nI2,I2,3\nI3,I3,4\nI4,I4,1\nI5,I5,\nI6,I6,4\nI7,I7,5\nI9,I9,\n",
    );
    writeFileSync(
      join(dir, "d1", "ad.csv"),
      "ikb_id,address_id\nI1,A1\nI2,A2\n",
    );
    mkdirSync(join(dir, "d2"));
    writeFileSync(
      join(dir, "d2", "np.csv"),
      "ikb_id,customer_id,amount\nI1,I1,1\nI2,I2,\n",
    );
    writeFileSync(
      join(dir, "d2", "ad.csv"),
      "ikb_id,address_id\nI1,A1\nI2,A2\n",
    );
  }, 180_000);

  it("regel check and regel compile accept them", () => {
    const check = regel(["check", join(dir, "rs")]);
    expect(check.stdout).toContain("2 files, 2 rulesets: 0 errors, 0 warnings");
    expect(check.code).toBe(0);
    const compile = regel([
      "compile",
      join(dir, "rs"),
      "--out",
      join(dir, "compiled"),
    ]);
    expect(compile.stderr).toBe("");
    expect(compile.code).toBe(0);
  });

  it("regel validate counts every rule, the category and the IKBs exactly", async () => {
    const v = validate("d1", "2022-12-30", "o1");
    expect(hasStackTrace(v.stderr)).toBe(false);
    expect(v.code).toBe(0);
    const report = (
      await import(join(dir, "o1", "report.json"), {
        with: { type: "json" },
      })
    ).default as Report;
    const counts = Object.fromEntries(
      [...report.rules, ...report.secondaryRules].map((r) => [r.code, r.count]),
    );
    expect(counts).toEqual({
      constructor: 2,
      toString: 1,
      hasOwnProperty: 1,
      ["__proto__"]: 2,
      valueOf: 1,
      // I3..I7 and I9 have no address
      hasaddr: 6,
    });
    expect(report.categories.map((c) => [c.name, c.count])).toEqual([
      ["constructor", 4],
    ]);
    expect(report.ikbs).toEqual({
      count: 8,
      meetingAutomatedControls: 4,
      percentage: 50,
      ungroupedRows: 0,
    });
    expect(validate("d2", "2023-06-30", "o2").code).toBe(0);
  });

  it("regel record and regel history keep the count of every code, and errors is a number", () => {
    for (const [id, out, at] of [
      ["d1", "o1", "2023-04-03T10:00:00+02:00"],
      ["d2", "o2", "2023-07-03T10:00:00+02:00"],
    ]) {
      const r = regel([
        "record",
        join(dir, out, "report.json"),
        "--bank",
        "B",
        "--delivery-id",
        id,
        "--delivered-at",
        at,
        "--history",
        history,
      ]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    const h = regel(["history", "--history", history, "--json"]);
    expect(h.code).toBe(0);
    const runs = JSON.parse(h.stdout);
    expect(runs.map((r: { errors: unknown }) => r.errors)).toEqual([13, 1]);
    expect(runs[0].findings).toEqual({
      ["__proto__"]: 2,
      constructor: 2,
      hasOwnProperty: 1,
      hasaddr: 6,
      toString: 1,
      valueOf: 1,
    });
    expect(Object.keys(runs[0].findings)).toContain("__proto__");
  });

  it("regel assess compares the error figures of the two years' deliveries", () => {
    const a = regel([
      "assess",
      "--bank",
      "B",
      "--year",
      "2023",
      "--history",
      history,
      "--rulesets",
      join(ROOT, "rulesets"),
      "--json",
    ]);
    expect(hasStackTrace(a.stderr)).toBe(false);
    expect(a.code).toBe(0);
    // the 13 errors of d1 are all findings of rules named like Object.prototype properties
    expect(a.stdout).toContain(
      "previous year 13 signalling validation errors / 8 IKBs = 162.50 % in d1 (RRD 2022-12-30) -> 1 signalling validation errors / 2 IKBs = 50.00 % in d2 (RRD 2023-06-30)",
    );
  });

  it("regel diff and regel trace name them", () => {
    const diff = regel([
      "diff",
      "t.proto@1.0.0",
      "t.proto@1.1.0",
      "--rulesets",
      join(dir, "rs"),
    ]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("Rules: 0 added, 1 removed, 0 changed");
    expect(diff.stdout).toContain("- toString Rule toString");
    const trace = regel([
      "trace",
      "__proto__",
      "--rulesets",
      join(dir, "rs"),
      "--json",
    ]);
    expect(trace.code).toBe(0);
    expect(trace.stdout).toContain('"constructor"');
  });
});

describe("the examples of such a ruleset", () => {
  it("run in the reference interpreter as written: every pass passes and every fail fails", () => {
    const project = loadProjectFromTexts(new Map([["proto.regel", RULESET]]));
    expect(project.diagnostics).toEqual([]);
    const results = runExamples(project.rulesets[0]);
    expect(results).toHaveLength(2 * (CODES.length + 1));
    for (const r of results)
      expect([r.rule, r.example, r.actual]).toEqual([
        r.rule,
        r.example,
        r.expected,
      ]);
  });
});

describe("runFromReport", () => {
  it("counts findings per rule code with a Map: no code is special", () => {
    const rule = (code: string, count: number) => ({ code, count });
    const run = runFromReport(
      {
        rrd: "2023-03-31",
        status: "accepted",
        ruleset: { id: "t@1.0.0" },
        ikbs: null,
        blockingErrors: [],
        inputProblems: [{ count: 1 }],
        rules: CODES.map((c, i) => rule(c, i + 1)),
        secondaryRules: [rule("constructor", 10), rule("isPrototypeOf", 0)],
      } as unknown as Report,
      { bank: "B", deliveryId: "d", deliveredAt: "2023-04-03T10:00:00Z" },
    );
    expect({ ...run.findings }).toEqual({
      constructor: 11,
      toString: 2,
      hasOwnProperty: 3,
      ["__proto__"]: 4,
      valueOf: 5,
    });
    expect(Object.keys(run.findings)).toHaveLength(5);
    expect(run.errors).toBe(11 + 2 + 3 + 4 + 5 + 1);
  });
});
