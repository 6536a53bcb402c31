/**
 * The reference interpreter: evaluates a checked ruleset directly over CSV text, as an independent
 * second implementation of docs/language.md. It exists only to cross-check the compiler (see
 * `test/compiler/differential.test.ts`) and to run the examples of a ruleset; the runtime never
 * uses it.
 *
 * Findings are built exactly as `compiler/contract.ts` describes. Field text in a finding is the
 * canonical CSV text of the decoded value (decimals with exactly the field's scale, dates
 * `YYYY-MM-DD`, datetimes ISO 8601 UTC), or the raw CSV text when the value does not fit its type
 * (the offending text).
 * - `role`: for an entity with `role by F`, `D` when the text of F equals the IKB key (the
 *   context's, else the record's own valid IKB key field), else `V`; undefined when the entity has
 *   no `role by` or no IKB key is known.
 * - `attribute`: the field under test for attribute rules and decode findings; undefined otherwise.
 * - `key`: the entity's key fields as `f=v;g=w` (empty text for absent values).
 * - `values`: per field name its text, `null` when absent. Attribute rules: the attribute plus
 *   every field of the record the rule reads; record rules: every field the rule reads (in `when`
 *   and `require`, not counting fields of records iterated by `where`).
 * - `message`: the rule's `message`, or its title when it has none; `{attribute}` is the field
 *   name under test (empty for record rules), `{value}` its text as in `values`, `{f}` for a field
 *   `f` of the entity its text as in `values`; `{...|masked}` the same. The value of a personal
 *   field shows as `***` (empty when absent). Unknown placeholders stay as written.
 *
 * `applies to D` (or `V`) skips records of entities with `role by` whose role is another one or
 * unknown; records of entities without `role by` are always checked.
 *
 * An empty `required` field is not valid: the rules whose condition is `value is valid` report it
 * (there are no findings outside the ruleset's rules).
 *
 * **Order of findings** for one record ({@link interpretRecord}): the rules in the order of
 * `ruleset.rules`; within an attribute rule, its attributes in the order
 * of its `for` list (`E.*` expands to the fields in declaration order). The compiled module
 * reports `value is valid` rules from its decoders, field by field, and runs its fused checks in
 * its own order, so the differential test compares findings as sorted multisets.
 *
 * @module
 */
import { isGoneRule, readsPrevious } from "../dsl/previous.js";
import type { AttributeRef, FileCheck, Ident, Role } from "../dsl/ast.js";
import { placeholders } from "../dsl/message-template.js";
import { printExpr, totalFigureText } from "../dsl/printer.js";
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
  ResolvedRuleset,
} from "../dsl/model.js";
import { entityNamed, ruleCoded } from "../dsl/named.js";
import {
  MASK,
  type Classification,
  type Finding,
} from "../compiler/contract.js";
import { ruleLaw } from "../compiler/rule-law.js";
import { normalize } from "./normalize.js";
import {
  fieldsRead,
  Model,
  truthy,
  type IRecord,
  type Scope,
} from "./interpret-expr.js";
import { parseDate } from "./interpret-values.js";

/** A raw CSV row: cell text by column name. */
export type RawRow = Readonly<Record<string, string>>;

/** Context of a record evaluation. */
export interface InterpretContext {
  /** Reporting reference date, `YYYY-MM-DD`. */
  rrd: string;
  /** Raw rows of the record's IKB by entity name (the record itself included, as the runtime does). */
  ikb: Readonly<Record<string, readonly RawRow[]>>;
  /** The IKB key; defaults to the record's IKB key field when the ruleset has an `ikb`. */
  ikbKey?: string;
  /**
   * Raw rows of the record's IKB in the previous delivery (T−1) by entity name; undefined when no
   * previous delivery is given: rules that read `previous` are then not evaluated.
   */
  previous?: Readonly<Record<string, readonly RawRow[]>>;
}

/** The interpreter's state for one ruleset: decoding tables, cached by ruleset object. */
const models = new WeakMap<ResolvedRuleset, Model>();
function modelOf(ruleset: ResolvedRuleset): Model {
  let m = models.get(ruleset);
  if (!m) {
    m = new Model(ruleset);
    models.set(ruleset, m);
  }
  return m;
}

/** The entity named by the caller (its rows are keyed by entity name). */
function entityOf(ruleset: ResolvedRuleset, name: string): ResolvedEntity {
  const e = entityNamed(ruleset, name);
  if (!e) throw new Error(`unknown entity ${name} in ${ruleset.id}`);
  return e;
}

