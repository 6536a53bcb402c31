/**
 * Dates read back from a report or the history (tester's defects h3): a report whose `rrd` is not
 * a calendar day is refused by `record` and `verify` (exit 2, not verify's internal error 3), and a
 * history row whose RRD or delivered-at is no real date makes `assess` name the row (exit 2,
 * never "internal error … this is a bug").
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { History } from "../../audit/history.js";
import { runAssess } from "../../cli/commands/assess.js";
import { runRecord } from "../../cli/commands/record.js";
import { runVerify } from "../../cli/commands/verify.js";
import { ensureBuilt, hasStackTrace, regel, ROOT } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "regel-report-dates-"));
const delivery = join(ROOT, "examples", "ikb-delivery");
let report: Record<string, unknown>;

/** The example's report with another `rrd`, written to a file. */
function reportWithRrd(rrd: string): string {
  const path = join(dir, `report-${rrd}.json`);
  writeFileSync(path, JSON.stringify({ ...report, rrd }, null, 2));
  return path;
}

beforeAll(() => {
  ensureBuilt();
  const v = regel([
    "validate",
    delivery,
    "--rrd",
    "2024-03-31",
    "--out",
    join(dir, "good"),
    "--no-progress",
  ]);
  expect(hasStackTrace(v.stderr)).toBe(false);
  report = JSON.parse(readFileSync(join(dir, "good", "report.json"), "utf8"));
}, 180_000);

describe("a report whose rrd is not a calendar day", () => {
  for (const rrd of ["2024-02-30", "2024-13-45"])
    it(`record refuses rrd ${rrd} (exit 2) and writes no history`, () => {
      const history = join(dir, `record-${rrd}.sqlite`);
      const out = runRecord(reportWithRrd(rrd), {
        bank: "X",
        deliveryId: "d1",
        deliveredAt: "2024-04-15T10:00:00+02:00",
        history,
      });
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`rrd: "${rrd}" is not a calendar day`);
      expect(existsSync(history)).toBe(false);
    });

  for (const rrd of ["2024-02-30", "2024-13-45"])
    it(`verify refuses rrd ${rrd} as a usage error (exit 2), not an internal error`, async () => {
      const out = await runVerify(reportWithRrd(rrd), { delivery });
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(
        new RegExp(
          `^regel verify: the report's rrd "${rrd}": not a calendar day \\(.+\\); it is not a report regel wrote\n$`,
        ),
      );
    });
});

describe("assess over a history row whose dates are not real (as an older regel could record)", () => {
  function historyWith(
    name: string,
    row: { rrd: string; deliveredAt: string },
  ): string {
    const file = join(dir, `${name}.sqlite`);
    const h = History.open(file, { create: true });
    h.record({
      bank: "X",
      deliveryId: "d1",
      accepted: true,
      ruleset: "ikb.glo@1.3.0",
      ikbs: 20,
      ikbsMeetingControls: 17,
      percentage: 85,
      blockingErrors: 0,
      errors: 58,
      findings: {},
      ...row,
    });
    h.close();
    return file;
  }

  it("an rrd that is not a calendar day: exit 2 naming the row", async () => {
    const history = historyWith("bad-rrd", {
      rrd: "2024-02-30",
      deliveredAt: "2024-04-15T10:00:00+02:00",
    });
    const out = await runAssess({
      bank: "X",
      year: "2024",
      history,
      rulesets: join(ROOT, "rulesets"),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `regel assess: run 1 in the history (bank X, delivery d1) has rrd "2024-02-30": not a calendar day (2024-02 has no day 30); the bank cannot be assessed with it: record its deliveries from their report.json into a new history (--history FILE)\n`,
    );
  });

  it("a delivered-at that is not an ISO date-time: exit 2 naming the row", async () => {
    const history = historyWith("bad-delivered-at", {
      rrd: "2024-03-31",
      deliveredAt: "15 April 2024",
    });
    const out = await runAssess({
      bank: "X",
      year: "2024",
      history,
      rulesets: join(ROOT, "rulesets"),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `run 1 in the history (bank X, delivery d1) has delivered-at "15 April 2024": not an ISO date-time with offset;`,
    );
  });
});
