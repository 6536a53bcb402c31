/**
 * Deterministic output: compiling the same rulesets gives byte-identical files, whatever the order
 * of the inputs and whatever else is compiled alongside.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/compile.js";

/** Every shipped `.regel` file (compiled output excluded). */
function regelFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "compiled") out.push(...regelFiles(p));
    } else if (name.endsWith(".regel")) out.push(p);
  }
  return out;
}

describe("deterministic compilation", () => {
  it("gives byte-identical output for reversed input order and for a subset of the inputs", async () => {
    // The large ikb.glo versions are left out to keep the suite fast; compile-cli.test.ts compares
    // all shipped modules with the committed output, compiled in another process.
    const files = regelFiles("rulesets").filter((f) => !f.includes("ikb.glo"));
    expect(files.length).toBeGreaterThan(1);
    const forward = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
    const backward = new Map([...forward].reverse());
    const a = await compile(forward, { outDir: "out" });
    const b = await compile(backward, { outDir: "out" });
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(a.files.length).toBeGreaterThan(0);
    expect(b.files.map((f) => f.path)).toEqual(a.files.map((f) => f.path));
    for (let i = 0; i < a.files.length; i++)
      expect(b.files[i].contents, a.files[i].path).toBe(a.files[i].contents);
    for (const f of a.files) {
      expect(f.contents, "no absolute paths").not.toContain(process.cwd());
      expect(f.contents, "no timestamps").not.toMatch(
        /20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z/,
      );
    }

    // A ruleset compiled on its own (when it needs no other file) gives the same module.
    const ids = [...new Set(a.files.map((f) => f.path.split("/")[1]))];
    let compared = 0;
    for (const rid of ids) {
      const own = [...forward].filter(([path]) =>
        path.includes(rid.split("@")[0]),
      );
      const alone = await compile(new Map(own), { outDir: "out" });
      if (alone.files.length === 0) continue; // it extends or uses another ruleset
      const mine = (files: typeof a.files) =>
        files
          .filter((f) => f.path.startsWith(`out/${rid}/`))
          .map((f) => f.contents);
      expect(mine(alone.files)).toEqual(mine(a.files));
      compared++;
      break;
    }
    expect(compared).toBe(1);
  });
});
