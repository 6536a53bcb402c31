/**
 * Whether an IKB key names an IKB: the one test of the validate pass, the joined checks and the
 * previous delivery, so that they agree on which rows have no key (docs/report.md, "Rows without
 * an IKB key").
 *
 * @module
 */

/** C0 controls, DEL and C1 controls: no depositor's key holds one, and none can be seen. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A character that shows nothing: Unicode White_Space, a Default_Ignorable_Code_Point (the
 * zero-width characters, U+FEFF, the soft hyphen, the invisible operators U+2061–U+2064, the
 * Mongolian vowel separator, the Hangul fillers, variation selectors, tags) and the Braille blank
 * U+2800, which is drawn as an empty cell. A key made only of them looks empty in every viewer.
 */
const INVISIBLE =
  /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u115f\u1160\u2800\u3164\uffa0]$/u;

/**
 * True when `key` names no IKB: empty, made only of invisible characters (white space,
 * default-ignorable ones, the Braille blank), or holding a control character (C0, DEL, C1). Such
 * a row is one without an IKB key.
 */
export function unusableIkbKey(key: string): boolean {
  // once per IKB on the validate pass: a loop over the codes, where one regular expression for
  // both tests (tried) cost a 1 M delivery about 0.15 s
  let visible = false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
    if (visible || c === 0x20) continue;
    if (c < 0x7f) visible = true;
    else {
      // a whole code point: the tags and variation selectors beyond U+FFFF are invisible too
      const point = String.fromCodePoint(key.codePointAt(i)!);
      if (!INVISIBLE.test(point)) visible = true;
      i += point.length - 1;
    }
  }
  return !visible;
}

/**
 * Why {@link unusableIkbKey} holds for `key`, as the end of a sentence about the key column
 * ("is empty", "holds the control character U+0000"); undefined for a usable key.
 */
export function ikbKeyDefect(key: string): string | undefined {
  if (!unusableIkbKey(key)) return undefined;
  if (key === "") return "is empty";
  const control = CONTROL.exec(key);
  if (control) return `holds the control character ${codePoint(control[0])}`;
  if (key.trim() === "") return "is white space only";
  // only invisible characters; the first that is not white space is the one to name
  const invisible = [...key].find((c) => c.trim() !== "")!;
  return `is only invisible characters: ${codePoint(invisible)}`;
}

/** `U+0000` for a character. */
function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Whether a row's IKB key `key` is the header's `headerKey` again: the header row repeated, as when
 * files are joined; with the byte order mark a joined file's header starts with, when the key is
 * the first column (`cat` of two files written with one).
 */
export function repeatsHeader(key: string, headerKey: string): boolean {
  return (
    key === headerKey ||
    (key.charCodeAt(0) === 0xfeff && key.slice(1) === headerKey)
  );
}

/**
 * The message of `input.repeated-header`: a row of a CSV file whose IKB key is the IKB key
 * column's own name (`ikb_id`) is the header row again, as when two files are joined into one.
 * Only the key is compared: the scan reads no other cell of every row.
 */
export function repeatedHeaderMessage(column: string, read = true): string {
  return `the row repeats the header (its IKB key is the column name ${JSON.stringify(column)}), as when files are joined: ${read ? "it is read as a record of an IKB of that name" : "it is not read"}`;
}
