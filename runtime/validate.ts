/**
 * The embedding API: validate records from your own pipeline with the compiled validators, no CLI
 * needed. Findings are the typed {@link Finding} objects of the compiled-module contract; each one
 * carries its rule's law (`finding.law`: code, title, the articles it implements, the assumptions it
 * rests on), one frozen object per rule that all of its findings share. `module.laws[code]` is the
 * same object, looked up by rule code.
 *
 * ```ts
 * import { loadCompiled, validateRecords } from "regel/runtime/validate.js";
 * const rs = await loadCompiled("rulesets/compiled/ikb.glo@1.3.0");
 * for await (const r of validateRecords(rs, "BA", rows, { rrd: "2024-03-01" }))
 *   for (const f of r.findings)
 *     console.log(f.rule, f.law.title, f.law.articles.map((a) => `${a.source} ${a.locator}`));
 * ```
 *
 * @module
 */
import type {
  Classification,
  CompiledRuleset,
  Finding,
  RuleContext,
} from "../compiler/contract.js";
import {
  dateToDays,
  deliveryFiles,
  validateDelivery,
  type DeliveryOptions,
} from "./delivery.js";
import {
  defaultCompiledRoot,
  loadCompiled,
  type LoadedRuleset,
} from "./load-compiled.js";
import type { Report } from "./report-types.js";
import { selectRuleset } from "./select-version.js";
import { readCsvBatches } from "./csv-reader.js";

export type {
  ArticleTrace,
  Finding,
  Classification,
  CompiledRuleset,
  RuleLaw,
} from "../compiler/contract.js";
export type { Report } from "./report-types.js";
export { loadCompiled, selectRuleset, validateDelivery };
export { reportToJson } from "./report-json.js";
export { renderHtml } from "./html-report.js";
export { writeReport } from "./report-write.js";

/** A row as CSV text: by column name, or as cells in the entity's field order. */
export type RowInput =
  Readonly<Record<string, string | undefined>> | readonly string[];

/** The result for one record. */
export interface RecordResult<R = unknown> {
  /** The decoded, typed record. */
  record: R;
  findings: Finding[];
  /** True when the record meets every rule (no findings). */
  passed: boolean;
}

export interface RecordOptions {
  /** Reporting reference date, YYYY-MM-DD. */
  rrd: string;
}

type AnyIterable<T> = AsyncIterable<T> | Iterable<T>;

function moduleOf(rs: CompiledRuleset | LoadedRuleset): CompiledRuleset {
  return "module" in rs ? rs.module : rs;
}

/**
 * Findings of a module compiled before findings carried their law get it here, by code (O(1)), so
 * that every finding of this API has one. Runs on the failure path only.
 */
function withLaws(m: CompiledRuleset, findings: Finding[]): Finding[] {
  for (const f of findings) if (f.law === undefined) f.law = m.laws[f.rule];
  return findings;
}

function rrdDays(rrd: string): number {
  const d = dateToDays(rrd);
  if (Number.isNaN(d))
    throw new Error(`invalid RRD ${JSON.stringify(rrd)}: expected YYYY-MM-DD`);
  return d;
}

/** A cell of a row given as an object: only its own properties (a column may be called `constructor`). */
function ownText(row: object, column: string): string | undefined {
  return Object.hasOwn(row, column)
    ? (row as Record<string, string | undefined>)[column]
    : undefined;
}

/** Build a decoder for rows of one entity: cells in field order plus the identity index. */
function rowDecoder(m: CompiledRuleset, entity: string) {
  const meta = m.entities.find((e) => e.name === entity);
  const decode = Object.hasOwn(m.decoders, entity)
    ? m.decoders[entity]
    : undefined;
  if (!meta || !decode)
    throw new Error(
      `unknown entity ${JSON.stringify(entity)} in ${m.metadata.id}`,
    );
  const index = meta.fields.map((_, i) => i);
  return (row: RowInput, out: Finding[]): unknown => {
    const cells = Array.isArray(row)
      ? (row as readonly string[])
      : meta.fields.map(
          (f) => ownText(row, f.column) ?? ownText(row, f.name) ?? "",
        );
    return decode(cells, index, out);
  };
}

/**
 * Validate records of one entity, one at a time. Rules that look at the rest of the IKB (`exists`,
 * `count`, `sum`) see an empty IKB here; use {@link validateIkbs} for those entities.
 */
export async function* validateRecords(
  ruleset: CompiledRuleset | LoadedRuleset,
  entity: string,
  rows: AnyIterable<RowInput>,
  opts: RecordOptions,
): AsyncGenerator<RecordResult> {
  const m = moduleOf(ruleset);
  const decode = rowDecoder(m, entity);
  const check = Object.hasOwn(m.checks, entity) ? m.checks[entity] : undefined;
  const ctx: RuleContext = {
    rrd: rrdDays(opts.rrd),
    ikb: Object.create(null),
    ikbKey: undefined,
  };
  for await (const row of rows as AsyncIterable<RowInput>) {
    const findings: Finding[] = [];
    const record = decode(row, findings);
    if (check) check(record, ctx, findings);
    if (findings.length > 0) withLaws(m, findings);
    yield { record, findings, passed: findings.length === 0 };
  }
}