/** The IKB key of a record: the given one, else the record's (valid, present) IKB key field. */
function ikbKeyOf(
  ruleset: ResolvedRuleset,
  rec: IRecord,
  given: string | undefined,
): string | undefined {
  if (given !== undefined) return given;
  const keyField = ruleset.links.field(ruleset.ikb?.key, rec.entity);
  if (keyField === undefined) return undefined;
  return rec.text[keyField.name] ?? undefined;
}

/** `D` when the record's `role by` field equals the IKB key, `V` otherwise; undefined without `role by` or IKB key. */
export function roleOf(
  entity: ResolvedEntity,
  rec: IRecord,
  ikbKey: string | undefined,
): Role | undefined {
  if (entity.roleBy === undefined || ikbKey === undefined) return undefined;
  return cell(rec, entity.roleBy) === ikbKey ? "D" : "V";
}

/**
 * `table[name]` when `table` has it as its own property, else `fallback`: tables keyed by entity
 * names are plain objects from the caller, and an entity may be called `toString`.
 */
function own<T, F>(
  table: Readonly<Record<string, T>>,
  name: string,
  fallback: F,
): T | F {
  return Object.hasOwn(table, name) ? (table[name] ?? fallback) : fallback;
}

/** A field as text in a finding: canonical text, or the raw CSV text when it did not fit the type (the offending text). */
function cell(rec: IRecord, field: string): string | null {
  if (rec.valid[field] === false || rec.unknown[field] === true)
    return rec.raw[field];
  return rec.text[field] ?? null;
}

/**
 * `reported` of an attribute finding whose field declares `unknown` texts and has no value:
 * `unknown` (delivered as one of them) or `missing` (empty); nothing otherwise.
 */
function reportedAs(
  rec: IRecord,
  attribute: ResolvedField | undefined,
): { reported?: "unknown" | "missing" } {
  if (attribute === undefined) return {};
  if ((attribute.decl.unknownValues?.length ?? 0) === 0) return {};
  if (rec.unknown[attribute.name] === true) return { reported: "unknown" };
  return cell(rec, attribute.name) === null ? { reported: "missing" } : {};
}

function keyText(entity: ResolvedEntity, rec: IRecord): string {
  return entity.key.map((f) => `${f}=${cell(rec, f) ?? ""}`).join(";");
}

/**
 * A rule's message on a record of `rule`'s entity `entity`, with its placeholders filled in (the
 * fields the checker linked them to); a personal field's value shows as `***`.
 */
function fillMessage(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule,
  entity: ResolvedEntity,
  rec: IRecord,
  attribute: ResolvedField | undefined,
): string {
  const template = rule.decl.message ?? rule.decl.title;
  const fields = ruleset.links.placeholders(rule.decl, entity);
  const shown = (field: ResolvedField): string => {
    const text = cell(rec, field.name) ?? "";
    return field.decl.personal && text !== "" ? MASK : text;
  };
  let out = "";
  let last = 0;
  for (const p of placeholders(template)) {
    out += template.slice(last, p.index);
    last = p.index + p.whole.length;
    const field = fields.get(p.name);
    if (p.name === "attribute") out += attribute?.name ?? "";
    else if (p.name === "value")
      out += attribute === undefined ? "" : shown(attribute);
    else if (field !== undefined) out += shown(field);
    else out += p.whole;
  }
  return out + template.slice(last);
}

/** The attributes of an attribute rule that belong to `entity`, in `for` order, `*` expanded. */
export function attributesFor(
  ruleset: ResolvedRuleset,
  refs: readonly AttributeRef[],
  entity: ResolvedEntity,
): ResolvedField[] {
  const out: ResolvedField[] = [];
  for (const ref of refs) {
    // `*` is a wildcard: every entity, every field.
    if (ref.entity.name !== "*" && ruleset.links.entity(ref.entity) !== entity)
      continue;
    if (ref.field.name === "*") out.push(...entity.fields);
    else {
      const f = ruleset.links.field(ref.field, entity);
      if (f !== undefined) out.push(f);
    }
  }
  return [...new Set(out)];
}

/** State of one record evaluation, shared by all rules of the record. */
class RecordRun {
  readonly model: Model;
  readonly entity: ResolvedEntity;
  readonly record: IRecord;
  readonly role: Role | undefined;
  private readonly rrd: number;
  private readonly decodedIkb = new Map<ResolvedEntity, IRecord[]>();

  constructor(
    readonly ruleset: ResolvedRuleset,
    entityName: string,
    row: RawRow,
    private readonly ctx: InterpretContext,
  ) {
    this.model = modelOf(ruleset);
    this.entity = entityOf(ruleset, entityName);
    this.record = this.model.decode(this.entity, row);
    this.role = roleOf(
      this.entity,
      this.record,
      ikbKeyOf(ruleset, this.record, ctx.ikbKey),
    );
    const rrd = parseDate(ctx.rrd);
    if (rrd === undefined) throw new Error(`bad rrd ${ctx.rrd}`);
    this.rrd = rrd;
  }

