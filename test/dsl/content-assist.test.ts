/**
 * The keywords valid at a place in a `.regel` text (dsl/content-assist.ts), from the parser's own
 * grammar: what `regel lsp` completes.
 */
import { describe, expect, it } from "vitest";
import { keywordsAt } from "../../dsl/content-assist.js";

const at = (text: string) =>
  keywordsAt(text.replace("|", ""), text.indexOf("|"));

describe("keywordsAt", () => {
  it("offers the clauses of the declaration the cursor is in, and new declarations at a line start", () => {
    const words = at('ruleset a.b@1.0.0\n\nrule r1 "t"\n  |');
    expect(words).toEqual(
      expect.arrayContaining([
        "severity",
        "when",
        "require",
        "example",
        "rule",
        "entity",
        "codelist",
      ]),
    );
    expect(words).not.toContain("ruleset"); // the file has its header
    expect(words).not.toContain("blocking");
  });

  it("offers only what the grammar accepts after a keyword, also in the word being typed", () => {
    expect(at('ruleset a.b@1.0.0\nrule r1 "t"\n  severity |')).toEqual([
      "blocking",
      "signalling",
    ]);
    expect(at('ruleset a.b@1.0.0\nrule r1 "t"\n  severity blo|')).toEqual([
      "blocking",
      "signalling",
    ]);
    expect(at('ruleset a.b@1.0.0\nrule r1 "t"\n  applies |')).toEqual(["to"]);
  });

  it("offers the header's clauses in the header, and `ruleset` in an empty file", () => {
    expect(at("ruleset a.b@1.0.0\n  |")).toEqual(
      expect.arrayContaining([
        "extends",
        "uses",
        "valid",
        "source",
        "assumption",
      ]),
    );
    expect(at("|")).toContain("ruleset");
  });
});
