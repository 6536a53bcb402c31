/**
 * Reference data (`table` declarations): the columns, the rows (inline, or read from the CSV file
 * beside the ruleset), their types and the uniqueness of the key. A `file` table's rows are
 * written into its declaration as literals, with spans into the CSV, and its sha256 recorded, so
 * that the compiler, the interpreter and the audit tools read one checked table either way.
 *
 * The checker reads no files itself: the project loader hands it a {@link DataReader} (from disk
 * for `loadProject`, from memory for `loadProjectFromTexts`).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type {
  Literal,
  Position,
  Span,
  TableColumn,
  TableColumnType,
  TableDecl,
  TableRow,
  ValueType,
} from "./ast.js";
import { CODES } from "./check-codes.js";
import { missing, type Reporter, type RulesetIndex } from "./check-context.js";
import {
  BOOLEAN,
  DATE as DATE_TYPE,
  decimal,
  INTEGER as INTEGER_TYPE,
  literalScale,
  TEXT,
} from "./types.js";

/** The value type of a column: a decimal column has the largest scale its values are written with. */
export function tableColumnType(t: TableDecl, c: TableColumn): ValueType {
  switch (c.type) {
    case "text":
      return TEXT;
    case "integer":
      return INTEGER_TYPE;
    case "money":
      return decimal(2);
    case "date":
      return DATE_TYPE;
    case "boolean":
      return BOOLEAN;
    case "decimal": {
      const i = t.columns.indexOf(c);
      return decimal(
        Math.max(
          0,
          ...t.rows.map((r) => {
            const v = r.values[i];
            return v?.kind === "Decimal" ? literalScale(v.text) : 0;
          }),
        ),
      );
    }
  }
}

/** The bytes of a data file (path as the checker names it), or undefined when there is none. */
export type DataReader = (path: string) => Uint8Array | undefined;

/** The path of `table`'s CSV: its `file` relative to the folder of the `.regel` file. */
export function tableFilePath(table: TableDecl): string | undefined {
  if (table.file === undefined) return undefined;
  return join(dirname(table.span.file), table.file.value);
}

/** Check the tables declared in this version (`own`); read the rows of a `file` table. */
export function checkTables(
  index: RulesetIndex,
  reporter: Reporter,
  readData: DataReader,
  own: (t: TableDecl) => boolean,
): void {
  for (const t of index.rs.tables) {
    if (missing(t.name) || !own(t)) continue;
    if (!checkColumns(t, reporter)) continue;
    if (t.file !== undefined) {
      if (t.rows.length > 0 && t.path === undefined) {
        reporter.report(
          CODES.tableRowsAndFile,
          `table \`${t.name.name}\` has both \`row\` lines and a \`file\`: give its rows one way`,
          t.rows[0]!.span,
        );
        continue;
      }
      if (t.path === undefined) readTableFile(t, reporter, readData);
    } else {
      if (t.rows.length === 0) {
        reporter.report(
          CODES.tableRowsAndFile,
          `table \`${t.name.name}\` has no rows: give \`row\` lines or a \`file "….csv"\` beside the ruleset`,
          t.name.span,
        );
        continue;
      }
      for (const r of t.rows) {
        if (r.values.length !== t.columns.length) {
          reporter.report(
            CODES.tableRowWidth,
            `row has ${r.values.length} value${r.values.length === 1 ? "" : "s"}; table \`${t.name.name}\` has ${t.columns.length} column${t.columns.length === 1 ? "" : "s"} (${t.columns.map((c) => c.name.name).join(", ")})`,
            r.span,
          );
          continue;
        }
        r.values.forEach((v, i) => {
          const c = t.columns[i]!;
          if (!literalFits(v, c.type))
            reporter.report(
              CODES.tableValueType,
              `value of column \`${c.name.name}\` is not of its type \`${c.type}\``,
              v.span,
            );
        });
      }
      checkKeys(t, reporter);
    }
  }
}

/** Exactly one key column and no name twice; false when the table cannot be read further. */
function checkColumns(t: TableDecl, reporter: Reporter): boolean {
  const seen = new Set<string>();
  let ok = true;
  for (const c of t.columns) {
    if (missing(c.name)) return false;
    if (seen.has(c.name.name)) {
      reporter.report(
        CODES.tableKey,
        `column \`${c.name.name}\` is declared twice in table \`${t.name.name}\``,
        c.name.span,
      );
      ok = false;
    }
    seen.add(c.name.name);
  }
  const keys = t.columns.filter((c) => c.key);
  if (keys.length !== 1) {
    reporter.report(
      CODES.tableKey,
      keys.length === 0
        ? `table \`${t.name.name}\` has no key column: mark the column rules look values up by with \`key\`, e.g. \`column code: text key\``
        : `table \`${t.name.name}\` has ${keys.length} key columns; mark exactly one with \`key\``,
      keys.length === 0 ? t.name.span : keys[1]!.span,
    );
    ok = false;
  }
  return ok;
}

/** A second row with a key already seen (the key compared as its value, `1.0` = `1.00`). */
function checkKeys(t: TableDecl, reporter: Reporter): void {
  const k = t.columns.findIndex((c) => c.key);
  const seen = new Map<string, TableRow>();
  for (const r of t.rows) {
    const v = r.values[k];
    if (v === undefined) continue;
    const key = literalKey(v);
    const first = seen.get(key);
    if (first !== undefined)
      reporter.report(
        CODES.tableDuplicateKey,
        `key ${literalText(v)} of table \`${t.name.name}\` appears twice (first at line ${first.span.start.line})`,
        r.span,
      );
    else seen.set(key, r);
  }
}

