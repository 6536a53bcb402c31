/**
 * Safe code fragments: the only way the compiler builds TypeScript text.
 *
 * Generated code is assembled from {@link Code} values made by the {@link ts} tagged template.
 * An interpolated `Code` is spliced as is; an interpolated string, number, bigint or boolean
 * becomes a literal (strings JSON-quoted with every non-ASCII character escaped), so text from a
 * ruleset can only ever reach the output as a quoted literal. Names pass {@link id}, which accepts
 * only plain (ASCII) identifiers. Comment text goes through {@link doc}, which cannot close the
 * comment. (ajv's lesson: injection impossible by construction, not by remembering to escape.)
 *
 * The literals are ASCII by construction, so that a compiled `validators.js` is ASCII (the
 * comments too, see {@link asciiComments}): node decodes a module with one non-ASCII byte into a
 * two-byte string, which its loader and V8's scanner read more slowly than a one-byte one (issue 15:
 * about 1.3 ms of `regel validate` of the bundled example).
 *
 * @module
 */

import { escapeInvisible } from "../dsl/bidi.js";

/** Re-exported: the emitters escape generated text with it. */
export { escapeInvisible };

const CODE = Symbol("code");

/** A piece of generated TypeScript. Only this module can make one from raw text. */
export interface Code {
  readonly [CODE]: string;
}

function make(text: string): Code {
  return { [CODE]: text };
}

/** The text of a fragment. */
export function text(code: Code): string {
  return code[CODE];
}

export function isCode(value: unknown): value is Code {
  return typeof value === "object" && value !== null && CODE in value;
}

/** What may be interpolated into {@link ts}. */
export type Interpolation =
  Code | string | number | bigint | boolean | undefined | null;

const NON_ASCII = /[^\x00-\x7f]/g;

/** `\uXXXX` of one UTF-16 code unit (four lower-case hex digits, as JSON.stringify writes them). */
function unitEscape(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * `value` with every non-ASCII UTF-16 code unit written as `\uXXXX` (an astral character as its
 * two surrogates). In JSON text and inside a JavaScript string literal the escape means the same
 * code unit; in a comment it is only text. Not for other JavaScript text: a backslash before a
 * non-ASCII character, a tagged template's raw strings, a regular expression with the `u` flag.
 */
export function escapeNonAscii(value: string): string {
  NON_ASCII.lastIndex = 0;
  return NON_ASCII.test(value) ? value.replace(NON_ASCII, unitEscape) : value;
}

/**
 * A string as a TypeScript string literal: JSON-quoted, with every non-ASCII character escaped
 * too (`\uXXXX`, the same value), so the literal is ASCII: U+2028, U+2029 and the bidirectional
 * control characters (see {@link escapeInvisible}) included; and DEL (U+007F), which JSON leaves
 * as it is, so that the literal is printable ASCII.
 */
export function quote(value: string): string {
  return escapeNonAscii(JSON.stringify(value)).replaceAll("\x7f", "\\u007f");
}

/** Any value as a literal fragment. Plain data only (JSON-like plus bigint and undefined). */
export function lit(value: unknown): Code {
  return make(literalText(value));
}

function literalText(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return quote(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value))
        throw new Error(`cannot emit non-finite number ${value}`);
      return Object.is(value, -0) ? "0" : String(value);
    case "bigint":
      return `${value}n`;
    case "object": {
      if (isCode(value)) return value[CODE];
      if (Array.isArray(value)) return `[${value.map(literalText).join(", ")}]`;
      const parts = Object.entries(value as Record<string, unknown>).map(
        ([k, v]) => `${propertyKey(k)}: ${literalText(v)}`,
      );
      return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
    }
    default:
      throw new Error(`cannot emit a ${typeof value} as a literal`);
  }
}

/**
 * Plain JSON data as `JSON.parse("…")`: V8 parses a large table faster as JSON text than as an
 * object literal (the 180 KB trace table of ikb.glo imports about 1.5 ms faster, issue 15).
 * Properties whose value is undefined are left out, as JSON leaves them out; values JSON cannot
 * carry (bigint, non-finite numbers) are refused. The JSON text is ASCII (other characters as
 * JSON's `\uXXXX` escapes), so the string that JSON.parse reads is a one-byte string too.
 */
export function jsonLit(value: unknown): Code {
  // refuses a non-finite number (JSON.stringify would write null) and other non-data
  literalText(value);
  return make(`JSON.parse(${quote(escapeNonAscii(JSON.stringify(value)))})`);
}

