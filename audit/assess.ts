/**
 * The groeipad assessment of one bank for one year: for each norm in force that year (the
 * `ikb.groeipad` ruleset) a verdict per requirement with the evidence drawn from the validation
 * history, followed by the enforcement measures open to the supervisor (`ikb.handhaving`) with
 * their legal basis, character and preconditions. It lists options and decides nothing:
 * enforcement is tailored to the case ("maatwerk", bk bijlage 2).
 *
 * Measurement choices (each also stated in the evidence text):
 * - A year's delivery round is the latest RRD in that year with recorded deliveries. The other
 *   RRDs of the year are not assessed, but listed; those (and the round) without an accepted
 *   delivery are named with their number of deliveries (`rrdsWithoutAcceptance`), as they are not
 *   in the average number of deliveries until accepted.
 * - Working days run from the RRD (T = 0) to the DLR delivery time of the first accepted delivery,
 *   taken as a date in Europe/Amsterdam, counted in the calendar the groeipad ruleset uses. DNB's
 *   processing time does not count and a Logius receipt is no proof of delivery: the recorded
 *   delivered-at is the delivery time.
 * - The share meeting the automated controls is that of the accepted delivery (of the last
 *   delivery when none was accepted).
 * - Error reduction, as the groeipad ruleset's `error_reduction` metric defines it: the percentage
 *   of signalling validation errors (bk L47, "percentage signalerende validatiefouten", par 2.4) of
 *   the accepted delivery of the year, against that of the accepted delivery of the previous
 *   year's round (bk samenvatting / hoofdstuk 3: "minimaal 20% minder fouten"): the reduction in
 *   percent. The percentage is the number of signalling validation errors (every finding of every
 *   rule: an accepted delivery has no blocking ones) per 100 IKBs of the delivery.
 * - Aims (`aim metric op value`) are measured like requirements but reported apart: they never
 *   decide a norm's verdict.
 *
 * @module
 */
import type {
  ComparisonOp,
  Ident,
  Literal,
  MeasureDecl,
  NormDecl,
  NormPeriod,
  NormRequirement,
} from "../dsl/ast.js";
import type { ResolvedRuleset } from "../dsl/model.js";
import { printExpr } from "../dsl/printer.js";
import { workdaysBetween } from "../interpreter/calendar.js";
import {
  addMonths,
  formatDate,
  parseDate,
} from "../interpreter/interpret-values.js";
import { plausibilitySettings } from "../dsl/plausibility-words.js";
import { dateProblem } from "../runtime/calendar-date.js";
import { pctDown } from "../runtime/stage-report.js";
import { isIsoDateTime, type RunRecord } from "./history.js";
import { evaluateOutliers, toExplain, type OutlierCheck } from "./outliers.js";

export type Verdict = "met" | "not met" | "no evidence";

/** Whether an aim is reached; an aim never makes a norm met or not met. */
export type AimVerdict = "reached" | "not reached" | "no evidence";

export interface RequirementVerdict {
  metric: string;
  /** The metric's description from the ruleset. */
  description: string | null;
  /** As written in the ruleset, e.g. `automated_controls_pass >= 90 %`. */
  requirement: string;
  /** The measured value as text (`92.50 %`, `2 workdays`, `true`), null without evidence. */
  measured: string | null;
  verdict: Verdict;
  /** How the value was measured, from which deliveries. */
  evidence: string;
}

export interface NormVerdict {
  norm: string;
  title: string | null;
  articles: string[];
  /** `year 2022` or `from 2024-01-01`. */
  period: string;
  /** `not met` when any requirement is not met; `met` when all are; otherwise `incomplete`. Aims do not count. */
  verdict: "met" | "not met" | "incomplete";
  requirements: RequirementVerdict[];
  /** The aims of the period (`aim metric op value`): reported, never part of the verdict. */
  aims: AimResult[];
  /** The assumptions stated on the norm (for all its periods), where the sources do not give it. */
  assumptions: string[];
}

/** An aim of a norm period and whether it is reached. */
export interface AimResult {
  metric: string;
  description: string | null;
  /** As written without the keyword, e.g. `automated_controls_pass >= 100 %`. */
  aim: string;
  measured: string | null;
  verdict: AimVerdict;
  evidence: string;
}

