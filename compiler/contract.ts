/**
 * The shape of a generated validator module: what `regel compile` emits for one ruleset version
 * and what the runtime loads. A generated module is self-contained ESM (it imports nothing); it
 * declares these types itself, so that engineers can use it without depending on regel: every
 * exported type of this file except {@link CompiledRuleset} is copied into each module as written
 * here, doc comments included (compiler/prelude.ts reads this file), so its types may refer only
 * to each other (what the file imports is for its functions).
 *
 * Values inside records: text and codes are `string`; integers are `number`; decimals and money are
 * `bigint` holding the unscaled value at the field's scale (money: cents); dates are `number` days
 * since 1970-01-01; datetimes are `number` milliseconds since the epoch (UTC); booleans are
 * `boolean`. An absent value (empty cell, or a value that failed to decode) is `undefined`.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** What a masked personal value is shown as: in messages (compiled modules) and reports (runtime). */
export const MASK = "***";

/** Whether a finding rejects the delivery (`blocking`) or is only reported (`signalling`). */
export type Severity = "blocking" | "signalling";
/** The role of a record in an IKB: `D` depositor, `V` representative. */
export type Role = "D" | "V";

/**
 * The law behind a rule, as its findings carry it: the rule's code and title, the articles it
 * implements and the assumptions it rests on. A module has one frozen `RuleLaw` per rule (exported
 * as `laws[code]`); every finding of the rule points at that same object, so carrying it costs a
 * finding one reference and no allocation.
 */
export interface RuleLaw {
  /** Rule code, e.g. `dmc0000`. */
  readonly code: string;
  readonly title: string;
  /** The articles the rule implements, as its `implements` clause lists them. */
  readonly articles: readonly Readonly<ArticleTrace>[];
  /** The rule's `assumption` texts: what it assumes where its sources are silent (often empty). */
  readonly assumptions: readonly string[];
}

/** A check result: one rule that one record (or attribute, or file) does not meet. */
export interface Finding {
  /** Rule code, e.g. `dmc0000` (the same as `law.code`). */
  rule: string;
  severity: Severity;
  entity: string;
  /** `D` or `V` when the entity has a role; otherwise undefined. */
  role: Role | undefined;
  /** The attribute for attribute rules and decode findings. */
  attribute: string | undefined;
  /** The record key rendered as `field=value;field=value`. */
  key: string;
  /**
   * The offending values, rendered as CSV text; `null` for absent. A value delivered as one of its
   * field's `unknown` texts shows that text as delivered (e.g. `Unknown`).
   */
  values: Record<string, string | null>;
  /** The rule's message with placeholders filled in. */
  message: string;
  /**
   * For an attribute finding whose field declares `unknown` texts and has no value: `unknown` when
   * the attribute was delivered as one of those texts ("reported as unknown"), `missing` when it
   * was empty. Left out otherwise (docs/language.md, "Unknown values").
   */
  reported?: "unknown" | "missing";
  /**
   * The rule's title, articles and assumptions: the module's frozen `laws[rule]`, shared by every
   * finding of the rule (so `finding.law.articles` needs no join with the trace table).
   */
  law: RuleLaw;
  /** Where the record came from; filled in by the runtime. */
  file?: string;
  line?: number;
  /**
   * Filled in by the runtime for a finding on a record of the previous delivery (`for previous
   * E`, accounts that disappear): `file` and `line` are then in T−1; `ikb` the IKB key the record
   * had there; `ikbDelivered` whether the delivery still has that IKB.
   */
  previous?: { ikb: string; ikbDelivered: boolean };
}

/** Where in a `.regel` file something is declared. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** An article a rule implements: the source's alias and title, and where in it. */
export interface ArticleTrace {
  source: string;
  sourceTitle: string;
  locator: string;
}

