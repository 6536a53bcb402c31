/**
 * Bad input to the embedding API (issue 13 "Bad input" and item 4): a wrong entity name, a wrong
 * column name, a cell that is not text, an RRD that is not a date and a ruleset that is not
 * compiled reach the caller as typed errors (runtime/errors.ts) with a stable code and a message
 * that says what to do — from every entry (validateRecords, validateIkbs, validateCsv,
 * loadRuleset, validateFolder). A column is never silently ignored.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InvalidCellError,
  InvalidRrdError,
  loadRuleset,
  RegelError,
  RulesetLoadError,
  UnknownColumnError,
  UnknownEntityError,
  UnknownRulesetError,
  validateCsv,
  validateFolder,
  validateIkbs,
  validateRecords,
  type RowInput,
} from "../../runtime/index.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { deliveryFileNameProblem as runtimeFileNameProblem } from "../../compiler/contract.js";
import { deliveryFileNameProblem as checkerFileNameProblem } from "../../dsl/file-dialect.js";
import { BA_HEADER, COMPILED, delivery, fake, NP_HEADER } from "./helpers.js";

async function drain(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const RRD = { rrd: "2022-12-31" };

describe("typed errors of the embedding API", () => {
  it("an unknown entity: UnknownEntityError naming the entities, with a suggestion", async () => {
    const rs = await fake();
    const e = await drain(validateRecords(rs, "np", [], RRD)).catch((x) => x);
    expect(e).toBeInstanceOf(UnknownEntityError);
    expect(e).toBeInstanceOf(RegelError);
    expect(e.code).toBe("REGEL_UNKNOWN_ENTITY");
    expect(e.entity).toBe("np");
    expect(e.message).toMatch(
      /unknown entity "np" \(did you mean "NP"\?\) in fake\.ikb@1\.0\.0: use one of NP/,
    );
    await expect(
      drain(validateIkbs(rs, [{ key: "K", records: { XX: [] } }], RRD)),
    ).rejects.toBeInstanceOf(UnknownEntityError);
    await expect(
      drain(validateCsv(rs, "XX", ["a\n"], RRD)),
    ).rejects.toBeInstanceOf(UnknownEntityError);
  });

  it("an unknown column: UnknownColumnError with the row, the column, a suggestion and the columns", async () => {
    const rs = await fake();
    const rows = [
      { ikb_id: "I1", customer_id: "C1" },
      { ikb_id: "I1", customer_id: "C2", last_nmae: "Jansen" },
    ];
    const e = await drain(validateRecords(rs, "NP", rows, RRD)).catch((x) => x);
    expect(e).toBeInstanceOf(UnknownColumnError);
    expect(e).toMatchObject({
      code: "REGEL_UNKNOWN_COLUMN",
      entity: "NP",
      column: "last_nmae",
      row: 2,
    });
    expect(e.message).toMatch(
      /^row 2 of NP: unknown column "last_nmae" \(did you mean "last_name"\?\); the columns of NP are ikb_id, customer_id, last_name/,
    );
    // rows as cells: more cells than the entity has fields
    const cells = await drain(
      validateRecords(
        rs,
        "NP",
        [["I1", "C1", "J", "1970-01-01", "", "extra"]],
        RRD,
      ),
    ).catch((x) => x);
    expect(cells).toBeInstanceOf(UnknownColumnError);
    // in an IKB too
    await expect(
      drain(
        validateIkbs(
          rs,
          [{ key: "I1", records: { NP: [{ lastname: "x" }] } }],
          RRD,
        ),
      ),
    ).rejects.toBeInstanceOf(UnknownColumnError);
  });

  it("a CSV header column that the entity does not have is reported, not ignored", async () => {
    const rs = await fake();
    const out = await drain(
      validateCsv(
        rs,
        "NP",
        Readable.from(["ikb_id,customer_id,last_nmae\nI1,C1,Jansen\n"]),
        RRD,
      ),
    );
    expect(out[0]).toMatchObject({
      kind: "rejected",
      line: 1,
      code: "input.unknown-column",
    });
    expect((out[0] as { message: string }).message).toMatch(
      /unknown column "last_nmae" \(did you mean "last_name"\?\).*its cells are not read/,
    );
    expect(out[1]).toMatchObject({ kind: "record", line: 2 });
  });

  it('any cell that is not text is an InvalidCellError; empty may be "", null, undefined or left out', async () => {
    const rs = await fake();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.bigInt(),
          fc.date(),
          fc.array(fc.string(), { maxLength: 2 }),
          fc.object({ maxDepth: 0 }),
        ),
        async (value) => {
          const row = { ikb_id: "I1", customer_id: "C1", date_of_birth: value };
          const e = await drain(
            validateRecords(rs, "NP", [row as unknown as RowInput], RRD),
          ).catch((x) => x);
          expect(e).toBeInstanceOf(InvalidCellError);
          expect(e.code).toBe("REGEL_INVALID_CELL");
          expect(e.message).toMatch(
            /^row 1 of NP, column date_of_birth: .* is not text; pass every cell as its CSV text/,
          );
        },
      ),
      { numRuns: 40 },
    );
    const empty = await drain(
      validateRecords(
        rs,
        "NP",
        [
          { ikb_id: "I1", customer_id: "C1", last_name: "" },
          { ikb_id: "I1", customer_id: "C1", last_name: null },
          { ikb_id: "I1", customer_id: "C1", last_name: undefined },
          { ikb_id: "I1", customer_id: "C1" },
        ],
        RRD,
      ),
    );
    const rules = (r: unknown) =>
      (r as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    expect(new Set(empty.map((r) => JSON.stringify(rules(r)))).size).toBe(1);
  });

  it("an RRD that is not a date: InvalidRrdError saying the format", async () => {
    const rs = await fake();
    for (const rrd of [
      "2022-13-01",
      "31-12-2022",
      "",
      20221231 as unknown as string,
    ]) {
      const e = await drain(validateRecords(rs, "NP", [], { rrd })).catch(
        (x) => x,
      );
      expect(e).toBeInstanceOf(InvalidRrdError);
      expect(e.message).toMatch(
        /give the reporting reference date as YYYY-MM-DD/,
      );
    }
  });

  it("a ruleset that is not compiled: UnknownRulesetError listing what is, with a suggestion", async () => {
    const e = await loadRuleset("fake.ikb@1.9.0", {
      compiledRoot: COMPILED,
    }).catch((x) => x);
    expect(e).toBeInstanceOf(UnknownRulesetError);
    expect(e).toBeInstanceOf(RulesetLoadError);
    expect(e.code).toBe("REGEL_UNKNOWN_RULESET");
    expect(e.available).toEqual([
      "fake.groeipad@1.0.0",
      "fake.ikb@1.0.0",
      "fake.ikb@1.1.0",
    ]);
    expect(e.message).toMatch(
      /ruleset fake\.ikb@1\.9\.0 is not compiled \(did you mean "fake\.ikb@1\.0\.0"\?\): the compiled rulesets in .* are fake\.groeipad@1\.0\.0, fake\.ikb@1\.0\.0, fake\.ikb@1\.1\.0/,
    );
    await expect(
      loadRuleset("fake.ibk", { compiledRoot: COMPILED, rrd: "2023-01-01" }),
    ).rejects.toBeInstanceOf(UnknownRulesetError);
    await expect(
      validateFolder(".", {
        rrd: "2023-01-01",
        ruleset: "nope",
        compiledRoot: COMPILED,
      }),
    ).rejects.toBeInstanceOf(UnknownRulesetError);
    const loaded = await loadRuleset("fake.ikb", {
      compiledRoot: COMPILED,
      rrd: "2023-07-01",
    });
    expect(loaded.module.metadata.id).toBe("fake.ikb@1.1.0");
    await expect(
      loadRuleset("fake.ikb", { compiledRoot: COMPILED }),
    ).rejects.toThrow(
      /give the version \(e\.g\. fake\.ikb@1\.0\.0\), or an rrd/,
    );
  });

  it("a module whose entity's file is not a plain file name: RulesetLoadError, and nothing outside the folder is read", async () => {
    const rs = await fake();
    const dir = delivery({ "bank_account.csv": BA_HEADER });
    // the file a hand-made module points at, beside the delivery folder: a valid one
    writeFileSync(
      join(dirname(dir), "np-outside.csv"),
      `${NP_HEADER}I1,C1,Jansen,1980-01-01,1\n`,
    );
    const hostile = {
      ...rs,
      module: {
        ...rs.module,
        entities: rs.module.entities.map((e) =>
          e.name === "NP" ? { ...e, file: "../np-outside.csv" } : e,
        ),
      },
    };
    const e = await validateDelivery(dir, hostile, RRD).catch((x) => x);
    expect(e).toBeInstanceOf(RulesetLoadError);
    expect(e.code).toBe("REGEL_RULESET_LOAD");
    expect(e.message).toMatch(
      /"\.\.\/np-outside\.csv" is not the name of a file in a delivery folder/,
    );
  });

  it("loading a module whose entity's file is a path: RulesetLoadError before any run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-hostile-module-"));
    const from = join(COMPILED, "fake.ikb@1.0.0");
    for (const name of readdirSync(from))
      writeFileSync(
        join(dir, name),
        readFileSync(join(from, name), "utf8").replaceAll(
          '"natural_person.csv"',
          '"../../np.csv"',
        ),
      );
    const e = await loadCompiled(dir).catch((x) => x);
    expect(e).toBeInstanceOf(RulesetLoadError);
    expect(e.message).toMatch(
      /the file "\.\.\/\.\.\/np\.csv" of entity NP is not the name of a file in a delivery folder/,
    );
  });

  it("the runtime refuses exactly the file names the checker refuses (REG151)", () => {
    const names = [
      "natural_person.csv",
      "a..b.csv",
      "",
      ".",
      "..",
      "../x.csv",
      "/etc/passwd",
      "sub/x.csv",
      "..\\x.csv",
      "C:x.csv",
      "x\u0000.csv",
      "x\n.csv",
    ];
    for (const name of names)
      expect([name, runtimeFileNameProblem(name)]).toEqual([
        name,
        checkerFileNameProblem(name),
      ]);
    expect(runtimeFileNameProblem("natural_person.csv")).toBeUndefined();
    expect(runtimeFileNameProblem("a..b.csv")).toBeUndefined();
    expect(runtimeFileNameProblem("../x.csv")).toBeDefined();
  });
});
