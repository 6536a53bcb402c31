/**
 * How `regel validate` with worker threads scales with the size of the delivery (issue 15,
 * target 2): one thread and {@link THREADS} threads on deliveries of several sizes, measured
 * interleaved (`npm run bench -- --scaling-only 1 --scaling 100000,1000000,...`), and a straight
 * line fitted through each thread count's times (least squares, time against data rows). The
 * line splits a run into a part that does not grow with the delivery (start-up, the workers'
 * start and warm-up, the serial seals and merges) and a time per row; the ratio of the times per
 * row is what the threads gain on a delivery large enough that the fixed parts do not count.
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

/** A straight line through points: `fixed + perUnit × x`, and its largest residual. */
export interface Line {
  fixed: number;
  perUnit: number;
  /** The largest |measured − fitted| / measured over the points. */
  worstResidual: number;
}

/** The least-squares line through (xs[i], ys[i]); at least two distinct xs. */
export function fitLine(xs: readonly number[], ys: readonly number[]): Line {
  const n = xs.length;
  if (n !== ys.length || n < 2)
    throw new Error("a line needs at least two points");
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (sxx === 0) throw new Error("a line needs two distinct sizes");
  const perUnit = sxy / sxx;
  const fixed = my - perUnit * mx;
  let worstResidual = 0;
  for (let i = 0; i < n; i++)
    worstResidual = Math.max(
      worstResidual,
      Math.abs(ys[i] - (fixed + perUnit * xs[i])) / ys[i],
    );
  return { fixed, perUnit, worstResidual };
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
 * The section's tables: each delivery's times, phases and ratios; the lines fitted through the
 * times of each thread count; what they give for large deliveries and, with the threads' fixed
 * part as small as one thread's, for each size measured.
 */
export function scalingTables(points: readonly ScalingPoint[]): string[] {
  const rows = points.map((p) => p.rows);
  const one = fitLine(
    rows,
    points.map((p) => p.one.ms),
  );
  const many = fitLine(
    rows,
    points.map((p) => p.many.ms),
  );
  const perMillion = (l: Line) => s(l.perUnit * 1e6);
  const residual = (l: Line) => `${(l.worstResidual * 100).toFixed(1)} %`;
  return [
    `| depositors (data rows) | one thread (s) | ${THREADS} threads (s) | one thread's time / ${THREADS} threads' | the scan | the key sets and whole-file passes | the validate pass | its steady rate | peak RSS, one / ${THREADS} threads (MiB) |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...points.map(
      (p) =>
        `| ${p.depositors.toLocaleString("en")} (${Math.round(p.rows).toLocaleString("en")}) | ${s(p.one.ms)} | ${s(p.many.ms)} | **${times(p.one.ms, p.many.ms)}** | ${times(p.one.scanMs, p.many.scanMs)} | ${times(p.one.betweenMs, p.many.betweenMs)} | ${times(p.one.passMs, p.many.passMs)} | ${times(p.many.steadyRowsPerS, p.one.steadyRowsPerS)} | ${Math.round(p.one.peakRssMiB)} / ${Math.round(p.many.peakRssMiB)} |`,
    ),
    "",
    "| a straight line through the times above (least squares) | fixed part (s) | per million data rows (s) | largest residual |",
    "| --- | ---: | ---: | ---: |",
    `| one thread | ${s(one.fixed)} | ${perMillion(one)} | ${residual(one)} |`,
    `| ${THREADS} threads | ${s(many.fixed)} | ${perMillion(many)} | ${residual(many)} |`,
    "",
    `Per data row, ${THREADS} threads take **1 / ${(one.perUnit / many.perUnit).toFixed(2)}** of one thread's time: ${times(one.perUnit, many.perUnit)} one thread's throughput on a delivery large enough that the fixed parts do not count. The fixed part of ${THREADS} threads is ${s(many.fixed - one.fixed)} s more than one thread's. Were it one thread's, the lines would give ${points
      .map(
        (p) =>
          `${times(one.fixed + one.perUnit * p.rows, one.fixed + many.perUnit * p.rows)} at ${p.depositors.toLocaleString("en")} depositors`,
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
