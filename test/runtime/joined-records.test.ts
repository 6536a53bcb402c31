/**
 * Whole-file checks over joined records (`for file NP with SA by customer_id`, docs/language.md
 * "Joined records"): a person is compared by each of its addresses in its own IKB, not by an
 * address of another IKB nor when it has none; the files may be unsorted (read through sorted
 * runs); and on random files the compiled module run by the runtime gives exactly the findings of
 * the reference interpreter.
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

const RULESET = `ruleset t.joined@1.0.0
  valid from 2024-01-01
  source scv "Single customer view"

entity NP "Natural person"
  file "natural_person.csv"
  key ikb_id, customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field last_name: text(200)
  field date_of_birth: date

entity SA "Structured address"
  file "structured_address.csv"
  key ikb_id, address_id
  field ikb_id: text(40) required
  field address_id: text(40) required
  field customer_id: text(40) required
  field postal_code: text(10) personal
  field house_number: text(10)

ikb "IKB"
  key ikb_id
  depositor NP by customer_id

rule dup0002 "Silver triangle"
  meaning "A person at one address has one customer number." from scv art 4
  severity signalling
  implements scv art 4
  for file NP with SA by customer_id
  require one customer_id per normalized_name(last_name), date_of_birth, normalized_code(SA.postal_code, SA.house_number)
  example fail file NP rows { ikb_id: "K1", customer_id: "C1", last_name: "Jansen", date_of_birth: 1970-01-01 }, { ikb_id: "K2", customer_id: "C2", last_name: "Jansen", date_of_birth: 1970-01-01 } with SA { ikb_id: "K1", address_id: "A1", customer_id: "C1", postal_code: "1234 AB", house_number: "12" }, SA { ikb_id: "K2", address_id: "A2", customer_id: "C2", postal_code: "1234ab", house_number: "12" }
  example pass file NP rows { ikb_id: "K1", customer_id: "C1", last_name: "Jansen", date_of_birth: 1970-01-01 }, { ikb_id: "K2", customer_id: "C2", last_name: "Jansen", date_of_birth: 1970-01-01 } with SA { ikb_id: "K1", address_id: "A1", customer_id: "C1", postal_code: "1234 AB", house_number: "12" }

rule dup0001 "Name and date of birth"
  meaning "A person of one name and date of birth has one customer number." from scv art 4
  severity signalling
  implements scv art 4
  for file NP
  require one customer_id per normalized_name(last_name), date_of_birth
  example fail file NP rows { ikb_id: "K1", customer_id: "C1", last_name: "Jansen", date_of_birth: 1970-01-01 }, { ikb_id: "K2", customer_id: "C2", last_name: "JANSEN", date_of_birth: 1970-01-01 }
  example pass file NP rows { ikb_id: "K1", customer_id: "C1", last_name: "Jansen", date_of_birth: 1970-01-01 }, { ikb_id: "K2", customer_id: "C1", last_name: "JANSEN", date_of_birth: 1970-01-01 }
`;

const NP_HEADER = ["ikb_id", "customer_id", "last_name", "date_of_birth"];
const SA_HEADER = [
  "ikb_id",
  "address_id",
  "customer_id",
  "postal_code",
  "house_number",
];

let loaded: LoadedRuleset;
let ruleset: ResolvedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(RULESET, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.joined@1.0.0"));
  ruleset = loadProjectFromTexts(new Map([["t.regel", RULESET]])).rulesets[0];
});

const csv = (header: string[], rows: string[][]) =>
  [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";

async function run(
  np: string[][],
  sa: string[][],
  sortBudget?: number,
  codes: readonly string[] = ["dup0002"],
) {
  const report = await validateDelivery(
    delivery({
      "natural_person.csv": csv(NP_HEADER, np),
      "structured_address.csv": csv(SA_HEADER, sa),
    }),
    loaded,
    {
      rrd: "2024-06-30",
      maxSamples: 100_000,
      ...(sortBudget === undefined ? {} : { sortBudget }),
    },
  );
  return report.rules
    .filter((r) => codes.includes(r.code))
    .flatMap((r) => r.samples.map((f) => ({ ...f, rule: r.code })))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

describe("joined records in a delivery", () => {
  it("compares a person by each of its addresses in its IKB, in unsorted files read through runs", async () => {
    const np = [
      ["K3", "C3", "Jansen", "1970-01-01"], // no address: not compared
      ["K2", "C2", "JANSEN", "1970-01-01"],
      ["K1", "C1", "Jansen", "1970-01-01"],
      ["K4", "C4", "Jansen", "1970-01-01"], // its address is in another IKB
      ["K5", "C5", "Jansen", "1970-01-01"], // same name, other address
    ];
    const sa = [
      ["K1", "A1", "C1", "9999 ZZ", "1"],
      ["K2", "A3", "C2", "1234ab", "12"],
      ["K1", "A2", "C1", "1234 AB", "12"],
      ["K1", "A4", "C4", "1234AB", "12"],
      ["K5", "A5", "C5", "1234 AB", "14"],
    ];
    for (const budget of [undefined, 64]) {
      const found = await run(np, sa, budget);
      const msg =
        'last_name="Jansen";date_of_birth="1970-01-01";SA.postal_code=***;SA.house_number=*** has 2 different values of customer_id in natural_person.csv: "C2" (line 3), "C1" (line 4)';
      expect(found.map((f) => [f.line, f.message, f.values])).toEqual([
        [
          3,
          msg.replace('"Jansen"', '"JANSEN"'),
          {
            last_name: "JANSEN",
            date_of_birth: "1970-01-01",
            customer_id: "C2",
          },
        ],
        [
          4,
          msg,
          {
            last_name: "Jansen",
            date_of_birth: "1970-01-01",
            customer_id: "C1",
          },
        ],
      ]);
    }
  });

  it("names a person once when two of its addresses fall into one group", async () => {
    const found = await run(
      [
        ["K1", "C1", "Jansen", "1970-01-01"],
        ["K2", "C2", "Jansen", "1970-01-01"],
      ],
      [
        ["K1", "A1", "C1", "1234 AB", "12"],
        ["K1", "A2", "C1", "1234AB", "12"],
        ["K2", "A3", "C2", "1234ab", "12"],
      ],
    );
    expect(found.map((f) => f.line)).toEqual([2, 3]);
    expect(found[0].message).toMatch(/"C1" \(line 2\), "C2" \(line 3\)$/);
  });

  it("gives no finding without the address file", async () => {
    const report = await validateDelivery(
      delivery({
        "natural_person.csv": csv(NP_HEADER, [
          ["K1", "C1", "Jansen", "1970-01-01"],
          ["K2", "C2", "Jansen", "1970-01-01"],
        ]),
      }),
      loaded,
      { rrd: "2024-06-30" },
    );
    expect(report.rules.find((r) => r.code === "dup0002")?.count ?? 0).toBe(0);
  });
});

// ---------------------------------------------------------------- differential

const npRow = fc.tuple(
  // K3 has no structured address
  fc.constantFrom("K1", "K2", "K3"),
  fc.constantFrom("C1", "C2", "C3"),
  fc.constantFrom("Jansen", "JANSEN", "van Dijk", ""),
  fc.constantFrom("1970-01-01", "1970-01-01", "1970-02-30", ""),
);
const saRow = fc.tuple(
  fc.constantFrom("K1", "K2"),
  fc.constantFrom("A1", "A2", "A3"),
  fc.constantFrom("C1", "C2", "C3", ""),
  fc.constantFrom("1234 AB", "1234ab", "6546 LN", ""),
  fc.constantFrom("12", "12A", "12 a", ""),
);

function comparable(f: {
  rule: string;
  line?: number | null;
  key: string;
  values: Record<string, string | null>;
  message: string;
}) {
  const values: Record<string, string | null> = {};
  for (const k of Object.keys(f.values).sort()) values[k] = f.values[k];
  return JSON.stringify([f.rule, f.line, f.key, values, f.message]);
}

describe("joined records: compiled runtime = reference interpreter", () => {
  // NP in IKB key order or not: the joined pass does dup0001's second read of NP, or NP is read by itself
  it("on random files, with a whole-file check of the record's own file beside the joined one", async () => {
    let findings = 0;
    let sorted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(npRow, { minLength: 4, maxLength: 10 }),
        fc.array(saRow, { minLength: 4, maxLength: 10 }),
        fc.boolean(),
        async (rows, sa, inOrder) => {
          const np = inOrder
            ? [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
            : rows;
          const codes = ["dup0001", "dup0002"];
          const compiled = (await run(np, sa, undefined, codes)).map(
            comparable,
          );
          if (np.every((r, i) => i === 0 || np[i - 1][0] <= r[0])) sorted++;
          const file = (header: string[], rows: string[][]) => ({
            header,
            rows: rows.map((r) =>
              Object.fromEntries(header.map((n, i) => [n, r[i]])),
            ),
          });
          const interpreted = checkFiles(ruleset, {
            NP: file(NP_HEADER, np),
            SA: file(SA_HEADER, sa),
          })
            .filter((f: Finding) => codes.includes(f.rule))
            .map(comparable);
          expect(compiled.sort()).toEqual(interpreted.sort());
          findings += compiled.length;
        },
      ),
      { numRuns: 60, seed: 20261204 },
    );
    // not vacuous
    expect(findings).toBeGreaterThan(5);
    expect(sorted).toBeGreaterThan(3);
    expect(sorted).toBeLessThan(57);
  });
});