  private ikb = (entity: ResolvedEntity): readonly IRecord[] => {
    let recs = this.decodedIkb.get(entity);
    if (!recs) {
      recs = own(this.ctx.ikb, entity.name, []).map((r) =>
        this.model.decode(entity, r),
      );
      this.decodedIkb.set(entity, recs);
    }
    return recs;
  };

  /**
   * The record of T−1 with the same key: the row of the record's entity in the previous IKB whose
   * key fields decode to the same canonical text (none when a key field is absent).
   */
  private previousRecord(): IRecord | undefined {
    const key = this.entity.key;
    const mine = key.map((k) => this.record.text[k]);
    if (mine.some((t) => t === null || t === undefined)) return undefined;
    for (const row of own(this.ctx.previous ?? {}, this.entity.name, [])) {
      const rec = this.model.decode(this.entity, row);
      if (key.every((k, i) => rec.text[k] === mine[i])) return rec;
    }
    return undefined;
  }

  /**
   * A `for previous E` rule on this record, which is a record of the previous delivery (T−1):
   * `ctx.ikb` is its IKB in the delivery. A finding when the rule's `when` holds for the record
   * and no record of E in the delivery's IKB has the same key (its key fields decode to the same
   * canonical text; a record of T−1 with an absent key field cannot be found again and is not
   * reported).
   */
  /**
   * `applies to` filters records of entities with `role by`; a record whose role is unknown (no
   * IKB key) has none of the listed roles, so a rule for D only (or V only) skips it.
   */
  private hasRoleOf(roles: readonly Role[]): boolean {
    const restricted =
      roles.length > 0 && !(roles.includes("D") && roles.includes("V"));
    return (
      !restricted ||
      this.entity.roleBy === undefined ||
      (this.role !== undefined && roles.includes(this.role))
    );
  }

  runGone(rule: ResolvedRule, out: Finding[]): void {
    const { decl } = rule;
    const target = decl.target;
    if (target?.kind !== "RecordTarget" || target.previous !== true) return;
    if (this.ruleset.links.entity(target.entity) !== this.entity) return;
    if (this.ctx.previous === undefined) return;
    if (!this.hasRoleOf(decl.roles)) return;
    const scope: Scope = {
      model: this.model,
      record: this.record,
      attribute: undefined,
      rrd: this.rrd,
      ikb: this.ikb,
      iterated: [],
    };
    if (decl.when && !truthy(decl.when, scope)) return;
    const key = this.entity.key;
    const mine = key.map((k) => this.record.text[k]);
    // a record of T−1 with an absent key field cannot be found again: it is not reported
    if (mine.some((t) => t === null || t === undefined)) return;
    const delivered = this.ikb(this.entity).some((rec) =>
      key.every((k, i) => rec.text[k] === mine[i]),
    );
    if (delivered) return;
    const read = fieldsRead(
      this.ruleset.links,
      decl.when,
      this.entity,
      new Set(),
    );
    out.push(this.finding(rule, undefined, read));
  }

  /** The finding of `rule` on this record: its values are the attribute's and the fields read. */
  private finding(
    rule: ResolvedRule,
    attribute: ResolvedField | undefined,
    read: ReadonlySet<string>,
  ): Finding {
    const values: Record<string, string | null> = {};
    for (const f of this.entity.fields) {
      if (f === attribute || read.has(f.name))
        values[f.name] = cell(this.record, f.name);
    }
    return {
      rule: rule.code,
      severity: rule.decl.severity ?? "signalling",
      entity: this.entity.name,
      role: this.role,
      attribute: attribute?.name,
      key: keyText(this.entity, this.record),
      values,
      message: fillMessage(
        this.ruleset,
        rule,
        this.entity,
        this.record,
        attribute,
      ),
      law: ruleLaw(rule),
      ...reportedAs(this.record, attribute),
    };
  }

  runRule(rule: ResolvedRule, out: Finding[]): void {
    const { decl } = rule;
    const target = decl.target;
    if (
      !target ||
      target.kind === "FileTarget" ||
      !decl.require ||
      decl.require.kind === "FileCheck"
    )
      return;
    if (!this.hasRoleOf(decl.roles)) return;
    // a rule that reads T−1 is not evaluated without a previous delivery
    const readsT1 = readsPrevious(decl);
    if (readsT1 && this.ctx.previous === undefined) return;
    const previous = readsT1 ? this.previousRecord() : undefined;
    const require = decl.require;
    const links = this.ruleset.links;
    let attributes: (ResolvedField | undefined)[];
    if (target.kind === "RecordTarget") {
      if (links.entity(target.entity) !== this.entity) return;
      attributes = [undefined];
    } else {
      attributes = attributesFor(this.ruleset, target.attributes, this.entity);
    }
    const read = fieldsRead(links, require, this.entity, new Set());
    fieldsRead(links, decl.when, this.entity, read);
    for (const attribute of attributes) {
      const scope: Scope = {
        model: this.model,
        record: this.record,
        attribute,
        rrd: this.rrd,
        ikb: this.ikb,
        iterated: [],
        previous,
      };
      if (decl.when && !truthy(decl.when, scope)) continue;
      if (truthy(require, scope)) continue;
      out.push(this.finding(rule, attribute, read));
    }
  }
}

