import { describe, expect, it } from "vitest";
import {
  phaseTable,
  referenceRows,
  referenceTable,
  THREADS,
  withReferenceSection,
  type Measurement,
} from "../../bench/parse-references.js";
import { PhaseClock } from "../../bench/validate-end-to-end.js";
import type { Progress } from "../../runtime/delivery-state.js";

const measured = new Map<string, Measurement>(
  Object.entries<Measurement>({
    "csv-parse": { ms: 20_000, cpuMs: 21_000, peakRssMiB: 160 },
    papaparse: { ms: 4_000, cpuMs: 4_100, peakRssMiB: 150 },
    udsv: { ms: 2_000, cpuMs: 2_100, peakRssMiB: 190 },
    duckdb: { ms: 6_000, cpuMs: 6_100, peakRssMiB: 440 },
    "read-bytes": { ms: 3_000, cpuMs: 3_100, peakRssMiB: 160, rows: 100 },
    "read-text": { ms: 3_600, cpuMs: 3_700, peakRssMiB: 160 },
    "read-threads": {
      ms: 3_750,
      cpuMs: 7_400,
      peakRssMiB: 300,
      rows: 100 * THREADS,
    },
    "byte-scan": { ms: 300, cpuMs: 400, peakRssMiB: 150 },
    "one-read-floor": {
      ms: 6_000,
      compiledMs: 2_500,
      cpuMs: 6_200,
      peakRssMiB: 240,
      rows: 90,
      ikbs: 10,
      findings: 5,
    },
    "one-read-floor-threads": {
      ms: 7_500,
      cpuMs: 14_000,
      peakRssMiB: 400,
      rows: 90 * THREADS,
      ikbs: 10 * THREADS,
    },
    validate: {
      ms: 8_000,
      cpuMs: 8_500,
      peakRssMiB: 390,
      rows: 100,
      ikbs: 10,
      findings: 7,
    },
    "validate-threads": {
      ms: 5_000,
      cpuMs: 9_500,
      peakRssMiB: 520,
      rows: 100,
      ikbs: 10,
      findings: 7,
    },
    "validate-side-by-side": {
      ms: 9_000,
      cpuMs: 17_000,
      peakRssMiB: 700,
      rows: 100 * THREADS,
      ikbs: 10 * THREADS,
      findings: 7 * THREADS,
    },
  }),
);

