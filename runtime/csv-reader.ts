/**
 * A streaming RFC 4180 CSV reader that accounts for every line.
 *
 * Why not csv-parse: measured with csv-parse 6.2.1, `info.lines` counts a CRLF inside a quoted
 * field as two lines, and with `skip_records_with_error` an invalid closing quote or an oversized
 * record swallows every following row of the file. A delivery report must name the right line and
 * must never lose rows silently, so the tokenizer is written here (one small state machine).
 *
 * Accepts UTF-8 with or without BOM, LF / CRLF / CR line ends, quoted fields with `""` escapes and
 * embedded line breaks. Problems (invalid closing quote, unclosed quote, invalid UTF-8, and the
 * limits: a field longer than {@link LIMITS}.maxFieldLength characters, a record of more than
 * `maxFields` fields or `maxRecordLength` characters) reject that one record with its line number
 * (and the column, where there is one) and reading continues with the next record. What is over a
 * limit is read past, never kept, so memory stays bounded whatever the input.
 *
 * @module
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { isUtf8 } from "node:buffer";
import { createRequire } from "node:module";
import { ByteCsvTokenizer, byteTokenizerFits } from "./csv-bytes.js";
import { emptyObjectArray } from "./object-arrays.js";

/** One record of a CSV file with the (1-based) line it starts on. */
export interface CsvRow {
  cells: string[];
  line: number;
  /**
   * The record's text, its cells joined by `,`, when the read asked for it
   * ({@link CsvProjection.records}) and the record is a plain line (no quote, no CR); the cells
   * the projection drops are then `""`.
   */
  text?: string;
}

/** Why a record could not be read. */
export type CsvProblemCode =
  | "invalid-closing-quote"
  | "unclosed-quote"
  | "field-too-large"
  | "record-too-large"
  | "too-many-fields"
  | "invalid-utf8"
  /** A byte that the file's declared single-byte encoding does not define (windows-1252). */
  | "invalid-encoding"
  /** NDJSON input only: a line that is not a JSON object of scalar values. */
  | "invalid-json"
  /** A file of record types: a record whose type code (first field) no entity declares. */
  | "unknown-record-type";

/** A record rejected by the reader. */
export interface CsvProblem {
  code: CsvProblemCode;
  line: number;
  message: string;
}

export type CsvEvent =
  ({ kind: "row" } & CsvRow) | ({ kind: "problem" } & CsvProblem);

/**
 * What a problem's message adds when its record runs on for `below` lines past its first: the
 * bad quote's place and the lines read as the record (none for a record of one line).
 */
function linesTaken(below: number): string {
  if (below <= 0) return "";
  const lines = (n: number) =>
    `${n.toLocaleString("en")} line${n === 1 ? "" : "s"}`;
  return ` ${lines(below)} below the record's first line: a quoted field ran on over them, so ${lines(below + 1)} are read as this one record`;
}

/**
 * The default limits of a record. No field of the shipped data models holds more than 200
 * characters; 10,000 leaves room and keeps a report's 1,000 samples per rule small (a 1 MB value
 * in 596 rows once made the JSON report longer than a JavaScript string can be). A record may
 * hold 10,000 fields and 1,000,000 characters of field text (one row followed by 180 million
 * commas once ended in a fatal out-of-memory error).
 */
export const LIMITS = {
  maxFieldLength: 10_000,
  maxFields: 10_000,
  maxRecordLength: 1_000_000,
} as const;

/** The encodings a file may declare (docs/language.md, "File dialects"). */
export type CsvEncoding = "utf-8" | "iso-8859-1" | "windows-1252";

/** How an encoding is named in messages. */
const ENCODING_NAMES: Record<CsvEncoding, string> = {
  "utf-8": "UTF-8",
  "iso-8859-1": "ISO-8859-1",
  "windows-1252": "Windows-1252",
};

