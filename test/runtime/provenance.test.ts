/**
 * Reports that prove what produced them: the tool version, the ruleset with the sha256 of each
 * `.regel` source of its chain and of the compiled module, every input file (name, bytes, sha256,
 * rows), how the RRD was given and the options that change results — in report.json and in the
 * HTML header, byte-identical for the same input.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import { reportToJson } from "../../runtime/report-json.js";
import { validateFolder } from "../../runtime/validate.js";
import { BA_HEADER, delivery, fake, NP_HEADER } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const EXAMPLE = join(ROOT, "examples", "ikb-delivery");
const COMPILED = join(ROOT, "rulesets", "compiled");

const sha256 = (path: string) =>
  createHash("sha256").update(readFileSync(path)).digest("hex");

describe("report provenance", () => {
  it("records the tool version, the ruleset's sources and compiled module, and every input file", async () => {
    const report = await validateFolder(EXAMPLE, {
      rrd: "2024-03-31",
      compiledRoot: COMPILED,
    });
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(report.generator).toEqual({ name: "regel", version: pkg.version });
    const p = report.provenance!;
    expect(p.ruleset).toEqual({
      id: "ikb.glo@1.3.0",
      compiled: {
        file: "ikb.glo@1.3.0/validators.js",
        sha256: sha256(join(COMPILED, "ikb.glo@1.3.0", "validators.js")),
      },
      sources: ["1.2.0", "1.3.0"].map((v) => ({
        path: `ikb.glo/${v}.regel`,
        ruleset: `ikb.glo@${v}`,
        sha256: sha256(join(ROOT, "rulesets", "ikb.glo", `${v}.regel`)),
      })),
      sourcesChecked: "current",
    });
    expect(p.groeipad).toMatchObject({
      id: "ikb.groeipad@1.0.0",
      compiled: {
        file: "ikb.groeipad@1.0.0/trace.json",
        sha256: sha256(join(COMPILED, "ikb.groeipad@1.0.0", "trace.json")),
      },
      sourcesChecked: "current",
    });
    expect(p.groeipad!.sources.map((s) => s.path)).toEqual([
      "ikb.groeipad/1.0.0.regel",
      "nl.werkdagen/1.0.0.regel",
    ]);
    // every file read, with its size, sha256 and rows, in the order of files[]
    expect(p.inputs.map((i) => i.file)).toEqual(
      report.files.map((f) => f.file),
    );
    for (const i of p.inputs) {
      const path = join(EXAMPLE, i.file);
      expect(i.bytes).toBe(statSync(path).size);
      expect(i.sha256).toBe(sha256(path));
      expect(i.rows).toBe(
        report.files.find((f) => f.file === i.file)!.rowsRead,
      );
    }
    expect(p.rrdChosenBy).toBe("option");
    expect(p.options).toEqual({
      showPersonalData: false,
      maxSamples: 1000,
      maxFieldLength: 10000,
      maxFields: 10000,
      maxRecordLength: 1000000,
    });
  });

  it("records the options that change results, and stays byte-identical for the same input", async () => {
    const rs = await fake();
    const dir = delivery({
      "natural_person.csv": NP_HEADER + "I1,I1,Jansen,1970-01-01,\n",
      "bank_account.csv": BA_HEADER + "I1,A1,I1,1.00\n",
    });
    const opts = {
      rrd: "2022-12-31",
      maxSamples: 5,
      maxFieldLength: 4096,
      maxFields: 64,
      showPersonalData: true,
      rrdChosenBy: "--rrd" as const,
    };
    const a = await validateDelivery(dir, rs, opts);
    expect(a.provenance?.options).toEqual({
      showPersonalData: true,
      maxSamples: 5,
      maxFieldLength: 4096,
      maxFields: 64,
      maxRecordLength: 1000000,
    });
    expect(a.provenance?.rrdChosenBy).toBe("--rrd");
    // a hand-written module records no sources
    expect(a.provenance?.ruleset.sources).toEqual([]);
    expect(a.provenance?.ruleset.sourcesChecked).toBe("unrecorded");
    expect(reportToJson(await validateDelivery(dir, rs, opts))).toBe(
      reportToJson(a),
    );
    expect(reportToJson(a)).not.toMatch(/generatedAt/);
  });

  it("hashes the whole file even when a header problem stops reading it early", async () => {
    const rs = await fake();
    // larger than one read (256 KiB), so the reader stops before the end
    const body = "I1,I1,Jansen,1970-01-01,\n".repeat(20000);
    const text = `ikb_id,ikb_id,customer_id,last_name,date_of_birth,reliability_indicator_code\n${body}`;
    const dir = delivery({
      "natural_person.csv": text,
      "bank_account.csv": BA_HEADER,
    });
    const r = await validateDelivery(dir, rs, { rrd: "2022-12-31" });
    expect(r.files[0].readStatus).toBe("stopped");
    const np = r.provenance!.inputs.find(
      (i) => i.file === "natural_person.csv",
    )!;
    expect(np.bytes).toBe(Buffer.byteLength(text));
    expect(np.sha256).toBe(sha256(join(dir, "natural_person.csv")));
  });

  it("hashes NDJSON input as read", async () => {
    const vp = join(ROOT, "test", "runtime", "fixtures", "vp-delivery");
    const r = await validateFolder(vp, {
      rrd: "2024-06-01",
      compiledRoot: COMPILED,
      ruleset: "vp.bankgegevens",
    });
    const log = r.provenance!.inputs.find(
      (i) => i.file === "vp_request_log.ndjson",
    )!;
    expect(log.sha256).toBe(sha256(join(vp, "vp_request_log.ndjson")));
    expect(r.provenance!.groeipad).toBeNull();
  });

  it("the HTML header shows the provenance, escaped", async () => {
    const report = await validateFolder(EXAMPLE, {
      rrd: "2024-03-31",
      compiledRoot: COMPILED,
    });
    const html = renderHtml(report);
    const p = report.provenance!;
    expect(html).toContain(
      `Provenance: regel ${report.generator.version}, ikb.glo@1.3.0, 9 input files`,
    );
    expect(html).toContain(p.ruleset.compiled.sha256!);
    for (const s of p.ruleset.sources) expect(html).toContain(s.sha256);
    for (const i of p.inputs) expect(html).toContain(i.sha256!);
    expect(html).toContain("RRD 2024-03-31: given with the rrd option");
    const hostile = structuredClone(report);
    hostile.provenance!.inputs[0].file = "<script>x</script>.csv";
    expect(renderHtml(hostile)).not.toContain("<script>x");
  });
});