/**
 * Decode one CSV row of `entity` and run every record and attribute rule of the ruleset on it.
 * Returns the decode findings followed by the rule findings (see the module doc for the order).
 */
export function interpretRecord(
  ruleset: ResolvedRuleset,
  entity: string,
  rawRow: RawRow,
  ctx: InterpretContext,
): Finding[] {
  const run = new RecordRun(ruleset, entity, rawRow, ctx);
  const out: Finding[] = [];
  for (const rule of ruleset.rules) run.runRule(rule, out);
  return out;
}

/**
 * Run the `for previous E` rules (accounts that disappear) on one CSV row of `entity` in the
 * previous delivery (T−1): `ctx.ikb` is the row's IKB in the delivery (empty when the IKB is
 * gone), `ctx.previous` its IKB in T−1 (undefined: no previous delivery, nothing is evaluated).
 * `rule` limits the run to one rule.
 */
export function interpretGone(
  ruleset: ResolvedRuleset,
  entity: string,
  rawRow: RawRow,
  ctx: InterpretContext,
  rule?: ResolvedRule,
): Finding[] {
  const run = new RecordRun(ruleset, entity, rawRow, ctx);
  const out: Finding[] = [];
  for (const r of rule === undefined ? ruleset.rules : [rule])
    if (isGoneRule(r.decl)) run.runGone(r, out);
  return out;
}

/** Run one rule (by code or resolved rule) on one CSV row of `entity`; no decode findings. */
export function interpretRule(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule | string,
  entity: string,
  rawRow: RawRow,
  ctx: InterpretContext,
): Finding[] {
  const resolved = typeof rule === "string" ? ruleCoded(ruleset, rule) : rule;
  if (!resolved)
    throw new Error(`unknown rule ${String(rule)} in ${ruleset.id}`);
  const run = new RecordRun(ruleset, entity, rawRow, ctx);
  const out: Finding[] = [];
  run.runRule(resolved, out);
  return out;
}

/**
 * Classify one IKB (Bijlage 3): the categories whose `result` lines match a finding (same rule
 * code; same role when qualified; one of the `on` attributes when given) or whose `marking`
 * lines match a record of the IKB (raw text equal to the marking value, or a value that does not
 * fit the field's type; same role when qualified). Categories and blocked payouts are listed in declaration order, without repeats.
 */
export function classifyIkb(
  ruleset: ResolvedRuleset,
  findings: readonly Finding[],
  ikbRecords: Readonly<Record<string, readonly RawRow[]>>,
  ikbKey?: string,
): Classification {
  const model = modelOf(ruleset);
  const categories: string[] = [];
  const payouts: string[] = [];
  for (const cat of ruleset.categories) {
    const { decl } = cat;
    const byResult = decl.results.some((res) =>
      findings.some(
        (f) =>
          f.rule === res.code.name &&
          (res.role === undefined || f.role === res.role) &&
          (res.attributes.length === 0 ||
            (f.attribute !== undefined &&
              res.attributes.some(
                (a) =>
                  (a.entity.name === "*" || a.entity.name === f.entity) &&
                  (a.field.name === "*" || a.field.name === f.attribute),
              ))),
      ),
    );
    const byMarking =
      !byResult &&
      decl.markings.some((mk) => {
        const entity = ruleset.links.entity(mk.attribute.entity);
        const field = ruleset.links.field(mk.attribute.field, entity);
        if (!entity || !field) return false;
        return own(ikbRecords, entity.name, []).some((row) => {
          const rec = model.decode(entity, row);
          // a malformed value cannot show the marking absent: it counts as the marking
          if (rec.text[field.name] !== mk.value.value && rec.valid[field.name])
            return false;
          return (
            mk.role === undefined ||
            roleOf(entity, rec, ikbKeyOf(ruleset, rec, ikbKey)) === mk.role
          );
        });
      });
    if (byResult || byMarking) {
      categories.push(cat.name);
      const payout = decl.blocks?.name;
      if (payout !== undefined && !payouts.includes(payout))
        payouts.push(payout);
    }
  }
  return {
    categories,
    payoutsBlocked: payouts,
    meetsAutomatedControls: categories.length === 0,
  };
}

