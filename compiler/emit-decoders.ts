/**
 * Decoders: CSV cells to a typed record. The pass path only parses; when a cell does not fit its
 * type or a required cell is empty, a separate function marks the record (`$invalid`, with the
 * text as delivered), reports a missing required value (pseudo-rule `required`, blocking) and runs
 * the rules whose condition is `value is valid` for the entity's attributes.
 *
 * @module
 */
import type { ResolvedEntity } from "../dsl/model.js";
import { doc, id, join, key, lit, prop, ts, type Code } from "./code.js";
import type { ModuleContext } from "./emit-context.js";
import { R } from "./emit-expr.js";
import type { CompiledInstance } from "./emit-rules.js";
import {
  decodeExpr,
  entityHelper,
  fieldsWithKinds,
  recordType,
} from "./emit-types.js";

function cellVar(i: number): Code {
  return id(`c${i}`);
}

export function emitDecoder(
  ctx: ModuleContext,
  entity: ResolvedEntity,
  decodeRules: CompiledInstance[],
): Code {
  const fields = fieldsWithKinds(ctx, entity);
  const cells = fields.map(
    (_, i) => ts`const ${cellVar(i)} = $cell(cells, index[${i}]);`,
  );
  // A field with `unknown` texts: such a cell has no value, is not invalid and is kept in `$unknown`.
  const unknownTest = (field: (typeof fields)[number]["field"], i: number) => {
    const texts = field.decl.unknownValues ?? [];
    return texts.length === 0
      ? undefined
      : ts`(${join(
          texts.map((u) => ts`${cellVar(i)} === ${lit(u.value)}`),
          " || ",
        )})`;
  };
  const props = fields.map(({ field, kind }, i) => {
    const unknown = unknownTest(field, i);
    const empty =
      unknown === undefined
        ? ts`${cellVar(i)} === ""`
        : ts`${cellVar(i)} === "" || ${unknown}`;
    return ts`${key(field.name)}: ${empty} ? undefined : ${decodeExpr(ctx, kind, cellVar(i))}`;
  });
  const marks: Code[] = [];
  fields.forEach(({ field }, i) => {
    const unknown = unknownTest(field, i);
    if (unknown !== undefined)
      marks.push(
        ts`if (${unknown}) (${R}.$unknown ??= {})[${lit(field.name)}] = ${cellVar(i)};`,
      );
  });
  const bad: Code[] = [];
  fields.forEach(({ field, kind }, i) => {
    const canFail = !(kind.k === "text" && kind.maxLength === undefined);
    const unknown = unknownTest(field, i);
    // Required: absent for any reason is a failure. Optional: only a non-empty cell that did not decode.
    if (field.decl.required) bad.push(ts`${prop(R, field.name)} === undefined`);
    else if (canFail)
      bad.push(
        unknown === undefined
          ? ts`(${cellVar(i)} !== "" && ${prop(R, field.name)} === undefined)`
          : ts`(${cellVar(i)} !== "" && !${unknown} && ${prop(R, field.name)} === undefined)`,
      );
  });
  const failed = entityHelper("decodeFailed", entity);
  return ts`${doc([`Decode one CSV row of ${entity.name}. \`index[i]\` is the cell of the i-th field (-1: column missing).`])}function ${entityHelper("decode", entity)}(cells: readonly string[], index: readonly number[], out: Finding[]): ${recordType(entity)} {
    ${join(cells, "\n")}
    const ${R}: ${recordType(entity)} = { ${join(props, ",\n")} };
    ${join(marks, "\n")}
    ${bad.length === 0 ? ts`` : ts`if (${join(bad, " || ")}) ${failed}(${R}, cells, index, out);`}
    return ${R};
  }

  ${emitDecodeFailed(ctx, entity, decodeRules)}`;
}

function emitDecodeFailed(
  ctx: ModuleContext,
  entity: ResolvedEntity,
  decodeRules: CompiledInstance[],
): Code {
  const fields = ctx.hoist(
    "FIELDS",
    lit(entity.fields.map((f) => f.name)),
    ts`readonly string[]`,
  );
  return ts`${doc([`Mark the fields of a ${entity.name} record that did not decode and report them.`])}function ${entityHelper("decodeFailed", entity)}(${R}: ${recordType(entity)}, cells: readonly string[], index: readonly number[], out: Finding[]): void {
    $markInvalid(${R}, cells, index, ${fields});
    ${join(
      decodeRules.map((i) => ts`${i.impl}(${R}, undefined, out);`),
      "\n",
    )}
  }`;
}
