/**
 * Every example of docs/language.md (compiled here) and of every shipped ruleset (the committed
 * compiled modules) holds when the compiled validators run it, as `regel check` runs it
 * (cli/example-check.ts), and gives the verdict the reference interpreter gives. Also: the module
 * folder that `regel check` compiles is cached by content hash, and a ruleset with an error in its
 * chain is not run.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  chainFiles,
  checkExamplesCompiled,
  defaultCacheDir,
  runCompiledExamples,
} from "../../cli/example-check.js";
import { runExamples } from "../../interpreter/example-runner.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProject, loadProjectFromTexts } from "../../dsl/project.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { compileTexts, writeFiles } from "./compile-harness.js";

/** The complete `regel` blocks of docs/language.md, by a made-up path. */
function languageDocBlocks(): Map<string, string> {
  const md = readFileSync("docs/language.md", "utf8");
  return new Map(
    [...md.matchAll(/```regel\n([\s\S]*?)```/g)].map((m, i) => [
      `docs/language-${i + 1}.regel`,
      m[1],
    ]),
  );
}

async function expectExamplesHold(
  ruleset: ResolvedRuleset,
  loaded: LoadedRuleset,
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "regel-compile-examples-"));
  const compiled = await runCompiledExamples(ruleset, loaded, work);
  const wrong = compiled
    .filter((r) => r.actual !== r.expected)
    .map(
      (r) =>
        `${r.rule} ${r.example} at line ${r.span.start.line}: ${r.actual}${r.error ? ` (${r.error})` : ""}`,
    );
  expect(wrong).toEqual([]);
  // The reference interpreter agrees with the compiled validators on every example.
  expect(
    runExamples(ruleset).map((r) => `${r.rule} ${r.example} ${r.actual}`),
  ).toEqual(compiled.map((r) => `${r.rule} ${r.example} ${r.actual}`));
  if (ruleset.rules.some((r) => r.decl.examples.length > 0))
    expect(compiled.length).toBeGreaterThan(0);
}

describe("docs/language.md examples through compiled modules", async () => {
  const texts = languageDocBlocks();
  const result = await compileTexts(Object.fromEntries(texts));
  const dir = writeFiles(result);
  const project = loadProjectFromTexts(texts);
  for (const ruleset of project.rulesets) {
    it(`${ruleset.id}`, async () => {
      await expectExamplesHold(
        ruleset,
        await loadCompiled(join(dir, "out", ruleset.id)),
      );
    });
  }
});

describe("shipped examples through the committed compiled modules", async () => {
  const project = await loadProject(["rulesets"]);
  for (const ruleset of project.rulesets) {
    it(`${ruleset.id}: every example gives the expected verdict`, async () => {
      await expectExamplesHold(
        ruleset,
        await loadCompiled(resolve("rulesets/compiled", ruleset.id)),
      );
    });
  }
});

const RULESET = `ruleset t.cache@1.0.0
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key customer_id
  field customer_id: text(40) required
  field last_name: text(10)

rule dmc0001 "Naam ontbreekt"
  assumption "a test rule"
  severity signalling
  implements br art 1
  for NP.last_name
  require value is present
  example fail NP { customer_id: "C" }
  example pass NP { customer_id: "C", last_name: "X" }
`;

