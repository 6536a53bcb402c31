/**
 * `regel explain`: the evaluation of one rule on one record, step by step with the values, down to
 * the failing sub-condition. An auditor goes from a finding in a report to why it is there.
 *
 * The record is read again from the delivery folder (the report holds only masked samples) and the
 * rule is evaluated on the checked ruleset with the reference interpreter's evaluator
 * (interpreter/interpret-expr.ts): every value shown here is the value that evaluator computes. This
 * module only walks the expression tree to show each step; it never decides a value itself.
 *
 * @module
 */
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import type { Expr, Role } from "../dsl/ast.js";
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
  ResolvedRuleset,
} from "../dsl/model.js";
import { ruleCoded } from "../dsl/named.js";
import { printExpr } from "../dsl/printer.js";
import {
  evaluate,
  type IRecord,
  Model,
  type Scope,
} from "../interpreter/interpret-expr.js";
import {
  parseDate,
  renderValue,
  type Value,
} from "../interpreter/interpret-values.js";
import { attributesFor, roleOf } from "../interpreter/reference-interpreter.js";
import { type CsvEvent, readCsvFile } from "../runtime/csv-reader.js";
import { readNdjsonBatches } from "../runtime/ndjson-reader.js";
import { oneLine } from "../runtime/escape.js";

/** One step of an evaluation: an expression, its value, and the steps it is made of. */
export interface Step {
  expr: string;
  /** The value rendered as CSV text; `absent` for an absent value. */
  value: string;
  /** On the path to the failure: this step's value makes its parent fail. */
  failing: boolean;
  /** Why children were not evaluated (short-circuit), or other notes. */
  note?: string;
  children: Step[];
}

/** The evaluation for one attribute (attribute rules) or the record (record rules). */
export interface AttributeEvaluation {
  attribute: string | null;
  /** The `when` guard; null when the rule has none. */
  when: Step | null;
  require: Step | null;
  outcome: "finding" | "pass" | "not checked (when is false)";
}

export interface Explanation {
  rule: string;
  title: string;
  ruleset: string;
  rrd: string;
  entity: string;
  file: string;
  line: number;
  key: string;
  role: Role | null;
  /** The rule's roles; when the record's role is not among them the rule is not checked. */
  appliesTo: Role[];
  skipped: string | null;
  /** The record's fields the rule reads, as CSV text (personal values masked unless shown). */
  values: Record<string, string | null>;
  evaluations: AttributeEvaluation[];
}

/** Why a rule cannot be explained: the message lists what exists. */
export class ExplainError extends Error {
  override name = "ExplainError";
}

function absentText(v: Value): string {
  return v === undefined ? "absent" : renderValue(v);
}

/** Build the evaluation tree of `expr` in `scope`. `expectTrue`: the value the parent needs. */
function trace(
  expr: Expr,
  scope: Scope,
  expectTrue: boolean | undefined,
  hide: ReadonlySet<string>,
): Step {
  const v = evaluate(expr, scope);
  const failing = expectTrue !== undefined && (v === true) !== expectTrue;
  const step: Step = {
    expr: printExpr(expr),
    value: absentText(v),
    failing,
    children: [],
  };
  const t = (e: Expr, expect: boolean | undefined) =>
    trace(e, scope, expect, hide);
  switch (expr.kind) {
    case "Path": {
      // A field of the record itself (not of a record iterated by an aggregate).
      const links = scope.model.ruleset.links;
      const link = links.path(expr);
      const field =
        link?.kind === "value"
          ? scope.attribute
          : link?.kind === "field" && link.record === "current"
            ? links.field(expr.name, scope.record.entity)
            : undefined;
      if (field !== undefined) {
        const raw = scope.record.raw[field.name];
        if (hide.has(field.name) && v !== undefined)
          step.value = "*** (personal; --show-personal-data shows it)";
        else if (
          raw !== undefined &&
          raw !== "" &&
          scope.record.valid[field.name] === false
        ) {
          step.note = `CSV text ${hide.has(field.name) ? "*** (personal; --show-personal-data shows it)" : JSON.stringify(raw)} does not fit the field's type, so it counts as absent`;
        }
      }
      break;
    }
    case "Binary": {
      if (expr.op === "and" || expr.op === "or") {
        const left = t(expr.left, failing ? expectTrue : undefined);
        step.children.push(left);
        const shortCircuit =
          expr.op === "and"
            ? evaluate(expr.left, scope) !== true
            : evaluate(expr.left, scope) === true;
        if (shortCircuit)
          step.note = `right side not evaluated (${expr.op} short-circuits)`;
        else
          step.children.push(t(expr.right, failing ? expectTrue : undefined));
        // In a failing `and`, only the false operand fails; in a failing `or`, both do.
        if (failing && expr.op === "and")
          for (const c of step.children) c.failing = c.value !== "true";
        if (!failing) for (const c of step.children) clearFailing(c);
      } else {
        step.children.push(t(expr.left, undefined), t(expr.right, undefined));
      }
      break;
    }
    case "Unary":
      step.children.push(
        t(expr.operand, expr.op === "not" && failing ? !expectTrue : undefined),
      );
      break;
    case "Is":
    case "In":
    case "Matches":
      step.children.push(t(expr.operand, undefined));
      break;
    case "Call":
      for (const a of expr.args) step.children.push(t(a, undefined));
      break;
    case "If": {
      const cond = t(expr.condition, undefined);
      step.children.push(cond);
      step.children.push(
        t(
          cond.value === "true" ? expr.then : expr.otherwise,
          failing ? expectTrue : undefined,
        ),
      );
      break;
    }
    case "Aggregate": {
      const iterated = scope.model.ruleset.links.entity(expr.entity);
      const n = iterated === undefined ? 0 : scope.ikb(iterated).length;
      step.note = `over ${n} ${expr.entity.name} record${n === 1 ? "" : "s"} of the IKB`;
      break;
    }
    default:
      break;
  }
  return step;
}

