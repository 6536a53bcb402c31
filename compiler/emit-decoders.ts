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
  const { cells, props, marks, bad } = decodeParts(ctx, fields);
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

type DecodedField = ReturnType<typeof fieldsWithKinds>[number];

/**
 * The parts of a decoder for `fields` (each with its position among the entity's fields): the
 * cells read, the record's properties, the `$unknown` marks and the tests of a field that did not
 * decode.
 */
function decodeParts(
  ctx: ModuleContext,
  fields: readonly DecodedField[],
  positions: readonly number[] = fields.map((_, i) => i),
): { cells: Code[]; props: Code[]; marks: Code[]; bad: Code[] } {
  const cells = fields.map(
    (_, j) =>
      ts`const ${cellVar(positions[j])} = $cell(cells, index[${positions[j]}]);`,
  );
  // A field with `unknown` texts: such a cell has no value, is not invalid and is kept in `$unknown`.
  const unknownTest = (field: DecodedField["field"], i: number) => {
    const texts = field.decl.unknownValues ?? [];
    return texts.length === 0
      ? undefined
      : ts`(${join(
          texts.map((u) => ts`${cellVar(i)} === ${lit(u.value)}`),
          " || ",
        )})`;
  };
  const props = fields.map(({ field, kind }, j) => {
    const i = positions[j];
    const unknown = unknownTest(field, i);
    const empty =
      unknown === undefined
        ? ts`${cellVar(i)} === ""`
        : ts`${cellVar(i)} === "" || ${unknown}`;
    return ts`${key(field.name)}: ${empty} ? undefined : ${decodeExpr(ctx, kind, cellVar(i))}`;
  });
  // present (undefined) in every record, so that every record of the entity has one shape (map):
  // the compiled checks, which read records of the entity, then see only that one
  props.push(ts`$invalid: undefined`, ts`$unknown: undefined`);
  // One call for all the fields with `unknown` texts, taken only when one of them is such a text:
  // a rarely taken branch of its own per field would leave the optimized decoder on the first
  // such cell of each field, where this branch does once (the helper's loop warms for them all).
  const withUnknown = fields.flatMap(({ field }, j) => {
    const test = unknownTest(field, positions[j]);
    return test === undefined ? [] : [{ field, i: positions[j], test }];
  });
  const marks: Code[] =
    withUnknown.length === 0
      ? []
      : [
          ts`if (${join(
            withUnknown.map(({ test }) => test),
            " || ",
          )}) $markUnknown(${R}, cells, index, ${ctx.hoist(
            "UNKNOWN",
            lit(
              withUnknown.map(({ field, i }) => [
                i,
                field.name,
                (field.decl.unknownValues ?? []).map((u) => u.value),
              ]),
            ),
            ts`readonly (readonly [number, string, readonly string[]])[]`,
          )});`,
        ];
  const bad: Code[] = [];
  fields.forEach(({ field, kind }, j) => {
    const i = positions[j];
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
  return { cells, props, marks, bad };
}

/**
 * A decoder of only the fields `names` of a row (the others absent from the record), each decoded
 * and marked (`$unknown`, `$invalid`) as the entity's decoder has it; no findings. For a
 * condition that reads only those fields (a file total's `when` in the scan).
 */
export function emitPartialDecoder(
  ctx: ModuleContext,
  entity: ResolvedEntity,
  names: ReadonlySet<string>,
  name: Code,
  comment: string,
): Code {
  const all = fieldsWithKinds(ctx, entity);
  const positions = all.flatMap((f, i) => (names.has(f.field.name) ? [i] : []));
  const fields = positions.map((i) => all[i]);
  const { cells, props, marks, bad } = decodeParts(ctx, fields, positions);
  const invalid =
    bad.length === 0
      ? ts``
      : ts`if (${join(bad, " || ")}) $markInvalid(${R}, cells, [${join(
          positions.map((i) => ts`index[${i}]`),
          ", ",
        )}], ${lit(fields.map((f) => f.field.name))});`;
  return ts`${doc([comment])}function ${name}(cells: readonly string[], index: readonly number[]): ${recordType(entity)} {
    ${join(cells, "\n")}
    const ${R} = { ${join(props, ",\n")} } as ${recordType(entity)};
    ${join(marks, "\n")}
    ${invalid}
    return ${R};
  }`;
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
