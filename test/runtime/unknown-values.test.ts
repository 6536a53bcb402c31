/**
 * Unknown values through `regel validate` (docs/report.md, "Unknown values"): the GLO delivery of
 * test/runtime/fixtures with one date of birth delivered as "Unknown" and one as empty. The unknown
 * one is reported as unknown (not as a bad value), the empty one as missing, both count for
 * identity (the assumption on the category), and report.json, the terminal text and the HTML say so.
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import { reportToJson } from "../../runtime/report-json.js";
import { summaryText } from "../../runtime/report-text.js";
import { selectRuleset } from "../../runtime/select-version.js";
import { FIXTURES } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "regel-unknown-delivery-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("unknown values in a validated delivery", () => {
  it("reports an unknown date of birth as unknown, an empty one as missing, and neither as a bad value", async () => {
    cpSync(join(FIXTURES, "glo-delivery"), dir, { recursive: true });
    const np = join(dir, "natural_person.csv");
    // IKB001's date of birth is "Unknown"; IKB002's is empty already (line 4).
    writeFileSync(
      np,
      readFileSync(np, "utf8").replace(
        "IKB001,IKB001,J.,Jan,Jansen,1970-01-01,",
        "IKB001,IKB001,J.,Jan,Jansen,Unknown,",
      ),
    );
    const rs = await selectRuleset({
      root: join(ROOT, "rulesets/compiled"),
      ruleset: "ikb.glo",
      rrd: "2023-12-31",
    });
    const r = await validateDelivery(dir, rs, { rrd: "2023-12-31" });
    const all = [...r.rules, ...r.secondaryRules];
    const dmc = all.find((x) => x.code === "dmc0000")!;
    const dob = dmc.samples.filter((s) => s.attribute === "date_of_birth");
    expect(
      dob
        .map((s) => ({ line: s.line, reported: s.reported }))
        .sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    ).toEqual([
      { line: 2, reported: "unknown" },
      { line: 4, reported: "missing" },
      // a bad date (1980-02-30) has no value either, but was neither unknown nor missing
      { line: 5, reported: undefined },
    ]);
    expect(dmc.reportedUnknown).toBe(1);
    expect(dmc.reportedMissing).toBeGreaterThanOrEqual(1);
    // Not a bad value: val0001 reports only the real bad date (IKB004, line 5).
    const val = all.find((x) => x.code === "val0001")!;
    expect(
      val.samples
        .filter((s) => s.file === "natural_person.csv")
        .map((s) => s.line),
    ).toEqual([5]);
    // Counts for identity like a missing value (rulesets/ikb.glo/1.3.0.regel, category identity).
    const identity = r.categories.find((c) => c.name === "identity")!;
    expect(identity.count).toBeGreaterThanOrEqual(2);

    const json = reportToJson(r);
    const schema = JSON.parse(
      readFileSync(join(ROOT, "docs/report-schema.json"), "utf8"),
    );
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(
      schema,
    );
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(
      true,
    );
    expect(JSON.parse(json).reportVersion).toBe("1.5.0");
    expect(renderHtml(r)).toContain("(reported as unknown)");
    expect(summaryText(r)).toMatch(/dmc0000 .*\(1 reported as unknown\)/);
  });
});
