/**
 * Terminal output is safe (issue 16): text from users, rulesets and data files reaches the
 * terminal with its control characters shown as `\uXXXX` escapes, never acting on the terminal
 * (ESC[2J clears the screen, ESC]0;…BEL sets the window title, CR overwrites the line, U+202E
 * reorders it), and `--json` output stays valid JSON with the same values.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { terminalSafe } from "../../cli/terminal-text.js";
import { BASE } from "../dsl/checker-helpers.js";
import { ensureBuilt, regel, ROOT } from "./cli-helpers.js";

const ESC = "\u001b";
const HOSTILE = `${ESC}[2J${ESC}]0;pwned\u0007bank\rX\u009b31m\u202Eevil\u007f`;
/** Characters that act on a terminal (tab and line feed are fine). */
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe("terminalSafe", () => {
  it("escapes ESC sequences, BEL, CR, C1 controls, DEL and bidirectional controls", () => {
    expect(terminalSafe(HOSTILE)).toBe(
      "\\u001b[2J\\u001b]0;pwned\\u0007bank\\u000dX\\u009b31m\\u202eevil\\u007f",
    );
  });

  it("keeps line feeds, tabs and printable text of any script as they are", () => {
    const text = "naam\tAndré 🙂 שלום\nregel 2\n";
    expect(terminalSafe(text)).toBe(text);
  });

  it("property: the result holds no unsafe character, is stable, and keeps JSON valid with the same value", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const safe = terminalSafe(s);
        expect(UNSAFE.test(safe)).toBe(false);
        expect(terminalSafe(safe)).toBe(safe);
        expect(JSON.parse(terminalSafe(JSON.stringify({ s }))).s).toBe(s);
      }),
      { numRuns: 200 },
    );
  });
});

describe("what the CLI prints", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-terminal-"));
  const history = join(dir, "h.sqlite");
  const out = join(dir, "out");

  beforeAll(() => {
    ensureBuilt();
    const v = regel([
      "validate",
      join(ROOT, "examples", "ikb-delivery"),
      "--rrd",
      "2024-03-31",
      "--out",
      out,
      "--no-progress",
    ]);
    expect(v.stderr).not.toContain("    at ");
  }, 180_000);

  const expectSafe = (r: { stdout: string; stderr: string }) => {
    expect(UNSAFE.test(r.stdout)).toBe(false);
    expect(UNSAFE.test(r.stderr)).toBe(false);
  };

  it("regel record and regel history show a hostile --bank and --delivery-id escaped", () => {
    const rec = regel([
      "record",
      join(out, "report.json"),
      "--bank",
      HOSTILE,
      "--delivery-id",
      `d1${ESC}[1A`,
      "--delivered-at",
      "2024-04-02T10:00:00+02:00",
      "--history",
      history,
    ]);
    expect(rec.code).toBe(0);
    expectSafe(rec);
    expect(rec.stdout).toContain("\\u001b[2J\\u001b]0;pwned\\u0007bank");

    const text = regel(["history", "--history", history]);
    expect(text.code).toBe(0);
    expectSafe(text);
    expect(text.stdout).toContain("\\u001b[2J");
    // the escaped cells are measured after escaping: the columns line up
    const [head, row] = text.stdout.split("\n");
    expect(row.indexOf("d1\\u001b[1A")).toBe(head.indexOf("delivery"));

    const json = regel(["history", "--history", history, "--json"]);
    expectSafe(json);
    const runs = JSON.parse(json.stdout) as {
      bank: string;
      deliveryId: string;
    }[];
    expect(runs[0].bank).toBe(HOSTILE);
    expect(runs[0].deliveryId).toBe(`d1${ESC}[1A`);

    const unknown = regel([
      "history",
      "--history",
      history,
      "--bank",
      `x${ESC}[2J`,
    ]);
    expect(unknown.code).toBe(2);
    expectSafe(unknown);
    expect(unknown.stderr).toContain("no runs of bank x\\u001b[2J");
  });

  it("a ruleset text with raw control characters: regel check's message and code frame show them escaped", () => {
    const file = join(dir, "hostile.regel");
    writeFileSync(
      file,
      BASE.replace('"Base"', `"Base${ESC}]0;title\u0007\r"`) + `\n${ESC}[2J\n`,
    );
    const r = regel(["check", file]);
    expect(r.code).toBe(1);
    expectSafe(r);
    expect(r.stdout).toContain("REG101");
    expect(r.stdout).toContain("Base\\u001b]0;title\\u0007");
  });

  it("regel validate's summary shows a hostile file name from the delivery folder escaped", () => {
    const delivery = join(dir, "delivery");
    cpSync(join(ROOT, "examples", "ikb-delivery"), delivery, {
      recursive: true,
    });
    // a folder entry the ruleset does not read is listed by name in the summary
    writeFileSync(join(delivery, "x\u009b2J\u202Eevil.csv"), "a,b\n");
    const r = regel([
      "validate",
      delivery,
      "--rrd",
      "2024-03-31",
      "--no-progress",
    ]);
    expectSafe(r);
    expect(r.stdout).toContain("x\\u009b2J\\u202eevil.csv");
  });

  it("commander's own errors and a missing folder echo the argument escaped", () => {
    const option = regel(["history", `--x${ESC}[2J`]);
    expect(option.code).not.toBe(0);
    expectSafe(option);
    expect(option.stderr).toContain("--x\\u001b[2J");
    const folder = regel([
      "validate",
      `no${ESC}]0;t\u0007dir`,
      "--rrd",
      "2024-03-31",
    ]);
    expect(folder.code).toBe(2);
    expectSafe(folder);
    expect(folder.stderr).toContain("no\\u001b]0;t\\u0007dir");
  });
});
