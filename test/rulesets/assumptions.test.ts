/**
 * Assumptions in the shipped rulesets: every rule's meaning is either given by a cited article
 * (`meaning "..." from ...`) or marked with an `assumption`; every GLO validation code is marked
 * (the GLO's texts of the codes are not public); no assumption is left in a comment.
 */
import { describe, expect, it } from "vitest";
import { tokenize } from "../../dsl/lexer.js";
import { loadProject } from "../../dsl/project.js";

const project = await loadProject(["rulesets"]);
const rules = project.rulesets.flatMap((r) =>
  r.rules.map((rule) => ({ ruleset: r.id, rule })),
);

/** The GLO's own validation codes (regel's own checks are fil, val). */
const GLO_CODE = /^(dmc|omc|smc|tmc|etc)\d{4}$/;

describe("assumptions in the shipped rulesets", () => {
  it("check without REG228 or REG229", () => {
    expect(
      project.diagnostics
        .filter((d) => d.code === "REG228" || d.code === "REG229")
        .map(
          (d) => `${d.span.file}:${d.span.start.line} ${d.code} ${d.message}`,
        ),
    ).toEqual([]);
  });

  it("give every rule's meaning a cited source or an assumption", () => {
    expect(rules.length).toBeGreaterThan(50);
    const unmarked = rules.filter(
      ({ rule }) =>
        rule.meaningFrom.length === 0 && rule.decl.assumptions.length === 0,
    );
    expect(
      unmarked.map(({ ruleset, rule }) => `${ruleset} ${rule.code}`),
    ).toEqual([]);
  });

  it("mark the meaning of every GLO validation code as an assumption: the GLO is not public", () => {
    const glo = rules.filter(({ rule }) => GLO_CODE.test(rule.code));
    expect(glo.length).toBeGreaterThan(40);
    expect(
      glo
        .filter(({ rule }) => rule.decl.assumptions.length === 0)
        .map(({ ruleset, rule }) => `${ruleset} ${rule.code}`),
    ).toEqual([]);
    // Each names the code whose meaning it assumes, or the family of codes it reads.
    for (const { rule } of glo)
      expect(rule.decl.assumptions[0].text).toMatch(
        new RegExp(
          `^(${rule.code} = |${rule.code.slice(0, 3)} codes are taken)`,
        ),
      );
  });

  it("keep no assumption in a comment: each is a clause", () => {
    const left: string[] = [];
    for (const [file, text] of project.texts)
      for (const c of tokenize(text, file).comments)
        if (/assumption/i.test(c.text) && !/`assumption`/.test(c.text))
          left.push(`${file}:${c.span.start.line} ${c.text}`);
    expect(left).toEqual([]);
  });
});
