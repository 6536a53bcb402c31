import { CODE_SUMMARIES } from "../../dsl/check-codes.js";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { RuleDecl } from "../../dsl/ast.js";
import { formatDiagnostic } from "../../dsl/diagnostics.js";
import { parse } from "../../dsl/parser.js";
import { MAX_EXPR_DEPTH, MAX_IF_NESTING } from "../../dsl/parser-grammar.js";

const HEADER = 'ruleset a@1.0.0\n  source br "B"\n';

/** The first diagnostic of a source. */
const first = (source: string) => parse(source, "m.regel").diagnostics[0];

/** One golden case per REG1xx code: the source, where the error is, and words of its message. */
const GOLDEN: [
  code: string,
  source: string,
  line: number,
  column: number,
  message: string,
  suggestion?: string,
  severity?: "warning",
][] = [
  ["REG101", `${HEADER}\nrule r "t" #\n`, 4, 12, "unexpected character `#`"],
  ["REG102", `${HEADER}\nrule r "Geen adres\n`, 4, 8, 'no closing `"`'],
  [
    "REG103",
    `${HEADER}\nrule r "t"\n  message "{value} is \\q"\n`,
    5,
    23,
    "invalid escape `\\q`",
  ],
  [
    "REG104",
    `${HEADER}\nrule r "t"\n  message "access \u202E \u2066denied"\n`,
    5,
    19,
    "a bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) in a quoted text",
    undefined,
    "warning",
  ],
  [
    "REG110",
    `${HEADER}\nrule r "t"\n  severity blokking\n`,
    5,
    12,
    "expected a severity: `blocking` or `signalling`, found `blokking`",
    "blocking",
  ],
  ["REG111", `codelist x\n  value "A"\n`, 1, 1, "no `ruleset` header"],
  ["REG112", `${HEADER}\nruleset b@1.0.0\n`, 4, 1, "second `ruleset` header"],
  ["REG113", `codelist x\n  value "A"\n${HEADER}`, 3, 1, "must come first"],
  [
    "REG114",
    `${HEADER}\nrule r "t"\n  for\n`,
    5,
    6,
    "found the end of the file",
  ],
  ["REG115", `hello\n${HEADER}`, 1, 1, "expected a declaration", undefined],
  [
    "REG116",
    `${HEADER}\ncodelist x\n  value "A" "B" "C"\n`,
    5,
    17,
    'the text "C" is not part of this code list',
  ],
  [
    "REG117",
    `${HEADER}\nrule r "t"\n  require x <= rrd - 3 dayz\n`,
    5,
    24,
    "unknown unit `dayz`",
    "days",
  ],
  [
    "REG118",
    `${HEADER}\nentity E\n  field f: txt(3)\n`,
    5,
    12,
    "unknown field type `txt`",
    "text",
  ],
  [
    "REG119",
    `${HEADER}\nrule r "t"\n  applies to D, X\n`,
    5,
    17,
    "`X` is not a role",
  ],
  [
    "REG120",
    `${HEADER}\ncalendar c\n  holiday k "K" on 5 mai\n`,
    5,
    22,
    "unknown month `mai`",
    "may",
  ],
  [
    "REG121",
    `${HEADER}\npayout p 99999999999999999999 "t"\n`,
    4,
    10,
    "too large",
  ],
  [
    "REG122",
    `${HEADER}\nrule r "t"\n  severity blocking\n  severity signalling\n`,
    6,
    3,
    "`severity` is given twice",
  ],
  [
    "REG123",
    `${HEADER}\nrule r "t"\n  require x is present\n  for NP\n`,
    6,
    3,
    "`for` must come before `require`",
  ],
  [
    "REG124",
    `${HEADER}\nrule r "t"\n  for NP, AD\n`,
    5,
    3,
    "a rule runs on one entity, not 2",
  ],
  [
    "REG125",
    `${HEADER}\nrule r "t"\n  require sum(BA) > 0\n`,
    5,
    11,
    "`sum` needs a field",
  ],
  [
    "REG143",
    `${HEADER}\nrule r "t"\n  require share > 0,5\n`,
    5,
    19,
    "`0,5` has a decimal comma: regel writes decimals with a point, 0.5",
    "0.5",
  ],
  [
    "REG144",
    `${HEADER}\nrule r "t"\n  require share == 1\n`,
    5,
    17,
    "regel writes `=`, not `==`",
    "=",
  ],
  [
    "REG145",
    `${HEADER}\nrule r "t"\n  require name = 'x'\n`,
    5,
    18,
    'texts are written in double quotes: "x"',
    '"x"',
  ],
  [
    "REG146",
    `${HEADER}\nrule r "t"\n  require share > 1 en name is present\n`,
    5,
    21,
    "`en` is Dutch: regel's keywords are English, write `and`",
    "and",
  ],
  [
    "REG147",
    `${HEADER}\nrule r "t"\n  implements br art. 2.2e\n`,
    5,
    17,
    "write `art` without a dot: an article is cited as `art 2.2e`",
    "art",
  ],
  [
    "REG148",
    `${HEADER}\nentity NP\n  field share: decimal\nconst limit = 100000\n`,
    6,
    1,
    "`const` is not a regel declaration: a ruleset holds declarations (`rule`, `entity`, `codelist`, ...)",
  ],
  [
    "REG127",
    `${HEADER}\nrule r "t"\n  require sum(balance * 2) > 0\n`,
    5,
    15,
    "`sum` of a computed value names the iterated records by their entity",
  ],
  [
    "REG128",
    `${HEADER}\nparameter limit: amount\n  from 2024-01-01 value 100000\n`,
    4,
    18,
    "unknown parameter type `amount`",
  ],
  [
    "REG150",
    `${HEADER}\nentity NP\n  field opened_on: date format\n  field name: text\n`,
    5,
    25,
    "`format` takes how the date is written, in quotes",
  ],
  [
    "REG129",
    `${HEADER}\ntable rates\n  column rate: float\n`,
    5,
    16,
    "unknown column type `float`",
  ],
  [
    "REG126",
    `${HEADER}\nrule r "t"\n  require ${"(".repeat(70)}x${")".repeat(70)}\n`,
    5,
    75,
    "nested more than 64 deep",
  ],
];

