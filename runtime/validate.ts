/**
 * The embedding API: validate records from your own pipeline with the compiled validators, no CLI
 * needed. Findings are the typed {@link Finding} objects of the compiled-module contract; each one
 * carries its rule's law (`finding.law`: code, title, the articles it implements, the assumptions it
 * rests on), one frozen object per rule that all of its findings share. `module.laws[code]` is the
 * same object, looked up by rule code.
 *
 * Given a module imported with its types, the API is typed by the ruleset: the entity is a literal
 * union, a row is checked by field name and the record has the entity's type.
 *
 * ```ts
 * import { validateRecords } from "regel";
 * import * as glo from "regel/rulesets/ikb.glo@1.3.0";
 * for await (const r of validateRecords(glo, "BA", rows, { rrd: "2024-03-01" }))
 *   for (const f of r.findings)
 *     console.log(f.rule, f.law.title, f.law.articles.map((a) => `${a.source} ${a.locator}`));
 * ```
 *
 * Input the caller must fix is thrown as a typed error (runtime/errors.ts): an unknown entity, a
 * column the entity does not have, a row that is not a row of cells, a field given twice, a cell
 * that is not text, an RRD that is not a date, a loaded ruleset older than its sources.
 *
 * @module
 */
import type {
  Classification,
  CompiledRuleset,
  Decoder,
  EntityMeta,
  Finding,
  RuleContext,
} from "../compiler/contract.js";
import {
  deliveryFiles,
  duplicateColumns,
  validateDelivery,
  type DeliveryOptions,
} from "./delivery.js";
import { types } from "node:util";
import {
  AmbiguousFieldError,
  describeValue,
  InvalidArgumentError,
  InvalidCellError,
  InvalidRowError,
  InvalidChunkError,
  rrdToDays,
  UnknownColumnError,
  UnknownEntityError,
} from "./errors.js";
import { assertRulesetCurrent } from "./source-check.js";
import { repeatedHeaderMessage, repeatsHeader } from "./ikb-key.js";
import { defaultCompiledRoot, type LoadedRuleset } from "./load-compiled.js";
import type { Report } from "./report-types.js";
import { selectRuleset } from "./select-version.js";
import { INVALID, readCsvBatches } from "./csv-reader.js";
import {
  cellNormalizer,
  dialectReaderOptions,
  showDelivered,
  unknownRecordTypeMessage,
} from "./dialect.js";
import {
  checkDeliveryFolder,
  checkDeliveryOptions,
} from "./folder-arguments.js";

/** Any sync or async iterable: an array, a generator, a Node stream, a queue consumer. */
export type AnyIterable<T> = AsyncIterable<T> | Iterable<T>;

/**
 * The entity names of a compiled ruleset: a literal union (`"NP" | "NNP" | ...`) for a module
 * imported with its types (`import * as glo from "regel/rulesets/ikb.glo@1.3.0"`), `string` for
 * one loaded at run time without them.
 */
export type EntityName<M extends CompiledRuleset = CompiledRuleset> = Extract<
  keyof M["decoders"],
  string
>;

/** The record type of entity `E` of ruleset `M` (what its decoder returns); `unknown` when untyped. */
export type RecordOf<M extends CompiledRuleset, E extends EntityName<M>> =
  M["decoders"][E] extends Decoder<infer R> ? R : unknown;

/**
 * A row of entity `E` as CSV text: by field name (`{ last_name: "Jansen" }`; the CSV column name
 * is accepted too where it differs), or as cells in the entity's field order. An empty cell is
 * `""`, `undefined`, `null` or left out. For an untyped ruleset, any column names (checked at
 * run time). Which objects are rows: see {@link RowInput}.
 */
export type RowOf<M extends CompiledRuleset, E extends EntityName<M>> =
  unknown extends RecordOf<M, E>
    ? RowInput
    : | {
          readonly [
            K in Exclude<
              keyof RecordOf<M, E>,
              "$invalid" | "$unknown"
            > as K extends string ? K : never
          ]?: string | null | undefined;
        }
      | readonly string[];

