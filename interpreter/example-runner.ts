/**
 * What an inline `example pass|fail` clause means: the **one-group delivery** it stands for, and
 * its run by the reference interpreter. `regel check` and `regel compile` run the same deliveries
 * through the compiled validators (cli/example-check.ts); the verdict of the compiled run is the
 * one that counts.
 *
 * A record example is a delivery holding every file of the data model (the entity's full header),
 * with the subject as the first row of its entity's file and each `with` record as a row of its
 * entity's file, checked on the example's `rrd` (default 2024-01-01, or the nearest day on which
 * the version running it is valid: {@link defaultExampleRrd}; an inherited example whose `rrd` the
 * version is not valid on is not run by it):
 * - the IKB key field of a record that does not give it is filled in: the subject's gets `IKB-1`,
 *   a `with` record's gets the subject's IKB key (`with` means "in the same IKB");
 * - a subject of a depositor entity that does not give its `by` field gets the IKB key there, so
 *   the subject is the depositor (role D);
 * - the subject is checked exactly as a delivery checks it: when the ruleset has an `ikb` and the
 *   subject's IKB key is not empty, `exists` / `count` / `sum` see the records of the delivery with
 *   that key (the subject itself included); otherwise they see no records at all. The checker
 *   refuses `with` records that could not be seen (REG409), so every `with` record is in the
 *   subject's IKB.
 * The example fails when its rule yields a finding for the subject record.
 *
 * A file example is a delivery holding every file of the data model with the entity's full header
 * and the `with` records as rows; the example's entity is then left out (`missing`), given only
 * the listed header (`columns`) or given the listed rows (`rows`). Records that do not give the IKB
 * key get `IKB-1`. It runs on the default RRD. The example fails when its rule yields a finding for
 * the example's entity.
 *
 * @module
 */
import type {
  Example,
  RecordExample,
  RecordLiteral,
  Span,
} from "../dsl/ast.js";
import {
  DEFAULT_EXAMPLE_RRD,
  defaultExampleRrd,
  EXAMPLE_IKB_KEY,
  exampleRunsIn,
  literalCell,
  withinValidity,
} from "../dsl/check-examples.js";
import type {
  ResolvedEntity,
  ResolvedRule,
  ResolvedRuleset,
} from "../dsl/model.js";
import { entityNamed } from "../dsl/named.js";
import { isGoneRule, readsPrevious } from "../dsl/previous.js";
import type { Finding } from "../compiler/contract.js";
import {
  checkFiles,
  interpretGone,
  interpretRule,
  type MemoryFile,
  type RawRow,
} from "./reference-interpreter.js";

export {
  DEFAULT_EXAMPLE_RRD,
  defaultExampleRrd,
  EXAMPLE_IKB_KEY,
  literalCell,
  withinValidity,
};

/** The outcome of one example. */
export interface ExampleResult {
  /** Rule code. */
  rule: string;
  /** `pass#1`, `fail#2`: the expectation and its 1-based number among the rule's examples of that kind. */
  example: string;
  expected: "pass" | "fail";
  /** `error` when the example could not be run (the message is in `error`). */
  actual: "pass" | "fail" | "error";
  /** The findings of the example's rule that decide the verdict. */
  findings: Finding[];
  span: Span;
  error?: string;
  /** The delivery the example ran as (absent when it could not be built). */
  delivery?: ExampleDelivery;
}

/** The one-group delivery an example stands for (see the module doc). */
export interface ExampleDelivery {
  /** The example's rule. */
  rule: string;
  /** `pass#1`, `fail#2`, as in {@link ExampleResult}. */
  label: string;
  expected: "pass" | "fail";
  span: Span;
  /** Reporting reference date, `YYYY-MM-DD`. */
  rrd: string;
  /**
   * The files of the delivery by entity name, in the ruleset's entity order; an entity with a
   * `file` that is not here is missing from the delivery.
   */
  files: Record<string, MemoryFile>;
  /** The entity whose findings decide the verdict: the subject's, or the file example's. */
  entity: string;
  /** Record examples: the subject is `files[entity].rows[0]`; `ikbKey` is its IKB, when it is in one. */
  subject: { row: RawRow; ikbKey: string | undefined } | undefined;
  /**
   * Record examples of a rule that reads `previous` (or with a `previous` clause): the subject's
   * IKB in the previous delivery (T−1), rows by entity name (empty: the IKB is not in T−1).
   * Absent: the example runs without a previous delivery.
   */
  previous?: Record<string, RawRow[]>;
  /**
   * A `for previous E` rule (accounts that disappear): E, whose records in {@link previous} the
   * rule runs on; the example fails when it has a finding on any of them.
   */
  gone?: string;
}

