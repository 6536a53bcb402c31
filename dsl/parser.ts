/**
 * Parse a `.regel` file into its AST ({@link RegelFile}) with diagnostics.
 *
 * The token stream is cut into declarations at the declaration keywords (`rule`, `entity`, ...,
 * but not `remove rule x` or `fine category 1`), and each piece is parsed on its own by the one
 * shared {@link RegelParser}. That gives three things at once: an error in one declaration never
 * swallows the next one, parsing is a loop (no recursion per declaration, so a 10 MB file cannot
 * overflow the stack) and time is linear in the size of the file. The text is lexed in pieces of
 * about 64 KB cut at line ends, so only a piece's tokens are alive at a time.
 *
 * When a declaration's clauses are followed by text that is no clause (REG116), parsing resumes at
 * the next clause keyword of the same declaration, so every error in it is reported. Codes and
 * messages: `docs/diagnostics.md` (REG1xx).
 *
 * @module
 */
import type { IRecognitionException, IToken } from "chevrotain";
import type {
  Comment,
  Declaration,
  FieldDecl,
  Position,
  RegelFile,
  RulesetHeader,
  Span,
} from "./ast.js";
import { closestName, error, type Diagnostic } from "./diagnostics.js";
import {
  At,
  Comma,
  Dot,
  Identifier,
  KW,
  LParen,
  RParen,
  tokenize,
  tokenSpan,
} from "./lexer.js";
import { readHabits } from "./habits.js";
import {
  CLAUSE_TABLES,
  clauseStarts,
  IfNestedTooDeep,
  MAX_IF_NESTING,
  RegelParser,
} from "./parser-grammar.js";
import {
  messageContext,
  notPartOfTokens,
  takeHints,
} from "./parser-messages.js";

/** Result of {@link parse}. */
export interface ParseResult {
  file: RegelFile;
  diagnostics: Diagnostic[];
}

/** Deepest nesting of parentheses we parse; deeper input is reported (REG126), not parsed. */
export const MAX_NESTING = 64;

const DECLARATION_KEYWORDS = new Set([
  KW.ruleset,
  KW.codelist,
  KW.entity,
  KW.extend,
  KW.ikb,
  KW.rule,
  KW.category,
  KW.payout,
  KW.metric,
  KW.norm,
  KW.measure,
  KW.calendar,
  KW.parameter,
  KW.table,
  KW.aggregate,
  KW.reconcile,
  KW.plausibility,
  KW.remove,
  KW.replace,
]);

/** Keywords offered as "did you mean" for text where a declaration should start. */
export const DECLARATION_WORDS = [
  "ruleset",
  "codelist",
  "entity",
  "extend",
  "ikb",
  "rule",
  "category",
  "payout",
  "metric",
  "norm",
  "measure",
  "calendar",
  "plausibility",
  "remove",
  "replace",
];

/** The clauses each declaration keyword takes, as messages list them (REG116); `remove` takes none. */
const CLAUSE_WORDS = new Map<string, readonly string[]>([
  ...Object.values(CLAUSE_TABLES).map(
    (t) => [t.keyword, t.clauses.flatMap((c) => c.starts)] as const,
  ),
  ["remove", []],
]);

let instance: RegelParser | undefined;

/** The one parser instance (building it costs more than parsing most files). */
export function parserInstance(): RegelParser {
  instance ??= new RegelParser();
  return instance;
}

/**
 * Keywords of other languages that start a declaration there, and what regel writes instead
 * (REG148). Such a word at the start of a line (column 1) is cut off as a (bad) declaration of
 * its own, so the error points at it instead of calling it "not part of" the declaration above.
 */
