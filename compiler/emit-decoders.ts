/**
 * Decoders: CSV cells to a typed record. The pass path only parses; when a cell does not fit its
 * type or a required cell is empty, a separate function marks the record (`$invalid`) and reports
 * the finding under each rule whose condition is `value is valid` for that attribute.
 *
 * @module
 */
import type { ResolvedEntity, ResolvedField, ResolvedRule } from "../dsl/model.js";
import { doc, id, join, key, prop, ts, type Code } from "./code.js";
import type { ModuleContext } from "./emit-context.js";
import { R } from "./emit-expr.js";
import { appliesGuard, messageCode, pushFinding, renderField, roleCode } from "./emit-finding.js";
import { ruleInstances } from "./emit-rules.js";
import { decodeExpr, entityHelper, fieldsWithKinds, recordType } from "./emit-types.js";

/** Decode rules by entity and field name. */
export function decodeRuleIndex(ctx: ModuleContext, rules: ResolvedRule[]): Map<string, ResolvedRule[]> {
  const index = new Map<string, ResolvedRule[]>();
  for (const rule of rules) {
    for (const instance of ruleInstances(ctx, rule)) {
      for (const f of instance.attributes ?? []) {
        const k = `${instance.entity.name}.${f.name}`;
        const list = index.get(k) ?? [];
        list.push(rule);
        index.set(k, list);
      }
    }
  }
  return index;
}

function cellVar(i: number): Code {
  return id(`c${i}`);
}

export function emitDecoder(ctx: ModuleContext, entity: ResolvedEntity, decodeRules: Map<string, ResolvedRule[]>): Code {
  const fields = fieldsWithKinds(ctx, entity);
  const cells = fields.map((_, i) => ts`const ${cellVar(i)} = $cell(cells, index[${i}]);`);
  const props = fields.map(
    ({ field, kind }, i) => ts`${key(field.name)}: ${cellVar(i)} === "" ? undefined : ${decodeExpr(ctx, kind, cellVar(i))}`,
  );
  const bad: Code[] = [];
  fields.forEach(({ field, kind }, i) => {
    const canFail = !(kind.k === "text" && kind.maxLength === undefined);
    if (canFail) bad.push(ts`(${cellVar(i)} !== "" && ${prop(R, field.name)} === undefined)`);
    if (field.decl.required) bad.push(ts`${cellVar(i)} === ""`);
  });
  const failed = entityHelper("decodeFailed", entity);
  return ts`${doc([`Decode one CSV row of ${entity.name}. \`index[i]\` is the cell of the i-th field (-1: column missing).`])}function ${entityHelper("decode", entity)}(cells: readonly string[], index: readonly number[], out: Finding[]): ${recordType(entity)} {
    ${join(cells, "\n")}
    const ${R}: ${recordType(entity)} = { ${join(props, ",\n")} };
    ${bad.length === 0 ? ts`` : ts`if (${join(bad, " || ")}) ${failed}(${R}, cells, index, out);`}
    return ${R};
  }

  ${emitDecodeFailed(ctx, entity, decodeRules)}`;
}

function emitDecodeFailed(ctx: ModuleContext, entity: ResolvedEntity, decodeRules: Map<string, ResolvedRule[]>): Code {
  const fields = fieldsWithKinds(ctx, entity);
  const marks = fields.flatMap(({ field, kind }, i) => {
    if (kind.k === "text" && kind.maxLength === undefined) return [];
    return [ts`c = $cell(cells, index[${i}]);
      if (c !== "" && ${prop(R, field.name)} === undefined) (${R}.$invalid ??= {})[${field.name}] = c;`];
  });
  const reports = fields.flatMap(({ field }, i) => {
    const out: Code[] = [];
    if (field.decl.required) out.push(ts`if ($cell(cells, index[${i}]) === "") ${requiredFinding(entity, field)}`);
    const rules = decodeRules.get(`${entity.name}.${field.name}`) ?? [];
    if (rules.length > 0) {
      out.push(ts`if (!$isValid(${R}, ${field.name})) {
        ${join(rules.map((rule) => findingFor(ctx, rule, entity, field)), "\n")}
      }`);
    }
    return out;
  });
  const needsRole = entity.roleBy !== undefined;
  return ts`${doc([`Mark the fields of a ${entity.name} record that did not decode and report them.`])}function ${entityHelper("decodeFailed", entity)}(${R}: ${recordType(entity)}, cells: readonly string[], index: readonly number[], out: Finding[]): void {
    let c: string;
    ${join(marks, "\n")}
    ${needsRole ? ts`const role = ${entityHelper("role", entity)}(${R}, undefined);` : ts``}
    ${join(reports, "\n")}
  }`;
}

/**
 * A missing \`required\` value: a blocking decode error under the pseudo-rule code \`required\`
 * (the same convention as the reference interpreter).
 */
function requiredFinding(entity: ResolvedEntity, field: ResolvedField): Code {
  return ts`$push(out, "required", "blocking", ${entity.name}, ${roleCode(entity)}, ${field.name}, ${entityHelper("key", entity)}(${R}), { ${key(field.name)}: null }, ${`${field.name} is required`});`;
}

/** One decode finding under a `value is valid` rule. */
function findingFor(ctx: ModuleContext, rule: ResolvedRule, entity: ResolvedEntity, field: ResolvedField): Code {
  const value = renderField(ctx, field);
  const message = messageCode(ctx, rule, entity, { attribute: field, value });
  const push = pushFinding(ctx, rule, entity, field, [{ name: field.name, code: value }], message);
  const guard = appliesGuard(rule, entity);
  return guard === undefined ? push : ts`if (${guard}) { ${push} }`;
}

