/**
 * Reconciliation with the quarterly DGS report (docs/language.md, "Aggregates and
 * reconciliation"): reading the bank's quarterly figures (`regel validate --quarterly FILE`, a
 * CSV `figure,value` or a JSON object of numbers) and comparing them with the delivery's declared
 * aggregates within the tolerances the ruleset's `reconcile` declares. Differences are computed
 * on exact decimals, so `80250000.10` against a sum of `80250000.1` is no difference.
 *
 * @module
 */
import { createRequire } from "node:module";
import type { parse as ParseCsv } from "csv-parse/sync";
import { sha256Hex, type ReconcileTrace } from "../compiler/contract.js";
import type {
  AggregateReport,
  ReconciledFigure,
  ReconciliationReport,
} from "./report-types.js";
import { memberNumberTexts } from "./json-number-text.js";

/** One figure of the quarterly file: its value as written (a decimal number) and its line. */
export interface QuarterlyFigure {
  /** The value as the file writes it, e.g. `1250000.50`. */
  text: string;
  /** The line of the file it is on (1-based). */
  line: number;
}

/** The quarterly file as read: the figures by name. */
export interface QuarterlyFigures {
  /** The file as given (`--quarterly FILE`). */
  file: string;
  /** sha256 of its bytes, lowercase hex. */
  sha256: string;
  /** Its size in bytes. */
  bytes: number;
  /** The figures by name. */
  figures: Map<string, QuarterlyFigure>;
}

/** A quarterly file that cannot be used: a clear message with the file, line and field. */
export class QuarterlyError extends Error {
  override name = "QuarterlyError";
  constructor(
    /** REG332 (does not parse), REG333 (unknown figure), REG334 (not a number), REG335 (twice), REG336 (no `reconcile`). */
    readonly code: string,
    message: string,
  ) {
    super(`${code} ${message}`);
  }
}

const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * Read the quarterly figures of `bytes` (the file `file`) for the ruleset's `reconcile`
 * declarations: JSON when the name ends in `.json` or the text starts with `{` or `[`, else CSV
 * with the header `figure,value`.
 *
 * @throws QuarterlyError for a file that does not parse, an unknown figure, a value that is not
 *   a number or a figure given twice
 */
