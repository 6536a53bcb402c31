/**
 * Rules: one documented, exported function per record / attribute rule, the per-entity
 * implementations behind it, and the fused `checks[E]` per entity (fast boolean path first,
 * findings built only when it fails).
 *
 * @module
 */
import type { Expr } from "../dsl/ast.js";
import { isGoneRule, readsPrevious } from "../dsl/previous.js";
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
} from "../dsl/model.js";
import {
  comment,
  doc,
  id,
  isSafeIdentifier,
  join,
  lit,
  ts,
  type Code,
} from "./code.js";
import { CompileError, internal, type ModuleContext } from "./emit-context.js";
import { compileCondition, CTX, not, R, type Scope } from "./emit-expr.js";
import {
  appliesGuard,
  messageCode,
  lawName,
  pushFinding,
  renderField,
  roleCode,
  ruleSeverity,
} from "./emit-finding.js";
import { entityHelper, recordType } from "./emit-types.js";
import type { CompiledRuleset } from "./contract.js";

/** One rule applied to one entity (an attribute rule over several entities has one per entity). */
export interface RuleInstance {
  rule: ResolvedRule;
  entity: ResolvedEntity;
  /** The attributes under test; undefined for a record rule. */
  attributes: ResolvedField[] | undefined;
}

/** A compiled condition for one record or one attribute. */
interface CompiledCheck {
  attribute: ResolvedField | undefined;
  when: Code | undefined;
  require: Code;
  refs: ResolvedField[];
}

export interface CompiledInstance extends RuleInstance {
  /** A `value is valid` rule: reported by the decoder, from the fields it marked invalid. */
  decode: boolean;
  checks: CompiledCheck[];
  usesIkb: boolean;
  /**
   * `for previous E`: runs on the records of T−1 (exported in `gone[E]`, not in the fused
   * `checks[E]`); its one check requires the delivery's IKB to have the record's key.
   */
  gone: boolean;
  /** The per-entity implementation function. */
  impl: Code;
}

/** The names the module exports besides the rule functions: every member of the contract. */
const MODULE_EXPORTS: Readonly<Record<keyof CompiledRuleset, true>> = {
  metadata: true,
  entities: true,
  trace: true,
  categories: true,
  payouts: true,
  norms: true,
  aggregates: true,
  reconciliations: true,
  laws: true,
  assumptions: true,
  fileRules: true,
  wholeFile: true,
  fileTotals: true,
  decoders: true,
  checks: true,
  gone: true,
  needsIkb: true,
  classify: true,
};

/**
 * The globals of ECMAScript and of its hosts: a module-level function of one of these names would
 * shadow the global that the module's own code (prelude, helpers) reads, such as `Object.freeze`.
 */
const GLOBAL_NAMES = new Set(
  (
    "globalThis Infinity NaN undefined eval isFinite isNaN parseFloat parseInt decodeURI " +
    "decodeURIComponent encodeURI encodeURIComponent escape unescape AggregateError Array " +
    "ArrayBuffer Atomics BigInt BigInt64Array BigUint64Array Boolean DataView Date Error " +
    "EvalError FinalizationRegistry Float16Array Float32Array Float64Array Function Int8Array " +
    "Int16Array Int32Array Intl Iterator JSON Map Math Number Object Promise Proxy RangeError " +
    "ReferenceError Reflect RegExp Set SharedArrayBuffer String Symbol SyntaxError TypeError " +
    "Uint8Array Uint8ClampedArray Uint16Array Uint32Array URIError WeakMap WeakRef WeakSet " +
    "AbortController AbortSignal Blob Buffer TextDecoder TextEncoder URL URLSearchParams " +
    "WebAssembly atob btoa clearImmediate clearInterval clearTimeout console crypto fetch " +
    "global performance process queueMicrotask require setImmediate setInterval setTimeout " +
    "structuredClone"
  ).split(" "),
);

/** The prefix of a rule function whose code is not usable as is; no code used as is starts with it. */
const RENAMED_PREFIX = "rule_";

