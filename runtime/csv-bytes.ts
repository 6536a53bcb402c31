/**
 * A byte tokenizer for UTF-8 CSV with exactly the events of {@link CsvTokenizer} (same rows,
 * cells, line numbers and problems, batch for batch), faster on the common case: it scans the
 * bytes for delimiters, quotes and line ends without decoding the input first, decodes a record's
 * cells only when the record is complete, and leaves the cells a projection does not keep
 * undecoded.
 *
 * Most lines hold no quote and no CR: for those (the next quote, CR and LF of a piece are found
 * with `Buffer.indexOf`, a native search) the line is split on the delimiter alone, one compare
 * per byte, and each cell is made as its delimiter is found; a line shorter than every limit is
 * not measured field by field, and the columns past the last one a projection keeps are only
 * counted. Other lines are tokenized field by field (quotes, `""` escapes, line ends in quotes).
 *
 * With `splitLines` (a small delivery's one read, runtime/read-replay.ts), the lines of a piece
 * of valid UTF-8 that hold no quote and no CR are decoded and split with native
 * `String.prototype.split` instead: a short run executes unoptimized, where the byte loop costs
 * several times the split.
 *
 * It handles the common case itself: records of valid UTF-8 whose quoting is well formed and
 * which are within the limits (judged on byte lengths, never smaller than lengths in UTF-16 code
 * units). Everything else goes to the text tokenizer, so that every problem is the one today's
 * reader reports:
 *
 * - a record with a bad closing quote, or over a limit by its bytes: that one record (its bytes,
 *   decoded) is tokenized by a {@link CsvTokenizer} resumed at its line;
 * - a piece of input that is not valid UTF-8 or holds a U+FFFF (which the text path reads as an
 *   invalid byte's mark, `INVALID` in csv-reader.ts, and rejects its record), and a record that
 *   grows past {@link MAX_PENDING} bytes: the input goes through the text path (decoded as
 *   `readCsvBatches` decodes it) up to the first line end of a later piece that ends a record,
 *   and the byte path takes over again from there;
 * - text (not bytes) as input, and the last record of an input without a final line end: the
 *   rest of the input goes through the text path.
 *
 * @module
 */
import { isAscii, isUtf8 } from "node:buffer";
import {
  completeUtf8End,
  CsvTokenizer,
  LIMITS,
  Utf8Feed,
  type CsvEvent,
  type CsvProjection,
} from "./csv-reader.js";
import { emptyObjectArray } from "./object-arrays.js";

const LF = 10;
const CR = 13;
const COMMA_BYTE = 0x2c;
const QUOTE_BYTE = 0x22;
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Bytes of one unfinished record kept between pieces. A longer record (rescanned from its start
 * at every piece, so it would cost time quadratic in its length) goes to the text tokenizer,
 * which reads past what is over a limit without keeping it (the byte path takes over after it).
 */
const MAX_PENDING = 1 << 20;

/** The options of a byte tokenizer: those of {@link CsvTokenizer} (UTF-8 only). */
export interface ByteTokenizerOptions {
  maxFieldLength?: number;
  maxFields?: number;
  maxRecordLength?: number;
  /** One ASCII character (default `,`). */
  delimiter?: string;
  /** One ASCII character (default `"`); `null`: fields are never quoted. */
  quote?: string | null;
  columns?: readonly string[];
  /**
   * Split the runs of lines of a piece that hold no quote and no CR, decoded, with native
   * `String.prototype.split` (see {@link ByteCsvTokenizer.splitRun}): the same events, faster on
   * a short run (in the interpreter), slower on a long one (TurboFan makes the byte loop fast,
   * and a split makes every cell, kept or not). Default false.
   */
  splitLines?: boolean;
  /**
   * The input starts at a record boundary inside a file, on this line (a resume point of an
   * earlier read, {@link ByteCsvTokenizer.resumable}): no byte order mark is looked for, and
   * lines count from here.
   */
  startLine?: number;
}

