/**
 * How `regel validate` with worker threads scales with the size of the delivery (issue 15,
 * target 2): one thread and {@link THREADS} threads on deliveries of several sizes, measured
 * interleaved (`npm run bench -- --scaling-only 1 --scaling 100000,1000000,...`). Model-free:
 * what the rows a larger delivery adds cost with each (their ratio is what the threads gain on
 * rows, whatever the fixed costs), and at each size the time the threads take beyond one thread's
 * time divided by that ratio (their **excess**: the workers' start and warm-up, waits at the ends
 * of passes, serial seals and merges), beside the most excess the target (≥ {@link TARGET} ×)
 * allows at that size. (A straight line through the times did not fit: one thread's time per row
 * differed from one size to the next by a tenth, and the lines' fixed parts came out negative.)
 *
 * @module
 */
import {
  markedBlock,
  medians,
  replaceMarked,
  THREADS,
  type Measurement,
} from "./parse-references.js";

/** One delivery's medians with one thread and with {@link THREADS}. */
export interface ScalingPoint {
  depositors: number;
  rows: number;
  one: Measurement;
  many: Measurement;
}

/** Target 2 of issue 15: the threads' throughput at least this many times one thread's. */
export const TARGET = 1.8;

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

const s = (ms: number): string => (ms / 1000).toFixed(2);
/** a / b as a ratio; a dash where a phase was not seen (a small delivery's run is one event). */
const times = (a: number | undefined, b: number | undefined): string =>
  a !== undefined && b !== undefined && a > 0 && b > 0
    ? `${(a / b).toFixed(2)} ×`
    : "–";

/**
 * The section's tables: each delivery's times, phases and ratios; what the rows added from each
 * size to the next cost; and at each size the threads' excess over one thread's time divided by
 * the ratio on the rows the largest delivery adds, beside the excess {@link TARGET} allows.
 */
export function scalingTables(points: readonly ScalingPoint[]): string[] {
  if (points.length < 2) throw new Error("scaling needs two sizes or more");
  const steps = points.slice(1).map((q, i) => {
    const p = points[i];
    const one = q.one.ms - p.one.ms;
    const many = q.many.ms - p.many.ms;
    return { p, q, one, many, ratio: one / many };
  });
  const perRow = steps[steps.length - 1].ratio;
  const n = (x: number) => Math.round(x).toLocaleString("en");
  const r = (x: number) => `${x.toFixed(2)} ×`;
  return [
    `| depositors (data rows) | one thread (s) | ${THREADS} threads (s) | one thread's time / ${THREADS} threads' | the scan | the key sets and whole-file passes | the validate pass | its steady rate | peak RSS, one / ${THREADS} threads (MiB) |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...points.map(
      (p) =>
        `| ${n(p.depositors)} (${n(p.rows)}) | ${s(p.one.ms)} | ${s(p.many.ms)} | **${times(p.one.ms, p.many.ms)}** | ${times(p.one.scanMs, p.many.scanMs)} | ${times(p.one.betweenMs, p.many.betweenMs)} | ${times(p.one.passMs, p.many.passMs)} | ${times(p.many.steadyRowsPerS, p.one.steadyRowsPerS)} | ${Math.round(p.one.peakRssMiB)} / ${Math.round(p.many.peakRssMiB)} |`,
    ),
    "",
    `| the rows added from one size to the next (depositors) | data rows | their time, one thread (s) | their time, ${THREADS} threads (s) | one thread's / ${THREADS} threads' |`,
    "| --- | ---: | ---: | ---: | ---: |",
    ...steps.map(
      (x) =>
        `| ${n(x.p.depositors)} → ${n(x.q.depositors)} | ${n(x.q.rows - x.p.rows)} | ${s(x.one)} | ${s(x.many)} | **${r(x.ratio)}** |`,
    ),
    "",
    `| depositors | ${THREADS} threads (s) | one thread's time / ${r(perRow)} (s) | the threads' excess (s) | the most excess ${r(TARGET)} allows (s) |`,
    "| --- | ---: | ---: | ---: | ---: |",
    ...points.map(
      (p) =>
        `| ${n(p.depositors)} | ${s(p.many.ms)} | ${s(p.one.ms / perRow)} | **${s(p.many.ms - p.one.ms / perRow)}** | ${s(p.one.ms / TARGET - p.one.ms / perRow)} |`,
    ),
    "",
    `On the rows the largest delivery adds, ${THREADS} threads gain **${r(perRow)}** one thread's throughput. At each size they take that share of one thread's time and the excess above besides; the target (${r(TARGET)}) holds at a size where the excess is at most the last column${perRow > TARGET ? "" : " (none: the gain on rows is below the target)"}.`,
  ];
}

/**
 * The results file with its section on thread scaling replaced, or added at the start of its
 * notes (which a full `npm run bench` keeps).
 */
export function withScalingSection(results: string, section: string[]): string {
  const block = markedBlock("thread-scaling", section);
  const replaced = replaceMarked(results, "thread-scaling", block);
  if (replaced !== undefined) return replaced;
  const notes = results.indexOf("\n## Notes\n");
  if (notes < 0) return `${results}\n## Notes\n\n${block}\n`;
  const after = notes + "\n## Notes\n".length;
  return `${results.slice(0, after)}\n${block}\n${results.slice(after)}`;
}
