/**
 * The run of a worker thread of the parallel passes (runtime/scan-worker.ts,
 * runtime/validate-worker.ts, runtime/whole-file-worker.ts): what the main thread hands every
 * worker of its run ({@link workerRunData}: the compiled ruleset's folder and sha256, the delivery
 * folder, the options that change a result), the worker's own run rebuilt from it
 * ({@link openWorkerRun}), and a file's state as the main thread bound it ({@link workerFileState}).
 *
 * @module
 */
import {
  createRun,
  type DeliveryOptions,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { InputHash } from "./input-hash.js";
import { loadCompiled } from "./load-compiled.js";

/** The options of the run a worker needs (plain data). */
export type WorkerOptions = Pick<
  DeliveryOptions,
  | "rrd"
  | "showPersonalData"
  | "maxSamples"
  | "maxFieldLength"
  | "maxFields"
  | "maxRecordLength"
>;

/** What every worker of a run is started with, besides its job. */
export interface WorkerRunData {
  compiledDir: string;
  /** sha256 of validators.js as the main thread loaded it: the worker must run the same code. */
  compiledSha256: string;
  folder: string;
  opts: WorkerOptions;
}

/** The run `s` as a worker needs it (main thread). */
export function workerRunData(s: DeliveryRun): WorkerRunData {
  return {
    compiledDir: s.loaded.dir,
    compiledSha256: s.loaded.compiledSha256!,
    folder: s.folder,
    opts: {
      rrd: s.opts.rrd,
      showPersonalData: s.opts.showPersonalData,
      maxSamples: s.opts.maxSamples,
      maxFieldLength: s.opts.maxFieldLength,
      maxFields: s.opts.maxFields,
      maxRecordLength: s.opts.maxRecordLength,
    },
  };
}

/**
 * The worker's own run: the compiled ruleset loaded from the same folder (refused when it is not
 * the code the main thread loaded), with `more` options of the worker's (progress).
 */
export async function openWorkerRun(
  d: WorkerRunData,
  more: Partial<DeliveryOptions> = {},
): Promise<DeliveryRun> {
  const loaded = await loadCompiled(d.compiledDir);
  if (loaded.compiledSha256 !== d.compiledSha256)
    throw new Error(
      `${d.compiledDir}/validators.js changed while the delivery was validated`,
    );
  return createRun(d.folder, loaded, { ...d.opts, ...more }, undefined, false);
}

/** What a worker thread is told of a file of the delivery (plain data from the main thread). */
export interface WorkerFileBase {
  entity: string;
  file: string;
  path: string;
  width: number;
  index: number[];
  ikbCol: number;
}

/**
 * A file's state in a worker thread (runtime/validate-worker.ts, runtime/whole-file-worker.ts):
 * the columns as the main thread bound them, a fresh report (the worker's counts are merged into
 * the main thread's) and no checks; the worker adds those its job has.
 */
export function workerFileState(
  s: DeliveryRun,
  d: WorkerFileBase,
  bytes = 0,
): FileState {
  const entity = s.rs.entities.find((e) => e.name === d.entity);
  if (entity === undefined)
    throw new Error(`the compiled ruleset has no entity ${d.entity}`);
  return {
    entity,
    blocking: new Map(),
    format: "csv",
    file: d.file,
    path: d.path,
    report: {
      entity: d.entity,
      file: d.file,
      readStatus: "read",
      status: "accepted",
      sortedByIkbKey: true,
      rowsRead: 0,
      rowsValidated: 0,
      rowsRejected: 0,
      blockingErrors: 0,
      blockingByCode: [],
      problems: [],
      problemsOmitted: 0,
    },
    bytes,
    width: d.width,
    index: d.index,
    ikbCol: d.ikbCol,
    keyCols: [],
    refs: [],
    wholeFile: [],
    roleByField: -1,
    hash: new InputHash(),
  };
}
