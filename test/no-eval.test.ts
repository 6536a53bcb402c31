/**
 * No `eval`, no `new Function`, no `Function(...)` anywhere: not in the project's sources (dsl,
 * compiler, runtime, cli, bench) and not in the generated modules under rulesets/compiled.
 */
import { SOURCE_FOLDERS } from "./source-folders.js";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SOURCE_DIRS = SOURCE_FOLDERS;
const FORBIDDEN = [
  /\beval\s*\(/,
  /\bnew\s+Function\b/,
  /(?<![\w$.])Function\s*\(/,
];

function files(dir: string, exts: string[]): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

/** Source text without comments and string contents would be stricter, but plain text is enough to be safe. */
function offences(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return text
    .split("\n")
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => FORBIDDEN.some((re) => re.test(line)))
    .map(({ line, n }) => `${path}:${n}: ${line.trim()}`);
}

describe("no eval", () => {
  it("the patterns catch what they should", () => {
    const hit = (s: string) => FORBIDDEN.some((re) => re.test(s));
    expect(hit("eval(x)")).toBe(true);
    expect(hit("const f = new Function('a', 'return a')")).toBe(true);
    expect(hit("Function('return this')()")).toBe(true);
    expect(hit("globalThis.eval (code)")).toBe(true);
    expect(hit("function evaluate(expr) {}")).toBe(false);
    expect(hit("myFunction(x)")).toBe(false);
    expect(hit("interpret.evaluate(e)")).toBe(false);
  });

  it("appears in no source file of the project", () => {
    const sources = SOURCE_DIRS.flatMap((d) =>
      files(d, [".ts", ".js", ".mjs"]),
    ).filter((f) => !f.endsWith(".d.ts"));
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.flatMap(offences)).toEqual([]);
  });

  it("appears in no generated module", () => {
    const generated = files("rulesets/compiled", [".ts", ".js"]);
    expect(generated.length).toBeGreaterThan(0);
    expect(generated.flatMap(offences)).toEqual([]);
  });
});
