/**
 * The partial state of one worker of the parallel validate pass (runtime/validate-worker.ts) and
 * its merge into the main thread's {@link DeliveryRun}. A worker validates the IKBs of one range
 * of IKB keys, starting from empty counts; every IKB of range k comes before every IKB of range
 * k + 1 in the single-threaded order, so adding the partials in range order gives exactly the
 * state one thread would have reached: counts add up, "first" things (a tally's first file and
 * line, an input code's first line, the insertion order of every map) come from the earliest
 * range that has them, and lists kept up to the sample limit are filled in range order, the rest
 * counted as omitted.
 *
 * @module
 */
import type { AggregatesState } from "./aggregates.js";
import type {
  DeliveryRun,
  FileState,
  InputCount,
  RuleTally,
} from "./delivery-state.js";
import type { InputProblem } from "./report-types.js";

/** What the validate pass of one file added, in one worker. */
export interface PartialFile {
  rowsValidated: number;
  rowsRejected: number;
  blockingErrors: number;
  problems: InputProblem[];
  problemsOmitted: number;
  blocking: [string, number][];
}

/** What one worker's validate pass added to a run (plain data: it crosses threads). */
export interface PartialState {
  tallies: [string, RuleTally][];
  inputCounts: [string, InputCount][];
  categoryCounts: [string, number][];
  payoutCounts: [string, number][];
  ikbCount: number;
  ikbMeeting: number;
  ungroupedRows: number;
  rowsDone: number;
  aggregates: AggregatesState;
  /** Per file the worker validated, in the order it was given them. */
  files: PartialFile[];
}

/** The partial state of a run that started from empty counts (a worker's). */
export function partialOf(
  s: DeliveryRun,
  files: readonly FileState[],
): PartialState {
  return {
    tallies: [...s.tallies],
    inputCounts: [...s.inputCounts],
    categoryCounts: [...s.categoryCounts],
    payoutCounts: [...s.payoutCounts],
    ikbCount: s.ikbCount,
    ikbMeeting: s.ikbMeeting,
    ungroupedRows: s.ungroupedRows,
    rowsDone: s.rowsDone,
    aggregates: s.aggregates.state(),
    files: files.map((f) => ({
      rowsValidated: f.report.rowsValidated,
      rowsRejected: f.report.rowsRejected,
      blockingErrors: f.report.blockingErrors,
      problems: f.report.problems,
      problemsOmitted: f.report.problemsOmitted,
      blocking: [...f.blocking],
    })),
  };
}

/**
 * Add a worker's partial state to the run. Call once per range, in range order; `files` are the
 * main thread's states of the files the worker was given, in the same order.
 */
export function mergePartial(
  s: DeliveryRun,
  files: readonly FileState[],
  p: PartialState,
): void {
  for (const [rule, t] of p.tallies) mergeTally(s, rule, t);
  for (const [code, c] of p.inputCounts) {
    const m = s.inputCounts.get(code);
    if (m) m.count += c.count;
    else s.inputCounts.set(code, c);
  }
  addCounts(s.categoryCounts, p.categoryCounts);
  addCounts(s.payoutCounts, p.payoutCounts);
  s.ikbCount += p.ikbCount;
  s.ikbMeeting += p.ikbMeeting;
  s.ungroupedRows += p.ungroupedRows;
  s.rowsDone += p.rowsDone;
  s.aggregates.merge(p.aggregates);
  p.files.forEach((pf, i) => {
    const f = files[i];
    const r = f.report;
    r.rowsValidated += pf.rowsValidated;
    r.rowsRejected += pf.rowsRejected;
    r.blockingErrors += pf.blockingErrors;
    const room = Math.max(0, s.maxSamples - r.problems.length);
    for (const problem of pf.problems.slice(0, room)) r.problems.push(problem);
    r.problemsOmitted +=
      pf.problemsOmitted + Math.max(0, pf.problems.length - room);
    addCounts(f.blocking, pf.blocking);
  });
}

function mergeTally(s: DeliveryRun, rule: string, t: RuleTally): void {
  const m = s.tallies.get(rule);
  if (m === undefined) {
    s.tallies.set(rule, t);
    return;
  }
  m.count += t.count;
  m.records += t.records;
  if (t.ofPrevious) m.ofPrevious = true;
  if (t.reported !== undefined) {
    const r = (m.reported ??= { reportedUnknown: 0, reportedMissing: 0 });
    r.reportedUnknown += t.reported.reportedUnknown;
    r.reportedMissing += t.reported.reportedMissing;
  }
  const room = Math.max(0, s.maxSamples - m.samples.length);
  for (const sample of t.samples.slice(0, room)) m.samples.push(sample);
  m.omitted += t.omitted + Math.max(0, t.samples.length - room);
}

function addCounts(
  into: Map<string, number>,
  counts: readonly [string, number][],
): void {
  for (const [k, n] of counts) into.set(k, (into.get(k) ?? 0) + n);
}
