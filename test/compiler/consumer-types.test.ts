/**
 * Generated modules for consumers (issue 13): `regel compile` writes `validators.js` with its
 * `validators.d.ts`, so an engineer's project with stricter flags than regel's own (`strict`,
 * `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`, `skipLibCheck` off) and its own
 * `rootDir` gets no error from a compiled module (TypeScript checks a `.ts` it imports with the
 * importer's flags, and refuses one outside `rootDir` with TS6059; a `.d.ts` is neither). Checked
 * for the committed modules of the shipped rulesets and for a user's own ruleset compiled by the
 * `regel` command outside the repository; each consumer is type-checked, built and run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  emitDeclarations,
  GeneratedCodeError,
} from "../../compiler/emit-declarations.js";
import { ensureBuilt, ROOT } from "../source-folders.js";

const TSC = resolve(ROOT, "node_modules/typescript/bin/tsc");
const REGEL = resolve(ROOT, "dist/cli/main.js");

/** A consumer's compiler options: stricter than regel's own, with its own rootDir. */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noUnusedLocals: true,
    noPropertyAccessFromIndexSignature: true,
    skipLibCheck: false,
    target: "es2022",
    lib: ["es2022"],
    module: "nodenext",
    moduleResolution: "nodenext",
    rootDir: "src",
    outDir: "build",
    types: [],
  },
  include: ["src"],
};

