/**
 * The Bijlage 4 coverage matrix (audit/bijlage4-coverage.ts) is data checked against the shipped
 * GLO rulesets, so the catalogue's page cannot state a coverage the rulesets do not have: the 44
 * items of controls 3.5-3.9 (seed 001, L2583-2673), their fields in the data model, the rules of
 * each version that check them and what each rule reads, and the catalogue page rendered from it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  attributesRead,
  BIJLAGE4_ITEMS,
  COVERAGE_VERSIONS,
  coverageCounts,
} from "../../audit/bijlage4-coverage.js";
import { renderCatalogue } from "../../audit/catalogue.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { findRuleset, loadProject } from "../../dsl/project.js";

let rulesets: Map<string, ResolvedRuleset>;
let all: ResolvedRuleset[];
beforeAll(async () => {
  const project = await loadProject(["rulesets"]);
  all = project.rulesets;
  rulesets = new Map(
    COVERAGE_VERSIONS.map((v) => [v, findRuleset(project, v)!]),
  );
});

const fieldsOf = (r: ResolvedRuleset) =>
  new Set(
    [...r.entities.values()].flatMap((e) =>
      e.fields.map((f) => `${e.name}.${f.name}`),
    ),
  );

describe("the Bijlage 4 coverage table", () => {
  it("has the 44 items of controls 3.5-3.9, numbered as the source numbers them", () => {
    expect(BIJLAGE4_ITEMS).toHaveLength(44);
    const ids = (c: string) =>
      BIJLAGE4_ITEMS.filter((i) => i.control === c).map((i) => i.item);
    expect(ids("3.5")).toEqual(["1", "2", "3", "4", "slot"]);
    expect(ids("3.6")).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(ids("3.7")).toEqual(["a", "b", "c", "d", "e", "slot"]);
    expect(ids("3.8")).toEqual([..."abcdefghijklmno"]);
    expect(ids("3.9")).toEqual([..."abcdefghijkl"]);
  });

  it.each(COVERAGE_VERSIONS)(
    "%s: every field exists, and every rule named exists and reads a field of its item",
    (version) => {
      const r = rulesets.get(version)!;
      const fields = fieldsOf(r);
      const rules = new Map(r.rules.map((x) => [x.code, x]));
      for (const item of BIJLAGE4_ITEMS) {
        const where = `${version} control ${item.control} ${item.item}`;
        for (const f of item.fields)
          expect(fields.has(f), `${where}: ${f}`).toBe(true);
        const c = item.coverage[version];
        for (const code of c.rules) {
          const rule = rules.get(code);
          expect(rule, `${where}: rule ${code}`).toBeDefined();
          const read = attributesRead(rule!, r);
          expect(
            item.fields.some((f) => read.has(f)),
            `${where}: ${code} reads ${[...read].join(", ")}`,
          ).toBe(true);
          // the reason names every rule it counts on
          expect(c.reason, `${where}: reason names ${code}`).toContain(code);
        }
        expect(c.rules.length === 0, `${where}: not checked <=> no rule`).toBe(
          c.status === "not checked",
        );
        expect(c.reason.length, where).toBeGreaterThan(20);
      }
    },
  );

  it.each(COVERAGE_VERSIONS)(
    "%s: every rule that checks a field of an item (its target attributes) is named by an item listing that field",
    (version) => {
      const r = rulesets.get(version)!;
      const listed = new Map<string, Set<string>>();
      for (const item of BIJLAGE4_ITEMS)
        for (const f of item.fields)
          for (const code of item.coverage[version].rules) {
            const set = listed.get(f) ?? new Set();
            set.add(code);
            listed.set(f, set);
          }
      const missing: string[] = [];
      for (const rule of r.rules) {
        const t = rule.decl.target;
        if (t?.kind !== "AttributeTarget") continue;
        for (const a of t.attributes) {
          const f = `${a.entity.name}.${a.field.name}`;
          const entity = r.entities.get(a.entity.name);
          // E.* is the type check of every field; a key field carries a record check (smc0006)
          if (a.field.name === "*" || entity?.key.includes(a.field.name))
            continue;
          if (listed.has(f) && !listed.get(f)!.has(rule.code))
            missing.push(`${rule.code} checks ${f}`);
        }
      }
      expect(missing).toEqual([]);
    },
  );

  it("counts per version: what is covered, partly covered and not checked", () => {
    expect(coverageCounts("ikb.glo@1.2.0")).toEqual({
      covered: 22,
      partial: 8,
      "not checked": 14,
    });
    expect(coverageCounts("ikb.glo@1.3.0")).toEqual({
      covered: 23,
      partial: 9,
      "not checked": 12,
    });
  });
});

describe("the catalogue's coverage page", () => {
  it("is generated from the table: every item, its fields, rules and status per version, with the reason", () => {
    const files = new Map(renderCatalogue(all).map((f) => [f.path, f.content]));
    const page = files.get("bijlage4-coverage.md")!;
    expect(page).toBeDefined();
    expect(files.get("README.md")).toContain("(bijlage4-coverage.md)");
    expect(page).toContain("| ikb.glo@1.2.0 | 22 | 8 | 14 |");
    expect(page).toContain("| ikb.glo@1.3.0 | 23 | 9 | 12 |");
    // one row per item
    const rows = page.split("\n").filter((l) => /^\| 3\.[5-9] \| /.test(l));
    expect(rows).toHaveLength(44);
    // 3.5 item 1 in both versions: the last name by ctl0001 in 1.2.0, by dmc0000 in 1.3.0
    const row = rows.find((l) => l.startsWith("| 3.5 | 1 |"))!;
    expect(row).toContain("`NP.last_name`");
    expect(row).toMatch(/\[ctl0001\]\(ikb\.glo-1\.2\.0\.md#rule-ctl0001\)/);
    expect(row).toMatch(/\[dmc0002\]\(ikb\.glo-1\.3\.0\.md#rule-dmc0002\)/);
    const dormant = rows.find((l) => l.startsWith("| 3.9 | l |"))!;
    expect(dormant).toContain("not checked");
    expect(dormant).toContain("partial");
    expect(dormant).toContain("wijzigingsronde 2022");
  });

  it("is left out when no GLO version is catalogued", async () => {
    const project = await loadProject(["rulesets/nl.werkdagen"]);
    const paths = renderCatalogue(project.rulesets).map((f) => f.path);
    expect(paths).not.toContain("bijlage4-coverage.md");
  });
});
