/**
 * The runtime against the real compiled GLO rulesets (compiled here from rulesets/ikb.glo with the
 * compiler's API, so the test does not depend on a checked-in build).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
import { compile } from "../../compiler/compile.js";
import { selectRuleset } from "../../runtime/select-version.js";
import { listCompiled } from "../../runtime/load-compiled.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { reportToJson } from "../../runtime/report-json.js";
import { renderHtml } from "../../runtime/html-report.js";
import { FIXTURES } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../..");
const DELIVERY = join(FIXTURES, "glo-delivery");
let compiled = "";

beforeAll(async () => {
  // use the team's build when present (fast); otherwise compile here
  const built = join(ROOT, "rulesets/compiled");
  const needed = ["ikb.glo@1.2.0", "ikb.glo@1.3.0", "vp.bankgegevens@1.0.0"];
  if (needed.every((d) => existsSync(join(built, d, "validators.js")))) {
    compiled = built;
    return;
  }
  compiled = mkdtempSync(join(tmpdir(), "regel-compiled-"));
  const inputs = ["rulesets/ikb.glo", "rulesets/vp.bankgegevens"].map((d) =>
    join(ROOT, d),
  );
  const out = await compile(inputs, { outDir: compiled });
  const errors = out.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toEqual([]);
  for (const f of out.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
}, 120_000);

describe("validate against the compiled ikb.glo rulesets", () => {
  it("picks GLO 1.2.0 before 1 July 2023 and 1.3.0 from then on", async () => {
    const pick = async (rrd: string) =>
      (await selectRuleset({ root: compiled, ruleset: "ikb.glo", rrd })).module
        .metadata.id;
    expect(await pick("2023-06-30")).toBe("ikb.glo@1.2.0");
    expect(await pick("2023-07-01")).toBe("ikb.glo@1.3.0");
  });

  it("validates a delivery of all seven files and its two metadata files: rows accounted, IKBs assembled, schema-valid, deterministic", async () => {
    const rs = await selectRuleset({
      root: compiled,
      ruleset: "ikb.glo",
      rrd: "2023-12-31",
    });
    const r = await validateDelivery(DELIVERY, rs, { rrd: "2023-12-31" });
    // the seven data files and entity_type_delivery.csv (9 rows), attribute_delivery.csv (empty)
    expect(r.files).toHaveLength(9);
    expect(r.rows).toEqual({ read: 24, validated: 24, rejected: 0 });
    expect(r.ikbs!.count).toBe(4);
    expect(r.categories.map((c) => c.name)).toEqual([
      "identity",
      "eligibility",
      "amount",
      "claim",
      "notification",
    ]);
    // IKB004's date of birth 1980-02-30 is not a date: a finding on natural_person.csv line 5
    const all = [...r.rules, ...r.secondaryRules];
    expect(
      all.some((x) =>
        x.samples.some(
          (s) =>
            s.file === "natural_person.csv" &&
            s.line === 5 &&
            s.attribute === "date_of_birth",
        ),
      ),
    ).toBe(true);
    // every rule carries its version, location and articles
    for (const x of all) {
      expect(x.origin).toMatch(/^ikb\.glo@1\.[23]\.0$/);
      // relative to the rulesets root, whatever the working directory
      expect(x.location.file).toMatch(/^ikb\.glo\/1\.[23]\.0\.regel$/);
      expect(x.articles.length).toBeGreaterThan(0);
    }
    const json = reportToJson(r);
    expect(
      reportToJson(await validateDelivery(DELIVERY, rs, { rrd: "2023-12-31" })),
    ).toBe(json);
    // personal data (identification numbers, dates of birth) masked
    expect(json).not.toContain("ID123456");
    expect(json).not.toContain("1980-02-30");
    const schema = JSON.parse(
      readFileSync(join(ROOT, "docs/report-schema.json"), "utf8"),
    );
    const ajv = new Ajv({ strict: false });
    addFormats(ajv); // check the `date` / `date-time` formats too
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(json))).toBe(true);
    expect(renderHtml(r)).toContain('id="rule-');
  });

  it("report.json gives every rule its class and scope from the trace; the HTML shows them", async () => {
    const rs = await selectRuleset({
      root: compiled,
      ruleset: "ikb.glo",
      rrd: "2023-12-31",
    });
    const r = await validateDelivery(DELIVERY, rs, { rrd: "2023-12-31" });
    const all = [...r.rules, ...r.secondaryRules];
    const trace = new Map(rs.trace.map((t) => [t.code, t]));
    for (const x of all) {
      expect(x.classification, x.code).toBeDefined();
      expect(x.classification).toEqual(trace.get(x.code)!.classification);
    }
    expect(all.find((x) => x.code === "fil0001")!.classification).toEqual({
      class: "own",
      label: "regel's own check (no GLO code)",
      classFrom: "declared",
      scope: "within",
      scopeLabel: "Checked within the data delivery",
      scopeFrom: "class",
    });
    const html = renderHtml(r);
    const row = html
      .slice(html.indexOf('<tr id="rule-dmc0000"'))
      .split("</tr>")[0];
    expect(row).toContain('data-class="domain"');
    expect(row).toContain(
      '<span class="muted rule-class">domain constraint · Checked within the data delivery</span>',
    );
  });

  it("report.json lists the assumptions of every rule; the HTML marks those rules beside their code", async () => {
    const rs = await selectRuleset({
      root: compiled,
      ruleset: "ikb.glo",
      rrd: "2023-12-31",
    });
    const r = await validateDelivery(DELIVERY, rs, { rrd: "2023-12-31" });
    const all = [...r.rules, ...r.secondaryRules];
    const trace = new Map(rs.trace.map((t) => [t.code, t]));
    for (const x of all)
      expect(x.assumptions).toEqual(trace.get(x.code)!.assumptions);
    // The GLO's code texts are not public: every GLO code rests on an assumption.
    const glo = all.filter((x) => /^(dmc|omc|smc|tmc|etc)\d{4}$/.test(x.code));
    expect(glo.length).toBeGreaterThan(20);
    for (const x of glo) expect(x.assumptions!.length).toBeGreaterThan(0);
    const dmc0001 = all.find((x) => x.code === "dmc0001")!;
    expect(dmc0001.assumptions).toEqual([
      "dmc0001 = a Dutch identification number (BSN) fails the eleven-test.",
      "checked for depositors and representatives (Bijlage 4 control 3.5 item 3, 3.7 d); the category table's (D) decides that only a depositor's counts for identity.",
    ]);
    // ctl0004's meaning comes from control 3.8 o: no assumption.
    expect(all.find((x) => x.code === "ctl0004")!.assumptions).toEqual([]);

    const html = renderHtml(r);
    const row = (code: string) =>
      html.slice(html.indexOf(`<tr id="rule-${code}"`)).split("</tr>")[0];
    expect(row("dmc0001")).toMatch(
      /<a href="#rule-dmc0001">dmc0001<\/a><span class="assumed" title="rests on 2 assumptions[^"]*">assumed<\/span><\/td>/,
    );
    expect(row("dmc0001")).toContain(
      '<div class="assumption"><b>Assumption:</b> dmc0001 = a Dutch identification number (BSN) fails the eleven-test.</div>',
    );
    expect(row("ctl0004")).not.toContain('class="assumed"');
    expect(row("ctl0004")).toContain('data-assumed="no"');
    expect(row("dmc0001")).toContain('data-assumed="yes"');
    // Quotes in an assumption are escaped like every other value.
    expect(row("dmc0000")).toContain(
      "&quot;Verplicht attribuut ontbreekt&quot;",
    );
    expect(html).toContain(
      `${glo.length + all.filter((x) => !glo.includes(x) && x.assumptions!.length > 0).length} of ${all.length} rules rest on an assumption`,
    );
  });

  it("a missing file is reported under the GLO's own present rule", async () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-glo-"));
    for (const f of ["natural_person.csv", "bank_account.csv"])
      writeFileSync(join(dir, f), readFileSync(join(DELIVERY, f)));
    const r = await validateDelivery(
      dir,
      await selectRuleset({
        root: compiled,
        ruleset: "ikb.glo",
        rrd: "2023-12-31",
      }),
      { rrd: "2023-12-31" },
    );
    expect(r.status).toBe("rejected");
    expect(r.blockingErrors.find((b) => b.code === "fil0001")!.count).toBe(5);
    // the two metadata files are missing too: fil0005
    expect(r.blockingErrors.find((b) => b.code === "fil0005")!.count).toBe(2);
    expect(r.files.filter((f) => f.readStatus === "missing")).toHaveLength(7);
  });
});

describe("verwijzingsportaal: a request log as NDJSON against the timing constraints", () => {
  it("chooses vp.bankgegevens by the files present and reports timing findings with lines", async () => {
    const dir = join(FIXTURES, "vp-delivery");
    const rs = await selectRuleset({
      root: compiled,
      rrd: "2024-03-31",
      deliveryFiles: ["vp_request_log.ndjson"],
    });
    expect(rs.module.metadata.id).toBe("vp.bankgegevens@1.0.0");
    const r = await validateDelivery(dir, rs, { rrd: "2024-03-31" });
    const log = r.files.find((f) => f.entity === "RequestLog")!;
    expect(log.file).toBe("vp_request_log.ndjson");
    expect(log).toMatchObject({
      rowsRead: 6,
      rowsValidated: 3,
      rowsRejected: 3,
    });
    expect(log.problems.map((p) => [p.code, p.line])).toEqual([
      ["input.unknown-column", 3],
      ["input.invalid-json", 4],
      ["input.invalid-json", 5],
      ["input.invalid-json", 6],
    ]);
    const lines = (code: string) =>
      [...r.rules, ...r.secondaryRules]
        .find((x) => x.code === code)!
        .samples.map((s) => s.line);
    expect(lines("vpl001")).toEqual([2]); // verification answered after 9 s (> 5 s)
    expect(lines("vpl002")).toEqual([3]); // other request answered after 60 s (> 30 s)
    expect(lines("vpl003")).toEqual([3]); // data older than 48 h
    expect(lines("vpl005")).toEqual([3]); // kept less than five years
    expect(r.ikbs).toBeNull();
    expect(r.rows.read).toBe(r.rows.validated + r.rows.rejected);
  });
});
