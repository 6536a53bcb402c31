import { describe, expect, it } from "vitest";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkFolder,
  commitFolder,
  OutputFolderError,
} from "../../runtime/folder-commit.js";

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

  it("a symbolic link to nothing is refused before anything is written: no staging folder, no lock", async () => {
    const parent = mkdtempSync(join(tmpdir(), "regel-commit-"));
    const link = join(parent, "dangling");
    symlinkSync("/nonexistent/target", link);
    const refusal =
      /dangling is a symbolic link to \/nonexistent\/target that does not exist/;
    expect(() => checkFolder(link)).toThrow(refusal);
    const commit = commitFolder(link, new Map([["report.json", "{}"]]));
    await expect(commit).rejects.toThrow(OutputFolderError);
    await expect(commit).rejects.toThrow(refusal);
    expect(readdirSync(parent)).toEqual(["dangling"]);
  });

  it("a file above the folder is named, before anything is written", async () => {
    const parent = mkdtempSync(join(tmpdir(), "regel-commit-"));
    const file = join(parent, "report.json");
    writeFileSync(file, "{}");
    const out = join(file, "x");
    const refusal = `cannot create ${out}: ${file} is a file`;
    expect(() => checkFolder(out)).toThrow(refusal);
    await expect(
      commitFolder(out, new Map([["report.json", "{}"]])),
    ).rejects.toThrow(refusal);
    expect(readdirSync(parent)).toEqual(["report.json"]);
  });

  it.runIf(existsSync("/proc/self"))(
    "a folder under /proc is found by checkFolder (ENOENT naming it), no lock file tried",
    async () => {
      const out = "/proc/regel-no-such";
      let error: NodeJS.ErrnoException | undefined;
      try {
        checkFolder(out);
      } catch (e) {
        error = e as NodeJS.ErrnoException;
      }
      expect(error?.code).toBe("ENOENT");
      expect(error?.syscall).toBe("mkdir");
      expect(error?.path).toBe(out);
      await expect(
        commitFolder(out, new Map([["report.json", "{}"]])),
      ).rejects.toMatchObject({ syscall: "mkdir", path: out });
    },
    5_000,
  );

  it("a probe folder left by a kill is no obstacle, and the next commit removes it", async () => {
    const parent = mkdtempSync(join(tmpdir(), "regel-commit-"));
    const out = join(parent, "report");
    mkdirSync(join(parent, ".report.regel-probe"));
    checkFolder(out);
    await commitFolder(out, new Map([["report.json", "{}"]]));
    expect(readdirSync(parent)).toEqual(["report"]);
  });
});
