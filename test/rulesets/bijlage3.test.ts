/**
 * Beoordelingskader Bijlage 3, transcribed by hand from the seed (001_f272accbd5572e20.txt, lines
 * ~2209-2290 for GLO 1.2.0 and ~2299-2380 for GLO 1.3.0), compared with the categories of the
 * resolved rulesets `ikb.glo@1.2.0` and `ikb.glo@1.3.0`.
 *
 * Transcription format, one string per table entry: `code [(D|V)] [attribute, attribute, ...]`,
 * attributes written as the table writes them but in snake case (`NP.date of birth` ->
 * `NP.date_of_birth`). "UA/SA.country" is written as the two attributes it names. Markings are
 * transcribed as the table's text plus the `marking` lines that encode it (see docs/data-model.md:
 * a marking of the depositor is carried by NP and NNP).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runExamples } from "../../interpreter/example-runner.js";
import {
  classifyIkb,
  interpretRecord,
  type RawRow,
} from "../../interpreter/reference-interpreter.js";
import type { Finding } from "../../compiler/contract.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProject, type Project } from "../../dsl/project.js";
import {
  CATEGORIES,
  GLO_1_2_0,
  GLO_1_3_0,
  type CategoryName,
  type Table,
} from "./bijlage3-tables.js";

/** One entry in canonical form: `code|role|sorted attributes`. */
function canonResult(
  code: string,
  role: string | undefined,
  attributes: string[],
): string {
  return `${code}|${role ?? ""}|${[...attributes].sort().join(",")}`;
}

function parseEntry(entry: string): string {
  const m = /^([a-z]{3}\d{4})(?: \((D|V)\))?(?: (.+))?$/.exec(entry);
  if (!m) throw new Error(`bad transcription entry: ${entry}`);
  const attributes =
    m[3] === undefined ? [] : m[3].split(",").map((a) => a.trim());
  return canonResult(m[1], m[2], attributes);
}

function canonMarking(
  attribute: string,
  value: string,
  role: string | undefined,
): string {
  return `${attribute} = ${value}${role ? ` (${role})` : ""}`;
}

/** The table as sets: results and markings per category. */
function tableSets(
  table: Table,
): Map<CategoryName, { results: string[]; markings: string[] }> {
  return new Map(
    CATEGORIES.map((c) => [
      c,
      {
        results: table[c].results.map(parseEntry).sort(),
        markings: table[c].markings.flatMap((m) => m.encoded).sort(),
      },
    ]),
  );
}

/** The resolved ruleset's categories as the same sets. */
function rulesetSets(
  rs: ResolvedRuleset,
): Map<string, { results: string[]; markings: string[] }> {
  return new Map(
    rs.categories.map((c) => [
      c.name,
      {
        results: c.decl.results
          .map((r) =>
            canonResult(
              r.code.name,
              r.role,
              r.attributes.map((a) => `${a.entity.name}.${a.field.name}`),
            ),
          )
          .sort(),
        markings: c.decl.markings
          .map((m) =>
            canonMarking(
              `${m.attribute.entity.name}.${m.attribute.field.name}`,
              m.value.value,
              m.role,
            ),
          )
          .sort(),
      },
    ]),
  );
}

/** Entries (results and markings, prefixed by category) of `a` that are not in `b`. */
function minus(
  a: Map<string, { results: string[]; markings: string[] }>,
  b: Map<string, { results: string[]; markings: string[] }>,
): string[] {
  const out: string[] = [];
  for (const [cat, sets] of a) {
    const other = b.get(cat);
    for (const r of sets.results)
      if (!other?.results.includes(r)) out.push(`${cat}: ${r}`);
    for (const m of sets.markings)
      if (!other?.markings.includes(m)) out.push(`${cat}: ${m}`);
  }
  return out.sort();
}

/** Every validation code of a table. */
function codesOf(table: Table): string[] {
  return [
    ...new Set(
      CATEGORIES.flatMap((c) => table[c].results.map((e) => e.slice(0, 7))),
    ),
  ].sort();
}

/** Attributes the table lists for dmc0000, over all categories. */
function dmc0000Attributes(table: Table): string[] {
  const out = new Set<string>();
  for (const c of CATEGORIES) {
    for (const e of table[c].results) {
      if (!e.startsWith("dmc0000")) continue;
      const attrs = parseEntry(e).split("|")[2];
      for (const a of attrs.split(",")) if (a) out.add(a);
    }
  }
  return [...out].sort();
}

