/**
 * The compiled form of the file totals (`require count = TR.record_count`, `require sum balance =
 * TR.total_balance`): per rule, functions that give a row's summed value, the `single` entity's
 * figure, or the literal's / parameter's figure on the RRD, all as unscaled bigints at one scale
 * ({@link FileTotalProjection} in compiler/contract.ts). The runtime counts, adds and compares
 * these numbers; it never reads the fields' types itself.
 *
 * @module
 */
import type { Ident, ParameterDecl } from "../dsl/ast.js";
import type { ResolvedEntity } from "../dsl/model.js";
import { doc, id, join, key, lit, ts, type Code } from "./code.js";
import { internal, type ModuleContext } from "./emit-context.js";
import {
  compileCondition,
  CTX,
  decimalOf,
  R,
  type Scope,
} from "./emit-expr.js";
import {
  decodeExpr,
  entityHelper,
  fieldsWithKinds,
  recordType,
  type FieldKind,
} from "./emit-types.js";
import { dayNumberOf } from "./emit-expr.js";
import { emitPartialDecoder } from "./emit-decoders.js";

/** The file-total functions and the `fileTotals` table that names them. */
export function emitFileTotals(ctx: ModuleContext): {
  functions: Code[];
  /** Undefined when the ruleset has no file total (its module is as before). */
  table: Code | undefined;
} {
  const functions: Code[] = [];
  const rows: Code[] = [];
  const links = ctx.ruleset.links;
  /**
   * Per entity with a `when`, its record helper (the `decode` of its `when`s): its place among
   * `functions`, and the fields its conditions read (undefined: any, a condition over the IKB).
   */
  const recordHelpers = new Map<
    string,
    { at: number; entity: ResolvedEntity; fields: Set<string> | undefined }
  >();
  ctx.ruleset.rules.forEach((rule, n) => {
    const t = rule.decl.target;
    const req = rule.decl.require;
    if (t?.kind !== "FileTarget" || req?.kind !== "FileCheck") return;
    if (req.check !== "total" || req.figure === undefined) return;
    const figure = req.figure;
    // the summed field (sum) and the figure's field (a single entity's), with their kinds
    const summed =
      req.measure === "sum"
        ? linkedField(
            ctx,
            links.entity(t.entities[0]),
            req.fields?.[0],
            rule.code,
          )
        : undefined;
    const single = figure.entity
      ? linkedField(ctx, links.entity(figure.entity), figure.name, rule.code)
      : undefined;
    const parameter =
      figure.name && !figure.entity
        ? links.declared(figure.name, "parameter")?.decl
        : undefined;
    const literal = figure.literal
      ? decimalOf(
          figure.literal.kind === "Integer" || figure.literal.kind === "Decimal"
            ? figure.literal.text
            : "",
          figure.literal.span,
        )
      : undefined;
    const scale = Math.max(
      summed ? scaleOf(summed.kind) : 0,
      single ? scaleOf(single.kind) : 0,
      parameter ? parameterScale(parameter) : 0,
      literal?.scale ?? 0,
    );
    const props: Code[] = [ts`scale: ${lit(scale)}`];
    if (summed) {
      const name = internal(`fileTotalValue${n}`);
      functions.push(rowValue(ctx, summed, scale, name, rule.code, "value"));
      props.push(ts`value: ${name}`);
    }
    if (single) {
      const name = internal(`fileTotalSingle${n}`);
      functions.push(rowValue(ctx, single, scale, name, rule.code, "figure"));
      props.push(ts`single: ${name}`);
    }
    if (literal || parameter) {
      const name = internal(`fileTotalFigure${n}`);
      const body = literal
        ? ts`return ${lit(literal.unscaled * pow10(scale - literal.scale))};`
        : ts`return $paramAt<bigint>([${join(periods(parameter!, scale), ", ")}], rrd);`;
      functions.push(
        ts`${doc([`The figure of rule ${rule.code} on the RRD, unscaled at ${scale} decimals.`])}function ${name}(${id(literal ? "_rrd" : "rrd")}: number): bigint | undefined {
    ${body}
  }`,
      );
      props.push(ts`figure: ${name}`);
    }
    const when = rule.decl.when;
    if (when !== undefined) {
      // a subtype's condition: which rows of the rule's one entity are counted or summed
      const entity = links.entity(t.entities[0]);
      if (entity === undefined)
        throw new Error(`unlinked file total in rule ${rule.code}`);
      const scope: Scope = {
        ctx,
        entity,
        attribute: undefined,
        bindings: [],
        refs: [],
        usage: { ikb: false },
      };
      const cond = compileCondition(when, scope);
      const name = internal(`fileTotalWhen${n}`);
      const record = internal(`fileTotalRecord_${entity.name}`);
      functions.push(
        ts`${doc([`Whether a ${entity.name} row counts for rule ${rule.code} (its \`when\`); the row is decoded as the checks decode it (or given so decoded); ctx holds the RRD and no IKB.`])}function ${name}(cells: readonly string[], index: readonly number[], ${CTX}: RuleContext, record?: unknown): boolean {
    const ${R} = (record ?? ${entityHelper("decode", entity)}(cells, index, [])) as ${recordType(entity)};
    return ${cond};
  }`,
      );
      let helper = recordHelpers.get(entity.name);
      if (helper === undefined) {
        helper = { at: functions.length, entity, fields: new Set() };
        recordHelpers.set(entity.name, helper);
        functions.push(ts``); // the helper, once the fields of every condition are known
      }
      props.push(ts`when: ${name}`, ts`decode: ${record}`);
      // the fields the condition reads, so that the scan slices only their cells
      if (!scope.usage.ikb) {
        const read = new Set(scope.refs);
        const names = fieldsWithKinds(ctx, entity)
          .filter((f) => read.has(f.field))
          .map((f) => f.field.name);
        for (const n of names) helper.fields?.add(n);
        props.push(
          ts`whenFields: [${join(
            names.map((n) => lit(n)),
            ", ",
          )}]`,
        );
      } else helper.fields = undefined;
    }
    if (single && figure.key?.kind === "String" && figure.keyField) {
      // `E.f where k = "KEY"`: the row of E whose k is KEY (as written in the cell)
      const k = figure.keyField.name;
      const i = fieldsWithKinds(ctx, single.entity).findIndex(
        (f) => f.field.name === k,
      );
      const name = internal(`fileTotalMatch${n}`);
      functions.push(
        ts`${doc([`Whether a ${single.entity.name} row is the one that holds the figure of rule ${rule.code}.`])}function ${name}(cells: readonly string[], index: readonly number[]): boolean {
    return $cell(cells, index[${lit(i)}]) === ${lit(figure.key.value)};
  }`,
      );
      props.push(ts`match: ${name}`);
    }
    rows.push(ts`${key(rule.code)}: { ${join(props, ", ")} }`);
  });
  // a record helper decodes only the fields its conditions read (the scan leaves the other
  // cells empty anyway): the whole record, 30 fields for BA, was most of a scanned row's garbage
  for (const [name, { at, entity, fields }] of recordHelpers) {
    const record = internal(`fileTotalRecord_${name}`);
    functions[at] =
      fields === undefined
        ? ts`${doc([`A ${name} row decoded as the checks decode it (its findings dropped), for the \`when\` of its file totals.`])}function ${record}(cells: readonly string[], index: readonly number[]): ${recordType(entity)} {
    return ${entityHelper("decode", entity)}(cells, index, []);
  }`
        : emitPartialDecoder(
            ctx,
            entity,
            fields,
            record,
            `The fields of a ${name} row that the \`when\`s of its file totals read, decoded as the checks decode them (findings dropped); the other fields are absent.`,
          );
  }
  if (rows.length === 0) return { functions, table: undefined };
  const table = ts`
/** The file totals by rule code: a row's summed value and the figure it is compared with. */
export const fileTotals: Readonly<Record<string, FileTotalProjection>> = { ${join(rows, ",\n")} };
`;
  return { functions, table };
}

