/**
 * A file's declared dialect applied to its cells (docs/language.md, "File dialects"): dates written
 * as the file declares them (`DDMMYYYY`, `DD-MM-YYYY`, ...) and decimals with a decimal comma are
 * rewritten to the canonical text the generated decoders read (`YYYY-MM-DD`, `1234.56`), before
 * decoding. Nothing is guessed: a cell that is not written as declared (or not a real calendar day)
 * is not rewritten but marked with {@link INVALID}, so that its decoder rejects it (an ISO date in
 * a `DDMMYYYY` file is not valid) and the rule whose condition is `value is valid` reports it.
 * Where a finding shows a value, it is shown as the file holds it ({@link showDelivered}).
 *
 * Also the other direction, for examples written as files: a canonical cell in a dialect, and a
 * row in a dialect's separator and quote.
 *
 * @module
 */
import type { EntityMeta, FileDialect } from "../compiler/contract.js";
import { INVALID, type CsvReaderOptions } from "./csv-reader.js";

/**
 * The reader options of an entity's file as its dialect declares it (separator, quote, encoding,
 * and the column names of a file without a header row); none for plain CSV. The one place the
 * folder's read stage, T−1 and `validateCsv` take them from, so that they read a file alike.
 */
export function dialectReaderOptions(
  entity: EntityMeta,
): Pick<CsvReaderOptions, "delimiter" | "quote" | "encoding" | "columns"> {
  const d = entity.dialect;
  if (d === undefined) return {};
  return {
    delimiter: d.delimiter,
    quote: d.quote,
    encoding: d.encoding,
    columns: d.header ? undefined : entity.fields.map((f) => f.column),
  };
}

/**
 * The message of `input.unknown-record-type`: a row of a file of several record types whose type
 * (its first field) is none of `codes`. One text for the folder's read stage and `validateCsv`.
 */
export function unknownRecordTypeMessage(
  codes: Iterable<string>,
  file: string,
): string {
  return `the record's type (its first field) is none of ${[...codes]
    .map((c) => JSON.stringify(c))
    .join(", ")}, the record types of ${file}`;
}

/** Rewrites the cells of one record in place, and knows which fields' cells it rewrites. */
export interface CellNormalizer {
  normalize(cells: string[]): void;
  /** The rewritten cells: field name to its position in the record. */
  columns: ReadonlyMap<string, number>;
}

/** The positions of `DD`, `MM`, `YYYY` in a date format and its length. */
interface DateLayout {
  length: number;
  day: number;
  month: number;
  year: number;
  /** Positions that hold the separator, and the separator. */
  separators: number[];
  separator: string;
}

function dateLayout(format: string): DateLayout {
  const day = format.indexOf("DD");
  const month = format.indexOf("MM");
  const year = format.indexOf("YYYY");
  const separators: number[] = [];
  let separator = "";
  for (let i = 0; i < format.length; i++)
    if (!"DMY".includes(format[i])) {
      separators.push(i);
      separator = format[i];
    }
  return { length: format.length, day, month, year, separators, separator };
}

function digits(s: string, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A date as the format writes it, to `YYYY-MM-DD`; undefined when not written so. */
export function dateToIso(text: string, format: string): string | undefined {
  const l = dateLayout(format);
  if (text.length !== l.length) return undefined;
  for (const p of l.separators) if (text[p] !== l.separator) return undefined;
  if (!digits(text, l.day, 2) || !digits(text, l.month, 2)) return undefined;
  if (!digits(text, l.year, 4)) return undefined;
  // not a real calendar day: not rewritten either, so the report shows the text as delivered
  const y = Number(text.slice(l.year, l.year + 4));
  const m = Number(text.slice(l.month, l.month + 2));
  const d = Number(text.slice(l.day, l.day + 2));
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate())
    return undefined;
  return `${text.slice(l.year, l.year + 4)}-${text.slice(l.month, l.month + 2)}-${text.slice(l.day, l.day + 2)}`;
}

/** A canonical `YYYY-MM-DD` date written in `format` (for example files). */
export function isoToDate(iso: string, format: string): string {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(iso)) return iso;
  return format
    .replace("YYYY", iso.slice(0, 4))
    .replace("MM", iso.slice(5, 7))
    .replace("DD", iso.slice(8, 10));
}

