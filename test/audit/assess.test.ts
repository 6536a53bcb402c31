/**
 * The groeipad assessment over hand-made histories and the shipped ikb.groeipad / ikb.handhaving
 * / nl.werkdagen rulesets: verdicts and evidence, working days with a holiday and a time zone, error
 * reduction at the 20 % boundary, unknown bank or year, and the HTML page's escaping and chart.
 */
import { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { register as registerAssess } from "../../cli/commands/assess.js";
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

/**
 * 2021: accepted with 100 signalling validation errors in 1000 IKBs (10.00 %). 2022 (RRD Friday
 * 22 April): one rejected, then accepted with 64 in 800 IKBs (8.00 %: 20 % fewer) and 16 input
 * problems, which are no validation results.
 */
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
      findings: { dmc0000: 60, omc0005: 40 },
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
      findings: { dmc0000: 64 },
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
    // the two figures compared: 10.00 % of 2021 against 8.00 % of 2022
    expect(requirement(a, "error_reduction")).toMatchObject({
      measured: "20.00 % (10.00 % -> 8.00 %)",
      verdict: "met",
    });
    expect(requirement(a, "error_reduction").evidence).toBe(
      "previous year 100 signalling validation errors / 1000 IKBs = 10.00 % in 2021-a (RRD 2021-05-07) -> 64 signalling validation errors / 800 IKBs = 8.00 % in 2022-b (RRD 2022-04-22)",
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

  it("an accepted delivery recorded before its RRD gives no evidence, never a negative delay that is met", () => {
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: history({
        accepted2022: { deliveredAt: "2020-01-01T10:00:00+02:00" },
      }),
      groeipad,
      handhaving,
    });
    const within = requirement(a, "accepted_within");
    expect(within.verdict).toBe("no evidence");
    expect(within.measured).toBeNull();
    expect(within.evidence).toContain("before its RRD 2022-04-22");
  });

  it("counts only IKB-bestand runs: an accepted verwijzingsportaal run (no IKBs) is no delivery evidence", () => {
    const vp = (p: Partial<RunRecord>) =>
      run({
        deliveryId: "vp-1",
        rrd: "2022-04-22",
        deliveredAt: "2022-04-25T10:00:00+02:00",
        accepted: true,
        ruleset: "vp.bankgegevens@1.0.0",
        ikbs: null,
        ikbsMeetingControls: null,
        percentage: null,
        ...p,
      });
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: [...history().filter((r) => r.deliveryId !== "2022-b"), vp({})],
      groeipad,
      handhaving,
    });
    expect(a.deliveries.map((d) => d.deliveryId)).toEqual(["2022-a"]);
    expect(requirement(a, "delivery_accepted").verdict).toBe("not met");
    expect(requirement(a, "accepted_within").verdict).toBe("no evidence");
    expect(() =>
      assess({
        bank: "BANK1",
        year: 2022,
        runs: [vp({})],
        groeipad,
        handhaving,
      }),
    ).toThrow(
      new AssessError(
        "bank BANK1 has no recorded deliveries of an IKB-bestand with an RRD in 2022; years with deliveries: (none); runs of rulesets without IKBs (vp.bankgegevens@1.0.0) are no groeipad evidence",
      ),
    );
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
      runs: history({
        accepted2022: {
          ikbs: 1000,
          findings: { dmc0000: 81 },
          ikbsMeetingControls: 899,
          percentage: 89.9,
        },
      }),
      groeipad,
      handhaving,
    });
    expect(requirement(a, "error_reduction")).toMatchObject({
      measured: "19.00 % (10.00 % -> 8.10 %)",
      verdict: "not met",
    });
    expect(requirement(a, "automated_controls_pass")).toMatchObject({
      measured: "89.90 %",
      verdict: "not met",
    });
  });

  it("measures the percentage, not the count: a bank that doubles with fewer errors per IKB reduces them", () => {
    const a = assess({
      bank: "BANK1",
      year: 2022,
      runs: history({
        accepted2022: { ikbs: 2000, findings: { dmc0000: 150 } },
      }),
      groeipad,
      handhaving,
    });
    // 150 errors are more than 100, but 7.50 % is 25 % below 10.00 %
    expect(requirement(a, "error_reduction")).toMatchObject({
      measured: "25.00 % (10.00 % -> 7.50 %)",
      verdict: "met",
    });
  });

  it("compares with the previous year only: an accepted delivery two years back does not count", () => {
    const runs = history().map((r) =>
      r.deliveryId === "2021-a"
        ? { ...r, rrd: "2020-05-08", deliveredAt: "2020-05-11T10:00:00+02:00" }
        : r,
    );
    const a = assess({ bank: "BANK1", year: 2022, runs, groeipad, handhaving });
    expect(requirement(a, "error_reduction")).toMatchObject({
      verdict: "no evidence",
      evidence:
        "no accepted delivery in 2021 (the previous year) to compare with",
    });
  });

  it("no errors in either year leaves nothing to reduce; errors after none do not meet it", () => {
    const none = assess({
      bank: "BANK1",
      year: 2022,
      runs: history({ accepted2022: { findings: {} } }).map((r) =>
        r.deliveryId === "2021-a" ? { ...r, findings: {} } : r,
      ),
      groeipad,
      handhaving,
    });
    expect(requirement(none, "error_reduction").verdict).toBe("met");
    const after = assess({
      bank: "BANK1",
      year: 2022,
      runs: history().map((r) =>
        r.deliveryId === "2021-a" ? { ...r, findings: {} } : r,
      ),
      groeipad,
      handhaving,
    });
    expect(requirement(after, "error_reduction").verdict).toBe("not met");
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
    expect(boete.statutoryBasis).toBe("stated");
    expect(boete.legalBasis).toEqual([
      "wft art 1:80 (Wet op het financieel toezicht)",
    ]);
    // informal measures have no statutory basis (bk bijlage 2, L1987-1991): never "bpr art 26a"
    for (const name of ["normoverdragend_gesprek", "waarschuwingsbrief"]) {
      const m = a.measures.find((x) => x.name === name)!;
      expect(m.statutoryBasis).toBe("none");
      expect(m.legalBasis).toEqual([]);
      expect(m.noBasisSource).toEqual([
        "bk bijlage 2 (Beoordelingskader voor toezicht op naleving vereisten Beleidsregel Individueel Klantbeeld)",
      ]);
    }
    expect(
      a.measures.find((x) => x.name === "publicatie")!.statutoryBasis,
    ).toBe("not stated");
    const text = assessmentText(a);
    expect(text).not.toContain("bpr art 26a");
    expect(text).toContain(
      "legal basis: none: no statutory basis (bk bijlage 2 (Beoordelingskader",
    );
    expect(text).toContain("legal basis: not stated in the sources");
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

  it('bank names in the message are quoted, so that " A" and "A" differ (outside re-try)', () => {
    const runs = [
      ...history().map((r) => ({ ...r, bank: " A" })),
      ...history().map((r) => ({ ...r, bank: "A" })),
    ];
    expect(() =>
      assess({ bank: "Nope", year: 2022, runs, groeipad, handhaving }),
    ).toThrow(
      new AssessError(
        'no recorded runs of bank "Nope"; banks in the history: " A", "A"',
      ),
    );
  });

  it("assess --help says what it exits with: 0 whatever the verdict (outside re-try)", () => {
    const program = new Command();
    let out = "";
    program.configureOutput({ writeOut: (s) => (out += s) });
    registerAssess(program);
    program.commands.find((c) => c.name() === "assess")!.outputHelp();
    expect(out.replace(/\s+/g, " ")).toContain(
      "Exit codes: 0 assessed, whatever the verdict (NOT MET is an assessment, not a failure), 2 unknown bank or year",
    );
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
        'no recorded runs of bank "NOPE"; banks in the history: "BANK1", "OTHER"',
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
      /BANK1 has no recorded deliveries of an IKB-bestand with an RRD in 2023; years with deliveries: 2021, 2022/,
    );
  });
});

