import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  catalogueFileName,
  diffCatalogue,
  mdCode,
  mdCodeBlock,
  mdText,
  naturalCompare,
  renderCatalogue,
  writeCatalogue,
} from "../../audit/catalogue.js";
import {
  hasErrors,
  loadProject,
  loadProjectFromTexts,
} from "../../dsl/project.js";

const OUT = "docs/rulesets";
const project = await loadProject(["rulesets"]);
const files = renderCatalogue(project.rulesets, {
  readText: (f) => project.texts.get(f),
});
const byPath = new Map(files.map((f) => [f.path, f.content]));

describe("the catalogue of the shipped rulesets", () => {
  it("is rendered from rulesets without errors", () => {
    const errors = project.diagnostics.filter((d) => d.severity === "error");
    expect(
      errors.map(
        (d) => `${d.span.file}:${d.span.start.line} ${d.code} ${d.message}`,
      ),
    ).toEqual([]);
    expect(project.rulesets.length).toBeGreaterThan(0);
  });

  it("is current on disk (run `regel catalogue` when this fails)", () => {
    expect(diffCatalogue(files, OUT)).toEqual({
      changed: [],
      missing: [],
      extra: [],
    });
  });

  it("is deterministic", () => {
    const again = renderCatalogue(project.rulesets, {
      readText: (f) => readFileSync(f, "utf8"),
    });
    expect(again).toEqual(files);
  });

  it("has an index, a traceability matrix, the Bijlage 4 coverage matrix and one page per ruleset version", () => {
    const expected = [
      "README.md",
      "traceability.md",
      "bijlage4-coverage.md",
      ...project.rulesets.map(catalogueFileName),
    ].sort();
    expect(files.map((f) => f.path)).toEqual(expected);
    const readme = byPath.get("README.md")!;
    for (const r of project.rulesets)
      expect(readme).toContain(`](${catalogueFileName(r)})`);
  });

  it("lists every rule of every version with its examples as written", () => {
    for (const r of project.rulesets) {
      const page = byPath.get(catalogueFileName(r))!;
      for (const rule of r.rules) {
        expect(page, `${r.id} ${rule.code}`).toContain(
          `<a id="rule-${rule.code.toLowerCase()}"></a>`,
        );
        for (const ex of rule.decl.examples) {
          const text = project.texts
            .get(ex.span.file)!
            .slice(ex.span.start.offset, ex.span.end.offset)
            .trimEnd();
          expect(page, `${r.id} ${rule.code} example`).toContain(text);
        }
      }
    }
  });

  it("lists every category, norm, measure, calendar and entity", () => {
    for (const r of project.rulesets) {
      const page = byPath.get(catalogueFileName(r))!;
      for (const c of r.categories)
        expect(page).toContain(`<a id="category-${c.name.toLowerCase()}"></a>`);
      for (const n of r.norms)
        expect(page).toContain(
          `<a id="norm-${n.name.name.toLowerCase()}"></a>`,
        );
      for (const m of r.measures)
        expect(page).toContain(
          `<a id="measure-${m.name.name.toLowerCase()}"></a>`,
        );
      for (const c of r.calendars)
        expect(page).toContain(
          `<a id="calendar-${c.name.name.toLowerCase()}"></a>`,
        );
      for (const e of r.entities.values())
        expect(page).toContain(`<a id="entity-${e.name.toLowerCase()}"></a>`);
    }
  });

  it("traces every cited article of every rule to the rule and its examples", () => {
    const trace = byPath.get("traceability.md")!;
    for (const r of project.rulesets) {
      for (const rule of r.rules) {
        expect(trace).toContain(
          `](${catalogueFileName(r)}#rule-${rule.code.toLowerCase()})`,
        );
        for (const a of rule.articles)
          expect(trace).toContain(`## ${mdText(a.sourceTitle)}`);
      }
    }
    const vp = project.rulesets.find((r) => r.name === "vp.bankgegevens");
    expect(vp).toBeDefined();
    // bvb art 3 lid 4 -> vpl001 with its examples' file:line.
    const row = trace
      .split("\n")
      .find(
        (l) => l.startsWith("| art 3 lid 4 |") && l.includes("#rule-vpl001"),
      );
    expect(row).toBeDefined();
    expect(row).toMatch(/fail rulesets\/vp\.bankgegevens\/1\.0\.0\.regel:\d+/);
    // Entities are traced from their declarations: bvb art 2 sub a -> NaturalPerson.
    expect(trace).toMatch(
      /\| art 2 sub a \| \[vp\.bankgegevens@1\.0\.0\]\(vp\.bankgegevens-1\.0\.0\.md\) \| entity \| \[NaturalPerson\]/,
    );
  });

  it("shows the enforcement measures with their legal basis and the groeipad norms", () => {
    const handhaving = byPath.get("ikb.handhaving-1.0.0.md")!;
    // the statutory basis, not every article the measure implements
    expect(handhaving).toMatch(
      /bestuurlijke\\_boete.*formal \| punitive \| wft art 1:80 \|/,
    );
    expect(handhaving).toMatch(
      /normoverdragend\\_gesprek.*informal \| — \| none \(bk bijlage 2 says so\) \|/,
    );
    expect(handhaving).toMatch(
      /publicatie.*formal \| — \| not stated in the sources \|/,
    );
    expect(handhaving).not.toContain("bpr art 26a");
    expect(handhaving).toContain("category 1, base amount 10000.00 EUR");
    const groeipad = byPath.get("ikb.groeipad-1.0.0.md")!;
    expect(groeipad).toContain("`automated_controls_pass >= 90 %`");
    expect(groeipad).toContain("`accepted_within <= 3 workdays`");
    // the 2024 aim is in its own column, not among the requirements
    expect(groeipad).toMatch(
      /\| from 2024-01-01 \| .*`automated_controls_pass >= 95 %`.* \| `aim automated_controls_pass >= 100 %` \|/,
    );
    const calendar = byPath.get("nl.werkdagen-1.0.0.md")!;
    expect(calendar).toContain("2025-04-26 Koningsdag");
  });
});

