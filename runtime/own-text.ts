/**
 * Strings kept past the read of the piece they were cut from. A cell the readers make is a slice
 * of its piece's text (runtime/csv-bytes.ts: 32 KiB of a delivery and of T−1's sort runs, 8 KiB
 * of the delivery's own), and V8 makes a slice of 13 characters or more as a view of that text:
 * keeping the cell keeps the whole piece. IKB keys of 13 characters or more (`NL` and a bank's
 * number) kept in a sort run, as a duplicate's first sighting, as a whole-file check's value, as
 * the last key before a record boundary of the scan or at the end of each piece of a range kept
 * every piece they came from: bench/results.md, "Cells kept past their piece".
 *
 * @module
 */

/** The shortest string V8 makes as a view of its source (`SlicedString::kMinLength`). */
const SLICE_MIN = 13;

/** `text` in a string that shares no memory with the text it was cut from. */
export function ownText(text: string): string {
  if (text.length < SLICE_MIN) return text;
  // joined, its halves are copied into one new flat string. (A slice of a copy would be a view
  // again, of the copy: V8 compares views in its runtime, about 30 ns against 4 for flat strings
  // of 17 characters in a micro-benchmark.)
  const half = text.length >> 1;
  return [text.slice(0, half), text.slice(half)].join("");
}
