/**
 * `regel diff`: rules and Bijlage 3 category changes. From ikb.glo@1.2.0 to ikb.glo@1.3.0 the
 * category part must be exactly the difference between the two Bijlage 3 tables. The tables below
 * are copied verbatim from the hand transcription in test/rulesets/bijlage3.test.ts (seed 001,
 * Beoordelingskader Bijlage 3); importing that file would run its tests here too.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { runDiff } from "../../cli/commands/diff.js";
import {
  diffRulesets,
  diffText,
  type CategoryEntry,
  type RulesetDiff,
} from "../../audit/ruleset-diff.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import {
  loadProject,
  loadProjectFromTexts,
  type Project,
} from "../../dsl/project.js";
import {
  CATEGORIES,
  GLO_1_2_0,
  GLO_1_3_0,
  type CategoryName,
  type Table,
} from "../rulesets/bijlage3-tables.js";

/** `code|role|sorted attributes`, the transcription's canonical form. */
function parseEntry(entry: string): string {
  const m = /^([a-z]{3}\d{4})(?: \((D|V)\))?(?: (.+))?$/.exec(entry);
  if (!m) throw new Error(`bad transcription entry: ${entry}`);
  const attributes =
    m[3] === undefined ? [] : m[3].split(",").map((a) => a.trim());
  return `${m[1]}|${m[2] ?? ""}|${[...attributes].sort().join(",")}`;
}

/** Entries of table `a` not in table `b`, as `category: entry`, sorted. */
function tableMinus(a: Table, b: Table): string[] {
  const out: string[] = [];
  for (const c of CATEGORIES) {
    const rb = new Set(b[c].results.map(parseEntry));
    const mb = new Set(b[c].markings.flatMap((m) => m.encoded));
    for (const r of new Set(a[c].results.map(parseEntry)))
      if (!rb.has(r)) out.push(`${c}: ${r}`);
    for (const m of new Set(a[c].markings.flatMap((x) => x.encoded)))
      if (!mb.has(m)) out.push(`${c}: ${m}`);
  }
  return out.sort();
}

const resultForm = (
  category: string,
  r: { code: string; role: string | null; attributes: string[] },
) => `${category}: ${r.code}|${r.role ?? ""}|${r.attributes.join(",")}`;
const markingForm = (
  category: string,
  m: { attribute: string; value: string; role: string | null },
) => `${category}: ${m.attribute} = ${m.value}${m.role ? ` (${m.role})` : ""}`;

/**
 * The diff's category part in the same form: [added, removed], where a changed entry counts as
 * its old form removed and its new form added, and a moved entry likewise in its two categories.
 */
function diffEntries(d: RulesetDiff): [string[], string[]] {
  const added: string[] = [];
  const removed: string[] = [];
  for (const c of d.categories) {
    for (const r of c.resultsAdded) added.push(resultForm(c.name, r));
    for (const r of c.resultsRemoved) removed.push(resultForm(c.name, r));
    for (const r of c.resultsChanged) {
      removed.push(resultForm(c.name, r.from));
      added.push(resultForm(c.name, r.to));
    }
    for (const m of c.markingsAdded) added.push(markingForm(c.name, m));
    for (const m of c.markingsRemoved) removed.push(markingForm(c.name, m));
    for (const m of c.markingsChanged) {
      removed.push(markingForm(c.name, m.from));
      added.push(markingForm(c.name, m.to));
    }
  }
  for (const m of d.moves) {
    if (m.kind === "result") {
      removed.push(resultForm(m.from.category, m.from.entry));
      added.push(resultForm(m.to.category, m.to.entry));
    } else {
      removed.push(markingForm(m.from.category, m.from.entry));
      added.push(markingForm(m.to.category, m.to.entry));
    }
  }
  return [added.sort(), removed.sort()];
}

let project: Project;
let v120: ResolvedRuleset;
let v130: ResolvedRuleset;

beforeAll(async () => {
  project = await loadProject(["rulesets"]);
  v120 = project.rulesets.find((r) => r.id === "ikb.glo@1.2.0")!;
  v130 = project.rulesets.find((r) => r.id === "ikb.glo@1.3.0")!;
});

