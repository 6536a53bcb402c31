import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Expr } from "../../dsl/ast.js";
import { tokenize } from "../../dsl/lexer.js";
import { parse } from "../../dsl/parser.js";
import {
  format,
  MAX_WIDTH,
  print,
  printExpr,
  quote,
} from "../../dsl/printer.js";
import { runFmt } from "../../cli/commands/fmt.js";
import { BIDI_CONTROLS } from "../../dsl/bidi.js";
import { SPAN, stripAst } from "./ast-arbitrary.js";
import {
  ASSUMED,
  COMMENTED,
  languageDocBlocks,
  languageDocFragments,
  rulesetFiles,
} from "./printer-fixtures.js";

// ---------------------------------------------------------------- helpers

const p = (name: string): Expr => ({
  kind: "Path",
  span: SPAN,
  entity: undefined,
  name: { kind: "Ident", span: SPAN, name },
});
const bin = (
  op: "and" | "or" | "+" | "-" | "*" | "/" | "=" | "<",
  left: Expr,
  right: Expr,
): Expr => ({ kind: "Binary", span: SPAN, op, left, right });
const not = (operand: Expr): Expr => ({
  kind: "Unary",
  span: SPAN,
  op: "not",
  operand,
});
const neg = (operand: Expr): Expr => ({
  kind: "Unary",
  span: SPAN,
  op: "-",
  operand,
});
const is = (operand: Expr): Expr => ({
  kind: "Is",
  span: SPAN,
  operand,
  negated: false,
  test: "present",
});

/** Texts of all comments of a source, in order, with their slashes. */
function commentTexts(text: string): string[] {
  return tokenize(text, "x.regel").comments.map(
    (c) => `${c.doc ? "///" : "//"} ${c.text}`,
  );
}

function formatOk(text: string, path = "x.regel"): string {
  const r = format(text, path);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.text;
}

// ---------------------------------------------------------------- pieces

describe("quote", () => {
  it("escapes only what must be escaped", () => {
    expect(quote('say "hi"')).toBe('"say \\"hi\\""');
    expect(quote("a\\b")).toBe('"a\\\\b"');
    expect(quote("one\ntwo\tthree")).toBe('"one\\ntwo\\tthree"');
    expect(quote("bell\u0007 cr\r nul\u0000 del\u007f")).toBe(
      '"bell\\u{7} cr\\u{D} nul\\u{0} del\\u{7F}"',
    );
    expect(quote("ls\u2028ps\u2029")).toBe('"ls\\u{2028}ps\\u{2029}"');
    expect(quote("é 😀 € //")).toBe('"é 😀 € //"');
  });

  it("reads back as the same text", () => {
    const value = 'x"\\\n\t\r\u0000\u2028😀é';
    const { file, diagnostics } = parse(
      `ruleset a@1.0.0 ${quote(value)}\n`,
      "q.regel",
    );
    expect(diagnostics).toEqual([]);
    expect(file.header?.title).toBe(value);
  });

  it("escapes every character REG104 warns about", () => {
    for (const cp of BIDI_CONTROLS.keys()) {
      const escape = `\\u{${cp.toString(16).toUpperCase()}}`;
      expect(quote(`a${String.fromCodePoint(cp)}b`)).toBe(`"a${escape}b"`);
    }
  });

  it("escapes invisible format characters and white space other than the space", () => {
    expect(quote("zero\u200Bwidth")).toBe('"zero\\u{200B}width"');
    expect(quote("\uFEFFbom")).toBe('"\\u{FEFF}bom"');
    expect(quote("soft\u00ADhyphen")).toBe('"soft\\u{AD}hyphen"');
    expect(quote("j\u200Doin w\u2060j")).toBe('"j\\u{200D}oin w\\u{2060}j"');
    expect(quote("nbsp\u00A0ideo\u3000thin\u2009")).toBe(
      '"nbsp\\u{A0}ideo\\u{3000}thin\\u{2009}"',
    );
    expect(quote("nel\u0085tag\u{E0041}")).toBe('"nel\\u{85}tag\\u{E0041}"');
  });

  it("keeps visible characters and the plain space raw", () => {
    expect(quote("é ü € 中文 😀 ∑")).toBe('"é ü € 中文 😀 ∑"');
  });
});