/** Whether the byte tokenizer can read a file of this dialect (else use {@link CsvTokenizer}). */
export function byteTokenizerFits(options: {
  delimiter?: string;
  quote?: string | null;
  encoding?: string;
}): boolean {
  const ascii = (s: string) =>
    s.length === 1 && s.charCodeAt(0) < 0x80 && s !== "\n" && s !== "\r";
  const delimiter = options.delimiter ?? ",";
  const quote = options.quote === undefined ? '"' : options.quote;
  return (
    (options.encoding ?? "utf-8") === "utf-8" &&
    ascii(delimiter) &&
    (quote === null || (ascii(quote) && quote !== delimiter))
  );
}

/** Push-based byte tokenizer: {@link ByteCsvTokenizer.push} bytes, then {@link ByteCsvTokenizer.end}. */
export class ByteCsvTokenizer {
  private readonly comma: number;
  private readonly quote: number;
  /** The quote character, and twice it (how a quoted field escapes it). */
  private readonly quoteText: string;
  private readonly doubled: string;
  private readonly maxField: number;
  private readonly maxFields: number;
  private readonly maxRecord: number;
  /** The bytes of the unfinished record, from its first byte. */
  private pending: Buffer | undefined;
  private line = 1;
  /** The last record ended with CR: a LF first in the next piece is the same line end. */
  private afterCR = false;
  /** The byte order mark has been looked for. */
  private started = false;
  /** The first row read (or the declared columns), to name columns in problems. */
  private header: readonly string[] | undefined;
  /** Tokenizes what the byte path does not (see the module comment). */
  private readonly text: CsvTokenizer;
  /** The input goes to {@link text}, decoded as readCsvBatches decodes (see {@link pushFallback}). */
  private fallback = false;
  /** Text was pushed ({@link pushString}): the rest of the input goes to {@link text}. */
  private textOnly = false;
  /** Decodes the bytes of the text path, as readCsvBatches does for the text tokenizer. */
  private readonly utf8: Utf8Feed;
  // Per record: where each field's bytes start and end, and whether it was quoted (1) with `""`
  // escapes in it (2). Reused between records, grown as needed.
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private kinds = new Uint8Array(64);
  /**
   * Per column (the first {@link REUSE_COLUMNS}), the last short ASCII cell text made, and where
   * its bytes are in the piece being tokenized (`prevAt` −1: not in this piece): an equal cell of
   * a later record of the piece reuses the text. Most cells of a delivery repeat their column's
   * value of the record before (codes, booleans, currencies, countries), and a string per cell
   * was most of the bytes a read allocates.
   */
  private readonly previous: string[] = new Array<string>(REUSE_COLUMNS).fill(
    "",
  );
  private readonly prevAt = new Int32Array(REUSE_COLUMNS);
  private readonly prevLen = new Int32Array(REUSE_COLUMNS);
  /**
   * Per column, the comparisons in a row that found a different cell in this piece: a column of
   * values that do not repeat (identifiers, amounts, dates) is not compared again in the piece
   * after {@link REUSE_MISSES}.
   */
  private readonly misses = new Uint8Array(REUSE_COLUMNS);
  /** The piece being tokenized is all ASCII (set before {@link records} is called). */
  private allAscii = false;
  /** Its Latin-1 text. */
  private latin1: string | undefined;
  /**
   * A line of at most this many bytes is within every limit, whatever its fields (no field, no
   * record is longer, and it has at most one field more than bytes).
   */
  private readonly plainMax: number;
  /**
   * Empty cells as many as the last record had: a record's cells are a copy of it (one
   * allocation, the array packed), filled in.
   */
  private template: string[] = blankCells(0);
  /** A projection's `keep` seen last, and the last column it keeps ({@link lastKept}). */
  private keepSeen: Uint8Array | undefined;
  private keepLast = 0;
  /** {@link ByteTokenizerOptions.splitLines}, and the delimiter as text (for `split`). */
  private readonly splitLines: boolean;
  /** A read of records ({@link CsvProjection.records}). */
  private readonly readsRecords: boolean;
  private readonly delimiterText: string;
  /**
   * Per column, the last cell {@link splitRun} made: like {@link previous}, without positions
   * (a split cell is text, not bytes of the piece), so kept from piece to piece.
   */
  private readonly splitSeen: string[] = new Array<string>(REUSE_COLUMNS).fill(
    "",
  );
  /** The columns {@link splitRun} compares (see {@link misses}: it uses them too). */
  private readonly splitActive = new Int32Array(REUSE_COLUMNS);

