/**
 * A one-thread `regel validate` never loads `node:worker_threads` (runtime/worker-start.ts loads it
 * when a run first starts a worker or opens a channel): loading it is a millisecond of a short
 * run's start (issue 15). Seen through the built-in modules the child process loaded.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../source-folders.js";

let work: string;
let probe: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "regel-one-thread-"));
  // preloaded into the child: at exit, whether node:worker_threads was ever loaded
  probe = join(work, "probe.mjs");
  writeFileSync(
    probe,
    `process.on("exit", () => process.stderr.write("worker_threads loaded: " + process.moduleLoadList.includes("NativeModule worker_threads") + "\\n"));\n`,
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Whether the child process `args` (after `node --import probe`) loaded node:worker_threads. */
function loadsWorkerThreads(args: string[]): boolean {
  const run = spawnSync(process.execPath, ["--import", probe, ...args], {
    encoding: "utf8",
  });
  const seen = /worker_threads loaded: (true|false)/.exec(run.stderr);
  expect(seen, run.stderr).not.toBeNull();
  return seen![1] === "true";
}

describe("a one-thread run", () => {
  it("the probe sees node:worker_threads when a process loads it", () => {
    expect(
      loadsWorkerThreads([
        "--input-type=module",
        "-e",
        'await import("node:worker_threads");',
      ]),
    ).toBe(true);
    expect(loadsWorkerThreads(["-e", ""])).toBe(false);
  });

  // `--threads auto` is the default, and one thread for a delivery this small
  for (const threads of [["--threads", "1"], []])
    it(`\`regel validate ${threads.join(" ") || "(default threads)"}\` of the bundled example does not load node:worker_threads`, () => {
      ensureBuilt();
      const out = join(work, "report");
      expect(
        loadsWorkerThreads([
          join(ROOT, "dist", "cli", "main.js"),
          "validate",
          join(ROOT, "examples", "ikb-delivery"),
          "--rrd",
          "2024-03-31",
          "--out",
          out,
          "--no-progress",
          ...threads,
        ]),
      ).toBe(false);
    });
});
