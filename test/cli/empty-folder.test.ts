/**
 * A folder without `.regel` files given to `regel check`, `compile` or `fmt` is a usage error
 * (exit 2, one line naming the folder), not "0 files, 0 errors": a mistyped path must not pass CI.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../cli/exit-codes.js";
import { ensureBuilt, runCli, STACK_TRACE } from "./built-cli.js";

let empty: string;
let noRulesets: string;
let out: string;

beforeAll(() => {
  ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), "regel-empty-folder-"));
  empty = join(work, "empty");
  noRulesets = join(work, "docs-only");
  out = join(work, "compiled");
  mkdirSync(empty);
  mkdirSync(join(noRulesets, "sub"), { recursive: true });
  writeFileSync(join(noRulesets, "sub", "README.md"), "not a ruleset\n");
});

describe("a folder without .regel files", () => {
  const commands: [string, (folder: string) => string[]][] = [
    ["check", (f) => ["check", f]],
    ["check", (f) => ["check", "--json", f]],
    ["compile", (f) => ["compile", f, "--out", out]],
    ["compile", (f) => ["compile", f, "--out", out, "--check"]],
    ["fmt", (f) => ["fmt", "--check", f]],
  ];
  for (const [command, args] of commands)
    for (const which of ["empty", "docs-only"] as const)
      it(`${command} (${args("F").length} arguments) on the ${which} folder exits 2 naming the folder`, () => {
        const folder = which === "empty" ? empty : noRulesets;
        const r = runCli(args(folder));
        expect(r.status).toBe(EXIT.usage);
        expect(r.stderr).not.toMatch(STACK_TRACE);
        expect(r.stderr.trimEnd()).toBe(
          `regel ${command}: no .regel files in ${folder} (folders are searched recursively): name a folder that holds rulesets, or a .regel file`,
        );
      });

  it("is refused also beside a folder that holds rulesets", () => {
    const r = runCli(["check", "rulesets/nl.werkdagen", empty]);
    expect(r.status).toBe(EXIT.usage);
    expect(r.stderr).toContain(`no .regel files in ${empty}`);
  });
});
