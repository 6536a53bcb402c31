/**
 * Named and dated parameters (docs/language.md, Parameters): the value whose period holds the RRD
 * applies, in the compiled validators (through `regel check`'s example run) and in the reference
 * interpreter alike; norms read the value of their period's first day; `regel trace` lists the
 * parameters a rule reads and `regel diff` shows a changed period as a change; the shipped
 * groeipad states its percentages as parameters with the same norms as before.
 */
import { describe, expect, it } from "vitest";
import { diffRulesets, diffText } from "../../audit/ruleset-diff.js";
import { traceRule, traceText } from "../../audit/trace-query.js";
import { checkExamplesCompiled } from "../../cli/example-check.js";
import { runExamples } from "../../interpreter/example-runner.js";
import { loadProject } from "../../dsl/project.js";
import { printExpr } from "../../dsl/printer.js";
import { load } from "./checker-helpers.js";

const V1 = `ruleset t.param@1.0.0 "Param"
  valid from 2020-01-01 until 2026-01-01
  source dgs "Directive 2014/49/EU"

parameter coverage_limit: money "Coverage level"
  assumption "the raise is invented for the test"
  implements dgs art 6
  from 2020-01-01 until 2025-01-01 value 100000
  from 2025-01-01 value 120000.00

parameter pass_norm: percent "Norm"
  assumption "test"
  from 2020-01-01 until 2023-01-01 value 90 %
  from 2023-01-01 value 95 %

metric automated_controls_pass: percent "Share"

norm groeipad "Groeipad"
  implements dgs art 6
  year 2022: automated_controls_pass >= pass_norm
  from 2023-01-01: automated_controls_pass >= pass_norm

entity BA "Bank account"
  file "ba.csv"
  key account_id
  field account_id: text(40) required
  field balance: money

rule cov0001 "Boven de limiet"
  assumption "test"
  severity signalling
  implements dgs art 6
  for BA
  when balance is present
  require balance <= coverage_limit
  example fail rrd 2024-12-31 BA { account_id: "A1", balance: 110000.00 }
  example pass rrd 2025-01-01 BA { account_id: "A1", balance: 110000.00 }
  example pass rrd 2024-12-31 BA { account_id: "A1", balance: 100000.00 }
  example fail rrd 2025-01-01 BA { account_id: "A1", balance: 120000.01 }
  example fail BA { account_id: "A1", balance: 150000.01 }
  example pass BA { account_id: "A1", balance: 50000.00 }
`;

const V2 = `ruleset t.param@1.1.0 "Param"
  extends t.param@1.0.0
  valid from 2026-01-01
  source dgs "Directive 2014/49/EU"

replace parameter coverage_limit: money "Coverage level"
  assumption "the raise is invented for the test"
  implements dgs art 6
  from 2020-01-01 until 2025-01-01 value 100000
  from 2025-01-01 until 2027-01-01 value 120000.00
  from 2027-01-01 value 150000.00
`;

const project = load({ "a.regel": V1, "b.regel": V2 });
const [v1, v2] = ["t.param@1.0.0", "t.param@1.1.0"].map((id) =>
  project.rulesets.find((r) => r.id === id)!,
);