/**
 * The exported function name of a rule: its code, or `rule_<code>` when the code is not usable as
 * is (reserved, a module export, a global, or itself starting with `rule_`). The mapping is
 * one-to-one: a name used as is never starts with `rule_`, every renamed one does.
 */
export function ruleFunctionName(rule: Pick<ResolvedRule, "code">): Code {
  const code = rule.code;
  if (
    isSafeIdentifier(code) &&
    !Object.hasOwn(MODULE_EXPORTS, code) &&
    !GLOBAL_NAMES.has(code) &&
    !code.startsWith(RENAMED_PREFIX) &&
    !code.startsWith("$")
  )
    return id(code);
  return id(`${RENAMED_PREFIX}${code}`);
}

/** `name`, or `name_2`, `name_3`, ... when taken; the name returned is then taken. */
function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = `${name}_${n}`;
  taken.add(unique);
  return unique;
}

/** Expand a rule's target to its instances, entities in first-mention order. */
export function ruleInstances(
  ctx: ModuleContext,
  rule: ResolvedRule,
): RuleInstance[] {
  const target = rule.decl.target;
  if (target === undefined || target.kind === "FileTarget") return [];
  const links = ctx.ruleset.links;
  if (target.kind === "RecordTarget") {
    const entity = links.entity(target.entity);
    return entity === undefined
      ? []
      : [{ rule, entity, attributes: undefined }];
  }
  const byEntity = new Map<ResolvedEntity, RuleInstance>();
  for (const ref of target.attributes) {
    // `*` stands for every entity, every field: a wildcard, not a name.
    const entities =
      ref.entity.name === "*"
        ? [...ctx.ruleset.entities.values()]
        : [links.entity(ref.entity)];
    for (const entity of entities) {
      if (entity === undefined) continue;
      const named = links.field(ref.field, entity);
      const fields =
        ref.field.name === "*"
          ? entity.fields
          : named === undefined
            ? []
            : [named];
      if (fields.length === 0) continue;
      let instance = byEntity.get(entity);
      if (instance === undefined) {
        instance = { rule, entity, attributes: [] };
        byEntity.set(entity, instance);
      }
      for (const f of fields)
        if (!instance.attributes!.includes(f)) instance.attributes!.push(f);
    }
  }
  return [...byEntity.values()];
}

/** `require value is valid` with no `when`: reported by the decoder, not by the checks. */
export function isDecodeRule(rule: ResolvedRule): boolean {
  const req = rule.decl.require;
  return (
    rule.decl.target?.kind === "AttributeTarget" &&
    rule.decl.when === undefined &&
    req !== undefined &&
    req.kind === "Is" &&
    req.test === "valid" &&
    !req.negated &&
    req.operand.kind === "Path" &&
    req.operand.entity === undefined &&
    req.operand.name.name === "value"
  );
}

function compileOne(
  ctx: ModuleContext,
  instance: RuleInstance,
  attribute: ResolvedField | undefined,
  usage: { ikb: boolean },
): CompiledCheck {
  const refs: ResolvedField[] = [];
  const scope: Scope = {
    ctx,
    entity: instance.entity,
    attribute,
    bindings: [],
    refs,
    usage,
  };
  const decl = instance.rule.decl;
  const when =
    decl.when === undefined ? undefined : compileCondition(decl.when, scope);
  const req = decl.require;
  if (req === undefined || req.kind === "FileCheck")
    throw new CompileError(
      "REG501",
      "a record rule needs a `require` condition",
      decl.span,
    );
  const require = compileCondition(req as Expr, scope);
  return { attribute, when, require, refs };
}

/**
 * `for previous E ... require present`: the record of T−1 (`r`) is still delivered when the
 * delivery's IKB (`ctx.ikb`) has a record of E with the same key (`$delivered`; a record of T−1
 * with an absent key field counts as delivered: it cannot be found again). The `when` reads the record of
 * T−1 as any record rule reads its record.
 */