export interface CsvReaderOptions {
  /** The field separator, one character (default `,`). */
  delimiter?: string;
  /** The quote character (default `"`); `null`: fields are never quoted. */
  quote?: string | null;
  /** How the bytes are decoded (default UTF-8); never guessed. */
  encoding?: CsvEncoding;
  /**
   * The column names of a file without a header row, to name columns in problems (otherwise the
   * first record names them).
   */
  columns?: readonly string[];
  /** Longest field accepted, in UTF-16 code units (default {@link LIMITS}). Longer fields reject the record. */
  maxFieldLength?: number;
  /** Most fields a record may have (default {@link LIMITS}). */
  maxFields?: number;
  /** Most characters of field text a record may have, all fields together (default {@link LIMITS}). */
  maxRecordLength?: number;
  /** Called with the number of bytes consumed, for progress reporting. */
  onBytes?: (n: number) => void;
  /**
   * Called once every byte was pushed, before the end flushes the record still open (a read to
   * the end only): the state after the last piece, which {@link CsvReaderOptions.resumePoint}
   * no longer gives after that flush.
   */
  onInputEnd?: () => void;
  /** Cells to materialize; the consumer may set it once it has read the header (see {@link CsvProjection}). */
  projection?: CsvProjection;
  /** Called with every chunk of bytes as read, in order (e.g. to hash the input while reading it). */
  onChunk?: (chunk: Uint8Array) => void;
  /**
   * Which tokenizer reads UTF-8 bytes: `bytes` (runtime/csv-bytes.ts) or `text` (decode, then
   * {@link CsvTokenizer}); both give the same events. Default {@link DEFAULT_TOKENIZER}.
   */
  tokenizer?: "bytes" | "text";
  /**
   * The byte tokenizer splits runs of lines without quotes or CR with native `split`
   * (runtime/csv-bytes.ts, `ByteTokenizerOptions.splitLines`): the same events, faster on a small
   * delivery read once in a short run (runtime/read-replay.ts). Default false.
   */
  splitLines?: boolean;
  /**
   * Start at a record boundary inside the file, recorded by an earlier read in
   * {@link CsvReaderOptions.resumePoint}
   * (byte tokenizer only: the UTF-8 dialects of {@link byteTokenizerFits}).
   */
  start?: { offset: number; line: number };
  /**
   * Stop at this byte offset of the file (exclusive), without flushing the record still open
   * there (byte tokenizer only): a read of the range [start, end) of a file, by a worker of the
   * parallel scan (runtime/parallel-scan.ts). The range ended exactly on a record boundary with
   * nothing pending when {@link CsvReaderOptions.resumePoint} ends at `offset === end`.
   */
  end?: number;
  /**
   * Kept up to date while reading: before each batch is handed out, where a later read could
   * start ({@link CsvReaderOptions.start}) to read exactly the records after that batch;
   * `offset` is −1 while there is no such place (byte tokenizer only), and after the batch the
   * end of a read flushes (the last record without its line end, or whose quote is never closed):
   * the read is over.
   */
  resumePoint?: { offset: number; line: number };
}

/** The tokenizer of UTF-8 input (see bench/results.md, "Byte tokenizer", for the measurement). */
export const DEFAULT_TOKENIZER: "bytes" | "text" = "bytes";

/**
 * Which cells of a record the consumer needs. When `keep` is set, a cell whose column is not
 * marked in it arrives as `""` (never sliced out of the text, so never allocated); records,
 * lines, cell counts and problems are exactly those of a full read. Set it only after the
 * header has been received: the header and every record tokenized before are read in full.
 * Change it by setting a new array, not by writing into the one set (the byte tokenizer keeps
 * the last column an array keeps, per array).
 */
export interface CsvProjection {
  keep?: Uint8Array;
  /**
   * Give a record's text with it where the byte tokenizer reads it as a plain line of a file
   * separated by `,` and quoted by `"` (`CsvRow.text`; a line with a UTF-16 surrogate has none):
   * then, and only then, `keep` applies; every other record has all its cells. The external sort
   * writes that text as it is (runtime/run-format.ts) instead of joining the cells again.
   */
  records?: boolean;
}

/**
 * Marks an invalid byte in decoded text (a noncharacter: never legitimate data). A record whose
 * text holds it, marked or written as such (UTF-8 bytes EF BF BF), is rejected: after decoding
 * the two cannot be told apart, so a U+FFFF in the input is read as invalid text, whatever the
 * projection and wherever the input is cut (docs/report.md, "Reading the delivery").
 */
export const INVALID = "\uFFFF";

const LF = 10;
const CR = 13;

const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/**
 * The message of a record rejected for its text: `subject` (a column, a key) holds bytes the
 * encoding does not define. In UTF-8 that includes the character U+FFFF, which is valid UTF-8:
 * decoding marks an invalid byte with it ({@link INVALID}), so a U+FFFF of the file cannot be told
 * from one, and the message says so rather than call valid bytes invalid.
 */
export function invalidTextMessage(
  subject: string,
  encoding: CsvEncoding = "utf-8",
): string {
  return encoding === "utf-8"
    ? `${subject} holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)`
    : `${subject} holds bytes that are not valid ${ENCODING_NAMES[encoding]}`;
}