describe("diff ikb.glo@1.2.0 -> ikb.glo@1.3.0", () => {
  it("its category part is exactly the difference between the two Bijlage 3 tables", () => {
    const d = diffRulesets(v120, v130);
    const [added, removed] = diffEntries(d);
    expect(added).toEqual(tableMinus(GLO_1_3_0, GLO_1_2_0));
    expect(removed).toEqual(tableMinus(GLO_1_2_0, GLO_1_3_0));
    // Sanity on the expected side, so an empty transcription cannot pass.
    expect(added).toContain("identity: omc0019||");
    expect(removed).toContain("amount: dmc0005||");
    expect(
      d.categories.every(
        (c) => c.status === "changed" && c.changes.length === 0,
      ),
    ).toBe(true);
  });

  it("shows a code whose role or attributes change as one changed entry, not a remove/add pair", () => {
    const d = diffRulesets(v120, v130);
    const changed = (name: string) =>
      d.categories
        .find((c) => c.name === name)!
        .resultsChanged.map(
          (x) =>
            `${resultForm(name, x.from).slice(name.length + 2)} -> ${resultForm(name, x.to).slice(name.length + 2)}`,
        );
    // 1.3.0 gives omc0002 a role and dmc0000 the last name (identity), dmc0000 the role (V) (claim)
    expect(changed("identity")).toContain("omc0002|| -> omc0002|D|");
    expect(changed("identity")).toContain(
      "dmc0000|D|NNP.registered_country,NNP.registered_name,NNP.registered_place,NP.date_of_birth -> dmc0000|D|NNP.registered_country,NNP.registered_name,NNP.registered_place,NP.date_of_birth,NP.last_name",
    );
    expect(changed("claim")).toContain(
      "dmc0000||NP.date_of_birth -> dmc0000|V|NP.date_of_birth",
    );
    // no code is both added and removed in one category: those are changes
    for (const c of d.categories) {
      const codes = new Set(c.resultsRemoved.map((x) => x.code));
      expect(c.resultsAdded.filter((x) => codes.has(x.code))).toEqual([]);
    }
    expect(d.moves).toEqual([]);
    const text = diffText(d);
    expect(text).toContain("      ~ result omc0002 -> omc0002 (D)");
    expect(text).not.toContain("      - result omc0002\n");
  });

  it("shows the change of validity and the changed examples, not only their number", () => {
    const d = diffRulesets(v120, v130);
    expect(d.header.find((h) => h.aspect === "validity")).toEqual({
      aspect: "validity",
      from: "from 2020-01-01 until 2023-07-01",
      to: "from 2023-07-01",
    });
    const examples = d.rules.changed
      .find((r) => r.code === "dmc0000")!
      .changes.find((c) => c.aspect === "examples")!;
    expect(examples.to).toContain(
      'example fail AD { ikb_id: "C1", address_id: "AD1", customer_id: "C1" }',
    );
    expect(examples.from).toContain(
      'example pass UA { ikb_id: "C1", address_id: "AD1", customer_id: "C1", address_line_1: "Dorpsstraat 1", country: "DE" }',
    );
    expect(diffText(d)).toContain(
      "  ~ validity:\n      - from 2020-01-01 until 2023-07-01\n      + from 2023-07-01\n",
    );
  });

  it("lists the rules first in the 1.3.0 table as added, none removed, dmc0000 changed in its target", () => {
    const d = diffRulesets(v120, v130);
    for (const code of [
      "dmc0001",
      "dmc0002",
      "omc0017",
      "omc0018",
      "omc0019",
      "smc0010",
      "tmc0002",
      "tmc0005",
    ]) {
      expect(d.rules.added.map((r) => r.code)).toContain(code);
    }
    // no GLO code is removed; regel's own ctl0003 gives way to omc0019 (control 3.6 items 4-5)
    expect(d.rules.removed.map((r) => r.code)).toEqual(["ctl0003"]);
    const dmc0000 = d.rules.changed.find((r) => r.code === "dmc0000");
    const target = dmc0000?.changes.find((c) => c.aspect === "target");
    expect(target?.to).toContain("NP.last_name");
    expect(target?.from).not.toContain("NP.last_name");
    // The assumption behind the code's meaning changed too: a diff shows it.
    expect(dmc0000?.changes.find((c) => c.aspect === "assumptions")).toEqual({
      aspect: "assumptions",
      from: expect.stringContaining("§2.2 says validation rules show"),
      to: 'dmc0000 = "Verplicht attribuut ontbreekt" (mandatory attribute missing).',
    });
    expect(d.other.find((o) => o.kind === "field")?.added).toContain(
      "BA.last_transaction_date",
    );
  });

  it("the reverse diff swaps added and removed", () => {
    const fwd = diffRulesets(v120, v130);
    const back = diffRulesets(v130, v120);
    expect(back.rules.removed.map((r) => r.code)).toEqual(
      fwd.rules.added.map((r) => r.code),
    );
    const [a, r] = diffEntries(fwd);
    const [a2, r2] = diffEntries(back);
    expect(a2).toEqual(r);
    expect(r2).toEqual(a);
  });

  it("a version against itself has no differences", () => {
    const d = diffRulesets(v130, v130);
    expect(d.header).toEqual([]);
    expect(d.rules).toEqual({ added: [], removed: [], changed: [] });
    expect(d.categories).toEqual([]);
    expect(d.moves).toEqual([]);
    expect(d.other).toEqual([]);
  });
});

