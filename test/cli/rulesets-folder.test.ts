/**
 * The ruleset folder of `trace`, `diff`, `explain` and `assess` (cli/rulesets-folder.ts): the one
 * named, else `rulesets` here, else the rulesets shipped with regel, said on standard error.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { rulesetsFolder } from "../../cli/rulesets-folder.js";
import { ensureBuilt, ROOT, runCli } from "./built-cli.js";

const made: string[] = [];
function emptyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "regel-rulesets-folder-"));
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true });
});

describe("rulesetsFolder", () => {
  it("takes the folder named, and `rulesets` here when there is one, without a note", () => {
    expect(rulesetsFolder("mine")).toEqual({ folder: "mine" });
    const here = process.cwd();
    const dir = emptyFolder();
    mkdirSync(join(dir, "rulesets"));
    try {
      process.chdir(dir);
      expect(rulesetsFolder(undefined)).toEqual({ folder: "rulesets" });
    } finally {
      process.chdir(here);
    }
  });

  it("takes the shipped rulesets where there is none, and says so", () => {
    const here = process.cwd();
    try {
      process.chdir(emptyFolder());
      const chosen = rulesetsFolder(undefined);
      expect(chosen.folder).toBe(join(ROOT, "rulesets"));
      expect(chosen.note).toContain("the rulesets shipped with regel");
      expect(chosen.note).toContain("--rulesets DIR");
    } finally {
      process.chdir(here);
    }
  });
});

describe("trace and diff run outside a project", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("read the shipped rulesets, with a note, where no rulesets folder is", () => {
    const cwd = emptyFolder();
    const trace = runCli(["trace", "dmc0000"], { cwd });
    expect(trace.status).toBe(0);
    expect(trace.stdout).toContain("dmc0000 in ikb.glo@1.3.0");
    expect(trace.stderr).toContain(
      "regel trace: note: no rulesets folder here: the rulesets shipped with regel are used",
    );
    const diff = runCli(["diff", "ikb.glo@1.2.0", "ikb.glo@1.3.0", "--json"], {
      cwd,
    });
    expect(diff.status).toBe(0);
    expect(JSON.parse(diff.stdout)).toMatchObject({
      from: "ikb.glo@1.2.0",
      to: "ikb.glo@1.3.0",
    });
    // a folder named and missing is still an error, not a fallback
    const named = runCli(["trace", "dmc0000", "--rulesets", "nope"], { cwd });
    expect(named.status).toBe(2);
    expect(named.stderr).toContain("nope");
  });
});
