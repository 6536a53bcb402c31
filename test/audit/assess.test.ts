/**
 * The groeipad assessment over hand-made histories and the shipped ikb.groeipad / ikb.handhaving
 * / nl.werkdagen rulesets: verdicts and evidence, working days with a holiday and a time zone, error
 * reduction at the 20 % boundary, unknown bank or year, and the HTML page's escaping and chart.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { findRuleset, loadProject } from "../../dsl/project.js";
import {
  amsterdamDate,
  assess,
  AssessError,
  type Assessment,
} from "../../audit/assess.js";
import { assessmentHtml, assessmentText } from "../../audit/assess-render.js";
import type { RunRecord } from "../../audit/history.js";

let groeipad: ResolvedRuleset;
let handhaving: ResolvedRuleset;
beforeAll(async () => {
  const project = await loadProject(["rulesets"]);
  groeipad = findRuleset(project, "ikb.groeipad")!;
  handhaving = findRuleset(project, "ikb.handhaving")!;
});

let nextId = 1;
function run(
  p: Partial<RunRecord> & Pick<RunRecord, "rrd" | "deliveredAt" | "accepted">,
): RunRecord {
  return {
    id: nextId++,
    bank: "BANK1",
    deliveryId: `D${nextId}`,
    ruleset: "ikb.glo@1.3.0",
    ikbs: 1000,
    ikbsMeetingControls: 950,
    percentage: 95,
    blockingErrors: p.accepted ? 0 : 3,
    errors: 50,
    findings: {},
    ...p,
  };
}

/** 2021: accepted with 100 errors. 2022 (RRD Friday 22 April): one rejected, then accepted. */
function history(
  overrides: { accepted2022?: Partial<RunRecord> } = {},
): RunRecord[] {
  return [
    run({
      deliveryId: "2021-a",
      rrd: "2021-05-07",
      deliveredAt: "2021-05-10T10:00:00+02:00",
      accepted: true,
      errors: 100,
      percentage: 82.5,
    }),
    run({
      deliveryId: "2022-a",
      rrd: "2022-04-22",
      deliveredAt: "2022-04-25T09:00:00+02:00",
      accepted: false,
      errors: 120,
    }),
    run({
      deliveryId: "2022-b",
      rrd: "2022-04-22",
      deliveredAt: "2022-04-28T17:00:00+02:00",
      accepted: true,
      errors: 80,
      percentage: 91.25,
      ikbs: 800,
      ikbsMeetingControls: 730,
      ...overrides.accepted2022,
    }),
    run({
      bank: "OTHER",
      deliveryId: "x",
      rrd: "2022-04-22",
      deliveredAt: "2022-04-23T10:00:00Z",
      accepted: true,
    }),
  ];
}

function requirement(
  a: Assessment,
  metric: string,
  norm = "groeipad_ikb_bestand",
) {
  const r = a.norms
    .find((n) => n.norm === norm)
    ?.requirements.find((x) => x.metric === metric);
  if (!r) throw new Error(`no requirement ${metric} in ${norm}`);
  return r;
}

