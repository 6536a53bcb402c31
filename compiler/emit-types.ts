/**
 * Field types: how each `.regel` field type is represented in generated code, decoded from its
 * CSV text and rendered back to CSV text; and the record interface per entity.
 *
 * @module
 */
import type { CodeListDecl, TypeRef } from "../dsl/ast.js";
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRuleset,
} from "../dsl/model.js";
import { doc, id, join, key, lit, ts, type Code } from "./code.js";
import { internal, type ModuleContext } from "./emit-context.js";

/** The runtime representation of a field, with `ref` followed to the referenced field. */
export type FieldKind =
  | { k: "text"; maxLength: number | undefined }
  | { k: "code"; list: CodeListDecl | undefined }
  | { k: "integer" }
  | { k: "decimal"; precision: number; scale: number }
  | { k: "date" }
  | { k: "datetime" }
  | { k: "boolean" };

/** Resolve a declared type to its runtime kind (`ref E.f` becomes the kind of `E.f`). */
export function fieldKind(
  ruleset: ResolvedRuleset,
  type: TypeRef,
  depth = 0,
): FieldKind {
  switch (type.name) {
    case "text":
      return { k: "text", maxLength: type.maxLength };
    case "code":
      return {
        k: "code",
        list: ruleset.links.declared(type.codeList, "codelist")?.decl,
      };
    case "integer":
      return { k: "integer" };
    case "decimal":
      return {
        k: "decimal",
        precision: type.precision ?? 18,
        scale: type.scale ?? 0,
      };
    case "money":
      return { k: "decimal", precision: 18, scale: 2 };
    case "date":
      return { k: "date" };
    case "datetime":
      return { k: "datetime" };
    case "boolean":
      return { k: "boolean" };
    case "ref": {
      const target = ruleset.links.field(type.refField);
      if (target === undefined || depth > 8)
        return { k: "text", maxLength: undefined };
      return fieldKind(ruleset, target.decl.type, depth + 1);
    }
  }
}

/** The type as written, for metadata: `text(40)`, `decimal(9,4)`, `code yes_no`, `ref NP.customer_id`. */
export function typeText(type: TypeRef): string {
  switch (type.name) {
    case "text":
      return type.maxLength === undefined ? "text" : `text(${type.maxLength})`;
    case "decimal":
      return `decimal(${type.precision ?? 18},${type.scale ?? 0})`;
    case "code":
      return `code ${type.codeList?.name ?? ""}`;
    case "ref":
      return `ref ${type.refEntity?.name ?? ""}.${type.refField?.name ?? ""}`;
    default:
      return type.name;
  }
}

/** The TypeScript type of a decoded value (without `| undefined`). */
export function tsType(kind: FieldKind): Code {
  switch (kind.k) {
    case "text":
    case "code":
      return ts`string`;
    case "integer":
    case "date":
    case "datetime":
      return ts`number`;
    case "decimal":
      return ts`bigint`;
    case "boolean":
      return ts`boolean`;
  }
}

/**
 * Code lists of at most this many values are decoded by a `switch` over string literals (V8
 * compares a cell with each literal in a few nanoseconds), longer ones by a `Set` (which hashes
 * the cell first: about 20 ns a lookup on a freshly read cell, what 8 comparisons cost).
 */
const SWITCH_CODES = 16;

/**
 * The hoisted decoder of a code list's values: the cell's value as the literal of the list (so
 * that a rule comparing it with a literal compares interned strings), undefined when the cell is
 * not in the list; for a long list, a hoisted set of its values and the cell itself.
 */
function codeExpr(
  ctx: ModuleContext,
  list: CodeListDecl | undefined,
  cell: Code,
): Code {
  const values = [...new Set((list?.values ?? []).map((v) => v.code))];
  if (values.length > SWITCH_CODES) {
    const set = ctx.hoist(
      "CODES",
      ts`new Set<string>(${lit(values)})`,
      ts`ReadonlySet<string>`,
    );
    return ts`(${set}.has(${cell}) ? ${cell} : undefined)`;
  }
  const cases = values.map((v) => ts`case ${lit(v)}: return ${lit(v)};`);
  const decode = ctx.hoist(
    "code",
    ts`(s: string): string | undefined => {
  switch (s) {
    ${join(cases, "\n")}
    default: return undefined;
  }
}`,
  );
  return ts`${decode}(${cell})`;
}

