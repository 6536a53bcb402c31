/**
 * The ruleset header (compiler/emit-meta.ts, `rulesetHeaderLine`): the first line of a compiled
 * `validators.js` says what choosing a ruleset needs, so that `regel validate` parses the
 * `trace.json` of no ruleset it does not use. Its failure cases: a module without one (compiled
 * by an older regel) is read from its trace.json as before; a damaged header, a header that
 * disagrees with the module, and a trace.json that is not the one compiled with the module each
 * fail the load with "run `regel compile` again"; none is chosen silently.
 */
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlausibility } from "../../audit/plausibility-report.js";
import { compile } from "../../compiler/compile.js";
import { groeipadDeclared, loadGroeipadNorm } from "../../runtime/groeipad.js";
import {
  compiledHeader,
  loadCompiled,
  readCompiledMeta,
} from "../../runtime/load-compiled.js";
import { selectRuleset } from "../../runtime/select-version.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SHIPPED = join(ROOT, "rulesets", "compiled");
const EXAMPLE = join(ROOT, "examples", "ikb-delivery");
const PREFIX = "// regel-ruleset ";

const work = mkdtempSync(join(tmpdir(), "regel-header-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let roots = 0;
/** A compiled root holding copies of these shipped rulesets. */
function rootWith(...ids: string[]): string {
  const root = join(work, `root${roots++}`, "compiled");
  for (const id of ids)
    cpSync(join(SHIPPED, id), join(root, id), { recursive: true });
  return root;
}

/** Replace the first line of `file` (the header) by `line` ("" drops it). */
function setHeader(file: string, line: string): void {
  const text = readFileSync(file, "utf8");
  writeFileSync(file, `${line}${text.slice(text.indexOf("\n") + 1)}`);
}

function headerJson(file: string): Record<string, unknown> {
  const first = readFileSync(file, "utf8").split("\n", 1)[0];
  return JSON.parse(first.slice(PREFIX.length)) as Record<string, unknown>;
}

describe("regel compile writes the header", () => {
  it("as the module's first line: name, version, dates, files, norms, plausibility and the trace.json's sha256", async () => {
    const result = await compile(
      ["ikb.groeipad", "nl.werkdagen"].map((d) => join(ROOT, "rulesets", d)),
      { outDir: "out" },
    );
    const js = result.files.find(
      (f) => f.path === "out/ikb.groeipad@1.0.0/validators.js",
    )!.contents;
    const trace = result.files.find(
      (f) => f.path === "out/ikb.groeipad@1.0.0/trace.json",
    )!.contents;
    const first = js.slice(0, js.indexOf("\n"));
    expect(first.startsWith(PREFIX)).toBe(true);
    expect(first).toMatch(/^[\x20-\x7e]*$/);
    const header = JSON.parse(first.slice(PREFIX.length)) as Record<
      string,
      unknown
    >;
    const data = JSON.parse(trace) as {
      metadata: { validFrom: string };
      plausibility: unknown[];
    };
    expect(header).toMatchObject({
      format: 1,
      id: "ikb.groeipad@1.0.0",
      name: "ikb.groeipad",
      version: "1.0.0",
      validFrom: data.metadata.validFrom,
      files: [],
      plausibility: data.plausibility.length,
    });
    expect(header.normMetrics).toContain("automated_controls_pass");
    const { createHash } = await import("node:crypto");
    expect(header.trace).toBe(createHash("sha256").update(trace).digest("hex"));
  });

  it("the shipped modules carry it, and it says what their trace.json says", () => {
    for (const id of readdirSync(SHIPPED)) {
      const dir = join(SHIPPED, id);
      const meta = readCompiledMeta(dir)!;
      expect(meta.readFrom).toBe(join(dir, "validators.js"));
      const data = JSON.parse(
        readFileSync(join(dir, "trace.json"), "utf8"),
      ) as {
        metadata: {
          name: string;
          version: string;
          validFrom?: string;
          validUntil?: string;
        };
        entities: { file?: string }[];
        plausibility?: unknown[];
      };
      expect(meta).toMatchObject({
        id,
        name: data.metadata.name,
        version: data.metadata.version,
        validFrom: data.metadata.validFrom,
        validUntil: data.metadata.validUntil,
        files: data.entities.flatMap((e) => (e.file ? [e.file] : [])),
        plausibility: data.plausibility?.length ?? 0,
      });
    }
  });
});

describe("choosing reads the headers, not the trace.json files", () => {
  it("a damaged trace.json of a ruleset not chosen does not stop the choice; of the chosen one it fails the load at once", async () => {
    const root = rootWith(
      "ikb.glo@1.2.0",
      "ikb.glo@1.3.0",
      "vp.bankgegevens@1.0.0",
    );
    writeFileSync(join(root, "ikb.glo@1.2.0", "trace.json"), "{ damaged");
    writeFileSync(
      join(root, "vp.bankgegevens@1.0.0", "trace.json"),
      "{ damaged",
    );
    const rs = await selectRuleset({
      root,
      rrd: "2024-03-31",
      deliveryFiles: readdirSync(EXAMPLE),
    });
    expect(rs.module.metadata.id).toBe("ikb.glo@1.3.0");
    expect(rs.trace).toBe(rs.module.trace);
    writeFileSync(join(root, "ikb.glo@1.3.0", "trace.json"), "{ damaged");
    await expect(
      selectRuleset({
        root,
        rrd: "2024-03-31",
        deliveryFiles: readdirSync(EXAMPLE),
      }),
    ).rejects.toThrow(
      /trace\.json is not valid JSON .*run `regel compile` again/,
    );
  });

  it("a trace.json that parses but is not the one compiled with the module fails the load", async () => {
    const root = rootWith("vp.bankgegevens@1.0.0");
    const file = join(root, "vp.bankgegevens@1.0.0", "trace.json");
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n$/, " \n"));
    await expect(
      loadCompiled(join(root, "vp.bankgegevens@1.0.0")),
    ).rejects.toThrow(
      /is not the trace\.json compiled with .*validators\.js.*run `regel compile` again/,
    );
  });

  it("a module without a header (an older regel) is read from its trace.json, and loads as before", async () => {
    const root = rootWith("vp.bankgegevens@1.0.0");
    const dir = join(root, "vp.bankgegevens@1.0.0");
    setHeader(join(dir, "validators.js"), "");
    expect(compiledHeader(dir)).toBeUndefined();
    expect(readCompiledMeta(dir)).toMatchObject({
      id: "vp.bankgegevens@1.0.0",
      readFrom: join(dir, "trace.json"),
    });
    const rs = await selectRuleset({
      root,
      ruleset: "vp.bankgegevens",
      rrd: "2024-03-31",
    });
    expect(rs.module.metadata.id).toBe("vp.bankgegevens@1.0.0");
    expect(rs.trace.length).toBe(rs.module.trace.length);
    // without a header, a damaged trace.json is found when choosing, as before
    writeFileSync(join(dir, "trace.json"), "{ damaged");
    await expect(
      selectRuleset({ root, ruleset: "vp.bankgegevens", rrd: "2024-03-31" }),
    ).rejects.toThrow(/not valid JSON/);
  });

  it("a damaged header is refused, not skipped", async () => {
    const root = rootWith("vp.bankgegevens@1.0.0");
    const dir = join(root, "vp.bankgegevens@1.0.0");
    setHeader(join(dir, "validators.js"), `${PREFIX}{"format":1,"id":\n`);
    expect(() => readCompiledMeta(dir)).toThrow(
      /first line of .*validators\.js is a damaged ruleset header .*run `regel compile` again/,
    );
    await expect(loadCompiled(dir)).rejects.toThrow(/damaged ruleset header/);
    setHeader(join(dir, "validators.js"), `${PREFIX}{"format":2}\n`);
    expect(() => readCompiledMeta(dir)).toThrow(/not the fields of format 1/);
  });

  it("a header that disagrees with its module fails the load (a module edited by hand)", async () => {
    const root = rootWith("vp.bankgegevens@1.0.0");
    const file = join(root, "vp.bankgegevens@1.0.0", "validators.js");
    const header = headerJson(file);
    setHeader(
      file,
      `${PREFIX}${JSON.stringify({ ...header, validFrom: "2023-01-01" })}\n`,
    );
    await expect(
      selectRuleset({ root, ruleset: "vp.bankgegevens", rrd: "2024-03-31" }),
    ).rejects.toThrow(
      /does not agree with itself \(its header says validFrom "2023-01-01", its metadata "2022-01-01"\); run `regel compile` again/,
    );
    setHeader(
      file,
      `${PREFIX}${JSON.stringify({ ...header, files: ["x.csv"] })}\n`,
    );
    await expect(
      selectRuleset({ root, ruleset: "vp.bankgegevens", rrd: "2024-03-31" }),
    ).rejects.toThrow(/its header says files "x\.csv"/);
  });

  it("a header naming another ruleset than its folder is refused when choosing", async () => {
    const root = rootWith("vp.bankgegevens@1.0.0");
    const file = join(root, "vp.bankgegevens@1.0.0", "validators.js");
    setHeader(
      file,
      `${PREFIX}${JSON.stringify({ ...headerJson(file), version: "1.0.1", id: "vp.bankgegevens@1.0.1" })}\n`,
    );
    await expect(
      selectRuleset({ root, ruleset: "vp.bankgegevens", rrd: "2024-03-31" }),
    ).rejects.toThrow(
      /validators\.js describes vp\.bankgegevens@1\.0\.1, not vp\.bankgegevens@1\.0\.0/,
    );
  });
});

describe("the groeipad norm and the plausibility declarations skip what the headers rule out", () => {
  it("read only the trace.json of a ruleset whose header names a norm on the pass rate or a declaration", () => {
    const root = rootWith(
      "ikb.glo@1.2.0",
      "ikb.glo@1.3.0",
      "ikb.groeipad@1.0.0",
      "vp.bankgegevens@1.0.0",
    );
    // were these read, they would throw
    for (const id of [
      "ikb.glo@1.2.0",
      "ikb.glo@1.3.0",
      "vp.bankgegevens@1.0.0",
    ])
      writeFileSync(join(root, id, "trace.json"), "{ damaged");
    expect(groeipadDeclared(root)).toBe(true);
    expect(loadGroeipadNorm(root, "2024-03-31")).toMatchObject({
      ruleset: "ikb.groeipad@1.0.0",
      norm: 95,
    });
    expect(loadPlausibility(root, "2024-03-31").map((p) => p.ruleset)).toEqual(
      expect.arrayContaining(["ikb.groeipad@1.0.0"]),
    );
    expect(
      new Set(loadPlausibility(root, "2024-03-31").map((p) => p.ruleset)),
    ).toEqual(new Set(["ikb.groeipad@1.0.0"]));
  });
});