/** One CSV file in memory: its header (column names) and rows (cell text by column). */
export interface MemoryFile {
  header: readonly string[];
  rows: readonly RawRow[];
}

/**
 * The delivery-level checks of `for file` rules over files in memory, keyed by entity name (a
 * missing key is a missing file). Per rule (in ruleset order) and entity (in `for file` order):
 * `present` — one finding when the file is missing; `header` — one finding per entity column
 * missing from the header (attribute = field); `unique key` — one finding per row whose key
 * repeats an earlier row's; `references` — one finding per present `ref` cell whose value is not
 * among the values of the referenced field (attribute = field); `unique a, b` and `one a per b`
 * — see {@link wholeFile}. Checks other than `present` are skipped for a missing file. Pass `only`
 * to run a single rule.
 */
export function checkFiles(
  ruleset: ResolvedRuleset,
  files: Readonly<Record<string, MemoryFile | undefined>>,
  only?: string,
  rrd = "2024-01-01",
): Finding[] {
  const model = modelOf(ruleset);
  const out: Finding[] = [];
  for (const rule of ruleset.rules) {
    if (only !== undefined && rule.code !== only) continue;
    const { decl } = rule;
    if (
      decl.target?.kind !== "FileTarget" ||
      decl.require?.kind !== "FileCheck"
    )
      continue;
    const check = decl.require.check;
    if (check === "total") {
      const found = fileTotal(ruleset, rule, decl.require, files, rrd);
      if (found) out.push(found);
      continue;
    }
    for (const ident of decl.target.entities) {
      const entity = ruleset.links.entity(ident);
      if (!entity) continue;
      const file = own(files, entity.name, undefined);
      const base = {
        rule: rule.code,
        severity: decl.severity ?? "signalling",
        entity: entity.name,
        role: undefined,
        law: ruleLaw(rule),
      } as const;
      const message = decl.message ?? decl.title;
      if (check === "present") {
        if (!file)
          out.push({
            ...base,
            attribute: undefined,
            key: "",
            values: {},
            message,
          });
        continue;
      }
      if (!file) continue;
      if (check === "header") {
        for (const f of entity.fields) {
          // an `optional` column may be left out (docs/language.md, "Entities and fields")
          if (
            !file.header.includes(f.column) &&
            f.decl.optionalColumn === undefined
          )
            out.push({
              ...base,
              attribute: f.name,
              key: "",
              values: { [f.name]: null },
              message,
            });
        }
        continue;
      }
      const recs = file.rows.map((r) => model.decode(entity, r));
      if (check === "unique" || check === "one-per" || check === "count-per") {
        // `with SA by customer_id`: the joined entity's records (docs/language.md, "Joined records")
        const joinedEntity =
          decl.target.join === undefined
            ? undefined
            : ruleset.links.entity(decl.target.join.entity);
        const joined =
          joinedEntity === undefined || decl.target.join === undefined
            ? undefined
            : {
                by: decl.target.join.by.name,
                recs: (
                  own(files, joinedEntity.name, undefined)?.rows ?? []
                ).map((r) => model.decode(joinedEntity, r)),
              };
        out.push(
          ...wholeFile(ruleset, decl.require, entity, recs, base, joined),
        );
        continue;
      }
      if (check === "unique-key") {
        const seen = new Set<string>();
        for (const rec of recs) {
          const k = keyText(entity, rec);
          if (seen.has(k)) {
            const values: Record<string, string | null> = {};
            for (const f of entity.key) values[f] = cell(rec, f);
            out.push({
              ...base,
              attribute: undefined,
              key: k,
              values,
              message: fillMessage(ruleset, rule, entity, rec, undefined),
            });
          }
          seen.add(k);
        }
        continue;
      }
      // references
      for (const f of entity.fields) {
        const t = f.decl.type;
        if (t.name !== "ref" || !t.refEntity || !t.refField) continue;
        const targetField = ruleset.links.field(t.refField);
        const known = new Set(
          (own(files, t.refEntity.name, undefined)?.rows ?? []).map((r) =>
            targetField ? (r[targetField.column] ?? "") : "",
          ),
        );
        for (const rec of recs) {
          const v = rec.raw[f.name];
          if (v === "" || known.has(v)) continue;
          out.push({
            ...base,
            attribute: f.name,
            key: keyText(entity, rec),
            values: { [f.name]: v },
            message: fillMessage(ruleset, rule, entity, rec, f),
          });
        }
      }
    }
  }
  return out;
}