describe("aims and averages", () => {
  const runs2024 = (percentage: number) => [
    ...history(),
    run({
      deliveryId: "2023-a",
      rrd: "2023-04-21",
      deliveredAt: "2023-04-24T10:00:00+02:00",
      accepted: true,
      findings: { dmc0000: 100 },
      percentage: 96,
    }),
    run({
      deliveryId: "2024-a",
      rrd: "2024-04-19",
      deliveredAt: "2024-04-22T10:00:00+02:00",
      accepted: true,
      findings: { dmc0000: 50 },
      ikbsMeetingControls: Math.round(percentage * 10),
      percentage,
    }),
  ];
  const evidence = {
    values: { manual_findings_resolved: true, completeness_statement: true },
    source: "e.json",
  };

  it("2024: the norm (95 %) is met and the aim (100 %) is reported apart, not reached, without changing the verdict", () => {
    const a = assess({
      bank: "BANK1",
      year: 2024,
      runs: runs2024(97.5),
      groeipad,
      handhaving,
      evidence,
    });
    const n = a.norms.find((x) => x.norm === "groeipad_ikb_bestand")!;
    expect(n.period).toBe("from 2024-01-01");
    expect(n.verdict).toBe("met");
    expect(n.requirements.map((r) => r.requirement)).not.toContain(
      "automated_controls_pass >= 100 %",
    );
    expect(n.aims).toEqual([
      expect.objectContaining({
        aim: "automated_controls_pass >= 100 %",
        measured: "97.50 %",
        verdict: "not reached",
      }),
    ]);
    const text = assessmentText(a);
    expect(text).toContain(
      "aim, not a norm [NOT REACHED] automated_controls_pass >= 100 %: 97.50 %",
    );
    expect(text).toContain("MET  groeipad_ikb_bestand");
    // no source states the norms from 2024: each norm says it rests on the ruleset's assumption
    expect(n.assumptions).toEqual([
      expect.stringMatching(/^After 2023 the source states no norm/),
    ]);
    expect(text).toMatch(
      /MET {2}groeipad_ikb_bestand .*\(from 2024-01-01; [^\n]*\) \(assumed\)\n {2}assumption of the norm: After 2023 the source states no norm/,
    );
    expect(
      a.norms.find((x) => x.norm === "groeipad_audits")?.assumptions,
    ).toHaveLength(1);
    const html = assessmentHtml(a);
    expect(html).toContain(
      "aim, not a norm: <code>automated_controls_pass &gt;= 100 %</code>",
    );
    expect(html).toContain(
      '<p class="assumption"><strong>Assumption of the norm:</strong> After 2023 the source states no norm',
    );
    const full = assess({
      bank: "BANK1",
      year: 2024,
      runs: runs2024(100),
      groeipad,
      handhaving,
      evidence,
    });
    expect(
      full.norms.find((x) => x.norm === "groeipad_ikb_bestand")!.aims[0]
        .verdict,
    ).toBe("reached");
  });

  it("judges the exact share, not the recorded rounded percentage: 18,999 of 20,000 misses 95 %, 19,999 misses the 100 % aim", () => {
    // an older regel recorded these shares rounded half up: 94.995 % as 95, 99.995 % as 100
    const judged = (meeting: number, percentage: number) => {
      const runs = runs2024(percentage);
      Object.assign(runs[runs.length - 1], {
        ikbs: 20000,
        ikbsMeetingControls: meeting,
      });
      return assess({
        bank: "BANK1",
        year: 2024,
        runs,
        groeipad,
        handhaving,
        evidence,
      }).norms.find((x) => x.norm === "groeipad_ikb_bestand")!;
    };
    const below = judged(18999, 95);
    expect(
      below.requirements.find((r) => r.metric === "automated_controls_pass"),
    ).toMatchObject({ measured: "94.99 %", verdict: "not met" });
    expect(below.verdict).toBe("not met");
    const one = judged(19999, 100);
    expect(one.verdict).toBe("met");
    expect(one.aims[0]).toMatchObject({
      measured: "99.99 %",
      verdict: "not reached",
    });
  });

  it("averages the deliveries until acceptance over the RRDs of the year (L41-42)", () => {
    const runs = [
      ...history(),
      run({
        deliveryId: "2022-c",
        rrd: "2022-10-14",
        deliveredAt: "2022-10-17T10:00:00+02:00",
        accepted: true,
      }),
    ];
    const a = assess({ bank: "BANK1", year: 2022, runs, groeipad, handhaving });
    // April: accepted at the 2nd delivery; October: at the 1st
    expect(a.deliveriesUntilAccepted).toBe(1);
    expect(a.averageDeliveriesUntilAccepted).toBe(1.5);
    expect(assessmentText(a)).toContain(
      "average deliveries until accepted in 2022 (every RRD of the year): 1.50",
    );
  });

  it("names the RRDs of the year with no accepted delivery instead of leaving them out of the average unseen", () => {
    const runs = [
      ...history(),
      run({
        deliveryId: "2022-q2-1",
        rrd: "2022-07-15",
        deliveredAt: "2022-07-18T10:00:00+02:00",
        accepted: false,
      }),
      run({
        deliveryId: "2022-q2-2",
        rrd: "2022-07-15",
        deliveredAt: "2022-07-20T10:00:00+02:00",
        accepted: false,
      }),
      run({
        deliveryId: "2022-c",
        rrd: "2022-10-14",
        deliveredAt: "2022-10-17T10:00:00+02:00",
        accepted: true,
      }),
    ];
    const a = assess({ bank: "BANK1", year: 2022, runs, groeipad, handhaving });
    // the July RRD was never accepted: no count to average, so it is named
    expect(a.averageDeliveriesUntilAccepted).toBe(1.5);
    expect(a.rrdsWithoutAcceptance).toEqual([
      { rrd: "2022-07-15", deliveries: 2 },
    ]);
    const text = assessmentText(a);
    expect(text).not.toContain("every RRD of the year");
    expect(text).toContain(
      "average deliveries until accepted in 2022 (the RRDs of the year with an accepted delivery): 1.50",
    );
    expect(text).toContain(
      "RRDs of 2022 with no accepted delivery (not in the average): 2022-07-15 (2 deliveries, none accepted)",
    );
    expect(text).toContain(
      "note: other RRDs in 2022 not assessed: 2022-04-22, 2022-07-15 (2 deliveries, none accepted)",
    );
    expect(assessmentHtml(a)).toContain(
      "2022-07-15 (2 deliveries, none accepted)",
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

  it("refuses a date metric in the evidence that is no calendar day, naming the file and the metric", () => {
    for (const [value, problem] of [
      ["2024-02-30", "not a calendar day (2024-02 has no day 30)"],
      ["soon", "expected a date YYYY-MM-DD"],
      [20240830, "expected a date YYYY-MM-DD"],
    ] as const)
      expect(() =>
        assess({
          bank: "BANK1",
          year: 2023,
          runs: runs2023(),
          groeipad,
          handhaving,
          evidence: {
            values: { ...audits2023, audit_reports_delivered_on: value },
            source: "e.json",
          },
        }),
      ).toThrow(
        new AssessError(
          `e.json: audit_reports_delivered_on = ${JSON.stringify(value)}: ${problem}`,
        ),
      );
  });

  it("refuses audit reports delivered before the end of the audit year they cover", () => {
    expect(() =>
      assess({
        bank: "BANK1",
        year: 2023,
        runs: runs2023(),
        groeipad,
        handhaving,
        evidence: {
          values: {
            audit_year_end: "2024-03-31",
            audit_reports_delivered_on: "2023-01-01",
          },
          source: "e.json",
        },
      }),
    ).toThrow(
      new AssessError(
        'e.json: audit_reports_delivered_on = "2023-01-01" is before audit_year_end = "2024-03-31": audit reports on a year cannot be delivered before it ends',
      ),
    );
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