describe("assess", () => {
  it("2022: pass rate, working days (Koningsdag skipped), error reduction, acceptance", () => {
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: history(),
      groeipad,
      handhaving,
    });
    expect(a.rrd).toBe("2022-04-22");
    expect(a.deliveries.map((d) => d.deliveryId)).toEqual(["2022-a", "2022-b"]);
    expect(a.deliveriesBeforeAcceptance).toBe(1);
    expect(a.deliveriesUntilAccepted).toBe(2);
    expect(requirement(a, "automated_controls_pass")).toMatchObject({
      requirement: "automated_controls_pass >= 90 %",
      measured: "91.25 %",
      verdict: "met",
    });
    // Mon 25, Tue 26, (Wed 27 Koningsdag), Thu 28: three working days.
    const within = requirement(a, "accepted_within");
    expect(within).toMatchObject({ measured: "3 workdays", verdict: "met" });
    expect(within.evidence).toContain("Logius receipt is no proof of delivery");
    expect(requirement(a, "error_reduction")).toMatchObject({
      measured: "20.00 %",
      verdict: "met",
    });
    expect(requirement(a, "error_reduction").evidence).toContain(
      "100 validation errors in previous accepted delivery 2021-a",
    );
    expect(requirement(a, "delivery_accepted").verdict).toBe("met");
    expect(requirement(a, "manual_findings_resolved").verdict).toBe(
      "no evidence",
    );
    expect(
      a.norms.find((n) => n.norm === "groeipad_ikb_bestand")?.verdict,
    ).toBe("incomplete");
  });

  it("a delivery late in the evening UTC counts on the Dutch calendar day", () => {
    expect(amsterdamDate("2022-04-28T23:30:00Z")).toBe("2022-04-29");
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: history({ accepted2022: { deliveredAt: "2022-04-28T23:30:00Z" } }),
      groeipad,
      handhaving,
    });
    expect(requirement(a, "accepted_within")).toMatchObject({
      measured: "4 workdays",
      verdict: "not met",
    });
    expect(
      a.norms.find((n) => n.norm === "groeipad_ikb_bestand")?.verdict,
    ).toBe("not met");
  });

  it("orders deliveries by instant, not by the text of their offsets", () => {
    // 23:30 at UTC-5 on the 27th is 04:30 UTC on the 28th: after the 03:00+02:00 delivery (01:00 UTC).
    const runs = [
      run({
        deliveryId: "late",
        rrd: "2022-04-22",
        deliveredAt: "2022-04-27T23:30:00-05:00",
        accepted: true,
      }),
      run({
        deliveryId: "early",
        rrd: "2022-04-22",
        deliveredAt: "2022-04-28T03:00:00+02:00",
        accepted: false,
      }),
    ];
    const a = assess({ bank: "BANK1", year: 2022, runs, groeipad, handhaving });
    expect(a.deliveries.map((d) => d.deliveryId)).toEqual(["early", "late"]);
    expect(a.deliveriesBeforeAcceptance).toBe(1);
  });

  it("19 % fewer errors does not meet the 20 % reduction; a pass rate below the norm is not met", () => {
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: history({ accepted2022: { errors: 81, percentage: 89.99 } }),
      groeipad,
      handhaving,
    });
    expect(requirement(a, "error_reduction")).toMatchObject({
      measured: "19.00 %",
      verdict: "not met",
    });
    expect(requirement(a, "automated_controls_pass")).toMatchObject({
      measured: "89.99 %",
      verdict: "not met",
    });
  });

  it("without an earlier accepted delivery, the error reduction has no evidence", () => {
    const a = assess({
      bank: "BANK1",
      year: 2021,
      runs: history(),
      groeipad,
      handhaving,
    });
    expect(requirement(a, "error_reduction").verdict).toBe("no evidence");
    expect(requirement(a, "automated_controls_pass")).toMatchObject({
      requirement: "automated_controls_pass >= 80 %",
      verdict: "met",
    });
  });

  it("no accepted delivery: not accepted, no working days, deliveries before acceptance = all", () => {
    const runs = history().filter((r) => r.deliveryId !== "2022-b");
    const a = assess({ bank: "BANK1", year: 2022, runs, groeipad, handhaving });
    expect(requirement(a, "delivery_accepted")).toMatchObject({
      measured: "false",
      verdict: "not met",
    });
    expect(requirement(a, "accepted_within").verdict).toBe("no evidence");
    expect(a.deliveriesUntilAccepted).toBeNull();
    expect(a.deliveriesBeforeAcceptance).toBe(1);
  });

  it("lists every enforcement measure with legal basis and preconditions, as options", () => {
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: history(),
      groeipad,
      handhaving,
    });
    expect(a.measures.map((m) => m.name).sort()).toEqual(
      handhaving.measures.map((m) => m.name.name).sort(),
    );
    const boete = a.measures.find((m) => m.name === "bestuurlijke_boete")!;
    expect(boete.character).toBe("punitive");
    expect(boete.legalBasis).toContain(
      "wft art 1:80 (Wet op het financieel toezicht)",
    );
    expect(boete.preconditions.length).toBeGreaterThan(0);
    expect(boete.fine).toBe("category 1, base 10000.00 EUR");
    expect(a.maatwerk).toContain("maatwerk");
    expect(assessmentText(a)).toContain("options, not a decision");
  });

  it("the chart has this bank's pass rate per year against 60 / 80 / 90 / 95", () => {
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: history(),
      groeipad,
      handhaving,
    });
    expect(a.chart).toEqual([
      { year: 2020, percentage: null, norm: 60 },
      { year: 2021, percentage: 82.5, norm: 80 },
      { year: 2022, percentage: 91.25, norm: 90 },
      { year: 2023, percentage: null, norm: 95 },
    ]);
  });

  it("an unknown bank lists the banks; a year without norms or deliveries lists what exists", () => {
    expect(() =>
      assess({
        bank: "NOPE",
        year: 2022,
        runs: history(),
        groeipad,
        handhaving,
      }),
    ).toThrow(
      new AssessError(
        "no recorded runs of bank NOPE; banks in the history: BANK1, OTHER",
      ),
    );
    expect(() =>
      assess({
        bank: "BANK1",
        year: 2019,
        runs: history(),
        groeipad,
        handhaving,
      }),
    ).toThrow(/no norm for 2019; norm years: 2020, 2021, 2022, 2023/);
    expect(() =>
      assess({
        bank: "BANK1",
        year: 2023,
        runs: history(),
        groeipad,
        handhaving,
      }),
    ).toThrow(
      /BANK1 has no recorded deliveries with an RRD in 2023; years with deliveries: 2021, 2022/,
    );
  });
});

