/**
 * Row counts declared in a metadata file (issue 17 item 1): `for file E [when COND] require
 * count = M.f where k = "KEY"` compares the records of E (that meet COND: a subtype without a
 * file of its own) with the figure on the one record of M whose k is KEY, and `require sum f`
 * over M with a `when` adds up the subtypes' counts. A metadata file without the record (or with
 * two) is a finding of the rule; the compiled runtime and the reference interpreter agree on
 * random files (docs/language.md, "File totals").
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../compiler/contract.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { checkFiles } from "../../interpreter/reference-interpreter.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import type { Report } from "../../runtime/report-types.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

const RULESET = `ruleset t.meta@1.0.0
  valid from 2024-01-01
  source dda "Data delivery agreement"

entity AC "Account"
  file "account.csv"
  key ikb_id, account_id
  field ikb_id: text(4) required
  field account_id: text(4) required
  field pledged: boolean
  field attached: boolean

entity ETD "Entity type delivery"
  file "entity_type_delivery.csv" metadata
  key entity_type
  field entity_type: text(20) required
  field row_count: integer required

ikb "IKB"
  key ikb_id
  depositor AC by ikb_id

rule cnt001 "Accounts"
  meaning "The accounts number the declared count." from dda 1
  severity blocking
  implements dda 1
  for file AC
  require count = ETD.row_count where entity_type = "account"
  example fail file AC rows { account_id: "A1" } with ETD { entity_type: "account", row_count: 2 }
  example pass file AC rows { account_id: "A1" } with ETD { entity_type: "account", row_count: 1 }

rule cnt002 "Blocked accounts"
  meaning "The blocked accounts number the declared count." from dda 1
  severity blocking
  implements dda 1
  for file AC
  when pledged = true or attached = true
  require count = ETD.row_count where entity_type = "blocked"
  example fail file AC rows { account_id: "A1", pledged: true }, { account_id: "A2" } with ETD { entity_type: "blocked", row_count: 2 }
  example pass file AC rows { account_id: "A1", pledged: true }, { account_id: "A2" } with ETD { entity_type: "blocked", row_count: 1 }

rule cnt003 "Subtypes add up"
  meaning "The subtypes' counts add up to the accounts'." from dda 1
  severity blocking
  implements dda 1
  for file ETD
  when entity_type = "blocked" or entity_type = "open"
  require sum row_count = ETD.row_count where entity_type = "account"
  example fail file ETD rows { entity_type: "account", row_count: 3 }, { entity_type: "blocked", row_count: 1 }, { entity_type: "open", row_count: 1 }
  example pass file ETD rows { entity_type: "account", row_count: 3 }, { entity_type: "blocked", row_count: 1 }, { entity_type: "open", row_count: 2 }
`;

const RULES = ["cnt001", "cnt002", "cnt003"];

let loaded: LoadedRuleset;
let ruleset: ResolvedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(RULESET, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.meta@1.0.0"));
  const p = loadProjectFromTexts(new Map([["t.regel", RULESET]]));
  expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  ruleset = p.rulesets[0];
}, 120_000);

const csv = (header: string, rows: string[][]) =>
  [header, ...rows.map((r) => r.join(","))].join("\n") + "\n";

function totalsOf(report: Report) {
  return report.files
    .flatMap((f) => f.problems)
    .filter((p) => RULES.includes(p.code))
    .map((p) => ({
      rule: p.code,
      file: p.file,
      line: p.line ?? null,
      message: p.message,
    }));
}

async function run(accounts: string[][], metadata: string[][]) {
  const report = await validateDelivery(
    delivery({
      "account.csv": csv("ikb_id,account_id,pledged,attached", accounts),
      "entity_type_delivery.csv": csv("entity_type,row_count", metadata),
    }),
    loaded,
    { rrd: "2024-06-30", maxSamples: 100_000 },
  );
  return totalsOf(report);
}

describe("row counts of a metadata file", () => {
  it("name the subtype's condition, the metadata row's line and both counts", async () => {
    const found = await run(
      [
        ["I1", "A1", "true", ""],
        ["I1", "A2", "", "true"],
        ["I2", "A3", "false", ""],
      ],
      [
        ["account", "4"],
        ["blocked", "1"],
        ["open", "1"],
      ],
    );
    expect(found).toEqual([
      {
        rule: "cnt001",
        file: "account.csv",
        line: null,
        message:
          'AC has 3 records in account.csv; ETD.row_count where entity_type = "account" (entity_type_delivery.csv line 2) is 4: required count = ETD.row_count where entity_type = "account"',
      },
      {
        rule: "cnt002",
        file: "account.csv",
        line: null,
        message:
          'AC (records with pledged = true or attached = true) has 2 records in account.csv; ETD.row_count where entity_type = "blocked" (entity_type_delivery.csv line 3) is 1: required count = ETD.row_count where entity_type = "blocked" when pledged = true or attached = true',
      },
      {
        rule: "cnt003",
        file: "entity_type_delivery.csv",
        line: 2,
        message:
          'the sum of row_count over ETD (records with entity_type = "blocked" or entity_type = "open") in entity_type_delivery.csv is 2 (2 of 2 records with a valid row_count); ETD.row_count where entity_type = "account" (entity_type_delivery.csv line 2) is 4: required sum row_count = ETD.row_count where entity_type = "account" when entity_type = "blocked" or entity_type = "open"',
      },
    ]);
  });

  it("a `when` names the fields it reads, so the scan keeps only their cells, and one decode serves both of a row's", () => {
    const totals = loaded.module.fileTotals!;
    expect(totals.cnt002.whenFields).toEqual(["pledged", "attached"]);
    expect(totals.cnt003.whenFields).toEqual(["entity_type"]);
    expect(totals.cnt001.whenFields).toBeUndefined();
    expect(totals.cnt002.decode).toBeTypeOf("function");
    // the record the decode gives is what the `when` decodes by itself
    const cells = ["I1", "A1", "", "true"];
    const index = [0, 1, 2, 3];
    const ctx = { rrd: 0, ikb: {}, ikbKey: undefined };
    const record = totals.cnt002.decode!(cells, index);
    expect(totals.cnt002.when!(cells, index, ctx, record)).toBe(true);
    expect(totals.cnt002.when!(cells, index, ctx)).toBe(true);
    expect(totals.cnt002.when!(["I1", "A1", "", ""], index, ctx)).toBe(false);
  });

  it("hold when the counts agree", async () => {
    expect(
      await run(
        [
          ["I1", "A1", "true", ""],
          ["I2", "A3", "false", ""],
        ],
        [
          ["account", "2"],
          ["blocked", "1"],
          ["open", "1"],
        ],
      ),
    ).toEqual([]);
  });

  it("report a metadata file without the entity type's row, or with two", async () => {
    const found = await run(
      [["I1", "A1", "true", ""]],
      [
        ["blocked", "1"],
        ["blocked", "1"],
      ],
    );
    expect(found.map((f) => [f.rule, f.message])).toEqual([
      [
        "cnt001",
        'entity_type_delivery.csv has no ETD record with entity_type = "account", so ETD.row_count where entity_type = "account" is not one figure: required count = ETD.row_count where entity_type = "account"',
      ],
      [
        "cnt002",
        'entity_type_delivery.csv has 2 ETD records with entity_type = "blocked" (the last at line 3), so ETD.row_count where entity_type = "blocked" is not one figure: required count = ETD.row_count where entity_type = "blocked"',
      ],
      [
        "cnt003",
        'entity_type_delivery.csv has no ETD record with entity_type = "account", so ETD.row_count where entity_type = "account" is not one figure: required sum row_count = ETD.row_count where entity_type = "account"',
      ],
    ]);
  });

  it("metadata records belong to no IKB: they are not counted as IKBs", async () => {
    const report = await validateDelivery(
      delivery({
        "account.csv": csv("ikb_id,account_id,pledged,attached", [
          ["I1", "A1", "", ""],
        ]),
        "entity_type_delivery.csv": csv("entity_type,row_count", [
          ["account", "1"],
          ["blocked", "0"],
          ["open", "1"],
        ]),
      }),
      loaded,
      { rrd: "2024-06-30" },
    );
    expect(report.ikbs?.count).toBe(1);
    expect(report.ikbs?.ungroupedRows).toBe(0);
    expect(totalsOf(report)).toEqual([]);
  });
});

// ---------------------------------------------------------------- differential

const accountArb = fc.tuple(
  fc.constantFrom("I1", "I2"),
  fc.constantFrom("A1", "A2", "A3"),
  fc.constantFrom("true", "false", "", "x"),
  fc.constantFrom("true", "false", ""),
);
const metaArb = fc.tuple(
  fc.constantFrom("account", "blocked", "open", "other", ""),
  fc.constantFrom("0", "1", "2", "3", "", "z"),
);

function comparable(f: {
  rule: string;
  line?: number | null;
  message: string;
}) {
  return JSON.stringify([f.rule, f.line ?? null, f.message]);
}

describe("row counts: compiled runtime = reference interpreter", () => {
  it("on random files", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(accountArb, { maxLength: 6 }),
        fc.array(metaArb, { maxLength: 5 }),
        async (accounts, metadata) => {
          const compiled = (await run(accounts, metadata)).map(comparable);
          const file = (header: string[], rows: string[][]) => ({
            header,
            rows: rows.map((r) =>
              Object.fromEntries(header.map((n, i) => [n, r[i]])),
            ),
          });
          const interpreted = checkFiles(
            ruleset,
            {
              AC: file(
                ["ikb_id", "account_id", "pledged", "attached"],
                accounts,
              ),
              ETD: file(["entity_type", "row_count"], metadata),
            },
            undefined,
            "2024-06-30",
          )
            .filter((f: Finding) => RULES.includes(f.rule))
            .map(comparable);
          expect(compiled.sort()).toEqual(interpreted.sort());
          for (const c of compiled) seen.add(JSON.parse(c)[0]);
        },
      ),
      { numRuns: 80, seed: 20261204 },
    );
    expect([...seen].sort()).toEqual(RULES);
  });
});

// ---------------------------------------------------------------- the GLO's metadata files

describe("ikb.glo 1.3.0: a missing or malformed metadata file", () => {
  const work = mkdtempSync(join(tmpdir(), "regel-metadata-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function validateEdited(
    name: string,
    edit: (dir: string) => void,
  ): Promise<Report> {
    const dir = join(work, name);
    cpSync(join("examples", "ikb-delivery"), dir, { recursive: true });
    rmSync(join(dir, "ground-truth"), { recursive: true, force: true });
    edit(dir);
    const glo = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    return validateDelivery(dir, glo, { rrd: "2024-03-31" });
  }

  const problems = (r: Report, prefix: RegExp) =>
    r.files
      .flatMap((f) => f.problems)
      .filter((p) => prefix.test(p.code))
      .map((p) => [p.code, p.file, p.message]);

  it("the example delivery carries both metadata files and its counts hold", async () => {
    const r = await validateEdited("as-is", () => {});
    expect(r.status).toBe("accepted");
    expect(problems(r, /^(cnt|fil)/)).toEqual([]);
    expect(
      r.files.find((f) => f.file === "attribute_delivery.csv"),
    ).toMatchObject({
      readStatus: "read",
      rowsRead: 0,
    });
  });

  it("a missing metadata file is fil0005 (blocking), and its counts are not compared", async () => {
    const r = await validateEdited("missing", (dir) =>
      rmSync(join(dir, "entity_type_delivery.csv")),
    );
    expect(r.status).toBe("rejected");
    expect(problems(r, /^(cnt|fil)/)).toEqual([
      [
        "fil0005",
        "entity_type_delivery.csv",
        "file entity_type_delivery.csv (ETD) is not in the delivery",
      ],
    ]);
  });

  it("a header without row_count is fil0006; a wrong count is found by its rule", async () => {
    const headerless = await validateEdited("header", (dir) => {
      const p = join(dir, "entity_type_delivery.csv");
      writeFileSync(
        p,
        readFileSync(p, "utf8").replace("row_count", "rowcount"),
      );
    });
    expect(headerless.status).toBe("rejected");
    expect(problems(headerless, /^fil0006$/)).toHaveLength(1);
    expect(problems(headerless, /^fil0006$/)[0][1]).toBe(
      "entity_type_delivery.csv",
    );

    const wrong = await validateEdited("wrong", (dir) => {
      const p = join(dir, "entity_type_delivery.csv");
      writeFileSync(
        p,
        readFileSync(p, "utf8").replace(
          /^blocked_bank_account,(\d+)$/m,
          (_, n) => `blocked_bank_account,${Number(n) + 1}`,
        ),
      );
    });
    expect(problems(wrong, /^cnt/).map((p) => p[0])).toEqual([
      "cnt0008",
      "cnt0010",
    ]);
  });

  it("rows in attribute_delivery.csv are fil0007 (it is delivered empty)", async () => {
    const r = await validateEdited("attribute-rows", (dir) =>
      writeFileSync(
        join(dir, "attribute_delivery.csv"),
        "entity_type,attribute,attribute_total\nbank_account,balance,12.50\n",
      ),
    );
    expect(problems(r, /^fil0007$/)).toEqual([
      [
        "fil0007",
        "attribute_delivery.csv",
        "ATD has 1 record in attribute_delivery.csv: required count = 0",
      ],
    ]);
  });
});

describe("the record a file total's `when` reads", () => {
  it("decodes the fields the conditions read as the entity's decoder does (the shipped ikb.glo@1.3.0)", async () => {
    const { module: glo } = await loadCompiled(
      join(import.meta.dirname, "../../rulesets/compiled/ikb.glo@1.3.0"),
    );
    const totals = Object.values(glo.fileTotals ?? {}).filter(
      (t) => t.when !== undefined && t.decode !== undefined,
    );
    expect(totals.length).toBeGreaterThan(0);
    const cell = fc.constantFrom(
      "",
      "true",
      "false",
      "TRUE",
      "1",
      "x",
      "Unknown",
      "blocked_bank_account",
      "non_blocked_bank_account",
      "é",
    );
    fc.assert(
      fc.property(fc.array(cell, { minLength: 40, maxLength: 40 }), (cells) => {
        for (const t of totals) {
          const entity = glo.entities.find((e) =>
            (t.whenFields ?? []).every((n) =>
              e.fields.some((f) => f.name === n),
            ),
          )!;
          const index = entity.fields.map((_, i) => i);
          const ctx = { rrd: 19813, ikb: {}, ikbKey: undefined };
          const full = glo.decoders[entity.name](cells, index, []) as Record<
            string,
            unknown
          >;
          const part = t.decode!(cells, index) as Record<string, unknown>;
          // the condition on the partial record, and on the whole one the decoder gives
          expect(t.when!(cells, index, ctx, part)).toBe(
            t.when!(cells, index, ctx, full),
          );
          for (const n of t.whenFields ?? []) {
            expect(part[n]).toEqual(full[n]);
            for (const marks of ["$invalid", "$unknown"])
              expect(
                (part[marks] as Record<string, unknown> | undefined)?.[n],
              ).toEqual(
                (full[marks] as Record<string, unknown> | undefined)?.[n],
              );
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
