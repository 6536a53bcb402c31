/**
 * The clause keywords of each declaration live in four tables: where the parser resumes after an
 * error (CLAUSE_STARTS), what error messages offer (CLAUSES_OF), where the printer places comments
 * (CLAUSE_KEYWORDS) and the canonical order (CLAUSE_ORDER). Adding a clause — `assumption`, or a
 * rule class later — means adding it to each; this test names the table that was forgotten.
 */
import { describe, expect, it } from "vitest";
import { KW } from "../../dsl/lexer.js";
import { CLAUSE_ORDER, CLAUSE_STARTS } from "../../dsl/parser-grammar.js";
import { CLAUSES_OF } from "../../dsl/parser-messages.js";
import { CLAUSE_KEYWORDS } from "../../dsl/printer.js";

/** Declaration kinds as each table names them: [CLAUSE_STARTS, CLAUSES_OF, CLAUSE_KEYWORDS]. */
const KINDS: [keyof typeof CLAUSE_STARTS, string, string][] = [
  ["RulesetHeader", "ruleset", "header"],
  ["CodeList", "codelist", "CodeList"],
  ["Entity", "entity", "Entity"],
  ["ExtendEntity", "extend", "ExtendEntity"],
  ["Ikb", "ikb", "Ikb"],
  ["Rule", "rule", "Rule"],
  ["Category", "category", "Category"],
  ["Payout", "payout", "Payout"],
  ["Metric", "metric", "Metric"],
  ["Norm", "norm", "Norm"],
  ["Measure", "measure", "Measure"],
  ["Calendar", "calendar", "Calendar"],
];

const wordOf = new Map(Object.entries(KW).map(([w, t]) => [t, w]));

describe("the clause tables agree", () => {
  for (const [parserKind, messageKind, printerKind] of KINDS) {
    it(`${parserKind}`, () => {
      const starts = (CLAUSE_STARTS[parserKind] ?? []).map((t) =>
        wordOf.get(t),
      );
      const offered = (CLAUSES_OF[messageKind] ?? []).map(
        (c) => c.split(" ")[0],
      );
      expect(new Set(offered), "CLAUSES_OF (parser-messages.ts)").toEqual(
        new Set(starts),
      );
      const printed = new Set(CLAUSE_KEYWORDS[printerKind] ?? []);
      for (const w of starts)
        expect(printed.has(w!), `CLAUSE_KEYWORDS (printer.ts) lacks ${w}`).toBe(
          true,
        );
    });
  }

  it("every clause with a canonical order is one the parser resumes at", () => {
    const kinds: Record<string, keyof typeof CLAUSE_STARTS> = {
      ruleset: "RulesetHeader",
      rule: "Rule",
    };
    for (const [kind, order] of Object.entries(CLAUSE_ORDER)) {
      const starts = (CLAUSE_STARTS[kinds[kind]] ?? []).map((t) =>
        wordOf.get(t),
      );
      for (const c of order) expect(starts, `${kind} ${c}`).toContain(c);
    }
  });

  it("`assumption` is a clause of every declaration that names a thing", () => {
    for (const [parserKind] of KINDS.filter(([k]) => k !== "ExtendEntity"))
      expect(CLAUSE_STARTS[parserKind], parserKind).toContain(KW.assumption);
  });
});
