/**
 * Test helpers for the compiler: compile `.regel` texts in memory, write the generated `.js` to a
 * temp folder and import it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  compile,
  type CompileOptions,
  type CompileResult,
} from "../../compiler/compile.js";
import type {
  CompiledRuleset,
  Finding,
  RuleContext,
} from "../../compiler/contract.js";

/** A generated module as the tests see it: the contract plus the rule functions. */
export type Module = CompiledRuleset & Record<string, unknown>;

let counter = 0;
const root = mkdtempSync(join(tmpdir(), "regel-compile-test-"));

/** Compile texts (path -> text); throws with the diagnostics when there is an error. */
export async function compileTexts(
  texts: Record<string, string>,
  options: CompileOptions = {},
): Promise<CompileResult> {
  const result = await compile(new Map(Object.entries(texts)), {
    outDir: "out",
    ...options,
  });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new Error(
      errors
        .map(
          (d) => `${d.span.file}:${d.span.start.line}: ${d.code} ${d.message}`,
        )
        .join("\n"),
    );
  }
  return result;
}

/** Write compiled files under a fresh temp folder; returns the folder. */
export function writeFiles(result: CompileResult): string {
  const dir = join(root, String(++counter));
  for (const f of result.files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.contents);
  }
  return dir;
}

/** Compile one ruleset text and import its generated JavaScript. */
export async function compileAndImport(
  text: string,
  file = "test.regel",
  options: CompileOptions = {},
): Promise<{ module: Module; result: CompileResult; dir: string }> {
  const result = await compileTexts({ [file]: text }, options);
  const dir = writeFiles(result);
  const js = result.files.find((f) => f.path.endsWith("validators.js"));
  if (js === undefined) throw new Error("no validators.js");
  const module = (await import(
    pathToFileURL(join(dir, js.path)).href
  )) as Module;
  return { module, result, dir };
}

/** Decode a row given as column -> text, in the entity's field order. */
export function decode(
  module: Module,
  entity: string,
  row: Record<string, string>,
  out: Finding[] = [],
): Record<string, unknown> {
  const meta = module.entities.find((e) => e.name === entity);
  if (meta === undefined) throw new Error(`no entity ${entity}`);
  const header = Object.keys(row);
  const cells = header.map((h) => row[h]);
  const index = meta.fields.map((f) => header.indexOf(f.column));
  return module.decoders[entity](cells, index, out) as Record<string, unknown>;
}

/** Days since 1970-01-01 of `YYYY-MM-DD`. */
export function day(text: string): number {
  return (
    Date.UTC(
      Number(text.slice(0, 4)),
      Number(text.slice(5, 7)) - 1,
      Number(text.slice(8, 10)),
    ) / 86400000
  );
}

/** A rule context with an RRD and, optionally, the IKB's records. */
export function context(
  rrd: string,
  ikb: Record<string, unknown[]> = {},
  ikbKey?: string,
): RuleContext {
  return { rrd: day(rrd), ikb, ikbKey };
}

/** Decode and check one row: decode findings plus the fused check's findings. */
export function run(
  module: Module,
  entity: string,
  row: Record<string, string>,
  ctx: RuleContext,
): { findings: Finding[]; passed: boolean; record: Record<string, unknown> } {
  const findings: Finding[] = [];
  const record = decode(module, entity, row, findings);
  const passed = module.checks[entity](record, ctx, findings);
  return { findings, passed, record };
}
