/**
 * The compiled modules are ASCII (issue 15): node decodes a module's UTF-8 bytes into a string
 * before V8 compiles it, and one non-ASCII character makes the whole source a two-byte string,
 * which node's loader and V8's scanner read more slowly (about 1.3 ms of `regel validate` of the
 * bundled example). The generator's literals are ASCII by construction (compiler/code.ts `quote`,
 * `jsonLit`, test/compiler/injection.test.ts), its comments are escaped in the `.js`
 * (compiler/compile.ts), and the helpers copied into each module are ASCII at the source.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const NON_ASCII = /[^\x00-\x7f]/;

/** Each non-ASCII character of `source` as `path:line: text`. */
function nonAsciiLines(path: string, source: string): string[] {
  return source
    .split("\n")
    .flatMap((line, i) =>
      NON_ASCII.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [],
    );
}

describe("ASCII compiled modules", () => {
  it("the helper sources copied into every module (compiler/helpers/*.ts, compiler/prelude.ts) are ASCII", () => {
    const files = [
      ...readdirSync("compiler/helpers")
        .filter((f) => f.endsWith(".ts"))
        .map((f) => join("compiler/helpers", f)),
      "compiler/prelude.ts",
    ];
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) =>
      nonAsciiLines(f, readFileSync(f, "utf8")),
    );
    expect(
      found,
      "write `\\u00e9` in strings and regular expressions and plain ASCII in comments: these " +
        "sources are copied into each compiled validators.js, which must be ASCII so that node " +
        "hands V8 a one-byte source (issue 15)",
    ).toEqual([]);
  });

  it("every shipped compiled validators.js is ASCII", () => {
    const root = "rulesets/compiled";
    const modules = readdirSync(root).map((d) =>
      join(root, d, "validators.js"),
    );
    expect(modules.length).toBeGreaterThan(0);
    for (const path of modules)
      expect(nonAsciiLines(path, readFileSync(path, "utf8"))).toEqual([]);
  });
});