describe("format and invisible characters", () => {
  const header = (title: string) => `ruleset nl.werkdagen@1.0.0 ${title}\n`;

  it("keeps the escapes of bidirectional controls and zero-width spaces (no trojan source)", () => {
    const text = header('"Werkdagen \\u{202E}in\\u{200B} Nederland"');
    const formatted = format(text, "w.regel");
    expect(formatted.text).toBe(text);
    const { diagnostics } = parse(formatted.text, "w.regel");
    expect(diagnostics.filter((d) => d.code === "REG104")).toEqual([]);
  });

  it("writes raw invisible characters in texts as escapes", () => {
    const formatted = format(
      header('"a\u202Eb\uFEFFc\u00ADd\u00A0e é"'),
      "w.regel",
    );
    expect(formatted.text).toBe(
      header('"a\\u{202E}b\\u{FEFF}c\\u{AD}d\\u{A0}e é"'),
    );
  });

  it("escapes them in every kind of text: meanings, assumptions, messages, example values", () => {
    const rule = (zwsp: string, rlo: string) =>
      [
        `rule r1 "title${zwsp}"`,
        `  meaning "meaning${rlo}"`,
        `  assumption "assumption${zwsp}"`,
        "  for CU",
        `  require CU.note != "note${rlo}"`,
        `  message "message${zwsp}"`,
        `  example fail CU { note: "value${rlo}" }`,
        "",
      ].join("\n");
    const formatted = format(
      `${header('"t"')}\n${rule("\u200B", "\u202E")}`,
      "w.regel",
    );
    expect(formatted.diagnostics.filter((d) => d.severity === "error")).toEqual(
      [],
    );
    expect(formatted.text).toBe(
      `${header('"t"')}\n${rule("\\u{200B}", "\\u{202E}")}`,
    );
  });
});

describe("expressions get the fewest parentheses that keep the tree", () => {
  it.each<[string, Expr, string]>([
    [
      "or inside and",
      bin("and", bin("or", p("a"), p("b")), p("c")),
      "(a or b) and c",
    ],
    [
      "and inside or keeps parentheses for the reader",
      bin("or", bin("and", p("a"), p("b")), p("c")),
      "(a and b) or c",
    ],
    [
      "or inside or",
      bin("or", p("a"), bin("or", p("b"), p("c"))),
      "a or (b or c)",
    ],
    [
      "left-assoc minus",
      bin("-", bin("-", p("a"), p("b")), p("c")),
      "a - b - c",
    ],
    [
      "right-nested minus",
      bin("-", p("a"), bin("-", p("b"), p("c"))),
      "a - (b - c)",
    ],
    ["product in sum", bin("+", p("a"), bin("*", p("b"), p("c"))), "a + b * c"],
    [
      "sum in product",
      bin("*", bin("+", p("a"), p("b")), p("c")),
      "(a + b) * c",
    ],
    ["not of and", not(bin("and", p("a"), p("b"))), "not (a and b)"],
    [
      "not of comparison keeps parentheses for the reader",
      not(bin("=", p("a"), p("b"))),
      "not (a = b)",
    ],
    ["not of is", not(is(p("a"))), "not (a is present)"],
    ["not of a path", not(p("a")), "not a"],
    ["and of nots", bin("and", not(p("a")), not(p("b"))), "not a and not b"],
    [
      "comparison of comparison",
      bin("=", bin("<", p("a"), p("b")), p("c")),
      "(a < b) = c",
    ],
    ["is of a sum", is(bin("+", p("a"), p("b"))), "a + b is present"],
    ["is of an or", is(bin("or", p("a"), p("b"))), "(a or b) is present"],
    ["minus of a sum", neg(bin("+", p("a"), p("b"))), "-(a + b)"],
    ["double minus", neg(neg(p("a"))), "- -a"],
    ["minus in a difference", bin("-", p("a"), neg(p("b"))), "a - -b"],
  ])("%s", (_, e, text) => {
    expect(printExpr(e)).toBe(text);
    const { file, diagnostics } = parse(
      `ruleset a@1.0.0\n\nrule r "t"\n  require ${text}\n`,
      "e.regel",
    );
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const rule = file.declarations[0];
    expect(
      rule.kind === "Rule" && rule.require && printExpr(rule.require as Expr),
    ).toBe(text);
  });
});

// ---------------------------------------------------------------- layout

