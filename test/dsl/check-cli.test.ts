/**
 * `regel check` end to end: spawns the built CLI (builds first when dist/ is stale).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, npRule } from "./checker-helpers.js";
import { ensureBuilt } from "../source-folders.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "dist", "cli", "main.js");

beforeAll(ensureBuilt, 180_000);

// A private cache for the compiled modules the examples run on (cli/example-check.ts).
const CACHE = mkdtempSync(join(tmpdir(), "regel-check-cache-"));

function run(args: string[], cwd: string) {
  const r = spawnSync("node", [MAIN, "check", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, REGEL_CACHE_DIR: CACHE },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NEWCOMER = BASE + npRule("require date_of_brith <= rrd");

describe("regel check", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-check-"));
  mkdirSync(join(dir, "rules", "node_modules"), { recursive: true });
  mkdirSync(join(dir, "rules", "compiled"), { recursive: true });
  writeFileSync(join(dir, "rules", "ok.regel"), BASE);
  writeFileSync(join(dir, "rules", "node_modules", "skip.regel"), "garbage");
  writeFileSync(join(dir, "newcomer.regel"), NEWCOMER);

  it("the newcomer scenario: file:line:column, a code frame and a suggestion", () => {
    const r = run(["newcomer.regel"], dir);
    expect(r.code).toBe(1);
    const line =
      NEWCOMER.split("\n").findIndex((l) => l.includes("date_of_brith")) + 1;
    const column = NEWCOMER.split("\n")[line - 1].indexOf("date_of_brith") + 1;
    expect(r.stdout).toContain(
      `newcomer.regel:${line}:${column}: error REG201: unknown field \`date_of_brith\` on entity \`NP\``,
    );
    expect(r.stdout).toContain(`${line} |   require date_of_brith <= rrd`);
    expect(r.stdout).toMatch(/\| {11}\^{13}\n/);
    expect(r.stdout).toContain("help: did you mean `date_of_birth`?");
    expect(r.stdout.trimEnd().split("\n").pop()).toBe(
      "1 files, 1 rulesets: 1 errors, 0 warnings",
    );
  });

  it("searches folders, skipping node_modules, and exits 0 when clean", () => {
    const r = run(["rules"], dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "1 files, 1 rulesets: 0 errors, 0 warnings; 2 examples run through the compiled validators\n",
    );
    expect(r.code).toBe(0);
  });

  it("--json prints a stable machine-readable report", () => {
    const r = run(["--json", "newcomer.regel", "rules"], dir);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body.files).toBe(2);
    expect(body.rulesets).toBe(1); // both files declare t.base@1.0.0: the second is a duplicate
    expect(body.diagnostics.map((d: { code: string }) => d.code)).toEqual([
      "REG201",
      "REG210",
    ]);
    expect(Object.keys(body.diagnostics[0]).sort()).toEqual(
      [
        "code",
        "column",
        "endColumn",
        "endLine",
        "file",
        "line",
        "message",
        "notes",
        "severity",
        "suggestion",
      ].sort(),
    );
    expect(body.diagnostics[0]).toMatchObject({
      file: "newcomer.regel",
      severity: "error",
      suggestion: "date_of_birth",
    });
    expect(body.diagnostics[1]).toMatchObject({
      file: "rules/ok.regel",
      code: "REG210",
      suggestion: null,
    });
    expect(body.diagnostics[1].notes[0]).toMatch(
      /^first declared at newcomer\.regel:1:9$/,
    );
  });

  it("a path that does not exist is a clear error, exit 2, no stack trace", () => {
    const r = run(["nope.regel"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("regel check: no such file or folder: nope.regel\n");
    expect(r.stdout).toBe("");
  });

  it("runs every example through the compiled validators: a pass example turned into fail is REG408 at its file:line:column", () => {
    const pass =
      '  example pass NP { customer_id: "1", date_of_birth: 1970-01-01 }\n';
    const second =
      '  example pass NP { customer_id: "2", date_of_birth: 1980-01-01 }\n';
    const text = BASE.replace(pass, pass + second);
    writeFileSync(join(dir, "examples.regel"), text);
    const clean = run(["examples.regel"], dir);
    expect(clean.stdout).toBe(
      "1 files, 1 rulesets: 0 errors, 0 warnings; 3 examples run through the compiled validators\n",
    );
    expect(clean.code).toBe(0);

    writeFileSync(
      join(dir, "examples.regel"),
      text.replace(second, second.replace("pass", "fail")),
    );
    const r = run(["examples.regel"], dir);
    expect(r.code).toBe(1);
    const line = text.split("\n").indexOf(second.slice(0, -1)) + 1;
    expect(r.stdout).toContain(
      `examples.regel:${line}:3: error REG408: example fail#2 of \`dmc0001\` does not hold: it expects a finding, but the compiled validators of t.base@1.0.0 pass the \`NP\` record`,
    );
    expect(r.stdout).toContain(
      "note: the example ran as a delivery of one IKB (`IKB-1`): np.csv 1 row; RRD 2024-01-01",
    );
    expect(r.stdout.trimEnd().split("\n").pop()).toBe(
      "1 files, 1 rulesets: 1 errors, 0 warnings; 3 examples run through the compiled validators",
    );
    const json = JSON.parse(run(["--json", "examples.regel"], dir).stdout);
    expect(json.examples).toBe(3);
    expect(json.diagnostics).toMatchObject([
      { code: "REG408", file: "examples.regel", line, column: 3 },
    ]);
  });

  it("prints diagnostics sorted and deterministic", () => {
    const a = run(["newcomer.regel", "rules"], dir).stdout;
    const b = run(["rules", "newcomer.regel"], dir).stdout;
    expect(a).toBe(b);
  });
});

// Make sure the compiled CLI really is ours (guards against a stale placeholder).
describe("a pattern a value can make run for hours", () => {
  it("is refused (REG350) before any example runs on it, where `check` hung before", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-check-redos-"));
    // forty `a` and a `c`: about 2^40 tries for `(a+)+b`
    writeFileSync(
      join(dir, "t.regel"),
      BASE +
        `
rule dmc0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for NP
  require last_name matches "^(a+)+b$"
  example fail NP { customer_id: "1", last_name: "${"a".repeat(40)}c" }
  example pass NP { customer_id: "2", last_name: "aab" }
`,
    );
    const r = spawnSync("node", [MAIN, "check", "t.regel"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, REGEL_CACHE_DIR: CACHE },
      timeout: 30_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "error REG350: `(a+)+` repeats a part that itself repeats a varying number of times",
    );
  });
});

describe("build", () => {
  it("has the check command", () => {
    const help = execFileSync("node", [MAIN, "check", "--help"], {
      encoding: "utf8",
    });
    expect(help).toContain("--json");
  });
});
