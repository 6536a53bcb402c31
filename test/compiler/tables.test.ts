/**
 * Reference data through the compiler: a `table` whose rows come from a CSV beside the ruleset
 * (read by `loadProject`) is embedded in the generated module as literals — hostile cells
 * (quotes, backticks, `${`, `*\/`, `</script>`, line separators, bidi controls) reach it only as
 * data and come back exactly — and its CSV's sha256 is in trace.json and in the module's sources.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/compile.js";
import { loadProject } from "../../dsl/project.js";
import { context, run, writeFiles, type Module } from "./compile-harness.js";

/** Cells no generated code may paste as text. */
const HOSTILE = [
  'q" b` d${x} c*/ o/* </script>',
  "l\u2028p\u2029 e\u{1F600} \\ bidi\u202Eo\u2066i end",
  "'); process.exit(3); ('",
];

/** A CSV cell, quoted the RFC 4180 way. */
const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;

const RULESET = `ruleset t.tables@1.0.0
  source br "Beleidsregel"

table codes "Codes"
  assumption "test data"
  file "codes.csv"
  column code: text key
  column label: text
  column weight: decimal

entity R "Record"
  file "r.csv"
  key id
  field id: text(10) required
  field code: text(200)
  field label: text(200)
  field amount: decimal(10,4)

rule t0001 "Bekende code"
  assumption "test"
  severity signalling
  implements br art 1
  for R
  require code in codes
  example pass R { id: "1", code: "plain" }
  example fail R { id: "1", code: "other" }

rule t0002 "Juiste omschrijving"
  assumption "test"
  severity signalling
  implements br art 1
  for R
  when code in codes
  require lookup(codes.label, code) = label and lookup(codes.weight, code) * 2 > amount
  example pass R { id: "1", code: "plain", label: "gewoon", amount: 1 }
  example fail R { id: "1", code: "plain", label: "anders", amount: 1 }
`;

function csv(): string {
  const rows = [
    ["plain", "gewoon", "0.75"],
    ...HOSTILE.map((h, i) => [
      h,
      HOSTILE[(i + 1) % HOSTILE.length]!,
      `${i + 1}.5`,
    ]),
  ];
  return `code,label,weight\n${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\n`;
}

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "regel-tables-"));
  mkdirSync(join(root, "t.tables"));
  writeFileSync(join(root, "t.tables", "1.0.0.regel"), RULESET);
  writeFileSync(join(root, "t.tables", "codes.csv"), csv());
  return root;
}

describe("reference data in the compiled module", () => {
  it("loadProject reads the CSV beside the ruleset and records its sha256", async () => {
    const root = project();
    const p = await loadProject([root]);
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const t = p.rulesets[0]!.tables[0]!;
    expect(t.rows).toHaveLength(1 + HOSTILE.length);
    expect(t.sha256).toBe(
      createHash("sha256")
        .update(readFileSync(join(root, "t.tables", "codes.csv")))
        .digest("hex"),
    );
  });

  it("hostile CSV cells reach the module only as data, and come back exactly", async () => {
    const root = project();
    const result = await compile([root], { outDir: join(root, "compiled") });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual(
      [],
    );
    const js = result.files.find((f) => f.path.endsWith("validators.js"))!;
    // Line separators and bidi controls never appear raw (they went through the literal's escapes);
    // the other cells are data inside string literals, as the round trip below proves.
    expect(js.contents).not.toContain(HOSTILE[1]);
    expect(js.contents).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    const dir = writeFiles(result);
    const module = (await import(
      pathToFileURL(join(dir, js.path)).href
    )) as Module;
    const ctx = context("2024-01-01");
    HOSTILE.forEach((code, i) => {
      const label = HOSTILE[(i + 1) % HOSTILE.length]!;
      const ok = run(module, "R", { id: "1", code, label, amount: "1" }, ctx);
      expect(ok.findings).toEqual([]);
      const wrong = run(
        module,
        "R",
        { id: "1", code, label: `${label}x`, amount: "1" },
        ctx,
      );
      expect(wrong.findings.map((f) => f.rule)).toEqual(["t0002"]);
    });
    // The decimal column at its largest scale: 0.75 * 2 > 1.4999, not > 1.5.
    expect(
      run(
        module,
        "R",
        { id: "1", code: "plain", label: "gewoon", amount: "1.4999" },
        ctx,
      ).findings,
    ).toEqual([]);
    expect(
      run(
        module,
        "R",
        { id: "1", code: "plain", label: "gewoon", amount: "1.5" },
        ctx,
      ).findings.map((f) => f.rule),
    ).toEqual(["t0002"]);
    expect(
      run(
        module,
        "R",
        { id: "1", code: "nope", label: "", amount: "" },
        ctx,
      ).findings.map((f) => f.rule),
    ).toEqual(["t0001"]);
  });

  it("trace.json and the module's sources record the CSV with its sha256", async () => {
    const root = project();
    const result = await compile([root], { outDir: join(root, "compiled") });
    const sha = createHash("sha256")
      .update(readFileSync(join(root, "t.tables", "codes.csv")))
      .digest("hex");
    const trace = JSON.parse(
      result.files.find((f) => f.path.endsWith("trace.json"))!.contents,
    ) as {
      tables: { name: string; file?: string; sha256?: string; rows: number }[];
      metadata: { sourceFiles: { path: string; sha256: string }[] };
    };
    expect(trace.tables).toEqual([
      expect.objectContaining({
        name: "codes",
        file: "t.tables/codes.csv",
        sha256: sha,
        rows: 1 + HOSTILE.length,
      }),
    ]);
    expect(trace.metadata.sourceFiles.map((f) => f.path)).toEqual([
      "t.tables/1.0.0.regel",
      "t.tables/codes.csv",
    ]);
    expect(
      trace.metadata.sourceFiles.find((f) => f.path.endsWith(".csv"))!.sha256,
    ).toBe(sha);
  });
});
