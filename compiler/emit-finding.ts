/**
 * Findings: the per-entity key and role helpers, and the object literal of one finding (built only
 * on the failure path) with its message placeholders filled in.
 *
 * @module
 */
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
} from "../dsl/model.js";
import { placeholders } from "../dsl/message-template.js";
import { MASK } from "./contract.js";
import { doc, isCode, join, key, lit, prop, ts, type Code } from "./code.js";
import { internal, type ModuleContext } from "./emit-context.js";
import { CTX, R, withNegation } from "./emit-expr.js";
import {
  entityHelper,
  fieldKind,
  recordType,
  renderExpr,
} from "./emit-types.js";

/**
 * A field of the record `r` as CSV text (`null` when absent): the text as delivered when it did
 * not decode, else the canonical rendering of the value. `plain` skips the delivered-text lookup.
 */
export function renderField(
  ctx: ModuleContext,
  field: ResolvedField,
  record: Code = R,
  plain = false,
): Code {
  const rendered = renderExpr(
    fieldKind(ctx.ruleset, field.decl.type),
    prop(record, field.name),
  );
  return plain ? rendered : ts`$text(${record}, ${field.name}, ${rendered})`;
}

/** `$key_E(r)`: the record key as `f=v;g=w`. */
export function emitKeyFunction(
  ctx: ModuleContext,
  entity: ResolvedEntity,
): Code {
  const parts: Code[] = [];
  const keys = entity.decl.key.filter((k) => k.name !== "");
  keys.forEach((ident, i) => {
    const field = ctx.ruleset.links.field(ident, entity);
    if (field === undefined) return;
    parts.push(
      lit(`${i === 0 ? "" : ";"}${ident.name}=`),
      ts`$msg(${renderField(ctx, field)})`,
    );
  });
  const body = parts.length === 0 ? lit("") : join(parts, " + ");
  return ts`${doc([`The key of a ${entity.name} record as \`field=value;...\`.`])}function ${entityHelper("key", entity)}(${R}: ${recordType(entity)}): string {
    return ${body};
  }`;
}

/**
 * `$role_E(r, ctx)`: D when the `role by` field equals the IKB key (from the context, else the
 * record's own IKB key field), V otherwise; undefined when no IKB key is known. Only for entities
 * with `role by`.
 */
export function emitRoleFunction(
  ctx: ModuleContext,
  entity: ResolvedEntity,
): Code | undefined {
  const links = ctx.ruleset.links;
  const by = links.field(entity.decl.roleBy, entity);
  if (by === undefined) return undefined;
  // Compared as CSV text (canonical, or as delivered when it did not decode); an empty key is unknown.
  const ikbField =
    ctx.ruleset.ikb === undefined
      ? undefined
      : links.field(ctx.ruleset.ikb.key, entity);
  const ikbKey =
    ikbField === undefined
      ? ts`${CTX}?.ikbKey`
      : ts`(${CTX}?.ikbKey ?? ${renderField(ctx, ikbField)} ?? undefined)`;
  return ts`${doc([`The role of a ${entity.name} record: D when \`${by.name}\` equals the IKB key, V otherwise; undefined when the IKB key is unknown.`])}function ${entityHelper("role", entity)}(${R}: ${recordType(entity)}, ${CTX}: RuleContext | undefined): Role | undefined {
    const key = ${ikbKey};
    if (key === undefined) return undefined;
    return ${renderField(ctx, by)} === key ? "D" : "V";
  }`;
}

/** The role expression inside a rule or check function (`role` when the entity has roles). */
export function roleCode(entity: ResolvedEntity): Code {
  return entity.roleBy === undefined ? ts`undefined` : ts`role`;
}

/** The guard for `applies to`; undefined when the rule applies to every record. */
export function appliesGuard(
  rule: ResolvedRule,
  entity: ResolvedEntity,
): Code | undefined {
  const roles = new Set(rule.decl.roles);
  if (
    entity.roleBy === undefined ||
    roles.size === 0 ||
    (roles.has("D") && roles.has("V"))
  )
    return undefined;
  return roles.has("D")
    ? withNegation(ts`(role === "D")`, ts`(role !== "D")`)
    : withNegation(ts`(role === "V")`, ts`(role !== "V")`);
}

export function ruleSeverity(rule: ResolvedRule): "blocking" | "signalling" {
  return rule.decl.severity ?? "signalling";
}

/** What a placeholder in a message can be filled with. */
export interface MessageValues {
  /** The attribute under test (attribute rules): a field, or code evaluating to its name. */
  attribute: ResolvedField | Code | undefined;
  /** CSV text of the attribute value (`string | null`). */
  value: Code | undefined;
  /**
   * When `attribute` is code: makes the code that is true when that attribute is a personal field
   * (called only when the message shows the value, so nothing is hoisted for other messages).
   */
  personal?: () => Code;
}

/** `$msg(text)`, or for a personal field the mask (empty when the value is absent, as in reports). */
function shown(textCode: Code, personal: boolean | Code): Code {
  if (personal === false) return ts`$msg(${textCode})`;
  const masked = ts`($msg(${textCode}) === "" ? "" : ${MASK})`;
  return personal === true
    ? masked
    : ts`(${personal} ? ${masked} : $msg(${textCode}))`;
}

/**
 * The message of a finding: the rule's `message` (default: its title) with `{attribute}`,
 * `{value}` and `{field_name}` filled in; other braces stay as written. Literal parts are quoted.
 * A placeholder of a personal field shows `***`, with or without `|masked` (the checker demands
 * `|masked`, REG230): personal data never reaches a message.
 */
export function messageCode(
  ctx: ModuleContext,
  rule: ResolvedRule,
  entity: ResolvedEntity,
  values: MessageValues,
): Code {
  const template = rule.decl.message ?? rule.decl.title;
  const fields = ctx.ruleset.links.placeholders(rule.decl, entity);
  const parts: Code[] = [];
  let literal = "";
  let last = 0;
  const flush = (): void => {
    if (literal !== "") parts.push(lit(literal));
    literal = "";
  };
  for (const p of placeholders(template)) {
    literal += template.slice(last, p.index);
    last = p.index + p.whole.length;
    if (p.name === "attribute") {
      if (isCode(values.attribute)) {
        flush();
        parts.push(values.attribute);
      } else {
        literal += values.attribute?.name ?? "";
      }
    } else if (p.name === "value") {
      if (values.value !== undefined) {
        flush();
        const personal = isCode(values.attribute)
          ? (values.personal?.() ?? false)
          : values.attribute?.decl.personal === true;
        parts.push(shown(values.value, personal));
      }
    } else {
      const field = fields.get(p.name);
      if (field === undefined) {
        literal += p.whole;
      } else {
        flush();
        parts.push(
          shown(renderField(ctx, field), field.decl.personal === true),
        );
      }
    }
  }
  literal += template.slice(last);
  flush();
  return parts.length === 0 ? lit("") : join(parts, " + ");
}

/** `$LAW_<code>`: the module-level frozen law of a rule, which each of its findings carries. */
export function lawName(rule: ResolvedRule): Code {
  return internal(`LAW_${rule.code}`);
}

/** The statement appending one finding. */
export function pushFinding(
  rule: ResolvedRule,
  entity: ResolvedEntity,
  attribute: ResolvedField | undefined,
  values: { name: string; code: Code }[],
  message: Code,
  ctx?: ModuleContext,
): Code {
  const valueEntries = values.map((v) => ts`${key(v.name)}: ${v.code}`);
  // A field with `unknown` texts: the finding says whether it was reported as unknown or missing.
  const reported =
    ctx !== undefined &&
    attribute !== undefined &&
    (attribute.decl.unknownValues?.length ?? 0) > 0
      ? ts`, $reported(${R}, ${attribute.name}, ${renderField(ctx, attribute)})`
      : ts``;
  return ts`$push(out, ${lawName(rule)}, ${ruleSeverity(rule)}, ${entity.name}, ${roleCode(entity)}, ${attribute === undefined ? ts`undefined` : lit(attribute.name)}, ${entityHelper("key", entity)}(${R}), { ${join(valueEntries, ", ")} }, ${message}${reported});`;
}
