/**
 * Record types (issue 12 item 5): one file of several record types read by several entities; every
 * line is accounted for once, findings keep the physical lines, and a `single` entity (a trailer)
 * must have exactly one record.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { validateCsv, type CsvRowResult } from "../../runtime/validate.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { compileTexts, writeFiles } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

const FILE = 'file "f.txt" delimiter "|" header none';
const TEXT = `ruleset t.records@1.0.0
  source s "Spec"

entity HD "Header record"
  ${FILE} record "H" single
  field record_type: text(1) required
  field created: date

entity CU "Customer record"
  ${FILE} record "C"
  key id
  field record_type: text(1) required
  field id: text(10) required
  field born: date

entity TL "Trailer record"
  ${FILE} record "T" single
  field record_type: text(1) required
  field records: integer required

rule fmt001 "Value does not fit"
  meaning "A value does not fit its type."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for CU.*, TL.*, HD.*
  require value is valid
  example fail CU { id: "1", born: "x" }
  example pass CU { id: "1" }
`;

async function load(): Promise<LoadedRuleset> {
  const dir = writeFiles(await compileTexts({ "t.regel": TEXT }));
  return loadCompiled(join(dir, "out", "t.records@1.0.0"));
}

describe("record types", () => {
  it("gives each entity the rows of its type, on their physical lines, each line counted once", async () => {
    const rs = await load();
    const r = await validateDelivery(
      delivery({ "f.txt": "H|2024-01-01\nC|1|\nC|2|x\nQ|3\nT|2\n" }),
      rs,
      { rrd: "2024-01-01" },
    );
    expect(r.files.map((f) => [f.entity, f.rowsRead, f.rowsRejected])).toEqual([
      ["HD", 2, 1],
      ["CU", 2, 0],
      ["TL", 1, 0],
    ]);
    expect(r.files[0].problems.map((p) => [p.code, p.line])).toEqual([
      ["input.unknown-record-type", 4],
    ]);
    const fmt = [...r.rules, ...r.secondaryRules].find(
      (x) => x.code === "fmt001",
    )!;
    expect(fmt.samples.map((s) => [s.entity, s.attribute, s.line])).toEqual([
      ["CU", "born", 3],
    ]);
    expect(r.provenance?.inputs.map((i) => i.file)).toEqual(["f.txt"]);
  });

  it("validateCsv gives an entity the rows of its type, on their physical lines, as the folder does", async () => {
    // validateCsv read the file as comma-separated with a header: nothing of it was validated
    const rs = await load();
    const out: CsvRowResult[] = [];
    for await (const r of validateCsv(
      rs,
      "CU",
      ["H|2024-01-01\nC|1|\nC|2|x\nQ|3\nT|2\n"],
      { rrd: "2024-01-01" },
    ))
      out.push(r);
    expect(
      out.map((r) => [
        r.kind,
        r.line,
        r.kind === "record"
          ? r.findings.map((f) => `${f.rule} ${f.attribute}`)
          : r.code,
      ]),
    ).toEqual([
      ["record", 2, []],
      ["record", 3, ["fmt001 born"]],
      ["rejected", 4, "input.unknown-record-type"],
    ]);
    expect((out[2] as { message: string }).message).toBe(
      'the record\'s type (its first field) is none of "H", "C", "T", the record types of f.txt',
    );
  });

  it("reports a single-record entity with none or two records", async () => {
    const rs = await load();
    const r = await validateDelivery(
      delivery({ "f.txt": "C|1|\nT|1\nT|1\n" }),
      rs,
      { rrd: "2024-01-01" },
    );
    const problems = r.files.flatMap((f) => f.problems.map((p) => p.message));
    expect(problems).toEqual([
      'HD is declared `single` (exactly one record of type "H"), but f.txt holds 0',
      'TL is declared `single` (exactly one record of type "T"), but f.txt holds 2',
    ]);
  });
});
