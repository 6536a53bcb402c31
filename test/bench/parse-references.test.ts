import { describe, expect, it } from "vitest";
import {
  referenceRows,
  referenceTable,
  withReferenceSection,
  type Measurement,
} from "../../bench/parse-references.js";

const measured = new Map<string, Measurement>(
  Object.entries({
    "csv-parse": { ms: 20_000, cpuMs: 21_000, peakRssMiB: 160 },
    papaparse: { ms: 4_000, cpuMs: 4_100, peakRssMiB: 150 },
    udsv: { ms: 2_000, cpuMs: 2_100, peakRssMiB: 190 },
    duckdb: { ms: 6_000, cpuMs: 6_100, peakRssMiB: 440 },
    "read-bytes": { ms: 3_000, cpuMs: 3_100, peakRssMiB: 160 },
    "read-text": { ms: 3_600, cpuMs: 3_700, peakRssMiB: 160 },
    "byte-scan": { ms: 300, cpuMs: 400, peakRssMiB: 150 },
    validate: { ms: 8_000, cpuMs: 8_500, peakRssMiB: 390 },
  }),
);

describe("bench: parse-only references (issue 15)", () => {
  it("gives every row its ratio against csv-parse and papaparse of the same rounds, and validate its target", () => {
    const rows = referenceRows(measured, "d", "c", "2024-03-31");
    expect(rows).toHaveLength(8);
    expect(rows[0]).toBe(
      "| csv-parse merely parsing the files (baseline) | 20.00 | 1.00 |  | 21.00 | 160 |",
    );
    expect(rows[2]).toContain("| 2.00 | 0.10 × csv-parse, 0.50 × papaparse |");
    expect(rows[7]).toMatch(
      /^\| `regel validate` end to end .* \| 8\.00 \| 0\.40 × csv-parse, 2\.00 × papaparse \| ≤ 1\.0 × papaparse \| 8\.50 \| 390 \|$/,
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