describe("parameters", () => {
  it("check cleanly", () => {
    expect(project.diagnostics).toEqual([]);
  });

  it("take the value whose period holds the RRD, in the interpreter and the compiled validators", async () => {
    const interpreted = runExamples(v1);
    expect(interpreted.map((r) => [r.example, r.actual])).toEqual(
      interpreted.map((r) => [r.example, r.expected]),
    );
    expect(interpreted).toHaveLength(6);
    const compiled = await checkExamplesCompiled(project, { cacheDir: null });
    expect(compiled.diagnostics).toEqual([]);
  });

  it("give a norm the value of its period's first day", () => {
    const norm = v1.norms[0];
    expect(
      norm.periods.map((p) => p.requirements.map((r) => printExpr(r.value))),
    ).toEqual([["90 %"], ["95 %"]]);
  });

  it("are listed by regel trace with every period", () => {
    const t = traceRule(project.rulesets, "cov0001", { version: "1.0.0" });
    expect(t.versions[0].parameters).toEqual([
      expect.objectContaining({
        name: "coverage_limit",
        type: "money",
        articles: ["dgs art 6"],
        values: [
          { from: "2020-01-01", until: "2025-01-01", value: "100000" },
          { from: "2025-01-01", until: null, value: "120000.00" },
        ],
      }),
    ]);
    expect(traceText(t)).toContain("from 2025-01-01: 120000.00");
  });

  it("show a changed period as a change in regel diff", () => {
    const d = diffRulesets(v1, v2);
    const p = d.other.find((o) => o.kind === "parameter");
    expect(p?.changed.map((c) => c.name)).toEqual(["coverage_limit"]);
    expect(p?.changed[0].to).toContain(
      "from 2025-01-01 until 2027-01-01 value 120000.00; from 2027-01-01 value 150000.00",
    );
    expect(diffText(d)).toContain("~ parameter coverage_limit");
  });
});

describe("the shipped groeipad", () => {
  it("states its percentages as parameters, with the norms of the groeipad", async () => {
    const shipped = await loadProject(["rulesets"]);
    const g = shipped.rulesets.find((r) => r.id === "ikb.groeipad@1.0.0")!;
    expect(g.parameters.map((p) => p.name.name)).toEqual([
      "automated_controls_norm",
      "error_reduction_norm",
    ]);
    const norm = g.norms.find((n) => n.name.name === "groeipad_ikb_bestand")!;
    const pass = norm.periods.map((p) =>
      p.requirements
        .filter((r) => r.metric.name === "automated_controls_pass" && !r.aim)
        .map((r) => `${r.parameter?.name} ${printExpr(r.value)}`)
        .join(),
    );
    expect(pass).toEqual([
      "automated_controls_norm 60 %",
      "automated_controls_norm 80 %",
      "automated_controls_norm 90 %",
      "automated_controls_norm 95 %",
      "automated_controls_norm 95 %",
    ]);
  });
});

describe("an inherited parameter", () => {
  const V10 = `ruleset t.p@1.0.0
  valid from 2020-01-01 until 2024-01-01
  source dgs "DGS"

parameter coverage_limit: money "Coverage"
  implements dgs art 6
  from 2020-01-01 until 2024-01-01 value 100000.00

entity BA "Bank account"
  file "bank_account.csv"
  key account_id
  field account_id: text(40) required
  field covered: money

rule cov0002 "Gedekt bedrag boven de limiet"
  meaning "m" from dgs art 6
  severity signalling
  implements dgs art 6
  for BA
  when covered is present
  require covered <= coverage_limit
  example fail BA { account_id: "A1", covered: 100000.01 }
  example pass BA { account_id: "A1", covered: 1.00 }
`;
  const V11 = `ruleset t.p@1.1.0
  extends t.p@1.0.0
  valid from 2024-01-01
  source dgs "DGS"
`;

  it("must cover the inheriting version's validity too: REG244 at its `extends`", () => {
    const diagnostics = load({
      "t.p/1.0.0.regel": V10,
      "t.p/1.1.0.regel": V11,
    }).diagnostics.filter((d) => d.code === "REG244");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: "error",
      span: { file: "t.p/1.1.0.regel", start: { line: 2 } },
    });
    expect(diagnostics[0].message).toContain(
      "inherited parameter `coverage_limit` has no value for RRDs from 2024-01-01 on, while ruleset `t.p@1.1.0` is in force then",
    );
    // a version that gives the parameter its own periods has no gap
    const replaced = `${V11}
replace parameter coverage_limit: money "Coverage"
  implements dgs art 6
  from 2024-01-01 value 100000.00
`;
    expect(
      load({
        "t.p/1.0.0.regel": V10,
        "t.p/1.1.0.regel": replaced,
      }).diagnostics.filter((d) => d.severity === "error"),
    ).toEqual([]);
  });
});