function clearFailing(s: Step): void {
  s.failing = false;
  for (const c of s.children) clearFailing(c);
}

/** Parse a record key: `field=value;field=value` (as reports print it), or values only. */
export function parseKey(
  key: string,
  entity: ResolvedEntity,
): Record<string, string> | undefined {
  const parts = key.split(";");
  if (parts.every((p) => p.includes("="))) {
    // keys from the user: no prototype, so `__proto__=x` or `constructor=y` is just a wrong name
    const out: Record<string, string> = Object.create(null);
    for (const p of parts) {
      const i = p.indexOf("=");
      out[p.slice(0, i).trim()] = p.slice(i + 1);
    }
    return Object.keys(out).every((k) => entity.key.includes(k))
      ? out
      : undefined;
  }
  if (parts.length !== entity.key.length) return undefined;
  return Object.fromEntries(entity.key.map((k, i) => [k, parts[i]]));
}

/**
 * The file of `entity` in the delivery: its CSV file, or `<stem>.ndjson` / `<stem>.jsonl` as the
 * runtime also accepts. Undefined when absent.
 */
function entityFile(
  folder: string,
  entity: ResolvedEntity,
): string | undefined {
  if (entity.file === undefined) return undefined;
  const stem = entity.file.replace(/\.csv$/i, "");
  return [entity.file, `${stem}.ndjson`, `${stem}.jsonl`]
    .map((f) => join(folder, f))
    .find((p) => existsSync(p));
}

async function* events(
  path: string,
  entity: ResolvedEntity,
): AsyncGenerator<CsvEvent> {
  if (/\.(ndjson|jsonl)$/i.test(path)) {
    const columns = entity.fields.map((f) => f.column);
    for await (const batch of readNdjsonBatches(
      createReadStream(path),
      columns,
    ))
      yield* batch;
  } else yield* readCsvFile(path);
}

async function readRows(
  path: string,
  entity: ResolvedEntity,
): Promise<{ rows: { cells: Record<string, string>; line: number }[] }> {
  let header: string[] | undefined;
  const rows: { cells: Record<string, string>; line: number }[] = [];
  for await (const e of events(path, entity)) {
    if (e.kind !== "row") continue;
    if (header === undefined) {
      header = e.cells.map((c) => c.replace(/^\uFEFF/, ""));
      continue;
    }
    // keyed by the file's header: no prototype, so a column called `__proto__` is a column
    const cells: Record<string, string> = Object.create(null);
    header.forEach((h, i) => (cells[h] = e.cells[i] ?? ""));
    rows.push({ cells, line: e.line });
  }
  return { rows };
}

/**
 * Explain `ruleCode` on the record `key` of the delivery in `folder`, under `ruleset` at `rrd`.
 * `personal` fields are masked (`***`) unless `showPersonalData`.
 */
