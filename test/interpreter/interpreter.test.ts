import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../compiler/contract.js";
import { ruleLaw } from "../../compiler/rule-law.js";
import { exampleCase, runExamples } from "../../interpreter/example-runner.js";
import {
  checkFiles,
  classifyIkb,
  interpretRecord,
  interpretRule,
} from "../../interpreter/reference-interpreter.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import {
  addMonths,
  civilFromDays,
  daysFromCivil,
  decodeCell,
  Dec,
  formatDate,
  parseDate,
  parseDateTime,
} from "../../interpreter/interpret-values.js";

describe("interpreter values: dates", () => {
  it("day numbers round-trip through civil dates", () => {
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 800_000 }), (days) => {
        const { y, m, d } = civilFromDays(days);
        expect(daysFromCivil(y, m, d)).toBe(days);
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with the platform calendar for formatting", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (days) => {
        expect(formatDate(days)).toBe(
          new Date(days * 86_400_000).toISOString().slice(0, 10),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("accepts only real calendar days", () => {
    expect(parseDate("2024-02-29")).toBe(daysFromCivil(2024, 2, 29));
    expect(parseDate("2023-02-29")).toBeUndefined();
    expect(parseDate("1900-02-29")).toBeUndefined();
    expect(parseDate("2000-02-29")).toBeDefined();
    expect(parseDate("2024-13-01")).toBeUndefined();
    expect(parseDate("2024-04-31")).toBeUndefined();
    expect(parseDate("2024-4-01")).toBeUndefined();
    expect(parseDate("1970-01-01")).toBe(0);
  });

  it("clamps month arithmetic to the end of the month", () => {
    const d = (s: string) => parseDate(s)!;
    expect(formatDate(addMonths(d("2024-01-31"), 1))).toBe("2024-02-29");
    expect(formatDate(addMonths(d("2023-01-31"), 1))).toBe("2023-02-28");
    expect(formatDate(addMonths(d("2024-02-29"), 12))).toBe("2025-02-28");
    expect(formatDate(addMonths(d("2024-03-31"), -1))).toBe("2024-02-29");
    expect(formatDate(addMonths(d("2024-01-15"), -13))).toBe("2022-12-15");
  });

  it("parses datetimes with Z or an offset", () => {
    expect(parseDateTime("2024-03-01T10:00:00Z")).toBe(
      Date.UTC(2024, 2, 1, 10),
    );
    expect(parseDateTime("2024-03-01T10:00+01:00")).toBe(
      Date.UTC(2024, 2, 1, 9),
    );
    expect(parseDateTime("2024-03-01T10:00:00.5-02:30")).toBe(
      Date.UTC(2024, 2, 1, 12, 30, 0, 500),
    );
    expect(parseDateTime("2024-03-01T10:00:00.123456789Z")).toBe(
      Date.UTC(2024, 2, 1, 10, 0, 0, 123),
    );
    expect(parseDateTime("2024-03-01T10:00:00")).toBeUndefined();
    expect(parseDateTime("2024-03-01T24:00:00Z")).toBeUndefined();
    expect(parseDateTime("2023-02-29T10:00:00Z")).toBeUndefined();
  });
});

describe("interpreter values: decoding CSV text", () => {
  const ok = (r: ReturnType<typeof decodeCell>) => r.ok;
  it("text counts code points against the maximum length", () => {
    expect(ok(decodeCell({ kind: "text", maxLength: 2 }, "ab"))).toBe(true);
    expect(ok(decodeCell({ kind: "text", maxLength: 2 }, "abc"))).toBe(false);
    expect(ok(decodeCell({ kind: "text", maxLength: 2 }, "😀😀"))).toBe(true);
    expect(
      ok(
        decodeCell({ kind: "text", maxLength: undefined }, "x".repeat(10_000)),
      ),
    ).toBe(true);
  });

  it("integers are safe integers written as -?digits", () => {
    const k = { kind: "integer" } as const;
    expect(ok(decodeCell(k, "-12"))).toBe(true);
    expect(ok(decodeCell(k, "12.0"))).toBe(false);
    expect(ok(decodeCell(k, "+1"))).toBe(false);
    expect(ok(decodeCell(k, " 1"))).toBe(false);
    expect(ok(decodeCell(k, "9007199254740991"))).toBe(true);
    expect(ok(decodeCell(k, "9007199254740992"))).toBe(false);
  });

  it("money is decimal(18,2): at most 2 decimals and 18 digits, exact", () => {
    const k = { kind: "decimal", precision: 18, scale: 2 } as const;
    const r = decodeCell(k, "0.10");
    expect(
      r.ok && (r.value as Dec).plus(new Dec("0.20")).eq(new Dec("0.3")),
    ).toBe(true);
    expect(ok(decodeCell(k, "1.234"))).toBe(false);
    expect(ok(decodeCell(k, "-1.5"))).toBe(true);
    expect(ok(decodeCell(k, "1."))).toBe(false);
    expect(ok(decodeCell(k, ".5"))).toBe(false);
    expect(ok(decodeCell(k, "1e3"))).toBe(false);
    expect(ok(decodeCell(k, "9999999999999999.99"))).toBe(true);
    expect(ok(decodeCell(k, "99999999999999999.99"))).toBe(false);
    expect(ok(decodeCell(k, "99999999999999999.9"))).toBe(false);
    expect(ok(decodeCell(k, "00000000000000000001.00"))).toBe(true);
  });

  it("booleans, codes and dates", () => {
    expect(decodeCell({ kind: "boolean" }, "true")).toEqual({
      ok: true,
      value: true,
    });
    expect(ok(decodeCell({ kind: "boolean" }, "TRUE"))).toBe(false);
    const code = { kind: "code", values: new Set(["JA", "NEE"]) } as const;
    expect(ok(decodeCell(code, "JA"))).toBe(true);
    expect(ok(decodeCell(code, "ja"))).toBe(false);
    expect(ok(decodeCell({ kind: "date" }, "2024-02-29"))).toBe(true);
    expect(ok(decodeCell({ kind: "date" }, "2023-02-29"))).toBe(false);
  });
});

// ---------------------------------------------------------------- rules over a small ruleset

const SOURCE = `
ruleset t.interp@1.0.0
  source br "Beleidsregel"

codelist yn "Ja / nee"
  value "J"
  value "N"

calendar werk "Werkdagen"
  implements br art 1
  weekend saturday, sunday
  holiday nieuwjaar "Nieuwjaarsdag" on 1 january
  holiday paas2 "Tweede Paasdag" easter +1

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  role by customer_id
  field ikb_id: text(10) required
  field customer_id: text(10) required column "klant"
  field last_name: text(5)
  field date_of_birth: date
  field deceased: code yn
  field score: integer
  field marker: text(20)

entity BA "Bank account"
  file "ba.csv"
  key ikb_id, account_id
  field ikb_id: text(10) required
  field account_id: text(10) required
  field holder_id: ref NP.customer_id
  field balance: money
  field rate: decimal(9,4)
  field opened_at: datetime
  field blocked: boolean

ikb "IKB"
  key ikb_id
  depositor NP by customer_id

payout identity 1 "Identiteit vastgesteld"
  implements br art 1

rule r_score "Score te laag"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for NP
  require score > 3
  message "score {score} van {customer_id} is te laag ({attribute}|{value}|{ score })"
  example fail NP { score: 1 }
  example pass NP { score: 4 }

rule r_notin "Score niet 1 of 2"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for NP
  require score not in (1, 2)
  example fail NP { score: 1 }
  example pass NP { score: 3 }

rule r_valid "Ongeldige waarde"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 1
  for NP.*, BA.balance
  require value is valid
  message "{attribute}: {value}"
  example fail NP { score: "x" }
  example pass NP { score: 1 }

rule r_dob "Geboortedatum"
  assumption "A test rule: its meaning is our own."
  severity signalling
  applies to D
  implements br art 1
  for NP.date_of_birth
  when value is present
  require value <= rrd and value > rrd - 130 years
  example fail NP { date_of_birth: 2024-06-01 }
  example pass NP { date_of_birth: 1980-06-01 }

rule r_months "Maand later"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for NP
  when date_of_birth is present
  require date_of_birth + 1 months = 2024-02-29
  example fail NP { date_of_birth: 2024-01-28 }
  example pass NP { date_of_birth: 2024-01-29 }
  example pass NP { date_of_birth: 2024-01-31 }

rule r_workdays "Drie werkdagen"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for NP
  when date_of_birth is present
  require date_of_birth = rrd + 3 workdays
  example fail rrd 2024-03-29 NP { date_of_birth: 2024-04-03 }
  example pass rrd 2024-03-29 NP { date_of_birth: 2024-04-04 }

rule r_div "Deling"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for NP
  when score is present
  require score / 128 = 0.007812
  example fail NP { score: 2 }
  example pass NP { score: 1 }

rule r_count "Twee rekeningen"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for NP
  require count(BA where BA.holder_id = customer_id) = 2 and sum(BA.balance where BA.holder_id = customer_id) = 10.50
  example fail NP { customer_id: "C1" } with BA { account_id: "A1", holder_id: "C1", balance: 10.50 }
  example pass NP { customer_id: "C1" } with BA { account_id: "A1", holder_id: "C1", balance: 10.50 }, BA { account_id: "A2", holder_id: "C1" }

rule r_text "Tekst"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for NP.last_name
  when value is present
  require length(value) <= 4 and value matches "[A-Z].*"
  example fail NP { last_name: "jan" }
  example pass NP { last_name: "Jan" }

rule r_ba "Rekening"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 1
  for BA
  require (opened_at is absent or opened_at >= 2024-01-01T00:00:00+01:00) and not (blocked = true) and (rate is absent or rate * 2 < 1)
  example fail BA { account_id: "A1", blocked: true }
  example pass BA { account_id: "A1", blocked: false, opened_at: "2023-12-31T23:00:00Z", rate: 0.4999 }

rule f_present "Bestand"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 1
  for file NP, BA
  require present
  example fail file NP missing
  example pass file NP columns "ikb_id"

rule f_header "Kolommen"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 1
  for file NP
  require header
  example fail file NP columns "ikb_id", "klant"
  example pass file NP columns "ikb_id", "klant", "last_name", "date_of_birth", "deceased", "score", "marker"

rule f_unique "Sleutel uniek"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 1
  for file BA
  require unique key
  example fail file BA rows { account_id: "A1" }, { account_id: "A1" }
  example pass file BA rows { account_id: "A1" }, { account_id: "A2" }

rule f_refs "Verwijzingen"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 1
  for file BA
  require references
  example fail file BA rows { account_id: "A1", holder_id: "C9" } with NP { customer_id: "C1" }
  example pass file BA rows { account_id: "A1", holder_id: "C1" } with NP { customer_id: "C1" }

category identity "Identiteit"
  blocks identity
  implements br art 1
  result r_score (D)
  result r_valid on NP.date_of_birth
  marking NP.marker = "TWIJFEL" (V)
`;

const project = loadProjectFromTexts(new Map([["t.regel", SOURCE]]));
const rs = project.rulesets[0];
const ctx = (
  ikb: Record<string, Record<string, string>[]> = {},
  rrd = "2024-01-01",
) => ({ rrd, ikb });
const codes = (fs: Finding[]) =>
  fs.map((f) => `${f.rule}${f.attribute ? `.${f.attribute}` : ""}`);

describe("reference interpreter on a ruleset", () => {
  it("the test ruleset checks cleanly", () => {
    const errors = project.diagnostics.filter((d) => d.severity === "error");
    expect(
      errors.map((d) => `${d.span.start.line} ${d.code} ${d.message}`),
    ).toEqual([]);
    // r_score uses {attribute} and {value} in a record rule on purpose: they print nothing.
    expect(
      project.diagnostics
        .filter((d) => d.severity === "warning")
        .map((d) => d.code),
    ).toEqual(["REG224", "REG224"]);
  });

  it("runs every example of the test ruleset as declared", () => {
    const results = runExamples(rs);
    expect(results.length).toBe(29);
    for (const r of results)
      expect(`${r.rule} ${r.example} ${r.actual}`).toBe(
        `${r.rule} ${r.example} ${r.expected}`,
      );
  });

  it("builds findings with role, key, values and message", () => {
    const row = { ikb_id: "K1", klant: "K1", score: "2" };
    const fs = interpretRule(rs, "r_score", "NP", row, ctx());
    expect(fs).toEqual([
      {
        rule: "r_score",
        severity: "signalling",
        entity: "NP",
        role: "D",
        attribute: undefined,
        key: "ikb_id=K1;customer_id=K1",
        values: { score: "2" },
        message: "score 2 van K1 is te laag (||2)",
        law: {
          code: "r_score",
          title: "Score te laag",
          articles: [
            { source: "br", sourceTitle: "Beleidsregel", locator: "art 1" },
          ],
          assumptions: ["A test rule: its meaning is our own."],
        },
      },
    ]);
    // Not the depositor: role V. An explicit IKB key wins over the record's own.
    expect(
      interpretRule(rs, "r_score", "NP", { ...row, klant: "K2" }, ctx())[0]
        .role,
    ).toBe("V");
    expect(
      interpretRule(rs, "r_score", "NP", row, { ...ctx(), ikbKey: "K9" })[0]
        .role,
    ).toBe("V");
  });

  it("treats absent values: comparisons false, not-in true, arithmetic absent", () => {
    const row = { ikb_id: "K1", klant: "K1" };
    expect(codes(interpretRule(rs, "r_score", "NP", row, ctx()))).toEqual([
      "r_score",
    ]);
    expect(codes(interpretRule(rs, "r_notin", "NP", row, ctx()))).toEqual([]);
    expect(
      codes(interpretRule(rs, "r_notin", "NP", { ...row, score: "2" }, ctx())),
    ).toEqual(["r_notin"]);
    // An invalid value is absent for every rule but `is valid`.
    expect(
      codes(interpretRule(rs, "r_score", "NP", { ...row, score: "9x" }, ctx())),
    ).toEqual(["r_score"]);
    expect(
      codes(interpretRule(rs, "r_div", "NP", { ...row, score: "9x" }, ctx())),
    ).toEqual([]);
  });

  it("reports invalid values per attribute with the raw text", () => {
    const row = {
      ikb_id: "K1",
      klant: "K1",
      last_name: "Jansen",
      date_of_birth: "2023-02-29",
      deceased: "X",
      score: "1.0",
    };
    const fs = interpretRule(rs, "r_valid", "NP", row, ctx());
    expect(codes(fs)).toEqual([
      "r_valid.last_name",
      "r_valid.date_of_birth",
      "r_valid.deceased",
      "r_valid.score",
    ]);
    expect(fs[1].values).toEqual({ date_of_birth: "2023-02-29" });
    expect(fs[1].message).toBe("date_of_birth: 2023-02-29");
    expect(
      codes(
        interpretRule(
          rs,
          "r_valid",
          "NP",
          {
            ...row,
            last_name: "Jans",
            date_of_birth: "2024-02-29",
            deceased: "J",
            score: "-0",
          },
          ctx(),
        ),
      ),
    ).toEqual([]);
    // BA.balance only, not the other BA fields.
    expect(
      codes(
        interpretRule(
          rs,
          "r_valid",
          "BA",
          { ikb_id: "K1", account_id: "A", balance: "1.234", rate: "x" },
          ctx(),
        ),
      ),
    ).toEqual(["r_valid.balance"]);
  });

  it("applies to D skips representatives", () => {
    const row = { ikb_id: "K1", klant: "K2", date_of_birth: "2030-01-01" };
    expect(codes(interpretRule(rs, "r_dob", "NP", row, ctx()))).toEqual([]);
    expect(
      codes(interpretRule(rs, "r_dob", "NP", { ...row, klant: "K1" }, ctx())),
    ).toEqual(["r_dob.date_of_birth"]);
    expect(
      codes(
        interpretRule(
          rs,
          "r_dob",
          "NP",
          { ...row, klant: "K1", date_of_birth: "1893-12-31" },
          ctx("2024-01-01" as never),
        ),
      ),
    ).toEqual(["r_dob.date_of_birth"]);
    expect(
      codes(
        interpretRule(
          rs,
          "r_dob",
          "NP",
          { ...row, klant: "K1", date_of_birth: "1894-01-02" },
          ctx(),
        ),
      ),
    ).toEqual([]);
  });

  it("divides with the larger scale plus 6 digits, rounding half to even", () => {
    // 1/128 = 0.0078125 -> 0.007812 (half to even), 3/128 = 0.0234375 -> 0.023438.
    expect(
      codes(interpretRule(rs, "r_div", "NP", { score: "1" }, ctx())),
    ).toEqual([]);
    expect(
      codes(interpretRule(rs, "r_div", "NP", { score: "3" }, ctx())),
    ).toEqual(["r_div"]);
  });

  it("aggregates over the IKB, skipping absent amounts in sums", () => {
    const np = { ikb_id: "K1", klant: "C1" };
    const ba = (id: string, holder: string, balance: string) => ({
      ikb_id: "K1",
      account_id: id,
      holder_id: holder,
      balance,
    });
    const ikb = {
      NP: [np],
      BA: [
        ba("A1", "C1", "10.00"),
        ba("A2", "C1", "0.50"),
        ba("A3", "C2", "99.00"),
      ],
    };
    expect(codes(interpretRule(rs, "r_count", "NP", np, ctx(ikb)))).toEqual([]);
    const withInvalid = { ...ikb, BA: [...ikb.BA, ba("A4", "C1", "abc")] };
    expect(
      codes(interpretRule(rs, "r_count", "NP", np, ctx(withInvalid))),
    ).toEqual(["r_count"]);
    const withAbsent = {
      ...ikb,
      BA: [ba("A1", "C1", "10.50"), ba("A4", "C1", "")],
    };
    expect(
      codes(interpretRule(rs, "r_count", "NP", np, ctx(withAbsent))),
    ).toEqual([]);
  });

  it("compares datetimes in time and multiplies exactly", () => {
    const ba = { ikb_id: "K1", account_id: "A1" };
    expect(
      codes(
        interpretRule(
          rs,
          "r_ba",
          "BA",
          { ...ba, opened_at: "2023-12-31T23:00:00Z" },
          ctx(),
        ),
      ),
    ).toEqual([]);
    expect(
      codes(
        interpretRule(
          rs,
          "r_ba",
          "BA",
          { ...ba, opened_at: "2023-12-31T22:59:59.999Z" },
          ctx(),
        ),
      ),
    ).toEqual(["r_ba"]);
    expect(
      codes(interpretRule(rs, "r_ba", "BA", { ...ba, rate: "0.5000" }, ctx())),
    ).toEqual(["r_ba"]);
    expect(
      codes(interpretRule(rs, "r_ba", "BA", { ...ba, blocked: "yes" }, ctx())),
    ).toEqual([]);
  });

  it("tests regular expressions against the whole text", () => {
    expect(
      codes(interpretRule(rs, "r_text", "NP", { last_name: "Jan" }, ctx())),
    ).toEqual([]);
    expect(
      codes(interpretRule(rs, "r_text", "NP", { last_name: "xJan" }, ctx())),
    ).toEqual(["r_text.last_name"]);
    expect(
      codes(interpretRule(rs, "r_text", "NP", { last_name: "Janne" }, ctx())),
    ).toEqual(["r_text.last_name"]);
  });

  it("example records get the IKB key and the subject becomes the depositor", () => {
    const ex = rs.rules.find((r) => r.code === "r_count")!.decl.examples[1];
    if (ex.kind !== "RecordExample")
      throw new Error("expected a record example");
    const c = exampleCase(rs, ex);
    expect(c.subject).toEqual({ klant: "C1", ikb_id: "IKB-1" });
    expect(c.ikb.BA).toEqual([
      { account_id: "A1", holder_id: "C1", balance: "10.50", ikb_id: "IKB-1" },
      { account_id: "A2", holder_id: "C1", ikb_id: "IKB-1" },
    ]);
    expect(c.rrd).toBe("2024-01-01");
    const dob = rs.rules.find((r) => r.code === "r_dob")!.decl.examples[0];
    if (dob.kind !== "RecordExample")
      throw new Error("expected a record example");
    expect(exampleCase(rs, dob).subject).toEqual({
      date_of_birth: "2024-06-01",
      ikb_id: "IKB-1",
      klant: "IKB-1",
    });
  });

  it("interpretRecord gives findings in ruleset order; an empty required field is not valid", () => {
    const fs = interpretRecord(
      rs,
      "NP",
      {
        ikb_id: "K1",
        score: "2",
        date_of_birth: "2024-01-28",
        last_name: "abcdef",
      },
      ctx(),
    );
    expect(codes(fs)).toEqual([
      "r_score",
      "r_notin",
      "r_valid.customer_id",
      "r_valid.last_name",
      "r_months",
      "r_workdays",
      "r_div",
      "r_count",
    ]);
    expect(fs[2]).toMatchObject({
      rule: "r_valid",
      severity: "blocking",
      values: { customer_id: null },
      key: "ikb_id=K1;customer_id=",
      law: {
        code: "r_valid",
        title: "Ongeldige waarde",
        assumptions: ["A test rule: its meaning is our own."],
      },
    });
    // The interpreter shares one law per rule, like a compiled module.
    expect(fs[3].law).toBe(fs[2].law);
  });

  it("classifies by result (role, attribute) and marking (role)", () => {
    const f = (
      rule: string,
      role: "D" | "V" | undefined,
      attribute?: string,
      entity = "NP",
    ): Finding => ({
      rule,
      severity: "signalling",
      entity,
      role,
      attribute,
      key: "",
      values: {},
      message: "",
      law: ruleLaw(rs.rules.find((r) => r.code === rule) ?? rs.rules[0]),
    });
    const none = {
      categories: [],
      payoutsBlocked: [],
      meetsAutomatedControls: true,
    };
    const hit = {
      categories: ["identity"],
      payoutsBlocked: ["identity"],
      meetsAutomatedControls: false,
    };
    expect(classifyIkb(rs, [], {})).toEqual(none);
    expect(classifyIkb(rs, [f("r_score", "D")], {})).toEqual(hit);
    expect(classifyIkb(rs, [f("r_score", "V")], {})).toEqual(none);
    expect(classifyIkb(rs, [f("r_valid", "V", "date_of_birth")], {})).toEqual(
      hit,
    );
    expect(classifyIkb(rs, [f("r_valid", "V", "score")], {})).toEqual(none);
    expect(
      classifyIkb(rs, [f("r_valid", undefined, "date_of_birth", "BA")], {}),
    ).toEqual(none);
    const np = (klant: string, marker: string) => ({
      ikb_id: "K1",
      klant,
      marker,
    });
    expect(classifyIkb(rs, [], { NP: [np("K1", "TWIJFEL")] })).toEqual(none);
    expect(
      classifyIkb(rs, [], { NP: [np("K1", ""), np("V1", "TWIJFEL")] }),
    ).toEqual(hit);
    expect(classifyIkb(rs, [], { NP: [np("V1", "twijfel")] })).toEqual(none);
    // a malformed marking value (longer than text(20)) cannot show the marking absent
    const malformed = "TWIJFEL".padEnd(21, "?");
    expect(classifyIkb(rs, [], { NP: [np("V1", malformed)] })).toEqual(hit);
    expect(classifyIkb(rs, [], { NP: [np("K1", malformed)] })).toEqual(none);
  });

  it("checks files in memory", () => {
    const npHeader = rs.entities.get("NP")!.fields.map((f) => f.column);
    const baHeader = rs.entities.get("BA")!.fields.map((f) => f.column);
    const files = {
      NP: {
        header: npHeader.slice(0, 3),
        rows: [{ ikb_id: "K1", klant: "C1" }],
      },
      BA: {
        header: baHeader,
        rows: [
          { ikb_id: "K1", account_id: "A1", holder_id: "C1" },
          { ikb_id: "K1", account_id: "A1", holder_id: "C2" },
          { ikb_id: "K2", account_id: "A1", holder_id: "" },
        ],
      },
    };
    const fs = checkFiles(rs, files);
    expect(
      fs.map((x) => `${x.rule} ${x.entity} ${x.attribute ?? ""} ${x.key}`),
    ).toEqual([
      "f_header NP date_of_birth ",
      "f_header NP deceased ",
      "f_header NP score ",
      "f_header NP marker ",
      "f_unique BA  ikb_id=K1;account_id=A1",
      "f_refs BA holder_id ikb_id=K1;account_id=A1",
    ]);
    expect(codes(checkFiles(rs, { NP: files.NP }))).toEqual([
      "f_present",
      "f_header.date_of_birth",
      "f_header.deceased",
      "f_header.score",
      "f_header.marker",
    ]);
  });
});
