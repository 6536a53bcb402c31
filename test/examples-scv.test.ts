/**
 * examples/scv: a single-customer-view file of another DGS (issue 12 items 5 and 7). `regel
 * validate` on its delivery finds exactly the defects its ground truth lists, on the physical
 * lines of the one pipe-separated file of record types, and accounts for every line.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../runtime/report-types.js";
import { ensureBuilt, ROOT, runCli } from "./cli/built-cli.js";

const SCV = join(ROOT, "examples", "scv");
const work = mkdtempSync(join(tmpdir(), "regel-scv-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The rows of a ground-truth CSV (no quoted commas in these files), without the header. */
function rows(file: string): string[][] {
  return readFileSync(join(SCV, "ground-truth", file), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));
}

let report: Report;
let terminal: string;
const out = join(work, "out");

beforeAll(() => {
  ensureBuilt();
  const compiled = join(work, "compiled");
  const c = runCli(["compile", join(SCV, "rulesets"), "-o", compiled]);
  expect(c.status, c.stderr).toBe(0);
  const v = runCli([
    "validate",
    join(SCV, "delivery"),
    "--rrd",
    "2024-06-30",
    "--compiled",
    compiled,
    "--json",
  ]);
  expect(v.status, v.stderr).toBe(1);
  report = JSON.parse(v.stdout) as Report;
  const t = runCli([
    "validate",
    join(SCV, "delivery"),
    "--rrd",
    "2024-06-30",
    "--compiled",
    compiled,
    "--out",
    out,
  ]);
  expect(t.status, t.stderr).toBe(1);
  terminal = t.stdout;
}, 120_000);

/** Every string value of a JSON document (its keys are the report schema's names). */
function values(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(values);
  if (v !== null && typeof v === "object")
    return Object.values(v).flatMap(values);
  return [];
}

describe("examples/scv", () => {
  it("is in the canonical layout (regel fmt keeps its file options and unit)", () => {
    const f = runCli(["fmt", "--check", join(SCV, "rulesets")]);
    expect(f.status, f.stdout + f.stderr).toBe(0);
  });

  it("names its unit, the SCV record, and mentions no IKB and no groeipad in the terminal, report.json and report.html", () => {
    expect(terminal).toContain(
      "SCV records: 8; meeting the automated controls: 8 (100 %)",
    );
    expect(report.ikbs?.unit).toBe("SCV record");
    expect(report.groeipad).toBeNull();
    const html = readFileSync(join(out, "report.html"), "utf8");
    const json = readFileSync(join(out, "report.json"), "utf8");
    for (const text of [terminal, html, ...values(JSON.parse(json))]) {
      expect(text).not.toMatch(/IKB/);
      expect(text).not.toMatch(/groeipad/i);
    }
    expect(html).toContain("<th>SCV records</th>");
  });

  it("finds exactly the findings of its ground truth, on the physical lines of scv.txt", () => {
    const found = [...report.rules, ...report.secondaryRules]
      .flatMap((r) =>
        r.samples.map((s) => [
          String(s.line),
          r.code,
          s.entity,
          s.attribute ?? "",
        ]),
      )
      .map((r) => r.join(","))
      .sort();
    const expected = rows("findings.csv")
      .map((r) => r.slice(0, 4).join(","))
      .sort();
    expect(found).toEqual(expected);
  });

  it("reports the record of no declared type, and accounts for every line of the file", () => {
    const problems = report.files
      .flatMap((f) => f.problems.map((p) => `${p.line},${p.code}`))
      .sort();
    expect(problems).toEqual(
      rows("problems.csv").map((r) => `${r[0]},${r[1]}`),
    );
    const lines = readFileSync(join(SCV, "delivery", "scv.txt"), "utf8")
      .trim()
      .split("\n").length;
    const read = report.files.reduce((n, f) => n + f.rowsRead, 0);
    expect(read).toBe(lines);
    expect(
      report.files.map((f) => [f.entity, f.rowsRead, f.rowsRejected]),
    ).toEqual([
      ["CR", 9, 1],
      ["AR", 8, 0],
      ["TR", 1, 0],
    ]);
  });

  it("checks the trailer: its record count is wrong (named with the trailer's line and both figures), its total balance is right", () => {
    const count = report.rules.find((r) => r.code === "scv010");
    expect(count?.samples.map((s) => [s.file, s.line, s.message])).toEqual([
      [
        "scv.txt",
        18,
        "CR and AR have 16 records in scv.txt; TR.record_count (scv.txt line 18) is 17: required count = TR.record_count",
      ],
    ]);
    expect(
      report.rules.find((r) => r.code === "scv011")?.samples ?? [],
    ).toEqual([]);
  });
});
