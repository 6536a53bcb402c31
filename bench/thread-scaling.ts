/**
 * How `regel validate` with worker threads scales with the size of the delivery (issue 15,
 * target 2): one thread and {@link THREADS} threads on deliveries of several sizes, measured
 * interleaved (`npm run bench -- --scaling-only 1 --scaling 100000,1000000,...`). Between two
 * sizes, the line through their times splits a run into a part that does not grow with the
 * delivery (start-up, the workers' start and warm-up, waits at the ends of passes) and a time per
 * row; the ratio of the times per row is what the threads gain on the rows a larger delivery adds.
 *
 * @module
 */
import { median, THREADS, type Measurement } from "./parse-references.js";

/** One delivery's medians with one thread and with {@link THREADS}. */
export interface ScalingPoint {
  depositors: number;
  rows: number;
  one: Measurement;
  many: Measurement;
}

/** The straight line `fixed + perUnit × x` through two points. */
export interface Line {
  fixed: number;
  perUnit: number;
}

/** The line through (x0, y0) and (x1, y1), x0 ≠ x1. */
export function lineThrough(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): Line {
  if (x0 === x1) throw new Error("a line needs two distinct sizes");
  const perUnit = (y1 - y0) / (x1 - x0);
  return { fixed: y0 - perUnit * x0, perUnit };
}

/**
 * Validate each delivery `dirs[i]` (of `depositors[i]` depositors) with one thread and with
 * {@link THREADS}, one run of each per round, `repeats` rounds; the medians. `once` runs one
 * measurement of bench/measure.ts in a fresh process. Fails when the two find differently.
 */
export function measureScaling(
  depositors: readonly number[],
  dirs: readonly string[],
  compiled: string,
  rrd: string,
  repeats: number,
  once: (args: string[]) => Measurement,
): ScalingPoint[] {
  return depositors.map((n, i) => {
    const runs: [Measurement[], Measurement[]] = [[], []];
    for (let r = 0; r < repeats; r++)
      for (const [t, threads] of [1, THREADS].entries()) {
        process.stderr.write(
          `scaling: ${n.toLocaleString("en")} depositors, ${threads} thread${threads === 1 ? "" : "s"}, round ${r + 1}/${repeats}\n`,
        );
        runs[t].push(
          once(["validate-threads", dirs[i], compiled, rrd, String(threads)]),
        );
      }
    const [one, many] = runs.map(medians);
    for (const k of ["rows", "ikbs", "findings"])
      if (one[k] !== many[k])
        throw new Error(
          `${n} depositors: one thread and ${THREADS} differ in ${k}: ${one[k]} against ${many[k]}`,
        );
    return { depositors: n, rows: one.rows, one, many };
  });
}

function medians(list: Measurement[]): Measurement {
  const m: Measurement = {};
  for (const k of Object.keys(list[0]))
    if (typeof list[0][k] === "number") m[k] = median(list.map((x) => x[k]));
  return m;
}

const s = (ms: number): string => (ms / 1000).toFixed(2);
/** a / b as a ratio; a dash where a phase was not seen (a small delivery's run is one event). */
const times = (a: number | undefined, b: number | undefined): string =>
  a !== undefined && b !== undefined && a > 0 && b > 0
    ? `${(a / b).toFixed(2)} ×`
    : "–";

/**
 * The section's tables: each delivery's times, phases and ratios; between each two sizes (in the
 * order measured) what the added rows cost and the line through the two; and from the line through
 * the two largest, what the threads would gain at each size with their fixed part one thread's.
 */
export function scalingTables(points: readonly ScalingPoint[]): string[] {
  const lines = points.slice(1).map((q, i) => {
    const p = points[i];
    return {
      p,
      q,
      one: lineThrough(p.rows, p.one.ms, q.rows, q.one.ms),
      many: lineThrough(p.rows, p.many.ms, q.rows, q.many.ms),
    };
  });
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error("scaling needs two sizes or more");
  const { one, many } = last;
  const n = (x: number) => Math.round(x).toLocaleString("en");
  return [
    `| depositors (data rows) | one thread (s) | ${THREADS} threads (s) | one thread's time / ${THREADS} threads' | the scan | the key sets and whole-file passes | the validate pass | its steady rate | peak RSS, one / ${THREADS} threads (MiB) |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...points.map(
      (p) =>
        `| ${n(p.depositors)} (${n(p.rows)}) | ${s(p.one.ms)} | ${s(p.many.ms)} | **${times(p.one.ms, p.many.ms)}** | ${times(p.one.scanMs, p.many.scanMs)} | ${times(p.one.betweenMs, p.many.betweenMs)} | ${times(p.one.passMs, p.many.passMs)} | ${times(p.many.steadyRowsPerS, p.one.steadyRowsPerS)} | ${Math.round(p.one.peakRssMiB)} / ${Math.round(p.many.peakRssMiB)} |`,
    ),
    "",
    `| from one size to the next (depositors) | data rows added | their time, one thread (s) | their time, ${THREADS} threads (s) | one thread's / ${THREADS} threads' | the fixed part of the line through the two: one thread (s) | ${THREADS} threads (s) |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...lines.map(
      (l) =>
        `| ${n(l.p.depositors)} → ${n(l.q.depositors)} | ${n(l.q.rows - l.p.rows)} | ${s(l.q.one.ms - l.p.one.ms)} | ${s(l.q.many.ms - l.p.many.ms)} | **${times(l.one.perUnit, l.many.perUnit)}** | ${s(l.one.fixed)} | ${s(l.many.fixed)} |`,
    ),
    "",
    `Through the two largest sizes, ${THREADS} threads take **1 / ${(one.perUnit / many.perUnit).toFixed(2)}** of one thread's time per data row (${s(one.perUnit * 1e6)} against ${s(many.perUnit * 1e6)} s per million), and ${s(many.fixed - one.fixed)} s more that does not grow with the delivery. Were that part of ${THREADS} threads one thread's (${s(one.fixed)} s), the line would give ${points
      .map(
        (p) =>
          `${times(one.fixed + one.perUnit * p.rows, one.fixed + many.perUnit * p.rows)} at ${n(p.depositors)} depositors`,
      )
      .join(", ")}.`,
  ];
}

const START = "<!-- thread-scaling -->";
const END = "<!-- /thread-scaling -->";

/**
 * The results file with its section on thread scaling replaced, or added at the start of its
 * notes (which a full `npm run bench` keeps).
 */
export function withScalingSection(results: string, section: string[]): string {
  const block = [START, ...section, END].join("\n");
  const from = results.indexOf(START);
  const to = results.indexOf(END);
  if (from >= 0 && to > from)
    return results.slice(0, from) + block + results.slice(to + END.length);
  const notes = results.indexOf("\n## Notes\n");
  if (notes < 0) return `${results}\n## Notes\n\n${block}\n`;
  const after = notes + "\n## Notes\n".length;
  return `${results.slice(0, after)}\n${block}\n${results.slice(after)}`;
}
