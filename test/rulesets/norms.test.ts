/**
 * The non-GLO rulesets say what their sources say: the groeipad norms (Beoordelingskader ch. 3),
 * the enforcement measures (Bijlage 2), the verwijzingsportaal field specs and timing rules
 * (Besluit verwijzingsportaal bankgegevens), and their inline examples hold.
 */
import { describe, expect, it } from "vitest";
import type { Literal, NormDecl } from "../../dsl/ast.js";
import { findRuleset, loadProject } from "../../dsl/project.js";
import { runExamples } from "../../interpreter/example-runner.js";

const project = await loadProject([
  "rulesets/nl.werkdagen",
  "rulesets/ikb.groeipad",
  "rulesets/ikb.handhaving",
  "rulesets/vp.bankgegevens",
]);

function ruleset(id: string) {
  const r = findRuleset(project, id);
  if (r === undefined)
    throw new Error(
      `${id} not loaded: ${project.diagnostics.map((d) => d.message).join("; ")}`,
    );
  return r;
}

function literal(l: Literal): string {
  switch (l.kind) {
    case "String":
      return JSON.stringify(l.value);
    case "Boolean":
      return String(l.value);
    case "Duration":
      return `${l.amount} ${l.unit}`;
    case "Percent":
      return `${l.text} %`;
    default:
      return l.text;
  }
}

/** `year 2022` / `from 2024-01-01` → the requirements as `metric op value` strings (aims as `aim ...`). */
function requirements(norm: NormDecl): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of norm.periods) {
    const key = p.year !== undefined ? String(p.year) : `from ${p.from?.text}`;
    out.set(
      key,
      p.requirements.map(
        (q) =>
          `${q.aim ? "aim " : ""}${q.metric.name} ${q.op} ${literal(q.value)}`,
      ),
    );
  }
  return out;
}

function norm(id: string, name: string): NormDecl {
  const n = ruleset(id).norms.find((x) => x.name.name === name);
  if (n === undefined) throw new Error(`norm ${name} missing`);
  return n;
}

describe("the shipped non-GLO rulesets", () => {
  it("load without errors or warnings", () => {
    expect(
      project.diagnostics.map(
        (d) => `${d.span.file}:${d.span.start.line} ${d.code} ${d.message}`,
      ),
    ).toEqual([]);
  });

  it("run all their inline examples as stated", () => {
    for (const id of ["vp.bankgegevens@1.0.0"]) {
      const results = runExamples(ruleset(id));
      expect(results.length).toBeGreaterThan(20);
      const wrong = results
        .filter((r) => r.actual !== r.expected)
        .map((r) => `${r.rule} ${r.example}: ${r.actual} ${r.error ?? ""}`);
      expect(wrong).toEqual([]);
    }
  });
});

