/**
 * `regel verify` evaluates a report's outliers (`plausibility.outliers`) again against the history
 * the report names (or `--history`): an edited outlier list does not reproduce (exit 1, naming
 * what differs), a history that is gone is a usage error (exit 2), and an untouched report
 * reproduces.
 */
import { copyFileSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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

describe("regel verify: the outliers are evaluated against the runs the report read", () => {
  function recordLater(
    folder: string,
    seed: number,
    rrd: string,
    bank: string,
  ): Promise<void> {
    generateDelivery(loaded.module, {
      depositors: 150,
      seed,
      defectRate: 0.05,
      markingRate: 0.02,
      rrd,
      out: folder,
    });
    return validateDelivery(folder, loaded, { rrd }).then((later) => {
      const h = History.open(history);
      try {
        h.record(
          runFromReport(later, {
            bank,
            deliveryId: `later-${seed}`,
            deliveredAt: "2024-05-02T10:00:00+02:00",
          }),
        );
      } finally {
        h.close();
      }
    });
  }

  it("names the runs it read: the last run id and how many", () => {
    expect(report.plausibility?.outliers?.historyRuns).toEqual({
      lastRunId: 3,
      count: 3,
    });
  });

  it("still reproduces after another bank's delivery for the same RRD and an earlier RRD of the bank are recorded; an edited outlier list still fails", async () => {
    const path = join(work, "report-later.json");
    writeFileSync(path, reportText);
    await recordLater(join(work, "peer7"), 7, RRD, "P7");
    const afterPeer = await runVerify(path, { delivery, compiled: COMPILED });
    expect(afterPeer.stdout).not.toContain("NOT reproduced");
    expect(afterPeer.code).toBe(0);
    await recordLater(join(work, "earlier"), 8, "2023-12-31", "B");
    const afterEarlier = await runVerify(path, {
      delivery,
      compiled: COMPILED,
    });
    expect(afterEarlier.stdout).toContain("reproduced");
    expect(afterEarlier.stdout).not.toContain("NOT reproduced");
    expect(afterEarlier.stdout).toContain("ids up to 3");
    expect(afterEarlier.code).toBe(0);

    const edited = JSON.parse(reportText) as Report;
    const hidden = edited.plausibility!.outliers!.explain[0];
    edited.plausibility!.outliers!.explain = [];
    const out = await runVerify(write("edited-later.json", edited), {
      delivery,
      compiled: COMPILED,
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      `plausibility.outliers.explain: now, not in the report: ${hidden}`,
    );
  });

  it("does not reproduce against a history from which a run the report read was removed, and says so", async () => {
    const path = join(work, "report-removed.json");
    writeFileSync(path, reportText);
    const copy = join(work, "removed.sqlite");
    copyFileSync(history, copy);
    const { Database } = createRequire(import.meta.url)(
      "node-sqlite3-wasm",
    ) as {
      Database: new (file: string) => {
        exec(sql: string): void;
        close(): void;
      };
    };
    const db = new Database(copy);
    db.exec("PRAGMA foreign_keys = ON; DELETE FROM runs WHERE id = 1");
    db.close();
    const out = await runVerify(path, {
      delivery,
      compiled: COMPILED,
      history: copy,
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      "plausibility.outliers.historyRuns: the report read 3 runs with ids up to 3, the history holds 2 such runs now",
    );
  });

  it("a report without historyRuns (reportVersion 1.4) is evaluated against the history as it is now, and says so when it differs", async () => {
    const old = JSON.parse(reportText) as Report;
    delete old.plausibility!.outliers!.historyRuns;
    const out = await runVerify(write("report-1.4.json", old), {
      delivery,
      compiled: COMPILED,
    });
    // by now the history holds the later runs recorded above
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("as it is now");
    expect(out.stdout).toContain("does not name the runs it read");
  });
});
