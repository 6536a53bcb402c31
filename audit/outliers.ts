/**
 * Outliers against a bank's own history and against its peers (issue 19 items 2 and 3; bk par
 * 2.2: "Verklaring bank bij uitschietende en afwijkende waarden in gegevens en markeringen", and
 * "uitschieters ... ten opzichte van vergelijkbare instellingen").
 *
 * The method is the modified (robust) z-score of Iglewicz and Hoaglin (1993):
 *
 *     z = 0.6745 · (x − median) / MAD,   MAD = median(|xᵢ − median|)
 *
 * over the comparison values xᵢ (the bank's last `window` deliveries, one per RRD, or the other
 * banks' values at the same RRD). 0.6745 makes the MAD comparable with a standard deviation of a
 * normal distribution, so `threshold 3.5` is the usual cut-off. When half or more of the values
 * are equal the MAD is 0; then the mean absolute deviation is used instead (z = (x − median) /
 * (1.2533 · meanAD)), and when every comparison value is equal any other value is an outlier
 * (z = ±∞) and the same value is not (z = 0). Everything is computed from the recorded figures in
 * a fixed order: the same history gives the same result.
 *
 * A series is "not evaluated" — never "usual" — when there is too little to compare with (fewer
 * than `minimum` earlier deliveries or peers) or when the delivery has no value for it.
 *
 * @module
 */
import type { PlausibilityTrace } from "../compiler/contract.js";
import type { OutlierCheck, SeriesResult } from "../runtime/outlier-types.js";

export { BUILT_IN_SERIES, WATCH_WORDS } from "../dsl/plausibility-words.js";
export type { OutlierCheck, SeriesResult };

/** What the outlier method reads of a plausibility declaration in trace.json. */
export type OutlierSpec = Pick<
  PlausibilityTrace,
  | "name"
  | "title"
  | "compare"
  | "method"
  | "threshold"
  | "window"
  | "minimum"
  | "watch"
>;

/** The figures of one delivery, as the history store records them. */
export interface Observation {
  bank: string;
  deliveryId: string;
  rrd: string;
  ikbs: number | null;
  percentage: number | null;
  blockingErrors: number;
  errors: number;
  /** Findings per rule code (a rule without findings may be absent: it counts as 0). */
  findings: Readonly<Record<string, number>>;
  /** Declared aggregates by name (table run_aggregates); an absent one was not recorded. */
  aggregates: Readonly<Record<string, number>>;
}

/** The robust z-score's constant: the 0.75 quantile of the standard normal distribution. */
const Q75 = 0.6745;
/** √(π/2): mean absolute deviation → standard deviation of a normal distribution. */
const MEAN_AD = 1.2533;

/** The median of numbers (sorted copy; the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The robust z-score of `x` against `values`, with the centre and the scale it used. */
export function robustZ(
  x: number,
  values: readonly number[],
  minScale = 0,
): { z: number; median: number; scale: number; mad: number } {
  const m = median(values);
  const deviations = values.map((v) => Math.abs(v - m));
  const mad = median(deviations);
  let scale: number;
  if (mad > 0) scale = mad / Q75;
  else {
    const meanAd = deviations.reduce((a, b) => a + b, 0) / values.length;
    scale = MEAN_AD * meanAd;
  }
  scale = Math.max(scale, minScale);
  const d = x - m;
  const z = d === 0 ? 0 : scale > 0 ? d / scale : d > 0 ? Infinity : -Infinity;
  return { z, median: m, scale, mad };
}

/** The statement of the method that every report carries beside its results. */
export function methodText(spec: OutlierSpec): string {
  const against =
    spec.compare === "history"
      ? `the bank's own last ${spec.window} deliveries (one per reporting reference date, the accepted one or else the last; at least ${spec.minimum} needed)`
      : `the other banks in the same history store at the same reporting reference date (at least ${spec.minimum} needed), every figure but the percentage taken per 1,000 IKBs so that banks of different size compare`;
  return `Robust z-score (Iglewicz and Hoaglin): z = 0.6745 × (value − median) / MAD, MAD the median absolute deviation from the median, over ${against}. |z| > ${spec.threshold} is an outlier.${spec.compare === "history" ? " For counts (IKBs, errors, findings) the scale is at least √median (at least 1): the spread of a count that varies by chance." : ""} When the MAD is 0 the mean absolute deviation × 1.2533 is the scale; when that is 0 too (all comparison values equal, and no floor), any other value is an outlier.`;
}

const round = (n: number, d = 4): number => {
  const f = 10 ** d;
  return Math.round(n * f) / f;
};

/** The value of `series` in an observation; undefined when the delivery has none. */
function valueOf(o: Observation, series: string): number | undefined {
  switch (series) {
    case "ikbs":
      return o.ikbs ?? undefined;
    case "percentage":
      return o.percentage ?? undefined;
    case "blocking_errors":
      return o.blockingErrors;
    case "errors":
      return o.errors;
  }
  if (series.startsWith("findings "))
    return Object.hasOwn(o.findings, series.slice(9))
      ? o.findings[series.slice(9)]
      : 0;
  if (series.startsWith("aggregate ")) {
    const name = series.slice(10);
    return Object.hasOwn(o.aggregates, name) ? o.aggregates[name] : undefined;
  }
  return undefined;
}

