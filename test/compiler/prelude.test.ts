/**
 * Generated modules carry only what they use (issue 18): the helpers are real modules under
 * compiler/helpers, a module gets the helpers its code references and what those reference, its
 * contract types are compiler/contract.ts's own, and each rule's part of a fused check is marked
 * with the rule's code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import {
  HELPER_FILES,
  helperClosure,
  moduleTypeNames,
  preludeLibrary,
  preludeSource,
} from "../../compiler/prelude.js";
import { compileTexts } from "./compile-harness.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The top-level `$` declarations of a module's text (functions, constants, types). */
function helpersDeclared(source: string): string[] {
  const sf = ts.createSourceFile("m.ts", source, ts.ScriptTarget.ES2022);
  const names: string[] = [];
  for (const s of sf.statements) {
    const name =
      ts.isFunctionDeclaration(s) ||
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s)
        ? s.name?.text
        : ts.isVariableStatement(s)
          ? (s.declarationList.declarations[0].name as ts.Identifier).text
          : undefined;
    if (name !== undefined && preludeLibrary().helpers.has(name))
      names.push(name);
  }
  return names;
}

const RULESET = `ruleset t.prelude@1.0.0
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key customer_id
  field customer_id: text(40) required
  field last_name: text(10)
  field born: date

rule r0001 "Achternaam"
  meaning "Not $validIban($easter(2024)) — helper names in text are no use of them"
  severity signalling
  implements br art 1
  for NP
  require last_name is present
  message "$validBsn and $addWorkdays are only text here"
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "1", last_name: "X" }

rule r0002 "Geboortejaar"
  assumption "years after 1900"
  severity signalling
  implements br art 2
  for NP
  when born is present
  require year(born) > 1900
  example fail NP { customer_id: "1", born: 1900-05-01 }
  example pass NP { customer_id: "1", born: 1950-05-01 }
`;

describe("the helper library", () => {
  it("lists every file of compiler/helpers, in module order", () => {
    const files = readdirSync(join(ROOT, "compiler", "helpers"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.slice(0, -3))
      .sort();
    expect([...HELPER_FILES].sort()).toEqual(files);
  });

  it("reads the helpers from their source: `$` names, each declared once, without `export` in a module", () => {
    const { helpers } = preludeLibrary();
    expect(helpers.size).toBeGreaterThan(40);
    for (const [name, h] of helpers) {
      expect(name.startsWith("$")).toBe(true);
      expect(h.text).not.toMatch(/^(\/\*\*[\s\S]*?\*\/\s*)?export\b/);
      const source = readFileSync(
        join(ROOT, "compiler", "helpers", `${h.file}.ts`),
        "utf8",
      );
      expect(source).toMatch(
        new RegExp(`export (function|const|type|interface) \\${name}\\b`),
      );
    }
  });

  it("closes over what helpers use, in module order", () => {
    expect(helperClosure(["$yearOfMs"])).toEqual(["$DAY", "$ymd", "$yearOfMs"]);
    const workdays = helperClosure(["$addWorkdays"]);
    expect(workdays).toEqual([
      "$isLeap",
      "$daysInMonth",
      "$dayNumber",
      "$ymd",
      "$weekday",
      "$Holiday",
      "$Calendar",
      "$easter",
      "$holidayIn",
      "$isWorkday",
      "$addWorkdays",
    ]);
    expect(helperClosure(["$validIban", "notAHelper"])).toEqual([
      "$IBAN_SPECS",
      "$IBAN_BY_LETTERS",
      "$ibanByLetters",
      "$validIban",
    ]);
  });

  it("embeds the IBAN and country tables as literals, so a module imports no package", () => {
    const source = preludeSource(["$validIban", "$validCountry"]);
    expect(source).toContain(
      "const $IBAN_SPECS: ReadonlyMap<string, readonly [number, RegExp]> = new Map<string, readonly [number, RegExp]>([",
    );
    expect(source).toContain('["NL", [18, new RegExp("^[A-Z]{4}[0-9]{10}$")]]');
    expect(source).toMatch(
      /const \$COUNTRIES: ReadonlySet<string> = new Set<string>\(\["AD", "AE", /,
    );
    expect(source).not.toMatch(
      /\bimport\b|ibantools\.|countrySpecs|getAlpha2Codes/,
    );
  });

  it("gives a module compiler/contract.ts's own types: every exported type but CompiledRuleset, as written there", () => {
    const contract = ts.createSourceFile(
      "contract.ts",
      readFileSync(join(ROOT, "compiler", "contract.ts"), "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    const printer = ts.createPrinter({ removeComments: true });
    const exported = contract.statements.filter(
      (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
        (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) &&
        s.name.text !== "CompiledRuleset",
    );
    expect(moduleTypeNames()).toEqual(exported.map((s) => s.name.text));
    const prelude = ts.createSourceFile(
      "prelude.ts",
      preludeSource([]),
      ts.ScriptTarget.ES2022,
      true,
    );
    expect(
      prelude.statements.map((s) =>
        printer.printNode(ts.EmitHint.Unspecified, s, prelude),
      ),
    ).toEqual(
      exported.map((s) =>
        printer.printNode(ts.EmitHint.Unspecified, s, contract),
      ),
    );
  });
});

describe("a generated module", () => {
  it("holds the helpers its code calls and nothing more; helper names in ruleset text do not count", async () => {
    const result = await compileTexts(
      { "prelude.regel": RULESET },
      { emitTs: true },
    );
    const source = result.files.find((f) =>
      f.path.endsWith("validators.ts"),
    )!.contents;
    const declared = helpersDeclared(source);
    expect(declared).toContain("$yearOfDay");
    expect(declared).toContain("$ymd");
    for (const name of [
      "$validIban",
      "$easter",
      "$validBsn",
      "$addWorkdays",
      "$IBAN_SPECS",
      "$div",
    ])
      expect(declared).not.toContain(name);
    expect(source).toContain("$validIban($easter(2024))");
    expect(declared).toEqual(helperClosure(declared));
  });

  it("marks each rule's part of the fused check with the rule's code", async () => {
    const result = await compileTexts(
      { "prelude.regel": RULESET },
      { emitTs: true },
    );
    const source = result.files.find((f) =>
      f.path.endsWith("validators.ts"),
    )!.contents;
    const check = source.slice(source.indexOf("function $check_NP("));
    const condition = check.slice(0, check.indexOf("return true;"));
    expect(condition).toMatch(
      /\/\* r0001 \*\/ r\.last_name !== undefined &&\s+\/\* r0002 \*\/ \(r\.born === undefined/,
    );
  });

  it("the shipped nl.werkdagen@1.0.0 (no rules) carries one helper, not the whole prelude", () => {
    const js = readFileSync(
      join(ROOT, "rulesets", "compiled", "nl.werkdagen@1.0.0", "validators.js"),
      "utf8",
    );
    expect(helpersDeclared(js)).toEqual(["$lawTable"]);
  });
});
