/**
 * What an example means (interpreter/example-runner.ts, docs/language.md "Examples"): a delivery of
 * one IKB in which `exists` / `count` / `sum` see exactly what they would see on a real delivery.
 * Each example of a small ruleset is run by the compiled record path (as `regel check` runs it),
 * as a real delivery (`validateDelivery`) and by the reference interpreter; all three give the
 * declared verdict.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  deliveryExampleFindings,
  recordExampleFindings,
  reportExampleFindings,
  runCompiledExamples,
  writeExampleDelivery,
} from "../../cli/example-check.js";
import {
  exampleDeliveries,
  exampleGroup,
  isDelivery,
  runExamples,
  type ExampleDelivery,
} from "../../interpreter/example-runner.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { compileTexts, writeFiles } from "../compiler/compile-harness.js";

const SOURCE = `ruleset t.ex@1.0.0
  source br "B"

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  role by customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field last_name: text(40)

entity AD "Address"
  file "ad.csv"
  key ikb_id, address_id
  field ikb_id: text(40) required
  field address_id: text(40) required
  field customer_id: text(40)

ikb "IKB"
  key ikb_id
  depositor NP by customer_id

rule adr "Geen adres"
  assumption "a test rule"
  severity signalling
  implements br art 1
  for NP
  require exists(AD where AD.customer_id = customer_id)
  example fail NP { ikb_id: "C1", customer_id: "C1" }
  example pass NP { ikb_id: "C1", customer_id: "C1" } with AD { address_id: "A1", customer_id: "C1" }

rule self "Ziet zichzelf"
  assumption "a test rule"
  severity signalling
  implements br art 1
  for NP
  require count(NP) = 1
  example pass NP { customer_id: "C1" }
  example fail NP { ikb_id: "", customer_id: "C1" }
  example fail NP { customer_id: "C1" } with NP { customer_id: "V1" }

rule dep "Achternaam depositohouder"
  assumption "a test rule"
  severity signalling
  applies to D
  implements br art 1
  for NP
  require last_name is present
  example fail NP { }
  example pass NP { customer_id: "C1" }
  example pass NP { last_name: "Jansen" }

rule fil "Bestand ontbreekt"
  assumption "a test rule"
  severity blocking
  implements br art 1
  for file AD
  require present
  example fail file AD missing
  example pass file AD rows { address_id: "A1" } with NP { customer_id: "C1" }
`;

const project = loadProjectFromTexts(new Map([["t.regel", SOURCE]]));
const ruleset = project.rulesets[0];
const deliveries = exampleDeliveries(ruleset).filter(isDelivery);
const byLabel = (rule: string, label: string): ExampleDelivery =>
  deliveries.find((d) => d.rule === rule && d.label === label)!;

describe("an example is a delivery of one IKB", () => {
  it("the ruleset checks cleanly", () => {
    expect(project.diagnostics).toEqual([]);
    expect(deliveries).toHaveLength(10);
  });

  it("a `with` record without an IKB key is in the subject's IKB", () => {
    const d = byLabel("adr", "pass#1");
    expect(d.subject?.ikbKey).toBe("C1");
    expect(d.files.AD.rows).toEqual([
      { address_id: "A1", customer_id: "C1", ikb_id: "C1" },
    ]);
    expect(Object.keys(exampleGroup(ruleset, d))).toEqual(["NP", "AD"]);
    // every file of the data model is there, with its full header
    expect(d.files.NP.header).toEqual(["ikb_id", "customer_id", "last_name"]);
    expect(d.files.AD.header).toEqual(["ikb_id", "address_id", "customer_id"]);
  });

  it("a subject with an empty IKB key is in no IKB and sees no records, not even itself", () => {
    const d = byLabel("self", "fail#1");
    expect(d.subject?.row).toEqual({ ikb_id: "", customer_id: "C1" });
    expect(d.subject?.ikbKey).toBeUndefined();
    expect(exampleGroup(ruleset, d)).toEqual({});
  });

  it("fills the IKB key and the depositor's `by` field only where the record does not give them", () => {
    expect(byLabel("dep", "fail#1").subject?.row).toEqual({
      ikb_id: "IKB-1",
      customer_id: "IKB-1",
    });
    expect(byLabel("dep", "pass#1").subject?.row).toEqual({
      customer_id: "C1",
      ikb_id: "IKB-1",
    });
  });

  it("file examples: every other file present (header only), the example's file as written", () => {
    const missing = byLabel("fil", "fail#1");
    expect(Object.keys(missing.files)).toEqual(["NP"]);
    expect(missing.files.NP.rows).toEqual([]);
    const rows = byLabel("fil", "pass#1");
    expect(rows.files.AD.rows).toEqual([{ address_id: "A1", ikb_id: "IKB-1" }]);
    expect(rows.files.NP.rows).toEqual([
      { customer_id: "C1", ikb_id: "IKB-1" },
    ]);
  });

  it("compiled record path, real delivery and reference interpreter all give the declared verdict", async () => {
    const result = await compileTexts({ "t.regel": SOURCE });
    const loaded = await loadCompiled(
      join(writeFiles(result), "out", "t.ex@1.0.0"),
    );
    const work = mkdtempSync(join(tmpdir(), "regel-example-runner-"));
    const rows: string[] = [];
    for (const d of deliveries) {
      const example =
        d.subject !== undefined
          ? recordExampleFindings(ruleset, loaded.module, d)
          : await deliveryExampleFindings(ruleset, loaded, d, work);
      const dir = mkdtempSync(join(work, "d-"));
      await writeExampleDelivery(ruleset, d, dir);
      const report = await validateDelivery(dir, loaded, { rrd: d.rrd });
      const delivered = reportExampleFindings(ruleset, report, d);
      rows.push(
        `${d.rule} ${d.label}: ${example.length > 0 ? "fail" : "pass"} ${delivered.length > 0 ? "fail" : "pass"}`,
      );
    }
    expect(rows).toEqual(
      deliveries.map(
        (d) => `${d.rule} ${d.label}: ${d.expected} ${d.expected}`,
      ),
    );
    expect(
      (await runCompiledExamples(ruleset, loaded, work)).map((r) => r.actual),
    ).toEqual(deliveries.map((d) => d.expected));
    expect(runExamples(ruleset).map((r) => r.actual)).toEqual(
      deliveries.map((d) => d.expected),
    );
  });
});