describe("one golden case per code", () => {
  it.each(GOLDEN)(
    "%s",
    (code, source, line, column, message, suggestion, severity) => {
      const { diagnostics } = parse(source, "g.regel");
      expect(diagnostics.map((d) => d.code)).toEqual(
        code === "REG104" ? [code, code] : [code],
      );
      const [d] = diagnostics;
      expect(d.span.start).toMatchObject({ line, column });
      expect(d.message).toContain(message);
      expect(d.severity).toBe(severity ?? "error");
      expect(d.span.file).toBe("g.regel");
      if (suggestion !== undefined) expect(d.suggestion).toBe(suggestion);
    },
  );

  it("covers every REG1xx code documented in docs/diagnostics.md (REG105 is in source-encoding.test.ts, REG199 is below)", () => {
    const doc = readFileSync(
      new URL("../../docs/diagnostics.md", import.meta.url),
      "utf8",
    );
    // REG135–REG142 are checker codes (file dialects), with their golden cases in
    // diagnostics-golden.test.ts
    const documented = [...doc.matchAll(/^### (REG1\d\d)/gm)]
      .map((m) => m[1])
      .filter((c) => !(c in CODE_SUMMARIES));
    expect(documented).toEqual(
      [...GOLDEN.map((g) => g[0]), "REG105", "REG199"].sort(),
    );
  });

  it("REG126 also stops operator chains deeper than the limit, once per declaration", () => {
    const { file, diagnostics } = parse(
      `${HEADER}rule r "t"\n  require x${" + x".repeat(300)} > 1 and ${"not ".repeat(300)}y\nrule s "u"\n`,
      "d.regel",
    );
    expect(diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["REG126", 4],
    ]);
    expect(diagnostics[0].message).toContain(
      "more than 256 operators chained or nested",
    );
    expect(file.declarations.map((d) => d.kind)).toEqual(["Rule", "Rule"]);
  });

  it("REG126 on a flat chain of `and`s does not call it nested only (outside re-try)", () => {
    const { diagnostics } = parse(
      `${HEADER}rule r "t"\n  require ${Array.from({ length: 3000 }, (_, i) => `x${i} is present`).join(" and ")}\n`,
      "d.regel",
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["REG126"]);
    expect(diagnostics[0].message).toBe(
      "this condition has more than 256 operators chained or nested in one another; split it up",
    );
  });

  it("REG126, not REG199, for a too long `else if` chain and for `if`s nested too deeply; an `else if` chain is read in a loop", () => {
    const arm = (i: number) => `if x = ${100 + i} then ${i}`;
    const chain = (n: number) =>
      `${Array.from({ length: n }, (_, i) => arm(i)).join(" else ")} else 0`;
    const rule = (expr: string) =>
      `${HEADER}rule r "t"\n  require y < (${expr})\nrule s "u"\n`;
    const at = (text: string, needle: string) => {
      const offset = text.indexOf(needle);
      const before = text.slice(0, offset);
      return [
        before.split("\n").length,
        offset - before.lastIndexOf("\n"),
      ] as const;
    };

    // A mapping written as 300 `else if`s: the tree limit at the arm where it is exceeded.
    const long = rule(chain(300));
    const tooLong = parse(long, "c.regel");
    expect(
      tooLong.diagnostics.map((d) => [
        d.code,
        d.span.start.line,
        d.span.start.column,
      ]),
    ).toEqual([["REG126", ...at(long, `${arm(45)} else`)]]); // arm i is 302 - i deep
    expect(tooLong.diagnostics[0].message).toContain(
      `more than ${MAX_EXPR_DEPTH} operators chained or nested`,
    );
    expect(tooLong.file.declarations.map((d) => d.kind)).toEqual([
      "Rule",
      "Rule",
    ]);

    // One arm fewer than the limit is read whole: the innermost `if` is the last arm.
    const fits = parse(rule(chain(MAX_EXPR_DEPTH - 3)), "f.regel");
    expect(fits.diagnostics).toEqual([]);
    let e = (fits.file.declarations[0] as RuleDecl).require!;
    if (e.kind === "Binary") e = e.right;
    let arms = 0;
    while (e.kind === "If") {
      arms++;
      e = e.otherwise;
    }
    expect(arms).toBe(MAX_EXPR_DEPTH - 3);

    // `if` in a `then` branch, in a condition, after `else -`: each is a recursion, at most 64.
    for (const [open, close] of [
      ["if true then ", " else 1"],
      ["if ", " then true else false"],
      ["if true then 1 else - ", ""],
    ]) {
      const deep = rule(`${open.repeat(200)}1${close.repeat(200)}`);
      const { file, diagnostics } = parse(deep, "n.regel");
      let nth65 = -1;
      for (let i = 0; i <= MAX_IF_NESTING; i++)
        nth65 = deep.indexOf("if ", nth65 + 1);
      expect(
        diagnostics.map((d) => [d.code, d.span.start.offset, d.message]),
      ).toEqual([
        [
          "REG126",
          nth65,
          `\`if\` is nested more than ${MAX_IF_NESTING} deep here; split the condition up`,
        ],
      ]);
      // The declaration is skipped, as for too many parentheses; the next one is read.
      expect(file.declarations.map((d) => d.kind)).toEqual(["Rule"]);
    }
    const nested = rule(
      `${"if true then ".repeat(MAX_IF_NESTING)}1${" else 1".repeat(MAX_IF_NESTING)}`,
    );
    expect(parse(nested, "m.regel").diagnostics).toEqual([]);
  });

  it("REG199: an internal failure becomes a diagnostic, not an exception", () => {
    const { file, diagnostics } = parse(
      undefined as unknown as string,
      "x.regel",
    );
    expect(
      diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column]),
    ).toEqual([["REG199", 1, 1]]);
    expect(file.declarations).toEqual([]);
    // ... and the parser still works afterwards.
    expect(parse(`${HEADER}rule r "t"\n`, "y.regel").diagnostics).toEqual([]);
  });
});

