import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { ensureBuilt, ROOT } from "../source-folders.js";

describe("the regel bin in this repository", () => {
  it("is executable after the build, so `npx regel` of the README runs it", () => {
    ensureBuilt();
    const bin = join(ROOT, "dist", "cli", "main.js");
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const version = execFileSync(bin, ["--version"], { encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
