/**
 * The abstract syntax tree of a `.regel` file.
 *
 * Every node carries a {@link Span} so that diagnostics, generated code and reports can point back
 * to the exact place in the ruleset. The parser builds these nodes; the checker resolves names and
 * annotates expressions with their {@link ValueType}; the compiler and the reference interpreter
 * read the resolved form (`dsl/model.ts`).
 *
 * @module
 */

/** A position in a source file. `line` and `column` are 1-based, `offset` is 0-based (UTF-16 units). */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** The source range of a node: `start` inclusive, `end` exclusive. */
export interface Span {
  file: string;
  start: Position;
  end: Position;
}

/** Fields shared by every node. */
export interface NodeBase {
  span: Span;
}

/** A name as written, with its own span (for "did you mean" diagnostics). */
export interface Ident extends NodeBase {
  kind: "Ident";
  name: string;
}

/** A `//` comment or a `///` doc comment, kept for the formatter. `text` excludes the slashes. */
export interface Comment extends NodeBase {
  kind: "Comment";
  text: string;
  doc: boolean;
}

/**
 * `assumption "..."`: what a ruleset assumes where its sources are silent, as a clause of the
 * declaration it qualifies (docs/language.md, "Assumptions"). Carried into trace.json, reports and
 * the catalogue, so an auditor sees what rests on it.
 */
export interface Assumption extends NodeBase {
  kind: "Assumption";
  text: string;
}

/** A node that can carry `assumption` clauses. */
export interface Assumable {
  /** The `assumption "..."` clauses, in source order. */
  assumptions: Assumption[];
}

/** `name@version`, e.g. `ikb.glo@1.2.0`. */
export interface RulesetRef extends NodeBase {
  kind: "RulesetRef";
  name: string;
  version: string;
}

/** A reference to an article: `bk bijlage 3`, `wft art 1:80`. `locator` is normalised text. */
export interface ArticleRef extends NodeBase {
  kind: "ArticleRef";
  source: Ident;
  locator: string;
}

/** One parsed `.regel` file. A file holds exactly one ruleset version. */
export interface RegelFile extends NodeBase {
  kind: "File";
  path: string;
  header: RulesetHeader | undefined;
  declarations: Declaration[];
  /** Every comment of the file in source order, doc comments included. */
  comments: Comment[];
}

export interface RulesetHeader extends NodeBase, Assumable {
  kind: "RulesetHeader";
  ref: RulesetRef;
  title: string | undefined;
  doc: string[];
  extends: RulesetRef | undefined;
  uses: RulesetRef[];
  validFrom: DateLiteral | undefined;
  /** Exclusive: the version is in force before this date. */
  validUntil: DateLiteral | undefined;
  sources: SourceDecl[];
}

/** `source bk "Beoordelingskader ..." [url "..."]` */
export interface SourceDecl extends NodeBase {
  kind: "Source";
  alias: Ident;
  title: string;
  url: string | undefined;
}

/** Any top-level declaration of a `.regel` file. */
export type Declaration =
  | CodeListDecl
  | EntityDecl
  | ExtendEntityDecl
  | ExtendCategoryDecl
  | ExtendCodeListDecl
  | IkbDecl
  | RuleDecl
  | CategoryDecl
  | PayoutDecl
  | MetricDecl
  | NormDecl
  | MeasureDecl
  | CalendarDecl
  | ParameterDecl
  | TableDecl
  | AggregateDecl
  | ReconcileDecl
  | PlausibilityDecl
  | RemoveDecl;

/** Fields shared by top-level declarations. */
export interface DeclBase extends NodeBase {
  /** Text of the `///` doc comments directly above the declaration, one entry per line. */
  doc: string[];
  /** `replace rule ...`: the declaration replaces the one of the same name inherited through `extends`. */
  replace: boolean;
}

/** `codelist legal_capacity "Rechtspersoonlijkheid"` with `value "CODE" ["description"]` lines. */
export interface CodeListDecl extends DeclBase, Assumable {
  kind: "CodeList";
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  values: CodeValue[];
}

export interface CodeValue extends NodeBase {
  kind: "CodeValue";
  code: string;
  description: string | undefined;
}

