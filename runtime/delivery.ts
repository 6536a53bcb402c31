/**
 * Validate an IKB-bestand (a folder of CSV files) against a compiled ruleset and build the report.
 *
 * Two passes per file. The scan pass reads every row once: header and row-structure problems,
 * whether the file is sorted by IKB key, and compact hash sets for the unique-key and references
 * checks. Unsorted IKB files are then sorted externally into temporary runs. The validate pass
 * merges all IKB files by IKB key, decodes and checks one IKB at a time, classifies it (Bijlage 3)
 * and tallies the findings. Memory: 8 bytes per key for the file checks, the sort budget, one IKB.
 *
 * @module
 */
import {
  countReported,
  reportedOf,
  type ReportedCounts,
} from "./unknown-values.js";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type {
  CompiledRuleset,
  EntityMeta,
  FileRule,
  Finding,
  RuleContext,
  RuleTrace,
  Severity,
} from "../compiler/contract.js";
import { MASK } from "../compiler/contract.js";
import {
  groupByKey,
  mergeRuns,
  RunWriter,
  TempSpace,
  type KeyedRow,
} from "./assemble.js";
import {
  INVALID,
  readCsvFileBatches,
  type CsvEvent,
  type CsvProjection,
} from "./csv-reader.js";
import {
  cellNormalizer,
  showDelivered,
  type CellNormalizer,
} from "./dialect.js";
import { readNdjsonFileBatches } from "./ndjson-reader.js";
import {
  groeipadDeclared,
  loadGroeipadNorm,
  type GroeipadNorm,
} from "./groeipad.js";
import { InputHash } from "./input-hash.js";
import { hash53Cells, HashSet53 } from "./key-set.js";
import { WholeFileCheck } from "./whole-file.js";
import { FileTotals } from "./file-totals.js";
import {
  NOT_EVALUATED_REASON,
  PreviousDelivery,
  previousRules,
} from "./previous-delivery.js";
import type { LoadedRuleset } from "./load-compiled.js";
import { maskKey, maskMessage, maskValues, personalFields } from "./mask.js";
import { previousProvenance, reportProvenance } from "./provenance.js";
import { assertSourcesCurrent } from "./source-check.js";
import { toolVersion } from "./tool-version.js";
import { Aggregates } from "./aggregates.js";
import { reconcile, type QuarterlyFigures } from "./quarterly.js";
import {
  REPORT_VERSION,
  type BlockingError,
  type DeliveryProblem,
  type FileNotRead,
  type FileReport,
  type InputProblem,
  type PreviousProvenance,
  type Report,
  type RuleReport,
  type Sample,
} from "./report-types.js";

/** Progress of a long run: `scan` and `sort` count bytes, `validate` counts rows. */
export interface Progress {
  phase: "scan" | "sort" | "validate";
  file: string;
  done: number;
  total: number;
  rows: number;
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
  /** Called as the run goes on (bytes scanned and sorted, rows validated), e.g. for a progress bar. */
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
}

interface FileState {
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
    target: string;
    /** The target's key set when the target file was read to the end (set before validating). */
    against?: HashSet53;
  }[];
  runs?: string[];
  /** The whole-file checks of the file (runtime/whole-file.ts). */
  wholeFile: WholeFileCheck[];
  roleByField: number;
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

interface RuleTally {
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

const EMPTY_IKB: Readonly<Record<string, readonly unknown[]>> = Object.freeze(
  Object.create(null),
);

/** Days since 1970-01-01 of a YYYY-MM-DD date; NaN when invalid. */
export function dateToDays(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const d = new Date(t);
  if (
    d.getUTCFullYear() !== +m[1] ||
    d.getUTCMonth() !== +m[2] - 1 ||
    d.getUTCDate() !== +m[3]
  )
    return NaN;
  return t / 86400000;
}

/** A percentage with two decimals; 0 when the base is 0. */
export function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part * 10000) / whole) / 100;
}

