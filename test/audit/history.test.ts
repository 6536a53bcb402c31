/**
 * The history database and the `record`, `history` and `assess` commands: recording from a JSON
 * report, listing, bad input, a locked and a corrupt database (clear error, nothing lost), and a
 * writer killed mid-write (integrity ok, every committed run complete, no partial run).
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { runAssess } from "../../cli/commands/assess.js";
import { runHistory } from "../../cli/commands/history.js";
import { attachToValidate, runRecord } from "../../cli/commands/record.js";
import { Command } from "commander";
import {
  assertRecordable,
  History,
  HistoryError,
  runFromReport,
} from "../../audit/history.js";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt } from "../source-folders.js";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "regel-history-"));

/** A minimal but well-formed JSON report. */
function report(p: {
  rrd: string;
  status: "accepted" | "rejected";
  meeting: number;
  count: number;
  findings: Record<string, number>;
}): Report {
  const rule = (code: string, count: number) => ({
    code,
    title: code,
    meaning: null,
    severity: "signalling" as const,
    target: "record" as const,
    entities: ["NP"],
    origin: "ikb.glo@1.3.0",
    location: { file: "rulesets/ikb.glo/1.3.0.regel", line: 1, column: 1 },
    source: null,
    articles: [],
    count,
    records: count,
    percentage: 0,
    samples: [],
    samplesOmitted: 0,
  });
  const codes = Object.keys(p.findings);
  return {
    reportVersion: "1.0.0",
    generator: { name: "regel", version: "0.1.0" },
    ruleset: {
      id: "ikb.glo@1.3.0",
      name: "ikb.glo",
      version: "1.3.0",
      title: null,
      validFrom: "2020-01-01",
      validUntil: null,
      sources: [],
    },
    rrd: p.rrd,
    personalDataShown: false,
    status: p.status,
    blockingErrors:
      p.status === "rejected"
        ? [
            {
              code: "fil0001",
              title: "Bestand ontbreekt",
              count: 1,
              file: null,
              line: null,
            },
          ]
        : [],
    rows: { read: 10, validated: 10, rejected: 0 },
    files: [],
    ikbs: {
      count: p.count,
      meetingAutomatedControls: p.meeting,
      percentage: Math.round((p.meeting / p.count) * 10000) / 100,
    },
    groeipad: null,
    categories: [],
    payouts: [],
    inputProblems: [
      { code: "input.column-count", severity: "signalling", count: 2 },
    ],
    rules: codes.slice(0, 1).map((c) => rule(c, p.findings[c])),
    secondaryRules: codes.slice(1).map((c) => rule(c, p.findings[c])),
  };
}

function writeReport(name: string, r: Report): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(r));
  return path;
}

describe("runFromReport", () => {
  it("takes status, RRD, IKB counts, blocking errors and findings per rule; errors include input problems", () => {
    const run = runFromReport(
      report({
        rrd: "2023-04-21",
        status: "rejected",
        meeting: 90,
        count: 100,
        findings: { dmc0000: 5, val0001: 3 },
      }),
      {
        bank: "B",
        deliveryId: "1",
        deliveredAt: "2023-04-24T10:00:00+02:00",
      },
    );
    expect(run).toMatchObject({
      rrd: "2023-04-21",
      accepted: false,
      ikbs: 100,
      ikbsMeetingControls: 90,
      percentage: 90,
      blockingErrors: 1,
      errors: 10,
    });
    expect(run.findings).toEqual({ dmc0000: 5, val0001: 3 });
  });

  it("refuses a delivered-at that is not an ISO date-time with offset", () => {
    const r = report({
      rrd: "2023-04-21",
      status: "accepted",
      meeting: 1,
      count: 1,
      findings: {},
    });
    for (const bad of [
      "2023-04-24",
      "2023-04-24T10:00:00",
      "yesterday",
      "2023-02-30T10:00:00Z",
    ]) {
      expect(
        () =>
          runFromReport(r, { bank: "B", deliveryId: "1", deliveredAt: bad }),
        bad,
      ).toThrow(HistoryError);
    }
  });
});