describe("format", () => {
  it("prints free layout in the canonical layout", () => {
    const messy = `ruleset   example.layout@1.0.0 "Layout" valid from 2023-07-01 source br "Beleidsregel"
entity NP "Natural person" file "np.csv" key ikb_id,customer_id field ikb_id : text(40) required
field customer_id: text(40) required
rule   dmc0000 "Verplicht"   meaning "Missing." severity signalling applies to D,V implements br art 2.2 sub e , br art  3
  for NP.date_of_birth,NP.last_name require ((value is present)) and not(value = "") message "{attribute} ontbreekt"
  example fail NP {last_name:"Jansen"} example pass NP { last_name : "Jansen" , date_of_birth : 1970-01-01 } with AD { a: -1.50 }
  metric m: percent norm groeipad year 2022: m >= 90 %,m <= 3 workdays`;
    expect(formatOk(messy)).toBe(`ruleset example.layout@1.0.0 "Layout"
  valid from 2023-07-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required

rule dmc0000 "Verplicht"
  meaning "Missing."
  severity signalling
  applies to D, V
  implements br art 2.2 sub e, br art 3
  for NP.date_of_birth, NP.last_name
  require value is present and not (value = "")
  message "{attribute} ontbreekt"
  example fail NP { last_name: "Jansen" }
  example pass NP { last_name: "Jansen", date_of_birth: 1970-01-01 } with AD { a: -1.50 }

metric m: percent

norm groeipad
  year 2022: m >= 90 %, m <= 3 workdays
`);
  });

  it("wraps a long list after a comma with a four-space continuation, idempotently", () => {
    const attrs = Array.from(
      { length: 12 },
      (_, i) => `NP.attribute_number_${i}`,
    ).join(", ");
    const text = `ruleset a@1.0.0\n\nrule r "t"\n  for ${attrs}\n  require value is present\n`;
    const out = formatOk(text);
    const lines = out.split("\n");
    const forLines = lines.slice(
      lines.findIndex((l) => l.startsWith("  for ")),
      lines.findIndex((l) => l.startsWith("  require")),
    );
    expect(forLines.length).toBeGreaterThan(1);
    for (const l of forLines) expect(l.length).toBeLessThanOrEqual(MAX_WIDTH);
    for (const l of forLines.slice(1)) expect(l).toMatch(/^ {6}NP\./);
    for (const l of forLines.slice(0, -1)) expect(l.endsWith(",")).toBe(true);
    expect(forLines.join(" ").replace(/ +/g, " ")).toBe(
      `  for ${attrs}`.replace(/ +/g, " "),
    );
    expect(formatOk(out)).toBe(out);
  });

  it("wraps a long condition before its top-level or operators", () => {
    const part = (i: number) =>
      `(field_number_${i} is present and other_field_${i} = "some value")`;
    const cond = [0, 1, 2, 3].map(part).join(" or ");
    const out = formatOk(
      `ruleset a@1.0.0\n\nrule r "t"\n  require ${cond}\n  message "m"\n`,
    );
    expect(out).toContain(
      `  require ${part(0)}\n      or ${part(1)}\n      or ${part(2)}\n      or ${part(3)}\n  message "m"\n`,
    );
    expect(formatOk(out)).toBe(out);
    const { file } = parse(out, "w.regel");
    const rule = file.declarations[0];
    expect(rule.kind === "Rule" && printExpr(rule.require as Expr)).toBe(cond);
  });

  it("quotes locators the parser could not read back bare", () => {
    const out = formatOk(
      `ruleset a@1.0.0\n  source bk "B"\n\npayout p 1 "P"\n  implements bk "Tabel 1", bk "art 2", bk "§ 3", bk art  1 : 80\n`,
    );
    expect(out).toContain(
      `implements bk Tabel 1, bk art 2, bk "§ 3", bk art 1:80\n`,
    );
  });

  it("keeps the quotes of a locator with a space beside a colon, whose text bare would lose it", () => {
    const src = `ruleset a@1.0.0\n  source bk "B"\n\npayout p 1 "P"\n  implements bk "1 : 80", bk "art 1 :80", bk "7: 17a"\n`;
    const out = formatOk(src);
    expect(out).toContain(
      `implements bk "1 : 80", bk "art 1 :80", bk "7: 17a"\n`,
    );
    const payout = parse(out, "w.regel").file.declarations[0];
    expect(
      payout.kind === "Payout" && payout.implementsRefs.map((r) => r.locator),
    ).toEqual(["1 : 80", "art 1 :80", "7: 17a"]);
  });

  it("never formats a file with parse errors", () => {
    const broken = `ruleset a@1.0.0\n\nrule r "t"\n  require (a and\n  // keep me\n`;
    const r = format(broken, "broken.regel");
    expect(r.text).toBe(broken);
    expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });

  it("prints doc comments from the AST when there are no comment tokens (generated ASTs)", () => {
    for (const { text } of languageDocBlocks()) {
      // The complete examples have doc comments only, so the doc arrays must give them back.
      const { file } = parse(text, "x.regel");
      expect(file.comments.every((c) => c.doc)).toBe(true);
      expect(print({ ...file, comments: [] })).toBe(text);
    }
  });
});