describe("writing and checking", () => {
  it("writes what is missing or changed, removes pages it generated before, leaves other files alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-catalogue-"));
    try {
      expect(diffCatalogue(files, dir).missing).toEqual(
        files.map((f) => f.path),
      );
      writeCatalogue(files, dir);
      expect(diffCatalogue(files, dir)).toEqual({
        changed: [],
        missing: [],
        extra: [],
      });
      writeFileSync(join(dir, "README.md"), "edited by hand\n");
      writeFileSync(join(dir, "old-0.1.0.md"), files[0].content); // a page of a removed ruleset
      writeFileSync(join(dir, "notes.md"), "not generated\n");
      expect(diffCatalogue(files, dir)).toEqual({
        changed: ["README.md"],
        missing: [],
        extra: ["notes.md", "old-0.1.0.md"],
      });
      writeCatalogue(files, dir);
      expect(diffCatalogue(files, dir)).toEqual({
        changed: [],
        missing: [],
        extra: ["notes.md"],
      });
      expect(readdirSync(dir)).toContain("notes.md");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists every assumption of a version with counts, and each on its declaration", () => {
    for (const r of project.rulesets) {
      const page = byPath.get(catalogueFileName(r))!;
      const section = page.split("\n## ")[2];
      const rows = section
        .split("\n")
        .filter(
          (l) =>
            l.startsWith("| ") &&
            !l.startsWith("| On") &&
            !l.startsWith("| ---"),
        );
      const expected =
        r.assumptions.length +
        [...r.codeLists.values()].reduce(
          (n, c) => n + c.assumptions.length,
          0,
        ) +
        [...r.entities.values()].reduce(
          (n, e) =>
            n +
            e.assumptions.length +
            e.fields.reduce((m, f) => m + f.decl.assumptions.length, 0),
          0,
        ) +
        (r.ikb?.assumptions.length ?? 0) +
        r.rules.reduce((n, x) => n + x.decl.assumptions.length, 0) +
        r.categories.reduce((n, x) => n + x.decl.assumptions.length, 0) +
        [
          ...r.payouts,
          ...r.metrics,
          ...r.norms,
          ...r.measures,
          ...r.aggregates,
          ...r.reconciliations,
          ...r.plausibilities,
        ].reduce((n, x) => n + x.assumptions.length, 0) +
        r.calendars.reduce(
          (n, c) =>
            n +
            c.assumptions.length +
            c.holidays.reduce((m, h) => m + h.assumptions.length, 0),
          0,
        );
      expect(section.startsWith(`Assumptions (${expected})`), r.id).toBe(true);
      expect(rows, r.id).toHaveLength(expected);
      expect(page).toContain(`, ${expected} assumptions |`);
    }
    const glo = byPath.get("ikb.glo-1.3.0.md")!;
    expect(glo).toContain(
      "| rule | [dmc0001](#rule-dmc0001) | dmc0001 = a Dutch identification number (BSN) fails the eleven-test. | rulesets/ikb.glo/1.3.0.regel:256 |",
    );
    expect(glo).toContain("62 of 63 rules rest on an assumption.");
    expect(glo).toMatch(
      /### <a id="rule-dmc0001"><\/a>dmc0001 — Ongeldig BSN\n\n- \*\*Meaning:\*\* .*\n- \*\*Assumptions:\*\*\n {2}- dmc0001 = a Dutch identification number \(BSN\) fails the eleven-test\.\n {2}- checked for depositors and representatives/,
    );
    expect(glo).toContain(
      "- **Meaning:** regel's own check: a CSV file of the data model is missing from the delivery. (from bk bijlage 4 control 5.3)",
    );
    const vp = byPath.get("vp.bankgegevens-1.0.0.md")!;
    expect(vp).toContain(
      "| field | [NaturalPerson.record\\_id](#entity-naturalperson) | the Besluit gives no record key; record\\_id is our own. |",
    );
    expect(vp).toContain(
      "| `record_id` | text(40) | yes | no |   | Record identifier (not in the Besluit) — Assumption: the Besluit gives no record key; record\\_id is our own. |",
    );
    const index = byPath.get("README.md")!;
    expect(index).toMatch(
      /\| \[vp\.bankgegevens\]\(vp\.bankgegevens-1\.0\.0\.md\) \|.* \| 22 \|$/m,
    );
  });

  it("marks in the traceability matrix what rests on an assumption", () => {
    const matrix = byPath.get("traceability.md")!;
    const row = (name: string) =>
      matrix
        .split("\n")
        .filter(
          (l) => l.includes(`#rule-${name})`) && l.includes("ikb.glo@1.3.0"),
        );
    expect(row("dmc0001").length).toBeGreaterThan(0);
    for (const l of row("dmc0001")) expect(l).toContain("| **Assumed** (2) |");
    // ctl0004 takes its meaning from control 3.8 o and assumes nothing
    expect(row("ctl0004").length).toBeGreaterThan(0);
    for (const l of row("ctl0004")) expect(l).not.toContain("Assumed");
    expect(matrix).toMatch(
      /#measure-aanwijzing\) Aanwijzing \| \*\*Assumed\*\* \(1\) \|/,
    );
  });

  it("shows the assumption notes written as // comments", () => {
    const handhaving = byPath.get("ikb.handhaving-1.0.0.md")!;
    expect(handhaving).toMatch(
      /\*\*Note:\*\* The source gives informal measures no remedial or punitive character/,
    );
    const calendar = byPath.get("nl.werkdagen-1.0.0.md")!;
    expect(calendar).toMatch(/Goede Vrijdag \| easter -2 \| Atw art 3 lid 2/);
  });
});

