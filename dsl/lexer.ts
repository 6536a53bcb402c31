/**
 * The lexer of the regel language (Chevrotain).
 *
 * Token order matters: comments before `/`, keywords before identifiers (each keyword has
 * `longer_alt: Identifier`, so `fileName` stays one identifier), and numbers from the most specific
 * form to the least: datetime, date, article locator (`2.2e`, `1:75`), version, decimal, article
 * number (`26a`), integer. Habits from other languages (`==`, `<>`, `&&`, `||`, `'text'`) are
 * tokens of their own, so `dsl/habits.ts` can report them once and read them as meant.
 *
 * Comments live in the `comments` token group, so the parser never sees them but their exact
 * offsets are kept for doc-comment attachment and for the formatter.
 *
 * @module
 */
import {
  createToken,
  Lexer,
  tokenMatcher,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { Comment, Span } from "./ast.js";
import {
  BIDI_CLASS,
  BIDI_CONTROLS,
  describeCodePoint,
  hasBidiControl,
} from "./bidi.js";
import { error, type Diagnostic } from "./diagnostics.js";

// ---------------------------------------------------------------- token categories

/** Any word-like token: identifiers and keywords (ruleset names like `ikb.glo` may use keywords). */
export const AnyWord = createToken({ name: "AnyWord", pattern: Lexer.NA });
/** Category of all reserved words. */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA });

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [AnyWord],
  label: "a name",
});

/** The reserved words, exactly as listed in docs/language.md. */
export const KEYWORDS = [
  "ruleset",
  "extends",
  "uses",
  "valid",
  "from",
  "until",
  "source",
  "url",
  "codelist",
  "value",
  "entity",
  "extend",
  "file",
  "key",
  "role",
  "by",
  "field",
  "required",
  "personal",
  "column",
  "ikb",
  "depositor",
  "rule",
  "meaning",
  "assumption",
  "severity",
  "class",
  "scope",
  "blocking",
  "signalling",
  "applies",
  "to",
  "implements",
  "for",
  "when",
  "require",
  "message",
  "example",
  "pass",
  "fail",
  "with",
  "rrd",
  "missing",
  "columns",
  "rows",
  "category",
  "blocks",
  "result",
  "on",
  "marking",
  "payout",
  "metric",
  "parameter",
  "table",
  "row",
  "norm",
  "year",
  "aim",
  "measure",
  "kind",
  "informal",
  "formal",
  "character",
  "remedial",
  "punitive",
  "precondition",
  "basis",
  "none",
  "fine",
  "base",
  "calendar",
  "weekend",
  "holiday",
  "easter",
  "if",
  "then",
  "else",
  "replace",
  "remove",
  "and",
  "or",
  "not",
  "is",
  "present",
  "absent",
  "valid",
  "in",
  "matches",
  "exists",
  "count",
  "sum",
  "where",
  "previous",
  "true",
  "false",
  "aggregate",
  "proportion",
  "reconcile",
  "figure",
  "tolerance",
  "plausibility",
  "compare",
  "window",
  "minimum",
  "method",
  "threshold",
  "watch",
] as const;

export type KeywordText = (typeof KEYWORDS)[number];

/** Keyword token types by their text. */
export const KW: Record<KeywordText, TokenType> = Object.create(null);
for (const word of new Set(KEYWORDS)) {
  KW[word] = createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Keyword, AnyWord],
    label: `\`${word}\``,
  });
}

// ---------------------------------------------------------------- other tokens

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\uFEFF\u00A0]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const DocComment = createToken({
  name: "DocComment",
  pattern: /\/\/\/[^\r\n]*/,
  group: "comments",
});
export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\r\n]*/,
  group: "comments",
});

export const StringLit = createToken({
  name: "StringLit",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: "a quoted text",
});
/** A string without its closing quote; matched as a string so parsing can go on (REG102). */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLit],
  label: "a quoted text",
});

