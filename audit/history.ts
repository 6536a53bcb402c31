/**
 * The validation history: an embedded SQLite database (better-sqlite3) of recorded `regel validate`
 * runs — bank, delivery id, RRD, delivered-at, accepted or not and the summary counts of the
 * report. `regel record` / `regel history` write and read it; `regel assess` draws its evidence
 * from it.
 *
 * Safety: every write is one transaction (a run and its per-rule counts land together or not at
 * all); the rollback journal with `synchronous = FULL` keeps committed runs through a crash or a
 * killed process. A database another process holds locked, or a file that is not (or no longer) a
 * valid history, gives a {@link HistoryError} with a clear message; the file is never rewritten or
 * deleted to "repair" it.
 *
 * @module
 */
import { createRequire } from "node:module";
import type { Report } from "../runtime/report-types.js";

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
}

/** A run to record: everything but the id. */
export type NewRun = Omit<RunRecord, "id">;

/** A problem with the history database that the CLI reports as a clear message (exit 2). */
export class HistoryError extends Error {
  override name = "HistoryError";
}

// ---------------------------------------------------------------- better-sqlite3, typed locally

interface Statement {
  run(...params: unknown[]): {
    changes: number;
    lastInsertRowid: number | bigint;
  };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}
type DatabaseConstructor = new (
  file: string,
  options?: { fileMustExist?: boolean; timeout?: number; readonly?: boolean },
) => Database;

let constructorCache: DatabaseConstructor | undefined;
function sqlite(): DatabaseConstructor {
  // better-sqlite3 is CommonJS without bundled types; load it lazily so commands that do not touch
  // the history never pay for (or depend on) the native module.
  constructorCache ??= createRequire(import.meta.url)(
    "better-sqlite3",
  ) as DatabaseConstructor;
  return constructorCache;
}

/** The default history file, in the working folder. */
export const DEFAULT_HISTORY = "regel-history.sqlite";