describe("groeipad (Beoordelingskader hoofdstuk 3)", () => {
  const id = "ikb.groeipad@1.0.0";

  it("uses the working-day calendar for its 3 workdays", () => {
    expect(ruleset(id).uses).toContain("nl.werkdagen@1.0.0");
    expect(ruleset(id).calendars.map((c) => c.name.name)).toContain(
      "nl_werkdagen",
    );
  });

  it("raises the automated-controls norm 60 / 80 / 90 / 95 % with >= 20 % fewer errors and acceptance within 3 workdays", () => {
    const req = requirements(norm(id, "groeipad_ikb_bestand"));
    expect([...req.keys()]).toEqual([
      "2020",
      "2021",
      "2022",
      "2023",
      "from 2024-01-01",
    ]);
    const pct: Record<string, string> = {
      "2020": "60 %",
      "2021": "80 %",
      "2022": "90 %",
      "2023": "95 %",
      "from 2024-01-01": "95 %",
    };
    for (const [year, list] of req) {
      expect(list).toContain(`automated_controls_pass >= ${pct[year]}`);
      expect(list).toContain("error_reduction >= 20 %");
      expect(list).toContain("accepted_within <= 3 workdays");
      expect(list).toContain("delivery_accepted = true");
      expect(list).toContain("manual_findings_resolved = true");
      expect(list).toContain("completeness_statement = true");
    }
  });

  it("makes no requirement of DNB's own announcement of the RRD (L1433-1446 describe DNB's practice)", () => {
    const r = ruleset(id);
    expect(r.metrics.map((m) => m.name.name)).not.toContain(
      "rrd_announced_ahead",
    );
    for (const n of r.norms)
      for (const p of n.periods)
        for (const q of p.requirements)
          expect(q.metric.name, n.name.name).not.toMatch(/announce/);
    expect(norm(id, "groeipad_ikb_bestand").doc.join(" ")).toMatch(
      /what DNB does, not what the\s+bank must do/,
    );
  });

  it("calls 100 % from 1 January 2024 an aim, not a norm; the 2023 norm stays in force, as an assumption", () => {
    const r = ruleset(id);
    expect(r.norms.map((n) => n.name.name)).not.toContain("target_2024");
    const n = norm(id, "groeipad_ikb_bestand");
    const from2024 = requirements(n).get("from 2024-01-01")!;
    expect(from2024).toContain("aim automated_controls_pass >= 100 %");
    expect(from2024).toContain("automated_controls_pass >= 95 %");
    // 100 % is never a requirement, in any norm or period
    for (const x of r.norms)
      for (const p of x.periods)
        expect(
          p.requirements
            .filter((q) => !q.aim && q.value.kind === "Percent")
            .map((q) => literal(q.value)),
          x.name.name,
        ).not.toContain("100 %");
    expect(n.assumptions.map((a) => a.text).join(" ")).toMatch(
      /After 2023 the source states no norm.*keep the 2023 requirements in force from 1 January 2024.*aim/,
    );
  });

  it("defines the error reduction as the sources do: the percentage of signalling validation errors against the previous year", () => {
    const m = new Map(ruleset(id).metrics.map((x) => [x.name.name, x]));
    expect(m.get("signalling_error_percentage")!.type).toBe("percent");
    expect(m.get("signalling_error_percentage")!.doc.join(" ")).toContain(
      '"percentage signalerende validatiefouten"',
    );
    expect(m.get("error_reduction")!.description).toBe(
      "Reduction of signalling_error_percentage against the previous year, in percent of the previous year's",
    );
    expect(m.get("error_reduction")!.assumptions[0].text).toMatch(
      /\(previous - this year\) \/ previous x 100/,
    );
    // the indicator is an average over deliveries (L41-42), not one count
    expect(m.has("deliveries_until_accepted")).toBe(false);
    expect(m.get("average_deliveries_until_accepted")!.type).toBe("decimal");
  });

  it("sets the audit deadlines, audit years, ISAE 3402 type and positive opinions as Figuur 8 does", () => {
    const req = requirements(norm(id, "groeipad_audits"));
    for (const year of [2020, 2021, 2022, 2023]) {
      const list = req.get(String(year))!;
      expect(list).toContain(`audit_year_end = ${year}-03-31`);
      expect(list).toContain(`audit_reports_delivered_on <= ${year}-08-31`);
      expect(list).toContain("isae3402_type = 2");
      expect(list).toContain("findings_measures_taken = true");
    }
    expect(req.get("2020")).toContain(
      "prior_findings_resolved_on <= 2020-03-31",
    );
    expect(req.get("2021")).toContain(
      "prior_findings_resolved_on <= 2021-03-31",
    );
    for (const year of ["2022", "2023"]) {
      expect(req.get(year)).toContain("iad_positive_opinion = true");
      expect(req.get(year)).toContain("auditor_unqualified_opinion = true");
    }
    const later = req.get("from 2024-01-01")!;
    expect(later).toContain("audit_reports_delay <= 5 months");
    expect(later).toContain("iad_positive_opinion = true");
    // A positive opinion is expected only from the audit year ending 31 March 2022.
    expect(
      req.get("2021")!.some((q) => q.startsWith("iad_positive_opinion")),
    ).toBe(false);
  });

  it("cites chapter 3 on every norm", () => {
    for (const n of ruleset(id).norms)
      expect(
        n.implementsRefs.map((a) => `${a.source.name} ${a.locator}`),
      ).toContain("bk hoofdstuk 3");
  });
});

