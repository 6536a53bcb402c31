import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitFolder } from "../../runtime/folder-commit.js";

describe("commitFolder", () => {
  it("writes a set of more files than are fsynced together, every byte, and nothing beside it", async () => {
    const parent = mkdtempSync(join(tmpdir(), "regel-commit-"));
    const out = join(parent, "report");
    const files = new Map<string, string>([["samples/", ""]]);
    for (let i = 0; i < 150; i++)
      files.set(
        `samples/s${String(i).padStart(3, "0")}.csv`,
        `line ${i}\n`.repeat(i),
      );
    files.set("report.json", "{}");
    const written = await commitFolder(out, files);
    expect(written.length).toBe(151);
    expect(readdirSync(join(out, "samples")).length).toBe(150);
    expect(readFileSync(join(out, "samples", "s149.csv"), "utf8")).toBe(
      "line 149\n".repeat(149),
    );
    expect(readFileSync(join(out, "samples", "s000.csv"), "utf8")).toBe("");
    expect(readdirSync(parent)).toEqual(["report"]);
  });

  it("a file that cannot be written leaves the previous set and no staging folder", async () => {
    const parent = mkdtempSync(join(tmpdir(), "regel-commit-"));
    const out = join(parent, "report");
    await commitFolder(out, new Map([["report.json", "old"]]));
    // a folder and a file of the same name: the second cannot be created
    const clash = new Map<string, string>([
      ["report.json", "new"],
      ["a/", ""],
    ]);
    for (let i = 0; i < 70; i++) clash.set(`s${i}.csv`, "x");
    clash.set("a", "not a folder");
    await expect(
      commitFolder(out, clash, { replaceable: () => true }),
    ).rejects.toThrow();
    expect(readFileSync(join(out, "report.json"), "utf8")).toBe("old");
    expect(readdirSync(parent)).toEqual(["report"]);
  });
});
