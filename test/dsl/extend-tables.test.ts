/**
 * Partial edits of inherited tables (issue 12 item 6): `extend category` adds and removes single
 * `result` / `marking` entries, `extend codelist` single values. The version that edits must
 * resolve, compile, classify and diff exactly like the version that retypes the whole table.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffRulesets, diffText } from "../../audit/ruleset-diff.js";
import { compileRuleset } from "../../compiler/compile.js";
import { parse } from "../../dsl/parser.js";
import { print } from "../../dsl/printer.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { classifyIkb } from "../../interpreter/reference-interpreter.js";
import { BASE, brief, load, npRule } from "./checker-helpers.js";

/** The base version with a category table and a code list to edit. */
const PARENT =
  BASE.replace(
    "valid from 2023-01-01",
    "valid from 2023-01-01 until 2024-01-01",
  ).replace('  value "N"\n', '  value "N"\n  value "O" "Onbekend"\n') +
  npRule("require last_name is present", "dmc0100") +
  `
category identity "Identiteit niet vastgesteld"
  blocks identity_established
  implements br art 2
  result dmc0001 (D)
  result dmc0100 (V)
  marking NP.deceased = "O"
`;

const HEADER = `ruleset t.base@1.1.0
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"
`;

/** One entry moved (dmc0100 from V to D), one added, one marking removed; one value added, one removed. */
const EDITED = `${HEADER}
/// The table changes in three entries only.
extend category identity
  remove result dmc0100 (V)
  result dmc0100 (D)
  result dmc0001 (V)
  remove marking NP.deceased = "O"

extend codelist yes_no
  remove value "O"
  value "X" "Onbekend"
`;

/** The same version with both tables retyped. */
const RETYPED = `${HEADER}
replace category identity "Identiteit niet vastgesteld"
  blocks identity_established
  implements br art 2
  result dmc0001 (D)
  result dmc0100 (D)
  result dmc0001 (V)

replace codelist yes_no "Ja / nee"
  value "J"
  value "N"
  value "X" "Onbekend"
`;

function version(child: string, id = "t.base@1.1.0"): ResolvedRuleset {
  const p = load({ "a.regel": PARENT, "b.regel": child });
  expect(brief(p.diagnostics)).toEqual([]);
  return p.rulesets.find((r) => r.id === id)!;
}

const table = (r: ResolvedRuleset) => {
  const c = r.categories.find((x) => x.name === "identity")!.decl;
  return {
    title: c.title,
    blocks: c.blocks?.name,
    results: c.results.map(
      (x) =>
        `${x.code.name} ${x.role ?? "-"} ${x.attributes.map((a) => `${a.entity.name}.${a.field.name}`).join(",")}`,
    ),
    markings: c.markings.map(
      (m) => `${m.attribute.field.name}=${m.value.value}`,
    ),
    values: r.codeLists
      .get("yes_no")!
      .values.map((v) => `${v.code}:${v.description ?? ""}`),
  };
};