/**
 * A row as CSV text: by column (or field) name, or as cells in the entity's field order. A row
 * object's cells are its own enumerable properties: a plain object (parsed JSON, an object
 * literal, `Object.fromEntries(map)`), or an object of a class whose cells are its own properties.
 * A `Map`, an object that inherits a cell (a class's getter, `Object.create(proto)`) or has no
 * property of its own, and a row that is not an object or array are an `InvalidRowError`. A field
 * given under both its field name and its column name must carry the same cell (else
 * `AmbiguousFieldError`); `undefined` counts as left out.
 */
export type RowInput =
  Readonly<Record<string, string | null | undefined>> | readonly string[];

/** The result for one record. */
export interface RecordResult<R = unknown> {
  /** The decoded, typed record. */
  record: R;
  /** What the record does not meet; each finding carries its rule's law (`finding.law`). */
  findings: Finding[];
  /** True when the record meets every rule (no findings). */
  passed: boolean;
}

/** Options of {@link validateRecords}, {@link validateCsv} and {@link validateIkbs}. */
export interface RecordOptions {
  /** Reporting reference date, YYYY-MM-DD. */
  rrd: string;
}

/** What the functions of this module accept as a ruleset: a loaded one, or a module imported with its types. */
export type RulesetInput<M extends CompiledRuleset = CompiledRuleset> =
  M | LoadedRuleset<M>;

/**
 * The module of a ruleset input. A loaded ruleset whose compiled output is older than its `.regel`
 * sources is refused with a `StaleRulesetError`, as `validateFolder` refuses it; a module
 * imported directly has no folder to compare with and is taken as it is.
 */
function moduleOf<M extends CompiledRuleset>(rs: RulesetInput<M>): M {
  if (!("module" in rs) || rs.module === undefined) return rs as M;
  const loaded = rs as LoadedRuleset<M>;
  assertRulesetCurrent(loaded);
  return loaded.module;
}

/**
 * Findings of a module compiled before findings carried their law get it here, by code (O(1)), so
 * that every finding of this API has one. Runs on the failure path only.
 */
function withLaws(m: CompiledRuleset, findings: Finding[]): Finding[] {
  for (const f of findings) if (f.law === undefined) f.law = m.laws[f.rule];
  return findings;
}

/** A cell of a row given as an object: only its own properties (a column may be called `constructor`). */
function ownText(row: object, column: string): unknown {
  return Object.hasOwn(row, column)
    ? (row as Record<string, unknown>)[column]
    : undefined;
}

/** The entity's metadata and decoder, or an {@link UnknownEntityError} that lists the entities. */
function entityOf(
  m: CompiledRuleset,
  entity: unknown,
): { meta: EntityMeta; decode: Decoder<unknown> } {
  const name = String(entity);
  const meta = m.entities.find((e) => e.name === name);
  const decode = Object.hasOwn(m.decoders, name) ? m.decoders[name] : undefined;
  if (typeof entity !== "string" || !meta || !decode)
    throw unknownEntity(m, name);
  return { meta, decode };
}

function unknownEntity(m: CompiledRuleset, name: string): UnknownEntityError {
  return new UnknownEntityError(
    name,
    m.entities
      .filter((e) => Object.hasOwn(m.decoders, e.name))
      .map((e) => e.name),
    m.metadata.id,
  );
}

/** A cell as text: `""` for an empty one; anything but text is an {@link InvalidCellError}. */
function cellText(
  value: unknown,
  entity: string,
  column: string,
  row: number,
): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  throw new InvalidCellError(entity, column, row, value);
}

/**
 * A row object's cell of field `f`: under its column name or its field name. Given under both
 * (neither `undefined`) with different cells it is an {@link AmbiguousFieldError}; the same cell
 * under both (`""`, `null` and `undefined` being the same empty cell) is that cell.
 */
