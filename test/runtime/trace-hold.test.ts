/**
 * `holdTraceFiles` (runtime/load-compiled.ts), for the one run of a `regel validate` process: a
 * trace.json parsed once, a compiled root listed once and a module's header read once are not
 * read again. A file of its own: the hold lasts for the process
 * (each test file runs in a process of its own), and trace-cache.test.ts checks the default.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  holdTraceFiles,
  listCompiled,
  readCompiledMeta,
  readTraceJson,
} from "../../runtime/load-compiled.js";

describe("holdTraceFiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-trace-hold-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "trace.json");
  const other = join(dir, "other.json");
  const meta = (version: string) =>
    JSON.stringify({
      metadata: { name: "x", version, validFrom: "2024-01-01" },
      entities: [{ file: "x.csv" }],
    });

  it("before the hold a changed file is read again; after it, a parsed file is not read again", () => {
    writeFileSync(file, meta("1.0.0"));
    expect(readCompiledMeta(dir)?.version).toBe("1.0.0");
    writeFileSync(file, meta("1.0.1"));
    expect(readCompiledMeta(dir)?.version).toBe("1.0.1");
    holdTraceFiles();
    const held = readTraceJson(file);
    writeFileSync(file, meta("1.0.2"));
    expect(readTraceJson(file)).toBe(held);
    expect(readCompiledMeta(dir)?.version).toBe("1.0.1");
    // a file not parsed before the hold is read (once)
    writeFileSync(other, meta("2.0.0"));
    const first = readTraceJson(other);
    expect(first.text).toBe(meta("2.0.0"));
    rmSync(other);
    expect(readTraceJson(other)).toBe(first);
  });

  it("after the hold, a compiled root is listed and a module's header read once", () => {
    const root = join(dir, "compiled");
    const ruleset = (id: string, validFrom: string) => {
      const [name, version] = id.split("@");
      mkdirSync(join(root, id), { recursive: true });
      writeFileSync(
        join(root, id, "validators.js"),
        `// regel-ruleset ${JSON.stringify({ format: 1, id, name, version, validFrom, files: ["x.csv"], normMetrics: [], plausibility: 0, trace: "0".repeat(64) })}\nexport {};\n`,
      );
      writeFileSync(join(root, id, "trace.json"), "{}");
    };
    ruleset("y@1.0.0", "2024-01-01");
    expect(listCompiled(root)).toEqual(["y@1.0.0"]);
    expect(readCompiledMeta(join(root, "y@1.0.0"))?.validFrom).toBe(
      "2024-01-01",
    );
    ruleset("y@1.0.0", "2025-01-01");
    ruleset("y@2.0.0", "2025-01-01");
    expect(listCompiled(root)).toEqual(["y@1.0.0"]);
    expect(readCompiledMeta(join(root, "y@1.0.0"))?.validFrom).toBe(
      "2024-01-01",
    );
    // a caller may change the list it was given without changing the next one
    listCompiled(root).push("z@1.0.0");
    expect(listCompiled(root)).toEqual(["y@1.0.0"]);
  });

  it("a file that is not JSON is still refused every time: only a parsed file is held", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    expect(() => readTraceJson(bad)).toThrow(SyntaxError);
    writeFileSync(bad, meta("3.0.0"));
    expect(readTraceJson(bad).text).toBe(meta("3.0.0"));
  });
});
