/**
 * Assumptions in the shipped rulesets: every rule's meaning is either given by a cited article
 * (`meaning "..." from ...`) or marked with an `assumption`; every GLO validation code is marked
 * (the GLO's texts of the codes are not public); a sourced meaning cites a document the project
 * has (the Beoordelingskader, the Besluit); what the sources never say — which errors block, what
 * a norm is after the groeipad, where a source lives on the web, what "werkdagen" are — is marked;
 * no assumption is left in a comment; and the catalogue lists every one of them per ruleset.
 */
import { describe, expect, it } from "vitest";
import { assumptionsOf } from "../../compiler/assumptions.js";
import { mdText, renderCatalogue } from "../../audit/catalogue.js";
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

  it("take a sourced meaning only from a source document the project holds (bk: seed 001, bvb: seed 002)", () => {
    const elsewhere = rules.flatMap(({ ruleset, rule }) =>
      rule.meaningFrom
        .filter((a) => !["bk", "bvb"].includes(a.sourceAlias))
        .map(
          (a) => `${ruleset} ${rule.code} from ${a.sourceAlias} ${a.locator}`,
        ),
    );
    expect(elsewhere).toEqual([]);
  });

  it("mark regel's own checks as its own, and every blocking severity as an assumption (no source says what blocks)", () => {
    for (const { ruleset, rule } of rules) {
      if (/^(fil|val|ctl)\d{4}$/.test(rule.code))
        expect(rule.decl.meaning, `${ruleset} ${rule.code}`).toMatch(
          /^regel's own check: /,
        );
      if (rule.decl.severity === "blocking")
        expect(
          rule.decl.assumptions.some((a) => /\bblock/.test(a.text)),
          `${ruleset} ${rule.code} is blocking`,
        ).toBe(true);
    }
  });

  it("mark every source url, which the source documents do not give, as unchecked", () => {
    for (const r of project.rulesets)
      for (const source of r.sources)
        if (source.url !== undefined)
          expect(
            r.assumptions.some((a) =>
              a.text.startsWith(`the url of ${source.alias.name} `),
            ),
            `${r.id} source ${source.alias.name}`,
          ).toBe(true);
  });

  it("mark a norm period beyond the groeipad (from 2024), and the meaning of working days", () => {
    for (const r of project.rulesets)
      for (const n of r.norms)
        if (n.periods.some((p) => (p.from?.text ?? "") >= "2024-01-01"))
          expect(
            n.assumptions.length,
            `${r.id} norm ${n.name.name}`,
          ).toBeGreaterThan(0);
    const nl = project.rulesets
      .find((r) => r.id === "nl.werkdagen@1.0.0")!
      .calendars.find((c) => c.name.name === "nl_werkdagen")!;
    expect(nl.assumptions[0].text).toMatch(
      /^the sources never say what a working day is/,
    );
  });

  it("are listed, every one, on the catalogue page of their ruleset", () => {
    const pages = new Map(
      renderCatalogue(project.rulesets).map((f) => [f.path, f.content]),
    );
    for (const r of project.rulesets) {
      const page = pages.get(`${r.name}-${r.version}.md`)!;
      const all = assumptionsOf(r);
      expect(page, r.id).toContain(`## Assumptions (${all.length})`);
      for (const a of all)
        expect(page, `${r.id}: ${a.assumption.text}`).toContain(
          mdText(a.assumption.text),
        );
    }
  });

  it("are counted per kind in plurals spelt right: categories, not categorys (outside re-try)", () => {
    const summaries = renderCatalogue(project.rulesets)
      .map((f) => f.content.split("\n"))
      .flatMap((lines) =>
        lines.filter((l) => l.startsWith("Where the sources are silent")),
      );
    expect(summaries.length).toBeGreaterThan(0);
    expect(
      summaries.filter((l) => /\d+ on [^,.]*[^aeiou]ys\b/.test(l)),
    ).toEqual([]);
    expect(summaries.some((l) => /\d+ on categories/.test(l))).toBe(true);
  });

  it("cite only the articles of the Beleidsregel that the Beoordelingskader names", () => {
    // The Beleidsregel's own text is not among the sources; the Beoordelingskader names these
    // articles (Bijlage 4, column "Link artikel beleidsregel"; art 13 in the groeipad's text).
    const named = new Set([
      "2.2",
      "2.2e",
      "2.2f",
      "2.3",
      "2.4",
      "2.5",
      "2.6",
      "5.1",
      "5.2",
      "5.3",
      "6.1",
      "6.2",
      "6.3",
      "6.4",
      "13",
    ]);
    const cited = project.rulesets.flatMap((r) =>
      [
        ...(project.texts.get(r.file) ?? "").matchAll(
          /\bbr art ([0-9][0-9a-z.]*)/g,
        ),
      ].map((m) => ({
        at: `${r.id} ${m[1]}`,
        article: m[1].replace(/\.$/, ""),
      })),
    );
    expect(cited.length).toBeGreaterThan(30);
    expect(cited.filter((c) => !named.has(c.article)).map((c) => c.at)).toEqual(
      [],
    );
  });
});
