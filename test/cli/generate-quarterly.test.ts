/**
 * `regel generate --quarterly-out FILE --quarterly-wrong N` (issue 19 item 4): the quarterly
 * figures the ruleset's `reconcile` declares, as the generated delivery has them, N of them
 * written wrongly beyond their tolerance with the ground truth in ground-truth/quarterly-wrong.csv;
 * `regel validate --quarterly FILE` reports exactly those figures as differing, with both values.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt, hasStackTrace, regel } from "./cli-helpers.js";

const work = mkdtempSync(join(tmpdir(), "regel-generate-quarterly-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 300_000);

function generate(name: string, wrong: number, seed = "5") {
  const out = join(work, name);
  const file = join(work, `${name}.csv`);
  const g = regel([
    "generate",
    "--depositors",
    "150",
    "--seed",
    seed,
    "--rrd",
    "2024-03-31",
    "--out",
    out,
    "--quarterly-out",
    file,
    "--quarterly-wrong",
    String(wrong),
    "--json",
  ]);
  expect(g.stderr).toBe("");
  expect(g.code).toBe(0);
  return {
    out,
    file,
    summary: JSON.parse(g.stdout) as {
      quarterly: { file: string; wrong: { figure: string }[] };
    },
  };
}

function reconciled(out: string, file: string): Report {
  const v = regel([
    "validate",
    out,
    "--rrd",
    "2024-03-31",
    "--quarterly",
    file,
    "--out",
    join(out, "..", `${out.split("/").pop()}-report`),
    "--no-progress",
  ]);
  expect(v.stderr).not.toMatch(/error/i);
  return JSON.parse(
    readFileSync(
      join(out, "..", `${out.split("/").pop()}-report`, "report.json"),
      "utf8",
    ),
  ) as Report;
}

describe("regel generate --quarterly-out", () => {
  it("writes N wrong figures with their ground truth, and validate --quarterly reports exactly those", () => {
    const { out, file, summary } = generate("two-wrong", 2);
    const truth = parse(
      readFileSync(join(out, "ground-truth", "quarterly-wrong.csv")),
      {
        columns: true,
      },
    ) as Record<string, string>[];
    expect(truth).toHaveLength(2);
    expect(summary.quarterly.wrong.map((w) => w.figure)).toEqual(
      truth.map((t) => t.figure),
    );
    const r = reconciled(out, file).plausibility!.reconciliation!;
    expect(r.status).toBe("differences");
    const differs = r.figures.filter((f) => f.status !== "within");
    expect(differs.map((f) => f.name).sort()).toEqual(
      truth.map((t) => t.figure).sort(),
    );
    for (const t of truth) {
      const f = r.figures.find((x) => x.name === t.figure)!;
      expect(f.status).toBe("differs");
      expect(f.reported).toBe(Number(t.written));
      expect(f.delivered).toBe(Number(t.delivered));
    }
    // every other figure of the reconcile is in the file and within its tolerance
    expect(r.figures.filter((f) => f.status === "within")).toHaveLength(
      r.figures.length - 2,
    );
  });

  it("without --quarterly-wrong every figure reconciles, and the same seed writes the same file", () => {
    const a = generate("none-wrong", 0, "9");
    const r = reconciled(a.out, a.file).plausibility!.reconciliation!;
    expect(r.status).toBe("reconciled");
    expect(r.figures.map((f) => f.status)).toEqual([
      "within",
      "within",
      "within",
    ]);
    expect(
      readFileSync(join(a.out, "ground-truth", "quarterly-wrong.csv"), "utf8"),
    ).toBe("figure,aggregate,delivered,written\n");
    const b = generate("none-wrong-again", 0, "9");
    expect(readFileSync(b.file, "utf8")).toBe(readFileSync(a.file, "utf8"));
  });

  it("refuses --quarterly-wrong without --quarterly-out, and more wrong figures than there are (exit 2)", () => {
    const alone = regel([
      "generate",
      "--depositors",
      "10",
      "--out",
      join(work, "x"),
      "--quarterly-wrong",
      "1",
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe(
      "regel generate: --quarterly-wrong needs --quarterly-out <file>\n",
    );
    const many = regel([
      "generate",
      "--depositors",
      "10",
      "--out",
      join(work, "y"),
      "--quarterly-out",
      join(work, "y.csv"),
      "--quarterly-wrong",
      "4",
    ]);
    expect(many.code).toBe(2);
    expect(many.stderr).toBe(
      "regel generate: --quarterly-wrong 4: reconcile quarterly has 3 figures\n",
    );
    expect(hasStackTrace(many.stderr)).toBe(false);
  });
});
