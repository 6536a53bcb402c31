/**
 * JavaScript source made ASCII without changing what it does: every non-ASCII character of a
 * string or template literal, a regular expression, an identifier or a comment becomes an escape
 * (`\uXXXX`, or `\u{X}` where a code point escape is the one that means the same).
 *
 * Why: Node decodes a module's UTF-8 bytes to a string before V8 compiles it; one non-ASCII
 * character makes the whole source a two-byte string. For a compiled ruleset that is slower to
 * load: the 490 KB module of ikb.glo@1.3.0 imports about 1.5 ms faster as ASCII (issue 15).
 * compiler/compile.ts writes every `validators.js` through it. (The bundled
 * command's chunks made ASCII the same way measured no gain: scripts/bundle-cli.ts leaves them.)
 *
 * The source is parsed (TypeScript's parser, as JavaScript), so literals, regular expressions and
 * comments are told apart by the grammar, not guessed from the text. What is not escapable without
 * a change of meaning is refused ({@link AsciiSourceError}): the raw text of a tagged template is
 * observable (`strings.raw`), so its non-ASCII characters are escaped only for the tags that the
 * caller names as reading the cooked strings alone.
 *
 * @module
 */
import { ts } from "ts-morph";

/** Options of {@link asciiSourceEdits} and {@link asciiSource}. */
export interface AsciiSourceOptions {
  /**
   * Tags of tagged templates that read only the cooked strings (never `strings.raw`), whose
   * literal text may therefore be escaped. Any other tagged template with a non-ASCII character
   * is refused.
   */
  cookedTags?: readonly string[];
  /** Named in errors. */
  fileName?: string;
}

/** One replacement: the source's `[start, end)` (UTF-16 offsets) becomes `text`. */
export interface AsciiEdit {
  start: number;
  end: number;
  text: string;
}

/** A non-ASCII character that cannot be escaped without changing what the source does. */
export class AsciiSourceError extends Error {
  override name = "AsciiSourceError";
}

const NON_ASCII = /[^\x00-\x7f]/;

