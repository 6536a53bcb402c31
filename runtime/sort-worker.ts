/**
 * The group stage's job on a worker of the run's pool (runtime/worker-pool.ts; the entry is
 * runtime/pool-worker.ts), sent by runtime/parallel-sort.ts: the good rows of one piece of an IKB
 * file that is not in IKB key order — the bytes between two of the scan's cuts — sorted
 * into runs in the run's sort folder ({@link sortWork}). The rows are those the main thread's
 * sort reads (stage-read.ts `goodRunEntries`): the file is plain CSV, read from a record
 * boundary. The main thread sorts pieces too, with the same code.
 *
 * Messages to the main thread: `progress` (rows sorted), `done` (the runs by range of keys, in no
 * order within a range that matters: a merge orders rows by key, then line).
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import { reduceRuns, RunFolder, RunWriter } from "./assemble.js";
import { readCsvFileBatches } from "./csv-reader.js";
import type { StartPoint } from "./stage-partition.js";
import { recordsProjection, runEntries } from "./stage-read.js";
import { loadWorkerRuleset, type WorkerRunData } from "./worker-run.js";

/** The kind of a sort job on a worker of the pool. */
export const SORT_JOB_KIND = "regel-sort-piece";

/** One piece of a file to sort: the bytes [start, end) (null: the file's start, its end). */
export interface SortJob extends WorkerRunData {
  path: string;
  width: number;
  ikbCol: number;
  start: StartPoint;
  end: number | null;
  /** The run's sort folder, and the name its runs start with (no other piece's). */
  dir: string;
  prefix: string;
  /** Characters of run records held before a run is written. */
  budget: number;
  /** The keys that split the runs by range (runtime/stage-partition.ts `sampledCutKeys`). */
  cuts: string[];
}

/** A sort job's message to the main thread. */
export type SortMessage =
  { type: "progress"; rows: number } | { type: "done"; runs: string[][] };

/** Rows between two progress messages. */
const PROGRESS_ROWS = 1 << 16;

/**
 * Sort the job's piece into runs and send their paths; `local`: the main thread runs it, with the
 * ruleset it loaded (a worker waits for its own, and fails when it is not the main thread's).
 */
export async function sortWork(
  port: MessagePort,
  job: SortJob,
  local = false,
): Promise<void> {
  if (!local) await loadWorkerRuleset(job);
  const w = new RunWriter(
    new RunFolder(job.dir),
    job.prefix,
    job.budget,
    job.cuts,
  );
  const batches = readCsvFileBatches(job.path, {
    maxFieldLength: job.opts.maxFieldLength,
    maxFields: job.opts.maxFields,
    maxRecordLength: job.opts.maxRecordLength,
    start: job.start ?? undefined,
    end: job.end ?? undefined,
    projection: recordsProjection(job),
  });
  let rows = 0;
  // from a resume point the first record is data; from the file's start it is the header
  for await (const batch of runEntries(batches, job, job.start !== null))
    for (const entry of batch) {
      if (w.addEntry(entry)) await w.flush();
      if ((++rows & (PROGRESS_ROWS - 1)) === 0)
        port.postMessage({ type: "progress", rows } satisfies SortMessage);
    }
  await w.finish();
  port.postMessage({ type: "done", runs: w.byRange } satisfies SortMessage);
}

/** The kind of a job that merges one range's runs of a file until few enough are left. */
export const REDUCE_JOB_KIND = "regel-sort-reduce";

/** The runs of one file's range to merge (`reduceRuns`), in the run's sort folder. */
export interface ReduceJob {
  dir: string;
  /** The name the merged runs start with (no other writer's). */
  prefix: string;
  runs: string[];
}

/** A reduce job's message to the main thread: the range's runs left. */
export type ReduceMessage = { type: "done"; runs: string[] };

/**
 * Merge the job's runs until at most `MERGE_FAN_IN` are left (runtime/assemble.ts `reduceRuns`)
 * and send the runs left. Rows are merged by key, then line: no ruleset is needed.
 */
export async function reduceWork(
  port: MessagePort,
  job: ReduceJob,
): Promise<void> {
  const runs = await reduceRuns(new RunFolder(job.dir), job.prefix, job.runs);
  port.postMessage({ type: "done", runs } satisfies ReduceMessage);
}
