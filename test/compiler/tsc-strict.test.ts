/**
 * The generated modules of all shipped rulesets type-check: their TypeScript (compiled here with
 * `emitTs`) under `tsc --strict --noUnusedLocals`, so no module carries a helper or constant it does
 * not use, and both that source and the committed `.d.ts` conform to the shared contract
 * (`CompiledRuleset` in compiler/contract.ts). (That the committed output is current is checked by
 * compile-cli.test.ts; that a consumer with stricter flags can use the `.d.ts`, by
 * consumer-types.test.ts.)
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as prettier from "prettier";
import { beforeAll, describe, expect, it } from "vitest";
import { compile, type CompiledFile } from "../../compiler/compile.js";

const COMPILED = resolve("rulesets/compiled");
const TSC = resolve("node_modules/typescript/bin/tsc");

let dir: string;
let sources: CompiledFile[];
const committed = () =>
  readdirSync(COMPILED)
    .filter((d) => existsSync(join(COMPILED, d, "validators.js")))
    .sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "regel-tsc-"));
  const result = await compile(["rulesets"], {
    outDir: join(dir, "compiled"),
    emitTs: true,
  });
  sources = result.files.filter((f) => f.path.endsWith("validators.ts"));
  for (const f of sources) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
}, 120_000);

describe("generated modules under tsc --strict", () => {
  it("type-check with noUnusedLocals, and the source and the committed .d.ts conform to CompiledRuleset", () => {
    const modules = committed();
    expect(modules.length).toBeGreaterThan(0);
    expect(sources.map((f) => f.path.split("/").at(-2))).toEqual(modules);
    const lines = [
      `import type { CompiledRuleset } from ${JSON.stringify(resolve("compiler/contract.ts"))};`,
    ];
    sources.forEach((f, i) => {
      lines.push(`import * as m${i} from ${JSON.stringify(f.path)};`);
      lines.push(`export const c${i}: CompiledRuleset = m${i};`);
    });
    modules.forEach((m, i) => {
      lines.push(
        `import * as d${i} from ${JSON.stringify(join(COMPILED, m, "validators.js"))};`,
      );
      lines.push(`export const e${i}: CompiledRuleset = d${i};`);
    });
    const conformance = join(dir, "conformance.ts");
    writeFileSync(conformance, `${lines.join("\n")}\n`);
    const args = [
      "--ignoreConfig",
      "--strict",
      "--noUnusedLocals",
      "--noEmit",
      "--target",
      "es2022",
      "--lib",
      "es2022",
      "--module",
      "esnext",
      "--moduleResolution",
      "bundler",
      "--allowImportingTsExtensions",
      "--skipLibCheck",
      "--types",
      "node",
      "--typeRoots",
      resolve("node_modules/@types"),
      conformance,
    ];
    let output = "";
    try {
      execFileSync(process.execPath, [TSC, ...args], { encoding: "utf8" });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe("");
  });

  it("import nothing (self-contained)", () => {
    const files = [
      ...sources.map((f) => f.path),
      ...committed().flatMap((m) =>
        ["validators.js", "validators.d.ts"].map((n) => join(COMPILED, m, n)),
      ),
    ];
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, "utf8"), file).not.toMatch(
        /^\s*import\b|\brequire\(|\bimport\(/m,
      );
    }
  });

  it("are formatted: prettier leaves the source unchanged", async () => {
    for (const file of sources.map((f) => f.path)) {
      const source = readFileSync(file, "utf8");
      const formatted = await prettier.format(source, {
        parser: "typescript",
        printWidth: 110,
        trailingComma: "all",
      });
      expect(formatted === source, `${file} is not prettier-formatted`).toBe(
        true,
      );
    }
  });
});