/** `column "name"` (from the header), or `field 3` before the header is known. */
function columnName(header: readonly string[] | undefined, i: number): string {
  const name = header?.[i];
  return name === undefined || name === ""
    ? `field ${i + 1}`
    : `column ${JSON.stringify(name)}`;
}

/** Push-based tokenizer: feed strings with {@link CsvTokenizer.push}, then call {@link CsvTokenizer.end}. */
export class CsvTokenizer {
  private state = S.FieldStart;
  private cells: string[] = [];
  private field = "";
  /** Length of the current field, also when it is not materialized. */
  private fieldLen = 0;
  /** The index of the first field over the field limit in this record, -1 when none. */
  private tooLarge = -1;
  /** Characters of field text in this record, also when not materialized. */
  private recordLen = 0;
  /** Fields of this record beyond `maxFields` (counted, not kept). */
  private fieldsOver = 0;
  private line = 1;
  private recordLine = 1;
  private afterCR = false;
  /** The previous character inside a quoted field was CR (so a following LF is the same line end). */
  private quotedCR = false;
  private started = false;
  private problem: CsvProblem | undefined;
  private readonly maxField: number;
  private readonly maxFields: number;
  private readonly maxRecord: number;
  /** The first record read (the header), to name columns in problems. */
  private header: readonly string[] | undefined;
  /**
   * Where the next {@link INVALID} is in the text being pushed (its length: none), and the index
   * of the first field of this record holding one (−1: none). Every character of a field, kept
   * or dropped by the projection, passes {@link append}, which looks for it there: so whether a
   * record is rejected never depends on the projection or on where the input was cut.
   */
  private markAt = 0;
  private invalidField = -1;
  /** The field separator and the quote character (-1: none), as character codes. */
  private readonly comma: number;
  private readonly quote: number;
  /** Cells to materialize (none dropped in a read of records). */
  private readonly projection: CsvProjection | undefined;
  /** The encoding the bytes were decoded from, to name it when a byte is not valid in it. */
  private readonly encoding: CsvEncoding;

  constructor(
    private readonly emit: (e: CsvEvent) => void,
    maxFieldLength: number = LIMITS.maxFieldLength,
    projection?: CsvProjection,
    limits: {
      maxFields?: number;
      maxRecordLength?: number;
      delimiter?: string;
      quote?: string | null;
      encoding?: CsvEncoding;
      columns?: readonly string[];
    } = {},
  ) {
    // a read of records gives none from this tokenizer: every record has all its cells
    this.projection = projection?.records === true ? undefined : projection;
    this.header = limits.columns;
    this.comma = (limits.delimiter ?? ",").charCodeAt(0);
    this.quote =
      limits.quote === null ? -1 : (limits.quote ?? '"').charCodeAt(0);
    this.encoding = limits.encoding ?? "utf-8";
    this.maxField = maxFieldLength;
    this.maxFields = limits.maxFields ?? LIMITS.maxFields;
    this.maxRecord = limits.maxRecordLength ?? LIMITS.maxRecordLength;
  }