  constructor(
    private readonly emit: (e: CsvEvent) => void,
    private readonly projection: CsvProjection | undefined,
    options: ByteTokenizerOptions = {},
  ) {
    if (!byteTokenizerFits(options))
      throw new Error("the byte tokenizer reads UTF-8 with ASCII separators");
    this.comma = (options.delimiter ?? ",").charCodeAt(0);
    this.quote =
      options.quote === null ? -1 : (options.quote ?? '"').charCodeAt(0);
    this.quoteText = options.quote ?? '"';
    this.doubled = this.quoteText + this.quoteText;
    this.maxField = options.maxFieldLength ?? LIMITS.maxFieldLength;
    this.maxFields = options.maxFields ?? LIMITS.maxFields;
    this.maxRecord = options.maxRecordLength ?? LIMITS.maxRecordLength;
    this.plainMax = Math.min(this.maxField, this.maxRecord, this.maxFields - 1);
    this.splitLines = options.splitLines ?? false;
    this.readsRecords = projection?.records === true;
    this.delimiterText = options.delimiter ?? ",";
    this.header = options.columns;
    if (options.startLine !== undefined) {
      this.line = options.startLine;
      this.started = true;
    }
    this.text = new CsvTokenizer(emit, this.maxField, projection, {
      maxFields: this.maxFields,
      maxRecordLength: this.maxRecord,
      delimiter: options.delimiter,
      quote: options.quote,
      columns: options.columns,
    });
    this.utf8 = new Utf8Feed(this.text);
  }