describe("the canonical examples", () => {
  it.each(languageDocBlocks().map((b) => [b.name, b.text]))(
    "%s is already canonical",
    (_, text) => {
      expect(formatOk(text)).toBe(text);
    },
  );

  it("the doc's fragments are canonical inside the file they belong to", () => {
    const fragments = languageDocFragments();
    expect(fragments.length).toBeGreaterThan(0);
    for (const f of fragments) {
      const out = formatOk(f.text);
      expect(out).toBe(f.text);
      expect(out.endsWith(f.fragment)).toBe(true);
    }
  });

  const files = rulesetFiles();
  it.runIf(files.length > 0).each(files.map((f) => [f.name, f.text]))(
    "%s formats idempotently and keeps its comments",
    (name, text) => {
      const r = format(text, name);
      if (r.diagnostics.some((d) => d.severity === "error")) {
        // Not ours to fix: the formatter must leave such a file alone.
        expect(r.text).toBe(text);
        return;
      }
      expect(formatOk(r.text, name)).toBe(r.text);
      expect(commentTexts(r.text)).toEqual(commentTexts(text));
    },
  );
});

// ---------------------------------------------------------------- comments

describe("comments", () => {
  it("keeps every comment, in order, in its place", () => {
    const out = formatOk(COMMENTED);
    expect(commentTexts(out)).toEqual(commentTexts(COMMENTED));
    expect(out).toBe(`// file comment before everything

/// Header doc.
ruleset example.comments@1.0.0 "Comments" // after the header line
  // before valid
  valid from 2023-07-01
  source br "Beleidsregel" // after a source

// a section heading

/// Entity doc.
// plain comment between doc and entity
entity NP "Natural person"
  file "natural_person.csv" // after file
  // before key
  key customer_id
  /// Field doc.
  field customer_id: text(40) required // after a field
  // before a field without doc
  field last_name: text(200)
  // at the end of the entity, hugging it

/// Rule doc.
rule dmc0000 "Verplicht" // after the rule line
  // before meaning
  meaning "A mandatory attribute is missing." // after meaning
  severity signalling // after severity
  // inside implements, after a comma
  implements br art 2.2 sub e, br art 3 // at the end of implements
  for NP.last_name
  /// a doc comment that documents nothing
  // inside the condition
  require value is present and value != "" // at the end of the condition
  // before the first example
  example fail NP { last_name: "" }
  example pass NP { last_name: "Jansen" } // after the last example

// at the end of the file

// the very last line
`);
    expect(formatOk(out)).toBe(out);
  });

  it("keeps doc comments attached to their declaration and field", () => {
    const before = parse(COMMENTED, "a.regel").file;
    const after = parse(formatOk(COMMENTED), "b.regel").file;
    expect(after.header?.doc).toEqual(before.header?.doc);
    expect(after.declarations.map((d) => d.doc)).toEqual(
      before.declarations.map((d) => d.doc),
    );
    const fieldDocs = (f: typeof before) =>
      f.declarations.flatMap((d) =>
        d.kind === "Entity" ? d.fields.map((x) => x.doc) : [],
      );
    expect(fieldDocs(after)).toEqual(fieldDocs(before));
    expect(fieldDocs(after)).toEqual([["Field doc."], []]);
  });

  it("keeps comments in odd places: between the words of a clause and between declarations", () => {
    const odd = `ruleset a@1.0.0 // one
// two
rule // three
  r "t" // four
  require // five
    a // six
    = // seven
    b
// eight
metric m: // nine
  percent
// ten`;
    const out = formatOk(odd);
    expect(commentTexts(out)).toEqual(commentTexts(odd));
    expect(formatOk(out)).toBe(out);
  });

  it("moves `assumption` clauses to their canonical place with their comments", () => {
    const out = formatOk(ASSUMED);
    expect(commentTexts(out)).toEqual(commentTexts(ASSUMED));
    expect(out).toBe(`ruleset example.assumed@1.0.0
  source br "Beleidsregel"
  // before the header's assumption
  assumption "header" // after it

entity NP "Natural person"
  // before the entity's own assumption, written late
  assumption "entity"
  file "np.csv"
  key id
  field id: text(40) required
    // before the field's assumption
    assumption "field" // after the field's assumption
  field x: text

rule r "R"
  meaning "A long meaning that leaves no room on its line for the article it is taken from."
      from br art 2
  assumption "rule one" // after the first
  assumption "rule two"
  severity signalling

calendar c
  assumption "calendar, written last"
  implements br art 3
  holiday h "H" on 1 january
    assumption "holiday"
  holiday i "I" on 2 january
`);
    expect(formatOk(out)).toBe(out);
    // The same nodes: each assumption stays on what it was written on.
    expect(stripAst(parse(out, "x.regel").file)).toEqual(
      stripAst(parse(ASSUMED, "x.regel").file),
    );
  });

  it("places comments from spans when print() gets no source text", () => {
    const { file } = parse(COMMENTED, "c.regel");
    const out = print(file);
    expect(commentTexts(out).sort()).toEqual(commentTexts(COMMENTED).sort());
    expect(
      format(out, "d.regel").diagnostics.filter((d) => d.severity === "error"),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------- the command

describe("regel fmt", () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = {
    out: (l: string) => out.push(l),
    err: (l: string) => err.push(l),
  };
  const ugly = `ruleset a@1.0.0 "A"   source br "B"\nmetric m: percent // keep\n`;
  const pretty = `ruleset a@1.0.0 "A"\n  source br "B"\n\nmetric m: percent // keep\n`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "regel-fmt-"));
    out = [];
    err = [];
    mkdirSync(join(dir, "rulesets/x"), { recursive: true });
    mkdirSync(join(dir, "rulesets/compiled"), { recursive: true });
    mkdirSync(join(dir, "node_modules/p"), { recursive: true });
    writeFileSync(join(dir, "rulesets/x/ugly.regel"), ugly);
    writeFileSync(join(dir, "rulesets/x/pretty.regel"), pretty);
    writeFileSync(join(dir, "rulesets/x/notes.txt"), ugly);
    writeFileSync(join(dir, "rulesets/compiled/skip.regel"), ugly);
    writeFileSync(join(dir, "node_modules/p/skip.regel"), ugly);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--check writes nothing and exits 1 listing the files that would change", () => {
    expect(runFmt([dir], { check: true }, io)).toBe(1);
    expect(out).toEqual([
      `would reformat ${join(dir, "rulesets/x/ugly.regel")}`,
    ]);
    expect(readFileSync(join(dir, "rulesets/x/ugly.regel"), "utf8")).toBe(ugly);
  });

  it("writes changed files only, skipping node_modules and rulesets/compiled", () => {
    expect(runFmt([dir], {}, io)).toBe(0);
    expect(out).toEqual([`formatted ${join(dir, "rulesets/x/ugly.regel")}`]);
    expect(readFileSync(join(dir, "rulesets/x/ugly.regel"), "utf8")).toBe(
      pretty,
    );
    expect(
      readFileSync(join(dir, "rulesets/compiled/skip.regel"), "utf8"),
    ).toBe(ugly);
    expect(readFileSync(join(dir, "node_modules/p/skip.regel"), "utf8")).toBe(
      ugly,
    );
    out = [];
    expect(runFmt([dir], { check: true }, io)).toBe(0);
    expect(out).toEqual([]);
  });

  it("leaves a file with parse errors alone, prints the diagnostics and exits 1", () => {
    const broken = `ruleset a@1.0.0\n\nrule r "t"\n  require a =\n`;
    const path = join(dir, "rulesets/x/broken.regel");
    writeFileSync(path, broken);
    expect(runFmt([path], {}, io)).toBe(1);
    expect(readFileSync(path, "utf8")).toBe(broken);
    expect(err.join("\n")).toMatch(/broken\.regel:\d+:\d+: error REG1\d\d/);
    expect(out).toEqual([]);
  });

  it("reports a path that does not exist", () => {
    expect(runFmt([join(dir, "nope.regel")], {}, io)).toBe(2);
    expect(err.join("\n")).toContain("no such file or folder");
  });
});

describe("comments around the later declarations", () => {
  // Regression (found by the comment round trip of test/dsl/roundtrip.test.ts): the formatter did
  // not count `parameter` and `table` as declarations, so in a file with one it placed comments by
  // spans, and the clauses of a plausibility had none: comments moved above the declaration.
  it("keeps a comment between plausibility clauses when a parameter and a table follow", () => {
    const text = `ruleset example.c@1.0.0

plausibility own_history
  method robust_z
  // before the threshold
  threshold 3.5 // after the threshold
  watch errors

parameter limit: integer
  from 2024-01-01 value 1

table rates
  column currency: text key
`;
    const out = formatOk(text);
    expect(commentTexts(out)).toEqual(commentTexts(text));
    expect(out).toBe(text);
  });

  it("keeps a comment between measure clauses without spans when a parameter follows", () => {
    const text = `ruleset example.c@1.0.0

measure boete "Boete"
  kind formal
  // before the character
  character punitive // punitive

parameter limit: integer
`;
    expect(formatOk(text)).toBe(text);
  });
});