/**
 * `unique a, b`: the records whose values of a, b are all present and valid, grouped by those
 * values; every record of a group of two or more has a finding. `one a per b`: the records whose
 * a and b are all present and valid, grouped by b; every record of a group in which a takes two or
 * more values has a finding. `count per b = n`: the records whose b and n are present and valid,
 * grouped by b; every record whose n is not the size of its group has a finding. Row i of the file is line i + 2 (line 1 is the header); a personal
 * field's value shows as `***` in the message. Written from docs/language.md, apart from the
 * runtime's hash passes (runtime/whole-file.ts).
 */
function wholeFile(
  ruleset: ResolvedRuleset,
  check: FileCheck,
  entity: ResolvedEntity,
  recs: readonly IRecord[],
  base: Omit<Finding, "attribute" | "key" | "values" | "message">,
  joined?: { by: string; recs: readonly IRecord[] },
): Finding[] {
  // a field of the joined records (`SA.postal_code`): its entity as written, by the field's name
  const joinedOf = new Map<Ident, string>();
  for (const item of check.combination ?? [])
    item.fields.forEach((f, i) => {
      const of = item.of?.[i];
      if (of !== undefined) joinedOf.set(f, of.name);
    });
  const fieldsOf = (ids: readonly Ident[] | undefined) =>
    (ids ?? []).map((i) => ruleset.links.field(i)!);
  const keyIdents = (check.check === "unique" ? check.fields : check.per) ?? [];
  const one = check.check === "one-per";
  const counted = check.check === "count-per";
  const keyFields = fieldsOf(
    check.check === "unique" ? check.fields : check.per,
  );
  const valueFields = check.check === "unique" ? [] : fieldsOf(check.fields);
  const all = [...keyFields, ...valueFields];
  const textOf = (rec: IRecord, fs: readonly ResolvedField[]) =>
    fs.every((f) => rec.text[f.name] !== null)
      ? JSON.stringify(fs.map((f) => rec.text[f.name]))
      : undefined;
  const shown = (rec: IRecord, fs: readonly ResolvedField[], named: boolean) =>
    fs
      .map((f, i) => {
        // the joined record's fields are not shown (they are in the other file)
        const of = fs === keyFields ? joinedOf.get(keyIdents[i]) : undefined;
        const v =
          f.decl.personal || of !== undefined
            ? MASK
            : JSON.stringify(rec.raw[f.name]);
        const name = of === undefined ? f.name : `${of}.${f.name}`;
        return named ? `${name}=${v}` : v;
      })
      .join(named ? ";" : ", ");
  // a combination that normalises fields: each item's value, normalised (docs/language.md)
  const items = check.combination;
  const keyOf = (rec: IRecord, partner?: IRecord): string | undefined => {
    if (items === undefined) return textOf(rec, keyFields);
    const parts: string[] = [];
    for (const item of items) {
      const fs = fieldsOf(item.fields);
      const textAt = (j: number) =>
        (item.of?.[j] === undefined ? rec : partner!).text[fs[j].name] ??
        undefined;
      const v =
        item.normalize === undefined
          ? textAt(0)
          : normalize(
              item.normalize.name,
              fs.map((_, j) => textAt(j)),
            );
      if (v === undefined) return undefined;
      parts.push(v);
    }
    return JSON.stringify(parts);
  };
  const groups = new Map<string, { rec: IRecord; line: number }[]>();
  const ikbKey = ruleset.ikb?.key.name;
  // the joined records of a record: of its IKB, with the same (non-empty) text of `by`
  const partners = (rec: IRecord): (IRecord | undefined)[] => {
    if (joined === undefined) return [undefined];
    const key = ikbKey === undefined ? "" : (rec.raw[ikbKey] ?? "");
    const by = rec.raw[joined.by] ?? "";
    if (key.trim() === "" || by === "") return [];
    return joined.recs.filter(
      (p) => p.raw[ikbKey!] === key && p.raw[joined.by] === by,
    );
  };
  recs.forEach((rec, i) => {
    for (const partner of partners(rec)) {
      const k = keyOf(rec, partner);
      if (
        k === undefined ||
        (valueFields.length > 0 && textOf(rec, valueFields) === undefined)
      )
        continue;
      const g = groups.get(k) ?? [];
      g.push({ rec, line: i + 2 });
      groups.set(k, g);
    }
  });
  const broken = new Map<number, { rec: IRecord; message: string }>();
  for (const g of groups.values()) {
    if (counted) {
      // the stated number (an integer field: its canonical text is the number)
      const field = valueFields[0];
      for (const m of g) {
        if (Number(m.rec.text[field.name]) === g.length) continue;
        broken.set(m.line, {
          rec: m.rec,
          message: `${shown(m.rec, keyFields, true)} is on ${g.length} ${g.length === 1 ? "record" : "records"} of ${entity.file ?? ""}: ${lineList(g.map((o) => o.line))}; the row states ${shown(m.rec, valueFields, true)}`,
        });
      }
      continue;
    }
    if (g.length < 2) continue;
    if (!one) {
      for (const m of g)
        broken.set(m.line, {
          rec: m.rec,
          message: `${shown(m.rec, keyFields, true)} occurs ${g.length} times in ${entity.file ?? ""}: ${lineList(g.map((o) => o.line))}`,
        });
      continue;
    }
    const byValue = new Map<string, typeof g>();
    for (const m of g) {
      const v = textOf(m.rec, valueFields)!;
      const ms = byValue.get(v) ?? [];
      // a record joined twice into one combination is named once
      if (!ms.some((o) => o.line === m.line)) ms.push(m);
      byValue.set(v, ms);
    }
    if (byValue.size < 2) continue;
    const parts = [...byValue.values()].map(
      (ms) =>
        `${shown(ms[0].rec, valueFields, false)} (${lineList(ms.map((x) => x.line))})`,
    );
    for (const m of g)
      broken.set(m.line, {
        rec: m.rec,
        message: `${shown(m.rec, keyFields, true)} has ${byValue.size} different ${valueFields.length === 1 ? "values" : "combinations"} of ${valueFields.map((f) => f.name).join(", ")} in ${entity.file ?? ""}: ${parts.join(", ")}`,
      });
  }
  return [...broken.keys()]
    .sort((a, b) => a - b)
    .map((line) => {
      const { rec, message } = broken.get(line)!;
      const values: Record<string, string | null> = {};
      all.forEach((f, i) => {
        // a joined record's field is not among the finding's values
        if (i < keyFields.length && joinedOf.has(keyIdents[i])) return;
        values[f.name] = rec.raw[f.name] || null;
      });
      return {
        ...base,
        attribute: undefined,
        key: keyText(entity, rec),
        values,
        message,
        line,
      };
    });
}

