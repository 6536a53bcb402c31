import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type {
  CalendarDecl,
  CategoryDecl,
  CodeListDecl,
  Declaration,
  EntityDecl,
  Expr,
  ExtendEntityDecl,
  FileExample,
  IkbDecl,
  MeasureDecl,
  MetricDecl,
  NormDecl,
  PayoutDecl,
  PlausibilityDecl,
  RecordExample,
  RegelFile,
  RemoveDecl,
  RuleDecl,
} from "../../dsl/ast.js";
import { parse } from "../../dsl/parser.js";
import { print } from "../../dsl/printer.js";

// ---------------------------------------------------------------- helpers

const LANGUAGE_DOC = readFileSync(
  new URL("../../docs/language.md", import.meta.url),
  "utf8",
);

/** The ```regel blocks of docs/language.md, by `name@version`. */
function docBlocksById(): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of LANGUAGE_DOC.matchAll(/```regel\n([\s\S]*?)```/g)) {
    blocks.set(
      /ruleset ([\w.]+@[\w.-]+)/.exec(m[1])?.[1] ?? `block${blocks.size}`,
      m[1],
    );
  }
  return blocks;
}

/** The ```regel blocks of docs/language.md by ruleset name; a later version of a name (the versions example) is left out. */
function docBlocks(): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const [id, text] of docBlocksById()) {
    const name = id.split("@")[0];
    if (!blocks.has(name)) blocks.set(name, text);
  }
  return blocks;
}

/** The ```regel-fragment blocks of docs/language.md. */
function docFragments(): string[] {
  return [...LANGUAGE_DOC.matchAll(/```regel-fragment\n([\s\S]*?)```/g)].map(
    (m) => m[1],
  );
}

/** Parse and insist there are no diagnostics. */
function ok(text: string): RegelFile {
  const { file, diagnostics } = parse(text, "t.regel");
  expect(
    diagnostics.map(
      (d) =>
        `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`,
    ),
  ).toEqual([]);
  return file;
}

function decl<K extends Declaration["kind"]>(
  file: RegelFile,
  kind: K,
  index = 0,
): Extract<Declaration, { kind: K }> {
  const found = file.declarations.filter((d) => d.kind === kind);
  expect(found.length).toBeGreaterThan(index);
  return found[index] as Extract<Declaration, { kind: K }>;
}

const HEAD = 'ruleset t.t@1.0.0\n  source br "B"\n\n';

/** Parse `require EXPR` in a minimal rule and return the expression. */
function expr(text: string): Expr {
  const file = ok(`${HEAD}rule r "t"\n  for NP\n  require ${text}\n`);
  const r = decl(file, "Rule");
  expect(r.require?.kind).not.toBe("FileCheck");
  return r.require as Expr;
}

/** A compact, span-free rendering of an expression that shows its tree. */
function show(e: Expr): string {
  switch (e.kind) {
    case "Binary":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "Unary":
      return `(${e.op} ${show(e.operand)})`;
    case "Path":
      return e.entity ? `${e.entity.name}.${e.name.name}` : e.name.name;
    case "Is":
      return `(${show(e.operand)} is${e.negated ? " not" : ""} ${e.test})`;
    case "In":
      return `(${show(e.operand)}${e.negated ? " not" : ""} in [${e.values.map(show).join(", ")}])`;
    case "Matches":
      return `(${show(e.operand)} matches /${e.pattern.value}/)`;
    case "Call":
      return `${e.callee.name}(${e.args.map(show).join(", ")})`;
    case "Aggregate":
      return `${e.op}(${e.value ? show(e.value) : e.entity.name}${e.field ? `.${e.field.name}` : ""}${e.where ? ` where ${show(e.where)}` : ""})`;
    case "If":
      return `(if ${show(e.condition)} then ${show(e.then)} else ${show(e.otherwise)})`;
    case "String":
      return JSON.stringify(e.value);
    case "Integer":
    case "Decimal":
    case "Date":
    case "DateTime":
      return e.text;
    case "Percent":
      return `${e.text}%`;
    case "Duration":
      return `${e.amount}${e.unit}`;
    case "Boolean":
      return String(e.value);
  }
}

// ---------------------------------------------------------------- the language reference