const FOREIGN_DECLARATIONS = new Map<string, string>([
  ...["const", "let", "var"].map(
    (w) =>
      [
        w,
        "regel has no variables: write the value in the condition that uses it",
      ] as const,
  ),
  ...["function", "def", "fn", "func", "procedure"].map(
    (w) =>
      [
        w,
        "regel has no functions: a check is a `rule` with a `require` condition",
      ] as const,
  ),
  ...["import", "include", "export", "module", "package"].map(
    (w) =>
      [
        w,
        "a ruleset borrows from another with `uses NAME@VERSION`, or builds on one with `extends NAME@VERSION`, in its header",
      ] as const,
  ),
  ...["class", "struct", "interface", "type", "enum"].map(
    (w) =>
      [
        w,
        "records are declared with `entity`, lists of values with `codelist`",
      ] as const,
  ),
  ...["return", "public", "private"].map(
    (w) =>
      [
        w,
        "a ruleset holds only declarations, each starting with its keyword",
      ] as const,
  ),
]);

/** A foreign keyword (`const`, `function`, ...) first on its line at column 1? */
function startsForeignDeclaration(
  prev: IToken | undefined,
  token: IToken,
): boolean {
  return (
    token.tokenType === Identifier &&
    token.startColumn === 1 &&
    FOREIGN_DECLARATIONS.has(token.image) &&
    (prev === undefined || (prev.endLine ?? 0) < (token.startLine ?? 0))
  );
}

/** Does `token` (between `prev` and `next`) start a declaration? */
export function startsDeclaration(
  prev: IToken | undefined,
  token: IToken,
  next: IToken | undefined,
): boolean {
  const type = token.tokenType;
  const prevType = prev?.tokenType;
  const nextType = next?.tokenType;
  // A word inside a dotted name, a keyword or a foreign one, even at column 1 after a comment:
  // `ruleset example.calendar@1.0.0`, `ref A.fn`.
  if (prevType === Dot || nextType === Dot || nextType === At) return false;
  if (startsForeignDeclaration(prev, token)) return true;
  if (!DECLARATION_KEYWORDS.has(type)) return false;
  // `remove rule x`, `replace rule x`, `extend entity X`: the second keyword belongs to the first.
  if (
    prevType === KW.remove ||
    prevType === KW.replace ||
    prevType === KW.extend
  )
    return false;
  // `fine category 1 base ...` inside a measure.
  if (type === KW.category && prevType === KW.fine) return false;
  // `count ikb`, `proportion ikb`, `in category x` inside an aggregate.
  if (type === KW.ikb && (prevType === KW.count || prevType === KW.proportion))
    return false;
  if (type === KW.category && prevType === KW.in) return false;
  // `watch errors, aggregate depositors` inside a plausibility: a series, not a declaration
  // (after a comma unless it starts a new line at column 1, where a declaration begins).
  if (
    type === KW.aggregate &&
    (prevType === KW.watch ||
      (prevType === Comma &&
        (prev?.endLine === token.startLine || token.startColumn !== 1)))
  )
    return false;
  // `replace field` / `remove field` inside `extend entity`; `remove result`, `remove marking`,
  // `remove value` inside `extend category` and `extend codelist`.
  if ((type === KW.remove || type === KW.replace) && nextType === KW.field)
    return false;
  if (
    type === KW.remove &&
    (nextType === KW.result || nextType === KW.marking || nextType === KW.value)
  )
    return false;
  return true;
}

/** Position just after the last character of `text`. */
function endPosition(text: string): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: text.length, line, column: text.length - lineStart + 1 };
}

function tokenEnd(t: IToken): Position {
  return {
    offset: (t.endOffset ?? t.startOffset) + 1,
    line: t.endLine ?? 1,
    column: (t.endColumn ?? 0) + 1,
  };
}

function tokenStart(t: IToken): Position {
  return {
    offset: t.startOffset,
    line: t.startLine ?? 1,
    column: t.startColumn ?? 1,
  };
}

const isReal = (t: IToken | undefined): t is IToken =>
  t !== undefined && Number.isFinite(t.startOffset) && t.startOffset >= 0;