function objectCell(
  row: object,
  f: EntityMeta["fields"][number],
  entity: string,
  n: number,
): string {
  const byColumn = ownText(row, f.column);
  if (f.column === f.name) return cellText(byColumn, entity, f.column, n);
  const byName = ownText(row, f.name);
  if (byColumn === undefined) return cellText(byName, entity, f.name, n);
  const cell = cellText(byColumn, entity, f.column, n);
  if (byName !== undefined && cellText(byName, entity, f.name, n) !== cell)
    throw new AmbiguousFieldError(entity, f.name, f.column, n);
  return cell;
}

/**
 * Refuse a row object that is not a plain object (its prototype is not `Object.prototype` nor
 * null) when its cells would not be read: a row's cells are its own properties, so a `Map`, an
 * object without a property of its own, or one that inherits a cell (a class's getter, a field
 * of `Object.create(proto)`'s prototype) would pass as a row of empty cells. An object of a class
 * whose cells are its own properties (a database driver's row) is read as it is.
 */
function checkRowObject(
  row: object,
  entity: string,
  n: number,
  cellNames: readonly string[],
): void {
  if (types.isMap(row))
    throw new InvalidRowError(
      entity,
      n,
      "the row is a Map, whose entries are not read as cells",
    );
  if (types.isBoxedPrimitive(row) || ArrayBuffer.isView(row))
    throw new InvalidRowError(
      entity,
      n,
      `the row (${className(row)}) is a value, not an object of cells`,
    );
  for (const k of cellNames)
    if (k in row && !Object.hasOwn(row, k))
      throw new InvalidRowError(
        entity,
        n,
        `${JSON.stringify(k)} is not a property of the row's own but of its prototype (${className(row)}), and only its own properties are read as cells`,
      );
  // (an empty object of another realm, whose Object.prototype is not this one's, is an empty row)
  const proto: unknown = Object.getPrototypeOf(row);
  if (Object.keys(row).length === 0 && Object.getPrototypeOf(proto) !== null)
    throw new InvalidRowError(
      entity,
      n,
      `the row (${className(row)}) has no property of its own, and only its own properties are read as cells`,
    );
}

/** The name of an object's class, for a message (`a MyRow`, `an object made by Object.create`). */
function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor
    ?.name;
  return typeof name === "string" && name !== "" && name !== "Object"
    ? `an object of class ${name}`
    : "an object made by Object.create";
}

/**
 * Build a decoder for rows of one entity: cells in field order plus the identity index. A row
 * given by name must name only columns (or fields) of the entity, and every cell must be text.
 */
function rowDecoder(m: CompiledRuleset, entity: string) {
  const { meta, decode } = entityOf(m, entity);
  const index = meta.fields.map((_, i) => i);
  const known = new Set(meta.fields.flatMap((f) => [f.column, f.name]));
  const columns = meta.fields.map((f) => f.column);
  // every object inherits `constructor`, `toString`, …: a cell of such a name is looked for as
  // an own property only
  const inheritable = [...known].filter((k) => !(k in Object.prototype));
  return (row: unknown, n: number, out: Finding[]): unknown => {
    let cells: string[];
    if (Array.isArray(row)) {
      if (row.length > meta.fields.length)
        throw new UnknownColumnError(
          entity,
          `#${meta.fields.length + 1}`,
          n,
          columns,
        );
      cells = meta.fields.map((f, i) =>
        cellText((row as unknown[])[i], entity, f.column, n),
      );
    } else if (typeof row === "object" && row !== null) {
      // one prototype test per row: a plain object (the usual row) is read without more
      const proto: unknown = Object.getPrototypeOf(row);
      if (proto !== Object.prototype && proto !== null)
        checkRowObject(row, entity, n, inheritable);
      for (const k of Object.keys(row))
        if (!known.has(k)) throw new UnknownColumnError(entity, k, n, columns);
      cells = meta.fields.map((f) => objectCell(row, f, entity, n));
    } else {
      throw new InvalidRowError(
        entity,
        n,
        `${describeValue(row)} is not a row`,
      );
    }
    return decode(cells, index, out);
  };
}