/** One row of the trace table: everything an auditor needs to follow a finding back. */
export interface RuleTrace {
  code: string;
  title: string;
  meaning: string | undefined;
  /** The articles that give the meaning (`meaning "..." from ...`); empty when it is the ruleset's own reading. */
  meaningFrom: ArticleTrace[];
  /** The rule's `assumption` texts, in source order. */
  assumptions: string[];
  severity: Severity;
  /** Class and scope; absent in modules compiled before rules were classified. */
  classification?: RuleClassification;
  /**
   * `true`: the rule reads the previous delivery (`previous`); without one it is not evaluated.
   * Absent for every other rule.
   */
  previous?: true;
  roles: Role[];
  target: "record" | "attribute" | "file";
  entities: string[];
  attributes: string[];
  articles: ArticleTrace[];
  location: SourceLocation;
  /** The ruleset version that declared this rule (`name@version`). */
  origin: string;
  /** The rule as written in its `.regel` file (doc comments excluded), for reports. */
  source: string;
  categories: {
    category: string;
    role: Role | undefined;
    attributes: string[];
  }[];
}

/**
 * A rule's business rule classification and scope, as DNB's data models give every rule one
 * (docs/language.md, "Rule classes and scope"): from the rule's `class` / `scope` clauses or its
 * code prefix.
 */
export interface RuleClassification {
  /** `own` is regel's own check (no GLO code); `unclassified`: no clause and no known prefix. */
  class:
    | "domain"
    | "other_model"
    | "entity_type"
    | "tuple"
    | "specialisation"
    | "own"
    | "unclassified";
  /** The classification as DNB's models print it, e.g. `domain constraint`. */
  label: string;
  /** `declared` (a `class` clause), `prefix` (found in source), `prefix-inferred` (smc, tmc) or `none`. */
  classFrom: "declared" | "prefix" | "prefix-inferred" | "none";
  /** Checked `within` the data delivery or with data `outside` it (e.g. the previous delivery). */
  scope: "within" | "outside";
  /** The scope as DNB's models print it, e.g. `Checked within the data delivery`. */
  scopeLabel: string;
  /** `declared` (a `scope` clause) or `class` (the class's usual scope). */
  scopeFrom: "declared" | "class";
}

/** What an `assumption` can be on (docs/language.md, "Assumptions and sources of meaning"). */
export type AssumptionSubject =
  | "ruleset"
  | "codelist"
  | "entity"
  | "field"
  | "ikb"
  | "rule"
  | "category"
  | "payout"
  | "metric"
  | "norm"
  | "measure"
  | "calendar"
  | "holiday"
  | "aggregate"
  | "reconcile"
  | "plausibility";

/** One `assumption` of a ruleset version and the declaration it is on. */
export interface AssumptionTrace {
  on: AssumptionSubject;
  /**
   * The declaration's name: the ruleset id for the header, a rule code, `Entity.field` for a
   * field, `calendar.holiday` for a holiday, `ikb` for the IKB grouping.
   */
  name: string;
  text: string;
  location: SourceLocation;
}

/** A Bijlage 3 category: the results and markings that put an IKB in it, and the payout it blocks. */
export interface CategoryTrace {
  name: string;
  title: string;
  payout: string | undefined;
  articles: ArticleTrace[];
  location: SourceLocation;
  results: { code: string; role: Role | undefined; attributes: string[] }[];
  markings: {
    entity: string;
    field: string;
    value: string;
    role: Role | undefined;
  }[];
}

/** A payout condition that categories block. */
export interface PayoutTrace {
  name: string;
  number: number;
  title: string;
  articles: ArticleTrace[];
}

/** A norm over time (groeipad, audit deadlines): per period the requirements on named metrics. */
export interface NormTrace {
  name: string;
  title: string | undefined;
  articles: ArticleTrace[];
  location: SourceLocation;
  periods: {
    /** `year 2021` */
    year: number | undefined;
    /** `from 2024-01-01 [until ...]` (until exclusive) */
    from: string | undefined;
    until: string | undefined;
    /**
     * `metric op value`; `value` is the literal as written in the ruleset, e.g. `95 %`, `3 workdays`.
     * `aim: true` marks an aim (`aim metric op value`): reported beside the norm, never a requirement.
     */
    requirements: { metric: string; op: string; value: string; aim?: true }[];
  }[];
}

/**
 * An `aggregate` declaration (docs/language.md, "Aggregates"): a figure of the delivery as a
 * whole that `regel validate` computes, reports and records in the history store.
 */