export const DateTimeLit = createToken({
  name: "DateTimeLit",
  pattern:
    /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/,
  label: "a date-time (YYYY-MM-DDThh:mm:ssZ)",
});
export const DateLit = createToken({
  name: "DateLit",
  pattern: /\d{4}-\d{2}-\d{2}/,
  label: "a date (YYYY-MM-DD)",
});
export const VersionLit = createToken({
  name: "VersionLit",
  pattern: /\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?/,
  label: "a version (MAJOR.MINOR.PATCH)",
});
export const DecimalLit = createToken({
  name: "DecimalLit",
  pattern: /\d+\.\d+/,
  label: "a decimal number",
});
/**
 * An article locator written as one word: `2.2e`, `1.3A`, `3.5a`, `1:75`, `7:17a` — digits with
 * `.` or `:` groups where a letter follows a `.` group or a `:` joins two numbers. Matched by hand
 * (not a regular expression with look-ahead) so it stays linear and Chevrotain can still index it
 * by its first character.
 */
export const ArticleLocator = createToken({
  name: "ArticleLocator",
  pattern: { exec: matchArticleLocator },
  line_breaks: false,
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  label: "an article number",
});

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The custom matcher of {@link ArticleLocator}. */
function matchArticleLocator(
  text: string,
  offset: number,
): RegExpExecArray | null {
  let i = offset;
  if (!isDigit(text.charCodeAt(i))) return null;
  while (isAlnum(text.charCodeAt(i))) i++;
  let oneWord = false;
  for (;;) {
    const sep = text.charCodeAt(i);
    if ((sep !== 46 && sep !== 58) || !isDigit(text.charCodeAt(i + 1))) break;
    let j = i + 1;
    while (isDigit(text.charCodeAt(j))) j++;
    const lettered = isAlnum(text.charCodeAt(j));
    while (isAlnum(text.charCodeAt(j))) j++;
    if (sep === 58 || lettered) oneWord = true;
    i = j;
  }
  if (!oneWord) return null;
  const match = [text.slice(offset, i)] as unknown as RegExpExecArray;
  match.index = offset;
  match.input = text;
  return match;
}

export const ArticleNumber = createToken({
  name: "ArticleNumber",
  pattern: /\d+[A-Za-z][A-Za-z0-9_]*/,
  label: "an article number",
});
export const IntegerLit = createToken({
  name: "IntegerLit",
  pattern: /\d+/,
  label: "a whole number",
});

export const LParen = createToken({
  name: "LParen",
  pattern: "(",
  label: "`(`",
});
export const RParen = createToken({
  name: "RParen",
  pattern: ")",
  label: "`)`",
});
export const LBrace = createToken({
  name: "LBrace",
  pattern: "{",
  label: "`{`",
});
export const RBrace = createToken({
  name: "RBrace",
  pattern: "}",
  label: "`}`",
});
export const Comma = createToken({ name: "Comma", pattern: ",", label: "`,`" });
export const Colon = createToken({ name: "Colon", pattern: ":", label: "`:`" });
export const Dot = createToken({ name: "Dot", pattern: ".", label: "`.`" });
export const At = createToken({ name: "At", pattern: "@", label: "`@`" });
export const Percent = createToken({
  name: "Percent",
  pattern: "%",
  label: "`%`",
});
export const Star = createToken({ name: "Star", pattern: "*", label: "`*`" });
export const NotEquals = createToken({
  name: "NotEquals",
  pattern: "!=",
  label: "`!=`",
});
export const LessEq = createToken({
  name: "LessEq",
  pattern: "<=",
  label: "`<=`",
});
export const GreaterEq = createToken({
  name: "GreaterEq",
  pattern: ">=",
  label: "`>=`",
});
export const Less = createToken({ name: "Less", pattern: "<", label: "`<`" });
export const Greater = createToken({
  name: "Greater",
  pattern: ">",
  label: "`>`",
});
/** `==` (and `===`) from other languages: regel writes `=` (REG144). */
export const DoubleEquals = createToken({
  name: "DoubleEquals",
  pattern: /===?/,
  label: "`==`",
});
/** `<>` from SQL and Excel: regel writes `!=` (REG144). */
export const LessGreater = createToken({
  name: "LessGreater",
  pattern: "<>",
  label: "`<>`",
});
/** `&&` from other languages: regel writes `and` (REG144). */
export const AmpAmp = createToken({
  name: "AmpAmp",
  pattern: "&&",
  label: "`&&`",
});
/** `||` from other languages: regel writes `or` (REG144). */
export const PipePipe = createToken({
  name: "PipePipe",
  pattern: "||",
  label: "`||`",
});
/** A text in single quotes: regel writes texts in double quotes (REG145). */
export const SingleQuoted = createToken({
  name: "SingleQuoted",
  pattern: /'(?:[^'\\\r\n]|\\[^\r\n])*'/,
  label: "a text in single quotes",
});
export const Equals = createToken({
  name: "Equals",
  pattern: "=",
  label: "`=`",
});
export const Plus = createToken({ name: "Plus", pattern: "+", label: "`+`" });
export const Minus = createToken({ name: "Minus", pattern: "-", label: "`-`" });
export const Slash = createToken({ name: "Slash", pattern: "/", label: "`/`" });