  /** Tokenize the next bytes of the input. */
  push(chunk: Uint8Array): void {
    const piece = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.fallback) return this.pushFallback(piece);
    if (this.pending !== undefined && this.started) {
      // the unfinished record nearly always ends at the piece's first line end: only the bytes up
      // to it are joined to it, the rest of the piece is tokenized where it is (not copied)
      const lf = piece.indexOf(LF);
      if (lf >= 0 && lf + 1 < piece.length) {
        const rest = piece.subarray(lf + 1);
        this.tokenize(piece.subarray(0, lf + 1));
        return this.fallback ? this.pushFallback(rest) : this.tokenize(rest);
      }
    }
    this.tokenize(piece);
  }

  /**
   * Bytes while the text path reads: up to the piece's first line end to the text path; when
   * that ended a record (no quote open, no character cut off), the byte path takes the rest of
   * the input over again, so that one invalid byte or over-long record sends the text path a
   * piece, not the rest of the file (and a read that resumes can again tell where it stands:
   * {@link resumable}). Text input stays with the text path.
   */
  private pushFallback(piece: Buffer): void {
    const lf = this.textOnly ? -1 : piece.indexOf(LF);
    if (lf < 0) return this.pushText(piece);
    this.pushText(piece.subarray(0, lf + 1));
    const rest = piece.subarray(lf + 1);
    if (!this.text.atRecordStart() || this.utf8.holding)
      return this.pushText(rest);
    this.fallback = false;
    this.started = true;
    this.afterCR = false;
    this.line = this.text.nextLine;
    this.header = this.text.knownHeader;
    if (rest.length > 0) this.tokenize(rest);
  }

  /**
   * Tokenize the next bytes of the input, after the unfinished record if there is one.
   */
  private tokenize(piece: Buffer): void {
    let b = piece;
    if (this.pending !== undefined) b = Buffer.concat([this.pending, piece]);
    this.pending = undefined;
    let from = 0;
    if (!this.started) {
      if (b.length < 3 && isBomPrefix(b)) {
        this.pending = Buffer.from(b);
        return;
      }
      this.started = true;
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) from = 3;
    }
    if (this.afterCR && from < b.length) {
      this.afterCR = false;
      if (b[from] === LF) from++;
    }
    // ASCII bytes (most pieces of most files) are their own Latin-1 text: decoded once, sliced
    this.allAscii = isAscii(b);
    // A piece that is not valid UTF-8 (apart from a sequence cut off at its end) sends the rest of
    // the input to the text path, which marks invalid bytes and rejects their records; so does a
    // U+FFFF, which it reads as a mark (a sequence of it cut off at the end is in the unfinished
    // record, looked at again with the next piece)
    if (
      !this.allAscii &&
      (!isUtf8(b.subarray(0, completeUtf8End(b))) || holdsUFFFF(b))
    ) {
      this.enterFallback();
      return this.pushText(b.subarray(from));
    }
    const rest = this.records(b, from);
    if (rest < b.length) {
      if (b.length - rest > MAX_PENDING) {
        this.enterFallback();
        return this.pushText(b.subarray(rest));
      }
      this.pending = Buffer.from(b.subarray(rest));
    }
  }

  /** Flush the last record. */
  end(): void {
    if (!this.fallback) {
      if (this.pending === undefined) return;
      // the last record without a line end (or an unclosed quote): the text path has its rules
      this.enterFallback();
      const rest = this.pending;
      this.pending = undefined;
      if (!this.started) {
        this.started = true;
        this.text.resume(this.line, this.header, false, false);
      }
      this.pushText(rest);
    }
    this.utf8.flush();
    this.text.end();
  }

  /** Text input (not bytes): read by the text tokenizer from here on. */
  pushString(text: string): void {
    this.textOnly = true;
    if (!this.fallback) {
      this.enterFallback();
      if (this.pending !== undefined) {
        const rest = this.pending;
        this.pending = undefined;
        this.pushText(rest);
      }
    }
    this.text.push(text);
  }

  /**
   * Bytes pushed but not yet tokenized (the start of an unfinished record), and the line the
   * next record starts on, when reading could resume right after the bytes tokenized so far
   * with a new tokenizer (`startLine`); undefined when it could not (the text path reads, a line
   * end may continue in the next piece, or the byte order mark is not settled yet).
   */
  resumable(): { pendingBytes: number; line: number } | undefined {
    if (this.fallback || this.afterCR || !this.started) return undefined;
    return { pendingBytes: this.pending?.length ?? 0, line: this.line };
  }

  /** Hand the rest of the input to the text tokenizer, at the start of a record. */
  private enterFallback(): void {
    this.fallback = true;
    // before the byte order mark was looked for, the text tokenizer looks for it itself
    if (this.started)
      this.text.resume(this.line, this.header, this.afterCR, true);
    this.afterCR = false;
  }

  /** The text path for bytes, as readCsvBatches decodes them. */
  private pushText(chunk: Uint8Array): void {
    this.utf8.push(chunk);
  }

  /** Tokenize the complete records of `b` from `i`; returns where the unfinished record starts. */
  private records(b: Buffer, i: number): number {
    const n = b.length;
    const COMMA = this.comma;
    // an ASCII cell (every cell of most pieces) is a slice of the piece's Latin-1 text
    this.latin1 = b.toString("latin1", 0, n);
    // the cells remembered for reuse were in the piece before
    this.prevAt.fill(-1);
    this.misses.fill(0);
    // Where the next quote, CR and LF are (n: none in the rest of the piece), each found once
    // with a native search: a line that holds no quote and no CR has no quoted field and ends at
    // its LF, so it is split on the delimiter with one compare per byte.
    let quoteAt = this.quote < 0 ? n : byteAt(b, this.quote, i);
    let crAt = byteAt(b, CR, i);
    let lfAt = byteAt(b, LF, i);
    while (i < n) {
      if (crAt < i) crAt = byteAt(b, CR, i);
      if (lfAt < i) lfAt = byteAt(b, LF, i);
      if (quoteAt < i) quoteAt = byteAt(b, this.quote, i);
      if (this.splitLines) {
        // the lines before the next quote or CR, up to the last LF before it, split natively
        const plainEnd = quoteAt < crAt ? quoteAt : crAt;
        if (lfAt < plainEnd) {
          const last = b.lastIndexOf(LF, plainEnd - 1);
          // (valid UTF-8: the piece was checked, and no sequence holds an LF)
          this.splitRun(
            b,
            i,
            this.allAscii
              ? this.latin1!.slice(i, last)
              : b.toString("utf8", i, last),
          );
          i = last + 1;
          continue;
        }
      }
      const end = crAt < lfAt ? crAt : lfAt;
      if (end === n) return i; // no line end: the record is unfinished
      if (quoteAt < end) {
        const next = this.quotedRecord(b, i);
        if (next < 0) return i;
        i = next;
        continue;
      }
      let next = end + 1;
      if (end === crAt) {
        if (next < n) {
          if (b[next] === LF) next++;
        } else this.afterCR = true;
      }
      const length = end - i;
      if (length > this.plainMax) this.plainRecord(b, i, end);
      else if (length === 0)
        this.line++; // an empty line is not a record
      else {
        // within every limit whatever its fields: its cells are made as its delimiters are found
        let keep = this.projection?.keep;
        // a read of records: the line's text, and with it only the cells kept
        let text: string | undefined;
        if (this.readsRecords) {
          text = this.recordText(b, i, end);
          if (text === undefined) keep = undefined;
        }
        // in a piece that is not all ASCII: the record, or with a projection the cells it keeps
        const ascii =
          this.allAscii || (keep === undefined && isAscii(b.subarray(i, end)));
        // the columns past the last one a projection keeps are only counted
        const last = keep === undefined ? end : this.lastKept(keep);
        const cells = this.template.slice();
        const width = cells.length;
        let f = 0;
        for (let s = i; ; f++) {
          if (f > last) {
            for (let k = delimiterAt(b, COMMA, s, end); k < end; f++)
              k = delimiterAt(b, COMMA, k + 1, end);
            break;
          }
          const k = delimiterAt(b, COMMA, s, end);
          // (the copy of the template has every cell a projection drops: "")
          if (keep === undefined || f === 0 || keep[f] !== 0) {
            const v = this.plainCell(b, f, s, k, ascii || asciiBytes(b, s, k));
            if (f < width) cells[f] = v;
            else {
              while (cells.length < f) cells.push("");
              cells.push(v);
            }
          }
          if (k === end) break;
          s = k + 1;
        }
        f++; // the number of fields
        if (f !== width) {
          if (f < width) cells.length = f;
          else while (cells.length < f) cells.push("");
          this.template = blankCells(f);
        }
        this.header ??= cells.slice();
        if (text === undefined)
          this.emit({ kind: "row", cells, line: this.line++ });
        else this.emit({ kind: "row", cells, line: this.line++, text });
      }
      i = next;
    }
    return n;
  }

  /**
   * Tokenize the lines of `b` from `start` that hold no quote and no CR, decoded as `text` (up to
   * the last one's LF): the text is split on LF and each line on the delimiter, both in native
   * code, where the byte loop of {@link records} runs in the interpreter on a short run. A line
   * longer than {@link plainMax} in UTF-16 code units (never more than its bytes: a shorter one
   * is within every limit) is measured by {@link plainRecord} on its bytes (it may be over a
   * limit); the cells a projection drops are made, then blanked.
   */
  private splitRun(b: Buffer, start: number, text: string): void {
    const lines = text.split("\n");
    // ASCII text: a character is a byte (else bytes are counted, for a long line only)
    const ascii = this.allAscii;
    const keep = this.readsRecords ? undefined : this.projection?.keep;
    const lastKept = keep === undefined ? 0 : this.lastKept(keep);
    const delimiter = this.delimiterText;
    const seen = this.splitSeen;
    const misses = this.misses;
    const active = this.splitActive;
    // the columns compared with their last cell: all at first, then those that repeat
    let compared = -1;
    /** Where the line starts in `text`. */
    let at = 0;
    // non-ASCII text: the bytes of text[0, counted) (counted on from there: linear in the run)
    let counted = 0;
    let countedBytes = 0;
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l];
      const length = line.length;
      if (length === 0)
        this.line++; // an empty line is not a record
      else if (length > this.plainMax) {
        if (!ascii) {
          countedBytes += Buffer.byteLength(text.slice(counted, at));
          counted = at;
        }
        const from = start + (ascii ? at : countedBytes);
        this.plainRecord(
          b,
          from,
          from + (ascii ? length : Buffer.byteLength(line)),
        );
      } else {
        const cells = line.split(delimiter);
        const width = cells.length;
        if (compared < 0) {
          compared = width < REUSE_COLUMNS ? width : REUSE_COLUMNS;
          for (let f = 0; f < compared; f++) active[f] = f;
          misses.fill(0);
        }
        // a cell equal to its column's last one is that text (the new one dies young, and a
        // small delivery's cells are kept for the run: runtime/read-replay.ts)
        for (let r = 0; r < compared;) {
          const f = active[r];
          const v = cells[f];
          if (v === undefined) r++;
          else if (v === seen[f]) {
            cells[f] = seen[f];
            misses[f] = 0;
            r++;
          } else {
            seen[f] = v;
            if (++misses[f] < REUSE_MISSES) r++;
            else active[r] = active[--compared];
          }
        }
        if (keep !== undefined)
          for (let f = 1; f < width; f++)
            if (f > lastKept || keep[f] === 0) cells[f] = "";
        this.header ??= cells.slice();
        this.emit({ kind: "row", cells, line: this.line++ });
      }
      at += length + 1;
    }
  }

  /**
   * The text of the plain line of `b` from `start` to `end`, for a read of records
   * ({@link CsvProjection.records}): undefined when the file is not separated by `,` and quoted by
   * `"`, or when the text holds a UTF-16 surrogate (the run format writes such a row as JSON).
   */
  private recordText(
    b: Buffer,
    start: number,
    end: number,
  ): string | undefined {
    if (this.comma !== COMMA_BYTE || this.quote !== QUOTE_BYTE)
      return undefined;
    if (this.allAscii) return this.latin1!.slice(start, end);
    const text = b.toString("utf8", start, end);
    return SURROGATE.test(text) ? undefined : text;
  }

  /** The last column `keep` keeps (0, which is always kept, when it keeps none after it). */
  private lastKept(keep: Uint8Array): number {
    if (keep !== this.keepSeen) {
      this.keepSeen = keep;
      let last = keep.length - 1;
      while (last > 0 && keep[last] === 0) last--;
      this.keepLast = Math.max(last, 0);
    }
    return this.keepLast;
  }

  /**
   * Tokenize the record of `b` from `start` to its line end at `end`, which has no quote (a long
   * line: it may be over a limit).
   */
  private plainRecord(b: Buffer, start: number, end: number): void {
    const COMMA = this.comma;
    let nf = 0;
    let longest = 0;
    let s = start;
    for (let k = start; k <= end; k++) {
      if (k < end && b[k] !== COMMA) continue;
      if (nf === this.starts.length) this.grow();
      this.starts[nf] = s;
      this.ends[nf] = k;
      nf++;
      if (k - s > longest) longest = k - s;
      s = k + 1;
    }
    this.finish(
      b,
      start,
      end,
      this.line,
      nf,
      longest,
      end - start - (nf - 1),
      false,
      false,
    );
  }

  /**
   * The text of the unquoted (or quoted, without `""`) cell of column `f` in `b` from `s` to
   * `e`: a short ASCII cell equal to the column's last one in this piece (a code, a boolean, a
   * currency) is that same text, no new string for it.
   */
  private plainCell(
    b: Buffer,
    f: number,
    s: number,
    e: number,
    ascii: boolean,
  ): string {
    if (!ascii) return b.toString("utf8", s, e);
    const length = e - s;
    if (length > REUSE_MAX || f >= REUSE_COLUMNS)
      return this.latin1!.slice(s, e);
    const misses = this.misses;
    if (misses[f] < REUSE_MISSES) {
      const at = this.prevAt[f];
      if (at >= 0 && this.prevLen[f] === length) {
        let k = 0;
        while (k < length && b[s + k] === b[at + k]) k++;
        if (k === length) {
          misses[f] = 0;
          return this.previous[f];
        }
      }
      misses[f]++;
    }
    const v = this.latin1!.slice(s, e);
    this.previous[f] = v;
    this.prevAt[f] = s;
    this.prevLen[f] = length;
    return v;
  }

  /**
   * Tokenize the record at `start`, which has a quote before its line end; returns where the
   * next record starts, or −1 when this one does not end in `b`.
   */
  private quotedRecord(b: Buffer, start: number): number {
    const n = b.length;
    const QUOTE = this.quote;
    const COMMA = this.comma;
    let i = start;
    let line = this.line;
    let nf = 0;
    let fieldBytes = 0;
    let longest = 0;
    let bad = false;
    let c = 0;
    for (;;) {
      if (i >= n) return -1;
      c = b[i];
      if (nf === this.starts.length) this.grow();
      if (c === QUOTE) {
        const s = i + 1;
        let kind = 1;
        let quotedCR = false;
        i = s;
        for (;;) {
          if (i >= n) return -1;
          c = b[i];
          if (c === QUOTE) {
            if (i + 1 >= n) return -1;
            if (b[i + 1] !== QUOTE) break;
            kind = 3;
            quotedCR = false;
            i += 2;
            continue;
          }
          if (c === CR) {
            line++;
            quotedCR = true;
          } else {
            if (c === LF && !quotedCR) line++;
            quotedCR = false;
          }
          i++;
        }
        this.starts[nf] = s;
        this.ends[nf] = i;
        this.kinds[nf] = kind;
        if (++i >= n) return -1; // past the closing quote
        c = b[i];
        if (c !== COMMA && c !== LF && c !== CR) {
          // a character after the closing quote: the record is rejected by the text path; its
          // end is found as it finds it (the rest of the field unquoted)
          bad = true;
          while (c !== COMMA && c !== LF && c !== CR) {
            if (++i >= n) return -1;
            c = b[i];
          }
        }
      } else {
        const s = i;
        while (c !== COMMA && c !== LF && c !== CR) {
          if (++i >= n) return -1;
          c = b[i];
        }
        this.starts[nf] = s;
        this.ends[nf] = i;
        this.kinds[nf] = 0;
      }
      const len = this.ends[nf] - this.starts[nf];
      fieldBytes += len;
      if (len > longest) longest = len;
      nf++;
      if (c === COMMA) {
        i++;
        continue;
      }
      break; // a line end
    }
    // i is at the CR or LF that ends the record
    let next = i + 1;
    if (c === CR) {
      if (next < n) {
        if (b[next] === LF) next++;
      } else this.afterCR = true;
    }
    this.finish(b, start, i, line, nf, longest, fieldBytes, bad, true);
    return next;
  }

  /**
   * Emit the record of `b` from `start` to its line end at `end` (its fields in starts/ends,
   * kinds when `quoted`), which ends on `line`; or hand it to the text path when it is rejected
   * or over a limit.
   */
  private finish(
    b: Buffer,
    start: number,
    end: number,
    line: number,
    nf: number,
    longest: number,
    fieldBytes: number,
    bad: boolean,
    quoted: boolean,
  ): void {
    if (
      bad ||
      longest > this.maxField ||
      fieldBytes > this.maxRecord ||
      nf > this.maxFields
    ) {
      // the text path reads this one record and reports its problem (byte lengths are never
      // smaller than lengths in UTF-16 code units, so a record within them is within the limits)
      this.text.resume(this.line, this.header, false, true);
      this.text.push(b.toString("utf8", start, end + 1));
      this.text.clearAfterCR();
      this.header = this.text.knownHeader;
      this.line = line + 1;
      return;
    }
    const recordLine = this.line;
    this.line = line + 1;
    // an empty line is not a record
    if (nf === 1 && this.ends[0] === this.starts[0]) return;
    const cells: string[] = new Array(nf);
    const keep = this.readsRecords ? undefined : this.projection?.keep;
    const starts = this.starts;
    const ends = this.ends;
    const kinds = this.kinds;
    const ascii = this.allAscii || isAscii(b.subarray(start, end));
    for (let f = 0; f < nf; f++) {
      if (keep !== undefined && f > 0 && (f >= keep.length || keep[f] === 0)) {
        cells[f] = "";
        continue;
      }
      if (quoted && kinds[f] === 3) {
        const v = ascii
          ? this.latin1!.slice(starts[f], ends[f])
          : b.toString("utf8", starts[f], ends[f]);
        cells[f] = v.replaceAll(this.doubled, this.quoteText);
      } else cells[f] = this.plainCell(b, f, starts[f], ends[f], ascii);
    }
    this.header ??= cells.slice();
    this.emit({ kind: "row", cells, line: recordLine });
  }
  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const kinds = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    kinds.set(this.kinds);
    this.starts = starts;
    this.ends = ends;
    this.kinds = kinds;
  }
}

