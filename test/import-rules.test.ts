/**
 * The import rules of ARCHITECTURE.md ("Which folder may import which"): every import of every
 * source file — static, `export ... from` and dynamic `import()` — is resolved to a path and held
 * against the rule of its folder. A failure names the file, the import and the rule it breaks.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT, SOURCE_FOLDERS } from "./source-folders.js";

type Folder = (typeof SOURCE_FOLDERS)[number];

/**
 * What each folder may import besides itself: whole folders (`dsl`) or single files
 * (`compiler/contract.ts`). Keep in step with ARCHITECTURE.md.
 */
const MAY_IMPORT: Record<Folder, readonly string[]> = {
  // The language front end stands alone.
  dsl: [],
  // Code generation reads the checked model.
  compiler: ["dsl"],
  // The reference interpreter gives examples their meaning and cross-checks the compiler, so it
  // must not share the emitters' code: only the contract and the law a finding carries.
  interpreter: [
    "dsl",
    "compiler/contract.ts",
    "compiler/rule-law.ts",
    // the word lists of the normalisations: data, shared on purpose (interpreter/normalize.ts)
    "compiler/helpers/normalize.ts",
  ],
  // What a bank pipeline runs: it loads generated modules and never parses `.regel` text.
  runtime: ["compiler/contract.ts"],
  // The auditor's tools read the model, reports and deliveries; they do not emit code.
  audit: [
    "dsl",
    "interpreter",
    "runtime",
    "compiler/contract.ts",
    "compiler/rule-law.ts",
    "compiler/assumptions.ts",
  ],
  // The language server reads the checked model and its links, as an editor needs them; it
  // neither generates code nor runs deliveries.
  lsp: ["dsl"],
  // The command on top of everything.
  cli: ["dsl", "compiler", "interpreter", "runtime", "audit", "lsp"],
  bench: ["dsl", "compiler", "interpreter", "runtime", "audit", "lsp"],
  // The package build reads the compiled rulesets and the build output only.
  scripts: ["compiler/contract.ts"],
};

/** Packages that only some folders may import (any other package is free to use). */
const PACKAGE_OWNERS: Record<string, readonly Folder[]> = {
  // Parsing `.regel` text is the front end's job alone.
  chevrotain: ["dsl"],
  // Building and type-checking generated modules is the compiler's.
  "ts-morph": ["compiler"],
  // Speaking the Language Server Protocol is the language server's.
  "vscode-languageserver": ["lsp"],
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
      out.push(path);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, dynamic `import()` included. */
function specifiers(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** A repository path (`compiler/contract.ts`) for a relative specifier of `file`, else undefined. */
function resolved(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const path = relative(ROOT, join(ROOT, dirname(file), spec))
    .split("\\")
    .join("/");
  return path.replace(/\.js$/, ".ts");
}

const folderOf = (path: string): string => path.split("/")[0];

/** Why `file` may not import `spec`, or undefined when it may. */
function breach(file: string, spec: string): string | undefined {
  const from = folderOf(file) as Folder;
  const target = resolved(file, spec);
  if (target === undefined) {
    const pkg = spec.startsWith("@")
      ? spec.split("/").slice(0, 2).join("/")
      : spec.split("/")[0];
    const owners = PACKAGE_OWNERS[pkg];
    if (owners !== undefined && !owners.includes(from))
      return `${file} imports the package ${pkg}, which only ${owners.join(", ")} may use`;
    return undefined;
  }
  const to = folderOf(target);
  if (to === from) return undefined;
  const allowed = MAY_IMPORT[from];
  if (allowed.includes(to) || allowed.includes(target)) return undefined;
  const rule =
    allowed.length === 0
      ? `${from}/ imports no other folder`
      : `${from}/ may import only ${allowed.join(", ")}`;
  return `${file} imports ${target}: ${rule}`;
}

describe("import rules (ARCHITECTURE.md)", () => {
  it("finds static, re-exported, type-only and dynamic imports", () => {
    const text = [
      'import { a } from "../dsl/ast.js";',
      'import type { B } from "../compiler/emit-expr.js";',
      'export { c } from "../audit/explain.js";',
      'const m = await import("../cli/main.js");',
    ].join("\n");
    expect(specifiers(text)).toEqual([
      "../dsl/ast.js",
      "../compiler/emit-expr.js",
      "../audit/explain.js",
      "../cli/main.js",
    ]);
    expect(breach("runtime/x.ts", "../compiler/emit-expr.js")).toMatch(
      /runtime\/ may import only compiler\/contract\.ts/,
    );
    expect(breach("runtime/x.ts", "../compiler/contract.js")).toBeUndefined();
    expect(breach("runtime/x.ts", "chevrotain")).toMatch(/only dsl/);
    expect(breach("interpreter/x.ts", "../compiler/emit-expr.js")).toMatch(
      /interpreter\//,
    );
    expect(breach("audit/x.ts", "../cli/main.js")).toMatch(/audit\//);
    expect(breach("compiler/x.ts", "../cli/main.js")).toMatch(/compiler\//);
    expect(breach("dsl/x.ts", "../compiler/contract.js")).toMatch(
      /dsl\/ imports no other folder/,
    );
  });

  it("every source file keeps to the rule of its folder", () => {
    const files = SOURCE_FOLDERS.flatMap(tsFiles);
    expect(files.length).toBeGreaterThan(80);
    const breaches = files.flatMap((file) =>
      specifiers(readFileSync(join(ROOT, file), "utf8"))
        .map((spec) => breach(file, spec))
        .filter((b): b is string => b !== undefined),
    );
    expect(breaches).toEqual([]);
  });

  it("ARCHITECTURE.md states the same rules", () => {
    const doc = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
    const section = doc.slice(doc.indexOf("Which folder may import which"));
    const rows = section
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map((l) => l.split("|").map((c) => c.trim()));
    const ticked = (cell: string) =>
      [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\/$/, ""));
    const stated = new Map<string, string[]>();
    for (const [, folders, allowed] of rows) {
      const list = allowed.includes("all of the above")
        ? ["dsl", "compiler", "interpreter", "runtime", "audit", "lsp"]
        : ticked(allowed);
      for (const f of ticked(folders)) stated.set(f, list);
    }
    expect(Object.fromEntries(stated)).toEqual(
      Object.fromEntries(
        Object.entries(MAY_IMPORT).map(([f, a]) => [f, [...a]]),
      ),
    );
  });
});