export async function explainRule(input: {
  ruleset: ResolvedRuleset;
  rule: string;
  key: string;
  folder: string;
  rrd: string;
  entity?: string;
  showPersonalData?: boolean;
}): Promise<Explanation> {
  const { ruleset } = input;
  const rule: ResolvedRule | undefined = ruleCoded(ruleset, input.rule);
  if (rule === undefined) {
    throw new ExplainError(
      `${ruleset.id} has no rule ${input.rule}; rules: ${ruleset.rules
        .map((r) => r.code)
        .sort()
        .join(", ")}`,
    );
  }
  const d = rule.decl;
  const target = d.target;
  if (target?.kind === "RecordTarget" && target.previous === true)
    throw new ExplainError(
      `${rule.code} runs on the records of the previous delivery (T−1) that the delivery no longer has (\`for previous ${target.entity.name}\`), not on a record of the delivery; its findings name the record's file and line in T−1 (docs/report.md, "Records gone since the previous delivery")`,
    );
  if (
    target === undefined ||
    target.kind === "FileTarget" ||
    d.require === undefined ||
    d.require.kind === "FileCheck"
  ) {
    throw new ExplainError(
      `${rule.code} is a check on whole files (${target?.kind === "FileTarget" ? `for file ${target.entities.map((e) => e.name).join(", ")}` : "no record condition"}), not on records; see the report's file section`,
    );
  }
  const links = ruleset.links;
  // `*` stands for every entity.
  const entities = [
    ...new Set(
      (target.kind === "RecordTarget"
        ? [links.entity(target.entity)]
        : target.attributes.flatMap((a) =>
            a.entity.name === "*"
              ? [...ruleset.entities.values()]
              : [links.entity(a.entity)],
          )
      ).filter((e): e is ResolvedEntity => e !== undefined),
    ),
  ];
  const candidates =
    input.entity === undefined
      ? entities
      : entities.filter((e) => e.name === input.entity);
  if (candidates.length === 0)
    throw new ExplainError(
      `${rule.code} does not run on ${input.entity}; it runs on ${entities.map((e) => e.name).join(", ")}`,
    );
  const rrdDays = parseDate(input.rrd);
  if (rrdDays === undefined) throw new ExplainError(`bad RRD ${input.rrd}`);
  const model = new Model(ruleset);

  // Find the record among the candidate entities.
  const matches: {
    entity: ResolvedEntity;
    cells: Record<string, string>;
    line: number;
    record: IRecord;
    path: string;
  }[] = [];
  const seenKeys: string[] = [];
  for (const entity of candidates) {
    const name = entity.name;
    const wanted = parseKey(input.key, entity);
    const path = entityFile(input.folder, entity);
    if (path === undefined) continue;
    const { rows } = await readRows(path, entity);
    for (const r of rows) {
      const rec = model.decode(entity, r.cells);
      const keyText = entity.key.map((f) => `${f}=${rec.raw[f]}`).join(";");
      if (seenKeys.length < 10) seenKeys.push(`${name} ${keyText}`);
      if (
        wanted !== undefined &&
        Object.entries(wanted).every(([f, v]) => rec.raw[f] === v)
      ) {
        matches.push({
          entity,
          cells: r.cells,
          line: r.line,
          record: rec,
          path,
        });
      }
    }
  }
  if (matches.length === 0) {
    const files = candidates.map((e) => e.file).filter(Boolean);
    throw new ExplainError(
      `no record ${input.key} in ${files.map((f) => join(input.folder, f!)).join(", ")}; keys look like: ${seenKeys.join(", ") || "(no records)"}`,
    );
  }
  if (matches.length > 1) {
    throw new ExplainError(
      `${input.key} matches ${matches.length} records: ${matches.map((m) => `${m.entity.name} ${m.entity.key.map((f) => `${f}=${m.record.raw[f]}`).join(";")} (line ${m.line})`).join(", ")}; give the full key`,
    );
  }
  const { entity, record, line, path } = matches[0];

  // The record's IKB: every record of the delivery with the same IKB key.
  const ikbField = links.field(ruleset.ikb?.key, entity);
  const ikbKey =
    ikbField === undefined ? undefined : record.raw[ikbField.name] || undefined;
  const ikbRecords = new Map<ResolvedEntity, IRecord[]>();
  const ikb = (e: ResolvedEntity): readonly IRecord[] =>
    ikbRecords.get(e) ?? [];
  if (ikbKey !== undefined) {
    for (const e of ruleset.entities.values()) {
      const path = entityFile(input.folder, e);
      const field = links.field(ruleset.ikb?.key, e);
      if (path === undefined || field === undefined) continue;
      const { rows } = await readRows(path, e);
      ikbRecords.set(
        e,
        rows
          .filter((r) => r.cells[field.column] === ikbKey)
          .map((r) => model.decode(e, r.cells)),
      );
    }
  }
  const role = roleOf(entity, record, ikbKey) ?? null;
  const restricted = d.roles.length === 1;
  const skipped =
    restricted &&
    entity.roleBy !== undefined &&
    (role === null || !d.roles.includes(role))
      ? `the rule applies to ${d.roles.join(", ")} only and this record's role is ${role ?? "unknown"}: not checked`
      : null;

  const attributes: (ResolvedField | undefined)[] =
    target.kind === "RecordTarget"
      ? [undefined]
      : attributesFor(ruleset, target.attributes, entity);
  const require = d.require;
  const personal = new Set(
    entity.fields.filter((f) => f.decl.personal).map((f) => f.name),
  );
  const hide: ReadonlySet<string> =
    input.showPersonalData === true ? new Set() : personal;
  const evaluations: AttributeEvaluation[] = skipped
    ? []
    : attributes.map((attribute) => {
        const scope: Scope = {
          model,
          record,
          attribute,
          rrd: rrdDays,
          ikb,
          iterated: [],
        };
        const when =
          d.when === undefined ? null : trace(d.when, scope, true, hide);
        if (when !== null && when.value !== "true") {
          return {
            attribute: attribute?.name ?? null,
            when,
            require: null,
            outcome: "not checked (when is false)" as const,
          };
        }
        const req = trace(require, scope, true, hide);
        return {
          attribute: attribute?.name ?? null,
          when,
          require: req,
          outcome:
            req.value === "true" ? ("pass" as const) : ("finding" as const),
        };
      });

  const values: Record<string, string | null> = {};
  for (const f of entity.fields) {
    const raw = record.raw[f.name];
    values[f.name] =
      raw === ""
        ? null
        : personal.has(f.name) && input.showPersonalData !== true
          ? "***"
          : raw;
  }
  return {
    rule: rule.code,
    title: d.title,
    ruleset: ruleset.id,
    rrd: input.rrd,
    entity: entity.name,
    file: path,
    line,
    key: entity.key.map((f) => `${f}=${record.raw[f]}`).join(";"),
    role,
    appliesTo: d.roles.length === 0 ? ["D", "V"] : [...d.roles],
    skipped,
    values,
    evaluations,
  };
}

