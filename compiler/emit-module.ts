/**
 * Module layout: puts the pieces of one generated module together, in a fixed order:
 * header, record interfaces, hoisted constants, per-entity helpers and decoders, aggregate helpers,
 * rule functions, fused checks, classification, data exports. The prelude (contract types and the
 * helpers this code uses, compiler/prelude.ts) goes after the header; compiler/compile.ts adds it.
 *
 * @module
 */
import type { ResolvedRuleset } from "../dsl/model.js";
import {
  text as codeText,
  doc,
  id,
  isSafeIdentifier,
  join,
  jsonLit,
  lit,
  prettyLit,
  ts,
  type Code,
} from "./code.js";
import { CompileError, ModuleContext } from "./emit-context.js";
import { emitClassify } from "./emit-classify.js";
import { emitDecoder } from "./emit-decoders.js";
import { emitWholeFile } from "./emit-whole-file.js";
import { emitFileTotals } from "./emit-file-totals.js";
import { emitKeyFunction, emitRoleFunction, lawName } from "./emit-finding.js";
import { moduleData, type ModuleData } from "./emit-meta.js";
import type { ModuleSources } from "./source-files.js";
import {
  compileRules,
  emitCheck,
  emitInstance,
  emitRuleFunction,
  isDecodeRule,
  type CompiledInstance,
} from "./emit-rules.js";
import { emitRecordInterface, entityHelper, recordType } from "./emit-types.js";
import { moduleTypeNames } from "./prelude.js";
import { ruleLawData } from "./rule-law.js";

/** Global type names of TypeScript an entity may not shadow (the contract's types are added: {@link takenTypeNames}). */
const GLOBAL_TYPE_NAMES = [
  "Record",
  "Readonly",
  "ReadonlySet",
  "ReadonlyMap",
  "Set",
  "Map",
  "RegExp",
  "Date",
  "Math",
  "Number",
  "String",
  "Boolean",
  "BigInt",
  "Object",
  "Array",
  "Error",
  "Promise",
  "Symbol",
  "JSON",
  "Partial",
  "Required",
];

/** Type names the module declares itself (the contract's, see compiler/prelude.ts) or uses; an entity may not take one. */
function takenTypeNames(): Set<string> {
  return new Set([...moduleTypeNames(), ...GLOBAL_TYPE_NAMES]);
}

export interface EmittedModule {
  /** Type declarations (record interfaces): formatted, no JavaScript. */
  types: string[];
  /** Exported data tables, already laid out: as TypeScript and as JavaScript. */
  dataTs: string[];
  dataJs: string[];
  /** The module's leading TSDoc comment. */
  header: string;
  /** The rest of the top-level statements, unformatted. */
  statements: string[];
  data: ModuleData;
  ctx: ModuleContext;
}

/** Check the names that become TypeScript names; report the ones that cannot. */
function checkNames(ctx: ModuleContext): boolean {
  let ok = true;
  const taken = takenTypeNames();
  for (const e of ctx.ruleset.entities.values()) {
    if (
      !isSafeIdentifier(e.name) ||
      taken.has(e.name) ||
      e.name.startsWith("$")
    ) {
      ctx.error(
        "REG503",
        `entity name \`${e.name}\` cannot be used as a type name in generated code; rename it`,
        e.span,
      );
      ok = false;
    }
    for (const f of e.fields) {
      if (f.name === "__proto__" || f.name.startsWith("$")) {
        ctx.error(
          "REG503",
          `field name \`${f.name}\` cannot be used in generated code; rename it`,
          f.decl.span,
        );
        ok = false;
      }
    }
  }
  return ok;
}

