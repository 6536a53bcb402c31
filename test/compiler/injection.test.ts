/**
 * Safety by construction: text from a ruleset (titles, meanings, messages, descriptions, doc
 * comments, code-list values, regexes, marking values) full of quotes, backticks, `${`, `*\/`,
 * newlines, U+2028/U+2029 and non-BMP characters must reach the generated module only as data:
 * the module and its declarations type-check under `tsc --strict` and the module reproduces every
 * string exactly.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { ts as typescript } from "ts-morph";
import { beforeAll, describe, expect, it } from "vitest";
import {
  comment,
  doc,
  id,
  jsonLit,
  lit,
  quote,
  text,
  ts,
} from "../../compiler/code.js";
import type { Finding } from "../../compiler/contract.js";
import type { CompileResult } from "../../compiler/compile.js";
import {
  compileAndImport,
  compileTexts,
  context,
  run,
  writeFiles,
  type Module,
} from "./compile-harness.js";

/** Nasty text, as the *value* (what the string means), and as `.regel` string-literal source. */
const NASTY =
  'q" b` d${x} c*/ o/* n\n r\r l\u2028 p\u2029 e\u{1F600} \\ bidi\u202Eo\u2066i\u200Fm\u061C end';
/** The bidirectional controls of "trojan source" (issue 16): never raw in a generated file. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function regelString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x2028 || cp === 0x2029 || cp > 0xffff)
      out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

const S = regelString;
const CODE_VALUE = 'A"`${*/\u2028\u{1F600}';
/** A regex that only matches text made of the nasty pieces. */
const PATTERN = '(?:"|`|\\$\\{|\\*/|\u{1F600}|[a-z ])+';
const MESSAGE = `${NASTY} {attribute}={value} [{name}]`;

const RULESET = `
/// Ruleset doc */ with a terminator ${"`"}backtick${"`"}
ruleset t.inject@1.0.0 ${S(NASTY)}
  source br ${S(NASTY)} url ${S('https://example.org/*/?q="`${}')}

codelist weird ${S(NASTY)}
  value ${S(CODE_VALUE)} ${S(NASTY)}
  value "plain"

payout p1 1 ${S(NASTY)}
  implements br ${S(NASTY)}

entity NP ${S(NASTY)}
  file ${S('np *` "file" ${x}.csv')}
  key customer_id
  /// Field doc */ evil
  field customer_id: text(40) required ${S(NASTY)}
  field name: text(100) ${S(NASTY)}
  field sort: code weird ${S(NASTY)}

/// Rule doc: */ alert(1) /* \u202E reversed \u2069
rule inj0001 ${S(NASTY)}
  meaning ${S(NASTY)}
  severity signalling
  implements br ${S(NASTY)}
  for NP.name
  when value is present
  require value matches ${S(PATTERN)} and value != ${S(NASTY)}
  message ${S(MESSAGE)}
  example fail NP { customer_id: "C", name: "1" }
  example pass NP { customer_id: "C", name: "ab" }

rule inj0002 ${S(NASTY)}
  meaning ${S(NASTY)}
  severity blocking
  implements br art 1
  for NP
  require sort in (${S(CODE_VALUE)})
  example fail NP { customer_id: "C", sort: "plain" }
  example pass NP { customer_id: "C", sort: ${S(CODE_VALUE)} }

category c1 ${S(NASTY)}
  blocks p1
  implements br ${S(NASTY)}
  result inj0001
  marking NP.sort = ${S(CODE_VALUE)}
