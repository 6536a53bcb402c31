/**
 * The ajv baseline of the benchmark: a JSON Schema equivalent to the field-level checks of one
 * entity — every field's type (val0001: length, number format, date, boolean, code list), the
 * mandatory attributes of dmc0000, the currency format of dmc0005 and the minimum of etc0001 —
 * built from the resolved ruleset, so that ajv and the compiled validators judge the same rules.
 *
 * Records reach ajv as objects of CSV text (absent cells left out), the same text the compiled
 * decoders read. A field's `unknown` texts ("Unknown", "Non-applicable") are no bad value of its
 * type, but a mandatory attribute delivered as one counts as missing (docs/language.md, "Unknown
 * values"): the schema says both.
 *
 * @module
 */
import type { ResolvedRuleset } from "../dsl/model.js";

type Schema = Record<string, unknown>;

function digitsPattern(precision: number, scale: number): string {
  const integerDigits = precision - scale;
  return scale > 0
    ? `^-?[0-9]{1,${integerDigits}}(\\.[0-9]{1,${scale}})?$`
    : `^-?[0-9]{1,${integerDigits}}$`;
}

/** JSON Schema for one entity of a ruleset, with the attribute rules named in `rules`. */
export function fieldSchema(
  ruleset: ResolvedRuleset,
  entityName: string,
): Schema {
  const entity = ruleset.entities.get(entityName);
  if (entity === undefined)
    throw new Error(`no entity ${entityName} in ${ruleset.id}`);
  const properties: Record<string, Schema> = {};
  const required = new Set<string>();
  for (const field of entity.fields) {
    const t = field.decl.type;
    let schema: Schema;
    switch (t.name) {
      case "text":
      case "ref":
        schema =
          t.maxLength !== undefined
            ? { type: "string", maxLength: t.maxLength }
            : { type: "string" };
        break;
      case "integer":
        schema = { type: "string", pattern: "^-?[0-9]{1,15}$" };
        break;
      case "money":
        schema = { type: "string", pattern: digitsPattern(18, 2) };
        break;
      case "decimal":
        schema = {
          type: "string",
          pattern: digitsPattern(t.precision ?? 18, t.scale ?? 0),
        };
        break;
      case "date":
        schema = { type: "string", format: "date" };
        break;
      case "datetime":
        schema = { type: "string", format: "date-time" };
        break;
      case "boolean":
        schema = { enum: ["true", "false"] };
        break;
      case "code": {
        const list = ruleset.codeLists.get(t.codeList?.name ?? "");
        schema = { enum: (list?.values ?? []).map((v) => v.code) };
        break;
      }
    }
    if (field.decl.required) required.add(field.name);
    properties[field.name] = schema;
  }
  // dmc0000: the mandatory attributes of this entity.
  const dmc0000 = ruleset.rules.find((r) => r.code === "dmc0000");
  if (dmc0000?.decl.target?.kind === "AttributeTarget") {
    for (const a of dmc0000.decl.target.attributes)
      if (a.entity.name === entityName) required.add(a.field.name);
  }
  for (const field of entity.fields) {
    const unknown = (field.decl.unknownValues ?? []).map((u) => u.value);
    if (unknown.length === 0) continue;
    properties[field.name] = required.has(field.name)
      ? { allOf: [{ not: { enum: unknown } }, properties[field.name]] }
      : { anyOf: [{ enum: unknown }, properties[field.name]] };
  }
  if (entityName === "BA") {
    // dmc0005: three capital letters; etc0001: at least one depositor.
    properties.currency = {
      allOf: [properties.currency, { type: "string", pattern: "^[A-Z]{3}$" }],
    };
    properties.count_of_depositors = {
      allOf: [
        properties.count_of_depositors,
        { not: { type: "string", pattern: "^(-[0-9]+|0+)$" } },
      ],
    };
  }
  return {
    type: "object",
    properties,
    required: [...required].sort(),
    additionalProperties: false,
  };
}

/** The compiled rules that make up the same field-level checks. */
export const FIELD_RULES_BA = ["dmc0000", "dmc0005", "etc0001"] as const;