describe("bench: parse-only references (issue 15)", () => {
  it("gives every row its ratio against csv-parse and papaparse of the same rounds, and validate its target", () => {
    const rows = referenceRows(measured, "d", "c", "2024-03-31");
    expect(rows).toHaveLength(15);
    expect(rows[0]).toBe(
      "| csv-parse merely parsing the files (baseline) | 20.00 | 1.00 |  | 21.00 | 160 |",
    );
    expect(rows[2]).toContain("| 2.00 | 0.10 × csv-parse, 0.50 × papaparse |");
    // the machine's ceiling: THREADS reads at once against one read alone
    expect(rows[6]).toBe(
      `| regel's CSV reader, ${THREADS} threads at once, each reading every cell of every file (nothing shared or merged): the machine's ceiling for parallel work of this kind | 3.75 | ${((THREADS * 3_000) / 3_750).toFixed(2)} × one reader's throughput |  | 7.40 | 300 |`,
    );
    // the one-read floor, and the compiled ruleset's share of the same runs on a row of its own
    expect(rows[8]).toMatch(
      /^\| the floor of a one-read design: .* \| 6\.00 \| 0\.30 × csv-parse, 1\.50 × papaparse \|  \| 6\.20 \| 240 \|$/,
    );
    expect(rows[9]).toBe(
      "| of which the compiled ruleset alone (decoding, row checks, classification; timed over batches of IKBs) | 2.50 | 0.13 × csv-parse, 0.63 × papaparse |  |  |  |",
    );
    // derived: one read of every cell plus the checks as they are (3 + 2.5 s)
    expect(rows[10]).toBe(
      "| today's reader and checks, nothing else (derived, not run): one read of every cell (regel's reader, byte tokenizer) plus the compiled ruleset alone (the row above) | 5.50 | 1.38 × papaparse: the least of any design that keeps them |  |  |  |",
    );
    // the ceiling for validate's kind of work: THREADS floors at once against one alone
    expect(rows[11]).toBe(
      `| the one-read floor, ${THREADS} threads at once, each over the whole delivery (nothing shared or merged): the machine's ceiling for work of the kind \`regel validate\` does | 7.50 | ${((THREADS * 6_000) / 7_500).toFixed(2)} × one floor's throughput |  | 14.00 | 400 |`,
    );
    expect(rows[12]).toMatch(
      /^\| `regel validate` end to end .* \| 8\.00 \| 0\.40 × csv-parse, 2\.00 × papaparse \| ≤ 1\.0 × papaparse \| 8\.50 \| 390 \|$/,
    );
    // the threads row: its speed-up over the one-thread row of the same rounds
    expect(rows[13]).toBe(
      `| \`regel validate --threads ${THREADS}\` end to end: worker threads, the same report | 5.00 | 1.60 × one thread's throughput, 1.25 × papaparse | ≥ 1.8 × one thread (2 cores) | 9.50 | 520 |`,
    );
    // the ceiling for validate's own work: THREADS one-thread runs at once against one alone
    expect(rows[14]).toBe(
      `| \`regel validate\` with one thread, ${THREADS} runs at once (worker threads of one process, each over the whole delivery, nothing shared or merged): the machine's ceiling for \`regel validate\`'s own work | 9.00 | ${((THREADS * 8_000) / 9_000).toFixed(2)} × one thread's throughput: the threads row without splits, hand-overs or waits |  | 17.00 | 700 |`,
    );
  });

  it("refuses a threads row whose findings are not those of one thread", () => {
    const wrong = new Map(measured);
    wrong.set("validate-threads", {
      ...measured.get("validate-threads")!,
      findings: 6,
    });
    expect(() => referenceRows(wrong, "d", "c", "2024-03-31")).toThrow(
      /differ in findings: 6 against 7/,
    );
  });

  it("refuses a one-read floor that assembled other IKBs than validate", () => {
    const wrong = new Map(measured);
    wrong.set("one-read-floor", {
      ...measured.get("one-read-floor")!,
      ikbs: 9,
    });
    expect(() => referenceRows(wrong, "d", "c", "2024-03-31")).toThrow(
      /one-read floor assembled 9 IKBs, validate 10/,
    );
  });

  it("refuses a floor threads row whose threads did not each assemble every IKB", () => {
    const wrong = new Map(measured);
    wrong.set("one-read-floor-threads", {
      ...measured.get("one-read-floor-threads")!,
      ikbs: 15,
    });
    expect(() => referenceRows(wrong, "d", "c", "2024-03-31")).toThrow(
      /floor threads assembled 15 IKBs, not/,
    );
  });

  it("refuses a ceiling row whose threads did not each read every row", () => {
    const wrong = new Map(measured);
    wrong.set("read-threads", { ...measured.get("read-threads")!, rows: 150 });
    expect(() => referenceRows(wrong, "d", "c", "2024-03-31")).toThrow(
      /reading threads read 150 rows, not/,
    );
  });

  it("refuses a side-by-side row whose runs did not each find every finding", () => {
    const wrong = new Map(measured);
    wrong.set("validate-side-by-side", {
      ...measured.get("validate-side-by-side")!,
      findings: 7 * THREADS - 1,
    });
    expect(() => referenceRows(wrong, "d", "c", "2024-03-31")).toThrow(
      new RegExp(`side by side found ${7 * THREADS - 1} findings, not`),
    );
  });

  it("replaces its section of the results file, or adds it before the notes, and keeps the rest", () => {
    const table = referenceTable(["| a | 1 |"]);
    const first = withReferenceSection(
      "# Benchmark results\n\n| x |\n\n## Notes\n\nkept\n",
      ["intro", ...table],
    );
    expect(first).toContain(
      "| x |\n\n<!-- parse-references -->\nintro\n| measurement",
    );
    expect(
      first.endsWith("<!-- /parse-references -->\n\n## Notes\n\nkept\n"),
    ).toBe(true);
    const second = withReferenceSection(first, ["again"]);
    expect(second).toBe(
      "# Benchmark results\n\n| x |\n\n<!-- parse-references -->\nagain\n<!-- /parse-references -->\n\n## Notes\n\nkept\n",
    );
  });
});

