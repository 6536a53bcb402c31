/**
 * The declared aggregates of a run in the history store (table `run_aggregates`, read by the
 * outlier checks): recorded from report.json, read back, created in a history written before
 * the table existed.
 */
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  History,
  RUN_AGGREGATES,
  runFromReport,
  type NewRun,
} from "../../audit/history.js";
import type { Report } from "../../runtime/report-types.js";

const dir = mkdtempSync(join(tmpdir(), "regel-history-aggregates-"));

type Db = {
  exec(sql: string): void;
  all(sql: string): Record<string, unknown>[];
  close(): void;
};
const Database = (
  createRequire(import.meta.url)("node-sqlite3-wasm") as {
    Database: new (file: string) => Db;
  }
).Database;

const run = (
  deliveryId: string,
  aggregates?: Record<string, number>,
): NewRun => ({
  bank: "B1",
  deliveryId,
  rrd: "2024-03-31",
  deliveredAt: "2024-04-03T14:05:00+02:00",
  accepted: true,
  ruleset: "ikb.glo@1.3.0",
  ikbs: 3,
  ikbsMeetingControls: 2,
  percentage: 66.67,
  blockingErrors: 0,
  errors: 1,
  findings: { omc0001: 1 },
  ...(aggregates ? { aggregates } : {}),
});

describe("run_aggregates", () => {
  it("has exactly the agreed DDL", () => {
    expect(RUN_AGGREGATES).toBe(
      "CREATE TABLE IF NOT EXISTS run_aggregates (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, name TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (run_id, name));",
    );
  });

  it("records a run's aggregates and reads them back", () => {
    const file = join(dir, "a.sqlite");
    const h = History.open(file, { create: true });
    try {
      h.record(run("1", { depositors: 3, total_deposits: 140.3 }));
      h.record(run("2"));
      const [a, b] = h.runs();
      expect(a.aggregates).toEqual({ depositors: 3, total_deposits: 140.3 });
      expect(b.aggregates).toBeUndefined();
    } finally {
      h.close();
    }
    const db = new Database(file);
    try {
      expect(
        db.all("SELECT run_id, name, value FROM run_aggregates ORDER BY name"),
      ).toEqual([
        { run_id: 1, name: "depositors", value: 3 },
        { run_id: 1, name: "total_deposits", value: 140.3 },
      ]);
    } finally {
      db.close();
    }
  });

  it("a history written before the table existed reads as before and gets it at the next record", () => {
    const file = join(dir, "old.sqlite");
    History.open(file, { create: true }).close();
    const db = new Database(file);
    db.exec("DROP TABLE run_aggregates");
    db.close();
    const h = History.open(file, { create: true });
    try {
      h.record(run("1"));
      expect(h.runs()[0].aggregates).toBeUndefined();
      h.record(run("2", { depositors: 4 }));
      expect(h.runs()[1].aggregates).toEqual({ depositors: 4 });
    } finally {
      h.close();
    }
  });

  it("runFromReport takes the aggregates with a value and leaves out one that was not computed", () => {
    const report = {
      rrd: "2024-03-31",
      status: "accepted",
      ruleset: { id: "t@1.0.0" },
      ikbs: null,
      blockingErrors: [],
      rules: [],
      secondaryRules: [],
      inputProblems: [],
      aggregates: [
        {
          name: "depositors",
          title: null,
          measure: "count-ikbs",
          unit: "count",
          value: 0,
          text: "0",
        },
        {
          name: "share",
          title: null,
          measure: "share-ikbs",
          unit: "percent",
          value: null,
          text: "not computed",
        },
      ],
    } as unknown as Report;
    const r = runFromReport(report, {
      bank: "B1",
      deliveryId: "1",
      deliveredAt: "2024-04-03T14:05:00+02:00",
    });
    expect(r.aggregates).toEqual({ depositors: 0 });
  });
});