/** Is the comment the first thing on its line (so it can document the line below)? */
function startsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === "\n" || ch === "\r") return true;
    if (ch !== " " && ch !== "\t") return false;
  }
  return true;
}

/** Attach `///` lines directly above declarations, the header and fields. */
function attachDocs(
  text: string,
  comments: Comment[],
  header: RulesetHeader | undefined,
  declarations: Declaration[],
): void {
  const docByLine = new Map<number, Comment>();
  for (const c of comments)
    if (c.doc && startsLine(text, c.span.start.offset))
      docByLine.set(c.span.start.line, c);
  if (docByLine.size === 0) return;
  const docsAbove = (line: number): string[] => {
    const out: string[] = [];
    for (let l = line - 1; docByLine.has(l); l--)
      out.push(docByLine.get(l)!.text);
    return out.reverse();
  };
  if (header) header.doc = docsAbove(header.span.start.line);
  for (const d of declarations) {
    d.doc = docsAbove(d.span.start.line);
    const fields: FieldDecl[] =
      d.kind === "Entity" || d.kind === "ExtendEntity" ? d.fields : [];
    for (const f of fields) f.doc = docsAbove(f.span.start.line);
  }
}

/**
 * Parse regel source text. Never throws: every problem, including an internal failure, comes
 * back as a diagnostic, and as much of the file as could be read comes back as AST.
 *
 * @param text the contents of the `.regel` file
 * @param file the path put into spans and diagnostics
 */
