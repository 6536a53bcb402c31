/**
 * The options of a `file` clause (docs/language.md, "File dialects"): how an entity's file is
 * written — separator, quote, encoding, header row, date format, decimal mark — and whether it may
 * be absent. One reading serves both the resolver (which keeps the valid options in the model) and
 * the checker (which reports the others, REG135–REG139), so the two can never disagree.
 *
 * @module
 */
import type { FileOption, Span } from "./ast.js";

/** How an entity's file is written; the same shape as `FileDialect` of compiler/contract.ts. */
export interface FileDialect {
  delimiter: string;
  quote: string | null;
  encoding: "utf-8" | "iso-8859-1" | "windows-1252";
  header: boolean;
  dateFormat: string;
  decimalMark: "." | ",";
}

/** Plain RFC 4180 CSV in UTF-8 with a header row, ISO dates and a decimal point. */
export const DEFAULT_DIALECT: Readonly<FileDialect> = Object.freeze({
  delimiter: ",",
  quote: '"',
  encoding: "utf-8",
  header: true,
  dateFormat: "YYYY-MM-DD",
  decimalMark: ".",
});

/** The encodings a file may declare: decoded exactly as named, never guessed. */
export const ENCODINGS = ["utf-8", "iso-8859-1", "windows-1252"] as const;

/**
 * Why `name` cannot be the file of an entity in a delivery folder, or undefined when it can: a
 * delivery file is named by a plain file name, never a path, so that reading a delivery (and
 * writing an example's) stays inside its folder. The runtime refuses the same names
 * (`deliveryFileNameProblem` of compiler/contract.ts; test/runtime/file-dialects.test.ts keeps the two in step).
 */
export function deliveryFileNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name === "." || name === "..") return `\`${name}\` is a folder`;
  if (/[/\\]/.test(name))
    return "it holds a `/` or `\\`: a delivery file is named without a folder";
  if (name.includes(":"))
    return "it holds a `:` (a drive or stream name on Windows)";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "it holds a control character";
  return undefined;
}

/** The option names of a `file` clause, and what follows each. */
export const FILE_OPTIONS = {
  delimiter: 'one character, e.g. `delimiter "|"` (`"\\t"` for tab)',
  quote: 'one character, e.g. `quote "\\""`, or `quote none`',
  encoding: `one of ${ENCODINGS.map((e) => `"${e}"`).join(", ")}`,
  header: "`header none` (the file has no header row)",
  dates: 'a date format of `DD`, `MM` and `YYYY`, e.g. `dates "DDMMYYYY"`',
  decimal: '`decimal ","` or `decimal "."`',
  optional: "nothing: `optional` (the file may be absent from a delivery)",
  record:
    'the record type code in the first field, e.g. `record "C"` (several entities read one file)',
  single:
    "nothing: `single` (the entity has exactly one record, e.g. a trailer)",
  metadata:
    "nothing: `metadata` (the file describes the delivery, e.g. its row counts: its records belong to no IKB)",
} as const;

/** A problem with one option: code (`dsl/check-codes.ts`), message, where. */
export interface FileOptionProblem {
  code: "unknown" | "value" | "duplicate" | "conflict";
  message: string;
  span: Span;
  /** The option as written. */
  name: string;
  /** The option names, for an unknown one (to suggest the one meant). */
  names?: readonly string[];
}

/** `DD`, `MM`, `YYYY` once each, in any order, with one separator (or none) between them. */
const DATE_FORMAT = /^(DD|MM|YYYY)([-./ ]?)(DD|MM|YYYY)\2(DD|MM|YYYY)$/;

/** Whether `format` is a date format a file may declare. */
export function isDateFormat(format: string): boolean {
  const m = DATE_FORMAT.exec(format);
  return m !== null && new Set([m[1], m[3], m[4]]).size === 3;
}

/** A character that cannot separate or quote fields: a line break. */
function isLineBreak(c: string): boolean {
  return c === "\n" || c === "\r";
}

/**
 * Read the options of a `file` clause. Returns the dialect (undefined when no dialect option is
 * given, so that a plain entity's module stays as it was), whether the file is optional, and every
 * problem; an option with a problem is left out of the dialect.
 */
