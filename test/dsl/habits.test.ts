/**
 * Habits from other languages (REG143–REG148): each is one diagnostic with the regel spelling as
 * the suggestion, and the rest of the ruleset is checked as if written the regel way, so a clean
 * ruleset with one habit has exactly one diagnostic.
 */
import { describe, expect, it } from "vitest";
import type { RuleDecl } from "../../dsl/ast.js";
import { parse } from "../../dsl/parser.js";
import { BASE, brief, load, npRule, posOf } from "./checker-helpers.js";

/** A rule on BA (an assumption) with the given condition; the examples fit `balance > 0.5`. */
const baRule = (require: string) => `
rule dmc0200 "Saldo"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for BA
  require ${require}
  example fail BA { account_id: "1", balance: 0.25 }
  example pass BA { account_id: "2", balance: 1000.75 }
`;

interface HabitCase {
  title: string;
  text: string;
  code: string;
  /** Where the diagnostic starts. */
  marker: string;
  suggestion: string;
}

const cases: HabitCase[] = [
  {
    title: "decimal comma",
    text: baRule("balance > 0,5"),
    code: "REG143",
    marker: "0,5",
    suggestion: "0.5",
  },
  {
    title: "decimal comma with a point between thousands",
    text: baRule("balance < 1.000,50"),
    code: "REG143",
    marker: "1.000,50",
    suggestion: "1000.50",
  },
  {
    title: "decimal comma in an example record",
    text: baRule("balance > 0.5").replace("balance: 0.25", "balance: 0,25"),
    code: "REG143",
    marker: "0,25",
    suggestion: "0.25",
  },
  {
    title: "==",
    text: npRule('require customer_id == "2"'),
    code: "REG144",
    marker: "==",
    suggestion: "=",
  },
  {
    title: "<>",
    text: npRule('require customer_id <> "1"'),
    code: "REG144",
    marker: "<>",
    suggestion: "!=",
  },
  {
    title: "&&",
    text: npRule('require customer_id = "2" && last_name is absent'),
    code: "REG144",
    marker: "&&",
    suggestion: "and",
  },
  {
    title: "||",
    text: npRule('require customer_id = "2" || customer_id = "3"'),
    code: "REG144",
    marker: "||",
    suggestion: "or",
  },
  {
    title: "single quotes",
    text: npRule("require customer_id = '2'"),
    code: "REG145",
    marker: "'2'",
    suggestion: '"2"',
  },
  {
    title: "en",
    text: npRule('require customer_id = "2" en last_name is absent'),
    code: "REG146",
    marker: "en last",
    suggestion: "and",
  },
  {
    title: "of",
    text: npRule('require customer_id = "2" of customer_id = "3"'),
    code: "REG146",
    marker: "of cust",
    suggestion: "or",
  },
  {
    title: "niet before a condition",
    text: npRule('require niet customer_id = "1"'),
    code: "REG146",
    marker: "niet",
    suggestion: "not",
  },
  {
    title: "niet before in",
    text: npRule('require customer_id niet in ("1")'),
    code: "REG146",
    marker: "niet",
    suggestion: "not",
  },
  {
    title: "art.",
    text: npRule('require customer_id = "2"').replace(
      "implements br art 2",
      "implements br art. 2",
    ),
    code: "REG147",
    marker: "art.",
    suggestion: "art",
  },
];

describe("habits from other languages", () => {
  for (const c of cases) {
    it(`${c.code} ${c.title}: one diagnostic, the rest read as meant`, () => {
      const text = BASE + c.text;
      const p = load({ "t.regel": text });
      const { line, column } = posOf(text, c.marker, 0);
      expect(brief(p.diagnostics)).toEqual([
        `${c.code} t.regel:${line}:${column}`,
      ]);
      expect(p.diagnostics[0].severity).toBe("error");
      expect(p.diagnostics[0].suggestion).toBe(c.suggestion);
    });
  }

  it("a text in single quotes keeps its double quotes and escaped single quotes", () => {
    const { file, diagnostics } = parse(
      `ruleset a@1.0.0\nrule r "t"\n  message 'say "hi" and \\'bye\\''\n`,
      "q.regel",
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["REG145"]);
    expect((file.declarations[0] as RuleDecl).message).toBe(
      `say "hi" and 'bye'`,
    );
  });

  it("leaves commas in lists, calls and article locators alone", () => {
    const { diagnostics } = parse(
      `ruleset a@1.0.0\n  source br "B"\nrule r "t"\n  implements br art 1,2\n  require n in (1,5) and min(a,5) > 1\n`,
      "c.regel",
    );
    expect(diagnostics.map((d) => d.code)).not.toContain("REG143");
  });

  it("leaves `en`, `of`, `niet` alone where they are names or locator words", () => {
    const { file, diagnostics } = parse(
      `ruleset a@1.0.0\n  source br "B"\nrule r "t"\n  implements br art 2 en 3\n  require of = "x" and niet is present\n`,
      "n.regel",
    );
    expect(diagnostics).toEqual([]);
    const rule = file.declarations[0] as RuleDecl;
    expect(rule.implementsRefs[0].locator).toBe("art 2 en 3");
  });

  it("suggests `and` / `or` / `not` for the Dutch words where a keyword is expected, not `in`", () => {
    const text = `ruleset a@1.0.0\n  source br "B"\nrule r "t"\n  for NP\n  require a is present en\n`;
    const [d] = parse(text, "s.regel").diagnostics;
    expect(d.code).toBe("REG116");
    expect(d.suggestion).toBe("and");
  });

  it("REG148 points at the foreign keyword, not at the declaration above, and parsing goes on", () => {
    const text = `ruleset a@1.0.0\n  source br "B"\nentity NP\n  field a: text\n\nfunction check(a) {\n  return a\n}\nimport "x"\n\nrule r "t"\n  for NP\n`;
    const { file, diagnostics } = parse(text, "f.regel");
    expect(
      diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column]),
    ).toEqual([
      ["REG148", 6, 1],
      ["REG148", 9, 1],
    ]);
    expect(diagnostics[1].notes?.[0]).toContain("`uses NAME@VERSION`");
    expect(file.declarations.map((d) => d.kind)).toEqual(["Entity", "Rule"]);
  });

  it("a foreign keyword at column 1 inside a dotted name is still a name (a comment before it)", () => {
    const entities = `ruleset a@1.0.0\nentity A\n  field fn: text\nentity B\n  field a: ref A.`;
    const inName = parse(`${entities} // the field\nfn\n`, "d.regel");
    expect(inName.diagnostics).toEqual([]);
    expect(inName.file.declarations.map((d) => d.kind)).toEqual([
      "Entity",
      "Entity",
    ]);
    // the same word after a complete declaration starts one of its own
    const after = parse(`${entities}fn\nfn\n`, "e.regel");
    expect(after.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["REG148", 6],
    ]);
  });

  it("an indented `type` or a `type` inside a condition is still a name", () => {
    const { diagnostics } = parse(
      `ruleset a@1.0.0\nrule r "t"\n  require a and\n  type is present\n`,
      "i.regel",
    );
    expect(diagnostics).toEqual([]);
  });
});
