/**
 * The groeipad assessment of one bank for one year: for each norm in force that year (the
 * `ikb.groeipad` ruleset) a verdict per requirement with the evidence drawn from the validation
 * history, followed by the enforcement measures open to the supervisor (`ikb.handhaving`) with
 * their legal basis, character and preconditions. It lists options and decides nothing:
 * enforcement is tailored to the case ("maatwerk", bk bijlage 2).
 *
 * Measurement choices (each also stated in the evidence text):
 * - A year's delivery round is the latest RRD in that year with recorded deliveries.
 * - Working days run from the RRD (T = 0) to the DLR delivery time of the first accepted delivery,
 *   taken as a date in Europe/Amsterdam, counted in the calendar the groeipad ruleset uses. DNB's
 *   processing time does not count and a Logius receipt is no proof of delivery: the recorded
 *   delivered-at is the delivery time.
 * - The share meeting the automated controls is that of the accepted delivery (of the last
 *   delivery when none was accepted).
 * - Error reduction compares the accepted delivery's errors with those of the previous accepted
 *   delivery of the bank (an earlier RRD): at least 20 % fewer.
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
import type { RunRecord } from "./history.js";

export type Verdict = "met" | "not met" | "no evidence";

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
  /** `not met` when any requirement is not met; `met` when all are; otherwise `incomplete`. */
  verdict: "met" | "not met" | "incomplete";
  requirements: RequirementVerdict[];
}

export interface MeasureOption {
  name: string;
  title: string;
  kind: "informal" | "formal" | null;
  character: "remedial" | "punitive" | null;
  /** Legal basis: `wft art 1:80 (Wet op het financieel toezicht)`. */
  legalBasis: string[];
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
  /** Deliveries before the first accepted one (all of them when none was accepted). */
  deliveriesBeforeAcceptance: number;
  norms: NormVerdict[];
  measures: MeasureOption[];
  chart: ChartPoint[];
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
  "error_reduction",
  "deliveries_until_accepted",
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

/** Measure one metric for a round; undefined when the history holds no evidence for it. */
type Measured =
  | {
      value: number | boolean | string;
      unit?: string;
      text: string;
      evidence: string;
    }
  | { value: undefined; evidence: string };

function measure(
  metric: string,
  round: Round,
  previousAccepted: RunRecord | undefined,
  calendar: ResolvedRuleset["calendars"][number] | undefined,
  evidence: { values: Evidence; source: string } | undefined,
): Measured {
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
      return {
        value: r.percentage,
        text: pct(r.percentage),
        evidence: `${r.ikbsMeetingControls} of ${r.ikbs} IKBs in ${a ? "accepted" : "the last (not accepted)"} delivery ${r.deliveryId} are in no Bijlage 3 category`,
      };
    }
    case "error_reduction": {
      if (!a)
        return {
          value: undefined,
          evidence: `no accepted delivery for RRD ${round.rrd}`,
        };
      if (!previousAccepted)
        return {
          value: undefined,
          evidence: `no accepted delivery of an RRD before ${round.rrd} to compare with`,
        };
      const before = previousAccepted.errors;
      const now = a.errors;
      if (before === 0) {
        return now === 0
          ? {
              value: 100,
              text: "no errors (0 -> 0)",
              evidence: `neither ${previousAccepted.deliveryId} (RRD ${previousAccepted.rrd}) nor ${a.deliveryId} has validation errors`,
            }
          : {
              value: -Infinity,
              text: `0 -> ${now} errors`,
              evidence: `previous accepted delivery ${previousAccepted.deliveryId} (RRD ${previousAccepted.rrd}) had no errors; ${a.deliveryId} has ${now}`,
            };
      }
      const reduction = Math.round(((before - now) / before) * 10000) / 100;
      return {
        value: reduction,
        text: pct(reduction),
        evidence: `${before} validation errors in previous accepted delivery ${previousAccepted.deliveryId} (RRD ${previousAccepted.rrd}) -> ${now} in ${a.deliveryId}`,
      };
    }
    case "deliveries_until_accepted":
      return a
        ? {
            value: round.runs.indexOf(a) + 1,
            text: String(round.runs.indexOf(a) + 1),
            evidence: `deliveries for RRD ${round.rrd} up to and including the accepted one`,
          }
        : {
            value: undefined,
            evidence: `none of the ${round.runs.length} deliveries for RRD ${round.rrd} was accepted`,
          };
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
  return {
    name: m.name.name,
    title: m.title,
    kind: m.measureKind ?? null,
    character: m.character ?? null,
    legalBasis: m.implementsRefs.map((a) => {
      const t = title(a.source);
      return `${a.source.name} ${a.locator}${t ? ` (${t})` : ""}`;
    }),
    preconditions: [...m.preconditions],
    fine: m.fine
      ? `category ${m.fine.category}, base ${m.fine.base.text} ${m.fine.currency}`
      : null,
    note: m.doc.join(" ").trim(),
  };
}

/** The `automated_controls_pass` norm (percent) of a year, from the `year N` periods. */
function passNorm(norms: NormDecl[], year: number): number | null {
  for (const n of norms) {
    for (const p of n.periods) {
      if (!periodCovers(p, year)) continue;
      const r = p.requirements.find(
        (x) => x.metric.name === "automated_controls_pass",
      );
      if (r && r.value.kind === "Percent") return Number(r.value.text);
    }
  }
  return null;
}

/**
 * Assess `bank` for `year`. `runs` are all recorded runs (of any bank); throws
 * {@link AssessError} for an unknown bank or a year without norms or without deliveries.
 */
export function assess(input: {
  bank: string;
  year: number;
  runs: RunRecord[];
  groeipad: ResolvedRuleset;
  handhaving: ResolvedRuleset | undefined;
  /** Evidence for metrics the history cannot hold, and where it comes from (a file name). */
  evidence?: { values: Evidence; source: string };
}): Assessment {
  const { bank, year, groeipad, handhaving } = input;
  const banks = [...new Set(input.runs.map((r) => r.bank))].sort();
  if (!banks.includes(bank)) {
    throw new AssessError(
      `no recorded runs of bank ${bank}; banks in the history: ${banks.join(", ") || "(none)"}`,
    );
  }
  if (input.evidence !== undefined) {
    const known = new Set(groeipad.metrics.map((m) => m.name.name));
    for (const name of Object.keys(input.evidence.values)) {
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
    }
  }
  const runs = input.runs.filter((r) => r.bank === bank);
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
      `bank ${bank} has no recorded deliveries with an RRD in ${year}; years with deliveries: ${runYears.join(", ")}`,
    );
  }
  const round = roundOf(runs, rrd);
  const previousAccepted = runs
    .filter((r) => r.accepted && r.rrd < rrd)
    .sort((a, b) => cmp(a.rrd, b.rrd) || byInstant(a, b) || a.id - b.id)
    .pop();
  const calendar = groeipad.calendars[0];
  const norms: NormVerdict[] = normsOfYear.flatMap(({ n, periods }) =>
    periods.map((p) => {
      const requirements = p.requirements.map((req): RequirementVerdict => {
        const m = measure(
          req.metric.name,
          round,
          previousAccepted,
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
    deliveriesBeforeAcceptance:
      acceptedIndex < 0 ? round.runs.length : acceptedIndex,
    norms,
    measures: handhaving
      ? handhaving.measures.map((m) => measureOption(m, handhaving))
      : [],
    chart,
    maatwerk: MAATWERK,
  };
}
