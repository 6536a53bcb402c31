/**
 * `regel verify <report.json> --delivery DIR [--compiled DIR]`: validates again as the report says
 * and states whether the report reproduces byte for byte; when not, which hash differs (input
 * file, ruleset source, compiled module, tool version) and which counts differ.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Command } from "commander";
import {
  register as registerVerify,
  runVerify,
} from "../../cli/commands/verify.js";
import { validateFolder } from "../../runtime/validate.js";
import { reportToJson } from "../../runtime/report-json.js";
import { writeReport } from "../../runtime/report-write.js";
import { compileInto, provenanceFixture } from "./provenance-fixture.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "dist", "cli", "main.js");
const COMPILED = join(ROOT, "rulesets", "compiled");

function regel(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let work: string;
let delivery: string;
let report: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "regel-verify-"));
  delivery = join(work, "delivery");
  cpSync(join(ROOT, "examples", "ikb-delivery"), delivery, {
    recursive: true,
  });
  const r = regel(
    "validate",
    delivery,
    "--rrd",
    "2024-03-31",
    "--out",
    join(work, "report"),
    "--no-progress",
    "--generated-at",
    "2024-04-02T10:00:00Z",
  );
  expect(r.code, r.stderr).toBe(0);
  report = join(work, "report", "report.json");
});

describe("regel verify", () => {
  it("reproduces a fresh report of the example delivery (exit 0)", () => {
    const r = regel("verify", report, "--delivery", delivery);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(
      `regel verify: reproduced — ${report} is byte for byte the report of a new validation of ${delivery}`,
    );
    expect(r.stdout).toContain("ikb.glo@1.3.0, RRD 2024-03-31, 9 input files");
    expect(r.code).toBe(0);
  });

  it("one byte changed in one CSV: not reproduced, naming that file and the counts that differ", async () => {
    const changed = join(work, "changed");
    cpSync(delivery, changed, { recursive: true });
    const np = join(changed, "natural_person.csv");
    const bytes = readFileSync(np);
    const at = bytes.indexOf("\n") + 1; // first byte of the first record
    bytes[at] = bytes[at] === 0x58 ? 0x59 : 0x58;
    writeFileSync(np, bytes);
    const r = await runVerify(report, { delivery: changed });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("NOT reproduced");
    expect(r.stdout).toMatch(
      /input file natural_person\.csv: sha256 [0-9a-f]{12}… in the report, [0-9a-f]{12}… now \(\d+ bytes, 347 rows in both\)/,
    );
    expect(r.stdout).not.toContain("input file bank_account.csv");
    expect(r.stdout).toMatch(/ikbs\.count: 300 → 301/);
  });

  it("names the tool version when another regel made the report", async () => {
    const other = join(work, "other-version.json");
    const json = JSON.parse(readFileSync(report, "utf8"));
    json.generator.version = "0.0.9";
    writeFileSync(other, reportToJson(json));
    const r = await runVerify(other, { delivery });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "tool version: regel 0.0.9 made the report, this is regel",
    );
  });

  it("a report file edited by hand is not reproduced, even in a count no hash covers", async () => {
    const edited = join(work, "edited.json");
    const json = JSON.parse(readFileSync(report, "utf8"));
    json.ikbs.meetingAutomatedControls += 1;
    writeFileSync(edited, reportToJson(json));
    const r = await runVerify(edited, { delivery });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("what produced the report");
    expect(r.stdout).toMatch(/ikbs\.meetingAutomatedControls: (\d+) → (\d+)/);
  });

  it("the sources not being beside another compiled folder does not count as a difference", async () => {
    const elsewhere = join(mkdtempSync(join(tmpdir(), "regel-inst-")), "c");
    cpSync(COMPILED, elsewhere, { recursive: true });
    const r = await runVerify(report, { delivery, compiled: elsewhere });
    expect(r.stdout).toContain("reproduced");
    expect(r.stdout).toContain(
      "note: the ruleset's sources were checked for the report and not checked (not-found) now",
    );
    expect(r.code).toBe(0);
  });

  it("usage errors exit 2: no --delivery, a report without provenance, a ruleset that is not compiled", async () => {
    expect((await runVerify(report, {})).code).toBe(2);
    // a missing argument is a usage error (2), not "not reproduced" (1)
    expect(regel("verify").code).toBe(2);
    const old = join(work, "old.json");
    const json = JSON.parse(readFileSync(report, "utf8"));
    delete json.provenance;
    json.reportVersion = "1.0.0";
    writeFileSync(old, JSON.stringify(json));
    const r = await runVerify(old, { delivery });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("records no provenance");
    const empty = mkdtempSync(join(tmpdir(), "regel-empty-"));
    const none = await runVerify(report, { delivery, compiled: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      "the report was made with ikb.glo@1.3.0, which is not compiled in",
    );
    const missing = await runVerify(join(work, "nope.json"), { delivery });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the report");
  });

  it("a --temp-dir that is not a folder: exit 2 before the run, as validate's", async () => {
    const file = join(work, "a-file");
    writeFileSync(file, "x");
    for (const tempDir of [join(work, "no-such-folder"), file, ""])
      expect(await runVerify(report, { delivery, tempDir })).toEqual({
        code: 2,
        stdout: "",
        stderr: `regel verify: --temp-dir ${JSON.stringify(tempDir)} is not a folder: give an existing folder for the sort's temporary files\n`,
      });
  });
});

describe("regel verify after a ruleset source changed", () => {
  it("names the source, compiled again or not", async () => {
    const fx = await provenanceFixture();
    const made = await validateFolder(fx.delivery, {
      rrd: "2021-06-01",
      compiledRoot: fx.compiled,
    });
    const out = join(fx.root, "report");
    await writeReport(made, out);
    const reportPath = join(out, "report.json");
    expect(
      (
        await runVerify(reportPath, {
          delivery: fx.delivery,
          compiled: fx.compiled,
        })
      ).code,
    ).toBe(0);

    const parent = join(fx.rulesets, "t.prov", "1.0.0.regel");
    writeFileSync(
      parent,
      readFileSync(parent, "utf8").replace("Naam ontbreekt", "Naam leeg"),
    );
    // not compiled again: the compiled output is stale, and the changed source is named
    const stale = await runVerify(reportPath, {
      delivery: fx.delivery,
      compiled: fx.compiled,
    });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain("the delivery could not be validated again");
    expect(stale.stdout).toMatch(
      /ruleset source t\.prov\/1\.0\.0\.regel \(t\.prov@1\.0\.0\): sha256 [0-9a-f]{12}… in the report, [0-9a-f]{12}… beside the compiled rulesets/,
    );

    // compiled again: the source, the compiled module and the title differ
    await compileInto(fx.rulesets, fx.compiled);
    const recompiled = await runVerify(reportPath, {
      delivery: fx.delivery,
      compiled: fx.compiled,
    });
    expect(recompiled.code).toBe(1);
    expect(recompiled.stdout).toMatch(
      /ruleset source t\.prov\/1\.0\.0\.regel \(t\.prov@1\.0\.0\): sha256 [0-9a-f]{12}… in the report, [0-9a-f]{12}… now/,
    );
    expect(recompiled.stdout).toContain(
      "ruleset compiled module t.prov@1.1.0/validators.js: sha256",
    );
    expect(recompiled.stdout).not.toContain("t.prov/1.1.0.regel");
    expect(recompiled.stdout).toContain(
      'secondaryRules[dmc0001].title: "Naam ontbreekt" → "Naam leeg"',
    );
  });
});

describe("regel verify --help", () => {
  it("says which compiled rulesets verify uses by default: regel's own, not ./rulesets/compiled (outside re-try)", () => {
    const program = new Command();
    registerVerify(program);
    const help = program.commands
      .find((c) => c.name() === "verify")!
      .helpInformation()
      .replace(/\s+/g, " ");
    expect(help).not.toContain("(default: rulesets/compiled)");
    expect(help).toContain(
      "(default: the ones shipped with regel, as for validate; a rulesets/compiled folder under the working directory is used only when named here)",
    );
  });
});