describe("enforcement (Beoordelingskader Bijlage 2)", () => {
  const measures = () =>
    new Map(
      ruleset("ikb.handhaving@1.0.0").measures.map((m) => [m.name.name, m]),
    );
  const cites = (name: string) =>
    measures()
      .get(name)!
      .implementsRefs.map((a) => `${a.source.name} ${a.locator}`);

  it("has the two informal and four formal measures of the Bijlage", () => {
    const kinds = Object.fromEntries(
      [...measures()].map(([name, m]) => [name, m.measureKind]),
    );
    expect(kinds).toEqual({
      normoverdragend_gesprek: "informal",
      waarschuwingsbrief: "informal",
      aanwijzing: "formal",
      last_onder_dwangsom: "formal",
      bestuurlijke_boete: "formal",
      publicatie: "formal",
    });
  });

  it("gives the informal measures no statutory basis, citing Bijlage 2 for it (L1987-1991)", () => {
    for (const name of ["normoverdragend_gesprek", "waarschuwingsbrief"]) {
      const m = measures().get(name)!;
      expect(m.basis?.none, name).toBe(true);
      expect(
        m.basis?.articles.map((a) => `${a.source.name} ${a.locator}`),
      ).toEqual(["bk bijlage 2"]);
      expect(cites(name)).not.toContain("bpr art 26a");
    }
    expect(measures().get("normoverdragend_gesprek")!.doc.join(" ")).toContain(
      "geen wettelijke basis hebben",
    );
  });

  it("gives each formal sanction its Wft article as statutory basis, and its character", () => {
    const basis = (name: string) =>
      measures()
        .get(name)!
        .basis?.articles.map((a) => `${a.source.name} ${a.locator}`);
    expect(basis("aanwijzing")).toEqual(["wft art 1:75"]);
    expect(basis("last_onder_dwangsom")).toEqual(["wft art 1:79"]);
    expect(basis("bestuurlijke_boete")).toEqual(["wft art 1:80"]);
    // the source names no article for publication: the basis is not stated
    expect(measures().get("publicatie")!.basis).toBeUndefined();
    expect(cites("aanwijzing")).toContain("wft art 1:75");
    expect(cites("last_onder_dwangsom")).toContain("wft art 1:79");
    expect(cites("bestuurlijke_boete")).toContain("wft art 1:80");
    expect(measures().get("last_onder_dwangsom")!.character).toBe("remedial");
    expect(measures().get("bestuurlijke_boete")!.character).toBe("punitive");
    for (const m of measures().values())
      expect(
        m.implementsRefs.map((a) => `${a.source.name} ${a.locator}`),
      ).toContain("bk bijlage 2");
  });

  it("states the preconditions of the source", () => {
    const pre = (name: string) => measures().get(name)!.preconditions.join(" ");
    expect(pre("bestuurlijke_boete")).toMatch(/overtreding geconstateerd/);
    expect(pre("last_onder_dwangsom")).toMatch(/klaarblijkelijk/);
    expect(pre("last_onder_dwangsom")).toMatch(/nog geen overtreding/);
    expect(pre("publicatie")).toMatch(/onherroepelijk/);
  });

  it("sets the fine: category 1, base amount EUR 10,000", () => {
    const fine = measures().get("bestuurlijke_boete")!.fine!;
    expect(fine.category).toBe(1);
    expect(fine.base.text).toBe("10000.00");
    expect(fine.currency).toBe("EUR");
    expect(
      [...measures().values()].filter((m) => m.fine !== undefined),
    ).toHaveLength(1);
  });
});