export interface MeasureOption {
  name: string;
  title: string;
  kind: "informal" | "formal" | null;
  character: "remedial" | "punitive" | null;
  /**
   * The statutory basis (the measure's `basis` clause): `wft art 1:80 (Wet op het financieel
   * toezicht)`; empty when the measure has none or the ruleset does not say.
   */
  legalBasis: string[];
  /** `stated`: see legalBasis; `none`: the measure has no statutory basis; `not stated`: the ruleset does not say. */
  statutoryBasis: "stated" | "none" | "not stated";
  /** With `none`: where the source says the measure has no statutory basis. */
  noBasisSource: string[];
  /** Where the measure is described: its `implements` articles. */
  articles: string[];
  preconditions: string[];
  fine: string | null;
  /** Notes from the ruleset (its doc comment). */
  note: string;
}

export interface ChartPoint {
  year: number;
  /** This bank's share meeting the automated controls in that year's round; null without runs. */
  percentage: number | null;
  /** The groeipad norm of that year, null when none. */
  norm: number | null;
  /** The aim of that year (`aim automated_controls_pass >= N %`), null when none: not a norm. */
  aim?: number | null;
}

export interface Assessment {
  bank: string;
  year: number;
  /** The RRD of the assessed delivery round. */
  rrd: string;
  /** Other RRDs of the year with recorded deliveries (not assessed). */
  otherRrds: string[];
  rulesets: {
    groeipad: string;
    handhaving: string | null;
    calendar: string | null;
  };
  deliveries: {
    deliveryId: string;
    deliveredAt: string;
    accepted: boolean;
    percentage: number | null;
    errors: number;
    blockingErrors: number;
    ruleset: string;
  }[];
  /** Deliveries up to and including the first accepted one; null when none was accepted. */
  deliveriesUntilAccepted: number | null;
  /**
   * Indicator "Gemiddeld aantal aanleveringen, voordat een aanlevering wordt geaccepteerd" (bk par
   * 2.2): the deliveries up to and including the accepted one, averaged over the year's RRDs with
   * an accepted delivery; null when the year has none.
   */
  averageDeliveriesUntilAccepted: number | null;
  /** Deliveries before the first accepted one (all of them when none was accepted). */
  deliveriesBeforeAcceptance: number;
  /**
   * The RRDs of the year (the assessed one included) whose recorded deliveries were none of them
   * accepted, with how many there were: they are not in {@link averageDeliveriesUntilAccepted}
   * (the groeipad ruleset's assumption), and an earlier RRD of the year is not assessed, so they
   * are listed rather than left out unseen.
   */
  rrdsWithoutAcceptance: { rrd: string; deliveries: number }[];
  norms: NormVerdict[];
  measures: MeasureOption[];
  chart: ChartPoint[];
  /**
   * Indicator "Verklaring bank bij uitschietende en afwijkende waarden in gegevens en markeringen"
   * (bk par 2.2): the plausibility declarations of the groeipad ruleset evaluated for the
   * assessed delivery (the accepted one of the round, or else the last) against the bank's earlier
   * rounds and its peers at the same RRD; `explain` lists what the bank must explain.
   */
  outliers: {
    indicator: string;
    deliveryId: string;
    status: "evaluated" | "not evaluated";
    reason?: string;
    checks: OutlierCheck[];
    explain: string[];
  };
  /** The closing statement: options, not a decision. */
  maatwerk: string;
}

/**
 * Evidence the history cannot hold, from the supervisor's file: metric name -> value. Booleans
 * and numbers as JSON, dates as `YYYY-MM-DD`, durations as `"N unit"` (`"3 days"`, `"5 months"`).
 */
export type Evidence = Readonly<Record<string, unknown>>;

/** Metrics measured from the recorded runs; evidence cannot override them. */
export const HISTORY_METRICS = [
  "delivery_accepted",
  "accepted_within",
  "automated_controls_pass",
  "signalling_error_percentage",
  "error_reduction",
  "average_deliveries_until_accepted",
];

/** Why an assessment cannot be made: the message lists what exists. */
export class AssessError extends Error {
  override name = "AssessError";
}

const MAATWERK =
  "These are the enforcement options open to the supervisor, not a decision: DNB weighs the seriousness and culpability of the violation and the other circumstances, and tailors enforcement to the case (maatwerk, bk bijlage 2).";

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a norm period applies to `year`. */
function periodCovers(p: NormPeriod, year: number): boolean {
  if (p.year !== undefined) return p.year === year;
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  if (p.from !== undefined && p.from.text > end) return false;
  if (p.until !== undefined && p.until.text <= start) return false;
  return p.from !== undefined || p.until !== undefined;
}

