/**
 * `regel validate` end to end in this process, as bench/measure.ts's "validate" tasks run it and
 * each thread of its "validate-side-by-side" task (bench/validate-thread.ts).
 *
 * @module
 */
import { loadCompiled } from "../runtime/load-compiled.js";
import { validateDelivery } from "../runtime/delivery.js";

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
  const loaded = await loadCompiled(compiledDir);
  const report = await validateDelivery(folder, loaded, {
    rrd,
    threads,
    ...(previous === undefined ? {} : { previous }),
  });
  const perRule: Record<string, number> = {};
  if (previous !== undefined)
    for (const r of [...report.rules, ...report.secondaryRules])
      perRule[`rule:${r.code}`] = r.count;
  return {
    ms: performance.now() - started,
    rows: report.rows.read,
    ikbs: report.ikbs?.count ?? 0,
    findings: report.rules.reduce((n, r) => n + r.count, 0),
    ...perRule,
  };
}
