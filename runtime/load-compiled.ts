/**
 * Load a compiled ruleset (`<dir>/validators.js` + optional `trace.json`) emitted by `regel compile`.
 * Modules are loaded with dynamic `import()` of their file URL; nothing is evaluated from text.
 *
 * @module
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CompiledRuleset, RuleTrace } from "../compiler/contract.js";
import { sha256Hex } from "../compiler/source-files.js";
import {
  checkSources,
  rulesetsRootOf,
  type SourceCheck,
} from "./source-check.js";

/** A compiled ruleset plus where it was loaded from. */
export interface LoadedRuleset {
  module: CompiledRuleset;
  /** The folder holding `validators.js`. */
  dir: string;
  /** The trace table: `trace.json` when present, else the module's own `trace` export. */
  trace: readonly RuleTrace[];
  /** sha256 of `validators.js` as loaded (absent when not loaded by {@link loadCompiled}). */
  compiledSha256?: string;
  /**
   * The module's recorded sources compared with those beside the compiled root (see
   * runtime/source-check.ts); a `stale` module is refused by `validateDelivery`.
   */
  sourceCheck?: SourceCheck;
}

const REQUIRED_EXPORTS = [
  "metadata",
  "entities",
  "trace",
  "decoders",
  "checks",
  "classify",
] as const;

/** Thrown when a compiled module is missing or does not have the exports of the contract. */
export class RulesetLoadError extends Error {}

/** Load the compiled ruleset in `dir`. */
export async function loadCompiled(dir: string): Promise<LoadedRuleset> {
  const file = join(dir, "validators.js");
  if (!existsSync(file))
    throw new RulesetLoadError(`no compiled validators at ${file}`);
  const compiledSha256 = sha256Hex(readFileSync(file));
  // The hash in the URL makes a module compiled again since an earlier load in this process a
  // new module, not the cached old one: what runs is what was hashed.
  const url = `${pathToFileURL(resolve(file)).href}?sha256=${compiledSha256}`;
  const mod = (await import(url)) as Record<string, unknown>;
  for (const name of REQUIRED_EXPORTS) {
    if (mod[name] === undefined)
      throw new RulesetLoadError(`${file} does not export \`${name}\``);
  }
  const module: CompiledRuleset = {
    metadata: mod.metadata as CompiledRuleset["metadata"],
    entities: mod.entities as CompiledRuleset["entities"],
    trace: mod.trace as CompiledRuleset["trace"],
    categories: (mod.categories as CompiledRuleset["categories"]) ?? [],
    payouts: (mod.payouts as CompiledRuleset["payouts"]) ?? [],
    fileRules: (mod.fileRules as CompiledRuleset["fileRules"]) ?? [],
    decoders: mod.decoders as CompiledRuleset["decoders"],
    checks: mod.checks as CompiledRuleset["checks"],
    needsIkb: (mod.needsIkb as CompiledRuleset["needsIkb"]) ?? [],
    classify: mod.classify as CompiledRuleset["classify"],
  };
  let trace: readonly RuleTrace[] = module.trace;
  const traceFile = join(dir, "trace.json");
  if (existsSync(traceFile)) {
    const parsed = JSON.parse(readFileSync(traceFile, "utf8")) as unknown;
    // trace.json may be the bare table or an object holding it under `rules` / `trace`.
    const table = Array.isArray(parsed)
      ? parsed
      : ((parsed as { rules?: unknown; trace?: unknown }).rules ??
        (parsed as { trace?: unknown }).trace);
    if (Array.isArray(table) && table.length >= module.trace.length)
      trace = table as RuleTrace[];
  }
  const sourceCheck = checkSources(
    module.metadata.sourceFiles,
    rulesetsRootOf(resolve(dir)),
  );
  return { module, dir, trace, compiledSha256, sourceCheck };
}

/** The folders `<name>@<version>` under a compiled-rulesets root, sorted. */
export function listCompiled(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => /^[A-Za-z0-9_.-]+@[0-9]+\.[0-9]+\.[0-9]+/.test(d))
    .filter(
      (d) =>
        existsSync(join(root, d, "validators.js")) &&
        statSync(join(root, d)).isDirectory(),
    )
    .sort();
}

/**
 * Where compiled rulesets live by default: `rulesets/compiled` under the working directory when it
 * exists, otherwise under the regel package itself.
 */
export function defaultCompiledRoot(): string {
  const local = resolve("rulesets", "compiled");
  if (existsSync(local)) return local;
  // dist/runtime/load-compiled.js or runtime/load-compiled.ts -> package root
  let here = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(here, "rulesets", "compiled");
    if (existsSync(candidate)) return candidate;
    here = dirname(here);
  }
  return local;
}
