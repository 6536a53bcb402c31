/**
 * Resolution: extends, replace, remove, extend entity, uses, sources per file, origins, types
 * written on expressions, attribute rules, determinism and robustness.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BinaryExpr, Expr } from "../../dsl/ast.js";
import { check } from "../../dsl/checker.js";
import { findRuleset } from "../../dsl/project.js";
import { BASE, brief, load, npRule, posOf } from "./checker-helpers.js";

const BASE_2023 =
  BASE.replace(
    "valid from 2023-01-01",
    "valid from 2023-01-01 until 2024-01-01",
  ) + npRule("require last_name is present", "dmc0002");

const CHILD = `ruleset t.base@1.1.0 "Base, 2024"
  extends t.base@1.0.0
  valid from 2024-01-01
  source br "Beleidsregel"

extend entity NP
  field nationality: text(2) "Nationality"
  replace field last_name: text(100) personal
  remove field opened_at

replace rule dmc0001 "Geboortedatum ontbreekt (2024)"
  assumption "A test rule: its meaning is our own."
  severity blocking
  implements br art 3
  for NP
  require date_of_birth is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "1", date_of_birth: 1970-01-01 }

remove rule dmc0002
${npRule("require nationality is present", "dmc0003")}`;

describe("extends", () => {
  const p = load({ "a.regel": BASE_2023, "b.regel": CHILD });
  const base = findRuleset(p, "t.base@1.0.0")!;
  const next = findRuleset(p, "t.base@1.1.0")!;

  it("is clean", () => {
    expect(brief(p.diagnostics)).toEqual([]);
  });

  it("replaces in place, removes, and appends new rules", () => {
    expect(next.rules.map((r) => `${r.code}:${r.origin}`)).toEqual([
      "dmc0001:t.base@1.1.0",
      "dmc0003:t.base@1.1.0",
    ]);
    expect(next.rules[0].decl.severity).toBe("blocking");
    expect(next.rules[0].articles.map((a) => a.locator)).toEqual(["art 3"]);
    expect(base.rules.map((r) => `${r.code}:${r.origin}`)).toEqual([
      "dmc0001:t.base@1.0.0",
      "dmc0002:t.base@1.0.0",
    ]);
  });

  it("extends an entity without touching the parent's", () => {
    const np = next.entities.get("NP")!;
    expect(np.fields.map((f) => `${f.name}:${f.origin}`)).toEqual([
      "ikb_id:t.base@1.0.0",
      "customer_id:t.base@1.0.0",
      "last_name:t.base@1.1.0",
      "date_of_birth:t.base@1.0.0",
      "deceased:t.base@1.0.0",
      "nationality:t.base@1.1.0",
    ]);
    expect(np.fields[2].decl.type.maxLength).toBe(100);
    expect(np.key).toEqual(["ikb_id", "customer_id"]);
    expect(base.entities.get("NP")!.fields.map((f) => f.name)).toContain(
      "opened_at",
    );
    expect([...next.entities.keys()]).toEqual(["NP", "BA"]);
  });

  it("inherits code lists, payouts, metrics and the ikb but not sources", () => {
    expect([...next.codeLists.keys()]).toEqual(["yes_no"]);
    expect(next.payouts.map((x) => x.name.name)).toEqual([
      "identity_established",
    ]);
    expect(next.metrics.map((x) => x.name.name)).toEqual([
      "automated_controls_pass",
    ]);
    expect(next.ikb).toBe(base.ikb);
    expect(next.sources.map((s) => s.alias.name)).toEqual(["br"]);
    expect(next.extends).toBe("t.base@1.0.0");
    expect(next.file).toBe("b.regel");
  });

  it("keeps the articles of an inherited rule, resolved in its own file", () => {
    const p2 = load({
      "a.regel": BASE_2023,
      "b.regel": `ruleset t.base@1.1.0\n  extends t.base@1.0.0\n  valid from 2024-01-01\n  source xx "Other"\n`,
    });
    expect(brief(p2.diagnostics)).toEqual([]);
    const r = findRuleset(p2, "t.base@1.1.0")!.rules[0];
    expect(r.articles).toMatchObject([
      { sourceAlias: "br", sourceTitle: "Beleidsregel", locator: "art 2" },
    ]);
    expect(r.origin).toBe("t.base@1.0.0");
  });

  it("does not inherit sources: a new rule must cite a source of its own file", () => {
    const text = `ruleset t.base@1.1.0\n  extends t.base@1.0.0\n  valid from 2024-01-01\n${npRule("require last_name is present", "dmc0009")}`;
    const p2 = load({ "a.regel": BASE_2023, "b.regel": text });
    expect(brief(p2.diagnostics)).toEqual([
      `REG208 b.regel:${posOf(text, "br art").line}:${posOf(text, "br art").column}`,
    ]);
  });

  it("re-checks inherited rules: removing a field they use is an error, explained with a note", () => {
    const text = `ruleset t.base@1.1.0\n  extends t.base@1.0.0\n  valid from 2024-01-01\n\nextend entity NP\n  remove field last_name\n`;
    const p2 = load({ "a.regel": BASE_2023, "b.regel": text });
    const at = posOf(BASE_2023, "last_name is present");
    expect(brief(p2.diagnostics)).toEqual([
      `REG201 a.regel:${at.line}:${at.column}`,
    ]);
    expect(p2.diagnostics[0].notes?.join(" ")).toContain("t.base@1.1.0");
  });

  it("re-checks inherited aggregates: a removed rule, a removed category, a field no longer a number", () => {
    const parent =
      BASE_2023 +
      `
category cat1 "C"
  implements br art 2
  result dmc0002

aggregate findings_x "F"
  implements br art 2
  count result dmc0002

aggregate share_c "S"
  implements br art 2
  proportion ikb in category cat1

aggregate total "T"
  implements br art 2
  sum BA.balance
`;
    const child = `ruleset t.base@1.1.0\n  extends t.base@1.0.0\n  valid from 2024-01-01\n\nremove category cat1\n\nremove rule dmc0002\n\nextend entity BA\n  replace field balance: text(10)\n`;
    expect(load({ "a.regel": parent }).diagnostics).toEqual([]);
    const p2 = load({ "a.regel": parent, "b.regel": child });
    const at = (marker: string) => {
      const pos = posOf(parent, marker);
      return `a.regel:${pos.line}:${pos.column}`;
    };
    expect(brief(p2.diagnostics).sort()).toEqual(
      [
        `REG207 ${at("dmc0002\n\naggregate share_c")}`,
        `REG284 ${at("cat1\n\naggregate total")}`,
        `REG281 ${at("BA.balance\n")}`,
      ].sort(),
    );
    for (const d of p2.diagnostics)
      expect(d.notes?.join(" ")).toContain("t.base@1.1.0");
  });

  it("reports removing or extending what is not inherited", () => {
    const text = `ruleset t.base@1.1.0\n  extends t.base@1.0.0\n  valid from 2024-01-01\n\nremove rule dmc0005\n\nextend entity XX\n  field y: text\n\nextend entity BA\n  remove field ibam\n`;
    const p2 = load({ "a.regel": BASE_2023, "b.regel": text });
    expect(p2.diagnostics.map((d) => [d.code, d.suggestion])).toEqual([
      ["REG218", "dmc0001"],
      ["REG218", undefined],
      ["REG218", "iban"],
    ]);
  });
});

describe("uses", () => {
  const CAL = `ruleset t.cal@1.0.0\n  source atw "Algemene termijnenwet"\n\ncalendar nl "Werkdagen"\n  implements atw art 3\n  weekend saturday, sunday\n  holiday nieuwjaarsdag "Nieuwjaarsdag" on 1 january\n\nmetric m: percent "M"\n`;
  it("brings calendars and metrics into scope", () => {
    const text =
      BASE.replace('"Base"\n', '"Base"\n  uses t.cal@1.0.0\n') +
      npRule("require date_of_birth <= rrd - 3 workdays");
    const p = load({ "cal.regel": CAL, "t.regel": text });
    expect(brief(p.diagnostics)).toEqual([]);
    const rs = findRuleset(p, "t.base")!;
    expect(rs.calendars.map((c) => c.name.name)).toEqual(["nl"]);
    expect(rs.metrics.map((c) => c.name.name)).toEqual([
      "automated_controls_pass",
      "m",
    ]);
    expect(rs.uses).toEqual(["t.cal@1.0.0"]);
  });
});

function findBinary(e: Expr | undefined, op: string): BinaryExpr | undefined {
  if (e === undefined) return undefined;
  if (e.kind === "Binary") {
    if (e.op === op) return e;
    return findBinary(e.left, op) ?? findBinary(e.right, op);
  }
  return undefined;
}

describe("types", () => {
  it("writes the type of every expression node", () => {
    const text =
      BASE +
      npRule(
        "require date_of_birth <= rrd - 130 years and count(BA where BA.balance * 2 > 10.5) >= 0",
      );
    const p = load({ "t.regel": text });
    expect(brief(p.diagnostics)).toEqual([]);
    const rule = p.rulesets[0].rules.find((r) => r.code === "dmc0100")!;
    const req = rule.decl.require as Expr;
    expect(req.type).toEqual({ kind: "boolean" });
    const minus = findBinary(req, "-")!;
    expect(minus.type).toEqual({ kind: "date" });
    expect(minus.left.type).toEqual({ kind: "date" });
    expect(minus.right.type).toEqual({ kind: "duration", unit: "years" });
    const json = JSON.stringify(req);
    // Every node with an expression kind has a type.
    const untyped: unknown[] = [];
    JSON.parse(json, (k, v) => {
      if (
        v &&
        typeof v === "object" &&
        "kind" in v &&
        [
          "Binary",
          "Path",
          "Aggregate",
          "Integer",
          "Decimal",
          "Duration",
          "Call",
        ].includes(v.kind) &&
        !("type" in v)
      )
        untyped.push(v);
      return v;
    });
    expect(untyped).toEqual([]);
    expect(json).toContain('"scale":2');
  });

  it("types min, max, if, round and a computed sum (integers and decimals mix to the larger scale)", () => {
    const text =
      BASE +
      npRule(
        'require min(count(BA), 2) + max(2.5, 1, 0.125) + round(1.23456, 3, half_even) + (if deceased = "J" then 1 else 2.50) + sum(BA.balance * BA.count_of_depositors / 2 where BA.holder_id = customer_id) > 0 and max(date_of_birth, rrd) <= rrd',
      );
    const p = load({ "t.regel": text });
    expect(brief(p.diagnostics)).toEqual([]);
    const rule = p.rulesets[0].rules.find((r) => r.code === "dmc0100")!;
    const types: Record<string, unknown> = {};
    JSON.parse(JSON.stringify(rule.decl.require), (_k, v) => {
      if (
        v &&
        typeof v === "object" &&
        (v.kind === "Call" || v.kind === "If" || v.kind === "Aggregate")
      )
        types[
          v.kind === "Call" ? v.callee.name : v.kind === "If" ? "If" : v.op
        ] ??= v.type;
      return v;
    });
    expect(types).toEqual({
      min: { kind: "integer" },
      max: { kind: "decimal", scale: 3 },
      round: { kind: "decimal", scale: 3 },
      If: { kind: "decimal", scale: 2 },
      count: { kind: "integer" },
      sum: { kind: "decimal", scale: 8 },
    });
  });

  it("gives a version its own typed copy of an inherited rule when a field's type changed", () => {
    const base = BASE_2023.replace(
      "for NP\n  require last_name is present",
      "for NP\n  require count(BA where BA.balance / 3 > 1) >= 0",
    );
    const text = `ruleset t.base@1.1.0\n  extends t.base@1.0.0\n  valid from 2024-01-01\n\nextend entity BA\n  replace field balance: decimal(18,4)\n`;
    const p = load({ "a.regel": base, "b.regel": text });
    expect(brief(p.diagnostics)).toEqual([]);
    const [r0, r1] = [
      findRuleset(p, "t.base@1.0.0")!,
      findRuleset(p, "t.base@1.1.0")!,
    ].map((rs) => rs.rules.find((r) => r.code === "dmc0002")!);
    const scaleOf = (e: Expr) =>
      JSON.stringify(e).match(/"kind":"decimal","scale":(\d+)/g);
    expect(scaleOf(r0.decl.require as Expr)).toContain(
      '"kind":"decimal","scale":2',
    );
    expect(scaleOf(r1.decl.require as Expr)).toContain(
      '"kind":"decimal","scale":4',
    );
    expect(r1.origin).toBe("t.base@1.0.0");
    // The unchanged rule is shared, not copied.
    expect(findRuleset(p, "t.base@1.1.0")!.rules[0].decl).toBe(
      findRuleset(p, "t.base@1.0.0")!.rules[0].decl,
    );
  });

  it("checks an attribute rule's condition for every attribute", () => {
    const text =
      BASE +
      `
rule dmc0100 "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for NP.date_of_birth, NP.last_name
  require value <= rrd
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "2" }
`;
    const p = load({ "t.regel": text });
    expect(p.diagnostics.map((d) => d.code)).toEqual(["REG301"]);
    expect(p.diagnostics[0].message).toContain("NP.last_name");
  });

  it("accepts `value is valid` on every field of an entity", () => {
    const text =
      BASE +
      npRule("require value is valid").replace("for NP\n", "for NP.*, BA.*\n");
    expect(brief(load({ "t.regel": text }).diagnostics)).toEqual([]);
  });

  it("accepts a code against its own values and `in` lists", () => {
    const text =
      BASE +
      npRule(
        'require deceased = "J" or deceased in ("N") or last_name in ("A", "B")',
      );
    expect(brief(load({ "t.regel": text }).diagnostics)).toEqual([]);
  });
});

describe("names in the data model", () => {
  it("checks `ref E.f`, `key`, `role by` and `depositor ... by`", () => {
    const text = BASE.replace(
      "field holder_id: ref NP.customer_id",
      "field holder_id: ref NP.customer_idd",
    )
      .replace("field other: x", "")
      .replace("key ikb_id, account_id", "key ikb_id, acount_id")
      .replace("role by customer_id", "role by custmer_id")
      .replace(
        "depositor NP by customer_id",
        "depositor NP, BAA by customer_id",
      );
    const p = load({ "t.regel": text });
    expect(p.diagnostics.map((d) => `${d.code} ${d.suggestion ?? ""}`)).toEqual(
      [
        "REG201 customer_id", // role by
        "REG201 account_id", // key
        "REG201 customer_id", // ref NP.customer_idd
        "REG202 BA", // depositor BAA
      ],
    );
    expect(p.diagnostics[2].message).toBe(
      "unknown field `customer_idd` on entity `NP`",
    );
  });

  it("gives every literal a type, examples included", () => {
    const p = load({ "t.regel": BASE });
    const rule = p.rulesets[0].rules[0];
    const values = rule.decl.examples.flatMap((e) =>
      e.kind === "RecordExample"
        ? e.subject.fields.map((f) => f.value.type?.kind)
        : [],
    );
    expect(values).toEqual(["text", "text", "date"]);
  });
});

describe("robustness and determinism", () => {
  it("never throws on broken input and reports no internal error", () => {
    const broken = [
      BASE.slice(0, 400),
      BASE.replace("for NP", "for"),
      BASE.replace(
        "require date_of_birth is present",
        "require date_of_birth is",
      ),
      BASE.replace("ruleset t.base@1.0.0", "ruleset"),
      BASE.replace("field deceased: code yes_no", "field deceased: code"),
      "rule x",
      "",
    ];
    for (const text of broken) {
      const p = load({ "t.regel": text });
      expect(p.diagnostics.filter((d) => d.code === "REG200")).toEqual([]);
    }
  });

  it("is deterministic whatever the file order", () => {
    const a = check(load({ "a.regel": BASE_2023, "b.regel": CHILD }).files);
    const b = check(
      [...load({ "a.regel": BASE_2023, "b.regel": CHILD }).files].reverse(),
    );
    expect(a.rulesets.map((r) => r.id)).toEqual([
      "t.base@1.0.0",
      "t.base@1.1.0",
    ]);
    expect(b.rulesets.map((r) => r.id)).toEqual(a.rulesets.map((r) => r.id));
  });

  it("finds rulesets by id or by name (highest version)", () => {
    const p = load({ "a.regel": BASE_2023, "b.regel": CHILD });
    expect(findRuleset(p, "t.base")?.version).toBe("1.1.0");
    expect(findRuleset(p, "t.base@1.0.0")?.version).toBe("1.0.0");
    expect(findRuleset(p, "t.base@9.0.0")).toBeUndefined();
  });
});

describe("aims in norms", () => {
  const norms = (periods: string) =>
    load({
      "t.regel": `${BASE}
metric late: duration "Days late"

norm n "N"
  implements br art 2
${periods}`,
    }).diagnostics.map((d) => `${d.code} ${d.message}`);

  it("lets an aim and a requirement on the same metric share days", () => {
    expect(
      norms(`  year 2024: automated_controls_pass >= 95 %
  from 2024-01-01: aim automated_controls_pass >= 100 %, late <= 3 days
`),
    ).toEqual([]);
  });

  it("reports two aims on one metric in overlapping periods (REG227)", () => {
    expect(
      norms(`  year 2024: aim automated_controls_pass >= 99 %
  from 2024-01-01: aim automated_controls_pass >= 100 %
`),
    ).toEqual([
      "REG227 norm `n`: from 2024-01-01 overlaps year 2024 and both set `aim automated_controls_pass`",
    ]);
  });

  it("type-checks an aim's value as a requirement's", () => {
    expect(
      norms(`  year 2024: aim automated_controls_pass >= 3 days
`),
    ).toEqual([
      "REG313 metric `automated_controls_pass` is a percent, but the norm gives duration in days",
    ]);
  });
});

describe("validity overlaps (property)", () => {
  const dates = ["2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01"];
  const bound = fc.option(fc.constantFrom(...dates), { nil: undefined });
  it("REG214 is reported exactly when two periods share a day", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(bound, bound), { minLength: 2, maxLength: 3 }),
        (periods) => {
          const texts: Record<string, string> = {};
          periods.forEach(([from, until], i) => {
            const valid =
              from === undefined && until === undefined
                ? ""
                : `  valid from ${from ?? "2000-01-01"}${until === undefined ? "" : ` until ${until}`}\n`;
            texts[`v${i}.regel`] = `ruleset p.x@1.${i}.0\n${valid}`;
          });
          const p = load(texts);
          const empty = (f?: string, u?: string) =>
            u !== undefined && (f ?? "2000-01-01") >= u;
          const starts = (f?: string, u?: string) =>
            f === undefined && u === undefined ? "0000" : (f ?? "2000-01-01");
          const ends = (u?: string) => u ?? "9999";
          let expected = 0;
          for (let i = 0; i < periods.length; i++) {
            for (let j = i + 1; j < periods.length; j++) {
              const [fa, ua] = periods[i];
              const [fb, ub] = periods[j];
              if (starts(fa, ua) < ends(ub) && starts(fb, ub) < ends(ua))
                expected++;
            }
          }
          const emptyCount = periods.filter(([f, u]) => empty(f, u)).length;
          expect(p.diagnostics.filter((d) => d.code === "REG215").length).toBe(
            emptyCount,
          );
          if (emptyCount === 0)
            expect(
              p.diagnostics.filter((d) => d.code === "REG214").length,
            ).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("performance", () => {
  it("parses and checks 1 MB of rulesets well under a second", () => {
    const texts = new Map<string, string>();
    let size = 0;
    let n = 0;
    while (size < 1_000_000) {
      let text = BASE.replace("t.base@1.0.0", `perf.r${n}@1.0.0`);
      for (let i = 0; i < 60; i++) {
        text += npRule(
          `when last_name is present\n  require length(last_name) <= 200 and date_of_birth <= rrd - 18 years and exists(BA where BA.holder_id = customer_id)`,
          `r${i}`,
        );
      }
      texts.set(`perf/r${n}.regel`, text);
      size += text.length;
      n++;
    }
    load({ "warm.regel": BASE }); // warm up the parser and checker
    const start = performance.now();
    const p = load(Object.fromEntries(texts));
    const ms = performance.now() - start;
    expect(p.diagnostics).toEqual([]);
    expect(p.rulesets.length).toBe(n);
    const checkStart = performance.now();
    check(p.files);
    const checkMs = performance.now() - checkStart;
    // Measured on an idle machine: parse ~250 ms, check ~70-120 ms. The bounds are loose because the
    // test machine is shared; they still catch a quadratic lookup (which costs 100x, not 3x).
    console.log(
      `1 MB: parse+check ${ms.toFixed(0)} ms, check alone ${checkMs.toFixed(0)} ms`,
    );
    expect(checkMs).toBeLessThan(2000);
    expect(ms).toBeLessThan(10000);
  });
});

describe("random ASTs (property)", () => {
  it("check() never throws and never reports an internal error, whatever the AST", async () => {
    const { regelFile } = await import("./ast-arbitrary.js");
    fc.assert(
      fc.property(
        fc.array(regelFile, { minLength: 1, maxLength: 3 }),
        (files) => {
          const r = check(files.map((f, i) => ({ ...f, path: `f${i}.regel` })));
          expect(
            r.diagnostics
              .filter((d) => d.code === "REG200")
              .map((d) => d.message),
          ).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("damaged text (property)", () => {
  it("parse + check never throw and never report an internal error when text is cut or spliced", async () => {
    const { readFileSync, existsSync } = await import("node:fs");
    const glo = "rulesets/ikb.glo/1.2.0.regel";
    const source = existsSync(glo) ? readFileSync(glo, "utf8") : BASE;
    fc.assert(
      fc.property(
        fc.nat(source.length),
        fc.nat(400),
        fc.nat(source.length),
        (at, len, from) => {
          // Delete a chunk and paste another piece of the file in its place.
          const damaged =
            source.slice(0, at) +
            source.slice(from, from + 60) +
            source.slice(at + len);
          const p = load({ "a.regel": damaged, "b.regel": BASE });
          expect(
            p.diagnostics
              .filter((d) => d.code === "REG200" || d.code === "REG199")
              .map((d) => d.message),
          ).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