describe("every ```regel block of docs/language.md", () => {
  const blocks = docBlocks();

  it("finds the blocks", () => {
    expect([...blocks.keys()]).toEqual([
      "example.header",
      "example.codes",
      "example.entities",
      "example.dialects",
      "example.records",
      "example.rules",
      "example.wholefile",
      "example.joined",
      "example.totals",
      "example.rowcounts",
      "example.previous",
      "example.gone",
      "example.arithmetic",
      "example.categories",
      "example.norms",
      "example.plausibility",
      "example.parameters",
      "example.refdata",
      "example.aggregates",
      "example.measures",
      "example.calendar",
      "example.assumptions",
    ]);
  });

  it.each([...blocks.entries()])(
    "%s parses without diagnostics",
    (_name, text) => {
      const file = ok(text);
      expect(file.header).toBeDefined();
      expect(file.declarations.length).toBeGreaterThanOrEqual(0);
    },
  );

  it("wholefile: `require one a per b`, `require unique a, b` and `require count per b = n` are whole-file checks", () => {
    const rules = ok(blocks.get("example.wholefile")!).declarations.filter(
      (d) => d.kind === "Rule",
    );
    const names = (ids: { name: string }[] | undefined) =>
      ids?.map((i) => i.name);
    const [one, unique] = rules.map((r) =>
      r.require?.kind === "FileCheck" ? r.require : undefined,
    );
    expect(one?.check).toBe("one-per");
    expect(names(one?.fields)).toEqual(["customer_id"]);
    expect(names(one?.per)).toEqual(["national_id"]);
    expect(one?.perWord).toBeUndefined();
    expect(unique?.check).toBe("unique");
    expect(names(unique?.fields)).toEqual(["last_name", "date_of_birth"]);
    const count = rules[4].require;
    expect(count?.kind === "FileCheck" && count.check).toBe("count-per");
    if (count?.kind === "FileCheck") {
      expect(names(count.per)).toEqual(["account_id"]);
      expect(names(count.fields)).toEqual(["count_of_depositors"]);
    }
  });

  it("wholefile: a combination may normalise its fields (`normalized_name(last_name)`)", () => {
    const rules = ok(blocks.get("example.wholefile")!).declarations.filter(
      (d) => d.kind === "Rule",
    );
    const [golden, silver] = [rules[2], rules[3]].map((r) =>
      r.require?.kind === "FileCheck" ? r.require : undefined,
    );
    const items = (c: typeof golden) =>
      c?.combination?.map((i) =>
        i.normalize === undefined
          ? i.fields.map((f) => f.name).join()
          : `${i.normalize.name}(${i.fields.map((f) => f.name).join()})`,
      );
    expect(golden?.check).toBe("one-per");
    expect(golden?.per?.map((f) => f.name)).toEqual([
      "last_name",
      "date_of_birth",
      "national_id",
    ]);
    expect(items(golden)).toEqual([
      "normalized_name(last_name)",
      "date_of_birth",
      "normalized_code(national_id)",
    ]);
    expect(silver?.check).toBe("unique");
    expect(items(silver)).toEqual([
      "normalized_name(last_name)",
      "date_of_birth",
      "normalized_address(street,house_number,postal_code)",
    ]);
    // plain fields keep no combination
    const plain = rules[1].require;
    expect(plain?.kind === "FileCheck" && plain.combination).toBeUndefined();
  });

  it("totals: `require count = TL.record_count`, `require sum balance = TL.total_balance` and `require count <= max_accounts` are file totals", () => {
    const checks = ok(blocks.get("example.totals")!)
      .declarations.filter((d) => d.kind === "Rule")
      .map((r) => (r.require?.kind === "FileCheck" ? r.require : undefined));
    expect(
      checks.map((c) => [
        c?.check,
        c?.measure,
        c?.fields?.map((f) => f.name),
        c?.op,
        c?.figure?.entity?.name,
        c?.figure?.name?.name,
      ]),
    ).toEqual([
      ["total", "count", undefined, "=", "TL", "record_count"],
      ["total", "sum", ["balance"], "=", "TL", "total_balance"],
      ["total", "count", undefined, "<=", undefined, "max_accounts"],
    ]);
  });

  it("header: name, version, title, validity, sources, doc", () => {
    const h = ok(blocks.get("example.header")!).header!;
    expect(h.ref).toMatchObject({ name: "example.header", version: "1.0.0" });
    expect(h.title).toBe("Header example");
    expect(h.validFrom?.text).toBe("2023-07-01");
    expect(h.validUntil?.text).toBe("2024-01-01");
    expect(h.sources.map((s) => [s.alias.name, s.title, s.url])).toEqual([
      ["bk", "Beoordelingskader Beleidsregel IKB", "https://www.dnb.nl/"],
      ["br", "Beleidsregel Individueel Klantbeeld", undefined],
    ]);
    expect(h.doc).toEqual([
      "The header names the ruleset, its version and validity, and the sources it cites.",
    ]);
    expect(h.extends).toBeUndefined();
  });

  it("code list: values, descriptions, article, doc", () => {
    const c: CodeListDecl = decl(ok(blocks.get("example.codes")!), "CodeList");
    expect(c.name.name).toBe("legal_capacity");
    expect(c.title).toBe("Rechtspersoonlijkheid");
    expect(c.implementsRefs.map((r) => [r.source.name, r.locator])).toEqual([
      ["bk", "bijlage 3"],
    ]);
    expect(c.values.map((v) => [v.code, v.description])).toEqual([
      ["JA", "Heeft rechtspersoonlijkheid"],
      ["NEE", "Heeft geen rechtspersoonlijkheid"],
      ["ONBEKEND", "Onbekend"],
    ]);
    expect(c.doc).toEqual([
      "Bijlage 3 names the marking value ONBEKEND; the other values are assumptions.",
    ]);
  });

  it("entities: file, key, role by, every field type and modifier", () => {
    const file = ok(blocks.get("example.entities")!);
    const np: EntityDecl = decl(file, "Entity", 0);
    expect(np).toMatchObject({
      title: "Natural person",
      file: "natural_person.csv",
    });
    expect(np.key.map((k) => k.name)).toEqual(["ikb_id", "customer_id"]);
    expect(np.roleBy?.name).toBe("customer_id");
    expect(np.implementsRefs[0].locator).toBe("bijlage 4");
    const f = Object.fromEntries(np.fields.map((x) => [x.name.name, x]));
    expect(f.ikb_id).toMatchObject({
      required: true,
      personal: false,
      description: "IKB the record belongs to",
    });
    expect(f.ikb_id.type).toMatchObject({ name: "text", maxLength: 40 });
    expect(f.last_name.doc).toEqual(['"geslachtsnaam"']);
    expect(f.last_name).toMatchObject({ personal: true, required: false });
    expect(f.bsn).toMatchObject({
      column: "bsn_number",
      description: "Burgerservicenummer",
      personal: true,
    });
    expect(f.deceased.type.name).toBe("code");
    expect(f.deceased.type.codeList?.name).toBe("yes_no");
    const ba: EntityDecl = decl(file, "Entity", 1);
    const g = Object.fromEntries(ba.fields.map((x) => [x.name.name, x.type]));
    expect(g.holder_id).toMatchObject({
      name: "ref",
      refEntity: { name: "NP" },
      refField: { name: "customer_id" },
    });
    expect(g.balance.name).toBe("money");
    expect(g.interest_rate).toMatchObject({
      name: "decimal",
      precision: 9,
      scale: 4,
    });
    expect(g.count_of_depositors.name).toBe("integer");
    expect(g.opened_at.name).toBe("datetime");
    expect(g.blocked.name).toBe("boolean");
    expect(g.account_id.maxLength).toBe(40);
    expect(ba.roleBy).toBeUndefined();
  });

  it("rules: all clauses, all three targets, examples", () => {
    const file = ok(blocks.get("example.rules")!);
    const rules = file.declarations.filter(
      (d): d is RuleDecl => d.kind === "Rule",
    );
    expect(rules.map((r) => r.code.name)).toEqual([
      "dmc0000",
      "fmt0001",
      "dmc0003",
      "smc0006",
      "fil0001",
    ]);
    const [dmc0000, fmt0001, dmc0003, smc0006, fil0001] = rules;

    expect(dmc0000).toMatchObject({
      title: "Verplicht attribuut ontbreekt",
      meaning: "A mandatory attribute is missing.",
      severity: "signalling",
      roles: ["D", "V"],
      message: "{attribute} ontbreekt",
      doc: ["Every attribute listed must be present."],
    });
    expect(
      dmc0000.implementsRefs.map((r) => `${r.source.name} ${r.locator}`),
    ).toEqual(["br art 2.2 sub e"]);
    expect(dmc0000.target?.kind).toBe("AttributeTarget");
    if (dmc0000.target?.kind === "AttributeTarget") {
      expect(
        dmc0000.target.attributes.map(
          (a) => `${a.entity.name}.${a.field.name}`,
        ),
      ).toEqual(["NP.date_of_birth", "NP.last_name"]);
    }
    expect(show(dmc0000.require as Expr)).toBe("(value is present)");
    expect(dmc0000.examples.map((e) => e.expect)).toEqual(["fail", "pass"]);
    const pass = dmc0000.examples[1] as RecordExample;
    expect(pass.subject.entity.name).toBe("NP");
    expect(pass.subject.fields.map((f) => [f.name.name, f.value.kind])).toEqual(
      [
        ["last_name", "String"],
        ["date_of_birth", "Date"],
      ],
    );

    if (fmt0001.target?.kind === "AttributeTarget") {
      expect(
        fmt0001.target.attributes.map(
          (a) => `${a.entity.name}.${a.field.name}`,
        ),
      ).toEqual(["NP.*", "AD.*"]);
    } else expect.fail("fmt0001 has an attribute target");
    const invalidDate = (fmt0001.examples[0] as RecordExample).subject.fields[1]
      .value;
    expect(invalidDate).toMatchObject({ kind: "String", value: "1970-02-30" });

    expect(dmc0003.target).toMatchObject({
      kind: "RecordTarget",
      entity: { name: "NP" },
    });
    expect(show(dmc0003.when!)).toBe("(date_of_birth is present)");
    expect(show(dmc0003.require as Expr)).toBe(
      "((date_of_birth <= rrd) and (date_of_birth > (rrd - 130years)))",
    );
    expect((dmc0003.examples[0] as RecordExample).rrd?.text).toBe("2023-12-31");

    expect(show(smc0006.require as Expr)).toBe(
      "exists(AD where (AD.customer_id = customer_id))",
    );
    const withContext = smc0006.examples[1] as RecordExample;
    expect(withContext.context.map((c) => c.entity.name)).toEqual(["AD"]);
    expect(withContext.context[0].fields.map((f) => f.name.name)).toEqual([
      "address_id",
      "customer_id",
      "country",
    ]);

    expect(fil0001.severity).toBe("blocking");
    expect(fil0001.target).toMatchObject({
      kind: "FileTarget",
      entities: [{ name: "NP" }, { name: "AD" }],
    });
    expect(fil0001.require).toMatchObject({
      kind: "FileCheck",
      check: "present",
    });
    const [missing, columns] = fil0001.examples as FileExample[];
    expect(missing).toMatchObject({
      kind: "FileExample",
      expect: "fail",
      entity: { name: "NP" },
      form: "missing",
      columns: [],
      rows: [],
    });
    expect(columns).toMatchObject({
      form: "columns",
      columns: ["customer_id", "last_name", "date_of_birth"],
    });
  });

  it("categories and payouts", () => {
    const file = ok(blocks.get("example.categories")!);
    const ikb: IkbDecl = decl(file, "Ikb");
    expect(ikb).toMatchObject({
      title: "Individueel klantbeeld",
      key: { name: "ikb_id" },
      depositorBy: { name: "customer_id" },
    });
    expect(ikb.depositors.map((d) => d.name)).toEqual(["NP"]);
    const payout: PayoutDecl = decl(file, "Payout");
    expect(payout).toMatchObject({
      name: { name: "identity_established" },
      number: 1,
      title: "De identiteit van de rechthebbende is vastgesteld",
    });
    expect(payout.implementsRefs[0].locator).toBe("par 2.1");
    const cat: CategoryDecl = decl(file, "Category");
    expect(cat).toMatchObject({
      name: { name: "identity" },
      title: "Identiteit niet vastgesteld",
      blocks: { name: "identity_established" },
    });
    expect(cat.results).toMatchObject([
      { code: { name: "omc0001" }, role: "D", attributes: [] },
    ]);
    expect(cat.markings).toMatchObject([
      {
        attribute: {
          entity: { name: "NP" },
          field: { name: "reliability_indicator_code" },
        },
        value: { value: "BETROUWBAARHEID NIET GEGARANDEERD" },
        role: undefined,
      },
    ]);
  });

  it("metrics and norms", () => {
    const file = ok(blocks.get("example.norms")!);
    const m: MetricDecl = decl(file, "Metric", 0);
    expect(m).toMatchObject({
      name: { name: "automated_controls_pass" },
      type: "percent",
      description: "Share of IKBs meeting the automated controls",
    });
    expect(decl(file, "Metric", 1).type).toBe("duration");
    const n: NormDecl = decl(file, "Norm");
    expect(n).toMatchObject({ name: { name: "groeipad" }, title: "Groeipad" });
    expect(n.implementsRefs[0].locator).toBe("hoofdstuk 3");
    expect(n.periods).toHaveLength(2);
    expect(n.periods[0]).toMatchObject({
      year: 2022,
      from: undefined,
      until: undefined,
    });
    expect(
      n.periods[0].requirements.map((r) => [r.metric.name, r.op, r.value]),
    ).toMatchObject([
      ["automated_controls_pass", ">=", { kind: "Percent", text: "90" }],
      [
        "accepted_within",
        "<=",
        { kind: "Duration", amount: 3, unit: "workdays" },
      ],
    ]);
    expect(n.periods[1]).toMatchObject({
      year: undefined,
      from: { text: "2024-01-01" },
      until: undefined,
    });
  });

  it("measures", () => {
    const file = ok(blocks.get("example.measures")!);
    expect(decl(file, "Measure", 0).basis).toMatchObject({ none: true });
    const m: MeasureDecl = decl(file, "Measure", 1);
    expect(m.basis).toMatchObject({ none: false });
    expect(m).toMatchObject({
      name: { name: "bestuurlijke_boete" },
      title: "Bestuurlijke boete",
      measureKind: "formal",
      character: "punitive",
    });
    expect(
      m.implementsRefs.map((r) => `${r.source.name} ${r.locator}`),
    ).toEqual(["bk bijlage 2", "wft art 1:80"]);
    expect(m.preconditions).toEqual(["Er is een overtreding vastgesteld."]);
    expect(m.fine).toMatchObject({
      category: 1,
      base: { kind: "Decimal", text: "10000.00" },
      currency: "EUR",
    });
  });

  it("calendars", () => {
    const c: CalendarDecl = decl(
      ok(blocks.get("example.calendar")!),
      "Calendar",
    );
    expect(c).toMatchObject({
      name: { name: "nl_werkdagen" },
      title: "Werkdagen in Nederland",
    });
    expect(c.weekend.map((w) => w.name)).toEqual(["saturday", "sunday"]);
    expect(
      c.holidays.map((h) => [
        h.name.name,
        h.title,
        h.rule,
        h.ifSunday,
        h.fromYear,
        h.untilYear,
      ]),
    ).toEqual([
      [
        "nieuwjaarsdag",
        "Nieuwjaarsdag",
        { kind: "fixed", day: 1, month: 1 },
        undefined,
        undefined,
        undefined,
      ],
      [
        "tweede_paasdag",
        "Tweede Paasdag",
        { kind: "easter", offset: 1 },
        undefined,
        undefined,
        undefined,
      ],
      [
        "koningsdag",
        "Koningsdag",
        { kind: "fixed", day: 27, month: 4 },
        -1,
        2014,
        undefined,
      ],
      [
        "vrijdag_na_hemelvaart_2022",
        "Vrijdag na Hemelvaartsdag",
        { kind: "date", date: expect.objectContaining({ text: "2022-05-27" }) },
        undefined,
        undefined,
        undefined,
      ],
    ]);
  });

  it("the IKB fragment parses as part of example.entities", () => {
    const [ikbFragment] = docFragments();
    const file = ok(`${docBlocks().get("example.entities")}\n${ikbFragment}`);
    const ikb: IkbDecl = decl(file, "Ikb");
    expect(ikb.depositors.map((d) => d.name)).toEqual(["NP", "NNP"]);
  });

  it("the versions example parses: extends, extend entity, replace and remove", () => {
    const file = ok(docBlocksById().get("example.rules@1.1.0")!);
    expect(file.header?.extends).toMatchObject({
      name: "example.rules",
      version: "1.0.0",
    });
    const ext: ExtendEntityDecl = decl(file, "ExtendEntity");
    expect(
      ext.fields.map((f) => [f.name.name, f.replace, f.description]),
    ).toEqual([["nationality", false, "Nationality"]]);
    expect(ext.removeFields.map((f) => f.name)).toEqual(["last_name"]);
    const rule: RuleDecl = decl(file, "Rule");
    expect(rule).toMatchObject({ replace: true, code: { name: "dmc0000" } });
    expect(rule.span.start).toMatchObject({ line: 10, column: 1 });
    const removal: RemoveDecl = decl(file, "Remove");
    expect(removal).toMatchObject({
      what: "rule",
      name: { name: "smc0006" },
      replace: false,
    });
  });
});