/** `{ gone: E }` for a `for previous E` rule, else nothing. */
function goneEntity(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule,
): { gone?: string } {
  const t = rule.decl?.target;
  if (
    rule.decl === undefined ||
    !isGoneRule(rule.decl) ||
    t?.kind !== "RecordTarget"
  )
    return {};
  const e = ruleset.links.entity(t.entity);
  return e === undefined ? {} : { gone: e.name };
}

/** The entity of a record literal (the checker linked it). */
function entityOfLiteral(
  ruleset: ResolvedRuleset,
  lit: RecordLiteral,
): ResolvedEntity {
  const entity = ruleset.links.entity(lit.entity);
  if (entity === undefined)
    throw new Error(`unknown entity ${lit.entity.name}`);
  return entity;
}

/** The IKB key column of an entity; undefined without an `ikb` or when the entity lacks the key field. */
export function ikbKeyColumn(
  ruleset: ResolvedRuleset,
  entity: ResolvedEntity,
): string | undefined {
  return ruleset.links.field(ruleset.ikb?.key, entity)?.column;
}

/** The cells a record literal gives, by column, and which columns it gives. */
function cellsOf(
  ruleset: ResolvedRuleset,
  lit: RecordLiteral,
): Record<string, string> {
  const entity = entityOfLiteral(ruleset, lit);
  const row: Record<string, string> = Object.create(null);
  // The CSV column of each field (the name as written when the entity has no such field).
  for (const fv of lit.fields)
    row[ruleset.links.field(fv.name, entity)?.column ?? fv.name.name] =
      literalCell(fv.value);
  // a record type's first field is its code (docs/language.md, "Record types")
  const first = entity.fields[0];
  if (
    entity.record !== undefined &&
    first !== undefined &&
    !(first.column in row)
  )
    row[first.column] = entity.record;
  return row;
}

/** A record literal as a row, with its IKB key (when it gives none) set to `key`. */
function rowWithKey(
  ruleset: ResolvedRuleset,
  lit: RecordLiteral,
  key: string | undefined,
): Record<string, string> {
  const row = cellsOf(ruleset, lit);
  const keyColumn = ikbKeyColumn(ruleset, entityOfLiteral(ruleset, lit));
  if (keyColumn !== undefined && key !== undefined && !(keyColumn in row))
    row[keyColumn] = key;
  return row;
}

/** The subject of a record example as a row: IKB key and (for a depositor entity) `by` field filled in. */
function subjectRow(
  ruleset: ResolvedRuleset,
  lit: RecordLiteral,
): Record<string, string> {
  const row = rowWithKey(ruleset, lit, EXAMPLE_IKB_KEY);
  const ikb = ruleset.ikb;
  const entity = entityOfLiteral(ruleset, lit);
  const keyColumn = ikbKeyColumn(ruleset, entity);
  if (ikb === undefined) return row;
  const links = ruleset.links;
  const isDepositor = ikb.depositors.some((d) => links.entity(d) === entity);
  const by = links.field(ikb.depositorBy, entity);
  if (isDepositor && by !== undefined && !(by.column in row))
    row[by.column] =
      keyColumn === undefined ? EXAMPLE_IKB_KEY : (row[keyColumn] ?? "");
  return row;
}

/** Every file of the data model, header only, in entity order. */
function emptyFiles(ruleset: ResolvedRuleset): Record<string, MemoryFile> {
  const files: Record<string, MemoryFile> = Object.create(null);
  for (const e of ruleset.entities.values())
    if (e.file !== undefined)
      files[e.name] = { header: e.fields.map((f) => f.column), rows: [] };
  return files;
}