/**
 * A run of characters no token can start with: one token (and one REG101) per run, instead of
 * Chevrotain's character-by-character error recovery, which is slow on large garbage input.
 */
const UNKNOWN_PATTERN = /(?:[^\s\w"(){},:.@%*=!<>+\-/]|!(?!=))+/;
export const Unknown = createToken({
  name: "Unknown",
  pattern: UNKNOWN_PATTERN,
  group: "unknown",
  // Chevrotain cannot analyse a complement set; list the characters it can start with instead:
  // every code unit below 256 that the pattern accepts, and one per 256-block above (Chevrotain
  // buckets those by block).
  start_chars_hint: [
    ...Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)).filter(
      (ch) => UNKNOWN_PATTERN.test(ch),
    ),
    ...Array.from({ length: 255 }, (_, b) =>
      String.fromCharCode((b + 1) * 256),
    ),
  ],
});

/** Keywords longest first, so `extends` is tried before `extend` and `columns` before `column`. */
const keywordTokens = [...new Set(KEYWORDS)]
  .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
  .map((w) => KW[w]);

/** Every token type in lexing order (the parser's vocabulary). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  StringLit,
  UnterminatedString,
  DateTimeLit,
  DateLit,
  ArticleLocator,
  VersionLit,
  DecimalLit,
  ArticleNumber,
  IntegerLit,
  ...keywordTokens,
  Identifier,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Dot,
  At,
  Percent,
  Star,
  NotEquals,
  DoubleEquals,
  LessGreater,
  AmpAmp,
  PipePipe,
  SingleQuoted,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Slash,
  Unknown,
  // Categories last: they never match text themselves.
  AnyWord,
  Keyword,
];

/**
 * Chevrotain's self-checks of the token and grammar definitions cost start-up time on every CLI
 * run; they run under the test suite (and with REGEL_VALIDATE_GRAMMAR=1), where a broken
 * definition would show.
 */
export const VALIDATE_GRAMMAR =
  process.env.VITEST !== undefined ||
  process.env.REGEL_VALIDATE_GRAMMAR === "1";

const lexer = new Lexer(allTokens, {
  positionTracking: "full",
  ensureOptimizations: true,
  skipValidations: !VALIDATE_GRAMMAR,
});

// ---------------------------------------------------------------- helpers

/** Span of a real (lexed) token; `end` is exclusive. Tokens never span lines. */
export function tokenSpan(file: string, token: IToken): Span {
  return {
    file,
    start: {
      offset: token.startOffset,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
    },
    end: {
      offset: (token.endOffset ?? token.startOffset) + 1,
      line: token.endLine ?? token.startLine ?? 1,
      column: (token.endColumn ?? token.startColumn ?? 1) + 1,
    },
  };
}