/** Build the statements of the module of one ruleset. Diagnostics land in the returned context. */
export function emitModule(
  ruleset: ResolvedRuleset,
  sources: ModuleSources,
  texts: ReadonlyMap<string, string> = new Map(),
): EmittedModule {
  const ctx = new ModuleContext(ruleset);
  const data = moduleData(ctx, sources, texts);
  if (!checkNames(ctx))
    return {
      header: "",
      types: [],
      statements: [],
      dataTs: [],
      dataJs: [],
      data,
      ctx,
    };

  const entities = [...ruleset.entities.values()];
  const instances = compileRules(ctx);
  const sourceFile = sources.path(ruleset.file);

  const perEntity: Code[] = [];
  let body: Code[] = [];
  let wholeFile: ReturnType<typeof emitWholeFile> | undefined;
  let fileTotals: ReturnType<typeof emitFileTotals> | undefined;
  try {
    for (const e of entities) {
      perEntity.push(emitKeyFunction(ctx, e));
      const role = emitRoleFunction(ctx, e);
      if (role !== undefined) perEntity.push(role);
      perEntity.push(
        emitDecoder(
          ctx,
          e,
          instances.filter((i) => i.entity === e && i.decode),
        ),
      );
    }
    const ruleFunctions: Code[] = [];
    for (const rule of ruleset.rules) {
      const mine = instances.filter((i) => i.rule === rule);
      if (mine.length === 0) continue;
      const loc = `${sources.path(rule.decl.span.file)}:${rule.decl.span.start.line}`;
      ruleFunctions.push(emitRuleFunction(rule, mine, loc, isDecodeRule(rule)));
      for (const i of mine) ruleFunctions.push(emitInstance(ctx, i));
    }
    const checks = entities.map((e) =>
      emitCheck(
        e,
        instances.filter(
          (i: CompiledInstance) =>
            i.entity === e && !isDecodeRule(i.rule) && !i.gone,
        ),
      ),
    );
    const classify = emitClassify(ctx);
    wholeFile = emitWholeFile(ctx);
    fileTotals = emitFileTotals(ctx);
    body = [
      ...perEntity,
      ...ctx.helpers,
      ...ruleFunctions,
      ...checks,
      classify,
      ...wholeFile.functions,
      ...fileTotals.functions,
    ];
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    ctx.error(e.code, e.message, e.span);
  }

  const needsIkb = entities
    .filter((e) =>
      instances.some(
        (i) => i.entity === e && i.usesIkb && !isDecodeRule(i.rule),
      ),
    )
    .map((e) => e.name);
  // One frozen law per rule, which every finding of the rule carries (compiler/contract.ts RuleLaw).
  // Articles are hoisted once each and shared by the laws that cite them.
  const laws = ruleset.rules.map((rule) => {
    const d = ruleLawData(rule);
    const articles = d.articles.map((a) =>
      ctx.hoist("article", lit(a), ts`ArticleTrace`),
    );
    return ts`const ${lawName(rule)}: RuleLaw = $law(${d.code}, ${d.title}, [${join(articles, ", ")}], ${lit(d.assumptions)});`;
  });
  const exports = ts`
/** The law of each rule by code: title, articles and assumptions, as every finding of the rule carries it. */
export const laws: Readonly<Record<string, RuleLaw>> = $lawTable([${join(
    ruleset.rules.map((rule) => lawName(rule)),
    ", ",
  )}]);

/** Decoders by entity name. */
export const decoders: { ${join(
    entities.map((e) => ts`readonly ${e.name}: Decoder<${recordType(e)}>;`),
    " ",
  )} } = { ${join(
    entities.map((e) => ts`${e.name}: ${entityHelper("decode", e)}`),
    ", ",
  )} };

${goneExport(instances)}
/** Fused checks by entity name: all record and attribute rules of the entity in one pass. */
export const checks: { ${join(
    entities.map(
      (e) =>
        ts`readonly ${e.name}: (record: ${recordType(e)}, ctx: RuleContext, out: Finding[]) => boolean;`,
    ),
    " ",
  )} } = { ${join(
    entities.map((e) => ts`${e.name}: ${entityHelper("check", e)}`),
    ", ",
  )} };
`;
  const tables: [string, Code, unknown][] = [
    [
      "The ruleset version this module was compiled from.",
      ts`metadata: RulesetMetadata`,
      data.metadata,
    ],
    [
      "The entities of the data model: CSV file, key, role and fields.",
      ts`entities: readonly EntityMeta[]`,
      data.entities,
    ],
    [
      "The trace table: for every rule its articles, source location and the categories it feeds.",
      ts`trace: readonly RuleTrace[]`,
      // the largest table: parsed as JSON, which imports faster than a literal this size
      jsonLit(data.trace),
    ],
    [
      "The categories of Bijlage 3 with the results and markings that put an IKB in them.",
      ts`categories: readonly CategoryTrace[]`,
      data.categories,
    ],
    [
      "The payout conditions.",
      ts`payouts: readonly PayoutTrace[]`,
      data.payouts,
    ],
    [
      "The norms over time (groeipad) with their requirements per period.",
      ts`norms: readonly NormTrace[]`,
      data.norms,
    ],
    [
      "The delivery-level checks the runtime performs.",
      ts`fileRules: readonly FileRule[]`,
      data.fileRules,
    ],
    [
      "Every assumption of this ruleset version, with the declaration it is on.",
      ts`assumptions: readonly AssumptionTrace[]`,
      data.assumptions,
    ],
    ...(data.aggregates === undefined
      ? []
      : [
          [
            "The declared aggregates: figures of the delivery as a whole.",
            ts`aggregates: readonly AggregateTrace[]`,
            data.aggregates,
          ] as [string, Code, unknown],
        ]),
    ...(data.reconciliations === undefined
      ? []
      : [
          [
            "The declared reconciliations with outside reports (the quarterly DGS report).",
            ts`reconciliations: readonly ReconcileTrace[]`,
            data.reconciliations,
          ] as [string, Code, unknown],
        ]),
    [
      "Entities whose rules need the assembled IKB (they use exists / count / sum).",
      ts`needsIkb: readonly string[]`,
      needsIkb,
    ],
  ];
  // Data tables are laid out here already (prettyLit) and marked prettier-ignore: they need neither
  // formatting nor transpiling, so the TS and JS variants are written directly.
  const dataTs = tables.map(([comment, decl, value]) =>
    codeText(ts`${doc([comment])}// prettier-ignore
export const ${decl} = ${prettyLit(value)};`),
  );
  const dataJs = tables.map(([comment, decl, value]) =>
    codeText(
      ts`${doc([comment])}export const ${ts`${id(codeText(decl).split(":")[0])}`} = ${prettyLit(value)};`,
    ),
  );

  const header = doc([
    `Validators for ${ruleset.id}${ruleset.title !== undefined ? ` (${ruleset.title})` : ""}.`,
    "",
    `Generated by \`regel compile\` from ${sourceFile}. Do not edit: change the ruleset and compile again.`,
    "This module is self-contained: it imports nothing.",
    "",
    "@module",
  ]);
  const sections: Code[] = [
    ...ctx.hoisted,
    ...laws,
    ...body,
    exports,
    ...(wholeFile?.table ? [wholeFile.table] : []),
    ...(fileTotals?.table ? [fileTotals.table] : []),
  ];
  return {
    header: codeText(header),
    types: entities.map((e) => codeText(emitRecordInterface(ctx, e))),
    statements: sections.map(codeText),
    dataTs,
    dataJs,
    data,
    ctx,
  };
}

/**
 * `gone[E]`: the `for previous E` rules of E in one call, run on each record of E in the previous
 * delivery (compiler/contract.ts); nothing when the ruleset has none.
 */
function goneExport(instances: CompiledInstance[]): Code {
  const gone = instances.filter((i) => i.gone);
  if (gone.length === 0) return ts``;
  const entities = [...new Set(gone.map((i) => i.entity))];
  return ts`
/** The rules on the records of the previous delivery (\`for previous E\`) by entity name. */
export const gone: { ${join(
    entities.map(
      (e) =>
        ts`readonly ${e.name}: (record: ${recordType(e)}, ctx: RuleContext, out: Finding[]) => void;`,
    ),
    " ",
  )} } = { ${join(
    entities.map(
      (e) =>
        ts`${e.name}: (r: ${recordType(e)}, ctx: RuleContext, out: Finding[]): void => { ${join(
          gone
            .filter((i) => i.entity === e)
            .map((i) => ts`${i.impl}(r, ctx, out);`),
          " ",
        )} }`,
    ),
    ", ",
  )} };
`;
}