const BASE = `ruleset t.x@1.0.0
  valid from 2020-01-01 until 2021-01-01
  source bk "Beoordelingskader"

entity NP "Natural person"
  file "np.csv"
  key id
  role by id
  field id: text(10) required
  field age: integer
  field name: text(20)

payout p1 1 "Payout one"
  implements bk par 2.1
`;

function rule(code: string, body: string): string {
  return `
rule ${code} "Rule ${code}"
  meaning "Meaning."
  severity signalling
  implements bk art 1
  for NP
${body}
  example pass NP { id: "1", age: 20 }
  example fail NP { id: "1", age: 1 }
`;
}

describe("diffRulesets on small rulesets", () => {
  const v1 =
    BASE +
    rule("r1", "  require age >= 18") +
    rule("r2", "  require age < 200") +
    `
category c1 "Cat"
  blocks p1
  implements bk art 2
  result r1 (D)
  marking NP.name = "X"

metric pass_rate: percent "Pass rate"

norm n1 "Norm"
  implements bk art 3
  year 2020: pass_rate >= 60 %

measure m1 "Measure"
  kind formal
  implements bk art 4
  precondition "A."
`;
  const v2 = `ruleset t.x@1.1.0
  extends t.x@1.0.0
  valid from 2021-01-01
  source bk "Beoordelingskader"

replace rule r1 "Rule r1"
  meaning "Meaning."
  severity blocking
  applies to D
  implements bk art 1, bk art 9
  for NP
  require age >= 21
  example pass NP { id: "1", age: 30 }
  example fail NP { id: "1", age: 1 }

remove rule r2
${rule("r3", "  require name is present").replace(/example pass NP \{ id: "1", age: 20 \}/, 'example pass NP { id: "1", name: "A" }')}
replace norm n1 "Norm"
  implements bk art 3
  year 2020: pass_rate >= 70 %

replace measure m1 "Measure"
  kind formal
  implements bk art 4
  precondition "A."
  precondition "B."

replace category c1 "Cat"
  blocks p1
  implements bk art 2
  result r1 (V)
  result r3
`;
  let a: ResolvedRuleset;
  let b: ResolvedRuleset;
  beforeAll(() => {
    const p = loadProjectFromTexts(
      new Map([
        ["v1.regel", v1],
        ["v2.regel", v2],
      ]),
    );
    const errors = p.diagnostics.filter((d) => d.severity === "error");
    expect(
      errors.map(
        (e) => `${e.span.file}:${e.span.start.line} ${e.code} ${e.message}`,
      ),
    ).toEqual([]);
    a = p.rulesets.find((r) => r.id === "t.x@1.0.0")!;
    b = p.rulesets.find((r) => r.id === "t.x@1.1.0")!;
  });

  it("reports condition, severity, roles and articles changes; added and removed rules", () => {
    const d = diffRulesets(a, b);
    expect(d.rules.added.map((r) => r.code)).toEqual(["r3"]);
    expect(d.rules.removed.map((r) => r.code)).toEqual(["r2"]);
    expect(d.rules.changed).toHaveLength(1);
    const changes = Object.fromEntries(
      d.rules.changed[0].changes.map((c) => [c.aspect, [c.from, c.to]]),
    );
    expect(changes.require).toEqual(["age >= 18", "age >= 21"]);
    expect(changes.severity).toEqual(["signalling", "blocking"]);
    expect(changes.roles).toEqual(["D, V", "D"]);
    expect(changes.articles).toEqual(["bk art 1", "bk art 1, bk art 9"]);
    expect(changes.title).toBeUndefined();
  });

  it("reports norms and measures whose content changed", () => {
    const d = diffRulesets(a, b);
    const norm = d.other.find((o) => o.kind === "norm");
    expect(norm?.changed).toEqual([
      {
        name: "n1",
        from: '"Norm"; implements bk art 3; year 2020: pass_rate >= 60 %',
        to: '"Norm"; implements bk art 3; year 2020: pass_rate >= 70 %',
      },
    ]);
    expect(d.other.find((o) => o.kind === "measure")?.changed[0].to).toContain(
      'precondition "B."',
    );
    expect(d.other.find((o) => o.kind === "metric")).toBeUndefined();
  });

  it("reports category entries and markings added, removed and changed", () => {
    const d = diffRulesets(a, b);
    expect(d.categories).toHaveLength(1);
    const c = d.categories[0];
    expect(c.resultsAdded).toEqual([
      { code: "r3", role: null, attributes: [] },
    ]);
    expect(c.resultsRemoved).toEqual([]);
    // r1 (D) -> r1 (V): one entry whose role changed
    expect(c.resultsChanged).toEqual([
      {
        from: { code: "r1", role: "D", attributes: [] },
        to: { code: "r1", role: "V", attributes: [] },
      },
    ]);
    expect(c.markingsRemoved).toEqual([
      { attribute: "NP.name", value: "X", role: null },
    ]);
    expect(c.markingsAdded).toEqual([]);
  });

  it("reports the validity, the fields whose type or flags changed, and the examples that changed", () => {
    const d = diffRulesets(a, b);
    expect(d.header).toContainEqual({
      aspect: "validity",
      from: "from 2020-01-01 until 2021-01-01",
      to: "from 2021-01-01",
    });
    const r1 = d.rules.changed.find((r) => r.code === "r1")!;
    expect(r1.changes.find((c) => c.aspect === "examples")).toEqual({
      aspect: "examples",
      from: 'example pass NP { id: "1", age: 20 }',
      to: 'example pass NP { id: "1", age: 30 }',
    });
  });
});

