/**
 * The compiler's public API: from `.regel` rulesets to one self-contained, formatted,
 * deterministic module per ruleset version (see compiler/contract.ts for its shape): its
 * JavaScript (what the runtime imports), its declarations (`.d.ts`, for engineers who import it)
 * or, on request, its TypeScript source, and a `trace.json`.
 *
 * Pipeline: {@link loadProject} (parse + check) → {@link emitModule} (safe code fragments, see
 * compiler/code.ts) → one ts-morph source file created in a single pass from the statements →
 * the prelude: contract types and the helpers that code references (compiler/prelude.ts) →
 * prettier → `ts.transpileModule` for the `.js` and TypeScript's declaration emit for the `.d.ts`
 * (compiler/emit-declarations.ts). The `.js` is ASCII by construction: string literals escape
 * every other character (compiler/code.ts `quote`), the helpers are ASCII at the source, and the
 * comments are escaped in the `.js` alone.
 *
 * What a generated module does, beyond compiler/contract.ts:
 * - Decoders read CSV text per field type (exact decimals as bigint, real calendar days, code-point
 *   text lengths, code lists). A non-empty cell that does not fit is absent for every rule, kept
 *   as delivered in `record.$invalid`, and reported by each rule whose condition is exactly
 *   `value is valid` for that attribute. An empty `required` cell is not valid either, so it is
 *   reported by the same rules (every finding traces to a rule of the ruleset).
 * - Finding `values`, `key` and message placeholders show a field's canonical CSV text (e.g. money
 *   with two decimals), or the text as delivered when it did not decode; `null` / empty when absent.
 * - `x matches "re"` tests the whole text (the pattern is wrapped in `^(?:...)$`, flag `u`).
 * - `workdays` use the first calendar in scope; division by zero is absent.
 * - Every finding carries `law`: the rule's code, title, articles and assumptions, one frozen
 *   module-level constant per rule (`$LAW_<code>`), also exported by code as `laws`.
 * - Each rule is an exported function `code(entity, record, ctx, out?)`; `checks[E]` runs every
 *   record and attribute rule of E with a single boolean expression first and calls the rule
 *   functions only when it fails.
 *
 * @module
 */
import { posix } from "node:path";
import * as prettier from "prettier";
import { Project as TsProject, ts } from "ts-morph";
import { sortDiagnostics, type Diagnostic } from "../dsl/diagnostics.js";
import type { ResolvedRuleset } from "../dsl/model.js";
import {
  hasErrors,
  loadProject,
  loadProjectFromTexts,
} from "../dsl/project.js";
import { escapeInvisible, escapeNonAscii } from "./code.js";
import { emitDeclarations } from "./emit-declarations.js";
import { rulesetHeaderLine } from "./emit-meta.js";
import { emitModule } from "./emit-module.js";
import {
  preludeDeclarations,
  referencedNames,
  type PreludeDeclaration,
} from "./prelude.js";
import { moduleSources } from "./source-files.js";

/** One output file: its path (under `outDir`, forward slashes) and contents. */
export interface CompiledFile {
  path: string;
  contents: string;
}

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Where the per-version folders go. Default `rulesets/compiled`. */
  outDir?: string;
  /**
   * Write each module's TypeScript source (`validators.ts`) instead of its declarations
   * (`validators.d.ts`). Default false: `.js` + `.d.ts`, which a consumer's stricter compiler
   * flags do not check inside.
   */
  emitTs?: boolean;
}

/** What {@link compile} returns: the files to write and the diagnostics. */
export interface CompileResult {
  /** Sorted by path; empty when there is any error. */
  files: CompiledFile[];
  /** Parse, check and compile diagnostics, sorted. */
  diagnostics: Diagnostic[];
}

/** The generated sources of one ruleset version. */
export interface CompiledRuleset {
  /** The formatted TypeScript module. */
  ts: string;
  /**
   * The same module transpiled to ES2022 JavaScript (ESM), after one comment line that says what
   * choosing a ruleset needs to know of it (compiler/emit-meta.ts, `rulesetHeaderLine`).
   */
  js: string;
  /** The trace table and metadata as JSON. */
  traceJson: string;
  /** Compile diagnostics (e.g. an invalid regular expression); when any is an error, the sources are empty. */
  diagnostics: Diagnostic[];
}