export interface AggregateTrace {
  name: string;
  title: string | undefined;
  /**
   * `count-ikbs` (`count ikb`), `count-records` (`count E`), `sum` (`sum E.f`), `share-ikbs`
   * (`proportion ikb`: a percentage of the IKBs) or `count-findings` (`count result CODE`).
   */
  measure:
    "count-ikbs" | "count-records" | "sum" | "share-ikbs" | "count-findings";
  /** `count E`, `sum E.f`: the entity. */
  entity?: string;
  /** `sum E.f`: the field. */
  field?: string;
  /** `sum E.f`: the field's decimal places (0 for an integer field). */
  scale?: number;
  /** `count result CODE`: the rule. */
  rule?: string;
  /** `in category NAME`: only IKBs in that category. */
  category?: string;
  /** `with E.f = "VALUE"`: only IKBs with a record carrying that value. */
  marking?: { entity: string; field: string; value: string };
  articles: ArticleTrace[];
  assumptions: string[];
  location: SourceLocation;
  /** The declaration as written in its `.regel` file (doc comments excluded). */
  source: string;
}

/**
 * A `reconcile` declaration: the figures of an outside report (the quarterly DGS report) and the
 * aggregate each is compared with, within a tolerance.
 */
export interface ReconcileTrace {
  name: string;
  title: string | undefined;
  articles: ArticleTrace[];
  assumptions: string[];
  location: SourceLocation;
  figures: {
    /** The figure's name as the outside report's file writes it. */
    name: string;
    /** The aggregate it is compared with. */
    aggregate: string;
    /** The largest difference that is no finding: absolute, or a percentage of the reported figure. */
    tolerance: { kind: "absolute" | "percent"; value: string };
  }[];
}

/**
 * A `plausibility` declaration with every default filled in: what audit/outliers.ts evaluates
 * against the history store (docs/language.md § Plausibility).
 */
export interface PlausibilityTrace {
  name: string;
  title: string | undefined;
  /** `history`: the bank's own earlier deliveries; `peers`: the other banks at the same RRD. */
  compare: "history" | "peers";
  method: "robust_z";
  threshold: number;
  /** How many earlier deliveries (one per RRD) a value is compared with (history only). */
  window: number;
  /** Fewer earlier deliveries (history) or other banks (peers) than this: not evaluated. */
  minimum: number;
  /** `ikbs`, `percentage`, `blocking_errors`, `errors`, `findings`, `findings CODE`, `aggregates`, `aggregate NAME`. */
  watch: string[];
  articles: ArticleTrace[];
  assumptions: string[];
  location: SourceLocation;
}

/** A field of an entity: its name, CSV column, type, and whether it is required or personal data. */
export interface FieldMeta {
  name: string;
  column: string;
  type: string;
  required: boolean;
  personal: boolean;
  description: string | undefined;
  /** `true` when the column may be left out of the file (`field x: text optional`). */
  optionalColumn?: true;
  /** The texts that stand for an unknown value (`unknown "Unknown", ...`); absent when none. */
  unknownValues?: string[];
  /** How this `date` field is written (`format "DD-MM-YYYY"`), instead of the dialect's `dateFormat`. */
  dateFormat?: string;
}

/**
 * How an entity's file is written, as its `file` clause declares (docs/language.md, "File
 * dialects"). Absent: RFC 4180 CSV (`,` and `"`), UTF-8, a header row, `YYYY-MM-DD` dates and a
 * decimal point. Nothing of it is guessed from the data.
 */
export interface FileDialect {
  /** The field separator: one character. */
  delimiter: string;
  /** The quote character; `null`: fields are never quoted. */
  quote: string | null;
  encoding: "utf-8" | "iso-8859-1" | "windows-1252";
  /** `false`: the file has no header row; its columns are the entity's fields in declared order. */
  header: boolean;
  /** How `date` fields are written, e.g. `DDMMYYYY` (`DD`, `MM`, `YYYY` and separators). */
  dateFormat: string;
  /** The decimal mark of `decimal` and `money` fields. */
  decimalMark: "." | ",";
}

