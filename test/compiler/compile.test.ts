/**
 * The compiler end to end on a small ruleset: decoding (exact decimals, real calendar days,
 * code-point lengths, codes), expression semantics of docs/language.md (absent values, exact
 * arithmetic with half-even division, month-end clamping, working days, built-in functions,
 * aggregates), the shape of findings, the fused checks, classification and the exported data.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ts as typescript } from "ts-morph";
import { beforeAll, describe, expect, it } from "vitest";
import { text as codeText } from "../../compiler/code.js";
import type { Finding } from "../../compiler/contract.js";
import { ruleFunctionName } from "../../compiler/emit-rules.js";
import { MAX_EXPR_DEPTH, MAX_IF_NESTING } from "../../dsl/parser-grammar.js";
import { format } from "../../dsl/printer.js";
import {
  compileAndImport,
  context,
  decode,
  run,
  type Module,
} from "./compile-harness.js";

const RULESET = `
ruleset t.sem@1.0.0 "Semantics"
  valid from 2024-01-01
  source br "Beleidsregel"
  source atw "Algemene termijnenwet"

codelist yn "Ja / nee"
  value "J"
  value "N"

calendar nl "Werkdagen"
  assumption "the calendar of the Algemene termijnenwet"
  implements atw art 3
  weekend saturday, sunday
  holiday nieuwjaar "Nieuwjaarsdag" on 1 january
    assumption "always on 1 January"
  holiday paas2 "Tweede Paasdag" easter +1

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  role by customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field last_name: text(5) "Last name"
  field date_of_birth: date
  field amount: money
  field rate: decimal(5,3)
  field n: integer
  field flag: boolean
  field yn: code yn
  field at: datetime
  field bsn: text(9)
  field iban: text(34)
  field country: text(2)
  field postcode: text(7)

entity BA "Account"
  file "ba.csv"
  key ikb_id, account_id
  field ikb_id: text(40) required
  field account_id: text(40) required
  field holder: ref NP.customer_id
  field balance: money

ikb "IKB"
  key ikb_id
  depositor NP by customer_id

payout p1 1 "Uitkeerbaar"
  implements br art 1

rule fmt0001 "Ongeldig"
  severity signalling
  implements br art 1
  for NP.*, BA.*
  require value is valid
  message "{attribute} ongeldig: {value}"
  example fail NP { ikb_id: "I", customer_id: "C", date_of_birth: "1970-02-30" }
  example pass NP { ikb_id: "I", customer_id: "C" }

rule len1 "Naam te lang"
  meaning "A last name is longer than three characters." from br art 1
  assumption "three characters is a limit of this test"
  severity signalling
  implements br art 1
  for NP
  when last_name is present
  require length(last_name) <= 3
  message "naam {last_name} van {customer_id}"
  example fail NP { ikb_id: "I", customer_id: "C", last_name: "ABCD" }
  example pass NP { ikb_id: "I", customer_id: "C", last_name: "ABC" }

rule div1 "Deling"
  severity signalling
  implements br art 1
  for NP
  when amount is present
  require amount / 2000000 = 0.00000002
  example fail NP { ikb_id: "I", customer_id: "C", amount: 0.01 }
  example pass NP { ikb_id: "I", customer_id: "C", amount: 0.03 }

rule mon1 "Maanden"
  severity signalling
  implements br art 1
  for NP
  when date_of_birth is present
  require date_of_birth + 1 months != 2024-02-29
  example fail NP { ikb_id: "I", customer_id: "C", date_of_birth: 2024-01-31 }
  example pass NP { ikb_id: "I", customer_id: "C", date_of_birth: 2023-01-31 }

rule wd1 "Werkdagen"
  severity signalling
  implements br art 1
  for NP
  when date_of_birth is present
  require date_of_birth + 1 workdays != 2024-04-02 and date_of_birth + 1 workdays != 2021-01-04
  example fail NP { ikb_id: "I", customer_id: "C", date_of_birth: 2024-03-29 }
  example pass NP { ikb_id: "I", customer_id: "C", date_of_birth: 2024-03-28 }

rule abs1 "Afwezig ongelijk"
  severity signalling
  implements br art 1
  for NP
  require n != 1
  example fail NP { ikb_id: "I", customer_id: "C" }
  example pass NP { ikb_id: "I", customer_id: "C", n: 2 }

rule abs2 "Afwezig niet in"
  severity signalling
  implements br art 1
  for NP
  require yn not in ("J") and not (n = 1)
  example fail NP { ikb_id: "I", customer_id: "C", yn: "J" }
  example pass NP { ikb_id: "I", customer_id: "C" }

rule fn1 "Functies"
  severity blocking
  applies to D
  implements br art 1
  for NP
  require (bsn is absent or valid_bsn(bsn)) and (iban is absent or valid_iban(iban)) and (country is absent or valid_country(country)) and (postcode is absent or valid_postcode(postcode))
  example fail NP { ikb_id: "C", customer_id: "C", bsn: "123456789" }
  example pass NP { ikb_id: "C", customer_id: "C", bsn: "123456782" }

rule re1 "Patroon"
  severity signalling
  implements br art 1
  for NP
  when last_name is present
  require last_name matches "[A-Z]+"
  example fail NP { ikb_id: "I", customer_id: "C", last_name: "AB1" }
  example pass NP { ikb_id: "I", customer_id: "C", last_name: "AB" }

rule dt1 "Tijdstip"
  severity signalling
  implements br art 1
  for NP
  when at is present
  require at < 2024-01-01T00:00:00Z
  example fail NP { ikb_id: "I", customer_id: "C", at: "2023-12-31T23:30:00-01:00" }
  example pass NP { ikb_id: "I", customer_id: "C", at: "2023-12-31T23:30:00Z" }

rule agg1 "Rekeningen"
  severity signalling
  implements br art 1
  for NP
  require count(BA where BA.holder = customer_id) <= 2 and sum(BA.balance where BA.holder = customer_id) < 100.00 and exists(BA)
  example fail NP { ikb_id: "I", customer_id: "C" }
  example pass NP { ikb_id: "I", customer_id: "C" } with BA { ikb_id: "I", account_id: "A", holder: "C", balance: 1.00 }

rule rate1 "Rente"
  severity signalling
  implements br art 1
  for NP
  when rate is present and amount is present
  require rate * amount <= 1.00000
  example fail NP { ikb_id: "I", customer_id: "C", rate: 1.5, amount: 1.00 }
  example pass NP { ikb_id: "I", customer_id: "C", rate: 0.5, amount: 1.00 }

category c1 "Categorie"
  blocks p1
  implements br art 1
  result fmt0001 (D) on NP.date_of_birth
  marking NP.yn = "N" (D)

category c2 "Andere"
  blocks p1
  implements br art 1
  result fn1
`;

let m: Module;
const base = { ikb_id: "C1", customer_id: "C1" };
const rrd = context("2024-06-30");
const codes = (findings: Finding[]): string[] =>
  findings.map((f) => f.rule).sort();

// The first compile loads ts-morph and prettier: about 10 s on a busy machine.
beforeAll(async () => {
  ({ module: m } = await compileAndImport(RULESET, "rulesets/t.regel"));
}, 60_000);

describe("decoders", () => {
  it("decodes exact decimals as unscaled bigints, never floats", () => {
    const r = decode(m, "NP", { ...base, amount: "12.5", rate: "-0.125" });
    expect(r.amount).toBe(1250n);
    expect(r.rate).toBe(-125n);
    expect(
      decode(m, "NP", { ...base, amount: "9999999999999999.99" }).amount,
    ).toBe(999999999999999999n);
  });

  it("rejects decimals with too many decimals or digits, and reports them under the `value is valid` rule", () => {
    const out: Finding[] = [];
    const r = decode(m, "NP", { ...base, amount: "1.005", rate: "123.4" }, out);
    expect(r.amount).toBeUndefined();
    expect(r.rate).toBeUndefined();
    expect(out.map((f) => [f.rule, f.attribute, f.values])).toEqual([
      ["fmt0001", "amount", { amount: "1.005" }],
      ["fmt0001", "rate", { rate: "123.4" }],
    ]);
    expect(out[0].message).toBe("amount ongeldig: 1.005");
    expect(out[0].key).toBe("ikb_id=C1;customer_id=C1");
    expect(out[0].role).toBe("D");
  });

  it("validates calendar days including leap days", () => {
    expect(
      decode(m, "NP", { ...base, date_of_birth: "2024-02-29" }).date_of_birth,
    ).toBe(19782);
    expect(
      decode(m, "NP", { ...base, date_of_birth: "2023-02-29" }).date_of_birth,
    ).toBeUndefined();
    expect(
      decode(m, "NP", { ...base, date_of_birth: "1900-02-29" }).date_of_birth,
    ).toBeUndefined();
    expect(
      decode(m, "NP", { ...base, date_of_birth: "2000-02-29" }).date_of_birth,
    ).toBe(11016);
    expect(
      decode(m, "NP", { ...base, date_of_birth: "2024-13-01" }).date_of_birth,
    ).toBeUndefined();
  });

  it("measures text length in code points", () => {
    expect(
      decode(m, "NP", { ...base, last_name: "😀😀😀😀😀" }).last_name,
    ).toBe("😀😀😀😀😀");
    expect(
      decode(m, "NP", { ...base, last_name: "😀😀😀😀😀😀" }).last_name,
    ).toBeUndefined();
  });

  it("decodes integers, booleans, codes and datetimes with offsets", () => {
    const r = decode(m, "NP", {
      ...base,
      n: "-42",
      flag: "true",
      yn: "N",
      at: "2024-01-01T01:00:00+01:00",
    });
    expect(r).toMatchObject({
      n: -42,
      flag: true,
      yn: "N",
      at: Date.UTC(2024, 0, 1),
    });
    const bad = decode(m, "NP", {
      ...base,
      n: "1.0",
      flag: "yes",
      yn: "X",
      at: "2024-01-01T24:00:00Z",
    });
    expect(bad).toMatchObject({
      n: undefined,
      flag: undefined,
      yn: undefined,
      at: undefined,
    });
    expect(
      decode(m, "NP", { ...base, n: "9007199254740993" }).n,
    ).toBeUndefined();
  });

  it("reports a missing required value under the `value is valid` rule", () => {
    const out: Finding[] = [];
    decode(m, "BA", { ikb_id: "C1", account_id: "" }, out);
    expect(out).toEqual([
      {
        rule: "fmt0001",
        severity: "signalling",
        entity: "BA",
        role: undefined,
        attribute: "account_id",
        key: "ikb_id=C1;account_id=",
        values: { account_id: null },
        message: "account_id ongeldig: ",
        law: m.laws.fmt0001,
      },
    ]);
    expect(out[0].law).toBe(m.laws.fmt0001);
  });

  it("treats a missing column as absent", () => {
    const out: Finding[] = [];
    const r = decode(m, "NP", { ...base }, out);
    expect(r.last_name).toBeUndefined();
    expect(out).toEqual([]);
  });
});

describe("expressions", () => {
  const fails = (row: Record<string, string>, ctx = rrd): string[] =>
    codes(run(m, "NP", { ...base, ...row }, ctx).findings);

  it("division keeps the larger scale plus 6 digits, rounding half to even", () => {
    expect(fails({ n: "2", amount: "0.03" })).not.toContain("div1"); // 0.000000015 -> 0.00000002
    expect(fails({ n: "2", amount: "0.05" })).not.toContain("div1"); // 0.000000025 -> 0.00000002
    expect(fails({ n: "2", amount: "0.01" })).toContain("div1"); // 0.000000005 -> 0
  });

  it("multiplies exactly", () => {
    expect(fails({ n: "2", rate: "1.000", amount: "1.00" })).not.toContain(
      "rate1",
    );
    expect(fails({ n: "2", rate: "1.001", amount: "1.00" })).toContain("rate1");
  });

  it("clamps month arithmetic to the end of the month", () => {
    expect(fails({ n: "2", date_of_birth: "2024-01-31" })).toContain("mon1");
    expect(fails({ n: "2", date_of_birth: "2023-01-31" })).not.toContain(
      "mon1",
    );
  });

  it("counts working days with the calendar's weekend, fixed and Easter holidays", () => {
    expect(fails({ n: "2", date_of_birth: "2024-03-29" })).toContain("wd1"); // Fri + 1 -> Tue (Easter Monday)
    expect(fails({ n: "2", date_of_birth: "2020-12-31" })).toContain("wd1"); // Thu + 1 -> Mon (New Year)
    expect(fails({ n: "2", date_of_birth: "2024-03-28" })).not.toContain("wd1");
  });

  it("makes comparisons with an absent operand false, and `not` of them true", () => {
    expect(fails({})).toContain("abs1"); // n != 1 with n absent: false
    expect(fails({})).not.toContain("abs2"); // yn not in (...) and not (n = 1): true
    expect(fails({ yn: "J", n: "2" })).toContain("abs2");
  });

  it("checks BSN, IBAN, country and postcode", () => {
    expect(
      fails({
        n: "2",
        bsn: "123456782",
        iban: "NL91ABNA0417164300",
        country: "NL",
        postcode: "1234 AB",
      }),
    ).not.toContain("fn1");
    expect(fails({ n: "2", bsn: "123456789" })).toContain("fn1");
    expect(fails({ n: "2", iban: "NL91ABNA0417164301" })).toContain("fn1");
    expect(fails({ n: "2", country: "XX" })).toContain("fn1");
    expect(fails({ n: "2", postcode: "1234AB" })).toContain("fn1");
  });

  it("applies a rule only to the roles it names", () => {
    const v = run(
      m,
      "NP",
      { ikb_id: "C1", customer_id: "C2", n: "2", bsn: "123456789" },
      rrd,
    );
    expect(codes(v.findings)).not.toContain("fn1");
  });

  it("matches regular expressions against the whole text", () => {
    expect(fails({ n: "2", last_name: "AB" })).not.toContain("re1");
    expect(fails({ n: "2", last_name: "AB1" })).toContain("re1");
  });

  it("compares datetimes in time, offsets applied", () => {
    expect(fails({ n: "2", at: "2023-12-31T23:30:00-01:00" })).toContain("dt1");
    expect(fails({ n: "2", at: "2023-12-31T23:30:00Z" })).not.toContain("dt1");
  });

  it("aggregates over the records of the IKB", () => {
    const ba = (account: string, holder: string, balance: string) =>
      decode(m, "BA", { ikb_id: "C1", account_id: account, holder, balance });
    const ok = context("2024-06-30", {
      BA: [ba("A1", "C1", "50.00"), ba("A2", "C2", "500.00")],
    });
    expect(fails({ n: "2" }, ok)).not.toContain("agg1");
    const tooMuch = context("2024-06-30", {
      BA: [ba("A1", "C1", "50.00"), ba("A2", "C1", "50.00")],
    });
    expect(fails({ n: "2" }, tooMuch)).toContain("agg1");
    expect(fails({ n: "2" }, context("2024-06-30", { BA: [] }))).toContain(
      "agg1",
    );
    expect(m.needsIkb).toEqual(["NP"]);
  });
});

describe("findings and checks", () => {
  it("builds findings with key, role, offending values and filled-in message", () => {
    const { findings, passed } = run(
      m,
      "NP",
      { ...base, n: "2", last_name: "ABCD" },
      rrd,
    );
    expect(passed).toBe(false);
    const f = findings.find((x) => x.rule === "len1");
    expect(f).toEqual({
      rule: "len1",
      severity: "signalling",
      entity: "NP",
      role: "D",
      attribute: undefined,
      key: "ikb_id=C1;customer_id=C1",
      values: { last_name: "ABCD" },
      message: "naam ABCD van C1",
      law: {
        code: "len1",
        title: "Naam te lang",
        articles: [
          { source: "br", sourceTitle: "Beleidsregel", locator: "art 1" },
        ],
        assumptions: ["three characters is a limit of this test"],
      },
    });
    // One frozen law per rule, shared by every finding of it: no allocation per finding.
    expect(f?.law).toBe(m.laws.len1);
    const again = run(m, "NP", { ...base, n: "2", last_name: "ABCDE" }, rrd);
    expect(again.findings.find((x) => x.rule === "len1")?.law).toBe(f?.law);
    expect(Object.isFrozen(f?.law)).toBe(true);
    expect(Object.isFrozen(f?.law.articles)).toBe(true);
    expect(Object.isFrozen(f?.law.articles[0])).toBe(true);
    expect(Object.isFrozen(f?.law.assumptions)).toBe(true);
    // Every rule has a law; a code that is not a rule has none, even an inherited property name.
    expect(Object.keys(m.laws)).toEqual(m.trace.map((t) => t.code));
    expect(m.laws.toString).toBeUndefined();
  });

  it("the fused check agrees with the per-rule functions", () => {
    const rows: Record<string, string>[] = [
      { n: "2" },
      {
        n: "1",
        last_name: "ABCDE",
        amount: "0.01",
        date_of_birth: "2024-01-31",
      },
      { yn: "J", bsn: "1", at: "2025-01-01T00:00:00Z" },
    ];
    for (const row of rows) {
      const record = decode(m, "NP", { ...base, ...row });
      const fused: Finding[] = [];
      const passed = m.checks.NP(record, rrd, fused);
      const single: Finding[] = [];
      for (const t of m.trace) {
        const fn = m[t.code] as
          | ((e: string, r: unknown, c: unknown, o: Finding[]) => Finding[])
          | undefined;
        if (
          t.code !== "fmt0001" &&
          typeof fn === "function" &&
          t.entities.includes("NP")
        )
          fn("NP", record, rrd, single);
      }
      expect(codes(fused)).toEqual(codes(single));
      expect(passed).toBe(fused.length === 0);
    }
  });

  it("reports an undecodable value once, from the decoder, with the delivered text", () => {
    const { findings } = run(
      m,
      "NP",
      { ...base, n: "2", date_of_birth: "2023-02-29" },
      rrd,
    );
    expect(findings.filter((f) => f.rule === "fmt0001")).toEqual([
      expect.objectContaining({
        attribute: "date_of_birth",
        values: { date_of_birth: "2023-02-29" },
        message: "date_of_birth ongeldig: 2023-02-29",
      }),
    ]);
  });
});

describe("classification and exported data", () => {
  it("puts an IKB in a category by result (role and attribute) or marking, and lists blocked payouts", () => {
    const np = decode(m, "NP", { ...base, n: "2" });
    const finding = (
      rule: string,
      role: "D" | "V",
      attribute?: string,
    ): Finding => ({
      rule,
      severity: "signalling",
      entity: "NP",
      role,
      attribute,
      key: "",
      values: {},
      message: "",
      law: m.laws[rule],
    });
    expect(m.classify([], { NP: [np] })).toEqual({
      categories: [],
      payoutsBlocked: [],
      meetsAutomatedControls: true,
    });
    expect(
      m.classify([finding("fmt0001", "D", "date_of_birth")], {}).categories,
    ).toEqual(["c1"]);
    expect(
      m.classify([finding("fmt0001", "V", "date_of_birth")], {}).categories,
    ).toEqual([]);
    expect(
      m.classify([finding("fmt0001", "D", "amount")], {}).categories,
    ).toEqual([]);
    expect(m.classify([finding("fn1", "V")], {})).toEqual({
      categories: ["c2"],
      payoutsBlocked: ["p1"],
      meetsAutomatedControls: false,
    });
    const marked = decode(m, "NP", { ...base, yn: "N" });
    expect(m.classify([], { NP: [marked] }).categories).toEqual(["c1"]);
    // a value not in the code list (val0001's finding) cannot show the marking absent
    const malformed = decode(m, "NP", { ...base, yn: "n" });
    expect(malformed.$invalid).toEqual({ yn: "n" });
    expect(m.classify([], { NP: [malformed] })).toEqual({
      categories: ["c1"],
      payoutsBlocked: ["p1"],
      meetsAutomatedControls: false,
    });
    const emptyMarking = decode(m, "NP", { ...base, yn: "" });
    expect(m.classify([], { NP: [emptyMarking] }).categories).toEqual([]);
    const representative = decode(m, "NP", {
      ikb_id: "C1",
      customer_id: "C9",
      yn: "N",
    });
    expect(m.classify([], { NP: [representative] }).categories).toEqual([]);
  });

  it("exports metadata, entities, trace, categories, payouts and file rules", () => {
    expect(m.metadata).toMatchObject({
      name: "t.sem",
      version: "1.0.0",
      id: "t.sem@1.0.0",
      validFrom: "2024-01-01",
    });
    expect(m.entities.map((e) => e.name)).toEqual(["NP", "BA"]);
    expect(m.entities[1].fields.find((f) => f.name === "holder")?.type).toBe(
      "ref NP.customer_id",
    );
    const len1 = m.trace.find((t) => t.code === "len1");
    expect(len1).toMatchObject({
      target: "record",
      entities: ["NP"],
      roles: ["D", "V"],
      // not in a folder named after its ruleset: named relative to its own folder
      location: { file: "t.regel" },
      origin: "t.sem@1.0.0",
    });
    expect(len1?.articles).toEqual([
      { source: "br", sourceTitle: "Beleidsregel", locator: "art 1" },
    ]);
    expect(len1?.meaningFrom).toEqual([
      { source: "br", sourceTitle: "Beleidsregel", locator: "art 1" },
    ]);
    expect(len1?.assumptions).toEqual([
      "three characters is a limit of this test",
    ]);
    expect(m.trace.find((t) => t.code === "div1")).toMatchObject({
      meaningFrom: [],
      assumptions: [],
    });
    expect(
      m.assumptions?.map((a) => [a.on, a.name, a.text, a.location.line]),
    ).toEqual([
      ["rule", "len1", "three characters is a limit of this test", 64],
      ["calendar", "nl", "the calendar of the Algemene termijnenwet", 12],
      ["holiday", "nl.nieuwjaar", "always on 1 January", 16],
    ]);
    expect(m.trace.find((t) => t.code === "fmt0001")?.categories).toEqual([
      { category: "c1", role: "D", attributes: ["NP.date_of_birth"] },
    ]);
    expect(m.categories.map((c) => [c.name, c.payout])).toEqual([
      ["c1", "p1"],
      ["c2", "p1"],
    ]);
    expect(m.payouts).toEqual([
      {
        name: "p1",
        number: 1,
        title: "Uitkeerbaar",
        articles: [
          { source: "br", sourceTitle: "Beleidsregel", locator: "art 1" },
        ],
      },
    ]);
    expect(m.fileRules).toEqual([]);
  });
});

describe("deep conditions", () => {
  it("an `else if` chain inside `if`s nested to their limit, as deep as the parser builds a tree, compiles, runs and formats", async () => {
    const arms = MAX_EXPR_DEPTH - MAX_IF_NESTING - 3; // one level for `<`, one for a condition
    const chain = Array.from(
      { length: arms },
      (_, i) => `if amount = ${i} then ${i + 1}`,
    ).join(" else ");
    const text = `ruleset t.deep@1.0.0 "Deep"
  valid from 2024-01-01
  source br "Beleidsregel"

entity CU "Customer"
  file "cu.csv"
  key customer_id
  field customer_id: text(20) required
  field amount: integer

rule deep1 "Mapping"
  assumption "a mapping written as an else-if chain"
  severity blocking
  implements br art 1
  for CU
  when amount is present
  require amount < (${"if true then ".repeat(MAX_IF_NESTING - 1)}(${chain} else 0)${" else 0".repeat(MAX_IF_NESTING - 1)})
  example pass CU { customer_id: "C1", amount: 5 }
  example fail CU { customer_id: "C1", amount: ${arms} }
`;
    const { module } = await compileAndImport(text, "deep.regel");
    const failing = (amount: number) =>
      run(
        module,
        "CU",
        { customer_id: "C1", amount: String(amount) },
        context("2024-06-30"),
      ).findings.map((f) => f.rule);
    expect(failing(arms - 1)).toEqual([]);
    expect(failing(arms)).toEqual(["deep1"]);
    const formatted = format(text, "deep.regel");
    expect(formatted.diagnostics).toEqual([]);
    expect(format(formatted.text, "deep.regel").text).toBe(formatted.text);
  }, 60_000);
});

describe("rule function names", () => {
  /** A rule `code` over `entity` that fails when `n` is 10 or more. */
  const rule = (code: string, entity: string) => `
rule ${code} "t"
  assumption "a"
  severity blocking
  implements spec 1
  for ${entity}
  require n < 10
  example fail ${entity} { id: "X", n: 50 }
  example pass ${entity} { id: "X", n: 5 }
`;
  const entity = (name: string) => `
entity ${name} "E"
  file "${name}.csv"
  key id
  field id: text(20) required
  field n: integer
`;
  // codes that are module exports, globals the module's code reads, the renamed form of another
  // code, and two rule/entity pairs whose `$rule_<code>_<entity>` is the same
  const codes = [
    "checks",
    "rule_checks",
    "Object",
    "JSON",
    "Number",
    "aggregates",
  ];
  const text = `ruleset t.names@1.0.0
  valid from 2024-01-01
  source spec "Spec"
${entity("c")}${entity("b_c")}${codes.map((c) => rule(c, "c")).join("")}${rule("a_b", "c")}${rule("a", "b_c")}`;

  it("compiles any valid code without a clash: module exports, globals and rule_ codes are renamed one-to-one", async () => {
    const { module: m } = await compileAndImport(text);
    expect(typeof m.checks.c).toBe("function");
    for (const name of [
      "rule_checks",
      "rule_rule_checks",
      "rule_Object",
      "rule_JSON",
      "rule_Number",
      "rule_aggregates",
      "a_b",
      "a",
    ])
      expect(typeof m[name], name).toBe("function");
    const ctx = context("2024-06-01");
    const big = run(m, "c", { id: "C1", n: "50" }, ctx);
    expect(big.passed).toBe(false);
    expect(big.findings.map((f) => f.law.code).sort()).toEqual(
      [...codes, "a_b"].sort(),
    );
    expect(run(m, "c", { id: "C1", n: "5" }, ctx).passed).toBe(true);
    const other = run(m, "b_c", { id: "B1", n: "50" }, ctx);
    expect(other.findings.map((f) => f.law.code)).toEqual(["a"]);
  });

  it("renames a code equal to any global the shipped modules read", () => {
    const compiled = join(
      import.meta.dirname,
      "..",
      "..",
      "rulesets",
      "compiled",
    );
    const globals = new Set<string>();
    for (const version of readdirSync(compiled)) {
      const file = join(compiled, version, "validators.js");
      const source = typescript.createSourceFile(
        file,
        readFileSync(file, "utf8"),
        typescript.ScriptTarget.Latest,
        true,
      );
      const declared = new Set<string>();
      const read = new Set<string>();
      const visit = (node: typescript.Node): void => {
        if (typescript.isIdentifier(node)) {
          const parent = node.parent as typescript.Node & { name?: unknown };
          // a property name is no variable; a declaration's name is not read
          const property =
            (typescript.isPropertyAccessExpression(parent) ||
              typescript.isPropertyAssignment(parent) ||
              typescript.isMethodDeclaration(parent)) &&
            parent.name === node;
          if (!property) {
            if (parent.name === node) declared.add(node.text);
            else read.add(node.text);
          }
        }
        typescript.forEachChild(node, visit);
      };
      visit(source);
      for (const name of read) if (!declared.has(name)) globals.add(name);
    }
    expect([...globals]).toEqual(expect.arrayContaining(["Object", "JSON"]));
    for (const name of globals)
      expect(codeText(ruleFunctionName({ code: name })), name).not.toBe(name);
  });
});
