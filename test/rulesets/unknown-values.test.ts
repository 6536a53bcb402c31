/**
 * "Unknown" and "Non-applicable" in ikb.glo (issue 17 item 2; docs/data-model.md): every attribute
 * the version's dmc0000 checks declares both texts, no key or reference field does, and every
 * Bijlage 3 category says — as an assumption, with its reason — how a value reported as unknown
 * counts for it.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../dsl/project.js";

const project = await loadProject(["rulesets"]);
const glo = project.rulesets.filter((r) => r.name === "ikb.glo");

describe.each(glo.map((r) => [r.id, r] as const))("%s", (_, r) => {
  it("declares Unknown and Non-applicable on every attribute dmc0000 checks, and on no identifier", () => {
    const dmc = r.rules.find((x) => x.code === "dmc0000")!;
    const target = dmc.decl.target!;
    expect(target.kind).toBe("AttributeTarget");
    const listed =
      target.kind === "AttributeTarget"
        ? target.attributes.map((a) => `${a.entity.name}.${a.field.name}`)
        : [];
    expect(listed.length).toBeGreaterThan(10);
    for (const e of r.entities.values())
      for (const f of e.fields) {
        const texts = (f.decl.unknownValues ?? []).map((u) => u.value);
        const name = `${e.name}.${f.name}`;
        if (listed.includes(name))
          expect(texts, name).toEqual(["Unknown", "Non-applicable"]);
        if (
          e.key.includes(f.name) ||
          f.decl.type.name === "ref" ||
          f.decl.type.name === "code"
        )
          expect(texts, name).toEqual([]);
      }
  });

  it("says for every category how a value reported as unknown counts", () => {
    expect(r.categories.length).toBe(5);
    for (const c of r.categories)
      expect(
        c.decl.assumptions.some((a) => a.text.startsWith("unknown values:")),
        c.name,
      ).toBe(true);
  });
});