describe("the shipped rulesets", () => {
  it.each([
    "ikb.glo/1.2.0",
    "ikb.glo/1.3.0",
    "ikb.groeipad/1.0.0",
    "nl.werkdagen/1.0.0",
    "ikb.handhaving/1.0.0",
    "vp.bankgegevens/1.0.0",
  ])("%s parses without diagnostics", (name) => {
    let text: string;
    try {
      text = readFileSync(
        new URL(`../../rulesets/${name}.regel`, import.meta.url),
        "utf8",
      );
    } catch {
      return; // not written yet
    }
    const file = ok(text);
    expect(file.header?.ref.name).toBe(name.split("/")[0]);
    expect(file.header?.ref.version).toBe(name.split("/")[1]);
  });
});

// ---------------------------------------------------------------- expressions

describe("expression precedence", () => {
  it.each([
    ["a or b and c", "(a or (b and c))"],
    ["a and b or c", "((a and b) or c)"],
    ["not a and b", "((not a) and b)"],
    ["not a = b", "(not (a = b))"],
    ["not not a", "(not (not a))"],
    ["a = b and c < d", "((a = b) and (c < d))"],
    ["a + b * c = d", "((a + (b * c)) = d)"],
    ["a - b - c > 0", "(((a - b) - c) > 0)"],
    ["a / b * c != 1", "(((a / b) * c) != 1)"],
    ["-a * b >= 2", "(((- a) * b) >= 2)"],
    ["- -a <= 1", "((- (- a)) <= 1)"],
    ["(a or b) and c", "((a or b) and c)"],
    ["a + b is present", "((a + b) is present)"],
    ["x is not absent or y is valid", "((x is not absent) or (y is valid))"],
    [
      'x in ("A", "B") and y not in (1, -2, 3.5)',
      '((x in ["A", "B"]) and (y not in [1, -2, 3.5]))',
    ],
    ['not x matches "^[0-9]{4}$"', "(not (x matches /^[0-9]{4}$/))"],
    [
      "length(x) <= 9 and valid_iban(NP.iban)",
      "((length(x) <= 9) and valid_iban(NP.iban))",
    ],
    ["year(date_of_birth) > 1900", "(year(date_of_birth) > 1900)"],
    ["count(BA) > 2", "(count(BA) > 2)"],
    [
      "sum(BA.balance where BA.blocked = false) >= 100000.00",
      "(sum(BA.balance where (BA.blocked = false)) >= 100000.00)",
    ],
    [
      'exists(AD where AD.customer_id = customer_id and AD.country = "NL")',
      '(exists(AD where ((AD.customer_id = customer_id) and (AD.country = "NL"))))'.slice(
        1,
        -1,
      ),
    ],
    ["opened_at < 2024-03-01T10:00:00Z", "(opened_at < 2024-03-01T10:00:00Z)"],
    ["rrd - 3 workdays > x + 5 s", "((rrd - 3workdays) > (x + 5s))"],
    ["a = true or b = false", "((a = true) or (b = false))"],
    [
      "if a > 1 then b else c + 1 = d",
      "(if (a > 1) then b else ((c + 1) = d))",
    ],
    ["(if a then b else c) + 1 = d", "(((if a then b else c) + 1) = d)"],
    [
      "if a then if b then c else d else e",
      "(if a then (if b then c else d) else e)",
    ],
    ["min(a, b * 2, 3) <= max(c, d)", "(min(a, (b * 2), 3) <= max(c, d))"],
    ["round(a / 3, 2, half_even) = b", "(round((a / 3), 2, half_even) = b)"],
    [
      "sum(BA.balance * BA.share / 100 where BA.holder_id = customer_id) > 0",
      "(sum(((BA.balance * BA.share) / 100) where (BA.holder_id = customer_id)) > 0)",
    ],
  ])("%s", (source, tree) => {
    expect(show(expr(source))).toBe(tree);
  });

  it("takes the entity of a computed sum from its first qualified name, and keeps `sum(E.f)` as a field", () => {
    expect(expr("sum(2 * BA.balance - BA.fee) > 0")).toMatchObject({
      left: {
        kind: "Aggregate",
        op: "sum",
        entity: { name: "BA" },
        field: undefined,
        value: { kind: "Binary", op: "-" },
      },
    });
    const plain = expr("sum(BA.balance) > 0");
    expect(plain).toMatchObject({
      left: { entity: { name: "BA" }, field: { name: "balance" } },
    });
    expect((plain as { left: { value?: unknown } }).left.value).toBeUndefined();
  });

  it("keeps literal forms", () => {
    expect(expr("x = 12.50")).toMatchObject({
      right: { kind: "Decimal", text: "12.50" },
    });
    expect(expr("x = 123456789012345678901234567890")).toMatchObject({
      right: { kind: "Integer", text: "123456789012345678901234567890" },
    });
    expect(expr('x = "a\\"b\\\\c\\n\\u{1F600}"')).toMatchObject({
      right: { kind: "String", value: 'a"b\\c\n😀' },
    });
    expect(expr("x = 2024-02-30")).toMatchObject({
      right: { kind: "Date", text: "2024-02-30" },
    });
    expect(expr("x = 48 h")).toMatchObject({
      right: { kind: "Duration", amount: 48, unit: "h" },
    });
    expect(expr("x <= 99.5 %")).toMatchObject({
      right: { kind: "Percent", text: "99.5" },
    });
  });
});