/** Shared state for compiling several rulesets: one in-memory ts-morph project. */
export interface CompileContext {
  project?: TsProject;
  /** The `.regel` texts by path, so the trace can quote each rule as written and hash each file. */
  texts?: ReadonlyMap<string, string>;
  /** Every loaded ruleset, to find the files of a ruleset's `extends` / `uses` chain. */
  rulesets?: readonly ResolvedRuleset[];
}

/** The default output folder of `regel compile`. */
export const DEFAULT_OUT_DIR = "rulesets/compiled";

// babel-ts formats TypeScript to the same bytes as the "typescript" parser, in about half the time.
const PRETTIER: prettier.Options = {
  parser: "babel-ts",
  printWidth: 110,
  trailingComma: "all",
};

function transpile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      removeComments: false,
    },
    fileName: "validators.ts",
  }).outputText;
}

/**
 * Each prelude declaration formatted and transpiled, by name: a memo per process (the library is
 * read once, and the same input always gives the same output), so any module's selection of
 * helpers costs no formatting after the first use of each.
 */
const declarationCache = new Map<string, Promise<{ ts: string; js: string }>>();

function formattedDeclaration(
  d: PreludeDeclaration,
): Promise<{ ts: string; js: string }> {
  let entry = declarationCache.get(d.name);
  if (entry === undefined) {
    // `export {}` makes the text a module (no "use strict"); the marker is dropped again.
    entry = prettier.format(d.text, PRETTIER).then((formatted) => ({
      ts: formatted,
      js: transpile(`${formatted}export {};\n`).replace(/^export \{\};\n/m, ""),
    }));
    declarationCache.set(d.name, entry);
  }
  return entry;
}

/** The prelude of a module whose code references `used`, as TypeScript and JavaScript. */
async function formattedPrelude(
  used: Iterable<string>,
): Promise<{ ts: string; js: string }> {
  const declarations = preludeDeclarations(used);
  const parts = await Promise.all(declarations.map(formattedDeclaration));
  return {
    ts: parts
      .map(
        (p, i) => `${i > 0 && declarations[i].blankBefore ? "\n" : ""}${p.ts}`,
      )
      .join(""),
    js: parts.map((p) => p.js).join(""),
  };
}

function newTsProject(): TsProject {
  return new TsProject({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
  });
}

/**
 * Compile one resolved ruleset version to its module sources. Deterministic: the same ruleset
 * gives byte-identical output, from any working directory (source files are named relative to
 * the rulesets root, see compiler/source-files.ts). The module records the sha256 of every file
 * of its `extends` / `uses` chain when `context` has their texts and rulesets.
 */
export async function compileRuleset(
  ruleset: ResolvedRuleset,
  context: CompileContext = {},
): Promise<CompiledRuleset> {
  const texts = context.texts ?? new Map<string, string>();
  const sources = moduleSources(ruleset, context.rulesets ?? [ruleset], texts);
  const emitted = emitModule(ruleset, sources, texts);
  const diagnostics = emitted.ctx.diagnostics;
  if (hasErrors(diagnostics))
    return { ts: "", js: "", traceJson: "", diagnostics };

  // One pass: the code from its statements, never node-by-node edits.
  const project = context.project ?? newTsProject();
  const path = `/${ruleset.id}/validators.ts`;
  const sourceFile = project.createSourceFile(
    path,
    { statements: emitted.statements },
    { overwrite: true },
  );
  const raw = sourceFile.getFullText();
  // The helpers the module needs: the names its code and record types read (compiler/prelude.ts).
  const used = referencedNames(sourceFile.compilerNode);
  for (const type of emitted.types)
    referencedNames(
      ts.createSourceFile("types.ts", type, ts.ScriptTarget.ES2022, true),
      used,
    );
  project.removeSourceFile(sourceFile);

  // Formatting and transpiling are context-free per top-level statement, so the module is put
  // together from parts: each prelude declaration (shared by many modules) is done once per
  // process, record types need no JavaScript, and the data tables are laid out by the emitter.
  const prelude = await formattedPrelude(used);
  const types = await prettier.format(emitted.types.join("\n\n"), PRETTIER);
  const code = await prettier.format(raw, PRETTIER);
  const join = (parts: string[]): string =>
    parts.filter((p) => p.trim() !== "").join("\n");
  const formatted = join([
    emitted.header,
    prelude.ts,
    types,
    code,
    `${emitted.dataTs.join("\n\n")}\n`,
  ]);
  // ASCII, so that node hands V8 a one-byte source (issue 15). Its literals are ASCII already
  // (compiler/code.ts `quote`, `jsonLit`; the helpers are ASCII at the source), so what is left
  // to escape is comment text, rule titles and Dutch prose: written as `\uXXXX` in the JavaScript
  // only, the `.ts` and `.d.ts` keep it readable.
  const js = escapeNonAscii(
    join([
      emitted.header,
      prelude.js,
      transpile(code),
      `${emitted.dataJs.join("\n\n")}\n`,
    ]),
  );
  const traceJson = `${escapeInvisible(JSON.stringify(emitted.data, null, 2))}\n`;
  // the first line says what choosing a ruleset needs, so that choosing parses no trace.json
  return {
    ts: formatted,
    js: `${rulesetHeaderLine(emitted.data, traceJson)}${js}`,
    traceJson,
    diagnostics,
  };
}