/** Span of `length` characters from a known position, following line breaks in `text`. */
function spanAt(
  file: string,
  text: string,
  offset: number,
  line: number,
  column: number,
  length: number,
): Span {
  let l = line;
  let c = column;
  const stop = Math.min(text.length, offset + length);
  for (let i = offset; i < stop; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) {
      l++;
      c = 1;
    } else {
      c++;
    }
  }
  return {
    file,
    start: { offset, line, column },
    end: { offset: stop, line: l, column: c },
  };
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  n: "\n",
  t: "\t",
};

/**
 * The value of a string token: quotes removed, escapes decoded. Invalid escapes are kept as
 * written (the lexer has reported them). Works for unterminated strings too.
 */
export function decodeString(image: string): string {
  if (image.length === 0) return "";
  const closed =
    image.length >= 2 && image.endsWith('"') && !isEscapedQuoteAtEnd(image);
  const body = image.slice(1, closed ? -1 : undefined);
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== "\\" || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    const simple = ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const unicode = /^u\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(i + 1, i + 11));
    if (unicode) {
      const cp = parseInt(unicode[1], 16);
      if (cp <= 0x10ffff) {
        out += String.fromCodePoint(cp);
        i += unicode[0].length;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/** True when the final `"` of an image is itself escaped (`"abc\"` is unterminated). */
function isEscapedQuoteAtEnd(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === "\\"; i--)
    backslashes++;
  return backslashes % 2 === 1;
}

/** Report invalid escapes inside one string token (REG103). */
function checkEscapes(
  file: string,
  text: string,
  token: IToken,
  out: Diagnostic[],
): void {
  const image = token.image;
  if (!image.includes("\\")) return;
  for (let i = 1; i < image.length; i++) {
    if (image[i] !== "\\") continue;
    const next = image[i + 1];
    if (next === undefined) break; // a trailing `\` of an unterminated string: REG102 covers it
    if (ESCAPES[next] !== undefined) {
      i++;
      continue;
    }
    const unicode = /^u\{([0-9a-fA-F]{1,6})\}/.exec(image.slice(i + 1, i + 11));
    if (unicode && parseInt(unicode[1], 16) <= 0x10ffff) {
      i += unicode[0].length;
      continue;
    }
    const length =
      next === "u"
        ? Math.max(
            2,
            (/^u\{[^}"]*\}?/.exec(image.slice(i + 1))?.[0].length ?? 1) + 1,
          )
        : 2;
    const written = image.slice(i, i + length);
    out.push(
      error(
        "REG103",
        `invalid escape \`${written}\` in a quoted text; use \`\\"\`, \`\\\\\`, \`\\n\`, \`\\t\` or \`\\u{...}\``,
        spanAt(
          file,
          text,
          token.startOffset + i,
          token.startLine ?? 1,
          (token.startColumn ?? 1) + i,
          length,
        ),
      ),
    );
    i += length - 1;
  }
}

/**
 * Characters a message cannot show as they are (controls, bidirectional controls) as `U+XXXX`;
 * text longer than 20 characters is cut.
 */
function shownChars(chars: string): string {
  const cut = chars.length > 20 ? `${chars.slice(0, 20)}…` : chars;
  return cut.replace(INVISIBLE, (c) => describeCodePoint(c.charCodeAt(0)));
}

const INVISIBLE = new RegExp(
  `[\\u0000-\\u001f\\u007f-\\u009f${BIDI_CLASS}]`,
  "g",
);

/**
 * Warn about bidirectional control characters inside a quoted text or a comment (REG104): one
 * warning per run of them. Outside texts and comments they are unexpected characters (REG101).
 */
function checkBidi(
  file: string,
  text: string,
  token: IToken,
  where: string,
  out: Diagnostic[],
): void {
  const image = token.image;
  if (!hasBidiControl(image)) return;
  for (let i = 0; i < image.length; i++) {
    if (!BIDI_CONTROLS.has(image.charCodeAt(i))) continue;
    let end = i + 1;
    while (end < image.length && BIDI_CONTROLS.has(image.charCodeAt(end)))
      end++;
    const names = [...image.slice(i, end)].map((c) =>
      describeCodePoint(c.charCodeAt(0)),
    );
    const escapes = [...image.slice(i, end)]
      .map((c) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase()}}`)
      .join("");
    out.push({
      code: "REG104",
      severity: "warning",
      message: `${names.length === 1 ? "a bidirectional control character" : "bidirectional control characters"} ${names.join(", ")} in ${where}: ${names.length === 1 ? "it makes" : "they make"} the text display in another order than regel reads it ("trojan source"); remove ${names.length === 1 ? "it" : "them"}${where === "a quoted text" ? `, or write \`${escapes}\` if the text must hold ${names.length === 1 ? "it" : "them"}` : ""}`,
      span: spanAt(
        file,
        text,
        token.startOffset + i,
        token.startLine ?? 1,
        (token.startColumn ?? 1) + i,
        end - i,
      ),
    });
    i = end - 1;
  }
}

/** The text of a comment without its slashes and one leading space; trailing blanks dropped. */
function commentText(image: string, doc: boolean): string {
  let body = image.slice(doc ? 3 : 2);
  if (body.startsWith(" ")) body = body.slice(1);
  return body.replace(/[ \t]+$/, "");
}

// ---------------------------------------------------------------- entry point

/** Result of {@link tokenize}. */
export interface TokenizeResult {
  /** The tokens the parser sees (no whitespace, no comments). */
  tokens: IToken[];
  /** Every `//` and `///` comment in source order. */
  comments: Comment[];
  /**
   * Lexical problems: REG101 unexpected character, REG102 unterminated string, REG103 invalid
   * escape, and the warning REG104 (bidirectional control character in a text or comment).
   */
  diagnostics: Diagnostic[];
}

/**
 * Split regel source text into tokens and comments. Never throws: unknown characters are skipped
 * and reported.
 */
export function tokenize(text: string, file: string): TokenizeResult {
  const result = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const length = Math.max(1, e.length);
    const shown = shownChars(text.slice(e.offset, e.offset + length));
    diagnostics.push(
      error(
        "REG101",
        length === 1
          ? `unexpected character \`${shown}\``
          : `unexpected characters \`${shown}\``,
        spanAt(file, text, e.offset, e.line ?? 1, e.column ?? 1, length),
      ),
    );
  }
  // One scan of the whole text first: the common case (no such character) costs nothing more.
  const bidi = hasBidiControl(text);
  for (const token of result.tokens) {
    if (
      bidi &&
      (tokenMatcher(token, StringLit) || token.tokenType === SingleQuoted)
    )
      checkBidi(file, text, token, "a quoted text", diagnostics);
    if (token.tokenType === UnterminatedString) {
      diagnostics.push(
        error(
          "REG102",
          'this quoted text has no closing `"` on its line',
          tokenSpan(file, token),
        ),
      );
      checkEscapes(file, text, token, diagnostics);
    } else if (token.tokenType === StringLit) {
      checkEscapes(file, text, token, diagnostics);
    }
  }
  for (const token of result.groups.unknown ?? []) {
    const shown = shownChars(token.image);
    diagnostics.push(
      error(
        "REG101",
        token.image.length === 1
          ? `unexpected character \`${shown}\``
          : `unexpected characters \`${shown}\``,
        tokenSpan(file, token),
      ),
    );
  }
  const comments: Comment[] = [];
  for (const token of result.groups.comments ?? []) {
    const doc = token.tokenType === DocComment;
    if (bidi) checkBidi(file, text, token, "a comment", diagnostics);
    comments.push({
      kind: "Comment",
      span: tokenSpan(file, token),
      text: commentText(token.image, doc),
      doc,
    });
  }
  diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { tokens: result.tokens, comments, diagnostics };
}