describe("messages an analyst understands", () => {
  it("names reserved words used as names", () => {
    const d = first(`${HEADER}entity E\n  field value: text\n`);
    expect(d).toMatchObject({
      code: "REG110",
      message: "expected a name, found `value`",
    });
    expect(d.notes).toEqual([
      "`value` is a reserved word and cannot be used as a name",
    ]);
  });

  it("says what a missing piece is", () => {
    expect(first(`${HEADER}rule r\n  meaning "m"\n`).message).toBe(
      "expected a title in quotes, found `meaning`",
    );
    expect(first(`ruleset a.b@1.0\n`).message).toBe(
      "expected a version like `1.0.0`, found `1.0`",
    );
    expect(first(`${HEADER}entity E\n  field f text\n`).message).toBe(
      "expected `:` (a field is written `field name: type`), found `text`",
    );
    expect(first(`${HEADER}rule r "t"\n  example maybe NP { }\n`).message).toBe(
      "expected `pass` or `fail`, found `maybe`",
    );
    expect(first(`${HEADER}rule r "t"\n  require x is presnt\n`)).toMatchObject(
      {
        message: "expected `present`, `absent` or `valid`, found `presnt`",
        suggestion: "present",
      },
    );
  });

  it("points at the next declaration when a declaration stops short", () => {
    const d = first(`${HEADER}rule r "t"\n  require\nrule s "u"\n`);
    expect(d.code).toBe("REG110");
    expect(d.message).toContain(
      "found `rule` (the start of the next declaration)",
    );
    expect(d.span.start).toMatchObject({ line: 4, column: 10 });
  });

  it("formats with a code frame and the suggestion", () => {
    const source = `${HEADER}\nrule r "t"\n  severity blokking\n`;
    const text = formatDiagnostic(first(source), source);
    expect(text).toContain(
      "m.regel:5:12: error REG110: expected a severity: `blocking` or `signalling`, found `blokking`",
    );
    expect(text).toContain("^^^^^^^^");
    expect(text).toContain("help: did you mean `blocking`?");
  });
});

