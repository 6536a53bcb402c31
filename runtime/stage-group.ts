/**
 * Stage 2 of the pipeline (runtime/delivery.ts), **group**: the IKB files that the read stage
 * found not sorted by IKB key are sorted externally into temporary runs (runtime/assemble.ts),
 * so that {@link rowsByIkbKey} gives every IKB file's good rows in IKB key order: from its runs,
 * merged, or read again. The validate stage merges these streams by IKB key (`groupByKey`) and
 * holds one IKB at a time. Fills `runs` of the {@link FileState}s.
 *
 * @module
 */
import {
  mergeRuns,
  RunWriter,
  type KeyedRow,
  type TempSpace,
} from "./assemble.js";
import {
  progressDone,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { runThreads } from "./stage-partition.js";
import { goodRows, goodRunEntries } from "./stage-read.js";

/** The group stage: sort each readable IKB file that is not in IKB key order. */
export async function groupStage(
  s: DeliveryRun,
  temp: TempSpace,
): Promise<void> {
  const unsorted = s.files.filter(
    (f) =>
      f.report.readStatus === "read" &&
      f.ikbCol >= 0 &&
      f.report.sortedByIkbKey === false,
  );
  if (unsorted.length === 0) return;
  // the module of the threads only for a run that uses them (a chunk of its own in the command)
  if (
    runThreads(
      s,
      unsorted.reduce((n, f) => n + f.bytes, 0),
    ) > 1 &&
    (await (
      await import("./parallel-sort.js")
    ).sortInParallel(s, unsorted, temp))
  )
    return;
  for (const f of unsorted) await sortFile(s, f, temp);
}

/** The good rows of an IKB file in IKB key order: its sorted runs merged, or the file itself. */
export function rowsByIkbKey(
  s: DeliveryRun,
  f: FileState,
): AsyncGenerator<KeyedRow[]> {
  if (f.rangeRuns !== undefined) return byRange(f.rangeRuns.runs);
  return f.runs ? mergeRuns(f.runs) : goodRows(s, f);
}

/** The runs of each range merged, range after range: the ranges are in key order. */
async function* byRange(runs: readonly string[][]): AsyncGenerator<KeyedRow[]> {
  for (const range of runs) yield* mergeRuns(range);
}

async function sortFile(
  s: DeliveryRun,
  f: FileState,
  temp: TempSpace,
): Promise<void> {
  const w = new RunWriter(temp, f.entity.name, s.opts.sortBudget);
  let n = 0;
  const total = f.report.rowsRead;
  for await (const batch of goodRunEntries(s, f))
    for (const entry of batch) {
      if (w.addEntry(entry)) await w.flush();
      if (s.opts.onProgress && (++n & 0xffff) === 0)
        s.opts.onProgress({
          phase: "sort",
          file: f.file,
          done: n,
          total,
          rows: n,
        });
    }
  await w.finish();
  f.runs = w.runs;
  progressDone(s, "sort", f.file, total, n);
}