// ---------------------------------------------------------------- the rest of the grammar

describe("declarations", () => {
  it("file examples with rows and context; require header / unique key / references", () => {
    const file = ok(`${HEAD}rule f1 "t"
  for file BA
  require unique key
  example fail file BA rows { ikb_id: "1", account_id: "A" }, { ikb_id: "1", account_id: "A" } with NP { customer_id: "1" }, AD { address_id: "X" }
  example pass file BA rows { ikb_id: "1", account_id: -5.25 }

rule f2 "t"
  for file BA
  require header

rule f3 "t"
  for file BA, NP
  require references
`);
    const [f1, f2, f3] = file.declarations as RuleDecl[];
    expect(f1.require).toMatchObject({
      kind: "FileCheck",
      check: "unique-key",
    });
    expect(f2.require).toMatchObject({ kind: "FileCheck", check: "header" });
    expect(f3.require).toMatchObject({
      kind: "FileCheck",
      check: "references",
    });
    const rows = f1.examples[0] as FileExample;
    expect(rows.form).toBe("rows");
    expect(rows.rows.map((r) => [r.entity.name, r.fields.length])).toEqual([
      ["BA", 2],
      ["BA", 2],
    ]);
    expect(rows.context.map((c) => c.entity.name)).toEqual(["NP", "AD"]);
    expect(rows.rows[1].span.start.column).toBeLessThan(
      rows.rows[1].span.end.column,
    );
    expect(
      (f1.examples[1] as FileExample).rows[0].fields[1].value,
    ).toMatchObject({ kind: "Decimal", text: "-5.25" });
  });

  it("`*.*` targets, roles in results and markings, `on` attributes", () => {
    const file = ok(`${HEAD}rule r "t"
  for *.*
  require value is valid

category c "t"
  result omc0002 (V) on NP.last_name, NP.date_of_birth
  marking NP.x = "Y" (D)
`);
    const r: RuleDecl = decl(file, "Rule");
    expect(r.target).toMatchObject({
      kind: "AttributeTarget",
      attributes: [{ entity: { name: "*" }, field: { name: "*" } }],
    });
    const c: CategoryDecl = decl(file, "Category");
    expect(c.results[0]).toMatchObject({
      role: "V",
      attributes: [
        { field: { name: "last_name" } },
        { field: { name: "date_of_birth" } },
      ],
    });
    expect(c.markings[0]).toMatchObject({ role: "D", value: { value: "Y" } });
  });

  it("replace on declarations, remove of every kind, extend entity with replace field", () => {
    const file = ok(`ruleset a.b@1.1.0
  extends a.b@1.0.0
  uses nl.werkdagen@1.0.0, ikb.groeipad@1.0.0
  valid from 2024-01-01 until 2025-01-01

replace codelist x "X"
  value "A"
replace entity NP
  field a: text
extend entity BA
  replace field balance: decimal(18,2) required
  remove field interest
remove rule r1
remove category c1
remove entity E
remove codelist x
remove payout p
remove norm n
remove measure m
remove metric k
remove calendar cal
replace metric k2: integer
`);
    expect(file.header?.uses.map((u) => `${u.name}@${u.version}`)).toEqual([
      "nl.werkdagen@1.0.0",
      "ikb.groeipad@1.0.0",
    ]);
    expect(
      file.declarations.map((d) => `${d.kind}${d.replace ? "!" : ""}`),
    ).toEqual([
      "CodeList!",
      "Entity!",
      "ExtendEntity",
      "Remove",
      "Remove",
      "Remove",
      "Remove",
      "Remove",
      "Remove",
      "Remove",
      "Remove",
      "Remove",
      "Metric!",
    ]);
    const ext: ExtendEntityDecl = decl(file, "ExtendEntity");
    expect(ext.fields[0]).toMatchObject({
      replace: true,
      required: true,
      name: { name: "balance" },
      type: { name: "decimal", precision: 18, scale: 2 },
    });
    expect(ext.fields[0].span.start.column).toBe(3); // the span starts at `replace`
    expect(ext.removeFields.map((f) => f.name)).toEqual(["interest"]);
    expect(
      file.declarations
        .filter((d): d is RemoveDecl => d.kind === "Remove")
        .map((d) => d.what),
    ).toEqual([
      "rule",
      "category",
      "entity",
      "codelist",
      "payout",
      "norm",
      "measure",
      "metric",
      "calendar",
    ]);
  });

  it("norm periods with from/until; holidays with easter -N and until", () => {
    const file = ok(`${HEAD}norm n
  from 2024-01-01 until 2025-01-01: a >= 80 %, b = 5, c < 2.5, d != "x", e > 2 months
calendar c
  holiday goede_vrijdag "Goede Vrijdag" easter -2 until 2030
  holiday bevrijdingsdag "Bevrijdingsdag" on 5 mei if sunday +1 from 1990 until 2000
`);
    const n: NormDecl = decl(file, "Norm");
    expect(n.title).toBeUndefined();
    expect(n.periods[0]).toMatchObject({
      from: { text: "2024-01-01" },
      until: { text: "2025-01-01" },
    });
    expect(n.periods[0].requirements.map((r) => r.value.kind)).toEqual([
      "Percent",
      "Integer",
      "Decimal",
      "String",
      "Duration",
    ]);
    const c: CalendarDecl = decl(file, "Calendar");
    expect(c.holidays[0]).toMatchObject({
      rule: { kind: "easter", offset: -2 },
      untilYear: 2030,
      fromYear: undefined,
    });
    expect(c.holidays[1]).toMatchObject({
      rule: { kind: "fixed", day: 5, month: 5 },
      ifSunday: 1,
      fromYear: 1990,
      untilYear: 2000,
    });
  });

  it("`aim` marks an aim beside the requirements of a norm period", () => {
    const file = ok(`${HEAD}norm n
  from 2024-01-01: a >= 95 %, aim a >= 100 %
  year 2025: aim b = true
`);
    const n: NormDecl = decl(file, "Norm");
    expect(
      n.periods.map((p) =>
        p.requirements.map((r) => [r.aim, r.metric.name, r.op]),
      ),
    ).toEqual([
      [
        [false, "a", ">="],
        [true, "a", ">="],
      ],
      [[true, "b", "="]],
    ]);
    expect(print(file)).toContain("from 2024-01-01: a >= 95 %, aim a >= 100 %");
  });

  it("a measure's statutory basis, or `basis none from` where the source says it has none", () => {
    const file = ok(`${HEAD}measure gesprek "Gesprek"
  kind informal
  implements bk bijlage 2
  basis none from bk bijlage 2
measure boete "Boete"
  kind formal
  implements wft art 1:80, bk bijlage 2
  basis wft art 1:80
`);
    const [gesprek, boete] = [
      decl(file, "Measure", 0),
      decl(file, "Measure", 1),
    ];
    expect(gesprek.basis).toMatchObject({
      none: true,
      articles: [{ source: { name: "bk" }, locator: "bijlage 2" }],
    });
    expect(boete.basis).toMatchObject({
      none: false,
      articles: [{ source: { name: "wft" }, locator: "art 1:80" }],
    });
    const printed = print(file);
    expect(printed).toContain("  basis none from bk bijlage 2\n");
    expect(printed).toContain("  basis wft art 1:80\n");
  });

  it("a holiday of one day: `on YYYY-MM-DD`", () => {
    const file = ok(`${HEAD}calendar c
  holiday brugdag "Vrijdag na Hemelvaartsdag" on 2022-05-27
    assumption "equated by decree"
`);
    const c: CalendarDecl = decl(file, "Calendar");
    expect(c.holidays[0]).toMatchObject({
      rule: { kind: "date", date: { text: "2022-05-27" } },
      ifSunday: undefined,
      fromYear: undefined,
    });
    expect(c.holidays[0].assumptions.map((a) => a.text)).toEqual([
      "equated by decree",
    ]);
    expect(print(file)).toContain(
      'holiday brugdag "Vrijdag na Hemelvaartsdag" on 2022-05-27\n    assumption',
    );
  });

  it("article locators: words, numbers, `26a`, `1:80`, versions, quoted strings", () => {
    const file = ok(`ruleset a@1.0.0
  source br "B"
  source wft "W"
payout p 1 "t"
  implements br art 26a lid 2, wft art 1:80, wft art 1 : 80 b, br "Tabel 1", br par 2.1.3, br bijlage 4 control 3.5
`);
    const p: PayoutDecl = decl(file, "Payout");
    expect(
      p.implementsRefs.map((r) => `${r.source.name}|${r.locator}`),
    ).toEqual([
      "br|art 26a lid 2",
      "wft|art 1:80",
      "wft|art 1:80 b",
      "br|Tabel 1",
      "br|par 2.1.3",
      "br|bijlage 4 control 3.5",
    ]);
  });

  it("keywords inside dotted ruleset names; identifiers that start with keywords", () => {
    const file = ok(`ruleset ikb.calendar.rule@2.0.0-rc.1
entity fileName
  field forward: text
  field valueDate: date
  field isActive: boolean
`);
    expect(file.header?.ref).toMatchObject({
      name: "ikb.calendar.rule",
      version: "2.0.0-rc.1",
    });
    expect(decl(file, "Entity").fields.map((f) => f.name.name)).toEqual([
      "forward",
      "valueDate",
      "isActive",
    ]);
  });

  it("layout is free: a whole rule on one line", () => {
    const file = ok(
      `ruleset a@1.0.0 rule r "t" severity blocking for NP require x is present example pass NP { x: 1 } example fail NP { }`,
    );
    expect(decl(file, "Rule")).toMatchObject({
      severity: "blocking",
      examples: [{ expect: "pass" }, { expect: "fail" }],
    });
  });
});