describe("regel check's compiled modules", () => {
  it("are cached by content hash: a changed ruleset is compiled again, an unchanged one is not", async () => {
    const cache = mkdtempSync(join(tmpdir(), "regel-cache-"));
    const entries = () => readdirSync(join(cache, "examples")).sort();
    const p1 = loadProjectFromTexts(new Map([["t.regel", RULESET]]));
    expect(await checkExamplesCompiled(p1, { cacheDir: cache })).toEqual({
      diagnostics: [],
      examples: 2,
    });
    const first = entries();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(
      readFileSync(join(cache, "examples", first[0], "validators.js"), "utf8"),
    ).toContain("t.cache@1.0.0");

    // A damaged entry is dropped and rebuilt, never run. (The first run loaded its module from
    // a private folder, so this process has not imported the entry yet.)
    const js = join(cache, "examples", first[0], "validators.js");
    writeFileSync(js, "export const metadata = (;\n");
    expect(await checkExamplesCompiled(p1, { cacheDir: cache })).toEqual({
      diagnostics: [],
      examples: 2,
    });
    expect(entries()).toEqual(first);
    expect(readFileSync(js, "utf8")).toContain("t.cache@1.0.0");

    // Unchanged sources: the entry is used as it is.
    const before = statSync(js).ino;
    expect(await checkExamplesCompiled(p1, { cacheDir: cache })).toEqual({
      diagnostics: [],
      examples: 2,
    });
    expect(entries()).toEqual(first);
    expect(statSync(js).ino).toBe(before);

    // The example now contradicts the rule: a new entry, and the verdict of the new module.
    const changed = RULESET.replace(
      'example pass NP { customer_id: "C", last_name: "X" }',
      'example pass NP { customer_id: "C" }',
    );
    const p2 = loadProjectFromTexts(new Map([["t.regel", changed]]));
    const { diagnostics } = await checkExamplesCompiled(p2, {
      cacheDir: cache,
    });
    expect(diagnostics.map((d) => `${d.code} ${d.span.start.line}`)).toEqual([
      "REG408 17",
    ]);
    expect(entries()).toHaveLength(2);
  });

  it("are compiled again when a table's CSV file changes, though the .regel text does not", async () => {
    const cache = mkdtempSync(join(tmpdir(), "regel-cache-"));
    const text = `ruleset t.rates@1.0.0
  source bk "Bk"

table eur_rates "Rates"
  file "rates.csv"
  column currency: text key
  column rate: decimal

entity BA "Bank account"
  file "bank_account.csv"
  key account_id
  field account_id: text(40) required
  field currency: text(3)

rule cur0001 "Onbekende valuta"
  assumption "a"
  severity signalling
  implements bk hoofdstuk 3
  for BA
  when currency is present
  require currency in eur_rates
  example pass BA { account_id: "A1", currency: "USD" }
  example fail BA { account_id: "A1", currency: "XYZ" }
`;
    const project = (rates: string) =>
      loadProjectFromTexts(
        new Map([["t.regel", text]]),
        undefined,
        new Map([["rates.csv", rates]]),
      );
    const before = project("currency,rate\nEUR,1.0\nUSD,0.9\n");
    expect(before.diagnostics).toEqual([]);
    expect(await checkExamplesCompiled(before, { cacheDir: cache })).toEqual({
      diagnostics: [],
      examples: 2,
    });
    // USD removed, XYZ added: both examples are now wrong
    const after = project("currency,rate\nEUR,1.0\nXYZ,0.9\n");
    const { diagnostics } = await checkExamplesCompiled(after, {
      cacheDir: cache,
    });
    expect(diagnostics.map((d) => `${d.code} ${d.span.start.line}`)).toEqual([
      "REG408 22",
      "REG408 23",
    ]);
    expect(readdirSync(join(cache, "examples"))).toHaveLength(2);
  });

  it("write a windows-1252 file example in windows-1252: € and ¬ stay two names", async () => {
    const text = `ruleset t.cp@1.0.0
  source spec "Spec"

entity CU "Customer"
  file "customers.txt" delimiter ";" encoding "windows-1252"
  key customer_id
  field customer_id: text(20) required
  field name: text(100)

rule dup002 "Same name"
  assumption "a"
  severity blocking
  implements spec 1
  for file CU
  require unique name
  example fail file CU rows { customer_id: "C1", name: "€" }, { customer_id: "C2", name: "¬" }
  example pass file CU rows { customer_id: "C1", name: "Œ" }, { customer_id: "C2", name: "Š" }
`;
    const p = loadProjectFromTexts(new Map([["t.regel", text]]));
    expect(p.diagnostics).toEqual([]);
    const { diagnostics } = await checkExamplesCompiled(p, { cacheDir: null });
    expect(diagnostics.map((d) => `${d.code} ${d.span.start.line}`)).toEqual([
      "REG408 16",
    ]);
  });

  it("refuse an example value with the delimiter of a `quote none` file (REG410), on the record and the file path", async () => {
    const text = `ruleset t.qn@1.0.0
  source spec "Spec"

entity CU "Customer"
  file "customers.txt" delimiter "|" quote none
  key customer_id
  field customer_id: text(20) required
  field name: text(100)

rule dup002 "Same name"
  assumption "a"
  severity blocking
  implements spec 1
  for file CU
  require unique name
  example fail file CU rows { customer_id: "C1", name: "A|B" }, { customer_id: "C2", name: "A|B" }
  example pass file CU rows { customer_id: "C1", name: "A" }, { customer_id: "C2", name: "B" }

rule nm001 "Name"
  assumption "a"
  severity blocking
  implements spec 1
  for CU
  require name != "A|B"
  example fail CU { customer_id: "C1", name: "A|B" }
  example pass CU { customer_id: "C1", name: "A" }
`;
    const p = loadProjectFromTexts(new Map([["t.regel", text]]));
    expect(p.diagnostics).toEqual([]);
    const { diagnostics } = await checkExamplesCompiled(p, { cacheDir: null });
    expect(
      diagnostics.map((d) => `${d.code} ${d.span.start.line}`).sort(),
    ).toEqual(["REG410 16", "REG410 25"]);
    expect(diagnostics[0].message).toContain(
      'name "A|B" holds the delimiter "|" of customers.txt, which is written `quote none`',
    );
  });

  it("refuse a date or decimal string written in the file's dialect (REG410): a record example would read it as no value, a file example's file as a valid one", async () => {
    const text = `ruleset t.dia@1.0.0
  source spec "Spec"

entity CU "Customer"
  file "customers.txt" delimiter "|" header none dates "DDMMYYYY" decimal ","
  key customer_id
  field customer_id: text(20) required
  field opened_on: date format "DD-MM-YYYY"
  field born: date
  field balance: money

rule scv001 "Balance"
  assumption "a"
  severity blocking
  implements spec 1
  for CU
  require balance = 12.50
  example fail CU { customer_id: "C1", balance: "12,50" }
  example pass CU { customer_id: "C1", balance: 12.50 }
  example fail CU { customer_id: "C1", balance: "12.5x", opened_on: "31012020", born: "2020-01-31" }

rule scv002 "Sum"
  assumption "a"
  severity blocking
  implements spec 1
  for file CU
  require sum balance = 12.50
  example pass file CU rows { customer_id: "C1", balance: "12,50" }
  example fail file CU rows { customer_id: "C1", opened_on: "31-01-2020" }
  example pass file CU rows { customer_id: "C1", balance: "12.50", born: "31012020" }
  example fail file CU rows { customer_id: "C1", balance: 12.40 }
`;
    const p = loadProjectFromTexts(new Map([["t.regel", text]]));
    expect(p.diagnostics).toEqual([]);
    const { diagnostics } = await checkExamplesCompiled(p, { cacheDir: null });
    expect(
      diagnostics.map((d) => `${d.code} ${d.span.start.line}`).sort(),
    ).toEqual(["REG410 18", "REG410 28", "REG410 29", "REG410 30"]);
    expect(diagnostics.map((d) => d.message).sort()[0]).toContain(
      'balance "12,50" is written as customers.txt writes it (decimal ","), not canonically',
    );
  });

  it("are not built for a ruleset with an error in its chain", async () => {
    const cache = mkdtempSync(join(tmpdir(), "regel-cache-"));
    const broken = `${RULESET}  example pass NP { customer_id: "C", last_nam: "X" }\n`;
    const p = loadProjectFromTexts(new Map([["t.regel", broken]]));
    expect(p.diagnostics.map((d) => d.code)).toEqual(["REG402"]);
    expect(await checkExamplesCompiled(p, { cacheDir: cache })).toEqual({
      diagnostics: [],
      examples: 0,
    });
    expect(() => readdirSync(join(cache, "examples"))).toThrow();
  });

  it("the cache folder follows REGEL_CACHE_DIR, then XDG_CACHE_HOME, and can be turned off", () => {
    expect(defaultCacheDir({ REGEL_CACHE_DIR: "/x/c" })).toBe("/x/c");
    expect(defaultCacheDir({ REGEL_CACHE_DIR: "off" })).toBeUndefined();
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x/xdg" })).toBe("/x/xdg/regel");
  });

  it("a ruleset's chain is its own file and those it extends or uses", async () => {
    const project = await loadProject(["rulesets"]);
    const glo13 = project.rulesets.find((r) => r.id === "ikb.glo@1.3.0")!;
    expect(chainFiles(project, glo13)).toEqual([
      "rulesets/ikb.glo/1.2.0.regel",
      "rulesets/ikb.glo/1.3.0.regel",
    ]);
  });
});