/**
 * Compile every ruleset version found in `inputs` (paths of `.regel` files or folders, or a map
 * of path → text) to `<outDir>/<name>@<version>/validators.js`, `validators.d.ts` and
 * `trace.json` (with `emitTs`, `validators.ts` instead of `validators.d.ts`). A version that a
 * file `extends` or `uses` and that is not among the paths is loaded from the file's folder or
 * the rulesets root (as by `regel check`), not compiled.
 *
 * Nothing is written to disk: the caller (e.g. `regel compile`) writes `files`. When any
 * diagnostic is an error, `files` is empty. The output does not depend on the order of the inputs.
 *
 * @param inputs - `.regel` files or folders, or in-memory texts by path
 * @param options - `outDir` (default `rulesets/compiled`), `emitTs`
 * @returns the files to write and all diagnostics
 * @throws ProjectError (from dsl/project.ts) when a path does not exist or cannot be read
 * @throws GeneratedCodeError (from compiler/emit-declarations.ts) when a generated module cannot be
 *   declared: a compiler bug
 */
export async function compile(
  inputs: string[] | Map<string, string>,
  options: CompileOptions = {},
): Promise<CompileResult> {
  const outDir = (options.outDir ?? DEFAULT_OUT_DIR)
    .replace(/\\/g, "/")
    .replace(/\/+$/, "");
  // As `regel check`, a file that extends or uses a version not among the inputs loads it from
  // its folder or the rulesets root; only the versions of the inputs are compiled.
  const loaded =
    inputs instanceof Map
      ? loadProjectFromTexts(inputs)
      : await loadProject(inputs, { chain: true });
  const fromChain = new Set((loaded.chain ?? []).map((c) => c.file));
  const diagnostics = [...loaded.diagnostics];
  if (hasErrors(diagnostics))
    return { files: [], diagnostics: sortDiagnostics(diagnostics) };

  const context: CompileContext = {
    project: newTsProject(),
    texts: loaded.texts,
    rulesets: loaded.rulesets,
  };
  const rulesets = loaded.rulesets
    .filter((r) => !fromChain.has(r.file))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const files: CompiledFile[] = [];
  const sources = new Map<string, string>();
  for (const ruleset of rulesets) {
    const out = await compileRuleset(ruleset, context);
    diagnostics.push(...out.diagnostics);
    const dir = posix.join(outDir, ruleset.id);
    sources.set(ruleset.id, out.ts);
    files.push(
      { path: posix.join(dir, "validators.js"), contents: out.js },
      { path: posix.join(dir, "trace.json"), contents: out.traceJson },
    );
    if (options.emitTs === true)
      files.push({ path: posix.join(dir, "validators.ts"), contents: out.ts });
  }
  if (hasErrors(diagnostics))
    return { files: [], diagnostics: sortDiagnostics(diagnostics) };
  if (options.emitTs !== true)
    for (const [id, source] of sources)
      files.push({
        path: posix.join(outDir, id, "validators.d.ts"),
        // As printed by TypeScript, like the `.js`: prettier would cost a quarter of the compile.
        contents: emitDeclarations(source, id),
      });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics: sortDiagnostics(diagnostics) };
}