/** `line 3`, `lines 3 and 7`, at most 20 lines named and the rest counted. */
function lineList(ls: readonly number[]): string {
  if (ls.length === 1) return `line ${ls[0]}`;
  if (ls.length > 20)
    return `lines ${ls.slice(0, 20).join(", ")} and ${ls.length - 20} more`;
  return `lines ${ls.slice(0, -1).join(", ")} and ${ls[ls.length - 1]}`;
}

/**
 * A file total (`count op x`, `sum f op x`), written from docs/language.md ("File totals"): no
 * finding when a file of the rule or the figure's `single` file is missing, the `single` file
 * does not hold exactly one row, or the figure is absent or not valid; `count` is the number of
 * rows of the rule's files, `sum f` the exact sum of the valid values of `f`. One finding on the
 * rule's first entity, at the `single` row's line (2: after the header) when it is in the same file.
 */
function fileTotal(
  ruleset: ResolvedRuleset,
  rule: ResolvedRule,
  check: FileCheck,
  files: Readonly<Record<string, MemoryFile | undefined>>,
  rrd: string,
): Finding | undefined {
  const model = modelOf(ruleset);
  const target = rule.decl.target;
  if (target?.kind !== "FileTarget" || check.figure === undefined) return;
  const entities = target.entities.map((i) => ruleset.links.entity(i)!);
  const mine = entities.map((e) => own(files, e.name, undefined));
  if (mine.some((f) => f === undefined)) return;
  const figure = check.figure;
  let figureText: string | null = null;
  let where = "";
  let line: number | undefined;
  const op = check.op ?? "=";
  if (figure.entity !== undefined) {
    const single = ruleset.links.entity(figure.entity)!;
    let rows = own(files, single.name, undefined)?.rows;
    if (rows === undefined) return;
    let at = 0;
    if (figure.key?.kind === "String" && figure.keyField) {
      // `E.f where k = "KEY"`: the rows of E whose k is KEY, compared as the cell is written
      const key = figure.key.value;
      const k = figure.keyField.name;
      const lines = rows.flatMap((r, i) =>
        model.decode(single, r).raw[k] === key ? [i] : [],
      );
      const keyText = `${k} = ${JSON.stringify(key)}`;
      if (lines.length !== 1) {
        const found =
          lines.length === 0
            ? `${single.file ?? ""} has no ${single.name} record with ${keyText}`
            : `${single.file ?? ""} has ${lines.length} ${single.name} records with ${keyText} (the last at line ${lines[lines.length - 1] + 2})`;
        return {
          rule: rule.code,
          severity: rule.decl.severity ?? "signalling",
          entity: entities[0].name,
          role: undefined,
          attribute: undefined,
          key: "",
          values: {},
          message: `${found}, so ${totalFigureText(figure)} is not one figure: required ${check.measure === "sum" ? `sum ${check.fields![0].name}` : "count"} ${op} ${totalFigureText(figure)}`,
          law: ruleLaw(rule),
        };
      }
      at = lines[0];
      rows = [rows[at]];
    }
    if (rows.length !== 1) return;
    const field = ruleset.links.field(figure.name, single)!;
    figureText = model.decode(single, rows[0]).text[field.name];
    where = ` (${single.file ?? ""} line ${at + 2})`;
    if (single.file === entities[0].file) line = at + 2;
  } else if (figure.literal !== undefined)
    figureText = (figure.literal as { text: string }).text;
  else {
    const decl = ruleset.links.declared(figure.name, "parameter")?.decl;
    const period = decl?.values.find(
      (v) =>
        v.from.text <= rrd && (v.until === undefined || rrd < v.until.text),
    );
    figureText =
      period === undefined ? null : (period.value as { text: string }).text;
  }
  if (figureText === null) return;
  let total: Exact;
  let rows = 0;
  let summed = 0;
  const field =
    check.measure === "sum"
      ? ruleset.links.field(check.fields![0], entities[0])!
      : undefined;
  // a `when` (one entity only) picks the rows counted or summed
  const when = rule.decl.when;
  const meets = (r: RawRow): boolean => {
    if (when === undefined) return true;
    const rrdDays = parseDate(rrd);
    return truthy(when, {
      model,
      record: model.decode(entities[0], r),
      attribute: undefined,
      rrd: rrdDays ?? 0,
      ikb: () => [],
      iterated: [],
    });
  };
  if (field === undefined) {
    for (const f of mine) rows += f!.rows.filter(meets).length;
    total = exact(String(rows));
  } else {
    total = exact("0");
    for (const r of mine[0]!.rows) {
      if (!meets(r)) continue;
      rows++;
      const t = model.decode(entities[0], r).text[field.name];
      if (t === null) continue;
      summed++;
      total = add(total, exact(t));
    }
  }
  const want = exact(figureText);
  const scale = Math.max(
    total.scale,
    want.scale,
    field ? declaredScale(field) : 0,
  );
  const a = at(total, scale);
  const b = at(want, scale);
  const holds =
    op === "="
      ? a === b
      : op === "!="
        ? a !== b
        : op === "<"
          ? a < b
          : op === "<="
            ? a <= b
            : op === ">"
              ? a > b
              : a >= b;
  if (holds) return;
  const whenText = when === undefined ? "" : printExpr(when);
  const names =
    entities.map((e) => e.name).join(" and ") +
    (when === undefined ? "" : ` (records with ${whenText})`);
  const fileNames = [...new Set(entities.map((e) => e.file ?? ""))].join(", ");
  const measured =
    field === undefined
      ? `${names} ${entities.length > 1 ? "have" : "has"} ${rows} ${rows === 1 ? "record" : "records"} in ${fileNames}`
      : `the sum of ${field.name} over ${names} in ${fileNames} is ${text(a, scale)} (${summed} of ${rows} ${rows === 1 ? "record" : "records"} with a valid ${field.name})`;
  const figureWritten = totalFigureText(figure);
  const against =
    figure.literal !== undefined
      ? ""
      : `; ${figureWritten}${where} is ${text(b, scale)}`;
  const wanted = `${field === undefined ? "count" : `sum ${field.name}`} ${op} ${figureWritten}${when === undefined ? "" : ` when ${whenText}`}`;
  return {
    rule: rule.code,
    severity: rule.decl.severity ?? "signalling",
    entity: entities[0].name,
    role: undefined,
    attribute: undefined,
    key: "",
    values: {},
    message: `${measured}${against}: required ${wanted}`,
    law: ruleLaw(rule),
    ...(line === undefined ? {} : { line }),
  };
}

/** An exact decimal: digits without the point, and the number of places after it. */
interface Exact {
  unscaled: bigint;
  scale: number;
}

function exact(t: string): Exact {
  const [whole, fraction = ""] = t.split(".");
  return { unscaled: BigInt(whole + fraction), scale: fraction.length };
}

function at(x: Exact, scale: number): bigint {
  return x.unscaled * 10n ** BigInt(scale - x.scale);
}

function add(x: Exact, y: Exact): Exact {
  const scale = Math.max(x.scale, y.scale);
  return { unscaled: at(x, scale) + at(y, scale), scale };
}

/** The places of a field's canonical text (`decimal(p, s)`: s; `money`: 2; otherwise 0). */
function declaredScale(field: ResolvedField): number {
  const t = field.decl.type;
  if (t.name === "money") return 2;
  if (t.name === "decimal") return t.scale ?? 0;
  return 0;
}

function text(v: bigint, scale: number): string {
  if (scale === 0) return String(v);
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