`;

/** The text, as written, of every string, template and regular expression literal of a source. */
function literalTexts(source: string, fileName: string): string[] {
  const file = typescript.createSourceFile(
    fileName,
    source,
    typescript.ScriptTarget.ES2022,
    true,
  );
  const found: string[] = [];
  const visit = (node: typescript.Node): void => {
    if (
      typescript.isStringLiteral(node) ||
      typescript.isNoSubstitutionTemplateLiteral(node) ||
      typescript.isTemplateLiteralToken(node) ||
      typescript.isRegularExpressionLiteral(node)
    )
      found.push(node.getText(file));
    typescript.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

let m: Module;
let result: CompileResult;
let dir: string;
/** The same ruleset compiled with `emitTs`: the TypeScript source. */
let withTs: CompileResult;
let tsDir: string;

beforeAll(async () => {
  ({
    module: m,
    result,
    dir,
  } = await compileAndImport(RULESET, "inject.regel"));
  withTs = await compileTexts({ "inject.regel": RULESET }, { emitTs: true });
  tsDir = writeFiles(withTs);
});

describe("ruleset text reaches the module only as data", () => {
  it("the generated TypeScript and its declarations pass tsc --strict", () => {
    const file = withTs.files.find((f) => f.path.endsWith("validators.ts"))!;
    const dts = result.files.find((f) => f.path.endsWith("validators.d.ts"))!;
    const tsc = join(process.cwd(), "node_modules/typescript/bin/tsc");
    const args = [
      "--ignoreConfig",
      "--strict",
      "--noEmit",
      "--target",
      "es2022",
      "--lib",
      "es2022",
      "--module",
      "esnext",
      join(tsDir, file.path),
      join(dir, dts.path),
    ];
    expect(() =>
      execFileSync(process.execPath, [tsc, ...args], { encoding: "utf8" }),
    ).not.toThrow();
  });

  it("contains no raw line separators and no comment terminator from the ruleset", () => {
    for (const f of [...withTs.files, ...result.files]) {
      const source = f.contents;
      expect(source, f.path).not.toMatch(/[\u2028\u2029]/);
      expect(source, f.path).not.toContain("alert(1) /*");
      expect(source, f.path).not.toContain("*/ evil");
    }
  });

  it("holds no raw bidirectional control character in any output file, though the ruleset has them raw", () => {
    expect(RULESET).toMatch(BIDI);
    expect(result.files.map((f) => f.path.split("/").pop())).toEqual([
      "trace.json",
      "validators.d.ts",
      "validators.js",
    ]);
    for (const f of [...result.files, ...withTs.files])
      expect(f.contents, f.path).not.toMatch(BIDI);
    const trace = result.files.find((f) => f.path.endsWith("trace.json"))!;
    expect(JSON.stringify(JSON.parse(trace.contents))).toContain(
      JSON.stringify(NASTY).slice(1, -1),
    );
    expect(result.diagnostics.map((d) => d.code)).toContain("REG104");
  });

  it("writes the module's JavaScript in ASCII, though the ruleset's texts are not; the .ts keeps its comments readable", () => {
    expect(RULESET).toMatch(/[^\x00-\x7f]/);
    const js = result.files.find((f) => f.path.endsWith("validators.js"))!;
    expect(js.contents).toMatch(/^[\x00-\x7f]*$/);
    // the TypeScript source is not escaped as a whole: its comments still hold the emoji
    const source = withTs.files.find((f) => f.path.endsWith("validators.ts"))!;
    expect(source.contents).toContain("\u{1F600}");
  });

  it("writes every string literal in ASCII, and prettier and ts.transpileModule keep the escapes as written", () => {
    const source = withTs.files.find((f) => f.path.endsWith("validators.ts"))!;
    const js = result.files.find((f) => f.path.endsWith("validators.js"))!;
    // the .ts is the text after prettier: a literal it had unescaped would hold a raw character
    const tsLiterals = literalTexts(source.contents, "validators.ts");
    expect(tsLiterals.some((l) => l.includes("\\u"))).toBe(true);
    for (const l of tsLiterals) expect(l).toMatch(/^[\x00-\x7f]*$/);
    // the .js is ts.transpileModule's output of that text: its literals are the .ts's, as written
    const known = new Set(tsLiterals);
    for (const l of literalTexts(js.contents, "validators.js"))
      expect(known.has(l), l).toBe(true);
  });

  it("reproduces titles, meanings, sources, descriptions and code values exactly", () => {
    expect(m.metadata.title).toBe(NASTY);
    expect(m.metadata.sources).toEqual([
      { alias: "br", title: NASTY, url: 'https://example.org/*/?q="`${}' },
    ]);
    const np = m.entities[0];
    expect(np.title).toBe(NASTY);
    // (`*/` cannot be in a file name: a `/` is REG151)
    expect(np.file).toBe('np *` "file" ${x}.csv');
    expect(np.fields.map((f) => f.description)).toEqual([NASTY, NASTY, NASTY]);
    const t1 = m.trace.find((t) => t.code === "inj0001")!;
    expect([
      t1.title,
      t1.meaning,
      t1.articles[0].sourceTitle,
      t1.articles[0].locator,
    ]).toEqual([NASTY, NASTY, NASTY, NASTY]);
    expect(m.categories[0]).toMatchObject({
      title: NASTY,
      markings: [
        { entity: "NP", field: "sort", value: CODE_VALUE, role: undefined },
      ],
    });
    expect(m.payouts[0].title).toBe(NASTY);
  });

  it("decodes and compares nasty code values, and fills nasty messages", () => {
    const ctx = context("2024-01-01");
    const ok = run(
      m,
      "NP",
      { customer_id: "C", name: 'ab"`${*/\u{1F600}', sort: CODE_VALUE },
      ctx,
    );
    expect(ok.findings).toEqual([]);
    expect(ok.record.sort).toBe(CODE_VALUE);
    const bad = run(
      m,
      "NP",
      { customer_id: "C", name: "x1", sort: "plain" },
      ctx,
    );
    const f1 = bad.findings.find((f: Finding) => f.rule === "inj0001")!;
    expect(f1.message).toBe(`${NASTY} name=x1 [x1]`);
    expect(
      bad.findings.find((f: Finding) => f.rule === "inj0002")!.message,
    ).toBe(NASTY);
    expect(m.classify([], { NP: [ok.record] }).categories).toEqual(["c1"]);
  });
});

