/**
 * The state of one validation run (runtime/delivery.ts), in one typed object that the stages of
 * the pipeline pass along: what the read stage found per file (`files`, `refSets`, `totals`), the
 * per-rule and per-IKB counts the validate stage adds to (`tallies`, `inputCounts`,
 * `categoryCounts`, …), and what the report stage reads back. Each field says which stage fills
 * it. No stage keeps state of its own between calls.
 *
 * @module
 */
import type {
  CompiledRuleset,
  EntityMeta,
  Finding,
  RuleTrace,
  Severity,
} from "../compiler/contract.js";
import type { KeyedRow } from "./assemble.js";
import type { CellNormalizer } from "./dialect.js";
import type { GroeipadNorm } from "./groeipad.js";
import type { InputHash } from "./input-hash.js";
import type { HashSet53 } from "./key-set.js";
import type { WholeFileCheck } from "./whole-file.js";
import { FileTotals } from "./file-totals.js";
import { ownText } from "./own-text.js";
import type { PreviousDelivery } from "./previous-delivery.js";
import type { LoadedRuleset } from "./load-compiled.js";
import { personalFields } from "./mask.js";
import { Aggregates } from "./aggregates.js";
import { dateToDays } from "./calendar-date.js";
import { rrdToDays } from "./errors.js";
import type { QuarterlyFigures } from "./quarterly.js";
import type { ReportedCounts } from "./unknown-values.js";
import type {
  DeliveryProblem,
  FileReport,
  PreviousProvenance,
  Sample,
} from "./report-types.js";

// where the rest of the runtime has always found it
export { dateToDays };

/** Progress of a long run: `scan` and `sort` count bytes, `validate` counts rows. */
export interface Progress {
  phase: "scan" | "sort" | "validate";
  file: string;
  done: number;
  total: number;
  rows: number;
}

/**
 * Tell `onProgress` that `phase` of `file` is over, with the rows it counted: the reports along
 * the way come every so many rows or bytes, so the last of them falls short of the end.
 */
export function progressDone(
  s: DeliveryRun,
  phase: Progress["phase"],
  file: string,
  total: number,
  rows: number,
): void {
  s.opts.onProgress?.({ phase, file, done: total, total, rows });
}

