/**
 * The validation report: the types behind the JSON report (docs/report-schema.json), versioned by
 * {@link REPORT_VERSION}. Minor versions only add optional properties.
 *
 * @module
 */
import type { OutliersSection } from "./outlier-types.js";
import type {
  ArticleTrace,
  Role,
  RuleClassification,
  Severity,
  SourceLocation,
} from "../compiler/contract.js";

/** Version of the report format (semantic; see docs/report.md). */
export const REPORT_VERSION = "1.5.0";

/** A problem in the input itself (a file, a header, a row), not a rule finding. */
export interface InputProblem {
  /** `input.<kind>`, e.g. `input.column-count`, or the code of the file rule that reports it. */
  code: string;
  severity: Severity;
  file: string;
  /** 1-based line; absent for problems of a whole file. */
  line?: number;
  message: string;
}

/** A problem of the delivery as a whole, e.g. `input.no-records` (since 1.1.0). */
export interface DeliveryProblem {
  code: string;
  severity: Severity;
  message: string;
}

/** An entry of the delivery folder that the ruleset does not read (since 1.1.0). */
export interface FileNotRead {
  /** The entry's name in the delivery folder. */
  name: string;
  kind: "file" | "folder" | "fifo" | "other";
  /** Why it is not read, e.g. `not a file of ikb.glo@1.3.0`. */
  reason: string;
}

/** A record shown as an example of a finding. Personal values are masked unless asked for. */
export interface Sample {
  key: string;
  entity: string;
  role: Role | null;
  attribute: string | null;
  values: Record<string, string | null>;
  message: string;
  file: string | null;
  line: number | null;
  /**
   * For a finding about a field that declares `unknown` texts and has no value: `unknown` when it
   * was delivered as one of those texts, `missing` when it was empty (docs/report.md, "Unknown
   * values"). Since report version 1.4.0.
   */
  reported?: "unknown" | "missing";
  /**
   * A finding on a record of the previous delivery (T−1) that this delivery no longer has (`for
   * previous E`): `file` and `line` are then in T−1; `ikb` is the IKB the record belonged to there
   * (masked like the key when the IKB key field is personal), `ikbDelivered` whether this delivery
   * still has that IKB (`false`: the whole IKB is gone, and the finding counts in no IKB). Since
   * report version 1.4.0.
   */
  previous?: { ikb: string; ikbDelivered: boolean };
}

/** One rule and what it found. */
export interface RuleReport {
  code: string;
  title: string;
  meaning: string | null;
  severity: Severity;
  /**
   * The rule's business rule classification and scope (docs/language.md, "Rule classes and
   * scope"); absent for modules compiled before rules were classified. Since report version 1.3.0.
   */
  classification?: RuleClassification;
  target: "record" | "attribute" | "file";
  entities: string[];
  /** `name@version` of the ruleset version that declared the rule. */
  origin: string;
  location: SourceLocation;
  /** The rule as written in its `.regel` file; null for modules compiled without it. */
  source: string | null;
  articles: ArticleTrace[];
  /**
   * What the rule assumes where its sources are silent (its `assumption` clauses), in source order;
   * empty when it rests on none. Since report version 1.1.0.
   */
  assumptions?: string[];
  /**
   * Present when the rule was not evaluated, with the reason: a rule that reads the previous
   * delivery (`previous`) when none was given. Its `count` is then 0 and means nothing: the rule
   * did not pass either. Since report version 1.4.0.
   */
  notEvaluated?: { reason: string };
  /** Findings (one per record and attribute). */
  count: number;
  /** Distinct records with at least one finding. */
  records: number;
  /** `records` as a percentage of the validated rows of the rule's entities (2 decimals). */
  percentage: number;
  /** Up to `maxSamples` findings, in input order. */
  samples: Sample[];
  samplesOmitted: number;
  /**
   * Of `count`, the findings about a value reported as unknown, and about an empty value of a field
   * that declares `unknown` texts; present only when the rule has such findings. Since 1.4.0.
   */
  reportedUnknown?: number;
  reportedMissing?: number;
}

