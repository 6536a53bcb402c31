/**
 * compiler/ascii-source.ts: JavaScript made ASCII without a change of meaning. Each case runs the
 * source before and after (as a module body, through `vm`) and compares what it computes; the
 * committed compiled modules are held to ASCII.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  AsciiSourceError,
  asciiSource,
  asciiSourceEdits,
} from "../../compiler/ascii-source.js";

const NON_ASCII = /[^\x00-\x7f]/;
const COMPILED = join(import.meta.dirname, "..", "..", "rulesets", "compiled");

/** What a script's last expression computes, as JSON (with the regular expressions' matches spelled out). */
function run(source: string): unknown {
  return JSON.parse(
    runInNewContext(`JSON.stringify((() => { ${source} })())`) as string,
  );
}

/** `source` made ASCII, checked to be ASCII and to compute the same. */
function same(source: string, cookedTags?: readonly string[]): string {
  const ascii = asciiSource(source, { cookedTags });
  expect(ascii).not.toMatch(NON_ASCII);
  expect(run(ascii)).toEqual(run(source));
  return ascii;
}

describe("asciiSource", () => {
  it("leaves an ASCII source as it is, with no edits", () => {
    const source = "const a = 'x'; // plain\nreturn a;";
    expect(asciiSourceEdits(source)).toEqual([]);
    expect(asciiSource(source)).toBe(source);
  });

  it("escapes string literals, identity escapes and line continuations by their value", () => {
    expect(
      same(
        'const s = "T−1 · é 😀", t = \'\\é\\😀\', u = "a\\\u2028b\u2029"; return [s, t, u, s.length, u.length];',
      ),
    ).toContain('"T\\u22121 \\u00b7 \\u00e9 \\ud83d\\ude00"');
  });

  it("escapes untagged templates, with substitutions and over lines", () => {
    same("const x = 1; return `—${x}·\n${x + 1}ŋ` + `ß`;");
  });

  it("escapes regular expressions with and without the u flag, in and out of classes", () => {
    same(
      String.raw`const a = /[ßæ]+/g, b = /^[😀-😂]$/u, c = /😀{2}/u, d = /\é/, e = /[😀]/, f = /a\/·/;
      return [
        "ßæx".replace(a, "-"), b.test("😁"), b.test("\ud83d"), c.test("😀😀"), d.test("é"),
        e.test("\ude00"), f.test("a/·"), "x".replace(/x/, "—"),
      ];`,
    );
  });

  it("escapes identifiers, property names and private names", () => {
    same(
      "const ß = { æ: 1, 'ø': 2 }; class K { #ł = 3; get đ() { return this.#ł; } } return [ß.æ, ß['ø'], new K().đ];",
    );
  });

  it("escapes comments, a hashbang and non-ASCII white space", () => {
    const ascii = same("/* T−1 */ const a\u00a0= 1; // ·\n/** — */\nreturn a;");
    expect(ascii).toBe(
      "/* T\\u22121 */ const a = 1; // \\u00b7\n/** \\u2014 */\nreturn a;",
    );
    expect(asciiSource("#!/usr/bin/env node — x\n1;")).toBe(
      "#!/usr/bin/env node \\u2014 x\n1;",
    );
  });

  it("tells a comment from a literal or a regular expression holding its delimiters", () => {
    same(
      'const s = "// ·", r = /\\/*·/; /* "ø" */ return [s, r.test("//·"), 4 / 2 / 1];',
    );
  });

  it("escapes the text of a tagged template only for a tag named as reading cooked strings", () => {
    const tag = "const cooked = (s, ...v) => s.join('|') + v.join(',');";
    same(`${tag} return cooked\`a·\${1}—b\${2}ŋ\`;`, ["cooked"]);
    expect(() =>
      asciiSource("const raw = String.raw; raw`·`;", {
        cookedTags: ["cooked"],
      }),
    ).toThrow(AsciiSourceError);
    expect(() => asciiSource("String.raw`·`;")).toThrow(
      /raw text is observable/,
    );
    // an ASCII tagged template is no concern, nor non-ASCII in its substitutions
    same("return String.raw`\\n${'·'}`;");
  });

  it("refuses a source that does not parse", () => {
    expect(() => asciiSource('const = "·";')).toThrow(/does not parse/);
  });

  it("is deterministic: escapes are lower-case hex, \\u{X} only where code points are meant", () => {
    expect(asciiSource('"Ā😀"; /😀/u; a😀;'.replace("a😀", "aĀ"))).toBe(
      '"\\u0100\\ud83d\\ude00"; /\\u{1f600}/u; a\\u0100;',
    );
  });
});

describe("the committed compiled modules", () => {
  it("are ASCII (node hands V8 a one-byte source)", () => {
    const modules = readdirSync(COMPILED).map((id) =>
      join(COMPILED, id, "validators.js"),
    );
    expect(modules.length).toBeGreaterThan(3);
    for (const file of modules)
      expect(readFileSync(file, "utf8"), file).not.toMatch(NON_ASCII);
  });
});