/** How a delivery is validated: the RRD, what the report shows, and the limits of the reader. */
export interface DeliveryOptions {
  /** Reporting reference date, YYYY-MM-DD. */
  rrd: string;
  /** Show BSN, names and dates of birth in samples (default: masked). */
  showPersonalData?: boolean;
  /** Samples per rule (default 1,000, as the GLO report). */
  maxSamples?: number;
  /** Put a timestamp in the report (omitted by default so reports are byte-identical). */
  generatedAt?: string;
  /** Folder for temporary sort runs (default: the OS temp folder). */
  tempDir?: string;
  /** Characters held in memory per sort run (default 64 M). */
  sortBudget?: number;
  /** Longest accepted field, in characters (default 10,000: csv-reader.ts LIMITS). */
  maxFieldLength?: number;
  /** Most fields in a record (default 10,000). */
  maxFields?: number;
  /** Most characters of field text in a record, or of an NDJSON line (default 1,000,000). */
  maxRecordLength?: number;
  /**
   * Called as the run goes on (bytes scanned and sorted, rows validated), e.g. for a progress bar.
   * An exception it throws fails the run with that error (it is not called again).
   */
  onProgress?: (p: Progress) => void;
  generatorVersion?: string;
  /** How the RRD was given, for the report's provenance (default `option`: this option). */
  rrdChosenBy?: "--rrd" | "option" | "valid-from";
  /**
   * Validate only the files of these entities (default: all): the others are not expected, so
   * none is reported missing. Rules that look at other entities of the IKB see none of their
   * records. For one entity read from a stream (`regel validate -`).
   */
  entities?: readonly string[];
  /**
   * The bank's quarterly figures (runtime/quarterly.ts `readQuarterly`), compared with the
   * aggregates as the ruleset's `reconcile` declares: report.json `plausibility.reconciliation`.
   */
  quarterly?: QuarterlyFigures;
  /**
   * The folder of the bank's previous delivery (T−1), for the rules that read `previous`
   * (runtime/previous-delivery.ts); without it those rules are not evaluated.
   */
  previous?: string;
  /**
   * Worker threads for the validate pass (default 1: this thread only; `regel validate`'s
   * default is `"auto"`). `"auto"`: the machine's parallelism (fewer under a container's CPU
   * quota: runtime/cpu-quota.ts), at most 16 and one per 512 MiB
   * of the memory the process may use, and 1 for a delivery too small to gain from workers
   * (runtime/stage-partition.ts `autoThreads`). Deliveries the parallel pass does not cover
   * (runtime/stage-partition.ts `parallelPlan`) are validated in this thread whatever the
   * number. The report does not depend on it.
   */
  threads?: number | "auto";
  /**
   * Called once, before the IKBs are validated, with the number of threads that validate them
   * and, when one thread does, why (one asked for, a delivery the parallel pass does not cover);
   * or, when the system refused worker threads, why fewer validate than asked (the text starts
   * "worker threads could not be started"; the report is the same).
   */
  onThreads?: (threads: number, why: string | undefined) => void;
  /**
   * With `threads`, the smallest file whose scan is split over the worker threads by byte range
   * (default 2 MiB, runtime/stage-partition.ts `SCAN_SPLIT_BYTES`); for tests of small files.
   */
  scanSplitBytes?: number;
  /**
   * With `threads`, the fewest key hashes in all whose sorts are dealt out to the worker threads
   * (default 1 M, runtime/seal-key-sets.ts `SEAL_SPLIT_HASHES`), and the fewest pair hashes of a
   * joined check whose seal is split with a worker (default 256 k, runtime/stage-whole-file.ts
   * `SPLIT_SEAL_HASHES`); for tests of small deliveries.
   */
  sealSplitHashes?: number;
  /**
   * With `threads`, the smallest piece of an IKB file not in IKB key order that one thread sorts
   * (default 16 MiB, runtime/parallel-sort.ts `SORT_PIECE_BYTES`); for tests of small files.
   */
  sortPieceBytes?: number;
  /**
   * The rows one IKB may have in all its files (default 1,000,000, runtime/assemble.ts
   * `MAX_IKB_ROWS`): every row of an IKB is in memory while it is checked, so a delivery with a
   * larger one (one IKB key written for all its rows) stops with an error instead of running out
   * of memory. Rows without a usable IKB key are not counted (each is checked on its own).
   */
  maxIkbRows?: number;
}