/** One file of the delivery: whether it was read, its rows and its input problems. */
export interface FileReport {
  entity: string;
  file: string;
  /**
   * `read`: read to the end; `missing`: not in the delivery; `absent`: an optional file
   * (`file "x" optional`) not in the delivery, which is no problem; `stopped`: a blocking problem
   * stopped reading.
   */
  readStatus: "read" | "missing" | "absent" | "stopped";
  /** `rejected` when the file has a blocking input problem or blocking finding. */
  status: "accepted" | "rejected";
  /** Was the file sorted by IKB key (no external sort needed)? `null` when not applicable. */
  sortedByIkbKey: boolean | null;
  rowsRead: number;
  rowsValidated: number;
  rowsRejected: number;
  blockingErrors: number;
  /** The blocking errors of this file per code (rules and `input.*` problems), sorted by code. */
  blockingByCode: { code: string; count: number }[];
  /** Input problems of this file (at most `maxSamples`). */
  problems: InputProblem[];
  problemsOmitted: number;
}

/** A code with blocking findings or problems, counted over the delivery: why a delivery is rejected. */
export interface BlockingError {
  code: string;
  title: string;
  count: number;
  /** First occurrence. */
  file: string | null;
  line: number | null;
}

/** A Bijlage 3 category and how many IKBs it holds. */
export interface CategoryReport {
  name: string;
  title: string;
  payout: string | null;
  articles: ArticleTrace[];
  location: SourceLocation;
  /** The Bijlage 3 entries of the category: validation results (rule, role, attributes)... */
  results: { code: string; role: Role | null; attributes: string[] }[];
  /** ...and markings. */
  markings: {
    entity: string;
    field: string;
    value: string;
    role: Role | null;
  }[];
  count: number;
  percentage: number;
}

/** A payout condition and how many IKBs block it. */
export interface PayoutReport {
  name: string;
  number: number;
  title: string;
  articles: ArticleTrace[];
  /** IKBs in a category that blocks this payout condition. */
  ikbsBlocked: number;
  percentage: number;
}

/** The groeipad norm of the RRD's year and whether the delivery meets it. */
export interface GroeipadVerdict {
  year: number;
  /** The minimum percentage of IKBs meeting the automated controls. */
  norm: number;
  percentage: number;
  meetsNorm: boolean;
  source: string;
  /**
   * The aim in force beside the norm (`aim automated_controls_pass >= N %`): what the source hopes
   * for ("streven"), not a norm. Whether it is reached never changes `meetsNorm`. Since 1.2.0.
   */
  aim?: { target: number; reached: boolean; source: string };
  /**
   * The assumptions stated on the norm's declaration (for all its periods), where the sources do
   * not give the norm; absent when it states none. Since 1.4.0.
   */
  assumptions?: string[];
}

/** A `.regel` file a compiled ruleset was compiled from. */
export interface SourceProvenance {
  /** Relative to the rulesets root (the folder holding `<name>/<version>.regel`). */
  path: string;
  /** `name@version` the file declares. */
  ruleset: string;
  sha256: string;
}

/** A compiled ruleset that produced (part of) the report. */
export interface RulesetProvenance {
  /** `name@version`. */
  id: string;
  /** The compiled file the runtime ran (or read), relative to the compiled root, and its sha256 (null for a module not loaded from a file). */
  compiled: { file: string; sha256: string | null };
  /** Every `.regel` file of its `extends` / `uses` chain, as recorded at compile time; empty when the module records none. */
  sources: SourceProvenance[];
  /**
   * Were the sources beside the compiled root checked against `sources`? `current`: yes, and
   * they match (stale output is refused, never reported); `not-found`: not checked, the sources
   * are not there; `unrecorded`: not checked, the module records no source hashes.
   */
  sourcesChecked: "current" | "not-found" | "unrecorded";
}

/** An input file as the runtime read it. */
export interface InputProvenance {
  /** File name in the delivery folder. */
  file: string;
  bytes: number;
  /** sha256 of the file's bytes; null when it could not be read. */
  sha256: string | null;
  /** Rows read (records after the header). */
  rows: number;
}

