/**
 * The compiled form of the whole-file checks (`require unique a, b`, `require one a per b`): per
 * rule, functions of one CSV row that decode the named fields as the entity's decoder does and
 * join them into one comparable text ({@link WholeFileProjection} in compiler/contract.ts), or
 * hash that text without building it (`hash`, what the runtime calls per row). The runtime
 * hashes and compares these texts; it never reads the fields' types itself.
 *
 * @module
 */
import type { CombinationItem, Ident } from "../dsl/ast.js";
import type { ResolvedEntity } from "../dsl/model.js";
import { doc, id, join, key, ts, type Code } from "./code.js";
import { internal, type ModuleContext } from "./emit-context.js";
import { NORMALIZE_HELPERS } from "./emit-expr.js";
import { decodeExpr, fieldsWithKinds } from "./emit-types.js";

/** The projection functions of every whole-file rule and the `wholeFile` table that names them. */
export function emitWholeFile(ctx: ModuleContext): {
  functions: Code[];
  /** Undefined when the ruleset has no whole-file rule (its module is as before). */
  table: Code | undefined;
} {
  const functions: Code[] = [];
  const rows: Code[] = [];
  const links = ctx.ruleset.links;
  ctx.ruleset.rules.forEach((rule, n) => {
    const t = rule.decl.target;
    const req = rule.decl.require;
    if (t?.kind !== "FileTarget" || req?.kind !== "FileCheck") return;
    if (
      req.check !== "unique" &&
      req.check !== "one-per" &&
      req.check !== "count-per"
    )
      return;
    const entity = links.entity(t.entities[0]);
    if (entity === undefined) return;
    const keyFields = req.check === "unique" ? req.fields : req.per;
    const keyName = internal(`wholeFileKey${n}`);
    const hashName = internal(`wholeFileHash${n}`);
    // `with SA by customer_id`: the joined entity's fields come after the entity's own
    const joined =
      t.join === undefined ? undefined : links.entity(t.join.entity);
    for (const [name, what] of [
      [keyName, "key"],
      [hashName, "hash"],
    ] as const)
      functions.push(
        projection(
          ctx,
          entity,
          req.combination ?? plain(keyFields ?? []),
          name,
          rule.code,
          what,
          joined,
        ),
      );
    const key2 = ts`key: ${keyName}, hash: ${hashName}`;
    if (req.check === "count-per") {
      const countName = internal(`wholeFileCount${n}`);
      const all = fieldsWithKinds(ctx, entity);
      const field = links.field(req.fields?.[0], entity);
      const i = all.findIndex((f) => f.field === field);
      if (i < 0) throw new Error(`unlinked field in rule ${rule.code}`);
      functions.push(
        ts`${doc([`The number of records a ${entity.name} row states for rule ${rule.code}.`])}function ${countName}(cells: readonly string[], index: readonly number[]): number | undefined {
          const c = $cell(cells, index[${i}]);
          return c === "" ? undefined : ${decodeExpr(ctx, all[i].kind, ts`c`)};
        }`,
      );
      rows.push(ts`${key(rule.code)}: { ${key2}, count: ${countName} }`);
    } else if (req.check === "one-per") {
      const valueName = internal(`wholeFileValue${n}`);
      functions.push(
        projection(
          ctx,
          entity,
          plain(req.fields ?? []),
          valueName,
          rule.code,
          "value",
        ),
      );
      rows.push(ts`${key(rule.code)}: { ${key2}, value: ${valueName} }`);
    } else rows.push(ts`${key(rule.code)}: { ${key2} }`);
  });
  if (rows.length === 0) return { functions, table: undefined };
  const table = ts`
/** The whole-file checks by rule code: the combination of a row (and the values that must agree). */
export const wholeFile: Readonly<Record<string, WholeFileProjection>> = { ${join(rows, ",\n")} };
`;
  return { functions, table };
}

