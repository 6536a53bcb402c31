/**
 * `regel generate --previous-out` (tester's defect h3): the same folder as `--out`, or one inside
 * the other, mixed the two deliveries' files and made ground-truth/previous-findings.csv wrong;
 * now it is refused (exit 2) naming both, before anything is written.
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, regel } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "regel-previous-out-"));

beforeAll(() => ensureBuilt(), 180_000);

describe("generate --previous-out and --out", () => {
  for (const [name, previous] of [
    ["the same folder", (out: string) => join(out, ".")],
    ["a folder inside --out", (out: string) => join(out, "t-1")],
    ["the folder --out is in", (out: string) => join(out, "..")],
  ] as const)
    it(`--previous-out ${name}: exit 2 naming both, nothing written`, () => {
      const parent = join(dir, `nest-${name.replace(/\W+/g, "-")}`);
      mkdirSync(parent);
      const out = join(parent, "t");
      const r = regel([
        "generate",
        "--depositors",
        "10",
        "--out",
        out,
        "--previous-out",
        previous(out),
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--out ${out}`);
      expect(r.stderr).toContain(`--previous-out ${previous(out)}`);
      expect(existsSync(out)).toBe(false);
    });

  it("--previous-out a link to --out, made before --out exists: exit 2", () => {
    const parent = join(dir, "link-to-out");
    mkdirSync(parent);
    const out = join(parent, "t");
    symlinkSync(out, join(parent, "t-1"));
    const r = regel([
      "generate",
      "--depositors",
      "10",
      "--out",
      out,
      "--previous-out",
      join(parent, "t-1"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("are the same folder");
    expect(existsSync(out)).toBe(false);
  });

  it("two sibling folders are still fine", () => {
    const out = join(dir, "sib", "t");
    const r = regel([
      "generate",
      "--depositors",
      "10",
      "--out",
      out,
      "--previous-out",
      join(dir, "sib", "t-1"),
    ]);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "sib", "t-1", "bank_account.csv"))).toBe(true);
  });
});