export function parse(text: string, file: string): ParseResult {
  const start = { offset: 0, line: 1, column: 1 };
  const regelFile: RegelFile = {
    kind: "File",
    path: file,
    header: undefined,
    declarations: [],
    comments: [],
    span: { file, start, end: start },
  };
  const diagnostics: Diagnostic[] = [];
  // Chevrotain reports each syntax error as an Error; capturing their stack traces (never shown)
  // costs more than the parse itself on a file with many errors.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    regelFile.span = { file, start, end: endPosition(text) };
    parseInto(text, file, regelFile, diagnostics);
  } catch (e) {
    instance = undefined; // rebuild the parser next time, in case its state is broken
    diagnostics.push(
      error(
        "REG199",
        `internal error in the parser: ${e instanceof Error ? e.message : String(e)}`,
        { file, start, end: start },
        {
          notes: [
            "this is a bug in regel, not in the ruleset; please report it with the file",
          ],
        },
      ),
    );
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { file: regelFile, diagnostics: dedupe(diagnostics) };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}:${d.span.start.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      a.span.start.offset - b.span.start.offset ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/**
 * Size of the pieces the text is lexed in (cut at a line end): keeps tokens short-lived.
 * Changeable only so tests can check that the cut changes nothing.
 */
export const parserTuning = { segmentChars: 1 << 16 };

/** Move positions from a piece of the text to the whole text: columns stay, lines and offsets shift. */
function shiftSpan(span: Span, offset: number, lines: number): void {
  span.start.offset += offset;
  span.start.line += lines;
  span.end.offset += offset;
  span.end.line += lines;
}

/** Number of line breaks (`\n`, `\r\n`, `\r`) in `text`. */
function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/**
 * Lex the text piece by piece (no token spans a line, so cutting at a line end changes nothing)
 * and parse each declaration as soon as the next one starts. Only one declaration's tokens are
 * alive at a time, which keeps the garbage collector's work small on big files.
 */
function parseInto(
  text: string,
  file: string,
  out: RegelFile,
  diagnostics: Diagnostic[],
): void {
  const state: FileState = {
    text,
    file,
    out,
    diagnostics,
    parser: parserInstance(),
    headerToken: undefined,
    firstChunk: true,
  };
  state.parser.file = file;
  let firstToken: IToken | undefined;
  let pending: IToken[] = [];
  let scanned = 1; // indexes below this in `pending` are known not to start a declaration
  let lineBase = 0;
  for (let segStart = 0; segStart < text.length;) {
    let segEnd = Math.min(
      text.length,
      segStart + Math.max(1, parserTuning.segmentChars),
    );
    if (segEnd < text.length) {
      const nl = text.indexOf("\n", segEnd - 1);
      segEnd = nl < 0 ? text.length : nl + 1;
    }
    const piece =
      segStart === 0 && segEnd === text.length
        ? text
        : text.slice(segStart, segEnd);
    const lexed = tokenize(piece, file);
    if (segStart > 0) {
      for (const t of lexed.tokens) {
        t.startOffset += segStart;
        t.endOffset = (t.endOffset ?? t.startOffset) + segStart;
        t.startLine = (t.startLine ?? 1) + lineBase;
        t.endLine = (t.endLine ?? 1) + lineBase;
      }
      for (const c of lexed.comments) shiftSpan(c.span, segStart, lineBase);
      for (const d of lexed.diagnostics) shiftSpan(d.span, segStart, lineBase);
    }
    for (const c of lexed.comments) out.comments.push(c);
    for (const d of lexed.diagnostics) diagnostics.push(d);
    lineBase += countLines(piece);
    segStart = segEnd;
    const final = segStart >= text.length;

    pending =
      pending.length === 0 ? lexed.tokens : pending.concat(lexed.tokens);
    firstToken ??= pending[0];
    // Cut complete declarations off the front; a declaration is complete once the next starts.
    let from = 0;
    const limit = final ? pending.length : pending.length - 1; // deciding needs the next token
    for (let i = Math.max(1, scanned); i < limit; i++) {
      if (startsDeclaration(pending[i - 1], pending[i], pending[i + 1])) {
        parseChunk(state, pending.slice(from, i), pending[i]);
        from = i;
      }
    }
    if (final) {
      if (from < pending.length)
        parseChunk(
          state,
          from === 0 ? pending : pending.slice(from),
          undefined,
        );
      pending = [];
    } else {
      pending = from === 0 ? pending : pending.slice(from);
      scanned = Math.max(1, limit - from);
    }
  }

  if (out.header === undefined) {
    const at: Span = firstToken
      ? tokenSpan(file, firstToken)
      : {
          file,
          start: { offset: 0, line: 1, column: 1 },
          end: { offset: 0, line: 1, column: 1 },
        };
    diagnostics.push(
      error(
        "REG111",
        "this file has no `ruleset` header; start it with `ruleset name@1.0.0`",
        at,
      ),
    );
  }
  attachDocs(text, out.comments, out.header, out.declarations);
}

/** What {@link parseChunk} needs to know about the file so far. */
interface FileState {
  text: string;
  file: string;
  out: RegelFile;
  diagnostics: Diagnostic[];
  parser: RegelParser;
  headerToken: IToken | undefined;
  firstChunk: boolean;
}

/** Parse one declaration (or the header, or leading junk) and add it to the file. */
function parseChunk(
  state: FileState,
  written: IToken[],
  follower: IToken | undefined,
): void {
  const { file, out, diagnostics, parser } = state;
  // Habits from other languages (`==`, `0,5`, `en`, ...): reported once, then read as meant.
  const chunk = readHabits(written, file, diagnostics);
  const first = chunk[0];
  const last = chunk[chunk.length - 1];
  const chunkSpan: Span = {
    file,
    start: tokenStart(first),
    end: tokenEnd(last),
  };
  const isFirst = state.firstChunk;
  state.firstChunk = false;

  if (
    !DECLARATION_KEYWORDS.has(first.tokenType) ||
    (isFirst && !startsDeclaration(undefined, first, chunk[1] ?? follower))
  ) {
    const foreign =
      first.tokenType === Identifier
        ? FOREIGN_DECLARATIONS.get(first.image)
        : undefined;
    if (foreign !== undefined) {
      diagnostics.push(
        error(
          "REG148",
          `\`${first.image}\` is not a regel declaration: a ruleset holds declarations (\`rule\`, \`entity\`, \`codelist\`, ...)`,
          tokenSpan(file, first),
          {
            notes: [
              foreign,
              "everything up to the next declaration is skipped",
            ],
          },
        ),
      );
      return;
    }
    const suggestion = /^[A-Za-z_]\w*$/.test(first.image)
      ? closestName(first.image, DECLARATION_WORDS)
      : undefined;
    diagnostics.push(
      error(
        "REG115",
        `expected a declaration (\`rule\`, \`entity\`, \`codelist\`, ...), found \`${first.image}\``,
        tokenSpan(file, first),
        {
          suggestion,
        },
      ),
    );
    return;
  }
  const tooDeep = deepestNesting(chunk);
  if (tooDeep !== undefined) {
    diagnostics.push(
      error(
        "REG126",
        `parentheses are nested more than ${MAX_NESTING} deep here; split the condition up`,
        tokenSpan(file, tooDeep),
      ),
    );
    return;
  }

  const isHeader = first.tokenType === KW.ruleset;
  const keyword = first.tokenType === KW.replace ? chunk[1] : first;
  const second = chunk[chunk.indexOf(keyword) + 1];
  messageContext.declKeyword =
    keyword?.tokenType === KW.extend &&
    (second?.tokenType === KW.category || second?.tokenType === KW.codelist)
      ? `extend ${second.image}`
      : (keyword?.image ?? "replace");
  messageContext.clauses = CLAUSE_WORDS.get(messageContext.declKeyword);
  messageContext.follower = follower;
  parser.extra = [];
  parser.partial = undefined;
  parser.tooDeepReported = false;
  parser.ifNesting = 0;
  parser.fallback = tokenStart(first);
  parser.input = chunk;
  let node: Declaration | RulesetHeader | undefined;
  try {
    node = isHeader ? parser.header() : parser.declaration();
  } catch (e) {
    if (!(e instanceof IfNestedTooDeep)) throw e;
    reportIfTooDeep(file, e, diagnostics);
    return;
  }
  const result =
    (node as Declaration | RulesetHeader | undefined) ??
    parser.partial ??
    placeholder(keyword?.image ?? "", chunkSpan);
  if (node === undefined && result !== undefined) {
    result.span = chunkSpan;
    if (first.tokenType === KW.replace && result.kind !== "RulesetHeader")
      result.replace = true;
  }

  // Text that is no clause ends the declaration early: report it, skip to the next clause
  // keyword and go on with the same declaration, so later errors in it are reported too.
  let at = 0; // index in `chunk` where the current (resumed) parse started
  const errorOffsets = new Set<number>();
  for (let guard = 0; guard < chunk.length; guard++) {
    const errors = parser.errors;
    for (const e of errors) {
      if (
        e.name === "NotAllInputParsedException" &&
        followsError(chunk, e.token, at, errorOffsets)
      )
        continue;
      const d = toDiagnostic(e, file, last);
      if (
        d.code === "REG116" &&
        d.suggestion === undefined &&
        looksLikeMissingComma(chunk, e.token, at)
      ) {
        d.notes = [
          ...(d.notes ?? []),
          "is a `,` missing before it? List items are separated by commas",
        ];
      }
      diagnostics.push(d);
      if (isReal(e.token)) errorOffsets.add(e.token.startOffset);
    }
    const stop = errors.find((e) => e.name === "NotAllInputParsedException");
    const starts = result ? clauseStarts(result.kind) : undefined;
    if (stop === undefined || result === undefined || starts === undefined)
      break;
    let j = at;
    while (j < chunk.length && chunk[j] !== stop.token) j++;
    for (j++; j < chunk.length && !starts.includes(chunk[j].tokenType); j++);
    if (j >= chunk.length) break;
    at = j;
    parser.input = chunk;
    parser.seek(j);
    parser.ifNesting = 0;
    try {
      parser.continueClauses(result);
    } catch (e) {
      if (!(e instanceof IfNestedTooDeep)) throw e;
      reportIfTooDeep(file, e, diagnostics);
      return;
    }
    const lastRead = parser.lastConsumed();
    if (
      lastRead !== undefined &&
      tokenEnd(lastRead).offset > result.span.end.offset
    ) {
      result.span = { ...result.span, end: tokenEnd(lastRead) };
    }
  }
  if (result !== undefined) parser.finish(result);
  diagnostics.push(...parser.extra);

  if (result === undefined) return;
  if (result.kind === "RulesetHeader") {
    if (out.header === undefined) {
      out.header = result;
      state.headerToken = first;
      if (out.declarations.length > 0) {
        diagnostics.push(
          error(
            "REG113",
            "the `ruleset` header must come first in the file, before every declaration",
            tokenSpan(file, first),
            {
              notes: [
                `the first declaration is on line ${out.declarations[0].span.start.line}`,
              ],
            },
          ),
        );
      }
    } else {
      diagnostics.push(
        error(
          "REG112",
          "a file holds one ruleset version: this is a second `ruleset` header",
          tokenSpan(file, first),
          {
            notes: [
              `the first header is on line ${state.headerToken?.startLine ?? 1}`,
            ],
          },
        ),
      );
    }
  } else {
    out.declarations.push(result);
  }
}

/**
 * An empty node for a declaration whose parse failed before anything could be built (for
 * example `ruleset a.b@1.0` with a bad version), so that later stages still see it.
 */
function placeholder(
  keyword: string,
  span: Span,
): Declaration | RulesetHeader | undefined {
  const name = {
    kind: "Ident" as const,
    name: "",
    span: { ...span, end: span.start },
  };
  const base = { span, doc: [], replace: false };
  switch (keyword) {
    case "ruleset":
      return {
        kind: "RulesetHeader",
        span,
        ref: { kind: "RulesetRef", name: "", version: "", span },
        title: undefined,
        doc: [],
        extends: undefined,
        uses: [],
        validFrom: undefined,
        validUntil: undefined,
        sources: [],
        assumptions: [],
      };
    case "codelist":
      return {
        ...base,
        kind: "CodeList",
        assumptions: [],
        name,
        title: undefined,
        implementsRefs: [],
        values: [],
      };
    case "entity":
      return {
        ...base,
        kind: "Entity",
        assumptions: [],
        name,
        title: undefined,
        file: undefined,
        key: [],
        roleBy: undefined,
        implementsRefs: [],
        fields: [],
      };
    case "extend":
      return {
        ...base,
        kind: "ExtendEntity",
        name,
        fields: [],
        removeFields: [],
      };
    case "ikb":
      return {
        ...base,
        kind: "Ikb",
        assumptions: [],
        title: undefined,
        key: name,
        depositors: [],
        depositorBy: name,
        implementsRefs: [],
      };
    case "rule":
      return {
        ...base,
        kind: "Rule",
        code: name,
        title: "",
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
      };
    case "category":
      return {
        ...base,
        kind: "Category",
        assumptions: [],
        name,
        title: "",
        blocks: undefined,
        implementsRefs: [],
        results: [],
        markings: [],
      };
    case "payout":
      return {
        ...base,
        kind: "Payout",
        assumptions: [],
        name,
        number: 0,
        title: "",
        implementsRefs: [],
      };
    case "metric":
      return {
        ...base,
        kind: "Metric",
        assumptions: [],
        name,
        type: "integer",
        description: undefined,
      };
    case "norm":
      return {
        ...base,
        kind: "Norm",
        assumptions: [],
        name,
        title: undefined,
        implementsRefs: [],
        periods: [],
      };
    case "measure":
      return {
        ...base,
        kind: "Measure",
        assumptions: [],
        name,
        title: "",
        measureKind: undefined,
        character: undefined,
        implementsRefs: [],
        basis: undefined,
        preconditions: [],
        fine: undefined,
      };
    case "calendar":
      return {
        ...base,
        kind: "Calendar",
        assumptions: [],
        name,
        title: undefined,
        implementsRefs: [],
        weekend: [],
        holidays: [],
      };
    case "parameter":
      return {
        ...base,
        kind: "Parameter",
        assumptions: [],
        name,
        type: "decimal",
        title: undefined,
        implementsRefs: [],
        values: [],
      };
    case "table":
      return {
        ...base,
        kind: "Table",
        assumptions: [],
        name,
        title: undefined,
        implementsRefs: [],
        file: undefined,
        columns: [],
        rows: [],
      };
    case "plausibility":
      return {
        ...base,
        kind: "Plausibility",
        assumptions: [],
        name,
        title: undefined,
        implementsRefs: [],
        compare: undefined,
        window: undefined,
        minimum: undefined,
        method: undefined,
        threshold: undefined,
        watch: [],
      };
    default:
      return undefined; // `remove` without a kind: nothing useful to keep
  }
}

/**
 * Is `token` the token right after one an error was already reported at? Then "not part of this
 * declaration" is only the echo of that error (recovery took the bad token for the next piece).
 */
function followsError(
  chunk: IToken[],
  token: IToken,
  from: number,
  errorOffsets: Set<number>,
): boolean {
  for (let i = Math.max(from, 1); i < chunk.length; i++) {
    if (chunk[i] === token) return errorOffsets.has(chunk[i - 1].startOffset);
  }
  return false;
}

/** Tokens after which a list of names goes on with `,` (`applies to D, V`, `key a, b`, ...). */
const LIST_STARTS = new Set([
  KW.to,
  KW.key,
  KW.weekend,
  KW.depositor,
  KW.for,
  Comma,
]);

/** `applies to D V`: a name right after the first name of a list, with no comma between. */
function looksLikeMissingComma(
  chunk: IToken[],
  token: IToken,
  from: number,
): boolean {
  for (let i = Math.max(from, 2); i < chunk.length; i++) {
    if (chunk[i] !== token) continue;
    return (
      token.tokenType === Identifier &&
      chunk[i - 1].tokenType === Identifier &&
      LIST_STARTS.has(chunk[i - 2].tokenType)
    );
  }
  return false;
}

/** REG126 for `if`s nested too deeply; like too many parentheses, the declaration is skipped. */
function reportIfTooDeep(
  file: string,
  e: IfNestedTooDeep,
  diagnostics: Diagnostic[],
): void {
  diagnostics.push(
    error(
      "REG126",
      `\`if\` is nested more than ${MAX_IF_NESTING} deep here; split the condition up`,
      tokenSpan(file, e.token),
      {
        notes: [
          "an `else if` chain does not count; an `if` anywhere else inside an `if` does",
        ],
      },
    ),
  );
}

/** The first `(` that goes deeper than {@link MAX_NESTING}, if any. */
function deepestNesting(chunk: IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of chunk) {
    if (t.tokenType === LParen) {
      if (++depth > MAX_NESTING) return t;
    } else if (t.tokenType === RParen && depth > 0) depth--;
  }
  return undefined;
}

function toDiagnostic(
  e: IRecognitionException,
  file: string,
  lastOfChunk: IToken,
): Diagnostic {
  const token = e.token;
  if (!isReal(token)) {
    // Ran out of tokens: point just after the declaration, where the missing piece belongs.
    const end = tokenEnd(lastOfChunk);
    const code = messageContext.follower === undefined ? "REG114" : "REG110";
    return error(code, e.message, { file, start: end, end });
  }
  const code =
    e.name === "NotAllInputParsedException" || notPartOfTokens.has(token)
      ? "REG116"
      : "REG110";
  const hints = takeHints(token);
  return error(code, e.message, tokenSpan(file, token), {
    ...(hints.suggestion ? { suggestion: hints.suggestion } : {}),
    ...(hints.notes ? { notes: hints.notes } : {}),
  });
}
