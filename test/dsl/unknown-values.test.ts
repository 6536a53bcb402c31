/**
 * Unknown values (docs/language.md, "Unknown values"): the `unknown "..."` clause of a field and
 * the `is unknown` / `is known` tests — parsed, printed back, and given the same meaning by the
 * reference interpreter and the compiled validators (the property test over many more cases is
 * test/compiler/differential.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { compileRuleset } from "../../compiler/compile.js";
import type { CompiledRuleset, Finding } from "../../compiler/contract.js";
import { parse } from "../../dsl/parser.js";
import { print } from "../../dsl/printer.js";
import { interpretRecord } from "../../interpreter/reference-interpreter.js";
import { brief, load } from "./checker-helpers.js";

const RULESET = `ruleset t.unknown@1.0.0 "Unknown values"
  valid from 2020-01-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key id
  field id: text(10) required "Id"
  field date_of_birth: date personal unknown "Unknown", "Non-applicable" "Date of birth"
  field last_name: text(20) unknown "Unknown" "Last name"

rule dmc0000 "Verplicht attribuut ontbreekt"
  meaning "A mandatory attribute is missing." from br art 2
  severity signalling
  implements br art 2
  for NP.date_of_birth, NP.last_name
  require value is present
  example fail NP { id: "1", date_of_birth: "Unknown", last_name: "Jansen" }
  example fail NP { id: "1", last_name: "Jansen" }
  example pass NP { id: "1", date_of_birth: 1970-01-01, last_name: "Jansen" }

rule dmc0001 "Geboortedatum onbekend"
  meaning "The date of birth is reported as unknown." from br art 2
  severity signalling
  implements br art 2
  for NP
  require not (date_of_birth is unknown) and (last_name is known or last_name is absent)
  example fail NP { id: "1", date_of_birth: "Non-applicable" }
  example pass NP { id: "1", date_of_birth: 1970-01-01 }
  example pass NP { id: "1" }

rule val0001 "Waarde past niet bij het type"
  meaning "A value does not fit its type." from br art 2
  severity signalling
  implements br art 2
  for NP.*
  require value is valid
  example fail NP { id: "1", date_of_birth: "unknown" }
  example pass NP { id: "1", date_of_birth: "Unknown", last_name: "Unknown" }
`;

function compact(fs: readonly Finding[]) {
  return fs
    .map((f) => ({
      rule: f.rule,
      attribute: f.attribute,
      values: f.values,
      reported: f.reported,
    }))
    .sort((a, b) =>
      `${a.rule}${a.attribute}`.localeCompare(`${b.rule}${b.attribute}`),
    );
}

describe("unknown values", () => {
  it("parse and print back the `unknown` clause and the tests", () => {
    const first = parse(RULESET, "t.regel");
    expect(first.diagnostics).toEqual([]);
    const printed = print(first.file, RULESET);
    expect(printed).toContain(
      'field date_of_birth: date personal unknown "Unknown", "Non-applicable" "Date of birth"',
    );
    expect(printed).toContain("not (date_of_birth is unknown)");
    expect(printed).toContain("last_name is known");
    expect(print(parse(printed, "t.regel").file, printed)).toBe(printed);
  });

  it("check the ruleset, its examples included", () => {
    const p = load({ "t.regel": RULESET });
    expect(brief(p.diagnostics)).toEqual([]);
  });

  it("report an unknown value as unknown, an empty one as missing, and neither as a bad value (interpreter and compiled alike)", async () => {
    const p = load({ "t.regel": RULESET });
    const ruleset = p.rulesets[0]!;
    const compiled = await compileRuleset(ruleset);
    const dir = mkdtempSync(join(tmpdir(), "regel-unknown-"));
    try {
      writeFileSync(join(dir, "v.js"), compiled.js);
      const module = (await import(
        pathToFileURL(join(dir, "v.js")).href
      )) as CompiledRuleset;
      const row = { id: "1", date_of_birth: "Unknown", last_name: "" };
      const interpreted = interpretRecord(ruleset, "NP", row, {
        rrd: "2024-01-01",
        ikb: { NP: [row] },
      });
      const out: Finding[] = [];
      const record = module.decoders.NP(["1", "Unknown", ""], [0, 1, 2], out);
      module.checks.NP(
        record,
        { rrd: 19723, ikb: { NP: [record] }, ikbKey: undefined },
        out,
      );
      const expected = [
        {
          rule: "dmc0000",
          attribute: "date_of_birth",
          values: { date_of_birth: "Unknown" },
          reported: "unknown",
        },
        {
          rule: "dmc0000",
          attribute: "last_name",
          values: { last_name: null },
          reported: "missing",
        },
        {
          rule: "dmc0001",
          attribute: undefined,
          values: { date_of_birth: "Unknown", last_name: null },
          reported: undefined,
        },
      ];
      expect(compact(interpreted)).toEqual(expected);
      expect(compact(out)).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
