/**
 * `regel compile` semantics: writes only changed files; `--check` writes nothing and fails on
 * missing or stale files; and the committed output of the shipped rulesets is current.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCompile } from "../../cli/commands/compile.js";

const RULESET = `ruleset t.cli@1.0.0
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key customer_id
  field customer_id: text(40) required
  field last_name: text(10)

rule dmc0001 "Naam ontbreekt"
  severity signalling
  implements br art 1
  for NP.last_name
  require value is present
  example fail NP { customer_id: "C" }
  example pass NP { customer_id: "C", last_name: "X" }
`;

let output = "";
beforeEach(() => {
  output = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    output += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    output += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe("regel compile", () => {
  it("writes, then leaves unchanged files alone; --check reports missing and stale files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-cli-"));
    const src = join(dir, "t.regel");
    const out = join(dir, "out");
    writeFileSync(src, RULESET);

    expect(await runCompile([src], { out, check: true })).toBe(1);
    expect(output).toContain(`missing:  ${out}/t.cli@1.0.0/validators.d.ts`);

    expect(await runCompile([src], { out })).toBe(0);
    expect(output).toContain("wrote 3 file(s), 0 unchanged");
    const js = join(out, "t.cli@1.0.0", "validators.js");
    const mtime = statSync(js).mtimeMs;

    expect(await runCompile([src], { out })).toBe(0);
    expect(output).toContain("wrote 0 file(s), 3 unchanged");
    expect(statSync(js).mtimeMs).toBe(mtime);
    expect(await runCompile([src], { out, check: true })).toBe(0);

    writeFileSync(
      src,
      RULESET.replace("Naam ontbreekt", "Achternaam ontbreekt"),
    );
    output = "";
    expect(await runCompile([src], { out, check: true })).toBe(1);
    expect(output).toContain(`stale:    ${out}/t.cli@1.0.0/validators.js`);
    expect(
      readFileSync(join(out, "t.cli@1.0.0", "trace.json"), "utf8"),
    ).toContain("Naam ontbreekt");

    // A version folder no ruleset produces any more is reported by --check.
    writeFileSync(src, RULESET.replace("t.cli@1.0.0", "t.cli@1.1.0"));
    expect(await runCompile([src], { out })).toBe(0);
    output = "";
    expect(await runCompile([src], { out, check: true })).toBe(1);
    expect(output).toContain(`obsolete: ${out}/t.cli@1.0.0/`);
    rmSync(dir, { recursive: true, force: true });
  });

  it("--emit-ts writes validators.ts instead of validators.d.ts; the other kind left by an earlier run is reported by --check and removed when regel wrote it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-cli-"));
    const src = join(dir, "t.regel");
    const out = join(dir, "out");
    const version = join(out, "t.cli@1.0.0");
    writeFileSync(src, RULESET);

    expect(await runCompile([src], { out, emitTs: true })).toBe(0);
    expect(existsSync(join(version, "validators.ts"))).toBe(true);
    expect(existsSync(join(version, "validators.d.ts"))).toBe(false);

    // Back to the default: the old validators.ts would hide the new .d.ts from TypeScript.
    output = "";
    expect(await runCompile([src], { out, check: true })).toBe(1);
    expect(output).toContain(
      `obsolete: ${out}/t.cli@1.0.0/validators.ts (replaced by validators.d.ts; --emit-ts writes the .ts)`,
    );
    output = "";
    expect(await runCompile([src], { out, check: true, json: true })).toBe(1);
    expect(JSON.parse(output)).toMatchObject({
      missing: [`${out}/t.cli@1.0.0/validators.d.ts`],
      replaced: [`${out}/t.cli@1.0.0/validators.ts`],
    });
    output = "";
    expect(await runCompile([src], { out })).toBe(0);
    expect(output).toContain(
      "wrote 1 file(s), 2 unchanged, removed 1 obsolete",
    );
    expect(existsSync(join(version, "validators.ts"))).toBe(false);
    expect(existsSync(join(version, "validators.d.ts"))).toBe(true);
    expect(await runCompile([src], { out, check: true })).toBe(0);

    // --emit-ts again: now the .d.ts is the obsolete one.
    output = "";
    expect(await runCompile([src], { out, emitTs: true, check: true })).toBe(1);
    expect(output).toContain(
      `obsolete: ${out}/t.cli@1.0.0/validators.d.ts (--emit-ts writes validators.ts instead)`,
    );

    // A validators.ts that regel did not write is never removed, only reported.
    writeFileSync(join(version, "validators.ts"), "export const mine = 1;\n");
    output = "";
    expect(await runCompile([src], { out })).toBe(0);
    expect(output).toContain(
      `note: ${out}/t.cli@1.0.0/validators.ts was not written by regel compile and is left alone`,
    );
    expect(readFileSync(join(version, "validators.ts"), "utf8")).toBe(
      "export const mine = 1;\n",
    );
    expect(await runCompile([src], { out, check: true })).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes nothing and exits 1 on errors; exits 2 on a missing path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-cli-"));
    const src = join(dir, "bad.regel");
    writeFileSync(
      src,
      RULESET.replace("require value is present", "require value is prezent"),
    );
    expect(await runCompile([src], { out: join(dir, "out") })).toBe(1);
    expect(output).toContain("nothing written");
    expect(
      await runCompile([join(dir, "nope")], { out: join(dir, "out") }),
    ).toBe(2);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs every example through the modules it compiled first: a wrong verdict is REG408, nothing written, exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-cli-"));
    const src = join(dir, "t.regel");
    const out = join(dir, "out");
    // A second pass example turned into a fail example: the rule passes the record.
    const wrong = RULESET.replace(
      '  example pass NP { customer_id: "C", last_name: "X" }\n',
      '  example pass NP { customer_id: "C", last_name: "X" }\n  example fail NP { customer_id: "D", last_name: "Y" }\n',
    );
    writeFileSync(src, wrong);
    for (const check of [false, true]) {
      output = "";
      expect(await runCompile([src], { out, check })).toBe(1);
      expect(output).toContain(
        `${src}:17:3: error REG408: example fail#2 of \`dmc0001\` does not hold: it expects a finding, but the compiled validators of t.cli@1.0.0 pass the \`NP\` record`,
      );
      expect(output).toContain("regel compile: 1 error(s); nothing written");
    }
    expect(existsSync(out)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("compiles one file whose extends is not named, as check loads it: only the named version, the same module as from the folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-cli-"));
    const versions = join(dir, "t.cli");
    mkdirSync(versions);
    writeFileSync(
      join(versions, "1.0.0.regel"),
      RULESET.replace(
        "ruleset t.cli@1.0.0\n",
        "ruleset t.cli@1.0.0\n  valid from 2020-01-01 until 2024-01-01\n",
      ),
    );
    writeFileSync(
      join(versions, "1.1.0.regel"),
      "ruleset t.cli@1.1.0\n  extends t.cli@1.0.0\n  valid from 2024-01-01\n",
    );
    const alone = join(dir, "alone");
    expect(
      await runCompile([join(versions, "1.1.0.regel")], { out: alone }),
    ).toBe(0);
    expect(readdirSync(alone)).toEqual(["t.cli@1.1.0"]);
    const whole = join(dir, "whole");
    expect(await runCompile([versions], { out: whole })).toBe(0);
    expect(readdirSync(whole)).toEqual(["t.cli@1.0.0", "t.cli@1.1.0"]);
    for (const file of ["validators.js", "validators.d.ts", "trace.json"])
      expect(readFileSync(join(alone, "t.cli@1.1.0", file), "utf8")).toBe(
        readFileSync(join(whole, "t.cli@1.1.0", file), "utf8"),
      );
    rmSync(dir, { recursive: true, force: true });
  });

  it("the committed output under rulesets/compiled is current (run `regel compile rulesets` after changing a ruleset)", async () => {
    const code = await runCompile(["rulesets"], {
      out: "rulesets/compiled",
      check: true,
    });
    expect(output).toContain("up to date");
    expect(code).toBe(0);
  });
});