/** `entity NP "Natural person"` with file, key, role and field clauses. */
export interface EntityDecl extends DeclBase, Assumable {
  kind: "Entity";
  name: Ident;
  title: string | undefined;
  file: string | undefined;
  /** Where the file name of `file "name"` is written. */
  fileSpan?: Span;
  /** The options after `file "name"`: `delimiter "|"`, `header none`, `optional`, ... (checked by the checker). */
  fileOptions?: FileOption[];
  key: Ident[];
  /** `role by customer_id`: records whose field equals the IKB key have role D, others V. */
  roleBy: Ident | undefined;
  implementsRefs: ArticleRef[];
  fields: FieldDecl[];
}

/** One option of a `file` clause: a name and, except for flags, a string or `none`. */
export interface FileOption extends NodeBase {
  kind: "FileOption";
  name: Ident;
  value: StringLiteral | "none" | undefined;
}

/** `extend entity BA` in a ruleset that `extends` another: adds, replaces or removes fields. */
export interface ExtendEntityDecl extends DeclBase {
  kind: "ExtendEntity";
  name: Ident;
  fields: FieldDecl[];
  removeFields: Ident[];
}

/**
 * `extend category identity` in a ruleset that `extends` another: adds entries to the inherited
 * table (`result ...`, `marking ...`) and removes entries as written (`remove result ...`,
 * `remove marking ...`). Removes apply first, so an entry can be removed and re-added changed.
 */
export interface ExtendCategoryDecl extends DeclBase {
  kind: "ExtendCategory";
  name: Ident;
  results: CategoryResult[];
  markings: CategoryMarking[];
  removeResults: CategoryResult[];
  removeMarkings: CategoryMarking[];
}

/**
 * `extend codelist product_category` in a ruleset that `extends` another: adds values
 * (`value "CODE" ["description"]`) and removes them (`remove value "CODE"`).
 */
export interface ExtendCodeListDecl extends DeclBase {
  kind: "ExtendCodeList";
  name: Ident;
  values: CodeValue[];
  removeValues: StringLiteral[];
}

export interface FieldDecl extends NodeBase, Assumable {
  kind: "Field";
  doc: string[];
  /** `replace field ...` inside `extend entity`. */
  replace: boolean;
  name: Ident;
  type: TypeRef;
  required: boolean;
  personal: boolean;
  column: string | undefined;
  /** `optional`: the field's column may be left out of the file (every value is then missing). */
  optionalColumn?: Ident;
  /**
   * `unknown "Unknown", "Non-applicable"`: texts that stand for "value not known" (or "not
   * applicable") instead of a real value. Such a cell is reported as unknown, not as missing and
   * not as a bad value (docs/language.md, "Unknown values").
   */
  unknownValues?: StringLiteral[];
  /**
   * `format "DD-MM-YYYY"`: how this `date` field is written in the file, instead of the file's
   * `dates` option (docs/language.md, File dialects).
   */
  dateFormat?: StringLiteral;
  description: string | undefined;
}

/** The name of a field type. */
export type TypeName =
  | "text"
  | "integer"
  | "decimal"
  | "money"
  | "date"
  | "datetime"
  | "boolean"
  | "code"
  | "ref";

/**
 * A field type as written: `text`, `text(70)`, `integer`, `decimal(18,4)`, `money`, `date`,
 * `datetime`, `boolean`, `code legal_capacity`, `ref NP.customer_id`.
 */
export interface TypeRef extends NodeBase {
  kind: "Type";
  name: TypeName;
  maxLength: number | undefined;
  precision: number | undefined;
  scale: number | undefined;
  codeList: Ident | undefined;
  refEntity: Ident | undefined;
  refField: Ident | undefined;
}

/**
 * `ikb "Individueel klantbeeld" key ikb_id depositor NP, NNP by customer_id`: how records are
 * grouped into one IKB per depositor.
 */
