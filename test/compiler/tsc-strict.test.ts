/**
 * The committed generated modules of all shipped rulesets type-check under `tsc --strict
 * --noUnusedLocals` (so no module carries a helper or constant it does not use), and each one
 * conforms to the shared contract (`CompiledRuleset` in compiler/contract.ts).
 * (That the committed output is current is checked by compile-cli.test.ts.)
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

const COMPILED = resolve("rulesets/compiled");
const TSC = resolve("node_modules/typescript/bin/tsc");

describe("generated modules under tsc --strict", () => {
  it("type-check with noUnusedLocals and conform to CompiledRuleset", () => {
    const modules = readdirSync(COMPILED)
      .filter((d) => existsSync(join(COMPILED, d, "validators.ts")))
      .sort();
    expect(modules.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), "regel-tsc-"));
    const lines = [
      `import type { CompiledRuleset } from ${JSON.stringify(resolve("compiler/contract.ts"))};`,
    ];
    modules.forEach((m, i) => {
      lines.push(
        `import * as m${i} from ${JSON.stringify(join(COMPILED, m, "validators.ts"))};`,
      );
      lines.push(`export const c${i}: CompiledRuleset = m${i};`);
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
    for (const m of readdirSync(COMPILED).sort()) {
      for (const name of ["validators.ts", "validators.js"]) {
        const file = join(COMPILED, m, name);
        if (!existsSync(file)) continue;
        const source = readFileSync(file, "utf8");
        expect(source, `${m}/${name}`).not.toMatch(
          /^\s*import\b|\brequire\(|\bimport\(/m,
        );
      }
    }
  });

  it("are formatted: prettier leaves them unchanged", async () => {
    for (const m of readdirSync(COMPILED).sort()) {
      const file = join(COMPILED, m, "validators.ts");
      if (!existsSync(file)) continue;
      const source = readFileSync(file, "utf8");
      const formatted = await prettier.format(source, {
        parser: "typescript",
        printWidth: 110,
        trailingComma: "all",
      });
      expect(
        formatted === source,
        `${m}/validators.ts is not prettier-formatted`,
      ).toBe(true);
    }
  });
});
