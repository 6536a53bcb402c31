/**
 * Compiled output records what it was compiled from and does not depend on the working directory:
 * every `.regel` file of the `extends` / `uses` chain by its path relative to the rulesets root,
 * with its sha256; `regel compile --check` gives the same verdict from any working directory.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/compile.js";
import { rulesetRelativePath } from "../../compiler/source-files.js";
import { compileInto } from "../runtime/provenance-fixture.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "dist", "cli", "main.js");

const sha256 = (path: string) =>
  createHash("sha256").update(readFileSync(path)).digest("hex");

describe("source files of a compiled ruleset", () => {
  it("names a file relative to the rulesets root", () => {
    expect(rulesetRelativePath("rulesets/ikb.glo/1.3.0.regel", "ikb.glo")).toBe(
      "ikb.glo/1.3.0.regel",
    );
    expect(rulesetRelativePath("/abs/x/ikb.glo/1.3.0.regel", "ikb.glo")).toBe(
      "ikb.glo/1.3.0.regel",
    );
    expect(rulesetRelativePath("..\\r\\ikb.glo\\1.3.0.regel", "ikb.glo")).toBe(
      "ikb.glo/1.3.0.regel",
    );
    // not in a folder named after its ruleset: its own folder is the root
    expect(rulesetRelativePath("test/fixture.regel", "t.x")).toBe(
      "fixture.regel",
    );
  });

  it("records the sha256 of every .regel file of the uses chain, in trace.json and in the module", async () => {
    const inputs = ["rulesets/ikb.groeipad", "rulesets/nl.werkdagen"].map((d) =>
      join(ROOT, d),
    );
    const out = await compile(inputs, { outDir: "out" });
    expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const file = (p: string) => out.files.find((f) => f.path === p)!.contents;
    const trace = JSON.parse(file("out/ikb.groeipad@1.0.0/trace.json"));
    expect(trace.metadata.sourceFiles).toEqual([
      {
        path: "ikb.groeipad/1.0.0.regel",
        ruleset: "ikb.groeipad@1.0.0",
        sha256: sha256(join(ROOT, "rulesets/ikb.groeipad/1.0.0.regel")),
      },
      {
        path: "nl.werkdagen/1.0.0.regel",
        ruleset: "nl.werkdagen@1.0.0",
        sha256: sha256(join(ROOT, "rulesets/nl.werkdagen/1.0.0.regel")),
      },
    ]);
    const js = file("out/ikb.groeipad@1.0.0/validators.js");
    for (const s of trace.metadata.sourceFiles) expect(js).toContain(s.sha256);
    // source locations are relative to the rulesets root too
    expect(trace.norms[0].location.file).toBe("ikb.groeipad/1.0.0.regel");
    expect(js).toContain("from ikb.groeipad/1.0.0.regel.");
    expect(js).not.toContain(ROOT);
  });

  it("the extends chain of the shipped GLO 1.3.0 module: both versions' files", () => {
    const trace = JSON.parse(
      readFileSync(
        join(ROOT, "rulesets/compiled/ikb.glo@1.3.0/trace.json"),
        "utf8",
      ),
    );
    expect(
      trace.metadata.sourceFiles.map((s: { path: string }) => s.path),
    ).toEqual(["ikb.glo/1.2.0.regel", "ikb.glo/1.3.0.regel"]);
  });
});

describe("regel compile --check from any working directory", () => {
  it("gives the same verdict from inside rulesets/, from elsewhere and from a ruleset's own folder as the compile that wrote the output", async () => {
    const root = mkdtempSync(join(tmpdir(), "regel-cwd-"));
    for (const d of ["ikb.groeipad", "nl.werkdagen"])
      cpSync(join(ROOT, "rulesets", d), join(root, "rulesets", d), {
        recursive: true,
      });
    // written in this process, whose working directory is the repository
    await compileInto(
      join(root, "rulesets"),
      join(root, "rulesets", "compiled"),
    );
    const check = (cwd: string, ...args: string[]) =>
      spawnSync(process.execPath, [MAIN, "compile", "--check", ...args], {
        cwd,
        encoding: "utf8",
      });
    const fromRulesets = check(
      join(root, "rulesets"),
      ".",
      "--out",
      "compiled",
    );
    expect(fromRulesets.stdout).toContain("6 file(s) up to date");
    expect(fromRulesets.status).toBe(0);
    const fromElsewhere = check(
      tmpdir(),
      join(root, "rulesets"),
      "--out",
      join(root, "rulesets", "compiled"),
    );
    expect(fromElsewhere.stdout).toContain("6 file(s) up to date");
    expect(fromElsewhere.status).toBe(0);
    // files given by their name, from inside their own folder
    const fromOwnFolder = check(
      join(root, "rulesets", "nl.werkdagen"),
      "1.0.0.regel",
      "../ikb.groeipad/1.0.0.regel",
      "--out",
      "../compiled",
    );
    expect(fromOwnFolder.stdout).toContain("6 file(s) up to date");
    expect(fromOwnFolder.status).toBe(0);
  });
});