export interface IkbDecl extends DeclBase, Assumable {
  kind: "Ikb";
  title: string | undefined;
  /**
   * `ikb "title" unit "SCV record"`: what one group is called in reports (default "IKB"), so that
   * a ruleset of another scheme's file reports its own unit.
   */
  unit?: StringLiteral;
  key: Ident;
  depositors: Ident[];
  depositorBy: Ident;
  implementsRefs: ArticleRef[];
}

/** A rule's severity as written. */
export type Severity = "blocking" | "signalling";
/** A role as written: `D` depositor, `V` representative. */
export type Role = "D" | "V";

/** A qualified attribute `NP.date_of_birth`; `field` is `*` for all fields, entity `*` for all entities. */
export interface AttributeRef extends NodeBase {
  kind: "AttributeRef";
  entity: Ident;
  field: Ident;
}

/** What a rule runs on. */
export type RuleTarget =
  | {
      kind: "RecordTarget";
      span: Span;
      entity: Ident;
      /**
       * `for previous E`: the rule runs on the records of E in the previous delivery (T−1), not on
       * the delivery's (docs/language.md, "Accounts that disappear"). Absent for `for E`.
       */
      previous?: true;
    }
  | { kind: "AttributeTarget"; span: Span; attributes: AttributeRef[] }
  | {
      kind: "FileTarget";
      span: Span;
      entities: Ident[];
      /** `for file NP with SA by customer_id`: the records of another entity joined to each record. */
      join?: FileJoin;
    };

/**
 * `with SA by customer_id` after `for file NP`: each record of the rule's entity is joined to the
 * records of `entity` in the same IKB whose field `by` has the same value; a whole-file
 * combination names their fields as `SA.postal_code` (docs/language.md, "Joined records").
 */
export interface FileJoin extends NodeBase {
  kind: "FileJoin";
  entity: Ident;
  by: Ident;
}

export interface RuleDecl extends DeclBase, Assumable {
  kind: "Rule";
  code: Ident;
  title: string;
  meaning: string | undefined;
  /**
   * `meaning "..." from ALIAS LOCATOR, ...`: the articles that give the meaning (each one the rule
   * also implements). Empty when the meaning is the ruleset's own reading, which an `assumption`
   * must then mark.
   */
  meaningFrom: ArticleRef[];
  severity: Severity | undefined;
  /**
   * `class WORD`: the business rule classification as declared (docs/language.md § Rule classes
   * and scope); undefined when it is taken from the code prefix.
   */
  classification?: Ident;
  /** `scope within|outside delivery` as declared; undefined when the class gives it. */
  scope?: { word: Ident; noun: Ident; span: Span };
  roles: Role[];
  implementsRefs: ArticleRef[];
  target: RuleTarget | undefined;
  when: Expr | undefined;
  require: Expr | FileCheck | undefined;
  message: string | undefined;
  /** Where the `message` text is written (its opening quote), for diagnostics about it. */
  messageSpan?: Span;
  examples: Example[];
}

/**
 * Built-in delivery checks for `for file` rules. The whole-file checks name fields of the one
 * entity of the rule: `unique a, b` (no two records share the combination) and `one a per b`
 * (records that share `b` share `a`: the same national id under one customer number only) and
 * `count per b = n` (the records that share `b` number `n`: the holders of a joint account).
 * The file totals `count op x` and `sum f op x` compare the number of records of the rule's files,
 * or the sum of a field over them, with a number, a parameter or a trailer's field.
 */
export interface FileCheck extends NodeBase {
  kind: "FileCheck";
  check:
    | "present"
    | "header"
    | "unique-key"
    | "references"
    | "unique"
    | "one-per"
    | "count-per"
    | "total";
  /**
   * `unique a, b`: the combination; `one a per b`: the fields that must agree (`a`);
   * `count per b = n`: the integer field `n` that states the number of records sharing `b`.
   */
  fields?: Ident[];
  /** `one a per b, c` / `count per b, c = n`: the fields that group the records. */
  per?: Ident[];
  /**
   * `unique` / `one a per`: the combination as written when it normalises some of its fields
   * (`unique normalized_name(last_name), date_of_birth`): one item per comma, a field or a
   * normalisation of one or more fields. {@link FileCheck.fields} (`unique`) or
   * {@link FileCheck.per} (`one-per`) hold the same fields, flat and in order. Undefined when
   * the combination is plain fields.
   */
  combination?: CombinationItem[];
  /** The word written where `per` belongs, when it is another one (REG265). */
  perWord?: Ident;
  /**
   * `total`: what is totalled over the rule's files: `count` (their records) or `sum` (of the
   * one field in {@link FileCheck.fields}).
   */
  measure?: "count" | "sum";
  /** `total`: how the total compares with {@link FileCheck.figure}. */
  op?: ComparisonOp;
  /** `total`: the figure the total is compared with. */
  figure?: TotalFigure;
}