let project: Project;
let v120: ResolvedRuleset;
let v130: ResolvedRuleset;

beforeAll(async () => {
  project = await loadProject(["rulesets"]);
  const find = (id: string) => {
    const rs = project.rulesets.find((r) => r.id === id);
    if (!rs)
      throw new Error(
        `${id} not loaded; diagnostics:\n${project.diagnostics.map((d) => d.message).join("\n")}`,
      );
    return rs;
  };
  v120 = find("ikb.glo@1.2.0");
  v130 = find("ikb.glo@1.3.0");
});

describe("ikb.glo rulesets", () => {
  it("check without errors", () => {
    const mine = project.diagnostics.filter(
      (d) => d.severity === "error" && /ikb\.glo/.test(d.span?.file ?? ""),
    );
    expect(
      mine.map(
        (d) => `${d.span?.file}:${d.span?.start.line} ${d.code} ${d.message}`,
      ),
    ).toEqual([]);
  });

  it("are in force one after the other: 1.2.0 until 1 July 2023, 1.3.0 from then", () => {
    expect(v120.validUntil).toBe("2023-07-01");
    expect(v130.validFrom).toBe("2023-07-01");
    expect(v130.extends).toBe("ikb.glo@1.2.0");
  });

  it("declare the five payout conditions of bk par 2.1", () => {
    for (const rs of [v120, v130]) {
      expect(rs.payouts.map((p) => p.number).sort()).toEqual([1, 2, 3, 4, 5]);
      for (const p of rs.payouts) {
        expect(
          p.implementsRefs.map((a) => `${a.source.name} ${a.locator}`),
        ).toContain("bk par 2.1");
      }
    }
  });
});

describe.each([
  ["1.2.0", GLO_1_2_0, () => v120],
  ["1.3.0", GLO_1_3_0, () => v130],
] as const)("Bijlage 3, GLO %s", (_version, table, rulesetOf) => {
  it("has exactly the five categories of the table, with their titles and payout conditions", () => {
    const rs = rulesetOf();
    expect(rs.categories.map((c) => c.name).sort()).toEqual(
      [...CATEGORIES].sort(),
    );
    for (const c of rs.categories) {
      const t = table[c.name as CategoryName];
      expect(c.decl.title).toBe(t.title);
      const payout = rs.payouts.find(
        (p) => p.name.name === c.decl.blocks?.name,
      );
      expect(payout?.number, `${c.name} blocks payout ${t.payout}`).toBe(
        t.payout,
      );
      expect(c.articles.map((a) => `${a.sourceAlias} ${a.locator}`)).toContain(
        "bk bijlage 3",
      );
    }
  });

  it.each(CATEGORIES)(
    "category %s equals the table exactly (codes, roles, attributes, markings)",
    (cat) => {
      const expected = tableSets(table).get(cat)!;
      const actual = rulesetSets(rulesetOf()).get(cat);
      expect(actual?.results).toEqual(expected.results);
      expect(actual?.markings).toEqual(expected.markings);
    },
  );

  it("has for every code of the table a rule with meaning, severity, roles, implements and examples", () => {
    const rs = rulesetOf();
    for (const code of codesOf(table)) {
      const rule = rs.rules.find((r) => r.code === code);
      expect(rule, code).toBeDefined();
      const d = rule!.decl;
      expect(d.meaning?.length ?? 0, `${code} meaning`).toBeGreaterThan(10);
      expect(d.severity, `${code} severity`).toBe("signalling");
      expect(
        rule!.articles.map((a) => `${a.sourceAlias} ${a.locator}`),
        `${code} implements`,
      ).toContain("bk bijlage 3");
      expect(
        d.examples.filter((e) => e.expect === "pass").length,
        `${code} pass examples`,
      ).toBeGreaterThanOrEqual(1);
      expect(
        d.examples.filter((e) => e.expect === "fail").length,
        `${code} fail examples`,
      ).toBeGreaterThanOrEqual(1);
      // A rule qualified (D) or (V) somewhere in the table must apply to that role.
      for (const c of CATEGORIES) {
        for (const e of table[c].results) {
          const m = /^([a-z]{3}\d{4}) \((D|V)\)/.exec(e);
          if (m && m[1] === code && d.roles.length > 0)
            expect(d.roles, `${code} applies to ${m[2]}`).toContain(m[2]);
        }
      }
    }
  });

  it("dmc0000 checks exactly the attributes the table lists for it", () => {
    const rule = rulesetOf().rules.find((r) => r.code === "dmc0000")!;
    const target = rule.decl.target;
    expect(target?.kind).toBe("AttributeTarget");
    const attrs =
      target?.kind === "AttributeTarget"
        ? target.attributes.map((a) => `${a.entity.name}.${a.field.name}`)
        : [];
    expect([...attrs].sort()).toEqual(dmc0000Attributes(table));
  });

  it("every category attribute and marking names a field of the data model", () => {
    const rs = rulesetOf();
    for (const c of rs.categories) {
      const refs = [
        ...c.decl.results.flatMap((r) => r.attributes),
        ...c.decl.markings.map((m) => m.attribute),
      ];
      for (const a of refs) {
        const entity = rs.entities.get(a.entity.name);
        expect(
          entity?.fields.map((f) => f.name),
          `${a.entity.name}.${a.field.name}`,
        ).toContain(a.field.name);
      }
    }
  });
});