export function readQuarterly(
  file: string,
  bytes: Uint8Array,
  reconciliations: readonly ReconcileTrace[] | undefined,
): QuarterlyFigures {
  const decl = reconciliations?.[0];
  if (decl === undefined)
    throw new QuarterlyError(
      "REG336",
      `--quarterly ${file}: the ruleset declares no \`reconcile\`, so there is nothing to compare the figures with`,
    );
  const text = new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
  const entries =
    /\.json$/i.test(file) || /^\s*[{[]/.test(text)
      ? jsonEntries(file, text)
      : csvEntries(file, text);
  const known = decl.figures.map((f) => f.name);
  const figures = new Map<string, QuarterlyFigure>();
  for (const e of entries) {
    if (!known.includes(e.name)) {
      const near = closest(e.name, known);
      throw new QuarterlyError(
        "REG333",
        `${file} line ${e.line}: unknown figure "${e.name}"${near ? `; did you mean "${near}"?` : ""} (reconcile ${decl.name} compares ${known.join(", ")})`,
      );
    }
    const first = figures.get(e.name);
    if (first !== undefined)
      throw new QuarterlyError(
        "REG335",
        `${file} line ${e.line}: figure "${e.name}" is given twice (first on line ${first.line})`,
      );
    if (!NUMBER.test(e.value))
      throw new QuarterlyError(
        "REG334",
        `${file} line ${e.line}, field ${e.field}: ${JSON.stringify(e.value)} is not a number (write it as 1250000 or 1250000.50: no thousands separators, currency or percent sign)`,
      );
    figures.set(e.name, { text: e.value, line: e.line });
  }
  return { file, sha256: sha256Hex(bytes), bytes: bytes.byteLength, figures };
}

interface Entry {
  name: string;
  value: string;
  line: number;
  /** How the message names the field: `value` (CSV) or the JSON key. */
  field: string;
}

function csvEntries(file: string, text: string): Entry[] {
  let rows: { record: string[]; info: { lines: number } }[];
  // loaded only when quarterly figures are given as CSV (start-up, bench/)
  const parseCsv = (
    createRequire(import.meta.url)("csv-parse/sync") as {
      parse: typeof ParseCsv;
    }
  ).parse;
  try {
    rows = parseCsv(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new QuarterlyError(
      "REG332",
      `${file}${line ? ` line ${line}` : ""}: not valid CSV (${(e as Error).message.replace(/^Invalid [^:]*: /, "")})`,
    );
  }
  const [header, ...body] = rows;
  const head = header?.record.map((c) => c.trim());
  if (head === undefined || head.join(",") !== "figure,value")
    throw new QuarterlyError(
      "REG332",
      `${file} line ${header?.info.lines ?? 1}: the header must be "figure,value"${head ? `, found "${head.join(",")}"` : " (the file is empty)"}`,
    );
  return body.map(({ record, info }) => {
    if (record.length !== 2)
      throw new QuarterlyError(
        "REG332",
        `${file} line ${info.lines}: ${record.length} field(s), expected 2 (figure,value)`,
      );
    return {
      name: record[0].trim(),
      value: record[1].trim(),
      line: info.lines,
      field: "value",
    };
  });
}

function jsonEntries(file: string, text: string): Entry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const line = at ? lineAt(text, Number(at[1])) : undefined;
    throw new QuarterlyError(
      "REG332",
      `${file}${line ? ` line ${line}` : ""}: not valid JSON (${(e as Error).message})`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new QuarterlyError(
      "REG332",
      `${file} line 1: expected a JSON object of figure names to numbers, e.g. {"number_of_depositors": 1250}`,
    );
  const numberTexts = memberNumberTexts(text);
  return Object.entries(parsed as Record<string, unknown>).map(([k, v]) => {
    const line = keyLine(text, k);
    if (typeof v !== "number" && typeof v !== "string")
      throw new QuarterlyError(
        "REG334",
        `${file} line ${line}, field ${k}: ${JSON.stringify(v)} is not a number`,
      );
    return {
      name: k,
      // a JSON number as the file writes it, so that 0.1 stays 0.1 (not a binary fraction)
      value: typeof v === "string" ? v.trim() : numberTexts.get(k)!,
      line,
      field: k,
    };
  });
}

function keyLine(text: string, key: string): number {
  const i = text.indexOf(`${JSON.stringify(key)}`);
  return i < 0 ? 1 : lineAt(text, i);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The closest name (Levenshtein distance at most 3), for "did you mean". */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  for (const n of names) {
    const d = distance(name.toLowerCase(), n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length];
}

// ---------------------------------------------------------------- comparing

/** A decimal text as an unscaled bigint at `scale` decimals. */
function unscaled(text: string, scale: number): bigint {
  const neg = text.startsWith("-");
  const [int, frac = ""] = (neg ? text.slice(1) : text).split(".");
  const v = BigInt(int + frac.padEnd(scale, "0").slice(0, scale));
  return neg ? -v : v;
}

const scaleOf = (text: string): number => text.split(".")[1]?.length ?? 0;

function decimalText(v: bigint, scale: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, "0");
  const body =
    scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return `${neg ? "-" : ""}${body}`;
}

/** The delivered value of an aggregate as exact decimal text, when it has one. */
function deliveredText(a: AggregateReport): string | undefined {
  if (a.value === null) return undefined;
  if (NUMBER.test(a.text)) return a.text;
  // a share: its value in percent, to 6 decimals
  return a.value.toFixed(6);
}

/**
 * Compare the quarterly figures with the delivery's aggregates, figure by figure as the
 * ruleset's (first) `reconcile` declares them.
 */
export function reconcile(
  decl: ReconcileTrace,
  aggregates: readonly AggregateReport[],
  quarterly: QuarterlyFigures,
): ReconciliationReport {
  const figures: ReconciledFigure[] = decl.figures.map((f) => {
    const agg = aggregates.find((a) => a.name === f.aggregate);
    const q = quarterly.figures.get(f.name);
    const delivered = agg ? deliveredText(agg) : undefined;
    const tolerance =
      f.tolerance.kind === "percent"
        ? `${f.tolerance.value} %`
        : f.tolerance.value;
    const base = {
      name: f.name,
      aggregate: f.aggregate,
      reported: q === undefined ? null : Number(q.text),
      delivered: delivered === undefined ? null : Number(delivered),
      tolerance,
    };
    if (q === undefined || delivered === undefined)
      return {
        ...base,
        difference: null,
        status: "missing" as const,
        message:
          q === undefined
            ? `${f.name}: the quarterly file does not give this figure; the delivery has ${delivered ?? "no value"} (${f.aggregate})`
            : `${f.name}: the quarterly report gives ${q.text}; the delivery has no value for ${f.aggregate}`,
      };
    const tol = f.tolerance.value;
    const scale = Math.max(scaleOf(q.text), scaleOf(delivered), scaleOf(tol));
    const r = unscaled(q.text, scale);
    const d = unscaled(delivered, scale);
    const diff = d - r;
    const abs = diff < 0n ? -diff : diff;
    let within: boolean;
    if (f.tolerance.kind === "percent") {
      // |diff| <= |reported| * tol / 100, in integers
      const ts = scaleOf(tol);
      const tv = unscaled(tol, ts);
      const rAbs = r < 0n ? -r : r;
      within = abs * 100n * 10n ** BigInt(ts) <= rAbs * tv;
    } else within = abs <= unscaled(tol, scale);
    const diffText = decimalText(diff, scale);
    return {
      ...base,
      difference: Number(diffText),
      status: within ? ("within" as const) : ("differs" as const),
      message: `${f.name}: the quarterly report gives ${q.text}, the delivery has ${delivered} (${f.aggregate}); difference ${diffText}, tolerance ${tolerance}: ${within ? "within the tolerance" : "outside the tolerance"}`,
    };
  });
  return {
    name: decl.name,
    title: decl.title ?? null,
    articles: [...decl.articles],
    file: quarterly.file,
    sha256: quarterly.sha256,
    status: figures.every((f) => f.status === "within")
      ? "reconciled"
      : "differences",
    figures,
  };
}