/**
 * One item of a whole-file combination: a field (`date_of_birth`), or a normalisation of fields
 * (`normalized_name(initials, last_name)`: docs/language.md, Normalisation).
 */
export interface CombinationItem extends NodeBase {
  kind: "CombinationItem";
  /** The normalisation applied; undefined for a plain field. */
  normalize?: Ident;
  fields: Ident[];
  /**
   * Per field, the entity written before it (`SA.postal_code`: a field of the joined records);
   * undefined when no field is written so.
   */
  of?: (Ident | undefined)[];
}

/**
 * The figure a file total is compared with: a number as written, a parameter (`name`), or a
 * field of a `single` entity (`entity.name`: a trailer's `TR.record_count`).
 */
export interface TotalFigure extends NodeBase {
  kind: "TotalFigure";
  literal?: Literal;
  entity?: Ident;
  name?: Ident;
  /**
   * `E.f where k = "KEY"`: the field `f` of the one record of `E` whose text field `k`
   * ({@link TotalFigure.keyField}) is `KEY` (a metadata file's row per entity type:
   * `ETD.row_count where entity_type = "bank_account"`).
   */
  key?: Literal;
  /** `where k = ...`: the field that picks the record. */
  keyField?: Ident;
}

/** `example pass|fail ...` */
export type Example = RecordExample | FileExample;

export interface RecordExample extends NodeBase {
  kind: "RecordExample";
  expect: "pass" | "fail";
  rrd: DateLiteral | undefined;
  subject: RecordLiteral;
  context: RecordLiteral[];
  /**
   * `previous E { ... }, ...`: the records of the IKB in the previous delivery (T−1), for rules
   * that read `previous`; absent: the example has no `previous` clause.
   */
  previous?: RecordLiteral[];
}

export interface FileExample extends NodeBase {
  kind: "FileExample";
  expect: "pass" | "fail";
  entity: Ident;
  /** `missing`: the file is absent; `columns`: a header only; `rows`: records. */
  form: "missing" | "columns" | "rows";
  columns: string[];
  /**
   * Where each of `columns` is written (its string literal, quotes included), in the same order:
   * a column named after a field is renamed with it (`lsp/example-columns.ts`). Absent in ASTs not
   * made by the parser.
   */
  columnSpans?: Span[];
  rows: RecordLiteral[];
  context: RecordLiteral[];
}

/** `NP { last_name: "Jansen", date_of_birth: 1970-01-01 }` */
export interface RecordLiteral extends NodeBase {
  kind: "RecordLiteral";
  entity: Ident;
  fields: FieldValue[];
}

export interface FieldValue extends NodeBase {
  kind: "FieldValue";
  name: Ident;
  /** A string literal is the raw CSV cell; other literals are formatted to their canonical CSV text. */
  value: Literal;
}

/** `category identity "Identiteit niet vastgesteld"` (Bijlage 3). */
export interface CategoryDecl extends DeclBase, Assumable {
  kind: "Category";
  name: Ident;
  title: string;
  blocks: Ident | undefined;
  implementsRefs: ArticleRef[];
  results: CategoryResult[];
  markings: CategoryMarking[];
}

/** `result dmc0000 (D) on NP.date_of_birth, NP.last_name` */
export interface CategoryResult extends NodeBase {
  kind: "CategoryResult";
  code: Ident;
  role: Role | undefined;
  attributes: AttributeRef[];
}