/** The concrete series of a spec: `findings` and `aggregates` become one per rule / aggregate. */
export function expandWatch(
  spec: OutlierSpec,
  observations: readonly Observation[],
): string[] {
  const out = new Set<string>();
  for (const item of spec.watch) {
    if (item === "findings") {
      const codes = new Set<string>();
      for (const o of observations)
        for (const c of Object.keys(o.findings)) codes.add(c);
      for (const c of [...codes].sort()) out.add(`findings ${c}`);
    } else if (item === "aggregates") {
      const names = new Set<string>();
      for (const o of observations)
        for (const n of Object.keys(o.aggregates)) names.add(n);
      for (const n of [...names].sort()) out.add(`aggregate ${n}`);
    } else out.add(item);
  }
  return [...out];
}

/** Judge `x` against `values`. */
/** Series that count things (the history's own counts): their spread is at least chance's. */
function isCount(series: string): boolean {
  return (
    series === "ikbs" ||
    series === "errors" ||
    series === "blocking_errors" ||
    series.startsWith("findings ")
  );
}

/**
 * The least scale of a count with this median: √median (at least 1), the standard deviation of a
 * count that varies by chance (Poisson). Without it a rule with 1 finding in every earlier
 * delivery would make 2 findings an outlier.
 */
export function countScale(values: readonly number[]): number {
  return Math.sqrt(Math.max(median(values), 1));
}

function judge(
  x: number,
  values: readonly number[],
  threshold: number,
  minScale = 0,
): Pick<SeriesResult, "status" | "z" | "direction"> & {
  median: number;
  scale: number;
} {
  const r = robustZ(x, values, minScale);
  const outlier = Math.abs(r.z) > threshold;
  return {
    status: outlier ? "outlier" : "usual",
    z: Number.isFinite(r.z) ? round(r.z, 2) : null,
    direction: outlier ? (r.z > 0 ? "high" : "low") : null,
    median: r.median,
    scale: r.scale,
  };
}

/**
 * The rounds of a bank before `rrd`: per RRD the accepted delivery, or else the last one (as
 * `regel assess` measures a round), newest last. `runs` are in recording order.
 */
export function roundsBefore<T extends Observation & { accepted: boolean }>(
  runs: readonly T[],
  bank: string,
  rrd: string,
  exclude?: string,
): T[] {
  const byRrd = new Map<string, T[]>();
  for (const r of runs) {
    if (r.bank !== bank || r.rrd >= rrd || r.deliveryId === exclude) continue;
    const list = byRrd.get(r.rrd) ?? [];
    list.push(r);
    byRrd.set(r.rrd, list);
  }
  return [...byRrd.keys()].sort().map((k) => {
    const list = byRrd.get(k)!;
    return list.find((r) => r.accepted) ?? list[list.length - 1];
  });
}

/**
 * Evaluate a history declaration: `current` against `earlier` (the bank's earlier rounds, oldest
 * first; only the last `window` are used).
 */
export function evaluateHistory(
  spec: OutlierSpec,
  current: Observation,
  earlier: readonly Observation[],
): OutlierCheck {
  const used = earlier.slice(Math.max(0, earlier.length - spec.window));
  const base = checkBase(spec, used.length);
  if (used.length < spec.minimum)
    return {
      ...base,
      status: "not evaluated",
      reason:
        used.length === 0
          ? `no earlier delivery of bank ${current.bank} is recorded in the history: at least ${spec.minimum} are needed`
          : `only ${used.length} earlier ${used.length === 1 ? "delivery" : "deliveries"} of bank ${current.bank} recorded; at least ${spec.minimum} are needed`,
      series: [],
    };
  const series = expandWatch(spec, [...used, current]).map(
    (s): SeriesResult => {
      const x = valueOf(current, s);
      const history = used.flatMap((o) => {
        const v = valueOf(o, s);
        return v === undefined
          ? []
          : [{ rrd: o.rrd, deliveryId: o.deliveryId, value: v }];
      });
      if (x === undefined)
        return notEvaluated(s, "this delivery has no value for it");
      if (history.length < spec.minimum)
        return notEvaluated(
          s,
          `recorded in only ${history.length} of the earlier deliveries; at least ${spec.minimum} needed`,
          x,
        );
      const values = history.map((h) => h.value);
      const j = judge(
        x,
        values,
        spec.threshold,
        isCount(s) ? countScale(values) : 0,
      );
      return {
        series: s,
        status: j.status,
        value: x,
        z: j.z,
        direction: j.direction,
        history,
        band: {
          median: round(j.median),
          low: round(j.median - spec.threshold * j.scale),
          high: round(j.median + spec.threshold * j.scale),
        },
      };
    },
  );
  return { ...base, status: "evaluated", series };
}

