/**
 * File totals (`require count = TL.records`, `require sum amount = TL.total`, a parameter or a
 * literal as the figure): a delivery's finding names the file, the trailer's line and both
 * figures, in exact decimals; and a differential property: on random files the compiled module
 * run by the runtime (runtime/file-totals.ts) gives exactly the findings of the reference
 * interpreter (docs/language.md, "File totals").
 */
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../compiler/contract.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { checkFiles } from "../../interpreter/reference-interpreter.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

const RULESET = `ruleset t.totals@1.0.0
  valid from 2024-01-01
  source scv "Single customer view"

parameter max_customers: integer "Most customers in one file"
  assumption "an example limit."
  from 2024-01-01 value 3

entity CU "Customer"
  file "customer.csv"
  key customer_id
  field customer_id: text(4) required
  field amount: decimal(9,2)

entity TL "Trailer"
  file "trailer.csv" single
  field records: integer
  field total: decimal(12,2)

rule tot001 "Record count"
  meaning "The trailer counts the customer records." from scv art 6
  severity blocking
  implements scv art 6
  for file CU
  require count = TL.records
  example fail file CU rows { customer_id: "C1" } with TL { records: 2 }
  example pass file CU rows { customer_id: "C1" } with TL { records: 1 }

rule tot002 "Control total"
  meaning "The trailer's total is the sum of the amounts." from scv art 6
  severity blocking
  implements scv art 6
  for file CU
  require sum amount = TL.total
  example fail file CU rows { customer_id: "C1", amount: 0.10 }, { customer_id: "C2", amount: 0.20 } with TL { total: 0.31 }
  example pass file CU rows { customer_id: "C1", amount: 0.10 }, { customer_id: "C2", amount: 0.20 } with TL { total: 0.30 }

rule tot003 "Too many customers"
  meaning "A file holds at most the parameter's number of customers." from scv art 7
  severity signalling
  implements scv art 7
  for file CU
  require count <= max_customers
  example fail file CU rows { customer_id: "C1" }, { customer_id: "C2" }, { customer_id: "C3" }, { customer_id: "C4" }
  example pass file CU rows { customer_id: "C1" }

rule tot004 "Amounts below a limit"
  meaning "The amounts of a file add up to less than 2.5." from scv art 7
  severity signalling
  implements scv art 7
  for file CU
  require sum amount < 2.5
  example fail file CU rows { customer_id: "C1", amount: 2.50 }
  example pass file CU rows { customer_id: "C1", amount: 2.49 }
`;

const RULES = ["tot001", "tot002", "tot003", "tot004"];

let loaded: LoadedRuleset;
let ruleset: ResolvedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(RULESET, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.totals@1.0.0"));
  const p = loadProjectFromTexts(new Map([["t.regel", RULESET]]));
  ruleset = p.rulesets[0];
}, 120_000);

const csv = (header: string, rows: string[][]) =>
  [header, ...rows.map((r) => r.join(","))].join("\n") + "\n";

async function run(customers: string[][], trailer: string[][]) {
  const report = await validateDelivery(
    delivery({
      "customer.csv": csv("customer_id,amount", customers),
      "trailer.csv": csv("records,total", trailer),
    }),
    loaded,
    { rrd: "2024-06-30", maxSamples: 100_000 },
  );
  return report.rules
    .filter((r) => RULES.includes(r.code))
    .flatMap((r) => r.samples.map((s) => ({ rule: r.code, ...s })));
}

describe("file totals in a delivery", () => {
  it("name the file, the trailer's line and both figures, in exact decimals", async () => {
    const found = await run(
      [
        ["C1", "0.10"],
        ["C2", "0.20"],
        ["C3", "x"],
        ["C4", ""],
      ],
      [["3", "0.31"]],
    );
    expect(found.map((f) => [f.rule, f.file, f.line, f.message])).toEqual([
      [
        "tot001",
        "customer.csv",
        null,
        "CU has 4 records in customer.csv; TL.records (trailer.csv line 2) is 3: required count = TL.records",
      ],
      [
        "tot002",
        "customer.csv",
        null,
        "the sum of amount over CU in customer.csv is 0.30 (2 of 4 records with a valid amount); TL.total (trailer.csv line 2) is 0.31: required sum amount = TL.total",
      ],
      [
        "tot003",
        "customer.csv",
        null,
        "CU has 4 records in customer.csv; max_customers is 3: required count <= max_customers",
      ],
    ]);
  });

  it("hold when the figures agree, and say nothing when the trailer is not one valid record", async () => {
    expect(await run([["C1", "1.25"]], [["1", "1.25"]])).toEqual([]);
    // no trailer record, two of them, or a value that does not decode: reported by themselves
    for (const trailer of [
      [],
      [
        ["1", "1.25"],
        ["1", "1.25"],
      ],
      [["y", "z"]],
    ])
      expect(
        (
          await run(
            [
              ["C1", "1.25"],
              ["C2", "1"],
            ],
            trailer,
          )
        ).filter((f) => f.rule === "tot001" || f.rule === "tot002"),
      ).toEqual([]);
  });
});

// ---------------------------------------------------------------- differential

const customerArb = fc.tuple(
  fc.constantFrom("C1", "C2"),
  fc.constantFrom("1.5", "0.10", "0.2", "", "x", "-3.25", "1.555", "007"),
);
const trailerArb = fc.tuple(
  fc.constantFrom("0", "1", "2", "3", "", "z"),
  fc.constantFrom("1.50", "0.30", "", "-1.75", "3.2", "0"),
);

function comparable(f: {
  rule: string;
  line?: number | null;
  message: string;
}) {
  return JSON.stringify([f.rule, f.line ?? null, f.message]);
}

describe("file totals: compiled runtime = reference interpreter", () => {
  it("on random files", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(customerArb, { maxLength: 6 }),
        fc.array(trailerArb, { maxLength: 2 }),
        async (customers, trailer) => {
          const compiled = (await run(customers, trailer)).map(comparable);
          const file = (header: string[], rows: string[][]) => ({
            header,
            rows: rows.map((r) =>
              Object.fromEntries(header.map((n, i) => [n, r[i]])),
            ),
          });
          const interpreted = checkFiles(
            ruleset,
            {
              CU: file(["customer_id", "amount"], customers),
              TL: file(["records", "total"], trailer),
            },
            undefined,
            "2024-06-30",
          )
            .filter((f: Finding) => RULES.includes(f.rule))
            .map(comparable);
          expect(compiled.sort()).toEqual(interpreted.sort());
          for (const c of compiled) seen.add(JSON.parse(c)[0]);
        },
      ),
      { numRuns: 80, seed: 20241204 },
    );
    // not vacuous: every rule had findings in some run
    expect([...seen].sort()).toEqual(RULES);
  });
});
