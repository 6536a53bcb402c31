/**
 * Normalisations (`normalized_text`, `normalized_name`, `normalized_code`, `normalized_address`;
 * docs/language.md, Normalisation): what each makes of the spellings a bank meets, the compiled
 * helpers = the reference interpreter on random text, and whole-file combinations that normalise
 * fields (the golden and silver triangle): every record of a duplicate group found, near
 * duplicates not, and the compiled runtime = the reference interpreter on random files.
 */
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../compiler/contract.js";
import {
  $normalizedAddress,
  $normalizedCode,
  $normalizedName,
  $normalizedText,
} from "../../compiler/helpers/normalize.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { normalize } from "../../interpreter/normalize.js";
import {
  checkFiles,
  interpretRule,
} from "../../interpreter/reference-interpreter.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { compileAndImport, context, run } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

const HELPERS = {
  normalized_text: $normalizedText,
  normalized_name: $normalizedName,
  normalized_code: $normalizedCode,
  normalized_address: $normalizedAddress,
} as const;

describe("normalisations", () => {
  it("fold case, diacritics, spacing and punctuation", () => {
    expect($normalizedText(["  Ébène   MÜLLER-Lüdenscheidt "])).toBe(
      "ebene muller ludenscheidt",
    );
    expect($normalizedText(["Øster", "Straße"])).toBe("oster strasse");
    expect($normalizedText([undefined, "", "  "])).toBeUndefined();
  });

  it("normalized_name drops tussenvoegsels in any place and spelling", () => {
    const berg = [
      "van den Berg",
      "Van Den Berg",
      "Berg, van den",
      "v.d. Berg",
      "VAN DEN BERG",
      "vandenberg".replace("vanden", "van den "),
    ];
    for (const b of berg) expect($normalizedName([b]), b).toBe("berg");
    expect($normalizedName(["van 't Hoff-Ébène"])).toBe("hoffebene");
    expect($normalizedName(["'s-Gravesande"])).toBe("gravesande");
    expect($normalizedName(["J.P.", "Jansen"])).toBe("jpjansen");
    expect($normalizedName(["J. P.", "jansen"])).toBe("jpjansen");
    // a name of particles only keeps them; a one-letter difference stays a difference
    expect($normalizedName(["Van"])).toBe("van");
    expect($normalizedName(["Janssen"])).not.toBe($normalizedName(["Jansen"]));
  });

  it("normalized_code keeps letters and digits; normalized_address writes abbreviations out", () => {
    expect($normalizedCode(["111.222.333"])).toBe("111222333");
    expect($normalizedCode(["111 222 333"])).toBe("111222333");
    expect(
      $normalizedAddress(["Kerkstr.", "12", "a", "1234AB", "Amsterdam"]),
    ).toBe($normalizedAddress(["KERKSTRAAT", "12A", "1234 ab", "AMSTERDAM"]));
    expect($normalizedAddress(["Dorps ln", "3"])).toBe("dorpslaan3");
    // the letters of a postcode are not a street word, apart or together
    expect($normalizedAddress(["6546 LN"])).toBe("6546ln");
    expect($normalizedAddress(["Dorps ln 3", "6546 LN"])).toBe(
      $normalizedAddress(["dorpslaan 3", "6546ln"]),
    );
    expect($normalizedAddress(["Kerkstraat", "12"])).not.toBe(
      $normalizedAddress(["Kerkstraat", "21"]),
    );
  });

  it("mean the same in the reference interpreter, on random text", () => {
    const word = fc.oneof(
      fc.constantFrom(
        "van",
        "der",
        "'t",
        "v.d.",
        "Str.",
        "ln",
        "ß",
        "Ø",
        "İ",
        "é",
        "Ǆ",
        "ﬁ",
        "½",
        "Berg",
        "12-A",
        "6546",
        "LN",
        " ",
        ",",
      ),
      fc.string({ maxLength: 6, unit: "grapheme" }),
    );
    const text = fc.oneof(
      fc.constant(undefined),
      fc.array(word, { maxLength: 6 }).map((w) => w.join("")),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(HELPERS) as (keyof typeof HELPERS)[])),
        fc.array(text, { minLength: 1, maxLength: 4 }),
        (name, texts) => {
          expect(normalize(name, texts)).toBe(HELPERS[name](texts));
        },
      ),
      { numRuns: 2000, seed: 20261204 },
    );
  });

  it("are functions of expressions, compiled and interpreted alike", async () => {
    const text = `ruleset t.norm@1.0.0
  valid from 2024-01-01
  source scv "Single customer view"

entity CU "Customer"
  file "customer.csv"
  key customer_id
  field customer_id: text(4) required
  field last_name: text(80)
  field street: text(80)

rule nrm0001 "Naam gelijk aan straat"
  assumption "a test rule"
  severity signalling
  implements scv art 1
  for CU
  require normalized_name(last_name) != normalized_address(street)
  example fail CU { customer_id: "C1", last_name: "van Dijk", street: "DIJK" }
  example pass CU { customer_id: "C1", last_name: "van Dijk", street: "Dijkstr." }
`;
    const p = loadProjectFromTexts(new Map([["t.regel", text]]));
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const { module } = await compileAndImport(text, "t.regel");
    const rs = p.rulesets[0];
    fc.assert(
      fc.property(
        fc.constantFrom("van Dijk", "Dijk", "DIJK", "", "Dijkstra"),
        fc.constantFrom("dijk", "Dijkstr.", "", "v. Dijk"),
        (last_name, street) => {
          const interpreted = interpretRule(
            rs,
            "nrm0001",
            "CU",
            { customer_id: "C1", last_name, street },
            { rrd: "2024-01-01", ikb: {} },
          );
          const compiled = run(
            module,
            "CU",
            { customer_id: "C1", last_name, street },
            context("2024-01-01"),
          ).findings.filter((f) => f.rule === "nrm0001");
          const a = $normalizedName([last_name || undefined]);
          const b = $normalizedAddress([street || undefined]);
          // a comparison with an absent operand is false, so `require` fails
          const expected = a === undefined || b === undefined || a === b;
          expect(interpreted.length > 0).toBe(expected);
          expect(compiled.length > 0).toBe(expected);
        },
      ),
    );
  });
});

