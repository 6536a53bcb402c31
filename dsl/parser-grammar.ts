/**
 * The grammar of the regel language as a Chevrotain embedded-actions parser.
 *
 * The parser is invoked per declaration (see `parser.ts`, which splits the token stream at
 * declaration keywords), so the entry points are {@link RegelParser.header} and
 * {@link RegelParser.declaration}, plus {@link RegelParser.continueClauses} for the driver to
 * resume a declaration after text that is no clause. Every other rule is private.
 *
 * **Clause tables.** What follows a declaration's head is a sequence of clauses, each starting with
 * a keyword. Each declaration kind has one {@link ClauseTable} (next to its grammar below, and all
 * of them in {@link CLAUSE_TABLES}): one row per clause, in canonical order, with the words it
 * starts with, whether it may repeat and the sub-rule that parses it. The table drives everything
 * about clauses: the grammar (one generated `*Clauses` rule per kind loops over the rows'
 * sub-rules), the repeat and order checks (REG122, and REG123 for the kinds whose order is
 * checked), where the driver resumes after an error ({@link clauseStarts}), the clauses that
 * messages offer (REG116) and the order in which the printer writes them (`printer.ts`).
 *
 * **Adding a clause** to a declaration: write its sub-rule — a private method that consumes the
 * clause's keyword and the rest and writes the result into the node inside `ACTION` (use an
 * occurrence index no other row of the same table uses: `SUBRULE2`, `CONSUME2`, …; the test suite
 * runs Chevrotain's grammar validation, which names a clash) — and add one row to the kind's
 * table, at its place in the canonical order. Then the type checker asks for the line that prints
 * it (`CLAUSE_PRINTERS` in `printer.ts`) and for a sample in `test/dsl/clause-tables.test.ts`,
 * which takes every row of every table through the grammar, the checks, the recovery and the
 * printer. A new keyword goes into `lexer.ts` first.
 *
 * A clause's sub-rule runs inline in its declaration's clause loop rather than as a Chevrotain rule
 * of its own: Chevrotain re-synchronises after an error at tokens that may follow one of the rules
 * being parsed, and a rule per clause would add the declaration's clause keywords to that set for
 * an error in the middle of a clause (`applies "D"`), which changes what is recovered and so the
 * diagnostics.
 *
 * **Recovery values.** When Chevrotain recovers from an error inside a sub-rule by skipping tokens,
 * the sub-rule returns its `recoveryValueFunc` value: an empty name for `ident`, an empty text for
 * `text` and `title`, a placeholder expression for the expression rules, and so on. Callers use
 * the result as it is; a placeholder reads as "missing" to the checker (`missing()` in
 * `check-context.ts`), which reports nothing more about it. The few callers that must drop a
 * placeholder instead (an item of a list) ask `isLost`.
 *
 * Embedded actions run during Chevrotain's grammar-recording phase too, with fake tokens and
 * fake sub-rule results; everything that reads those results is therefore inside `ACTION(...)`
 * (skipped while recording). Rules without a recovery value return `undefined` after recovery,
 * and their callers are written to tolerate it.
 *
 * Each group of rules below names the section of `docs/language.md` it implements.
 *
 * @module
 */
import {
  EmbeddedActionsParser,
  type IToken,
  type ParserMethod,
  type TokenType,
} from "chevrotain";
import type {
  ArticleRef,
  Assumable,
  Assumption,
  AttributeRef,
  BinaryOp,
  CalendarDecl,
  CategoryDecl,
  CategoryMarking,
  CategoryResult,
  CodeListDecl,
  CodeValue,
  ComparisonOp,
  DateLiteral,
  DecimalLiteral,
  Declaration,
  DurationUnit,
  EntityDecl,
  Example,
  Expr,
  ExtendCategoryDecl,
  ExtendCodeListDecl,
  CombinationItem,
  ExtendEntityDecl,
  FieldDecl,
  FieldValue,
  FileCheck,
  HolidayDecl,
  Ident,
  IkbDecl,
  IsExpr,
  AggregateDecl,
  AggregateMeasure,
  ReconcileDecl,
  ReconcileFigure,
  Literal,
  MeasureBasis,
  MeasureDecl,
  MetricDecl,
  MetricType,
  ParameterDecl,
  ParameterType,
  ParameterValue,
  TableColumn,
  TableColumnType,
  TableDecl,
  TableRow,
  NormDecl,
  PlausibilityDecl,
  PlausibilitySeries,
  NormPeriod,
  NormRequirement,
  PayoutDecl,
  Position,
  RecordLiteral,
  RemoveDecl,
  Role,
  RuleDecl,
  RulesetHeader,
  RuleTarget,
  RulesetRef,
  SourceDecl,
  Span,
  StringLiteral,
  TotalFigure,
  TypeName,
  TypeRef,
} from "./ast.js";
import { closestName, error, type Diagnostic } from "./diagnostics.js";
import {
  allTokens,
  AnyWord,
  ArticleLocator,
  ArticleNumber,
  At,
  Colon,
  Comma,
  DateLit,
  DateTimeLit,
  DecimalLit,
  decodeString,
  Dot,
  Equals,
  Greater,
  GreaterEq,
  Identifier,
  IntegerLit,
  KW,
  LBrace,
  Less,
  LessEq,
  LParen,
  Minus,
  NotEquals,
  Percent,
  Plus,
  RBrace,
  RParen,
  Slash,
  Star,
  StringLit,
  VALIDATE_GRAMMAR,
  VersionLit,
} from "./lexer.js";
import { errorMessageProvider } from "./parser-messages.js";

/** The tokens of `=`, `!=`, `<`, `<=`, `>`, `>=` (a file total `count op x`). */
const COMPARISON_TOKENS: readonly TokenType[] = [
  Equals,
  NotEquals,
  Less,
  LessEq,
  Greater,
  GreaterEq,
];

/** Units a duration may be written in. */
export const DURATION_UNITS: readonly DurationUnit[] = [
  "s",
  "min",
  "h",
  "days",
  "workdays",
  "months",
  "years",
];
/** Deepest expression tree the parser builds (REG126 beyond). */
export const MAX_EXPR_DEPTH = 256;
/**
 * Deepest nesting of `if` in a condition or a `then` branch the parser reads: each level is a
 * recursion through every precedence level of the grammar (an `else if` chain is a loop).
 */
export const MAX_IF_NESTING = 64;

/**
 * Thrown out of the grammar when `if`s are nested more than {@link MAX_IF_NESTING} deep; the
 * driver reports REG126 at {@link token} and skips the declaration, as for too many parentheses.
 */
export class IfNestedTooDeep extends Error {
  constructor(readonly token: IToken) {
    super(`\`if\` nested more than ${MAX_IF_NESTING} deep`);
  }
}
/** Field types. */
export const TYPE_NAMES: readonly TypeName[] = [
  "text",
  "integer",
  "decimal",
  "money",
  "date",
  "datetime",
  "boolean",
  "code",
  "ref",
];
/** Metric types. */
export const METRIC_TYPES: readonly MetricType[] = [
  "percent",
  "duration",
  "date",
  "integer",
  "decimal",
  "text",
  "boolean",
];

/** Parameter types. */
export const PARAMETER_TYPES: readonly ParameterType[] = [
  "integer",
  "decimal",
  "money",
  "percent",
  "date",
  "text",
  "boolean",
  "duration",
];

/** Column types of reference-data tables. */
export const TABLE_COLUMN_TYPES: readonly TableColumnType[] = [
  "integer",
  "decimal",
  "money",
  "date",
  "text",
  "boolean",
];

/** Month names (English and Dutch) to month numbers. */
const MONTHS: Record<string, number> = {
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  januari: 1,
  februari: 2,
  maart: 3,
  mei: 5,
  juni: 6,
  juli: 7,
  augustus: 8,
  oktober: 10,
};

// ---------------------------------------------------------------- clause tables

/** The node kinds whose clauses a {@link ClauseTable} describes: the header and every declaration but `remove`. */
export type ClauseKind =
  Exclude<Declaration["kind"], "Remove"> | "RulesetHeader";

/** The node of a {@link ClauseKind}. */
export type ClauseNode<K extends ClauseKind = ClauseKind> =
  K extends "RulesetHeader" ? RulesetHeader : Extract<Declaration, { kind: K }>;

/** One clause of a declaration: a row of its {@link ClauseTable}. */
export interface Clause<N = never, Name extends string = string> {
  /** How REG122 and REG123 name it: its first word (`applies`, `valid`). */
  readonly name: Name;
  /**
   * The words it starts with, as messages show them (`applies to`, `valid from`); more than one
   * when it starts in more than one way (`year`, `from`). The first word of each is a keyword, and
   * the driver resumes a declaration there after text that is no clause.
   */
  readonly starts: readonly string[];
  /** May be given more than once. */
  readonly repeatable: boolean;
  /** The sub-rule: parses the clause, keyword included, into the node (inside `ACTION`). */
  readonly parse: (this: RegelParser, node: N) => void;
}

/** The clauses of one declaration kind, in canonical order (`regel fmt` prints them so). */
export interface ClauseTable<
  K extends ClauseKind = ClauseKind,
  Name extends string = string,
> {
  readonly kind: K;
  /** The declaration keyword, as messages name the declaration (`ruleset` for the header). */
  readonly keyword: string;
  /** Whether the clauses must come in the table's order (REG123). */
  readonly ordered: boolean;
  readonly clauses: readonly Clause<ClauseNode<K>, Name>[];
}

/** A clause that may be given once. */
function once<N, const Name extends string>(
  name: Name,
  starts: string | readonly string[],
  parse: (this: RegelParser, node: N) => void,
): Clause<N, Name> {
  return {
    name,
    starts: typeof starts === "string" ? [starts] : starts,
    repeatable: false,
    parse,
  };
}

/** A clause that may be given any number of times. */
function repeated<N, const Name extends string>(
  name: Name,
  starts: string | readonly string[],
  parse: (this: RegelParser, node: N) => void,
): Clause<N, Name> {
  return {
    name,
    starts: typeof starts === "string" ? [starts] : starts,
    repeatable: true,
    parse,
  };
}

/** The clause table of `kind`. */
function table<
  K extends ClauseKind,
  const Rows extends readonly Clause<ClauseNode<K>>[],
>(
  kind: K,
  keyword: string,
  order: "ordered" | "any order",
  clauses: Rows,
): ClauseTable<K, Rows[number]["name"]> {
  return { kind, keyword, ordered: order === "ordered", clauses };
}

/** The name of the generated rule that loops over the clauses of `kind`. */
function clauseRuleName(kind: ClauseKind): string {
  return kind === "RulesetHeader"
    ? "headerClauses"
    : `${kind[0].toLowerCase()}${kind.slice(1)}Clauses`;
}

type Clauses = { name: string; token: IToken }[];

const isReal = (t: IToken | undefined): t is IToken =>
  t !== undefined && Number.isFinite(t.startOffset) && t.startOffset >= 0;

/**
 * The regel parser. Create it once (it is expensive to build) and reuse it through
 * `parser.input = tokens`.
 */
export class RegelParser extends EmbeddedActionsParser {
  /** The file name put into spans. */
  file = "";
  /** Position used for nodes when there is no real token to point at. */
  fallback: Position = { offset: 0, line: 1, column: 1 };
  /** Diagnostics found by grammar actions (unknown units, clause order, ...). */
  extra: Diagnostic[] = [];
  /** The outermost node under construction: returned when the declaration rule fails outright. */
  partial: Declaration | RulesetHeader | undefined;
  /** Values a sub-rule returned after error recovery (see the module header). */
  private lost = new WeakSet<object>();