/** `marking NP.reliability_indicator_code = "BETROUWBAARHEID NIET GEGARANDEERD" [(D)]` */
export interface CategoryMarking extends NodeBase {
  kind: "CategoryMarking";
  attribute: AttributeRef;
  value: StringLiteral;
  role: Role | undefined;
}

/** `payout identity_established 1 "Identiteit vastgesteld"` (Beoordelingskader §2.1). */
export interface PayoutDecl extends DeclBase, Assumable {
  kind: "Payout";
  name: Ident;
  number: number;
  title: string;
  implementsRefs: ArticleRef[];
}

/** What a metric measures. */
export type MetricType =
  "percent" | "duration" | "date" | "integer" | "decimal" | "text" | "boolean";

/** `metric automated_controls_pass: percent "Share of IKBs meeting the automated controls"` */
export interface MetricDecl extends DeclBase, Assumable {
  kind: "Metric";
  name: Ident;
  type: MetricType;
  description: string | undefined;
}

/** `norm groeipad "Groeipad"` with `year 2021: metric >= 80 %, ...` and `from 2024-01-01: ...` lines. */
export interface NormDecl extends DeclBase, Assumable {
  kind: "Norm";
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  periods: NormPeriod[];
}

export interface NormPeriod extends NodeBase {
  kind: "NormPeriod";
  /** `year 2021` sets year; `from 2024-01-01 [until ...]` sets from/until. */
  year: number | undefined;
  from: DateLiteral | undefined;
  until: DateLiteral | undefined;
  requirements: NormRequirement[];
}

/**
 * `plausibility NAME ["title"]`: outliers of a bank's figures against its own history or its
 * peers, read from the history store (audit/outliers.ts; docs/language.md § Plausibility).
 */
export interface PlausibilityDecl extends DeclBase, Assumable {
  kind: "Plausibility";
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  /** `compare history` or `compare peers`. */
  compare: Ident | undefined;
  /** `window N`: earlier deliveries compared with. */
  window: { value: number; span: Span } | undefined;
  /** `minimum N`: fewer earlier deliveries (or other banks) than this: not evaluated. */
  minimum: { value: number; span: Span } | undefined;
  /** `method robust_z`. */
  method: Ident | undefined;
  /** `threshold 3.5`: |z| above this is an outlier. */
  threshold: { text: string; span: Span } | undefined;
  /** `watch ikbs, findings, aggregate depositors, ...`. */
  watch: PlausibilitySeries[];
}

/** One item of `watch`: a series word, and for `findings` / `aggregate` a rule code or aggregate name. */
export interface PlausibilitySeries extends NodeBase {
  kind: "PlausibilitySeries";
  word: Ident;
  name: Ident | undefined;
}

/** A comparison operator. */
export type ComparisonOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * `metric op value` in a norm period, or `aim metric op value`: an aim ("streven") is what the
 * source hopes for, not a requirement; it is reported beside the norm and never decides a verdict.
 */
export interface NormRequirement extends NodeBase {
  kind: "NormRequirement";
  /** `aim ...`: an aim, not a norm. */
  aim: boolean;
  metric: Ident;
  op: ComparisonOp;
  /**
   * The value as written; with {@link parameter}, the checker writes here the parameter's value
   * for the period (so later passes read a literal either way).
   */
  value: Literal;
  /** `metric >= automated_controls_norm`: a parameter instead of a literal. */
  parameter?: Ident;
}

/**
 * The type of a parameter: a number, an amount, a date, text, true/false, a duration (`24 months`,
 * all periods in one unit), or a percentage (norms only).
 */
export type ParameterType =
  | "integer"
  | "decimal"
  | "money"
  | "percent"
  | "date"
  | "text"
  | "boolean"
  | "duration";

/**
 * `parameter coverage_limit: money "Dekkingslimiet"` with `from DATE [until DATE] value LITERAL`
 * lines: a named number (or date, text) whose value depends on the reporting reference date.
 */
export interface ParameterDecl extends DeclBase, Assumable {
  kind: "Parameter";
  name: Ident;
  type: ParameterType;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  values: ParameterValue[];
}

/** The type of a reference-data column. */
export type TableColumnType =
  "integer" | "decimal" | "money" | "date" | "text" | "boolean";