/**
 * Plain data as a literal laid out over lines (two-space indentation, trailing commas), so that
 * large data tables can be marked `// prettier-ignore` and need no formatting pass. Values that
 * fit in `width` columns stay on one line.
 */
export function prettyLit(value: unknown, indent = 0, width = 100): Code {
  return make(prettyText(value, indent, width));
}

function prettyText(value: unknown, indent: number, width: number): string {
  const inline = literalText(value);
  if (
    indent + inline.length <= width ||
    typeof value !== "object" ||
    value === null ||
    isCode(value)
  )
    return inline;
  const pad = " ".repeat(indent + 2);
  const end = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${pad}${prettyText(v, indent + 2, width)},`).join("\n")}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${pad}${propertyKey(k)}: ${prettyText(v, indent + 2, width)},`).join("\n")}\n${end}}`;
}

/** An object-literal key: a bare identifier when safe, otherwise a quoted string. `__proto__` is always refused. */
export function propertyKey(name: string): string {
  if (name === "__proto__")
    throw new Error("`__proto__` cannot be used as a property name");
  return IDENT.test(name) ? name : quote(name);
}

/** A property key fragment (see {@link propertyKey}). */
export function key(name: string): Code {
  return make(propertyKey(name));
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Words that may not be used as binding names in strict-mode ES modules / TypeScript. */
export const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined NaN " +
    "Infinity any boolean number string symbol bigint object never unknown type declare namespace module"
  ).split(" "),
);

/** True when `name` is a plain identifier that is safe as a binding or type name. */
export function isSafeIdentifier(name: string): boolean {
  return IDENT.test(name) && !RESERVED.has(name) && name !== "__proto__";
}

/** An identifier fragment. Throws unless `name` is a plain, non-reserved identifier. */
export function id(name: string): Code {
  if (!isSafeIdentifier(name))
    throw new Error(`unsafe identifier ${JSON.stringify(name)}`);
  return make(name);
}

/** A property access `obj.name` (or `obj["name"]` when `name` is not a plain identifier). */
export function prop(obj: Code, name: string): Code {
  if (name === "__proto__")
    throw new Error("`__proto__` cannot be used as a property name");
  return make(
    IDENT.test(name) ? `${obj[CODE]}.${name}` : `${obj[CODE]}[${quote(name)}]`,
  );
}

/**
 * The tagged template: literal parts are trusted compiler text; interpolations are spliced when
 * they are {@link Code} and turned into literals otherwise.
 */
export function ts(
  strings: TemplateStringsArray,
  ...values: Interpolation[]
): Code {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    out += literalText(values[i]) + strings[i + 1];
  }
  return make(out);
}

/** Join fragments with a separator (trusted compiler text). */
export function join(parts: readonly Code[], separator: string): Code {
  return make(parts.map((p) => p[CODE]).join(separator));
}

/**
 * A TSDoc comment. Each line of `lines` may come from a ruleset: `*\/` is defused, line
 * terminators (including U+2028/U+2029) split lines, so the text can never close the comment.
 */
export function doc(lines: readonly string[]): Code {
  const out: string[] = [];
  for (const line of lines) {
    for (const part of line.split(/\r\n|\r|\n|\u2028|\u2029/))
      out.push(escapeDocText(part));
  }
  if (out.length === 0) return make("");
  return make(
    `/**\n${out.map((l) => (l === "" ? " *" : ` * ${l}`)).join("\n")}\n */\n`,
  );
}

/**
 * An inline block comment (`/* text *\/`), e.g. to mark which rule a part of an expression checks.
 * The text may come from a ruleset: it is defused like {@link doc} text and kept on one line.
 */
export function comment(textValue: string): Code {
  return make(
    `/* ${escapeDocText(textValue.replace(/[\r\n\u2028\u2029]+/g, " "))} */`,
  );
}

/**
 * Defuse comment terminators and tag-like text in comment lines; bidirectional control characters
 * are written as `\uXXXX` (in a comment that is only text, but the code around it displays as it runs).
 */
export function escapeDocText(line: string): string {
  return escapeInvisible(
    line.replace(/\*\//g, "*\\/").replace(/\/\*/g, "/\\*"),
  );
}

/** A raw numeric literal, checked to be digits only (for exact integer text from the ruleset). */
export function digits(textValue: string, suffix: "" | "n" = ""): Code {
  if (!/^[0-9]+$/.test(textValue))
    throw new Error(`not a digit string: ${JSON.stringify(textValue)}`);
  return make(textValue.replace(/^0+(?=[0-9])/, "") + suffix);
}
