/**
 * The format of the external sort's run files (runtime/assemble.ts): CSV, so that a run is read
 * back by the byte tokenizer (runtime/csv-bytes.ts) that reads the delivery. A run starts with
 * the line {@link RUN_HEADER}; each row follows as one record, its cells, then its IKB key, then
 * its line number (`cells…,key,line`), a cell quoted only when it holds a quote, comma, CR or LF.
 *
 * A row whose text holds a UTF-16 surrogate (NDJSON can give an unpaired one, which UTF-8 could
 * not carry unchanged) or a U+FFFF (NDJSON's `\uffff`, which the reader takes for an invalid
 * byte's mark), or that has no cells, is written as JSON instead, those characters escaped: one
 * quoted cell with `[key, line, cells]`, then `j` where the line number would be.
 *
 * Measured on a shuffled delivery of 1 M depositors (bench/results.md, "Unsorted deliveries"):
 * runs of JSON took 18.4 s of the run to parse back (`JSON.parse`, every cell a new string); read
 * as CSV by the byte tokenizer, the run took 54.9 s instead of 61.5 s.
 *
 * @module
 */
import type { KeyedRow } from "./assemble.js";
import type { CsvEvent } from "./csv-reader.js";

/** The first line of every run file. */
export const RUN_HEADER = "regel-run-1\n";

/** Where a plain row's joined text would be misread: a quote, CR, LF, surrogate or U+FFFF. */
const NOT_PLAIN = /["\r\n\ud800-\udfff\uffff]/;
/** A cell that must be quoted. */
const QUOTED = /[",\r\n]/;
/** What UTF-8 cannot carry, or the reader reads as an invalid byte (runtime/csv-reader.ts `INVALID`). */
const NOT_CSV = /[\ud800-\udfff\uffff]/;
/** The same, each character of it, to escape in JSON. */
const NOT_CSV_ALL = /[\ud800-\udfff\uffff]/g;
const COMMA = 0x2c;
const JSON_MARK = "j";

/** One row as a record of a run file, with its line feed. */
export function runRecord(row: KeyedRow): string {
  const cells = row.cells;
  if (cells.length > 0) {
    const text = `${cells.join(",")},${row.key}`;
    if (!NOT_PLAIN.test(text)) {
      if (commas(text) === cells.length) return `${text},${row.line}\n`;
      return `${cells.map(csvCell).join(",")},${csvCell(row.key)},${row.line}\n`;
    }
    if (!NOT_CSV.test(text))
      return `${cells.map(csvCell).join(",")},${csvCell(row.key)},${row.line}\n`;
  }
  // (JSON.stringify escapes a lone surrogate, not a paired one nor U+FFFF)
  const json = JSON.stringify([row.key, row.line, cells]).replace(
    NOT_CSV_ALL,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  return `${csvCell(json)},${JSON_MARK}\n`;
}

/**
 * {@link runRecord} of a row whose cells are a plain line's (`CsvRow.text`: no quote, CR, LF or
 * surrogate; its cells joined by `,`): that text as it is, then the key and the line.
 */
export function plainRunRecord(
  text: string,
  key: string,
  line: number,
): string {
  return `${text},${key},${line}\n`;
}

function commas(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === COMMA) n++;
  return n;
}

function csvCell(cell: string): string {
  return QUOTED.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * The rows of one batch of a run's records, as {@link runRecord} wrote them (the header line
 * skipped by the caller). A problem or a record of another shape means the run file was changed
 * or cut: it throws.
 */
export function runRows(events: readonly CsvEvent[], path: string): KeyedRow[] {
  const out: KeyedRow[] = [];
  for (const ev of events) {
    if (ev.kind !== "row" || ev.cells.length < 2)
      throw new Error(`sort run ${path} is damaged (line ${ev.line})`);
    const cells = ev.cells;
    const last = cells.pop()!;
    if (last === JSON_MARK && cells.length === 1) {
      const [key, line, rowCells] = JSON.parse(cells[0]) as [
        string,
        number,
        string[],
      ];
      out.push({ key, line, cells: rowCells });
    } else {
      const key = cells.pop()!;
      out.push({ key, line: Number(last), cells });
    }
  }
  return out;
}