/** What produced the report: enough to run it again and to prove it was not altered. */
export interface Provenance {
  ruleset: RulesetProvenance;
  /** The compiled ruleset the groeipad norm was read from; null when there is no groeipad verdict. */
  groeipad: RulesetProvenance | null;
  /** Every file the runtime read, in the order of the `files` section. */
  inputs: InputProvenance[];
  /** How the RRD was given: `--rrd`, the embedding API's `rrd` option, or the pinned ruleset's `valid from` date. */
  rrdChosenBy: "--rrd" | "option" | "valid-from";
  /** The options that change the report's content. */
  options: {
    showPersonalData: boolean;
    maxSamples: number;
    maxFieldLength: number;
    /** Most fields in a record (since the limits of 1.1.0; absent in reports written before). */
    maxFields?: number;
    /** Most characters of field text in a record (absent in reports written before). */
    maxRecordLength?: number;
  };
  /**
   * The quarterly file the delivery was reconciled with (`--quarterly FILE`); absent without it.
   * Since 1.4.0.
   */
  quarterly?: QuarterlyProvenance;
  /**
   * The previous delivery (T−1) the rules reading `previous` compared with (`--previous DIR`);
   * absent without it. Since 1.4.0.
   */
  previous?: PreviousProvenance;
}

/** The quarterly file as read: enough to name it, prove it unchanged and see what it said. */
export interface QuarterlyProvenance {
  /** The file as given on the command line. */
  file: string;
  bytes: number;
  /** sha256 of the file's bytes. */
  sha256: string;
  /** The figures read, in the file's order, each value as the file writes it. */
  figures: { name: string; value: string }[];
}

/** The previous delivery as read: the folder as given and every file read from it. */
export interface PreviousProvenance {
  /** The folder as given on the command line. */
  folder: string;
  /** Each file read (not the missing ones), in the order of `previousDelivery.files`; rows: records read. */
  files: InputProvenance[];
}

/** The validation report of one delivery: the shape of `report.json` (docs/report-schema.json). */
export interface Report {
  reportVersion: string;
  generator: { name: string; version: string };
  /** Only present when passed in (reports are otherwise byte-identical for the same input). */
  generatedAt?: string;
  ruleset: {
    id: string;
    name: string;
    version: string;
    title: string | null;
    validFrom: string | null;
    validUntil: string | null;
    sources: { alias: string; title: string; url: string | null }[];
  };
  /** Reporting reference date, YYYY-MM-DD. */
  rrd: string;
  /**
   * `false` when the ruleset version was not in force on the RRD (pinned with `--ruleset`): its
   * status is that of a ruleset that does not apply, and `regel record` refuses the report.
   * Absent when it was in force. Since 1.4.0.
   */
  rulesetInForce?: false;
  personalDataShown: boolean;
  status: "accepted" | "rejected";
  blockingErrors: BlockingError[];
  rows: { read: number; validated: number; rejected: number };
  files: FileReport[];
  /** Every entry of the delivery folder that the ruleset does not read (since 1.1.0). */
  filesNotRead?: FileNotRead[];
  /**
   * Present when only the files of these entities were validated (`regel validate -`, the API's
   * `entities` option): the report is not of a whole delivery, and `regel record` refuses it.
   * Since 1.4.0.
   */
  partialDelivery?: { entities: string[] };
  /** Problems of the delivery as a whole (since 1.1.0). */
  deliveryProblems?: DeliveryProblem[];
  ikbs: {
    /**
     * What one group is called when the ruleset names it (`ikb ... unit "SCV record"`); absent:
     * an IKB. Terminal and HTML output use it (since 1.2.0, issue 12).
     */
    unit?: string;
    /** IKBs, counting each row without an IKB key as one IKB (see `ungroupedRows`). */
    count: number;
    meetingAutomatedControls: number;
    percentage: number;
    /**
     * Rows of IKB files whose IKB key is empty: each is counted in `count` as an IKB that does
     * not meet the automated controls, and reported as `input.missing-ikb-key` (since 1.1.0).
     */
    ungroupedRows?: number;
  } | null;
  groeipad: GroeipadVerdict | null;
  /**
   * Since 1.4.0: whether the report is held against a groeipad at all — the ruleset has an IKB
   * (no unit of its own) and a compiled ruleset beside it declares a groeipad norm in some
   * period. When false the terminal and report.html show no groeipad; when true and `groeipad`
   * is null, no norm is in force on the RRD. Absent in older reports.
   */
  groeipadDeclared?: boolean;
  categories: CategoryReport[];
  payouts: PayoutReport[];
  /** Input problems as pseudo-rules (`input.*`), counted over all files. */
  inputProblems: { code: string; severity: Severity; count: number }[];
  /** Rules that are blocking or feed a Bijlage 3 category. */
  rules: RuleReport[];
  /** Secondary validation errors: signalling rules that feed no category; shown apart. */
  secondaryRules: RuleReport[];
  /** What produced the report (reportVersion 1.1); absent in 1.0 reports. */
  provenance?: Provenance;
  /**
   * The ruleset's declared aggregates with their values (reportVersion 1.4); absent when the
   * ruleset declares none.
   */
  aggregates?: AggregateReport[];
  /**
   * Plausibility checks (reportVersion 1.4, issue 19): the `reconciliation` with an outside
   * report, and `outliers` against the bank's own history and its peers
   * (runtime/outlier-types.ts; docs/report.md § Plausibility: outliers).
   */
  plausibility?: {
    reconciliation?: ReconciliationReport;
    outliers?: OutliersSection;
  };
  /**
   * The previous delivery (T−1) that the rules reading `previous` compared with; present when
   * the ruleset has such rules (docs/report.md, "The previous delivery"). Since 1.4.0.
   */
  previousDelivery?: PreviousDeliveryReport;
}