// ---------------------------------------------------------------- comments and spans

describe("assumptions", () => {
  const TEXT = `ruleset t.t@1.0.0
  source br "B"
  assumption "header"

codelist c "C"
  assumption "codelist"
  value "A"
entity E "E"
  assumption "entity"
  key id
  field id: text required assumption "field id"
  field x: text
    assumption "field x, one"
    assumption "field x, two"
ikb
  assumption "ikb"
  key id
  depositor E by id
rule r "R"
  meaning "M." from br art 2, br art 3
  assumption "rule"
  severity signalling
  implements br art 2, br art 3
  for E
  require x is present
category k "K"
  assumption "category"
  result r
payout p 1 "P"
  assumption "payout"
metric m: percent "M"
  assumption "metric"
norm n
  assumption "norm"
  year 2022: m >= 90 %
measure a "A"
  assumption "measure"
  kind formal
calendar w
  assumption "calendar"
  holiday h "H" on 1 january
    assumption "holiday"
`;

  it("is a clause of the header, every named declaration, fields and holidays", () => {
    const file = ok(TEXT);
    const texts = (x: { assumptions: { text: string }[] }) =>
      x.assumptions.map((a) => a.text);
    expect(texts(file.header!)).toEqual(["header"]);
    expect(texts(decl(file, "CodeList"))).toEqual(["codelist"]);
    const e = decl(file, "Entity");
    expect(texts(e)).toEqual(["entity"]);
    expect(e.fields.map(texts)).toEqual([
      ["field id"],
      ["field x, one", "field x, two"],
    ]);
    expect(texts(decl(file, "Ikb"))).toEqual(["ikb"]);
    expect(texts(decl(file, "Rule"))).toEqual(["rule"]);
    expect(texts(decl(file, "Category"))).toEqual(["category"]);
    expect(texts(decl(file, "Payout"))).toEqual(["payout"]);
    expect(texts(decl(file, "Metric"))).toEqual(["metric"]);
    expect(texts(decl(file, "Norm"))).toEqual(["norm"]);
    expect(texts(decl(file, "Measure"))).toEqual(["measure"]);
    const c = decl(file, "Calendar");
    expect(texts(c)).toEqual(["calendar"]);
    expect(c.holidays.map(texts)).toEqual([["holiday"]]);
  });

  it("keeps the span of each clause and of the meaning's articles", () => {
    const file = ok(TEXT);
    const r = decl(file, "Rule");
    expect(r.assumptions[0].span.start).toMatchObject({ line: 21, column: 3 });
    expect(r.assumptions[0].span.end).toMatchObject({ line: 21, column: 20 });
    expect(r.meaning).toBe("M.");
    expect(r.meaningFrom.map((a) => `${a.source.name} ${a.locator}`)).toEqual([
      "br art 2",
      "br art 3",
    ]);
    expect(r.meaningFrom[1].span.start).toMatchObject({ line: 20, column: 31 });
    // A metric's span covers its clauses.
    expect(decl(file, "Metric").span.end.line).toBe(32);
  });

  it("a rule's meaning without `from` has no sources", () => {
    const file = ok(
      `${HEAD}rule r "t"\n  meaning "M."\n  severity signalling\n`,
    );
    expect(decl(file, "Rule").meaningFrom).toEqual([]);
  });

  it("must come after `meaning` in a rule and after the sources in the header (REG123)", () => {
    const { diagnostics } = parse(
      `ruleset t.t@1.0.0\n  assumption "a"\n  source br "B"\n\nrule r "t"\n  assumption "a"\n  meaning "M."\n`,
      "t.regel",
    );
    expect(diagnostics.map((d) => `${d.code} ${d.span.start.line}`)).toEqual([
      "REG123 3",
      "REG123 7",
    ]);
  });

  it("needs its text in quotes, and parsing goes on after a broken one", () => {
    const { file, diagnostics } = parse(
      `${HEAD}codelist c\n  assumption ours\n  value "A"\n\nrule r "t"\n  assumption "kept"\n  severity signalling\n`,
      "t.regel",
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["REG110"]);
    expect(diagnostics[0].message).toBe(
      "expected the text of the assumption in quotes, found `ours`",
    );
    expect(decl(file, "CodeList").values.map((v) => v.code)).toEqual(["A"]);
    expect(decl(file, "Rule").assumptions.map((a) => a.text)).toEqual(["kept"]);
  });

  it("is a reserved word", () => {
    const { diagnostics } = parse(
      `${HEAD}metric assumption: percent\n`,
      "t.regel",
    );
    expect(diagnostics[0].notes).toContain(
      "`assumption` is a reserved word and cannot be used as a name",
    );
  });
});

