/**
 * Rules that read the previous delivery (`previous.f`, `previous is present`): the compiled
 * validators and the reference interpreter agree on random records with and without a record in
 * T−1, and without a previous delivery neither reports such a rule (it is not evaluated).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding, RuleContext } from "../../compiler/contract.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { interpretRecord } from "../../interpreter/reference-interpreter.js";
import {
  compileAndImport,
  day,
  decode,
  type Module,
} from "./compile-harness.js";

/** The `example.previous` block of docs/language.md, as the reader sees it. */
const TEXT = (() => {
  const doc = readFileSync("docs/language.md", "utf8");
  const start = doc.indexOf("```regel\nruleset example.previous@1.0.0");
  const end = doc.indexOf("```\n", start + 8);
  return doc.slice(start + "```regel\n".length, end);
})();

let module: Module;
let ruleset: ResolvedRuleset;

beforeAll(async () => {
  module = (await compileAndImport(TEXT, "example.previous/1.0.0.regel"))
    .module;
  const project = loadProjectFromTexts(
    new Map([["example.previous/1.0.0.regel", TEXT]]),
  );
  ruleset = project.rulesets[0];
}, 60_000);

const RRD = "2024-01-01";
type Row = Record<string, string>;

/** What a finding says, without the law object and the source position. */
function shown(fs: readonly Finding[]): string[] {
  return fs
    .filter((f) => f.rule.startsWith("etc"))
    .map((f) =>
      JSON.stringify([f.rule, f.entity, f.role, f.key, f.values, f.message]),
    )
    .sort();
}

/** The compiled run of one record of `entity` with its IKB and, when given, its IKB in T−1. */
function compiled(
  entity: string,
  row: Row,
  previous: Row[] | undefined,
): Finding[] {
  const out: Finding[] = [];
  const record = decode(module, entity, row, []);
  const ctx: RuleContext = {
    rrd: day(RRD),
    ikb: { NP: [], BA: [], [entity]: [record] },
    ikbKey: row.ikb_id,
  };
  if (previous !== undefined)
    ctx.previous = {
      NP: [],
      BA: [],
      [entity]: previous.map((r) => decode(module, entity, r, [])),
    };
  module.checks[entity](record, ctx, out);
  return out;
}

function interpreted(
  entity: string,
  row: Row,
  previous: Row[] | undefined,
): Finding[] {
  return interpretRecord(ruleset, entity, row, {
    rrd: RRD,
    ikb: { [entity]: [row] },
    ikbKey: row.ikb_id,
    previous: previous === undefined ? undefined : { [entity]: previous },
  });
}

const dates = fc.constantFrom("1970-01-01", "1971-01-01", "", "1970-02-30");
const amounts = fc.constantFrom(
  "",
  "0.00",
  "999.99",
  "1000.00",
  "1000.01",
  "1500.00",
  "15000.00",
  "15000.01",
  "50000.00",
  "-2000.00",
  "12,50",
);
const ids = fc.constantFrom("C1", "C2");

/** T−1: no previous delivery, the IKB not in it, or up to two records (the same key or another). */
function previousOf<T extends Row>(
  row: fc.Arbitrary<T>,
): fc.Arbitrary<T[] | undefined> {
  return fc.option(fc.array(row, { maxLength: 2 }), { nil: undefined });
}

const np = fc.record({
  ikb_id: fc.constant("C1"),
  customer_id: ids,
  date_of_birth: dates,
});
const ba = fc.record({
  ikb_id: fc.constant("C1"),
  account_id: fc.constantFrom("A1", "A2"),
  balance: amounts,
});

describe("rules that read the previous delivery", () => {
  it("compiled and interpreted agree on NP and BA records, with and without T−1", () => {
    fc.assert(
      fc.property(np, previousOf(np), ba, previousOf(ba), (n, pn, b, pb) => {
        expect(shown(compiled("NP", n, pn))).toEqual(
          shown(interpreted("NP", n, pn)),
        );
        expect(shown(compiled("BA", b, pb))).toEqual(
          shown(interpreted("BA", b, pb)),
        );
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });

  it("without a previous delivery such a rule is not evaluated: no finding, whatever the record", () => {
    fc.assert(
      fc.property(np, ba, (n, b) => {
        expect(shown(compiled("NP", n, undefined))).toEqual([]);
        expect(shown(interpreted("NP", n, undefined))).toEqual([]);
        expect(shown(compiled("BA", b, undefined))).toEqual([]);
        expect(shown(interpreted("BA", b, undefined))).toEqual([]);
      }),
      { numRuns: 100, seed: 20261204 },
    );
  });

  it("finds the record of the same key in T−1 and reads its field", () => {
    const n = { ikb_id: "C1", customer_id: "C1", date_of_birth: "1970-01-01" };
    const other = { ...n, customer_id: "C2", date_of_birth: "1980-05-05" };
    const same = { ...n, date_of_birth: "1971-01-01" };
    expect(shown(compiled("NP", n, [other]))).toEqual([]);
    const found = compiled("NP", n, [other, same]);
    expect(found.map((f) => f.rule)).toEqual(["etc0101"]);
    expect(found[0].key).toBe("ikb_id=C1;customer_id=C1");
    const b = { ikb_id: "C1", account_id: "A1", balance: "15000.01" };
    expect(
      compiled("BA", b, [{ ...b, balance: "1500.00" }]).map((f) => f.rule),
    ).toEqual(["etc0102"]);
    expect(compiled("BA", b, [{ ...b, balance: "1500.01" }])).toEqual([]);
  });

  it("marks the rules in the trace table", () => {
    const marked = module.trace.filter((t) => t.previous === true);
    expect(marked.map((t) => t.code)).toEqual(["etc0101", "etc0102"]);
    expect(marked.every((t) => t.classification?.scope === "outside")).toBe(
      true,
    );
  });
});
