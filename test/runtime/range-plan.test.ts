/**
 * The ranges of the whole-file passes over worker threads (runtime/stage-partition.ts
 * `rangePlan`): cut at the scan's resume points for files in IKB key order, and, where the group
 * stage sorted a file over the threads, at the keys its runs were split at, each range given that
 * file's runs of the range only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { rangePlan } from "../../runtime/stage-partition.js";
import type { DeliveryRun, FileState } from "../../runtime/delivery-state.js";
import { ensureBuilt } from "../source-folders.js";

beforeAll(() => {
  // a plan needs the worker entry (dist/runtime/pool-worker.js)
  ensureBuilt();
});

const run = { loaded: { compiledSha256: "0".repeat(64) } } as DeliveryRun;

/** A plain CSV file of one entity, in IKB key order, with a resume point after each key. */
function sorted(name: string, keys: string[]): FileState {
  return {
    file: name,
    format: "csv",
    entity: { name },
    ikbCol: 0,
    bytes: keys.length * 1000,
    report: { sortedByIkbKey: true },
    resume: keys.map((k, i) => ({
      offset: (i + 1) * 1000,
      line: i + 2,
      lastKey: k,
      row: i + 1,
    })),
  } as unknown as FileState;
}

/** A file the group stage sorted over the threads: its runs split at `cuts`. */
function inRuns(name: string, cuts: string[], runs: string[][]): FileState {
  return {
    file: name,
    format: "csv",
    entity: { name },
    ikbCol: 0,
    bytes: 10_000,
    report: { sortedByIkbKey: false },
    runs: runs.flat(),
    rangeRuns: { cuts, runs },
  } as unknown as FileState;
}

describe("rangePlan", () => {
  it("cuts files in IKB key order after a resume point, each range starting at the last point below it", () => {
    const np = sorted("NP", ["a", "b", "c", "d"]);
    const plan = rangePlan(run, [np], 2);
    expect(typeof plan).not.toBe("string");
    const ranges = (plan as Exclude<typeof plan, string>).ranges;
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toMatchObject({ lo: null, starts: [null], runs: [null] });
    const cut = ranges[1].lo!;
    expect(ranges[0].hi).toBe(cut);
    expect(ranges[1].hi).toBeNull();
    // the last resume point whose last key is below the cut
    const point = np.resume!.filter((r) => r.lastKey! < cut).at(-1)!;
    expect(ranges[1].starts).toEqual([
      { offset: point.offset, line: point.line },
    ]);
  });

  it("cuts where the runs of a file sorted over the threads were split, and gives each range its own runs", () => {
    const cuts = ["c", "f"];
    const np = sorted("NP", ["a", "b", "c", "d", "e", "f", "g"]);
    const sa = inRuns("SA", cuts, [["sa-0a", "sa-0b"], ["sa-1a"], []]);
    const plan = rangePlan(run, [np, sa], 2);
    expect(typeof plan).not.toBe("string");
    const ranges = (plan as Exclude<typeof plan, string>).ranges;
    // as many ranges as the runs were split into, whatever the threads now
    expect(ranges.map((r) => [r.lo, r.hi])).toEqual([
      [null, "c"],
      ["c", "f"],
      ["f", null],
    ]);
    expect(ranges.map((r) => r.runs)).toEqual([
      [null, ["sa-0a", "sa-0b"]],
      [null, ["sa-1a"]],
      [null, []],
    ]);
    // the file in key order from its resume points; the file in runs from none
    expect(ranges.map((r) => r.starts[1])).toEqual([null, null, null]);
    expect(ranges[1].starts[0]).toEqual({ offset: 2000, line: 3 });
    expect(ranges[2].starts[0]).toEqual({ offset: 5000, line: 6 });
  });

  it("refuses a file sorted in one thread (runs not split by range), and one thread", () => {
    const np = sorted("NP", ["a", "b", "c", "d"]);
    const one = {
      ...inRuns("SA", ["c"], [["r0"], ["r1"]]),
      rangeRuns: undefined,
    } as FileState;
    expect(rangePlan(run, [np, one], 2)).toBe("SA is not in IKB key order");
    expect(rangePlan(run, [np], 1)).toBe("one thread");
    expect(rangePlan({ ...run, previous: {} } as DeliveryRun, [np], 2)).toBe(
      "a previous delivery is read",
    );
  });
});