function periodText(p: NormPeriod): string {
  if (p.year !== undefined) return `year ${p.year}`;
  return [
    p.from ? `from ${p.from.text}` : "",
    p.until ? `until ${p.until.text}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** The years named by `year N` periods of the norms, and the start years of `from` periods. */
export function normYears(groeipad: ResolvedRuleset): number[] {
  const years = new Set<number>();
  for (const n of groeipad.norms)
    for (const p of n.periods) if (p.year !== undefined) years.add(p.year);
  return [...years].sort((a, b) => a - b);
}

/** The calendar date of an instant in the Netherlands (YYYY-MM-DD). */
export function amsterdamDate(iso: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Amsterdam",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((x) => x.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function compare(op: ComparisonOp, a: number, b: number): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

/** The numeric target of a requirement (percent, duration amount, integer), or undefined. */
function numericTarget(v: Literal): number | undefined {
  switch (v.kind) {
    case "Percent":
    case "Decimal":
      return Number(v.text);
    case "Integer":
      return Number(v.text);
    case "Duration":
      return v.amount;
    default:
      return undefined;
  }
}

/** Deliveries in time order: delivered-at strings may carry different offsets, so compare instants. */
function byInstant(a: RunRecord, b: RunRecord): number {
  return Date.parse(a.deliveredAt) - Date.parse(b.deliveredAt);
}

interface Round {
  rrd: string;
  runs: RunRecord[];
  accepted: RunRecord | undefined;
  /** The delivery whose counts are assessed: the accepted one, else the last. */
  measuredRun: RunRecord;
}

function roundOf(runs: RunRecord[], rrd: string): Round {
  const inRound = runs
    .filter((r) => r.rrd === rrd)
    .sort((a, b) => byInstant(a, b) || a.id - b.id);
  const accepted = inRound.find((r) => r.accepted);
  return {
    rrd,
    runs: inRound,
    accepted,
    measuredRun: accepted ?? inRound[inRound.length - 1],
  };
}

/** The round (latest RRD) of `year` for these runs, or undefined. */
function latestRrd(runs: RunRecord[], year: number): string | undefined {
  const rrds = [
    ...new Set(
      runs.filter((r) => r.rrd.startsWith(`${year}-`)).map((r) => r.rrd),
    ),
  ].sort();
  return rrds[rrds.length - 1];
}

function pct(n: number): string {
  return `${n.toFixed(2)} %`;
}

/** Rounded to 2 decimals. */
function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Signalling validation errors of an accepted delivery: every finding of every rule (an accepted
 * delivery has no blocking one). Input problems are no validation results and do not count.
 */
function signallingErrors(r: RunRecord): number {
  return Object.values(r.findings).reduce((a, b) => a + b, 0);
}

/** `signalling_error_percentage`: signalling validation errors per 100 IKBs; undefined without IKBs. */
function errorPercentage(r: RunRecord): number | undefined {
  return r.ikbs === null || r.ikbs === 0
    ? undefined
    : (signallingErrors(r) * 100) / r.ikbs;
}

function errorFigure(r: RunRecord): string {
  const p = errorPercentage(r);
  return `${signallingErrors(r)} signalling validation errors / ${r.ikbs ?? "-"} IKBs = ${p === undefined ? "-" : pct(p)} in ${r.deliveryId} (RRD ${r.rrd})`;
}

/** Measure one metric for a round; undefined when the history holds no evidence for it. */
type Measured =
  | {
      value: number | boolean | string;
      unit?: string;
      text: string;
      evidence: string;
    }
  | { value: undefined; evidence: string };

/** What the history holds for one assessed year. */
interface YearRuns {
  round: Round;
  /** The accepted delivery of the previous year's round (its latest RRD with one), if any. */
  previousYearAccepted: RunRecord | undefined;
  /** The rounds of the year (every RRD), for the average number of deliveries. */
  roundsOfYear: Round[];
}

function measure(
  metric: string,
  y: YearRuns,
  calendar: ResolvedRuleset["calendars"][number] | undefined,
  evidence: { values: Evidence; source: string } | undefined,
): Measured {
  const round = y.round;
  const a = round.accepted;
  switch (metric) {
    case "delivery_accepted":
      return a
        ? {
            value: true,
            text: "true",
            evidence: `delivery ${a.deliveryId} (delivered ${a.deliveredAt}) has no blocking errors and was accepted`,
          }
        : {
            value: false,
            text: "false",
            evidence: `none of the ${round.runs.length} deliveries for RRD ${round.rrd} was accepted`,
          };
    case "accepted_within": {
      if (!a)
        return {
          value: undefined,
          evidence: `no accepted delivery for RRD ${round.rrd}`,
        };
      if (!calendar)
        return {
          value: undefined,
          evidence: "the groeipad ruleset has no working-day calendar in scope",
        };
      const day = amsterdamDate(a.deliveredAt);
      const n = workdaysBetween(calendar, round.rrd, day);
      // record refuses it; a history written otherwise must not turn it into a delay that is met
      if (day < round.rrd)
        return {
          value: undefined,
          evidence: `accepted delivery ${a.deliveryId} is recorded as delivered on ${day} (${a.deliveredAt}), before its RRD ${round.rrd}: no delay can be counted; record it again with its real --delivered-at`,
        };
      return {
        value: n,
        text: `${n} workdays`,
        evidence: `RRD ${round.rrd} (T = 0) to the DLR delivery of accepted delivery ${a.deliveryId} on ${day} (${a.deliveredAt}), counted in calendar ${calendar.name.name}; DNB's processing time does not count and a Logius receipt is no proof of delivery`,
      };
    }
    case "automated_controls_pass": {
      const r = round.measuredRun;
      if (r.percentage === null)
        return {
          value: undefined,
          evidence: `delivery ${r.deliveryId} has no IKB counts (the data model groups no IKBs)`,
        };
      // judged on the exact share, shown rounded down: the recorded percentage is rounded
      const exact =
        r.ikbs && r.ikbsMeetingControls !== null
          ? {
              value: (r.ikbsMeetingControls * 100) / r.ikbs,
              shown: pctDown(r.ikbsMeetingControls, r.ikbs),
            }
          : { value: r.percentage, shown: r.percentage };
      return {
        value: exact.value,
        text: pct(exact.shown),
        evidence: `${r.ikbsMeetingControls} of ${r.ikbs} IKBs in ${a ? "accepted" : "the last (not accepted)"} delivery ${r.deliveryId} are in no Bijlage 3 category`,
      };
    }
    case "signalling_error_percentage": {
      if (!a)
        return {
          value: undefined,
          evidence: `no accepted delivery for RRD ${round.rrd}`,
        };
      const p = errorPercentage(a);
      return p === undefined
        ? {
            value: undefined,
            evidence: `delivery ${a.deliveryId} has no IKB counts`,
          }
        : { value: round2(p), text: pct(p), evidence: errorFigure(a) };
    }
    case "error_reduction": {
      if (!a)
        return {
          value: undefined,
          evidence: `no accepted delivery for RRD ${round.rrd}`,
        };
      const prev = y.previousYearAccepted;
      if (!prev)
        return {
          value: undefined,
          evidence: `no accepted delivery in ${Number(round.rrd.slice(0, 4)) - 1} (the previous year) to compare with`,
        };
      const before = errorPercentage(prev);
      const now = errorPercentage(a);
      if (before === undefined || now === undefined)
        return {
          value: undefined,
          evidence: `no IKB counts to compute the percentage of validation errors: ${errorFigure(prev)}; ${errorFigure(a)}`,
        };
      const compared = `previous year ${errorFigure(prev)} -> ${errorFigure(a)}`;
      if (before === 0) {
        // Nothing left to reduce: the metric's assumption takes 0 -> 0 as met.
        return now === 0
          ? {
              value: 100,
              text: "no errors (0.00 % -> 0.00 %)",
              evidence: `${compared}; no errors in either, nothing left to reduce`,
            }
          : {
              value: -Infinity,
              text: `0.00 % -> ${pct(now)}`,
              evidence: `${compared}; errors where the previous year had none`,
            };
      }
      const reduction = round2(((before - now) / before) * 100);
      return {
        value: reduction,
        text: `${pct(reduction)} (${pct(before)} -> ${pct(now)})`,
        evidence: compared,
      };
    }
    case "average_deliveries_until_accepted": {
      const counted = y.roundsOfYear.filter((r) => r.accepted !== undefined);
      // an RRD without an accepted delivery has no count to average: named, never dropped unseen
      const unaccepted = y.roundsOfYear.filter((r) => r.accepted === undefined);
      const left =
        unaccepted.length === 0
          ? ""
          : `; not in the average, no delivery accepted: ${unaccepted.map((r) => `${r.rrd} (${r.runs.length} ${r.runs.length === 1 ? "delivery" : "deliveries"})`).join(", ")}`;
      if (counted.length === 0)
        return {
          value: undefined,
          evidence: `no RRD in ${round.rrd.slice(0, 4)} with an accepted delivery${left}`,
        };
      const counts = counted.map((r) => r.runs.indexOf(r.accepted!) + 1);
      const avg = round2(counts.reduce((x, z) => x + z, 0) / counts.length);
      return {
        value: avg,
        text: avg.toFixed(2),
        evidence: `deliveries up to and including the accepted one, per RRD: ${counted.map((r, i) => `${r.rrd}: ${counts[i]}`).join(", ")}${left}`,
      };
    }
    default:
      return fromEvidence(metric, evidence);
  }
}