describe("diffRulesets: moves, markings and field flags", () => {
  const head = (version: string, extra = "") => `ruleset t.m@${version}
  ${version === "1.0.0" ? "valid from 2020-01-01 until 2021-01-01" : "extends t.m@1.0.0\n  valid from 2021-01-01"}
  source bk "B"
${extra}`;
  const base = `
entity NP "Natural person"
  file "np.csv"
  key id
  role by id
  field id: text(10) required
  field name: text(20) "Name"
  field flag: text(1)

payout p1 1 "One"
  implements bk par 2.1
payout p2 2 "Two"
  implements bk par 2.1

rule r1 "R1"
  assumption "a test rule"
  severity signalling
  implements bk art 1
  for NP
  require name is present
  example pass NP { id: "1", name: "A" }
  example fail NP { id: "1" }
`;
  const v1 = `${head("1.0.0")}${base}
category c1 "One"
  blocks p1
  implements bk art 2
  result r1 (D)
  marking NP.flag = "X" (D)

category c2 "Two"
  blocks p2
  implements bk art 2
`;
  const v2 = `${head("1.1.0")}
extend entity NP
  replace field name: text(20) personal "Name"

replace category c1 "One"
  blocks p1
  implements bk art 2
  marking NP.flag = "X" (V)

replace category c2 "Two"
  blocks p2
  implements bk art 2
  result r1 (V)
`;
  let a: ResolvedRuleset;
  let b: ResolvedRuleset;
  beforeAll(() => {
    const p = loadProjectFromTexts(
      new Map([
        ["v1.regel", v1],
        ["v2.regel", v2],
      ]),
    );
    expect(
      p.diagnostics
        .filter((x) => x.severity === "error")
        .map((x) => `${x.span.start.line} ${x.code} ${x.message}`),
    ).toEqual([]);
    a = p.rulesets.find((r) => r.id === "t.m@1.0.0")!;
    b = p.rulesets.find((r) => r.id === "t.m@1.1.0")!;
  });

  it("a code that moves between categories is one moved entry with before and after", () => {
    const d = diffRulesets(a, b);
    expect(d.moves).toEqual([
      {
        kind: "result",
        from: {
          category: "c1",
          entry: { code: "r1", role: "D", attributes: [] },
        },
        to: {
          category: "c2",
          entry: { code: "r1", role: "V", attributes: [] },
        },
      },
    ]);
    for (const c of d.categories) {
      expect(c.resultsAdded, c.name).toEqual([]);
      expect(c.resultsRemoved, c.name).toEqual([]);
    }
    expect(diffText(d)).toContain(
      "Moved between categories:\n  > result r1 (D) in c1 -> result r1 (V) in c2\n",
    );
    // the reverse diff moves it back
    expect(diffRulesets(b, a).moves).toEqual([
      {
        kind: "result",
        from: {
          category: "c2",
          entry: { code: "r1", role: "V", attributes: [] },
        },
        to: {
          category: "c1",
          entry: { code: "r1", role: "D", attributes: [] },
        },
      },
    ]);
  });

  it("a marking whose role changes is one changed marking", () => {
    const c1 = diffRulesets(a, b).categories.find((c) => c.name === "c1")!;
    expect(c1.markingsChanged).toEqual([
      {
        from: { attribute: "NP.flag", value: "X", role: "D" },
        to: { attribute: "NP.flag", value: "X", role: "V" },
      },
    ]);
    expect(c1.markingsAdded).toEqual([]);
    expect(c1.markingsRemoved).toEqual([]);
  });

  it("a field that becomes personal is one changed field", () => {
    const fields = diffRulesets(a, b).other.find((o) => o.kind === "field")!;
    expect(fields).toEqual({
      kind: "field",
      added: [],
      removed: [],
      changed: [
        {
          name: "NP.name",
          from: 'text(20) "Name"',
          to: 'text(20) personal "Name"',
        },
      ],
    });
    expect(diffText(diffRulesets(a, b))).toContain(
      '  ~ field NP.name\n      - text(20) "Name"\n      + text(20) personal "Name"\n',
    );
  });
});

