/**
 * makeFolderSync: `mkdir -p` that ends with an error where Node 20's `recursive` option loops
 * forever (a path under /proc), and whyNoFolder's words for what is in the way.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeFolderSync, whyNoFolder } from "../../runtime/make-folder.js";

/** The error `makeFolderSync(path)` throws. */
function failureOf(path: string): NodeJS.ErrnoException {
  try {
    makeFolderSync(path);
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  throw new Error(`${path} was created`);
}

describe("makeFolderSync", () => {
  it("creates a folder and its missing parents; an existing folder is fine", () => {
    const work = mkdtempSync(join(tmpdir(), "regel-mkdir-"));
    makeFolderSync(join(work, "a", "b", "c"));
    expect(statSync(join(work, "a", "b", "c")).isDirectory()).toBe(true);
    makeFolderSync(join(work, "a", "b"));
    makeFolderSync(work);
    expect(readdirSync(join(work, "a"))).toEqual(["b"]);
  });

  it.runIf(existsSync("/proc/self"))(
    "a path under /proc ends with ENOENT naming the path (Node's recursive mkdir loops forever there)",
    () => {
      const e = failureOf("/proc/regel-no-such/x");
      expect(e.code).toBe("ENOENT");
      expect(e.syscall).toBe("mkdir");
      expect(e.path).toBe("/proc/regel-no-such/x");
      expect(whyNoFolder(e.path!, e.code)).toBe(
        "/proc does not allow a new folder in it",
      );
    },
    5_000,
  );

  it("a file further up: an error naming the path, whyNoFolder names the file", () => {
    const work = mkdtempSync(join(tmpdir(), "regel-mkdir-"));
    const file = join(work, "report.json");
    writeFileSync(file, "{}");
    const e = failureOf(join(file, "x", "y"));
    expect(e.syscall).toBe("mkdir");
    expect(e.path).toBe(join(file, "x", "y"));
    expect(whyNoFolder(e.path!, e.code)).toBe(`${file} is a file`);
    expect(readdirSync(work)).toEqual(["report.json"]);
  }, 5_000);

  it("a symbolic link to nothing: whyNoFolder names the link and its target", () => {
    const work = mkdtempSync(join(tmpdir(), "regel-mkdir-"));
    const link = join(work, "dangling");
    symlinkSync("/nonexistent/target", link);
    const e = failureOf(join(link, "x"));
    expect(e.path).toBe(join(link, "x"));
    expect(whyNoFolder(e.path!, e.code)).toBe(
      `${link} is a symbolic link to /nonexistent/target that does not exist`,
    );
    expect(failureOf(link).path).toBe(link);
    expect(readdirSync(work)).toEqual(["dangling"]);
  }, 5_000);
});