const NO_EVIDENCE =
  "not recorded in the validation history: give it with --evidence FILE (the supervisor's file)";

/** A metric from the evidence file; `audit_reports_delay` is derived from the two audit dates. */
function fromEvidence(
  metric: string,
  evidence: { values: Evidence; source: string } | undefined,
): Measured {
  if (evidence === undefined)
    return { value: undefined, evidence: NO_EVIDENCE };
  // metric names come from the ruleset and may be `constructor`: only the file's own keys count
  const v = Object.hasOwn(evidence.values, metric)
    ? evidence.values[metric]
    : undefined;
  const from = `from ${evidence.source}`;
  if (v === undefined) {
    const end = evidence.values.audit_year_end;
    const delivered = evidence.values.audit_reports_delivered_on;
    if (
      metric === "audit_reports_delay" &&
      typeof end === "string" &&
      typeof delivered === "string"
    ) {
      return {
        value: `${end}..${delivered}`,
        unit: "span",
        text: `${end} -> ${delivered}`,
        evidence: `audit year ended ${end}, reports delivered ${delivered} (${from})`,
      };
    }
    return {
      value: undefined,
      evidence: `not in the validation history nor in ${evidence.source}`,
    };
  }
  if (typeof v === "boolean" || typeof v === "number")
    return { value: v, text: String(v), evidence: from };
  const duration =
    typeof v === "string"
      ? /^(\d+) (s|min|h|days|workdays|months|years)$/.exec(v)
      : null;
  if (duration)
    return {
      value: Number(duration[1]),
      unit: duration[2],
      text: v as string,
      evidence: from,
    };
  if (typeof v === "string" && parseDate(v) !== undefined)
    return { value: v, text: v, evidence: from };
  return {
    value: undefined,
    evidence: `${evidence.source}: ${metric} = ${JSON.stringify(v)} is not a boolean, number, date or duration`,
  };
}