describe("Bijlage 3 from GLO 1.2.0 to 1.3.0", () => {
  it("the categories change exactly as the two tables differ", () => {
    const t120 = tableSets(GLO_1_2_0);
    const t130 = tableSets(GLO_1_3_0);
    const r120 = rulesetSets(v120);
    const r130 = rulesetSets(v130);
    expect(minus(r130, r120)).toEqual(minus(t130, t120));
    expect(minus(r120, r130)).toEqual(minus(t120, t130));
    // The transcribed difference itself, so a change to the transcription is seen here too.
    expect(minus(t130, t120)).toContain("identity: omc0019||");
    expect(minus(t120, t130)).toContain("amount: dmc0005||");
  });

  it("codes first listed in the 1.3.0 table are added by 1.3.0, not inherited", () => {
    const added = codesOf(GLO_1_3_0).filter(
      (c) => !codesOf(GLO_1_2_0).includes(c),
    );
    expect(added).toEqual([
      "dmc0001",
      "dmc0002",
      "omc0017",
      "omc0018",
      "omc0019",
      "smc0010",
      "tmc0002",
      "tmc0005",
    ]);
    for (const code of added) {
      expect(
        v120.rules.some((r) => r.code === code),
        `${code} not in 1.2.0`,
      ).toBe(false);
      expect(
        v130.rules.find((r) => r.code === code)?.origin,
        `${code} from 1.3.0`,
      ).toBe("ikb.glo@1.3.0");
    }
  });

  it("1.3.0 replaces dmc0000 and replaces or extends every category", () => {
    expect(v130.rules.find((r) => r.code === "dmc0000")?.origin).toBe(
      "ikb.glo@1.3.0",
    );
    for (const c of v130.categories)
      expect(c.origin, c.name).toBe("ikb.glo@1.3.0");
    expect(v120.categories.every((c) => c.origin === "ikb.glo@1.2.0")).toBe(
      true,
    );
  });
});

describe("examples of the ikb.glo rules", () => {
  it.each(["1.2.0", "1.3.0"])(
    "all give the expected result under the reference interpreter (%s)",
    (version) => {
      const rs = version === "1.2.0" ? v120 : v130;
      const results = runExamples(rs);
      expect(results.length).toBeGreaterThan(50);
      const wrong = results
        .filter((r) => r.actual !== r.expected)
        .map((r) => `${r.rule} ${r.example}: ${r.actual} ${r.error ?? ""}`);
      expect(wrong).toEqual([]);
    },
  );
});

/** A depositor with complete, valid data: an IKB that meets the automated controls. */
function cleanIkb(): Record<string, RawRow[]> {
  return {
    NP: [
      {
        ikb_id: "C1",
        customer_id: "C1",
        initials: "J.",
        first_names: "Jan",
        last_name: "Jansen",
        date_of_birth: "1970-01-01",
        identification_number: "111222333",
        identification_country: "NL",
        deceased: "false",
        reliability_indicator_code: "BETROUWBAARHEID GEGARANDEERD",
        eligibility_indicator_code: "IN AANMERKING",
      },
    ],
    AD: [{ ikb_id: "C1", address_id: "AD1", customer_id: "C1", country: "NL" }],
    SA: [
      {
        ikb_id: "C1",
        address_id: "AD1",
        customer_id: "C1",
        street: "Dorpsstraat",
        house_number: "1",
        postal_code: "1234 AB",
        place: "Amsterdam",
        country: "NL",
      },
    ],
    BA: [
      {
        ikb_id: "C1",
        account_id: "A1",
        bank_account_number: "NL91ABNA0417164300",
        ascription: "J. Jansen",
        product_label: "Internetsparen",
        type_of_third_party_account: "GEEN DERDENREKENING",
        eligible: "true",
        currency: "EUR",
        balance: "1000.00",
        interest: "1.25",
        country: "NL",
        count_of_depositors: "1",
      },
    ],
  };
}

