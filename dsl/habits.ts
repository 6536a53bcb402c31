/**
 * Habits from other languages, read as meant: a decimal comma (`0,5`), `==`, `<>`, `&&`, `||`,
 * texts in single quotes, the Dutch keywords `en`, `of`, `niet`, and `art.` with a dot.
 *
 * Each one is reported once, with the regel spelling as the suggestion (REG143–REG147,
 * docs/diagnostics.md), and the tokens of the declaration are rewritten to that spelling before
 * the grammar sees them. So the file still fails to compile, but the rest of the declaration is
 * parsed and checked as the analyst meant it: one diagnostic per habit, no follow-on errors.
 *
 * The rewrite works on the tokens of one declaration (see `dsl/parser.ts`), which is where the
 * context these habits need is known: whether a `(` opens a list, whether a word stands where an
 * operator goes.
 *
 * @module
 */
import { createTokenInstance, type IToken, type TokenType } from "chevrotain";
import type { Span } from "./ast.js";
import { error, type Diagnostic } from "./diagnostics.js";
import {
  AmpAmp,
  ArticleLocator,
  ArticleNumber,
  Comma,
  DateLit,
  DateTimeLit,
  DecimalLit,
  Dot,
  DoubleEquals,
  Equals,
  Identifier,
  IntegerLit,
  KW,
  LessGreater,
  LParen,
  Minus,
  NotEquals,
  Percent,
  PipePipe,
  RParen,
  SingleQuoted,
  StringLit,
  tokenSpan,
  UnterminatedString,
  VersionLit,
} from "./lexer.js";

/** The codes of this module. */
export const HABIT_CODES = {
  decimalComma: "REG143",
  foreignOperator: "REG144",
  singleQuotes: "REG145",
  dutchKeyword: "REG146",
  articleDot: "REG147",
} as const;

/** Dutch words analysts type for a keyword, and the keyword meant. */
export const DUTCH_KEYWORDS: ReadonlyMap<string, "and" | "or" | "not"> =
  new Map([
    ["en", "and"],
    ["of", "or"],
    ["niet", "not"],
  ]);

/** Operators of other languages and the regel spelling. */
const OPERATORS = new Map<TokenType, { type: TokenType; text: string }>([
  [DoubleEquals, { type: Equals, text: "=" }],
  [LessGreater, { type: NotEquals, text: "!=" }],
  [AmpAmp, { type: KW.and, text: "and" }],
  [PipePipe, { type: KW.or, text: "or" }],
]);

/** Tokens that end an operand: after them an operator (`and`, `or`, `=`) may follow. */
const OPERAND_ENDS = new Set<TokenType>([
  Identifier,
  StringLit,
  UnterminatedString,
  IntegerLit,
  DecimalLit,
  DateLit,
  DateTimeLit,
  RParen,
  Percent,
  KW.true,
  KW.false,
  KW.present,
  KW.absent,
  KW.valid,
  KW.value,
  KW.rrd,
]);

/** Tokens that start an operand. */
const OPERAND_STARTS = new Set<TokenType>([
  Identifier,
  StringLit,
  UnterminatedString,
  SingleQuoted,
  IntegerLit,
  DecimalLit,
  DateLit,
  DateTimeLit,
  LParen,
  Minus,
  KW.not,
  KW.exists,
  KW.count,
  KW.sum,
  KW.true,
  KW.false,
  KW.value,
  KW.rrd,
]);

/** Where `not` may stand: before an operand, after these. */
const PREFIX_POSITIONS = new Set<TokenType>([
  KW.require,
  KW.when,
  KW.where,
  KW.and,
  KW.or,
  KW.not,
  LParen,
]);

/** Keywords after which a condition follows. */
const CONDITION_STARTS = new Set<TokenType>([KW.require, KW.when, KW.where]);

/** Clause keywords that end a condition. */
const CONDITION_ENDS = new Set<TokenType>([
  KW.meaning,
  KW.assumption,
  KW.severity,
  KW.applies,
  KW.implements,
  KW.for,
  KW.message,
  KW.example,
  KW.marking,
  KW.result,
  KW.blocks,
]);

/** Tokens an article number is lexed as. */
const ARTICLE_NUMBERS = new Set<TokenType>([
  IntegerLit,
  DecimalLit,
  VersionLit,
  ArticleNumber,
  ArticleLocator,
]);

/** Before these a number is not a value (`art 1,2` is two locator words, not a decimal). */
const NOT_BEFORE_VALUE = new Set<TokenType>([Identifier, Comma]);

const adjacent = (a: IToken, b: IToken): boolean =>
  (a.endOffset ?? a.startOffset) + 1 === b.startOffset;

/** A token of `type` written as `image`, over the source text of `first`..`last`. */
function replacement(
  type: TokenType,
  image: string,
  first: IToken,
  last: IToken = first,
): IToken {
  return createTokenInstance(
    type,
    image,
    first.startOffset,
    last.endOffset ?? last.startOffset,
    first.startLine ?? 1,
    last.endLine ?? last.startLine ?? 1,
    first.startColumn ?? 1,
    last.endColumn ?? last.startColumn ?? 1,
  );
}

function spanOf(file: string, first: IToken, last: IToken): Span {
  return {
    file,
    start: tokenSpan(file, first).start,
    end: tokenSpan(file, last).end,
  };
}

/** `'a "b" \'c\''` as the regel text `"a \"b\" 'c'"`. */
function doubleQuoted(image: string): string {
  const body = image.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\" && body[i + 1] === "'") {
      out += "'";
      i++;
    } else if (ch === "\\" && i + 1 < body.length) {
      out += ch + body[i + 1];
      i++;
    } else if (ch === '"') out += '\\"';
    else out += ch;
  }
  return `"${out}"`;
}

