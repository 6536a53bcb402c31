/**
 * Accounts that disappear (`for previous E ... require present`, docs/language.md): the compiled
 * `gone[E]` and the reference interpreter agree on random records of T−1 against random IKBs of
 * the delivery, a record is found again only by its whole key, the rule never runs on the
 * delivery's own records (it is not in the fused checks), and `regel fmt` prints the target back.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding, RuleContext } from "../../compiler/contract.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { parse } from "../../dsl/parser.js";
import { format } from "../../dsl/printer.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { interpretGone } from "../../interpreter/reference-interpreter.js";
import {
  compileAndImport,
  day,
  decode,
  type Module,
} from "./compile-harness.js";

/** The `example.gone` block of docs/language.md, as the reader sees it. */
const TEXT = (() => {
  const doc = readFileSync("docs/language.md", "utf8");
  const start = doc.indexOf("```regel\nruleset example.gone@1.0.0");
  const end = doc.indexOf("```\n", start + 8);
  return doc.slice(start + "```regel\n".length, end);
})();

let module: Module;
let ruleset: ResolvedRuleset;

beforeAll(async () => {
  module = (await compileAndImport(TEXT, "example.gone/1.0.0.regel")).module;
  ruleset = loadProjectFromTexts(new Map([["example.gone/1.0.0.regel", TEXT]]))
    .rulesets[0];
}, 60_000);

const RRD = "2024-01-01";
type Row = Record<string, string>;

function shown(fs: readonly Finding[]): string[] {
  return fs
    .map((f) =>
      JSON.stringify([f.rule, f.entity, f.role, f.key, f.values, f.message]),
    )
    .sort();
}

/** The compiled run of `gone.BA` on each record of T−1 (`before`) against the IKB `now`. */
function compiled(now: Row[], before: Row[], given = true): Finding[] {
  const out: Finding[] = [];
  const ctx: RuleContext = {
    rrd: day(RRD),
    ikb: { NP: [], BA: now.map((r) => decode(module, "BA", r, [])) },
    ikbKey: "C1",
  };
  const previous = before.map((r) => decode(module, "BA", r, []));
  if (given) ctx.previous = { NP: [], BA: previous };
  for (const r of previous) module.gone!.BA(r, ctx, out);
  return out;
}

function interpreted(now: Row[], before: Row[], given = true): Finding[] {
  return before.flatMap((row) =>
    interpretGone(ruleset, "BA", row, {
      rrd: RRD,
      ikb: { BA: now },
      ikbKey: "C1",
      previous: given ? { BA: before } : undefined,
    }),
  );
}

const ba = fc.record({
  ikb_id: fc.constantFrom("C1", "C1", "C2", ""),
  account_id: fc.constantFrom("A1", "A2", "A3", "", " A1"),
  balance: fc.constantFrom("", "0.00", "0.01", "10.00", "-5.00", "12,50"),
});
const ikb = fc.array(ba, { maxLength: 3 });

describe("accounts that disappear (`for previous E`)", () => {
  it("compiled and interpreted agree on records of T−1 against the delivery's IKB", () => {
    fc.assert(
      fc.property(ikb, ikb, (now, before) => {
        expect(shown(compiled(now, before))).toEqual(
          shown(interpreted(now, before)),
        );
      }),
      { numRuns: 400, seed: 20261204 },
    );
  });

  it("without a previous delivery the rule is not evaluated", () => {
    fc.assert(
      fc.property(ikb, ikb, (now, before) => {
        expect(compiled(now, before, false)).toEqual([]);
        expect(interpreted(now, before, false)).toEqual([]);
      }),
      { numRuns: 100, seed: 20261204 },
    );
  });

  it("finds a record again only by its whole key; one with an absent key field is not reported", () => {
    const a1 = { ikb_id: "C1", account_id: "A1", balance: "10.00" };
    expect(compiled([a1], [a1])).toEqual([]);
    // another account of the same IKB does not stand in for it
    const found = compiled([{ ...a1, account_id: "A2" }], [a1]);
    expect(found.map((f) => [f.rule, f.key, f.message])).toEqual([
      [
        "etc0103",
        "ikb_id=C1;account_id=A1",
        "account A1 is no longer delivered",
      ],
    ]);
    expect(found[0].values).toEqual({ balance: "10.00" });
    // the same account identifier under another IKB key is another account
    expect(compiled([{ ...a1, ikb_id: "C2" }], [a1])).toHaveLength(1);
    // the whole IKB gone: an empty IKB in the delivery
    expect(compiled([], [a1])).toHaveLength(1);
    // `when balance > 0`
    expect(compiled([], [{ ...a1, balance: "0.00" }])).toEqual([]);
    // a record of T−1 without its account identifier cannot be found again: not reported
    expect(compiled([], [{ ...a1, account_id: "" }])).toEqual([]);
    expect(interpreted([], [{ ...a1, account_id: "" }])).toEqual([]);
  });

  it("runs on the records of T−1 only: the fused checks of the delivery do not hold it", () => {
    const a1 = decode(
      module,
      "BA",
      { ikb_id: "C1", account_id: "A1", balance: "10.00" },
      [],
    );
    const out: Finding[] = [];
    module.checks.BA(
      a1,
      {
        rrd: day(RRD),
        ikb: { NP: [], BA: [] },
        ikbKey: "C1",
        previous: { NP: [], BA: [] },
      },
      out,
    );
    expect(out).toEqual([]);
    expect(Object.keys(module.gone ?? {})).toEqual(["BA"]);
    const t = module.trace.find((x) => x.code === "etc0103")!;
    expect(t.previous).toBe(true);
    expect(t.classification?.scope).toBe("outside");
    expect(t.entities).toEqual(["BA"]);
  });

  it("parses `for previous BA` and prints it back (regel fmt round trip)", () => {
    const { file, diagnostics } = parse(TEXT, "example.gone/1.0.0.regel");
    expect(diagnostics).toEqual([]);
    const rule = file.declarations.find((d) => d.kind === "Rule");
    expect(rule?.kind === "Rule" && rule.target).toMatchObject({
      kind: "RecordTarget",
      previous: true,
      entity: { name: "BA" },
    });
    expect(format(TEXT, "t.regel").text).toBe(TEXT);
  });
});