  push(text: string): void {
    const QUOTE = this.quote;
    const COMMA = this.comma;
    let i = 0;
    const n = text.length;
    if (!this.started && n > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    const mark = text.indexOf(INVALID);
    this.markAt = mark < 0 ? n : mark;
    // `from` marks the start of the pending slice of the current field within `text`.
    let from = i;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) {
          i++;
          from = i;
          continue;
        }
      }
      switch (this.state) {
        case S.FieldStart:
          if (c === QUOTE) {
            this.state = S.Quoted;
            from = i + 1;
          } else if (c === COMMA) {
            this.pushCell("");
            from = i + 1;
          } else if (c === LF || c === CR) {
            // a line end right after a comma closes an empty last field
            if (this.cells.length > 0) this.pushCell("");
            this.endRecord(c);
            from = i + 1;
          } else {
            this.state = S.Unquoted;
            from = i;
            continue; // this character is the first of the unquoted field
          }
          break;
        case S.Unquoted:
          // the bulk of the data: run to the end of the field without going round the switch
          while (c !== COMMA && c !== LF && c !== CR) {
            if (++i === n) break;
            c = text.charCodeAt(i);
          }
          if (i === n) continue;
          this.addField(text, from, i);
          if (c === COMMA) this.state = S.FieldStart;
          else this.endRecord(c);
          from = i + 1;
          // A bare quote inside an unquoted field is kept as a literal character.
          break;
        case S.Quoted: {
          let line = this.line;
          let quotedCR = this.quotedCR;
          while (c !== QUOTE) {
            if (c === CR) {
              line++;
              quotedCR = true;
            } else {
              if (c === LF && !quotedCR) line++;
              quotedCR = false;
            }
            if (++i === n) break;
            c = text.charCodeAt(i);
          }
          this.line = line;
          if (i === n) {
            this.quotedCR = quotedCR;
            continue;
          }
          this.append(text, from, i);
          this.state = S.QuoteInQuoted;
          this.quotedCR = false;
          break;
        }
        case S.QuoteInQuoted:
          if (c === QUOTE) {
            this.append(text, i, i + 1);
            this.state = S.Quoted;
            from = i + 1;
          } else if (c === COMMA) {
            this.addField(text, i, i);
            this.state = S.FieldStart;
            from = i + 1;
          } else if (c === LF || c === CR) {
            this.addField(text, i, i);
            this.endRecord(c);
            from = i + 1;
          } else {
            // at the line the record starts on, as every problem of a record; when a quoted field
            // carried it over lines (a stray quote takes the lines after it into its field), the
            // message says how many lines went into this one record: counted from the record's
            // first line, not as line numbers, which a range of a file split over threads only
            // learns when the ranges before it are merged (the problem's line is moved then)
            this.problem ??= {
              code: "invalid-closing-quote",
              line: this.recordLine,
              message:
                `${columnName(this.header, this.cells.length + this.fieldsOver)}: unexpected character ${JSON.stringify(String.fromCharCode(c))} after a closing quote` +
                linesTaken(this.line - this.recordLine),
            };
            // The record is rejected, but where it ends is read as usual: the rest of this field
            // as unquoted text, later fields quoted or not, so that a quoted line break further
            // on stays inside the record (one record, not two, and the lines stay right).
            this.state = S.Unquoted;
            from = i;
            continue;
          }
          break;
      }
      i++;
    }
    if (this.state === S.Unquoted || this.state === S.Quoted)
      this.append(text, from, n);
  }

  /**
   * Continue at the start of a record on `line` (the byte tokenizer, runtime/csv-bytes.ts, hands
   * over a record or the rest of its input).
   */
  resume(
    line: number,
    header: readonly string[] | undefined,
    afterCR: boolean,
    started: boolean,
  ): void {
    this.line = line;
    this.recordLine = line;
    this.header = header;
    this.afterCR = afterCR;
    this.started = started;
  }

  /**
   * Between records: the last one ended (its CR's LF too) and no field, quote or problem of the
   * next is open. The byte tokenizer may take the input over from here.
   */
  atRecordStart(): boolean {
    return (
      this.started &&
      this.state === S.FieldStart &&
      this.cells.length === 0 &&
      this.fieldLen === 0 &&
      !this.afterCR &&
      !this.quotedCR
    );
  }

  /** The line the next record starts on (at a record start: {@link atRecordStart}). */
  get nextLine(): number {
    return this.line;
  }

  /** Forget a CR that ended the last record (the byte tokenizer skips the LF after it itself). */
  clearAfterCR(): void {
    this.afterCR = false;
  }

  /** The first row read, or the declared columns (names columns in problems). */
  get knownHeader(): readonly string[] | undefined {
    return this.header;
  }

  /** Flush the last record. */
  end(): void {
    this.afterCR = false;
    if (this.state === S.Quoted) {
      this.problem = {
        code: "unclosed-quote",
        line: this.recordLine,
        message: `a quoted field opened in the record starting at line ${this.recordLine} is never closed`,
      };
      this.finish();
    } else if (this.state === S.Unquoted || this.state === S.QuoteInQuoted) {
      this.pushCell(this.tooLarge >= 0 ? "" : this.field);
      this.field = "";
      this.fieldLen = 0;
      this.finish();
    } else if (this.problem !== undefined || this.cells.length > 0) {
      if (this.state === S.FieldStart && this.cells.length > 0)
        this.cells.push("");
      this.finish();
    }
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    if (this.markAt < to) this.findInvalid(text, from, to);
    // counted before the projection, so that a projection never changes a problem
    this.recordLen += to - from;
    if (this.tooLarge >= 0) return;
    if (this.fieldLen + (to - from) > this.maxField) {
      this.tooLarge = this.cells.length + this.fieldsOver;
      this.field = "";
      return;
    }
    if (this.recordLen > this.maxRecord) {
      // over the record limit: keep no more text of this record (but count the field's length,
      // so that a field over its limit is found however the input was cut into chunks)
      this.fieldLen += to - from;
      this.field = "";
      return;
    }
    this.fieldLen += to - from;
    const keep = this.projection?.keep;
    // the first cell is always kept: a record of one empty cell is an empty line, not a record
    if (keep !== undefined) {
      const col = this.cells.length;
      if (col > 0 && (col >= keep.length || keep[col] === 0)) return;
    }
    this.field += text.slice(from, to);
  }

  /** Note a field holding {@link INVALID} in `text` from `from` to `to`, and find the next one. */
  private findInvalid(text: string, from: number, to: number): void {
    let at = this.markAt;
    // (a mark before the field is a separator: a dialect may choose U+FFFF)
    if (at < from) at = text.indexOf(INVALID, from);
    if (at >= 0 && at < to) {
      if (this.invalidField < 0)
        this.invalidField = this.cells.length + this.fieldsOver;
      at = text.indexOf(INVALID, to);
    }
    this.markAt = at < 0 ? text.length : at;
  }

  private addField(text: string, from: number, to: number): void {
    this.append(text, from, to);
    this.pushCell(this.field);
    this.field = "";
    this.fieldLen = 0;
  }

  /** Keep a field, up to `maxFields` per record; beyond that only count it. */
  private pushCell(value: string): void {
    if (this.cells.length < this.maxFields) this.cells.push(value);
    else this.fieldsOver++;
  }

  private endRecord(c: number): void {
    if (c === CR) this.afterCR = true;
    this.finish();
    this.line++;
    this.recordLine = this.line;
  }

  private finish(): void {
    const cells = this.cells;
    this.cells = [];
    this.state = S.FieldStart;
    const line = this.recordLine;
    const fields = cells.length + this.fieldsOver;
    const invalid = this.invalidField;
    if (this.problem) {
      this.emit({ kind: "problem", ...this.problem });
    } else if (this.tooLarge >= 0) {
      this.emit({
        kind: "problem",
        code: "field-too-large",
        line,
        message: `${columnName(this.header, this.tooLarge)} is longer than ${this.maxField.toLocaleString("en")} characters (the limit of a field); the record is not read`,
      });
    } else if (fields > this.maxFields) {
      this.emit({
        kind: "problem",
        code: "too-many-fields",
        line,
        message: `the record has ${fields.toLocaleString("en")} fields, more than ${this.maxFields.toLocaleString("en")} (the limit of a record); it is not read`,
      });
    } else if (this.recordLen > this.maxRecord) {
      this.emit({
        kind: "problem",
        code: "record-too-large",
        line,
        message: `the record holds ${this.recordLen.toLocaleString("en")} characters, more than ${this.maxRecord.toLocaleString("en")} (the limit of a record); it is not read`,
      });
    } else if (cells.length === 0 || (cells.length === 1 && cells[0] === "")) {
      // an empty line is not a record
    } else if (invalid >= 0) {
      this.emit({
        kind: "problem",
        code: this.encoding === "utf-8" ? "invalid-utf8" : "invalid-encoding",
        line,
        message: invalidTextMessage(
          columnName(this.header, invalid),
          this.encoding,
        ),
      });
    } else {
      this.header ??= cells.slice();
      this.emit({ kind: "row", cells, line });
    }
    this.problem = undefined;
    this.invalidField = -1;
    this.tooLarge = -1;
    this.recordLen = 0;
    this.fieldsOver = 0;
    this.field = "";
    this.fieldLen = 0;
  }
}