/** `\uXXXX` of one UTF-16 code unit (four lower-case hex digits, as JSON.stringify writes them). */
function unitEscape(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, "0")}`;
}

/** `\uXXXX` of a BMP code point, `\u{X}` of an astral one. */
function codePointEscape(codePoint: number): string {
  return codePoint > 0xffff
    ? `\\u{${codePoint.toString(16)}}`
    : unitEscape(codePoint);
}

/** Where an edit goes: `[start, end)` of the source becomes `text`. */
type Push = (start: number, end: number, text: string) => void;

/**
 * A string literal's or a template part's text `[from, to)` (between its delimiters), with the
 * same cooked value and only ASCII: a non-ASCII code unit becomes `\uXXXX` (an astral character
 * its two surrogates, which a string holds anyway); `\` before a non-ASCII character (an identity
 * escape) becomes that character's escape; `\` before U+2028 or U+2029 (a line continuation,
 * which stands for nothing) is dropped.
 */
function literalBody(text: string, from: number, to: number, push: Push): void {
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x5c /* \ */) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x2028 || next === 0x2029) push(i, i + 2, "");
      else if (next >= 0x80) push(i, i + 2, unitEscape(next));
      i++;
    } else if (unit >= 0x80) push(i, i + 1, unitEscape(unit));
  }
}

/**
 * A regular expression literal's body `[from, to)` (between its slashes), with the same meaning
 * and only ASCII. Without the `u` or `v` flag a pattern is a sequence of code units, so each
 * non-ASCII one becomes `\uXXXX`; with it, a sequence of code points, so an astral character
 * becomes `\u{X}` (one atom, also in a character class). An identity escape of a non-ASCII
 * character (only possible without `u`) becomes the character's escape.
 */
function regexBody(
  text: string,
  from: number,
  to: number,
  unicode: boolean,
  push: Push,
): void {
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x5c /* \ */) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0x80) push(i, i + 2, unitEscape(next));
      i++;
    } else if (unit >= 0x80) {
      const codePoint = unicode ? (text.codePointAt(i) as number) : unit;
      const width = codePoint > 0xffff ? 2 : 1;
      push(i, i + width, codePointEscape(codePoint));
      i += width - 1;
    }
  }
}

/**
 * Each non-ASCII code point of `[from, to)` as `\uXXXX` or `\u{X}`: what an identifier name allows
 * (an escaped identifier is the same name), and what a comment's reader can decode.
 */
function codePoints(text: string, from: number, to: number, push: Push): void {
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    const codePoint = text.codePointAt(i) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    push(i, i + width, codePointEscape(codePoint));
    i += width - 1;
  }
}

const LINE_TERMINATORS = new Set([0x0a, 0x0d, 0x2028, 0x2029]);

/** Non-ASCII white space (ECMAScript's WhiteSpace and LineTerminator beyond ASCII). */
function isNonAsciiSpace(unit: number): boolean {
  return (
    unit === 0xa0 ||
    unit === 0xfeff ||
    unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) ||
    unit === 0x2028 ||
    unit === 0x2029 ||
    unit === 0x202f ||
    unit === 0x205f ||
    unit === 0x3000
  );
}

type Token =
  | { kind: "literal"; start: number; end: number; open: number; close: number }
  | { kind: "tagged"; start: number; end: number; tag: string }
  | { kind: "regex"; start: number; end: number }
  | { kind: "identifier"; start: number; end: number };

/** The delimiters around a template part's text: `` ` `` or `}` before, `` ` `` or `${` after. */
function templateDelimiters(kind: ts.SyntaxKind): {
  open: number;
  close: number;
} {
  const substitutionAfter =
    kind === ts.SyntaxKind.TemplateHead ||
    kind === ts.SyntaxKind.TemplateMiddle;
  return { open: 1, close: substitutionAfter ? 2 : 1 };
}

/** The tag of the tagged template that a template part belongs to, or undefined when untagged. */
function templateTag(node: ts.Node, source: ts.SourceFile): string | undefined {
  let template: ts.Node = node;
  if (
    ts.isTemplateMiddle(node) ||
    ts.isTemplateTail(node) ||
    ts.isTemplateHead(node)
  ) {
    template = ts.isTemplateHead(node) ? node.parent : node.parent.parent;
  }
  const parent = template.parent;
  return ts.isTaggedTemplateExpression(parent) && parent.template === template
    ? parent.tag.getText(source)
    : undefined;
}

/** Every literal, regular expression and non-ASCII identifier of the source, in order. */
function tokens(source: ts.SourceFile): Token[] {
  const found: Token[] = [];
  const visit = (node: ts.Node): void => {
    const kind = node.kind;
    if (kind === ts.SyntaxKind.StringLiteral) {
      found.push({
        kind: "literal",
        start: node.getStart(source),
        end: node.end,
        open: 1,
        close: 1,
      });
    } else if (
      kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      kind === ts.SyntaxKind.TemplateHead ||
      kind === ts.SyntaxKind.TemplateMiddle ||
      kind === ts.SyntaxKind.TemplateTail
    ) {
      const start = node.getStart(source);
      const tag = templateTag(node, source);
      found.push(
        tag === undefined
          ? {
              kind: "literal",
              start,
              end: node.end,
              ...templateDelimiters(kind),
            }
          : { kind: "tagged", start, end: node.end, tag },
      );
    } else if (kind === ts.SyntaxKind.RegularExpressionLiteral) {
      found.push({
        kind: "regex",
        start: node.getStart(source),
        end: node.end,
      });
    } else if (
      kind === ts.SyntaxKind.Identifier ||
      kind === ts.SyntaxKind.PrivateIdentifier
    ) {
      const start = node.getStart(source);
      if (NON_ASCII.test(source.text.slice(start, node.end)))
        found.push({ kind: "identifier", start, end: node.end });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.sort((a, b) => a.start - b.start);
}

/**
 * The replacements that make `text` (a JavaScript module or script) ASCII without changing what it
 * does, in source order; none when it is ASCII already. See the module comment.
 *
 * @throws AsciiSourceError when the source does not parse, or holds a non-ASCII character that no
 *   escape can stand for (a tagged template's raw text, a tag not in `cookedTags`)
 */
export function asciiSourceEdits(
  text: string,
  options: AsciiSourceOptions = {},
): AsciiEdit[] {
  if (!NON_ASCII.test(text)) return [];
  const fileName = options.fileName ?? "source.js";
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.JS,
  );
  const parseErrors = (
    source as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }
  ).parseDiagnostics;
  if (parseErrors !== undefined && parseErrors.length > 0)
    throw new AsciiSourceError(
      `${fileName}: cannot be made ASCII, it does not parse: ${ts.flattenDiagnosticMessageText(parseErrors[0].messageText, "\n")}`,
    );
  const cooked = new Set(options.cookedTags ?? []);
  const edits: AsciiEdit[] = [];
  const push: Push = (start, end, replacement) =>
    edits.push({ start, end, text: replacement });
  const where = (offset: number): string => {
    const { line, character } = source.getLineAndCharacterOfPosition(offset);
    return `${fileName}:${line + 1}:${character + 1}`;
  };

  // Between the tokens: punctuation, keywords and numbers (ASCII), white space and comments. A
  // `//` or `/*` there starts a comment: literals and regular expressions are tokens.
  const gap = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const unit = text.charCodeAt(i);
      const next = text.charCodeAt(i + 1);
      const commentEnd =
        (unit === 0x2f /* / */ && next === 0x2f) ||
        (unit === 0x23 /* # */ && i === 0 && next === 0x21) /* #! */
          ? lineEnd(text, i, to)
          : unit === 0x2f && next === 0x2a /* * */
            ? text.indexOf("*/", i + 2) + 2
            : -1;
      if (commentEnd >= 0) {
        codePoints(text, i, commentEnd, push);
        i = commentEnd - 1;
      } else if (unit >= 0x80) {
        if (!isNonAsciiSpace(unit))
          throw new AsciiSourceError(
            `${where(i)}: U+${unit.toString(16).toUpperCase().padStart(4, "0")} outside any literal, identifier or comment`,
          );
        // the same white space or line break, in ASCII
        push(i, i + 1, unit === 0x2028 || unit === 0x2029 ? "\n" : " ");
      }
    }
  };

  let at = 0;
  for (const token of tokens(source)) {
    gap(at, token.start);
    at = token.end;
    if (!NON_ASCII.test(text.slice(token.start, token.end))) continue;
    switch (token.kind) {
      case "literal":
        literalBody(
          text,
          token.start + token.open,
          token.end - token.close,
          push,
        );
        break;
      case "tagged": {
        if (!cooked.has(token.tag))
          throw new AsciiSourceError(
            `${where(token.start)}: a template tagged \`${token.tag}\` holds a non-ASCII character; its raw text is observable, so it cannot be escaped (write the escape in the source, or name the tag as reading cooked strings only)`,
          );
        const close = text.startsWith("${", token.end - 2) ? 2 : 1;
        literalBody(text, token.start + 1, token.end - close, push);
        break;
      }
      case "regex": {
        const slash = text.lastIndexOf("/", token.end - 1);
        const flags = text.slice(slash + 1, token.end);
        regexBody(
          text,
          token.start + 1,
          slash,
          flags.includes("u") || flags.includes("v"),
          push,
        );
        break;
      }
      case "identifier":
        codePoints(text, token.start, token.end, push);
        break;
    }
  }
  gap(at, text.length);
  return edits;
}

/** Where a line comment from `from` ends: at the next line terminator, or at `limit`. */
function lineEnd(text: string, from: number, limit: number): number {
  for (let i = from; i < limit; i++)
    if (LINE_TERMINATORS.has(text.charCodeAt(i))) return i;
  return limit;
}

/** `text` with `edits` (sorted, not overlapping) applied. */
export function applyEdits(text: string, edits: readonly AsciiEdit[]): string {
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * `text` (JavaScript) made ASCII without a change of meaning (see the module comment); the same
 * string when it is ASCII already. Deterministic.
 *
 * @throws AsciiSourceError see {@link asciiSourceEdits}
 */
export function asciiSource(
  text: string,
  options: AsciiSourceOptions = {},
): string {
  return applyEdits(text, asciiSourceEdits(text, options));
}
