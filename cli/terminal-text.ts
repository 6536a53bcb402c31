/**
 * Text made safe for a terminal. What the CLI prints holds text from users (`--bank`, paths),
 * rulesets and data files; an escape sequence in it (ESC[2J clears the screen, ESC]0;…BEL sets the
 * window title, a CR overwrites the line, a bidirectional control reorders it) would act on the
 * terminal instead of being shown. Every command prints through {@link printOut} /
 * {@link printErr}, which show such characters as `\uXXXX` escapes.
 *
 * The escape is the JSON one, and these characters can only stand inside string literals of JSON
 * text, so `--json` output stays valid JSON with the same values.
 *
 * @module
 */
import { BIDI_CLASS } from "../dsl/bidi.js";

/**
 * C0 controls but tab and line feed, DEL, C1 controls (U+009B is a one-character CSI), the line
 * and paragraph separators and the bidirectional controls.
 */
const UNSAFE = new RegExp(
  `[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CLASS}]`,
  "g",
);

/** `text` with every character that acts on a terminal written as a `\uXXXX` escape. */
export function terminalSafe(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  return text.replace(
    UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Print to stdout, made safe for a terminal. */
export function printOut(text: string): void {
  process.stdout.write(terminalSafe(text));
}

/** Print to stderr, made safe for a terminal. */
export function printErr(text: string): void {
  process.stderr.write(terminalSafe(text));
}
