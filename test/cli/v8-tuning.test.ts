/**
 * The V8 flags `regel validate` sets for itself (cli/v8-tuning.ts): which deliveries count as
 * short, and that the flags are set — seen in a child process through V8's own optimization status
 * of a hot function (no TurboFan for a short one only) and the generation a surviving allocation
 * site's next object lands in (no pretenuring for every validation).
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
import { availableParallelism, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  folderBytes,
  isShortValidation,
  SMALL_DELIVERY_BYTES,
} from "../../cli/v8-tuning.js";
import {
  AUTO_MEMORY_PER_THREAD,
  AUTO_MIN_BYTES,
  threadsWanted,
} from "../../runtime/stage-partition.js";
import { availableCores } from "../../runtime/cpu-quota.js";
import { validationV8Flags } from "../../runtime/v8-flags.js";
import { buildPackageOnce } from "../package/package-build.js";
import { ensureBuilt, ROOT } from "../source-folders.js";

const EXAMPLE = join(ROOT, "examples", "ikb-delivery");

/**
 * Script text: a million objects of one allocation site, all kept; then `young`, how many of the
 * site's next 100 objects V8 allocates young (100 when it does not pretenure the site).
 */
const PRETENURING_PROBE = `
  function pair(i) { return [i, i + 1]; }
  const kept = [];
  for (let i = 0; i < 1_000_000; i++) kept.push(pair(i));
  let young = 0;
  for (let i = 0; i < 100; i++) if (%InYoungGeneration(pair(i))) young++;`;
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

describe("the V8 flags of a validation", () => {
  it("adds a short run's flags, and no parallel scavenge when the threads take every core", () => {
    const every = ["--no-allocation-site-pretenuring"];
    expect(validationV8Flags(false, 1, 2)).toEqual(every);
    expect(validationV8Flags(true, 1, 2)).toEqual([
      ...every,
      "--no-opt",
      "--no-minor-gc-task",
    ]);
    expect(validationV8Flags(false, 2, 2)).toEqual([
      ...every,
      "--no-parallel-scavenge",
    ]);
    expect(validationV8Flags(false, 4, 2)).toEqual([
      ...every,
      "--no-parallel-scavenge",
    ]);
    // cores to spare for the collector's helpers, or one thread on one core
    expect(validationV8Flags(false, 2, 8)).toEqual(every);
    expect(validationV8Flags(false, 1, 1)).toEqual(every);
  });
});

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

  it("turns off pretenuring for every `regel validate`, and V8's optimizing compiler for a short one only", () => {
    ensureBuilt();
    const module = pathToFileURL(
      join(ROOT, "dist", "cli", "v8-tuning.js"),
    ).href;
    const large = folderOf("large-2", SMALL_DELIVERY_BYTES * 2);
    const status = (command: string, folder: string, threads?: string) => {
      const run = spawnSync(
        process.execPath,
        [
          "--allow-natives-syntax",
          "--input-type=module",
          "-e",
          `
          import { Command } from "commander";
          const { tuneV8ForRun } = await import(${JSON.stringify(module)});
          const action = new Command(${JSON.stringify(command)});
          action.args = [${JSON.stringify(folder)}];
          action.option("--threads <n|auto>");
          if (${JSON.stringify(threads ?? null)} !== null) action.setOptionValue("threads", ${JSON.stringify(threads ?? null)});
          const flags = await tuneV8ForRun(action);
          function hot(x) { return x * 2 + 1; }
          %PrepareFunctionForOptimization(hot);
          hot(1);
          %OptimizeFunctionOnNextCall(hot);
          hot(2);
          ${PRETENURING_PROBE}
          // V8's OptimizationStatus: bit 6 TurboFanned
          console.log(JSON.stringify({ flags, turbofanned: (%GetOptimizationStatus(hot) & 64) !== 0, young }));
          `,
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
      expect(run.stderr).toBe("");
      return JSON.parse(run.stdout) as {
        flags: string[];
        turbofanned: boolean;
        young: number;
      };
    };
    expect(status("validate", EXAMPLE)).toEqual({
      flags: [
        "--no-allocation-site-pretenuring",
        "--no-opt",
        "--no-minor-gc-task",
      ],
      turbofanned: false,
      young: 100,
    });
    // Unoptimized (the example's run), V8 does not pretenure this site anyway; optimized, it does
    // in about 9 runs of 10 without the flag (the next test), so four such runs tell the flag's
    // absence almost surely. Threads on every core: no parallel scavenge either (at least 2,
    // whatever this machine has); `auto` takes one thread below 256 MB of files.
    const pretenuringOff = ["--no-allocation-site-pretenuring"];
    const everyCore = String(Math.max(2, availableParallelism()));
    for (const [threads, flags] of [
      [undefined, pretenuringOff],
      [everyCore, [...pretenuringOff, "--no-parallel-scavenge"]],
      ["1", pretenuringOff],
      ["auto", pretenuringOff],
    ] as const)
      expect(status("validate", large, threads)).toEqual({
        flags,
        turbofanned: true,
        young: 100,
      });
    // `auto` is the default: from 256 MB of files on, every core (at most 16, and as memory
    // allows), so no parallel scavenge on a machine of two cores or more
    const huge = folderOf("huge", AUTO_MIN_BYTES);
    const cores = availableCores();
    const auto = validationV8Flags(
      false,
      threadsWanted("auto", AUTO_MIN_BYTES),
      cores,
    );
    if (cores >= 2 && totalmem() >= 2 * AUTO_MEMORY_PER_THREAD)
      expect(auto).toContain("--no-parallel-scavenge");
    for (const threads of [undefined, "auto"])
      expect(status("validate", huge, threads).flags).toEqual(auto);
    expect(status("validate", huge, "1").flags).toEqual(pretenuringOff);
    // without the flag V8 may or may not pretenure (the next test): only the flags are certain
    const check = status("check", EXAMPLE);
    expect(check.flags).toEqual([]);
    expect(check.turbofanned).toBe(true);
  });

  it("the probe above sees pretenuring where nothing turned it off", () => {
    // V8 decides from what its collections see, so not every run pretenures (about 1 in 10 did
    // not, here, loaded or not); with the flag set, the young count above is 100 in every run. Of
    // five runs without it, one that pretenures shows that the probe tells the two apart.
    const youngCounts: number[] = [];
    for (let run = 0; run < 5 && !youngCounts.includes(0); run++) {
      const child = spawnSync(
        process.execPath,
        [
          "--allow-natives-syntax",
          "-e",
          `${PRETENURING_PROBE}\nconsole.log(young);`,
        ],
        { encoding: "utf8" },
      );
      expect(child.stderr).toBe("");
      youngCounts.push(Number(child.stdout));
    }
    expect(youngCounts).toContain(0);
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
