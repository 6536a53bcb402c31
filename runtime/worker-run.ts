/**
 * The run of a job of the parallel passes on a worker thread (runtime/scan-worker.ts,
 * runtime/validate-worker.ts, runtime/whole-file-worker.ts, on the run's pool:
 * runtime/worker-pool.ts): what the main thread hands every worker of its run
 * ({@link workerRunData}: the compiled ruleset's folder and sha256, the delivery folder, the
 * options that change a result), the job's own run rebuilt from it ({@link openWorkerRun}, the
 * ruleset loaded once per thread), and a file's state as the main thread bound it
 * ({@link workerFileState}).
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
import { loadCompiled, type LoadedRuleset } from "./load-compiled.js";

/** The options of the run a worker needs (plain data). */
export type WorkerOptions = Pick<
  DeliveryOptions,
  | "rrd"
  | "showPersonalData"
  | "maxSamples"
  | "maxFieldLength"
  | "maxFields"
  | "maxRecordLength"
  | "maxIkbRows"
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
      maxIkbRows: s.opts.maxIkbRows,
    },
  };
}

/** The compiled ruleset this thread loaded for its jobs (a pool worker runs many). */
let loading:
  { dir: string; sha256: string; loaded: Promise<LoadedRuleset> } | undefined;

/**
 * The compiled ruleset from the folder the main thread loaded it from, refused when it is not the
 * code the main thread loaded; loaded once per thread (the jobs of a pool worker share it, and
 * with it their warm code).
 */
export function loadWorkerRuleset(d: WorkerRunData): Promise<LoadedRuleset> {
  if (
    loading === undefined ||
    loading.dir !== d.compiledDir ||
    loading.sha256 !== d.compiledSha256
  ) {
    const loaded = loadCompiled(d.compiledDir).then((l) => {
      if (l.compiledSha256 !== d.compiledSha256)
        throw new Error(
          `${d.compiledDir}/validators.js changed while the delivery was validated`,
        );
      return l;
    });
    loading = { dir: d.compiledDir, sha256: d.compiledSha256, loaded };
  }
  return loading.loaded;
}

/**
 * The worker's own run: the compiled ruleset loaded from the same folder
 * ({@link loadWorkerRuleset}; `loaded`: the main thread's, for a job it runs itself), with `more`
 * options of the worker's (progress).
 */
export async function openWorkerRun(
  d: WorkerRunData,
  more: Partial<DeliveryOptions> = {},
  loaded?: LoadedRuleset,
): Promise<DeliveryRun> {
  return createRun(
    d.folder,
    loaded ?? (await loadWorkerRuleset(d)),
    { ...d.opts, ...more },
    undefined,
    false,
  );
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

/** What a worker is told of the file `f` ({@link WorkerFileBase}): its columns as bound here. */
export function workerFile(f: FileState): WorkerFileBase {
  return {
    entity: f.entity.name,
    file: f.file,
    path: f.path,
    width: f.width,
    index: f.index,
    ikbCol: f.ikbCol,
  };
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
    decode: s.rs.decoders[entity.name],
    check: s.rs.checks[entity.name],
    hash: new InputHash(),
  };
}