/** A declared aggregate and its value on this delivery (docs/report.md, "Aggregates"). */
export interface AggregateReport {
  name: string;
  title: string | null;
  measure:
    "count-ikbs" | "count-records" | "sum" | "share-ikbs" | "count-findings";
  /** `count` (a number of IKBs, records or findings), `amount` (a sum) or `percent` (a share). */
  unit: "count" | "amount" | "percent";
  /** The value; `null` when it cannot be computed (a share of no IKBs). */
  value: number | null;
  /** The value as text: exact for a sum (`1250.00`), with numerator and denominator for a share. */
  text: string;
}

/**
 * The reconciliation of the delivery's aggregates with the figures of an outside report
 * (`regel validate --quarterly FILE`; docs/report.md, "Reconciliation").
 */
export interface ReconciliationReport {
  /** The `reconcile` declaration used. */
  name: string;
  title: string | null;
  articles: ArticleTrace[];
  /** The quarterly file as given, and the sha256 of its bytes. */
  file: string;
  sha256: string;
  /** `reconciled`: every figure within its tolerance; `differences`: at least one is not. */
  status: "reconciled" | "differences";
  figures: ReconciledFigure[];
}

/** One figure of the outside report compared with the aggregate it is declared against. */
export interface ReconciledFigure {
  /** The figure's name in the quarterly file. */
  name: string;
  aggregate: string;
  /** The figure the quarterly file reports; `null` when the file does not give it. */
  reported: number | null;
  /** The delivery's aggregate; `null` when it could not be computed. */
  delivered: number | null;
  /** delivered − reported; `null` when either is missing. */
  difference: number | null;
  /** The declared tolerance as written (`0`, `1000.00`, `0.5 %`). */
  tolerance: string;
  /** `within` tolerance, `differs` (outside it), or `missing` (the file or the delivery has no value). */
  status: "within" | "differs" | "missing";
  /** One sentence that names both figures. */
  message: string;
}

/** The previous delivery (T−1) of a run, or that none was given. */
export interface PreviousDeliveryReport {
  /** `false`: no previous delivery was given; the rules in `rules` were not evaluated. */
  given: boolean;
  /** The folder as given on the command line (`--previous DIR`); null when none was given. */
  folder: string | null;
  /** The codes of the rules that read `previous`. */
  rules: string[];
  /** IKBs of this delivery that the previous delivery also holds. */
  ikbsMatched: number;
  /**
   * IKBs of the previous delivery that this delivery no longer holds (the `for previous E` rules
   * ran on their records: docs/report.md, "Records gone since the previous delivery").
   */
  ikbsGone: number;
  /** The files of T−1 read: those of the entities the rules are on. */
  files: PreviousFileReport[];
}

/** One file of the previous delivery. */
export interface PreviousFileReport {
  entity: string;
  file: string;
  /** `missing`: not in the folder (its records read as absent in T−1); `unreadable`: no header. */
  status: "read" | "missing" | "unreadable";
  /** Records read (rows with an IKB key and the header's number of cells). */
  rows: number;
  /** Rows skipped: not a record (bad quoting, another number of cells, no IKB key). */
  rowsSkipped: number;
}