/** A CSV row's result, or a row the reader or the header check rejected. */
export type CsvRowResult =
  | ({ kind: "record"; line: number } & RecordResult)
  | { kind: "rejected"; line: number; code: string; message: string };

/**
 * Validate a CSV byte or text stream of one entity (header first, columns by name), e.g. a Node
 * `Readable` or a web `ReadableStream` body. Rows the reader cannot read, or whose column count
 * differs from the header, come back as `rejected` with their line.
 */
export async function* validateCsv(
  ruleset: CompiledRuleset | LoadedRuleset,
  entity: string,
  source: AnyIterable<Uint8Array | string>,
  opts: RecordOptions,
): AsyncGenerator<CsvRowResult> {
  const m = moduleOf(ruleset);
  const meta = m.entities.find((e) => e.name === entity);
  const decode = Object.hasOwn(m.decoders, entity)
    ? m.decoders[entity]
    : undefined;
  if (!meta || !decode)
    throw new Error(
      `unknown entity ${JSON.stringify(entity)} in ${m.metadata.id}`,
    );
  const check = Object.hasOwn(m.checks, entity) ? m.checks[entity] : undefined;
  const ctx: RuleContext = {
    rrd: rrdDays(opts.rrd),
    ikb: Object.create(null),
    ikbKey: undefined,
  };
  let index: number[] | undefined;
  let width = 0;
  for await (const batch of readCsvBatches(source)) {
    for (const ev of batch) {
      if (ev.kind === "problem") {
        yield {
          kind: "rejected",
          line: ev.line,
          code: `input.${ev.code}`,
          message: ev.message,
        };
        continue;
      }
      if (!index) {
        index = meta.fields.map((f) => ev.cells.indexOf(f.column));
        width = ev.cells.length;
        continue;
      }
      if (ev.cells.length !== width) {
        yield {
          kind: "rejected",
          line: ev.line,
          code: "input.column-count",
          message: `the row has ${ev.cells.length} columns; the header has ${width}`,
        };
        continue;
      }
      const findings: Finding[] = [];
      const record = decode(ev.cells, index, findings);
      if (check) check(record, ctx, findings);
      for (const f of findings) f.line = ev.line;
      if (findings.length > 0) withLaws(m, findings);
      yield {
        kind: "record",
        line: ev.line,
        record,
        findings,
        passed: findings.length === 0,
      };
    }
  }
}

/** One IKB to validate: its key and its rows per entity name. */
export interface IkbInput {
  key: string;
  records: Readonly<Record<string, readonly RowInput[]>>;
}

/** The result for one IKB. */
export interface IkbResult {
  key: string;
  records: Record<string, unknown[]>;
  findings: Finding[];
  classification: Classification;
}

/** Validate whole IKBs (all records of one depositor together) and classify each (Bijlage 3). */
export async function* validateIkbs(
  ruleset: CompiledRuleset | LoadedRuleset,
  ikbs: AnyIterable<IkbInput>,
  opts: RecordOptions,
): AsyncGenerator<IkbResult> {
  const m = moduleOf(ruleset);
  const days = rrdDays(opts.rrd);
  const decoders = new Map(
    m.entities
      .filter((e) => m.decoders[e.name])
      .map((e) => [e.name, rowDecoder(m, e.name)]),
  );
  for await (const input of ikbs as AsyncIterable<IkbInput>) {
    const findings: Finding[] = [];
    const records: Record<string, unknown[]> = Object.create(null);
    for (const e of m.entities) records[e.name] = [];
    const decoded: [string, unknown][] = [];
    for (const [entity, rows] of Object.entries(input.records)) {
      const decode = decoders.get(entity);
      if (!decode)
        throw new Error(
          `unknown entity ${JSON.stringify(entity)} in ${m.metadata.id}`,
        );
      for (const row of rows) {
        const r = decode(row, findings);
        records[entity].push(r);
        decoded.push([entity, r]);
      }
    }
    const ctx: RuleContext = { rrd: days, ikb: records, ikbKey: input.key };
    for (const [entity, r] of decoded) m.checks[entity]?.(r, ctx, findings);
    if (findings.length > 0) withLaws(m, findings);
    yield {
      key: input.key,
      records,
      findings,
      classification: m.classify(findings, records),
    };
  }
}

export interface FolderOptions extends DeliveryOptions {
  /** `name@version` or `name`; default: chosen by the RRD and the files present. */
  ruleset?: string;
  /** Folder with compiled rulesets (default: the regel package's own, see {@link defaultCompiledRoot}). */
  compiledRoot?: string;
}

/**
 * Validate a delivery folder end to end and return the report. The ruleset is chosen as by
 * `regel validate` ({@link selectRuleset}): a folder whose files fit more than one ruleset in
 * force on the RRD is refused with a `RulesetLoadError` that names the candidates.
 */
export async function validateFolder(
  folder: string,
  opts: FolderOptions,
): Promise<Report> {
  const loaded = await selectRuleset({
    root: opts.compiledRoot ?? defaultCompiledRoot(),
    ruleset: opts.ruleset,
    rrd: opts.rrd,
    deliveryFiles: deliveryFiles(folder),
  });
  return validateDelivery(folder, loaded, opts);
}
