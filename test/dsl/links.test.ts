/**
 * Names resolved once (dsl/links.ts): the checker links every name of a ruleset version to what it
 * names, per version, and leaves the names it could not resolve visibly unresolved; later passes
 * and a language server read the links.
 */
import { describe, expect, it } from "vitest";
import type {
  AggregateExpr,
  BinaryExpr,
  Declaration,
  DurationLiteral,
  Ident,
  IsExpr,
  PathExpr,
  RecordExample,
} from "../../dsl/ast.js";
import { declarationOf, referencesIn } from "../../dsl/links.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProjectFromTexts } from "../../dsl/project.js";

const HEADER = `ruleset t.links@1.0.0
  uses t.days@1.0.0
  source bk "Beoordelingskader"
`;

const DAYS = `ruleset t.days@1.0.0
  source atw "Algemene termijnenwet"

calendar werkdagen
  implements atw art 3
  weekend saturday, sunday
`;

const BODY = `
codelist yes_no
  value "J"
  value "N"

entity NP
  file "np.csv"
  key ikb_id, customer_id
  role by customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field name: text(200)
  field deceased: code yes_no
  field born: date

entity BA
  file "ba.csv"
  key ikb_id, account
  field ikb_id: text(40) required
  field account: text(40) required
  field holder: ref NP.customer_id
  field name: text(200)
  field balance: money

ikb
  key ikb_id
  depositor NP by customer_id

payout identity 1 "Identiteit"
  implements bk art 1

metric pass_rate: percent

norm groei
  year 2024: pass_rate >= 90 %

rule r_name "Naam"
  assumption "test"
  severity signalling
  implements bk art 2
  for NP.name, BA.name
  require value is present and ikb_id is present
  message "{name} of {ikb_id}"
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "1", name: "A" }

rule r_sum "Saldo"
  assumption "test"
  severity signalling
  implements bk art 2
  for NP
  when born + 3 workdays < rrd
  require sum(BA.balance where BA.holder = customer_id) >= 0
  example pass NP { customer_id: "1" }
  example fail NP { customer_id: "1", born: 2020-01-01 } with BA { holder: "1", balance: -1.00 }

category missing_name "Naam ontbreekt"
  blocks identity
  result r_name (D) on NP.name
  marking NP.deceased = "J"
`;

function project(texts: Record<string, string>) {
  const p = loadProjectFromTexts(new Map(Object.entries(texts)));
  const errors = p.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return p;
}

function version(rulesets: ResolvedRuleset[], id: string): ResolvedRuleset {
  const r = rulesets.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no ${id}`);
  return r;
}

/** The first declaration of `kind` in a parsed file. */
function first<K extends Declaration["kind"]>(
  p: ReturnType<typeof project>,
  file: string,
  kind: K,
): Extract<Declaration, { kind: K }> {
  const found = p.files
    .find((f) => f.path === file)!
    .declarations.find((d) => d.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} in ${file}`);
  return found as Extract<Declaration, { kind: K }>;
}