/** An entity of the data model: its CSV file, key, role field and fields. */
export interface EntityMeta {
  name: string;
  title: string | undefined;
  file: string | undefined;
  /** How the file is written; absent when the entity declares no dialect (plain CSV). */
  dialect?: FileDialect;
  /** `true` when the file may be absent from a delivery (`file "x.csv" optional`). */
  optional?: true;
  /**
   * `record "C"`: the file holds several record types; this entity's records are the rows whose
   * first field is `C` (the other rows belong to the other entities of the file).
   */
  record?: string;
  /** `true`: the entity has exactly one record (`single`), e.g. a file's trailer. */
  single?: true;
  /** `true`: the file describes the delivery (`metadata`, e.g. row counts per entity type); no IKB key. */
  metadata?: true;
  key: string[];
  roleBy: string | undefined;
  fields: FieldMeta[];
}

/** A ruleset version: its name, version, validity period, sources and IKB grouping. */
export interface RulesetMetadata {
  name: string;
  version: string;
  id: string;
  title: string | undefined;
  validFrom: string | undefined;
  validUntil: string | undefined;
  extends: string | undefined;
  sources: { alias: string; title: string; url: string | undefined }[];
  ikb:
    | {
        key: string;
        depositors: string[];
        depositorBy: string;
        /** What one group is called (`ikb ... unit "SCV record"`); absent: "IKB". */
        unit?: string;
      }
    | undefined;
  /**
   * Every `.regel` file of the `extends` / `uses` chain, and the CSV file of every reference-data
   * `table` they declare, sorted by path: what the module was compiled from (see
   * compiler/source-files.ts). Absent in modules compiled without it.
   */
  sourceFiles?: SourceFileHash[];
}

/** A `.regel` file (or a table's CSV file) a module was compiled from. */
export interface SourceFileHash {
  /** Relative to the rulesets root (the folder holding `<name>/<version>.regel`), e.g. `ikb.glo/1.3.0.regel`. */
  path: string;
  /** `name@version` the file declares. */
  ruleset: string;
  /** sha256 of the file's text (UTF-8), lowercase hex: {@link sha256Hex}. */
  sha256: string;
}

/**
 * The sha256 of a text (of its UTF-8 bytes) or of bytes, as lowercase hex: how the compiler writes
 * {@link SourceFileHash.sha256} and how the runtime checks it. Part of the contract so that both
 * sides compute it the same way.
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Why `name` cannot be the file of an entity in a delivery folder (a folder, a path, a drive or a
 * control character), or undefined when it can. The checker refuses such a `file` (REG151, with
 * dsl/file-dialect.ts's twin of this function); the runtime refuses it too, since a module can be
 * made by hand: reading a delivery must never leave its folder.
 */
export function deliveryFileNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name === "." || name === "..") return `\`${name}\` is a folder`;
  if (/[/\\]/.test(name))
    return "it holds a `/` or `\\`: a delivery file is named without a folder";
  if (name.includes(":"))
    return "it holds a `:` (a drive or stream name on Windows)";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "it holds a control character";
  return undefined;
}

/** The delivery-level checks the runtime performs, each under the code of the rule that declares it. */
export interface FileRule {
  code: string;
  severity: Severity;
  check:
    | "present"
    | "header"
    | "unique-key"
    | "references"
    | "unique"
    | "one-per"
    | "count-per"
    | "total";
  entities: string[];
  /**
   * `unique`: the fields of the combination; `one-per`: the fields the records must agree on;
   * `count-per`: the one integer field that states how many records share the `per` fields.
   */
  fields?: string[];
  /**
   * `one-per`, `count-per`: the fields that group the records; a field of the joined records is
   * named with its entity (`SA.postal_code`).
   */
  per?: string[];
  /**
   * `for file NP with SA by customer_id`: each record is joined to the records of `entity` in the
   * same IKB with the same value of `by`; every pair is one combination (docs/language.md,
   * "Joined records"). The projection then reads the cells of both: the rule's entity's fields
   * first, the joined entity's after them (`index` holds both, the joined ones after the
   * entity's own).
   */
  join?: { entity: string; by: string };
  /** `total`: the file total as written (for messages); its compiled form is in `fileTotals`. */
  total?: FileTotalRule;
}