const DECIMAL_COMMA = /^-?[0-9]+(,[0-9]+)?$/;

/** `1234,56` to `1234.56`; undefined when not written with a decimal comma. */
export function commaToPoint(text: string): string | undefined {
  return DECIMAL_COMMA.test(text) ? text.replace(",", ".") : undefined;
}

function isDecimalType(type: string): boolean {
  return type === "money" || type.startsWith("decimal");
}

/** The canonical date format: what a field without `format`, in a file without `dates`, holds. */
const ISO_DATE = "YYYY-MM-DD";

/**
 * The normalizer of a file's records, given where each field of the entity is (`index[i]`, -1:
 * absent); undefined when the dialect (and every field's own `format`) writes dates and decimals
 * canonically. A date field's `format` wins over the file's `dates`.
 */
export function cellNormalizer(
  entity: EntityMeta,
  index: readonly number[],
): CellNormalizer | undefined {
  const d = entity.dialect;
  const dates: [column: number, format: string, unknown: readonly string[]][] =
    [];
  const decimals: [column: number, unknown: readonly string[]][] = [];
  const columns = new Map<string, number>();
  entity.fields.forEach((f, i) => {
    const col = index[i];
    if (col < 0) return;
    const format =
      f.type === "date"
        ? (f.dateFormat ?? d?.dateFormat ?? ISO_DATE)
        : ISO_DATE;
    // a field's `unknown` texts ("Unknown") are no date or amount: the decoder knows them as
    // written, so they are left so
    const unknown = f.unknownValues ?? [];
    if (format !== ISO_DATE) dates.push([col, format, unknown]);
    else if (isDecimalType(f.type) && d?.decimalMark === ",")
      decimals.push([col, unknown]);
    else return;
    columns.set(f.name, col);
  });
  if (columns.size === 0) return undefined;
  const normalize = (cells: string[]) => {
    for (const [c, format, unknown] of dates) {
      const v = cells[c];
      if (v === undefined || v === "" || unknown.includes(v)) continue;
      cells[c] = dateToIso(v, format) ?? v + INVALID;
    }
    for (const [c, unknown] of decimals) {
      const v = cells[c];
      if (v === undefined || v === "" || unknown.includes(v)) continue;
      cells[c] = commaToPoint(v) ?? v + INVALID;
    }
  };
  return { normalize, columns };
}

/**
 * A finding's values as delivered: a value of a rewritten cell, shown as the decoder read it (the
 * canonical text, or the delivered text with its mark), is shown as the file holds it.
 */
export function showDelivered(
  values: Record<string, string | null>,
  n: CellNormalizer,
  read: readonly string[],
  delivered: readonly string[],
): void {
  for (const [field, col] of n.columns) {
    const v = values[field];
    if (v !== undefined && v !== null && v === read[col])
      values[field] = delivered[col];
    else if (typeof v === "string" && v.endsWith(INVALID))
      values[field] = v.slice(0, -1);
  }
}

/**
 * A canonical cell written as the dialect writes a field of `type` (for example files); a date
 * field's own `format` (`dateFormat`) wins over the dialect's.
 */
export function cellInDialect(
  text: string,
  type: string,
  d: FileDialect,
  dateFormat?: string,
): string {
  if (type === "date") return isoToDate(text, dateFormat ?? d.dateFormat);
  if (isDecimalType(type) && d.decimalMark === ",")
    return /^-?[0-9]+(\.[0-9]+)?$/.test(text) ? text.replace(".", ",") : text;
  return text;
}

/** One record as a line in the dialect's separator, quoting a cell only where it must be. */
export function lineInDialect(
  cells: readonly string[],
  d: FileDialect,
): string {
  return cells
    .map((c) => {
      const q = d.quote;
      if (q === null) return c;
      return c.includes(d.delimiter) ||
        c.includes(q) ||
        c.includes("\n") ||
        c.includes("\r")
        ? `${q}${c.split(q).join(q + q)}${q}`
        : c;
    })
    .join(d.delimiter);
}