describe("comments", () => {
  const text = `/// Header doc.
ruleset a@1.0.0 // trailing
  source br "B"

// a plain comment
/// first doc line
///second doc line
rule r "t" /// not a doc of anything below
  for NP
  require x is present

/// separated by a blank line: not attached

entity E
  /// field doc
  field f: text
  field g: text
`;
  const file = ok(text);

  it("keeps every comment in source order with exact offsets", () => {
    expect(file.comments.map((c) => [c.doc, c.text])).toEqual([
      [true, "Header doc."],
      [false, "trailing"],
      [false, "a plain comment"],
      [true, "first doc line"],
      [true, "second doc line"],
      [true, "not a doc of anything below"],
      [true, "separated by a blank line: not attached"],
      [true, "field doc"],
    ]);
    for (const c of file.comments) {
      const source = text.slice(c.span.start.offset, c.span.end.offset);
      expect(source.startsWith(c.doc ? "///" : "//")).toBe(true);
      expect(source).toContain(c.text);
      const lineStart = text.lastIndexOf("\n", c.span.start.offset - 1) + 1;
      expect(c.span.start.column).toBe(c.span.start.offset - lineStart + 1);
    }
  });

  it("attaches `///` lines directly above a declaration or field", () => {
    expect(file.header?.doc).toEqual(["Header doc."]);
    expect(decl(file, "Rule").doc).toEqual([
      "first doc line",
      "second doc line",
    ]);
    const e: EntityDecl = decl(file, "Entity");
    expect(e.doc).toEqual([]);
    expect(e.fields.map((f) => f.doc)).toEqual([["field doc"], []]);
  });
});