/**
 * A file total (`require count = TR.record_count`, `require sum balance = TR.total_balance`): the
 * number of records of the rule's entities, or the sum of `field` over its one entity, compared
 * with a figure.
 */
export interface FileTotalRule {
  measure: "count" | "sum";
  /** `sum`: the field summed. */
  field?: string;
  op: "=" | "!=" | "<" | "<=" | ">" | ">=";
  /** The figure as written: `14`, `max_records`, `TR.record_count`. */
  figure: string;
  /** The `single` entity whose field is the figure, when it is one (or the keyed entity of `key`). */
  single?: string;
  /** `E.f where k = "KEY"`: the value KEY that picks the record of {@link FileTotalRule.single}. */
  key?: string;
  /** `E.f where k = "KEY"`: the field k. */
  keyField?: string;
  /** The rule's `when` as written: only the records that meet it are counted or summed. */
  when?: string;
}

/**
 * The compiled form of a file total: exact numbers as unscaled bigints at one `scale`, so that
 * the runtime adds and compares without knowing the fields' types. A value that is absent or
 * does not fit its type is undefined (it takes no part in a sum; an undefined figure gives no
 * finding: the value is reported by itself).
 */
export interface FileTotalProjection {
  /** Decimal places of every figure (the larger of the total's and the figure's). */
  scale: number;
  /** `sum`: the row's value of the summed field. */
  value?: (
    cells: readonly string[],
    index: readonly number[],
  ) => bigint | undefined;
  /** A figure that is a field of a `single` entity: its value on that entity's row. */
  single?: (
    cells: readonly string[],
    index: readonly number[],
  ) => bigint | undefined;
  /** A figure that is a number or a parameter: its value on the RRD (days since 1970-01-01). */
  figure?: (rrd: number) => bigint | undefined;
  /**
   * The rule's `when`: whether a row of its entity is counted or summed (`ctx`: the RRD, no IKB).
   * `record` is the row as {@link FileTotalProjection.decode} gives it, when the caller has it
   * (one decode serves every `when` of the row); without it the row is decoded here.
   */
  when?: (
    cells: readonly string[],
    index: readonly number[],
    ctx: RuleContext,
    record?: unknown,
  ) => boolean;
  /**
   * With `when`: the row decoded as the checks decode it (the entity's {@link Decoder}, findings
   * dropped), the same function for every rule of the entity, so that a caller can decode a row
   * once for all of them. When every `when` of the entity names its fields ({@link whenFields}),
   * only the fields they name are decoded (the others are absent from the record). Absent in
   * modules compiled before it.
   */
  decode?: (cells: readonly string[], index: readonly number[]) => unknown;
  /**
   * The fields `when` reads (of the row, in declared order): a scan may leave the other cells
   * empty. Absent when it may read any (a `when` over the IKB), and in modules compiled before it.
   */
  whenFields?: readonly string[];
  /** `E.f where k = "KEY"`: whether a row of E is the one whose k is KEY. */
  match?: (cells: readonly string[], index: readonly number[]) => boolean;
}

/**
 * The compiled form of a whole-file check (`unique a, b`, `one a per b`): functions of one CSV
 * row (as {@link Decoder} takes it) that the runtime calls on every row of the rule's file.
 * `key` gives the row's combination (`unique`: the fields; `one-per`, `count-per`: the `per` fields) as one
 * text that is equal for two rows exactly when every field decodes to the same value; undefined
 * when a field is absent or does not fit its type (such a row takes no part, as an absent value
 * takes no part in a comparison). `value` (`one-per`) gives the fields that must agree, likewise.
 */
export interface WholeFileProjection {
  /** The row's combination as one comparable text; undefined when it takes no part. */
  key: (
    cells: readonly string[],
    index: readonly number[],
  ) => string | undefined;
  /**
   * The hashes the runtime takes of {@link key}'s text (cyrb53 with seed 0 into `out[0]` and, when
   * `out` has room for it, seed 0x9e3779b9 into `out[1]`), computed without building the text;
   * false when `key` is undefined.
   * Absent in modules compiled before it (the runtime then hashes `key`).
   */
  hash?: (
    cells: readonly string[],
    index: readonly number[],
    out: Float64Array,
  ) => boolean;
  /** `one-per`: the values that must agree, as one comparable text. */
  value?: (
    cells: readonly string[],
    index: readonly number[],
  ) => string | undefined;
  /** `count-per`: the number the row states (its integer field); undefined when absent or not valid. */
  count?: (
    cells: readonly string[],
    index: readonly number[],
  ) => number | undefined;
}

