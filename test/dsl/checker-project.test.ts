/**
 * The project loader: which files it finds, in which order, how paths appear in diagnostics, and
 * how it reports paths that do not exist.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  findRegelFiles,
  hasErrors,
  loadProject,
  ProjectError,
} from "../../dsl/project.js";
import { BASE, npRule } from "./checker-helpers.js";

describe("loadProject", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-project-"));
  const put = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  put("rulesets/b/2.regel", BASE.replace("t.base@1.0.0", "t.b@1.0.0"));
  put(
    "rulesets/a/1.regel",
    BASE.replace("t.base@1.0.0", "t.a@1.0.0") +
      npRule("require date_of_brith is present"),
  );
  put("rulesets/compiled/x.regel", "not a ruleset");
  put("rulesets/node_modules/y.regel", "not a ruleset");
  put("rulesets/.cache/z.regel", "not a ruleset");
  put("rulesets/readme.md", "# not a ruleset");

  it("searches folders recursively, sorted, skipping node_modules, hidden folders and rulesets/compiled", async () => {
    const files = await findRegelFiles([join(dir, "rulesets")]);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      "rulesets/a/1.regel",
      "rulesets/b/2.regel",
    ]);
  });

  it("takes files as given and drops duplicates", async () => {
    const a = join(dir, "rulesets/a/1.regel");
    const files = await findRegelFiles([
      join(dir, "rulesets"),
      a,
      `${dir}/rulesets/./a/1.regel`,
    ]);
    expect(files.length).toBe(2);
  });

  it("keeps paths as given in spans, and sorts diagnostics", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const p = await loadProject(["rulesets"]);
      expect(p.files.map((f) => f.path)).toEqual([
        "rulesets/a/1.regel",
        "rulesets/b/2.regel",
      ]);
      expect([...p.texts.keys()]).toEqual([
        "rulesets/a/1.regel",
        "rulesets/b/2.regel",
      ]);
      expect(p.rulesets.map((r) => r.id)).toEqual(["t.a@1.0.0", "t.b@1.0.0"]);
      expect(p.diagnostics.map((d) => `${d.code} ${d.span.file}`)).toEqual([
        "REG201 rulesets/a/1.regel",
      ]);
      expect(hasErrors(p.diagnostics)).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it("rejects a path that does not exist with a ProjectError", async () => {
    await expect(loadProject([join(dir, "nope")])).rejects.toBeInstanceOf(
      ProjectError,
    );
    await expect(loadProject([join(dir, "nope")])).rejects.toThrow(
      /no such file or folder: .*nope/,
    );
  });
});
