/**
 * The progress a run reports (`DeliveryOptions.onProgress`, drawn by runtime/progress.ts): along
 * the way it comes every so many bytes or rows, so each phase of each file also reports its end —
 * the bar ends full, with the rows the phase counted, not at the last report before it (the
 * sort's bars stopped at 53–65 %, the validate pass's at 99 %).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shuffledCopy } from "../../bench/shuffle.js";
import { validateDelivery } from "../../runtime/delivery.js";
import type { Progress } from "../../runtime/delivery-state.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { ensureBuilt } from "../source-folders.js";

const work = mkdtempSync(join(tmpdir(), "regel-progress-ends-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let glo: LoadedRuleset;
const shuffled = join(work, "shuffled");
beforeAll(async () => {
  // the workers run the built entry (dist/runtime/pool-worker.js)
  ensureBuilt();
  glo = await loadCompiled(join("rulesets", "compiled", "ikb.glo@1.3.0"));
  const sorted = join(work, "sorted");
  generateDelivery(glo.module, {
    depositors: 400,
    seed: 5,
    defectRate: 0.1,
    markingRate: 0.05,
    rrd: "2024-03-31",
    out: sorted,
  });
  await shuffledCopy(sorted, shuffled, 5);
}, 300_000);

describe("the progress of a run", () => {
  it.each([1, 2])(
    "ends every phase of every file full, with its rows (%i threads)",
    async (threads) => {
      const last = new Map<string, Progress>();
      const report = await validateDelivery(shuffled, glo, {
        rrd: "2024-03-31",
        threads,
        scanSplitBytes: 1,
        sortPieceBytes: 1,
        onProgress: (p) => last.set(`${p.phase}:${p.file}`, p),
      });
      for (const [key, p] of last) expect(p.done, key).toBe(p.total);
      const read = report.files.filter((f) => f.readStatus === "read");
      // the scan: each file read, with the rows the report gives it
      for (const f of read)
        expect(last.get(`scan:${f.file}`)?.rows, f.file).toBe(f.rowsRead);
      // the sort: the good rows of the files not in key order, each (one thread) or together
      const unsorted = read.filter((f) => f.sortedByIkbKey === false);
      expect(unsorted.length).toBeGreaterThan(3);
      const good = (fs: typeof read) =>
        fs.reduce((n, f) => n + f.rowsRead - f.rowsRejected, 0);
      const sorts = [...last.values()].filter((p) => p.phase === "sort");
      if (threads === 1)
        expect(sorts.map((p) => [p.file, p.rows])).toEqual(
          unsorted.map((f) => [f.file, good([f])]),
        );
      else
        expect(sorts.map((p) => [p.file, p.rows])).toEqual([
          [unsorted.map((f) => f.file).join(", "), good(unsorted)],
        ]);
      // the validate pass: every good row of the IKB files
      const validate = [...last.values()].filter((p) => p.phase === "validate");
      expect(validate).toHaveLength(1);
      expect(validate[0].rows).toBe(
        good(read.filter((f) => f.sortedByIkbKey !== null)),
      );
    },
    120_000,
  );

  // a throwing callback was caught as a read error: the file reported `input.unreadable`, the
  // delivery rejected (a bug in the caller's progress bar blamed on the bank's data)
  it.each([
    [1, "scan"],
    [1, "sort"],
    [1, "validate"],
    [2, "scan"],
    [2, "sort"],
    [2, "validate"],
  ] as const)(
    "a throwing onProgress fails the run with its error (%i threads, in the %s phase)",
    async (threads, phase) => {
      const bug = new Error(`bug in the progress bar (${phase})`);
      let calls = 0;
      const run = validateDelivery(shuffled, glo, {
        rrd: "2024-03-31",
        threads,
        scanSplitBytes: 1,
        sortPieceBytes: 1,
        onProgress: (p) => {
          if (p.phase !== phase) return;
          calls++;
          throw bug;
        },
      });
      await expect(run).rejects.toBe(bug);
      // called no more once it threw
      expect(calls).toBe(1);
    },
    120_000,
  );
});