export interface FileState {
  entity: EntityMeta;
  /** Blocking errors per code. */
  blocking: Map<string, number>;
  /** `ndjson` when the delivery holds `<stem>.ndjson` / `<stem>.jsonl` instead of the CSV file. */
  format: "csv" | "ndjson";
  file: string;
  path: string;
  report: FileReport;
  bytes: number;
  width: number;
  /** index[i]: header position of the i-th field (-1: missing). */
  index: number[];
  ikbCol: number;
  keyCols: number[];
  unique?: {
    code: string;
    severity: Severity;
    hashes: HashSet53;
    candidates?: Set<number>;
    seen: Map<string, number>;
  };
  refs: {
    code: string;
    severity: Severity;
    field: string;
    col: number;
    /** The referenced field, `E.f`, and its entity and field apart. */
    target: string;
    targetEntity: string;
    targetField: string;
    /** The target's key set when the target file was read to the end (set before validating). */
    against?: HashSet53;
  }[];
  /** The sorted runs of a file not in IKB key order (the group stage), all of them. */
  runs?: string[];
  /**
   * The same runs by range of IKB keys, when the group stage sorted the file over the threads:
   * `runs[k]` holds the rows whose key is in [cuts[k − 1], cuts[k]) (no bound at the ends), the
   * ranges the validate pass splits the delivery into (runtime/stage-partition.ts).
   */
  rangeRuns?: RangeRuns;
  /**
   * Where reading may resume in a file sorted by IKB key (the scan's resume points, every
   * 32 KiB to 4 MiB): the byte offset of a record's start, its line, the IKB key of the
   * last good row before it (null: none) and the number of good rows before it. Absent when none
   * was recorded.
   */
  resume?: ResumeEntry[];
  /**
   * Record boundaries of the file at the same steps, whether or not it is in IKB key order (the
   * byte offset of a record's start, its line, and the IKB key of the last good row before it):
   * where the group stage cuts a file that is not into pieces to sort in parallel
   * (runtime/parallel-sort.ts), and a sample of its keys by bytes, for the ranges of IKB keys.
   * Absent when none was recorded.
   */
  cuts?: CutPoint[];
  /** The whole-file checks of the file (runtime/whole-file.ts). */
  wholeFile: WholeFileCheck[];
  roleByField: number;
  /**
   * The compiled module's decoder and fused check of the entity (undefined: it has none), taken
   * once per file: the validate pass calls them for every row.
   */
  decode: CompiledRuleset["decoders"][string] | undefined;
  check: CompiledRuleset["checks"][string] | undefined;
  /** Line 1 was found not to be a header (`input.no-header`): it is counted as a rejected row. */
  firstLineIsData?: boolean;
  /** Rewrites dates and decimals written in the file's dialect to canonical text (runtime/dialect.ts). */
  normalize?: CellNormalizer;
  /**
   * A file of record types (`record "C"`): the codes of every entity that reads the file, and
   * whether this state owns the rows no entity takes and the reader's problems (the first entity
   * of the file), so that every row is accounted for exactly once.
   */
  recordTypes?: { codes: ReadonlySet<string>; owner: boolean };
  /** sha256 of the file, fed by the scan's reads (provenance). */
  hash: InputHash;
  sha256?: string | null;
}

/** A record boundary of a file ({@link FileState.cuts}). */
export interface CutPoint {
  offset: number;
  line: number;
  lastKey: string | null;
}

/** Where the scan last marked record boundaries of a file ({@link markBoundary}). */
export interface BoundaryMarks {
  /** The offset of the last cut recorded (0: none). */
  lastCut: number;
  /** The offset of the last resume point recorded (0: none). */
  lastResume: number;
  /** Bytes between two cuts, and between two resume points. */
  step: number;
}

/**
 * At the record boundary `at` of `f`, reached by the scan: a cut ({@link FileState.cuts}) when
 * `marks.step` bytes have passed since the last one, and while the file is in IKB key order
 * (`sorted`) a resume point ({@link FileState.resume}) likewise. Called by the scan in this thread
 * (stage-read.ts) and where the parallel scan's ranges are joined (parallel-scan.ts), so that
 * both record the same points.
 */
export function markBoundary(
  f: FileState,
  marks: BoundaryMarks,
  at: ResumeEntry,
  sorted: boolean,
): void {
  const cut = at.offset - marks.lastCut >= marks.step;
  const resume = sorted && at.offset - marks.lastResume >= marks.step;
  if (!cut && !resume) return;
  // kept to the end of the run: the key as a string of its own, not a view of its piece
  const lastKey = at.lastKey === null ? null : ownText(at.lastKey);
  if (cut) {
    marks.lastCut = at.offset;
    (f.cuts ??= []).push({ offset: at.offset, line: at.line, lastKey });
  }
  if (resume) {
    marks.lastResume = at.offset;
    (f.resume ??= []).push({ ...at, lastKey });
  }
}

/** A file's runs by range of IKB keys ({@link FileState.rangeRuns}). */
export interface RangeRuns {
  /** The ranges' lower bounds but the first's, ascending; the same array for every file. */
  cuts: readonly string[];
  runs: string[][];
}

/** A place where a read of a sorted file may start (see {@link FileState.resume}). */
export interface ResumeEntry {
  offset: number;
  line: number;
  lastKey: string | null;
  /**
   * The good rows of the file before this point (the rows the scan passed, as `goodRows` gives
   * them): the place of the next row in the whole-file checks' per-row bits.
   */
  row: number;
}