/**
 * `table rates "Currency rates"` with `column NAME: TYPE [key]` lines and either `row` lines or a
 * `file "rates.csv"` beside the ruleset: reference data that rules look values up in.
 */
export interface TableDecl extends DeclBase, Assumable {
  kind: "Table";
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  /** `file "rates.csv"`: the CSV file, relative to the `.regel` file's folder. */
  file: StringLiteral | undefined;
  columns: TableColumn[];
  /**
   * The rows as written (`row` lines); for a `file` table the checker writes here the rows read
   * from the CSV (their spans point into the CSV file), so later passes read literals either way.
   */
  rows: TableRow[];
  /** Set by the checker for a `file` table: the sha256 (hex) of the CSV file's bytes as read. */
  sha256?: string;
  /** Set by the checker for a `file` table: the CSV's path as the checker read it. */
  path?: string;
}

/** `column currency: text key` */
export interface TableColumn extends NodeBase {
  kind: "TableColumn";
  name: Ident;
  type: TableColumnType;
  key: boolean;
}

/** `row "USD", 0.92`: one value per column, in column order. */
export interface TableRow extends NodeBase {
  kind: "TableRow";
  values: Literal[];
}

/**
 * What an aggregate measures over a delivery (docs/language.md, "Aggregates"): `count ikb`,
 * `count E`, `sum E.f`, `proportion ikb` (a percentage of the IKBs) or `count result CODE` (the
 * findings of a rule).
 */
export type AggregateMeasure =
  | { kind: "count-ikbs"; span: Span }
  | { kind: "count-records"; span: Span; entity: Ident }
  | { kind: "sum"; span: Span; attribute: AttributeRef }
  | { kind: "share-ikbs"; span: Span }
  | { kind: "count-findings"; span: Span; rule: Ident };

/**
 * `aggregate depositors "Number of depositors"` with one measure clause (`count ikb`, `sum BA.balance`,
 * `proportion ikb`, `count result dmc0000`) and optional IKB filters (`in category identity`,
 * `with NP.reliability_indicator_code = "..."`): a figure of the delivery as a whole, computed by
 * `regel validate`, reported and recorded in the history store.
 */
export interface AggregateDecl extends DeclBase, Assumable {
  kind: "Aggregate";
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  /** The measures as written: the checker asks for exactly one (REG280). */
  measures: AggregateMeasure[];
  /** `in category NAME`: only IKBs in that category. */
  category: Ident | undefined;
  /** `with E.f = "VALUE"`: only IKBs with a record carrying that marking. */
  marking: CategoryMarking | undefined;
}

/**
 * `reconcile quarterly "DGS-kwartaalrapportage"` with `figure NAME = AGGREGATE [tolerance N [%]]`
 * lines: the figures of an outside report that `regel validate --quarterly FILE` compares with
 * the delivery's aggregates.
 */
export interface ReconcileDecl extends DeclBase, Assumable {
  kind: "Reconcile";
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  figures: ReconcileFigure[];
}

/** `figure total_deposits = total_balance tolerance 0.5 %` */
export interface ReconcileFigure extends NodeBase {
  kind: "ReconcileFigure";
  /** The figure's name as the quarterly file writes it. */
  name: Ident;
  /** The declared aggregate it is compared with. */
  aggregate: Ident;
  /** The largest difference that is no finding: a number, or a percentage of the reported figure; absent: 0. */
  tolerance: IntegerLiteral | DecimalLiteral | PercentLiteral | undefined;
}

/** `from 2024-01-01 [until 2025-01-01] value 100000.00`: the value for RRDs in [from, until). */
export interface ParameterValue extends NodeBase {
  kind: "ParameterValue";
  from: DateLiteral;
  until: DateLiteral | undefined;
  value: Literal;
}

