/**
 * The groeipad verdict of a report: the norm in force on the RRD decides `meetsNorm`; an aim in
 * force beside it (`aim automated_controls_pass >= N %`, the source's "streven") is reported as an
 * aim and never decides anything. From 2024 the shipped ikb.groeipad keeps the 2023 norm (95 %)
 * and aims at 100 % (Beoordelingskader L69-71, L1563-1565), so the example delivery's report no
 * longer calls the 100 % a norm.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadGroeipadNorm } from "../../runtime/groeipad.js";
import { renderHtml } from "../../runtime/html-report.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { summaryText } from "../../runtime/report-text.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";

/** A compiled root holding one ruleset whose trace.json states these norm periods. */
function compiledRoot(
  periods: {
    year?: number;
    from?: string;
    requirements: {
      metric: string;
      op: string;
      value: string;
      aim?: true;
    }[];
  }[],
): string {
  const root = mkdtempSync(join(tmpdir(), "regel-groeipad-"));
  const dir = join(root, "t.groeipad@1.0.0");
  mkdirSync(dir);
  // listCompiled() takes a folder with a module as a compiled ruleset; the norm is read from trace.json
  writeFileSync(join(dir, "validators.js"), "export {};\n");
  writeFileSync(
    join(dir, "trace.json"),
    JSON.stringify({
      norms: [
        {
          name: "n",
          title: "N",
          articles: [
            { source: "bk", sourceTitle: "B", locator: "hoofdstuk 3" },
          ],
          location: { file: "t.regel", line: 3, column: 1 },
          periods: periods.map((p) => ({
            year: p.year,
            from: p.from,
            until: undefined,
            requirements: p.requirements,
          })),
        },
      ],
    }),
  );
  return root;
}

const PASS = "automated_controls_pass";

describe("loadGroeipadNorm", () => {
  it("reads the norm and, beside it, the aim in force on the RRD", () => {
    const root = compiledRoot([
      { year: 2023, requirements: [{ metric: PASS, op: ">=", value: "95 %" }] },
      {
        from: "2024-01-01",
        requirements: [
          { metric: PASS, op: ">=", value: "95 %" },
          { metric: PASS, op: ">=", value: "100 %", aim: true },
        ],
      },
    ]);
    expect(loadGroeipadNorm(root, "2023-06-30")).toMatchObject({
      year: 2023,
      norm: 95,
      aim: undefined,
    });
    expect(loadGroeipadNorm(root, "2024-03-31")).toMatchObject({
      year: 2024,
      norm: 95,
      aim: {
        target: 100,
        source: "t.groeipad@1.0.0 norm n (t.regel:3; bk hoofdstuk 3)",
      },
    });
  });

  it("never takes an aim for the norm: a year with only an aim has no norm", () => {
    const root = compiledRoot([
      {
        from: "2024-01-01",
        requirements: [{ metric: PASS, op: ">=", value: "100 %", aim: true }],
      },
    ]);
    expect(loadGroeipadNorm(root, "2024-03-31")).toBeUndefined();
  });
});

describe("the example delivery's report (GLO 1.3.0, RRD 2024-03-31)", () => {
  it("holds the pass rate against the 95 % norm and shows 100 % as an aim, not a norm", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const report = await validateDelivery(
      join("examples", "ikb-delivery"),
      loaded,
      { rrd: "2024-03-31" },
    );
    const g = report.groeipad!;
    expect(g.year).toBe(2024);
    expect(g.norm).toBe(95);
    expect(g.meetsNorm).toBe(g.percentage >= 95);
    expect(g.aim).toMatchObject({
      target: 100,
      reached: g.percentage >= 100,
    });
    expect(g.aim!.source).toMatch(
      /^ikb\.groeipad@1\.0\.0 norm groeipad_ikb_bestand/,
    );
    // the sources state no norm after 2023: the 95 % is the ruleset's assumption and says so
    expect(g.assumptions).toEqual([
      expect.stringMatching(/^After 2023 the source states no norm/),
    ]);
    const text = summaryText(report);
    expect(text).toContain("groeipad 2024: norm 95 % (assumed) — ");
    expect(text).toContain(
      "  assumption of the norm: After 2023 the source states no norm",
    );
    expect(text).toContain("aim 100 % (an aim, not a norm)");
    expect(text).not.toContain("norm 100 %");
    const html = renderHtml(report);
    expect(html).toContain("Aim (not a norm): 100 %");
    expect(html).toMatch(
      /the norm for 2024 is 95 % <span class="assumed"[^>]*>assumed<\/span>/,
    );
    expect(html).toContain(
      "<b>Assumption of the norm:</b> After 2023 the source states no norm",
    );
    expect(html).not.toContain("norm for 2024 is 100");
  });

  it("has no aim in 2023, when the groeipad's own norm applies", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const report = await validateDelivery(
      join("examples", "ikb-delivery"),
      loaded,
      { rrd: "2023-12-31" },
    );
    expect(report.groeipad).toMatchObject({ year: 2023, norm: 95 });
    expect(report.groeipad!.aim).toBeUndefined();
  });
});

describe("the verdict on the exact share, never on the rounded percentage", () => {
  it("18,999 of 20,000 (94.995 %) misses 95 % and 19,999 of 20,000 misses the 100 % aim; both shown rounded down", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const work = mkdtempSync(join(tmpdir(), "regel-exact-share-"));
    const clean = join(work, "clean");
    generateDelivery(loaded.module, {
      depositors: 20000,
      seed: 11,
      defectRate: 0,
      markingRate: 0,
      rrd: "2024-03-31",
      out: clean,
    });
    /** The clean delivery with the last name of `n` depositors blanked (one IKB each fails). */
    const blanked = (n: number): string => {
      const dir = join(work, `d${n}`);
      cpSync(clean, dir, { recursive: true });
      const file = join(dir, "natural_person.csv");
      const lines = readFileSync(file, "utf8").split("\n");
      const last = lines[0].split(",").indexOf("last_name");
      let done = 0;
      for (let i = 1; i < lines.length && done < n; i++) {
        const cells = lines[i].split(",");
        if (cells.length > 1 && cells[0] === cells[1]) {
          cells[last] = "";
          lines[i] = cells.join(",");
          done++;
        }
      }
      writeFileSync(file, lines.join("\n"));
      return dir;
    };
    const below = await validateDelivery(blanked(1001), loaded, {
      rrd: "2024-03-31",
    });
    expect(below.ikbs).toMatchObject({
      count: 20000,
      meetingAutomatedControls: 18999,
      percentage: 94.99,
    });
    expect(below.groeipad).toMatchObject({
      norm: 95,
      percentage: 94.99,
      meetsNorm: false,
    });
    expect(summaryText(below)).toContain("18999 (94.99 %)");
    expect(summaryText(below)).toContain("norm 95 % (assumed) — NOT met");

    const one = await validateDelivery(blanked(1), loaded, {
      rrd: "2024-03-31",
    });
    expect(one.groeipad).toMatchObject({
      percentage: 99.99,
      meetsNorm: true,
      aim: { target: 100, reached: false },
    });
    expect(summaryText(one)).toContain("19999 (99.99 %)");
  }, 180_000);
});