export interface RuleTally {
  severity: Severity;
  count: number;
  records: number;
  samples: Sample[];
  omitted: number;
  firstFile: string | null;
  firstLine: number | null;
  /** Findings reported as unknown / missing (fields with `unknown` texts): runtime/unknown-values.ts. */
  reported?: ReportedCounts;
  /** Findings on records of the previous delivery (`for previous E`): its percentage is of T−1's records. */
  ofPrevious?: true;
}

/** Whether a file is in the delivery (read, or stopped while reading). */
export function delivered(f: FileState): boolean {
  return f.report.readStatus !== "missing" && f.report.readStatus !== "absent";
}

/** The column of an entity's field in its file (after the header is bound), −1 when it has none. */
export function columnOf(f: FileState, field: string): number {
  return f.index[f.entity.fields.findIndex((fd) => fd.name === field)] ?? -1;
}

/** The count of one input problem code, with its first file and line. */
export interface InputCount {
  severity: Severity;
  count: number;
  file: string | null;
  line: number | null;
}

/** One validation run: the inputs, and what each stage adds for the next. */
export interface DeliveryRun {
  /** The delivery folder. */
  readonly folder: string;
  readonly loaded: LoadedRuleset;
  /** The caller's options, with `onProgress` guarded ({@link guardProgress}). */
  readonly opts: DeliveryOptions;
  /**
   * The first exception of the caller's `onProgress`: the run fails with it (runtime/delivery.ts
   * throws it after each stage), whatever a stage made of it on the way.
   */
  readonly callerFailure: { error?: unknown };
  /** The groeipad norm in force on the RRD, from the compiled groeipad ruleset. */
  readonly groeipad: GroeipadNorm | undefined;
  /** Whether a compiled ruleset beside this one declares a groeipad norm (any period). */
  readonly groeipadDeclared: boolean;
  readonly rs: CompiledRuleset;
  readonly trace: Map<string, RuleTrace>;
  readonly personal: Map<string, Set<string>>;
  readonly maxSamples: number;
  readonly rrdDays: number;

  // ---- read stage (runtime/stage-read.ts) ----
  /** The entries of the delivery folder, sorted. */
  entries: string[];
  /** One state per entity with a file, in the ruleset's order. */
  readonly files: FileState[];
  /** Key sets of the referenced fields (`E.f`), filled while their entity's file is scanned. */
  readonly refSets: Map<string, HashSet53>;
  /**
   * Whether the key sets (`refSets`, the unique keys) hold the keys themselves: a small delivery
   * read in one thread (runtime/key-set.ts, `HashSet53`).
   */
  exactKeySets: boolean;
  /** The file totals (runtime/file-totals.ts), counted in the scan pass. */
  readonly totals: FileTotals;
  /** Rows that passed the scan: the total of the validate stage's progress. */
  rowsTotal: number;
  /** The previous delivery (T−1), when given (runtime/previous-delivery.ts). */
  previous: PreviousDelivery | undefined;
  /**
   * The size and modification time of each delivered file (by path) when the folder was listed:
   * a file that changes during the run fails it (runtime/stage-read.ts `checkUnchanged`).
   */
  readonly listed: Map<string, { size: number; modifiedMs: number }>;
  /**
   * The most threads the run has, once the system refused a worker thread (a container's limit
   * on processes or threads; runtime/worker-pool.ts `runPool`): the workers that started and this
   * thread, and why. Undefined: the threads asked for.
   */
  threadsLimit: { threads: number; why: string } | undefined;

  // ---- validate stage (runtime/stage-validate.ts) ----
  /** Ref targets (`E.f`) whose file was read to the end. */
  readonly completeTargets: Set<string>;
  rowsDone: number;
  /** Per-IKB scratch lists, reused so that a row costs no wrapper object. */
  readonly itemFile: FileState[];
  readonly itemRow: KeyedRow[];
  readonly itemRecord: unknown[];
  readonly itemOut: Finding[][];
  /** The cells as delivered, of rows whose cells the file's dialect rewrote. */
  readonly itemDelivered: string[][];