/** A version of `t.valid` with the given header clauses and a rule that compares a date with the RRD. */
const validityVersion = (
  version: string,
  clauses: string,
  require: string,
  examples: string,
) => `ruleset t.valid@${version}
${clauses}
  source br "Beleidsregel"

entity EV "Event"
  file "ev.csv"
  key event_id
  field event_id: text(10) required
  field day: date

rule dmc0001 "Dag"
  assumption "a test rule"
  severity signalling
  implements br art 1
  for EV
  require ${require}
${examples}
`;

describe("the RRD of an example lies within its version's validity", () => {
  it("an example without rrd runs on the version's nearest valid day when 2024-01-01 is outside it", async () => {
    const texts = new Map([
      [
        "ended.regel",
        validityVersion(
          "1.0.0",
          "  valid from 2020-01-01 until 2023-07-01",
          "day >= rrd",
          `  example fail EV { event_id: "E", day: 2023-06-29 }
  example pass EV { event_id: "E", day: 2023-06-30 }`,
        ).replace("t.valid@", "t.ended@"),
      ],
      [
        "later.regel",
        validityVersion(
          "1.0.0",
          "  valid from 2025-03-01",
          "day <= rrd",
          `  example fail EV { event_id: "E", day: 2025-03-02 }
  example pass EV { event_id: "E", day: 2025-03-01 }`,
        ).replace("t.valid@", "t.later@"),
      ],
    ]);
    const p = loadProjectFromTexts(texts);
    expect(p.diagnostics).toEqual([]);
    expect(await checkExamplesCompiled(p, { cacheDir: null })).toMatchObject({
      diagnostics: [],
      examples: 4,
    });
    // the reference interpreter runs them on the same days
    for (const ruleset of p.rulesets)
      expect(runExamples(ruleset).map((r) => [r.example, r.actual])).toEqual([
        ["fail#1", "fail"],
        ["pass#1", "pass"],
      ]);
  });

  it("an inherited example whose rrd the inheriting version is not valid on is not run by it", async () => {
    const texts = new Map([
      [
        "1.0.0.regel",
        validityVersion(
          "1.0.0",
          "  valid from 2020-01-01 until 2023-07-01",
          "day >= rrd",
          `  example fail rrd 2023-06-30 EV { event_id: "E", day: 2023-06-29 }
  example pass rrd 2023-06-30 EV { event_id: "E", day: 2023-06-30 }
  example pass EV { event_id: "E", day: 2024-01-01 }
  example fail EV { event_id: "E", day: 2019-01-01 }`,
        ),
      ],
      [
        "1.1.0.regel",
        `ruleset t.valid@1.1.0
  extends t.valid@1.0.0
  valid from 2023-07-01
  source br "Beleidsregel"
`,
      ],
    ]);
    const p = loadProjectFromTexts(texts);
    expect(p.diagnostics).toEqual([]);
    // 1.0.0 runs its four; 1.1.0 only the two without rrd (on 2024-01-01)
    expect(await checkExamplesCompiled(p, { cacheDir: null })).toMatchObject({
      diagnostics: [],
      examples: 6,
    });
    const inheriting = p.rulesets.find((r) => r.id === "t.valid@1.1.0")!;
    expect(runExamples(inheriting).map((r) => [r.example, r.actual])).toEqual([
      ["pass#2", "pass"],
      ["fail#2", "fail"],
    ]);
  });

  it("a rule whose every fail example the inheriting version skips (rrd outside its validity) is warning REG413 there", () => {
    const texts = new Map([
      [
        "1.0.0.regel",
        validityVersion(
          "1.0.0",
          "  valid from 2020-01-01 until 2023-07-01",
          "day >= rrd",
          `  example fail rrd 2023-06-30 EV { event_id: "E", day: 2023-06-29 }
  example pass EV { event_id: "E", day: 2024-01-01 }`,
        ),
      ],
      [
        "1.1.0.regel",
        `ruleset t.valid@1.1.0
  extends t.valid@1.0.0
  valid from 2023-07-01
  source br "Beleidsregel"
`,
      ],
    ]);
    const p = loadProjectFromTexts(texts);
    expect(
      p.diagnostics.map((d) => [d.code, d.severity, d.message, d.span.file]),
    ).toEqual([
      [
        "REG413",
        "warning",
        "rule `dmc0001` runs no `fail` example in t.valid@1.1.0: 1 inherited example(s) give an `rrd` outside its validity (valid from 2023-07-01) and do not run here",
        "1.0.0.regel",
      ],
    ]);
  });
});