/** A representative V1 of the depositor, with complete data. */
function withRepresentative(
  ikb: Record<string, RawRow[]>,
  np: Partial<Record<string, string>> = {},
): Record<string, RawRow[]> {
  const rep: Record<string, string> = {
    ...ikb.NP[0],
    customer_id: "V1",
    first_names: "Piet",
    last_name: "de Vries",
    date_of_birth: "1965-04-12",
    identification_number: "123456782",
  };
  for (const [k, v] of Object.entries(np)) {
    if (v === undefined) delete rep[k];
    else rep[k] = v;
  }
  return {
    ...ikb,
    NP: [...ikb.NP, rep],
    RE: [
      {
        ikb_id: "C1",
        representation_id: "R1",
        representative_id: "V1",
        represented_id: "C1",
        type_of_representation_competence: "ZELFSTANDIG",
      },
    ],
    AD: [
      ...ikb.AD,
      { ikb_id: "C1", address_id: "AD2", customer_id: "V1", country: "NL" },
    ],
  };
}

function edit(
  ikb: Record<string, RawRow[]>,
  entity: string,
  index: number,
  change: Record<string, string | undefined>,
): Record<string, RawRow[]> {
  const rows = ikb[entity].map((r, i) => {
    if (i !== index) return r;
    const out: Record<string, string> = { ...r };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  });
  return { ...ikb, [entity]: rows };
}

function classify(
  rs: ResolvedRuleset,
  ikb: Record<string, RawRow[]>,
): { categories: string[]; findings: string[] } {
  const findings: Finding[] = [];
  for (const [entity, rows] of Object.entries(ikb)) {
    for (const row of rows)
      findings.push(
        ...interpretRecord(rs, entity, row, {
          rrd: "2024-01-01",
          ikb,
          ikbKey: "C1",
        }),
      );
  }
  return {
    categories: classifyIkb(rs, findings, ikb, "C1").categories,
    findings: findings.map(
      (f) => `${f.rule} ${f.entity}.${f.attribute ?? ""} ${f.role ?? ""}`,
    ),
  };
}

describe("IKBs classified by the two versions (reference interpreter)", () => {
  const cases: [string, () => Record<string, RawRow[]>, string[], string[]][] =
    [
      ["a complete IKB meets the automated controls", cleanIkb, [], []],
      [
        "a complete IKB with a representative meets them too",
        () => withRepresentative(cleanIkb()),
        [],
        [],
      ],
      // 1.2.0 lists dmc0000 (NP.date of birth) without role under "Opvragen vergoeding"; 1.3.0 with (V).
      [
        "depositor without date of birth",
        () => edit(cleanIkb(), "NP", 0, { date_of_birth: undefined }),
        ["identity", "claim"],
        ["identity"],
      ],
      [
        "representative without date of birth",
        () => withRepresentative(cleanIkb(), { date_of_birth: undefined }),
        ["claim"],
        ["claim"],
      ],
      // BA.interest is mandatory for dmc0000 from 1.3.0 only.
      [
        "deposit without accrued interest",
        () => edit(cleanIkb(), "BA", 0, { interest: undefined }),
        [],
        ["amount"],
      ],
      [
        "third-party account of unknown type",
        () =>
          edit(cleanIkb(), "BA", 0, {
            type_of_third_party_account: "ONBEKEND",
          }),
        ["amount"],
        ["amount"],
      ],
      [
        "depositor marked TWIJFEL",
        () =>
          edit(cleanIkb(), "NP", 0, { eligibility_indicator_code: "TWIJFEL" }),
        ["eligibility"],
        ["eligibility"],
      ],
      [
        "reliability not guaranteed",
        () =>
          edit(cleanIkb(), "NP", 0, {
            reliability_indicator_code: "BETROUWBAARHEID NIET GEGARANDEERD",
          }),
        ["identity"],
        ["identity"],
      ],
      [
        "depositor without address",
        () => ({ ...cleanIkb(), AD: [], SA: [] }),
        ["notification"],
        ["notification"],
      ],
      [
        "address country only on AD missing",
        () => edit(cleanIkb(), "AD", 0, { country: undefined }),
        [],
        ["notification"],
      ],
      [
        "representation competence unknown",
        () => {
          const ikb = withRepresentative(cleanIkb());
          return edit(ikb, "RE", 0, {
            type_of_representation_competence: "ONBEKEND",
          });
        },
        ["claim"],
        ["claim"],
      ],
    ];
  it.each(cases)("%s", (_name, build, in120, in130) => {
    const a = classify(v120, build());
    const b = classify(v130, build());
    expect(a.categories, `1.2.0 findings: ${a.findings.join("; ")}`).toEqual(
      in120,
    );
    expect(b.categories, `1.3.0 findings: ${b.findings.join("; ")}`).toEqual(
      in130,
    );
  });
});