/** Cells of at most this many bytes are compared with the column's previous cell. */
const REUSE_MAX = 12;
/** Comparisons in a row that miss before a column is no longer compared in a piece. */
const REUSE_MISSES = 4;
/** Columns whose previous short cell is remembered. */
const REUSE_COLUMNS = 256;

/**
 * Where the first `delimiter` of `b` from `s` before `end` is; `end` when there is none. Four
 * bytes a step: a quarter fewer instructions per byte than one at a time (bench: ~20 % of this
 * loop), which every byte of a line goes through.
 */
function delimiterAt(
  b: Buffer,
  delimiter: number,
  s: number,
  end: number,
): number {
  let k = s;
  for (; k + 3 < end; k += 4) {
    if (b[k] === delimiter) return k;
    if (b[k + 1] === delimiter) return k + 1;
    if (b[k + 2] === delimiter) return k + 2;
    if (b[k + 3] === delimiter) return k + 3;
  }
  while (k < end && b[k] !== delimiter) k++;
  return k;
}

/** Whether the bytes of `b` from `s` to `e` are all ASCII (a cell: a few bytes). */
function asciiBytes(b: Buffer, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (b[k] >= 0x80) return false;
  return true;
}

/** `n` empty cells, in a packed array. */
function blankCells(n: number): string[] {
  // of objects even when empty, as every record's cells are (the first record's copy of an empty
  // `[]` had another elements kind, and storing its first cell left the optimized tokenizer)
  const cells = emptyObjectArray<string>();
  for (let k = 0; k < n; k++) cells.push("");
  return cells;
}

/** Where the next `byte` of `b` at or after `from` is; `b.length` when there is none. */
function byteAt(b: Buffer, byte: number, from: number): number {
  const at = b.indexOf(byte, from);
  return at < 0 ? b.length : at;
}

/**
 * Whether `b` holds the UTF-8 bytes of U+FFFF (EF BF BF). Found from its first byte with a native
 * search (`memchr`): EF starts only U+F000–U+FFFF (and the byte order mark), rare in a delivery.
 */
function holdsUFFFF(b: Buffer): boolean {
  for (let at = b.indexOf(0xef); at >= 0; at = b.indexOf(0xef, at + 1))
    if (b[at + 1] === 0xbf && b[at + 2] === 0xbf) return true;
  return false;
}

/** The first bytes of a UTF-8 byte order mark (possibly all of it). */
function isBomPrefix(b: Uint8Array): boolean {
  const bom = [0xef, 0xbb, 0xbf];
  for (let k = 0; k < b.length; k++) if (b[k] !== bom[k]) return false;
  return true;
}