/**
 * The normalisations whose hash a module takes without building their text:
 * `$hashPart($normalizedName(texts), both)` in one helper (compiler/helpers/combination.ts).
 */
const FUSED_HASH_HELPERS: ReadonlyMap<string, Code> = new Map([
  ["normalized_name", ts`$hashNormalizedName`],
  ["normalized_code", ts`$hashNormalizedCode`],
]);

/** Plain fields as combination items. */
function plain(names: readonly Ident[]): CombinationItem[] {
  return names.map((f) => ({
    kind: "CombinationItem",
    fields: [f],
    span: f.span,
  }));
}

function projection(
  ctx: ModuleContext,
  entity: ResolvedEntity,
  items: readonly CombinationItem[],
  name: Code,
  code: string,
  /** `hash`: the key's two hashes into `out` (those of `$combinationHash`), without its text. */
  what: "key" | "hash" | "value",
  joined?: ResolvedEntity,
): Code {
  const all = fieldsWithKinds(ctx, entity);
  // the joined records' fields: their index positions follow the entity's own
  const other = joined === undefined ? [] : fieldsWithKinds(ctx, joined);
  const cells: Code[] = [];
  const parts: Code[] = [];
  // `hash`: each part hashed as soon as it is decoded (see below)
  const hashSteps: Code[] = [];
  const hashValue = (part: Code) => {
    const v = id(`v${hashSteps.length}`);
    hashSteps.push(ts`const ${v} = ${part};
    if (${v} === undefined) return false;
    $hashPart(${v}, both);`);
  };
  let k = 0;
  for (const item of items) {
    const decoded = item.fields.map((ident, j) => {
      const isJoined = item.of?.[j] !== undefined;
      const from = isJoined ? other : all;
      const field = ctx.ruleset.links.field(ident, isJoined ? joined : entity);
      const at = from.findIndex((f) => f.field === field);
      if (at < 0)
        throw new Error(`unlinked field ${ident.name} in rule ${code}`);
      const i = isJoined ? all.length + at : at;
      const kind = from[at].kind;
      const c = id(`c${k++}`);
      cells.push(ts`const ${c} = $cell(cells, index[${i}]);`);
      return ts`${c} === "" ? undefined : ${decodeExpr(ctx, kind, c)}`;
    });
    if (item.normalize === undefined) {
      parts.push(decoded[0]);
      hashValue(decoded[0]);
      continue;
    }
    // a normalisation of text fields (the checker's REG278): the helper skips absent ones
    const helper = NORMALIZE_HELPERS.get(item.normalize.name);
    if (helper === undefined)
      throw new Error(`unknown normalisation in rule ${code}`);
    parts.push(ts`${helper}([${join(decoded, ", ")}])`);
    // names and codes are hashed from their texts, without building the words or the result
    const fused = FUSED_HASH_HELPERS.get(item.normalize.name);
    if (fused !== undefined)
      hashSteps.push(
        ts`if (!${fused}([${join(decoded, ", ")}], both)) return false;`,
      );
    else hashValue(parts[parts.length - 1]);
  }
  if (what === "hash")
    // `$combinationHash` of the parts, part by part: no array per row, and none decoded after an
    // absent one (the parts are pure: the row takes no part either way; `out` is written last)
    return ts`${doc([`The two hashes of the combination of a ${entity.name} row for rule ${code} (false: it takes no part).`])}function ${name}(cells: readonly string[], index: readonly number[], out: Float64Array): boolean {
    ${join(cells, "\n")}
    const both = out.length > 1;
    $hashStart();
    ${join(hashSteps, "\n")}
    $hashEnd(out);
    return true;
  }`;
  return ts`${doc([`The ${what === "key" ? "combination" : "values that must agree"} of a ${entity.name} row for rule ${code}.`])}function ${name}(cells: readonly string[], index: readonly number[]): string | undefined {
    ${join(cells, "\n")}
    return $combination([${join(parts, ", ")}]);
  }`;
}