describe("verwijzingsportaal bankgegevens (Besluit)", () => {
  const vp = () => ruleset("vp.bankgegevens@1.0.0");
  const codes = (list: string) =>
    vp()
      .codeLists.get(list)!
      .values.map((v) => v.code);

  it("models the art. 2 fields of natural and legal persons", () => {
    const np = vp()
      .entities.get("NaturalPerson")!
      .fields.map((f) => f.name);
    for (const f of [
      "last_name",
      "product_holder_name",
      "street",
      "postcode",
      "city",
      "country",
      "address_type",
      "date_of_birth",
      "person_role",
      "client_status",
      "product_number",
      "product_type",
      "product_status",
      "allowance_payment_account",
      "contract_party",
    ]) {
      expect(np).toContain(f);
    }
    const lp = vp()
      .entities.get("LegalPerson")!
      .fields.map((f) => f.name);
    for (const f of [
      "name",
      "product_holder_name",
      "address_type",
      "identification_number",
      "client_status",
      "product_number",
      "product_type",
      "product_status",
    ]) {
      expect(lp).toContain(f);
    }
    expect(lp).not.toContain("date_of_birth");
  });

  it("has the allowed values the Besluit names", () => {
    expect(codes("np_address_type")).toEqual(["HUISADRES", "POSTADRES"]);
    expect(codes("lp_address_type")).toEqual(["KANTOORADRES", "POSTADRES"]);
    expect(codes("person_role")).toEqual(["REKENINGHOUDER", "GEMACHTIGDE"]);
    expect(codes("client_status")).toEqual(["ACTIEF", "BEEINDIGD"]);
    expect(codes("product_status")).toEqual([
      "ACTIEF",
      "GEBLOKKEERD",
      "BEEINDIGD",
    ]);
    expect(codes("yes_no")).toEqual(["JA", "NEE"]);
  });

  it("keeps personal data out of the request log (art. 4 lid 4)", () => {
    const log = vp().entities.get("RequestLog")!;
    expect(
      log.fields.filter((f) => f.decl.personal).map((f) => f.name),
    ).toEqual([]);
    expect(
      vp()
        .entities.get("NaturalPerson")!
        .fields.find((f) => f.name === "date_of_birth")!.decl.personal,
    ).toBe(true);
  });

  it("marks what art. 2 does not say: vpd001 is signalling with its types assumed, vpd002/vpd003's presence is a reading, the url is unchecked", () => {
    const rule = (code: string) => vp().rules.find((r) => r.code === code)!;
    expect(rule("vpd001").decl.severity).toBe("signalling");
    expect(rule("vpd001").decl.assumptions[0].text).toMatch(
      /the types and lengths of the other fields are ours.*Besluit knows no blocking errors/,
    );
    for (const code of ["vpd002", "vpd003"])
      expect(rule(code).decl.assumptions[0].text, code).toMatch(
        /must be filled in every record is our reading/,
      );
    expect(vp().sources[0].url).toBe("https://wetten.overheid.nl/BWBR0043855");
    expect(
      vp()
        .assumptions.map((a) => a.text)
        .join(" "),
    ).toMatch(/url of bvb .* not checked/);
    const werkdagen = ruleset("nl.werkdagen@1.0.0");
    expect(werkdagen.assumptions.map((a) => a.text).join(" ")).toMatch(
      /url of atw .* not checked/,
    );
  });

  it("ties the timing rules to their articles", () => {
    const cited = new Map(
      vp().rules.map((r) => [
        r.code,
        r.articles.map((a) => `${a.sourceAlias} ${a.locator}`),
      ]),
    );
    expect(cited.get("vpl001")).toEqual(["bvb art 3 lid 4"]);
    expect(cited.get("vpl002")).toEqual(["bvb art 3 lid 4"]);
    expect(cited.get("vpl003")).toEqual(["bvb art 9 lid 2"]);
    expect(cited.get("vpl005")).toEqual(["bvb art 4 lid 4"]);
    expect(cited.get("vpl007")).toEqual(["bvb art 10 lid 1"]);
    expect(cited.get("vpl008")).toEqual(["bvb art 10 lid 2"]);
    for (const r of vp().rules) {
      expect(r.decl.meaning, r.code).toBeDefined();
      expect(r.decl.severity, r.code).toBeDefined();
      expect(
        r.decl.examples.some((e) => e.expect === "pass"),
        r.code,
      ).toBe(true);
      expect(
        r.decl.examples.some((e) => e.expect === "fail"),
        r.code,
      ).toBe(true);
    }
  });
});