function compileGone(
  ctx: ModuleContext,
  instance: RuleInstance,
): CompiledCheck {
  const refs: ResolvedField[] = [];
  const scope: Scope = {
    ctx,
    entity: instance.entity,
    attribute: undefined,
    bindings: [],
    refs,
    usage: { ikb: false },
  };
  const decl = instance.rule.decl;
  const when =
    decl.when === undefined ? undefined : compileCondition(decl.when, scope);
  const key = ctx.hoist("KEY", lit(instance.entity.key), ts`readonly string[]`);
  const require = ts`$delivered(${CTX}.ikb[${instance.entity.name}], ${R}, ${key})`;
  return { attribute: undefined, when, require, refs };
}

/** Compile every record / attribute rule; rules that fail to compile become diagnostics. */
export function compileRules(ctx: ModuleContext): CompiledInstance[] {
  const out: CompiledInstance[] = [];
  // `$rule_<code>_<entity>` alone is ambiguous (rule a_b of entity c, rule a of entity b_c)
  const implNames = new Set<string>();
  for (const rule of ctx.ruleset.rules) {
    for (const instance of ruleInstances(ctx, rule)) {
      const usage = { ikb: false };
      const impl = internal(
        uniqueName(`rule_${rule.code}_${instance.entity.name}`, implNames),
      );
      if (isDecodeRule(rule)) {
        out.push({
          ...instance,
          decode: true,
          checks: [],
          usesIkb: false,
          gone: false,
          impl,
        });
        continue;
      }
      if (isGoneRule(rule.decl)) {
        try {
          out.push({
            ...instance,
            decode: false,
            checks: [compileGone(ctx, instance)],
            usesIkb: true,
            gone: true,
            impl,
          });
        } catch (e) {
          if (!(e instanceof CompileError)) throw e;
          ctx.error(e.code, `rule ${rule.code}: ${e.message}`, e.span);
        }
        continue;
      }
      try {
        const attrs =
          instance.attributes === undefined ? [undefined] : instance.attributes;
        const checks = attrs.map((a) => compileOne(ctx, instance, a, usage));
        out.push({
          ...instance,
          decode: false,
          checks,
          usesIkb: usage.ikb,
          gone: false,
          impl,
        });
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        ctx.error(e.code, `rule ${rule.code}: ${e.message}`, e.span);
      }
    }
  }
  return out;
}

/** `!when || require` for one check. */
function passCode(check: CompiledCheck): Code {
  return check.when === undefined
    ? check.require
    : ts`(${not(check.when)} || ${check.require})`;
}

/**
 * The whole fast-path condition of an instance, including its `applies to` guard, marked with the
 * rule's code so a reader of the fused check sees which rule each part is.
 */
function instancePass(instance: CompiledInstance): Code {
  const all = join(instance.checks.map(passCode), " && ");
  const guard = appliesGuard(instance.rule, instance.entity);
  const pass =
    guard === undefined ? ts`(${all})` : ts`(${not(guard)} || (${all}))`;
  // a rule that reads T−1 is not evaluated without a previous delivery: it does not fail either
  const evaluated = readsPrevious(instance.rule.decl)
    ? ts`(${CTX}.previous === undefined || ${pass})`
    : pass;
  return ts`${comment(instance.rule.code)} ${evaluated}`;
}

function roleLine(instance: { entity: ResolvedEntity }): Code {
  return instance.entity.roleBy === undefined
    ? ts``
    : ts`const role = ${entityHelper("role", instance.entity)}(${R}, ${CTX});`;
}

/**
 * The implementation of a `value is valid` rule on one entity: one finding per attribute the
 * decoder could not read, with the text as delivered. Called by the decoder (without a context).
 */