/** Context for evaluating record rules. */
export interface RuleContext {
  /** The reporting reference date, days since 1970-01-01. */
  rrd: number;
  /** All records of the current IKB by entity name; empty arrays when no IKB is assembled. */
  ikb: Readonly<Record<string, readonly unknown[]>>;
  /** The IKB key of the record, when the data model has an IKB. */
  ikbKey: string | undefined;
  /**
   * The records of the same IKB in the previous delivery (T−1) by entity name (empty arrays when
   * the IKB is not in it); undefined when no previous delivery is given: the rules that read
   * `previous` are then not evaluated.
   */
  previous?: Readonly<Record<string, readonly unknown[]>>;
}

/** Decoding one CSV row. `index[i]` is the cell position of the i-th field of the entity (-1: column missing). */
export type Decoder<R> = (
  cells: readonly string[],
  index: readonly number[],
  out: Finding[],
) => R;

/** The result of classifying one IKB (Bijlage 3). */
export interface Classification {
  categories: string[];
  payoutsBlocked: string[];
  meetsAutomatedControls: boolean;
}

/** What a generated module exports (besides one function per rule and the record types). */
export interface CompiledRuleset {
  metadata: RulesetMetadata;
  entities: readonly EntityMeta[];
  trace: readonly RuleTrace[];
  categories: readonly CategoryTrace[];
  payouts: readonly PayoutTrace[];
  /** Norms over time (groeipad); absent in modules compiled before norms were exported. */
  norms?: readonly NormTrace[];
  /** The declared aggregates; absent in modules that declare none. */
  aggregates?: readonly AggregateTrace[];
  /** The declared reconciliations with outside reports; absent in modules that declare none. */
  reconciliations?: readonly ReconcileTrace[];
  /**
   * The law of each rule by code (title, articles, assumptions): the frozen object that every
   * finding of the rule carries as `law`; undefined for a code that is not a rule of the module.
   */
  laws: Readonly<Record<string, RuleLaw>>;
  /**
   * Every assumption of this ruleset version with the declaration it is on; absent in modules
   * compiled before assumptions were exported.
   */
  assumptions?: readonly AssumptionTrace[];
  fileRules: readonly FileRule[];
  /**
   * The whole-file checks by rule code (see {@link WholeFileProjection}); absent in modules
   * compiled before whole-file checks.
   */
  wholeFile?: Readonly<Record<string, WholeFileProjection>>;
  /**
   * The file totals by rule code (see {@link FileTotalProjection}); absent in modules compiled
   * before file totals.
   */
  fileTotals?: Readonly<Record<string, FileTotalProjection>>;
  /** Decoders by entity name. */
  decoders: Readonly<Record<string, Decoder<unknown>>>;
  /**
   * Fused checks by entity name: all record and attribute rules of the entity in one pass.
   * Returns true when the record passes every rule (fast path); pushes findings otherwise.
   */
  checks: Readonly<
    Record<string, (record: any, ctx: RuleContext, out: Finding[]) => boolean>
  >;
  /**
   * The rules on the records of the previous delivery (`for previous E`, accounts that disappear)
   * by entity name: called with a record of T−1, `ctx.ikb` its IKB in the delivery (empty lists
   * when the IKB is gone) and `ctx.previous` its IKB in T−1; pushes a finding when the delivery no
   * longer has the record. Absent in modules without such rules.
   */
  gone?: Readonly<
    Record<string, (record: any, ctx: RuleContext, out: Finding[]) => void>
  >;
  /** Entity names whose rules need the assembled IKB (they use exists / count / sum). */
  needsIkb: readonly string[];
  /** Classify an IKB from its findings and records. */
  classify(
    findings: readonly Finding[],
    ikb: Readonly<Record<string, readonly unknown[]>>,
  ): Classification;
}
