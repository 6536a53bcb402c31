/**
 * Rule classes and scope (issue 17 item 3): derived from the code prefix or declared; every rule
 * of the shipped GLO rulesets has both in trace.json, `regel trace`, the report and the catalogue;
 * regel's own checks are `class own`; every GLO code whose prefix's class its assumed meaning does
 * not fit says so in an assumption that starts with "class:".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify, prefixClass } from "../../dsl/rule-class.js";
import { loadProject, loadProjectFromTexts } from "../../dsl/project.js";
import { renderCatalogue } from "../../audit/catalogue.js";
import { traceRule, traceText } from "../../audit/trace-query.js";
import type { RuleTrace } from "../../compiler/contract.js";
import type { Ident } from "../../dsl/ast.js";

const ROOT = join(import.meta.dirname, "../..");
const project = await loadProject([join(ROOT, "rulesets")]);
const glo = project.rulesets.filter((r) => r.name === "ikb.glo");

const id = (name: string) => ({ name }) as Ident;

describe("classify", () => {
  it("takes the class from the prefix, the declared class over it, and the scope from the class", () => {
    expect(classify("dmc0000", {})).toEqual({
      class: "domain",
      classFrom: "prefix",
      scope: "within",
      scopeFrom: "class",
    });
    expect(classify("etc0001", {}).scope).toBe("outside");
    expect(classify("smc0006", {})).toMatchObject({
      class: "specialisation",
      classFrom: "prefix-inferred",
    });
    expect(classify("tmc0002", {}).class).toBe("tuple");
    expect(classify("fil0001", {})).toMatchObject({
      class: "unclassified",
      classFrom: "none",
    });
    expect(classify("fil0001", { classification: id("own") })).toMatchObject({
      class: "own",
      classFrom: "declared",
      scope: "within",
    });
    expect(
      classify("etc0001", {
        scope: { word: id("within"), noun: id("delivery"), span: undefined! },
      }),
    ).toMatchObject({ scope: "within", scopeFrom: "declared" });
    // a word the checker refuses counts as not declared
    expect(classify("dmc0001", { classification: id("domian") }).class).toBe(
      "domain",
    );
    expect(prefixClass("omc12")?.class).toBe("other_model");
    expect(prefixClass("dmc")).toBeUndefined();
  });

  it("a declared class wins over an inferred prefix, with REG234; over a sourced one REG233 refuses it", () => {
    const text = (code: string, cls: string) => `ruleset t.c@1.0.0
  valid from 2023-01-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key id
  field id: text(10) required

rule ${code} "T"
  assumption "a test rule."
  severity signalling
  class ${cls}
  implements br art 2
  for NP
  require id is present
  example fail NP { id: "" }
  example pass NP { id: "1" }
`;
    const codes = (code: string, cls: string) =>
      loadProjectFromTexts(
        new Map([["t.regel", text(code, cls)]]),
      ).diagnostics.map((d) => `${d.code} ${d.severity}`);
    expect(codes("tmc0001", "other_model")).toEqual(["REG234 warning"]);
    expect(codes("omc0001", "tuple")).toEqual(["REG233 error"]);
    expect(codes("omc0001", "other_model")).toEqual([]);
    expect(codes("abc0001", "tuple")).toEqual([]);
    expect(codes("fil0001", "own")).toEqual([]);
    expect(codes("dmc0001", "own")).toEqual(["REG233 error"]);
  });
});

describe("the shipped GLO rulesets", () => {
  it("check without REG233-REG236", () => {
    expect(
      project.diagnostics
        .filter((d) => /^REG23[3-6]$/.test(d.code))
        .map((d) => `${d.span.file}:${d.span.start.line} ${d.code}`),
    ).toEqual([]);
  });

  it("give every rule of trace.json a class and a scope; regel's own checks are `own`; none is unclassified", () => {
    for (const v of ["1.2.0", "1.3.0"]) {
      const trace = JSON.parse(
        readFileSync(
          join(ROOT, `rulesets/compiled/ikb.glo@${v}/trace.json`),
          "utf8",
        ),
      ).trace as RuleTrace[];
      expect(trace.length).toBeGreaterThan(30);
      for (const t of trace) {
        expect(t.classification, t.code).toBeDefined();
        const c = t.classification!;
        expect(c.class, t.code).not.toBe("unclassified");
        // only the rules that read the previous delivery (T−1) are checked outside it
        expect(c.scope, t.code).toBe(
          t.previous === true ? "outside" : "within",
        );
        if (/^(fil|val|ctl|idn|cnt|dup)/.test(t.code)) {
          expect(c, t.code).toMatchObject({
            class: "own",
            classFrom: "declared",
          });
        } else {
          expect(c.class, t.code).toBe(prefixClass(t.code)!.class);
        }
      }
      const t1 = trace.filter((t) => t.previous === true);
      expect(t1.map((t) => t.code)).toEqual(
        v === "1.3.0" ? ["etc0005", "etc0006", "etc0007", "etc0008"] : [],
      );
      for (const t of t1)
        expect(t.classification, t.code).toMatchObject({
          class: "entity_type",
          scope: "outside",
          scopeFrom: "class",
          scopeLabel: "Checked with data outside of the data delivery",
        });
      const etc = trace.filter(
        (t) => t.code.startsWith("etc") && t.previous !== true,
      );
      expect(etc.length).toBe(4);
      for (const t of etc)
        expect(t.classification, t.code).toMatchObject({
          class: "entity_type",
          label: "entity type constraint",
          scope: "within",
          scopeFrom: "declared",
          scopeLabel: "Checked within the data delivery",
        });
    }
  });

  it("record, on every etc, smc and tmc code, why its assumed meaning stays under its prefix's class", () => {
    const unreviewed: string[] = [];
    for (const r of glo)
      for (const rule of r.rules)
        if (/^(etc|smc|tmc)/.test(rule.code))
          if (!rule.decl.assumptions.some((a) => a.text.startsWith("class: ")))
            unreviewed.push(`${r.id} ${rule.code}`);
    expect(unreviewed).toEqual([]);
  });

  it("show the class and scope in `regel trace` and the catalogue", () => {
    const text = traceText(traceRule(project.rulesets, "etc0001"));
    expect(text).toContain(
      "  class:      entity type constraint (from the code prefix)",
    );
    expect(text).toContain(
      "  scope:      Checked within the data delivery (declared)",
    );
    expect(traceText(traceRule(project.rulesets, "smc0006"))).toContain(
      "specialisation model constraint (from the code prefix; inferred, no public source defines it)",
    );
    const page = renderCatalogue(project.rulesets).find((f) =>
      f.path.endsWith("ikb.glo-1.3.0.md"),
    )!.content;
    expect(page).toContain("| Code | Title | Severity | Class | Scope |");
    expect(page).toContain(
      "- **Class:** regel's own check (no GLO code) (declared)",
    );
  });
});
