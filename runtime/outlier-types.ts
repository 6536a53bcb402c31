/**
 * The shape of report.json `plausibility.outliers` (reportVersion 1.4.0, `historyRuns` 1.5.0; docs/report.md §
 * Plausibility: outliers): what audit/outliers.ts computes and the HTML page shows. Types only.
 *
 * @module
 */
import type { SourceLocation } from "../compiler/contract.js";

/** One watched series of one delivery. */
export interface SeriesResult {
  /** `ikbs`, `findings dmc0000`, `aggregate depositors`, ... */
  series: string;
  status: "outlier" | "usual" | "not evaluated";
  /** The delivery's value (per 1,000 IKBs for a peer comparison of a count); null when it has none. */
  value: number | null;
  /** Robust z-score, rounded to 2 decimals; null when not evaluated; ±Infinity is written as null with `direction`. */
  z: number | null;
  /** `high` or `low` for an outlier. */
  direction: "high" | "low" | null;
  /** Why the series was not evaluated. */
  reason?: string;
  /**
   * History only: the values compared with, oldest first, and the band median ± threshold ×
   * scale inside which a value is usual. Absent for peers: a bank never sees other banks' figures.
   */
  history?: { rrd: string; deliveryId: string; value: number }[];
  band?: { median: number; low: number; high: number };
  /** Peers only: the bank's place among the banks from low (1) to high, and how many banks. */
  position?: { rank: number; of: number };
}

/** A plausibility declaration evaluated for one delivery. */
export interface OutlierCheck {
  name: string;
  title: string | null;
  compare: "history" | "peers";
  method: string;
  threshold: number;
  window: number;
  minimum: number;
  status: "evaluated" | "not evaluated";
  reason?: string;
  /** What the comparison used: earlier deliveries (history) or number of other banks (peers). */
  comparedWith: number;
  series: SeriesResult[];
}

/** One evaluated declaration in the report, with its source. */
export interface OutlierCheckReport extends OutlierCheck {
  ruleset: string;
  location: SourceLocation;
  articles: string[];
  assumptions: string[];
}

/** report.json `plausibility.outliers` (reportVersion 1.4.0). */
export interface OutliersSection {
  status: "evaluated" | "not evaluated";
  /** Why nothing was evaluated (no bank, no history, no declaration). */
  reason?: string;
  bank: string | null;
  /** The history file the figures were read from. */
  history: string | null;
  /**
   * Which runs of the history were read, present when it was read (since 1.5.0): every run with
   * an id up to `lastRunId` (0: the history held none), `count` of them. Run ids only grow
   * (AUTOINCREMENT), so `regel verify` reads exactly these again however the history grew since;
   * a different count says runs were removed, or that it is another history.
   */
  historyRuns?: { lastRunId: number; count: number };
  checks: OutlierCheckReport[];
  /** One line per outlier: what the bank must explain (bk par 2.2). */
  explain: string[];
}
