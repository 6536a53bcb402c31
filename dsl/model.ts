/**
 * The resolved form of a ruleset version: what the checker hands to the compiler and to the
 * reference interpreter. `extends` has been applied (inherited declarations merged, `replace`d and
 * `remove`d ones handled), every name is resolved and every expression carries its type.
 *
 * Declarations keep their AST nodes, so spans and doc comments stay available for traceability.
 *
 * @module
 */
import type { FileDialect } from "./file-dialect.js";
import type {
  Assumption,
  CalendarDecl,
  CategoryDecl,
  CodeListDecl,
  EntityDecl,
  FieldDecl,
  IkbDecl,
  MeasureDecl,
  MetricDecl,
  AggregateDecl,
  ReconcileDecl,
  ParameterDecl,
  TableDecl,
  NormDecl,
  PlausibilityDecl,
  PayoutDecl,
  RuleDecl,
  RulesetHeader,
  SourceDecl,
  Span,
} from "./ast.js";
import type { Links } from "./links.js";

/** A field of a resolved entity: the declaration plus the CSV column it is read from. */
export interface ResolvedField {
  decl: FieldDecl;
  name: string;
  /** `decl.column ?? name`. */
  column: string;
  /** The file (ruleset) version that declared or last replaced this field. */
  origin: string;
}

/** An entity with the fields of its `extend` clauses merged in. */
export interface ResolvedEntity {
  /** The `entity` declaration (the spans of its name, `key` and `role by`); `extend entity` keeps it. */
  decl: EntityDecl;
  name: string;
  title: string | undefined;
  file: string | undefined;
  /** How the file is written (its `file` options); undefined: plain CSV (docs/language.md, "File dialects"). */
  dialect: FileDialect | undefined;
  /** `file "x.csv" optional`: the file may be absent from a delivery. */
  fileOptional: boolean;
  /** `record "C"`: the entity's records are the rows of its file whose first field is `C`. */
  record: string | undefined;
  /** `single`: the entity has exactly one record (a header or trailer record). */
  single: boolean;
  /** `metadata`: the file describes the delivery (row counts per entity type); no IKB key. */
  metadata: boolean;
  key: string[];
  roleBy: string | undefined;
  /** In declaration order: inherited fields first, then added ones. */
  fields: ResolvedField[];
  span: Span;
  doc: string[];
  /** The entity's own `assumption` clauses (those of its fields are on the fields). */
  assumptions: Assumption[];
}

/** An article reference with its source resolved. */
export interface ResolvedArticle {
  sourceAlias: string;
  sourceTitle: string;
  locator: string;
  span: Span;
}

/** A rule plus where it came from. */
export interface ResolvedRule {
  decl: RuleDecl;
  code: string;
  articles: ResolvedArticle[];
  /** The articles of `meaning "..." from ...`: they give the meaning (empty: the ruleset's own reading). */
  meaningFrom: ResolvedArticle[];
  /** `name@version` of the ruleset file that declared (or replaced) the rule. */
  origin: string;
}

/** A category with its results and markings resolved. */
export interface ResolvedCategory {
  decl: CategoryDecl;
  name: string;
  articles: ResolvedArticle[];
  /** `name@version` of the ruleset file that declared, replaced or extended (`extend category`) the category. */
  origin: string;
}

/**
 * One ruleset version with `extends` applied and all names resolved: {@link links} links every
 * name in its declarations to what it names.
 */
export interface ResolvedRuleset {
  name: string;
  version: string;
  /** `name@version`. */
  id: string;
  title: string | undefined;
  extends: string | undefined;
  uses: string[];
  validFrom: string | undefined;
  validUntil: string | undefined;
  sources: SourceDecl[];
  /** The `assumption` clauses of this version's header (not inherited, like its sources). */
  assumptions: Assumption[];
  codeLists: Map<string, CodeListDecl>;
  entities: Map<string, ResolvedEntity>;
  ikb: IkbDecl | undefined;
  rules: ResolvedRule[];
  categories: ResolvedCategory[];
  payouts: PayoutDecl[];
  metrics: MetricDecl[];
  norms: NormDecl[];
  measures: MeasureDecl[];
  /** Calendars declared here or in a `uses` ruleset. */
  calendars: CalendarDecl[];
  /** `parameter` declarations: named values per validity period, chosen by the RRD. */
  parameters: ParameterDecl[];
  /** `table` declarations: reference data (inline rows, or a CSV read by the checker). */
  tables: TableDecl[];
  /** `aggregate` declarations: figures of a delivery as a whole (docs/language.md, "Aggregates"). */
  aggregates: AggregateDecl[];
  /** `reconcile` declarations: outside reports' figures compared with the aggregates. */
  reconciliations: ReconcileDecl[];
  /** `plausibility` declarations: outliers against history or peers (audit/outliers.ts). */
  plausibilities: PlausibilityDecl[];
  /** The file this version was read from. */
  file: string;
  /** The header of that file. */
  header: RulesetHeader;
  /** Every name in this version's declarations linked to what it names (see dsl/links.ts). */
  links: Links;
}