function emitDecodeInstance(
  ctx: ModuleContext,
  instance: CompiledInstance,
): Code {
  const { rule, entity } = instance;
  const attributes = instance.attributes ?? [];
  const fields = ctx.hoist(
    "FIELDS",
    lit(attributes.map((f) => f.name)),
    ts`readonly string[]`,
  );
  const requiredNames = attributes
    .filter((f) => f.decl.required)
    .map((f) => f.name);
  const personalNames = attributes
    .filter((f) => f.decl.personal)
    .map((f) => f.name);
  const message = messageCode(ctx, rule, entity, {
    attribute: ts`f`,
    value: ts`(v ?? "")`,
    personal:
      personalNames.length === 0
        ? undefined
        : () =>
            ts`${ctx.hoist("FIELDS", lit(personalNames), ts`readonly string[]`)}.includes(f)`,
  });
  const push = ts`$push(out, ${lawName(rule)}, ${ruleSeverity(rule)}, ${entity.name}, ${roleCode(entity)}, f, ${entityHelper("key", entity)}(${R}), { [f]: v }, ${message});`;
  // Not valid: text that did not fit the type (kept in $invalid), or an empty `required` field.
  const missingRequired =
    requiredNames.length === 0
      ? ts`false`
      : ts`${ctx.hoist("FIELDS", lit(requiredNames), ts`readonly string[]`)}.includes(f) && (${R} as unknown as Record<string, unknown>)[f] === undefined`;
  const loop = ts`for (const f of ${fields}) {
    let v: string | null;
    if (invalid !== undefined && Object.hasOwn(invalid, f)) v = invalid[f];
    else if (${missingRequired}) v = null;
    else continue;
    ${push}
  }`;
  const guard = appliesGuard(rule, entity);
  return ts`${doc([`${rule.code} on ${entity.name}: fields whose text does not fit their type, and empty required fields.`])}function ${instance.impl}(${R}: ${recordType(entity)}, ${CTX}: RuleContext | undefined, out: Finding[]): void {
    const invalid = ${R}.$invalid;
    ${requiredNames.length === 0 ? ts`if (invalid === undefined) return;` : ts``}
    ${roleLine(instance)}
    ${guard === undefined ? loop : ts`if (${guard}) { ${loop} }`}
  }`;
}

/** The per-entity implementation: pushes one finding per failing record / attribute. */
export function emitInstance(
  ctx: ModuleContext,
  instance: CompiledInstance,
): Code {
  if (instance.decode) return emitDecodeInstance(ctx, instance);
  const { rule, entity } = instance;
  const body = instance.checks.map((check) => {
    const values = [
      ...(check.attribute === undefined ? [] : [check.attribute]),
      ...check.refs.filter((f) => f !== check.attribute),
    ].map((f) => ({ name: f.name, code: renderField(ctx, f) }));
    const value =
      check.attribute === undefined
        ? undefined
        : renderField(ctx, check.attribute);
    const message = messageCode(ctx, rule, entity, {
      attribute: check.attribute,
      value,
    });
    const failed =
      check.when === undefined
        ? not(check.require)
        : ts`${check.when} && ${not(check.require)}`;
    return ts`if (${failed}) {
      ${pushFinding(rule, entity, check.attribute, values, message, ctx)}
    }`;
  });
  const guard = appliesGuard(rule, entity);
  const guarded =
    guard === undefined
      ? join(body, "\n")
      : ts`if (${guard}) {
    ${join(body, "\n")}
  }`;
  const previous = readsPrevious(rule.decl);
  const lines = [`${rule.code} on ${entity.name}.`];
  if (instance.gone)
    lines.push(
      "Runs on a record of the previous delivery (T−1), `ctx.ikb` its IKB in the delivery: a finding when the delivery no longer has it.",
    );
  else if (previous)
    lines.push(
      "Reads the previous delivery (`ctx.previous`): not evaluated without one.",
    );
  return ts`${doc(lines)}function ${instance.impl}(${R}: ${recordType(entity)}, ${CTX}: RuleContext, out: Finding[]): void {
    ${previous ? ts`if (${CTX}.previous === undefined) return;` : ts``}
    ${roleLine(instance)}
    ${guarded}
  }`;
}

/** The TSDoc of a rule: code, title, severity, meaning, articles and source location. */
export function ruleDoc(rule: ResolvedRule, location: string): string[] {
  const d = rule.decl;
  const lines = [`${rule.code} — ${d.title}`, ""];
  if (d.meaning !== undefined) lines.push(d.meaning, "");
  lines.push(...d.doc);
  if (d.doc.length > 0) lines.push("");
  lines.push(
    `Severity: ${d.severity ?? "signalling"}. Applies to: ${d.roles.length > 0 ? d.roles.join(", ") : "D, V"}.`,
  );
  if (rule.articles.length > 0) {
    lines.push(
      `Implements: ${rule.articles.map((a) => `${a.sourceAlias} ${a.locator}`).join(", ")}.`,
    );
    const sources = new Map(
      rule.articles.map((a) => [a.sourceAlias, a.sourceTitle]),
    );
    for (const [alias, title] of sources) lines.push(`- ${alias}: ${title}`);
  }
  lines.push(`Source: ${location} (${rule.origin}).`);
  return lines;
}

