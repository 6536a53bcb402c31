/**
 * `regel record` reads its report defensively (issue 16): a report.json whose `rules` holds
 * `null` crashed it; now every report is checked against docs/report-schema.json and refused
 * with each problem's path. And what record accepts, `regel history` can read: record no longer
 * "records" into a history that is gone when it ends (`--history ""` or `:memory:`).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { runHistory } from "../../cli/commands/history.js";
import { runRecord } from "../../cli/commands/record.js";
import { reportProblems } from "../../runtime/report-check.js";
import { ensureBuilt, hasStackTrace, regel, ROOT } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "regel-record-"));
const good = join(dir, "good", "report.json");
let report: Record<string, unknown>;

const meta = (id: string, history: string) => ({
  bank: "B",
  deliveryId: id,
  deliveredAt: "2024-04-02T10:00:00+02:00",
  history,
});

/** Write `value` as a report file and return its path. */
function reportFile(name: string, value: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

beforeAll(() => {
  ensureBuilt();
  const v = regel([
    "validate",
    join(ROOT, "examples", "ikb-delivery"),
    "--rrd",
    "2024-03-31",
    "--out",
    join(dir, "good"),
    "--no-progress",
  ]);
  expect(hasStackTrace(v.stderr)).toBe(false);
  report = JSON.parse(readFileSync(good, "utf8"));
  expect(reportProblems(report)).toEqual([]);
}, 180_000);

describe("regel record checks the report against docs/report-schema.json", () => {
  it("a report whose rules hold null: exit 2, the path and what is wrong, no stack trace, nothing written", () => {
    const history = join(dir, "null.sqlite");
    const path = reportFile("null", {
      ...report,
      rules: [null, ...(report.rules as unknown[])],
    });
    const r = regel([
      "record",
      path,
      "--bank",
      "B",
      "--delivery-id",
      "d1",
      "--delivered-at",
      "2024-04-02T10:00:00+02:00",
      "--history",
      history,
    ]);
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toBe(
      `regel record: ${path} is not a valid regel JSON report (see docs/report-schema.json):\n` +
        "  rules[0]: must be object, found null\n" +
        "use the report.json that regel validate --out DIR wrote\n",
    );
    expect(existsSync(history)).toBe(false);
  });

  it("names every problem with its path, five at most", () => {
    const rules = report.rules as Record<string, unknown>[];
    const broken = {
      ...report,
      rrd: undefined,
      status: "ok",
      ikbs: "many",
      rules: [{ ...rules[0], count: "7" }, ...rules.slice(1)],
      rows: { read: -1, validated: 0, rejected: 0 },
    };
    expect(reportProblems(JSON.parse(JSON.stringify(broken)))).toEqual([
      "the report: `rrd` is missing",
      'status: must be one of "accepted", "rejected", found "ok"',
      "rows.read: must be >= 0, found -1",
      'ikbs: must be null or object, found "many"',
      'rules[0].count: must be integer, found "7"',
    ]);
    const many = { ...report, rules: [1, 2, 3, 4, 5, 6, 7] };
    expect(reportProblems(many)).toEqual([
      "rules[0]: must be object, found 1",
      "rules[1]: must be object, found 2",
      "rules[2]: must be object, found 3",
      "rules[3]: must be object, found 4",
      "rules[4]: must be object, found 5",
      "and 2 more",
    ]);
    expect(reportProblems([1])).toEqual([
      "the report: must be object, found [1]",
    ]);
  });

  it("records a report of a later 1.x version with properties it does not know; refuses 2.x", () => {
    const history = join(dir, "later.sqlite");
    const later = reportFile("later", {
      ...report,
      reportVersion: "1.9.0",
      extra: { x: 1 },
    });
    expect(runRecord(later, meta("l1", history)).code).toBe(0);
    const v2 = reportFile("v2", { ...report, reportVersion: "2.0.0" });
    const r = runRecord(v2, meta("l2", history));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("report version 2.0.0 is not supported (1.x)");
  });
});

describe("what regel record accepts, regel history reads", () => {
  it('refuses --history "", ":memory:" and a folder path, which SQLite takes as a history that is gone afterwards', () => {
    for (const [history, says] of [
      ["", "give the path of a history file (a history kept in memory is lost"],
      [":memory:", "give the path of a history file"],
      [`${dir}/`, "give the path of a history file, not of a folder"],
    ]) {
      const r = runRecord(good, meta("m1", history));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(says);
      expect(r.stdout).toBe("");
    }
  });

  it("refuses counts beyond 2^53 - 1, alone or added up, which history could not print back", () => {
    const history = join(dir, "huge.sqlite");
    const code = (report.rules as { code: string }[])[0].code;
    const cases: [string, (r: Record<string, unknown>) => void, string][] = [
      [
        "one count",
        (r) => ((r.rules as { count: number }[])[0].count = 2 ** 60),
        `findings of ${code}`,
      ],
      [
        "two counts adding up",
        (r) => {
          const rules = r.rules as { count: number }[];
          rules[0].count = 2 ** 52;
          rules[1].count = 2 ** 52;
        },
        "errors",
      ],
    ];
    for (const [name, mutate, what] of cases) {
      const mutated = structuredClone(report);
      mutate(mutated);
      const rec = runRecord(
        reportFile(`huge-${name}`, mutated),
        meta(name, history),
      );
      expect(rec.code, name).toBe(2);
      expect(rec.stderr, name).toContain(`the report's ${what} (`);
      expect(hasStackTrace(rec.stderr)).toBe(false);
    }
    // nothing was written: the history has no runs, and prints
    const ok = runRecord(good, meta("fine", history));
    expect(ok.code).toBe(0);
    const h = runHistory({ history, json: true });
    expect(h.code).toBe(0);
    expect(
      (JSON.parse(h.stdout) as { deliveryId: string }[]).map(
        (r) => r.deliveryId,
      ),
    ).toEqual(["fine"]);
  });

  it("reads a history written before that refusal, whose counts read back as bigints, as numbers", () => {
    const history = join(dir, "old-huge.sqlite");
    expect(runRecord(good, meta("old", history)).code).toBe(0);
    // what record wrote before it refused such counts: 64-bit integers beyond 2^53 - 1
    const { Database } = createRequire(import.meta.url)(
      "node-sqlite3-wasm",
    ) as {
      Database: new (file: string) => {
        exec(sql: string): void;
        close(): void;
      };
    };
    const db = new Database(history);
    db.exec("UPDATE runs SET errors = 9007199254740993");
    db.exec("UPDATE rule_findings SET count = 9007199254740995");
    db.close();
    const h = runHistory({ history, json: true });
    expect(h.stderr).toBe("");
    expect(h.code).toBe(0);
    const [run] = JSON.parse(h.stdout) as {
      errors: number;
      findings: Record<string, number>;
    }[];
    expect(run.errors).toBe(2 ** 53);
    expect(Object.values(run.findings)).toContain(9007199254740996);
    expect(runHistory({ history }).code).toBe(0);
  });

  it("property: every mutated report that record accepts is listed by history, with whole-number counts", () => {
    const history = join(dir, "property.sqlite");
    const paths = [
      ["rules", 0, "count"],
      ["rules", 0],
      ["secondaryRules"],
      ["ikbs"],
      ["ikbs", "count"],
      ["ikbs", "percentage"],
      ["rrd"],
      ["status"],
      ["blockingErrors"],
      ["inputProblems"],
      ["ruleset", "id"],
      ["reportVersion"],
    ] as const;
    const values = fc.oneof(
      fc.constant(null),
      fc.integer({ min: -3, max: 1e6 }),
      fc.double(),
      fc.string({ maxLength: 12 }),
      fc.boolean(),
      fc.constant([]),
      fc.constant({}),
      fc.constantFrom(
        "2024-02-30",
        "accepted",
        "rejected",
        "1.2.3",
        "constructor",
        "__proto__",
      ),
    );
    let n = 0;
    fc.assert(
      fc.property(fc.constantFrom(...paths), values, (path, value) => {
        const mutated = structuredClone(report) as Record<string, unknown>;
        let at: Record<string | number, unknown> | undefined = mutated;
        for (const p of path.slice(0, -1))
          at = at?.[p] as Record<string | number, unknown> | undefined;
        if (at === undefined || at === null || typeof at !== "object") return;
        at[path[path.length - 1]] = value;
        const id = `p${++n}`;
        const rec = runRecord(reportFile(id, mutated), meta(id, history));
        expect([0, 2]).toContain(rec.code);
        expect(hasStackTrace(rec.stderr)).toBe(false);
        if (rec.code !== 0) return;
        const h = runHistory({ history, json: true });
        expect(h.stderr).toBe("");
        expect(h.code).toBe(0);
        const run = (
          JSON.parse(h.stdout) as { deliveryId: string; errors: unknown }[]
        ).find((r) => r.deliveryId === id);
        expect(run).toBeDefined();
        expect(Number.isInteger(run!.errors)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
