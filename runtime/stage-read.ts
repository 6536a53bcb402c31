/**
 * Stage 1 of the pipeline (runtime/delivery.ts), **read**: list the delivery folder, bind each
 * entity to its file (CSV or NDJSON; missing, absent or not a regular file), read T−1 when given,
 * and scan every file once: header and row-structure problems, whether it is sorted by IKB key,
 * compact hash sets for the unique-key and references checks, the whole-file checks' first pass
 * and the file totals. Then the checks of the delivery as a whole (any records at all, file
 * totals) and each file's sha256. Fills `files`, `entries`, `refSets`, `totals`, `rowsTotal` and
 * `previous` of the {@link DeliveryRun}; {@link goodRows} reads a file's good rows again for the
 * later stages.
 *
 * @module
 */
import { existsSync, lstatSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { FileRule, Severity } from "../compiler/contract.js";
import type { KeyedRow, RunEntry, TempSpace } from "./assemble.js";
import { plainRunRecord, runRecord } from "./run-format.js";
import {
  readCsvFileBatches,
  type CsvEvent,
  type CsvProjection,
} from "./csv-reader.js";
import {
  cellNormalizer,
  dialectReaderOptions,
  unknownRecordTypeMessage,
} from "./dialect.js";
import { readNdjsonFileBatches } from "./ndjson-reader.js";
import { InputHash } from "./input-hash.js";
import { HashSet53 } from "./key-set.js";
import { WholeFileCheck } from "./whole-file.js";
import type { FileReport } from "./report-types.js";
import {
  columnOf,
  delivered,
  markBoundary,
  progressDone,
  throwCallerFailure,
  type BoundaryMarks,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { deliveryProblem, problem } from "./stage-tally.js";
import type { ScanPool, ScanRunner } from "./parallel-scan.js";
import { poolWorkerScript } from "./worker-start.js";
import { runThreads, SCAN_SPLIT_BYTES } from "./stage-partition.js";
import { ReadReplay, REPLAY_BYTES } from "./read-replay.js";
import { deliveryFilePath } from "./delivery-file.js";
import { repeatedHeaderMessage, repeatsHeader } from "./ikb-key.js";

/**
 * The reads of the files of small deliveries kept for the later passes of their run
 * (runtime/read-replay.ts), by file.
 */
export const readReplay = new ReadReplay<FileState>();

/**
 * The read stage: T−1 first (when given), then the delivery's files, the checks of the delivery
 * as a whole, and the hashes of the files read.
 */
export async function readStage(
  s: DeliveryRun,
  temp: TempSpace,
  runner?: ScanRunner,
): Promise<void> {
  // T−1 is read and sorted first, while nothing of the delivery is held yet: its sort budget
  // and the delivery's key sets are never in memory together (bench/results.md, "The
  // previous delivery"); until the validate pass it waits in run files
  // loaded only by a run given T−1 (a chunk of its own in the bundled command)
  if (s.opts.previous !== undefined)
    s.previous = await (
      await import("./previous-delivery.js")
    ).PreviousDelivery.open(
      s.rs,
      s.opts.previous,
      temp,
      s.opts.sortBudget,
      s.opts.maxIkbRows,
    );
  prepareFiles(s);
  // a small delivery is tokenized once: the scan's reads are kept for the later passes
  const bytes = s.files.reduce((n, f) => n + f.bytes, 0);
  if (bytes <= REPLAY_BYTES) for (const f of s.files) readReplay.keep(f);
  // and read in one thread, its key sets hold the keys (a native look-up, no hash in JavaScript)
  if (
    bytes <= REPLAY_BYTES &&
    runner === undefined &&
    runThreads(s, bytes) === 1
  ) {
    s.exactKeySets = true;
    for (const target of s.refSets.keys())
      s.refSets.set(target, new HashSet53(true));
  }
  const workers = new ScanWorkers(s, runner);
  try {
    for (const f of s.files)
      if (f.report.readStatus === "read") await scanFile(s, f, workers);
  } finally {
    await workers.stop();
  }
  checkHasRecords(s);
  checkTotals(s);
  for (const f of s.files)
    if (delivered(f)) f.sha256 = await f.hash.digest(f.path, f.bytes);
}

/**
 * Fail the run when a delivered file changed since the folder was listed, or a file of the
 * previous delivery since it was first read (its size or its modification time): the passes each
 * read it, so they may have read different contents, and the report's sha256 would vouch for one
 * of them (a file still being written, or replaced, while it is validated).
 *
 * @throws Error naming the file, what it was and what it is
 */
export function checkUnchanged(s: DeliveryRun): void {
  const inputs = [
    ...s.files.flatMap((f) => {
      const was = s.listed.get(f.path);
      return was === undefined ? [] : [{ name: f.file, path: f.path, ...was }];
    }),
    ...(s.previous?.listed() ?? []).map((p) => ({
      ...p,
      name: `${p.file} of the previous delivery`,
    })),
  ];
  for (const input of inputs) {
    let now: { size: number; mtimeMs: number } | undefined;
    try {
      now = statSync(input.path);
    } catch {
      now = undefined;
    }
    if (now?.size === input.size && now.mtimeMs === input.modifiedMs) continue;
    const at = (ms: number) => new Date(ms).toISOString();
    throw new Error(
      `${input.name} changed during the run (${input.size} bytes, modified ${at(input.modifiedMs)}, when it was first read; ` +
        (now === undefined
          ? "now gone or unreadable"
          : `now ${now.size} bytes, modified ${at(now.mtimeMs)}`) +
        "): its passes may have read different contents, so no report is made; validate it again once it is complete",
    );
  }
}

/** Scan one file; an unreadable file is reported (a failing worker fails the run). */
async function scanFile(
  s: DeliveryRun,
  f: FileState,
  workers: ScanWorkers,
): Promise<void> {
  try {
    await scan(s, f, workers);
  } catch (e) {
    // the caller's onProgress threw: the caller's error, not the file's
    throwCallerFailure(s);
    if (workers.failed(e)) throw e;
    // an unreadable file (permissions, I/O error) stops that file, not the run
    f.report.readStatus = "stopped";
    // rows read before the error are not validated: they count as rejected
    f.report.rowsRejected = f.report.rowsRead;
    problem(s, f, {
      code: "input.unreadable",
      severity: "blocking",
      file: f.file,
      message: `file ${f.file} cannot be read: ${(e as Error).message}`,
    });
  }
}

/**
 * The scan's worker threads (runtime/parallel-scan.ts), started when the first file that they
 * scan is reached: with `threads` above one, for the delivery's plain UTF-8 CSV files of one
 * entity of at least {@link SCAN_SPLIT_BYTES} bytes.
 */
class ScanWorkers {
  /** The scan's threads, loaded when a file is first split (a chunk of its own in the bundled command). */
  private threadsModule: typeof import("./parallel-scan.js") | undefined;
  private pool: ScanPool | undefined;
  /** The workers to start (below 2: none; 1 once none could be started). */
  private threads: number;
  /** The smallest file that is split. */
  readonly minBytes: number;

  /** @param runner scans the ranges instead of worker threads (tests) */
  constructor(
    private readonly s: DeliveryRun,
    private readonly runner?: ScanRunner,
  ) {
    const bytes = s.files.reduce((n, f) => n + f.bytes, 0);
    this.threads =
      runner?.size ??
      (s.loaded.compiledSha256 === undefined || poolWorkerScript() === undefined
        ? 1
        : runThreads(s, bytes));
    this.minBytes = s.opts.scanSplitBytes ?? SCAN_SPLIT_BYTES;
  }

  /** Whether the rest of `f` from `offset` is scanned in ranges. */
  splits(f: FileState, offset: number): boolean {
    return this.threads > 1 && f.bytes - offset >= this.minBytes;
  }

  /**
   * Start the threads before a file is split: when the system refuses every worker, the files
   * are scanned in this thread (the run's `threadsLimit` says why).
   */
  async start(): Promise<void> {
    if ((await this.get()).size < 2) this.threads = 1;
  }

  /** The module of the scan's threads (runtime/parallel-scan.ts). */
  async module(): Promise<typeof import("./parallel-scan.js")> {
    return (this.threadsModule ??= await import("./parallel-scan.js"));
  }

  async get(): Promise<ScanRunner> {
    if (this.runner !== undefined) return this.runner;
    const { ScanPool } = await this.module();
    return (this.pool ??= new ScanPool(
      this.s,
      poolWorkerScript()!,
      this.threads,
    ));
  }

  /** Whether `e` is a failure of the scan's threads (which fails the run). */
  failed(e: unknown): boolean {
    return (
      this.threadsModule !== undefined &&
      e instanceof this.threadsModule.ScanWorkerError
    );
  }

  async stop(): Promise<void> {
    await this.pool?.stop();
  }
}

/**
 * A delivery without a single record is not accepted as "nothing wrong": there is nothing to
 * assess (Bijlage 4 control 5.3 asks for files "gegenereerd en gevuld"). Rows that were read
 * but rejected count as records here: they are reported by themselves.
 */
function checkHasRecords(s: DeliveryRun): void {
  if (s.files.some((f) => f.report.rowsRead > 0)) return;
  const present = s.files.filter((f) => delivered(f));
  const ikb = s.rs.metadata.ikb;
  const depositorFiles = ikb
    ? s.rs.entities
        .filter((e) => ikb.depositors.includes(e.name) && e.file)
        .map((e) => e.file!)
    : [];
  const id = s.rs.metadata.id;
  const missing = s.files.length - present.length;
  const what =
    present.length === 0
      ? `none of the files of ${id} is in the delivery`
      : `${present.map((f) => f.file).join(", ")} ${present.length === 1 ? "is" : "are"} empty or header-only` +
        (missing > 0
          ? ` and the other ${missing} file${missing === 1 ? "" : "s"} of ${id} ${missing === 1 ? "is" : "are"} missing`
          : "");
  deliveryProblem(s, {
    code: "input.no-records",
    severity: "blocking",
    message:
      `the delivery holds no records: ${what}. ${id} reads its records from ${s.files.map((f) => f.entity.file).join(", ")}` +
      (depositorFiles.length
        ? `; an IKB needs at least a depositor record in ${depositorFiles.join(" or ")}`
        : ""),
  });
}

/** The file totals that do not hold, each on the file of its rule's first entity. */
function checkTotals(s: DeliveryRun): void {
  const stateOf = (entity: string) =>
    s.files.find((f) => f.entity.name === entity);
  const found = s.totals.findings((entity) => {
    const f = stateOf(entity);
    return f === undefined
      ? undefined
      : {
          file: f.file,
          read: f.report.readStatus === "read",
        };
  }, s.rrdDays);
  for (const t of found)
    problem(s, stateOf(t.entity)!, {
      code: t.rule.code,
      severity: t.rule.severity,
      file: t.file,
      ...(t.line === undefined ? {} : { line: t.line }),
      message: t.message,
    });
}

// ---- files and headers ---------------------------------------------------------------

function fileRule(s: DeliveryRun, check: FileRule["check"], entity: string) {
  return s.rs.fileRules.find(
    (r) => r.check === check && r.entities.includes(entity),
  );
}

/** `; the delivery holds "X"` when an entry differs from `file` only in case. */
function nearName(s: DeliveryRun, file: string): string {
  const near = s.entries.find(
    (n) => n !== file && looseFileName(n) === looseFileName(file),
  );
  return near === undefined
    ? ""
    : `; the delivery holds "${visibleFileName(near)}": file names must match exactly, in case, spaces and invisible characters too`;
}

/**
 * A file name as a near miss is found: without case, white space and invisible (format)
 * characters, which a name copied from a mail or a spreadsheet picks up unseen.
 */
export function looseFileName(name: string): string {
  return name
    .normalize("NFC")
    .replace(/[\s\p{Cf}]/gu, "")
    .toLowerCase();
}

/**
 * `name` with what cannot be seen written as `\u{…}`: invisible (format) characters, white space
 * other than a space, and a space at either end.
 */
export function visibleFileName(name: string): string {
  return name.replace(/[^\S ]|\p{Cf}|^ +| +$/gu, (run) =>
    [...run]
      .map((c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)
      .join(""),
  );
}

function prepareFiles(s: DeliveryRun): void {
  s.entries = deliveryFiles(s.folder);
  const ikbKey = s.rs.metadata.ikb?.key;
  // key sets of referenced fields are filled while their own entity is scanned, so create them first
  for (const entity of s.rs.entities)
    if (fileRule(s, "references", entity.name))
      for (const fd of entity.fields) {
        const target = refTarget(fd.type)?.target;
        if (target && !s.refSets.has(target))
          s.refSets.set(target, new HashSet53());
      }
  for (const entity of s.rs.entities) {
    if (!entity.file) continue;
    if (s.opts.entities && !s.opts.entities.includes(entity.name)) continue;
    const path = deliveryFilePath(s.folder, entity.file);
    const report: FileReport = {
      entity: entity.name,
      file: entity.file,
      readStatus: "read",
      status: "accepted",
      sortedByIkbKey: null,
      rowsRead: 0,
      rowsValidated: 0,
      rowsRejected: 0,
      blockingErrors: 0,
      problems: [],
      problemsOmitted: 0,
      blockingByCode: [],
    };
    // every property, the optional ones too (undefined until set), so that every file's state
    // has one shape: the hot loops that take a file's state (scan, assembly, validation) see one
    const state: FileState = {
      entity,
      blocking: new Map(),
      format: "csv",
      file: entity.file,
      path,
      report,
      bytes: 0,
      width: 0,
      index: [],
      ikbCol: -1,
      keyCols: [],
      unique: undefined,
      refs: [],
      runs: undefined,
      resume: undefined,
      wholeFile: [],
      roleByField: entity.roleBy
        ? entity.fields.findIndex((f) => f.name === entity.roleBy)
        : -1,
      decode: s.rs.decoders[entity.name],
      check: s.rs.checks[entity.name],
      firstLineIsData: undefined,
      normalize: undefined,
      recordTypes: undefined,
      hash: new InputHash(),
      sha256: undefined,
    };
    if (entity.record !== undefined) {
      const sharing = s.rs.entities.filter(
        (e) => e.file === entity.file && e.record !== undefined,
      );
      state.recordTypes = {
        codes: new Set(sharing.map((e) => e.record!)),
        owner: sharing[0] === entity,
      };
    }
    s.files.push(state);
    if (!isFile(path)) {
      const stem = entity.file.replace(/\.csv$/i, "");
      const alt = [`${stem}.ndjson`, `${stem}.jsonl`].find((n) =>
        isFile(join(s.folder, n)),
      );
      if (alt) {
        state.format = "ndjson";
        state.file = report.file = alt;
        state.path = join(s.folder, alt);
      }
    }
    if (
      !isFile(state.path) &&
      entity.optional &&
      entryKind(path) === "missing"
    ) {
      // an optional file not delivered: reported as absent, not as a problem
      report.readStatus = "absent";
      continue;
    }
    if (!isFile(state.path)) {
      report.readStatus = "missing";
      const rule = fileRule(s, "present", entity.name);
      // a folder or a FIFO under the file's name is not the file: say what it is (and never
      // open a FIFO, which would wait for a writer forever)
      const kind = entryKind(path);
      problem(s, state, {
        code: rule?.code ?? "input.missing-file",
        severity: rule?.severity ?? "signalling",
        file: entity.file,
        message:
          kind === "missing"
            ? `file ${entity.file} (${entity.name}) is not in the delivery${nearName(s, entity.file)}`
            : `${entity.file} (${entity.name}) is ${KIND_TEXT[kind]}, not a regular file: it is not read; put the CSV file itself in the delivery`,
      });
      continue;
    }
    const stat = statSync(state.path);
    state.bytes = stat.size;
    s.listed.set(state.path, { size: stat.size, modifiedMs: stat.mtimeMs });
    if (ikbKey && entity.fields.some((f) => f.name === ikbKey))
      report.sortedByIkbKey = true;
  }
}

/**
 * Validate the header; returns false when the file cannot be read further. A header cell is
 * shown in a message only when it is a column name: when no cell names a column of the entity,
 * the first line is most likely a data row (a file without a header), and its cells (names,
 * dates of birth, BSNs) are never echoed; see {@link shownColumn}.
 */
function header(s: DeliveryRun, f: FileState, cells: string[]): boolean {
  const e = f.entity;
  const columns = e.fields.map((fd) => fd.column);
  const known = new Set(columns);
  const byLoose = new Map(columns.map((c) => [loose(c), c]));
  /** The column a cell was probably meant to be: equal but for case and surrounding spaces. */
  const meant = (c: string) =>
    known.has(c) ? undefined : byLoose.get(loose(c));
  f.width = cells.length;
  if (!cells.some((c) => known.has(c) || meant(c) !== undefined)) {
    unrecognisedHeader(s, f, cells, columns);
    return false;
  }
  const duplicates = duplicateColumns(cells);
  if (duplicates !== undefined) {
    problem(s, f, {
      code: "input.duplicate-column",
      severity: "blocking",
      file: f.file,
      line: 1,
      message: duplicates,
    });
    return false;
  }
  const pos = new Map<string, number>();
  cells.forEach((c, i) => pos.has(c) || pos.set(c, i));
  f.index = e.fields.map((fd) => pos.get(fd.column) ?? -1);
  cells.forEach((c, i) => {
    if (known.has(c)) return;
    const m = meant(c);
    problem(s, f, {
      code: "input.unknown-column",
      severity: "signalling",
      file: f.file,
      line: 1,
      message:
        m !== undefined
          ? `column ${JSON.stringify(c)} is not a field of ${e.name}; did you mean ${JSON.stringify(m)}? (column names must match exactly, in case and spaces too); it is ignored`
          : `${shownColumn(c, i)} is not a field of ${e.name}; it is ignored`,
    });
  });
  const missing = e.fields.filter(
    (fd, i) => f.index[i] < 0 && fd.optionalColumn !== true,
  );
  // an optional column left out: every value of its field is missing; said once, no problem
  e.fields.forEach((fd, i) => {
    if (f.index[i] >= 0 || fd.optionalColumn !== true) return;
    problem(s, f, {
      code: "input.absent-column",
      severity: "signalling",
      file: f.file,
      line: 1,
      message: `column ${JSON.stringify(fd.column)} (${e.name}.${fd.name}) is not in the header: its column is optional, and every value of ${e.name}.${fd.name} is missing`,
    });
  });
  const rule = fileRule(s, "header", e.name);
  let stop = false;
  for (const fd of missing) {
    const severity: Severity =
      rule?.severity ?? (fd.required ? "blocking" : "signalling");
    if (severity === "blocking") stop = true;
    const near = cells.findIndex((c) => meant(c) === fd.column);
    problem(s, f, {
      code: rule?.code ?? "input.missing-column",
      severity,
      file: f.file,
      line: 1,
      message: `column ${JSON.stringify(fd.column)} (${e.name}.${fd.name}) is missing from the header${
        near >= 0
          ? ` (column ${near + 1} is ${JSON.stringify(cells[near])}: names must match exactly, in case and spaces too)`
          : ""
      }`,
    });
  }
  if (stop) return false;
  const ikbKey = s.rs.metadata.ikb?.key;
  if (f.report.sortedByIkbKey !== null && ikbKey)
    f.ikbCol = columnOf(f, ikbKey);
  f.keyCols = e.key.map((k) => columnOf(f, k));
  f.normalize = cellNormalizer(e, f.index);
  const uk = fileRule(s, "unique-key", e.name);
  if (uk && f.keyCols.length && f.keyCols.every((c) => c >= 0))
    f.unique = {
      code: uk.code,
      severity: uk.severity,
      hashes: new HashSet53(s.exactKeySets),
      seen: new Map(),
    };
  for (const r of s.rs.fileRules) {
    const projection = s.rs.wholeFile?.[r.code];
    // a joined check (`with SA by customer_id`) reads the IKBs: see joinedPass
    if (r.entities[0] === e.name && projection && r.join === undefined)
      f.wholeFile.push(
        new WholeFileCheck(
          r,
          projection,
          e,
          f.index,
          f.file,
          s.opts.showPersonalData === true,
        ),
      );
  }
  const refRule = fileRule(s, "references", e.name);
  if (refRule)
    e.fields.forEach((fd, i) => {
      const target = refTarget(fd.type);
      if (target && f.index[i] >= 0) {
        f.refs.push({
          code: refRule.code,
          severity: refRule.severity,
          field: fd.name,
          col: f.index[i],
          target: target.target,
          targetEntity: target.entity,
          targetField: target.field,
        });
      }
    });
  return true;
}

/**
 * A first line in which no cell names a column: either the file is separated by another
 * character (one cell holding `;`-separated column names), or it has no header row at all.
 * Nothing of the line is shown but its shape: it is probably a data row.
 */
function unrecognisedHeader(
  s: DeliveryRun,
  f: FileState,
  cells: string[],
  columns: string[],
): void {
  const known = new Set(columns.map(loose));
  const declared = f.entity.dialect?.delimiter ?? ",";
  const named = (sep: string) => (sep === "\t" ? "tab" : `\`${sep}\``);
  const reads =
    f.entity.dialect === undefined
      ? "regel reads comma-separated files (RFC 4180): save it with `,` as the separator"
      : `${f.entity.name} declares its file ${named(declared)}-separated: save it so, or change the \`file\` clause's \`delimiter\``;
  for (const sep of [";", "\t", "|", ","].filter((x) => x !== declared)) {
    const parts = cells.join(declared).split(sep);
    if (parts.length > 1 && parts.some((p) => known.has(loose(unquote(p))))) {
      problem(s, f, {
        code: "input.wrong-delimiter",
        severity: "blocking",
        file: f.file,
        line: 1,
        message: `this file looks ${named(sep)}-separated: the header holds ${parts.length} ${named(sep)}-separated column names; ${reads}`,
      });
      return;
    }
  }
  f.firstLineIsData = true;
  const sepHint = [";", "\t", "|", ","]
    .filter((x) => x !== declared)
    .find((sep) => cells.some((c) => c.includes(sep)));
  problem(s, f, {
    code: "input.no-header",
    severity: "blocking",
    file: f.file,
    line: 1,
    message: `line 1 is not a header: none of its ${cells.length} cell${cells.length === 1 ? "" : "s"} is a column of ${f.entity.name} (expected ${columns.join(", ")}). Does the file start without a header row? Its cells are not shown: they may be personal data${
      sepHint
        ? `. The line holds ${sepHint === "\t" ? "tabs" : `\`${sepHint}\``}: is the file separated by it?`
        : ""
    }`,
  });
}

// ---- scan pass -----------------------------------------------------------------------

/**
 * The events of a file in batches; for a file of record types, only the rows of this entity's
 * type, and for the file's owner also the reader's problems and the rows of no declared type
 * (as `unknown-record-type` problems).
 */
function events(
  s: DeliveryRun,
  f: FileState,
  onBytes?: (n: number) => void,
  report = false,
  projection?: CsvProjection,
  onChunk?: (chunk: Uint8Array) => void,
  resumePoint?: { offset: number; line: number },
): AsyncGenerator<CsvEvent[]> {
  const all = allEvents(
    s,
    f,
    onBytes,
    report,
    projection,
    onChunk,
    resumePoint,
  );
  const types = f.recordTypes;
  const code = f.entity.record;
  if (types === undefined || code === undefined) return all;
  const unknownType = unknownRecordTypeMessage(types.codes, f.file);
  return (async function* () {
    for await (const batch of all) {
      const out: CsvEvent[] = [];
      for (const ev of batch) {
        if (ev.kind === "problem") {
          if (types.owner) out.push(ev);
        } else if (ev.cells[0] === code) out.push(ev);
        else if (types.owner && !types.codes.has(ev.cells[0]))
          out.push({
            kind: "problem",
            code: "unknown-record-type",
            line: ev.line,
            message: unknownType,
          });
      }
      if (out.length) yield out;
    }
  })();
}

/** The events of a file in batches: CSV, or NDJSON mapped onto the entity's columns. */
function allEvents(
  s: DeliveryRun,
  f: FileState,
  onBytes?: (n: number) => void,
  report = false,
  projection?: CsvProjection,
  onChunk?: (chunk: Uint8Array) => void,
  resumePoint?: { offset: number; line: number },
): AsyncGenerator<CsvEvent[]> {
  if (f.format === "csv")
    return readReplay.read(
      f,
      {
        ...dialectReaderOptions(f.entity),
        maxFieldLength: s.opts.maxFieldLength,
        maxFields: s.opts.maxFields,
        maxRecordLength: s.opts.maxRecordLength,
        onBytes,
        projection,
        onChunk,
        resumePoint,
      },
      (options) => readCsvFileBatches(f.path, options),
    );
  return readNdjsonFileBatches(
    f.path,
    f.entity.fields.map((fd) => fd.column),
    {
      maxRecordLength: s.opts.maxRecordLength,
      maxFieldLength: s.opts.maxFieldLength,
      onBytes,
      onChunk,
      onUnknownKey: report
        ? (key, line) =>
            problem(s, f, {
              code: "input.unknown-column",
              severity: "signalling",
              file: f.file,
              line,
              message: `key ${JSON.stringify(key)} is not a field of ${f.entity.name}; it is ignored`,
            })
        : undefined,
    },
  );
}

async function scan(
  s: DeliveryRun,
  f: FileState,
  workers?: ScanWorkers,
): Promise<void> {
  let headerSeen = false;
  let prevKey: string | undefined;
  // ref targets that live in this entity
  const collect: { col: number; set: HashSet53 }[] = [];
  let done = 0;
  const progress = s.opts.onProgress;
  const onBytes = (n: number) => {
    done += n;
    progress?.({
      phase: "scan",
      file: f.file,
      done,
      total: f.bytes,
      rows: f.report.rowsRead,
    });
  };
  /** The header's cells (the reader names columns by them), when it was bound. */
  let headerCells: string[] | undefined;
  /** The IKB key column's name in a CSV file's header: a row with it as key is the header again. */
  let headerKey: string | undefined;
  // the scan needs only the IKB key, key and referenced columns: the others are not materialized
  // `keep` present from the start (set by the header): every projection has one shape
  const projection: CsvProjection = { keep: undefined };
  // after a rejected header the rest of the file is only counted: every record is read and rejected
  let countOnly = false;
  /** Records of this entity read well (for `single`). */
  let records = 0;
  /** Bind the columns by the header (false: the file cannot be read further). */
  const useHeader = (cells: string[]): boolean => {
    if (!header(s, f, cells)) return false;
    for (const [target, set] of s.refSets) {
      const [ent, field] = target.split(".");
      if (ent !== f.entity.name) continue;
      const col = columnOf(f, field);
      if (col >= 0) collect.push({ col, set });
    }
    const keep = new Uint8Array(f.width);
    if (f.ikbCol >= 0) keep[f.ikbCol] = 1;
    if (f.unique) for (const c of f.keyCols) keep[c] = 1;
    for (const w of f.wholeFile) for (const c of w.columns) keep[c] = 1;
    for (const c of s.totals.columns(f.entity.name, f.index)) keep[c] = 1;
    for (const c of collect) keep[c.col] = 1;
    projection.keep = keep;
    return true;
  };
  // without a header row the columns are the fields in declared order, and line 1 is a record
  if (f.entity.dialect?.header === false) {
    headerSeen = true;
    useHeader(f.entity.fields.map((fd) => fd.column));
  }
  // where a worker of the validate pass may start reading (runtime/stage-partition.ts): a
  // plain UTF-8 CSV file of one entity, read by the byte tokenizer
  const resumePoint =
    f.format === "csv" &&
    f.entity.dialect === undefined &&
    f.recordTypes === undefined
      ? { offset: -1, line: 0 }
      : undefined;
  const resumeStep = Math.min(
    RESUME_STEP_MAX,
    Math.max(RESUME_STEP_MIN, Math.floor(f.bytes / RESUME_POINTS)),
  );
  // the threads of a file that may be split start before it is read: a file is split only over
  // threads that run (the system may refuse them: ScanWorkers.start)
  if (resumePoint !== undefined && workers?.splits(f, 0)) await workers.start();
  const marks: BoundaryMarks = { lastCut: 0, lastResume: 0, step: resumeStep };
  /** Where the workers take over (undefined: this thread reads the file to its end). */
  let split: { offset: number; line: number } | undefined;
  // read here, not in scanBatch: the entities are objects of several shapes (scanBatch, one
  // function for all files, was left at the first file of another)
  const entityName = f.entity.name;
  /**
   * The file's first event, its header (or the problem that took its place). Taken before
   * {@link scanBatch}: its call of the file's own `useHeader` would leave scanBatch, one function
   * for all files, at the next file's ("wrong call target").
   */
  const takeHeader = (ev: CsvEvent): void => {
    headerSeen = true;
    if (ev.kind === "problem") {
      problem(s, f, {
        code: `input.${ev.code}`,
        severity: "blocking",
        file: f.file,
        line: ev.line,
        message: `header: ${ev.message}`,
      });
    }
    if (ev.kind === "row") headerCells = ev.cells;
    if (ev.kind === "problem" || !useHeader(ev.cells)) {
      f.report.readStatus = "stopped";
      if (f.firstLineIsData) {
        f.report.rowsRead++;
        f.report.rowsRejected++;
      }
      countOnly = true;
      projection.keep = new Uint8Array(1);
    }
    // the IKB key of a header row repeated in a CSV file (undefined: none can be told)
    if (f.format === "csv" && headerCells !== undefined && f.ikbCol >= 0)
      headerKey = headerCells[f.ikbCol];
  };
  /**
   * The rows of one batch, from its event `from`. A plain function called per batch, so that the
   * optimizing compiler takes this loop (the loop of an async function it does not).
   */
  const scanBatch = (batch: CsvEvent[], from: number): void => {
    const wholeFile = f.wholeFile;
    for (let b = from; b < batch.length; b++) {
      const ev = batch[b];
      if (countOnly) {
        f.report.rowsRead++;
        f.report.rowsRejected++;
        continue;
      }
      f.report.rowsRead++;
      if (ev.kind === "problem") {
        f.report.rowsRejected++;
        problem(s, f, {
          code: `input.${ev.code}`,
          severity: "blocking",
          file: f.file,
          line: ev.line,
          message: ev.message,
        });
        continue;
      }
      if (ev.cells.length !== f.width) {
        f.report.rowsRejected++;
        problem(s, f, {
          code: "input.column-count",
          severity: "blocking",
          file: f.file,
          line: ev.line,
          message: `the row has ${ev.cells.length} columns; the header has ${f.width}`,
        });
        continue;
      }
      if (f.ikbCol >= 0) {
        const key = ev.cells[f.ikbCol];
        if (headerKey !== undefined && repeatsHeader(key, headerKey))
          problem(s, f, {
            code: "input.repeated-header",
            severity: "blocking",
            file: f.file,
            line: ev.line,
            message: repeatedHeaderMessage(headerKey),
          });
        if (prevKey !== undefined && key < prevKey)
          f.report.sortedByIkbKey = false;
        prevKey = key;
      }
      if (f.unique) f.unique.hashes.addCells(ev.cells, f.keyCols);
      if (f.wholeFile.length > 0) {
        const cells = canonicalCells(f, ev.cells);
        for (let w = 0; w < wholeFile.length; w++) wholeFile[w].scan(cells);
      }
      s.totals.row(entityName, ev.cells, f.index, ev.line, f.normalize);
      for (let k = 0; k < collect.length; k++) {
        const c = collect[k];
        if (ev.cells[c.col] !== "") c.set.add(ev.cells[c.col]);
      }
      records++;
    }
  };
  for await (const batch of events(
    s,
    f,
    onBytes,
    true,
    projection,
    f.hash.update,
    resumePoint,
  )) {
    let from = 0;
    if (!headerSeen && batch.length > 0) {
      takeHeader(batch[0]);
      from = 1;
    }
    scanBatch(batch, from);
    if (resumePoint !== undefined && f.ikbCol >= 0 && !countOnly)
      markBoundary(
        f,
        marks,
        {
          offset: resumePoint.offset,
          line: resumePoint.line,
          lastKey: prevKey ?? null,
          row: records,
        },
        f.report.sortedByIkbKey === true,
      );
    // the rest of a large file over the worker threads, from the first record boundary after
    // the header (runtime/parallel-scan.ts)
    if (
      workers !== undefined &&
      resumePoint !== undefined &&
      resumePoint.offset >= 0 &&
      headerCells !== undefined &&
      !countOnly &&
      f.normalize === undefined &&
      workers.splits(f, resumePoint.offset)
    ) {
      split = { offset: resumePoint.offset, line: resumePoint.line };
      break;
    }
  }
  if (split !== undefined) {
    const sets = collect.map((c) => c.set);
    const { scanInWorkers, describeForScan } = await workers!.module();
    records = await scanInWorkers(
      s,
      f,
      describeForScan(s, f, collect, projection.keep!, headerCells!),
      {
        offset: split.offset,
        line: split.line,
        pieceEnd: done,
        prevKey,
        lastResume: marks.lastResume,
        lastCut: marks.lastCut,
        resumeStep,
        records,
        sets,
      },
      await workers!.get(),
    );
  }
  if (f.entity.single && f.report.readStatus === "read" && records !== 1)
    problem(s, f, {
      code: "input.record-count",
      severity: "blocking",
      file: f.file,
      message: `${f.entity.name} is declared \`single\` (exactly one record${f.entity.record === undefined ? "" : ` of type ${JSON.stringify(f.entity.record)}`}), but ${f.file} holds ${records}`,
    });
  if (!headerSeen) {
    problem(s, f, {
      code: "input.empty-file",
      severity: "blocking",
      file: f.file,
      message: `file ${f.file} is empty (no header)`,
    });
    f.report.readStatus = "stopped";
  }
  s.rowsTotal += f.report.rowsRead - f.report.rowsRejected;
  progressDone(s, "scan", f.file, f.bytes, f.report.rowsRead);
}

/** About how many resume points the scan records per file (runtime/stage-partition.ts). */
const RESUME_POINTS = 512;
/** Bytes between two resume points: at least one batch of the reader, at most 4 MiB. */
const RESUME_STEP_MIN = 1 << 15;
const RESUME_STEP_MAX = 4 << 20;

/** The rows of a file that passed the scan, in file order, in batches. */
export function goodRows(
  s: DeliveryRun,
  f: FileState,
): AsyncGenerator<KeyedRow[]> {
  return keyedRows(
    events(s, f),
    f,
    f.entity.dialect?.header === false,
    null,
    null,
  );
}

/**
 * The rows of `batches` (a read of `f`'s file) that passed the scan, with their IKB key, in
 * batches: the header (unless `headerSeen`) and the rows the scan reported skipped. With `lo` /
 * `hi` (a file in IKB key order, runtime/validate-worker.ts) only the rows whose key is in
 * [lo, hi); the read stops at the first row at or above `hi`.
 */
export async function* keyedRows(
  batches: AsyncIterable<CsvEvent[]>,
  f: Pick<FileState, "width" | "ikbCol">,
  headerSeen: boolean,
  lo: string | null,
  hi: string | null,
): AsyncGenerator<KeyedRow[]> {
  const at: KeyedBatchState = { headerSeen, past: false };
  for await (const batch of batches) {
    const out = keyedBatch(batch, f, at, lo, hi);
    if (out.length) yield out;
    if (at.past) return;
  }
}

/** Where {@link keyedRows} is: past the header; past `hi` (the read stops). */
interface KeyedBatchState {
  headerSeen: boolean;
  past: boolean;
}

/**
 * The keyed rows of one batch of {@link keyedRows}, written over the batch's own array (which
 * the reader hands over and never uses again): no second array per batch. A plain function,
 * so that the optimizing compiler takes this loop (an async generator's loop it does not).
 */
function keyedBatch(
  batch: CsvEvent[],
  f: Pick<FileState, "width" | "ikbCol">,
  at: KeyedBatchState,
  lo: string | null,
  hi: string | null,
): KeyedRow[] {
  const out = batch as unknown as KeyedRow[];
  const width = f.width;
  const ikbCol = f.ikbCol;
  let n = 0;
  let i = 0;
  for (; i < batch.length; i++) {
    const ev = batch[i];
    if (!at.headerSeen) {
      at.headerSeen = true;
      continue;
    }
    if (ev.kind === "problem" || ev.cells.length !== width) continue;
    const key = ikbCol >= 0 ? ev.cells[ikbCol] : "";
    if (lo !== null && key < lo) continue;
    if (hi !== null && key >= hi) {
      at.past = true;
      break;
    }
    out[n++] = { key, line: ev.line, cells: ev.cells };
  }
  out.length = n;
  return out;
}

/**
 * The good rows of `f` (as {@link goodRows} gives them), each as its record of a sort run
 * (runtime/run-format.ts), for the external sort (runtime/stage-group.ts): read as records
 * ({@link recordsProjection}), a plain line is written as it was read, not split into cells and
 * joined again.
 */
export function goodRunEntries(
  s: DeliveryRun,
  f: FileState,
): AsyncGenerator<RunEntry[]> {
  return runEntries(
    events(s, f, undefined, false, recordsProjection(f)),
    f,
    f.entity.dialect?.header === false,
  );
}

/** A read of records of `f` that makes only its IKB key's cell of a plain line. */
export function recordsProjection(
  f: Pick<FileState, "width" | "ikbCol">,
): CsvProjection {
  const keep = new Uint8Array(f.width);
  keep[f.ikbCol] = 1;
  return { keep, records: true };
}

/**
 * The rows of `batches` that {@link keyedRows} gives (without `lo` and `hi`), as run entries:
 * a row read with its text (`CsvRow.text`) is that text, another its cells joined.
 */
export async function* runEntries(
  batches: AsyncIterable<CsvEvent[]>,
  f: Pick<FileState, "width" | "ikbCol">,
  headerSeen: boolean,
): AsyncGenerator<RunEntry[]> {
  const at: KeyedBatchState = { headerSeen, past: false };
  for await (const batch of batches) {
    const out = runEntryBatch(batch, f, at);
    if (out.length) yield out;
  }
}

/** The run entries of one batch of {@link runEntries}; the same rows as {@link keyedBatch}'s. */
function runEntryBatch(
  batch: readonly CsvEvent[],
  f: Pick<FileState, "width" | "ikbCol">,
  at: KeyedBatchState,
): RunEntry[] {
  const out: RunEntry[] = [];
  const width = f.width;
  const ikbCol = f.ikbCol;
  for (let i = 0; i < batch.length; i++) {
    const ev = batch[i];
    if (!at.headerSeen) {
      at.headerSeen = true;
      continue;
    }
    if (ev.kind === "problem" || ev.cells.length !== width) continue;
    const key = ev.cells[ikbCol];
    const line = ev.line;
    out.push({
      key,
      line,
      record:
        ev.text === undefined
          ? runRecord({ key, line, cells: ev.cells })
          : plainRunRecord(ev.text, key, line),
    });
  }
  return out;
}

/** Parse the target of a `ref E.f` field type: `E.f`, and `E` and `f` apart. */
function refTarget(
  type: string,
): { target: string; entity: string; field: string } | undefined {
  const m = /^ref\s+([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(
    type.trim(),
  );
  return m
    ? { target: `${m[1]}.${m[2]}`, entity: m[1], field: m[2] }
    : undefined;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** A name compared loosely: case and surrounding white space ignored. */
function loose(name: string): string {
  return name.trim().toLowerCase();
}

/** A cell without surrounding white space and quotes (for a header split by another separator). */
function unquote(cell: string): string {
  return cell.trim().replace(/^"(.*)"$/s, "$1");
}

/**
 * The message of `input.duplicate-column` for a header that names a column more than once (its
 * cells could be either's: the file is not read), or undefined. Also validateCsv's (runtime/validate.ts).
 */
export function duplicateColumns(cells: readonly string[]): string | undefined {
  const seen = new Set<string>();
  const dups: number[] = [];
  cells.forEach((c, i) => (seen.has(c) ? dups.push(i) : seen.add(c)));
  return dups.length === 0
    ? undefined
    : `${dups.map((i) => shownColumn(cells[i], i)).join(", ")} appear${dups.length === 1 ? "s" : ""} more than once in the header`;
}

/**
 * A header cell for a message: quoted when it looks like a column name (letters, digits, `_`,
 * `.`, `-`, single spaces; no run of three digits, which a BSN, date or IBAN would have), else
 * only its position and length, so that a data row taken for a header never shows its values.
 */
export function shownColumn(cell: string, index: number): string {
  return /^[A-Za-z_](?:[A-Za-z0-9_.-]| (?! ))*$/.test(cell) &&
    cell.length <= 64 &&
    !/[0-9]{3}/.test(cell)
    ? `column ${JSON.stringify(cell)}`
    : `column ${index + 1} (${cell.length} character${cell.length === 1 ? "" : "s"}, not shown: not a column name)`;
}

/**
 * What is at `path` (following symbolic links): `broken-link` for a symbolic link that cannot be
 * followed (its target missing, or links in a loop), `missing` for nothing at all.
 */
export function entryKind(
  path: string,
): "file" | "folder" | "fifo" | "other" | "broken-link" | "missing" {
  let st;
  try {
    st = statSync(path);
  } catch {
    try {
      return lstatSync(path).isSymbolicLink() ? "broken-link" : "missing";
    } catch {
      return "missing";
    }
  }
  return st.isFile()
    ? "file"
    : st.isDirectory()
      ? "folder"
      : st.isFIFO()
        ? "fifo"
        : "other";
}

/** {@link entryKind} in words; `missing` for an entry listed in a folder that cannot be read. */
export const KIND_TEXT = {
  file: "a file",
  folder: "a folder",
  fifo: "a FIFO (named pipe)",
  other: "a device or socket",
  "broken-link":
    "a symbolic link that cannot be followed (its target is missing, or links loop)",
  missing: "an entry that cannot be read",
} as const;

/** Names of CSV files in a folder (for choosing a ruleset by the files present). */
export function deliveryFiles(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

/**
 * A row's cells in the canonical form the decoders read: the scan and the second read see the
 * file as written, the validate pass decodes a file's dialect (dates, decimal comma) first, and the
 * whole-file checks must compare the same values in all three.
 */
export function canonicalCells(f: FileState, cells: string[]): string[] {
  if (!f.normalize) return cells;
  const copy = cells.slice();
  f.normalize.normalize(copy);
  return copy;
}