/** `0,5` → `0.5`; `1.000,50` (a point between thousands) → `1000.50`; else undefined. */
function decimalWithPoint(whole: IToken, fraction: IToken): string | undefined {
  const w = whole.image;
  if (whole.tokenType === IntegerLit) return `${w}.${fraction.image}`;
  if (/^\d{1,3}(?:\.\d{3})+$/.test(w))
    return `${w.replace(/\./g, "")}.${fraction.image}`;
  return undefined;
}

/** Does any token of the declaration call for a rewrite? (The common case: no.) */
function mayHaveHabits(chunk: readonly IToken[]): boolean {
  for (const t of chunk) {
    const type = t.tokenType;
    if (
      OPERATORS.has(type) ||
      type === SingleQuoted ||
      type === Comma ||
      type === Dot ||
      (type === Identifier && DUTCH_KEYWORDS.has(t.image))
    )
      return true;
  }
  return false;
}

/**
 * Report the habits in the tokens of one declaration and return the tokens as regel spells them
 * (the same array when there is nothing to rewrite).
 */
export function readHabits(
  chunk: IToken[],
  file: string,
  out: Diagnostic[],
): IToken[] {
  if (!mayHaveHabits(chunk)) return chunk;
  const result: IToken[] = [];
  /** Per open `(`: does it hold a list (`in (...)`, a call), where `,` separates items? */
  const parens: boolean[] = [];
  let inCondition = false;
  for (let i = 0; i < chunk.length; i++) {
    const t = chunk[i];
    const type = t.tokenType;
    const prev = result[result.length - 1];
    const next = chunk[i + 1];
    if (CONDITION_STARTS.has(type)) inCondition = true;
    else if (CONDITION_ENDS.has(type)) inCondition = false;
    if (type === LParen)
      parens.push(
        prev !== undefined &&
          (prev.tokenType === KW.in || prev.tokenType === Identifier),
      );
    else if (type === RParen) parens.pop();

    const operator = OPERATORS.get(type);
    if (operator !== undefined) {
      out.push(
        error(
          HABIT_CODES.foreignOperator,
          `regel writes \`${operator.text}\`, not \`${t.image}\``,
          tokenSpan(file, t),
          { suggestion: operator.text },
        ),
      );
      result.push(replacement(operator.type, operator.text, t));
      continue;
    }
    if (type === SingleQuoted) {
      const text = doubleQuoted(t.image);
      out.push(
        error(
          HABIT_CODES.singleQuotes,
          `texts are written in double quotes: ${text}`,
          tokenSpan(file, t),
          { suggestion: text },
        ),
      );
      result.push(replacement(StringLit, text, t));
      continue;
    }
    // A decimal comma: `0,5` (no spaces) where a value stands, not in a list.
    if (
      (type === IntegerLit || type === DecimalLit || type === VersionLit) &&
      next?.tokenType === Comma &&
      chunk[i + 2]?.tokenType === IntegerLit &&
      adjacent(t, next) &&
      adjacent(next, chunk[i + 2]) &&
      parens[parens.length - 1] !== true &&
      (prev === undefined || !NOT_BEFORE_VALUE.has(prev.tokenType))
    ) {
      const fraction = chunk[i + 2];
      const written = `${t.image},${fraction.image}`;
      const meant = decimalWithPoint(t, fraction);
      if (meant !== undefined) {
        out.push(
          error(
            HABIT_CODES.decimalComma,
            `\`${written}\` has a decimal comma: regel writes decimals with a point, ${meant}`,
            spanOf(file, t, fraction),
            { suggestion: meant },
          ),
        );
        result.push(replacement(DecimalLit, meant, t, fraction));
        i += 2;
        continue;
      }
    }
    // `en`, `of`, `niet` where a condition needs `and`, `or`, `not`.
    const keyword =
      type === Identifier && inCondition
        ? DUTCH_KEYWORDS.get(t.image)
        : undefined;
    if (keyword !== undefined && next !== undefined && prev !== undefined) {
      const infix =
        keyword !== "not" &&
        OPERAND_ENDS.has(prev.tokenType) &&
        OPERAND_STARTS.has(next.tokenType);
      const prefix =
        keyword === "not" &&
        ((PREFIX_POSITIONS.has(prev.tokenType) &&
          OPERAND_STARTS.has(next.tokenType)) ||
          (prev.tokenType === KW.is &&
            (next.tokenType === KW.present ||
              next.tokenType === KW.absent ||
              next.tokenType === KW.valid)) ||
          (OPERAND_ENDS.has(prev.tokenType) && next.tokenType === KW.in));
      if (infix || prefix) {
        out.push(
          error(
            HABIT_CODES.dutchKeyword,
            `\`${t.image}\` is Dutch: regel's keywords are English, write \`${keyword}\``,
            tokenSpan(file, t),
            { suggestion: keyword },
          ),
        );
        result.push(replacement(KW[keyword], keyword, t));
        continue;
      }
    }
    // `art. 5`: the abbreviation dot before an article number.
    if (
      type === Dot &&
      prev?.tokenType === Identifier &&
      prev.image.toLowerCase() === "art" &&
      adjacent(prev, t) &&
      next !== undefined &&
      ARTICLE_NUMBERS.has(next.tokenType)
    ) {
      out.push(
        error(
          HABIT_CODES.articleDot,
          `write \`${prev.image}\` without a dot: an article is cited as \`${prev.image} ${next.image}\``,
          spanOf(file, prev, t),
          { suggestion: prev.image },
        ),
      );
      continue;
    }
    result.push(t);
  }
  return result;
}