  constructor() {
    super(allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider,
      skipValidations: !VALIDATE_GRAMMAR,
    });
    // Chevrotain's in-repetition recovery calls itself once per skipped region, so a long run of
    // bad clauses overflows the stack; the driver resumes declarations itself (see parser.ts).
    (
      this as unknown as { attemptInRepetitionRecovery: () => void }
    ).attemptInRepetitionRecovery = () => {};
    this.performSelfAnalysis();
  }

  // ---------------------------------------------------------------- span helpers

  private startOf(t: IToken | undefined): Position {
    if (!isReal(t)) return this.endOfLast();
    return {
      offset: t.startOffset,
      line: t.startLine ?? 1,
      column: t.startColumn ?? 1,
    };
  }

  private endOf(t: IToken): Position {
    return {
      offset: (t.endOffset ?? t.startOffset) + 1,
      line: t.endLine ?? 1,
      column: (t.endColumn ?? 0) + 1,
    };
  }

  /** End of the last real token consumed, or the fallback position. */
  private endOfLast(): Position {
    const last = this.LA(0);
    return isReal(last) ? this.endOf(last) : this.fallback;
  }

  /** Span from the start of `start` to the end of the last consumed token. */
  private sp(start: IToken | undefined): Span {
    const s = this.startOf(start);
    const last = this.LA(0);
    const e =
      isReal(last) && last.startOffset >= s.offset ? this.endOf(last) : s;
    return { file: this.file, start: s, end: e };
  }

  /** Go on reading the current input from token index `index` (used to resume a declaration). */
  seek(index: number): void {
    (this as unknown as { importLexerState(i: number): void }).importLexerState(
      index - 1,
    );
  }

  /** The last real token the parser consumed, if any. */
  lastConsumed(): IToken | undefined {
    const t = this.LA(0);
    return isReal(t) ? t : undefined;
  }

  /** Span of one token (zero width at the current position for tokens inserted by recovery). */
  private tsp(t: IToken | undefined): Span {
    if (!isReal(t)) {
      const p = this.endOfLast();
      return { file: this.file, start: p, end: p };
    }
    return { file: this.file, start: this.startOf(t), end: this.endOf(t) };
  }

  /** An Ident from a token; an empty name when recovery inserted the token. */
  private id(t: IToken | undefined): Ident {
    return { kind: "Ident", name: isReal(t) ? t.image : "", span: this.tsp(t) };
  }

  /** A name that recovery lost: empty, at the current position. */
  private emptyId(): Ident {
    return this.id(undefined);
  }

  /** A text that recovery lost: empty, at the current position. */
  private emptyText(): StringLiteral {
    return { kind: "String", value: "", span: this.tsp(undefined) };
  }

  /** Placeholder for an expression recovery lost: a path with an empty name. */
  private errorExpr(): Expr {
    const name = this.emptyId();
    return { kind: "Path", entity: undefined, name, span: name.span };
  }

  /** Mark `value` as returned by error recovery (a `recoveryValueFunc` result). */
  private recovered<T extends object>(value: T): T {
    this.lost.add(value);
    return value;
  }

  /** Whether a sub-rule returned `value` after error recovery: a placeholder, not something read. */
  /**
   * The type word of a metric, parameter or table column: one of `types`, or the closest one with
   * `code` reported (a lost token gives `fallback` and no second error).
   */
  private typeWord<T extends string>(
    type: IToken,
    types: readonly T[],
    fallback: T,
    code: "REG118" | "REG128" | "REG129",
    what: string,
  ): T {
    if (!isReal(type)) return fallback;
    if ((types as readonly string[]).includes(type.image))
      return type.image as T;
    const suggestion = closestName(type.image, types);
    this.report(
      code,
      `unknown ${what} type \`${type.image}\`; the types are ${types.map((t) => `\`${t}\``).join(", ")}`,
      this.tsp(type),
      { suggestion },
    );
    return (suggestion as T | undefined) ?? fallback;
  }

  /** `operand` under its prefix operators (`not not x`, `- -x`), the innermost last in `tokens`. */
  private prefixed(tokens: IToken[], op: "not" | "-", operand: Expr): Expr {
    let e = operand;
    for (let i = tokens.length - 1; i >= 0; i--) {
      e = this.limit(
        {
          kind: "Unary",
          op,
          operand: e,
          span: {
            file: this.file,
            start: this.startOf(tokens[i]),
            end: e.span.end,
          },
        },
        1 + this.depth(e),
      );
    }
    return e;
  }

  private isLost(value: object | undefined): boolean {
    return value !== undefined && this.lost.has(value);
  }

  private report(
    code: string,
    message: string,
    span: Span,
    extra: Partial<Diagnostic> = {},
  ): void {
    this.extra.push(error(code, message, span, extra));
  }

  /** Parse digits as a safe integer, reporting REG121 when it is not one. */
  private int(t: IToken | undefined, sign = 1): number {
    if (!isReal(t)) return 0;
    const n = Number(t.image) * sign;
    if (!Number.isSafeInteger(n)) {
      this.report(
        "REG121",
        `the number \`${t.image}\` is too large`,
        this.tsp(t),
      );
      return 0;
    }
    return n;
  }

  private begin<T extends Declaration | RulesetHeader>(node: T): T {
    this.partial = node;
    return node;
  }

  // ---------------------------------------------------------------- the clause loop

  /** The clauses seen so far per declaration, kept across resumed parses of one declaration. */
  private clauseLogs = new WeakMap<object, Clauses>();

  private clauseLog(node: object | undefined): Clauses {
    if (node === undefined || node === null || typeof node !== "object")
      return [];
    let log = this.clauseLogs.get(node);
    if (log === undefined) this.clauseLogs.set(node, (log = []));
    return log;
  }

  /**
   * The body of every `*Clauses` rule: any number of the table's clauses, in any order (order and
   * repeats are checked once the declaration is read, in {@link finish}), each logged.
   */
  private clauseLoop<K extends ClauseKind>(
    node: ClauseNode<K>,
    clauses: ClauseTable<K>,
  ): void {
    const log = this.clauseLog(node);
    this.MANY(() => {
      const first = this.LA(1);
      this.OR(
        clauses.clauses.map((clause) => ({
          ALT: () => {
            clause.parse.call(this, node);
            this.ACTION(() => {
              log.push({ name: clause.name, token: first });
            });
          },
        })),
      );
    });
  }

  /** One rule per declaration kind: the loop over its clause table ({@link clauseLoop}). */
  private clauseRules = Object.fromEntries(
    (Object.keys(CLAUSE_TABLES) as ClauseKind[]).map((kind) => [
      kind,
      this.RULE(clauseRuleName(kind), (node: ClauseNode) =>
        this.clauseLoop(node, CLAUSE_TABLES[kind] as unknown as ClauseTable),
      ),
    ]),
  ) as { [K in ClauseKind]: ParserMethod<[ClauseNode<K>], void> };

  /**
   * Resume parsing the clauses of `node` on the current input (after text that was no clause).
   * Returns false for declarations without clauses.
   */
  continueClauses(node: Declaration | RulesetHeader): boolean {
    if (node.kind === "Remove") return false;
    const loop = this.clauseRules[node.kind] as ParserMethod<
      [ClauseNode],
      void
    >;
    loop.call(this, node);
    return true;
  }

  /** Checks once a declaration is completely read: clause order and repeats, built-in file checks. */
  finish(node: Declaration | RulesetHeader): void {
    if (node.kind !== "Remove")
      this.checkClauses(CLAUSE_TABLES[node.kind], this.clauseLog(node));
    if (node.kind === "Rule") {
      // `require header` / `require references` in a file rule are built-in checks, not field names.
      const req = node.require;
      if (
        node.target?.kind === "FileTarget" &&
        req?.kind === "Path" &&
        req.entity === undefined &&
        (req.name.name === "header" || req.name.name === "references")
      ) {
        node.require = {
          kind: "FileCheck",
          check: req.name.name,
          span: req.span,
        };
      }
    }
  }

  /** REG122 for a repeated clause, REG123 for a clause out of the canonical order. */
  private checkClauses(
    clauses: Pick<ClauseTable, "keyword" | "ordered"> & {
      clauses: readonly Pick<Clause, "name" | "repeatable">[];
    },
    seenClauses: Clauses,
  ): void {
    const what = clauses.keyword;
    const names = clauses.clauses.map((c) => c.name);
    const repeatable = new Set(
      clauses.clauses.filter((c) => c.repeatable).map((c) => c.name),
    );
    const seen = new Map<string, IToken>();
    let lastRank = -1;
    let lastName = "";
    for (const c of seenClauses) {
      if (seen.has(c.name) && !repeatable.has(c.name)) {
        this.report(
          "REG122",
          `\`${c.name}\` is given twice in this ${what}`,
          this.tsp(c.token),
          {
            notes: [
              `the first \`${c.name}\` is on line ${seen.get(c.name)!.startLine}`,
            ],
          },
        );
        continue;
      }
      if (!seen.has(c.name)) seen.set(c.name, c.token);
      if (clauses.ordered) {
        const rank = names.indexOf(c.name);
        if (rank >= 0 && rank < lastRank) {
          this.report(
            "REG123",
            `\`${c.name}\` must come before \`${lastName}\` in a ${what}`,
            this.tsp(c.token),
            {
              notes: [
                `the clauses of a ${what} go in this order: ${names.map((o) => `\`${o}\``).join(", ")}`,
              ],
            },
          );
        } else if (rank >= 0) {
          lastRank = rank;
          lastName = c.name;
        }
      }
    }
  }

  // ---------------------------------------------------------------- expression helpers

  private binary(op: BinaryOp, l: Expr, r: Expr, start: IToken): Expr {
    const span = {
      file: this.file,
      start: l.span.start,
      end:
        r.span.end.offset >= l.span.start.offset
          ? r.span.end
          : this.sp(start).end,
    };
    return this.limit(
      { kind: "Binary", op, left: l, right: r, span },
      1 + Math.max(this.depth(l), this.depth(r)),
    );
  }

  /** Depth of expression trees built in this parse (leaves are 1). */
  private depths = new WeakMap<object, number>();
  /** Set once REG126 has been reported for the current declaration. */
  tooDeepReported = false;
  /** `if`s open around the one being read, an `else if` chain counting once. */
  ifNesting = 0;

  private depth(e: Expr | undefined): number {
    return e === undefined ? 1 : (this.depths.get(e) ?? 1);
  }

  /**
   * Record the depth of a new expression node; past {@link MAX_EXPR_DEPTH} replace it by an empty
   * placeholder (and report REG126 once), so that no later stage has to walk a tree deeper than that.
   */
  private limit(e: Expr, depth: number): Expr {
    if (depth <= MAX_EXPR_DEPTH) {
      if (depth > 1) this.depths.set(e, depth);
      return e;
    }
    if (!this.tooDeepReported) {
      this.tooDeepReported = true;
      this.report(
        "REG126",
        `this condition has more than ${MAX_EXPR_DEPTH} operators chained or nested in one another; split it up`,
        e.span,
        e.kind === "If"
          ? {
              notes: ["each `if` of an `else if` chain counts as one level"],
            }
          : {},
      );
    }
    return {
      kind: "Path",
      entity: undefined,
      name: { kind: "Ident", name: "", span: e.span },
      span: e.span,
    };
  }

  /** Rule options for a sub-rule whose recovery value is `value()` (marked as lost). */
  private recovers<T extends object>(
    value: () => T,
  ): { recoveryValueFunc: () => T } {
    return { recoveryValueFunc: () => this.recovered(value()) };
  }

  // ---------------------------------------------------------------- small pieces

  private ident = this.RULE(
    "ident",
    (): Ident => {
      const t = this.CONSUME(Identifier);
      return this.ACTION(() => this.id(t))!;
    },
    this.recovers(() => this.emptyId()),
  );

  private text = this.RULE(
    "text",
    (): StringLiteral => {
      const t = this.CONSUME(StringLit);
      return this.ACTION(() => ({
        kind: "String" as const,
        value: isReal(t) ? decodeString(t.image) : "",
        span: this.tsp(t),
      }))!;
    },
    this.recovers(() => this.emptyText()),
  );

  /** A required title: like {@link text}, but named for error messages. */
  private title = this.RULE(
    "title",
    (): StringLiteral => {
      const t = this.CONSUME(StringLit);
      return this.ACTION(() => ({
        kind: "String" as const,
        value: isReal(t) ? decodeString(t.image) : "",
        span: this.tsp(t),
      }))!;
    },
    this.recovers(() => this.emptyText()),
  );

  private date = this.RULE("date", (): DateLiteral => {
    const t = this.CONSUME(DateLit);
    return this.ACTION(() => ({
      kind: "Date" as const,
      text: isReal(t) ? t.image : "",
      span: this.tsp(t),
    }))!;
  });

  private rulesetRef = this.RULE("rulesetRef", (): RulesetRef => {
    const start = this.LA(1);
    const parts: IToken[] = [];
    parts.push(this.CONSUME(AnyWord));
    this.MANY(() => {
      this.CONSUME(Dot);
      parts.push(this.CONSUME2(AnyWord));
    });
    this.CONSUME(At);
    const v = this.CONSUME(VersionLit);
    return this.ACTION(() => ({
      kind: "RulesetRef" as const,
      name: parts
        .filter(isReal)
        .map((p) => p.image)
        .join("."),
      version: isReal(v) ? v.image : "",
      span: this.sp(start),
    }))!;
  });

  /**
   * `NAME@VERSION` after `extends` or `uses`: an incomplete version (`x@1.3`, `x@1`) is read as
   * written, so the checker can name the loaded version meant (REG211, REG212) in one error.
   */
  private dependencyRef = this.RULE("dependencyRef", (): RulesetRef => {
    const start = this.LA(1);
    const parts: IToken[] = [];
    parts.push(this.CONSUME(AnyWord));
    this.MANY(() => {
      this.CONSUME(Dot);
      parts.push(this.CONSUME2(AnyWord));
    });
    this.CONSUME(At);
    const v = this.OR([
      { ALT: () => this.CONSUME(VersionLit) },
      { ALT: () => this.CONSUME(DecimalLit) },
      { ALT: () => this.CONSUME(IntegerLit) },
    ]);
    return this.ACTION(() => ({
      kind: "RulesetRef" as const,
      name: parts
        .filter(isReal)
        .map((p) => p.image)
        .join("."),
      version: isReal(v) ? v.image : "",
      span: this.sp(start),
    }))!;
  });

  private articleRef = this.RULE("articleRef", (): ArticleRef => {
    const start = this.LA(1);
    const source = this.SUBRULE(this.ident);
    const words: IToken[] = [];
    let quoted: StringLiteral | undefined;
    this.OR([
      {
        ALT: () => {
          quoted = this.SUBRULE(this.text);
        },
      },
      {
        ALT: () => {
          this.MANY(() => {
            words.push(
              this.OR2([
                { ALT: () => this.CONSUME(Identifier) },
                { ALT: () => this.CONSUME(IntegerLit) },
                { ALT: () => this.CONSUME(DecimalLit) },
                { ALT: () => this.CONSUME(VersionLit) },
                { ALT: () => this.CONSUME(ArticleNumber) },
                { ALT: () => this.CONSUME(ArticleLocator) },
                { ALT: () => this.CONSUME(Colon) },
              ]),
            );
          });
        },
      },
    ]);
    return this.ACTION(() => {
      let locator = "";
      if (quoted) locator = quoted.value;
      else {
        let glue = true;
        for (const w of words) {
          if (!isReal(w)) continue;
          if (w.tokenType === Colon) {
            locator += ":";
            glue = true;
          } else {
            locator += (glue ? "" : " ") + w.image;
            glue = false;
          }
        }
      }
      return {
        kind: "ArticleRef" as const,
        source,
        locator,
        span: this.sp(start),
      };
    })!;
  });

  private implementsClause = this.RULE(
    "implementsClause",
    (): ArticleRef[] => {
      const refs: ArticleRef[] = [];
      this.CONSUME(KW.implements);
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => {
          refs.push(this.SUBRULE(this.articleRef));
        },
      });
      return this.ACTION(() => refs.filter((r) => r !== undefined))!;
    },
    this.recovers((): ArticleRef[] => []),
  );

  /** `assumption "..."`: a clause of every declaration that can carry one, fields and holidays too. */
  private assumptionClause = this.RULE("assumptionClause", (): Assumption => {
    const start = this.LA(1);
    this.CONSUME(KW.assumption);
    const t = this.CONSUME(StringLit);
    return this.ACTION(() => ({
      kind: "Assumption" as const,
      text: isReal(t) ? decodeString(t.image) : "",
      span: this.sp(start),
    }))!;
  });

  /** The `assumption` clause of every table (docs/language.md § Assumptions and sources of meaning). */
  private assumption(node: Assumable): void {
    const a = this.SUBRULE(this.assumptionClause);
    this.ACTION(() => {
      if (a) node.assumptions.push(a);
    });
  }

  /** The `implements` clause of every table that has one (docs/language.md § Article references). */
  private implements(node: { implementsRefs: ArticleRef[] }): void {
    const refs = this.SUBRULE(this.implementsClause);
    this.ACTION(() => {
      node.implementsRefs.push(...refs);
    });
  }

  private identList = this.RULE(
    "identList",
    (): Ident[] => {
      const names: Ident[] = [];
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => {
          names.push(this.SUBRULE(this.ident));
        },
      });
      return this.ACTION(() => names.filter((n) => !this.isLost(n)))!;
    },
    this.recovers((): Ident[] => []),
  );

  /**
   * The combination of a whole-file check: fields, each possibly normalised
   * (`normalized_name(last_name), date_of_birth`).
   */
  private combinationList = this.RULE(
    "combinationList",
    (): CombinationItem[] => {
      const items: CombinationItem[] = [];
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => {
          const start = this.LA(1);
          const name = this.SUBRULE(this.ident);
          // `SA.postal_code`: a field of the joined records
          const qualified = this.OPTION2(() => {
            this.CONSUME(Dot);
            return this.SUBRULE2(this.ident);
          });
          const args = this.OPTION(() => {
            this.CONSUME(LParen);
            const fields: { field: Ident; of?: Ident }[] = [];
            this.AT_LEAST_ONE_SEP2({
              SEP: Comma,
              DEF: () => {
                const first = this.SUBRULE3(this.ident);
                const second = this.OPTION3(() => {
                  this.CONSUME2(Dot);
                  return this.SUBRULE4(this.ident);
                });
                this.ACTION(() => {
                  if (this.isLost(first)) return;
                  if (second === undefined) fields.push({ field: first });
                  else if (!this.isLost(second))
                    fields.push({ field: second, of: first });
                });
              },
            });
            this.CONSUME(RParen);
            return fields;
          });
          this.ACTION(() => {
            if (this.isLost(name)) return;
            if (args === undefined) {
              const plain = qualified === undefined || this.isLost(qualified);
              items.push({
                kind: "CombinationItem",
                fields: [plain ? name : qualified],
                ...(plain ? {} : { of: [name] }),
                span: this.sp(start),
              });
              return;
            }
            items.push({
              kind: "CombinationItem",
              normalize: name,
              fields: args.map((a) => a.field),
              ...(args.some((a) => a.of !== undefined)
                ? { of: args.map((a) => a.of) }
                : {}),
              span: this.sp(start),
            });
          });
        },
      });
      return items;
    },
    this.recovers((): CombinationItem[] => []),
  );

  /** `(D)` or `(V)`. */
  private roleInParens = this.RULE("roleInParens", (): Role | undefined => {
    this.CONSUME(LParen);
    const r = this.SUBRULE(this.role);
    this.CONSUME(RParen);
    return r;
  });

  private role = this.RULE("role", (): Role | undefined => {
    const t = this.CONSUME(Identifier);
    return this.ACTION(() => {
      if (!isReal(t)) return undefined;
      if (t.image === "D" || t.image === "V") return t.image;
      this.report(
        "REG119",
        `\`${t.image}\` is not a role: write \`D\` (depositor) or \`V\` (representative)`,
        this.tsp(t),
        {
          suggestion:
            t.image.toUpperCase() === "D" || t.image.toUpperCase() === "V"
              ? t.image.toUpperCase()
              : undefined,
        },
      );
      return undefined;
    });
  });

  /** `E.f`, `E.*`, `*.*` */
  private attributeRef = this.RULE(
    "attributeRef",
    (): AttributeRef => {
      const start = this.LA(1);
      const e = this.OR([
        { ALT: () => this.CONSUME(Identifier) },
        { ALT: () => this.CONSUME(Star) },
      ]);
      this.CONSUME(Dot);
      const f = this.OR2([
        { ALT: () => this.CONSUME2(Identifier) },
        { ALT: () => this.CONSUME2(Star) },
      ]);
      return this.ACTION(() => ({
        kind: "AttributeRef" as const,
        entity: this.id(e),
        field: this.id(f),
        span: this.sp(start),
      }))!;
    },
    this.recovers((): AttributeRef => {
      const empty = this.emptyId();
      return {
        kind: "AttributeRef",
        entity: empty,
        field: empty,
        span: empty.span,
      };
    }),
  );

  // ---------------------------------------------------------------- header (docs/language.md § Ruleset header)

  public header = this.RULE("header", (): RulesetHeader => {
    const start = this.LA(1);
    this.CONSUME(KW.ruleset);
    const ref = this.SUBRULE(this.rulesetRef);
    const node = this.ACTION(() =>
      this.begin<RulesetHeader>({
        kind: "RulesetHeader",
        span: this.sp(start),
        // A name the parser could not read: empty, like a lost identifier.
        ref: ref ?? {
          kind: "RulesetRef",
          name: "",
          version: "",
          span: this.sp(start),
        },
        title: undefined,
        doc: [],
        extends: undefined,
        uses: [],
        validFrom: undefined,
        validUntil: undefined,
        sources: [],
        assumptions: [],
      }),
    )!;
    this.OPTION(() => {
      const t = this.SUBRULE(this.text);
      this.ACTION(() => {
        node.title = t.value;
      });
    });
    this.SUBRULE(this.clauseRules.RulesetHeader, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly headerClauses = table("RulesetHeader", "ruleset", "ordered", [
    once("extends", "extends", RegelParser.prototype.extendsClause),
    repeated("uses", "uses", RegelParser.prototype.usesClause),
    once("valid", "valid from", RegelParser.prototype.validityClause),
    repeated("source", "source", RegelParser.prototype.sourceClause),
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
  ]);

  /** `extends NAME@VERSION` */
  private extendsClause(node: RulesetHeader): void {
    const kw = this.CONSUME(KW.extends);
    const r = this.SUBRULE(this.dependencyRef);
    this.ACTION(() => {
      // An `extends` the parser could not read stays an (empty) extends, so the checker knows the
      // version is a delta and does not report what it inherits as unknown.
      node.extends = r ?? {
        kind: "RulesetRef",
        name: "",
        version: "",
        span: this.sp(kw),
      };
    });
  }

  /** `uses NAME@VERSION, ...` */
  private usesClause(node: RulesetHeader): void {
    this.CONSUME(KW.uses);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const r = this.SUBRULE2(this.dependencyRef);
        this.ACTION(() => {
          if (r) node.uses.push(r);
        });
      },
    });
  }

  /** `valid from DATE [until DATE]` */
  private validityClause(node: RulesetHeader): void {
    const v = this.SUBRULE(this.validClause);
    this.ACTION(() => {
      node.validFrom = v.from;
      node.validUntil = v.until;
    });
  }

  private validClause = this.RULE(
    "validClause",
    (): { from: DateLiteral | undefined; until: DateLiteral | undefined } => {
      this.CONSUME(KW.valid);
      this.CONSUME(KW.from);
      const from = this.SUBRULE(this.date);
      let until: DateLiteral | undefined;
      this.OPTION(() => {
        this.CONSUME(KW.until);
        until = this.SUBRULE2(this.date);
      });
      return { from, until };
    },
    { recoveryValueFunc: () => ({ from: undefined, until: undefined }) },
  );

  /** `source ALIAS "title" [url "..."]` */
  private sourceClause(node: RulesetHeader): void {
    const s = this.SUBRULE(this.sourceDecl);
    this.ACTION(() => {
      if (s) node.sources.push(s);
    });
  }

  private sourceDecl = this.RULE("sourceDecl", (): SourceDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.source);
    const alias = this.SUBRULE(this.ident);
    const title = this.SUBRULE(this.title);
    let url: StringLiteral | undefined;
    this.OPTION(() => {
      this.CONSUME(KW.url);
      url = this.SUBRULE2(this.text);
    });
    return this.ACTION(() => ({
      kind: "Source" as const,
      alias,
      title: title.value,
      url: url?.value,
      span: this.sp(start),
    }))!;
  });

  // ---------------------------------------------------------------- declarations

  public declaration = this.RULE("declaration", (): Declaration | undefined => {
    const start = this.LA(1);
    let replace = false;
    this.OPTION(() => {
      this.CONSUME(KW.replace);
      replace = true;
    });
    const decl = this.OR([
      { ALT: () => this.SUBRULE(this.codeListDecl) },
      { ALT: () => this.SUBRULE(this.entityDecl) },
      { ALT: () => this.SUBRULE(this.extendEntityDecl) },
      { ALT: () => this.SUBRULE(this.extendCategoryDecl) },
      { ALT: () => this.SUBRULE(this.extendCodeListDecl) },
      { ALT: () => this.SUBRULE(this.ikbDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.categoryDecl) },
      { ALT: () => this.SUBRULE(this.payoutDecl) },
      { ALT: () => this.SUBRULE(this.metricDecl) },
      { ALT: () => this.SUBRULE(this.normDecl) },
      { ALT: () => this.SUBRULE(this.measureDecl) },
      { ALT: () => this.SUBRULE(this.calendarDecl) },
      { ALT: () => this.SUBRULE(this.parameterDecl) },
      { ALT: () => this.SUBRULE(this.tableDecl) },
      { ALT: () => this.SUBRULE(this.aggregateDecl) },
      { ALT: () => this.SUBRULE(this.reconcileDecl) },
      { ALT: () => this.SUBRULE(this.plausibilityDecl) },
      { ALT: () => this.SUBRULE(this.removeDecl) },
    ]);
    return this.ACTION(() => {
      const d =
        (decl as Declaration | undefined) ??
        (this.partial as Declaration | undefined);
      if (d && replace) {
        d.replace = true;
        d.span = { ...d.span, start: this.startOf(start) };
      }
      return d;
    });
  });

  // ---------------------------------------------------------------- code lists (docs/language.md § Code lists)

  private codeListDecl = this.RULE("codeListDecl", (): CodeListDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.codelist);
    const name = this.SUBRULE(this.ident);
    const node = this.ACTION(() =>
      this.begin<CodeListDecl>({
        kind: "CodeList",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: undefined,
        implementsRefs: [],
        values: [],
        assumptions: [],
      }),
    )!;
    this.OPTION(() => {
      const t = this.SUBRULE(this.text);
      this.ACTION(() => {
        node.title = t.value;
      });
    });
    this.SUBRULE(this.clauseRules.CodeList, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly codeListClauses = table("CodeList", "codelist", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    repeated("implements", "implements", RegelParser.prototype.implements),
    repeated("value", "value", RegelParser.prototype.valueClause),
  ]);

  /** `value "CODE" ["description"]` */
  private valueClause(node: { values: CodeValue[] }): void {
    const v = this.SUBRULE(this.codeValue);
    this.ACTION(() => {
      if (v) node.values.push(v);
    });
  }

  private codeValue = this.RULE("codeValue", (): CodeValue => {
    const start = this.LA(1);
    this.CONSUME(KW.value);
    const code = this.SUBRULE(this.text);
    let description: StringLiteral | undefined;
    this.OPTION(() => {
      description = this.SUBRULE2(this.text);
    });
    return this.ACTION(() => ({
      kind: "CodeValue" as const,
      code: code.value,
      description: description?.value,
      span: this.sp(start),
    }))!;
  });

  // ---------------------------------------------------------------- entities (docs/language.md § Entities and fields)

  private entityDecl = this.RULE("entityDecl", (): EntityDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.entity);
    const name = this.SUBRULE(this.ident);
    const node = this.ACTION(() =>
      this.begin<EntityDecl>({
        kind: "Entity",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: undefined,
        file: undefined,
        key: [],
        roleBy: undefined,
        implementsRefs: [],
        fields: [],
        assumptions: [],
      }),
    )!;
    this.OPTION(() => {
      const t = this.SUBRULE(this.text);
      this.ACTION(() => {
        node.title = t.value;
      });
    });
    this.SUBRULE(this.clauseRules.Entity, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly entityClauses = table("Entity", "entity", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    repeated("implements", "implements", RegelParser.prototype.implements),
    once("file", "file", RegelParser.prototype.fileClause),
    once("key", "key", RegelParser.prototype.entityKeyClause),
    once("role", "role by", RegelParser.prototype.roleClause),
    repeated("field", "field", RegelParser.prototype.fieldClause),
  ]);

  /**
   * `file "name.csv"` then its options, e.g. `delimiter "|" header none optional`: a name, then a
   * string or `none` unless the option is a flag. The checker knows the names (REG135).
   */
  private fileClause(node: EntityDecl): void {
    this.CONSUME(KW.file);
    const f = this.SUBRULE2(this.text);
    this.ACTION(() => {
      node.file = f.value;
      node.fileSpan = f.span;
    });
    this.MANY5(() => {
      const name = this.SUBRULE3(this.ident);
      let value: StringLiteral | "none" | undefined;
      this.OPTION5(() => {
        this.OR5([
          {
            ALT: () => {
              const v = this.SUBRULE3(this.text);
              this.ACTION(() => {
                value = v;
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME5(KW.none);
              value = "none";
            },
          },
        ]);
      });
      this.ACTION(() => {
        if (this.isLost(name)) return;
        (node.fileOptions ??= []).push({
          kind: "FileOption",
          name,
          value,
          span: { ...name.span, end: this.endOfLast() },
        });
      });
    });
  }

  /** `key FIELD, ...` */
  private entityKeyClause(node: EntityDecl): void {
    this.CONSUME(KW.key);
    const names = this.SUBRULE(this.identList);
    this.ACTION(() => {
      node.key = names;
    });
  }

  /** `role by FIELD` */
  private roleClause(node: EntityDecl): void {
    this.CONSUME(KW.role);
    this.CONSUME(KW.by);
    const f = this.SUBRULE2(this.ident);
    this.ACTION(() => {
      node.roleBy = f;
    });
  }

  /** `field NAME: TYPE ...` */
  private fieldClause(node: EntityDecl): void {
    const f = this.SUBRULE(this.fieldDecl);
    this.ACTION(() => {
      if (f) node.fields.push(f);
    });
  }

  private extendEntityDecl = this.RULE(
    "extendEntityDecl",
    (): ExtendEntityDecl => {
      const start = this.LA(1);
      this.CONSUME(KW.extend);
      this.CONSUME(KW.entity);
      const name = this.SUBRULE(this.ident);
      const node = this.ACTION(() =>
        this.begin<ExtendEntityDecl>({
          kind: "ExtendEntity",
          span: this.sp(start),
          doc: [],
          replace: false,
          name,
          fields: [],
          removeFields: [],
        }),
      )!;
      this.SUBRULE(this.clauseRules.ExtendEntity, { ARGS: [node] });
      this.ACTION(() => {
        node.span = this.sp(start);
      });
      return node;
    },
  );

  static readonly extendEntityClauses = table(
    "ExtendEntity",
    "extend",
    "any order",
    [
      repeated(
        "field",
        ["field", "replace field"],
        RegelParser.prototype.extendFieldClause,
      ),
      repeated(
        "remove",
        "remove field",
        RegelParser.prototype.removeFieldClause,
      ),
    ],
  );

  /** `field NAME: TYPE ...` (added) or `replace field NAME: TYPE ...`, in source order. */
  private extendFieldClause(node: ExtendEntityDecl): void {
    this.OR2([
      {
        ALT: () => {
          const f = this.SUBRULE(this.fieldDecl);
          this.ACTION(() => {
            if (f) node.fields.push(f);
          });
        },
      },
      {
        ALT: () => {
          const r = this.CONSUME(KW.replace);
          const f = this.SUBRULE2(this.fieldDecl);
          this.ACTION(() => {
            if (!f) return;
            f.replace = true;
            f.span = { ...f.span, start: this.startOf(r) };
            node.fields.push(f);
          });
        },
      },
    ]);
  }

  /** `remove field NAME` */
  private removeFieldClause(node: ExtendEntityDecl): void {
    this.CONSUME(KW.remove);
    this.CONSUME(KW.field);
    const n = this.SUBRULE2(this.ident);
    this.ACTION(() => {
      if (!this.isLost(n)) node.removeFields.push(n);
    });
  }

  // ---------------------------------------------------------------- partial edits (docs/language.md § Versions)

  private extendCategoryDecl = this.RULE(
    "extendCategoryDecl",
    (): ExtendCategoryDecl => {
      const start = this.LA(1);
      this.CONSUME(KW.extend);
      this.CONSUME(KW.category);
      const name = this.SUBRULE(this.ident);
      const node = this.ACTION(() =>
        this.begin<ExtendCategoryDecl>({
          kind: "ExtendCategory",
          span: this.sp(start),
          doc: [],
          replace: false,
          name,
          results: [],
          markings: [],
          removeResults: [],
          removeMarkings: [],
        }),
      )!;
      this.SUBRULE(this.clauseRules.ExtendCategory, { ARGS: [node] });
      this.ACTION(() => {
        node.span = this.sp(start);
      });
      return node;
    },
  );

  static readonly extendCategoryClauses = table(
    "ExtendCategory",
    "extend category",
    "any order",
    [
      repeated("result", "result", RegelParser.prototype.resultClause),
      repeated("marking", "marking", RegelParser.prototype.markingClause),
      repeated(
        "remove",
        ["remove result", "remove marking"],
        RegelParser.prototype.removeEntryClause,
      ),
    ],
  );

  /** `remove result CODE [(D)] [on E.f, ...]` or `remove marking E.f = "VALUE" [(D)]`, as written in the table. */
  private removeEntryClause(node: ExtendCategoryDecl): void {
    const r = this.CONSUME(KW.remove);
    this.OR2([
      {
        ALT: () => {
          const e = this.SUBRULE2(this.categoryResult);
          this.ACTION(() => {
            if (!e) return;
            e.span = { ...e.span, start: this.startOf(r) };
            node.removeResults.push(e);
          });
        },
      },
      {
        ALT: () => {
          const m = this.SUBRULE2(this.categoryMarking);
          this.ACTION(() => {
            if (!m) return;
            m.span = { ...m.span, start: this.startOf(r) };
            node.removeMarkings.push(m);
          });
        },
      },
    ]);
  }

  private extendCodeListDecl = this.RULE(
    "extendCodeListDecl",
    (): ExtendCodeListDecl => {
      const start = this.LA(1);
      this.CONSUME(KW.extend);
      this.CONSUME(KW.codelist);
      const name = this.SUBRULE(this.ident);
      const node = this.ACTION(() =>
        this.begin<ExtendCodeListDecl>({
          kind: "ExtendCodeList",
          span: this.sp(start),
          doc: [],
          replace: false,
          name,
          values: [],
          removeValues: [],
        }),
      )!;
      this.SUBRULE(this.clauseRules.ExtendCodeList, { ARGS: [node] });
      this.ACTION(() => {
        node.span = this.sp(start);
      });
      return node;
    },
  );

  static readonly extendCodeListClauses = table(
    "ExtendCodeList",
    "extend codelist",
    "any order",
    [
      repeated("value", "value", RegelParser.prototype.valueClause),
      repeated(
        "remove",
        "remove value",
        RegelParser.prototype.removeValueClause,
      ),
    ],
  );

  /** `remove value "CODE"` */
  private removeValueClause(node: ExtendCodeListDecl): void {
    this.CONSUME(KW.remove);
    this.CONSUME(KW.value);
    const v = this.SUBRULE2(this.text);
    this.ACTION(() => {
      if (!this.isLost(v)) node.removeValues.push(v);
    });
  }

  private fieldDecl = this.RULE("fieldDecl", (): FieldDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.field);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(Colon);
    const type = this.SUBRULE(this.typeRef);
    let required = false;
    let personal = false;
    let column: string | undefined;
    let optionalColumn: Ident | undefined;
    const unknownValues: StringLiteral[] = [];
    let dateFormat: StringLiteral | undefined;
    let description: string | undefined;
    const assumptions: Assumption[] = [];
    // a name after the type is read only when it is `optional` or `format` (no reserved words):
    // any other name stays an error of the declaration, as before
    this.MANY({
      GATE: () =>
        this.LA(1).tokenType !== Identifier ||
        this.LA(1).image === "optional" ||
        this.LA(1).image === "unknown" ||
        this.LA(1).image === "format",
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(KW.required);
              required = true;
            },
          },
          {
            ALT: () => {
              this.CONSUME(KW.personal);
              personal = true;
            },
          },
          {
            ALT: () => {
              this.CONSUME(KW.column);
              const c = this.SUBRULE(this.text);
              this.ACTION(() => {
                column = c.value;
              });
            },
          },
          {
            // `optional` and `format` are no reserved words: only here does a name follow a
            // field's type; `format` takes the date format in quotes
            GATE: () =>
              this.LA(1).image === "optional" || this.LA(1).image === "format",
            ALT: () => {
              const o = this.SUBRULE4(this.ident);
              let f: StringLiteral | undefined;
              this.OPTION({
                GATE: () => o.name === "format",
                DEF: () => {
                  f = this.SUBRULE3(this.text);
                },
              });
              this.ACTION(() => {
                if (o.name !== "format") optionalColumn = o;
                else if (f !== undefined && !this.isLost(f)) dateFormat = f;
                else
                  this.report(
                    "REG150",
                    '`format` takes how the date is written, in quotes: e.g. `format "DD-MM-YYYY"`',
                    o.span,
                  );
              });
            },
          },
          {
            // `unknown "Unknown", "Non-applicable"`: no reserved word either (docs/language.md)
            GATE: () => this.LA(1).image === "unknown",
            ALT: () => {
              this.CONSUME2(Identifier);
              this.AT_LEAST_ONE_SEP({
                SEP: Comma,
                DEF: () => {
                  const u = this.SUBRULE4(this.text);
                  this.ACTION(() => {
                    if (!this.isLost(u)) unknownValues.push(u);
                  });
                },
              });
            },
          },
          {
            ALT: () => {
              const d = this.SUBRULE2(this.text);
              this.ACTION(() => {
                description = d.value;
              });
            },
          },
          {
            // Greedy: an `assumption` right after a field belongs to the field.
            ALT: () => {
              const a = this.SUBRULE(this.assumptionClause);
              this.ACTION(() => {
                if (a) assumptions.push(a);
              });
            },
          },
        ]);
      },
    });
    return this.ACTION(() => ({
      kind: "Field" as const,
      span: this.sp(start),
      doc: [],
      replace: false,
      name,
      type,
      required,
      personal,
      column,
      ...(optionalColumn === undefined ? {} : { optionalColumn }),
      ...(unknownValues.length === 0 ? {} : { unknownValues }),
      ...(dateFormat === undefined ? {} : { dateFormat }),
      description,
      assumptions,
    }))!;
  });

  private defaultType(): TypeRef {
    return {
      kind: "Type",
      name: "text",
      maxLength: undefined,
      precision: undefined,
      scale: undefined,
      codeList: undefined,
      refEntity: undefined,
      refField: undefined,
      span: this.tsp(undefined),
    };
  }

  private typeRef = this.RULE(
    "typeRef",
    (): TypeRef => {
      const start = this.LA(1);
      const nameTok = this.CONSUME(Identifier);
      const args: IToken[] = [];
      let target: Ident | undefined;
      let targetField: Ident | undefined;
      this.OPTION(() => {
        this.CONSUME(LParen);
        args.push(this.CONSUME(IntegerLit));
        this.OPTION2(() => {
          this.CONSUME(Comma);
          args.push(this.CONSUME2(IntegerLit));
        });
        this.CONSUME(RParen);
      });
      this.OPTION3({
        GATE: () => nameTok.image === "code" || nameTok.image === "ref",
        DEF: () => {
          target = this.SUBRULE(this.ident);
          this.OPTION4(() => {
            this.CONSUME(Dot);
            targetField = this.SUBRULE2(this.ident);
          });
        },
      });
      return this.ACTION(() => {
        const node = this.defaultType();
        node.span = this.sp(start);
        const written = isReal(nameTok) ? nameTok.image : "";
        if ((TYPE_NAMES as readonly string[]).includes(written))
          node.name = written as TypeName;
        else if (written !== "") {
          const suggestion = closestName(written, TYPE_NAMES);
          this.report(
            "REG118",
            `unknown field type \`${written}\`; the types are ${TYPE_NAMES.map((t) => `\`${t}\``).join(", ")}`,
            this.tsp(nameTok),
            { suggestion },
          );
          if (suggestion) node.name = suggestion as TypeName;
        }
        const nums = args.filter(isReal).map((a) => this.int(a));
        if (node.name === "text") node.maxLength = nums[0];
        else if (node.name === "decimal") {
          node.precision = nums[0];
          node.scale = nums[1];
        } else if (nums.length > 0) {
          this.report(
            "REG118",
            `the type \`${node.name}\` takes no size in parentheses`,
            this.sp(start),
          );
        }
        if (node.name === "code") {
          if (target) node.codeList = target;
          else
            this.report(
              "REG118",
              "`code` needs the name of a code list: `code LIST`",
              this.sp(start),
            );
        } else if (node.name === "ref") {
          if (target && targetField) {
            node.refEntity = target;
            node.refField = targetField;
          } else
            this.report(
              "REG118",
              "`ref` needs an entity and a field: `ref ENTITY.field`",
              this.sp(start),
            );
        }
        return node;
      })!;
    },
    this.recovers(() => this.defaultType()),
  );

  // ---------------------------------------------------------------- the IKB (docs/language.md § The IKB)

  private ikbDecl = this.RULE("ikbDecl", (): IkbDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.ikb);
    const node = this.ACTION(() =>
      this.begin<IkbDecl>({
        kind: "Ikb",
        span: this.sp(start),
        doc: [],
        replace: false,
        title: undefined,
        key: this.emptyId(),
        depositors: [],
        depositorBy: this.emptyId(),
        implementsRefs: [],
        assumptions: [],
      }),
    )!;
    this.OPTION(() => {
      const t = this.SUBRULE(this.text);
      this.ACTION(() => {
        node.title = t.value;
      });
    });
    // `unit "SCV record"`: `unit` is no reserved word, only read here
    this.OPTION2({
      GATE: () => this.LA(1).image === "unit",
      DEF: () => {
        this.SUBRULE(this.ident);
        const u = this.SUBRULE2(this.text);
        this.ACTION(() => {
          if (!this.isLost(u) && u.value !== "") node.unit = u;
        });
      },
    });
    this.SUBRULE(this.clauseRules.Ikb, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly ikbClauses = table("Ikb", "ikb", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    repeated("implements", "implements", RegelParser.prototype.implements),
    once("key", "key", RegelParser.prototype.ikbKeyClause),
    once("depositor", "depositor", RegelParser.prototype.depositorClause),
  ]);

  /** `key FIELD` */
  private ikbKeyClause(node: IkbDecl): void {
    this.CONSUME(KW.key);
    const k = this.SUBRULE(this.ident);
    this.ACTION(() => {
      node.key = k;
    });
  }

  /** `depositor ENTITY, ... by FIELD` */
  private depositorClause(node: IkbDecl): void {
    this.CONSUME(KW.depositor);
    const names = this.SUBRULE(this.identList);
    this.CONSUME(KW.by);
    const by = this.SUBRULE2(this.ident);
    this.ACTION(() => {
      node.depositors = names;
      node.depositorBy = by;
    });
  }

  // ---------------------------------------------------------------- rules (docs/language.md § Rules)

  private ruleDecl = this.RULE("ruleDecl", (): RuleDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.rule);
    const code = this.SUBRULE(this.ident);
    const title = this.SUBRULE(this.title);
    const node = this.ACTION(() =>
      this.begin<RuleDecl>({
        kind: "Rule",
        span: this.sp(start),
        doc: [],
        replace: false,
        code,
        title: title.value,
        meaning: undefined,
        meaningFrom: [],
        assumptions: [],
        severity: undefined,
        roles: [],
        implementsRefs: [],
        target: undefined,
        when: undefined,
        require: undefined,
        message: undefined,
        examples: [],
      }),
    )!;
    this.SUBRULE(this.clauseRules.Rule, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly ruleClauses = table("Rule", "rule", "ordered", [
    once("meaning", "meaning", RegelParser.prototype.meaningClause),
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    once("severity", "severity", RegelParser.prototype.severityClause),
    once("class", "class", RegelParser.prototype.classClause),
    once("scope", "scope", RegelParser.prototype.scopeClause),
    once("applies", "applies to", RegelParser.prototype.appliesClause),
    repeated("implements", "implements", RegelParser.prototype.implements),
    once("for", "for", RegelParser.prototype.forClause),
    once("when", "when", RegelParser.prototype.whenClause),
    once("require", "require", RegelParser.prototype.requireClause),
    once("message", "message", RegelParser.prototype.messageClause),
    repeated("example", "example", RegelParser.prototype.exampleClause),
  ]);

  /** `meaning "..." [from ARTICLE, ...]` */
  private meaningClause(node: RuleDecl): void {
    this.CONSUME(KW.meaning);
    const t = this.SUBRULE1(this.text);
    const from: ArticleRef[] = [];
    this.OPTION(() => {
      this.CONSUME(KW.from);
      this.AT_LEAST_ONE_SEP2({
        SEP: Comma,
        DEF: () => {
          from.push(this.SUBRULE(this.articleRef));
        },
      });
    });
    this.ACTION(() => {
      node.meaning = t.value;
      node.meaningFrom = from.filter((r) => r !== undefined);
    });
  }

  /** `severity blocking|signalling` */
  private severityClause(node: RuleDecl): void {
    this.CONSUME(KW.severity);
    const s = this.SUBRULE(this.severity);
    this.ACTION(() => {
      node.severity = s;
    });
  }

  /** `class WORD` (docs/language.md § Rule classes and scope; the word is checked by the checker) */
  private classClause(node: RuleDecl): void {
    this.CONSUME(KW.class);
    const word = this.SUBRULE5(this.ident);
    this.ACTION(() => {
      node.classification = word;
    });
  }

  /** `scope within delivery` / `scope outside delivery` (the words are checked by the checker) */
  private scopeClause(node: RuleDecl): void {
    const start = this.CONSUME(KW.scope);
    const word = this.SUBRULE6(this.ident);
    const noun = this.SUBRULE7(this.ident);
    this.ACTION(() => {
      node.scope = { word, noun, span: this.sp(start) };
    });
  }

  /** `applies to D, V` */
  private appliesClause(node: RuleDecl): void {
    this.CONSUME(KW.applies);
    this.CONSUME(KW.to);
    const roles: (Role | undefined)[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        roles.push(this.SUBRULE(this.role));
      },
    });
    this.ACTION(() => {
      node.roles = roles.filter((r): r is Role => r === "D" || r === "V");
    });
  }

  /** `for E`, `for E.f, E.*` or `for file E` */
  private forClause(node: RuleDecl): void {
    const t = this.SUBRULE(this.target);
    this.ACTION(() => {
      node.target = t;
    });
  }

  /** `when CONDITION` */
  private whenClause(node: RuleDecl): void {
    this.CONSUME(KW.when);
    const e = this.SUBRULE(this.expr);
    this.ACTION(() => {
      node.when = e;
    });
  }

  /** `require CONDITION` (or a file check) */
  private requireClause(node: RuleDecl): void {
    this.CONSUME(KW.require);
    const r = this.SUBRULE(this.requirement);
    this.ACTION(() => {
      node.require = r;
    });
  }

  /** `message "..."` */
  private messageClause(node: RuleDecl): void {
    this.CONSUME(KW.message);
    const t = this.SUBRULE2(this.text);
    this.ACTION(() => {
      node.message = t.value;
      node.messageSpan = t.span;
    });
  }

  /** `example pass|fail ...` (docs/language.md § Examples) */
  private exampleClause(node: RuleDecl): void {
    const ex = this.SUBRULE(this.example);
    this.ACTION(() => {
      if (ex) node.examples.push(ex);
    });
  }

  private severity = this.RULE("severity", (): "blocking" | "signalling" =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(KW.blocking);
          return "blocking" as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.signalling);
          return "signalling" as const;
        },
      },
    ]),
  );

  private target = this.RULE("target", (): RuleTarget => {
    const start = this.LA(1);
    this.CONSUME(KW.for);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(KW.file);
          const names = this.SUBRULE(this.identList);
          // `with SA by customer_id`: the records of SA joined to each record (same IKB, same field)
          const join = this.OPTION9(() => {
            const from = this.LA(1);
            this.CONSUME(KW.with);
            const entity = this.SUBRULE(this.ident);
            this.CONSUME(KW.by);
            const by = this.SUBRULE2(this.ident);
            return this.ACTION(() => ({
              kind: "FileJoin" as const,
              entity,
              by,
              span: this.sp(from),
            }));
          });
          return this.ACTION(() => ({
            kind: "FileTarget" as const,
            entities: names,
            ...(join === undefined ||
            this.isLost(join.entity) ||
            this.isLost(join.by)
              ? {}
              : { join }),
            span: this.sp(start),
          }))!;
        },
      },
      {
        // `for previous E`: the records of E in the previous delivery (T−1)
        ALT: () => {
          this.CONSUME(KW.previous);
          const e = this.CONSUME3(Identifier);
          return this.ACTION(() => ({
            kind: "RecordTarget" as const,
            entity: this.id(e),
            previous: true as const,
            span: this.sp(start),
          }))!;
        },
      },
      {
        ALT: () => {
          const items: {
            entity: IToken;
            field: IToken | undefined;
            start: IToken;
          }[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: Comma,
            DEF: () => {
              const first = this.LA(1);
              const e = this.OR2([
                { ALT: () => this.CONSUME(Identifier) },
                { ALT: () => this.CONSUME(Star) },
              ]);
              let f: IToken | undefined;
              this.OPTION(() => {
                this.CONSUME(Dot);
                f = this.OR3({
                  ERR_MSG: "a field name or `*`",
                  DEF: [
                    { ALT: () => this.CONSUME2(Identifier) },
                    { ALT: () => this.CONSUME2(Star) },
                  ],
                });
              });
              this.ACTION(() =>
                items.push({ entity: e, field: f, start: first }),
              );
            },
          });
          return this.ACTION(() => this.buildTarget(items, start))!;
        },
      },
    ]);
  });

  private buildTarget(
    items: { entity: IToken; field: IToken | undefined; start: IToken }[],
    start: IToken,
  ): RuleTarget {
    const span = this.sp(start);
    const first = items[0];
    if (items.length === 1 && first.field === undefined) {
      if (first.entity.tokenType === Star) {
        this.report(
          "REG124",
          "`for *` needs a field: write `for *.*` for every attribute of every entity",
          span,
        );
      }
      return { kind: "RecordTarget", entity: this.id(first.entity), span };
    }
    if (items.every((it) => it.field === undefined)) {
      const names = items.map((it) => it.entity.image);
      this.report(
        "REG124",
        `a rule runs on one entity, not ${names.length}: write one rule per entity, or list attributes (\`${names.map((n) => `${n}.*`).join(", ")}\`)`,
        span,
      );
      return { kind: "RecordTarget", entity: this.id(first.entity), span };
    }
    const attributes: AttributeRef[] = [];
    for (const it of items) {
      if (it.field === undefined) {
        this.report(
          "REG124",
          `\`${it.entity.image}\` is an entity in a list of attributes: a rule runs on one entity (\`for E\`) or on attributes (\`for E.f, E.*\`)`,
          this.tsp(it.entity),
          { suggestion: `${it.entity.image}.*` },
        );
        continue;
      }
      const entity = this.id(it.entity);
      const field = this.id(it.field);
      attributes.push({
        kind: "AttributeRef",
        entity,
        field,
        span: {
          file: this.file,
          start: entity.span.start,
          end: field.span.end,
        },
      });
    }
    return { kind: "AttributeTarget", attributes, span };
  }

  private requirement = this.RULE(
    "requirement",
    (): Expr | FileCheck =>
      this.OR([
        {
          ALT: () => {
            const t = this.CONSUME(KW.present);
            return this.ACTION(() => ({
              kind: "FileCheck" as const,
              check: "present" as const,
              span: this.tsp(t),
            }))!;
          },
        },
        {
          GATE: () =>
            this.LA(1).image === "unique" && this.LA(2).tokenType === KW.key,
          ALT: () => {
            const start = this.LA(1);
            this.CONSUME(Identifier);
            this.CONSUME(KW.key);
            return this.ACTION(() => ({
              kind: "FileCheck" as const,
              check: "unique-key" as const,
              span: this.sp(start),
            }))!;
          },
        },
        {
          // `unique a, b`: a name after `unique` is no expression, so this reads no condition
          GATE: () =>
            this.LA(1).image === "unique" &&
            this.LA(2).tokenType === Identifier,
          ALT: () => {
            const start = this.LA(1);
            this.CONSUME2(Identifier);
            const items = this.SUBRULE(this.combinationList);
            return this.ACTION(() => ({
              kind: "FileCheck" as const,
              check: "unique" as const,
              fields: items.flatMap((i) => i.fields),
              ...combinationOf(items),
              span: this.sp(start),
            }))!;
          },
        },
        {
          // `one a per b`: records that share `b` share `a` (a whole-file check)
          GATE: () =>
            this.LA(1).image === "one" && this.LA(2).tokenType === Identifier,
          ALT: () => {
            const start = this.LA(1);
            this.CONSUME3(Identifier);
            const fields = this.SUBRULE2(this.identList);
            // `per`, or a word written in its place (`for`, `by`, `in`, `with`: REG265)
            const perTok = this.OR2([
              { ALT: () => this.CONSUME4(Identifier) },
              { ALT: () => this.CONSUME(KW.for) },
              { ALT: () => this.CONSUME(KW.by) },
              { ALT: () => this.CONSUME(KW.in) },
              { ALT: () => this.CONSUME(KW.with) },
            ]);
            const items = this.SUBRULE2(this.combinationList);
            return this.ACTION(() => ({
              kind: "FileCheck" as const,
              check: "one-per" as const,
              fields,
              per: items.flatMap((i) => i.fields),
              ...combinationOf(items),
              // another word where `per` belongs: the checker reports it (REG265)
              ...(isReal(perTok) && perTok.image !== "per"
                ? { perWord: this.id(perTok) }
                : {}),
              span: this.sp(start),
            }))!;
          },
        },
        {
          // `count per b = n`: the records sharing `b` number `n` (a whole-file check)
          GATE: () =>
            this.LA(1).tokenType === KW.count && this.LA(2).image === "per",
          ALT: () => {
            const start = this.LA(1);
            this.CONSUME(KW.count);
            this.CONSUME5(Identifier);
            const per = this.SUBRULE4(this.identList);
            this.CONSUME(Equals);
            const stated = this.SUBRULE2(this.ident);
            return this.ACTION(() => ({
              kind: "FileCheck" as const,
              check: "count-per" as const,
              fields: this.isLost(stated) ? [] : [stated],
              per,
              span: this.sp(start),
            }))!;
          },
        },
        {
          // `count = TR.record_count`: the number of records of the rule's files (a file total)
          GATE: () =>
            this.LA(1).tokenType === KW.count &&
            COMPARISON_TOKENS.includes(this.LA(2).tokenType),
          ALT: () => {
            const start = this.LA(1);
            this.CONSUME2(KW.count);
            const op = this.SUBRULE(this.comparisonOperator);
            const figure = this.SUBRULE(this.totalFigure);
            return this.ACTION(() => ({
              kind: "FileCheck" as const,
              check: "total" as const,
              measure: "count" as const,
              op,
              figure,
              span: this.sp(start),
            }))!;
          },
        },
        {
          // `sum balance = TR.total_balance`: a control total over the rule's file
          GATE: () =>
            this.LA(1).tokenType === KW.sum &&
            this.LA(2).tokenType === Identifier,
          ALT: () => {
            const start = this.LA(1);
            this.CONSUME(KW.sum);
            const field = this.SUBRULE3(this.ident);
            const op = this.SUBRULE2(this.comparisonOperator);
            const figure = this.SUBRULE2(this.totalFigure);
            return this.ACTION(() => ({
              kind: "FileCheck" as const,
              check: "total" as const,
              measure: "sum" as const,
              fields: this.isLost(field) ? [] : [field],
              op,
              figure,
              span: this.sp(start),
            }))!;
          },
        },
        { ALT: () => this.SUBRULE(this.expr) },
      ]),
    this.recovers((): Expr | FileCheck => this.errorExpr()),
  );

  private example = this.RULE("example", (): Example => {
    const start = this.LA(1);
    this.CONSUME(KW.example);
    const expect = this.SUBRULE(this.expectation);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(KW.file);
          const entity = this.SUBRULE(this.ident);
          let form: "missing" | "columns" | "rows" = "missing";
          const columns: StringLiteral[] = [];
          const rows: { fields: FieldValue[]; start: IToken }[] = [];
          this.OR2({
            ERR_MSG:
              'what the file holds: `missing`, `columns "a", "b"` or `rows { ... }`',
            DEF: [
              {
                ALT: () => {
                  this.CONSUME(KW.missing);
                  form = "missing";
                },
              },
              {
                ALT: () => {
                  this.CONSUME(KW.columns);
                  form = "columns";
                  this.AT_LEAST_ONE_SEP({
                    SEP: Comma,
                    DEF: () => {
                      columns.push(this.SUBRULE(this.text));
                    },
                  });
                },
              },
              {
                ALT: () => {
                  this.CONSUME(KW.rows);
                  form = "rows";
                  this.AT_LEAST_ONE_SEP2({
                    SEP: Comma,
                    DEF: () => {
                      const first = this.LA(1);
                      const fields = this.SUBRULE(this.recordBody);
                      this.ACTION(() => rows.push({ fields, start: first }));
                    },
                  });
                },
              },
            ],
          });
          const context = this.SUBRULE(this.withContext);
          return this.ACTION(() => ({
            kind: "FileExample" as const,
            expect,
            entity,
            form,
            columns: columns.filter((c) => !this.isLost(c)).map((c) => c.value),
            columnSpans: columns
              .filter((c) => !this.isLost(c))
              .map((c) => c.span),
            rows: rows.map((r) => ({
              kind: "RecordLiteral" as const,
              entity: { ...entity },
              fields: r.fields,
              span: this.spanOfRow(r.start, r.fields),
            })),
            context,
            span: this.sp(start),
          }))!;
        },
      },
      {
        ALT: () => {
          let rrd: DateLiteral | undefined;
          this.OPTION(() => {
            this.CONSUME(KW.rrd);
            rrd = this.SUBRULE(this.date);
          });
          const subject = this.SUBRULE(this.recordLiteral);
          const context = this.SUBRULE2(this.withContext);
          // `previous E { ... }, ...`: the IKB's records in the previous delivery (T−1)
          const previous: RecordLiteral[] = [];
          let hasPrevious = false;
          this.OPTION2(() => {
            this.CONSUME(KW.previous);
            hasPrevious = true;
            this.AT_LEAST_ONE_SEP3({
              SEP: Comma,
              DEF: () => {
                previous.push(this.SUBRULE2(this.recordLiteral));
              },
            });
          });
          return this.ACTION(() => ({
            kind: "RecordExample" as const,
            expect,
            rrd,
            subject,
            context,
            ...(hasPrevious
              ? { previous: previous.filter((r) => !this.isLost(r)) }
              : {}),
            span: this.sp(start),
          }))!;
        },
      },
    ]);
  });

  private spanOfRow(start: IToken, fields: FieldValue[]): Span {
    const s = this.startOf(start);
    const lastField = fields[fields.length - 1];
    // The closing brace is one past the last field at best; find it from the token vector instead.
    let end = lastField ? lastField.span.end : s;
    const idx = (this as unknown as { tokVector: IToken[] }).tokVector.indexOf(
      start,
    );
    if (idx >= 0) {
      let depth = 0;
      const vec = (this as unknown as { tokVector: IToken[] }).tokVector;
      for (let i = idx; i < vec.length; i++) {
        if (vec[i].tokenType === LBrace) depth++;
        else if (vec[i].tokenType === RBrace && --depth === 0) {
          end = this.endOf(vec[i]);
          break;
        }
      }
    }
    return { file: this.file, start: s, end };
  }

  private expectation = this.RULE(
    "expectation",
    (): "pass" | "fail" =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(KW.pass);
            return "pass" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(KW.fail);
            return "fail" as const;
          },
        },
      ]),
    { recoveryValueFunc: () => "pass" as const },
  );

  /** `with E { ... }, F { ... }` (optional; `with` may repeat). */
  private withContext = this.RULE("withContext", (): RecordLiteral[] => {
    const records: RecordLiteral[] = [];
    this.MANY(() => {
      this.CONSUME(KW.with);
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => {
          records.push(this.SUBRULE(this.recordLiteral));
        },
      });
    });
    return this.ACTION(() => records.filter((r) => !this.isLost(r)))!;
  });

  private recordLiteral = this.RULE(
    "recordLiteral",
    (): RecordLiteral => {
      const start = this.LA(1);
      const entity = this.SUBRULE(this.ident);
      const fields = this.SUBRULE(this.recordBody);
      return this.ACTION(() => ({
        kind: "RecordLiteral" as const,
        entity,
        fields,
        span: this.sp(start),
      }))!;
    },
    this.recovers((): RecordLiteral => ({
      kind: "RecordLiteral",
      entity: this.emptyId(),
      fields: [],
      span: this.tsp(undefined),
    })),
  );

  private recordBody = this.RULE(
    "recordBody",
    (): FieldValue[] => {
      const fields: FieldValue[] = [];
      this.CONSUME(LBrace);
      this.MANY_SEP({
        SEP: Comma,
        DEF: () => {
          fields.push(this.SUBRULE(this.fieldValue));
        },
      });
      this.CONSUME(RBrace);
      return this.ACTION(() => fields.filter((f) => f !== undefined))!;
    },
    this.recovers((): FieldValue[] => []),
  );

  private fieldValue = this.RULE("fieldValue", (): FieldValue => {
    const start = this.LA(1);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(Colon);
    const value = this.SUBRULE(this.signedLiteral);
    return this.ACTION(() => ({
      kind: "FieldValue" as const,
      name,
      value,
      span: this.sp(start),
    }))!;
  });

  // ---------------------------------------------------------------- categories and payouts (docs/language.md § Categories and payout conditions)

  private categoryDecl = this.RULE("categoryDecl", (): CategoryDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.category);
    const name = this.SUBRULE(this.ident);
    const title = this.SUBRULE(this.title);
    const node = this.ACTION(() =>
      this.begin<CategoryDecl>({
        kind: "Category",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: title.value,
        blocks: undefined,
        implementsRefs: [],
        results: [],
        markings: [],
        assumptions: [],
      }),
    )!;
    this.SUBRULE(this.clauseRules.Category, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly categoryClauses = table("Category", "category", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    once("blocks", "blocks", RegelParser.prototype.blocksClause),
    repeated("implements", "implements", RegelParser.prototype.implements),
    repeated("result", "result", RegelParser.prototype.resultClause),
    repeated("marking", "marking", RegelParser.prototype.markingClause),
  ]);

  /** `blocks PAYOUT` */
  private blocksClause(node: CategoryDecl): void {
    this.CONSUME(KW.blocks);
    const b = this.SUBRULE2(this.ident);
    this.ACTION(() => {
      node.blocks = b;
    });
  }

  /** `result CODE [(D)] [on E.f, ...]` */
  private resultClause(node: { results: CategoryResult[] }): void {
    const r = this.SUBRULE(this.categoryResult);
    this.ACTION(() => {
      if (r) node.results.push(r);
    });
  }

  /** `marking E.f = "VALUE" [(D)]` */
  private markingClause(node: { markings: CategoryMarking[] }): void {
    const m = this.SUBRULE(this.categoryMarking);
    this.ACTION(() => {
      if (m) node.markings.push(m);
    });
  }

  private categoryResult = this.RULE("categoryResult", (): CategoryResult => {
    const start = this.LA(1);
    this.CONSUME(KW.result);
    const code = this.SUBRULE(this.ident);
    let role: Role | undefined;
    const attributes: AttributeRef[] = [];
    this.OPTION(() => {
      role = this.SUBRULE(this.roleInParens);
    });
    this.OPTION2(() => {
      this.CONSUME(KW.on);
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => {
          attributes.push(this.SUBRULE(this.attributeRef));
        },
      });
    });
    return this.ACTION(() => ({
      kind: "CategoryResult" as const,
      code,
      role,
      attributes: attributes.filter((a) => !this.isLost(a)),
      span: this.sp(start),
    }))!;
  });

  private categoryMarking = this.RULE(
    "categoryMarking",
    (): CategoryMarking => {
      const start = this.LA(1);
      this.CONSUME(KW.marking);
      const attribute = this.SUBRULE(this.attributeRef);
      this.CONSUME(Equals);
      const value = this.SUBRULE(this.text);
      let role: Role | undefined;
      this.OPTION(() => {
        role = this.SUBRULE(this.roleInParens);
      });
      return this.ACTION(() => ({
        kind: "CategoryMarking" as const,
        attribute,
        value,
        role,
        span: this.sp(start),
      }))!;
    },
  );

  private payoutDecl = this.RULE("payoutDecl", (): PayoutDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.payout);
    const name = this.SUBRULE(this.ident);
    const num = this.CONSUME(IntegerLit);
    const title = this.SUBRULE(this.title);
    const node = this.ACTION(() =>
      this.begin<PayoutDecl>({
        kind: "Payout",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        number: this.int(num),
        title: title.value,
        implementsRefs: [],
        assumptions: [],
      }),
    )!;
    this.SUBRULE(this.clauseRules.Payout, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly payoutClauses = table("Payout", "payout", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    repeated("implements", "implements", RegelParser.prototype.implements),
  ]);

  // ---------------------------------------------------------------- metrics and norms (docs/language.md § Metrics and norms)

  private metricDecl = this.RULE("metricDecl", (): MetricDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.metric);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(Colon);
    const type = this.CONSUME(Identifier);
    let description: StringLiteral | undefined;
    this.OPTION(() => {
      description = this.SUBRULE(this.text);
    });
    const node = this.ACTION(() => {
      const metricType = this.typeWord(
        type,
        METRIC_TYPES,
        "integer",
        "REG118",
        "metric",
      );
      return this.begin<MetricDecl>({
        kind: "Metric",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        type: metricType,
        // A description recovery lost is no description.
        description: this.isLost(description) ? undefined : description?.value,
        assumptions: [],
      });
    })!;
    this.SUBRULE(this.clauseRules.Metric, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly metricClauses = table("Metric", "metric", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
  ]);

  private normDecl = this.RULE("normDecl", (): NormDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.norm);
    const name = this.SUBRULE(this.ident);
    const node = this.ACTION(() =>
      this.begin<NormDecl>({
        kind: "Norm",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: undefined,
        implementsRefs: [],
        periods: [],
        assumptions: [],
      }),
    )!;
    this.OPTION(() => {
      const t = this.SUBRULE(this.text);
      this.ACTION(() => {
        node.title = t.value;
      });
    });
    this.SUBRULE(this.clauseRules.Norm, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly normClauses = table("Norm", "norm", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    repeated("implements", "implements", RegelParser.prototype.implements),
    repeated("period", ["year", "from"], RegelParser.prototype.periodClause),
  ]);

  /** `year YYYY: ...` or `from DATE [until DATE]: ...` */
  private periodClause(node: NormDecl): void {
    const p = this.SUBRULE(this.normPeriod);
    this.ACTION(() => {
      if (p) node.periods.push(p);
    });
  }

  private normPeriod = this.RULE("normPeriod", (): NormPeriod => {
    const start = this.LA(1);
    let year: number | undefined;
    let from: DateLiteral | undefined;
    let until: DateLiteral | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(KW.year);
          const y = this.CONSUME(IntegerLit);
          this.ACTION(() => {
            year = this.int(y);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.from);
          from = this.SUBRULE(this.date);
          this.OPTION(() => {
            this.CONSUME(KW.until);
            until = this.SUBRULE2(this.date);
          });
        },
      },
    ]);
    this.CONSUME(Colon);
    const requirements: NormRequirement[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        requirements.push(this.SUBRULE(this.normRequirement));
      },
    });
    return this.ACTION(() => ({
      kind: "NormPeriod" as const,
      year,
      from,
      until,
      requirements: requirements.filter((r) => r !== undefined),
      span: this.sp(start),
    }))!;
  });

  /** What a file total is compared with: a number, a parameter, or `E.f` of a `single` entity. */
  private totalFigure = this.RULE("totalFigure", (): TotalFigure => {
    const start = this.LA(1);
    let literal: Literal | undefined;
    let entity: Ident | undefined;
    let name: Ident | undefined;
    let key: Literal | undefined;
    let keyField: Ident | undefined;
    this.OR([
      {
        ALT: () => {
          literal = this.SUBRULE(this.signedLiteral);
        },
      },
      {
        ALT: () => {
          name = this.SUBRULE(this.ident);
          this.OPTION(() => {
            this.CONSUME(Dot);
            entity = name;
            name = this.SUBRULE2(this.ident);
            // `E.f where k = "KEY"`: the field of the one record of E whose k is KEY
            this.OPTION2(() => {
              this.CONSUME(KW.where);
              keyField = this.SUBRULE3(this.ident);
              this.CONSUME(Equals);
              key = this.SUBRULE2(this.signedLiteral);
            });
          });
        },
      },
    ]);
    return this.ACTION(() => ({
      kind: "TotalFigure" as const,
      ...(literal ? { literal } : {}),
      ...(entity ? { entity } : {}),
      ...(name ? { name } : {}),
      ...(key ? { key } : {}),
      ...(keyField ? { keyField } : {}),
      span: this.sp(start),
    }))!;
  });

  /** `metric op value`, or `aim metric op value` for an aim (docs/language.md § Metrics and norms). */
  private normRequirement = this.RULE(
    "normRequirement",
    (): NormRequirement => {
      const start = this.LA(1);
      let aim = false;
      this.OPTION(() => {
        this.CONSUME(KW.aim);
        aim = true;
      });
      const metric = this.SUBRULE(this.ident);
      const op = this.SUBRULE(this.comparisonOperator);
      let value: Literal | undefined;
      let parameter: Ident | undefined;
      this.OR([
        {
          ALT: () => {
            value = this.SUBRULE(this.signedLiteral);
          },
        },
        {
          ALT: () => {
            parameter = this.SUBRULE2(this.ident);
          },
        },
      ]);
      return this.ACTION(() => ({
        kind: "NormRequirement" as const,
        aim,
        metric,
        op,
        // Until the checker writes the parameter's value for the period: an empty text.
        value: value ?? this.emptyText(),
        ...(parameter === undefined ? {} : { parameter }),
        span: this.sp(start),
      }))!;
    },
  );

  // ---------------------------------------------------------------- measures (docs/language.md § Enforcement measures)

  private measureDecl = this.RULE("measureDecl", (): MeasureDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.measure);
    const name = this.SUBRULE(this.ident);
    const title = this.SUBRULE(this.title);
    const node = this.ACTION(() =>
      this.begin<MeasureDecl>({
        kind: "Measure",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: title.value,
        measureKind: undefined,
        character: undefined,
        implementsRefs: [],
        basis: undefined,
        preconditions: [],
        fine: undefined,
        assumptions: [],
      }),
    )!;
    this.SUBRULE(this.clauseRules.Measure, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly measureClauses = table("Measure", "measure", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    once("kind", "kind", RegelParser.prototype.kindClause),
    once("character", "character", RegelParser.prototype.characterClause),
    repeated("implements", "implements", RegelParser.prototype.implements),
    once("basis", "basis", RegelParser.prototype.basisClause),
    repeated(
      "precondition",
      "precondition",
      RegelParser.prototype.preconditionClause,
    ),
    once("fine", "fine", RegelParser.prototype.fineClause),
  ]);

  /** `kind informal|formal` */
  private kindClause(node: MeasureDecl): void {
    this.CONSUME(KW.kind);
    const k = this.SUBRULE(this.measureKind);
    this.ACTION(() => {
      node.measureKind = k;
    });
  }

  /** `character remedial|punitive` */
  private characterClause(node: MeasureDecl): void {
    this.CONSUME(KW.character);
    const c = this.SUBRULE(this.measureCharacter);
    this.ACTION(() => {
      node.character = c;
    });
  }

  /** `basis ARTICLE, ...` or `basis none from ARTICLE, ...` */
  private basisClause(node: MeasureDecl): void {
    const b = this.SUBRULE(this.measureBasis);
    this.ACTION(() => {
      node.basis = b;
    });
  }

  private measureBasis = this.RULE("measureBasis", (): MeasureBasis => {
    const start = this.LA(1);
    this.CONSUME(KW.basis);
    let none = false;
    const articles: ArticleRef[] = [];
    this.OPTION(() => {
      this.CONSUME(KW.none);
      this.CONSUME(KW.from);
      none = true;
    });
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        articles.push(this.SUBRULE(this.articleRef));
      },
    });
    return this.ACTION(() => ({
      kind: "MeasureBasis" as const,
      none,
      articles: articles.filter((a) => a !== undefined),
      span: this.sp(start),
    }))!;
  });

  /** `precondition "..."` */
  private preconditionClause(node: MeasureDecl): void {
    this.CONSUME(KW.precondition);
    const t = this.SUBRULE2(this.text);
    this.ACTION(() => {
      node.preconditions.push(t.value);
    });
  }

  /** `fine category N base AMOUNT CURRENCY` */
  private fineClause(node: MeasureDecl): void {
    const f = this.SUBRULE(this.fine);
    this.ACTION(() => {
      node.fine = f;
    });
  }

  private measureKind = this.RULE("measureKind", (): "informal" | "formal" =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(KW.informal);
          return "informal" as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.formal);
          return "formal" as const;
        },
      },
    ]),
  );

  private measureCharacter = this.RULE(
    "measureCharacter",
    (): "remedial" | "punitive" =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(KW.remedial);
            return "remedial" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(KW.punitive);
            return "punitive" as const;
          },
        },
      ]),
  );

  private fine = this.RULE("fine", (): MeasureDecl["fine"] => {
    const start = this.LA(1);
    this.CONSUME(KW.fine);
    this.CONSUME(KW.category);
    const cat = this.CONSUME(IntegerLit);
    this.CONSUME(KW.base);
    const base = this.OR([
      { ALT: () => this.CONSUME(DecimalLit) },
      { ALT: () => this.CONSUME2(IntegerLit) },
    ]);
    const currency = this.CONSUME(Identifier);
    return this.ACTION(() => ({
      category: this.int(cat),
      base: {
        kind: "Decimal" as const,
        text: isReal(base) ? base.image : "",
        span: this.tsp(base),
      } satisfies DecimalLiteral,
      currency: isReal(currency) ? currency.image : "",
      span: this.sp(start),
    }));
  });

  // ---------------------------------------------------------------- plausibility (docs/language.md § Plausibility)

  private plausibilityDecl = this.RULE(
    "plausibilityDecl",
    (): PlausibilityDecl => {
      const start = this.LA(1);
      this.CONSUME(KW.plausibility);
      const name = this.SUBRULE(this.ident);
      const node = this.ACTION(() =>
        this.begin<PlausibilityDecl>({
          kind: "Plausibility",
          span: this.sp(start),
          doc: [],
          replace: false,
          name,
          title: undefined,
          implementsRefs: [],
          compare: undefined,
          window: undefined,
          minimum: undefined,
          method: undefined,
          threshold: undefined,
          watch: [],
          assumptions: [],
        }),
      )!;
      this.OPTION(() => {
        const t = this.SUBRULE(this.text);
        this.ACTION(() => {
          node.title = t.value;
        });
      });
      this.SUBRULE(this.clauseRules.Plausibility, { ARGS: [node] });
      this.ACTION(() => {
        node.span = this.sp(start);
      });
      return node;
    },
  );

  static readonly plausibilityClauses = table(
    "Plausibility",
    "plausibility",
    "any order",
    [
      repeated("assumption", "assumption", RegelParser.prototype.assumption),
      repeated("implements", "implements", RegelParser.prototype.implements),
      once("compare", "compare", RegelParser.prototype.compareClause),
      once("window", "window", RegelParser.prototype.windowClause),
      once("minimum", "minimum", RegelParser.prototype.minimumClause),
      once("method", "method", RegelParser.prototype.methodClause),
      once("threshold", "threshold", RegelParser.prototype.thresholdClause),
      repeated("watch", "watch", RegelParser.prototype.watchClause),
    ],
  );

  /** `compare history|peers` (the checker knows the words). */
  private compareClause(node: PlausibilityDecl): void {
    this.CONSUME(KW.compare);
    const c = this.SUBRULE(this.ident);
    this.ACTION(() => {
      node.compare = c;
    });
  }

  /** `window N` */
  private windowClause(node: PlausibilityDecl): void {
    const start = this.LA(1);
    this.CONSUME(KW.window);
    const n = this.CONSUME(IntegerLit);
    this.ACTION(() => {
      node.window = { value: this.int(n), span: this.sp(start) };
    });
  }

  /** `minimum N` */
  private minimumClause(node: PlausibilityDecl): void {
    const start = this.LA(1);
    this.CONSUME(KW.minimum);
    const n = this.CONSUME2(IntegerLit);
    this.ACTION(() => {
      node.minimum = { value: this.int(n), span: this.sp(start) };
    });
  }

  /** `method robust_z` (the checker knows the words). */
  private methodClause(node: PlausibilityDecl): void {
    this.CONSUME(KW.method);
    const m = this.SUBRULE2(this.ident);
    this.ACTION(() => {
      node.method = m;
    });
  }

  /** `threshold 3.5` */
  private thresholdClause(node: PlausibilityDecl): void {
    const start = this.LA(1);
    this.CONSUME(KW.threshold);
    const t = this.OR2([
      { ALT: () => this.CONSUME(DecimalLit) },
      { ALT: () => this.CONSUME3(IntegerLit) },
    ]);
    this.ACTION(() => {
      node.threshold = {
        text: isReal(t) ? t.image : "",
        span: this.sp(start),
      };
    });
  }

  /** `watch ikbs, findings, findings dmc0000, aggregate depositors, ...` */
  private watchClause(node: PlausibilityDecl): void {
    this.CONSUME(KW.watch);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const s = this.SUBRULE(this.plausibilitySeries);
        this.ACTION(() => {
          if (s && !this.isLost(s.word)) node.watch.push(s);
        });
      },
    });
  }

  private plausibilitySeries = this.RULE(
    "plausibilitySeries",
    (): PlausibilitySeries => {
      const start = this.LA(1);
      // `aggregate NAME`: `aggregate` is a keyword (it starts a declaration), so it is taken as a word here
      const word = this.OR([
        { ALT: () => this.id(this.CONSUME(KW.aggregate)) },
        { ALT: () => this.SUBRULE(this.ident) },
      ]);
      let name: Ident | undefined;
      this.OPTION(() => {
        name = this.SUBRULE2(this.ident);
      });
      return this.ACTION(() => ({
        kind: "PlausibilitySeries" as const,
        word,
        name,
        span: this.sp(start),
      }))!;
    },
  );

  // ---------------------------------------------------------------- calendars (docs/language.md § Calendars)

  private calendarDecl = this.RULE("calendarDecl", (): CalendarDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.calendar);
    const name = this.SUBRULE(this.ident);
    const node = this.ACTION(() =>
      this.begin<CalendarDecl>({
        kind: "Calendar",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: undefined,
        implementsRefs: [],
        weekend: [],
        holidays: [],
        assumptions: [],
      }),
    )!;
    this.OPTION(() => {
      const t = this.SUBRULE(this.text);
      this.ACTION(() => {
        node.title = t.value;
      });
    });
    this.SUBRULE(this.clauseRules.Calendar, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  // ---------------------------------------------------------------- parameters (docs/language.md § Parameters)

  private parameterDecl = this.RULE("parameterDecl", (): ParameterDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.parameter);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(Colon);
    const type = this.CONSUME(Identifier);
    let title: StringLiteral | undefined;
    this.OPTION(() => {
      title = this.SUBRULE(this.text);
    });
    const node = this.ACTION(() => {
      const parameterType = this.typeWord(
        type,
        PARAMETER_TYPES,
        "decimal",
        "REG128",
        "parameter",
      );
      return this.begin<ParameterDecl>({
        kind: "Parameter",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        type: parameterType,
        title: this.isLost(title) ? undefined : title?.value,
        implementsRefs: [],
        assumptions: [],
        values: [],
      });
    })!;
    this.SUBRULE(this.clauseRules.Parameter, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly parameterClauses = table(
    "Parameter",
    "parameter",
    "any order",
    [
      repeated("assumption", "assumption", RegelParser.prototype.assumption),
      repeated("implements", "implements", RegelParser.prototype.implements),
      repeated("from", "from", RegelParser.prototype.parameterValueClause),
    ],
  );

  /** `from DATE [until DATE] value LITERAL` */
  private parameterValueClause(node: ParameterDecl): void {
    const v = this.SUBRULE(this.parameterValue);
    this.ACTION(() => {
      // a line whose date error recovery lost is reported already; no later pass reads half a period
      if (v && v.from !== undefined) node.values.push(v);
    });
  }

  private parameterValue = this.RULE("parameterValue", (): ParameterValue => {
    const start = this.LA(1);
    this.CONSUME(KW.from);
    const from = this.SUBRULE(this.date);
    let until: DateLiteral | undefined;
    this.OPTION(() => {
      this.CONSUME(KW.until);
      until = this.SUBRULE2(this.date);
    });
    this.CONSUME(KW.value);
    const value = this.SUBRULE(this.signedLiteral);
    return this.ACTION(() => ({
      kind: "ParameterValue" as const,
      from,
      until,
      value,
      span: this.sp(start),
    }))!;
  });

  // ---------------------------------------------------------------- reference data (docs/language.md § Reference data)

  private tableDecl = this.RULE("tableDecl", (): TableDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.table);
    const name = this.SUBRULE(this.ident);
    let title: StringLiteral | undefined;
    this.OPTION(() => {
      title = this.SUBRULE(this.text);
    });
    const node = this.ACTION(() =>
      this.begin<TableDecl>({
        kind: "Table",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: this.isLost(title) ? undefined : title?.value,
        implementsRefs: [],
        assumptions: [],
        file: undefined,
        columns: [],
        rows: [],
      }),
    )!;
    this.SUBRULE(this.clauseRules.Table, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly tableClauses = table("Table", "table", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    repeated("implements", "implements", RegelParser.prototype.implements),
    once("file", "file", RegelParser.prototype.tableFileClause),
    repeated("column", "column", RegelParser.prototype.tableColumnClause),
    repeated("row", "row", RegelParser.prototype.tableRowClause),
  ]);

  /** `file "rates.csv"`: the CSV beside the ruleset that holds the rows. */
  private tableFileClause(node: TableDecl): void {
    this.CONSUME(KW.file);
    const f = this.SUBRULE(this.text);
    this.ACTION(() => {
      if (!this.isLost(f)) node.file = f;
    });
  }

  /** `column NAME: TYPE [key]` */
  private tableColumnClause(node: TableDecl): void {
    const c = this.SUBRULE(this.tableColumn);
    this.ACTION(() => {
      if (c) node.columns.push(c);
    });
  }

  private tableColumn = this.RULE("tableColumn", (): TableColumn => {
    const start = this.LA(1);
    this.CONSUME(KW.column);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(Colon);
    const type = this.CONSUME(Identifier);
    let key = false;
    this.OPTION(() => {
      this.CONSUME(KW.key);
      key = true;
    });
    return this.ACTION(() => {
      const columnType = this.typeWord(
        type,
        TABLE_COLUMN_TYPES,
        "text",
        "REG129",
        "column",
      );
      return {
        kind: "TableColumn" as const,
        name,
        type: columnType,
        key,
        span: this.sp(start),
      };
    })!;
  });

  /** `row LITERAL, LITERAL, ...` */
  private tableRowClause(node: TableDecl): void {
    const r = this.SUBRULE(this.tableRow);
    this.ACTION(() => {
      if (r) node.rows.push(r);
    });
  }

  private tableRow = this.RULE("tableRow", (): TableRow => {
    const start = this.LA(1);
    this.CONSUME(KW.row);
    const values: Literal[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        values.push(this.SUBRULE(this.signedLiteral));
      },
    });
    return this.ACTION(() => ({
      kind: "TableRow" as const,
      values: values.filter((v) => !this.isLost(v)),
      span: this.sp(start),
    }))!;
  });

  static readonly calendarClauses = table("Calendar", "calendar", "any order", [
    repeated("assumption", "assumption", RegelParser.prototype.assumption),
    repeated("implements", "implements", RegelParser.prototype.implements),
    once("weekend", "weekend", RegelParser.prototype.weekendClause),
    repeated("holiday", "holiday", RegelParser.prototype.holidayClause),
  ]);

  /** `weekend DAY, ...` */
  private weekendClause(node: CalendarDecl): void {
    this.CONSUME(KW.weekend);
    const days = this.SUBRULE(this.identList);
    this.ACTION(() => {
      node.weekend = days;
    });
  }

  /** `holiday NAME "title" on DAY MONTH ...` or `... easter ±N ...` */
  private holidayClause(node: CalendarDecl): void {
    const h = this.SUBRULE(this.holiday);
    this.ACTION(() => {
      if (h) node.holidays.push(h);
    });
  }

  private holiday = this.RULE("holiday", (): HolidayDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.holiday);
    const name = this.SUBRULE(this.ident);
    const title = this.SUBRULE(this.title);
    let rule: HolidayDecl["rule"] = { kind: "fixed", day: 1, month: 1 };
    let ifSunday: number | undefined;
    let fromYear: number | undefined;
    let untilYear: number | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(KW.on);
          this.OR2([
            {
              ALT: () => {
                const day = this.CONSUME(IntegerLit);
                const month = this.CONSUME(Identifier);
                this.ACTION(() => {
                  rule = {
                    kind: "fixed",
                    day: this.int(day),
                    month: this.month(month),
                  };
                });
              },
            },
            {
              // `on 2022-05-27`: one day of one year (a day equated by decree)
              ALT: () => {
                const date = this.SUBRULE(this.date);
                this.ACTION(() => {
                  rule = { kind: "date", date };
                });
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.easter);
          let offset = 0;
          this.OPTION(() => {
            offset = this.SUBRULE(this.signedInteger);
          });
          this.ACTION(() => {
            rule = { kind: "easter", offset };
          });
        },
      },
    ]);
    this.OPTION2(() => {
      this.CONSUME(KW.if);
      const day = this.CONSUME2(Identifier);
      const n = this.SUBRULE2(this.signedInteger);
      this.ACTION(() => {
        if (isReal(day) && day.image !== "sunday") {
          this.report(
            "REG120",
            `only \`if sunday\` is supported, found \`${day.image}\``,
            this.tsp(day),
            {
              suggestion: closestName(day.image, ["sunday"]),
            },
          );
        }
        ifSunday = n;
      });
    });
    this.OPTION3(() => {
      this.CONSUME(KW.from);
      const y = this.CONSUME2(IntegerLit);
      this.ACTION(() => {
        fromYear = this.int(y);
      });
    });
    this.OPTION4(() => {
      this.CONSUME(KW.until);
      const y = this.CONSUME3(IntegerLit);
      this.ACTION(() => {
        untilYear = this.int(y);
      });
    });
    // Greedy: an `assumption` right after a holiday belongs to the holiday.
    const assumptions: Assumption[] = [];
    this.MANY(() => {
      const a = this.SUBRULE(this.assumptionClause);
      this.ACTION(() => {
        if (a) assumptions.push(a);
      });
    });
    return this.ACTION(() => ({
      kind: "Holiday" as const,
      name,
      title: title.value,
      rule,
      ifSunday,
      fromYear,
      untilYear,
      assumptions,
      span: this.sp(start),
    }))!;
  });

  private month(t: IToken): number {
    if (!isReal(t)) return 1;
    const m = MONTHS[t.image.toLowerCase()];
    if (m !== undefined) return m;
    this.report(
      "REG120",
      `unknown month \`${t.image}\`; write the month in full, e.g. \`january\``,
      this.tsp(t),
      {
        suggestion: closestName(t.image, Object.keys(MONTHS)),
      },
    );
    return 1;
  }

  private signedInteger = this.RULE(
    "signedInteger",
    (): number => {
      let sign = 1;
      this.OPTION(() => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(Plus);
            },
          },
          {
            ALT: () => {
              this.CONSUME(Minus);
              sign = -1;
            },
          },
        ]);
      });
      const n = this.CONSUME(IntegerLit);
      return this.ACTION(() => this.int(n, sign))!;
    },
    { recoveryValueFunc: () => 0 },
  );

  // ---------------------------------------------------------------- removals (docs/language.md § Versions)

  // ---------------------------------------------------------------- aggregates and reconciliation (docs/language.md § Aggregates)

  private aggregateDecl = this.RULE("aggregateDecl", (): AggregateDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.aggregate);
    const name = this.SUBRULE(this.ident);
    let title: StringLiteral | undefined;
    this.OPTION(() => {
      title = this.SUBRULE(this.text);
    });
    const node = this.ACTION(() =>
      this.begin<AggregateDecl>({
        kind: "Aggregate",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: this.isLost(title) ? undefined : title?.value,
        implementsRefs: [],
        assumptions: [],
        measures: [],
        category: undefined,
        marking: undefined,
      }),
    )!;
    this.SUBRULE(this.clauseRules.Aggregate, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly aggregateClauses = table(
    "Aggregate",
    "aggregate",
    "any order",
    [
      repeated("assumption", "assumption", RegelParser.prototype.assumption),
      repeated("implements", "implements", RegelParser.prototype.implements),
      once("count", "count", RegelParser.prototype.aggregateCount),
      once("sum", "sum", RegelParser.prototype.aggregateSum),
      once("proportion", "proportion", RegelParser.prototype.aggregateShare),
      once("in", "in category", RegelParser.prototype.aggregateCategory),
      once("with", "with", RegelParser.prototype.aggregateMarking),
    ],
  );

  /** A measure of an aggregate, kept as written (more than one is REG280). */
  private setMeasure(node: AggregateDecl, m: AggregateMeasure): void {
    node.measures.push(m);
  }

  /** `count ikb`, `count result CODE`, `count E` */
  private aggregateCount(node: AggregateDecl): void {
    const start = this.LA(1);
    this.CONSUME(KW.count);
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(KW.ikb);
          this.ACTION(() =>
            this.setMeasure(node, { kind: "count-ikbs", span: this.sp(start) }),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.result);
          const rule = this.SUBRULE(this.ident);
          this.ACTION(() =>
            this.setMeasure(node, {
              kind: "count-findings",
              rule,
              span: this.sp(start),
            }),
          );
        },
      },
      {
        ALT: () => {
          const entity = this.SUBRULE2(this.ident);
          this.ACTION(() =>
            this.setMeasure(node, {
              kind: "count-records",
              entity,
              span: this.sp(start),
            }),
          );
        },
      },
    ]);
  }

  /** `sum E.f` */
  private aggregateSum(node: AggregateDecl): void {
    const start = this.LA(1);
    this.CONSUME(KW.sum);
    const attribute = this.SUBRULE(this.attributeRef);
    this.ACTION(() =>
      this.setMeasure(node, { kind: "sum", attribute, span: this.sp(start) }),
    );
  }

  /** `proportion ikb`: the percentage of the IKBs that pass the filters. */
  private aggregateShare(node: AggregateDecl): void {
    const start = this.LA(1);
    this.CONSUME(KW.proportion);
    this.CONSUME2(KW.ikb);
    this.ACTION(() =>
      this.setMeasure(node, { kind: "share-ikbs", span: this.sp(start) }),
    );
  }

  /** `in category NAME` */
  private aggregateCategory(node: AggregateDecl): void {
    this.CONSUME(KW.in);
    this.CONSUME(KW.category);
    const c = this.SUBRULE3(this.ident);
    this.ACTION(() => {
      node.category = c;
    });
  }

  /** `with E.f = "VALUE"` */
  private aggregateMarking(node: AggregateDecl): void {
    const start = this.LA(1);
    this.CONSUME(KW.with);
    const attribute = this.SUBRULE2(this.attributeRef);
    this.CONSUME(Equals);
    const value = this.SUBRULE(this.text);
    this.ACTION(() => {
      node.marking = {
        kind: "CategoryMarking",
        attribute,
        value,
        role: undefined,
        span: this.sp(start),
      };
    });
  }

  private reconcileDecl = this.RULE("reconcileDecl", (): ReconcileDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.reconcile);
    const name = this.SUBRULE(this.ident);
    let title: StringLiteral | undefined;
    this.OPTION(() => {
      title = this.SUBRULE(this.text);
    });
    const node = this.ACTION(() =>
      this.begin<ReconcileDecl>({
        kind: "Reconcile",
        span: this.sp(start),
        doc: [],
        replace: false,
        name,
        title: this.isLost(title) ? undefined : title?.value,
        implementsRefs: [],
        assumptions: [],
        figures: [],
      }),
    )!;
    this.SUBRULE(this.clauseRules.Reconcile, { ARGS: [node] });
    this.ACTION(() => {
      node.span = this.sp(start);
    });
    return node;
  });

  static readonly reconcileClauses = table(
    "Reconcile",
    "reconcile",
    "any order",
    [
      repeated("assumption", "assumption", RegelParser.prototype.assumption),
      repeated("implements", "implements", RegelParser.prototype.implements),
      repeated("figure", "figure", RegelParser.prototype.figureClause),
    ],
  );

  /** `figure NAME = AGGREGATE [tolerance N [%]]` */
  private figureClause(node: ReconcileDecl): void {
    const f = this.SUBRULE(this.reconcileFigure);
    this.ACTION(() => {
      if (f && !this.isLost(f.name)) node.figures.push(f);
    });
  }

  private reconcileFigure = this.RULE(
    "reconcileFigure",
    (): ReconcileFigure => {
      const start = this.LA(1);
      this.CONSUME(KW.figure);
      const name = this.SUBRULE(this.ident);
      this.CONSUME(Equals);
      const aggregate = this.SUBRULE2(this.ident);
      let tolerance: Literal | undefined;
      this.OPTION(() => {
        this.CONSUME(KW.tolerance);
        tolerance = this.SUBRULE(this.literal);
      });
      return this.ACTION((): ReconcileFigure => {
        const t = tolerance;
        return {
          kind: "ReconcileFigure",
          name,
          aggregate,
          tolerance:
            t !== undefined &&
            (t.kind === "Integer" ||
              t.kind === "Decimal" ||
              t.kind === "Percent")
              ? t
              : undefined,
          span: this.sp(start),
        };
      })!;
    },
  );

  private removeDecl = this.RULE("removeDecl", (): RemoveDecl => {
    const start = this.LA(1);
    this.CONSUME(KW.remove);
    const what = this.SUBRULE(this.removeKind);
    const name = this.SUBRULE(this.ident);
    return this.ACTION(() =>
      this.begin<RemoveDecl>({
        kind: "Remove",
        span: this.sp(start),
        doc: [],
        replace: false,
        what,
        name,
      }),
    )!;
  });

  private removeKind = this.RULE(
    "removeKind",
    (): RemoveDecl["what"] => {
      const kinds: RemoveDecl["what"][] = [
        "rule",
        "category",
        "entity",
        "codelist",
        "payout",
        "norm",
        "measure",
        "metric",
        "calendar",
        "parameter",
        "table",
        "aggregate",
        "reconcile",
        "plausibility",
      ];
      return this.OR(
        kinds.map((k) => ({
          ALT: () => {
            this.CONSUME(KW[k]);
            return k;
          },
        })),
      );
    },
    { recoveryValueFunc: () => "rule" as const },
  );

  // ---------------------------------------------------------------- expressions (docs/language.md § Expressions)
  // Precedence, loosest first: or < and < not < comparison/is/in/matches < + - < * / < unary - < primary.
  // Chains of the same level are loops (left-associative), never recursion.

  private expr = this.RULE(
    "expr",
    (): Expr => {
      const start = this.LA(1);
      let left = this.SUBRULE(this.andExpr);
      this.MANY(() => {
        this.CONSUME(KW.or);
        const right = this.SUBRULE2(this.andExpr);
        this.ACTION(() => {
          left = this.binary("or", left, right, start);
        });
      });
      return left;
    },
    this.recovers(() => this.errorExpr()),
  );

  private andExpr = this.RULE(
    "andExpr",
    (): Expr => {
      const start = this.LA(1);
      let left = this.SUBRULE(this.notExpr);
      this.MANY(() => {
        this.CONSUME(KW.and);
        const right = this.SUBRULE2(this.notExpr);
        this.ACTION(() => {
          left = this.binary("and", left, right, start);
        });
      });
      return left;
    },
    this.recovers(() => this.errorExpr()),
  );

  private notExpr = this.RULE(
    "notExpr",
    (): Expr => {
      const nots: IToken[] = [];
      this.MANY(() => {
        nots.push(this.CONSUME(KW.not));
      });
      const operand = this.SUBRULE(this.comparison);
      return this.ACTION(() => this.prefixed(nots, "not", operand))!;
    },
    this.recovers(() => this.errorExpr()),
  );

  private comparison = this.RULE(
    "comparison",
    (): Expr => {
      const start = this.LA(1);
      let left = this.SUBRULE(this.additive);
      this.OPTION(() => {
        this.OR([
          {
            ALT: () => {
              const op = this.SUBRULE(this.comparisonOperator);
              const right = this.SUBRULE2(this.additive);
              this.ACTION(() => {
                left = this.binary(op, left, right, start);
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME(KW.is);
              let negated = false;
              this.OPTION2(() => {
                this.CONSUME(KW.not);
                negated = true;
              });
              const test = this.SUBRULE(this.isTest);
              this.ACTION(() => {
                const operand = left;
                left = this.limit(
                  {
                    kind: "Is",
                    operand,
                    negated,
                    test,
                    span: {
                      file: this.file,
                      start: operand.span.start,
                      end: this.endOfLast(),
                    },
                  },
                  1 + this.depth(operand),
                );
              });
            },
          },
          {
            ALT: () => {
              let negated = false;
              this.OPTION3(() => {
                this.CONSUME2(KW.not);
                negated = true;
              });
              this.CONSUME(KW.in);
              const values: Literal[] = [];
              let table: Ident | undefined;
              let column: Ident | undefined;
              this.OR7([
                {
                  ALT: () => {
                    this.CONSUME(LParen);
                    this.AT_LEAST_ONE_SEP({
                      SEP: Comma,
                      DEF: () => {
                        values.push(this.SUBRULE(this.signedLiteral));
                      },
                    });
                    this.CONSUME(RParen);
                  },
                },
                {
                  // `in rates` or `in rates.currency`: a column of a reference-data table
                  ALT: () => {
                    table = this.SUBRULE4(this.ident);
                    this.OPTION7(() => {
                      this.CONSUME7(Dot);
                      column = this.SUBRULE5(this.ident);
                    });
                  },
                },
              ]);
              this.ACTION(() => {
                const operand = left;
                left = this.limit(
                  {
                    kind: "In",
                    operand,
                    negated,
                    values: values.filter((v) => !this.isLost(v)),
                    ...(table === undefined || this.isLost(table)
                      ? {}
                      : { table }),
                    ...(column === undefined || this.isLost(column)
                      ? {}
                      : { column }),
                    span: {
                      file: this.file,
                      start: operand.span.start,
                      end: this.endOfLast(),
                    },
                  },
                  1 + this.depth(operand),
                );
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME(KW.matches);
              const pattern = this.SUBRULE(this.text);
              this.ACTION(() => {
                const operand = left;
                left = this.limit(
                  {
                    kind: "Matches",
                    operand,
                    pattern,
                    span: {
                      file: this.file,
                      start: operand.span.start,
                      end: this.endOfLast(),
                    },
                  },
                  1 + this.depth(operand),
                );
              });
            },
          },
        ]);
      });
      return left;
    },
    this.recovers(() => this.errorExpr()),
  );

  private comparisonOperator = this.RULE(
    "comparisonOperator",
    (): ComparisonOp =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Equals);
            return "=" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(NotEquals);
            return "!=" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(LessEq);
            return "<=" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Less);
            return "<" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(GreaterEq);
            return ">=" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Greater);
            return ">" as const;
          },
        },
      ]),
    { recoveryValueFunc: () => "=" as const },
  );

  private isTest = this.RULE(
    "isTest",
    (): IsExpr["test"] =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(KW.present);
            return "present" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(KW.absent);
            return "absent" as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(KW.valid);
            return "valid" as const;
          },
        },
        {
          // `unknown` / `known` are no reserved words (docs/language.md, "Unknown values")
          GATE: () =>
            this.LA(1).image === "unknown" || this.LA(1).image === "known",
          ALT: () => {
            const t = this.CONSUME(Identifier);
            return t.image === "known"
              ? ("known" as const)
              : ("unknown" as const);
          },
        },
      ]),
    { recoveryValueFunc: () => "present" as const },
  );

  private additive = this.RULE(
    "additive",
    (): Expr => {
      const start = this.LA(1);
      let left = this.SUBRULE(this.multiplicative);
      this.MANY(() => {
        const op = this.OR([
          {
            ALT: () => {
              this.CONSUME(Plus);
              return "+" as const;
            },
          },
          {
            ALT: () => {
              this.CONSUME(Minus);
              return "-" as const;
            },
          },
        ]);
        const right = this.SUBRULE2(this.multiplicative);
        this.ACTION(() => {
          left = this.binary(op, left, right, start);
        });
      });
      return left;
    },
    this.recovers(() => this.errorExpr()),
  );

  private multiplicative = this.RULE(
    "multiplicative",
    (): Expr => {
      const start = this.LA(1);
      let left = this.SUBRULE(this.unary);
      this.MANY(() => {
        const op = this.OR([
          {
            ALT: () => {
              this.CONSUME(Star);
              return "*" as const;
            },
          },
          {
            ALT: () => {
              this.CONSUME(Slash);
              return "/" as const;
            },
          },
        ]);
        const right = this.SUBRULE2(this.unary);
        this.ACTION(() => {
          left = this.binary(op, left, right, start);
        });
      });
      return left;
    },
    this.recovers(() => this.errorExpr()),
  );

  private unary = this.RULE(
    "unary",
    (): Expr => {
      const minus: IToken[] = [];
      this.MANY(() => {
        minus.push(this.CONSUME(Minus));
      });
      const operand = this.SUBRULE(this.primary);
      return this.ACTION(() => this.prefixed(minus, "-", operand))!;
    },
    this.recovers(() => this.errorExpr()),
  );

  private primary = this.RULE(
    "primary",
    (): Expr =>
      this.OR([
        { ALT: () => this.SUBRULE(this.literal) },
        {
          ALT: () => {
            const open = this.CONSUME(LParen);
            const e = this.SUBRULE(this.expr);
            this.CONSUME(RParen);
            // Parentheses only group: the node keeps its own span, widened to the parentheses.
            return this.ACTION(() => {
              return this.limit({ ...e, span: this.sp(open) }, this.depth(e));
            })!;
          },
        },
        { ALT: () => this.SUBRULE(this.aggregate) },
        { ALT: () => this.SUBRULE(this.ifExpr) },
        { ALT: () => this.SUBRULE(this.call) },
        { ALT: () => this.SUBRULE(this.path) },
      ]),
    this.recovers(() => this.errorExpr()),
  );

  /**
   * `if c then a else b`; the `else` branch reaches as far as an expression does. An `else if`
   * chain is read in a loop, not by recursion, so a long chain (a mapping table) cannot overflow
   * the stack; it still builds nested `If` nodes, so its length counts towards
   * {@link MAX_EXPR_DEPTH}. An `if` in a condition or a `then` branch recurses: at most
   * {@link MAX_IF_NESTING} deep ({@link IfNestedTooDeep} beyond).
   */
  private ifExpr = this.RULE("ifExpr", (): Expr => {
    const arms: { start: IToken; condition: Expr; then: Expr }[] = [];
    const start = this.CONSUME(KW.if);
    this.ACTION(() => {
      if (++this.ifNesting > MAX_IF_NESTING) throw new IfNestedTooDeep(start);
    });
    try {
      const condition = this.SUBRULE(this.expr);
      this.CONSUME(KW.then);
      const then = this.SUBRULE2(this.expr);
      this.CONSUME(KW.else);
      arms.push({ start, condition, then });
      this.MANY(() => {
        const armStart = this.CONSUME2(KW.if);
        const armCondition = this.SUBRULE4(this.expr);
        this.CONSUME2(KW.then);
        const armThen = this.SUBRULE5(this.expr);
        this.CONSUME2(KW.else);
        arms.push({
          start: armStart,
          condition: armCondition,
          then: armThen,
        });
      });
      const last = this.SUBRULE3(this.expr);
      return this.ACTION(() => {
        // Innermost first: each arm's `If` ends where the whole chain ends.
        const end = this.endOfLast();
        let otherwise = last;
        for (let i = arms.length - 1; i >= 0; i--) {
          const { condition, then } = arms[i];
          otherwise = this.limit(
            {
              kind: "If",
              condition,
              then,
              otherwise,
              span: {
                file: this.file,
                start: this.startOf(arms[i].start),
                end,
              },
            },
            1 +
              Math.max(
                this.depth(condition),
                this.depth(then),
                this.depth(otherwise),
              ),
          );
        }
        return otherwise;
      })!;
    } finally {
      this.ACTION(() => {
        this.ifNesting--;
      });
    }
  });

  private call = this.RULE("call", (): Expr => {
    const start = this.LA(1);
    const callee = this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(KW.year) },
    ]);
    this.CONSUME(LParen);
    const args: Expr[] = [];
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        args.push(this.SUBRULE(this.expr));
      },
    });
    this.CONSUME(RParen);
    return this.ACTION(() =>
      this.limit(
        {
          kind: "Call",
          callee: this.id(callee),
          args,
          span: this.sp(start),
        },
        1 + args.reduce((m, a) => Math.max(m, this.depth(a)), 1),
      ),
    )!;
  });

  private path = this.RULE("path", (): Expr => {
    const start = this.LA(1);
    const first = this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(KW.value) },
      { ALT: () => this.CONSUME(KW.rrd) },
      // `previous.f` / `previous`: the record with the same key in the previous delivery (T−1)
      { ALT: () => this.CONSUME(KW.previous) },
    ]);
    let second: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(Dot);
      second = this.CONSUME2(Identifier);
    });
    return this.ACTION(() =>
      second === undefined
        ? {
            kind: "Path" as const,
            entity: undefined,
            name: this.id(first),
            span: this.sp(start),
          }
        : {
            kind: "Path" as const,
            entity: this.id(first),
            name: this.id(second),
            span: this.sp(start),
          },
    )!;
  });

  private aggregate = this.RULE("aggregate", (): Expr => {
    const start = this.LA(1);
    const op = this.OR([
      {
        ALT: () => {
          this.CONSUME(KW.exists);
          return "exists" as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.count);
          return "count" as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.sum);
          return "sum" as const;
        },
      },
    ]);
    this.CONSUME(LParen);
    let entity: Ident = this.emptyId();
    let field: Ident | undefined;
    let value: Expr | undefined;
    let where: Expr | undefined;
    this.OR2({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // `sum(...)` adds up a value: a field `E.f` or arithmetic over the iterated record.
          GATE: () => op === "sum",
          ALT: () => {
            value = this.SUBRULE(this.additive);
          },
        },
        {
          ALT: () => {
            entity = this.SUBRULE(this.ident);
            this.OPTION(() => {
              this.CONSUME(Dot);
              field = this.SUBRULE2(this.ident);
            });
          },
        },
      ],
    });
    this.OPTION2(() => {
      this.CONSUME(KW.where);
      where = this.SUBRULE(this.expr);
    });
    this.CONSUME(RParen);
    return this.ACTION(() => {
      const span = this.sp(start);
      let sumValue: Expr | undefined;
      if (value !== undefined && !this.isLost(value)) {
        if (value.kind === "Path") {
          // `sum(E.f)` (and `sum(E)`, reported below): the entity and field as written.
          entity = value.entity ?? value.name;
          field = value.entity === undefined ? undefined : value.name;
        } else {
          const first = firstQualified(value);
          if (first === undefined) {
            this.report(
              "REG127",
              "`sum` of a computed value names the iterated records by their entity: write `sum(E.a * E.b where ...)`",
              value.span,
            );
            entity = this.emptyId();
          } else {
            entity = { ...first };
          }
          field = undefined;
          sumValue = value;
        }
      }
      // A field or condition recovery lost counts as not written.
      const sumOf =
        sumValue !== undefined
          ? sumValue
          : this.isLost(field)
            ? undefined
            : field;
      const condition = this.isLost(where) ? undefined : where;
      if (op === "sum" && sumOf === undefined) {
        this.report(
          "REG125",
          "`sum` needs a field to add up: `sum(E.field where ...)`",
          span,
        );
      } else if (op !== "sum" && sumOf !== undefined) {
        this.report(
          "REG125",
          `\`${op}\` counts records, not fields: write \`${op}(${this.isLost(entity) ? "E" : entity.name} where ...)\``,
          span,
        );
      }
      return this.limit(
        {
          kind: "Aggregate",
          op,
          entity,
          field: op === "sum" && sumValue === undefined ? field : undefined,
          ...(sumValue === undefined ? {} : { value: sumValue }),
          where: condition,
          span,
        },
        1 + Math.max(this.depth(condition), this.depth(sumValue)),
      );
    })!;
  });

  /** A literal as it appears in an expression (no sign: `-` is the unary operator there). */
  private literal = this.RULE("literal", (): Literal =>
    this.SUBRULE(this.literalBody, { ARGS: [1] }),
  );

  /** A literal with an optional sign, for `in (...)` lists, norm values and example fields. */
  private signedLiteral = this.RULE(
    "signedLiteral",
    (): Literal => {
      let sign = 1;
      let signTok: IToken | undefined;
      this.OPTION(() => {
        this.OR([
          {
            ALT: () => {
              signTok = this.CONSUME(Plus);
            },
          },
          {
            ALT: () => {
              signTok = this.CONSUME(Minus);
              sign = -1;
            },
          },
        ]);
      });
      const lit = this.SUBRULE(this.literalBody, { ARGS: [sign] });
      return this.ACTION(() => {
        if (signTok && isReal(signTok))
          lit.span = { ...lit.span, start: this.startOf(signTok) };
        return lit;
      })!;
    },
    this.recovers(() => this.emptyText()),
  );

  private literalBody = this.RULE(
    "literalBody",
    (sign: number = 1): Literal => {
      const start = this.LA(1);
      const neg = sign < 0 ? "-" : "";
      return this.OR([
        {
          ALT: () => {
            const s = this.SUBRULE(this.text);
            return s;
          },
        },
        {
          ALT: () => {
            const n = this.CONSUME(IntegerLit);
            let unit: IToken | undefined;
            let percent = false;
            this.OPTION(() => {
              this.OR2([
                {
                  ALT: () => {
                    unit = this.CONSUME(Identifier);
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME(Percent);
                    percent = true;
                  },
                },
              ]);
            });
            return this.ACTION((): Literal => {
              const span = this.sp(start);
              const text = isReal(n) ? n.image : "0";
              if (percent) return { kind: "Percent", text: neg + text, span };
              if (unit !== undefined)
                return {
                  kind: "Duration",
                  amount: this.int(n, sign),
                  unit: this.unit(unit),
                  span,
                };
              return { kind: "Integer", text: neg + text, span };
            })!;
          },
        },
        {
          ALT: () => {
            const n = this.CONSUME(DecimalLit);
            let percent = false;
            this.OPTION2(() => {
              this.CONSUME2(Percent);
              percent = true;
            });
            return this.ACTION((): Literal => {
              const text = neg + (isReal(n) ? n.image : "0");
              return percent
                ? { kind: "Percent", text, span: this.sp(start) }
                : { kind: "Decimal", text, span: this.sp(start) };
            })!;
          },
        },
        { ALT: () => this.SUBRULE(this.date) },
        {
          ALT: () => {
            const t = this.CONSUME(DateTimeLit);
            return this.ACTION((): Literal => ({
              kind: "DateTime",
              text: isReal(t) ? t.image : "",
              span: this.tsp(t),
            }))!;
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(KW.true);
            return this.ACTION((): Literal => ({
              kind: "Boolean",
              value: true,
              span: this.tsp(t),
            }))!;
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(KW.false);
            return this.ACTION((): Literal => ({
              kind: "Boolean",
              value: false,
              span: this.tsp(t),
            }))!;
          },
        },
      ]);
    },
  );

  private unit(t: IToken): DurationUnit {
    if (!isReal(t)) return "days";
    if ((DURATION_UNITS as readonly string[]).includes(t.image))
      return t.image as DurationUnit;
    const suggestion = closestName(t.image, DURATION_UNITS);
    this.report(
      "REG117",
      `unknown unit \`${t.image}\`; a duration is counted in ${DURATION_UNITS.map((u) => `\`${u}\``).join(", ")}`,
      this.tsp(t),
      {
        suggestion,
      },
    );
    return (suggestion as DurationUnit | undefined) ?? "days";
  }

  /** Every clause table, by node kind (exported as {@link CLAUSE_TABLES}). */
  static readonly clauseTables = {
    RulesetHeader: RegelParser.headerClauses,
    CodeList: RegelParser.codeListClauses,
    Entity: RegelParser.entityClauses,
    ExtendEntity: RegelParser.extendEntityClauses,
    ExtendCategory: RegelParser.extendCategoryClauses,
    ExtendCodeList: RegelParser.extendCodeListClauses,
    Ikb: RegelParser.ikbClauses,
    Rule: RegelParser.ruleClauses,
    Category: RegelParser.categoryClauses,
    Payout: RegelParser.payoutClauses,
    Metric: RegelParser.metricClauses,
    Norm: RegelParser.normClauses,
    Measure: RegelParser.measureClauses,
    Calendar: RegelParser.calendarClauses,
    Parameter: RegelParser.parameterClauses,
    Table: RegelParser.tableClauses,
    Aggregate: RegelParser.aggregateClauses,
    Reconcile: RegelParser.reconcileClauses,
    Plausibility: RegelParser.plausibilityClauses,
  } as const satisfies { [K in ClauseKind]: ClauseTable<K> };
}

/**
 * The clause table of every declaration kind (and of the header): the single description of
 * clauses that the grammar, the clause checks, the driver's recovery, error messages and the
 * printer all read.
 */
export const CLAUSE_TABLES = RegelParser.clauseTables;

/** The names of the clauses of `K`, as its table lists them. */
export type ClauseName<K extends ClauseKind> =
  (typeof CLAUSE_TABLES)[K]["clauses"][number]["name"];

/** The entity of the first qualified name (`E.f`) of an expression, left to right. */
/**
 * `{ combination }` when some item normalises its fields or names a joined record's field;
 * `{}` for plain fields.
 */
function combinationOf(items: CombinationItem[]): {
  combination?: CombinationItem[];
} {
  return items.some((i) => i.normalize !== undefined || i.of !== undefined)
    ? { combination: items }
    : {};
}

function firstQualified(e: Expr | undefined): Ident | undefined {
  if (e === undefined) return undefined;
  switch (e.kind) {
    case "Path":
      return e.entity;
    case "Unary":
      return firstQualified(e.operand);
    case "Binary":
      return firstQualified(e.left) ?? firstQualified(e.right);
    case "Call":
      for (const a of e.args) {
        const q = firstQualified(a);
        if (q !== undefined) return q;
      }
      return undefined;
    case "If":
      return (
        firstQualified(e.condition) ??
        firstQualified(e.then) ??
        firstQualified(e.otherwise)
      );
    default:
      return undefined;
  }
}

/** The token of the first word of `words` (`applies` of `applies to`), which must be a keyword. */
function keywordToken(words: string): TokenType {
  const word = words.split(" ")[0];
  const token = (KW as Record<string, TokenType | undefined>)[word];
  if (token === undefined)
    throw new Error(
      `a clause starts with \`${word}\`, which is no keyword of lexer.ts`,
    );
  return token;
}

const startTokens = new Map<string, readonly TokenType[]>(
  Object.values(CLAUSE_TABLES).map((t) => [
    t.kind,
    t.clauses.flatMap((c) => c.starts.map(keywordToken)),
  ]),
);

/**
 * The keywords that start a clause of `kind`: where the driver resumes a declaration after text
 * that is no clause. Undefined for declarations without clauses (`remove`).
 */
export function clauseStarts(
  kind: Declaration["kind"] | "RulesetHeader",
): readonly TokenType[] | undefined {
  return startTokens.get(kind);
}

/** Token types that can be given to {@link RegelParser} (re-exported for the driver). */
export const tokenTypes: TokenType[] = allTokens;
