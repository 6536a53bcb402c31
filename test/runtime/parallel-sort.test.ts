/**
 * The group stage's sort over worker threads (runtime/parallel-sort.ts): a delivery whose IKB
 * files are not in IKB key order (its rows shuffled, some with quoted line breaks, so that a
 * piece's reader starts at a record boundary the scan recorded and not at any line feed) gives
 * the report folder of one thread, byte for byte, when its files are sorted in pieces by three
 * threads, which also validate its IKBs by key range from runs split at keys the scan sampled
 * (`sampledCutKeys`, which puts about equal bytes below each cut).
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import type { FileState } from "../../runtime/delivery-state.js";
import { sampledCutKeys } from "../../runtime/stage-partition.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { Random } from "../../runtime/synthetic/random.js";
import { ensureBuilt } from "../source-folders.js";
import { writtenReportFiles } from "./helpers.js";

const work = mkdtempSync(join(tmpdir(), "regel-parallel-sort-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let glo: LoadedRuleset;
beforeAll(async () => {
  // the workers run the built entry (dist/runtime/pool-worker.js)
  ensureBuilt();
  glo = await loadCompiled(join("rulesets", "compiled", "ikb.glo@1.3.0"));
}, 300_000);

/**
 * The data rows of every CSV file of `dir` shuffled (the header kept), and every 7th row of the
 * files given a quoted last field with a line break in it.
 */
function shuffleFiles(dir: string, seed: number): void {
  const r = new Random(seed);
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".csv"))) {
    const path = join(dir, name);
    const [header, ...rows] = readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    for (let i = rows.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const broken = rows.map((row, i) => {
      if (i % 7 !== 3) return row;
      const cells = row.split(",");
      cells[cells.length - 1] = `"${cells[cells.length - 1]}\nsecond line"`;
      return cells.join(",");
    });
    writeFileSync(path, [header, ...broken, ""].join("\n"));
  }
}

describe("the sort over worker threads", () => {
  it.each([11, 12, 13])(
    "gives one thread's report folder, byte for byte, with three threads sorting pieces (seed %i)",
    async (seed) => {
      const dir = join(work, `d${seed}`);
      generateDelivery(glo.module, {
        depositors: 1500,
        seed,
        defectRate: 0.1,
        markingRate: 0.05,
        duplicateRate: 0.05,
        rrd: "2024-03-31",
        out: dir,
      });
      shuffleFiles(dir, seed);
      const run = async (threads: number) => {
        const report = await validateDelivery(dir, glo, {
          rrd: "2024-03-31",
          threads,
          scanSplitBytes: 1,
          sealSplitHashes: 1,
          sortPieceBytes: 1,
        });
        return {
          report,
          files: await writtenReportFiles(report, work, "utf8"),
        };
      };
      const one = await run(1);
      const many = await run(3);
      const unsorted = one.report.files.filter(
        (f) => f.sortedByIkbKey === false,
      );
      expect(unsorted.length).toBeGreaterThan(3);
      expect([...many.files.keys()]).toEqual([...one.files.keys()]);
      for (const [name, text] of one.files)
        expect(many.files.get(name), name).toBe(text);
    },
    120_000,
  );
});

describe("the sort's merges over worker threads", () => {
  it("gives one thread's report folder when a sort budget of a few rows leaves hundreds of runs in every range, each range merged down on a thread of its own", async () => {
    const dir = join(work, "many-runs");
    generateDelivery(glo.module, {
      depositors: 1200,
      seed: 14,
      defectRate: 0.1,
      markingRate: 0.05,
      duplicateRate: 0.05,
      rrd: "2024-03-31",
      out: dir,
    });
    shuffleFiles(dir, 14);
    // about 20 rows a run with one thread, 7 with three: every range of the larger files holds
    // more than MERGE_FAN_IN (64) runs, so its runs are merged before the validate pass
    const run = async (threads: number) =>
      writtenReportFiles(
        await validateDelivery(dir, glo, {
          rrd: "2024-03-31",
          threads,
          sortPieceBytes: 1,
          sortBudget: 3000,
        }),
        work,
        "utf8",
      );
    const one = await run(1);
    const many = await run(3);
    expect([...many.keys()]).toEqual([...one.keys()]);
    for (const [name, text] of one) expect(many.get(name), name).toBe(text);
  }, 120_000);
});

describe("sampledCutKeys", () => {
  /** A file whose scan recorded a cut every `step` bytes after the rows of `keys`. */
  const file = (keys: (string | null)[], step: number) =>
    ({
      cuts: keys.map((lastKey, i) => ({
        offset: (i + 1) * step,
        line: i + 2,
        lastKey,
      })),
    }) as unknown as FileState;

  it("cuts ascending, each with about k/n of the sampled bytes below it", () => {
    const r = new Random(7);
    const key = () => `K${String(r.int(0, 999_999)).padStart(7, "0")}`;
    const files = [
      file(Array.from({ length: 300 }, key), 1000),
      file(Array.from({ length: 100 }, key), 3000),
      file([null, ...Array.from({ length: 50 }, key)], 500),
    ];
    const samples = files.flatMap((f) =>
      f.cuts!.flatMap((c, i) =>
        c.lastKey === null
          ? []
          : [
              {
                key: c.lastKey,
                bytes: c.offset - (f.cuts![i - 1]?.offset ?? 0),
              },
            ],
      ),
    );
    const total = samples.reduce((t, x) => t + x.bytes, 0);
    for (const n of [2, 3, 4, 16]) {
      const cuts = sampledCutKeys(files, n);
      expect(cuts).toHaveLength(n - 1);
      cuts.forEach((cut, k) => {
        if (k > 0) expect(cut > cuts[k - 1]).toBe(true);
        const below = samples
          .filter((x) => x.key < cut)
          .reduce((t, x) => t + x.bytes, 0);
        // within the largest sample of the k-th share
        expect(Math.abs(below - (total * (k + 1)) / n)).toBeLessThanOrEqual(
          3000,
        );
      });
    }
  });

  it("gives fewer cuts where the keys do not allow more, and none without samples", () => {
    expect(sampledCutKeys([file(["A", "A", "A", "A"], 10)], 4)).toEqual([
      "A\u0000",
    ]);
    expect(sampledCutKeys([file([null, null], 10)], 4)).toEqual([]);
    expect(sampledCutKeys([], 2)).toEqual([]);
  });
});