/** Length of the valid UTF-8 sequence at `i`: 0 when invalid, -1 when cut off by the end. */
function seqLen(b: Uint8Array, i: number): number {
  const b0 = b[i];
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k <= need; k++) {
    if (i + k >= b.length) return -1;
    const c = b[i + k];
    if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return 0;
  }
  return need + 1;
}

/** Where a possibly incomplete last UTF-8 sequence of `b` starts (`b.length` when there is none). */
export function completeUtf8End(b: Uint8Array): number {
  for (let k = 1; k <= 3 && b.length - k >= 0; k++) {
    const i = b.length - k;
    if ((b[i] & 0xc0) !== 0x80) return seqLen(b, i) === -1 ? i : b.length;
  }
  return b.length;
}

/**
 * Decode UTF-8, replacing every invalid byte with {@link INVALID}. Returns the text and the bytes
 * of a sequence cut off at the end (to prepend to the next chunk).
 */
export function decodeUtf8Marked(
  b: Uint8Array,
  final: boolean,
): { text: string; rest: Uint8Array } {
  const dec = new TextDecoder("utf-8", { ignoreBOM: true });
  const end = final ? b.length : completeUtf8End(b);
  const body = b.subarray(0, end);
  // a copy: the chunk `b` came in may be read into again (fileChunks reuses its buffers)
  const rest = new Uint8Array(b.subarray(end));
  if (isUtf8(body)) return { text: dec.decode(body), rest };
  let text = "";
  let from = 0;
  let i = 0;
  while (i < body.length) {
    const n = seqLen(body, i);
    if (n > 0) i += n;
    else {
      text += dec.decode(body.subarray(from, i)) + INVALID;
      i++;
      from = i;
    }
  }
  text += dec.decode(body.subarray(from));
  return { text, rest };
}

