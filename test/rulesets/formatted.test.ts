/** The shipped rulesets are in the canonical layout of `regel fmt` (so `fmt --check` is clean in CI). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { format } from "../../dsl/printer.js";
import { findRegelFiles } from "../../dsl/project.js";

describe("shipped rulesets", async () => {
  const files = await findRegelFiles(["rulesets"]);
  it("are found", () => expect(files.length).toBeGreaterThanOrEqual(6));
  it.each(files)("%s is formatted", (file) => {
    const text = readFileSync(file, "utf8");
    const result = format(text, file);
    expect(result.diagnostics).toEqual([]);
    expect(result.text).toBe(text);
  });
});