/** Whether `to` is at most (op) `months` months after `from` (calendar months, end-of-month clamped). */
function monthsSpanOk(
  op: ComparisonOp,
  span: string,
  amount: number,
  unit: string,
): boolean | undefined {
  const [fromText, toText] = span.split("..");
  const from = parseDate(fromText);
  const to = parseDate(toText);
  if (from === undefined || to === undefined) return undefined;
  const limit =
    unit === "months"
      ? addMonths(from, amount)
      : unit === "years"
        ? addMonths(from, amount * 12)
        : unit === "days"
          ? from + amount
          : undefined;
  if (limit === undefined) return undefined;
  const a = formatDate(to);
  const b = formatDate(limit);
  return compare(op, a < b ? -1 : a > b ? 1 : 0, 0);
}

function judge(req: NormRequirement, m: Measured): Verdict {
  if (m.value === undefined) return "no evidence";
  const lit = req.value;
  if (typeof m.value === "boolean") {
    if (lit.kind !== "Boolean") return "no evidence";
    return (
      req.op === "="
        ? m.value === lit.value
        : req.op === "!="
          ? m.value !== lit.value
          : false
    )
      ? "met"
      : "not met";
  }
  if (typeof m.value === "string") {
    if (m.unit === "span" && lit.kind === "Duration") {
      const ok = monthsSpanOk(req.op, m.value, lit.amount, lit.unit);
      return ok === undefined ? "no evidence" : ok ? "met" : "not met";
    }
    if (lit.kind !== "Date") return "no evidence";
    return compare(
      req.op,
      m.value < lit.text ? -1 : m.value > lit.text ? 1 : 0,
      0,
    )
      ? "met"
      : "not met";
  }
  const target = numericTarget(lit);
  if (target === undefined) return "no evidence";
  if (lit.kind === "Duration") {
    // History durations are working days; evidence durations carry their own unit.
    const unit = m.unit ?? "workdays";
    if (unit !== lit.unit) return "no evidence";
  }
  return compare(req.op, m.value, target) ? "met" : "not met";
}