/** The part of iconv-lite used here. */
interface IconvLite {
  decode(bytes: Buffer, encoding: string): string;
}
let iconv: IconvLite | undefined;

/**
 * Decode a single-byte encoding with iconv-lite. ISO-8859-1 maps every byte to the code point of
 * its value; Windows-1252 maps 0x80–0x9F to its letters and signs (0x80 is €) and leaves five bytes
 * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): iconv-lite decodes those to U+FFFD, marked here
 * {@link INVALID}, so that the record holding one is rejected. (Node 20's `TextDecoder` decodes
 * `windows-1252` as ISO-8859-1: 0x80 would become U+0080, not €.)
 */
export function decodeSingleByte(
  b: Uint8Array,
  encoding: "iso-8859-1" | "windows-1252",
): string {
  // loaded on first use: only a delivery in a single-byte encoding needs it (start-up, bench/)
  iconv ??= createRequire(import.meta.url)("iconv-lite") as IconvLite;
  const text = iconv.decode(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    encoding,
  );
  if (encoding === "iso-8859-1" || !text.includes("\uFFFD")) return text;
  return text.split("\uFFFD").join(INVALID);
}

/**
 * Bytes of input decoded and tokenized per batch. The rows of a batch stay alive until their IKB
 * is validated (one batch per file in the merge), so small batches mean few young objects
 * surviving a scavenge. Measured on 1.19M rows (--trace-gc): batches of 1 MiB and 64 KiB spent
 * 2-3.5 s in scavenges, 32 KiB 0.55 s, 16 KiB 0.4 s, 8 KiB no better; peak RSS 500 MiB at
 * 256 KiB, 240 MiB at 32 KiB.
 */
const BATCH_BYTES = 1 << 15;

/**
 * UTF-8 bytes fed to a text tokenizer chunk by chunk: a sequence cut off at the end of a chunk is
 * carried to the next one, and invalid bytes become {@link INVALID} (so that the tokenizer rejects
 * the record holding one). The text tokenizer's way of reading bytes, and the byte
 * tokenizer's for what it hands to the text tokenizer (runtime/csv-bytes.ts).
 */
export class Utf8Feed {
  private carry: Uint8Array | undefined;
  constructor(private readonly tok: CsvTokenizer) {}

  push(chunk: Uint8Array): void {
    const bytes =
      this.carry && this.carry.length
        ? Buffer.concat([this.carry, chunk])
        : chunk;
    const { text, rest } = decodeUtf8Marked(bytes, false);
    this.carry = rest;
    this.tok.push(text);
  }

  /** Bytes of a character cut off at the end of the last push are held for the next. */
  get holding(): boolean {
    return this.carry !== undefined && this.carry.length > 0;
  }

  /** The input ended: a sequence still cut off is invalid. (The tokenizer is not ended here.) */
  flush(): void {
    if (!this.carry || this.carry.length === 0) return;
    const { text } = decodeUtf8Marked(this.carry, true);
    this.carry = undefined;
    this.tok.push(text);
  }
}

/**
 * What {@link readCsvBatches} feeds a tokenizer: pieces of bytes (at most {@link BATCH_BYTES}),
 * chunks of text as they come, and the end. {@link ByteCsvTokenizer} takes them as they are; the
 * text tokenizer through {@link TextSink}, which decodes the bytes first.
 */
interface PieceSink {
  push(piece: Uint8Array): void;
  pushString(text: string): void;
  end(): void;
}

/** The text tokenizer as a {@link PieceSink}: bytes decoded as UTF-8, ISO-8859-1 or Windows-1252. */
class TextSink implements PieceSink {
  private readonly utf8: Utf8Feed;
  constructor(
    private readonly tok: CsvTokenizer,
    private readonly encoding: CsvEncoding,
  ) {
    this.utf8 = new Utf8Feed(tok);
  }

  push(piece: Uint8Array): void {
    if (this.encoding === "utf-8") return this.utf8.push(piece);
    this.tok.push(decodeSingleByte(piece, this.encoding));
  }

  pushString(text: string): void {
    this.tok.push(text);
  }

