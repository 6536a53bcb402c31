/**
 * The text of a `.regel` file from its bytes. Rulesets are UTF-8; a file saved in another encoding
 * (`"André"` in Latin-1 holds the byte 0xE9, which is not UTF-8) is an error with the line and
 * column of each bad byte (REG105), never silently turned into U+FFFD — `regel fmt` would then
 * write the replacement character back and the original byte would be lost.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import { error, type Diagnostic } from "./diagnostics.js";

/** Lines reported per file; a file in another encoding usually has the same problem everywhere. */
const MAX_REPORTED_LINES = 10;

/** Result of {@link decodeSource}. */
export interface SourceText {
  /** The text; each invalid byte sequence is U+FFFD (only for showing code frames). */
  text: string;
  /** REG105 for the first invalid byte of each line (at most 10 lines); empty for valid UTF-8. */
  diagnostics: Diagnostic[];
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not UTF-8. */
function sequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i];
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f; // no surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return 0;
  for (let k = 1; k <= need; k++) {
    const c = b[i + k];
    if (c === undefined) return 0;
    if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return 0;
  }
  return need + 1;
}

/**
 * Decode a `.regel` file. Valid UTF-8 (with or without a BOM) decodes exactly as Node's `utf8`
 * does; otherwise every line with an invalid byte gets a REG105 error at that byte, with the
 * line and column the rest of the tool chain uses (UTF-16 code units of the decoded line, 1-based).
 */
export function decodeSource(bytes: Uint8Array, file: string): SourceText {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return { text: buffer.toString("utf8"), diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  let text = "";
  let line = 1;
  let lineStart = 0; // offset in `text` where the current line starts
  let reportedLine = 0;
  let from = 0; // start of the pending run of valid bytes
  const flush = (to: number): void => {
    const piece = buffer.toString("utf8", from, to);
    for (let k = 0; k < piece.length; k++) {
      const c = piece.charCodeAt(k);
      if (c === 10 || (c === 13 && piece.charCodeAt(k + 1) !== 10)) {
        line++;
        lineStart = text.length + k + 1;
      }
    }
    text += piece;
  };
  let moreLines = 0;
  let i = 0;
  while (i < buffer.length) {
    const n = sequenceLength(buffer, i);
    if (n > 0) {
      i += n;
      continue;
    }
    flush(i);
    if (line !== reportedLine) {
      reportedLine = line;
      if (diagnostics.length === MAX_REPORTED_LINES) moreLines++;
      else {
        const offset = text.length;
        const column = offset - lineStart + 1;
        const hex = buffer[i].toString(16).toUpperCase().padStart(2, "0");
        diagnostics.push(
          error(
            "REG105",
            `this file is not valid UTF-8: the byte 0x${hex} here is not part of a UTF-8 character; save the file as UTF-8 (it was probably saved as Latin-1 or Windows-1252)`,
            {
              file,
              start: { offset, line, column },
              end: { offset: offset + 1, line, column: column + 1 },
            },
          ),
        );
      }
    }
    text += "\uFFFD";
    i++;
    from = i;
  }
  flush(buffer.length);
  if (moreLines > 0)
    diagnostics[diagnostics.length - 1].notes = [
      `${moreLines} more line${moreLines === 1 ? "" : "s"} of this file ${moreLines === 1 ? "has" : "have"} bytes that are not UTF-8`,
    ];
  return { text, diagnostics };
}