function measureOption(m: MeasureDecl, rs: ResolvedRuleset): MeasureOption {
  const title = (alias: Ident) =>
    rs.links.declared(alias, "source")?.decl.title;
  const cite = (a: { source: Ident; locator: string }) => {
    const t = title(a.source);
    return `${a.source.name} ${a.locator}${t ? ` (${t})` : ""}`;
  };
  return {
    name: m.name.name,
    title: m.title,
    kind: m.measureKind ?? null,
    character: m.character ?? null,
    legalBasis:
      m.basis === undefined || m.basis.none ? [] : m.basis.articles.map(cite),
    statutoryBasis:
      m.basis === undefined ? "not stated" : m.basis.none ? "none" : "stated",
    noBasisSource: m.basis?.none ? m.basis.articles.map(cite) : [],
    articles: m.implementsRefs.map(cite),
    preconditions: [...m.preconditions],
    fine: m.fine
      ? `category ${m.fine.category}, base ${m.fine.base.text} ${m.fine.currency}`
      : null,
    note: m.doc.join(" ").trim(),
  };
}

/** The `automated_controls_pass` norm (percent) of a year, or with `aim` its aim. */
function passNorm(norms: NormDecl[], year: number, aim = false): number | null {
  for (const n of norms) {
    for (const p of n.periods) {
      if (!periodCovers(p, year)) continue;
      const r = p.requirements.find(
        (x) => x.aim === aim && x.metric.name === "automated_controls_pass",
      );
      if (r && r.value.kind === "Percent") return Number(r.value.text);
    }
  }
  return null;
}

/**
 * Whether a run is of an IKB-bestand: its ruleset groups IKBs (the report had IKB counts). Only
 * such runs are evidence for the groeipad norms.
 */
function isIkbRun(r: RunRecord): boolean {
  return r.ikbs !== null;
}

/**
 * Refuses a recorded run whose RRD or delivered-at is no real date (a history written by hand or
 * by a regel before `regel record` checked them): the working days are counted from them.
 */
function assertRealDates(r: RunRecord): void {
  const row = `run ${r.id} in the history (bank ${r.bank}, delivery ${r.deliveryId})`;
  const rrdProblem = dateProblem(r.rrd);
  const problem =
    rrdProblem !== undefined
      ? `rrd ${JSON.stringify(r.rrd)}: ${rrdProblem}`
      : isIsoDateTime(r.deliveredAt)
        ? undefined
        : `delivered-at ${JSON.stringify(r.deliveredAt)}: not an ISO date-time with offset`;
  if (problem !== undefined)
    throw new AssessError(
      `${row} has ${problem}; the bank cannot be assessed with it: record its deliveries from their report.json into a new history (--history FILE)`,
    );
}

/**
 * Assess `bank` for `year`. `runs` are all recorded runs (of any bank); throws
 * {@link AssessError} for an unknown bank, a year without norms or without deliveries, or a run of
 * the bank whose RRD or delivered-at is no real date. Only runs of an IKB-bestand (a ruleset that
 * groups IKBs) count as deliveries.
 */