const SCHEMA_VERSION = "1";

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
`;

function sqliteCode(e: unknown): string {
  return typeof e === "object" && e !== null && "code" in e
    ? String((e as { code: unknown }).code)
    : "";
}

/** Turn an SQLite error into a message an operator can act on. */
function explain(file: string, e: unknown): HistoryError {
  const code = sqliteCode(e);
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new HistoryError(
      `the history ${file} is locked by another process; try again when it is done (nothing was written)`,
    );
  }
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new HistoryError(
      `${file} is not a readable regel history (SQLite says: ${(e as Error).message}); it was left untouched — restore it from a backup or pass another --history file`,
    );
  }
  if (code === "SQLITE_CANTOPEN")
    return new HistoryError(
      `cannot open the history ${file} (${(e as Error).message})`,
    );
  if (code === "SQLITE_READONLY")
    return new HistoryError(
      `the history ${file} is read-only (nothing was written)`,
    );
  if (code === "MODULE_NOT_FOUND" || code === "ERR_DLOPEN_FAILED") {
    return new HistoryError(
      `the SQLite driver better-sqlite3 is not available: ${(e as Error).message}`,
    );
  }
  return e instanceof HistoryError
    ? e
    : new HistoryError(`history ${file}: ${(e as Error).message}`);
}

/** An open history database. Close it when done. */
export class History {
  private constructor(
    readonly file: string,
    private readonly db: Database,
  ) {}

  /**
   * Open (and with `create`, create) the history at `file`. Throws {@link HistoryError} when the
   * file is locked, corrupt, not a history, or (without `create`) missing.
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
    let db: Database | undefined;
    try {
      db = new (sqlite())(file, {
        fileMustExist: options.create !== true,
        timeout: options.timeoutMs ?? 2000,
      });
      db.pragma("foreign_keys = ON");
      db.pragma("synchronous = FULL");
      // Reading the schema fails on a file that is not a database (SQLITE_NOTADB).
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all() as { name: string }[];
      const names = new Set(tables.map((t) => t.name));
      if (names.size > 0 && !names.has("runs")) {
        throw new HistoryError(
          `${file} is an SQLite database but not a regel history (no runs table); it was left untouched`,
        );
      }
      if (names.size === 0) {
        if (options.create !== true)
          throw new HistoryError(`${file} holds no regel history`);
        db.transaction(() => {
          db!.exec(SCHEMA);
          db!
            .prepare(
              "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)",
            )
            .run(SCHEMA_VERSION);
        })();
      }
      return new History(file, db);
    } catch (e) {
      db?.close();
      if (sqliteCode(e) === "SQLITE_CANTOPEN" && options.create !== true) {
        throw new HistoryError(
          `no history at ${file}: record a run first (regel record ... --history ${file})`,
        );
      }
      throw explain(file, e);
    }
  }

  /** Record one run and its per-rule counts in one transaction. Returns the run's id. */
  record(run: NewRun): number {
    try {
      return this.db.transaction(() => {
        const exists = this.db
          .prepare("SELECT id FROM runs WHERE bank = ? AND delivery_id = ?")
          .get(run.bank, run.deliveryId);
        if (exists !== undefined) {
          throw new HistoryError(
            `delivery ${run.deliveryId} of bank ${run.bank} is already recorded; use another --delivery-id`,
          );
        }
        const info = this.db
          .prepare(
            `INSERT INTO runs (bank, delivery_id, rrd, delivered_at, accepted, ruleset, ikbs, ikbs_meeting_controls,
               percentage, blocking_errors, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
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
          );
        const id = Number(info.lastInsertRowid);
        const insert = this.db.prepare(
          "INSERT INTO rule_findings (run_id, rule, count) VALUES (?, ?, ?)",
        );
        for (const rule of Object.keys(run.findings).sort())
          insert.run(id, rule, run.findings[rule]);
        return id;
      })();
    } catch (e) {
      throw explain(this.file, e);
    }
  }

  /** Recorded runs, optionally of one bank, ordered by bank, RRD, delivered-at, id. */
  runs(filter: { bank?: string } = {}): RunRecord[] {
    try {
      const rows = (
        filter.bank === undefined
          ? this.db
              .prepare(
                "SELECT * FROM runs ORDER BY bank, rrd, delivered_at, id",
              )
              .all()
          : this.db
              .prepare(
                "SELECT * FROM runs WHERE bank = ? ORDER BY bank, rrd, delivered_at, id",
              )
              .all(filter.bank)
      ) as Row[];
      const findings = this.db.prepare(
        "SELECT rule, count FROM rule_findings WHERE run_id = ? ORDER BY rule",
      );
      return rows.map((r) =>
        toRecord(r, findings.all(r.id) as { rule: string; count: number }[]),
      );
    } catch (e) {
      throw explain(this.file, e);
    }
  }

  /** Every bank with at least one run, sorted. */
  banks(): string[] {
    try {
      return (
        this.db
          .prepare("SELECT DISTINCT bank FROM runs ORDER BY bank")
          .all() as { bank: string }[]
      ).map((r) => r.bank);
    } catch (e) {
      throw explain(this.file, e);
    }
  }

  /** SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file. */
  integrityCheck(): string[] {
    return (
      this.db.pragma("integrity_check") as { integrity_check: string }[]
    ).map((r) => r.integrity_check);
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
    ikbs: r.ikbs,
    ikbsMeetingControls: r.ikbs_meeting_controls,
    percentage: r.percentage,
    blockingErrors: r.blocking_errors,
    errors: r.errors,
    findings: countsByRule(findings.map((f) => [f.rule, f.count])),
  };
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

/** ISO 8601 date-time with an offset or Z, e.g. `2024-04-03T14:05:00+02:00`. */
const ISO_DATETIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `text` is an ISO 8601 date-time with an offset that denotes a real instant. */
export function isIsoDateTime(text: string): boolean {
  if (!ISO_DATETIME.test(text) || Number.isNaN(Date.parse(text))) return false;
  // Date.parse rolls 30 February over to 2 March: check the calendar day itself.
  const [y, m, d] = text.slice(0, 10).split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return (
    day.getUTCMonth() === m - 1 &&
    day.getUTCDate() === d &&
    Number(text.slice(11, 13)) < 24
  );
}

/**
 * The run to record for a validation report: its counts, and the findings per rule. `errors` (shown
 * by `regel history`) is all findings of all rules plus all input problems; the groeipad's error
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
  if (!isIsoDateTime(meta.deliveredAt)) {
    throw new HistoryError(
      `--delivered-at ${meta.deliveredAt}: expected an ISO date-time with offset, e.g. 2024-04-03T14:05:00+02:00`,
    );
  }
  // A Map: rule codes are names from a ruleset, and `constructor` or `__proto__` is one too.
  const counts = new Map<string, number>();
  for (const r of [...report.rules, ...report.secondaryRules])
    if (r.count > 0) counts.set(r.code, (counts.get(r.code) ?? 0) + r.count);
  const findings = countsByRule(counts);
  const inputProblems = report.inputProblems.reduce((n, p) => n + p.count, 0);
  return {
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
  };
}