describe("links", () => {
  const p = project({ "links.regel": HEADER + BODY, "days.regel": DAYS });
  const rs = version(p.rulesets, "t.links@1.0.0");
  const days = version(p.rulesets, "t.days@1.0.0");
  const links = rs.links;
  const np = rs.entities.get("NP")!;
  const ba = rs.entities.get("BA")!;
  const field = (e: typeof np, name: string) =>
    e.fields.find((f) => f.name === name)!;

  it("links the header's `uses` to the ruleset version it names", () => {
    const uses = rs.header.uses[0];
    expect(links.target(uses)).toEqual({ kind: "ruleset", ruleset: days });
    expect(declarationOf(links.target(uses)!)).toBe(days.header);
  });

  it("links entity declarations' key, role, code list and ref names", () => {
    const npDecl = first(p, "links.regel", "Entity");
    expect(links.field(npDecl.key[1], np)).toBe(field(np, "customer_id"));
    expect(links.field(npDecl.roleBy)).toBe(field(np, "customer_id"));
    const deceased = field(np, "deceased").decl.type;
    expect(links.declared(deceased.codeList, "codelist")?.decl).toBe(
      rs.codeLists.get("yes_no"),
    );
    const holder = field(ba, "holder").decl.type;
    expect(links.entity(holder.refEntity)).toBe(np);
    expect(links.field(holder.refField)).toBe(field(np, "customer_id"));
  });

  it("links the IKB key to the key field of every entity", () => {
    const ikb = first(p, "links.regel", "Ikb");
    expect(links.targets(ikb.key)).toHaveLength(2);
    expect(links.field(ikb.key, np)).toBe(field(np, "ikb_id"));
    expect(links.field(ikb.key, ba)).toBe(field(ba, "ikb_id"));
    expect(links.entity(ikb.depositors[0])).toBe(np);
    expect(links.field(ikb.depositorBy, np)).toBe(field(np, "customer_id"));
  });

  it("links a name of an attribute rule to the field of each entity it checks", () => {
    const rule = rs.rules.find((r) => r.code === "r_name")!;
    const require = rule.decl.require as BinaryExpr;
    const value = (require.left as IsExpr).operand as PathExpr;
    const ikbId = (require.right as IsExpr).operand as PathExpr;
    expect(links.path(value)).toEqual({ kind: "value" });
    expect(links.path(ikbId)).toEqual({ kind: "field", record: "current" });
    expect(links.field(ikbId.name, np)).toBe(field(np, "ikb_id"));
    expect(links.field(ikbId.name, ba)).toBe(field(ba, "ikb_id"));
    const target = rule.decl.target;
    if (target?.kind !== "AttributeTarget") throw new Error("attribute rule");
    expect(links.entity(target.attributes[1].entity)).toBe(ba);
    expect(links.field(target.attributes[1].field, ba)).toBe(field(ba, "name"));
    // `{name}` and `{ikb_id}` in the message show the field of the record's entity.
    expect(links.placeholders(rule.decl, np).get("name")).toBe(
      field(np, "name"),
    );
    expect(links.placeholders(rule.decl, ba).get("ikb_id")).toBe(
      field(ba, "ikb_id"),
    );
  });

  it("links the names inside an aggregate to the records it iterates", () => {
    const rule = rs.rules.find((r) => r.code === "r_sum")!;
    const sum = (rule.decl.require as BinaryExpr).left as AggregateExpr;
    expect(links.entity(sum.entity)).toBe(ba);
    expect(links.field(sum.field, ba)).toBe(field(ba, "balance"));
    const where = sum.where as BinaryExpr;
    const holder = where.left as PathExpr;
    const customer = where.right as PathExpr;
    expect(links.path(holder)).toEqual({ kind: "field", record: sum });
    expect(links.field(holder.name, ba)).toBe(field(ba, "holder"));
    expect(links.path(customer)).toEqual({ kind: "field", record: "current" });
    expect(links.field(customer.name, np)).toBe(field(np, "customer_id"));
  });

  it("links `workdays` to the calendar they count with, `rrd` to the reporting date", () => {
    const rule = rs.rules.find((r) => r.code === "r_sum")!;
    const when = rule.decl.when as BinaryExpr;
    const plus = when.left as BinaryExpr;
    const duration = plus.right as DurationLiteral;
    expect(links.declared(duration, "calendar")?.decl).toBe(days.calendars[0]);
    expect(links.path(when.right as PathExpr)).toEqual({ kind: "rrd" });
  });

  it("links example records to their entity and fields", () => {
    const rule = rs.rules.find((r) => r.code === "r_sum")!;
    const ex = rule.decl.examples[1] as RecordExample;
    expect(links.entity(ex.subject.entity)).toBe(np);
    expect(links.entity(ex.context[0].entity)).toBe(ba);
    expect(links.field(ex.context[0].fields[1].name, ba)).toBe(
      field(ba, "balance"),
    );
  });

  it("links categories, norms and articles to payouts, rules, metrics and sources", () => {
    const cat = first(p, "links.regel", "Category");
    expect(links.declared(cat.blocks, "payout")?.decl).toBe(rs.payouts[0]);
    expect(links.declared(cat.results[0].code, "rule")?.rule).toBe(
      rs.rules.find((r) => r.code === "r_name"),
    );
    expect(links.field(cat.results[0].attributes[0].field, np)).toBe(
      field(np, "name"),
    );
    expect(links.field(cat.markings[0].attribute.field, np)).toBe(
      field(np, "deceased"),
    );
    const norm = first(p, "links.regel", "Norm");
    expect(
      links.declared(norm.periods[0].requirements[0].metric, "metric")?.decl,
    ).toBe(rs.metrics[0]);
    const payout = rs.payouts[0];
    expect(
      links.declared(payout.implementsRefs[0].source, "source")?.decl,
    ).toBe(rs.sources[0]);
    // A calendar brought in by `uses` cites the sources of its own file.
    const cal = rs.calendars[0];
    expect(links.declared(cal.implementsRefs[0].source, "source")?.decl).toBe(
      days.sources[0],
    );
  });

  it("finds every name that refers to a declaration", () => {
    const customer = field(np, "customer_id");
    const refs = links.references(customer.decl) as Ident[];
    const at = refs.map((r) => `${r.span.start.line}:${r.span.start.column}`);
    // key, role by, ref NP.customer_id, depositor by, the `where`, and the example records
    expect(refs.every((r) => r.name === "customer_id")).toBe(true);
    expect(new Set(at).size).toBe(refs.length);
    expect(refs.length).toBeGreaterThanOrEqual(6);
    expect(links.references(np.decl).length).toBeGreaterThanOrEqual(5);
  });
});

