/**
 * Categories (Bijlage 3): one test per category over the findings and records of an IKB, and
 * `classify()` mapping the categories to the payout conditions they block (both in category
 * declaration order, without repeats).
 *
 * - `result CODE [(D|V)] [on E.f, ...]`: a finding of CODE, with that role (when qualified) and,
 *   with `on`, for one of the listed attributes.
 * - `marking E.f = "V" [(D|V)]`: a record of E in the IKB whose f renders as V, or whose f holds a
 *   value that does not fit its type (role as qualified).
 *
 * @module
 */
import type { AttributeRef } from "../dsl/ast.js";
import type { ResolvedCategory } from "../dsl/model.js";
import { doc, join, lit, prop, ts, type Code } from "./code.js";
import { internal, type ModuleContext } from "./emit-context.js";
import {
  entityHelper,
  fieldKind,
  recordType,
  renderExpr,
} from "./emit-types.js";

function attributeMatch(ref: AttributeRef): Code {
  const parts: Code[] = [];
  if (ref.entity.name !== "*") parts.push(ts`f.entity === ${ref.entity.name}`);
  if (ref.field.name !== "*") parts.push(ts`f.attribute === ${ref.field.name}`);
  return parts.length === 0
    ? ts`f.attribute !== undefined`
    : ts`(${join(parts, " && ")})`;
}

/**
 * The test of one category. Its loops are indexed: it runs once per IKB, mostly over no
 * findings, and a `for … of` made an iterator object (and a result) per loop where the function
 * was not optimized.
 */
function categoryTest(ctx: ModuleContext, category: ResolvedCategory): Code {
  const results = category.decl.results.map((r) => {
    const parts = [ts`f.rule === ${r.code.name}`];
    if (r.role !== undefined) parts.push(ts`f.role === ${r.role}`);
    if (r.attributes.length > 0)
      parts.push(ts`(${join(r.attributes.map(attributeMatch), " || ")})`);
    return ts`if (${join(parts, " && ")}) return true;`;
  });
  const links = ctx.ruleset.links;
  const markings = category.decl.markings.flatMap((m) => {
    const entity = links.entity(m.attribute.entity);
    const field =
      entity === undefined ? undefined : links.field(m.attribute.field, entity);
    if (entity === undefined || field === undefined) {
      ctx.error(
        "REG501",
        `category ${category.name}: unknown marking attribute ${m.attribute.entity.name}.${m.attribute.field.name}`,
        m.span,
      );
      return [];
    }
    const kind = fieldKind(ctx.ruleset, field.decl.type);
    const read = prop(ts`x`, field.name);
    const equal =
      kind.k === "text" || kind.k === "code"
        ? ts`${read} === ${m.value.value}`
        : ts`${renderExpr(kind, read)} === ${m.value.value}`;
    // A value that does not fit the field's type (kept in $invalid, found by the `value is valid`
    // rule) cannot show that the marking is absent: it counts as the marking, or an unreadable
    // value would meet the automated controls where the marking itself does not.
    const test = ts`(${equal} || (x.$invalid !== undefined && Object.hasOwn(x.$invalid, ${lit(field.name)})))`;
    const role =
      m.role === undefined
        ? ts``
        : entity.roleBy === undefined
          ? ts` && false`
          : ts` && ${entityHelper("role", entity)}(x, undefined) === ${m.role}`;
    return [
      ts`{
        const rows = $ikbRows<${recordType(entity)}>(ikb, ${entity.name});
        for (let i = 0; i < rows.length; i++) {
          const x = rows[i];
          if (${test}${role}) return true;
        }
      }`,
    ];
  });
  return ts`${doc([`Category ${category.name}: ${category.decl.title}`])}function ${internal(`category_${category.name}`)}(findings: readonly Finding[], ikb: Readonly<Record<string, readonly unknown[]>>): boolean {
    ${
      results.length === 0
        ? ts``
        : ts`for (let i = 0; i < findings.length; i++) {
      const f = findings[i];
      ${join(results, "\n")}
    }`
    }
    ${join(markings, "\n")}
    return false;
  }`;
}

export function emitClassify(ctx: ModuleContext): Code {
  const categories = ctx.ruleset.categories;
  const tests = categories.map((c) => categoryTest(ctx, c));
  const pushes = categories.map((c) => {
    const payout = c.decl.blocks?.name;
    return ts`if (${internal(`category_${c.name}`)}(findings, ikb)) {
      categories.push(${c.name});
      ${payout === undefined ? ts`` : ts`if (!payoutsBlocked.includes(${payout})) payoutsBlocked.push(${payout});`}
    }`;
  });
  return ts`${join(tests, "\n\n")}

  /**
   * Classify one IKB (Beoordelingskader Bijlage 3) from its findings and records: the categories it
   * falls in, the payout conditions they block, and whether it meets the automated controls (no category).
   */
  export function classify(findings: readonly Finding[], ikb: Readonly<Record<string, readonly unknown[]>>): Classification {
    const categories: string[] = [];
    const payoutsBlocked: string[] = [];
    ${join(pushes, "\n")}
    return { categories, payoutsBlocked, meetsAutomatedControls: categories.length === 0 };
  }`;
}
