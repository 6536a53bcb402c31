/**
 * The product categories of the Handboek Gegevenslevering DGS 3.2 (issue 17 item 6): the code list
 * `product_category` holds exactly the REK-* codes the Handboek gives, and the field that describes
 * the category of a deposit (BA.deposit_category, Bijlage 4 control 3.8 f) uses it in every GLO
 * version, so a value outside the list is a val0001 finding; the generator writes only those codes.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../dsl/project.js";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

const project = await loadProject(["rulesets"]);
const glo = project.rulesets.filter((r) => r.name === "ikb.glo");

const HANDBOEK = [
  "REK-BETAAL",
  "REK-SPAAR",
  "REK-TERMIJNDEP",
  "REK-BELEG",
  "REK-WONING",
  "REK-FISCAAL",
  "REK-CREDITCARD",
  "REK-BOUW",
];

describe("the REK-* product categories", () => {
  it("are one code list, cited to the Handboek, used by BA.deposit_category in every version", () => {
    expect(glo.length).toBe(2);
    for (const r of glo) {
      const list = r.codeLists.get("product_category")!;
      expect(list.values.map((v) => v.code)).toEqual(HANDBOEK);
      expect(list.implementsRefs.map((a) => a.source.name)).toContain("hb");
      const field = r.entities
        .get("BA")!
        .fields.find((f) => f.name === "deposit_category")!;
      expect(field.decl.type).toMatchObject({
        name: "code",
        codeList: { name: "product_category" },
      });
      expect(field.decl.assumptions.length).toBe(1);
    }
  });

  it("are the only categories of the example delivery", () => {
    const rows = parse(readFileSync("examples/ikb-delivery/bank_account.csv"), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(300);
    const used = new Set(rows.map((r) => r.deposit_category));
    used.delete("");
    expect([...used].every((c) => HANDBOEK.includes(c))).toBe(true);
    expect(used.has("REK-SPAAR")).toBe(true);
  });
});
