/**
 * Article numbers such as `2.2e`, `1.3A`, `3.5a`, `1:75` are one locator token: the parser keeps
 * them as written, `regel fmt` and the prettier plugin print them back unchanged (they were split
 * into `2.2 e` before), and the catalogue shows the locator as the ruleset writes it.
 */
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import type { RuleDecl } from "../../dsl/ast.js";
import { ArticleLocator, tokenize } from "../../dsl/lexer.js";
import { parse } from "../../dsl/parser.js";
import plugin from "../../dsl/prettier-plugin.js";
import { format } from "../../dsl/printer.js";

const RULE = (implementsText: string) => `ruleset a@1.0.0
  source br "Beleidsregel"

rule r "t"
  implements ${implementsText}
`;

describe("article locators", () => {
  it("lexes `2.2e`, `1.3A`, `3.5a`, `1:75`, `7:17a` as one token each; numbers stay numbers", () => {
    const { tokens, diagnostics } = tokenize(
      "2.2e 1.3A 3.5a 1:75 7:17a 2.2 1.2.3 26a 2022: 12",
      "l.regel",
    );
    expect(diagnostics).toEqual([]);
    expect(tokens.map((t) => [t.image, t.tokenType.name])).toEqual([
      ["2.2e", ArticleLocator.name],
      ["1.3A", ArticleLocator.name],
      ["3.5a", ArticleLocator.name],
      ["1:75", ArticleLocator.name],
      ["7:17a", ArticleLocator.name],
      ["2.2", "DecimalLit"],
      ["1.2.3", "VersionLit"],
      ["26a", "ArticleNumber"],
      ["2022", "IntegerLit"],
      [":", "Colon"],
      ["12", "IntegerLit"],
    ]);
  });

  it("keeps the locator as written", () => {
    const { file, diagnostics } = parse(
      RULE("br art 2.2e, br art 1.3A, br art 1:75, br art 3.5a sub f"),
      "p.regel",
    );
    expect(diagnostics).toEqual([]);
    expect(
      (file.declarations[0] as RuleDecl).implementsRefs.map((r) => r.locator),
    ).toEqual(["art 2.2e", "art 1.3A", "art 1:75", "art 3.5a sub f"]);
  });

  it("`regel fmt` and the prettier plugin print them back unchanged", async () => {
    const text = RULE(
      "br art 2.2e, br art 1.3A, br art 1:75, br art 3.5a sub f",
    );
    expect(format(text, "f.regel").text).toBe(text);
    expect(
      await prettier.format(text, { parser: "regel", plugins: [plugin] }),
    ).toBe(text);
  });

  it("a quoted locator that reads back the same is printed bare", () => {
    expect(format(RULE('br "art 2.2e"'), "q.regel").text).toBe(
      RULE("br art 2.2e"),
    );
  });
});

describe("the shipped rulesets", () => {
  it("cite `br art 2.2e` bare, and the catalogue and trace table show it as written", async () => {
    const { readFileSync } = await import("node:fs");
    const root = new URL("../../", import.meta.url);
    const source = readFileSync(
      new URL("rulesets/ikb.glo/1.2.0.regel", root),
      "utf8",
    );
    expect(source).toContain("br art 2.2e");
    expect(source).not.toContain('"art 2.2e"');
    expect(format(source, "glo.regel").text).toBe(source);
    const catalogue = readFileSync(
      new URL("docs/rulesets/ikb.glo-1.2.0.md", root),
      "utf8",
    );
    expect(catalogue).toContain("br art 2.2e");
    const trace = readFileSync(
      new URL("rulesets/compiled/ikb.glo@1.2.0/trace.json", root),
      "utf8",
    );
    expect(trace).toContain('"locator": "art 2.2e"');
  });
});
