/**
 * `regel check --format sarif` (issue 13 item 5): a SARIF 2.1.0 log that validates against the
 * SARIF schema (test/fixtures/sarif, draft-04), with one result per diagnostic — code, level,
 * message, file and region — and one rule per code; a clean project gives a log without results.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AjvModule from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../source-folders.js";

const MAIN = join(ROOT, "dist", "cli", "main.js");
const schema = JSON.parse(
  readFileSync(
    join(ROOT, "test", "fixtures", "sarif", "sarif-2.1.0-rtm.5.json"),
    "utf8",
  ),
) as object;
// The schema's `language` pattern is not valid with the `u` flag (a stray `]`): compile without it.
// ajv-draft-04 is CommonJS: under nodenext its default import is the module object
const Ajv = ((AjvModule as { default?: unknown }).default ??
  AjvModule) as typeof AjvModule.default;
const validate = new Ajv({
  allErrors: true,
  strict: false,
  unicodeRegExp: false,
}).compile(schema);

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId?: string };
          region: {
            startLine: number;
            startColumn: number;
            endLine: number;
            endColumn: number;
          };
        };
      }[];
    }[];
  }[];
}

function check(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [MAIN, "check", ...args], {
    cwd,
    encoding: "utf8",
  });
}

beforeAll(() => ensureBuilt(), 240_000);

describe("regel check --format sarif", () => {
  it("writes a valid SARIF 2.1.0 log with every diagnostic at its place", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-sarif-"));
    writeFileSync(
      join(dir, "bad.regel"),
      [
        "ruleset demo.sarif 1.0.0",
        '  source br "Beleidsregel"',
        "",
        'entity NP "Person"',
        "  file natural_person.csv",
        "  key id",
        "  field id: text(10) required",
        "",
        'rule r1 "Name"',
        "  severity blokking",
        "  implements br art 1",
        "  for NP",
        "    require id is present",
        "",
      ].join("\n"),
    );
    const run = check(dir, "bad.regel", "--format", "sarif");
    expect(run.status).toBe(1);
    const log = JSON.parse(run.stdout) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe("2.1.0");
    const [r] = log.runs;
    expect(r.tool.driver.name).toBe("regel");
    const first = r.results[0];
    expect(first).toMatchObject({ ruleId: "REG110", level: "error" });
    expect(first.message.text).toMatch(/expected `@` and a version/);
    expect(r.tool.driver.rules[first.ruleIndex].id).toBe("REG110");
    const loc = first.locations[0].physicalLocation;
    expect(loc.artifactLocation).toEqual({
      uri: "bad.regel",
      uriBaseId: "%SRCROOT%",
    });
    expect(loc.region).toEqual({
      startLine: 1,
      startColumn: 20,
      endLine: 1,
      endColumn: 25,
    });
    const warning = r.results.find((x) => x.ruleId === "REG229");
    expect(warning?.level).toBe("warning");
    // the same diagnostics as --json, one result each
    const json = JSON.parse(check(dir, "bad.regel", "--json").stdout) as {
      diagnostics: { code: string; line: number; column: number }[];
    };
    expect(
      r.results.map((x) => [
        x.ruleId,
        x.locations[0].physicalLocation.region.startLine,
        x.locations[0].physicalLocation.region.startColumn,
      ]),
    ).toEqual(json.diagnostics.map((d) => [d.code, d.line, d.column]));
  });

  it("for the shipped rulesets: a valid log, warnings only, exit 0", () => {
    const run = check(ROOT, "rulesets", "--format", "sarif");
    expect(run.status, run.stderr).toBe(0);
    const log = JSON.parse(run.stdout) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0].results.every((x) => x.level !== "error")).toBe(true);
  });

  it("refuses an unknown format, and --json together with another format, as usage errors (exit 2)", () => {
    const bad = check(ROOT, "rulesets", "--format", "xml");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--format xml: use one of text, json, sarif/);
    const both = check(ROOT, "rulesets", "--json", "--format", "sarif");
    expect(both.status).toBe(2);
  });
});