describe("assess with evidence from the supervisor's file", () => {
  const audits2023 = {
    audit_year_end: "2023-03-31",
    audit_reports_delivered_on: "2023-08-31",
    isae3402_type: 2,
    iad_positive_opinion: true,
    auditor_unqualified_opinion: false,
    findings_measures_taken: true,
  };
  const runs2023 = () => [
    ...history(),
    run({
      deliveryId: "2023-a",
      rrd: "2023-04-21",
      deliveredAt: "2023-04-24T10:00:00+02:00",
      accepted: true,
      errors: 40,
      percentage: 96,
    }),
  ];

  it("judges the audit norm: on time on 31 August, a qualified opinion is not met", () => {
    const a = assess({
      bank: "BANK1",
      year: 2023,
      runs: runs2023(),
      groeipad,
      handhaving,
      evidence: { values: audits2023, source: "bank1-2023.json" },
    });
    expect(
      requirement(a, "audit_reports_delivered_on", "groeipad_audits"),
    ).toMatchObject({
      measured: "2023-08-31",
      verdict: "met",
      evidence: "from bank1-2023.json",
    });
    expect(requirement(a, "audit_year_end", "groeipad_audits").verdict).toBe(
      "met",
    );
    expect(requirement(a, "isae3402_type", "groeipad_audits").verdict).toBe(
      "met",
    );
    expect(
      requirement(a, "auditor_unqualified_opinion", "groeipad_audits").verdict,
    ).toBe("not met");
    expect(a.norms.find((n) => n.norm === "groeipad_audits")?.verdict).toBe(
      "not met",
    );
    const late = assess({
      bank: "BANK1",
      year: 2023,
      runs: runs2023(),
      groeipad,
      handhaving,
      evidence: {
        values: { ...audits2023, audit_reports_delivered_on: "2023-09-01" },
        source: "e.json",
      },
    });
    expect(
      requirement(late, "audit_reports_delivered_on", "groeipad_audits")
        .verdict,
    ).toBe("not met");
  });

  it("from 2024 the five-month deadline is derived from the two audit dates", () => {
    const runs = [
      ...runs2023(),
      run({
        deliveryId: "2024-a",
        rrd: "2024-04-19",
        deliveredAt: "2024-04-22T10:00:00+02:00",
        accepted: true,
        errors: 10,
        percentage: 100,
      }),
    ];
    const on = (delivered: string) =>
      requirement(
        assess({
          bank: "BANK1",
          year: 2024,
          runs,
          groeipad,
          handhaving,
          evidence: {
            values: {
              audit_year_end: "2024-03-31",
              audit_reports_delivered_on: delivered,
            },
            source: "e.json",
          },
        }),
        "audit_reports_delay",
        "groeipad_audits",
      ).verdict;
    expect(on("2024-08-31")).toBe("met");
    expect(on("2024-09-01")).toBe("not met");
  });

  it("refuses unknown metrics and metrics measured from the history", () => {
    const args = {
      bank: "BANK1",
      year: 2023,
      runs: runs2023(),
      groeipad,
      handhaving,
    };
    expect(() =>
      assess({
        ...args,
        evidence: {
          values: { audit_report_delivered: "2023-08-01" },
          source: "e.json",
        },
      }),
    ).toThrow(
      /e\.json: unknown metric audit_report_delivered; metrics of ikb\.groeipad@1\.0\.0: .*audit_reports_delivered_on/,
    );
    expect(() =>
      assess({
        ...args,
        evidence: { values: { automated_controls_pass: 99 }, source: "e.json" },
      }),
    ).toThrow(/measured from the history/);
  });
});

describe("assessment HTML", () => {
  it("escapes every value, has no scripts or external resources, and an inline SVG chart", () => {
    const evil = '<script>alert("x")</script>';
    const runs = history().map((r) => ({
      ...r,
      bank: r.bank === "BANK1" ? evil : r.bank,
      deliveryId: `${r.deliveryId}<b>`,
    }));
    const html = assessmentHtml(
      assess({ bank: evil, year: 2022, runs, groeipad, handhaving }),
    );
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toMatch(/(src|href)=/);
    expect(html).toMatch(/<svg [^>]*role="img"/);
    // Four norm marks (2020-2023) and two bars (2021, 2022).
    expect(html.match(/<g class="mark norm"/g)).toHaveLength(4);
    expect(html.match(/<rect /g)).toHaveLength(2);
  });
});