  end(): void {
    this.utf8.flush();
    this.tok.end();
  }
}

/**
 * An empty batch of events, an array of objects from the start: the tokenizer, which pushes the
 * events, stays optimized for one kind of batch.
 */
function newBatch(): CsvEvent[] {
  return emptyObjectArray<CsvEvent>();
}

/** What {@link readCsvBatches} takes from its options, in an object of one shape. */
function readerSetup(
  options: CsvReaderOptions,
  emit: (e: CsvEvent) => void,
): {
  onChunk: ((chunk: Uint8Array) => void) | undefined;
  onBytes: ((n: number) => void) | undefined;
  onInputEnd: (() => void) | undefined;
  toEnd: boolean;
  bytes: ByteCsvTokenizer | undefined;
  resume: { offset: number; line: number } | undefined;
  start: number;
  sink: PieceSink;
} {
  const bytes =
    (options.tokenizer ?? DEFAULT_TOKENIZER) === "bytes" &&
    byteTokenizerFits(options)
      ? new ByteCsvTokenizer(emit, options.projection, {
          ...options,
          startLine: options.start?.line,
        })
      : undefined;
  if (
    (options.start !== undefined || options.end !== undefined) &&
    bytes === undefined
  )
    throw new Error("only the byte tokenizer reads a range of a file");
  const sink: PieceSink =
    bytes ??
    new TextSink(
      new CsvTokenizer(
        emit,
        options.maxFieldLength,
        options.projection,
        options,
      ),
      options.encoding ?? "utf-8",
    );
  return {
    onChunk: options.onChunk,
    onBytes: options.onBytes,
    onInputEnd: options.onInputEnd,
    toEnd: options.end === undefined,
    bytes,
    resume: options.resumePoint,
    start: options.start?.offset ?? 0,
    sink,
  };
}

/**
 * Read CSV events from a stream of bytes or text, in batches (one per input chunk), so consumers
 * loop synchronously over most records. A record holding bytes that are not valid UTF-8 is
 * rejected with its line number. The byte tokenizer (runtime/csv-bytes.ts) reads UTF-8 with ASCII
 * separators, the text tokenizer everything else (or when `options.tokenizer` asks for it); both
 * are fed the same pieces here, with the same `onChunk` / `onBytes` calls and the same batches.
 */
export async function* readCsvBatches(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: CsvReaderOptions = {},
): AsyncGenerator<CsvEvent[]> {
  let batch = newBatch();
  const emit = (e: CsvEvent) => batch.push(e);
  // the options read in a function of their own: their objects have many shapes (one per
  // caller), which this generator, optimized once for all its calls, would meet at each start
  const { onChunk, onBytes, onInputEnd, toEnd, bytes, resume, start, sink } =
    readerSetup(options, emit);
  /** Bytes pushed to the tokenizer so far, from the start of the file. */
  let pushed = start;
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === "string") {
      onChunk?.(Buffer.from(chunk, "utf8"));
      sink.pushString(chunk);
      if (resume !== undefined) resume.offset = -1;
      if (batch.length) {
        yield batch;
        batch = newBatch();
      }
      continue;
    }
    onChunk?.(chunk);
    // big reads, small batches: see BATCH_BYTES. Pieces end at multiples of BATCH_BYTES of the
    // file's offsets (and at the ends of chunks), wherever the read started: a read of a range
    // (runtime/parallel-scan.ts) then ends its batches where a read of the whole file does, so
    // their resume points are the same
    for (let off = 0; off < chunk.byteLength;) {
      const to = Math.min(
        chunk.byteLength,
        off + BATCH_BYTES - ((pushed + BATCH_BYTES) % BATCH_BYTES),
      );
      const piece =
        off === 0 && to === chunk.byteLength ? chunk : chunk.subarray(off, to);
      off = to;
      onBytes?.(piece.byteLength);
      sink.push(piece);
      pushed += piece.byteLength;
      if (resume !== undefined) {
        const at = bytes?.resumable();
        resume.offset = at === undefined ? -1 : pushed - at.pendingBytes;
        resume.line = at?.line ?? 0;
      }
      if (batch.length) {
        yield batch;
        batch = newBatch();
      }
    }
  }
  // a range of a file: the record open at its end is the next range's (or the range was cut
  // inside a record, which the resume point tells)
  if (toEnd) {
    onInputEnd?.();
    sink.end();
    // the point where the last piece left the read is before the record flushed now
    if (resume !== undefined && batch.length > 0) resume.offset = -1;
  }
  if (batch.length) yield batch;
}

