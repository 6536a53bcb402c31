/**
 * Dated parameters: the value of a `parameter` on the reporting reference date.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

/** One period of a parameter: its value for RRDs in [from, until) (days since 1970-01-01; until absent = open). */
export type $Period<T> = readonly [from: number, until: number | undefined, value: T];

/** The value whose period holds `rrd`; absent when no period does (the checker proves none is missing in the validity). */
export function $paramAt<T>(periods: readonly $Period<T>[], rrd: number): T | undefined {
  for (const [from, until, value] of periods)
    if (from <= rrd && (until === undefined || rrd < until)) return value;
  return undefined;
}
