/**
 * The declarations of a generated module (`validators.d.ts`), emitted by TypeScript itself from
 * the generated TypeScript, so nothing about the module's types is written twice by hand.
 *
 * Generated modules give every export an explicit type (TypeScript's `isolatedDeclarations`), so
 * TypeScript can declare a module from its own text, without type-checking it and without its
 * library files: about a fifth of the time of a checked declaration emit for the GLO modules.
 * That the modules type-check is tested (test/compiler/tsc-strict.test.ts). An export without an
 * explicit type is a compiler bug, reported by {@link emitDeclarations} rather than declared
 * loosely.
 *
 * @module
 */
import { ts } from "ts-morph";

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  isolatedDeclarations: true,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
};

/** A generated module cannot be declared: a bug in the compiler, not in the ruleset. */
export class GeneratedCodeError extends Error {}

function describe(d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
  if (d.file === undefined || d.start === undefined)
    return `TS${d.code} ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `line ${line + 1}:${character + 1} TS${d.code} ${message}`;
}

/**
 * The `.d.ts` of one generated module.
 *
 * @param source - the module's TypeScript
 * @param name - what to call it in an error (e.g. the ruleset id)
 * @throws GeneratedCodeError when an export has no explicit type (a compiler bug)
 */
export function emitDeclarations(source: string, name: string): string {
  const out = ts.transpileDeclaration(source, {
    compilerOptions: OPTIONS,
    fileName: "validators.ts",
    reportDiagnostics: true,
  });
  const problems = out.diagnostics ?? [];
  if (problems.length > 0)
    throw new GeneratedCodeError(
      `the generated module of ${name} cannot be declared (a compiler bug; please report it): ${problems
        .slice(0, 5)
        .map(describe)
        .join("; ")}`,
    );
  return out.outputText;
}