describe("spans", () => {
  const text = `ruleset a@1.0.0
  source br "B"

rule r1 "t"
  for NP.x
  require value >= 10 and y is present
`;
  const file = ok(text);
  const rule: RuleDecl = decl(file, "Rule");
  const slice = (s: { start: { offset: number }; end: { offset: number } }) =>
    text.slice(s.start.offset, s.end.offset);

  it("points declarations, names and expressions at their source text", () => {
    expect(rule.span.start).toEqual({ offset: 33, line: 4, column: 1 });
    expect(rule.span.end).toMatchObject({ line: 6, column: 39 });
    expect(slice(rule.code.span)).toBe("r1");
    expect(rule.code.span.start).toMatchObject({ line: 4, column: 6 });
    expect(rule.code.span.end).toMatchObject({ line: 4, column: 8 });
    const req = rule.require as Expr;
    expect(slice(req.span)).toBe("value >= 10 and y is present");
    expect(req.span.start).toMatchObject({ line: 6, column: 11 });
    if (req.kind !== "Binary") throw new Error("expected and");
    expect(slice(req.left.span)).toBe("value >= 10");
    expect(slice(req.right.span)).toBe("y is present");
    expect(slice(rule.target!.span)).toBe("for NP.x");
    expect(file.header?.span.start).toMatchObject({ line: 1, column: 1 });
    expect(slice(file.header!.sources[0].span)).toBe('source br "B"');
    expect(file.span.end.offset).toBe(text.length);
  });

  it("handles CRLF line ends", () => {
    const crlf = text.replace(/\n/g, "\r\n");
    const r = decl(ok(crlf), "Rule");
    expect(r.code.span.start).toMatchObject({ line: 4, column: 6 });
    expect((r.require as Expr).span.start).toMatchObject({
      line: 6,
      column: 11,
    });
  });
});

