/**
 * Fault injection: `regel validate --out DIR` (and the report writer under it) is killed with
 * SIGKILL at every step of the commit and at random moments (fixed seeds), over a DIR that holds
 * an earlier report. After every kill DIR holds the earlier complete set or the new complete one —
 * never a mix, never a truncated file, never a stale sample — and the next run finishes an
 * interrupted swap.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { recoverFolder } from "../../runtime/folder-commit.js";
import { sampleFiles } from "../../runtime/report-csv.js";
import { writeReport } from "../../runtime/report-write.js";
import { Random } from "../../runtime/synthetic/random.js";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt, MAIN, ROOT, runCli } from "./built-cli.js";
import { completeReportSet, stateAfterKill } from "./report-set.js";

const OLD = "2024-01-01T00:00:00Z";
let work: string;
let delivery: string;
let oldReport: Report;
let newReportPath: string;
let newStamp: string;

function validateJson(folder: string, rrd: string, stamp: string): string {
  const r = runCli([
    "validate",
    folder,
    "--rrd",
    rrd,
    "--generated-at",
    stamp,
    "--json",
    "--no-progress",
  ]);
  expect(r.status, r.stderr).toBeLessThanOrEqual(1);
  return r.stdout;
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "regel-faults-"));
  delivery = join(work, "delivery");
  const g = runCli([
    "generate",
    "--depositors",
    "300",
    "--seed",
    "7",
    "--defect-rate",
    "0.6",
    "--rrd",
    "2024-03-29",
    "--out",
    delivery,
  ]);
  expect(g.status, g.stderr).toBe(0);
  // the earlier report: another delivery, other rules with findings, so other sample files
  oldReport = JSON.parse(
    validateJson(
      join(ROOT, "test", "runtime", "fixtures", "glo-delivery"),
      "2022-12-31",
      OLD,
    ),
  ) as Report;
  newStamp = "2024-02-02T00:00:00Z";
  newReportPath = join(work, "new.json");
  writeFileSync(newReportPath, validateJson(delivery, "2024-03-29", newStamp));
}, 120_000);

/** A fresh `--out` folder holding the earlier report. */
async function outWithOldReport(): Promise<string> {
  const out = join(mkdtempSync(join(work, "case-")), "report");
  await writeReport(oldReport, out);
  expect(completeReportSet(out)).toBe(OLD);
  return out;
}

/** Nothing of the commit protocol is left beside `out`. */
function noLeftovers(out: string): void {
  expect(
    readdirSync(join(out, "..")).filter((n) => n.includes(".regel-")),
  ).toEqual([]);
}

