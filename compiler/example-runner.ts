/**
 * Runs the inline `example pass|fail` clauses of a ruleset with the reference interpreter.
 *
 * Record and attribute examples: the subject and its `with` context records form one IKB. Where
 * the ruleset has an `ikb`, every record without the IKB key field gets `IKB-1`; a subject of a
 * depositor entity whose `by` field is absent gets the IKB key there, so the subject is the
 * depositor (role D). The RRD is the example's `rrd`, else 2024-01-01. Only the example's own
 * rule runs; the example fails when that rule yields a finding for the subject record.
 *
 * File examples: `missing` leaves the entity's file out, `columns` gives a header without rows,
 * `rows` gives the records under the entity's full header, and `with` records form the other
 * files. The example fails when the rule yields a finding for the example's entity.
 *
 * @module
 */
import type {
  Example,
  Literal,
  RecordExample,
  RecordLiteral,
  Span,
} from "../dsl/ast.js";
import type { ResolvedRule, ResolvedRuleset } from "../dsl/model.js";
import type { Finding } from "./contract.js";
import {
  checkFiles,
  interpretRule,
  type MemoryFile,
} from "./reference-interpreter.js";

/** The default reporting reference date of an example. */
export const DEFAULT_EXAMPLE_RRD = "2024-01-01";
/** The IKB key given to example records that do not set one. */
export const EXAMPLE_IKB_KEY = "IKB-1";

/** The outcome of one example. */
export interface ExampleResult {
  /** Rule code. */
  rule: string;
  /** `pass#1`, `fail#2`: the expectation and its 1-based number among the rule's examples of that kind. */
  example: string;
  expected: "pass" | "fail";
  /** `error` when the interpreter could not run the example (the message is in `error`). */
  actual: "pass" | "fail" | "error";
  findings: Finding[];
  span: Span;
  error?: string;
}

/** A literal of an example as the CSV cell text it stands for. */
export function literalCell(lit: Literal): string {
  switch (lit.kind) {
    case "String":
      return lit.value;
    case "Integer":
    case "Decimal":
    case "Date":
    case "DateTime":
    case "Percent":
      return lit.text;
    case "Boolean":
      return lit.value ? "true" : "false";
    case "Duration":
      return String(lit.amount);
  }
}

/** A record literal as a CSV row by column name, with the IKB key filled in where absent. */
function rowOf(
  ruleset: ResolvedRuleset,
  lit: RecordLiteral,
  subject: boolean,
): Record<string, string> {
  const entity = ruleset.entities.get(lit.entity.name);
  if (!entity) throw new Error(`unknown entity ${lit.entity.name}`);
  const row: Record<string, string> = {};
  const columnOf = (name: string) =>
    entity.fields.find((f) => f.name === name)?.column ?? name;
  for (const fv of lit.fields)
    row[columnOf(fv.name.name)] = literalCell(fv.value);
  const ikb = ruleset.ikb;
  if (ikb) {
    const keyField = ikb.key.name;
    const keyColumn = columnOf(keyField);
    const hasKey = entity.fields.some((f) => f.name === keyField);
    if (hasKey && (row[keyColumn] ?? "") === "")
      row[keyColumn] = EXAMPLE_IKB_KEY;
    const isDepositor = ikb.depositors.some((d) => d.name === entity.name);
    const byField = ikb.depositorBy.name;
    if (
      subject &&
      isDepositor &&
      entity.fields.some((f) => f.name === byField)
    ) {
      const byColumn = columnOf(byField);
      if ((row[byColumn] ?? "") === "")
        row[byColumn] = hasKey ? row[keyColumn] : EXAMPLE_IKB_KEY;
    }
  }
  return row;
}

function group(
  rows: { entity: string; row: Record<string, string> }[],
): Record<string, Record<string, string>[]> {
  // keyed by entity names from the ruleset: no prototype, so `toString` is an entity like any other
  const out: Record<string, Record<string, string>[]> = Object.create(null);
  for (const { entity, row } of rows) (out[entity] ??= []).push(row);
  return out;
}

/** A record example as CSV rows: the subject (first in its entity's list) within its IKB, and the RRD. */
export interface ExampleCase {
  entity: string;
  subject: Record<string, string>;
  ikb: Record<string, Record<string, string>[]>;
  rrd: string;
}

/** The rows a record example stands for, filled in as described in the module doc. */
export function exampleCase(
  ruleset: ResolvedRuleset,
  ex: RecordExample,
): ExampleCase {
  const subject = rowOf(ruleset, ex.subject, true);
  const ikb = group([
    { entity: ex.subject.entity.name, row: subject },
    ...ex.context.map((c) => ({
      entity: c.entity.name,
      row: rowOf(ruleset, c, false),
    })),
  ]);
  return {
    entity: ex.subject.entity.name,
    subject,
    ikb,
    rrd: ex.rrd?.text ?? DEFAULT_EXAMPLE_RRD,
  };
}

function runOne(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule,
  ex: Example,
): Finding[] {
  if (ex.kind === "RecordExample") {
    const c = exampleCase(ruleset, ex);
    return interpretRule(ruleset, rule, c.entity, c.subject, {
      rrd: c.rrd,
      ikb: c.ikb,
    });
  }
  const entity = ruleset.entities.get(ex.entity.name);
  if (!entity) throw new Error(`unknown entity ${ex.entity.name}`);
  const files: Record<string, MemoryFile> = Object.create(null);
  const header = (name: string) =>
    ruleset.entities.get(name)?.fields.map((f) => f.column) ?? [];
  for (const [name, rows] of Object.entries(
    group(
      ex.context.map((c) => ({
        entity: c.entity.name,
        row: rowOf(ruleset, c, false),
      })),
    ),
  )) {
    files[name] = { header: header(name), rows };
  }
  if (ex.form === "missing") delete files[entity.name];
  else if (ex.form === "columns")
    files[entity.name] = { header: ex.columns, rows: [] };
  else
    files[entity.name] = {
      header: header(entity.name),
      rows: ex.rows.map((r) => rowOf(ruleset, r, false)),
    };
  return checkFiles(ruleset, files, rule.code).filter(
    (f) => f.entity === entity.name,
  );
}

/** Run every example of every rule of the ruleset (rules in ruleset order, examples as written). */
export function runExamples(ruleset: ResolvedRuleset): ExampleResult[] {
  const results: ExampleResult[] = [];
  for (const rule of ruleset.rules) {
    const counters = { pass: 0, fail: 0 };
    for (const ex of rule.decl.examples) {
      const label = `${ex.expect}#${++counters[ex.expect]}`;
      const base = {
        rule: rule.code,
        example: label,
        expected: ex.expect,
        span: ex.span,
      };
      try {
        const findings = runOne(ruleset, rule, ex);
        results.push({
          ...base,
          actual: findings.length > 0 ? "fail" : "pass",
          findings,
        });
      } catch (e) {
        results.push({
          ...base,
          actual: "error",
          findings: [],
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
  return results;
}
