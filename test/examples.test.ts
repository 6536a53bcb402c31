/**
 * The bundled example delivery: it is what `regel generate` writes for its recorded parameters
 * (so it cannot drift from the generator), and the README's main command validates it with
 * exactly the defects its ground truth lists.
 */
import { spawnSync } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCompiled } from "../runtime/load-compiled.js";
import {
  generateDelivery,
  type GenerateSummary,
} from "../runtime/synthetic/generate.js";

const EXAMPLE = join("examples", "ikb-delivery");
const work = mkdtempSync(join(tmpdir(), "regel-example-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const summary = JSON.parse(
  readFileSync(join(EXAMPLE, "ground-truth", "summary.json"), "utf8"),
) as GenerateSummary;

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory()
        ? filesUnder(dir, join(prefix, d.name))
        : [join(prefix, d.name)],
    )
    .sort();
}

describe("examples/ikb-delivery", () => {
  it("is current: regenerating it with its recorded parameters gives the same bytes", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", summary.ruleset),
    );
    const out = join(work, "regenerated");
    generateDelivery(loaded.module, {
      depositors: summary.depositors,
      seed: summary.seed,
      defectRate: summary.defectRate,
      markingRate: summary.markingRate,
      countDefects: summary.countDefects,
      rrd: summary.rrd,
      out,
    });
    const files = filesUnder(EXAMPLE).filter((f) => f !== "README.md");
    expect(filesUnder(out)).toEqual(files);
    for (const file of files)
      expect(readFileSync(join(out, file), "utf8"), file).toBe(
        readFileSync(join(EXAMPLE, file), "utf8"),
      );
  });

  it("the README's main command validates it and reports exactly the injected defects", () => {
    const readme = readFileSync("README.md", "utf8");
    const command = /npm ci && npx regel (validate [^\n`]+)/.exec(readme);
    expect(
      command,
      "README shows `npm ci && npx regel validate ...`",
    ).not.toBeNull();
    const args = command![1]
      .split(/\s+/)
      .map((a) => (a === "regel-out" ? join(work, "out") : a));
    const run = spawnSync(
      process.execPath,
      [join("dist", "cli", "main.js"), ...args],
      { encoding: "utf8" },
    );
    expect(run.stderr).not.toMatch(/error|    at /i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `meeting the automated controls: ${summary.ikbsMeetingAutomatedControls}`,
    );
    for (const file of ["report.json", "report.html"])
      expect(existsSync(join(work, "out", file)), file).toBe(true);

    const report = JSON.parse(
      readFileSync(join(work, "out", "report.json"), "utf8"),
    ) as {
      status: string;
      ikbs: {
        count: number;
        meetingAutomatedControls: number;
        percentage: number;
      };
      rules: { code: string; count: number }[];
      secondaryRules: { code: string; count: number }[];
      categories: { name: string; count: number }[];
    };
    expect(report.status).toBe("accepted");
    expect(report.ikbs).toEqual({
      count: summary.depositors,
      meetingAutomatedControls: summary.ikbsMeetingAutomatedControls,
      percentage: summary.percentageMeetingAutomatedControls,
      ungroupedRows: 0,
    });
    const perRule = Object.fromEntries(
      [...report.rules, ...report.secondaryRules]
        .filter((r) => r.count > 0)
        .map((r) => [r.code, r.count]),
    );
    expect(perRule).toEqual(summary.findingsPerRule);
    const perCategory = Object.fromEntries(
      report.categories
        .filter((c) => c.count > 0)
        .map((c) => [c.name, c.count]),
    );
    expect(perCategory).toEqual(summary.ikbsPerCategory);
  });
});