function addRow(
  files: Record<string, MemoryFile>,
  entity: ResolvedEntity,
  row: RawRow,
): void {
  const file = (files[entity.name] ??= {
    header: entity.fields.map((f) => f.column),
    rows: [],
  });
  (file.rows as RawRow[]).push(row);
}

/** The delivery of one example of `rule` (see the module doc). */
export function exampleDelivery(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule,
  ex: Example,
  label: string,
): ExampleDelivery {
  const base = {
    rule: rule.code,
    label,
    expected: ex.expect,
    span: ex.span,
  };
  const files = emptyFiles(ruleset);
  if (ex.kind === "RecordExample") {
    const entity = entityOfLiteral(ruleset, ex.subject);
    const subject = subjectRow(ruleset, ex.subject);
    const keyColumn = ikbKeyColumn(ruleset, entity);
    const key =
      keyColumn === undefined || (subject[keyColumn] ?? "") === ""
        ? undefined
        : subject[keyColumn];
    addRow(files, entity, subject);
    for (const c of ex.context)
      addRow(files, entityOfLiteral(ruleset, c), rowWithKey(ruleset, c, key));
    // `previous` records are in the subject's IKB of T−1, as `with` records are in its IKB of T
    let previous: Record<string, RawRow[]> | undefined;
    if (ex.previous !== undefined || (rule.decl && readsPrevious(rule.decl))) {
      previous = Object.create(null) as Record<string, RawRow[]>;
      for (const c of ex.previous ?? [])
        (previous[entityOfLiteral(ruleset, c).name] ??= []).push(
          rowWithKey(ruleset, c, key),
        );
    }
    return {
      ...base,
      rrd: ex.rrd?.text ?? defaultExampleRrd(ruleset),
      files,
      entity: entity.name,
      subject: { row: subject, ikbKey: key },
      ...(previous === undefined ? {} : { previous }),
      ...goneEntity(ruleset, rule),
    };
  }
  const entity = ruleset.links.entity(ex.entity);
  if (entity === undefined) throw new Error(`unknown entity ${ex.entity.name}`);
  for (const c of ex.context)
    addRow(
      files,
      entityOfLiteral(ruleset, c),
      rowWithKey(ruleset, c, EXAMPLE_IKB_KEY),
    );
  if (ex.form === "missing") delete files[entity.name];
  else if (ex.form === "columns")
    files[entity.name] = { header: ex.columns, rows: [] };
  else
    for (const r of ex.rows)
      addRow(files, entity, rowWithKey(ruleset, r, EXAMPLE_IKB_KEY));
  return {
    ...base,
    rrd: defaultExampleRrd(ruleset),
    files,
    entity: entity.name,
    subject: undefined,
  };
}

/**
 * The records a record example's subject sees through `exists` / `count` / `sum`, by entity: the
 * rows of the delivery in the subject's IKB (the subject first), or none when it is in no IKB.
 */
export function exampleGroup(
  ruleset: ResolvedRuleset,
  d: ExampleDelivery,
): Record<string, RawRow[]> {
  const key = d.subject?.ikbKey;
  if (key === undefined) return Object.create(null);
  const group: Record<string, RawRow[]> = Object.create(null);
  for (const [entity, file] of Object.entries(d.files)) {
    // The files are keyed by entity name.
    const named = entityNamed(ruleset, entity);
    const column =
      named === undefined ? undefined : ikbKeyColumn(ruleset, named);
    if (column === undefined) continue;
    const rows = file.rows.filter((r) => r[column] === key);
    if (rows.length > 0) group[entity] = rows;
  }
  return group;
}

/**
 * The deliveries of every example of every rule (rules in ruleset order, examples as written). An
 * example that cannot be built (an unknown entity: the checker reports it) is its result instead.
 */