export function assess(input: {
  bank: string;
  year: number;
  runs: RunRecord[];
  groeipad: ResolvedRuleset;
  handhaving: ResolvedRuleset | undefined;
  /** Evidence for metrics the history cannot hold, and where it comes from (a file name). */
  evidence?: { values: Evidence; source: string };
  /** Declared aggregates per run id (the history's run_aggregates), for the outliers. */
  aggregates?: ReadonlyMap<number, Record<string, number>>;
}): Assessment {
  const { bank, year, groeipad, handhaving } = input;
  const banks = [...new Set(input.runs.map((r) => r.bank))].sort();
  if (!banks.includes(bank)) {
    throw new AssessError(
      `no recorded runs of bank ${JSON.stringify(bank)}; banks in the history: ${banks.map((b) => JSON.stringify(b)).join(", ") || "(none)"}`,
    );
  }
  if (input.evidence !== undefined) {
    const known = new Set(groeipad.metrics.map((m) => m.name.name));
    const dates = new Set(
      groeipad.metrics.filter((m) => m.type === "date").map((m) => m.name.name),
    );
    for (const [name, value] of Object.entries(input.evidence.values)) {
      if (HISTORY_METRICS.includes(name))
        throw new AssessError(
          `${input.evidence.source}: ${name} is measured from the history and cannot be given as evidence`,
        );
      if (!known.has(name)) {
        throw new AssessError(
          `${input.evidence.source}: unknown metric ${name}; metrics of ${groeipad.id}: ${[
            ...known,
          ]
            .filter((k) => !HISTORY_METRICS.includes(k))
            .sort()
            .join(", ")}`,
        );
      }
      // a date the norm compares must be one: "2024-02-30" or "soon" would only turn into "no evidence"
      const problem = !dates.has(name)
        ? undefined
        : typeof value === "string"
          ? dateProblem(value)
          : "expected a date YYYY-MM-DD";
      if (problem !== undefined)
        throw new AssessError(
          `${input.evidence.source}: ${name} = ${JSON.stringify(value)}: ${problem}`,
        );
    }
    // Audit reports on a year cannot be delivered before it ends: a negative delay would be met.
    const { audit_year_end: end, audit_reports_delivered_on: delivered } =
      input.evidence.values;
    if (
      typeof end === "string" &&
      typeof delivered === "string" &&
      delivered < end
    )
      throw new AssessError(
        `${input.evidence.source}: audit_reports_delivered_on = ${JSON.stringify(delivered)} is before audit_year_end = ${JSON.stringify(end)}: audit reports on a year cannot be delivered before it ends`,
      );
  }
  const runsOfBank = input.runs.filter((r) => r.bank === bank);
  for (const r of runsOfBank) assertRealDates(r);
  // The groeipad norms are about the IKB-bestand: a run of a ruleset that groups no IKBs (the
  // verwijzingsportaal's vp.bankgegevens) stays in the history but is no evidence of a delivery.
  const runs = runsOfBank.filter(isIkbRun);
  const notIkb = [
    ...new Set(runsOfBank.filter((r) => !isIkbRun(r)).map((r) => r.ruleset)),
  ].sort();
  const normsOfYear = groeipad.norms
    .map((n) => ({
      n,
      periods: n.periods.filter((p) => periodCovers(p, year)),
    }))
    .filter((x) => x.periods.length > 0);
  const runYears = [
    ...new Set(runs.map((r) => Number(r.rrd.slice(0, 4)))),
  ].sort((a, b) => a - b);
  if (normsOfYear.length === 0) {
    throw new AssessError(
      `${groeipad.id} has no norm for ${year}; norm years: ${normYears(groeipad).join(", ")} (and open-ended periods)`,
    );
  }
  const rrd = latestRrd(runs, year);
  if (rrd === undefined) {
    throw new AssessError(
      `bank ${bank} has no recorded deliveries of an IKB-bestand with an RRD in ${year}; years with deliveries: ${runYears.join(", ") || "(none)"}${notIkb.length > 0 ? `; runs of rulesets without IKBs (${notIkb.join(", ")}) are no groeipad evidence` : ""}`,
    );
  }
  const round = roundOf(runs, rrd);
  // The previous year's round: its latest RRD with an accepted delivery.
  const previousYear = runs
    .filter((r) => r.accepted && r.rrd.startsWith(`${year - 1}-`))
    .sort((a, b) => cmp(a.rrd, b.rrd) || byInstant(a, b) || a.id - b.id);
  const lastPreviousRrd = previousYear[previousYear.length - 1]?.rrd;
  const yearRuns: YearRuns = {
    round,
    previousYearAccepted:
      lastPreviousRrd === undefined
        ? undefined
        : roundOf(runs, lastPreviousRrd).accepted,
    roundsOfYear: [
      ...new Set(
        runs.filter((r) => r.rrd.startsWith(`${year}-`)).map((r) => r.rrd),
      ),
    ]
      .sort()
      .map((r) => roundOf(runs, r)),
  };
  const calendar = groeipad.calendars[0];
  const norms: NormVerdict[] = normsOfYear.flatMap(({ n, periods }) =>
    periods.map((p) => {
      const requirements = p.requirements
        .filter((req) => !req.aim)
        .map((req): RequirementVerdict => {
          const m = measure(
            req.metric.name,
            yearRuns,
            calendar,
            input.evidence,
          );
          return {
            metric: req.metric.name,
            description:
              groeipad.links.declared(req.metric, "metric")?.decl.description ??
              null,
            requirement: `${req.metric.name} ${req.op} ${printExpr(req.value)}`,
            measured: m.value === undefined ? null : m.text,
            verdict: judge(req, m),
            evidence: m.evidence,
          };
        });
      const aims = p.requirements
        .filter((req) => req.aim)
        .map((req): AimResult => {
          const m = measure(
            req.metric.name,
            yearRuns,
            calendar,
            input.evidence,
          );
          const v = judge(req, m);
          return {
            metric: req.metric.name,
            description:
              groeipad.links.declared(req.metric, "metric")?.decl.description ??
              null,
            aim: `${req.metric.name} ${req.op} ${printExpr(req.value)}`,
            measured: m.value === undefined ? null : m.text,
            verdict:
              v === "met" ? "reached" : v === "not met" ? "not reached" : v,
            evidence: m.evidence,
          };
        });
      const verdict: NormVerdict["verdict"] = requirements.some(
        (r) => r.verdict === "not met",
      )
        ? "not met"
        : requirements.every((r) => r.verdict === "met")
          ? "met"
          : "incomplete";
      return {
        norm: n.name.name,
        title: n.title ?? null,
        articles: n.implementsRefs.map((a) => `${a.source.name} ${a.locator}`),
        period: periodText(p),
        verdict,
        requirements,
        aims,
        assumptions: n.assumptions.map((x) => x.text),
      };
    }),
  );
  const chartYears = [...new Set([...normYears(groeipad), ...runYears])].sort(
    (a, b) => a - b,
  );
  const chart = chartYears.map((y): ChartPoint => {
    const r = latestRrd(runs, y);
    return {
      year: y,
      percentage:
        r === undefined ? null : roundOf(runs, r).measuredRun.percentage,
      norm: passNorm(groeipad.norms, y),
      ...(passNorm(groeipad.norms, y, true) === null
        ? {}
        : { aim: passNorm(groeipad.norms, y, true) }),
    };
  });
  const acceptedIndex = round.accepted
    ? round.runs.indexOf(round.accepted)
    : -1;
  return {
    bank,
    year,
    rrd,
    otherRrds: [
      ...new Set(
        runs
          .filter((r) => r.rrd.startsWith(`${year}-`) && r.rrd !== rrd)
          .map((r) => r.rrd),
      ),
    ].sort(),
    rulesets: {
      groeipad: groeipad.id,
      handhaving: handhaving?.id ?? null,
      calendar: calendar?.name.name ?? null,
    },
    deliveries: round.runs.map((r) => ({
      deliveryId: r.deliveryId,
      deliveredAt: r.deliveredAt,
      accepted: r.accepted,
      percentage: r.percentage,
      errors: r.errors,
      blockingErrors: r.blockingErrors,
      ruleset: r.ruleset,
    })),
    deliveriesUntilAccepted: acceptedIndex < 0 ? null : acceptedIndex + 1,
    averageDeliveriesUntilAccepted: (() => {
      const m = measure(
        "average_deliveries_until_accepted",
        yearRuns,
        calendar,
        undefined,
      );
      return typeof m.value === "number" ? m.value : null;
    })(),
    deliveriesBeforeAcceptance:
      acceptedIndex < 0 ? round.runs.length : acceptedIndex,
    rrdsWithoutAcceptance: yearRuns.roundsOfYear
      .filter((r) => r.accepted === undefined)
      .map((r) => ({ rrd: r.rrd, deliveries: r.runs.length })),
    norms,
    measures: handhaving
      ? handhaving.measures.map((m) => measureOption(m, handhaving))
      : [],
    chart,
    outliers: outliersOf(
      groeipad,
      round.measuredRun,
      input.runs.filter(isIkbRun),
      input.aggregates,
    ),
    maatwerk: MAATWERK,
  };
}