const TRIANGLES = `ruleset t.triangle@1.0.0
  valid from 2024-01-01
  source scv "Single customer view"

entity CU "Customer"
  file "customer.csv"
  key ikb_id, customer_id
  field ikb_id: text(40) required
  field customer_id: text(4) required
  field last_name: text(80) personal
  field born: date personal
  field national_id: text(20) personal
  field street: text(80) personal
  field house: text(10) personal
  field postcode: text(10) personal

ikb "Klantbeeld"
  key ikb_id
  depositor CU by customer_id

rule dup0010 "Gouden driehoek"
  meaning "One person (name, date of birth, national id) is under one customer number." from scv art 3
  severity signalling
  implements scv art 3
  for file CU
  require one customer_id per normalized_name(last_name), born, normalized_code(national_id)
  example fail file CU rows { ikb_id: "K1", customer_id: "C1", last_name: "van den Berg", born: 1970-01-01, national_id: "111222333" }, { ikb_id: "K2", customer_id: "C2", last_name: "Berg, v.d.", born: 1970-01-01, national_id: "111.222.333" }
  example pass file CU rows { ikb_id: "K1", customer_id: "C1", last_name: "van den Berg", born: 1970-01-01, national_id: "111222333" }, { ikb_id: "K2", customer_id: "C2", last_name: "van den Bergh", born: 1970-01-01, national_id: "111222333" }

rule dup0011 "Zilveren driehoek"
  meaning "One person (name, date of birth, address) is delivered once." from scv art 4
  severity signalling
  implements scv art 4
  for file CU
  require unique normalized_name(last_name), born, normalized_address(street, house, postcode)
  example fail file CU rows { ikb_id: "K1", customer_id: "C1", last_name: "Müller", born: 1970-01-01, street: "Kerkstr.", house: "12 a", postcode: "1234AB" }, { ikb_id: "K2", customer_id: "C2", last_name: "MULLER", born: 1970-01-01, street: "Kerkstraat", house: "12A", postcode: "1234 ab" }
  example pass file CU rows { ikb_id: "K1", customer_id: "C1", last_name: "Müller", born: 1970-01-01, street: "Kerkstr.", house: "12 a", postcode: "1234AB" }, { ikb_id: "K2", customer_id: "C2", last_name: "Müller", born: 1970-01-01, street: "Kerkstraat", house: "12B", postcode: "1234AB" }
`;

const T_HEADER =
  "ikb_id,customer_id,last_name,born,national_id,street,house,postcode";
const T_RULES = ["dup0010", "dup0011"];

let loaded: LoadedRuleset;
let triangles: ResolvedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(TRIANGLES, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.triangle@1.0.0"));
  const p = loadProjectFromTexts(new Map([["t.regel", TRIANGLES]]));
  expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  triangles = p.rulesets[0];
});