describe("code fragments", () => {
  it("quote() round-trips any string as a JS string literal", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const q = quote(s);
        expect(q).toMatch(/^[\x20-\x7e]*$/);
        expect(q).not.toMatch(/[\u2028\u2029\n\r]/);
        expect(q).not.toMatch(BIDI);
        expect(JSON.parse(q)).toBe(s);
      }),
      { numRuns: 300 },
    );
    // DEL, which JSON.stringify leaves as it is (random strings hold one only now and then)
    expect(quote("a\x7fb")).toBe('"a\\u007fb"');
  });

  it("interpolated strings become literals, never code", () => {
    const evil = '"); process.exit(1); ("';
    expect(text(ts`f(${evil})`)).toBe(`f(${JSON.stringify(evil)})`);
    expect(text(lit({ a: ["x", 1, 2n, undefined, true] }))).toBe(
      '{ a: ["x", 1, 2n, undefined, true] }',
    );
  });

  it("jsonLit() is JSON.parse of one string literal that gives the data back, undefined properties left out", () => {
    const data = [
      { title: NASTY, n: 1.5, ok: false, none: null, gone: undefined },
    ];
    const code = text(jsonLit(data));
    const prefix = "JSON.parse(";
    expect(code.startsWith(prefix) && code.endsWith(")")).toBe(true);
    const literal = code.slice(prefix.length, -1);
    // one string literal whose JSON text is ASCII too (so no raw line separator or bidirectional
    // control either): JSON.parse reads a one-byte string
    expect(literal).toMatch(/^"[\x20-\x7e]*"$/);
    expect(JSON.parse(literal) as string).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(JSON.parse(literal) as string)).toStrictEqual([
      { title: NASTY, n: 1.5, ok: false, none: null },
    ]);
    expect(() => jsonLit({ n: Number.NaN })).toThrow();
    expect(() => jsonLit({ n: 1n })).toThrow();
  });

  it("identifiers must be plain and not reserved", () => {
    expect(text(id("dmc0000"))).toBe("dmc0000");
    for (const bad of ["a-b", "1a", "class", "a b", "x;y", "__proto__", ""])
      expect(() => id(bad)).toThrow();
  });

  it("doc comments cannot be closed from inside", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary" }), { maxLength: 4 }),
        (lines) => {
          const comment = text(doc(lines));
          if (comment === "") return;
          const inner = comment.slice(3, comment.lastIndexOf("*/"));
          expect(inner).not.toContain("*/");
          expect(inner).not.toMatch(/[\u2028\u2029]/);
          expect(inner).not.toMatch(BIDI);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("inline comments (the rule markers of the fused checks) cannot be closed from inside and stay on one line", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const marker = text(comment(value));
        expect(marker.startsWith("/* ")).toBe(true);
        expect(marker.endsWith(" */")).toBe(true);
        const inner = marker.slice(3, -3);
        expect(inner).not.toContain("*/");
        expect(inner).not.toMatch(/[\r\n\u2028\u2029]/);
        expect(inner).not.toMatch(BIDI);
      }),
      { numRuns: 300 },
    );
  });
});
