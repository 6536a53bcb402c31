import { describe, expect, it } from "vitest";
import { THREADS, type Measurement } from "../../bench/parse-references.js";
import {
  TARGET,
  measureScaling,
  scalingTables,
  withScalingSection,
  type ScalingPoint,
} from "../../bench/thread-scaling.js";

/** A run of `rows` rows taking `fixed` ms plus `perRow` ms a row, its phases in that proportion. */
function run(rows: number, fixed: number, perRow: number): Measurement {
  const ms = fixed + perRow * rows;
  return {
    ms,
    rows,
    ikbs: rows / 6,
    findings: 7,
    scanMs: ms * 0.25,
    betweenMs: ms * 0.15,
    passMs: ms * 0.55,
    reportMs: ms * 0.05,
    steadyRowsPerS: 1000 / perRow,
    peakRssMiB: 300,
  };
}

describe("scalingTables", () => {
  // one thread: 400 ms + 3 µs a row; the threads: 1,000 ms + 1.5 µs a row (2 × per row)
  const points: ScalingPoint[] = [1.2e6, 6e6, 18e6].map((rows) => ({
    depositors: rows / 6,
    rows,
    one: run(rows, 400, 3e-3),
    many: run(rows, 1000, 1.5e-3),
  }));
  const text = scalingTables(points).join("\n");

  it("gives each size's ratio and the ratios of its phases", () => {
    // 1.2 M rows: 4,000 against 2,800 ms
    expect(text).toContain(
      "| 200,000 (1,200,000) | 4.00 | 2.80 | **1.43 ×** | 1.43 × | 1.43 × | 1.43 × | 2.00 × | 300 / 300 |",
    );
    expect(text).toContain("| 3,000,000 (18,000,000) | 54.40 | 28.00 |");
  });

  it("gives what the rows added from one size to the next cost", () => {
    expect(text).toContain(
      "| 200,000 → 1,000,000 | 4,800,000 | 14.40 | 7.20 | **2.00 ×** |",
    );
    expect(text).toContain(
      "| 1,000,000 → 3,000,000 | 12,000,000 | 36.00 | 18.00 | **2.00 ×** |",
    );
  });

  it("gives the threads' excess at each size, and the most the target allows", () => {
    expect(TARGET).toBe(1.8);
    // 1.2 M rows: 2,800 ms against 4,000 / 2; the target allows 4,000 / 1.8 − 2,000
    expect(text).toContain("| 200,000 | 2.80 | 2.00 | **0.80** | 0.22 |");
    expect(text).toContain("| 3,000,000 | 28.00 | 27.20 | **0.80** | 3.02 |");
    expect(text).toContain(
      `On the rows the largest delivery adds, ${THREADS} threads gain **2.00 ×** one thread's throughput.`,
    );
    expect(text).not.toContain("none:");
  });

  it("takes the ratio on the rows the largest delivery adds where the steps differ", () => {
    const at = (
      depositors: number,
      rows: number,
      one: number,
      many: number,
    ) => ({
      depositors,
      rows,
      one: { ms: one, rows },
      many: { ms: many, rows },
    });
    const bent = scalingTables([
      at(100, 1e6, 5000, 4000),
      at(200, 2e6, 8000, 5600),
      at(400, 4e6, 14000, 8400),
    ]).join("\n");
    expect(bent).toContain(
      "| 100 → 200 | 1,000,000 | 3.00 | 1.60 | **1.88 ×** |",
    );
    expect(bent).toContain(
      "| 200 → 400 | 2,000,000 | 6.00 | 2.80 | **2.14 ×** |",
    );
    // 6,000 / 2,800 on rows: 5,000 / 2.142857 = 2,333 ms at 100, the excess 1,667 ms
    expect(bent).toContain("| 100 | 4.00 | 2.33 | **1.67** | 0.44 |");
    expect(bent).toContain("| 400 | 8.40 | 6.53 | **1.87** | 1.24 |");
    expect(bent).toContain("gain **2.14 ×**");
  });

  it("says when the gain on rows is below the target", () => {
    const below = scalingTables([
      { depositors: 1, rows: 1e6, one: { ms: 3000 }, many: { ms: 2000 } },
      { depositors: 2, rows: 2e6, one: { ms: 6000 }, many: { ms: 3800 } },
    ]).join("\n");
    expect(below).toContain("gain **1.67 ×**");
    expect(below).toContain("(none: the gain on rows is below the target)");
    // 3,000 / 1.8 − 3,000 / 1.667
    expect(below).toContain("| 1 | 2.00 | 1.80 | **0.20** | -0.13 |");
  });

  it("shows a dash for a phase a small run did not report", () => {
    const small: ScalingPoint = {
      depositors: 10,
      rows: 60,
      one: { ms: 200, rows: 60, peakRssMiB: 150 },
      many: { ms: 300, rows: 60, peakRssMiB: 160 },
    };
    const [, , row] = scalingTables([small, points[0]]);
    expect(row).toBe(
      "| 10 (60) | 0.20 | 0.30 | **0.67 ×** | – | – | – | – | 150 / 160 |",
    );
  });
});

describe("measureScaling", () => {
  it("runs one thread and the threads in turn, each round, and takes the medians", () => {
    const calls: string[] = [];
    const times = [5, 1, 9, 3, 7, 2];
    const points = measureScaling(
      [100],
      ["D"],
      "C",
      "2024-03-31",
      3,
      (args) => {
        calls.push(args.join(" "));
        return { ms: times[calls.length - 1], rows: 600, findings: 4 };
      },
    );
    expect(calls).toEqual(
      Array.from({ length: 3 }, () => [
        "validate-threads D C 2024-03-31 1",
        `validate-threads D C 2024-03-31 ${THREADS}`,
      ]).flat(),
    );
    // one thread 5, 9, 7; the threads 1, 3, 2
    expect(points[0].one.ms).toBe(7);
    expect(points[0].many.ms).toBe(2);
    expect(points[0].rows).toBe(600);
  });

  it("fails when one thread and the threads find differently", () => {
    let k = 0;
    expect(() =>
      measureScaling([100], ["D"], "C", "2024-03-31", 1, () => ({
        ms: 1,
        rows: 600,
        findings: k++,
      })),
    ).toThrow(/differ in findings: 0 against 1/);
  });
});

describe("withScalingSection", () => {
  const top = "# Benchmark results\n\n| a | b |\n";
  const notes = "\n## Notes\n\n### Earlier\n\ntext\n";

  it("puts the section at the start of the notes, which a full bench keeps", () => {
    const out = withScalingSection(top + notes, ["### Scaling", "", "x"]);
    expect(out).toBe(
      `${top}\n## Notes\n\n<!-- thread-scaling -->\n### Scaling\n\nx\n<!-- /thread-scaling -->\n\n### Earlier\n\ntext\n`,
    );
  });

  it("replaces the section of an earlier run and nothing else", () => {
    const once = withScalingSection(top + notes, ["old"]);
    const twice = withScalingSection(once, ["new"]);
    expect(twice).toBe(once.replace("old", "new"));
  });

  it("adds the notes to a results file without them", () => {
    expect(withScalingSection(top, ["s"])).toBe(
      `${top}\n## Notes\n\n<!-- thread-scaling -->\ns\n<!-- /thread-scaling -->\n`,
    );
  });
});
