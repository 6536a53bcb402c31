/**
 * Durations as parameter values (docs/language.md, Parameters): `parameter max_age: duration`
 * with `value 24 months` per period, used as `rrd - max_age` wherever a literal duration shifts a
 * date today — the value whose period holds the RRD applies, in the compiled validators and in the
 * reference interpreter alike (the examples below sit on both sides of each change); a norm reads
 * a duration parameter like any other; the periods count in one unit (REG133).
 */
import { describe, expect, it } from "vitest";
import { checkExamplesCompiled } from "../../cli/example-check.js";
import { runExamples } from "../../interpreter/example-runner.js";
import { printExpr } from "../../dsl/printer.js";
import { traceRule } from "../../audit/trace-query.js";
import { load } from "./checker-helpers.js";

const RULESET = `ruleset t.dur@1.0.0 "Durations"
  valid from 2020-01-01
  source dgs "Directive 2014/49/EU"

calendar werkdagen "Werkdagen"
  assumption "test calendar"
  weekend saturday, sunday

parameter dormancy: duration "Period without transactions after which a deposit is dormant"
  assumption "the shortening from 2025 is invented for the test"
  implements dgs art 6
  from 2020-01-01 until 2025-01-01 value 24 months
  from 2025-01-01 value 12 months

parameter answer_time: duration "Longest time to answer a request"
  assumption "invented"
  implements dgs art 6
  from 2020-01-01 until 2024-01-01 value 30 s
  from 2024-01-01 value 5 s

parameter notice: duration "Notice period"
  assumption "invented"
  implements dgs art 6
  from 2020-01-01 value 3 workdays

parameter payout_deadline: duration "Payout deadline"
  assumption "invented"
  implements dgs art 6
  from 2020-01-01 until 2024-01-01 value 10 workdays
  from 2024-01-01 value 7 workdays

metric payout_time: duration "Time from the decision to the payout"

norm uitbetaling "Uitbetaling"
  implements dgs art 6
  year 2023: payout_time <= payout_deadline
  from 2024-01-01: payout_time <= payout_deadline

entity BA "Bank account"
  file "ba.csv"
  key account_id
  field account_id: text(40) required
  field last_transaction_date: date
  field received_at: datetime
  field answered_at: datetime
  field noticed_on: date
  field closed_on: date

rule dor0001 "Slapend"
  assumption "test"
  severity signalling
  implements dgs art 6
  for BA
  when last_transaction_date is present
  require last_transaction_date >= rrd - dormancy
  example pass rrd 2024-12-31 BA { account_id: "A", last_transaction_date: 2023-01-31 }
  example fail rrd 2025-01-01 BA { account_id: "A", last_transaction_date: 2023-01-31 }
  example pass rrd 2025-01-31 BA { account_id: "A", last_transaction_date: 2024-01-31 }
  example fail rrd 2025-01-31 BA { account_id: "A", last_transaction_date: 2024-01-30 }

rule ans0001 "Antwoordtijd"
  assumption "test"
  severity signalling
  implements dgs art 6
  for BA
  when received_at is present and answered_at is present
  require answered_at <= received_at + answer_time
  example pass rrd 2023-12-31 BA { account_id: "A", received_at: 2023-06-01T10:00:00Z, answered_at: 2023-06-01T10:00:20Z }
  example fail rrd 2024-01-01 BA { account_id: "A", received_at: 2023-06-01T10:00:00Z, answered_at: 2023-06-01T10:00:20Z }
  example pass rrd 2024-01-01 BA { account_id: "A", received_at: 2023-06-01T10:00:00Z, answered_at: 2023-06-01T10:00:05Z }

rule not0001 "Opzegtermijn"
  assumption "test"
  severity signalling
  implements dgs art 6
  for BA
  when noticed_on is present and closed_on is present
  require closed_on >= noticed_on + notice
  example pass BA { account_id: "A", noticed_on: 2024-01-05, closed_on: 2024-01-10 }
  example fail BA { account_id: "A", noticed_on: 2024-01-05, closed_on: 2024-01-09 }
`;

describe("duration parameters", () => {
  const project = load({ "t.regel": RULESET });
  const rs = project.rulesets[0];

  it("check cleanly", () => {
    expect(project.diagnostics).toEqual([]);
  });

  it("shift a date by the value whose period holds the RRD, interpreted and compiled alike", async () => {
    const interpreted = runExamples(rs);
    expect(interpreted).toHaveLength(9);
    expect(interpreted.map((r) => [r.example, r.actual])).toEqual(
      interpreted.map((r) => [r.example, r.expected]),
    );
    // The compiled validators run the same examples; a verdict that differs is REG408.
    const compiled = await checkExamplesCompiled(project, { cacheDir: null });
    expect(compiled.diagnostics).toEqual([]);
  });

  it("give a norm the value of its period's first day", () => {
    expect(
      rs.norms[0].periods.map((p) =>
        p.requirements.map((r) => printExpr(r.value)),
      ),
    ).toEqual([["10 workdays"], ["7 workdays"]]);
  });

  it("are listed by regel trace with their periods", () => {
    const t = traceRule(project.rulesets, "dor0001", { version: "1.0.0" });
    expect(t.versions[0].parameters).toEqual([
      expect.objectContaining({
        name: "dormancy",
        type: "duration",
        values: [
          { from: "2020-01-01", until: "2025-01-01", value: "24 months" },
          { from: "2025-01-01", until: null, value: "12 months" },
        ],
      }),
    ]);
  });

  it("are rejected where a date cannot move by their unit", () => {
    const p = load({
      "t.regel": RULESET.replace(
        "require last_transaction_date >= rrd - dormancy",
        "require last_transaction_date >= rrd - answer_time and last_transaction_date > rrd - notice - dormancy + 1",
      ),
    });
    expect(p.diagnostics.map((d) => d.code)).toContain("REG303");
  });

  it("in workdays need a calendar (REG304 at the name)", () => {
    const p = load({
      "t.regel": RULESET.replace(
        /calendar werkdagen[^\n]*\n[^\n]*\n[^\n]*\n/,
        "",
      ),
    });
    const d = p.diagnostics.filter((x) => x.code === "REG304");
    expect(d.map((x) => x.message)).toEqual([
      "parameter `notice` counts in workdays, which need a calendar: declare one with `calendar` or `uses` a ruleset that has one",
    ]);
  });
});