describe("Markdown escaping", () => {
  it("escapes markup characters in text", () => {
    expect(mdText("a | b")).toBe("a \\| b");
    expect(mdText("<script>*x*_y_ [l](u) `c` #h &amp; \\")).toBe(
      "\\<script\\>\\*x\\*\\_y\\_ \\[l\\](u) \\`c\\` \\#h \\&amp; \\\\",
    );
    expect(mdText("line\nbreak")).toBe("line break");
    expect(mdText("- not a list")).toBe("\\- not a list");
    expect(mdText("1. not a list")).toBe("1\\. not a list");
  });

  it("round-trips any text: CommonMark unescaping gives it back, with no raw markup left", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "grapheme", maxLength: 40 }),
          fc.string({
            unit: fc.constantFrom(..."|<>*_`[]#~&\\-+1.) a\n"),
            maxLength: 30,
          }),
        ),
        (text) => {
          const escaped = mdText(text);
          expect(escaped).not.toMatch(/[\r\n]/);
          // Every markup character is preceded by an odd number of backslashes.
          expect(escaped).not.toMatch(/(^|[^\\])(\\\\)*[|<>*_`[\]#~&]/);
          const unescaped = escaped.replace(/\\([!-/:-@[-`{-~])/g, "$1");
          expect(unescaped).toBe(text.replace(/\r\n|\r|\n/g, " "));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fences code so backticks inside cannot close it", () => {
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("`x")).toBe("`` `x ``");
    expect(mdCodeBlock("```\nx", "regel")).toBe("````regel\n```\nx\n````");
  });

  it("sorts digits as numbers", () => {
    expect(
      ["art 10", "art 2", "art 2.2 sub e", "art 1:80", "art 1:75"].sort(
        naturalCompare,
      ),
    ).toEqual(["art 1:75", "art 1:80", "art 2", "art 2.2 sub e", "art 10"]);
  });

  it("keeps a table intact when ruleset text holds pipes and HTML", () => {
    const text = [
      'ruleset t.escape@1.0.0 "Pipes | and <b>tags</b>"',
      '  source s "Doc | with pipe"',
      "",
      'entity E "Entity | one"',
      '  file "e.csv"',
      "  key id",
      '  field id: text(10) required "The | id"',
      "",
      'rule r1 "Title | with `pipe`"',
      '  meaning "Means a | b."',
      "  severity signalling",
      '  implements s "Tabel | 1"',
      "  for E.id",
      "  require value is present",
      "  example fail E { }",
      '  example pass E { id: "a|b" }',
      "",
    ].join("\n");
    const p = loadProjectFromTexts(new Map([["t.regel", text]]));
    expect(hasErrors(p.diagnostics), JSON.stringify(p.diagnostics)).toBe(false);
    const out = renderCatalogue(p.rulesets, {
      readText: (f) => p.texts.get(f),
    });
    const page = out.find((f) => f.path === "t.escape-1.0.0.md")!.content;
    // Every table row has exactly as many unescaped pipes as its header.
    const tables = page.split("\n\n").filter((b) => b.startsWith("| "));
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      const rows = t.split("\n").filter((row) => row !== "");
      const columns = (rows[0].match(/(?<!\\)\|/g) ?? []).length;
      for (const row of rows)
        expect((row.match(/(?<!\\)\|/g) ?? []).length, row).toBe(columns);
    }
    expect(page).not.toContain("<b>");
    expect(page).toContain('example pass E { id: "a|b" }'); // inside a code block: as written
  });

  it("shows bidirectional control characters of a ruleset as escapes, never raw (issue 16)", () => {
    const text = [
      'ruleset t.bidi@1.0.0 "Title \u202E reversed"',
      '  source s "Doc"',
      "",
      "/// A doc comment \u2066 isolated",
      'entity E "Entity"',
      '  file "e.csv"',
      "  key id",
      '  field id: text(10) required "The id"',
      "",
      'rule r1 "Rule"',
      "  severity signalling",
      '  implements s "art 1"',
      "  for E.id",
      '  require value != "\u202Ex"',
      "  example fail E { }",
      '  example pass E { id: "a\u200Fb" }',
      "",
    ].join("\n");
    const p = loadProjectFromTexts(new Map([["t.regel", text]]));
    expect(hasErrors(p.diagnostics)).toBe(false);
    const out = renderCatalogue(p.rulesets, {
      readText: (f) => p.texts.get(f),
    });
    const page = out.find((f) => f.path === "t.bidi-1.0.0.md")!.content;
    for (const f of out)
      expect(f.content).not.toMatch(
        /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
      );
    expect(page).toContain("Title \\u202e reversed");
    expect(page).toContain('id: "a\\u200fb"');
  });
});

describe("the catalogue shows reference data", () => {
  it("a CSV table with its sha256 and its rows, cells with pipes escaped", () => {
    const text = `ruleset t.tables@1.0.0
  source s "S"

table sectors "Sectors"
  assumption "test"
  file "sectors.csv"
  column code: text key
  column name: text
`;
    const csv = 'code,name\nS1,"Banks | central"\nS2,Households\n';
    const p = loadProjectFromTexts(
      new Map([["t.regel", text]]),
      undefined,
      new Map([["sectors.csv", csv]]),
    );
    expect(hasErrors(p.diagnostics), JSON.stringify(p.diagnostics)).toBe(false);
    const page = renderCatalogue(p.rulesets, {
      readText: (f) => p.texts.get(f),
    }).find((f) => f.path === "t.tables-1.0.0.md")!.content;
    const sha = p.rulesets[0]!.tables[0]!.sha256!;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(page).toContain("## Reference data (1)");
    expect(page).toContain(
      `- **Rows:** 2, from \`sectors.csv\` (sha256 \`${sha}\`)`,
    );
    expect(page).toContain("| code: text (key) | name: text |");
    expect(page).toContain('| `"S1"` | `"Banks \\| central"` |');
  });
});