describe("category entries (property)", () => {
  const entryArb = fc.record({
    code: fc.constantFrom("r1", "r2"),
    role: fc.constantFrom(undefined, "D", "V"),
    attributes: fc.subarray(["NP.age", "NP.name"]),
  });
  const text = (e: { code: string; role?: string; attributes: string[] }) =>
    `  result ${e.code}${e.role ? ` (${e.role})` : ""}${e.attributes.length ? ` on ${e.attributes.join(", ")}` : ""}\n`;
  const canon = (e: { code: string; role?: string; attributes: string[] }) =>
    `${e.code}|${e.role ?? ""}|${[...e.attributes].sort().join(",")}`;
  const rulesets = (
    x: ReturnType<typeof entryArb.generate>["value"][],
    y: typeof x,
  ) => {
    const r = (code: string) =>
      `\nrule ${code} "R"\n  meaning "M."\n  severity signalling\n  implements bk art 1\n  for NP.age, NP.name\n  require value is present\n  example pass NP { id: "1", age: 1, name: "A" }\n  example fail NP { id: "1" }\n`;
    const v1 =
      BASE +
      r("r1") +
      r("r2") +
      `\ncategory c1 "Cat"\n  blocks p1\n  implements bk art 2\n${x.map(text).join("")}`;
    const v2 = `ruleset t.x@1.1.0\n  extends t.x@1.0.0\n  valid from 2021-01-01\n  source bk "B"\n\nreplace category c1 "Cat"\n  blocks p1\n  implements bk art 2\n${y.map(text).join("")}`;
    const p = loadProjectFromTexts(
      new Map([
        ["v1.regel", v1],
        ["v2.regel", v2],
      ]),
    );
    return [
      p.rulesets.find((q) => q.id === "t.x@1.0.0")!,
      p.rulesets.find((q) => q.id === "t.x@1.1.0")!,
    ] as const;
  };

  it("added and removed entries are exactly the set differences, whatever the order of attributes", () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 5 }),
        fc.array(entryArb, { minLength: 1, maxLength: 5 }),
        (x, y) => {
          const [a, b] = rulesets(x, y);
          expect(a, "v1 resolves").toBeDefined();
          expect(b, "v2 resolves").toBeDefined();
          const d = diffRulesets(a, b);
          const c = d.categories.find((k) => k.name === "c1");
          const form = (e: CategoryEntry) =>
            canon({ ...e, role: e.role ?? undefined });
          // a changed entry is its old form removed and its new form added
          const added = [
            ...(c?.resultsAdded ?? []),
            ...(c?.resultsChanged ?? []).map((x) => x.to),
          ].map(form);
          const removed = [
            ...(c?.resultsRemoved ?? []),
            ...(c?.resultsChanged ?? []).map((x) => x.from),
          ].map(form);
          // and no code is left both added and removed: those pair up as changes
          const gone = new Set((c?.resultsRemoved ?? []).map((e) => e.code));
          expect(
            (c?.resultsAdded ?? []).filter((e) => gone.has(e.code)),
          ).toEqual([]);
          const X = new Set(x.map(canon));
          const Y = new Set(y.map(canon));
          expect(added.sort()).toEqual([...Y].filter((e) => !X.has(e)).sort());
          expect(removed.sort()).toEqual(
            [...X].filter((e) => !Y.has(e)).sort(),
          );
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe("regel diff (command)", () => {
  it("prints the text diff with + and - lines", async () => {
    const r = await runDiff("ikb.glo@1.2.0", "ikb.glo@1.3.0");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("ikb.glo@1.2.0 -> ikb.glo@1.3.0");
    expect(r.stdout).toContain("  + omc0019 ");
    expect(r.stdout).toContain("      + result omc0019");
    expect(r.stdout).toContain("      - result dmc0005");
  });

  it("--json parses and has the same content as the library call", async () => {
    const r = await runDiff("ikb.glo@1.2.0", "ikb.glo@1.3.0", { json: true });
    expect(JSON.parse(r.stdout)).toEqual(
      JSON.parse(JSON.stringify(diffRulesets(v120, v130))),
    );
  });

  it("an unknown version exits 2 and lists the versions of that ruleset", async () => {
    const r = await runDiff("ikb.glo@1.2.0", "ikb.glo@9.9.9");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "no ruleset version `ikb.glo@9.9.9`; ikb.glo has ikb.glo@1.2.0, ikb.glo@1.3.0",
    );
  });

  it("an unknown ruleset name lists all versions; a bare name is refused", async () => {
    const r = await runDiff("nope@1.0.0", "ikb.glo");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("known: ");
    expect(r.stderr).toContain("`ikb.glo` is not name@version");
  });
});

describe("diff of reference data", () => {
  it("a table whose CSV changed is a changed declaration, with the new hash and row", () => {
    const text = (v: string, extra: string) => `ruleset t.rd@${v}
  source s "S"
${extra}
table sectors "Sectors"
  assumption "test"
  file "sectors.csv"
  column code: text key
  column name: text
`;
    const load = (csv: string) =>
      loadProjectFromTexts(
        new Map([["t.regel", text("1.0.0", "")]]),
        undefined,
        new Map([["sectors.csv", csv]]),
      ).rulesets[0]!;
    const a = load("code,name\nS1,Banks\n");
    const b = load("code,name\nS1,Banks\nS2,Households\n");
    const d = diffRulesets(a, b);
    const tables = d.other.find((o) => o.kind === "table")!;
    expect(tables.added).toEqual([]);
    expect(tables.changed.map((c) => c.name)).toEqual(["sectors"]);
    expect(tables.changed[0]!.to).toContain(`sha256 ${b.tables[0]!.sha256}`);
    expect(tables.changed[0]!.to).toContain('row "S2", "Households"');
    expect(tables.changed[0]!.from).not.toContain("S2");
  });
});
