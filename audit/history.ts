/**
 * The validation history: an embedded SQLite database of recorded `regel validate` runs — bank,
 * delivery id, RRD, delivered-at, accepted or not and the summary counts of the report. `regel
 * record` / `regel history` write and read it; `regel assess` draws its evidence from it.
 *
 * SQLite runs as WebAssembly (node-sqlite3-wasm) on a real file through Node's `fs`: installing
 * regel builds nothing native and needs no C++ toolchain, on any platform Node runs on. (Node 20
 * has no `node:sqlite`; better-sqlite3 would need a prebuilt binary download or a compiler.)
 *
 * Safety: every write is one transaction (a run and its per-rule counts land together or not at
 * all); the rollback journal with `synchronous = FULL` keeps committed runs through a crash or a
 * killed process. Processes take turns through a lock with a named owner (audit/history-lock.ts):
 * one whose owner was killed is broken and SQLite rolls the unfinished transaction back. A history
 * another process holds, or a file that is not (or no longer) a valid history, gives a
 * {@link HistoryError} with a clear message; the file is never rewritten or deleted to "repair" it.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { Report } from "../runtime/report-types.js";
import { isIsoDateTime } from "../runtime/calendar-date.js";
import { inForce } from "../runtime/select-version.js";
import { pct, pctDown } from "../runtime/stage-report.js";
import { HistoryLockError, withLock } from "./history-lock.js";

/** What `regel history` and `regel assess` need of one recorded run. */
export interface RunRecord {
  /** Row id, in recording order. */
  id: number;
  bank: string;
  deliveryId: string;
  /** Reporting reference date, YYYY-MM-DD. */
  rrd: string;
  /** When the bank delivered the file in DLR (ISO 8601 with offset). Not the Logius receipt. */
  deliveredAt: string;
  accepted: boolean;
  /** `name@version` of the ruleset the delivery was validated against. */
  ruleset: string;
  ikbs: number | null;
  ikbsMeetingControls: number | null;
  /** Share of IKBs meeting the automated controls, percent with 2 decimals. */
  percentage: number | null;
  /** Number of blocking errors (sum of the report's blocking error counts). */
  blockingErrors: number;
  /** All findings of all rules plus all input problems (what `regel history` shows). */
  errors: number;
  /** Findings per rule code (rules with at least one finding). */
  findings: Record<string, number>;
  /**
   * The report's declared aggregates by name (those with a value; table `run_aggregates`).
   * Absent when the run has none recorded.
   */
  aggregates?: Record<string, number>;
}

/**
 * A run to record: everything but the id, and the identity of the delivery it is of (see
 * {@link deliveryIdentity}), by which `regel record` refuses to count one delivery twice.
 */
export type NewRun = Omit<RunRecord, "id"> & { identity?: string };

/** A problem with the history database that the CLI reports as a clear message (exit 2). */
export class HistoryError extends Error {
  override name = "HistoryError";
}

/**
 * The report is of a delivery the history already holds (same {@link deliveryIdentity}): `regel
 * record` refuses it (exit 2) rather than count one delivery twice.
 */
export class DuplicateRunError extends HistoryError {
  override name = "DuplicateRunError";
}

// ---------------------------------------------------------------- node-sqlite3-wasm, as used here

type Value = number | bigint | string | Uint8Array | null;
interface Database {
  exec(sql: string): void;
  run(sql: string, values?: Value[]): { lastInsertRowid: number | bigint };
  all(sql: string, values?: Value[]): Record<string, Value>[];
  get(sql: string, values?: Value[]): Record<string, Value> | null;
  readonly inTransaction: boolean;
  close(): void;
}
type DatabaseConstructor = new (
  file: string,
  options?: { fileMustExist?: boolean; readOnly?: boolean },
) => Database;

let constructorCache: DatabaseConstructor | undefined;
function sqlite(): DatabaseConstructor {
  // Loaded on first use: instantiating SQLite's WebAssembly costs tens of milliseconds that
  // commands without a history do not pay.
  constructorCache ??= (
    createRequire(import.meta.url)("node-sqlite3-wasm") as {
      Database: DatabaseConstructor;
    }
  ).Database;
  return constructorCache;
}

/** The default history file, in the working folder. */
export const DEFAULT_HISTORY = "regel-history.sqlite";

const SCHEMA_VERSION = "1";

/**
 * The declared aggregates of a run (docs/history.md). Added after schema 1: a history written
 * before it gets the table when it next records a run (the statement is idempotent), so the
 * schema version stays 1. plaus-outliers reads it; keep the DDL exactly as it is.
 */
