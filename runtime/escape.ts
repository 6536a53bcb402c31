/**
 * Escaping for the HTML and CSV reports. The HTML pages use these only through the `html` tagged
 * template (runtime/html.ts), which applies {@link escapeHtml} to every value it is given.
 *
 * @module
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * The bidirectional control characters of "trojan source" (the list of dsl/bidi.ts; the runtime
 * does not import the language front end, a test keeps the two equal).
 */
export const BIDI_CONTROL_CLASS =
  "\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069";

/**
 * Characters a reader cannot see but that change what a page shows: C0 controls but tab and line
 * feed, DEL, C1 controls, the line and paragraph separators and the bidirectional controls (they
 * make a value display in another order than it is stored). The same set the CLI escapes on a
 * terminal (cli/terminal-text.ts).
 */
const INVISIBLE_CLASS = `\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROL_CLASS}`;
const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, "g");

/** `text` with every invisible control character (see above) written as a visible `\uXXXX`. */
export function showInvisible(text: string): string {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(text)) return text;
  return text.replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * `line` as one line of a text made of lines (the terminal summary, `regel trace`, `regel
 * explain`): a line feed in a value (a file's name, a rule's title) written as `\u000a`, so that it
 * cannot start a line that reads as the text's own ("status: ACCEPTED"). The terminal shows the
 * other controls.
 */
export function oneLine(line: string): string {
  return line.includes("\n") ? line.replaceAll("\n", "\\u000a") : line;
}

// The regular expressions of this module are made once: a literal in a function body makes a new
// RegExp object at every call (56 bytes of young garbage each, thousands per report). The global
// ones serve only `replace`, which starts at lastIndex 0 and leaves it there.
const MARKUP = /[&<>"'`]/g;
const NOT_ID = /[^A-Za-z0-9_.-]/g;
const HTTP_URL = /^https?:\/\/[^\s"'<>`\\]+$/i;
const ANY_INVISIBLE = new RegExp(INVISIBLE.source);
const PLAIN_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const CSV_SPECIAL = /[",\r\n]/;
const QUOTE = /"/g;

/** Any character {@link escapeHtml} changes: a markup character or an invisible one. */
const HTML_SPECIAL = new RegExp(`[&<>"'\`${INVISIBLE_CLASS}]`);

/**
 * Escape text for HTML element content and quoted attribute values: markup characters become
 * character references and invisible control characters a visible `\uXXXX`.
 */
export function escapeHtml(value: unknown): string {
  // most values of a report page need nothing: one search instead of two passes over each
  if (typeof value === "string" && !HTML_SPECIAL.test(value)) return value;
  return showInvisible(String(value ?? "")).replace(
    MARKUP,
    (c) => HTML_ESCAPES[c],
  );
}

/** An `id` attribute value made only of safe characters. */
export function htmlId(prefix: string, name: string): string {
  return `${prefix}-${name.replace(NOT_ID, "_")}`;
}

/**
 * Only http(s) URLs become links; anything else (javascript:, data:, a relative path) is not
 * linked. The URL must parse, carry no user name or password (`https://dnb.nl@evil.example/`)
 * and hold no space, quote, angle bracket, backslash or invisible control character; it is
 * returned normalised (WHATWG URL: host in ASCII, non-ASCII path percent-encoded).
 */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (!url || !HTTP_URL.test(url)) return undefined;
  if (ANY_INVISIBLE.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    return undefined;
  if (parsed.username !== "" || parsed.password !== "") return undefined;
  return parsed.href;
}

/**
 * Neutralise a cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
 * carriage return) by prefixing a single quote. Plain numbers such as `-12.50` stay as they are.
 */
export function neutraliseFormula(value: string): string {
  if (PLAIN_NUMBER.test(value)) return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * One CSV cell: invisible control characters written as a visible `\uXXXX` (as in the HTML page
 * and on the terminal: a NUL or an escape sequence of the delivery never reaches a sample file
 * raw), then formula-neutralised, then quoted when needed (RFC 4180).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const v = neutraliseFormula(showInvisible(String(value)));
  return CSV_SPECIAL.test(v) ? `"${v.replace(QUOTE, '""')}"` : v;
}

/** A CSV line (CRLF-terminated) from cells. */
export function csvLine(
  cells: readonly (string | number | null | undefined)[],
): string {
  return cells.map(csvCell).join(",") + "\r\n";
}
