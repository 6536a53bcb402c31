/**
 * `regel verify` evaluates a report's outliers (`plausibility.outliers`) again against the history
 * the report names (or `--history`): an edited outlier list does not reproduce (exit 1, naming
 * what differs), a history that is gone is a usage error (exit 2), and an untouched report
 * reproduces.
 */
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runVerify } from "../../cli/commands/verify.js";
import { History, runFromReport } from "../../audit/history.js";
import { addOutliers } from "../../audit/plausibility-report.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { reportToJson } from "../../runtime/report-json.js";
import type { Report } from "../../runtime/report-types.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";

const ROOT = join(import.meta.dirname, "..", "..");
const COMPILED = join(ROOT, "rulesets", "compiled");
const RRD = "2024-03-31";
const work = mkdtempSync(join(tmpdir(), "regel-verify-outliers-"));
const history = join(work, "history.sqlite");
const delivery = join(work, "bank");
let loaded: LoadedRuleset;
let report: Report;
let reportText: string;

function deliver(folder: string, seed: number, depositors: number): void {
  generateDelivery(loaded.module, {
    depositors,
    seed,
    defectRate: 0.05,
    markingRate: 0.02,
    rrd: RRD,
    out: folder,
  });
}

beforeAll(async () => {
  loaded = await loadCompiled(join(COMPILED, "ikb.glo@1.3.0"));
  // three peers at the same RRD: enough for the peers declaration of ikb.groeipad
  const h = History.open(history, { create: true });
  try {
    for (const seed of [4, 5, 6]) {
      const folder = join(work, `peer${seed}`);
      deliver(folder, seed, 150);
      const peer = await validateDelivery(folder, loaded, { rrd: RRD });
      h.record(
        runFromReport(peer, {
          bank: `P${seed}`,
          deliveryId: "x",
          deliveredAt: "2024-04-02T10:00:00+02:00",
        }),
      );
    }
  } finally {
    h.close();
  }
  deliver(delivery, 3, 200);
  report = await validateDelivery(delivery, loaded, { rrd: RRD });
  addOutliers(report, COMPILED, { bank: "B", history });
  reportText = reportToJson(report);
}, 120_000);

function write(name: string, r: Report): string {
  const path = join(work, name);
  writeFileSync(path, reportToJson(r));
  return path;
}

describe("regel verify: the outliers are evaluated again", () => {
  it("reproduces an untouched report, saying the outliers were evaluated again", async () => {
    expect(report.plausibility?.outliers?.status).toBe("evaluated");
    expect(report.plausibility?.outliers?.explain.length).toBeGreaterThan(0);
    const path = join(work, "report.json");
    writeFileSync(path, reportText);
    const out = await runVerify(path, { delivery, compiled: COMPILED });
    expect(out.stdout).toContain("reproduced");
    expect(out.stdout).toContain("evaluated again against the history");
    expect(out.code).toBe(0);
  });

  it("does not reproduce a report whose outlier list was edited (exit 1, naming the outliers)", async () => {
    const edited = JSON.parse(reportText) as Report;
    const outliers = edited.plausibility!.outliers!;
    for (const c of outliers.checks)
      for (const s of c.series)
        if (s.status === "outlier")
          Object.assign(s, { status: "usual", z: 0, direction: null });
    const hidden = outliers.explain[0];
    outliers.explain = [];
    const out = await runVerify(write("edited.json", edited), {
      delivery,
      compiled: COMPILED,
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("NOT reproduced");
    expect(out.stdout).toContain(
      `plausibility.outliers.explain: now, not in the report: ${hidden}`,
    );
    // an outlier list made up for a delivery without outliers fails as well
    const invented = JSON.parse(reportText) as Report;
    invented.plausibility!.outliers!.explain.push(
      "ikbs: 1 is unusually low against the bank's own history",
    );
    const made = await runVerify(write("invented.json", invented), {
      delivery,
      compiled: COMPILED,
    });
    expect(made.code).toBe(1);
    expect(made.stdout).toContain("in the report, not now");
  });

  it("needs the history the outliers were evaluated against: exit 2 without it, --history names where it is now", async () => {
    const path = join(work, "report-moved.json");
    writeFileSync(path, reportText);
    const moved = join(work, "moved.sqlite");
    renameSync(history, moved);
    try {
      const gone = await runVerify(path, { delivery, compiled: COMPILED });
      expect(gone.code).toBe(2);
      expect(gone.stderr).toContain("give --history FILE");
      const given = await runVerify(path, {
        delivery,
        compiled: COMPILED,
        history: moved,
      });
      expect(given.code).toBe(0);
    } finally {
      renameSync(moved, history);
    }
  });
});