// ---------------------------------------------------------------- size

describe("performance", () => {
  it("parses a ~5 MB file without stack overflow, positions those of the whole text", () => {
    const blocks = [...docBlocks().values()];
    const body = blocks
      .map((b) =>
        b.replace(
          /^(?:\/\/\/.*\n)*ruleset[^\n]*\n(?:\s+(?:source|valid|extends|uses|assumption)[^\n]*\n)*/m,
          "",
        ),
      )
      .join("\n");
    const head =
      'ruleset big@1.0.0\n  source bk "B"\n  source br "B"\n  source wft "W"\n  source atw "A"\n';
    const small = head + body.repeat(Math.ceil(200_000 / body.length));
    const big = head + body.repeat(Math.ceil(5_000_000 / body.length));
    // Speed is measured in the bench (npm run bench), not timed here: a loaded machine made it flaky.
    const s = parse(small, "small.regel");
    const b = parse(big, "big.regel");
    // Duplicate names are the checker's business: the parser reports nothing.
    expect(s.diagnostics).toEqual([]);
    expect(b.diagnostics).toEqual([]);
    expect(b.file.declarations.length).toBeGreaterThan(15_000);

    // The text is lexed in pieces: positions must still be those of the whole text.
    const lines = big.split("\n");
    const declLines: number[] = [];
    lines.forEach((l, i) => {
      if (
        /^(codelist|entity|ikb|rule|category|payout|metric|norm|measure|calendar|parameter|table|aggregate|reconcile|plausibility|replace|remove|extend) /.test(
          l,
        )
      )
        declLines.push(i + 1);
    });
    expect(b.file.declarations.map((d) => d.span.start.line)).toEqual(
      declLines,
    );
    for (const d of b.file.declarations.slice(-50)) {
      const word =
        d.kind === "ExtendEntity"
          ? "extend"
          : big.slice(d.span.start.offset, d.span.start.offset + 3);
      expect(big.slice(d.span.start.offset).startsWith(word)).toBe(true);
      expect(d.span.start.column).toBe(1);
    }
    for (const c of b.file.comments.slice(-50)) {
      expect(big.slice(c.span.start.offset, c.span.end.offset)).toMatch(
        /^\/\/\/? ?/,
      );
      expect(lines[c.span.start.line - 1].slice(c.span.start.column - 1)).toBe(
        big.slice(c.span.start.offset, c.span.end.offset),
      );
    }
  });
});

describe("plausibility `watch ..., aggregate NAME`", () => {
  // Regression: `aggregate` is the keyword of a declaration, and was read as the start of the
  // next one inside `watch`, so the example of docs/language.md § Plausibility did not parse.
  const text = `ruleset example.watch@1.0.0

plausibility peers
  watch aggregate covered_deposits, errors, // the findings
    aggregate depositors

aggregate depositors
  count ikb
`;

  it("reads `aggregate` after `watch` or a comma as a series, and an `aggregate` on its own line as a declaration", () => {
    const file = ok(text);
    expect(file.declarations.map((d) => d.kind)).toEqual([
      "Plausibility",
      "Aggregate",
    ]);
    const p = file.declarations[0] as PlausibilityDecl;
    expect(p.watch.map((w) => [w.word.name, w.name?.name])).toEqual([
      ["aggregate", "covered_deposits"],
      ["errors", undefined],
      ["aggregate", "depositors"],
    ]);
  });

  it("formats it keeping the comment and the declarations apart", () => {
    const out = print(ok(text), text);
    expect(out).toContain("// the findings");
    expect(out).toContain("\naggregate depositors\n  count ikb\n");
    const again = ok(out);
    expect(again.declarations.map((d) => d.kind)).toEqual([
      "Plausibility",
      "Aggregate",
    ]);
    expect(print(again, out)).toBe(out);
  });
});
