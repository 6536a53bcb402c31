/**
 * `holdTraceFiles` (runtime/load-compiled.ts), for the one run of a `regel validate` process: a
 * trace.json parsed once is not read again. A file of its own: the hold lasts for the process
 * (each test file runs in a process of its own), and trace-cache.test.ts checks the default.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  holdTraceFiles,
  readCompiledMeta,
  readTraceJson,
} from "../../runtime/load-compiled.js";
import { RulesetLoadError } from "../../runtime/errors.js";

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

  it("a file that is not JSON is still refused every time: only a parsed file is held", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    // named, as every damaged trace.json is: "… is not valid JSON; run `regel compile` again"
    expect(() => readTraceJson(bad)).toThrow(RulesetLoadError);
    expect(() => readTraceJson(bad)).toThrow(`${bad} is not valid JSON`);
    writeFileSync(bad, meta("3.0.0"));
    expect(readTraceJson(bad).text).toBe(meta("3.0.0"));
  });
});