/** The key value's identity: numbers by value, everything else as written. */
export function literalKey(v: Literal): string {
  if (v.kind === "Integer" || v.kind === "Decimal") {
    const neg = v.text.startsWith("-");
    const [i, f = ""] = v.text.replace(/^[-+]/, "").split(".");
    const int = i!.replace(/^0+(?=\d)/, "");
    const frac = f.replace(/0+$/, "");
    const n = frac === "" ? int : `${int}.${frac}`;
    return `n:${neg && n !== "0" ? "-" : ""}${n}`;
  }
  if (v.kind === "String") return `s:${v.value}`;
  if (v.kind === "Boolean") return `b:${v.value}`;
  if (v.kind === "Duration") return `d:${v.amount} ${v.unit}`;
  return `t:${v.text}`;
}

function literalText(v: Literal): string {
  switch (v.kind) {
    case "String":
      return JSON.stringify(v.value);
    case "Boolean":
      return String(v.value);
    case "Duration":
      return `${v.amount} ${v.unit}`;
    default:
      return v.text;
  }
}

/** Whether a literal written in a `row` is a value of the column type. */
function literalFits(v: Literal, type: TableColumnType): boolean {
  switch (type) {
    case "text":
      return v.kind === "String";
    case "integer":
      return v.kind === "Integer";
    case "decimal":
    case "money":
      return v.kind === "Integer" || v.kind === "Decimal";
    case "date":
      return v.kind === "Date";
    case "boolean":
      return v.kind === "Boolean";
  }
}

const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** A CSV cell as a literal of the column type, or undefined when it is not one. */
function cellLiteral(
  text: string,
  type: TableColumnType,
  span: Span,
): Literal | undefined {
  switch (type) {
    case "text":
      return { kind: "String", value: text, span };
    case "integer":
      return INTEGER.test(text) ? { kind: "Integer", text, span } : undefined;
    case "decimal":
    case "money":
      if (!DECIMAL.test(text)) return undefined;
      return text.includes(".")
        ? { kind: "Decimal", text, span }
        : { kind: "Integer", text, span };
    case "date": {
      const m = DATE.exec(text);
      if (!m) return undefined;
      const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
      return d.toISOString().slice(0, 10) === text
        ? { kind: "Date", text, span }
        : undefined;
    }
    case "boolean":
      return text === "true" || text === "false"
        ? { kind: "Boolean", value: text === "true", span }
        : undefined;
  }
}

const EXAMPLE: Record<TableColumnType, string> = {
  text: "any text",
  integer: "e.g. 42",
  decimal: "e.g. 0.9215",
  money: "e.g. 100000.00",
  date: "YYYY-MM-DD",
  boolean: "true or false",
};

/**
 * Read a `file` table's CSV (UTF-8, comma-separated, `"` quotes, a header row naming the declared
 * columns in order) into its rows; record the file's path and sha256.
 */
function readTableFile(
  t: TableDecl,
  reporter: Reporter,
  readData: DataReader,
): void {
  const path = tableFilePath(t)!;
  const bytes = readData(path);
  if (bytes === undefined) {
    reporter.report(
      CODES.tableFileMissing,
      `table \`${t.name.name}\`: file ${JSON.stringify(t.file!.value)} not found (looked for ${path}, beside the ruleset)`,
      t.file!.span,
    );
    return;
  }
  const at = (line: number, column = 1): Span => {
    const p: Position = { offset: 0, line, column };
    return { file: path, start: p, end: { ...p, column: column + 1 } };
  };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    reporter.report(
      CODES.tableFileMissing,
      `table \`${t.name.name}\`: ${path} is not UTF-8; save it as UTF-8`,
      t.file!.span,
    );
    return;
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ""), {
      bom: false,
      info: true,
      relax_column_count: true,
      record_delimiter: ["\r\n", "\n", "\r"],
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    reporter.report(
      CODES.tableHeader,
      `table \`${t.name.name}\`: ${path} is not valid CSV: ${(e as Error).message}`,
      at(line),
    );
    return;
  }
  t.path = path;
  t.sha256 = createHash("sha256").update(bytes).digest("hex");
  const names = t.columns.map((c) => c.name.name);
  const header = records[0]?.record ?? [];
  if (header.join("\u0000") !== names.join("\u0000")) {
    reporter.report(
      CODES.tableHeader,
      `the header of ${path} is ${header.length === 0 ? "missing" : `\`${header.join(",")}\``}; table \`${t.name.name}\` declares the columns \`${names.join(",")}\` in that order`,
      at(records[0]?.info.lines ?? 1),
      { notes: [`declared at ${t.span.file}:${t.span.start.line}`] },
    );
    return;
  }
  const rows: TableRow[] = [];
  let ok = true;
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== t.columns.length) {
      reporter.report(
        CODES.tableRowWidth,
        `row has ${record.length} cell${record.length === 1 ? "" : "s"}; table \`${t.name.name}\` has ${t.columns.length} columns (${names.join(", ")})`,
        at(line),
      );
      ok = false;
      continue;
    }
    const values: Literal[] = [];
    record.forEach((cell, i) => {
      const c: TableColumn = t.columns[i]!;
      const v = cellLiteral(cell, c.type, at(line));
      if (v === undefined) {
        reporter.report(
          CODES.tableValueType,
          `${JSON.stringify(cell)} in column \`${c.name.name}\` (cell ${i + 1}) is not of its type \`${c.type}\` (${EXAMPLE[c.type]})`,
          at(line),
        );
        ok = false;
      } else values.push(v);
    });
    rows.push({ kind: "TableRow", values, span: at(line) });
  }
  if (!ok) return;
  t.rows = rows;
  checkKeys(t, reporter);
}