describe("assertRecordable: delivered-at against the RRD", () => {
  it("refuses a delivered-at on a day before the report's RRD; the RRD itself and later are taken", () => {
    const r = report({
      rrd: "2024-03-31",
      status: "accepted",
      meeting: 1,
      count: 1,
      findings: {},
    });
    expect(() => assertRecordable(r, "2020-01-01T10:00:00+02:00")).toThrow(
      new HistoryError(
        "--delivered-at 2020-01-01T10:00:00+02:00 is before the report's RRD 2024-03-31: a delivery cannot be made before the reference date it reports on",
      ),
    );
    expect(() => assertRecordable(r, "2024-03-30T23:59:00Z")).toThrow(
      HistoryError,
    );
    expect(assertRecordable(r, "2024-03-31T18:00:00+02:00")).toBeUndefined();
    expect(assertRecordable(r, "2024-04-02T10:00:00+02:00")).toBeUndefined();
  });
});

describe("regel record refuses a report that contradicts itself (damaged or edited)", () => {
  const record = (name: string, r: Report) =>
    runRecord(writeReport(name, r), {
      bank: "E",
      deliveryId: "1",
      deliveredAt: "2023-04-24T10:00:00+02:00",
      history: join(dir, "edited.sqlite"),
    });
  const rejected = () =>
    report({
      rrd: "2023-04-21",
      status: "rejected",
      meeting: 90,
      count: 100,
      findings: {},
    });

  it("status accepted with a blocking error, or rejected without one", () => {
    const out = record("edited-status.json", {
      ...rejected(),
      status: "accepted",
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      "regel record: the report contradicts itself: status accepted with 1 blocking error code (fil0001); regel never writes such a report: it was damaged or edited, and is not recorded (regel verify reproduces a report from its delivery)\n",
    );
    expect(
      record("edited-rejected.json", {
        ...rejected(),
        blockingErrors: [],
      }).stderr,
    ).toMatch(/status rejected without a blocking error/);
    expect(existsSync(join(dir, "edited.sqlite"))).toBe(false);
  });

  it("IKB figures that do not add up: the percentage, more meeting than counted, a category wider than the IKBs failing", () => {
    const r = rejected();
    const ikbs = r.ikbs!;
    expect(
      record("edited-pct.json", { ...r, ikbs: { ...ikbs, percentage: 100 } })
        .stderr,
    ).toMatch(/ikbs\.percentage 100 is not 90 of 100 \(90\)/);
    expect(
      record("edited-meeting.json", {
        ...r,
        ikbs: { ...ikbs, meetingAutomatedControls: 101, percentage: 100 },
      }).stderr,
    ).toMatch(/meetingAutomatedControls 101 is more than ikbs\.count 100/);
    const category: Report["categories"][number] = {
      name: "a",
      title: "A",
      payout: null,
      articles: [],
      location: { file: "rulesets/ikb.glo/1.3.0.regel", line: 1, column: 1 },
      results: [],
      markings: [],
      count: 11,
      percentage: 11,
    };
    expect(
      record("edited-category.json", { ...r, categories: [category] }).stderr,
    ).toMatch(
      /category a holds 11 IKBs, but only 10 do not meet the automated controls/,
    );
  });
});

describe("regel record / regel history", () => {
  const history = join(dir, "h.sqlite");
  const base = { bank: "BANK1", history };

  it("records runs and lists them, per bank, as text and JSON", () => {
    const r1 = writeReport(
      "r1.json",
      report({
        rrd: "2022-04-22",
        status: "accepted",
        meeting: 880,
        count: 1000,
        findings: { dmc0000: 100 },
      }),
    );
    const r2 = writeReport(
      "r2.json",
      report({
        rrd: "2023-04-21",
        status: "rejected",
        meeting: 900,
        count: 1000,
        findings: { dmc0000: 90 },
      }),
    );
    const r3 = writeReport(
      "r3.json",
      report({
        rrd: "2023-04-21",
        status: "accepted",
        meeting: 960,
        count: 1000,
        findings: { dmc0000: 70, val0001: 8 },
      }),
    );
    expect(
      runRecord(r1, {
        ...base,
        deliveryId: "2022-1",
        deliveredAt: "2022-04-26T10:00:00+02:00",
      }).code,
    ).toBe(0);
    expect(
      runRecord(r2, {
        ...base,
        deliveryId: "2023-1",
        deliveredAt: "2023-04-24T09:00:00+02:00",
      }).code,
    ).toBe(0);
    const ok = runRecord(r3, {
      ...base,
      deliveryId: "2023-2",
      deliveredAt: "2023-04-26T15:00:00+02:00",
    });
    expect(ok.stdout).toContain("recorded run 3");
    // another bank's delivery: a report of its own (the same report would be the same delivery)
    const r4 = writeReport(
      "r4.json",
      report({
        rrd: "2023-04-21",
        status: "accepted",
        meeting: 950,
        count: 1000,
        findings: { dmc0000: 50 },
      }),
    );
    expect(
      runRecord(r4, {
        ...base,
        bank: "OTHER",
        deliveryId: "x",
        deliveredAt: "2023-04-25T09:00:00Z",
      }).code,
    ).toBe(0);

    const text = runHistory({ history, bank: "BANK1" });
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^bank\s+delivery\s+rrd/);
    expect(lines[3]).toMatch(
      /^BANK1\s+2023-2\s+2023-04-21\s+2023-04-26T15:00:00\+02:00\s+accepted\s+1000\s+960\s+96\.00\s+0\s+80\s+ikb\.glo@1\.3\.0$/,
    );
    const json = JSON.parse(runHistory({ history, json: true }).stdout);
    expect(json.map((r: { bank: string }) => r.bank)).toEqual([
      "BANK1",
      "BANK1",
      "BANK1",
      "OTHER",
    ]);
    expect(json[2].findings).toEqual({ dmc0000: 70, val0001: 8 });
  });

  it("refuses a delivery id recorded before, and writes nothing", () => {
    const r = writeReport(
      "dup.json",
      report({
        rrd: "2023-04-21",
        status: "accepted",
        meeting: 1,
        count: 1,
        findings: {},
      }),
    );
    const out = runRecord(r, {
      ...base,
      deliveryId: "2023-2",
      deliveredAt: "2023-04-26T15:00:00+02:00",
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("already recorded");
    expect(JSON.parse(runHistory({ history, json: true }).stdout)).toHaveLength(
      4,
    );
  });

  it("refuses a report of a delivery already recorded under another id (same files, same RRD), and writes nothing", () => {
    const own = join(dir, "identity.sqlite");
    const withInputs = (sha: string, maxSamples: number): Report => ({
      ...report({
        rrd: "2024-03-31",
        status: "accepted",
        meeting: 9,
        count: 10,
        findings: { dmc0000: 1 },
      }),
      provenance: {
        ruleset: {
          id: "ikb.glo@1.3.0",
          compiled: { file: "ikb.glo/1.3.0.mjs", sha256: "c".repeat(64) },
          sources: [],
          sourcesChecked: "unrecorded",
        },
        groeipad: null,
        inputs: [
          { file: "natural_person.csv", bytes: 9, sha256: sha, rows: 1 },
        ],
        rrdChosenBy: "--rrd",
        options: { showPersonalData: false, maxSamples, maxFieldLength: 100 },
      },
    });
    const first = writeReport(
      "identity-1.json",
      withInputs("a".repeat(64), 50),
    );
    const opts = (deliveryId: string) => ({
      bank: "BANK1",
      history: own,
      deliveryId,
      deliveredAt: "2024-04-02T10:00:00+02:00",
    });
    expect(runRecord(first, opts("q1-1")).code).toBe(0);
    // the same file again, and the same delivery validated with other options
    for (const again of [
      first,
      writeReport("identity-2.json", withInputs("a".repeat(64), 10)),
    ]) {
      const out = runRecord(again, opts("q1-2"));
      expect(out.code).toBe(2);
      expect(out.stderr).toContain("already recorded as run 1");
      expect(out.stderr).toContain("delivery q1-1");
    }
    expect(
      JSON.parse(runHistory({ history: own, json: true }).stdout),
    ).toHaveLength(1);
    // other files for the same RRD are another delivery
    const other = writeReport(
      "identity-3.json",
      withInputs("b".repeat(64), 50),
    );
    expect(runRecord(other, opts("q1-2")).code).toBe(0);
    // a report without provenance: the same content is the same delivery
    const bare = writeReport(
      "identity-4.json",
      report({
        rrd: "2024-03-31",
        status: "accepted",
        meeting: 1,
        count: 1,
        findings: {},
      }),
    );
    expect(runRecord(bare, opts("q1-3")).code).toBe(0);
    expect(runRecord(bare, opts("q1-4")).code).toBe(2);
    expect(
      JSON.parse(runHistory({ history: own, json: true }).stdout),
    ).toHaveLength(3);
  });

  it("refuses what is not a report, and an unknown bank lists the banks", () => {
    const notReport = join(dir, "x.json");
    writeFileSync(notReport, '{"hello": 1}');
    expect(
      runRecord(notReport, {
        ...base,
        deliveryId: "z",
        deliveredAt: "2023-04-26T15:00:00Z",
      }).stderr,
    ).toContain(
      "is not a valid regel JSON report (see docs/report-schema.json):\n  the report: `reportVersion` is missing",
    );
    expect(
      runRecord(join(dir, "missing.json"), {
        ...base,
        deliveryId: "z",
        deliveredAt: "2023-04-26T15:00:00Z",
      }).stderr,
    ).toContain("cannot read the report");
    const h = runHistory({ history, bank: "NOPE" });
    expect(h.code).toBe(2);
    expect(h.stderr).toContain("no runs of bank NOPE; banks: BANK1, OTHER");
    expect(runHistory({ history: join(dir, "none.sqlite") }).stderr).toContain(
      "no history at",
    );
  });

  it("regel assess reads the recorded runs: text, JSON and an HTML page", async () => {
    const html = join(dir, "assess.html");
    const out = await runAssess({ bank: "BANK1", year: "2023", history, html });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(
      "Groeipad assessment: bank BANK1, 2023 (RRD 2023-04-21)",
    );
    // Friday 21 April 2023 -> Wednesday 26 April: Mon 24, Tue 25, Wed 26 (Koningsdag is Thursday 27).
    expect(out.stdout).toContain(
      "[MET] accepted_within <= 3 workdays: 3 workdays",
    );
    // signalling validation errors per 100 IKBs, input problems left out: 100 of 1000 IKBs in 2022
    // -> 78 of 1000 in 2023, (10.00 - 7.80) / 10.00 = 22 %.
    expect(out.stdout).toContain(
      "[MET] error_reduction >= 20 %: 22.00 % (10.00 % -> 7.80 %)",
    );
    expect(out.stdout).toContain(
      "previous year 100 signalling validation errors / 1000 IKBs = 10.00 % in 2022-1 (RRD 2022-04-22) -> 78 signalling validation errors / 1000 IKBs = 7.80 % in 2023-2 (RRD 2023-04-21)",
    );
    expect(out.stdout).toContain(
      "[MET] automated_controls_pass >= 95 %: 96.00 %",
    );
    expect(out.stdout).toContain("deliveries before acceptance: 1");
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<svg");
    const json = JSON.parse(
      (await runAssess({ bank: "BANK1", year: "2023", history, json: true }))
        .stdout,
    );
    expect(json.chart.find((p: { year: number }) => p.year === 2022)).toEqual({
      year: 2022,
      percentage: 88,
      norm: 90,
    });
  });

  it("regel assess refuses when a ruleset it reads has errors (as regel check reports them), and not for another ruleset's", async () => {
    const copy = (name: string) =>
      cpSync(join(ROOT, "rulesets", name), join(folder, name), {
        recursive: true,
      });
    const folder = mkdtempSync(join(dir, "rulesets-"));
    for (const name of ["ikb.groeipad", "ikb.handhaving", "nl.werkdagen"])
      copy(name);
    const groeipadFile = join(folder, "ikb.groeipad", "1.0.0.regel");
    const good = readFileSync(groeipadFile, "utf8");
    // an error in a ruleset no assessment reads leaves the assessment as it is
    copy("vp.bankgegevens");
    const vp = join(folder, "vp.bankgegevens", "1.0.0.regel");
    writeFileSync(vp, `${readFileSync(vp, "utf8")}\nrule broken {\n`);
    const fine = await runAssess({
      bank: "BANK1",
      year: "2023",
      history,
      rulesets: folder,
    });
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain("automated_controls_pass >= 95 %");
    // a norm that names an unknown metric (REG206) would be judged without that requirement
    writeFileSync(
      groeipadFile,
      good.replace(
        "automated_controls_pass >= automated_controls_norm",
        "automated_controls_pas >= automated_controls_norm",
      ),
    );
    const broken = await runAssess({
      bank: "BANK1",
      year: "2023",
      history,
      rulesets: folder,
    });
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toContain("have errors");
    expect(broken.stderr).toContain("REG206");
    // the working-day calendar the groeipad ruleset uses
    writeFileSync(groeipadFile, good);
    const calendar = join(folder, "nl.werkdagen", "1.0.0.regel");
    writeFileSync(
      calendar,
      `${readFileSync(calendar, "utf8")}\nrule broken {\n`,
    );
    const noCalendar = await runAssess({
      bank: "BANK1",
      year: "2023",
      history,
      rulesets: folder,
    });
    expect(noCalendar.code).toBe(2);
    expect(noCalendar.stderr).toContain("nl.werkdagen");
  });

  it("regel assess: unknown bank or year lists what exists; a bad year is refused", async () => {
    expect(
      (await runAssess({ bank: "NOPE", year: "2023", history })).stderr,
    ).toContain('banks in the history: "BANK1", "OTHER"');
    expect(
      (await runAssess({ bank: "BANK1", year: "2020", history })).stderr,
    ).toContain("years with deliveries: 2022, 2023");
    expect(
      (await runAssess({ bank: "BANK1", year: "1999", history })).stderr,
    ).toContain("norm years: 2020, 2021, 2022, 2023");
    expect(
      (await runAssess({ bank: "BANK1", year: "twenty", history })).code,
    ).toBe(2);
  });
});

describe("History round trip (property)", () => {
  it("every recorded run reads back exactly, in bank / RRD / delivered-at order", () => {
    const runArb = fc.record({
      bank: fc.string({ minLength: 1, maxLength: 12 }),
      rrd: fc.constantFrom("2021-05-07", "2022-04-22", "2023-04-21"),
      deliveredAt: fc.constantFrom(
        "2023-04-24T10:00:00Z",
        "2023-04-25T09:30:00+02:00",
        "2023-04-26T16:40:00.250-05:00",
      ),
      accepted: fc.boolean(),
      ikbs: fc.option(fc.nat({ max: 10_000_000 }), { nil: null }),
      percentage: fc.option(
        fc.integer({ min: 0, max: 10000 }).map((n) => n / 100),
        { nil: null },
      ),
      blockingErrors: fc.nat({ max: 1000 }),
      errors: fc.nat({ max: 1_000_000 }),
      findings: fc.dictionary(
        fc.stringMatching(/^[a-z]{3}[0-9]{4}$/),
        fc.integer({ min: 1, max: 100000 }),
        { maxKeys: 6 },
      ),
    });
    let n = 0;
    fc.assert(
      fc.property(fc.array(runArb, { minLength: 1, maxLength: 8 }), (specs) => {
        const file = join(dir, `prop-${n++}.sqlite`);
        const h = History.open(file, { create: true });
        try {
          const runs = specs.map((s, i) => ({
            ...s,
            deliveryId: `d${i}`,
            ruleset: "ikb.glo@1.3.0",
            ikbsMeetingControls: s.ikbs,
          }));
          for (const r of runs) h.record(r);
          const back = h.runs();
          expect(back).toHaveLength(runs.length);
          for (const r of runs) {
            const { id, ...rest } = back.find(
              (b) => b.deliveryId === r.deliveryId && b.bank === r.bank,
            )!;
            expect(id).toBeGreaterThan(0);
            expect(rest).toEqual({
              ...r,
              findings: Object.fromEntries(
                Object.entries(r.findings).sort(([a], [b]) => (a < b ? -1 : 1)),
              ),
            });
          }
          const keys = back.map((b) => [b.bank, b.rrd, b.deliveredAt]);
          const sorted = [...keys].sort((a, b) =>
            a.join("\u0000") < b.join("\u0000")
              ? -1
              : a.join("\u0000") > b.join("\u0000")
                ? 1
                : 0,
          );
          expect(keys).toEqual(sorted);
        } finally {
          h.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe("regel validate --record", () => {
  /** A stand-in for `validate`: writes OUT/report.json and sets the exit code as the real one does. */
  function program(status: "accepted" | "rejected" | "failed") {
    const p = new Command().exitOverride();
    const v = p
      .command("validate")
      .argument("<folder>")
      .option("--out <dir>")
      .action((_folder: string, flags: { out?: string }) => {
        if (status === "failed") {
          process.exitCode = 2;
          return;
        }
        if (flags.out)
          writeFileSync(
            join(flags.out, "report.json"),
            JSON.stringify(
              report({
                rrd: "2023-04-21",
                status,
                meeting: 9,
                count: 10,
                findings: { a: 2 },
              }),
            ),
          );
        process.exitCode = status === "accepted" ? 0 : 1;
      });
    attachToValidate(v);
    return p;
  }
  const history = join(dir, "validate-record.sqlite");
  const args = (id: string) => [
    "node",
    "regel",
    "validate",
    "folder",
    "--out",
    dir,
    "--record",
    "--bank",
    "V",
    "--delivery-id",
    id,
    "--delivered-at",
    "2023-04-24T10:00:00Z",
    "--history",
    history,
  ];

  it("records after the report is written and keeps validate's exit code", async () => {
    const saved = process.exitCode;
    try {
      await program("rejected").parseAsync(args("v1"));
      expect(process.exitCode).toBe(1);
      await program("accepted").parseAsync(args("v2"));
      expect(process.exitCode).toBe(0);
      const runs = JSON.parse(runHistory({ history, json: true }).stdout);
      expect(
        runs.map((r: { deliveryId: string; accepted: boolean }) => [
          r.deliveryId,
          r.accepted,
        ]),
      ).toEqual([
        ["v1", false],
        ["v2", true],
      ]);
      // A duplicate id: exit 2, nothing more recorded.
      await program("accepted").parseAsync(args("v2"));
      expect(process.exitCode).toBe(2);
      // The same report under another id: refused as validate's, whose report is written
      const written: string[] = [];
      const spy = vi
        .spyOn(process.stderr, "write")
        .mockImplementation((chunk: string | Uint8Array) => {
          written.push(String(chunk));
          return true;
        });
      try {
        await program("accepted").parseAsync(args("v4"));
      } finally {
        spy.mockRestore();
      }
      expect(process.exitCode).toBe(2);
      expect(written.join("")).toMatch(
        new RegExp(
          `^regel validate --record: this report is of a delivery already recorded as run 2 .*would count one delivery twice; the report is written to ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, nothing recorded\n$`,
        ),
      );
      // A failed validation is not recorded; missing flags are named.
      await program("failed").parseAsync(args("v3"));
      expect(process.exitCode).toBe(2);
      await program("accepted").parseAsync([
        "node",
        "regel",
        "validate",
        "folder",
        "--out",
        dir,
        "--record",
        "--history",
        history,
      ]);
      expect(process.exitCode).toBe(2);
      expect(
        JSON.parse(runHistory({ history, json: true }).stdout),
      ).toHaveLength(2);
    } finally {
      process.exitCode = saved;
    }
  });
});

describe("a locked or corrupt history", () => {
  it("a database locked by another process gives a clear error and loses nothing", async () => {
    const file = join(dir, "locked.sqlite");
    const h = History.open(file, { create: true });
    const run = runFromReport(
      report({
        rrd: "2023-04-21",
        status: "accepted",
        meeting: 1,
        count: 1,
        findings: { a: 1 },
      }),
      {
        bank: "B",
        deliveryId: "1",
        deliveredAt: "2023-04-24T10:00:00Z",
      },
    );
    h.record(run);
    h.close();
    // Another regel process holds the history (it took the lock and waits): a second writer waits
    // up to its timeout, then gives a clear error; killing the holder leaves a stale lock that the
    // next writer breaks.
    const holder = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { acquire } from ${JSON.stringify(pathToFileURL(join(ROOT, "dist", "audit", "history-lock.js")).href)};
acquire(process.argv[1], "write", 1000);
process.stdout.write("held\\n");
setInterval(() => {}, 1000);`,
        file,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) =>
      holder.stdout.once("data", () => resolve()),
    );
    try {
      expect(() =>
        History.open(file, { timeoutMs: 50 }).record({
          ...run,
          deliveryId: "2",
        }),
      ).toThrow(
        new RegExp(
          `is locked by another process \\(process ${holder.pid} on .*remove the folder .*locked\\.sqlite\\.regel-lock`,
        ),
      );
      expect(runHistory({ history: file }).stderr).toMatch(
        /is locked by another process/,
      );
    } finally {
      holder.kill("SIGKILL");
      await new Promise((r) => holder.on("close", r));
    }
    const again = History.open(file);
    again.record({ ...run, deliveryId: "3" });
    expect(again.runs().map((r) => r.deliveryId)).toEqual(["1", "3"]);
    expect(again.integrityCheck()).toEqual(["ok"]);
    again.close();
  });

  it("a file that is not a history is reported and left untouched", () => {
    const garbage = join(dir, "garbage.sqlite");
    const content = "this is not a database, but someone's notes\n".repeat(200);
    writeFileSync(garbage, content);
    const out = runHistory({ history: garbage });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("is not a readable regel history");
    const rec = runRecord(
      writeReport(
        "g.json",
        report({
          rrd: "2023-04-21",
          status: "accepted",
          meeting: 1,
          count: 1,
          findings: {},
        }),
      ),
      {
        bank: "B",
        deliveryId: "1",
        deliveredAt: "2023-04-24T10:00:00Z",
        history: garbage,
      },
    );
    expect(rec.code).toBe(2);
    expect(readFileSync(garbage, "utf8")).toBe(content);

    // A real history with a damaged page: SQLite reports it malformed; the file is not touched.
    const damaged = join(dir, "damaged.sqlite");
    const h = History.open(damaged, { create: true });
    const base = runFromReport(
      report({
        rrd: "2023-04-21",
        status: "accepted",
        meeting: 1,
        count: 1,
        findings: { a: 1, b: 2 },
      }),
      {
        bank: "B",
        deliveryId: "0",
        deliveredAt: "2023-04-24T10:00:00Z",
      },
    );
    for (let i = 0; i < 300; i++) h.record({ ...base, deliveryId: String(i) });
    h.close();
    const bytes = readFileSync(damaged);
    bytes.fill(0xab, 4096 * 3, 4096 * 4);
    writeFileSync(damaged, bytes);
    const hd = runHistory({ history: damaged });
    expect(hd.code).toBe(2);
    expect(hd.stderr).toMatch(
      /is not a readable regel history \(SQLite says: database disk image is malformed\); it was left untouched/,
    );
    expect(readFileSync(damaged).equals(bytes)).toBe(true);

    const foreign = join(dir, "foreign.sqlite");
    const { Database } = createRequire(import.meta.url)("node-sqlite3-wasm");
    const db = new Database(foreign);
    db.exec("CREATE TABLE t (x)");
    db.close();
    expect(runHistory({ history: foreign }).stderr).toContain(
      "not a regel history (no runs table)",
    );
  });
});

describe("a writer killed mid-write", () => {
  it("leaves a sound database with every committed run complete and no partial run", async () => {
    // The child runs the built audit/history.js next to a tiny driver.
    ensureBuilt();
    const childDir = mkdtempSync(join(tmpdir(), "regel-kill-"));
    const historyUrl = pathToFileURL(
      join(ROOT, "dist", "audit", "history.js"),
    ).href;
    const FINDINGS = 40;
    writeFileSync(
      join(childDir, "writer.mjs"),
      `import { History } from ${JSON.stringify(historyUrl)};
const h = History.open(process.argv[2], { create: true });
const findings = {};
for (let i = 0; i < ${FINDINGS}; i++) findings["r" + String(i).padStart(3, "0")] = i + 1;
for (let n = 1; ; n++) {
  h.record({ bank: "K", deliveryId: String(n), rrd: "2023-04-21", deliveredAt: "2023-04-24T10:00:00Z", accepted: true,
    ruleset: "x@1.0.0", ikbs: 1, ikbsMeetingControls: 1, percentage: 100, blockingErrors: 0, errors: n, findings });
  process.stdout.write("committed " + n + "\\n");
}
`,
    );
    const file = join(childDir, "kill.sqlite");
    const child = spawn(
      process.execPath,
      [join(childDir, "writer.mjs"), file],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let committed = 0;
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`writer made no progress: ${stderr}`)),
        20_000,
      );
      child.stdout.on("data", (d: Buffer) => {
        for (const m of String(d).matchAll(/committed (\d+)/g))
          committed = Math.max(committed, Number(m[1]));
        if (committed >= 25 && !child.killed) {
          child.kill("SIGKILL");
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", () => {
        clearTimeout(timer);
        if (committed < 25) reject(new Error(`writer exited early: ${stderr}`));
      });
    });
    await new Promise((r) => child.on("close", r));
    const h = History.open(file);
    try {
      expect(h.integrityCheck()).toEqual(["ok"]);
      const runs = h.runs();
      const ids = runs.map((r) => Number(r.deliveryId)).sort((a, b) => a - b);
      // Every run reported committed is there; at most one more (committed but not yet reported).
      expect(ids.slice(0, committed)).toEqual(
        Array.from({ length: committed }, (_, i) => i + 1),
      );
      expect(ids.length - committed).toBeLessThanOrEqual(1);
      for (const r of runs)
        expect(Object.keys(r.findings)).toHaveLength(FINDINGS);
    } finally {
      h.close();
    }
  }, 30_000);
});

describe("concurrent writers", () => {
  it("several processes recording into one history at once: every run lands once, the file stays sound", async () => {
    ensureBuilt();
    const childDir = mkdtempSync(join(tmpdir(), "regel-concurrent-"));
    const file = join(childDir, "shared.sqlite");
    History.open(file, { create: true }).close();
    const historyUrl = pathToFileURL(
      join(ROOT, "dist", "audit", "history.js"),
    ).href;
    const WRITERS = 4;
    const RUNS = 12;
    writeFileSync(
      join(childDir, "writer.mjs"),
      `import { History } from ${JSON.stringify(historyUrl)};
const [file, writer] = process.argv.slice(2);
for (let n = 1; n <= ${RUNS}; n++) {
  // a new connection per run, as separate \`regel record\` commands would open
  const h = History.open(file, { timeoutMs: 20000 });
  h.record({ bank: "W" + writer, deliveryId: String(n), rrd: "2023-04-21", deliveredAt: "2023-04-24T10:00:00Z",
    accepted: true, ruleset: "x@1.0.0", ikbs: 1, ikbsMeetingControls: 1, percentage: 100, blockingErrors: 0,
    errors: n, findings: { a: n, b: 1 } });
  h.close();
}
`,
    );
    const results = await Promise.all(
      Array.from(
        { length: WRITERS },
        (_, w) =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(
              process.execPath,
              [join(childDir, "writer.mjs"), file, String(w)],
              { stdio: ["ignore", "ignore", "pipe"] },
            );
            let stderr = "";
            child.stderr.on("data", (d) => (stderr += String(d)));
            child.on("close", (code) => resolve({ code, stderr }));
          }),
      ),
    );
    expect(results).toEqual(
      Array.from({ length: WRITERS }, () => ({ code: 0, stderr: "" })),
    );
    const h = History.open(file);
    try {
      expect(h.integrityCheck()).toEqual(["ok"]);
      const runs = h.runs();
      expect(runs).toHaveLength(WRITERS * RUNS);
      expect(h.banks()).toEqual(
        Array.from({ length: WRITERS }, (_, w) => `W${w}`),
      );
      for (const r of runs) expect(r.findings).toEqual({ a: r.errors, b: 1 });
    } finally {
      h.close();
    }
    expect(existsSync(`${file}.regel-lock`)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);
});
