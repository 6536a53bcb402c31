/**
 * Read NDJSON (one JSON object per line; `.ndjson` / `.jsonl`) as the same events as the CSV
 * reader: a header of the given columns first, then one row per line with the cells in that
 * order. A string, number or boolean becomes the cell text, a number exactly as written
 * (`100.000000000000001`, `1e3`, `-0`); `null` is an empty cell. Used for verwijzingsportaal
 * request logs, which systems often write as NDJSON, and for any entity of a delivery folder.
 *
 * @module
 */
import {
  decodeUtf8Marked,
  fileChunks,
  INVALID,
  invalidTextMessage,
  LIMITS,
  type CsvEvent,
} from "./csv-reader.js";
import { memberNumberTexts, repeatedMemberName } from "./json-number-text.js";

/**
 * Why `JSON.parse` refused a line, without the text of the line: V8 quotes a piece of it in some
 * of its messages (`Unexpected token 'G', "{"last_name":Geh..." is not valid JSON`), and a
 * personal value may stand there. The kind of fault and where it is, when V8 says so.
 */
function jsonParseReason(e: Error): string {
  const at = / in JSON at position (\d+)/.exec(e.message);
  if (at !== null)
    return `${e.message.slice(0, at.index)} at character ${Number(at[1]) + 1} of the line`;
  if (e.message.startsWith("Unexpected end of JSON input"))
    return "the line ends inside its JSON object";
  // (V8: `Unexpected token 'x', "..." is not valid JSON`, the quoted piece of the line left out)
  return "an unexpected character (a text value without its quotes?)";
}

export interface NdjsonOptions {
  /** Longest accepted line, in characters (default: the CSV reader's record limit, {@link LIMITS}). */
  maxRecordLength?: number;
  /** Longest accepted value, in characters (default: the CSV reader's field limit). */
  maxFieldLength?: number;
  /** Called once per object key that is not a column, with its first line. */
  onUnknownKey?: (key: string, line: number) => void;
  onBytes?: (n: number) => void;
  /** Called with every chunk of bytes as read, in order (e.g. to hash the input while reading it). */
  onChunk?: (chunk: Uint8Array) => void;
}

/** Events of an NDJSON file: a header row (line 0) with `columns`, then rows or problems. */
export async function* readNdjsonBatches(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  columns: readonly string[],
  opts: NdjsonOptions = {},
): AsyncGenerator<CsvEvent[]> {
  const max = opts.maxRecordLength ?? LIMITS.maxRecordLength;
  const maxField = opts.maxFieldLength ?? LIMITS.maxFieldLength;
  const tooLong = (): CsvEvent => ({
    kind: "problem",
    code: "record-too-large",
    line,
    message: `the line holds more than ${max.toLocaleString("en")} characters (the limit of a record); it is not read`,
  });
  const pos = new Map(columns.map((c, i) => [c, i]));
  const unknown = new Set<string>();
  let line = 0;
  let rest = "";
  let overLong = false;
  let carry: Uint8Array | undefined;
  yield [{ kind: "row", cells: [...columns], line: 0 }];

  const parseLine = (text: string, out: CsvEvent[]) => {
    line++;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") return;
    if (text.includes(INVALID)) {
      // the marker is a valid character inside a JSON string: name the key whose value has it
      let key: string | undefined;
      try {
        const o = JSON.parse(text) as unknown;
        if (o !== null && typeof o === "object")
          key = Object.entries(o).find(
            ([, v]) => typeof v === "string" && v.includes(INVALID),
          )?.[0];
      } catch {
        // not JSON either; the line is rejected for its bytes
      }
      out.push({
        kind: "problem",
        code: "invalid-utf8",
        line,
        message:
          key === undefined
            ? "the line contains bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)"
            : invalidTextMessage(`key ${JSON.stringify(key)}`),
      });
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      out.push({
        kind: "problem",
        code: "invalid-json",
        line,
        message: `not valid JSON: ${jsonParseReason(e as Error)}`,
      });
      return;
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
      out.push({
        kind: "problem",
        code: "invalid-json",
        line,
        message: "the line is not a JSON object",
      });
      return;
    }
    const repeated = repeatedMemberName(text);
    if (repeated !== undefined) {
      out.push({
        kind: "problem",
        code: "invalid-json",
        line,
        message: `key ${JSON.stringify(repeated)} is given twice: which value is meant is not clear (JSON keeps the last without a word); the line is not read`,
      });
      return;
    }
    const cells = columns.map(() => "");
    let numberTexts: Map<string, string> | undefined;
    for (const [k, v] of Object.entries(obj)) {
      const i = pos.get(k);
      if (i === undefined) {
        if (!unknown.has(k)) {
          unknown.add(k);
          opts.onUnknownKey?.(k, line);
        }
        continue;
      }
      if (v === null || v === undefined) continue;
      if (typeof v === "object") {
        out.push({
          kind: "problem",
          code: "invalid-json",
          line,
          message: `the value of ${JSON.stringify(k)} is not a string, number or boolean`,
        });
        return;
      }
      // a number as written, as a CSV cell would be: JSON.parse made it a double
      const cell =
        typeof v === "number"
          ? (numberTexts ??= memberNumberTexts(text)).get(k)!
          : String(v);
      if (cell.length > maxField) {
        out.push({
          kind: "problem",
          code: "field-too-large",
          line,
          message: `key ${JSON.stringify(k)} is longer than ${maxField.toLocaleString("en")} characters (the limit of a field); the line is not read`,
        });
        return;
      }
      cells[i] = cell;
    }
    out.push({ kind: "row", cells, line });
  };

  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    opts.onBytes?.(chunk.byteLength);
    opts.onChunk?.(chunk);
    const bytes = carry && carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const { text, rest: r } = decodeUtf8Marked(bytes, false);
    carry = r;
    const out: CsvEvent[] = [];
    let from = 0;
    for (;;) {
      const nl = text.indexOf("\n", from);
      if (nl < 0) break;
      const piece = text.slice(from, nl);
      if (overLong || rest.length + piece.length > max) {
        line++;
        out.push(tooLong());
      } else parseLine(rest + piece, out);
      rest = "";
      overLong = false;
      from = nl + 1;
    }
    const tail = text.slice(from);
    if (!overLong && rest.length + tail.length > max) {
      overLong = true;
      rest = "";
    } else if (!overLong) rest += tail;
    if (out.length) yield out;
  }
  const out: CsvEvent[] = [];
  if (carry && carry.length) rest += decodeUtf8Marked(carry, true).text;
  if (overLong) {
    line++;
    out.push(tooLong());
  } else if (rest !== "") parseLine(rest, out);
  if (out.length) yield out;
}

/** Read an NDJSON file from disk. */
export function readNdjsonFileBatches(
  path: string,
  columns: readonly string[],
  opts: NdjsonOptions = {},
): AsyncGenerator<CsvEvent[]> {
  return readNdjsonBatches(fileChunks(path, 1 << 20), columns, opts);
}
