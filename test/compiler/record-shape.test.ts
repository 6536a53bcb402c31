/**
 * Every record a decoder makes has the same properties in the same order, whatever its cells:
 * empty, valid, an `unknown` text or a value that does not decode (`$invalid` and `$unknown` are
 * present, undefined until there is something to keep). The compiled checks read records of one
 * shape only, so that V8 does not compile them again for another one (compiler/emit-decoders.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileAndImport, decode, type Module } from "./compile-harness.js";

const RULESET = `
ruleset t.shape@1.0.0 "Record shape"
  valid from 2024-01-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  field ikb_id: text(10) required
  field customer_id: text(10) required
  field born: date unknown "Unknown", "Non-applicable"
  field title: text(6) unknown "Unknown"
  field score: integer

ikb "IKB"
  key ikb_id

rule born "Geboortedatum"
  severity signalling
  implements br art 1
  for NP
  when born is present
  require born < rrd
  example fail NP { ikb_id: "I", customer_id: "C", born: 2030-01-01 }
  example pass NP { ikb_id: "I", customer_id: "C", born: 1970-01-01 }
`;

let m: Module;
beforeAll(async () => {
  m = (await compileAndImport(RULESET, "rulesets/t.regel")).module;
});

const row = (born: string, title: string, score: string) => ({
  ikb_id: "I",
  customer_id: "C",
  born,
  title,
  score,
});

describe("a decoded record", () => {
  it("has the same properties in the same order, whatever its cells", () => {
    const records = [
      decode(m, "NP", row("1970-01-01", "dr", "7")),
      decode(m, "NP", row("", "", "")),
      decode(m, "NP", row("Unknown", "Unknown", "7")),
      decode(m, "NP", row("Non-applicable", "dr", "x")),
      decode(m, "NP", row("1970-13-01", "too long a title", "1.5")),
    ];
    const keys = Object.keys(records[0]);
    expect(keys).toEqual([
      "ikb_id",
      "customer_id",
      "born",
      "title",
      "score",
      "$invalid",
      "$unknown",
    ]);
    for (const r of records) expect(Object.keys(r)).toEqual(keys);
  });

  it("keeps the unknown texts and the cells that did not decode, and nothing else", () => {
    const plain = decode(m, "NP", row("1970-01-01", "dr", "7"));
    expect(plain.$unknown).toBeUndefined();
    expect(plain.$invalid).toBeUndefined();
    const unknown = decode(m, "NP", row("Non-applicable", "Unknown", "x"));
    expect(unknown.$unknown).toEqual({
      born: "Non-applicable",
      title: "Unknown",
    });
    expect(unknown.$invalid).toEqual({ score: "x" });
    expect(unknown.born).toBeUndefined();
    expect(unknown.title).toBeUndefined();
    // an unknown text of another field is a value here
    const other = decode(m, "NP", row("1970-01-01", "Non-ap", "7"));
    expect(other.$unknown).toBeUndefined();
    expect(other.title).toBe("Non-ap");
  });
});