interface Located {
  entity: ResolvedEntity;
  /** Position among the entity's fields (the runtime's `index`). */
  i: number;
  kind: FieldKind;
}

function linkedField(
  ctx: ModuleContext,
  entity: ResolvedEntity | undefined,
  ident: Ident | undefined,
  code: string,
): Located {
  if (entity === undefined || ident === undefined)
    throw new Error(`unlinked file total in rule ${code}`);
  const all = fieldsWithKinds(ctx, entity);
  const field = ctx.ruleset.links.field(ident, entity);
  const i = all.findIndex((f) => f.field === field);
  if (i < 0) throw new Error(`unlinked field ${ident.name} in rule ${code}`);
  return { entity, i, kind: all[i].kind };
}

function scaleOf(kind: FieldKind): number {
  return kind.k === "decimal" ? kind.scale : 0;
}

function parameterScale(decl: ParameterDecl): number {
  if (decl.type === "money") return 2;
  return Math.max(
    0,
    ...decl.values.map((v) =>
      v.value.kind === "Decimal"
        ? decimalOf(v.value.text, v.value.span).scale
        : 0,
    ),
  );
}

/** The periods of a parameter with its values unscaled at `scale`. */
function periods(decl: ParameterDecl, scale: number): Code[] {
  return decl.values.map((v) => {
    const n = decimalOf(
      v.value.kind === "Integer" || v.value.kind === "Decimal"
        ? v.value.text
        : "",
      v.value.span,
    );
    return ts`[${lit(dayNumberOf(v.from.text, v.from.span))}, ${v.until === undefined ? ts`undefined` : lit(dayNumberOf(v.until.text, v.until.span))}, ${lit(n.unscaled * pow10(scale - n.scale))}]`;
  });
}

/** A row's value of one integer or decimal field, unscaled at `scale`; undefined when absent or not valid. */
function rowValue(
  ctx: ModuleContext,
  f: Located,
  scale: number,
  name: Code,
  code: string,
  what: "value" | "figure",
): Code {
  const decoded = ts`${decodeExpr(ctx, f.kind, ts`c`)}`;
  const factor = pow10(scale - scaleOf(f.kind));
  const scaled =
    f.kind.k === "integer"
      ? ts`BigInt(v) * ${lit(factor)}`
      : ts`v * ${lit(factor)}`;
  return ts`${doc([`The ${what === "value" ? "summed value" : "figure"} of a ${f.entity.name} row for rule ${code}, unscaled at ${scale} decimals.`])}function ${name}(cells: readonly string[], index: readonly number[]): bigint | undefined {
    const c = $cell(cells, index[${lit(f.i)}]);
    if (c === "") return undefined;
    const v = ${decoded};
    return v === undefined ? undefined : ${scaled};
  }`;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}
