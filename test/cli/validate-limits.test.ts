/**
 * The limits of a record on the command line (issue 16): `--max-field-length`, `--max-fields` and
 * `--max-record-length` set what the reader accepts; a record over a limit is rejected with its
 * file, line and column; a bad value is a usage error.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt, hasStackTrace, regel, ROOT } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "regel-limits-"));
const delivery = join(dir, "delivery");

beforeAll(() => {
  ensureBuilt();
  cpSync(join(ROOT, "examples", "ikb-delivery"), delivery, { recursive: true });
  // the first depositor's last name is 15,000 characters long
  const np = join(delivery, "natural_person.csv");
  writeFileSync(
    np,
    readFileSync(np, "utf8").replace(",Jansen,", `,${"J".repeat(15_000)},`),
  );
}, 180_000);

function validate(out: string, ...flags: string[]) {
  const r = regel([
    "validate",
    delivery,
    "--rrd",
    "2024-03-31",
    "--out",
    join(dir, out),
    "--no-progress",
    ...flags,
  ]);
  expect(hasStackTrace(r.stderr)).toBe(false);
  const report =
    r.code === 2
      ? undefined
      : (JSON.parse(
          readFileSync(join(dir, out, "report.json"), "utf8"),
        ) as Report);
  return { ...r, report };
}

const problem = (report: Report | undefined) =>
  report!.files
    .find((f) => f.file === "natural_person.csv")!
    .problems.filter(
      (p) => p.code.endsWith("too-large") || p.code.endsWith("many-fields"),
    )
    .map((p) => [p.code, p.line, p.message]);

describe("regel validate limits", () => {
  it("by default a 15,000-character field rejects its record, naming file, line and column", () => {
    const { report, stdout } = validate("default");
    expect(problem(report)).toEqual([
      [
        "input.field-too-large",
        2,
        'column "last_name" is longer than 10,000 characters (the limit of a field); the record is not read',
      ],
    ]);
    expect(report!.rows.read).toBe(
      report!.rows.validated + report!.rows.rejected,
    );
    expect(stdout).toContain(
      "input.field-too-large Field too large: 1 (first: natural_person.csv:2)",
    );
  });

  it("--max-field-length raises the limit; --max-record-length and --max-fields lower the others", () => {
    expect(
      problem(validate("raised", "--max-field-length", "20000").report),
    ).toEqual([]);
    expect(
      problem(
        validate(
          "record",
          "--max-field-length",
          "20000",
          "--max-record-length",
          "12000",
        ).report,
      ),
    ).toEqual([
      [
        "input.record-too-large",
        2,
        "the record holds 15,096 characters, more than 12,000 (the limit of a record); it is not read",
      ],
    ]);
    const fields = validate("fields", "--max-fields", "5").report!;
    const np = fields.files.find((f) => f.file === "natural_person.csv")!;
    expect(np.readStatus).toBe("stopped");
    expect(np.problems[0].message).toBe(
      "header: the record has 12 fields, more than 5 (the limit of a record); it is not read",
    );
  });

  it("a limit that is not a positive integer is a usage error (exit 2)", () => {
    for (const [flag, value] of [
      ["--max-field-length", "0"],
      ["--max-fields", "many"],
      ["--max-record-length", "-1"],
      ["--max-fields", "1e3"],
      ["--max-field-length", "0x10"],
    ]) {
      const r = validate("bad", flag, value);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `regel validate: ${flag} ${value}: expected a positive integer\n`,
      );
    }
  });

  it("--threads takes auto or a number; the same report over threads; a delivery the threads do not cover says so", () => {
    // digits only: "0x2", "1e1" (ten), " 2", "2.0" were taken as numbers
    for (const value of [
      "0",
      "many",
      "1.5",
      "257",
      "0x2",
      "1e1",
      " 2",
      "2.0",
      "",
    ]) {
      const r = validate("bad", "--threads", value);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `regel validate: --threads ${value}: expected auto or a number from 1 to 256\n`,
      );
    }
    const one = validate("one", "--threads", "1");
    const three = validate("three", "--threads", "3");
    expect(three.stderr).not.toMatch(/note/);
    expect(three.report).toEqual(one.report);
    // the parallel pass does not cover a run with a previous delivery
    const previous = validate(
      "previous",
      "--threads",
      "3",
      "--previous",
      delivery,
    );
    expect(previous.stderr).toMatch(
      /^regel validate: note: the IKBs are validated in one thread: a previous delivery is read\n/,
    );
    expect(validate("auto", "--threads", "auto").stderr).not.toMatch(/note/);
  });
});
