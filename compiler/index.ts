/**
 * `regel/compiler`: from `.regel` rulesets to one self-contained validator module per ruleset
 * version and its `trace.json` (see {@link compile}). Loads ts-morph and prettier: import it where
 * you compile, not where you validate (that is `regel`).
 *
 * ```ts
 * import { compile } from "regel/compiler";
 * const { files, diagnostics } = await compile(["rulesets"], { outDir: "compiled" });
 * ```
 *
 * @module regel/compiler
 */
export {
  compile,
  compileRuleset,
  DEFAULT_OUT_DIR,
  type CompileContext,
  type CompiledFile,
  type CompileOptions,
  type CompileResult,
  type CompiledRuleset as CompiledModuleSources,
} from "./compile.js";
export type * from "./contract.js";