describe("links of unresolved names", () => {
  it("stay visibly unresolved, with no target", () => {
    const text = `${HEADER.replace("  uses t.days@1.0.0\n", "")}
entity NP
  file "np.csv"
  key id
  field id: text(10)

rule r1 "R"
  assumption "test"
  severity signalling
  implements bk art 1
  for NP
  require naam is present
  example pass NP { id: "1" }
  example fail NP { }
`;
    const p = loadProjectFromTexts(new Map([["u.regel", text]]));
    expect(p.diagnostics.map((d) => d.code)).toContain("REG201");
    const rs = p.rulesets[0];
    const rule = rs.rules[0];
    const naam = ((rule.decl.require as IsExpr).operand as PathExpr).name;
    expect(rs.links.isUnresolved(naam)).toBe(true);
    expect(rs.links.targets(naam)).toEqual([]);
    expect(rs.links.unresolvedNames()).toContain(naam);
  });
});

describe("links across versions", () => {
  const v1 = `ruleset t.v@1.0.0
  valid from 2022-01-01 until 2024-01-01
  source bk "Beoordelingskader (2022)"

entity E
  file "e.csv"
  key id
  field id: text(10)
  field amount: decimal(10,2)

payout p 1 "P"
  implements bk art 1

rule r1 "R"
  assumption "test"
  severity signalling
  implements bk art 1
  for E
  require amount >= 0
  example pass E { amount: 1.00 }
  example fail E { amount: -1.00 }
`;
  const v2 = `ruleset t.v@2.0.0
  extends t.v@1.0.0
  valid from 2024-01-01
  source bk "Beoordelingskader (2024)"

extend entity E
  replace field amount: decimal(18,4)
`;
  const p = project({ "v1.regel": v1, "v2.regel": v2 });
  const one = version(p.rulesets, "t.v@1.0.0");
  const two = version(p.rulesets, "t.v@2.0.0");
  const amount = (r: ResolvedRuleset) =>
    r.entities.get("E")!.fields.find((f) => f.name === "amount")!;
  const require = (r: ResolvedRuleset): PathExpr =>
    (r.rules[0].decl.require as BinaryExpr).left as PathExpr;

  it("each version links an inherited rule's names to its own declarations", () => {
    expect(amount(one)).not.toBe(amount(two));
    expect(one.links.field(require(one).name)).toBe(amount(one));
    expect(two.links.field(require(two).name)).toBe(amount(two));
    expect(two.links.field(require(two).name)?.decl.type.scale).toBe(4);
  });

  it("a typed copy of an inherited rule takes over the links of the original's articles", () => {
    expect(two.rules[0].decl).not.toBe(one.rules[0].decl);
    const copied = two.rules[0].decl.implementsRefs[0].source;
    const original = one.rules[0].decl.implementsRefs[0].source;
    expect(two.links.declared(copied, "source")?.decl).toBe(one.sources[0]);
    expect(two.links.targets(original)).toEqual([]);
    expect(one.links.declared(original, "source")?.decl).toBe(one.sources[0]);
  });

  it("an inherited declaration keeps the source of the file that wrote it", () => {
    const ref = two.payouts[0].implementsRefs[0].source;
    expect(two.links.declared(ref, "source")?.decl).toBe(one.sources[0]);
    expect(two.links.declared(ref, "source")?.decl.title).toBe(
      "Beoordelingskader (2022)",
    );
  });

  it("links `extends` and `extend entity` to what they name", () => {
    expect(two.links.declared(two.header.extends, "ruleset")?.ruleset).toBe(
      one,
    );
    const ext = p.files.find((f) => f.path === "v2.regel")!.declarations[0];
    if (ext.kind !== "ExtendEntity") throw new Error("extend entity");
    expect(two.links.entity(ext.name)).toBe(two.entities.get("E"));
  });

  it("finds the references of an inherited declaration in every version, once each", () => {
    const id = one.entities.get("E")!.fields[0].decl;
    const refs = referencesIn(p.rulesets, id);
    // `key id` is linked in both versions: one node
    expect(refs.map((r) => (r as Ident).name)).toEqual(["id"]);
  });
});

describe("reference-data tables are linked", () => {
  it("`in TABLE` and `lookup(TABLE.column, key)` link the table; its references are both uses", () => {
    const text = `ruleset t.links@1.0.0
  source s "S"

table rates "Rates"
  assumption "test"
  column currency: text key
  column rate: decimal
  row "EUR", 1.0

entity BA "Account"
  file "ba.csv"
  key id
  field id: text(9) required
  field currency: text(3)

rule r0001 "Koers"
  assumption "test"
  severity signalling
  implements s 1
  for BA
  when currency in rates
  require lookup(rates.rate, currency) > 0
  example pass BA { id: "1", currency: "EUR" }
  example fail BA { id: "1", currency: "USD" }
`;
    const p = loadProjectFromTexts(new Map([["t.regel", text]]));
    const r = p.rulesets[0]!;
    const table = r.tables[0]!;
    const refs = r.links.references(table);
    expect(refs.map((x) => ("span" in x ? x.span.start.line : 0))).toEqual([
      21, 22,
    ]);
    for (const ref of refs)
      expect(declarationOf(r.links.target(ref)!)).toBe(table);
  });
});
