/**
 * `regel generate --count-defects N` (issue 17 item 1): the delivery carries its metadata files,
 * N row counts of entity_type_delivery.csv are stated wrongly, the expected findings are in
 * ground-truth/file-findings.csv, and `regel validate` finds exactly them (blocking: exit 1).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasStackTrace, regel } from "./cli-helpers.js";

const work = mkdtempSync(join(tmpdir(), "regel-count-defects-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 300_000);

describe("regel generate --count-defects", () => {
  it("writes wrong counts with their ground truth, and validate finds exactly those", () => {
    const out = join(work, "delivery");
    const g = regel([
      "generate",
      "--depositors",
      "120",
      "--seed",
      "5",
      "--count-defects",
      "2",
      "--rrd",
      "2024-03-31",
      "--out",
      out,
      "--json",
    ]);
    expect(g.stderr).toBe("");
    expect(g.code).toBe(0);
    const summary = JSON.parse(g.stdout) as {
      countDefects: number;
      fileFindingsPerRule: Record<string, number>;
    };
    expect(summary.countDefects).toBe(2);
    const expected = readFileSync(
      join(out, "ground-truth", "file-findings.csv"),
      "utf8",
    )
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",")[0])
      .sort();
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(
      Object.values(summary.fileFindingsPerRule).reduce((a, b) => a + b, 0),
    ).toBe(expected.length);
    expect(readFileSync(join(out, "attribute_delivery.csv"), "utf8")).toBe(
      "entity_type,attribute,attribute_total\n",
    );

    const v = regel([
      "validate",
      out,
      "--rrd",
      "2024-03-31",
      "--out",
      join(work, "report"),
    ]);
    expect(hasStackTrace(v.stderr)).toBe(false);
    expect(v.code).toBe(1);
    const report = JSON.parse(
      readFileSync(join(work, "report", "report.json"), "utf8"),
    ) as { files: { problems: { code: string }[] }[] };
    const found = report.files
      .flatMap((f) => f.problems)
      .map((p) => p.code)
      .filter((c) => c.startsWith("cnt"))
      .sort();
    expect(found).toEqual(expected);
  });

  it("refuses a count that is not a whole number", () => {
    const r = regel([
      "generate",
      "--depositors",
      "5",
      "--count-defects",
      "1.5",
      "--out",
      join(work, "refused"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--count-defects must be a whole number");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