export const RUN_AGGREGATES = `CREATE TABLE IF NOT EXISTS run_aggregates (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, name TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (run_id, name));`;

/**
 * The identity of each recorded run's delivery ({@link deliveryIdentity}). Added after schema 1 as
 * run_aggregates was: a history written before gets the table when it next records a run (runs
 * recorded before have no identity, so a copy of one of them cannot be recognised).
 */
const RUN_IDENTITY = `CREATE TABLE IF NOT EXISTS run_identity (run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE, identity TEXT NOT NULL UNIQUE);`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  bank TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  rrd TEXT NOT NULL,
  delivered_at TEXT NOT NULL,
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  ruleset TEXT NOT NULL,
  ikbs INTEGER,
  ikbs_meeting_controls INTEGER,
  percentage REAL,
  blocking_errors INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  UNIQUE (bank, delivery_id)
);
CREATE TABLE IF NOT EXISTS rule_findings (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  rule TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (run_id, rule)
);
CREATE INDEX IF NOT EXISTS runs_bank_rrd ON runs (bank, rrd);
${RUN_AGGREGATES}
${RUN_IDENTITY}
`;

/**
 * The declared aggregates of each run (recorded by the aggregates step of `regel record`), read
 * by the outlier method (audit/outliers.ts). Created by whichever step needs it first, so it
 * exists in a history written before it; exactly this statement in both places.
 */
const RUN_AGGREGATES_DDL =
  "CREATE TABLE IF NOT EXISTS run_aggregates (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, name TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (run_id, name));";

/** The kind of an SQLite error, from its message (the WebAssembly driver has no error codes). */
function sqliteKind(
  e: unknown,
): "busy" | "notadb" | "cantopen" | "readonly" | "missing-driver" | "other" {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "MODULE_NOT_FOUND") return "missing-driver";
  const m = e instanceof Error ? e.message : "";
  if (/database (table )?is locked/.test(m)) return "busy";
  if (/file is not a database|database disk image is malformed/.test(m))
    return "notadb";
  if (/Could not open the database|unable to open database file/.test(m))
    return "cantopen";
  if (/readonly database/.test(m)) return "readonly";
  return "other";
}

/** Turn an SQLite error into a message an operator can act on. */
function explain(file: string, e: unknown): HistoryError {
  if (e instanceof HistoryError) return e;
  if (e instanceof HistoryLockError) return new HistoryError(e.message);
  const message = e instanceof Error ? e.message : String(e);
  switch (sqliteKind(e)) {
    case "busy":
      return new HistoryError(
        `the history ${file} is locked by another process; try again when it is done (nothing was written)`,
      );
    case "notadb":
      return new HistoryError(
        `${file} is not a readable regel history (SQLite says: ${message}); it was left untouched — restore it from a backup or pass another --history file`,
      );
    case "cantopen":
      return new HistoryError(`cannot open the history ${file} (${message})`);
    case "readonly":
      return new HistoryError(
        `the history ${file} is read-only (nothing was written)`,
      );
    case "missing-driver":
      return new HistoryError(
        `the SQLite driver node-sqlite3-wasm is not installed (${message}); reinstall regel`,
      );
    default:
      return new HistoryError(`history ${file}: ${message}`);
  }
}

/** Run `fn` in one SQLite transaction that takes the write lock at once: all of it lands, or none. */
function transaction<T>(db: Database, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

/** An open history database. Close it when done. */
export class History {
  private constructor(
    readonly file: string,
    private readonly db: Database,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Open (and with `create`, create) the history at `file`. Throws {@link HistoryError} when the
   * file is locked (longer than `timeoutMs`, default 2 s), corrupt, not a history, or (without
   * `create`) missing.
   */
  static open(
    file: string,
    options: { create?: boolean; timeoutMs?: number } = {},
  ): History {
    // SQLite takes "" and ":memory:" as a database that is gone when the command ends: a run
    // recorded there is lost, and `regel history` then finds no history (issue 16)
    if (file.trim() === "" || file === ":memory:")
      throw new HistoryError(
        `--history ${JSON.stringify(file)}: give the path of a history file (a history kept in memory is lost when the command ends)`,
      );
    if (/[\\/]$/.test(file))
      throw new HistoryError(
        `--history ${file}: give the path of a history file, not of a folder (e.g. ${file}regel-history.sqlite)`,
      );
    const create = options.create === true;
    const timeoutMs = options.timeoutMs ?? 2000;
    let db: Database | undefined;
    try {
      return withLock(file, create ? "write" : "read", timeoutMs, () => {
        db = new (sqlite())(file, { fileMustExist: !create });
        db.exec("PRAGMA foreign_keys = ON");
        db.exec("PRAGMA synchronous = FULL");
        // Reading the schema fails on a file that is not a database ("file is not a database").
        const names = new Set(
          db
            .all("SELECT name FROM sqlite_master WHERE type = 'table'")
            .map((t) => String(t.name)),
        );
        if (names.size > 0 && !names.has("runs")) {
          throw new HistoryError(
            `${file} is an SQLite database but not a regel history (no runs table); it was left untouched`,
          );
        }
        if (names.size === 0) {
          if (!create) throw new HistoryError(`${file} holds no regel history`);
          const opened = db;
          transaction(opened, () => {
            opened.exec(SCHEMA);
            opened.run(
              "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)",
              [SCHEMA_VERSION],
            );
          });
        }
        if (create && !names.has("run_aggregates")) db.exec(RUN_AGGREGATES_DDL);
        return new History(file, db, timeoutMs);
      });
    } catch (e) {
      db?.close();
      if (sqliteKind(e) === "cantopen" && !create) {
        throw new HistoryError(
          `no history at ${file}: record a run first (regel record ... --history ${file})`,
        );
      }
      throw explain(file, e);
    }
  }

  private locked<T>(mode: "read" | "write", fn: () => T): T {
    try {
      return withLock(this.file, mode, this.timeoutMs, fn);
    } catch (e) {
      throw explain(this.file, e);
    }
  }

  /** Record one run and its per-rule counts in one transaction. Returns the run's id. */
  record(run: NewRun): number {
    return this.locked("write", () =>
      transaction(this.db, () => {
        const exists = this.db.get(
          "SELECT id FROM runs WHERE bank = ? AND delivery_id = ?",
          [run.bank, run.deliveryId],
        );
        if (exists !== null) {
          throw new HistoryError(
            `delivery ${run.deliveryId} of bank ${run.bank} is already recorded; use another --delivery-id`,
          );
        }
        // a history written before the identities were recorded gets the table now
        this.db.exec(RUN_IDENTITY);
        if (run.identity !== undefined) {
          const same = this.db.get(
            "SELECT runs.id, runs.bank, runs.delivery_id FROM run_identity JOIN runs ON runs.id = run_identity.run_id WHERE run_identity.identity = ?",
            [run.identity],
          );
          if (same !== null)
            throw new DuplicateRunError(
              `this report is of a delivery already recorded as run ${String(same.id)} (bank ${String(same.bank)}, delivery ${String(same.delivery_id)}): the same files for the same RRD (${run.identity}); recording it again would count one delivery twice. Nothing was written`,
            );
        }
        const info = this.db.run(
          `INSERT INTO runs (bank, delivery_id, rrd, delivered_at, accepted, ruleset, ikbs, ikbs_meeting_controls,
             percentage, blocking_errors, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            run.bank,
            run.deliveryId,
            run.rrd,
            run.deliveredAt,
            run.accepted ? 1 : 0,
            run.ruleset,
            run.ikbs,
            run.ikbsMeetingControls,
            run.percentage,
            run.blockingErrors,
            run.errors,
          ],
        );
        const id = Number(info.lastInsertRowid);
        if (run.identity !== undefined)
          this.db.run(
            "INSERT INTO run_identity (run_id, identity) VALUES (?, ?)",
            [id, run.identity],
          );
        for (const rule of Object.keys(run.findings).sort())
          this.db.run(
            "INSERT INTO rule_findings (run_id, rule, count) VALUES (?, ?, ?)",
            [id, rule, run.findings[rule]],
          );
        // a history written before aggregates were recorded gets the table now
        this.db.exec(RUN_AGGREGATES);
        const aggregates = run.aggregates ?? {};
        for (const name of Object.keys(aggregates).sort())
          this.db.run(
            "INSERT INTO run_aggregates (run_id, name, value) VALUES (?, ?, ?)",
            [id, name, aggregates[name]],
          );
        return id;
      }),
    );
  }

  /**
   * Recorded runs, optionally of one bank and only those with an id up to `upToRunId` (ids only
   * grow: AUTOINCREMENT never reuses one, so these are the runs recorded by then), ordered by
   * bank, RRD, delivered-at, id.
   */
  runs(filter: { bank?: string; upToRunId?: number } = {}): RunRecord[] {
    return this.locked("read", () => {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.bank !== undefined) {
        where.push("bank = ?");
        params.push(filter.bank);
      }
      if (filter.upToRunId !== undefined) {
        where.push("id <= ?");
        params.push(filter.upToRunId);
      }
      const rows = this.db.all(
        `SELECT * FROM runs${where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`} ORDER BY bank, rrd, delivered_at, id`,
        params,
      ) as unknown as Row[];
      const findings = this.db.all(
        "SELECT run_id, rule, count FROM rule_findings ORDER BY run_id, rule",
      ) as unknown as { run_id: number; rule: string; count: number }[];
      const byRun = new Map<number, { rule: string; count: number }[]>();
      for (const f of findings) {
        const list = byRun.get(f.run_id) ?? [];
        list.push(f);
        byRun.set(f.run_id, list);
      }
      const aggregatesByRun = new Map<number, [string, number][]>();
      const hasAggregates =
        this.db.get(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'run_aggregates'",
        ) !== null;
      if (hasAggregates)
        for (const a of this.db.all(
          "SELECT run_id, name, value FROM run_aggregates ORDER BY run_id, name",
        ) as unknown as { run_id: number; name: string; value: number }[]) {
          const list = aggregatesByRun.get(a.run_id) ?? [];
          list.push([a.name, a.value]);
          aggregatesByRun.set(a.run_id, list);
        }
      return rows.map((r) => {
        const aggregates = aggregatesByRun.get(r.id);
        return {
          ...toRecord(r, byRun.get(r.id) ?? []),
          ...(aggregates ? { aggregates: countsByRule(aggregates) } : {}),
        };
      });
    });
  }

  /**
   * The declared aggregates of every run, by run id then name (empty for a history without the
   * run_aggregates table: one written before aggregates were recorded).
   */
  runAggregates(): Map<number, Record<string, number>> {
    return this.locked("read", () => {
      const out = new Map<number, Record<string, number>>();
      const has = this.db.get(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'run_aggregates'",
      );
      if (has === null) return out;
      for (const row of this.db.all(
        "SELECT run_id, name, value FROM run_aggregates ORDER BY run_id, name",
      )) {
        const id = Number(row.run_id);
        // no prototype: an aggregate may be called `constructor`
        const values =
          out.get(id) ?? (Object.create(null) as Record<string, number>);
        values[String(row.name)] = Number(row.value);
        out.set(id, values);
      }
      return out;
    });
  }

  /** Every bank with at least one run, sorted. */
  banks(): string[] {
    return this.locked("read", () =>
      this.db
        .all("SELECT DISTINCT bank FROM runs ORDER BY bank")
        .map((r) => String(r.bank)),
    );
  }

  /** SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file. */
  integrityCheck(): string[] {
    return this.locked("read", () =>
      this.db
        .all("PRAGMA integrity_check")
        .map((r) => String(r.integrity_check)),
    );
  }

  close(): void {
    this.db.close();
  }
}

interface Row {
  id: number;
  bank: string;
  delivery_id: string;
  rrd: string;
  delivered_at: string;
  accepted: number;
  ruleset: string;
  ikbs: number | null;
  ikbs_meeting_controls: number | null;
  percentage: number | null;
  blocking_errors: number;
  errors: number;
}

function toRecord(
  r: Row,
  findings: { rule: string; count: number }[],
): RunRecord {
  return {
    id: r.id,
    bank: r.bank,
    deliveryId: r.delivery_id,
    rrd: r.rrd,
    deliveredAt: r.delivered_at,
    accepted: r.accepted === 1,
    ruleset: r.ruleset,
    ikbs: whole(r.ikbs),
    ikbsMeetingControls: whole(r.ikbs_meeting_controls),
    percentage: r.percentage,
    blockingErrors: whole(r.blocking_errors),
    errors: whole(r.errors),
    findings: countsByRule(findings.map((f) => [f.rule, whole(f.count)])),
  };
}

/**
 * A whole number as SQLite gives it back: a bigint (beyond 2^53 - 1, in a history written before
 * `regel record` refused such counts) as the nearest number, so that the history stays readable
 * and printable as JSON.
 */
function whole<T extends number | null>(value: T): T {
  return (typeof value === "bigint" ? Number(value) : value) as T;
}

/** Counts per rule code as an object without a prototype, so that no code is special. */
function countsByRule(
  entries: Iterable<readonly [string, number]>,
): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const [rule, count] of entries) out[rule] = count;
  return out;
}

// ---------------------------------------------------------------- from a report

// where `regel assess` and the tests have always found it (runtime/calendar-date.ts)
export { isIsoDateTime };

/**
 * What is wrong with the ISO 8601 date-time `value` given as `flag` (with its offset, so that it
 * is one instant), as `--delivered-at …: expected …`; undefined when it is one.
 */
export function dateTimeOptionProblem(
  flag: string,
  value: string,
): string | undefined {
  return isIsoDateTime(value)
    ? undefined
    : `${flag} ${value}: expected an ISO date-time with offset, e.g. 2024-04-03T14:05:00+02:00`;
}

/**
 * The run to record for a validation report: its counts, and the findings per rule. Throws
 * {@link HistoryError} for an empty bank or delivery id or a delivered-at that is no ISO date-time
 * with offset; whether the report may be recorded at all is {@link assertRecordable}'s. `errors`
 * (shown by `regel history`) is all findings of all rules plus all input problems; the groeipad's error
 * reduction does not use it, but the findings per rule of an accepted delivery (its signalling
 * validation errors: see audit/assess.ts and the `error_reduction` metric of ikb.groeipad).
 */
export function runFromReport(
  report: Report,
  meta: { bank: string; deliveryId: string; deliveredAt: string },
): NewRun {
  if (meta.bank.trim() === "")
    throw new HistoryError("--bank must not be empty");
  if (meta.deliveryId.trim() === "")
    throw new HistoryError("--delivery-id must not be empty");
  const deliveredAt = dateTimeOptionProblem("--delivered-at", meta.deliveredAt);
  if (deliveredAt !== undefined) throw new HistoryError(deliveredAt);
  // A Map: rule codes are names from a ruleset, and `constructor` or `__proto__` is one too.
  const counts = new Map<string, number>();
  for (const r of [...report.rules, ...report.secondaryRules])
    if (r.count > 0) counts.set(r.code, (counts.get(r.code) ?? 0) + r.count);
  const findings = countsByRule(counts);
  const inputProblems = report.inputProblems.reduce((n, p) => n + p.count, 0);
  const run: NewRun = {
    bank: meta.bank,
    deliveryId: meta.deliveryId,
    rrd: report.rrd,
    deliveredAt: meta.deliveredAt,
    accepted: report.status === "accepted",
    ruleset: report.ruleset.id,
    ikbs: report.ikbs?.count ?? null,
    ikbsMeetingControls: report.ikbs?.meetingAutomatedControls ?? null,
    percentage: report.ikbs?.percentage ?? null,
    blockingErrors: report.blockingErrors.reduce((n, b) => n + b.count, 0),
    errors: [...counts.values()].reduce((a, b) => a + b, 0) + inputProblems,
    findings,
    ...(report.aggregates === undefined
      ? {}
      : {
          aggregates: countsByRule(
            report.aggregates.flatMap((a) =>
              a.value === null ? [] : [[a.name, a.value] as const],
            ),
          ),
        }),
  };
  assertCountable(run);
  return run;
}

/**
 * The identity of the delivery a report is of, by its provenance: the RRD and every input file
 * with its sha256 (`delivery:` and a sha256 of those). The same files for the same RRD are the
 * same delivery, whatever ruleset or options validated them and whatever id it is recorded
 * under. A report without provenance (written before regel recorded it) is identified by its
 * content apart from `generatedAt` (`report:` and a sha256).
 */
export function deliveryIdentity(report: Report): string {
  const sha = (text: string) =>
    createHash("sha256").update(text, "utf8").digest("hex");
  const inputs = report.provenance?.inputs;
  if (inputs !== undefined)
    return `delivery:${sha(
      JSON.stringify({
        rrd: report.rrd,
        inputs: inputs
          .map((i) => [i.file, i.sha256] as const)
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      }),
    )}`;
  const { generatedAt: _generatedAt, ...content } = report;
  return `report:${sha(JSON.stringify(content))}`;
}

/**
 * What in a report contradicts the rest of it, as regel computes it (cheap and certain checks): the
 * status against the blocking errors, and the IKB figures against each other and the categories
 * (an IKB in a category does not meet the automated controls). Undefined when nothing does.
 */
function contradiction(report: Report): string | undefined {
  const blocking = report.blockingErrors.length;
  if (report.status === "accepted" && blocking > 0)
    return `status accepted with ${blocking} blocking error code${blocking === 1 ? "" : "s"} (${report.blockingErrors.map((b) => b.code).join(", ")})`;
  if (report.status === "rejected" && blocking === 0)
    return "status rejected without a blocking error";
  const ikbs = report.ikbs;
  if (ikbs === null) return undefined;
  if (ikbs.meetingAutomatedControls > ikbs.count)
    return `ikbs.meetingAutomatedControls ${ikbs.meetingAutomatedControls} is more than ikbs.count ${ikbs.count}`;
  // rounded down since the pass rate may not show a norm met that is not; half up before
  const expected = pctDown(ikbs.meetingAutomatedControls, ikbs.count);
  if (
    ikbs.percentage !== expected &&
    ikbs.percentage !== pct(ikbs.meetingAutomatedControls, ikbs.count)
  )
    return `ikbs.percentage ${ikbs.percentage} is not ${ikbs.meetingAutomatedControls} of ${ikbs.count} (${expected})`;
  const notMeeting = ikbs.count - ikbs.meetingAutomatedControls;
  const widest = report.categories.reduce(
    (a, c) => (c.count > a.count ? c : a),
    { name: "", count: 0 },
  );
  if (widest.count > notMeeting)
    return `category ${widest.name} holds ${widest.count} IKBs, but only ${notMeeting} do not meet the automated controls`;
  return undefined;
}

/**
 * Refuses (with a {@link HistoryError}) a report that is no evidence of a bank's delivery, before
 * `regel record` writes it: a report that contradicts itself (damaged or edited: its status
 * against its blocking errors, its IKB figures), a report of a partial delivery (`regel validate -`), one whose ruleset
 * was not in force on its RRD (checked from its validity, so also in reports without
 * `rulesetInForce`) or a delivered-at on a day before the RRD. Not part of {@link runFromReport}, which the outliers of
 * `regel validate --bank` use on any report.
 */
export function assertRecordable(report: Report, deliveredAt: string): void {
  const edited = contradiction(report);
  if (edited !== undefined)
    throw new HistoryError(
      `the report contradicts itself: ${edited}; regel never writes such a report: it was damaged or edited, and is not recorded (regel verify reproduces a report from its delivery)`,
    );
  // One entity from a stream is no delivery of the bank: its other files were not even expected.
  if (report.partialDelivery !== undefined)
    throw new HistoryError(
      `the report is of the ${report.partialDelivery.entities.join(", ")} records only (regel validate -), not of a whole delivery folder: it is no delivery of the bank and is not recorded; validate the delivery folder and record that report`,
    );
  // A ruleset that did not apply on the RRD gives no verdict on the delivery: not evidence.
  if (
    !inForce(
      report.rrd,
      report.ruleset.validFrom ?? undefined,
      report.ruleset.validUntil ?? undefined,
    )
  )
    throw new HistoryError(
      `the report's ruleset ${report.ruleset.id} was not in force on its RRD ${report.rrd} (valid ${report.ruleset.validFrom ?? "…"} – ${report.ruleset.validUntil ?? "…"}): its status is no verdict on the delivery and is not recorded; validate with the version in force (leave out --ruleset or pin that version)`,
    );
  // The day as written (the bank's offset): a delivery about a reference date cannot precede it,
  // and assess would count the delay as negative working days.
  if (deliveredAt.slice(0, 10) < report.rrd)
    throw new HistoryError(
      `--delivered-at ${deliveredAt} is before the report's RRD ${report.rrd}: a delivery cannot be made before the reference date it reports on`,
    );
}

/**
 * Refuses a run whose counts, or their sums, are beyond 2^53 − 1: JavaScript cannot hold them
 * exactly, and SQLite stores them as 64-bit integers that read back as bigints. A report regel
 * wrote never has them; a hand-edited one is refused before anything is written. (Aggregates are
 * stored as REAL, as any number.)
 */
function assertCountable(run: NewRun): void {
  const numbers: [string, number | null][] = [
    ...Object.entries(run.findings).map(
      ([rule, n]) => [`findings of ${rule}`, n] as [string, number],
    ),
    ["blocking errors", run.blockingErrors],
    ["errors", run.errors],
    ["ikbs", run.ikbs],
    ["ikbs meeting the controls", run.ikbsMeetingControls],
  ];
  for (const [what, n] of numbers)
    if (n !== null && Number.isInteger(n) && !Number.isSafeInteger(n))
      throw new HistoryError(
        `the report's ${what} (${n}) is beyond the whole numbers that can be counted exactly (2^53 - 1); a report regel wrote never has such a count`,
      );
}