/** A non-natural depositor with complete data and a natural representative. */
function cleanNnpIkb(): Record<string, RawRow[]> {
  const np = withRepresentative(cleanIkb());
  return {
    ...np,
    NP: np.NP.filter((r) => r.customer_id === "V1"),
    NNP: [
      {
        ikb_id: "C1",
        customer_id: "C1",
        registered_name: "Jansen Holding B.V.",
        registered_place: "Amsterdam",
        registered_country: "NL",
        coc_number: "12345678",
        legal_capacity_code: "MET RECHTSPERSOONLIJKHEID",
        reliability_indicator_code: "BETROUWBAARHEID GEGARANDEERD",
        eligibility_indicator_code: "IN AANMERKING",
      },
    ],
  };
}

/** The clean IKB with an unstructured instead of a structured address. */
function cleanUaIkb(): Record<string, RawRow[]> {
  const { SA: _sa, ...rest } = cleanIkb();
  return {
    ...rest,
    UA: [
      {
        ikb_id: "C1",
        address_id: "AD1",
        customer_id: "C1",
        address_line_1: "Dorpsstraat 1",
        country: "NL",
      },
    ],
  };
}

/** Categories whose dmc0000 entry covers `attribute` for a depositor (role D or no role), per the transcription. */
function expectedForMissing(table: Table, attribute: string): string[] {
  return CATEGORIES.filter((c) =>
    table[c].results.some((e) => {
      const [code, role, attrs] = parseEntry(e).split("|");
      return (
        code === "dmc0000" &&
        role !== "V" &&
        attrs.split(",").includes(attribute)
      );
    }),
  );
}

describe("a depositor's missing attribute lands in the categories the table lists for dmc0000", () => {
  const bases: Record<string, () => Record<string, RawRow[]>> = {
    NP: cleanIkb,
    NNP: cleanNnpIkb,
    SA: cleanIkb,
    UA: cleanUaIkb,
    BA: cleanIkb,
    AD: cleanIkb,
  };
  it.each(["NP", "NNP", "UA"])(
    "the clean IKB with a %s depositor record meets the automated controls",
    (kind) => {
      const build =
        kind === "NNP" ? cleanNnpIkb : kind === "UA" ? cleanUaIkb : cleanIkb;
      expect(classify(v120, build()).categories).toEqual([]);
      expect(classify(v130, build()).categories).toEqual([]);
    },
  );
  for (const [version, table, rulesetOf] of [
    ["1.2.0", GLO_1_2_0, () => v120],
    ["1.3.0", GLO_1_3_0, () => v130],
  ] as const) {
    it(`GLO ${version}: every dmc0000 attribute of the table`, () => {
      const attributes = dmc0000Attributes(table);
      expect(attributes.length).toBeGreaterThan(10);
      for (const attribute of attributes) {
        const [entity, field] = attribute.split(".");
        const base = bases[entity]();
        const index = base[entity].findIndex(
          (r) => r.customer_id === undefined || r.customer_id === "C1",
        );
        const ikb = edit(base, entity, index, { [field]: undefined });
        const got = classify(rulesetOf(), ikb);
        // Category order follows the ruleset's declaration order, which is the table's order.
        expect(
          got.categories,
          `${attribute} missing; findings: ${got.findings.join("; ")}`,
        ).toEqual(expectedForMissing(table, attribute));
      }
    });
  }
});