/** Read CSV events one at a time (see {@link readCsvBatches}). */
export async function* readCsv(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: CsvReaderOptions = {},
): AsyncGenerator<CsvEvent> {
  for await (const batch of readCsvBatches(source, options)) yield* batch;
}

/** Bytes read from a file at a time. */
const READ_CHUNK = 1 << 18;

/**
 * The bytes of the file at `path`, in chunks of up to `chunk` bytes. A file of at most one chunk
 * is read at once, synchronously: a stream costs an open, a read, a read of the end and a close,
 * each a round trip through libuv's thread pool, and for the small files of a small delivery
 * those waits were most of the reading (bench/: the bundled example). A larger file is read in
 * chunks, synchronously, into one buffer ({@link alignedChunks}): **a chunk's bytes are
 * overwritten when the next chunk is asked for**, so a consumer copies what it keeps of them
 * first. Errors (a missing or unreadable file) surface at the first `next()` either way.
 */
export async function* fileChunks(
  path: string,
  chunk = READ_CHUNK,
  start = 0,
  end?: number,
): AsyncGenerator<Uint8Array> {
  if (start > 0 || end !== undefined) {
    yield* alignedChunks(path, chunk, start, end);
    return;
  }
  let size = Infinity;
  try {
    const st = statSync(path);
    if (st.isFile()) size = st.size;
  } catch {
    // the read below reports it
  }
  if (size <= chunk) {
    const bytes = readFileSync(path);
    // grown meanwhile: still every byte, as one chunk (the readers take chunks of any size)
    if (bytes.byteLength > 0) yield bytes;
    return;
  }
  yield* alignedChunks(path, chunk, 0, undefined);
}

/**
 * How long the readers of a thread read ({@link alignedChunks}) before they let the event loop
 * turn, for the thread's other work: a worker's message to the main thread, the progress bar, a
 * signal.
 */
const TURN_MS = 10;
/** When a reader of this thread last let the event loop turn. */
let lastTurn = 0;

/**
 * The bytes [start, end) of a file (to its end without `end`) in chunks that end at multiples of
 * `chunk` of the file's offsets, as a read from the file's start has them, read into one buffer
 * (see {@link fileChunks}). The reads are synchronous, and the event loop turns every
 * {@link TURN_MS}: a read through libuv's thread pool per chunk, the event loop turning at each,
 * and a fresh buffer per chunk (a page fault per 4 KiB) cost more than the copy itself. Measured
 * at 1 M depositors (bench/results.md, "The hash on a worker, and reads without waits"): one and
 * two threads each about 0.5 s shorter than reads of two buffers in turn through the thread pool,
 * which were 0.5 s shorter with one thread than a fresh buffer per chunk; turning the event loop
 * after every chunk gave back all of it with one thread. The kernel's read-ahead keeps reading the
 * file while a chunk is tokenized.
 */
async function* alignedChunks(
  path: string,
  chunk: number,
  start: number,
  end: number | undefined,
): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, "r");
  const buffer = Buffer.allocUnsafeSlow(chunk);
  try {
    for (let at = start; ;) {
      const to = Math.floor(at / chunk) * chunk + chunk;
      const length = (end === undefined ? to : Math.min(to, end)) - at;
      if (length <= 0) return;
      const bytesRead = readSync(fd, buffer, 0, length, at);
      if (bytesRead === 0) return;
      at += bytesRead;
      if (performance.now() - lastTurn >= TURN_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastTurn = performance.now();
      }
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

/** Read a CSV file from disk, in batches. */
export function readCsvFileBatches(
  path: string,
  options: CsvReaderOptions = {},
): AsyncGenerator<CsvEvent[]> {
  return readCsvBatches(
    fileChunks(path, READ_CHUNK, options.start?.offset, options.end),
    options,
  );
}

/** Read a CSV file from disk. */
export function readCsvFile(
  path: string,
  options: CsvReaderOptions = {},
): AsyncGenerator<CsvEvent> {
  return readCsv(fileChunks(path), options);
}

/** Parse a whole CSV text at once (tests, small inputs). */
export function parseCsvText(
  text: string,
  maxFieldLength?: number,
  limits: {
    maxFields?: number;
    maxRecordLength?: number;
    delimiter?: string;
    quote?: string | null;
    columns?: readonly string[];
  } = {},
): CsvEvent[] {
  const out: CsvEvent[] = [];
  const tok = new CsvTokenizer(
    (e) => out.push(e),
    maxFieldLength,
    undefined,
    limits,
  );
  tok.push(text);
  tok.end();
  return out;
}