describe("bench: the phases of regel validate (issue 15)", () => {
  const phases = (
    m: Measurement,
    scanMs: number,
    betweenMs: number,
    passMs: number,
    reportMs: number,
    steadyRowsPerS: number,
  ): Measurement => ({
    ...m,
    scanMs,
    betweenMs,
    passMs,
    reportMs,
    steadyRowsPerS,
  });

  it("sets each phase of one thread beside the same phase with the threads, and the steady rate", () => {
    const withPhases = new Map(measured);
    withPhases.set(
      "validate",
      phases(measured.get("validate")!, 2_000, 1_000, 4_500, 500, 700_000),
    );
    withPhases.set(
      "validate-threads",
      phases(
        measured.get("validate-threads")!,
        1_250,
        800,
        2_500,
        450,
        1_260_000,
      ),
    );
    const rows = phaseTable(withPhases);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toContain(`| one thread (s) | ${THREADS} threads (s) |`);
    expect(rows[2]).toMatch(
      /^\| start-up and the scan .* \| 2\.00 \| 1\.25 \| 1\.60 × \|$/,
    );
    expect(rows[3]).toMatch(
      /^\| the key sets sealed .* \| 1\.00 \| 0\.80 \| 1\.25 × \|$/,
    );
    expect(rows[4]).toMatch(
      /^\| the validate pass .* \| 4\.50 \| 2\.50 \| 1\.80 × \|$/,
    );
    expect(rows[5]).toMatch(
      /^\| the tallies and the report \| 0\.50 \| 0\.45 \| 1\.11 × \|$/,
    );
    expect(rows[6]).toMatch(/ \| 700 k \| 1,260 k \| 1\.80 × \|$/);
    expect(rows[7]).toBe(
      "| the whole run (the rows above) | 8.00 | 5.00 | 1.60 × |",
    );
  });

  it("is left out when the runs gave no phases", () => {
    expect(phaseTable(measured)).toEqual([]);
  });

  it("times the phases by the progress events, the steady rate between a tenth and nine tenths of the rows", () => {
    let now = 100;
    const clock = new PhaseClock(100, () => now);
    const at = (t: number, p: Partial<Progress>) => {
      now = 100 + t;
      clock.onProgress({
        file: "f",
        done: 0,
        total: 0,
        rows: 0,
        phase: "scan",
        ...p,
      });
    };
    at(10, { phase: "scan" });
    at(400, { phase: "scan" });
    // the validate pass: 1,000 rows; the first event before a tenth, the last at all of them
    at(700, { phase: "validate", done: 50, total: 1_000 });
    at(800, { phase: "validate", done: 100, total: 1_000 });
    at(1_300, { phase: "validate", done: 500, total: 1_000 });
    at(1_800, { phase: "validate", done: 900, total: 1_000 });
    at(2_100, { phase: "validate", done: 1_000, total: 1_000 });
    expect(clock.phases(2_600)).toEqual({
      scanMs: 400,
      sortMs: 0,
      betweenMs: 300,
      passMs: 1_400,
      reportMs: 500,
      // 800 rows in 1,000 ms
      steadyRowsPerS: 800,
    });
  });

  it("counts a sort after the scan apart, and gives nothing for a run without a validate pass", () => {
    let now = 0;
    const clock = new PhaseClock(0, () => now);
    now = 300;
    clock.onProgress({ phase: "scan", file: "f", done: 1, total: 1, rows: 1 });
    expect(clock.phases(400)).toEqual({});
    now = 1_000;
    clock.onProgress({ phase: "sort", file: "f", done: 1, total: 1, rows: 1 });
    now = 1_200;
    clock.onProgress({
      phase: "validate",
      file: "f",
      done: 5,
      total: 5,
      rows: 5,
    });
    expect(clock.phases(1_500)).toMatchObject({
      scanMs: 300,
      sortMs: 700,
      betweenMs: 200,
      passMs: 0,
      reportMs: 300,
    });
  });
});