/** Parse the target of a `ref E.f` field type. */
function refTarget(type: string): string | undefined {
  const m = /^ref\s+([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(
    type.trim(),
  );
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/**
 * Validate the delivery in `folder` against `loaded`.
 *
 * @throws StaleRulesetError (runtime/source-check.ts) when the compiled ruleset, or the one the
 *   groeipad norm comes from, is older than the `.regel` sources beside its compiled root
 */
export async function validateDelivery(
  folder: string,
  loaded: LoadedRuleset,
  opts: DeliveryOptions,
): Promise<Report> {
  // the groeipad is a norm on IKBs: a ruleset that names its own unit is not held against it
  const ikb = loaded.module.metadata.ikb;
  const heldToGroeipad =
    ikb !== undefined &&
    ikb.unit === undefined &&
    groeipadDeclared(dirname(loaded.dir));
  const groeipad = heldToGroeipad
    ? loadGroeipadNorm(dirname(loaded.dir), opts.rrd)
    : undefined;
  // compiled output older than its sources would validate with the old rules: refuse it
  assertSourcesCurrent(
    loaded.module.metadata.id,
    loaded.dir,
    loaded.sourceCheck,
  );
  if (groeipad)
    assertSourcesCurrent(groeipad.ruleset, groeipad.dir, groeipad.sourceCheck);
  const v = new DeliveryValidator(
    folder,
    loaded,
    opts,
    groeipad,
    heldToGroeipad,
  );
  return v.run();
}

class DeliveryValidator {
  private readonly rs: CompiledRuleset;
  private readonly trace: Map<string, RuleTrace>;
  private readonly tallies = new Map<string, RuleTally>();
  private readonly inputCounts = new Map<
    string,
    {
      severity: Severity;
      count: number;
      file: string | null;
      line: number | null;
    }
  >();
  private readonly personal: Map<string, Set<string>>;
  /** The file totals (runtime/file-totals.ts), counted in the scan pass. */
  private totals!: FileTotals;
  private readonly maxSamples: number;
  private readonly rrdDays: number;
  private readonly files: FileState[] = [];
  private readonly refSets = new Map<string, HashSet53>();
  /** Ref targets (`E.f`) whose file was read to the end. */
  private readonly completeTargets = new Set<string>();
  private readonly categoryCounts = new Map<string, number>();
  private readonly payoutCounts = new Map<string, number>();
  private ikbCount = 0;
  private ikbMeeting = 0;
  /** The declared aggregates (runtime/aggregates.ts), added up per IKB. */
  private readonly aggregates: Aggregates;
  /** Rows of IKB files without an IKB key: each counts as an IKB that does not meet the controls. */
  private ungroupedRows = 0;
  /** Problems of the delivery as a whole (not of one file). */
  private readonly deliveryProblems: DeliveryProblem[] = [];
  /** The entries of the delivery folder, sorted. */
  private entries: string[] = [];
  private rowsDone = 0;
  private rowsTotal = 0;
  /** The previous delivery (T−1), when given (runtime/previous-delivery.ts). */
  private previous: PreviousDelivery | undefined;
  /** The previous delivery's files with their hashes, for the provenance. */
  private previousInputs: PreviousProvenance | undefined;

  constructor(
    private readonly folder: string,
    private readonly loaded: LoadedRuleset,
    private readonly opts: DeliveryOptions,
    /** The groeipad norm in force on the RRD, from the compiled groeipad ruleset. */
    private readonly groeipad: GroeipadNorm | undefined,
    /** Whether a compiled ruleset beside this one declares a groeipad norm (any period). */
    private readonly groeipadDeclared: boolean,
  ) {
    this.rs = loaded.module;
    this.totals = new FileTotals(
      this.rs.fileRules,
      this.rs.fileTotals,
      this.rs.entities,
    );
    this.trace = new Map(loaded.trace.map((t) => [t.code, t]));
    this.aggregates = new Aggregates(this.rs.aggregates);
    this.personal = personalFields(this.rs.entities);
    this.maxSamples = opts.maxSamples ?? 1000;
    this.rrdDays = dateToDays(opts.rrd);
    this.totals.rrd = this.rrdDays;
    if (Number.isNaN(this.rrdDays))
      throw new Error(
        `invalid RRD ${JSON.stringify(opts.rrd)}: expected YYYY-MM-DD`,
      );
  }

  async run(): Promise<Report> {
    const temp = new TempSpace(this.opts.tempDir);
    try {
      // T−1 is read and sorted first, while nothing of the delivery is held yet: its sort budget
      // and the delivery's key sets are never in memory together (bench/results.md, "The
      // previous delivery"); until the validate pass it waits in run files
      if (this.opts.previous !== undefined)
        this.previous = await PreviousDelivery.open(
          this.rs,
          this.opts.previous,
          temp,
          this.opts.sortBudget,
        );
      this.prepareFiles();
      for (const f of this.files)
        if (f.report.readStatus === "read") {
          try {
            await this.scan(f);
          } catch (e) {
            // an unreadable file (permissions, I/O error) stops that file, not the run
            f.report.readStatus = "stopped";
            // rows read before the error are not validated: they count as rejected
            f.report.rowsRejected = f.report.rowsRead;
            this.problem(f, {
              code: "input.unreadable",
              severity: "blocking",
              file: f.file,
              message: `file ${f.file} cannot be read: ${(e as Error).message}`,
            });
          }
        }
      this.checkHasRecords();
      this.checkTotals();
      for (const f of this.files)
        if (delivered(f)) f.sha256 = await f.hash.digest(f.path, f.bytes);
      for (const f of this.files)
        if (
          f.report.readStatus === "read" &&
          f.ikbCol >= 0 &&
          f.report.sortedByIkbKey === false
        )
          await this.sort(f, temp);
      for (const [target, set] of this.refSets) {
        set.seal();
        const entity = target.slice(0, target.indexOf("."));
        if (
          this.files.some(
            (f) => f.entity.name === entity && f.report.readStatus === "read",
          )
        )
          this.completeTargets.add(target);
      }
      await this.wholeFilePass();
      for (const f of this.files) {
        if (f.unique) f.unique.candidates = f.unique.hashes.seal();
        for (const r of f.refs)
          r.against = this.completeTargets.has(r.target)
            ? this.refSets.get(r.target)
            : undefined;
      }
      if (this.previous !== undefined && this.rs.gone !== undefined)
        // a whole IKB of T−1 the delivery no longer has: its records are checked on their own
        this.previous.onGone = (p) =>
          this.goneRecords(p.key, p.records, p.lines, undefined, undefined);
      await this.validateAll();
      if (this.previous !== undefined)
        this.previousInputs = await previousProvenance(this.previous.report);
    } finally {
      await temp.dispose();
    }
    return this.buildReport();
  }

  /**
   * A delivery without a single record is not accepted as "nothing wrong": there is nothing to
   * assess (Bijlage 4 control 5.3 asks for files "gegenereerd en gevuld"). Rows that were read
   * but rejected count as records here: they are reported by themselves.
   */
  private checkHasRecords(): void {
    if (this.files.some((f) => f.report.rowsRead > 0)) return;
    const present = this.files.filter((f) => delivered(f));
    const ikb = this.rs.metadata.ikb;
    const depositorFiles = ikb
      ? this.rs.entities
          .filter((e) => ikb.depositors.includes(e.name) && e.file)
          .map((e) => e.file!)
      : [];
    const id = this.rs.metadata.id;
    const missing = this.files.length - present.length;
    const what =
      present.length === 0
        ? `none of the files of ${id} is in the delivery`
        : `${present.map((f) => f.file).join(", ")} ${present.length === 1 ? "is" : "are"} empty or header-only` +
          (missing > 0
            ? ` and the other ${missing} file${missing === 1 ? "" : "s"} of ${id} ${missing === 1 ? "is" : "are"} missing`
            : "");
    this.deliveryProblem({
      code: "input.no-records",
      severity: "blocking",
      message:
        `the delivery holds no records: ${what}. ${id} reads its records from ${this.files.map((f) => f.entity.file).join(", ")}` +
        (depositorFiles.length
          ? `; an IKB needs at least a depositor record in ${depositorFiles.join(" or ")}`
          : ""),
    });
  }

  /** The file totals that do not hold, each on the file of its rule's first entity. */
  private checkTotals(): void {
    const stateOf = (entity: string) =>
      this.files.find((f) => f.entity.name === entity);
    const found = this.totals.findings((entity) => {
      const f = stateOf(entity);
      return f === undefined
        ? undefined
        : {
            file: f.file,
            read: f.report.readStatus === "read",
          };
    }, this.rrdDays);
    for (const t of found)
      this.problem(stateOf(t.entity)!, {
        code: t.rule.code,
        severity: t.rule.severity,
        file: t.file,
        ...(t.line === undefined ? {} : { line: t.line }),
        message: t.message,
      });
  }

  /** Record a problem of the delivery as a whole. */
  private deliveryProblem(p: DeliveryProblem): void {
    this.deliveryProblems.push(p);
    const c = this.inputCounts.get(p.code);
    if (c) c.count++;
    else
      this.inputCounts.set(p.code, {
        severity: p.severity,
        count: 1,
        file: null,
        line: null,
      });
  }

  // ---- files and headers ---------------------------------------------------------------

  private fileRule(check: FileRule["check"], entity: string) {
    return this.rs.fileRules.find(
      (r) => r.check === check && r.entities.includes(entity),
    );
  }

  /** `; the delivery holds "X"` when an entry differs from `file` only in case. */
  private nearName(file: string): string {
    const near = this.entries.find(
      (n) => n !== file && n.toLowerCase() === file.toLowerCase(),
    );
    return near === undefined
      ? ""
      : `; the delivery holds ${JSON.stringify(near)}: file names must match exactly, in case too`;
  }

  /** Every entry of the delivery folder that the ruleset does not read, with the reason. */
  private filesNotRead(): FileNotRead[] {
    const read = new Set(
      this.files.filter((f) => delivered(f)).map((f) => f.file),
    );
    const out: FileNotRead[] = [];
    for (const name of this.entries) {
      if (read.has(name)) continue;
      const k = entryKind(join(this.folder, name));
      const kind = k === "missing" ? "other" : k;
      // the names under which each entity of the data model could be delivered
      const names = (f: FileState) => {
        const stem = f.entity.file!.replace(/\.csv$/i, "");
        return [f.entity.file!, `${stem}.ndjson`, `${stem}.jsonl`];
      };
      const exact = this.files.find((f) => names(f).includes(name));
      const near = this.files.find((f) =>
        names(f).some((n) => n.toLowerCase() === name.toLowerCase()),
      );
      let reason: string;
      if (exact && delivered(exact))
        reason = `${exact.entity.name} is read from ${exact.file}`;
      else if (exact) reason = `${KIND_TEXT[kind]}, not a regular file`;
      else if (near && !delivered(near))
        reason = `not a file of ${this.rs.metadata.id}; did you mean ${near.entity.file}? (file names must match exactly)`;
      else
        reason = `${kind === "file" ? "" : `${KIND_TEXT[kind]}, `}not a file of ${this.rs.metadata.id}`;
      out.push({ name, kind, reason });
    }
    return out;
  }

  private prepareFiles(): void {
    this.entries = deliveryFiles(this.folder);
    const ikbKey = this.rs.metadata.ikb?.key;
    // key sets of referenced fields are filled while their own entity is scanned, so create them first
    for (const entity of this.rs.entities)
      if (this.fileRule("references", entity.name))
        for (const fd of entity.fields) {
          const target = refTarget(fd.type);
          if (target && !this.refSets.has(target))
            this.refSets.set(target, new HashSet53());
        }
    for (const entity of this.rs.entities) {
      if (!entity.file) continue;
      if (this.opts.entities && !this.opts.entities.includes(entity.name))
        continue;
      const path = join(this.folder, entity.file);
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
        refs: [],
        wholeFile: [],
        roleByField: entity.roleBy
          ? entity.fields.findIndex((f) => f.name === entity.roleBy)
          : -1,
        hash: new InputHash(),
      };
      if (entity.record !== undefined) {
        const sharing = this.rs.entities.filter(
          (e) => e.file === entity.file && e.record !== undefined,
        );
        state.recordTypes = {
          codes: new Set(sharing.map((e) => e.record!)),
          owner: sharing[0] === entity,
        };
      }
      this.files.push(state);
      if (!isFile(path)) {
        const stem = entity.file.replace(/\.csv$/i, "");
        const alt = [`${stem}.ndjson`, `${stem}.jsonl`].find((n) =>
          isFile(join(this.folder, n)),
        );
        if (alt) {
          state.format = "ndjson";
          state.file = report.file = alt;
          state.path = join(this.folder, alt);
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
        const rule = this.fileRule("present", entity.name);
        // a folder or a FIFO under the file's name is not the file: say what it is (and never
        // open a FIFO, which would wait for a writer forever)
        const kind = entryKind(path);
        this.problem(state, {
          code: rule?.code ?? "input.missing-file",
          severity: rule?.severity ?? "signalling",
          file: entity.file,
          message:
            kind === "missing"
              ? `file ${entity.file} (${entity.name}) is not in the delivery${this.nearName(entity.file)}`
              : `${entity.file} (${entity.name}) is ${KIND_TEXT[kind]}, not a regular file: it is not read; put the CSV file itself in the delivery`,
        });
        continue;
      }
      state.bytes = statSync(state.path).size;
      if (ikbKey && entity.fields.some((f) => f.name === ikbKey))
        report.sortedByIkbKey = true;
    }
  }

  private countBlocking(f: FileState, code: string): void {
    f.report.blockingErrors++;
    f.blocking.set(code, (f.blocking.get(code) ?? 0) + 1);
  }

  /** Record an input problem on a file (and under its rule code when it is a file rule). */
  private problem(f: FileState, p: InputProblem): void {
    const r = f.report;
    if (r.problems.length < this.maxSamples) r.problems.push(p);
    else r.problemsOmitted++;
    if (p.severity === "blocking") this.countBlocking(f, p.code);
    const c = this.inputCounts.get(p.code);
    if (c) c.count++;
    else
      this.inputCounts.set(p.code, {
        severity: p.severity,
        count: 1,
        file: p.file,
        line: p.line ?? null,
      });
    if (this.trace.has(p.code)) {
      this.tally(
        {
          rule: p.code,
          severity: p.severity,
          entity: f.entity.name,
          role: undefined,
          attribute: undefined,
          key: "",
          values: {},
          message: p.message,
          law: this.rs.laws[p.code],
          file: p.file,
          line: p.line,
        },
        true,
      );
    }
  }

  /**
   * Validate the header; returns false when the file cannot be read further. A header cell is
   * shown in a message only when it is a column name: when no cell names a column of the entity,
   * the first line is most likely a data row (a file without a header), and its cells (names,
   * dates of birth, BSNs) are never echoed; see {@link shownColumn}.
   */
  private header(f: FileState, cells: string[]): boolean {
    const e = f.entity;
    const columns = e.fields.map((fd) => fd.column);
    const known = new Set(columns);
    const byLoose = new Map(columns.map((c) => [loose(c), c]));
    /** The column a cell was probably meant to be: equal but for case and surrounding spaces. */
    const meant = (c: string) =>
      known.has(c) ? undefined : byLoose.get(loose(c));
    f.width = cells.length;
    if (!cells.some((c) => known.has(c) || meant(c) !== undefined)) {
      this.unrecognisedHeader(f, cells, columns);
      return false;
    }
    const pos = new Map<string, number>();
    const dups: number[] = [];
    cells.forEach((c, i) => (pos.has(c) ? dups.push(i) : pos.set(c, i)));
    if (dups.length) {
      this.problem(f, {
        code: "input.duplicate-column",
        severity: "blocking",
        file: f.file,
        line: 1,
        message: `${dups.map((i) => shownColumn(cells[i], i)).join(", ")} appear${dups.length === 1 ? "s" : ""} more than once in the header`,
      });
      return false;
    }
    f.index = e.fields.map((fd) => pos.get(fd.column) ?? -1);
    cells.forEach((c, i) => {
      if (known.has(c)) return;
      const m = meant(c);
      this.problem(f, {
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
      this.problem(f, {
        code: "input.absent-column",
        severity: "signalling",
        file: f.file,
        line: 1,
        message: `column ${JSON.stringify(fd.column)} (${e.name}.${fd.name}) is not in the header: its column is optional, and every value of ${e.name}.${fd.name} is missing`,
      });
    });
    const rule = this.fileRule("header", e.name);
    let stop = false;
    for (const fd of missing) {
      const severity: Severity =
        rule?.severity ?? (fd.required ? "blocking" : "signalling");
      if (severity === "blocking") stop = true;
      const near = cells.findIndex((c) => meant(c) === fd.column);
      this.problem(f, {
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
    const ikbKey = this.rs.metadata.ikb?.key;
    if (f.report.sortedByIkbKey !== null && ikbKey)
      f.ikbCol = f.index[e.fields.findIndex((fd) => fd.name === ikbKey)];
    f.keyCols = e.key.map(
      (k) => f.index[e.fields.findIndex((fd) => fd.name === k)],
    );
    f.normalize = cellNormalizer(e, f.index);
    const uk = this.fileRule("unique-key", e.name);
    if (uk && f.keyCols.length && f.keyCols.every((c) => c >= 0))
      f.unique = {
        code: uk.code,
        severity: uk.severity,
        hashes: new HashSet53(),
        seen: new Map(),
      };
    for (const r of this.rs.fileRules) {
      const projection = this.rs.wholeFile?.[r.code];
      // a joined check (`with SA by customer_id`) reads the IKBs: see joinedPass
      if (r.entities[0] === e.name && projection && r.join === undefined)
        f.wholeFile.push(
          new WholeFileCheck(
            r,
            projection,
            e,
            f.index,
            f.file,
            this.opts.showPersonalData === true,
          ),
        );
    }
    const refRule = this.fileRule("references", e.name);
    if (refRule)
      e.fields.forEach((fd, i) => {
        const target = refTarget(fd.type);
        if (target && f.index[i] >= 0) {
          f.refs.push({
            code: refRule.code,
            severity: refRule.severity,
            field: fd.name,
            col: f.index[i],
            target,
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
  private unrecognisedHeader(
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
        this.problem(f, {
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
    this.problem(f, {
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
  private events(
    f: FileState,
    onBytes?: (n: number) => void,
    report = false,
    projection?: CsvProjection,
    onChunk?: (chunk: Uint8Array) => void,
  ): AsyncGenerator<CsvEvent[]> {
    const all = this.allEvents(f, onBytes, report, projection, onChunk);
    const types = f.recordTypes;
    const code = f.entity.record;
    if (types === undefined || code === undefined) return all;
    const codes = [...types.codes].map((c) => JSON.stringify(c)).join(", ");
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
              message: `the record's type (its first field) is none of ${codes}, the record types of ${f.file}`,
            });
        }
        if (out.length) yield out;
      }
    })();
  }

  /** The events of a file in batches: CSV, or NDJSON mapped onto the entity's columns. */
  private allEvents(
    f: FileState,
    onBytes?: (n: number) => void,
    report = false,
    projection?: CsvProjection,
    onChunk?: (chunk: Uint8Array) => void,
  ): AsyncGenerator<CsvEvent[]> {
    const d = f.entity.dialect;
    if (f.format === "csv")
      return readCsvFileBatches(f.path, {
        ...(d === undefined
          ? {}
          : {
              delimiter: d.delimiter,
              quote: d.quote,
              encoding: d.encoding,
              columns: d.header
                ? undefined
                : f.entity.fields.map((fd) => fd.column),
            }),
        maxFieldLength: this.opts.maxFieldLength,
        maxFields: this.opts.maxFields,
        maxRecordLength: this.opts.maxRecordLength,
        onBytes,
        projection,
        onChunk,
      });
    return readNdjsonFileBatches(
      f.path,
      f.entity.fields.map((fd) => fd.column),
      {
        maxRecordLength: this.opts.maxRecordLength,
        maxFieldLength: this.opts.maxFieldLength,
        onBytes,
        onChunk,
        onUnknownKey: report
          ? (key, line) =>
              this.problem(f, {
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

  private keyText(f: FileState, cells: readonly string[]): string {
    return f.keyCols.map((c) => cells[c]).join("\u001f");
  }

  private async scan(f: FileState): Promise<void> {
    let headerSeen = false;
    let prevKey: string | undefined;
    // ref targets that live in this entity
    const collect: { col: number; set: HashSet53 }[] = [];
    let done = 0;
    const progress = this.opts.onProgress;
    const onBytes = progress
      ? (n: number) =>
          progress({
            phase: "scan",
            file: f.file,
            done: (done += n),
            total: f.bytes,
            rows: f.report.rowsRead,
          })
      : undefined;
    // the scan needs only the IKB key, key and referenced columns: the others are not materialized
    const projection: CsvProjection = {};
    // after a rejected header the rest of the file is only counted: every record is read and rejected
    let countOnly = false;
    /** Records of this entity read well (for `single`). */
    let records = 0;
    /** Bind the columns by the header (false: the file cannot be read further). */
    const useHeader = (cells: string[]): boolean => {
      if (!this.header(f, cells)) return false;
      for (const [target, set] of this.refSets) {
        const [ent, field] = target.split(".");
        if (ent !== f.entity.name) continue;
        const i = f.entity.fields.findIndex((fd) => fd.name === field);
        if (i >= 0 && f.index[i] >= 0) collect.push({ col: f.index[i], set });
      }
      const keep = new Uint8Array(f.width);
      if (f.ikbCol >= 0) keep[f.ikbCol] = 1;
      if (f.unique) for (const c of f.keyCols) keep[c] = 1;
      for (const w of f.wholeFile) for (const c of w.columns) keep[c] = 1;
      for (const c of this.totals.columns(f.entity.name, f.index)) keep[c] = 1;
      for (const c of collect) keep[c.col] = 1;
      projection.keep = keep;
      return true;
    };
    // without a header row the columns are the fields in declared order, and line 1 is a record
    if (f.entity.dialect?.header === false) {
      headerSeen = true;
      useHeader(f.entity.fields.map((fd) => fd.column));
    }
    for await (const batch of this.events(
      f,
      onBytes,
      true,
      projection,
      f.hash.update,
    ))
      for (const ev of batch) {
        if (countOnly) {
          f.report.rowsRead++;
          f.report.rowsRejected++;
          continue;
        }
        if (!headerSeen) {
          headerSeen = true;
          if (ev.kind === "problem") {
            this.problem(f, {
              code: `input.${ev.code}`,
              severity: "blocking",
              file: f.file,
              line: ev.line,
              message: `header: ${ev.message}`,
            });
          }
          if (ev.kind === "problem" || !useHeader(ev.cells)) {
            f.report.readStatus = "stopped";
            if (f.firstLineIsData) {
              f.report.rowsRead++;
              f.report.rowsRejected++;
            }
            countOnly = true;
            projection.keep = new Uint8Array(1);
          }
          continue;
        }
        f.report.rowsRead++;
        if (ev.kind === "problem") {
          f.report.rowsRejected++;
          this.problem(f, {
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
          this.problem(f, {
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
          if (prevKey !== undefined && key < prevKey)
            f.report.sortedByIkbKey = false;
          prevKey = key;
        }
        if (f.unique) f.unique.hashes.addHash(hash53Cells(ev.cells, f.keyCols));
        if (f.wholeFile.length > 0) {
          const cells = canonicalCells(f, ev.cells);
          for (const w of f.wholeFile) w.scan(cells);
        }
        this.totals.row(f.entity.name, ev.cells, f.index, ev.line, f.normalize);
        for (const c of collect)
          if (ev.cells[c.col] !== "") c.set.add(ev.cells[c.col]);
        records++;
      }
    if (f.entity.single && f.report.readStatus === "read" && records !== 1)
      this.problem(f, {
        code: "input.record-count",
        severity: "blocking",
        file: f.file,
        message: `${f.entity.name} is declared \`single\` (exactly one record${f.entity.record === undefined ? "" : ` of type ${JSON.stringify(f.entity.record)}`}), but ${f.file} holds ${records}`,
      });
    if (!headerSeen) {
      this.problem(f, {
        code: "input.empty-file",
        severity: "blocking",
        file: f.file,
        message: `file ${f.file} is empty (no header)`,
      });
      f.report.readStatus = "stopped";
    }
    this.rowsTotal += f.report.rowsRead - f.report.rowsRejected;
  }

  /** The rows of a file that passed the scan, in file order, in batches. */
  private async *goodRows(f: FileState): AsyncGenerator<KeyedRow[]> {
    let headerSeen = f.entity.dialect?.header === false;
    for await (const batch of this.events(f)) {
      const out: KeyedRow[] = [];
      for (const ev of batch) {
        if (!headerSeen) {
          headerSeen = true;
          continue;
        }
        if (ev.kind === "problem" || ev.cells.length !== f.width) continue;
        out.push({
          key: f.ikbCol >= 0 ? ev.cells[f.ikbCol] : "",
          line: ev.line,
          cells: ev.cells,
        });
      }
      if (out.length) yield out;
    }
  }

  /**
   * The second read of the whole-file checks (runtime/whole-file.ts): only of a file read to the
   * end in which some combination may occur twice; the findings then wait for the validate pass.
   */
  private async wholeFilePass(): Promise<void> {
    for (const f of this.files) {
      const pending = f.wholeFile.filter((w) => w.seal());
      if (pending.length === 0 || f.report.readStatus !== "read") continue;
      for await (const batch of this.goodRows(f))
        for (const row of batch)
          for (const w of pending)
            w.collect(canonicalCells(f, row.cells), row.line, row.cells);
      for (const w of pending) w.finish();
    }
    await this.joinedPass();
  }

  /**
   * The whole-file checks over joined records (`for file NP with SA by customer_id`): the two
   * files are read together, one IKB at a time (sorted as for the validate pass), and each record
   * is paired with the joined entity's records of its IKB whose `by` cell is the same text; every
   * pair is one row of the check (its line the record's). A hash pass over the pairs and, when
   * some combination may occur twice, a second one that collects the candidates: the memory is
   * that of {@link WholeFileCheck} plus one IKB of the two files, never a table of the joined
   * file. A missing or unreadable file of either entity, or one without the IKB key, gives no
   * finding (the file is reported by itself).
   */
  private async joinedPass(): Promise<void> {
    for (const r of this.rs.fileRules) {
      const join = r.join;
      const projection = this.rs.wholeFile?.[r.code];
      if (join === undefined || projection === undefined) continue;
      const own = this.files.find((f) => f.entity.name === r.entities[0]);
      const other = this.files.find((f) => f.entity.name === join.entity);
      if (
        own === undefined ||
        other === undefined ||
        own.report.readStatus !== "read" ||
        other.report.readStatus !== "read" ||
        own.ikbCol < 0 ||
        other.ikbCol < 0
      )
        continue;
      const col = (f: FileState) =>
        f.index[f.entity.fields.findIndex((fd) => fd.name === join.by)] ?? -1;
      const byOwn = col(own);
      const byOther = col(other);
      if (byOwn < 0 || byOther < 0) continue;
      // one row of the check: the record's fields, then the joined record's as `SA.field`
      const entity: EntityMeta = {
        ...own.entity,
        fields: [
          ...own.entity.fields,
          ...other.entity.fields.map((fd) => ({
            ...fd,
            name: `${other.entity.name}.${fd.name}`,
          })),
        ],
      };
      const index = [
        ...own.index,
        ...other.index.map((i) => (i < 0 ? -1 : i + own.width)),
      ];
      const w = new WholeFileCheck(
        r,
        projection,
        entity,
        index,
        own.file,
        this.opts.showPersonalData === true,
        own.width,
      );
      await this.eachPair(own, other, byOwn, byOther, (cells) => w.scan(cells));
      if (w.seal()) {
        await this.eachPair(own, other, byOwn, byOther, (cells, line, raw) =>
          w.collect(cells, line, raw),
        );
        w.finish();
      }
      own.wholeFile.push(w);
    }
  }

  /** Every record of `own` with each record of `other` in its IKB whose `by` cell is the same. */
  private async eachPair(
    own: FileState,
    other: FileState,
    byOwn: number,
    byOther: number,
    fn: (cells: string[], line: number, delivered: string[]) => void,
  ): Promise<void> {
    const source = (f: FileState) =>
      f.runs ? mergeRuns(f.runs) : this.goodRows(f);
    for await (const groups of groupByKey([source(own), source(other)]))
      for (const g of groups) {
        const [mine, theirs] = g.rows;
        if (g.key.trim() === "" || mine.length === 0 || theirs.length === 0)
          continue;
        for (const a of mine) {
          const by = a.cells[byOwn];
          if (by === "") continue;
          const cells = canonicalCells(own, a.cells);
          for (const b of theirs)
            if (b.cells[byOther] === by)
              fn(
                cells.concat(canonicalCells(other, b.cells)),
                a.line,
                a.cells.concat(b.cells),
              );
        }
      }
  }

  private async sort(f: FileState, temp: TempSpace): Promise<void> {
    const w = new RunWriter(temp, f.entity.name, this.opts.sortBudget);
    let n = 0;
    const total = f.report.rowsRead;
    for await (const batch of this.goodRows(f))
      for (const row of batch) {
        if (w.add(row)) await w.flush();
        if (this.opts.onProgress && (++n & 0xffff) === 0)
          this.opts.onProgress({
            phase: "sort",
            file: f.file,
            done: n,
            total,
            rows: n,
          });
      }
    await w.finish();
    f.runs = w.runs;
  }

  // ---- validate pass -------------------------------------------------------------------

  private async validateAll(): Promise<void> {
    const readable = this.files.filter((f) => f.report.readStatus === "read");
    const grouped = readable.filter((f) => f.ikbCol >= 0);
    const flat = readable.filter((f) => f.ikbCol < 0);
    if (grouped.length) {
      const sources = grouped.map((f) =>
        f.runs ? mergeRuns(f.runs) : this.goodRows(f),
      );
      const names = this.rs.entities
        .filter((e) => e.file && grouped.some((g) => g.entity === e))
        .map((e) => e.name);
      for await (const groups of groupByKey(sources))
        for (const g of groups) {
          if (g.key.trim() === "") {
            // A row without an IKB key belongs to no IKB that can be named: it is checked on its
            // own and counts as one IKB that does not meet the automated controls (docs/report.md,
            // "Rows without an IKB key"): a row never leaves the denominator.
            g.rows.forEach((rows, i) => {
              for (const row of rows) this.ungrouped(grouped[i], row);
            });
            continue;
          }
          // no prototype: an entity may be called `toString` (the module reads ikb[entity])
          const ikb: Record<string, unknown[]> = Object.create(null);
          for (const n of names) ikb[n] = [];
          const previous = await this.previous?.seek(g.key);
          this.processIkb(g.key, grouped, g.rows, ikb, previous);
        }
    }
    // the IKBs of T−1 after the delivery's last one are gone too
    await this.previous?.finish();
    for (const f of flat) {
      for await (const batch of this.goodRows(f))
        for (const row of batch)
          this.processIkb(undefined, [f], [[row]], undefined);
    }
  }

  /** A row of an IKB file whose IKB key is empty (or only white space). */
  private ungrouped(f: FileState, row: KeyedRow): void {
    const key = this.rs.metadata.ikb!.key;
    this.ungroupedRows++;
    this.problem(f, {
      code: "input.missing-ikb-key",
      severity: "blocking",
      file: f.file,
      line: row.line,
      message: `the row has no IKB key (${f.entity.name}.${key} is ${row.key === "" ? "empty" : "white space only"}): it belongs to no IKB and counts as an IKB that does not meet the automated controls`,
    });
    this.processIkb(undefined, [f], [[row]], undefined);
  }

  // Per-IKB scratch lists, reused so that a row costs no wrapper object.
  private readonly itemFile: FileState[] = [];
  private readonly itemRow: KeyedRow[] = [];
  private readonly itemRecord: unknown[] = [];
  private readonly itemOut: Finding[][] = [];
  /** The cells as delivered, of rows whose cells the file's dialect rewrote. */
  private readonly itemDelivered: string[][] = [];

  private processIkb(
    key: string | undefined,
    files: FileState[],
    rows: KeyedRow[][],
    ikb: Record<string, unknown[]> | undefined,
    previous?: Record<string, unknown[]>,
  ): void {
    const itemFile = this.itemFile;
    const itemRow = this.itemRow;
    const itemRecord = this.itemRecord;
    const itemOut = this.itemOut;
    const itemDelivered = this.itemDelivered;
    let n = 0;
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const fileRows = rows[i];
      if (fileRows.length === 0) continue;
      const decode = this.rs.decoders[f.entity.name];
      const list = ikb ? (ikb[f.entity.name] ??= []) : undefined;
      for (let j = 0; j < fileRows.length; j++) {
        const row = fileRows[j];
        const out: Finding[] = [];
        let record: unknown;
        try {
          if (f.normalize) {
            itemDelivered[n] = row.cells.slice();
            f.normalize.normalize(row.cells);
          }
          record = decode ? decode(row.cells, f.index, out) : {};
        } catch (e) {
          this.internalError(f, row, "decoding", e);
          continue;
        }
        if (list) list.push(record);
        itemFile[n] = f;
        itemRow[n] = row;
        itemRecord[n] = record;
        itemOut[n] = out;
        n++;
      }
    }
    const ctx: RuleContext = {
      rrd: this.rrdDays,
      ikb: ikb ?? EMPTY_IKB,
      ikbKey: key,
    };
    if (previous !== undefined) ctx.previous = previous;
    const all: Finding[] = [];
    for (let k = 0; k < n; k++) {
      const f = itemFile[k];
      const row = itemRow[k];
      const out = itemOut[k];
      const check = this.rs.checks[f.entity.name];
      try {
        if (check) check(itemRecord[k], ctx, out);
      } catch (e) {
        this.internalError(f, row, "checking", e);
        continue;
      }
      this.fileChecks(
        f,
        row,
        key,
        out,
        f.normalize ? itemDelivered[k] : row.cells,
      );
      if (out.length > 0) {
        const codes = new Set<string>();
        for (const fd of out) {
          fd.file = f.file;
          fd.line = row.line;
          if (f.normalize) {
            showDelivered(fd.values, f.normalize, row.cells, itemDelivered[k]);
            fd.message = fd.message.split(INVALID).join("");
          }
          this.tally(fd, !codes.has(fd.rule));
          codes.add(fd.rule);
          if (fd.severity === "blocking") this.countBlocking(f, fd.rule);
          all.push(fd);
        }
      }
      f.report.rowsValidated++;
    }
    if (previous !== undefined && key !== undefined && this.rs.gone)
      // the records of this IKB in T−1 that the delivery no longer has
      this.goneRecords(key, previous, this.previous!.lines, ctx, all);
    // drop the references so that the rows of this IKB can be collected
    for (let k = 0; k < n; k++) {
      itemRow[k] = undefined as unknown as KeyedRow;
      itemRecord[k] = undefined;
      itemOut[k] = undefined as unknown as Finding[];
    }
    this.rowsDone += n;
    if (this.opts.onProgress && (this.rowsDone & 0x3fff) < n)
      this.opts.onProgress({
        phase: "validate",
        file: files.map((f) => f.file).join(", "),
        done: this.rowsDone,
        total: this.rowsTotal,
        rows: this.rowsDone,
      });
    if (ikb) {
      this.ikbCount++;
      const c = this.rs.classify(all, ikb);
      if (c.meetsAutomatedControls) this.ikbMeeting++;
      if (c.categories.length > 0)
        for (const cat of new Set(c.categories))
          this.categoryCounts.set(cat, (this.categoryCounts.get(cat) ?? 0) + 1);
      if (c.payoutsBlocked.length > 0)
        for (const p of new Set(c.payoutsBlocked))
          this.payoutCounts.set(p, (this.payoutCounts.get(p) ?? 0) + 1);
      if (this.aggregates.any) this.aggregates.ikb(ikb, c.categories);
    }
  }

  /**
   * The `for previous E` rules (accounts that disappear, `rs.gone`) on the records of one IKB of
   * T−1. `ctx` is the IKB's context in the delivery, with its records; undefined when the whole
   * IKB is gone (its records are then checked against an empty IKB, and their findings count in
   * no IKB). Findings name the record's file and line in T−1 and the IKB (`finding.previous`);
   * with `all` they join the IKB's findings (its classification).
   */
  private goneRecords(
    key: string,
    records: Record<string, unknown[]>,
    lines: Record<string, number[]>,
    ctx: RuleContext | undefined,
    all: Finding[] | undefined,
  ): void {
    const gone = this.rs.gone!;
    const context: RuleContext = ctx ?? {
      rrd: this.rrdDays,
      ikb: EMPTY_IKB,
      ikbKey: key,
      previous: records,
    };
    for (const entity of Object.keys(gone)) {
      const check = gone[entity];
      const list = records[entity] ?? [];
      const file = this.rs.entities.find((e) => e.name === entity)?.file;
      for (let i = 0; i < list.length; i++) {
        const out: Finding[] = [];
        try {
          check(list[i], context, out);
        } catch (e) {
          throw new Error(
            `checking ${file ?? entity} line ${lines[entity]?.[i]} of the previous delivery: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
        const codes = new Set<string>();
        for (const fd of out) {
          fd.file = file;
          fd.line = lines[entity]?.[i];
          fd.previous = { ikb: key, ikbDelivered: ctx !== undefined };
          this.tally(fd, !codes.has(fd.rule));
          codes.add(fd.rule);
          all?.push(fd);
        }
      }
    }
  }

  /**
   * A compiled decoder or check threw on a row (a bug in generated code, or input it did not
   * expect): the row is rejected with the file, line and message, and the run goes on.
   */
  private internalError(
    f: FileState,
    row: KeyedRow,
    what: string,
    e: unknown,
  ): void {
    f.report.rowsRejected++;
    this.problem(f, {
      code: "input.validator-error",
      severity: "blocking",
      file: f.file,
      line: row.line,
      message: `the compiled validator failed while ${what} this row: ${(e as Error)?.message ?? String(e)}`,
    });
  }

  /** Unique-key and references checks of one row. */
  private fileChecks(
    f: FileState,
    row: KeyedRow,
    ikbKey: string | undefined,
    out: Finding[],
    /** The row's cells as the file holds them (whole-file messages show these). */
    delivered: readonly string[],
  ): void {
    const e = f.entity;
    if (
      f.refs.length === 0 &&
      !(f.unique?.candidates?.size ?? 0) &&
      f.wholeFile.length === 0
    )
      return;
    const role =
      f.roleByField >= 0 && ikbKey !== undefined
        ? row.cells[f.index[f.roleByField]] === ikbKey
          ? ("D" as const)
          : ("V" as const)
        : undefined;
    const u = f.unique;
    if (u && u.candidates && u.candidates.size > 0) {
      if (u.candidates.has(hash53Cells(row.cells, f.keyCols))) {
        const kt = this.keyText(f, row.cells);
        const first = u.seen.get(kt);
        if (first === undefined) u.seen.set(kt, row.line);
        else
          out.push({
            rule: u.code,
            severity: u.severity,
            entity: e.name,
            role,
            attribute: undefined,
            key: renderKey(f, row),
            values: Object.fromEntries(
              e.key.map((k, i) => [k, row.cells[f.keyCols[i]] ?? null]),
            ),
            message: `the key ${renderKey(f, row)} also occurs at line ${first}`,
            law: this.rs.laws[u.code],
          });
      }
    }
    for (const w of f.wholeFile) {
      const found = w.findingAt(row.line, delivered);
      if (found)
        out.push({
          rule: w.rule.code,
          severity: w.rule.severity,
          entity: e.name,
          role,
          attribute: undefined,
          key: renderKey(f, row),
          values: found.values,
          message: found.message,
          law: this.rs.laws[w.rule.code],
        });
    }
    for (const r of f.refs) {
      const value = row.cells[r.col];
      // only against a target file read to the end (a missing one is reported by itself)
      if (value !== "" && r.against !== undefined && !r.against.has(value))
        out.push({
          rule: r.code,
          severity: r.severity,
          entity: e.name,
          role,
          attribute: r.field,
          key: renderKey(f, row),
          values: { [r.field]: value },
          message: `${e.name}.${r.field} = ${JSON.stringify(value)} does not match any ${r.target}`,
          law: this.rs.laws[r.code],
        });
    }
  }

  /** An IKB key as a sample shows it: masked when the IKB key field of `entity` is personal. */
  private maskIkb(entity: string, key: string): string {
    const field = this.rs.metadata.ikb?.key;
    return !this.opts.showPersonalData &&
      field !== undefined &&
      this.personal.get(entity)?.has(field) === true
      ? MASK
      : key;
  }

  private tally(fd: Finding, newRecord: boolean): void {
    let t = this.tallies.get(fd.rule);
    if (!t) {
      t = {
        severity: fd.severity,
        count: 0,
        records: 0,
        samples: [],
        omitted: 0,
        firstFile: fd.file ?? null,
        firstLine: fd.line ?? null,
      };
      this.tallies.set(fd.rule, t);
    }
    t.count++;
    if (fd.previous !== undefined) t.ofPrevious = true;
    t.reported = countReported(t.reported, fd);
    if (newRecord) t.records++;
    if (t.samples.length < this.maxSamples) {
      const personal = this.opts.showPersonalData
        ? undefined
        : this.personal.get(fd.entity);
      const values = maskValues(fd.values, personal);
      const owned: Record<string, string | null> = {};
      for (const k in values) {
        const v = values[k];
        owned[k] = v === null ? null : own(v);
      }
      t.samples.push({
        key: own(maskKey(fd.key, personal)),
        entity: fd.entity,
        role: fd.role ?? null,
        attribute: fd.attribute ?? null,
        values: owned,
        message: own(maskMessage(fd.message, fd.values, fd.key, personal)),
        file: fd.file ?? null,
        line: fd.line ?? null,
        ...reportedOf(fd),
        ...(fd.previous === undefined
          ? {}
          : {
              previous: {
                ikb: own(this.maskIkb(fd.entity, fd.previous.ikb)),
                ikbDelivered: fd.previous.ikbDelivered,
              },
            }),
      });
    } else t.omitted++;
  }

  // ---- report --------------------------------------------------------------------------

  private buildReport(): Report {
    const rs = this.rs;
    const m = rs.metadata;
    const validatedBy = new Map<string, number>();
    for (const f of this.files)
      validatedBy.set(
        f.entity.name,
        (validatedBy.get(f.entity.name) ?? 0) + f.report.rowsValidated,
      );
    for (const f of this.files)
      if (f.report.blockingErrors > 0) {
        f.report.status = "rejected";
        f.report.blockingByCode = [...f.blocking]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([code, count]) => ({ code, count }));
      }

    const ruleReports: RuleReport[] = [];
    const codes = new Set<string>([
      ...this.trace.keys(),
      ...this.tallies.keys(),
    ]);
    for (const code of [...codes].sort()) {
      const t = this.trace.get(code);
      const tally = this.tallies.get(code);
      const entities = t
        ? [...t.entities]
        : [...new Set(tally?.samples.map((s) => s.entity) ?? [])];
      // a rule on the records of T−1 (`for previous E`) counts against the records read there
      const base =
        tally?.ofPrevious === true
          ? (this.previous?.report.files ?? [])
              .filter((f) => entities.includes(f.entity))
              .reduce((a, f) => a + f.rows, 0)
          : entities.reduce((a, e) => a + (validatedBy.get(e) ?? 0), 0);
      const records = tally?.records ?? 0;
      ruleReports.push({
        code,
        title: t?.title ?? code,
        meaning: t?.meaning ?? null,
        severity: t?.severity ?? tally?.severity ?? "signalling",
        ...(t?.classification
          ? { classification: { ...t.classification } }
          : {}),
        target: t?.target ?? "record",
        entities,
        origin: t?.origin ?? m.id,
        location: t?.location ?? { file: "", line: 0, column: 0 },
        source: t?.source ?? null,
        articles: t ? [...t.articles] : [],
        assumptions: t ? [...(t.assumptions ?? [])] : [],
        ...(t?.previous === true && this.previous === undefined
          ? { notEvaluated: { reason: NOT_EVALUATED_REASON } }
          : {}),
        count: tally?.count ?? 0,
        records,
        percentage: Math.min(100, pct(records, base)),
        samples: tally?.samples ?? [],
        samplesOmitted: tally?.omitted ?? 0,
        ...(tally?.reported === undefined ? {} : { ...tally.reported }),
      });
    }
    const isPrimary = (r: RuleReport) =>
      r.severity === "blocking" ||
      (this.trace.get(r.code)?.categories.length ?? 0) > 0 ||
      r.target === "file";

    const blockingErrors: BlockingError[] = [];
    for (const r of ruleReports)
      if (r.severity === "blocking" && r.count > 0) {
        const t = this.tallies.get(r.code)!;
        blockingErrors.push({
          code: r.code,
          title: r.title,
          count: r.count,
          file: t.firstFile,
          line: t.firstLine,
        });
      }
    for (const [code, c] of [...this.inputCounts].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    ))
      if (c.severity === "blocking" && !this.trace.has(code))
        blockingErrors.push({
          code,
          title: INPUT_TITLES[code] ?? code,
          count: c.count,
          file: c.file,
          line: c.line,
        });
    blockingErrors.sort((a, b) =>
      a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    );

    const rows = { read: 0, validated: 0, rejected: 0 };
    for (const f of this.files) {
      rows.read += f.report.rowsRead;
      rows.validated += f.report.rowsValidated;
      rows.rejected += f.report.rowsRejected;
    }
    const hasIkb = m.ikb !== undefined;
    // every row without an IKB key counts as an IKB that does not meet the automated controls
    const ikbTotal = this.ikbCount + this.ungroupedRows;
    const percentage = pct(this.ikbMeeting, ikbTotal);
    const norm = this.groeipad;
    const aggregates = this.aggregates.any
      ? this.aggregates.report((code) => this.tallies.get(code)?.count ?? 0)
      : undefined;

    const report: Report = {
      reportVersion: REPORT_VERSION,
      generator: {
        name: "regel",
        version: this.opts.generatorVersion ?? toolVersion(),
      },
      ...(this.opts.generatedAt ? { generatedAt: this.opts.generatedAt } : {}),
      ruleset: {
        id: m.id,
        name: m.name,
        version: m.version,
        title: m.title ?? null,
        validFrom: m.validFrom ?? null,
        validUntil: m.validUntil ?? null,
        sources: m.sources.map((s) => ({
          alias: s.alias,
          title: s.title,
          url: s.url ?? null,
        })),
      },
      rrd: this.opts.rrd,
      personalDataShown: !!this.opts.showPersonalData,
      status: blockingErrors.length > 0 ? "rejected" : "accepted",
      blockingErrors,
      rows,
      files: this.files.map((f) => f.report),
      filesNotRead: this.filesNotRead(),
      deliveryProblems: this.deliveryProblems,
      ikbs: hasIkb
        ? {
            ...(m.ikb?.unit === undefined ? {} : { unit: m.ikb.unit }),
            count: ikbTotal,
            meetingAutomatedControls: this.ikbMeeting,
            percentage,
            ungroupedRows: this.ungroupedRows,
          }
        : null,
      groeipad:
        hasIkb && norm !== undefined
          ? {
              year: norm.year,
              norm: norm.norm,
              percentage,
              meetsNorm: percentage >= norm.norm,
              source: norm.source,
              ...(norm.aim === undefined
                ? {}
                : {
                    aim: {
                      target: norm.aim.target,
                      reached: percentage >= norm.aim.target,
                      source: norm.aim.source,
                    },
                  }),
            }
          : null,
      groeipadDeclared: hasIkb && this.groeipadDeclared,
      categories: rs.categories.map((c) => ({
        name: c.name,
        title: c.title,
        payout: c.payout ?? null,
        articles: [...c.articles],
        location: c.location,
        results: c.results.map((x) => ({
          code: x.code,
          role: x.role ?? null,
          attributes: [...x.attributes],
        })),
        markings: c.markings.map((m) => ({
          entity: m.entity,
          field: m.field,
          value: m.value,
          role: m.role ?? null,
        })),
        count: this.categoryCounts.get(c.name) ?? 0,
        percentage: pct(this.categoryCounts.get(c.name) ?? 0, ikbTotal),
      })),
      payouts: [...rs.payouts]
        .sort((a, b) => a.number - b.number)
        .map((p) => ({
          name: p.name,
          number: p.number,
          title: p.title,
          articles: [...p.articles],
          ikbsBlocked: this.payoutCounts.get(p.name) ?? 0,
          percentage: pct(this.payoutCounts.get(p.name) ?? 0, ikbTotal),
        })),
      inputProblems: [...this.inputCounts]
        .filter(([code]) => !this.trace.has(code))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([code, c]) => ({ code, severity: c.severity, count: c.count })),
      rules: ruleReports.filter(isPrimary),
      secondaryRules: ruleReports.filter((r) => !isPrimary(r)),
      ...(aggregates === undefined ? {} : { aggregates }),
      ...(this.opts.quarterly && rs.reconciliations?.[0]
        ? {
            plausibility: {
              reconciliation: reconcile(
                rs.reconciliations[0],
                aggregates ?? [],
                this.opts.quarterly,
              ),
            },
          }
        : {}),
      provenance: reportProvenance({
        loaded: this.loaded,
        groeipad: hasIkb ? norm : undefined,
        inputs: this.files
          // a file of record types is read by several entities: one input
          .filter(
            (f, i, all) =>
              delivered(f) && all.findIndex((g) => g.file === f.file) === i,
          )
          .map((f) => ({
            file: f.file,
            bytes: f.bytes,
            sha256: f.sha256 ?? null,
            rows: f.report.rowsRead,
          })),
        rrdChosenBy: this.opts.rrdChosenBy,
        showPersonalData: this.opts.showPersonalData,
        maxSamples: this.opts.maxSamples,
        maxFieldLength: this.opts.maxFieldLength,
        maxFields: this.opts.maxFields,
        maxRecordLength: this.opts.maxRecordLength,
        quarterly:
          this.opts.quarterly && rs.reconciliations?.[0]
            ? this.opts.quarterly
            : undefined,
        previous: this.previousInputs,
      }),
    };
    const reading = previousRules(rs).codes;
    if (this.previous !== undefined || reading.length > 0)
      report.previousDelivery = this.previous?.report ?? {
        given: false,
        folder: null,
        rules: reading,
        ikbsMatched: 0,
        ikbsGone: 0,
        files: [],
      };
    return report;
  }
}

/** Titles of the input problems that are not rules of the ruleset. */
export const INPUT_TITLES: Readonly<Record<string, string>> = {
  "input.missing-file": "File missing from the delivery",
  "input.empty-file": "Empty file (no header)",
  "input.duplicate-column": "Column appears twice in the header",
  "input.missing-column": "Column missing from the header",
  "input.absent-column": "Optional column not in the file",
  "input.unknown-record-type": "Record of no declared record type",
  "input.record-count": "Not exactly one record of a single-record entity",
  "input.unknown-column": "Column not in the data model",
  "input.column-count": "Row has a different number of columns than the header",
  "input.invalid-closing-quote":
    "Broken quoting: character after a closing quote",
  "input.unclosed-quote": "Broken quoting: quoted field never closed",
  "input.field-too-large": "Field too large",
  "input.record-too-large": "Record too large",
  "input.too-many-fields": "Too many fields in a record",
  "input.invalid-utf8": "Invalid UTF-8",
  "input.invalid-encoding": "Bytes not valid in the file's declared encoding",
  "input.invalid-json": "NDJSON line is not a JSON object of scalar values",
  "input.unreadable": "File cannot be read",
  "input.validator-error": "The compiled validator failed on a row",
  "input.missing-ikb-key": "Row without an IKB key",
  "input.no-records": "The delivery holds no records",
  "input.no-header": "First line is not a header",
  "input.wrong-delimiter": "File not separated as declared",
};

/**
 * A copy of `s` that shares no memory with the text it was cut from. Cells are slices of a whole
 * read chunk (1 MiB); a sample kept until the report would otherwise keep its chunk alive, and
 * thousands of samples kept most of the delivery's text in memory.
 */
/** Whether a file is in the delivery (read, or stopped while reading). */
function delivered(f: FileState): boolean {
  return f.report.readStatus !== "missing" && f.report.readStatus !== "absent";
}

function own(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

/** A record's key as `field=value;field=value`, for findings. */
function renderKey(f: FileState, row: KeyedRow): string {
  return f.entity.key
    .map((k, i) => `${k}=${row.cells[f.keyCols[i]] ?? ""}`)
    .join(";");
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

/** What is at `path` (following symbolic links). */
function entryKind(
  path: string,
): "file" | "folder" | "fifo" | "other" | "missing" {
  let st;
  try {
    st = statSync(path);
  } catch {
    return "missing";
  }
  return st.isFile()
    ? "file"
    : st.isDirectory()
      ? "folder"
      : st.isFIFO()
        ? "fifo"
        : "other";
}

const KIND_TEXT = {
  file: "a file",
  folder: "a folder",
  fifo: "a FIFO (named pipe)",
  other: "a device or socket",
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
function canonicalCells(f: FileState, cells: string[]): string[] {
  if (!f.normalize) return cells;
  const copy = cells.slice();
  f.normalize.normalize(copy);
  return copy;
}
