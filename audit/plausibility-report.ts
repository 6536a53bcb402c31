/**
 * The outliers section of a validation report (report.json `plausibility.outliers`, issue 19
 * items 2, 3 and 6): the `plausibility` declarations of the compiled rulesets in force on the RRD
 * (their trace.json), evaluated by audit/outliers.ts for this delivery against the history store
 * — the bank's own earlier deliveries and the other banks at the same RRD. Without a bank, a
 * history or a declaration, the section says "not evaluated" and why; it never says "plausible".
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ArticleTrace, PlausibilityTrace } from "../compiler/contract.js";
import {
  compiledHeader,
  listCompiled,
  readTraceJson,
} from "../runtime/load-compiled.js";
import type {
  OutlierCheckReport,
  OutliersSection,
} from "../runtime/outlier-types.js";
import type { Report } from "../runtime/report-types.js";
import { inForce } from "../runtime/select-version.js";
import { History, HistoryError, runFromReport } from "./history.js";
import { evaluateOutliers, toExplain, type Observation } from "./outliers.js";

/** A declaration with where it comes from. */
export interface PlausibilitySpec extends PlausibilityTrace {
  /** `name@version` of the compiled ruleset that declares it. */
  ruleset: string;
}

/** The plausibility declarations of the compiled rulesets under `root` in force on `rrd`. */
export function loadPlausibility(
  root: string,
  rrd: string,
): PlausibilitySpec[] {
  const out: PlausibilitySpec[] = [];
  for (const dir of listCompiled(root)) {
    const file = join(root, dir, "trace.json");
    if (!existsSync(file)) continue;
    // the module's header says whether it is in force and declares any: else trace.json is not read
    const header = compiledHeader(join(root, dir));
    if (
      header !== undefined &&
      (header.plausibility === 0 ||
        !inForce(rrd, header.validFrom, header.validUntil))
    )
      continue;
    const data = readTraceJson(file).data as {
      metadata?: { validFrom?: string | null; validUntil?: string | null };
      plausibility?: PlausibilityTrace[];
    };
    if (
      !inForce(
        rrd,
        data.metadata?.validFrom ?? undefined,
        data.metadata?.validUntil ?? undefined,
      )
    )
      continue;
    for (const p of data.plausibility ?? []) out.push({ ...p, ruleset: dir });
  }
  return out;
}

/**
 * The declared aggregates a report carries (`aggregates`, added by the aggregates step): an array
 * of `{ name, value }` or an object of name: number; anything else reads as none.
 */
export function reportAggregates(report: Report): Record<string, number> {
  const raw = (report as { aggregates?: unknown }).aggregates;
  const out: Record<string, number> = Object.create(null);
  if (Array.isArray(raw)) {
    for (const a of raw)
      if (
        typeof a === "object" &&
        a !== null &&
        typeof (a as { name?: unknown }).name === "string" &&
        typeof (a as { value?: unknown }).value === "number"
      )
        out[(a as { name: string }).name] = (a as { value: number }).value;
  } else if (typeof raw === "object" && raw !== null) {
    for (const [k, v] of Object.entries(raw))
      if (typeof v === "number") out[k] = v;
  }
  return out;
}

const articleText = (a: ArticleTrace) => `${a.source} ${a.locator}`;

function notEvaluated(
  reason: string,
  bank: string | null,
  history: string | null,
): OutliersSection {
  return {
    status: "not evaluated",
    reason,
    bank,
    history,
    checks: [],
    explain: [],
  };
}

/**
 * Evaluate the declarations for a report. `bank` and `history` come from `regel validate --bank B
 * --history FILE`; `deliveryId` (with `--record`) keeps a re-validated delivery out of its own
 * history. `upToRunId` (regel verify) reads only the runs with an id up to it: those the report
 * read. The section names the runs it read (`historyRuns`).
 */
export function outliersSection(
  report: Report,
  specs: readonly PlausibilitySpec[],
  options: {
    bank?: string;
    history?: string;
    deliveryId?: string;
    upToRunId?: number;
  },
): OutliersSection {
  const bank = options.bank ?? null;
  const file = options.history ?? null;
  if (specs.length === 0)
    return notEvaluated(
      "no compiled ruleset in force on the RRD declares a plausibility check",
      bank,
      file,
    );
  if (bank === null || bank.trim() === "")
    return notEvaluated(
      "no bank given: pass --bank B (and --history FILE) to compare this delivery with the bank's recorded deliveries and with its peers",
      null,
      file,
    );
  if (file === null || !existsSync(file))
    return notEvaluated(
      `no history${file === null ? "" : ` at ${file}`}: record deliveries first (regel record, or regel validate --record) so that there is a pattern to compare with`,
      bank,
      file,
    );
  let history: History | undefined;
  let runs;
  let aggregates;
  try {
    history = History.open(file);
    runs = history.runs({ upToRunId: options.upToRunId });
    aggregates = history.runAggregates();
  } catch (e) {
    if (e instanceof HistoryError)
      return notEvaluated(
        `the history cannot be read: ${e.message}`,
        bank,
        file,
      );
    throw e;
  } finally {
    history?.close();
  }
  const observations = runs.map((r) => ({
    ...r,
    aggregates: aggregates.get(r.id) ?? {},
  }));
  const run = runFromReport(report, {
    bank,
    deliveryId: options.deliveryId ?? "(this delivery)",
    deliveredAt: "1970-01-01T00:00:00Z",
  });
  const current: Observation = {
    bank,
    deliveryId: run.deliveryId,
    rrd: run.rrd,
    ikbs: run.ikbs,
    percentage: run.percentage,
    blockingErrors: run.blockingErrors,
    errors: run.errors,
    findings: run.findings,
    aggregates: reportAggregates(report),
  };
  // the runs read: up to the id asked for, else up to the last one there (ids are never reused)
  const historyRuns = {
    lastRunId:
      options.upToRunId ?? runs.reduce((last, r) => Math.max(last, r.id), 0),
    count: runs.length,
  };
  const results = evaluateOutliers(specs, current, observations);
  const checks = results.map((c, i): OutlierCheckReport => ({
    ...c,
    ruleset: specs[i].ruleset,
    location: specs[i].location,
    articles: specs[i].articles.map(articleText),
    assumptions: specs[i].assumptions,
  }));
  return {
    status: checks.some((c) => c.status === "evaluated")
      ? "evaluated"
      : "not evaluated",
    ...(checks.some((c) => c.status === "evaluated")
      ? {}
      : { reason: checks.map((c) => `${c.name}: ${c.reason}`).join("; ") }),
    bank,
    history: file,
    historyRuns,
    checks,
    explain: toExplain(results),
  };
}

/**
 * `regel validate`: put `plausibility.outliers` into the report when a compiled ruleset in force
 * on the RRD declares a plausibility check (otherwise the report stays as it was).
 */
export function addOutliers(
  report: Report,
  compiledRoot: string,
  options: { bank?: string; history?: string; deliveryId?: string },
): void {
  const specs = loadPlausibility(compiledRoot, report.rrd);
  if (specs.length === 0) return;
  report.plausibility = {
    ...report.plausibility,
    outliers: outliersSection(report, specs, options),
  };
}