export function readFileOptions(options: readonly FileOption[] | undefined): {
  dialect: FileDialect | undefined;
  optional: boolean;
  /** `record "C"`: the entity's records are the rows whose first field is `C`. */
  record: string | undefined;
  /** `single`: the entity has exactly one record. */
  single: boolean;
  /** `metadata`: the file describes the delivery; its records belong to no IKB. */
  metadata: boolean;
  problems: FileOptionProblem[];
} {
  const problems: FileOptionProblem[] = [];
  const d: FileDialect = { ...DEFAULT_DIALECT };
  let declared = false;
  let optional = false;
  let single = false;
  let metadata = false;
  let record: string | undefined;
  const seen = new Set<string>();
  const bad = (o: FileOption, what: string) =>
    problems.push({
      code: "value",
      name: o.name.name,
      message: `\`${o.name.name}\` takes ${FILE_OPTIONS[o.name.name as keyof typeof FILE_OPTIONS]}; ${what}`,
      span: o.span,
    });
  for (const o of options ?? []) {
    const name = o.name.name;
    if (!Object.hasOwn(FILE_OPTIONS, name)) {
      problems.push({
        code: "unknown",
        name,
        message: `\`${name}\` is not an option of a \`file\` clause; the options are ${Object.keys(FILE_OPTIONS).join(", ")}`,
        span: o.name.span,
        names: Object.keys(FILE_OPTIONS),
      });
      continue;
    }
    if (seen.has(name)) {
      problems.push({
        code: "duplicate",
        name,
        message: `\`${name}\` is given twice in this \`file\` clause`,
        span: o.span,
      });
      continue;
    }
    seen.add(name);
    const text =
      o.value === undefined || o.value === "none" ? undefined : o.value.value;
    if (name === "optional" || name === "single" || name === "metadata") {
      if (o.value !== undefined) bad(o, "it takes no value");
      else if (name === "optional") optional = true;
      else if (name === "metadata") metadata = true;
      else single = true;
      continue;
    }
    if (o.value === undefined) {
      bad(o, "the value is missing");
      continue;
    }
    switch (name) {
      case "delimiter":
        if (text === undefined || [...text].length !== 1 || isLineBreak(text))
          bad(o, "write one character other than a line break");
        else {
          d.delimiter = text;
          declared = true;
        }
        break;
      case "quote":
        if (o.value === "none") {
          d.quote = null;
          declared = true;
        } else if (
          text === undefined ||
          [...text].length !== 1 ||
          isLineBreak(text)
        )
          bad(o, "write one character other than a line break, or `none`");
        else {
          d.quote = text;
          declared = true;
        }
        break;
      case "encoding": {
        const e = text?.toLowerCase();
        if (e === undefined || !(ENCODINGS as readonly string[]).includes(e))
          bad(
            o,
            `${text === undefined ? "`none`" : JSON.stringify(text)} is not one of them`,
          );
        else {
          d.encoding = e as FileDialect["encoding"];
          declared = true;
        }
        break;
      }
      case "header":
        if (o.value !== "none")
          bad(o, "a file has a header row unless it says `header none`");
        else {
          d.header = false;
          declared = true;
        }
        break;
      case "dates":
        if (text === undefined || !isDateFormat(text))
          bad(
            o,
            `${text === undefined ? "`none`" : JSON.stringify(text)} is not one`,
          );
        else {
          d.dateFormat = text;
          declared = true;
        }
        break;
      case "record":
        if (text === undefined || text === "" || /[\r\n]/.test(text))
          bad(o, "write the code as a non-empty string");
        else record = text;
        break;
      case "decimal":
        if (text !== "," && text !== ".")
          bad(
            o,
            `${text === undefined ? "`none`" : JSON.stringify(text)} is neither`,
          );
        else {
          d.decimalMark = text;
          declared = true;
        }
        break;
    }
  }
  if (d.quote !== null && d.quote === d.delimiter) {
    const o = options!.find(
      (x) => x.name.name === "quote" || x.name.name === "delimiter",
    )!;
    problems.push({
      code: "conflict",
      name: o.name.name,
      message: `the quote character and the delimiter are both ${JSON.stringify(d.delimiter)}: a field could not be told from a quoted one`,
      span: o.span,
    });
    d.quote =
      DEFAULT_DIALECT.quote === d.delimiter ? null : DEFAULT_DIALECT.quote;
  }
  return {
    dialect: declared ? d : undefined,
    optional,
    record,
    single,
    metadata,
    problems,
  };
}