describe("report set under SIGKILL", () => {
  it("after a kill at each step of the commit: the old set or the new one, and the next run finishes the swap", async () => {
    const child = join(work, "write-and-die.mjs");
    writeFileSync(
      child,
      `import { readFileSync } from "node:fs";
import { writeReport } from ${JSON.stringify(pathToFileURL(join(ROOT, "dist", "runtime", "report-write.js")).href)};
const [reportPath, out, k] = process.argv.slice(2);
let n = 0;
await writeReport(JSON.parse(readFileSync(reportPath, "utf8")), out, {
  onStep: () => { if (n++ === Number(k)) process.kill(process.pid, "SIGKILL"); },
});
process.stdout.write("finished after " + n + " steps");
`,
    );
    const outcomes: string[] = [];
    for (let k = 0; k < 200; k++) {
      const out = await outWithOldReport();
      const r = spawnSync(
        process.execPath,
        [child, newReportPath, out, String(k)],
        {
          encoding: "utf8",
        },
      );
      if (r.signal === null) {
        // k is past the last step: the commit ran to the end
        expect(r.stdout, r.stderr).toMatch(/^finished/);
        expect(completeReportSet(out)).toBe(newStamp);
        noLeftovers(out);
        break;
      }
      expect(r.signal).toBe("SIGKILL");
      const state = stateAfterKill(out);
      const seen = "set" in state ? state.set : `staged ${state.staged}`;
      expect([OLD, newStamp, `staged ${newStamp}`]).toContain(seen);
      // the next run (here its recovery step alone) leaves one complete set and nothing beside it
      await recoverFolder(out);
      const after = completeReportSet(out);
      expect([OLD, newStamp]).toContain(after);
      noLeftovers(out);
      outcomes.push(after === OLD ? "old" : "new");
    }
    // every step was hit; the set switches from old to new exactly once, at the commit point
    expect(outcomes.length).toBeGreaterThan(5);
    expect(outcomes.join(" ")).toMatch(/^(old )+(new ?)+$/);
  }, 60_000);

  it("killed after the new set is staged but before the swap: the staged set is what the folder becomes", async () => {
    // the state a kill between steps 1 and 2 of the commit leaves (runtime/folder-commit.ts): the
    // old set still in place and the complete new one beside it as .report.regel-new
    const out = await outWithOldReport();
    const staged = join(out, "..", ".report.regel-new");
    await writeReport(
      JSON.parse(readFileSync(newReportPath, "utf8")) as Report,
      staged,
    );
    expect(completeReportSet(out)).toBe(OLD);
    expect(stateAfterKill(out)).toEqual({ staged: newStamp });
    await recoverFolder(out);
    expect(completeReportSet(out)).toBe(newStamp);
    noLeftovers(out);
  });

  it("a rerun into the same folder leaves no sample of the previous run", async () => {
    const out = await outWithOldReport();
    const next = sampleFiles(
      JSON.parse(readFileSync(newReportPath, "utf8")) as Report,
    );
    const stale = readdirSync(join(out, "samples")).filter((f) => !next.has(f));
    expect(stale.length).toBeGreaterThan(0);
    const r = runCli([
      "validate",
      delivery,
      "--rrd",
      "2024-03-29",
      "--generated-at",
      newStamp,
      "--out",
      out,
      "--no-progress",
    ]);
    expect(r.status, r.stderr).toBeLessThanOrEqual(1);
    expect(completeReportSet(out)).toBe(newStamp);
    for (const f of stale)
      expect(existsSync(join(out, "samples", f))).toBe(false);
  });

  it("`regel validate` killed at random moments (fixed seeds) never leaves a half-written folder", async () => {
    const out = await outWithOldReport();
    const lock = join(out, "..", ".report.regel-lock");
    const args = (stamp: string) => [
      MAIN,
      "validate",
      delivery,
      "--rrd",
      "2024-03-29",
      "--generated-at",
      stamp,
      "--out",
      out,
      "--no-progress",
    ];
    /** Busy-wait (the child runs on its own) until `cond` or `ms` have passed; returns the time. */
    const until = (cond: () => boolean, ms: number): number => {
      const t0 = performance.now();
      while (!cond() && performance.now() - t0 < ms);
      return performance.now();
    };
    // The lock is created, then its owner written: a kill between the two leaves a lock without an
    // owner, which every run treats as live for a few seconds (folder-commit's UNOWNED_LOCK_MS). The
    // kills below wait for the owner, so that recovery right after them can take the lock.
    const owned = (): boolean => {
      try {
        return statSync(lock).size > 0;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw e;
      }
    };
    // how long the commit takes here: from the lock appearing to it going
    const probe = spawn(process.execPath, args(newStamp), { stdio: "ignore" });
    const probeEnd = new Promise((r) => probe.on("exit", r));
    const t1 = until(() => existsSync(lock), 30_000);
    const t2 = until(() => !existsSync(lock), 30_000);
    await probeEnd;
    const commitMs = Math.max(1, t2 - t1);
    let previous = completeReportSet(out);
    let midCommit = 0;
    /** Start a run, wait with `wait`, kill it, and check what the folder holds after recovery. */
    const killAfter = async (stamp: string, wait: () => void) => {
      const child = spawn(process.execPath, args(stamp), { stdio: "ignore" });
      const exited = new Promise<NodeJS.Signals | null>((r) =>
        child.on("exit", (_c, sig) => r(sig)),
      );
      wait();
      if (existsSync(lock)) midCommit++;
      child.kill("SIGKILL");
      await exited;
      // killed between creating the lock and writing its owner (a loaded machine can stop a run
      // just there): every run takes such a lock for live until it is 5 s old (folder-commit's
      // UNOWNED_LOCK_MS), so recovery waits that out as the next run would
      if (existsSync(lock) && !owned())
        await new Promise((r) => setTimeout(r, 5_500));
      const state = stateAfterKill(out);
      const seen = "set" in state ? state.set : state.staged;
      expect([previous, stamp]).toContain(seen);
      await recoverFolder(out);
      previous = completeReportSet(out);
      expect(previous).toBe(seen);
      noLeftovers(out);
    };
    for (const seed of [1, 2, 3, 4]) {
      const rng = new Random(seed);
      // a point in the commit (most seeds) or anywhere in the run before it
      const inCommit = rng.int(0, 3) > 0;
      const fraction = rng.int(0, 1000) / 1000;
      await killAfter(`2024-03-0${seed}T00:00:00Z`, () => {
        if (inCommit) {
          until(owned, 30_000);
          until(() => false, fraction * 1.5 * commitMs);
        } else until(() => false, fraction * 1_000);
      });
    }
    // On a loaded machine the commit can take far longer or shorter than the probe's, and every
    // seeded kill can miss it; then kill right after the lock has its owner until one lands inside.
    for (let extra = 0; midCommit === 0 && extra < 5; extra++)
      await killAfter(`2024-03-1${extra}T00:00:00Z`, () => {
        until(owned, 30_000);
      });
    expect(midCommit).toBeGreaterThan(0);
    rmSync(out, { recursive: true, force: true });
  }, 150_000);
});