/** Per 1,000 IKBs for counts; the percentage as it is. Undefined without IKBs. */
function perSize(o: Observation, series: string): number | undefined {
  const v = valueOf(o, series);
  if (v === undefined) return undefined;
  if (series === "percentage") return v;
  if (o.ikbs === null || o.ikbs === 0) return undefined;
  return round((v * 1000) / o.ikbs, 6);
}

/**
 * Evaluate a peer declaration: `current` against `peers` (one observation per other bank at the
 * same RRD). Counts are taken per 1,000 IKBs; `ikbs` itself is the size and is not compared. The
 * result holds the bank's own value, z and position only — never a peer's figure.
 */
export function evaluatePeers(
  spec: OutlierSpec,
  current: Observation,
  peers: readonly Observation[],
): OutlierCheck {
  const others = peers.filter((p) => p.bank !== current.bank);
  const base = checkBase(spec, others.length);
  if (others.length < spec.minimum)
    return {
      ...base,
      status: "not evaluated",
      reason: `${others.length === 0 ? "no other bank" : `only ${others.length} other ${others.length === 1 ? "bank" : "banks"}`} recorded a delivery for RRD ${current.rrd} in the history; at least ${spec.minimum} needed`,
      series: [],
    };
  const series = expandWatch(spec, [...others, current]).map(
    (s): SeriesResult => {
      if (s === "ikbs")
        return notEvaluated(
          s,
          "the number of IKBs is the size that peer figures are divided by; it is not compared between banks",
        );
      const x = perSize(current, s);
      if (x === undefined)
        return notEvaluated(
          s,
          current.ikbs === null || current.ikbs === 0
            ? "this delivery has no IKBs to take the figure per 1,000 IKBs"
            : "this delivery has no value for it",
        );
      const values = others
        .map((o) => perSize(o, s))
        .filter((v): v is number => v !== undefined);
      if (values.length < spec.minimum)
        return notEvaluated(
          s,
          `only ${values.length} other banks have a value for it; at least ${spec.minimum} needed`,
          x,
        );
      const j = judge(x, values, spec.threshold);
      const below = values.filter((v) => v < x).length;
      return {
        series: s,
        status: j.status,
        value: x,
        z: j.z,
        direction: j.direction,
        position: { rank: below + 1, of: values.length + 1 },
      };
    },
  );
  return { ...base, status: "evaluated", series };
}

/** The latest observation per other bank for an RRD (the accepted one, or else the last). */
export function peersAt<T extends Observation & { accepted: boolean }>(
  runs: readonly T[],
  bank: string,
  rrd: string,
): T[] {
  const byBank = new Map<string, T[]>();
  for (const r of runs) {
    if (r.bank === bank || r.rrd !== rrd) continue;
    const list = byBank.get(r.bank) ?? [];
    list.push(r);
    byBank.set(r.bank, list);
  }
  return [...byBank.keys()].sort().map((b) => {
    const list = byBank.get(b)!;
    return list.find((r) => r.accepted) ?? list[list.length - 1];
  });
}

function checkBase(
  spec: OutlierSpec,
  comparedWith: number,
): Omit<OutlierCheck, "status" | "series" | "reason"> {
  return {
    name: spec.name,
    title: spec.title ?? null,
    compare: spec.compare,
    method: methodText(spec),
    threshold: spec.threshold,
    window: spec.window,
    minimum: spec.minimum,
    comparedWith,
  };
}

function notEvaluated(
  series: string,
  reason: string,
  value: number | null = null,
): SeriesResult {
  return {
    series,
    status: "not evaluated",
    value,
    z: null,
    direction: null,
    reason,
  };
}

/**
 * Evaluate every declaration for a delivery: history declarations against the bank's earlier
 * rounds in `runs`, peer declarations against the other banks' rounds at the same RRD.
 */
export function evaluateOutliers<T extends Observation & { accepted: boolean }>(
  specs: readonly OutlierSpec[],
  current: Observation,
  runs: readonly T[],
): OutlierCheck[] {
  return specs.map((spec) =>
    spec.compare === "history"
      ? evaluateHistory(
          spec,
          current,
          roundsBefore(runs, current.bank, current.rrd, current.deliveryId),
        )
      : evaluatePeers(spec, current, peersAt(runs, current.bank, current.rrd)),
  );
}

/** One line per outlier: what the bank must explain ("verklaring bij uitschietende waarden"). */
export function toExplain(checks: readonly OutlierCheck[]): string[] {
  const out: string[] = [];
  for (const c of checks)
    for (const s of c.series) {
      if (s.status !== "outlier") continue;
      const z = s.z === null ? (s.direction === "high" ? "+∞" : "−∞") : s.z;
      out.push(
        c.compare === "history"
          ? `${s.series}: ${s.value} is unusually ${s.direction} against the bank's own history (usual ${s.band?.low} to ${s.band?.high}, robust z ${z}; ${c.name})`
          : `${s.series}: ${s.value} per 1,000 IKBs is unusually ${s.direction} against ${(s.position?.of ?? 1) - 1} other banks (position ${s.position?.rank} of ${s.position?.of}, robust z ${z}; ${c.name})`,
      );
    }
  return out;
}
