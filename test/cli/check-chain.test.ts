/**
 * `regel check <one file>` loads the `extends` / `uses` chain from the folder the file sits in and
 * its parent (the rulesets root), so the edited file can be checked alone; the diagnostics still
 * name only problems, and `--verbose` / `--json` say where the chain came from.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../source-folders.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "dist", "cli", "main.js");
const CACHE = mkdtempSync(join(tmpdir(), "regel-chain-cache-"));

beforeAll(ensureBuilt, 180_000);

function check(args: string[], cwd: string) {
  const r = spawnSync("node", [MAIN, "check", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, REGEL_CACHE_DIR: CACHE },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the shipped rulesets (without the compiled modules) in a fresh folder. */
function copyRulesets(): string {
  const dir = mkdtempSync(join(tmpdir(), "regel-chain-"));
  cpSync(join(ROOT, "rulesets"), join(dir, "rulesets"), {
    recursive: true,
    filter: (src) => !src.includes("compiled"),
  });
  return dir;
}

describe("regel check on one file", () => {
  const dir = copyRulesets();

  it("loads what the file extends from its folder: clean, and only the summary says so", () => {
    const r = check([join("rulesets", "ikb.glo", "1.3.0.regel")], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^2 files \(1 of them loaded for the extends\/uses chain; --verbose lists them\), 2 rulesets: 0 errors, 0 warnings/,
    );
    expect(r.stdout.split("\n").filter((l) => l !== "")).toHaveLength(1);
  }, 120_000);

  it("loads what the file uses from the rulesets root, and --verbose names it", () => {
    const r = check(
      ["--verbose", join("rulesets", "ikb.groeipad", "1.0.0.regel")],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `loaded for the extends/uses chain:\n  ${join("rulesets", "nl.werkdagen", "1.0.0.regel")}: nl.werkdagen@1.0.0 (uses nl.werkdagen@1.0.0, in ikb.groeipad@1.0.0)\n`,
    );
  }, 120_000);

  it("--json lists the chain", () => {
    const r = check(
      ["--json", join("rulesets", "ikb.glo", "1.3.0.regel")],
      dir,
    );
    const body = JSON.parse(r.stdout);
    expect(body.chain).toEqual([
      {
        file: join("rulesets", "ikb.glo", "1.2.0.regel"),
        ruleset: "ikb.glo@1.2.0",
        reason: "extends ikb.glo@1.2.0",
        by: "ikb.glo@1.3.0",
      },
    ]);
    expect(body.diagnostics).toEqual([]);
  }, 120_000);

  it("an incomplete version in the edited file: one error naming the version meant", () => {
    const file = join(dir, "rulesets", "ikb.glo", "1.3.0.regel");
    const text = readFileSync(file, "utf8");
    writeFileSync(
      file,
      text.replace("extends ikb.glo@1.2.0", "extends ikb.glo@1.2"),
    );
    try {
      const r = check(
        ["--json", join("rulesets", "ikb.glo", "1.3.0.regel")],
        dir,
      );
      expect(r.code).toBe(1);
      const body = JSON.parse(r.stdout);
      expect(
        body.diagnostics.map((d: { code: string; suggestion?: string }) => [
          d.code,
          d.suggestion,
        ]),
      ).toEqual([["REG211", "ikb.glo@1.2.0"]]);
    } finally {
      writeFileSync(file, text);
    }
  }, 120_000);
});