/** Lay out a consumer project in `dir` around `main` (src/main.ts); compiled modules go in `dir/compiled`. */
function consumer(dir: string, main: string): void {
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`,
  );
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
  writeFileSync(
    join(dir, "src", "main.ts"),
    `declare const console: { log(message: string): void };\n${main}`,
  );
}

/** `tsc -p dir`: its diagnostics, "" when there are none. */
function typeCheck(dir: string): string {
  const r = spawnSync(process.execPath, [TSC, "-p", dir], {
    encoding: "utf8",
  });
  return `${r.stdout}${r.stderr}`.trim();
}

function run(dir: string): unknown {
  return JSON.parse(
    execFileSync(process.execPath, [join(dir, "build", "main.js")], {
      encoding: "utf8",
    }),
  );
}

beforeAll(ensureBuilt, 180_000);

describe("compiled modules in a strict consumer project", () => {
  it("the committed .d.ts of every shipped ruleset gives 0 errors under strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess and skipLibCheck off; the consumer runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-consumer-"));
    cpSync(join(ROOT, "rulesets", "compiled"), join(dir, "compiled"), {
      recursive: true,
    });
    const ids = readdirSync(join(dir, "compiled"))
      .filter((d) => d.includes("@"))
      .sort();
    expect(ids).toContain("ikb.glo@1.3.0");
    const imports = ids.map(
      (id, i) => `import * as m${i} from "../compiled/${id}/validators.js";`,
    );
    consumer(
      dir,
      `${imports.join("\n")}
import * as glo from "../compiled/ikb.glo@1.3.0/validators.js";
import type { Finding, NP, RuleContext } from "../compiled/ikb.glo@1.3.0/validators.js";

const np = glo.entities.find((e) => e.name === "NP");
if (np === undefined) throw new Error("no NP");
const row: Record<string, string> = { ikb_id: "K1", customer_id: "K1", last_name: "Jansen", date_of_birth: "2031-01-01" };
const cells: string[] = np.fields.map((f) => row[f.column] ?? "");
const out: Finding[] = [];
const record: NP = glo.decoders.NP(cells, np.fields.map((_, i) => i), out);
const ctx: RuleContext = { rrd: Date.UTC(2024, 2, 29) / 86400000, ikb: { NP: [record] }, ikbKey: "K1" };
const passed: boolean = glo.checks.NP(record, ctx, out);
const byRule: Finding[] = glo.dmc0003("NP", record, ctx);
const law = glo.laws["dmc0003"];
console.log(JSON.stringify({
  ids: [${ids.map((_, i) => `m${i}.metadata.id`).join(", ")}],
  passed,
  dmc0003: byRule.map((f) => f.rule),
  title: law === undefined ? null : law.title,
  lastName: record.last_name ?? null,
  categories: glo.classify(out, ctx.ikb).categories.length > 0,
}));
`,
    );
    expect(typeCheck(dir)).toBe("");
    expect(run(dir)).toMatchObject({
      ids,
      passed: false,
      dmc0003: ["dmc0003"],
      title: expect.any(String),
      lastName: "Jansen",
      categories: true,
    });
  }, 120_000);

  it("`regel compile` of a user's own ruleset outside the repository writes .js + .d.ts that such a project uses without TS6059 (rootDir); --emit-ts writes the .ts instead", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-own-"));
    mkdirSync(join(dir, "rules", "acme.klant"), { recursive: true });
    writeFileSync(
      join(dir, "rules", "acme.klant", "1.0.0.regel"),
      `ruleset acme.klant@1.0.0 "Klantgegevens van Acme"
  source br "Beleidsregel"

entity Klant "Klant"
  file "klant.csv"
  key klant_id
  field klant_id: text(20) required
  field naam: text(50)
  field saldo: money

rule acm0001 "Naam ontbreekt"
  assumption "Acme wants a name for every customer."
  severity blocking
  implements br art 1
  for Klant.naam
  require value is present
  example fail Klant { klant_id: "1" }
  example pass Klant { klant_id: "1", naam: "Jansen" }
`,
    );
    const compile = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        [REGEL, "compile", "rules", "--out", "compiled", ...extra],
        { cwd: dir, encoding: "utf8" },
      );
    const compiled = compile();
    expect(compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
    expect(readdirSync(join(dir, "compiled", "acme.klant@1.0.0"))).toEqual([
      "trace.json",
      "validators.d.ts",
      "validators.js",
    ]);

    consumer(
      dir,
      `import { checks, decoders, laws, type Finding, type Klant } from "../compiled/acme.klant@1.0.0/validators.js";

const out: Finding[] = [];
const record: Klant = decoders.Klant(["K1", "", "12.50"], [0, 1, 2], out);
const passed = checks.Klant(record, { rrd: 19000, ikb: {}, ikbKey: undefined }, out);
console.log(JSON.stringify({ passed, rules: out.map((f) => f.rule), saldo: String(record.saldo), law: laws["acm0001"]?.assumptions ?? null }));
`,
    );
    expect(typeCheck(dir)).toBe("");
    expect(run(dir)).toEqual({
      passed: false,
      rules: ["acm0001"],
      saldo: "1250",
      law: ["Acme wants a name for every customer."],
    });

    // --emit-ts: the TypeScript source instead, for a project that compiles it itself.
    expect(compile("--emit-ts").status).toBe(0);
    expect(readdirSync(join(dir, "compiled", "acme.klant@1.0.0"))).toEqual([
      "trace.json",
      "validators.js",
      "validators.ts",
    ]);
  }, 120_000);

  it("declares a module by TypeScript's own emit; an export without an explicit type is a compiler bug, not a loose declaration", () => {
    expect(
      emitDeclarations(
        "/** Doc. */\nexport function f(a: number): string {\n  return String(a);\n}\n",
        "t@1.0.0",
      ),
    ).toBe("/** Doc. */\nexport declare function f(a: number): string;\n");
    expect(() =>
      emitDeclarations(
        "function g() {\n  return 1;\n}\nexport const x = { g };\n",
        "t@1.0.0",
      ),
    ).toThrow(GeneratedCodeError);
    expect(() =>
      emitDeclarations(
        "export const x = { g: 1 as unknown as Date, h: Math.random() };\n",
        "t@1.0.0",
      ),
    ).toThrow(
      /t@1\.0\.0 cannot be declared \(a compiler bug; please report it\): line 1/,
    );
  });
});
