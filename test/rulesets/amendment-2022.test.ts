/**
 * The third amendment round of the Beleidsregel IKB (Stcrt. 2022, 33608; issue 17 item 7): it
 * removed "the marking relating to convictions for money laundering" and added "the guarantee that
 * banks will report dormant accounts in the SCV files and mark these accounts accordingly"
 * (dnb.nl, adoption of the third round of amendments; domain-facts §1.2). The round is taken to be
 * in force from 1 July 2023 (assumption of ikb.glo@1.3.0: the Beleidsregel's text in force from
 * 01-07-2023). No version in force after the round may block on the removed marking, or even
 * know it; every such version marks dormant accounts and checks the marking.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../dsl/project.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { printExpr } from "../../dsl/printer.js";

const ROUND = "2023-07-01";
const project = await loadProject(["rulesets"]);
const glo = project.rulesets.filter((r) => r.name === "ikb.glo");
const MONEY_LAUNDERING = /witwas|money[ _-]?launder|anti[ _-]?money|\baml\b/i;

/** Every text of a version that could name a marking: fields, code values, rules, categories. */
function texts(r: ResolvedRuleset): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const e of r.entities.values())
    for (const f of e.fields)
      out.push({
        where: `${e.name}.${f.name}`,
        text: `${f.name} ${f.column} ${f.decl.description ?? ""} ${f.decl.doc.join(" ")}`,
      });
  for (const [name, c] of r.codeLists)
    for (const v of c.values)
      out.push({
        where: `codelist ${name}`,
        text: `${v.code} ${v.description ?? ""}`,
      });
  for (const rule of r.rules)
    out.push({
      where: `rule ${rule.code}`,
      text: [
        rule.decl.title,
        rule.decl.meaning ?? "",
        rule.decl.require && rule.decl.require.kind !== "FileCheck"
          ? printExpr(rule.decl.require)
          : "",
        rule.decl.when ? printExpr(rule.decl.when) : "",
      ].join(" "),
    });
  for (const c of r.categories)
    for (const m of c.decl.markings)
      out.push({
        where: `category ${c.name}`,
        text: `${m.attribute.entity.name}.${m.attribute.field.name} ${m.value.value}`,
      });
  return out;
}

const after = glo.filter(
  (r) => r.validUntil === undefined || r.validUntil > ROUND,
);

describe("the 2022 amendment round", () => {
  it("is reflected from GLO 1.3.0 on: the versions in force after 1 July 2023", () => {
    expect(after.map((r) => r.id)).toEqual(["ikb.glo@1.3.0"]);
    expect(glo.find((r) => r.version === "1.2.0")!.validUntil).toBe(ROUND);
    expect(
      glo
        .find((r) => r.version === "1.3.0")!
        .assumptions.some((a) => a.text.includes("Stcrt. 2022, 33608")),
    ).toBe(true);
  });

  it("leaves no money-laundering marking in a version in force after the round, let alone a blocking one", () => {
    for (const r of after) {
      expect(
        texts(r)
          .filter((t) => MONEY_LAUNDERING.test(t.text))
          .map((t) => `${r.id} ${t.where}`),
      ).toEqual([]);
      // what blocks: blocking rules and the markings of the categories
      const blocking = r.rules.filter((x) => x.decl.severity === "blocking");
      for (const b of blocking)
        expect(`${b.code} ${b.decl.title} ${b.decl.meaning}`).not.toMatch(
          MONEY_LAUNDERING,
        );
    }
    // the test finds such a marking where there is one
    expect(MONEY_LAUNDERING.test("veroordeling wegens witwassen")).toBe(true);
    expect(MONEY_LAUNDERING.test("money_laundering_conviction")).toBe(true);
  });

  it("marks dormant deposits and checks the marking in every version in force after the round", () => {
    for (const r of after) {
      const ba = r.entities.get("BA")!;
      expect(ba.fields.map((f) => f.name)).toEqual(
        expect.arrayContaining(["dormant", "last_transaction_date"]),
      );
      const tmc0005 = r.rules.find((x) => x.code === "tmc0005")!;
      expect(printExpr(tmc0005.decl.when!)).toContain("dormant = true");
      expect(
        r.categories.some((c) =>
          c.decl.results.some((res) => res.code.name === "tmc0005"),
        ),
      ).toBe(true);
    }
  });
});