/** Terminal rendering: an indented tree; `✗` marks the steps that make the rule fail. */
export function explanationText(x: Explanation): string {
  const L: string[] = [];
  L.push(`${x.rule} "${x.title}" (${x.ruleset}, RRD ${x.rrd})`);
  L.push(
    `record ${x.entity} ${x.key} (${x.file}, line ${x.line}), role ${x.role ?? "-"}; rule applies to ${x.appliesTo.join(", ")}`,
  );
  if (x.skipped) {
    L.push(x.skipped, "");
    return L.map(oneLine).join("\n");
  }
  const step = (s: Step, depth: number) => {
    L.push(
      `${"  ".repeat(depth)}${s.failing ? "✗ " : "  "}${s.expr}  =  ${s.value}${s.note ? `   (${s.note})` : ""}`,
    );
    for (const c of s.children) if (!isLiteral(c)) step(c, depth + 1);
  };
  for (const e of x.evaluations) {
    L.push(
      "",
      e.attribute === null
        ? "record:"
        : `attribute ${x.entity}.${e.attribute}:`,
    );
    if (e.when) {
      L.push("  when");
      step(e.when, 2);
    }
    if (e.require) {
      L.push("  require");
      step(e.require, 2);
    }
    L.push(`  => ${e.outcome === "finding" ? "FINDING" : e.outcome}`);
  }
  L.push("");
  // a line feed in a delivery's value starts no line that reads as the tree's own
  return L.map(oneLine).join("\n");
}

/** A literal's step adds nothing: its text is its value. */
function isLiteral(s: Step): boolean {
  return (
    s.children.length === 0 &&
    (s.expr === s.value || s.expr === JSON.stringify(s.value))
  );
}