/** `measure bestuurlijke_boete "Bestuurlijke boete"` (Beoordelingskader Bijlage 2). */
export interface MeasureDecl extends DeclBase, Assumable {
  kind: "Measure";
  name: Ident;
  title: string;
  measureKind: "informal" | "formal" | undefined;
  character: "remedial" | "punitive" | undefined;
  implementsRefs: ArticleRef[];
  /**
   * `basis ARTICLE, ...`: the statutory basis of the measure; `basis none from ARTICLE, ...`: it has
   * none, and the articles say so. Undefined when the ruleset does not say (the sources are silent).
   * Every article is one the measure implements (REG231).
   */
  basis: MeasureBasis | undefined;
  preconditions: string[];
  fine:
    | { category: number; base: DecimalLiteral; currency: string; span: Span }
    | undefined;
}

/** A measure's `basis` clause. */
export interface MeasureBasis extends NodeBase {
  kind: "MeasureBasis";
  /** `basis none from ...`: the measure has no statutory basis. */
  none: boolean;
  /** The statutory basis, or (with `none`) the articles that say there is none. */
  articles: ArticleRef[];
}

/** `calendar nl_werkdagen "Werkdagen"` with weekend and holiday lines. */
export interface CalendarDecl extends DeclBase, Assumable {
  kind: "Calendar";
  name: Ident;
  title: string | undefined;
  implementsRefs: ArticleRef[];
  weekend: Ident[];
  holidays: HolidayDecl[];
}

/**
 * `holiday koningsdag "Koningsdag" on 27 april if sunday -1 from 2014`,
 * `holiday tweede_paasdag "Tweede Paasdag" easter +1`, or a day of one year:
 * `holiday vrijdag_na_hemelvaart_2022 "Vrijdag na Hemelvaartsdag" on 2022-05-27` (a day the Crown
 * equates with a holiday by decree, Algemene termijnenwet art 3 lid 3).
 */
export interface HolidayDecl extends NodeBase, Assumable {
  kind: "Holiday";
  name: Ident;
  title: string;
  rule:
    | { kind: "fixed"; day: number; month: number }
    | { kind: "easter"; offset: number }
    /** `on YYYY-MM-DD`: that one day; it takes no `if sunday`, `from` or `until` (REG232). */
    | { kind: "date"; date: DateLiteral };
  /** `if sunday -1`: move by this many days when the date falls on a Sunday. */
  ifSunday: number | undefined;
  fromYear: number | undefined;
  untilYear: number | undefined;
}

/** `remove rule omc0003`, `remove category x`, `remove entity X`, `remove codelist x`, ... */
export interface RemoveDecl extends DeclBase {
  kind: "Remove";
  what:
    | "rule"
    | "category"
    | "entity"
    | "codelist"
    | "payout"
    | "norm"
    | "measure"
    | "metric"
    | "calendar"
    | "parameter"
    | "table"
    | "aggregate"
    | "reconcile"
    | "plausibility";
  name: Ident;
}

// ---------------------------------------------------------------- expressions

/** The static type of an expression, filled in by the checker. */
export type ValueType =
  | { kind: "text" }
  | { kind: "integer" }
  | { kind: "decimal"; scale: number }
  | { kind: "date" }
  | { kind: "datetime" }
  | { kind: "boolean" }
  | { kind: "code"; list: string }
  | { kind: "duration"; unit: DurationUnit }
  | { kind: "percent" }
  | { kind: "list"; element: ValueType }
  | { kind: "error" };

/** The unit of a duration. */
export type DurationUnit =
  "s" | "min" | "h" | "days" | "workdays" | "months" | "years";

export interface ExprBase extends NodeBase {
  /** Set by the checker. */
  type?: ValueType;
}

/** An expression of a rule's condition. */
export type Expr =
  | Literal
  | PathExpr
  | UnaryExpr
  | BinaryExpr
  | IsExpr
  | InExpr
  | MatchesExpr
  | CallExpr
  | AggregateExpr
  | IfExpr;

/** A literal value. */
export type Literal =
  | StringLiteral
  | IntegerLiteral
  | DecimalLiteral
  | DateLiteral
  | DateTimeLiteral
  | BooleanLiteral
  | DurationLiteral
  | PercentLiteral;

