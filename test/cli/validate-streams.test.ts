/**
 * `regel validate` in a pipeline (issue 13 item 5): `-` reads one entity's records from standard
 * input as CSV or NDJSON; `--out -` writes report.json to standard output (the summary to
 * standard error); `--junit FILE` writes one test case per rule with a failure for each rule with
 * findings. Wrong use is a usage error (exit 2) that says what to give.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { showInvisible } from "../../runtime/escape.js";
import { xmlText } from "../../runtime/report-junit.js";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt, ROOT, runCli } from "./built-cli.js";

const DELIVERY = join(ROOT, "examples", "ikb-delivery");
const NP_CSV = readFileSync(join(DELIVERY, "natural_person.csv"), "utf8");
const BASE = [
  "--ruleset",
  "ikb.glo@1.3.0",
  "--rrd",
  "2024-03-31",
  "--no-progress",
];

/** The CSV rows as NDJSON objects. */
function toNdjson(csv: string): string {
  const [header, ...rows] = csv.trimEnd().split("\n");
  const names = header.split(",");
  return rows
    .map((row) => {
      const cells = row.split(",");
      return JSON.stringify(
        Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""])),
      );
    })
    .join("\n");
}

beforeAll(() => ensureBuilt(), 240_000);

describe("regel validate - (one entity from standard input)", () => {
  it("validates CSV from standard input as the delivery of that entity; --out - prints report.json", () => {
    const run = runCli(
      ["validate", "-", "--entity", "NP", ...BASE, "--out", "-"],
      {
        input: NP_CSV,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const rows = NP_CSV.trimEnd().split("\n").length - 1;
    expect(report.rows).toEqual({ read: rows, validated: rows, rejected: 0 });
    expect(report.files.map((f) => [f.entity, f.file, f.readStatus])).toEqual([
      ["NP", "natural_person.csv", "read"],
    ]);
    // no other file of the ruleset is reported missing
    expect(report.blockingErrors).toEqual([]);
    // the summary went to standard error, so standard output is the report alone
    expect(run.stderr).toMatch(/status: ACCEPTED/);
    expect(run.stderr).toMatch(/see only the NP records of the stream/);
  });

  it("says its report is of that entity only (partialDelivery), which regel record refuses (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-stdin-record-"));
    const out = join(dir, "r");
    const run = runCli(
      ["validate", "-", "--entity", "NP", ...BASE, "--out", out],
      { input: NP_CSV },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(
      readFileSync(join(out, "report.json"), "utf8"),
    ) as Report;
    expect(report.partialDelivery).toEqual({ entities: ["NP"] });
    const history = join(dir, "h.sqlite");
    const record = runCli([
      "record",
      join(out, "report.json"),
      "--bank",
      "S",
      "--delivery-id",
      "1",
      "--delivered-at",
      "2024-04-02T10:00:00+02:00",
      "--history",
      history,
    ]);
    expect(record.status).toBe(2);
    expect(record.stderr).toMatch(
      /regel record: the report is of the NP records only \(regel validate -\), not of a whole delivery folder/,
    );
    expect(readdirSync(dir)).not.toContain("h.sqlite");
  });

  it("reads NDJSON too, told by the first character or by --input-format, with the same findings", () => {
    const csv = runCli(["validate", "-", "--entity", "NP", ...BASE, "--json"], {
      input: NP_CSV,
    });
    const ndjson = runCli(
      ["validate", "-", "--entity", "NP", ...BASE, "--json"],
      { input: toNdjson(NP_CSV) },
    );
    const explicit = runCli(
      [
        "validate",
        "-",
        "--entity",
        "NP",
        ...BASE,
        "--json",
        "--input-format",
        "ndjson",
      ],
      { input: toNdjson(NP_CSV) },
    );
    expect(ndjson.status, ndjson.stderr).toBe(0);
    const counts = (text: string) =>
      (JSON.parse(text) as Report).rules.map((r) => [r.code, r.count]);
    expect(counts(ndjson.stdout)).toEqual(counts(csv.stdout));
    expect(explicit.stdout).toBe(ndjson.stdout);
    expect((JSON.parse(ndjson.stdout) as Report).files[0].file).toBe(
      "natural_person.ndjson",
    );
  });

  it("a rejected stream exits 1 and leaves no temporary folder", () => {
    const temp = mkdtempSync(join(tmpdir(), "regel-stdin-temp-"));
    const broken = `${NP_CSV.split("\n")[0]}\n"unclosed quote,x\n`;
    const run = runCli(
      ["validate", "-", "--entity", "NP", ...BASE, "--temp-dir", temp],
      { input: broken },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/status: REJECTED/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it.each([
    [["validate", "-", ...BASE], /needs --entity NAME/],
    [
      ["validate", "-", "--entity", "NP", "--rrd", "2024-03-31"],
      /needs --ruleset/,
    ],
    [
      ["validate", "-", "--entity", "NX", ...BASE],
      /unknown entity "NX" \(did you mean "NP"\?\)/,
    ],
    [
      ["validate", DELIVERY, "--entity", "NP", ...BASE],
      /--entity is for records read from standard input/,
    ],
    [
      ["validate", "-", "--entity", "NP", ...BASE, "--input-format", "xml"],
      /--input-format xml: use csv or ndjson/,
    ],
  ])("%j is a usage error (exit 2)", (args, message) => {
    const run = runCli(args, { input: "" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("regel validate --junit", () => {
  it("writes one test case per rule and a failure for each rule with findings", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-junit-"));
    const file = join(dir, "junit.xml");
    const run = runCli([
      "validate",
      DELIVERY,
      "--rrd",
      "2024-03-31",
      "--no-progress",
      "--json",
      "--junit",
      file,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const xml = readFileSync(file, "utf8");
    const rules = [...report.rules, ...report.secondaryRules];
    const cases = [
      ...xml.matchAll(/<testcase classname="[^"]*" name="([^"]*)"/g),
    ].map((m) => m[1]);
    expect(cases).toEqual([
      ...rules.map((r) => `${r.code} ${r.title}`),
      ...report.inputProblems.map((p) => p.code),
    ]);
    const failed = [
      ...xml.matchAll(
        /<testcase classname="[^"]*" name="(\S+) [^"]*">\n\s*<failure type="(\w+)" message="(\d+) finding/g,
      ),
    ].map((m) => [m[1], m[2], Number(m[3])]);
    expect(failed).toEqual(
      rules
        .filter((r) => r.count > 0)
        .map((r) => [r.code, r.severity, r.count]),
    );
    expect(xml).toMatch(
      new RegExp(
        `<testsuite name="ikb.glo@1.3.0" tests="${cases.length}" failures="${failed.length + report.inputProblems.length}"`,
      ),
    );
  });

  it("reports a rule that was not evaluated (no previous delivery) as skipped, not passed", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-junit-"));
    const file = join(dir, "junit.xml");
    const run = runCli([
      "validate",
      DELIVERY,
      "--rrd",
      "2024-03-31",
      "--no-progress",
      "--json",
      "--junit",
      file,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const notEvaluated = [...report.rules, ...report.secondaryRules].filter(
      (r) => r.notEvaluated !== undefined,
    );
    expect(notEvaluated.length).toBeGreaterThan(0);
    const xml = readFileSync(file, "utf8");
    const skippedCases = [
      ...xml.matchAll(
        /<testcase classname="[^"]*" name="(\S+) [^"]*">\n\s*<skipped message="([^"]*)"\/>/g,
      ),
    ].map((m) => [m[1], m[2]]);
    expect(skippedCases).toEqual(
      notEvaluated.map((r) => [
        r.code,
        `not evaluated: ${r.notEvaluated?.reason}`,
      ]),
    );
    expect(xml).toMatch(
      new RegExp(
        `<testsuite name="[^"]*" tests="\\d+" failures="\\d+" errors="0" skipped="${notEvaluated.length}"`,
      ),
    );
  });

  it("shows invisible controls from a delivery as \\uXXXX, as every other output does", () => {
    expect(xmlText("R\u202eLO C\u009b31m D\u007f L\u2028 N\u0000 <b>")).toBe(
      "R\\u202eLO C\\u009b31m D\\u007f L\\u2028 N\\u0000 &lt;b&gt;",
    );
    // what XML cannot hold at all, and no escape shows better: U+FFFD
    expect(xmlText("a\ud800b\uffff")).toBe("a\ufffdb\ufffd");
  });

  it("escapes everything and keeps only characters XML 1.0 allows (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const x = xmlText(s);
        expect(x).not.toMatch(/[<>"']/);
        expect(x).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
        expect(x).not.toMatch(
          /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
        // invisible controls are shown, as in every other output
        expect(x).not.toMatch(
          /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
        );
        // nothing else is changed: unescaping gives the text as shown, with U+FFFD for what XML
        // cannot hold
        const back = x
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .replace(/&apos;/g, "'")
          .replace(/&amp;/g, "&");
        expect(back.length).toBe(showInvisible(s).length);
      }),
    );
  });
});
