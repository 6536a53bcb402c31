/**
 * Dates computed from the RRD alone (`rrd - 18 years`, `rrd - n months` with a parameter) are
 * taken once per RRD through a hoisted memo: the module must still follow the RRD of each call,
 * when one module checks records against several RRDs in turn.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  compileAndImport,
  context,
  run,
  type Module,
} from "./compile-harness.js";

const RULESET = `
ruleset t.rrdmemo@1.0.0 "RRD memo"
  valid from 2024-01-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field date_of_birth: date

ikb "IKB"
  key ikb_id

rule adult "Meerderjarig"
  severity signalling
  implements br art 1
  for NP
  when date_of_birth is present
  require date_of_birth <= rrd - 18 years and date_of_birth > rrd - 1200 months and date_of_birth != rrd + 3 days
  example fail NP { ikb_id: "I", customer_id: "C", date_of_birth: 2020-01-01 }
  example pass NP { ikb_id: "I", customer_id: "C", date_of_birth: 1970-01-01 }
`;

let m: Module;
let js: string;

beforeAll(async () => {
  const compiled = await compileAndImport(RULESET, "rulesets/t.regel");
  m = compiled.module;
  js = compiled.result.files.find((f) =>
    f.path.endsWith("validators.js"),
  )!.contents;
});

describe("dates computed from the RRD alone", () => {
  const fails = (dateOfBirth: string, rrd: string): boolean =>
    run(
      m,
      "NP",
      { ikb_id: "I", customer_id: "C", date_of_birth: dateOfBirth },
      context(rrd),
    ).findings.some((f) => f.rule === "adult");

  it("are computed once per RRD (a hoisted memo)", () => {
    expect(js).toContain("$memoRrd(");
    expect(js.match(/const \$rrdMemo\d+ = /g)?.length).toBe(3);
  });

  it("follow the RRD of every call, back and forth", () => {
    for (let round = 0; round < 2; round++) {
      expect(fails("2006-06-30", "2024-06-30")).toBe(false);
      expect(fails("2006-07-01", "2024-06-30")).toBe(true);
      expect(fails("2006-07-01", "2024-07-01")).toBe(false);
      expect(fails("2006-06-30", "2024-06-29")).toBe(true);
      // the 29th of February 18 years before a leap-day RRD, and 1200 months before
      expect(fails("2006-02-28", "2024-02-29")).toBe(false);
      expect(fails("1924-02-29", "2024-02-29")).toBe(true);
      expect(fails("1924-03-01", "2024-02-29")).toBe(false);
      expect(fails("1970-01-04", "1970-01-01")).toBe(true);
      expect(fails("1900-01-04", "1970-01-01")).toBe(false);
    }
  });
});
