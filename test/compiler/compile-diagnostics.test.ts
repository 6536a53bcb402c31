/**
 * Compile diagnostics: what the checker lets through but cannot become safe generated code is
 * reported with a stable code and a source position, and no files are produced.
 */
import { describe, expect, it } from "vitest";
import { compile, compileRuleset } from "../../compiler/compile.js";
import type { MatchesExpr } from "../../dsl/ast.js";
import { loadProjectFromTexts } from "../../dsl/project.js";

const header = `ruleset t.diag@1.0.0
  source br "Beleidsregel"
`;

const entity = (name: string) => `
entity ${name} "Entity"
  file "e.csv"
  key id
  field id: text(10) required
  field name: text(10)
`;

const rule = (target: string, require: string) => `
rule r0001 "Regel"
  severity signalling
  implements br art 1
  for ${target}
  require ${require}
  example fail NP { id: "1" }
  example pass NP { id: "2", name: "A" }
`;

async function diagnose(text: string) {
  const result = await compile(new Map([["diag.regel", text]]), {
    outDir: "out",
  });
  return {
    files: result.files,
    errors: result.diagnostics.filter((d) => d.severity === "error"),
  };
}

describe("compile diagnostics", () => {
  it("an invalid regular expression is an error, and the compiler's own check (REG502) backs up the checker's", async () => {
    const { files, errors } = await diagnose(
      header + entity("NP") + rule("NP", 'name matches "(["'),
    );
    expect(files).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);

    // Past the checker: damage the pattern in the resolved model and compile that directly.
    const project = loadProjectFromTexts(
      new Map([
        [
          "diag.regel",
          header + entity("NP") + rule("NP", 'name matches "[A-Z]+"'),
        ],
      ]),
    );
    const ruleset = project.rulesets[0];
    const req = ruleset.rules[0].decl.require as MatchesExpr;
    req.pattern = { ...req.pattern, value: "([" };
    const out = await compileRuleset(ruleset);
    expect(out.ts).toBe("");
    const reg = out.diagnostics.find((d) => d.code === "REG502");
    expect(reg?.message).toContain("invalid regular expression");
    expect(reg?.span.file).toBe("diag.regel");
  });

  it("an entity named like a type of the module is REG503", async () => {
    const { files, errors } = await diagnose(header + entity("Finding"));
    expect(files).toEqual([]);
    expect(errors.map((d) => d.code)).toContain("REG503");
  });

  it("the taken type names are every type of compiler/contract.ts that a module declares (SourceFileHash too)", async () => {
    const { files, errors } = await diagnose(header + entity("SourceFileHash"));
    expect(files).toEqual([]);
    expect(errors.map((d) => d.code)).toContain("REG503");
  });

  it("a clean ruleset gives three files per version and no diagnostics: the module, its declarations and the trace", async () => {
    const { files, errors } = await diagnose(
      header + entity("NP") + rule("NP", 'name matches "[A-Z]+"'),
    );
    expect(errors).toEqual([]);
    expect(files.map((f) => f.path)).toEqual([
      "out/t.diag@1.0.0/trace.json",
      "out/t.diag@1.0.0/validators.d.ts",
      "out/t.diag@1.0.0/validators.js",
    ]);
  });

  it("with emitTs, the TypeScript source instead of the declarations", async () => {
    const result = await compile(
      new Map([
        ["diag.regel", header + entity("NP") + rule("NP", "name is present")],
      ]),
      { outDir: "out", emitTs: true },
    );
    expect(result.files.map((f) => f.path)).toEqual([
      "out/t.diag@1.0.0/trace.json",
      "out/t.diag@1.0.0/validators.js",
      "out/t.diag@1.0.0/validators.ts",
    ]);
  });
});
