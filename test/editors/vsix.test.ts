/**
 * The VS Code extension packs into a `.vsix` with one npm script (issue 14 item 2): `npm run
 * vsix` bundles the client with vscode-languageclient (leaving `vscode` to the editor) and
 * `@vscode/vsce` packs it with the grammar and the language configuration.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../source-folders.js";

describe("npm run vsix", () => {
  it("packs the extension: manifest, bundled client, grammar, language configuration", () => {
    const run = spawnSync("npm", ["run", "vsix"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const vsix = readFileSync(join(ROOT, "editors", "vscode", "regel.vsix"));
    expect(vsix.subarray(0, 2).toString("latin1")).toBe("PK"); // a zip file
    // What vsce packs (the same list it put into the .vsix).
    const list = spawnSync(
      join(ROOT, "node_modules", ".bin", "vsce"),
      ["ls", "--no-dependencies"],
      { cwd: join(ROOT, "editors", "vscode"), encoding: "utf8" },
    );
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.trim().split("\n").sort()).toEqual([
      "README.md",
      "dist/extension.js",
      "language-configuration.json",
      "package.json",
      "syntaxes/regel.tmLanguage.json",
    ]);
    const bundle = readFileSync(
      join(ROOT, "editors", "vscode", "dist", "extension.js"),
      "utf8",
    );
    // The editor provides `vscode`; the client library is inside the bundle.
    expect(bundle).toMatch(/require\(["']vscode["']\)/);
    expect(bundle).not.toMatch(/require\(["']vscode-languageclient/);
    const manifest = JSON.parse(
      readFileSync(join(ROOT, "editors", "vscode", "package.json"), "utf8"),
    );
    expect(manifest.contributes.languages[0]).toMatchObject({
      id: "regel",
      extensions: [".regel"],
    });
    expect(manifest.contributes.grammars[0].scopeName).toBe("source.regel");
    expect(
      Object.keys(manifest.contributes.configuration.properties),
    ).toContain("regel.server.path");
  }, 180_000);
});