/** An expression decoding the non-empty CSV text `cell` to a value, or undefined when it does not fit. */
export function decodeExpr(
  ctx: ModuleContext,
  kind: FieldKind,
  cell: Code,
): Code {
  switch (kind.k) {
    case "text":
      return kind.maxLength === undefined
        ? cell
        : ts`(${cell}.length <= ${kind.maxLength} || $cpLength(${cell}) <= ${kind.maxLength} ? ${cell} : undefined)`;
    case "code":
      return codeExpr(ctx, kind.list, cell);
    case "integer":
      return ts`$parseInteger(${cell})`;
    case "decimal":
      return ts`$parseDecimal(${cell}, ${kind.precision}, ${kind.scale})`;
    case "date":
      return ts`$parseDate(${cell})`;
    case "datetime":
      return ts`$parseDateTime(${cell})`;
    case "boolean":
      return ts`$parseBoolean(${cell})`;
  }
}

/** An expression rendering a decoded value back to CSV text (`null` when absent). */
export function renderExpr(kind: FieldKind, value: Code): Code {
  switch (kind.k) {
    case "decimal":
      return ts`$renderDecimal(${value}, ${kind.scale})`;
    case "date":
      return ts`$renderDate(${value})`;
    case "datetime":
      return ts`$renderDateTime(${value})`;
    default:
      return ts`$renderText(${value})`;
  }
}

/** The TypeScript name of an entity's record type (the entity name; checked to be a safe identifier). */
export function recordType(entity: ResolvedEntity): Code {
  return id(entity.name);
}

/** Names of per-entity internal helpers: `$decode_NP`, `$key_NP`, ... */
export function entityHelper(prefix: string, entity: ResolvedEntity): Code {
  return internal(`${prefix}_${entity.name}`);
}

/** The record interface of an entity, documented from the field descriptions. */
export function emitRecordInterface(
  ctx: ModuleContext,
  entity: ResolvedEntity,
): Code {
  const members = entity.fields.map((field) => {
    const kind = fieldKind(ctx.ruleset, field.decl.type);
    const lines = paragraphs(
      field.decl.description !== undefined ? [field.decl.description] : [],
      field.decl.doc,
      [
        `Type \`${typeText(field.decl.type)}\`, CSV column \`${field.column}\`${field.decl.required ? ", required" : ""}${field.decl.personal ? ", personal data" : ""}.`,
      ],
    );
    return ts`${doc(lines)}${ts`${propertyName(field.name)}`}: ${tsType(kind)} | undefined;`;
  });
  const lines = paragraphs(
    [`${entity.name}${entity.title !== undefined ? `: ${entity.title}` : ""}`],
    entity.doc,
    entity.file !== undefined ? [`Read from \`${entity.file}\`.`] : [],
  );
  return ts`${doc(lines)}export interface ${recordType(entity)} {
    ${join(members, "\n")}
    /** The CSV text of fields that did not fit their type, by field name (undefined when there are none). */
    $invalid?: Record<string, string>;
    /** The text of fields delivered as one of their "unknown" texts, by field name (undefined when there are none). */
    $unknown?: Record<string, string>;
  }`;
}

/** Non-empty groups of lines, separated by blank lines (TSDoc paragraphs). */
function paragraphs(...groups: string[][]): string[] {
  const out: string[] = [];
  for (const g of groups.filter((x) => x.length > 0))
    out.push(...(out.length > 0 ? [""] : []), ...g);
  return out;
}

/** A field name as an interface member / object key (quoted unless a plain identifier). */
export function propertyName(name: string): Code {
  return key(name);
}

/** The fields of an entity with their kinds. */
export function fieldsWithKinds(
  ctx: ModuleContext,
  entity: ResolvedEntity,
): { field: ResolvedField; kind: FieldKind }[] {
  return entity.fields.map((field) => ({
    field,
    kind: fieldKind(ctx.ruleset, field.decl.type),
  }));
}