/**
 * Validate records of one entity, one at a time, from any iterable or async iterable (an array, a
 * generator, a queue consumer). Rules that look at the rest of the IKB (`exists`, `count`, `sum`)
 * see an empty IKB here; use {@link validateIkbs} for those entities.
 *
 * With a module imported with its types (`import * as glo from "regel/rulesets/ikb.glo@1.3.0"`)
 * the entity is a literal union, rows are checked by field name and `result.record` has the
 * entity's record type.
 *
 * @throws UnknownEntityError when the ruleset has no such entity (before the first row is read)
 * @throws UnknownColumnError when a row names a column the entity does not have
 * @throws InvalidCellError when a cell is not text
 * @throws InvalidRowError when a row is not a plain object of its cells nor an array (see
 *   {@link RowInput}): a `Map`, a class whose cells are getters, a string
 * @throws AmbiguousFieldError when a row gives a field under its field name and its column name
 *   with different cells
 * @throws StaleRulesetError when `ruleset` is a loaded ruleset whose compiled output is older than
 *   its `.regel` sources (as `validateFolder` refuses it)
 * @throws InvalidRrdError when `opts.rrd` is not a YYYY-MM-DD date
 */
export async function* validateRecords<
  M extends CompiledRuleset,
  E extends EntityName<M>,
>(
  ruleset: RulesetInput<M>,
  entity: E,
  rows: AnyIterable<RowOf<M, E>>,
  opts: RecordOptions,
): AsyncGenerator<RecordResult<RecordOf<M, E>>, void, undefined> {
  const m = moduleOf(ruleset);
  const decode = rowDecoder(m, entity);
  const check = Object.hasOwn(m.checks, entity) ? m.checks[entity] : undefined;
  const ctx: RuleContext = {
    rrd: rrdToDays(opts.rrd),
    ikb: Object.create(null),
    ikbKey: undefined,
  };
  let n = 0;
  for await (const row of rows as AsyncIterable<unknown>) {
    const findings: Finding[] = [];
    const record = decode(row, ++n, findings) as RecordOf<M, E>;
    if (check) check(record, ctx, findings);
    if (findings.length > 0) withLaws(m, findings);
    yield { record, findings, passed: findings.length === 0 };
  }
}

/** A CSV row's result, or a row (or header column) the reader or the header check rejected. */
export type CsvRowResult<R = unknown> =
  | ({ kind: "record"; line: number } & RecordResult<R>)
  | { kind: "rejected"; line: number; code: string; message: string };

/**
 * Validate a CSV byte or text stream of one entity (header first, columns by name), e.g. a Node
 * `Readable` or a web `ReadableStream` body. Rows the reader cannot read, or whose column count
 * differs from the header, come back as `rejected` with their line; so does each header column
 * that is not a column of the entity (`input.unknown-column`, line 1: its cells are not read). A
 * header that names a column more than once is rejected (`input.duplicate-column`, line 1), and
 * so is every row after it, as `regel validate` rejects that file.
 *
 * The source is read as `regel validate` reads the entity's file: in the dialect its `file`
 * clause declares (separator, quote, encoding of byte chunks, no header row, dates and decimal
 * comma; docs/language.md, "File dialects"), and for a file of several record types only the rows
 * of the entity's type (a row of no declared type is rejected, `input.unknown-record-type`).
 * Findings show values as the source holds them. Text chunks are taken as already decoded.
 *
 * @throws UnknownEntityError when the ruleset has no such entity
 * @throws StaleRulesetError when `ruleset` is a loaded ruleset whose compiled output is older than
 *   its `.regel` sources (as `validateFolder` refuses it)
 * @throws InvalidRrdError when `opts.rrd` is not a YYYY-MM-DD date
 * @throws InvalidChunkError when a chunk of `source` is neither a string nor a Uint8Array (e.g. a
 *   stream in object mode)
 */
export async function* validateCsv<
  M extends CompiledRuleset,
  E extends EntityName<M>,