export function exampleDeliveries(
  ruleset: ResolvedRuleset,
): (ExampleDelivery | ExampleResult)[] {
  const out: (ExampleDelivery | ExampleResult)[] = [];
  for (const rule of ruleset.rules) {
    const counters = { pass: 0, fail: 0 };
    for (const ex of rule.decl.examples) {
      const label = `${ex.expect}#${++counters[ex.expect]}`;
      // An inherited example of a day this version is not valid on: the runtime never checks
      // such a delivery with this version (the declaring version reports its own, REG411).
      if (!exampleRunsIn(ruleset, ex)) continue;
      try {
        out.push(exampleDelivery(ruleset, rule, ex, label));
      } catch (e) {
        out.push({
          rule: rule.code,
          example: label,
          expected: ex.expect,
          actual: "error",
          findings: [],
          span: ex.span,
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
  return out;
}

/** Whether an item of {@link exampleDeliveries} is a delivery (not an example that could not be built). */
export function isDelivery(
  item: ExampleDelivery | ExampleResult,
): item is ExampleDelivery {
  return "files" in item;
}

/** A record example as CSV rows: the subject (first in its entity's list) within the records it sees, and the RRD. */
export interface ExampleCase {
  entity: string;
  subject: Record<string, string>;
  /** The records the subject sees by entity (the subject itself included); empty when it is in no IKB. */
  ikb: Record<string, Record<string, string>[]>;
  /** The subject's IKB key; undefined when it is in no IKB. */
  ikbKey: string | undefined;
  rrd: string;
}

/** The rows a record example stands for, filled in as described in the module doc. */
export function exampleCase(
  ruleset: ResolvedRuleset,
  ex: RecordExample,
): ExampleCase {
  // The delivery's rule code is not part of the case.
  const d = exampleDelivery(ruleset, { code: "" } as ResolvedRule, ex, "");
  const subject = d.subject!.row as Record<string, string>;
  return {
    entity: d.entity,
    subject,
    ikb: exampleGroup(ruleset, d) as Record<string, Record<string, string>[]>,
    ikbKey: d.subject!.ikbKey,
    rrd: d.rrd,
  };
}

/** The verdict of a run: `fail` when the rule yields a finding that decides it. */
export function verdict(
  d: ExampleDelivery,
  findings: Finding[],
): ExampleResult {
  return {
    rule: d.rule,
    example: d.label,
    expected: d.expected,
    actual: findings.length > 0 ? "fail" : "pass",
    findings,
    span: d.span,
    delivery: d,
  };
}

/** Run one example delivery with the reference interpreter. */
function interpretDelivery(
  ruleset: ResolvedRuleset,
  d: ExampleDelivery,
): Finding[] {
  if (d.subject !== undefined && d.gone !== undefined) {
    // `for previous E`: the rule runs on each record of E in the IKB of T−1
    const ctx = {
      rrd: d.rrd,
      ikb: exampleGroup(ruleset, d),
      ikbKey: d.subject.ikbKey,
      previous: d.previous,
    };
    return (d.previous?.[d.gone] ?? [])
      .flatMap((row) => interpretGone(ruleset, d.gone!, row, ctx))
      .filter((f) => f.rule === d.rule);
  }
  if (d.subject !== undefined)
    return interpretRule(ruleset, d.rule, d.entity, d.subject.row, {
      rrd: d.rrd,
      ikb: exampleGroup(ruleset, d),
      ikbKey: d.subject.ikbKey,
      previous: d.previous,
    });
  return checkFiles(ruleset, d.files, d.rule, d.rrd).filter(
    (f) => f.entity === d.entity,
  );
}

/**
 * Run every example of every rule of the ruleset with the reference interpreter (rules in ruleset
 * order, examples as written). The verdict that counts is the compiled one (cli/example-check.ts);
 * this run cross-checks the interpreter against the same examples.
 */
export function runExamples(ruleset: ResolvedRuleset): ExampleResult[] {
  return exampleDeliveries(ruleset).map((d) => {
    if (!isDelivery(d)) return d;
    try {
      return verdict(d, interpretDelivery(ruleset, d));
    } catch (e) {
      return {
        ...verdict(d, []),
        actual: "error",
        error: e instanceof Error ? e.message : String(e),
      };
    }
  });
}