  // ---- tally stage (runtime/stage-tally.ts), added to by every stage ----
  readonly tallies: Map<string, RuleTally>;
  readonly inputCounts: Map<string, InputCount>;
  /** Problems of the delivery as a whole (not of one file). */
  readonly deliveryProblems: DeliveryProblem[];
  readonly categoryCounts: Map<string, number>;
  readonly payoutCounts: Map<string, number>;
  ikbCount: number;
  ikbMeeting: number;
  /** Rows of IKB files without an IKB key: each counts as an IKB that does not meet the controls. */
  ungroupedRows: number;
  /** The declared aggregates (runtime/aggregates.ts), added up per IKB. */
  readonly aggregates: Aggregates;

  // ---- report stage (runtime/stage-report.ts) ----
  /** The previous delivery's files with their hashes, for the provenance. */
  previousInputs: PreviousProvenance | undefined;
}

/**
 * The caller's `onProgress`, guarded: its first exception is kept in `failure` and thrown on, and
 * the callback is not called again. A stage that reports a read error as the file's rethrows it
 * (runtime/stage-read.ts), and the run fails with it: a bug in a progress bar is the caller's,
 * never a problem of the delivery, and never changes the verdict.
 */
function guardProgress(
  onProgress: DeliveryOptions["onProgress"],
  failure: { error?: unknown },
): DeliveryOptions["onProgress"] {
  if (onProgress === undefined) return undefined;
  return (p) => {
    if ("error" in failure) throw failure.error;
    try {
      onProgress(p);
    } catch (e) {
      failure.error = e;
      throw e;
    }
  };
}

/**
 * Report progress from an event handler (a worker's message): a throwing `onProgress` is not thrown
 * out of the event, where nothing would catch it; {@link guardProgress} has kept its error and the
 * run fails with it ({@link throwCallerFailure}).
 */
export function reportFromEvent<T>(
  report: ((value: T) => void) | undefined,
  value: T,
): void {
  try {
    report?.(value);
  } catch {
    // kept by the run
  }
}

/** The caller's `onProgress` failed: throw its error (the run stops with it). */
export function throwCallerFailure(s: DeliveryRun): void {
  if ("error" in s.callerFailure) throw s.callerFailure.error;
}

/** A new run, before any stage. @throws InvalidRrdError on an RRD that is not YYYY-MM-DD. */
export function createRun(
  folder: string,
  loaded: LoadedRuleset,
  opts: DeliveryOptions,
  groeipad: GroeipadNorm | undefined,
  groeipadDeclared: boolean,
): DeliveryRun {
  const rs = loaded.module;
  const totals = new FileTotals(rs.fileRules, rs.fileTotals, rs.entities);
  const trace = new Map(loaded.trace.map((t) => [t.code, t]));
  const aggregates = new Aggregates(rs.aggregates);
  const personal = personalFields(rs.entities);
  const rrdDays = rrdToDays(opts.rrd);
  totals.rrd = rrdDays;
  const callerFailure: { error?: unknown } = {};
  return {
    folder,
    loaded,
    opts: {
      ...opts,
      onProgress: guardProgress(opts.onProgress, callerFailure),
    },
    callerFailure,
    groeipad,
    groeipadDeclared,
    rs,
    trace,
    personal,
    maxSamples: opts.maxSamples ?? 1000,
    rrdDays,
    entries: [],
    files: [],
    refSets: new Map(),
    exactKeySets: false,
    totals,
    rowsTotal: 0,
    previous: undefined,
    listed: new Map(),
    threadsLimit: undefined,
    completeTargets: new Set(),
    rowsDone: 0,
    itemFile: [],
    itemRow: [],
    itemRecord: [],
    itemOut: [],
    itemDelivered: [],
    tallies: new Map(),
    inputCounts: new Map(),
    deliveryProblems: [],
    categoryCounts: new Map(),
    payoutCounts: new Map(),
    ikbCount: 0,
    ikbMeeting: 0,
    ungroupedRows: 0,
    aggregates,
    previousInputs: undefined,
  };
}
