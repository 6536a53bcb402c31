/**
 * The API reference (`npm run docs`, typedoc.json) covers the public entry points — `regel`,
 * `regel/compiler`, `regel/dsl` — with a landing page (docs/api-landing.md), and typedoc's
 * validation fails on any exported item without documentation, any type a public item refers to
 * that is not exported, and any broken `{@link}` (treatValidationWarningsAsErrors).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./source-folders.js";

describe("the API reference", () => {
  it("documents every public item of the entry points the package exports", () => {
    const config = JSON.parse(
      readFileSync(join(ROOT, "typedoc.json"), "utf8"),
    ) as {
      entryPoints: string[];
      readme: string;
      validation: Record<string, boolean>;
      treatValidationWarningsAsErrors: boolean;
    };
    const pkg = JSON.parse(
      readFileSync(join(ROOT, "package.json"), "utf8"),
    ) as {
      exports: Record<string, { import?: { default: string } }>;
    };
    // the documented entry points are the package's: regel, regel/compiler, regel/dsl
    const exported = [".", "./compiler", "./dsl"].map((k) =>
      pkg.exports[k]
        .import!.default.replace(/^\.\/dist\//, "")
        .replace(/\.js$/, ".ts"),
    );
    expect(config.entryPoints).toEqual(exported);
    expect(config.readme).toBe("docs/api-landing.md");
    expect(config.validation).toMatchObject({
      notDocumented: true,
      notExported: true,
      invalidLink: true,
    });
    expect(config.treatValidationWarningsAsErrors).toBe(true);
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, "node_modules", "typedoc", "bin", "typedoc"),
        "--emit",
        "none",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(run.stdout + run.stderr).not.toMatch(/warning|error/);
    expect(run.status).toBe(0);
  }, 180_000);
});