export interface StringLiteral extends ExprBase {
  kind: "String";
  value: string;
}
export interface IntegerLiteral extends ExprBase {
  kind: "Integer";
  /** Decimal digits as written, so huge values keep their exactness. */
  text: string;
}
export interface DecimalLiteral extends ExprBase {
  kind: "Decimal";
  /** As written, e.g. `10000.00`. */
  text: string;
}
export interface DateLiteral extends ExprBase {
  kind: "Date";
  /** `YYYY-MM-DD`. */
  text: string;
}
export interface DateTimeLiteral extends ExprBase {
  kind: "DateTime";
  /** ISO 8601 with offset, as written. */
  text: string;
}
export interface BooleanLiteral extends ExprBase {
  kind: "Boolean";
  value: boolean;
}
/** `3 workdays`, `5 s`, `48 h`, `5 years`. */
export interface DurationLiteral extends ExprBase {
  kind: "Duration";
  amount: number;
  unit: DurationUnit;
}
/** `90 %`, `99.5 %`. */
export interface PercentLiteral extends ExprBase {
  kind: "Percent";
  text: string;
}

/**
 * A name: `date_of_birth` (field of the current record), `NP.date_of_birth` (qualified),
 * `value` (the attribute under test in an attribute rule), `rrd` (the reporting reference date).
 */
export interface PathExpr extends ExprBase {
  kind: "Path";
  /** `previous.f`: the ident `previous` (a keyword) stands here; the checker links it. */
  entity: Ident | undefined;
  /** `previous` alone (only in `previous is present|absent`) is a path named `previous`. */
  name: Ident;
}

export interface UnaryExpr extends ExprBase {
  kind: "Unary";
  op: "not" | "-";
  operand: Expr;
}

/** An operator between two expressions. */
export type BinaryOp = ComparisonOp | "and" | "or" | "+" | "-" | "*" | "/";

export interface BinaryExpr extends ExprBase {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** `x is [not] present|absent|valid|unknown|known` */
export interface IsExpr extends ExprBase {
  kind: "Is";
  operand: Expr;
  negated: boolean;
  /** `unknown`: delivered as one of the field's `unknown` texts; `known`: the same as `present`. */
  test: "present" | "absent" | "valid" | "unknown" | "known";
}

/** `x [not] in ("A", "B")`, or `x [not] in rates[.column]`: a value of a reference-data column. */
export interface InExpr extends ExprBase {
  kind: "In";
  operand: Expr;
  negated: boolean;
  values: Literal[];
  /** `in rates` (its key column) or `in rates.currency`: the table named; `values` is then empty. */
  table?: Ident;
  /** `in rates.currency`: the column; without it, the table's key column. */
  column?: Ident;
}

/** `x matches "^[0-9]{4}[A-Z]{2}$"` (ECMAScript regex, `u` flag, whole-string semantics as written). */
export interface MatchesExpr extends ExprBase {
  kind: "Matches";
  operand: Expr;
  pattern: StringLiteral;
}

/** A built-in function call: `length(x)`, `valid_iban(x)`, `valid_bsn(x)`, `valid_country(x)`, ... */
export interface CallExpr extends ExprBase {
  kind: "Call";
  callee: Ident;
  args: Expr[];
}

/** `exists(AD where AD.customer_id = customer_id)`, `count(BA)`, `sum(BA.balance where ...)`. */
export interface AggregateExpr extends ExprBase {
  kind: "Aggregate";
  op: "exists" | "count" | "sum";
  entity: Ident;
  /** Only for `sum` of one field (`sum(E.f ...)`). */
  field: Ident | undefined;
  /**
   * Only for `sum` of a computed value (`sum(BA.balance * BA.share / 100 ...)`): the value added
   * up per record, in the scope of `where` (`E.f` is the iterated record). `field` is then unset.
   */
  value?: Expr;
  where: Expr | undefined;
}

/** `if c then a else b`: `a` when the condition is true, else `b` (an absent condition is not true). */
export interface IfExpr extends ExprBase {
  kind: "If";
  condition: Expr;
  then: Expr;
  otherwise: Expr;
}

/** Every node kind, for exhaustive switches. */
export type Node =
  | RegelFile
  | RulesetHeader
  | Declaration
  | Expr
  | FieldDecl
  | TypeRef
  | Example
  | RecordLiteral
  | FieldValue;
