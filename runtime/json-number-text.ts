/**
 * What `JSON.parse` does not say of a JSON object line: the source text of its numbers, and a
 * member name given twice. `JSON.parse` turns a number into a double (`100.000000000000001`
 * becomes `100`, `-0` becomes `0`), and Node 20 gives a reviver no source text, so the readers of
 * JSON input (NDJSON, the quarterly figures) take each number's text from the JSON itself: no value
 * is ever a floating-point number (docs/language.md).
 *
 * @module
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * The source text of every number that is a member value of the outermost object of `json`, by
 * member name (`{"a": 1e3, "b": {"c": 2}}` gives `a` → `1e3`; numbers in nested values and in
 * strings are not members). A name given twice keeps its last value, as `JSON.parse` does.
 *
 * @param json - text that `JSON.parse` has accepted as an object; other text gives no useful map.
 */
export function memberNumberTexts(json: string): Map<string, string> {
  const texts = new Map<string, string>();
  // where the current member's name is, quotes included: most members are not numbers, so a
  // name is only sliced out for one that is
  let nameStart = 0;
  let nameEnd = 0;
  walkMembers(
    json,
    (start, end) => {
      nameStart = start;
      nameEnd = end;
      return false;
    },
    (start, end) =>
      texts.set(nameAt(json, nameStart, nameEnd), json.slice(start, end)),
  );
  return texts;
}

/**
 * The first member name of the outermost object of `json` that occurs twice, decoded; undefined
 * when every name occurs once. `JSON.parse` keeps the last value of such a name without a word,
 * so a reader would take one of two values silently.
 *
 * @param json - text that `JSON.parse` has accepted as an object.
 */
export function repeatedMemberName(json: string): string | undefined {
  const names = new Set<string>();
  let repeated: string | undefined;
  walkMembers(json, (start, end) => {
    const name = nameAt(json, start, end);
    if (names.has(name)) repeated = name;
    names.add(name);
    return repeated !== undefined;
  });
  return repeated;
}

/**
 * Walk the members of the outermost object of `json`, stepping over strings and nested values:
 * `onName(start, end)` for each member's name (its quotes at `start` and `end - 1`; the walk ends
 * when it returns true), `onNumber(start, end)` for a number that is a member's value.
 */
function walkMembers(
  json: string,
  onName: (start: number, end: number) => boolean,
  onNumber?: (start: number, end: number) => void,
): void {
  let depth = 0;
  let expectingName = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(json, i);
      if (depth === 1 && expectingName) {
        expectingName = false;
        if (onName(i, end + 1)) return;
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth === 1) expectingName = true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA) {
      if (depth === 1) expectingName = true;
    } else if (
      onNumber !== undefined &&
      depth === 1 &&
      (c === MINUS || (c >= ZERO && c <= NINE))
    ) {
      // names are strings, so a number at the outermost level is a member's value
      let end = i + 1;
      while (end < json.length && isNumberChar(json.charCodeAt(end))) end++;
      onNumber(i, end);
      i = end - 1;
    }
  }
}

/** The member name whose quotes are at `start` and `end - 1`, its escapes decoded. */
function nameAt(json: string, start: number, end: number): string {
  const raw = json.slice(start + 1, end - 1);
  return raw.includes("\\")
    ? (JSON.parse(json.slice(start, end)) as string)
    : raw;
}

/** The index of the quote that closes the string opening at `open`. */
function closingQuote(json: string, open: number): number {
  let quote = json.indexOf('"', open + 1);
  while (quote > 0) {
    // a quote after an odd number of backslashes is escaped
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === BACKSLASH)
      backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = json.indexOf('"', quote + 1);
  }
  return json.length;
}

/** A character that can follow the first one of a JSON number (digits, `.`, `e`, signs). */
function isNumberChar(c: number): boolean {
  return (
    (c >= ZERO && c <= NINE) ||
    c === DOT ||
    c === 0x65 /* e */ ||
    c === 0x45 /* E */ ||
    c === PLUS ||
    c === MINUS
  );
}
