import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  readCompiledMeta,
  readTraceJson,
} from "../../runtime/load-compiled.js";

describe("trace.json is parsed once per text", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-trace-"));
  const file = join(dir, "trace.json");
  const meta = (version: string) =>
    JSON.stringify({
      metadata: { name: "x", version, validFrom: "2024-01-01" },
      entities: [{ file: "x.csv" }],
    });

  it("the same value while the text is unchanged, a new one as soon as it changes", () => {
    writeFileSync(file, meta("1.0.0"));
    const first = readTraceJson(file);
    expect(readTraceJson(file).data).toBe(first.data);
    expect(readCompiledMeta(dir)?.version).toBe("1.0.0");
    // compiled again in the same process (a watch, an LSP, a test): never the old value
    writeFileSync(file, meta("1.0.1"));
    const second = readTraceJson(file);
    expect(second.data).not.toBe(first.data);
    expect(second.text).toBe(meta("1.0.1"));
    expect(readCompiledMeta(dir)?.version).toBe("1.0.1");
  });

  it("a trace.json that is not JSON is refused every time, not remembered", () => {
    writeFileSync(file, "{ not json");
    expect(() => readCompiledMeta(dir)).toThrow(/not valid JSON/);
    expect(() => readCompiledMeta(dir)).toThrow(/not valid JSON/);
  });
});