/**
 * The exported function of a rule: dispatches to the implementation for the record's entity and
 * returns the findings (appended to `out` when given).
 */
export function emitRuleFunction(
  rule: ResolvedRule,
  instances: CompiledInstance[],
  location: string,
  decodeRule: boolean,
): Code {
  const entityUnion =
    instances.length === 0
      ? ts`never`
      : join(
          instances.map((i) => ts`${i.entity.name}`),
          " | ",
        );
  const recordUnion =
    instances.length === 0
      ? ts`never`
      : join(
          instances.map((i) => recordType(i.entity)),
          " | ",
        );
  const cases = instances.map(
    (i) => ts`case ${i.entity.name}:
      ${i.impl}(record as ${recordType(i.entity)}, ${CTX}, out);
      break;`,
  );
  const lines = ruleDoc(rule, location);
  if (decodeRule)
    lines.push(
      "",
      "The decoders report this rule while reading a row; the fused checks do not repeat it.",
    );
  lines.push(
    "",
    "@param entity - the entity of the record",
    "@param record - a decoded record",
    "@param ctx - the reporting reference date and the IKB",
    "@param out - findings are appended here",
    "@returns `out`",
  );
  return ts`${doc(lines)}export function ${ruleFunctionName(rule)}(entity: ${entityUnion}, record: ${recordUnion}, ${CTX}: RuleContext, out: Finding[] = []): Finding[] {
    switch (entity) {
      ${join(cases, "\n")}
    }
    return out;
  }`;
}

/**
 * Rules per `&&` chain of the fused check. TypeScript's binder (run by `transpileModule`) recurses
 * once per `&&`, so one chain of about 1,500 rules overflowed the stack ("Maximum call stack size
 * exceeded" while `regel check` passed, issue 16); chains of this many keep the depth small and
 * leave the modules of the shipped rulesets as they were.
 */
const RULES_PER_CHAIN = 100;

/**
 * `if (all rules pass) return true;` — for many rules as `let pass = <chain>; pass &&= <chain>; ...`,
 * which short-circuits the same way.
 */
function fastPath(instances: CompiledInstance[]): Code {
  const chains: Code[] = [];
  for (let i = 0; i < instances.length; i += RULES_PER_CHAIN)
    chains.push(
      join(instances.slice(i, i + RULES_PER_CHAIN).map(instancePass), " &&\n"),
    );
  if (chains.length === 1) return ts`if (${chains[0]}) return true;`;
  return ts`let pass = ${chains[0]};
    ${join(
      chains.slice(1).map((c) => ts`pass &&= ${c};`),
      "\n",
    )}
    if (pass) return true;`;
}

/** `$check_E`: every record / attribute rule of E in one pass. */
export function emitCheck(
  entity: ResolvedEntity,
  instances: CompiledInstance[],
): Code {
  const name = entityHelper("check", entity);
  const header = ts`${doc([`All record and attribute rules of ${entity.name} in one pass: true when the record passes them all.`])}function ${name}(${R}: ${recordType(entity)}, ${CTX}: RuleContext, out: Finding[]): boolean`;
  if (instances.length === 0)
    return ts`${header} {
    return true;
  }`;
  const needsRole =
    entity.roleBy !== undefined &&
    instances.some((i) => appliesGuard(i.rule, i.entity) !== undefined);
  return ts`${header} {
    ${needsRole ? roleLine({ entity }) : ts``}
    ${fastPath(instances)}
    const before = out.length;
    ${join(
      instances.map((i) => ts`${i.impl}(${R}, ${CTX}, out);`),
      "\n",
    )}
    return out.length === before;
  }`;
}