describe("extend category / extend codelist", () => {
  it("resolves to the table a retyped version declares, and leaves the parent as it was", () => {
    const edited = version(EDITED);
    expect(table(edited)).toEqual(table(version(RETYPED)));
    expect(table(edited).results).toEqual([
      "dmc0001 D ",
      "dmc0100 D ",
      "dmc0001 V ",
    ]);
    const parent = version(EDITED, "t.base@1.0.0");
    expect(table(parent).results).toEqual(["dmc0001 D ", "dmc0100 V "]);
    expect(table(parent).markings).toEqual(["deceased=O"]);
    expect(table(parent).values).toEqual(["J:", "N:", "O:Onbekend"]);
    // The table is the extending version's: located at the extension, its doc comment appended.
    const cat = (r: ResolvedRuleset) =>
      r.categories.find((c) => c.name === "identity")!;
    expect(cat(edited).origin).toBe("t.base@1.1.0");
    expect(cat(parent).origin).toBe("t.base@1.0.0");
    expect(cat(edited).decl.span.file).toBe("b.regel");
    expect(cat(edited).decl.doc).toEqual([
      "The table changes in three entries only.",
    ]);
  });

  it("the reference interpreter classifies with the edited table", () => {
    const edited = version(EDITED);
    const parent = version(EDITED, "t.base@1.0.0");
    const finding = (rule: string, role: "D" | "V", attribute?: string) => ({
      rule,
      severity: "signalling" as const,
      entity: "NP",
      role,
      attribute,
      key: "",
      values: {},
      message: "",
      law: { articles: [], meaning: "" } as never,
    });
    const hit = (r: ResolvedRuleset, f: ReturnType<typeof finding>[]) =>
      classifyIkb(r, f, {}).categories;
    expect(hit(parent, [finding("dmc0100", "V")])).toEqual(["identity"]);
    expect(hit(edited, [finding("dmc0100", "V")])).toEqual([]);
    expect(hit(edited, [finding("dmc0100", "D")])).toEqual(["identity"]);
    expect(hit(edited, [finding("dmc0001", "V")])).toEqual(["identity"]);
    const np = { ikb_id: "K1", customer_id: "K1", deceased: "O" };
    expect(classifyIkb(parent, [], { NP: [np] }).categories).toEqual([
      "identity",
    ]);
    expect(classifyIkb(edited, [], { NP: [np] }).categories).toEqual([]);
  });

  it("compiles to the same classification code as the retyped version", async () => {
    const classify = (js: string) => {
      const at = js.indexOf("function classify");
      expect(at).toBeGreaterThan(0);
      return js.slice(at, js.indexOf("\n}\n", at));
    };
    const a = await compileRuleset(version(EDITED));
    const b = await compileRuleset(version(RETYPED));
    expect(a.diagnostics).toEqual([]);
    expect(classify(a.js)).toEqual(classify(b.js));
    expect(a.js).toContain('"X"');
    const trace = JSON.parse(a.traceJson) as {
      categories: {
        name: string;
        location: { file: string };
        results: { code: string; role?: string }[];
        markings: unknown[];
      }[];
    };
    const identity = trace.categories.find((c) => c.name === "identity")!;
    expect(identity.results.map((r) => `${r.code} ${r.role}`)).toEqual([
      "dmc0001 D",
      "dmc0100 D",
      "dmc0001 V",
    ]);
    expect(identity.markings).toEqual([]);
    expect(identity.location.file).toContain("b.regel");
  });

  it("regel diff shows the single entries added and removed", () => {
    const p = load({ "a.regel": PARENT, "b.regel": EDITED });
    const [from, to] = ["t.base@1.0.0", "t.base@1.1.0"].map((id) =>
      p.rulesets.find((r) => r.id === id)!,
    );
    const d = diffRulesets(from, to);
    const cat = d.categories.find((c) => c.name === "identity")!;
    expect(cat.resultsAdded.map((e) => e.code)).toEqual(["dmc0001"]);
    expect(cat.resultsRemoved).toEqual([]);
    expect(cat.resultsChanged.map((c) => [c.from.role, c.to.role])).toEqual([
      ["V", "D"],
    ]);
    expect(cat.markingsRemoved.map((m) => m.value)).toEqual(["O"]);
    expect(d.other.find((o) => o.kind === "code")).toEqual({
      kind: "code",
      added: ['yes_no "X"'],
      removed: ['yes_no "O"'],
      changed: [],
    });
    expect(d.other.find((o) => o.kind === "codelist")).toBeUndefined();
    const text = diffText(d);
    expect(text).toContain('+ code yes_no "X"');
    expect(text).toContain('- code yes_no "O"');
  });

  it("regel fmt prints the extensions back as written", () => {
    const file = parse(EDITED, "b.regel");
    expect(file.diagnostics).toEqual([]);
    expect(print(file.file)).toBe(`${HEADER}
/// The table changes in three entries only.
extend category identity
  result dmc0100 (D)
  result dmc0001 (V)
  remove result dmc0100 (V)
  remove marking NP.deceased = "O"

extend codelist yes_no
  value "X" "Onbekend"
  remove value "O"
`);
  });

  it("regel fmt keeps each comment with its line of an extension", () => {
    const source = `${HEADER}
extend category identity
  // why removed
  remove result dmc0100 (V)
  result dmc0100 (D) // trailing

extend codelist yes_no
  remove value "O" // gone
  value "X"
`;
    expect(print(parse(source, "b.regel").file, source)).toBe(`${HEADER}
extend category identity
  result dmc0100 (D) // trailing
  // why removed
  remove result dmc0100 (V)

extend codelist yes_no
  value "X"
  remove value "O" // gone
`);
  });

  it("a clause an extension does not take is named with the clauses it does take (REG116)", () => {
    const d = parse(
      `${HEADER}\nextend category identity\n  blocks x\n  result dmc0001\n`,
      "b.regel",
    ).diagnostics;
    expect(d.map((x) => x.code)).toEqual(["REG116"]);
    expect(d[0].message).toContain(
      "this category extension takes `result`, `marking`, `remove result` or `remove marking`",
    );
  });

  it("a removed code value is no longer a value of the list for markings and conditions", () => {
    const p = load({
      "a.regel": PARENT,
      "b.regel": `${HEADER}
extend codelist yes_no
  remove value "O"
`,
    });
    // The inherited marking NP.deceased = "O" now names a value the list lacks.
    expect(p.diagnostics.map((d) => d.code)).toContain("REG204");
  });

  it("property: the edited table is the inherited one minus the removes plus the adds, and every miss is reported", () => {
    const results = ["dmc0001", "dmc0100"].flatMap((c) =>
      ["", " (D)", " (V)"].map((r) => `result ${c}${r}`),
    );
    const markings = ["J", "N", "O"].flatMap((v) =>
      ["", " (D)", " (V)"].map((r) => `marking NP.deceased = "${v}"${r}`),
    );
    const universe = [...results, ...markings];
    const subset = fc.subarray(universe);
    fc.assert(
      fc.property(subset, subset, subset, (inherited, removed, added) => {
        const parent = PARENT.replace(
          /\ncategory identity[\s\S]*$/,
          `\ncategory identity "Identiteit niet vastgesteld"\n  blocks identity_established\n  implements br art 2\n${inherited.map((e) => `  ${e}\n`).join("")}`,
        );
        const child = `${HEADER}\nextend category identity\n${[
          ...removed.map((e) => `  remove ${e}\n`),
          ...added.map((e) => `  ${e}\n`),
        ].join("")}`;
        const p = load({ "a.regel": parent, "b.regel": child });
        const kept = inherited.filter((e) => !removed.includes(e));
        const expected = [...kept, ...added.filter((e) => !kept.includes(e))];
        const cat = p.rulesets
          .find((r) => r.id === "t.base@1.1.0")!
          .categories.find((c) => c.name === "identity")!.decl;
        const got = [
          ...cat.results.map(
            (r) => `result ${r.code.name}${r.role ? ` (${r.role})` : ""}`,
          ),
          ...cat.markings.map(
            (m) =>
              `marking NP.deceased = "${m.value.value}"${m.role ? ` (${m.role})` : ""}`,
          ),
        ];
        const order = (xs: string[]) => [
          ...xs.filter((x) => x.startsWith("result")),
          ...xs.filter((x) => x.startsWith("marking")),
        ];
        expect(got).toEqual(order(expected));
        const count = (code: string) =>
          p.diagnostics.filter((d) => d.code === code).length;
        expect(count("REG250")).toBe(
          removed.filter((e) => !inherited.includes(e)).length,
        );
        expect(count("REG249")).toBe(
          added.filter((e) => kept.includes(e)).length,
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe("editor outline", () => {
  it("lists each extension with the values it adds", async () => {
    const { documentSymbols } = await import("../../lsp/symbols.js");
    const symbols = documentSymbols(parse(EDITED, "b.regel").file);
    const names = symbols.map((s) => s.name);
    expect(names).toContain("extend identity");
    const list = symbols.find(
      (s) => s.name === "extend yes_no" && s.children !== undefined,
    )!;
    expect(list.children!.map((c) => c.name)).toEqual(["X"]);
  });
});

describe("catalogue", () => {
  it("shows the edited tables on the page of the version that edits them", async () => {
    const { catalogueFileName, renderCatalogue } =
      await import("../../audit/catalogue.js");
    const p = load({ "a.regel": PARENT, "b.regel": EDITED });
    const files = renderCatalogue(p.rulesets);
    const page = (id: string) =>
      files.find(
        (f) =>
          f.path === catalogueFileName(p.rulesets.find((r) => r.id === id)!),
      )!.content;
    const edited = page("t.base@1.1.0");
    const parent = page("t.base@1.0.0");
    expect(edited).not.toBe(parent);
    // code list yes_no: "X" added, "O" removed
    expect(edited).toContain("| `X` | Onbekend |");
    expect(edited).not.toContain("| `O` | Onbekend |");
    expect(parent).toContain("| `O` | Onbekend |");
    // category identity: dmc0100 now for D, the marking gone
    expect(edited).toMatch(/\[dmc0100\]\([^)]*\) \| D \|/);
    expect(parent).toMatch(/\[dmc0100\]\([^)]*\) \| V \|/);
    expect(parent).toContain("NP.deceased");
    expect(edited).not.toMatch(/\| NP\.deceased \| "O"/);
  });
});