describe("recovery", () => {
  it("reports three separate errors once each and keeps every declaration", () => {
    const source = `${HEADER}
rule r1 "t"
  severity blokking
  implements br art 1
  for NP
  require x is present

entity E "e"
  field f: text
  field value: text
  field g: integer

rule r2 "t"
  for NP
  require x >
  message "m"

codelist c
  value "A"
`;
    const { file, diagnostics } = parse(source, "r.regel");
    expect(
      diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column]),
    ).toEqual([
      ["REG110", 5, 12],
      ["REG110", 12, 9],
      ["REG110", 18, 3], // `require x >` is cut short by `message`
    ]);
    expect(file.declarations.map((d) => d.kind)).toEqual([
      "Rule",
      "Entity",
      "Rule",
      "CodeList",
    ]);
    const [r1, entity, r2, codes] = file.declarations;
    // What follows an error inside a declaration survives too.
    expect(r1).toMatchObject({
      code: { name: "r1" },
      severity: undefined,
      target: { kind: "RecordTarget" },
    });
    expect((r1 as RuleDecl).implementsRefs.map((r) => r.locator)).toEqual([
      "art 1",
    ]);
    // The field named with a reserved word is kept, with an empty name (recovery inserted one).
    expect(
      entity.kind === "Entity" &&
        entity.fields.map((f) => [f.name.name, f.type.name]),
    ).toEqual([
      ["f", "text"],
      ["", "text"],
      ["g", "integer"],
    ]);
    expect(r2).toMatchObject({ code: { name: "r2" }, message: "m" });
    expect(codes).toMatchObject({
      name: { name: "c" },
      values: [{ code: "A" }],
    });
  });

  it("goes on with the same declaration after text that is no clause", () => {
    const source = `${HEADER}
rule r "t"
  serverity blocking
  applies to D V
  implements br art 1
  for NP
  require x is presnt
  example pass NP { a: 1 } extra
  message "m"

entity E
  field a: text requird
  field b: intger
`;
    const { file, diagnostics } = parse(source, "c.regel");
    expect(
      diagnostics.map((d) => [
        d.code,
        d.span.start.line,
        d.span.start.column,
        d.suggestion,
      ]),
    ).toEqual([
      ["REG116", 5, 3, "severity"],
      ["REG116", 6, 16, undefined],
      ["REG110", 9, 16, "present"],
      ["REG116", 10, 28, undefined],
      ["REG123", 11, 3, undefined],
      ["REG116", 14, 17, "required"],
      ["REG118", 15, 12, "integer"],
    ]);
    const [rule, entity] = file.declarations;
    expect(rule).toMatchObject({
      roles: ["D"],
      target: { entity: { name: "NP" } },
      message: "m",
      examples: [{ expect: "pass" }],
    });
    expect((rule as RuleDecl).implementsRefs).toHaveLength(1);
    expect(rule.span.end.line).toBe(11);
    expect(
      entity.kind === "Entity" && entity.fields.map((f) => f.name.name),
    ).toEqual(["a", "b"]);
  });

  it("asks whether a comma is missing in a list", () => {
    const d = first(`${HEADER}rule r "t"\n  applies to D V\n`);
    expect(d).toMatchObject({
      code: "REG116",
      span: { start: { line: 4, column: 16 } },
    });
    expect(d.notes).toEqual([
      "is a `,` missing before it? List items are separated by commas",
    ]);
    expect(
      first(`${HEADER}entity E\n  field a: text requird\n`).notes,
    ).toBeUndefined();
  });

  it("does not echo an error as REG116 on the token right after it", () => {
    const { diagnostics } = parse(`${HEADER}remove rul x\n`, "x.regel");
    expect(diagnostics.map((d) => [d.code, d.suggestion])).toEqual([
      ["REG110", "rule"],
    ]);
  });

  it("keeps a declaration whose name is missing, with an empty name", () => {
    const { file, diagnostics } = parse(
      `${HEADER}rule "t"\n  for NP\n`,
      "e.regel",
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["REG110"]);
    expect(file.declarations[0]).toMatchObject({
      kind: "Rule",
      code: { name: "" },
      title: "t",
      target: { kind: "RecordTarget" },
    });
  });

  it("keeps a broken header as the header", () => {
    const { file, diagnostics } = parse(
      `ruleset a.b@1.0\n  source br "B"\nrule r "t"\n`,
      "h.regel",
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["REG110"]);
    expect(file.header).toBeDefined();
    expect(file.declarations.map((d) => d.kind)).toEqual(["Rule"]);
  });

  it("reports an unknown character and still parses around it", () => {
    const { file, diagnostics } = parse(
      `${HEADER}rule r "t" ; for NP\n  require x = 1 ; \n`,
      "u.regel",
    );
    expect(diagnostics.map((d) => [d.code, d.span.start.column])).toEqual([
      ["REG101", 12],
      ["REG101", 17],
    ]);
    expect(file.declarations[0]).toMatchObject({
      kind: "Rule",
      target: { entity: { name: "NP" } },
      require: { kind: "Binary" },
    });
  });
});
