/**
 * The bidirectional control characters of "trojan source" (CVE-2021-42574): invisible characters
 * that make a text display in another order than it is stored, so that what a reader sees is not
 * what a program reads. The lexer warns about them (REG104), the code emitter and the catalogue
 * escape them ({@link escapeInvisible}), `regel fmt` writes them as `\u{...}` escapes
 * ({@link isInvisibleInText}), and the CLI shows them escaped on a terminal.
 *
 * @module
 */

/** Each bidirectional control character with its Unicode name. */
export const BIDI_CONTROLS: ReadonlyMap<number, string> = new Map([
  [0x061c, "ARABIC LETTER MARK"],
  [0x200e, "LEFT-TO-RIGHT MARK"],
  [0x200f, "RIGHT-TO-LEFT MARK"],
  [0x202a, "LEFT-TO-RIGHT EMBEDDING"],
  [0x202b, "RIGHT-TO-LEFT EMBEDDING"],
  [0x202c, "POP DIRECTIONAL FORMATTING"],
  [0x202d, "LEFT-TO-RIGHT OVERRIDE"],
  [0x202e, "RIGHT-TO-LEFT OVERRIDE"],
  [0x2066, "LEFT-TO-RIGHT ISOLATE"],
  [0x2067, "RIGHT-TO-LEFT ISOLATE"],
  [0x2068, "FIRST STRONG ISOLATE"],
  [0x2069, "POP DIRECTIONAL ISOLATE"],
]);

/** A character class matching one bidirectional control character (for building regexes). */
export const BIDI_CLASS = "\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069";

/** Matches every bidirectional control character (global: reset `lastIndex` or use `replace`). */
export const BIDI_RE = new RegExp(`[${BIDI_CLASS}]`, "g");

/** Whether `text` holds a bidirectional control character. */
export function hasBidiControl(text: string): boolean {
  BIDI_RE.lastIndex = 0;
  return BIDI_RE.test(text);
}

/** Controls, format characters, line and paragraph separators, white space, lone surrogates. */
const INVISIBLE_CATEGORY = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Cs}]/u;

/**
 * Whether a quoted text of a `.regel` file must hold the code point `cp` as a `\u{...}` escape
 * because an editor would not show it: every bidirectional control character (REG104) and every
 * other control or format character (zero-width space, byte-order mark, soft hyphen), line and
 * paragraph separator, white space other than the plain space, and lone surrogate.
 */
export function isInvisibleInText(cp: number): boolean {
  if (cp >= 0x20 && cp < 0x7f) return false; // printable ASCII and the space: the common case
  return (
    BIDI_CONTROLS.has(cp) || INVISIBLE_CATEGORY.test(String.fromCodePoint(cp))
  );
}

/** `U+202E (RIGHT-TO-LEFT OVERRIDE)`: how a message names such a character. */
export function describeCodePoint(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  const name = BIDI_CONTROLS.get(cp);
  return name === undefined ? `U+${hex}` : `U+${hex} (${name})`;
}

const INVISIBLE = new RegExp(`[\\u2028\\u2029${BIDI_CLASS}]`, "g");

/**
 * JSON or JavaScript text with U+2028 and U+2029 (line terminators in older JS grammars; they
 * break `//` comments) and the bidirectional control characters of "trojan source" (they make
 * code display in another order than it runs) written as `\uXXXX` escapes. These characters can
 * only stand inside string literals of such text, where the escape means the same character.
 */
export function escapeInvisible(textValue: string): string {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(textValue)) return textValue;
  return textValue.replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
