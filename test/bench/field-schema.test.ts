/**
 * The ajv baseline of the bench (bench/field-schema.ts) must judge every BA record as the compiled
 * field checks do (val0001 decoding, dmc0000, dmc0005, etc0001), or the bench's "0 verdicts
 * differ" and its speed ratio compare different work. A generated delivery with defects and with
 * mandatory attributes delivered as "Unknown"/"Non-applicable" covers both sides of every rule.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { FIELD_RULES_BA, fieldSchema } from "../../bench/field-schema.js";
import type { Finding, RuleContext } from "../../compiler/contract.js";
import { findRuleset, loadProject } from "../../dsl/project.js";
import { dateToDays } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";

const COMPILED = join(
  import.meta.dirname,
  "../../rulesets/compiled/ikb.glo@1.3.0",
);
const RRD = "2024-03-31";

type Rule = (e: string, r: unknown, c: RuleContext, o: Finding[]) => void;

interface Verdicts {
  objects: Record<string, string>[];
  compiled: boolean[];
  ajv: boolean[];
}

let verdicts: Verdicts;

beforeAll(async () => {
  const loaded = await loadCompiled(COMPILED);
  const out = mkdtempSync(join(tmpdir(), "regel-field-schema-"));
  generateDelivery(loaded.module, {
    depositors: 3000,
    seed: 3,
    defectRate: 0.2,
    markingRate: 0.02,
    rrd: RRD,
    out,
  });
  const exports = (await import(
    pathToFileURL(join(COMPILED, "validators.js")).href
  )) as Record<string, unknown>;
  const project = await loadProject([
    join(import.meta.dirname, "../../rulesets"),
  ]);
  const ruleset = findRuleset(project, loaded.module.metadata.id)!;
  const meta = loaded.module.entities.find((e) => e.name === "BA")!;
  const table = parse(readFileSync(join(out, meta.file!), "utf8"), {
    bom: true,
  }) as string[][];
  const columns = meta.fields.map((f) => table[0].indexOf(f.column));
  const ajv = new Ajv.default({ allErrors: false });
  addFormats.default(ajv);
  const validate = ajv.compile(fieldSchema(ruleset, "BA"));
  const rules = FIELD_RULES_BA.map((code) => exports[code] as Rule);
  const ctx: RuleContext = { rrd: dateToDays(RRD), ikb: {}, ikbKey: undefined };
  const index = meta.fields.map((_, i) => i);
  verdicts = { objects: [], compiled: [], ajv: [] };
  for (const row of table.slice(1)) {
    const cells = columns.map((c) => (c >= 0 ? (row[c] ?? "") : ""));
    const object: Record<string, string> = {};
    meta.fields.forEach((f, j) => {
      if (cells[j] !== "") object[f.name] = cells[j];
    });
    const findings: Finding[] = [];
    const record = loaded.module.decoders.BA(cells, index, findings);
    for (const rule of rules) rule("BA", record, ctx, findings);
    verdicts.objects.push(object);
    verdicts.compiled.push(findings.length === 0);
    verdicts.ajv.push(validate(object) as boolean);
  }
});

describe("the bench's ajv schema (bench/field-schema.ts)", () => {
  it("gives every BA record the compiled field checks' verdict", () => {
    const differ = verdicts.objects.filter(
      (_, i) => verdicts.compiled[i] !== verdicts.ajv[i],
    );
    expect(differ).toEqual([]);
  });

  it("is tried on both verdicts and on mandatory attributes reported as unknown", () => {
    expect(verdicts.ajv.filter((v) => v).length).toBeGreaterThan(100);
    expect(verdicts.ajv.filter((v) => !v).length).toBeGreaterThan(10);
    const reportedUnknown = verdicts.objects.filter((o, i) =>
      Object.values(o).some(
        (v) => (v === "Unknown" || v === "Non-applicable") && !verdicts.ajv[i],
      ),
    );
    expect(reportedUnknown.length).toBeGreaterThan(0);
  });
});
