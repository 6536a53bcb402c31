/**
 * A short `regel validate` runs without V8's optimizing compiler (cli/short-run.ts): which
 * deliveries count as short, and that the flag is set — seen through V8's own optimization status
 * of a hot function in a child process — for a short one only.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  cpSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  folderBytes,
  isShortValidation,
  SMALL_DELIVERY_BYTES,
} from "../../cli/short-run.js";
import { buildPackageOnce } from "../package/package-build.js";
import { ensureBuilt, ROOT } from "../source-folders.js";

const EXAMPLE = join(ROOT, "examples", "ikb-delivery");
let work: string;

/** A folder holding one (sparse) file of `bytes`. */
function folderOf(name: string, bytes: number): string {
  const dir = join(work, name);
  mkdirSync(dir);
  const fd = openSync(join(dir, "natural_person.csv"), "w");
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return dir;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "regel-short-run-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a short validation", () => {
  it("is a delivery of at most SMALL_DELIVERY_BYTES, with its T−1: the bundled example is one", () => {
    expect(isShortValidation(EXAMPLE, undefined)).toBe(true);
    expect(isShortValidation(EXAMPLE, EXAMPLE)).toBe(true);
    const half = folderOf("half", SMALL_DELIVERY_BYTES / 2 + 1);
    expect(isShortValidation(half, undefined)).toBe(true);
    // together over the limit
    expect(isShortValidation(half, half)).toBe(false);
    expect(
      isShortValidation(folderOf("large", SMALL_DELIVERY_BYTES + 1), undefined),
    ).toBe(false);
  });

  it("is not assumed when the folder cannot be listed (standard input, a missing folder)", () => {
    expect(folderBytes([join(work, "missing")], 10)).toBeUndefined();
    expect(isShortValidation("-", undefined)).toBe(false);
    expect(isShortValidation(EXAMPLE, join(work, "missing"))).toBe(false);
  });

  it("turns off V8's optimizing compiler for a short `regel validate` only", () => {
    ensureBuilt();
    const module = pathToFileURL(
      join(ROOT, "dist", "cli", "short-run.js"),
    ).href;
    const large = folderOf("large-2", SMALL_DELIVERY_BYTES * 2);
    const status = (command: string, folder: string) => {
      const run = spawnSync(
        process.execPath,
        [
          "--allow-natives-syntax",
          "--input-type=module",
          "-e",
          `
          import { Command } from "commander";
          const { tuneForShortRun } = await import(${JSON.stringify(module)});
          const action = new Command(${JSON.stringify(command)});
          action.args = [${JSON.stringify(folder)}];
          const tuned = await tuneForShortRun(action);
          function hot(x) { return x * 2 + 1; }
          %PrepareFunctionForOptimization(hot);
          hot(1);
          %OptimizeFunctionOnNextCall(hot);
          hot(2);
          // V8's OptimizationStatus: bit 6 TurboFanned
          console.log(JSON.stringify({ tuned, turbofanned: (%GetOptimizationStatus(hot) & 64) !== 0 }));
          `,
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
      expect(run.stderr).toBe("");
      return JSON.parse(run.stdout) as { tuned: boolean; turbofanned: boolean };
    };
    expect(status("validate", EXAMPLE)).toEqual({
      tuned: true,
      turbofanned: false,
    });
    expect(status("validate", large)).toEqual({
      tuned: false,
      turbofanned: true,
    });
    expect(status("check", EXAMPLE)).toEqual({
      tuned: false,
      turbofanned: true,
    });
  });

  it("is how the bin validates the bundled example: next to nothing compiled by TurboFan (--trace-opt), unlike the same rows beside 3 MiB more", async () => {
    ensureBuilt();
    await buildPackageOnce();
    const padded = join(work, "padded");
    cpSync(EXAMPLE, padded, { recursive: true });
    const fd = openSync(join(padded, "padding.bin"), "w");
    ftruncateSync(fd, 3 * 1024 * 1024);
    closeSync(fd);
    const turbofanLines = (folder: string, out: string) => {
      const run = spawnSync(
        process.execPath,
        [
          "--trace-opt",
          join(ROOT, "dist", "bin", "regel.js"),
          "validate",
          folder,
          "--rrd",
          "2024-03-31",
          "--out",
          join(work, out),
          "--no-progress",
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/rows: 1860 read/);
      // "[compiling method … (target TURBOFAN) using TurboFan]"; a function marked for it during
      // start-up, before the command runs, is not compiled any more
      return run.stdout
        .split("\n")
        .filter((l) => /^\[compiling method .*turbofan/i.test(l)).length;
    };
    // Unloaded the short run compiles nothing (the padded one about 35 functions); under load a
    // function marked during start-up can still be compiled once or twice before the hook runs.
    expect(turbofanLines(EXAMPLE, "report-short")).toBeLessThanOrEqual(2);
    expect(turbofanLines(padded, "report-padded")).toBeGreaterThan(10);
  }, 60_000);
});
