/**
 * `regel validate` end to end in this process, as bench/measure.ts's "validate" tasks run it and
 * each thread of its "validate-side-by-side" task (bench/validate-thread.ts), with the times of
 * its phases read from its progress events ({@link PhaseClock}).
 *
 * @module
 */
import { loadCompiled } from "../runtime/load-compiled.js";
import { validateDelivery } from "../runtime/delivery.js";
import type { Progress } from "../runtime/delivery-state.js";

/**
 * The phases of one validation, timed by its progress events (milliseconds from `started`):
 * the scan ends at its last event; the sort, if any, at its last; the validate pass runs from its
 * first event to its last. Its steady rate counts the rows between a tenth and nine tenths of
 * them, so that neither the start (code not yet optimized, threads not yet busy) nor the end
 * (one thread's range finished before another's) is in it.
 */
export class PhaseClock {
  private scanEnd = 0;
  private sortEnd = 0;
  private passStart = -1;
  private passEnd = 0;
  private tenth: [number, number] | undefined;
  private nineTenths: [number, number] | undefined;

  constructor(
    private readonly started: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly onProgress = (p: Progress): void => {
    const at = this.now() - this.started;
    if (p.phase === "scan") this.scanEnd = at;
    else if (p.phase === "sort") this.sortEnd = at;
    else {
      if (this.passStart < 0) this.passStart = at;
      this.passEnd = at;
      if (this.tenth === undefined && p.done >= p.total / 10)
        this.tenth = [at, p.done];
      if (this.nineTenths === undefined && p.done >= (p.total * 9) / 10)
        this.nineTenths = [at, p.done];
    }
  };

  /**
   * The phases of a validation that ended `ms` after the start: `scanMs` (start-up and the
   * scan), `sortMs`, `betweenMs` (the key sets sealed and the whole-file passes), `passMs`,
   * `reportMs` (the tallies and the report), and `steadyRowsPerS`; empty when there was no
   * validate pass.
   */
  phases(ms: number): Record<string, number> {
    if (this.passStart < 0) return {};
    const before = Math.max(this.scanEnd, this.sortEnd);
    const steady =
      this.tenth !== undefined &&
      this.nineTenths !== undefined &&
      this.nineTenths[0] > this.tenth[0]
        ? ((this.nineTenths[1] - this.tenth[1]) * 1000) /
          (this.nineTenths[0] - this.tenth[0])
        : 0;
    return {
      scanMs: this.scanEnd,
      sortMs: this.sortEnd > 0 ? this.sortEnd - this.scanEnd : 0,
      betweenMs: this.passStart - before,
      passMs: this.passEnd - this.passStart,
      reportMs: ms - this.passEnd,
      steadyRowsPerS: steady,
    };
  }
}

/**
 * `regel validate` end to end on a delivery folder, report included; with `previous`, against
 * that previous delivery (T−1), and then also the findings of every rule as `rule:<code>`.
 */
export async function validateEndToEnd(
  folder: string,
  compiledDir: string,
  rrd: string,
  previous?: string,
  threads = 1,
): Promise<Record<string, number>> {
  const started = performance.now();
  const clock = new PhaseClock(started);
  const loaded = await loadCompiled(compiledDir);
  const report = await validateDelivery(folder, loaded, {
    rrd,
    threads,
    onProgress: clock.onProgress,
    ...(previous === undefined ? {} : { previous }),
  });
  const ms = performance.now() - started;
  const perRule: Record<string, number> = {};
  if (previous !== undefined)
    for (const r of [...report.rules, ...report.secondaryRules])
      perRule[`rule:${r.code}`] = r.count;
  return {
    ms,
    rows: report.rows.read,
    ikbs: report.ikbs?.count ?? 0,
    findings: report.rules.reduce((n, r) => n + r.count, 0),
    ...clock.phases(ms),
    ...perRule,
  };
}
