/**
 * Load a compiled ruleset (`<dir>/validators.js` + optional `trace.json`) emitted by `regel compile`.
 * Modules are loaded with dynamic `import()` of their file URL; nothing is evaluated from text.
 *
 * Importing a module runs its code, so only the one module a run uses is ever imported: choosing
 * among compiled rulesets reads their `trace.json` (data, see {@link readCompiledMeta}), and the
 * default root is the package's own (see {@link defaultCompiledRoot}), never a folder that merely
 * happens to sit under the working directory.
 *
 * @module
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  sha256Hex,
  type CompiledRuleset,
  type RuleLaw,
  type RuleTrace,
} from "../compiler/contract.js";
import { RulesetLoadError } from "./errors.js";
import {
  checkSources,
  rulesetsRootOf,
  type SourceCheck,
} from "./source-check.js";

/**
 * A compiled ruleset plus where it was loaded from. `M` is the module's type: `CompiledRuleset`
 * unless the caller names the module's own (`LoadedRuleset<typeof import("regel/rulesets/ikb.glo@1.3.0")>`).
 */
export interface LoadedRuleset<M extends CompiledRuleset = CompiledRuleset> {
  module: M;
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

/**
 * The laws of a module compiled before modules exported them, rebuilt from its trace table (its
 * findings carry none; the runtime looks laws up by code).
 */
function lawsFromTrace(
  trace: readonly RuleTrace[],
): Readonly<Record<string, RuleLaw>> {
  const table: Record<string, RuleLaw> = Object.create(null);
  for (const t of trace)
    table[t.code] = Object.freeze({
      code: t.code,
      title: t.title,
      articles: Object.freeze(t.articles.map((a) => Object.freeze({ ...a }))),
      assumptions: Object.freeze([...(t.assumptions ?? [])]),
    });
  return Object.freeze(table);
}

export { RulesetLoadError };

/** The `trace.json` files parsed in this process, by path, with the text each was parsed from. */
const traceCache = new Map<string, { text: string; data: unknown }>();

/** Whether a `trace.json` parsed once is taken as it was (see {@link holdTraceFiles}). */
let traceFilesHeld = false;

/**
 * For a process that runs one command and exits (the `regel` CLI): from now on
 * {@link readTraceJson} reads each `trace.json` once and gives the value it parsed then, without
 * reading the file again. One run reads the trace.json of every compiled ruleset several times
 * (choosing the version, loading it, the groeipad norm, the plausibility declarations): for the
 * bundled example 19 reads of 0.6 MB in all, about 3 ms beyond the first reads. A long-lived
 * process (a language server, a watch) leaves this off, so that a ruleset compiled again is seen.
 */
export function holdTraceFiles(): void {
  traceFilesHeld = true;
}

/**
 * The `trace.json` at `file`: its text and the parsed value. One run reads the trace.json of
 * every compiled ruleset several times (choosing the version, loading it, the groeipad norm, the
 * plausibility declarations); the file is read each time (once after {@link holdTraceFiles}),
 * but parsed again only when its text changed. The value is shared between readers: read it,
 * never change it.
 *
 * @throws the file system's error, or a SyntaxError when the file is not JSON
 */
export function readTraceJson(file: string): { text: string; data: unknown } {
  const path = resolve(file);
  if (traceFilesHeld) {
    const held = traceCache.get(path);
    if (held !== undefined) return held;
  }
  const text = readFileSync(path, "utf8");
  const hit = traceCache.get(path);
  if (hit !== undefined && hit.text === text) return hit;
  const entry = { text, data: JSON.parse(text) as unknown };
  traceCache.set(path, entry);
  return entry;
}

/**
 * Load the compiled ruleset in `dir` (the folder holding `validators.js`). Name the module's type
 * to get a typed ruleset: `loadCompiled<typeof import("regel/rulesets/ikb.glo@1.3.0")>(dir)`
 * (not checked: the folder must hold that ruleset).
 *
 * @throws RulesetLoadError when the folder has no compiled module, or one without the exports of
 *   the contract (compiler/contract.ts)
 */
export async function loadCompiled<M extends CompiledRuleset = CompiledRuleset>(
  dir: string,
): Promise<LoadedRuleset<M>> {
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
    wholeFile: mod.wholeFile as CompiledRuleset["wholeFile"],
    fileTotals: mod.fileTotals as CompiledRuleset["fileTotals"],
    decoders: mod.decoders as CompiledRuleset["decoders"],
    checks: mod.checks as CompiledRuleset["checks"],
    gone: mod.gone as CompiledRuleset["gone"],
    needsIkb: (mod.needsIkb as CompiledRuleset["needsIkb"]) ?? [],
    classify: mod.classify as CompiledRuleset["classify"],
    laws:
      (mod.laws as CompiledRuleset["laws"] | undefined) ??
      lawsFromTrace(mod.trace as CompiledRuleset["trace"]),
    assumptions: mod.assumptions as CompiledRuleset["assumptions"],
    aggregates: mod.aggregates as CompiledRuleset["aggregates"],
    reconciliations: mod.reconciliations as CompiledRuleset["reconciliations"],
  };
  let trace: readonly RuleTrace[] = module.trace;
  const traceFile = join(dir, "trace.json");
  if (existsSync(traceFile)) {
    const parsed = readTraceJson(traceFile).data;
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
  return { module: module as M, dir, trace, compiledSha256, sourceCheck };
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

/** What selection needs to know of a compiled ruleset, read from its `trace.json` (no code runs). */
export interface CompiledMeta {
  /** `name@version`, the folder name. */
  id: string;
  name: string;
  version: string;
  validFrom: string | undefined;
  validUntil: string | undefined;
  /** The files of its data model (`entity.file`), in entity order. */
  files: string[];
}

/** Read the metadata of the compiled ruleset in `dir` from its `trace.json`; undefined when it has none. */
export function readCompiledMeta(dir: string): CompiledMeta | undefined {
  const file = join(dir, "trace.json");
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = readTraceJson(file).data;
  } catch (e) {
    throw new RulesetLoadError(
      `${file} is not valid JSON (${(e as Error).message}); run \`regel compile\` again`,
    );
  }
  const d = data as {
    metadata?: Partial<Record<string, unknown>>;
    entities?: { file?: unknown }[];
  };
  const m = d?.metadata;
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  if (
    typeof m !== "object" ||
    m === null ||
    text(m.name) === undefined ||
    text(m.version) === undefined
  )
    throw new RulesetLoadError(
      `${file} has no ruleset metadata (name, version); run \`regel compile\` again`,
    );
  return {
    id: `${m.name}@${m.version}`,
    name: m.name as string,
    version: m.version as string,
    validFrom: text(m.validFrom),
    validUntil: text(m.validUntil),
    files: (Array.isArray(d.entities) ? d.entities : [])
      .map((e) => text(e?.file))
      .filter((f): f is string => f !== undefined),
  };
}

/** The regel package's own compiled rulesets (`<package>/rulesets/compiled`), if it has them. */
export function packageCompiledRoot(): string | undefined {
  // dist/runtime/load-compiled.js or runtime/load-compiled.ts -> package root
  let here = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(here, "package.json"))) {
      const candidate = join(here, "rulesets", "compiled");
      return existsSync(candidate) ? candidate : undefined;
    }
    here = dirname(here);
  }
  return undefined;
}

/**
 * Where compiled rulesets are taken from when no folder is named (`--compiled`): the regel
 * package's own `rulesets/compiled`. A `rulesets/compiled` folder under the working directory is
 * not used by default: a delivery folder (or any folder one happens to run in) could carry one,
 * and importing it would run its code. Name it with `--compiled` to use it.
 */
export function defaultCompiledRoot(): string {
  return packageCompiledRoot() ?? resolve("rulesets", "compiled");
}

/**
 * `rulesets/compiled` under the working directory when it exists and is not the default root:
 * the CLI says that it is not used (and how to use it), so that nobody validates against the
 * package's rulesets while believing their own were used.
 */
export function ignoredLocalCompiledRoot(): string | undefined {
  const local = resolve("rulesets", "compiled");
  if (!existsSync(local)) return undefined;
  const own = packageCompiledRoot();
  if (own !== undefined && resolve(own) === local) return undefined;
  return local;
}
