/**
 * Parser error messages for analysts: "expected a severity: `blocking` or `signalling`, found
 * `blokking`" instead of Chevrotain's token-name lists.
 *
 * Chevrotain asks this provider for a message string only; the "did you mean" suggestion and
 * extra notes are handed to the driver through {@link takeHints}, keyed by the offending token.
 *
 * @module
 */
import {
  EOF,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "chevrotain";
import { closestName } from "./diagnostics.js";
import { DUTCH_KEYWORDS } from "./habits.js";
import {
  AnyWord,
  Identifier,
  Keyword,
  KEYWORDS,
  StringLit,
  UnterminatedString,
} from "./lexer.js";

/** What a grammar rule stands for, used when none of its alternatives matched. */
const RULE_DESCRIPTIONS: Record<string, string> = {
  declaration:
    "a declaration: `codelist`, `entity`, `extend entity`, `ikb`, `rule`, `category`, `payout`, `metric`, `norm`, `measure`, `calendar` or `remove`",
  severity: "a severity: `blocking` or `signalling`",
  expectation: "`pass` or `fail`",
  isTest: "`present`, `absent` or `valid`",
  comparisonOperator: "a comparison: `=`, `!=`, `<`, `<=`, `>` or `>=`",
  measureKind: "a kind of measure: `informal` or `formal`",
  measureCharacter: "a character: `remedial` or `punitive`",
  measureBasis:
    "a statutory basis: `basis ALIAS LOCATOR, ...` or `basis none from ALIAS LOCATOR, ...`",
  removeKind:
    "what to remove: `rule`, `category`, `entity`, `codelist`, `payout`, `norm`, `measure`, `metric` or `calendar`",
  literal: "a value (a quoted text, a number, a date, `true` or `false`)",
  literalBody: "a value (a quoted text, a number, a date, `true` or `false`)",
  signedLiteral: "a value (a quoted text, a number, a date, `true` or `false`)",
  primary: "a value, a name or `(`",
  unary: "a value, a name or `(`",
  expr: "a condition",
  // Only the list after `in` can fail as a whole in a comparison.
  comparison: "a value (a quoted text, a number, a date, `true` or `false`)",
  requirement:
    "a condition, or for a file rule `present`, `header`, `unique key` or `references`",
  target:
    "what the rule runs on: an entity `E`, attributes `E.f, E.*`, or `file E`",
  normPeriod: "a period: `year YYYY:` or `from YYYY-MM-DD:`",
  example:
    "an example: `NP { ... }`, `rrd DATE NP { ... }` or `file E missing|columns|rows`",
  articleRef:
    "an article: a source alias then the article, e.g. `bk bijlage 3`",
  typeRef: "a field type",
  attributeRef: "an attribute `E.field`",
  holiday: "`on DAY MONTH`, `on YYYY-MM-DD` or `easter +N`",
  dependencyRef: "a version like `1.0.0`",
};

/** How each declaration is called in messages. */
const DECLARATION_NAMES: Record<string, string> = {
  ruleset: "header",
  codelist: "code list",
  extend: "entity extension",
  "extend category": "category extension",
  "extend codelist": "code list extension",
  ikb: "IKB declaration",
  payout: "payout condition",
};

const ALL_KEYWORDS = [...new Set(KEYWORDS)];

/** Words that are no clause but often end up where a clause was expected (field modifiers). */
const ALSO_SUGGESTED: Record<string, string[]> = {
  entity: ["required", "personal", "column"],
  extend: ["required", "personal", "column"],
};

/** Context for messages: set by the driver before each declaration is parsed. */
export const messageContext = {
  /** The keyword that starts the declaration being parsed (`rule`, `entity`, ...). */
  declKeyword: "",
  /** The first token after the current declaration (what "end of input" really is), if any. */
  follower: undefined as IToken | undefined,
  /**
   * The clauses that declaration takes, as messages list them (from its clause table in
   * parser-grammar.ts); undefined when the keyword starts no declaration.
   */
  clauses: undefined as readonly string[] | undefined,
};

interface Hints {
  suggestion?: string;
  notes?: string[];
}

const hints = new WeakMap<IToken, Hints>();

/** The suggestion and notes computed for an error at `token` (and forget them). */
export function takeHints(token: IToken): Hints {
  const h = hints.get(token) ?? {};
  hints.delete(token);
  return h;
}

const isEof = (t: IToken | undefined): boolean =>
  t === undefined || t.tokenType === EOF || !Number.isFinite(t.startOffset);

/** How a token that was found is named in a message. */
export function describeFound(t: IToken | undefined): string {
  if (isEof(t)) {
    const next = messageContext.follower;
    return next
      ? `\`${next.image}\` (the start of the next declaration)`
      : "the end of the file";
  }
  const image = t!.image.length > 40 ? `${t!.image.slice(0, 40)}…` : t!.image;
  if (t!.tokenType === StringLit || t!.tokenType === UnterminatedString)
    return `the text ${image}`;
  return `\`${image}\``;
}

/** How an expected token type is named in a message. */
function describeExpected(t: TokenType): string {
  if (t === AnyWord) return "a name";
  return t.LABEL ?? t.name;
}

function joinAlternatives(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

const isKeywordType = (t: TokenType): boolean =>
  t.CATEGORIES?.includes(Keyword) === true;

/** Record a "did you mean" for a misspelt keyword and a note for a reserved word used as a name. */
function remember(actual: IToken, expected: TokenType[]): void {
  if (isEof(actual)) return;
  const h: Hints = {};
  const wordLike = /^[A-Za-z_][A-Za-z0-9_]*$/.test(actual.image);
  if (wordLike) {
    const keywords = expected
      .filter(isKeywordType)
      .map((t) => (t.LABEL ?? "").replace(/`/g, ""));
    const dutch = DUTCH_KEYWORDS.get(actual.image);
    const suggestion =
      dutch !== undefined && keywords.includes(dutch)
        ? dutch
        : closestName(
            actual.image,
            keywords.filter((k) => k !== "" && k !== actual.image),
          );
    if (suggestion) h.suggestion = suggestion;
    const wantsName = expected.some((t) => t === Identifier || t === AnyWord);
    if (wantsName && actual.tokenType.CATEGORIES?.includes(Keyword)) {
      h.notes = [
        `\`${actual.image}\` is a reserved word and cannot be used as a name`,
      ];
    }
  }
  if (h.suggestion || h.notes) hints.set(actual, h);
}

function firstTokens(paths: TokenType[][][]): TokenType[] {
  const out: TokenType[] = [];
  for (const alt of paths)
    for (const path of alt) if (path[0]) out.push(path[0]);
  return out;
}

/** Tokens reported as "not part of this declaration" (REG116). */
export const notPartOfTokens = new WeakSet<IToken>();

/** "`x` is not part of this rule: this rule takes ..." */
function notPartOf(firstRedundant: IToken): string {
  notPartOfTokens.add(firstRedundant);
  const kw = messageContext.declKeyword;
  const clauses = messageContext.clauses;
  if (clauses === undefined)
    return `unexpected ${describeFound(firstRedundant)}`;
  const name = DECLARATION_NAMES[kw] ?? kw;
  const allowed =
    clauses.length > 0
      ? `: this ${name} takes ${joinAlternatives(clauses.map((c) => `\`${c}\``))}`
      : "";
  if (/^[A-Za-z_]\w*$/.test(firstRedundant.image)) {
    // `en` is `and`, not the `in` closest in spelling (REG146 covers it inside a condition).
    const suggestion =
      DUTCH_KEYWORDS.get(firstRedundant.image) ??
      closestName(firstRedundant.image, [
        ...clauses.map((c) => c.split(" ")[0]),
        ...(ALSO_SUGGESTED[kw] ?? []),
      ]) ??
      closestName(
        firstRedundant.image,
        ALL_KEYWORDS.filter((k) => k !== firstRedundant.image),
      );
    if (suggestion) hints.set(firstRedundant, { suggestion });
  }
  return `${describeFound(firstRedundant)} is not part of this ${name}${allowed}`;
}

/** The provider handed to Chevrotain. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    // Chevrotain's in-repetition recovery expects "the end" after a declaration's clauses.
    if (expected === EOF) return notPartOf(actual);
    remember(actual, [expected]);
    const what =
      MISMATCH_CONTEXT[`${ruleName}:${expected.name}`] ??
      describeExpected(expected);
    return `expected ${what}, found ${describeFound(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return notPartOf(firstRedundant);
  },
  buildNoViableAltMessage({
    expectedPathsPerAlt,
    actual,
    customUserDescription,
    ruleName,
  }) {
    const firsts = firstTokens(expectedPathsPerAlt);
    remember(actual[0], firsts);
    const what =
      customUserDescription ??
      RULE_DESCRIPTIONS[ruleName] ??
      joinAlternatives(firsts.map(describeExpected));
    return `expected ${what}, found ${describeFound(actual[0])}`;
  },
  buildEarlyExitMessage({
    expectedIterationPaths,
    actual,
    customUserDescription,
    ruleName,
  }) {
    const firsts = expectedIterationPaths
      .map((p) => p[0])
      .filter((t): t is TokenType => t !== undefined);
    remember(actual[0], firsts);
    const what =
      customUserDescription ??
      RULE_DESCRIPTIONS[ruleName] ??
      joinAlternatives(firsts.map(describeExpected));
    return `expected ${what}, found ${describeFound(actual[0])}`;
  },
};

/** Extra words for a missing token in a given rule: `ruleName:TokenName`. */
const MISMATCH_CONTEXT: Record<string, string> = {
  "title:StringLit": "a title in quotes",
  "assumptionClause:StringLit": "the text of the assumption in quotes",
  "payoutDecl:IntegerLit": "the number of the payout condition",
  "rulesetRef:VersionLit": "a version like `1.0.0`",
  "rulesetRef:At": "`@` and a version: a ruleset is named `name@1.0.0`",
  "dependencyRef:At": "`@` and a version: a ruleset is named `name@1.0.0`",
  "fieldDecl:Colon": "`:` (a field is written `field name: type`)",
  "metricDecl:Colon": "`:` (a metric is written `metric name: type`)",
  "normPeriod:Colon": "`:` after the period",
  "recordBody:RBrace": "`,` between fields or `}` to close the record",
  "recordBody:LBrace": "`{` to open the record",
  "primary:RParen": "`)` to close the parenthesis",
  "call:RParen": "`)` to close the call",
  "aggregate:RParen": "`)` to close the aggregate",
  "comparison:RParen": "`)` to close the list",
};
