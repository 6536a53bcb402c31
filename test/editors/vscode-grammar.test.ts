/**
 * The VS Code extension's TextMate grammar (issue 14 item 2): it tokenizes every shipped ruleset
 * with no text left unmatched, gives sample tokens the scopes a theme colours (keywords, strings,
 * dates, versions, rule codes, article locators, comments, doc comments), and knows every keyword
 * of the lexer.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findRegelFiles } from "../../dsl/project.js";
import { KEYWORDS } from "../../dsl/lexer.js";
import { ROOT } from "../source-folders.js";
import { tokenize, type Token } from "./textmate.js";
import { join, relative } from "node:path";

const innermost = (t: Token) => t.scopes[t.scopes.length - 1];

/** The innermost scope of the token `text` on the first line containing `line`. */
async function scopeOf(
  source: string,
  line: string,
  text: string,
): Promise<string> {
  const n = source.split("\n").findIndex((l) => l.includes(line)) + 1;
  expect(n, `no line with ${line}`).toBeGreaterThan(0);
  const tokens = (await tokenize(source)).filter((t) => t.line === n);
  const token = tokens.find((t) => t.text.trim() === text);
  expect(
    token,
    `no token ${text} in ${tokens.map((t) => t.text).join("|")}`,
  ).toBeDefined();
  return innermost(token!);
}

describe("the TextMate grammar (editors/vscode)", () => {
  it("matches every non-blank piece of every shipped ruleset", async () => {
    const files = await findRegelFiles([join(ROOT, "rulesets")]);
    expect(files.length).toBeGreaterThanOrEqual(5);
    const unmatched: string[] = [];
    for (const file of files) {
      for (const t of await tokenize(readFileSync(file, "utf8"))) {
        if (t.text.trim() === "") continue;
        if (
          t.scopes.length === 1 ||
          t.scopes.some((s) => s.startsWith("invalid"))
        )
          unmatched.push(`${relative(ROOT, file)}:${t.line}: ${t.text}`);
      }
    }
    expect(unmatched).toEqual([]);
  });

  it("gives the sample tokens their scopes", async () => {
    const glo12 = readFileSync(
      join(ROOT, "rulesets", "ikb.glo", "1.2.0.regel"),
      "utf8",
    );
    const glo13 = readFileSync(
      join(ROOT, "rulesets", "ikb.glo", "1.3.0.regel"),
      "utf8",
    );
    const expectations: [string, string, string, string][] = [
      [glo13, "extends ikb.glo@1.2.0", "extends", "keyword.other.regel"],
      [
        glo13,
        "extends ikb.glo@1.2.0",
        "ikb.glo",
        "entity.name.namespace.regel",
      ],
      [
        glo13,
        "extends ikb.glo@1.2.0",
        "1.2.0",
        "constant.numeric.version.regel",
      ],
      [
        glo13,
        "valid from 2023-07-01",
        "2023-07-01",
        "constant.numeric.date.regel",
      ],
      [
        glo13,
        'rule dmc0001 "Ongeldig BSN"',
        "dmc0001",
        "entity.name.function.rule-code.regel",
      ],
      [
        glo13,
        'rule dmc0001 "Ongeldig BSN"',
        "Ongeldig BSN",
        "string.quoted.double.regel",
      ],
      [
        glo13,
        "  result dmc0001",
        "dmc0001",
        "entity.name.function.rule-code.regel",
      ],
      [
        glo12,
        "implements bk bijlage 3, bk bijlage 4 control 3.6",
        "bk",
        "variable.other.constant.source.regel",
      ],
      [
        glo12,
        "implements bk bijlage 3, bk bijlage 4 control 3.6",
        "bijlage 4 control 3.6",
        "constant.other.article.regel",
      ],
      [
        glo12,
        "/// Bijlage 3 (1.2.0)",
        "Bijlage 3 (1.2.0): \"Betrouwbaarheid IKB = 'niet gegarandeerd'\"; the 1.3.0 table spells the",
        "comment.line.documentation.regel",
      ],
      [
        glo13,
        "// ---------------------------------------------------------------- data model delta",
        "---------------------------------------------------------------- data model delta",
        "comment.line.double-slash.regel",
      ],
      [
        glo13,
        "severity signalling",
        "signalling",
        "constant.language.severity.regel",
      ],
      [glo12, "field date_of_birth: date", "date", "support.type.regel"],
      [
        glo12,
        "field date_of_birth: date",
        "date_of_birth",
        "variable.other.field.regel",
      ],
      [glo12, "entity NP ", "NP", "entity.name.type.regel"],
    ];
    for (const [source, line, text, scope] of expectations)
      expect(await scopeOf(source, line, text), `${text} in ${line}`).toBe(
        scope,
      );
    // an article list continued on the next line after a comma
    const wrapped = await tokenize(
      'rule x "t"\n  implements bk bijlage 3,\n    br art 2.2e\n  severity blocking\n',
    );
    expect(innermost(wrapped.find((t) => t.text === "art 2.2e")!)).toBe(
      "constant.other.article.regel",
    );
    expect(innermost(wrapped.find((t) => t.text === "severity")!)).toBe(
      "keyword.other.regel",
    );
    // an escaped quote stays inside its string
    const escaped = await tokenize('assumption "a \\"b\\" c" // note\n');
    expect(escaped.map((t) => innermost(t))).toContain(
      "constant.character.escape.regel",
    );
    expect(innermost(escaped.find((t) => t.text === " note")!)).toBe(
      "comment.line.double-slash.regel",
    );
  });

  it("knows every keyword of the lexer (dsl/lexer.ts KEYWORDS)", async () => {
    const notKeywords: string[] = [];
    for (const word of new Set(KEYWORDS)) {
      const [t] = await tokenize(`${word}\n`);
      if (!/^(keyword|constant\.language)\./.test(innermost(t)))
        notKeywords.push(`${word}: ${innermost(t)}`);
    }
    expect(
      notKeywords,
      "add these to the keyword patterns of regel.tmLanguage.json",
    ).toEqual([]);
  });
});