async function validate(rows: string[][], showPersonalData = false) {
  const csv =
    [
      T_HEADER,
      ...rows.map((r) => r.map((c) => JSON.stringify(c)).join(",")),
    ].join("\n") + "\n";
  const report = await validateDelivery(
    delivery({ "customer.csv": csv }),
    loaded,
    { rrd: "2024-06-30", showPersonalData, maxSamples: 100_000 },
  );
  return report.rules
    .filter((r) => T_RULES.includes(r.code))
    .flatMap((r) => r.samples.map((s) => ({ rule: r.code, ...s })));
}

describe("whole-file combinations that normalise fields", () => {
  it("find every record of one person under two customer numbers, and not the near duplicates", async () => {
    const found = await validate([
      [
        "K1",
        "C1",
        "van den Berg",
        "1970-01-01",
        "111222333",
        "Kerkstr.",
        "12 a",
        "1234AB",
      ],
      [
        "K2",
        "C2",
        "Berg, v.d.",
        "1970-01-01",
        "111 222 333",
        "Dorpsweg",
        "1",
        "9999 ZZ",
      ],
      // the same customer again (as representative in another IKB): no second customer number
      [
        "K3",
        "C1",
        "VAN DEN BERG",
        "1970-01-01",
        "111222333",
        "Kerkstraat",
        "12A",
        "1234 ab",
      ],
      // near duplicates: another name, another date of birth, another id
      [
        "K4",
        "C4",
        "van den Bergh",
        "1970-01-01",
        "111222333",
        "Laan",
        "2",
        "1111AA",
      ],
      [
        "K5",
        "C5",
        "van den Berg",
        "1970-01-02",
        "111222333",
        "Laan",
        "3",
        "1111AA",
      ],
      [
        "K6",
        "C6",
        "van den Berg",
        "1970-01-01",
        "111222334",
        "Laan",
        "4",
        "1111AA",
      ],
    ]);
    const golden = found.filter((f) => f.rule === "dup0010");
    expect(golden.map((f) => f.line)).toEqual([2, 3, 4]);
    const msg =
      'last_name=***;born=***;national_id=*** has 2 different values of customer_id in customer.csv: "C1" (lines 2 and 4), "C2" (line 3)';
    expect(golden.map((f) => f.message)).toEqual([msg, msg, msg]);
    // silver: rows 2 and 4 are one person at one address (as written differently)
    const silver = found.filter((f) => f.rule === "dup0011");
    expect(silver.map((f) => f.line)).toEqual([2, 4]);
    expect(JSON.stringify(found)).not.toContain("111222333");
  });

  it("compiled runtime = reference interpreter on random files", async () => {
    const row = fc.tuple(
      fc.constantFrom("K1", "K2", "K3"),
      fc.constantFrom("C1", "C2", "C3"),
      fc.constantFrom(
        "van den Berg",
        "Berg, v.d.",
        "BERG",
        "Bergh",
        "",
        "Ĳzer",
      ),
      fc.constantFrom("1970-01-01", "1970-01-02", "", "1970-02-30"),
      fc.constantFrom("111222333", "111.222.333", "", "111222334"),
      fc.constantFrom("Kerkstr.", "Kerkstraat", "", "Dorpsln"),
      fc.constantFrom("12 a", "12A", "", "13"),
      fc.constantFrom("1234AB", "1234 ab", ""),
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 10 }), async (rows) => {
        const compiled = (await validate(rows)).map((s) => comparable(s));
        const names = T_HEADER.split(",");
        const interpreted = checkFiles(triangles, {
          CU: {
            header: names,
            rows: rows.map((r) =>
              Object.fromEntries(names.map((n, i) => [n, r[i]])),
            ),
          },
        })
          .filter((f: Finding) => T_RULES.includes(f.rule))
          .map(comparable);
        expect(compiled.sort()).toEqual(interpreted.sort());
        for (const c of compiled) seen.add(JSON.parse(c)[0]);
      }),
      { numRuns: 60, seed: 20261204 },
    );
    expect([...seen].sort()).toEqual(T_RULES);
  });
});

function comparable(f: {
  rule: string;
  line?: number | null;
  key: string;
  values: Record<string, string | null>;
  message: string;
}) {
  const values: Record<string, string | null> = {};
  // every field of these rules is personal: masked in a report
  for (const k of Object.keys(f.values).sort())
    values[k] =
      f.values[k] !== null && k !== "customer_id" ? "***" : f.values[k];
  return JSON.stringify([f.rule, f.line, f.key, values, f.message]);
}