const OUTLIER_INDICATOR =
  "Verklaring bank bij uitschietende en afwijkende waarden in gegevens en markeringen (bk par 2.2)";

/** The outlier indicator for the assessed delivery (see {@link Assessment.outliers}). */
function outliersOf(
  groeipad: ResolvedRuleset,
  measured: RunRecord,
  runs: RunRecord[],
  aggregates: ReadonlyMap<number, Record<string, number>> | undefined,
): Assessment["outliers"] {
  const base = {
    indicator: OUTLIER_INDICATOR,
    deliveryId: measured.deliveryId,
  };
  if (groeipad.plausibilities.length === 0)
    return {
      ...base,
      status: "not evaluated",
      reason: `${groeipad.id} declares no plausibility check`,
      checks: [],
      explain: [],
    };
  const observe = (r: RunRecord) => ({
    ...r,
    aggregates: aggregates?.get(r.id) ?? {},
  });
  const checks = evaluateOutliers(
    groeipad.plausibilities.map((p) => ({
      name: p.name.name,
      title: p.title,
      ...plausibilitySettings(p),
    })),
    observe(measured),
    runs.map(observe),
  );
  const evaluated = checks.some((c) => c.status === "evaluated");
  return {
    ...base,
    status: evaluated ? "evaluated" : "not evaluated",
    ...(evaluated
      ? {}
      : { reason: checks.map((c) => `${c.name}: ${c.reason}`).join("; ") }),
    checks,
    explain: toExplain(checks),
  };
}