>(
  ruleset: RulesetInput<M>,
  entity: E,
  source: AnyIterable<Uint8Array | string>,
  opts: RecordOptions,
): AsyncGenerator<CsvRowResult<RecordOf<M, E>>, void, undefined> {
  const m = moduleOf(ruleset);
  const { meta, decode } = entityOf(m, entity);
  const check = Object.hasOwn(m.checks, entity) ? m.checks[entity] : undefined;
  const ctx: RuleContext = {
    rrd: rrdToDays(opts.rrd),
    ikb: Object.create(null),
    ikbKey: undefined,
  };
  const columns = meta.fields.map((f) => f.column);
  // read as the folder's read stage reads the entity's file: its declared dialect
  // (runtime/dialect.ts); a file without a header row has the fields in declared order
  const headerless = meta.dialect?.header === false;
  let index: number[] | undefined = headerless
    ? meta.fields.map((_, i) => i)
    : undefined;
  let width = headerless ? meta.fields.length : 0;
  /** Rewrites the declared dates and decimal comma to the text the decoder reads. */
  let normalizer = index && cellNormalizer(meta, index);
  const recordTypes = recordTypesOf(m, meta);
  const unknownType =
    recordTypes === undefined
      ? ""
      : unknownRecordTypeMessage(recordTypes, String(meta.file));
  /** The header names a column twice: no row is read. */
  let headerRejected = false;
  /** The IKB key column and its name in the header: a row with that key repeats the header. */
  let keyColumn = -1;
  let headerKey: string | undefined;
  const ikbField = meta.fields.findIndex((f) => f.name === m.metadata.ikb?.key);
  for await (const batch of readCsvBatches(
    textChunks(source, entity),
    dialectReaderOptions(meta),
  )) {
    for (const ev of batch) {
      if (recordTypes !== undefined && ev.kind === "row") {
        // a file of record types: this entity's rows are those of its type (the first field)
        const type = ev.cells[0];
        if (type !== meta.record) {
          if (!recordTypes.has(type))
            yield {
              kind: "rejected",
              line: ev.line,
              code: "input.unknown-record-type",
              message: unknownType,
            };
          continue;
        }
      }
      if (ev.kind === "problem") {
        yield {
          kind: "rejected",
          line: ev.line,
          code: `input.${ev.code}`,
          message: ev.message,
        };
        continue;
      }
      if (headerRejected) {
        // as `regel validate`: every row of a file whose header is rejected is rejected
        yield {
          kind: "rejected",
          line: ev.line,
          code: "input.duplicate-column",
          message:
            "the row is not read: the header names a column more than once",
        };
        continue;
      }
      if (!index) {
        const duplicates = duplicateColumns(ev.cells);
        if (duplicates !== undefined) {
          // either cell could be the column's: the file is not read (as `regel validate`)
          headerRejected = true;
          yield {
            kind: "rejected",
            line: ev.line,
            code: "input.duplicate-column",
            message: duplicates,
          };
          continue;
        }
        index = meta.fields.map((f) => ev.cells.indexOf(f.column));
        width = ev.cells.length;
        keyColumn = ikbField >= 0 ? index[ikbField] : -1;
        headerKey = keyColumn >= 0 ? ev.cells[keyColumn] : undefined;
        normalizer = cellNormalizer(meta, index);
        for (const c of ev.cells)
          if (!columns.includes(c))
            yield {
              kind: "rejected",
              line: ev.line,
              code: "input.unknown-column",
              message: new UnknownColumnError(entity, c, 0, columns).message
                .replace(/^row 0 of [^:]*: /, "")
                .concat("; its cells are not read"),
            };
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
      if (
        headerKey !== undefined &&
        repeatsHeader(ev.cells[keyColumn], headerKey)
      ) {
        // a blocking input.repeated-header of `regel validate`, which reads the row as a record
        // of an IKB of that name: here it is not read
        yield {
          kind: "rejected",
          line: ev.line,
          code: "input.repeated-header",
          message: repeatedHeaderMessage(headerKey, false),
        };
        continue;
      }
      const findings: Finding[] = [];
      let cells = ev.cells;
      if (normalizer) {
        cells = cells.slice();
        normalizer.normalize(cells);
      }
      const record = decode(cells, index, findings) as RecordOf<M, E>;
      if (check) check(record, ctx, findings);
      for (const f of findings) {
        f.line = ev.line;
        if (normalizer) {
          // values as the file holds them, as in a report of regel validate
          showDelivered(f.values, normalizer, cells, ev.cells);
          f.message = f.message.split(INVALID).join("");
        }
      }
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

/** The record types of the entity's file, when it holds several (`record "C"`). */
function recordTypesOf(
  m: CompiledRuleset,
  meta: EntityMeta,
): ReadonlySet<string> | undefined {
  if (meta.record === undefined) return undefined;
  return new Set(
    m.entities
      .filter((e) => e.file === meta.file && e.record !== undefined)
      .map((e) => e.record!),
  );
}

/**
 * The chunks of a CSV source, each checked to be text or bytes: the reader skips anything else,
 * so an object-mode stream (rows already parsed) validated nothing, silently.
 */
async function* textChunks(
  source: AnyIterable<unknown>,
  entity: string,
): AsyncGenerator<Uint8Array | string> {
  let n = 0;
  for await (const chunk of source as AsyncIterable<unknown>) {
    n++;
    if (typeof chunk !== "string" && !types.isUint8Array(chunk))
      throw new InvalidChunkError(entity, n, chunk);
    yield chunk;
  }
}

/** One IKB to validate: its key and its rows per entity name. */
export interface IkbInput<M extends CompiledRuleset = CompiledRuleset> {
  key: string;
  records: { readonly [E in EntityName<M>]?: readonly RowOf<M, E>[] };
}

/** The result for one IKB. */
export interface IkbResult<M extends CompiledRuleset = CompiledRuleset> {
  key: string;
  /** The decoded records per entity (every entity of the ruleset, empty when the IKB has none). */
  records: { [E in EntityName<M>]: RecordOf<M, E>[] };
  findings: Finding[];
  classification: Classification;
}

/**
 * An IKB's `records` must be a plain object of row arrays per entity: a `Map` (whose entries
 * `Object.entries` does not see) or a single row in place of an array would pass as an IKB
 * without records, classified as such.
 */
function checkIkbRecords(input: unknown, n: number): void {
  if (typeof input !== "object" || input === null)
    throw new InvalidArgumentError(
      `IKB ${n}`,
      input,
      "is not an IKB ({ key, records: { NP: [row, ...], ... } })",
    );
  const records: unknown = (input as { records?: unknown }).records;
  const problem =
    typeof records !== "object" || records === null
      ? `IKB ${n} gives no object of rows per entity ({ NP: [row, ...], ... })`
      : types.isMap(records)
        ? `IKB ${n} gives its records as a Map, whose entries are not read: give a plain object of rows per entity (Object.fromEntries(map))`
        : undefined;
  if (problem !== undefined)
    throw new InvalidArgumentError("records", records, problem);
  for (const [entity, rows] of Object.entries(records as object))
    if (rows !== undefined && !Array.isArray(rows))
      throw new InvalidArgumentError(
        `records.${entity}`,
        rows,
        `IKB ${n} gives no array of rows`,
      );
}

/**
 * Validate whole IKBs (all records of one depositor together) and classify each (Bijlage 3).
 *
 * @throws UnknownEntityError when an IKB has rows of an entity the ruleset does not have
 * @throws UnknownColumnError when a row names a column the entity does not have
 * @throws InvalidCellError when a cell is not text
 * @throws InvalidRowError when a row is not a plain object of its cells nor an array (see
 *   {@link RowInput}): a `Map`, a class whose cells are getters, a string
 * @throws AmbiguousFieldError when a row gives a field under its field name and its column name
 *   with different cells
 * @throws StaleRulesetError when `ruleset` is a loaded ruleset whose compiled output is older than
 *   its `.regel` sources (as `validateFolder` refuses it)
 * @throws InvalidRrdError when `opts.rrd` is not a YYYY-MM-DD date
 * @throws InvalidArgumentError when an IKB's `records` is not a plain object of row arrays per
 *   entity (a `Map`, or one row where an array of rows belongs)
 */
export async function* validateIkbs<M extends CompiledRuleset>(
  ruleset: RulesetInput<M>,
  ikbs: AnyIterable<IkbInput<M>>,
  opts: RecordOptions,
): AsyncGenerator<IkbResult<M>, void, undefined> {
  const m = moduleOf(ruleset);
  const days = rrdToDays(opts.rrd);
  const decoders = new Map(
    m.entities
      .filter((e) => Object.hasOwn(m.decoders, e.name))
      .map((e) => [e.name, rowDecoder(m, e.name)]),
  );
  let ikbNumber = 0;
  for await (const input of ikbs as AsyncIterable<IkbInput>) {
    checkIkbRecords(input, ++ikbNumber);
    const findings: Finding[] = [];
    const records: Record<string, unknown[]> = Object.create(null);
    for (const e of m.entities) records[e.name] = [];
    const decoded: [string, unknown][] = [];
    for (const [entity, rows] of Object.entries(input.records) as [
      string,
      readonly unknown[] | undefined,
    ][]) {
      const decode = decoders.get(entity);
      if (decode === undefined) throw unknownEntity(m, entity);
      if (rows === undefined) continue;
      let n = 0;
      for (const row of rows) {
        const r = decode(row, ++n, findings);
        records[entity].push(r);
        decoded.push([entity, r]);
      }
    }
    const ctx: RuleContext = { rrd: days, ikb: records, ikbKey: input.key };
    for (const [entity, r] of decoded)
      if (Object.hasOwn(m.checks, entity)) m.checks[entity](r, ctx, findings);
    if (findings.length > 0) withLaws(m, findings);
    yield {
      key: input.key,
      records: records as IkbResult<M>["records"],
      findings,
      classification: m.classify(findings, records),
    };
  }
}

/** Options of {@link validateFolder}: those of a delivery, plus which ruleset and where the compiled rulesets are. */
export interface FolderOptions extends DeliveryOptions {
  /** `name@version` or `name`; default: chosen by the RRD and the files present. */
  ruleset?: string;
  /** Folder with compiled rulesets (default: the regel package's own, see {@link defaultCompiledRoot}). */
  compiledRoot?: string;
}

/**
 * Validate a delivery folder end to end and return the report. The ruleset is chosen as by
 * `regel validate` ({@link selectRuleset}): a folder whose files fit more than one ruleset in
 * force on the RRD is refused with a `RulesetLoadError` that names the candidates. The files are
 * read synchronously, the event loop turning about every 10 ms while they are read
 * (runtime/csv-reader.ts), and the key sets are sealed and the report built without a turn: call
 * it in a worker thread where the caller's event loop must keep answering.
 *
 * @throws InvalidArgumentError when `folder` is not a folder
 * @throws InvalidRrdError when `opts.rrd` is missing or not a YYYY-MM-DD date
 * @throws InvalidArgumentError when an option has a value `regel validate` refuses for its flag
 *   (`threads` 0, `sortBudget` 0, `maxSamples` -1, `generatedAt` not a date-time, …)
 * @throws UnknownRulesetError when `opts.ruleset` names no compiled ruleset
 * @throws RulesetLoadError when no ruleset fits, or the compiled module cannot be loaded
 * @throws StaleRulesetError when the compiled ruleset is older than its `.regel` sources
 */
export async function validateFolder(
  folder: string,
  opts: FolderOptions,
): Promise<Report> {
  checkDeliveryFolder(folder);
  // required, as `regel validate --rrd`: it decides the version in force and every date rule
  rrdToDays(opts?.rrd);
  checkDeliveryOptions(opts);
  const loaded = await selectRuleset({
    root: opts.compiledRoot ?? defaultCompiledRoot(),
    ruleset: opts.ruleset,
    rrd: opts.rrd,
    deliveryFiles: deliveryFiles(folder),
  });
  return validateDelivery(folder, loaded, opts);
}
