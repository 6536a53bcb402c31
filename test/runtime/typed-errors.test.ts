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
  AmbiguousFieldError,
  InvalidArgumentError,
  InvalidCellError,
  InvalidChunkError,
  InvalidRowError,
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
  type IkbInput,
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

  it("a CSV header that names a column twice is rejected with its rows, as regel validate rejects the file", async () => {
    // validateCsv took the first last_name and returned the row as a record
    const rs = await fake();
    const out = await drain(
      validateCsv(
        rs,
        "NP",
        [
          "ikb_id,customer_id,last_name,last_name\n",
          "I1,C1,Jansen,Bakker\nI2,C2,de Vries,Smit\n",
        ],
        RRD,
      ),
    );
    expect(out).toEqual([
      {
        kind: "rejected",
        line: 1,
        code: "input.duplicate-column",
        message: 'column "last_name" appears more than once in the header',
      },
      ...[2, 3].map((line) => ({
        kind: "rejected",
        line,
        code: "input.duplicate-column",
        message:
          "the row is not read: the header names a column more than once",
      })),
    ]);
  });

  it("a CSV row that repeats the header is rejected, as regel validate's blocking input.repeated-header", async () => {
    // validateCsv returned it as a record of an IKB "ikb_id"
    const rs = await fake();
    const out = await drain(
      validateCsv(
        rs,
        "NP",
        [
          "ikb_id,customer_id,last_name\n",
          "I1,C1,Jansen\nikb_id,customer_id,last_name\nI2,C2,Smit\n",
          // with the byte order mark of a joined file's header
          "\ufeffikb_id,customer_id,last_name\nI3,C3,Visser\n",
        ],
        RRD,
      ),
    );
    expect(
      out.map((r) => [
        (r as { kind: string }).kind,
        (r as { line: number }).line,
      ]),
    ).toEqual([
      ["record", 2],
      ["rejected", 3],
      ["record", 4],
      ["rejected", 5],
      ["record", 6],
    ]);
    expect(out[1]).toEqual({
      kind: "rejected",
      line: 3,
      code: "input.repeated-header",
      message:
        'the row repeats the header (its IKB key is the column name "ikb_id"), as when files are joined: it is not read',
    });
  });

  it("a CSV chunk that is neither text nor bytes (an object-mode stream, a number, null) is an InvalidChunkError", async () => {
    // such chunks were skipped: an object-mode stream of rows gave no result and no error
    const rs = await fake();
    const row = { ikb_id: "I1", customer_id: "C1" };
    for (const [source, chunk, shown] of [
      [Readable.from([row, row]), 1, "a value of type object"],
      [["ikb_id,customer_id\nI1,C1\n", 42, "I2,C2\n"], 2, "the number 42"],
      [["ikb_id,customer_id\n", null], 2, "null"],
    ] as const) {
      const e = await drain(
        validateCsv(rs, "NP", source as Iterable<string>, RRD),
      ).catch((x) => x);
      expect(e).toBeInstanceOf(InvalidChunkError);
      expect(e).toBeInstanceOf(RegelError);
      expect(e).toMatchObject({
        code: "REGEL_INVALID_CHUNK",
        entity: "NP",
        chunk,
      });
      expect(e.message).toBe(
        `chunk ${chunk} of the NP CSV source is ${shown}, not text or bytes: give the CSV as string or Uint8Array chunks (a file stream not in object mode, a fetch body); validate rows already parsed with validateRecords`,
      );
    }
    // text and bytes (a Buffer, a plain Uint8Array) are read as before
    const ok = await drain(
      validateCsv(
        rs,
        "NP",
        [
          "ikb_id,customer_id\n",
          Buffer.from("I1,C1\n"),
          new TextEncoder().encode("I2,C2\n"),
        ],
        RRD,
      ),
    );
    expect(ok.map((r) => (r as { kind: string }).kind)).toEqual([
      "record",
      "record",
    ]);
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

  it("an IKB whose records are a Map or a single row is an InvalidArgumentError, never an IKB without records", async () => {
    const rs = await fake();
    const row = { ikb_id: "I1", customer_id: "C1" };
    const cases: [unknown, RegExp][] = [
      [
        new Map([["NP", [row]]]),
        /^records a value of type object: IKB 2 gives its records as a Map, whose entries are not read/,
      ],
      [
        undefined,
        /^records undefined: IKB 2 gives no object of rows per entity/,
      ],
      [{ NP: row }, /^records\.NP .*: IKB 2 gives no array of rows/],
    ];
    for (const [records, message] of cases) {
      const ikbs = [
        { key: "I0", records: { NP: [{ ikb_id: "I0", customer_id: "C0" }] } },
        { key: "I1", records },
      ] as IkbInput[];
      const e = await drain(validateIkbs(rs, ikbs, RRD)).catch((x) => x);
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e).toMatchObject({ code: "REGEL_INVALID_ARGUMENT" });
      expect(e.message).toMatch(message);
    }
    // an IKB that is no object at all
    const nothing = await drain(
      validateIkbs(rs, [null] as unknown as IkbInput[], RRD),
    ).catch((x) => x);
    expect(nothing).toBeInstanceOf(InvalidArgumentError);
    expect(nothing.message).toMatch(
      /^IKB 1 null: is not an IKB \(\{ key, records/,
    );
    // the plain object is read: one NP record
    const [result] = (await drain(
      validateIkbs(rs, [{ key: "I1", records: { NP: [row] } }], RRD),
    )) as { records: { NP: unknown[] } }[];
    expect(result.records.NP).toHaveLength(1);
  });

  it("a row that is not a plain object of its cells is an InvalidRowError, never a row of empty cells", async () => {
    // each of these was validated as a row with every cell empty
    const rs = await fake();
    class Getters {
      get ikb_id() {
        return "I1";
      }
      get last_name() {
        return "Jansen";
      }
    }
    const inherited = Object.create({ ikb_id: "I1", customer_id: "C1" });
    const cases: [unknown, RegExp][] = [
      [
        new Map([["ikb_id", "I1"]]),
        /^row 2 of NP: the row is a Map, whose entries are not read as cells; give each row as a plain object/,
      ],
      [
        new Getters(),
        /^row 2 of NP: "ikb_id" is not a property of the row's own but of its prototype \(an object of class Getters\)/,
      ],
      [
        inherited,
        /^row 2 of NP: "ikb_id" is not a property of the row's own but of its prototype \(an object made by Object.create\)/,
      ],
      [
        new String("I1"),
        /^row 2 of NP: the row \(an object of class String\) is a value, not an object of cells/,
      ],
      [
        new Uint8Array(3),
        /^row 2 of NP: the row \(an object of class Uint8Array\) is a value, not an object of cells/,
      ],
      [
        new Date(0),
        /^row 2 of NP: the row \(an object of class Date\) has no property of its own/,
      ],
      ["I1,C1", /^row 2 of NP: a value of type string is not a row/],
      [42, /^row 2 of NP: the number 42 is not a row/],
      [null, /^row 2 of NP: null is not a row/],
    ];
    for (const [row, message] of cases) {
      const rows = [{ ikb_id: "I0", customer_id: "C0" }, row] as RowInput[];
      const e = await drain(validateRecords(rs, "NP", rows, RRD)).catch(
        (x) => x,
      );
      expect(e).toBeInstanceOf(InvalidRowError);
      expect(e).toBeInstanceOf(RegelError);
      expect(e).toMatchObject({
        code: "REGEL_INVALID_ROW",
        entity: "NP",
        row: 2,
      });
      expect(e.message).toMatch(message);
      await expect(
        drain(validateIkbs(rs, [{ key: "I1", records: { NP: rows } }], RRD)),
      ).rejects.toBeInstanceOf(InvalidRowError);
    }
    // rows whose cells are their own properties are read, whatever made them: a class of a
    // database driver, an object without a prototype, an object of another realm (vm)
    class DriverRow {
      ikb_id = "I1";
      customer_id = "C1";
      last_name = "Jansen";
    }
    const bare = Object.assign(Object.create(null), {
      ikb_id: "I1",
      customer_id: "C1",
      last_name: "Jansen",
    });
    const { runInNewContext } = await import("node:vm");
    const foreign = runInNewContext(
      '({ ikb_id: "I1", customer_id: "C1", last_name: "Jansen" })',
    );
    const plain = { ikb_id: "I1", customer_id: "C1", last_name: "Jansen" };
    const results = await drain(
      validateRecords(
        rs,
        "NP",
        [plain, new DriverRow(), bare, foreign, runInNewContext("({})")],
        RRD,
      ),
    );
    const shown = (r: unknown) => {
      const { record, findings } = r as {
        record: object;
        findings: { rule: string }[];
      };
      return JSON.stringify([record, findings.map((f) => f.rule)]);
    };
    expect(results.slice(1, 4).map(shown)).toEqual(
      [1, 2, 3].map(() => shown(results[0])),
    );
    expect(shown(results[4])).toBe(
      shown((await drain(validateRecords(rs, "NP", [{}], RRD)))[0]),
    );
  });

  it("a field given under its field name and its column name with different cells is an AmbiguousFieldError", async () => {
    // one of the two silently won (the column's)
    const rs = await fake();
    const e = await drain(
      validateRecords(
        rs,
        "NP",
        [
          {
            ikb_id: "I1",
            customer_id: "C1",
            reliability: "BETROUWBAARHEID NIET GEGARANDEERD",
            reliability_indicator_code: "BETROUWBAAR",
          },
        ],
        RRD,
      ),
    ).catch((x) => x);
    expect(e).toBeInstanceOf(AmbiguousFieldError);
    expect(e).toBeInstanceOf(RegelError);
    expect(e).toMatchObject({
      code: "REGEL_AMBIGUOUS_FIELD",
      entity: "NP",
      field: "reliability",
      column: "reliability_indicator_code",
      row: 1,
    });
    expect(e.message).toBe(
      'row 1 of NP: NP.reliability is given twice, as "reliability" and as its column "reliability_indicator_code", with different cells; give it under one of the two names',
    );
    // an empty cell under one name and text under the other differ too
    for (const [byName, byColumn] of [
      ["X", null],
      ["", "X"],
    ])
      await expect(
        drain(
          validateIkbs(
            rs,
            [
              {
                key: "I1",
                records: {
                  NP: [
                    {
                      ikb_id: "I1",
                      customer_id: "C1",
                      reliability: byName,
                      reliability_indicator_code: byColumn,
                    },
                  ],
                },
              },
            ],
            RRD,
          ),
        ),
      ).rejects.toBeInstanceOf(AmbiguousFieldError);
    // the same cell under both names, or undefined (left out) under one, is that cell
    const value = "BETROUWBAARHEID NIET GEGARANDEERD";
    const reliability = async (row: RowInput) =>
      (
        (await drain(validateRecords(rs, "NP", [row], RRD)))[0] as {
          record: { reliability: unknown };
        }
      ).record.reliability;
    const base = { ikb_id: "I1", customer_id: "C1" };
    expect(
      await reliability({
        ...base,
        reliability: value,
        reliability_indicator_code: value,
      }),
    ).toBe(value);
    expect(
      await reliability({
        ...base,
        reliability: value,
        reliability_indicator_code: undefined,
      }),
    ).toBe(value);
    expect(
      await reliability({
        ...base,
        reliability: undefined,
        reliability_indicator_code: value,
      }),
    ).toBe(value);
    expect(
      await reliability({
        ...base,
        reliability: null,
        reliability_indicator_code: "",
      }),
    ).toBeUndefined();
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

  it("an RRD that is not a date, or none, is an InvalidRrdError from validateFolder and loadRuleset too", async () => {
    // validateFolder threw a plain Error (a CLI-worded RulesetLoadError without an RRD), and
    // loadRuleset chose a version by comparing any text with the validity dates
    for (const rrd of ["2023-02-30", "garbage", "2023-1-5", undefined]) {
      const folder = await validateFolder(".", {
        rrd: rrd as string,
        compiledRoot: COMPILED,
      }).catch((x) => x);
      expect(folder).toBeInstanceOf(InvalidRrdError);
      expect(folder.code).toBe("REGEL_INVALID_RRD");
      if (rrd === undefined) continue;
      for (const ruleset of ["fake.ikb", "fake.ikb@1.0.0"]) {
        const loaded = await loadRuleset(ruleset, {
          compiledRoot: COMPILED,
          rrd,
        }).catch((x) => x);
        expect(loaded).toBeInstanceOf(InvalidRrdError);
      }
    }
    const e = await validateFolder(".", {
      rrd: "2023-02-30",
      ruleset: "fake.ikb@1.0.0",
      compiledRoot: COMPILED,
    }).catch((x) => x);
    expect(e).toBeInstanceOf(InvalidRrdError);
    expect(e.message).toBe(
      'invalid RRD "2023-02-30": not a calendar day (2023-02 has no day 30); give the reporting reference date as YYYY-MM-DD, e.g. "2024-03-31"',
    );
  });

  it("every entry checks an RRD with the one check: the same InvalidRrdError for the same value", async () => {
    // three checks of their own (select-version, validate, delivery-state): validateDelivery read
    // a one-element array as its text and ran
    const rs = await fake();
    const folder = delivery({ "natural_person.csv": NP_HEADER });
    for (const rrd of [
      "2023-02-30",
      "2023-13-01",
      "31-12-2022",
      "",
      20221231,
      ["2022-12-31"],
      null,
    ]) {
      const opts = { rrd: rrd as string };
      const errors = [
        await drain(validateRecords(rs, "NP", [], opts)).catch((x) => x),
        await drain(validateIkbs(rs, [], opts)).catch((x) => x),
        await drain(validateCsv(rs, "NP", [], opts)).catch((x) => x),
        await validateFolder(folder, { ...opts, compiledRoot: COMPILED }).catch(
          (x) => x,
        ),
        await validateDelivery(folder, rs, opts).catch((x) => x),
        await loadRuleset("fake.ikb", {
          ...opts,
          compiledRoot: COMPILED,
        }).catch((x) => x),
      ];
      for (const e of errors) {
        expect(e, `${String(rrd)} #${errors.indexOf(e)}`).toBeInstanceOf(
          InvalidRrdError,
        );
        expect(e.message).toBe(new InvalidRrdError(rrd).message);
      }
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

  it("a delivery folder that is not a folder: InvalidArgumentError, as regel validate's exit 2", async () => {
    // the run resolved with a rejected delivery, every file reported missing
    for (const folder of [
      "/no/such/folder",
      "package.json",
      undefined as unknown as string,
    ]) {
      for (const ruleset of ["fake.ikb@1.0.0", undefined]) {
        const e = await validateFolder(folder, {
          rrd: "2023-01-01",
          compiledRoot: COMPILED,
          ...(ruleset === undefined ? {} : { ruleset }),
        }).catch((x) => x);
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect(e).toBeInstanceOf(RegelError);
        expect(e).toMatchObject({
          code: "REGEL_INVALID_ARGUMENT",
          argument: "folder",
        });
        expect(e.message).toBe(
          `folder ${JSON.stringify(folder)}: not a folder; give the path of the delivery folder`,
        );
      }
    }
  });

  it("an option regel validate refuses for its flag is an InvalidArgumentError, before any file is read", async () => {
    // each was taken: threads "x" ran one thread, maxSamples 1.5 gave two samples a rule, and
    // writeReport wrote a report.json its own schema refuses (maxSamples -1, maxFieldLength 0)
    const cases: [string, unknown, string][] = [
      ["threads", 0, 'expected "auto" or a whole number from 1 to 256'],
      ["threads", "x", 'expected "auto" or a whole number from 1 to 256'],
      ["threads", 257, 'expected "auto" or a whole number from 1 to 256'],
      ["sortBudget", 0, "expected a whole number, 1 or more"],
      ["maxFieldLength", 0, "expected a whole number, 1 or more"],
      ["maxRecordLength", "100", "expected a whole number, 1 or more"],
      ["maxIkbRows", 2.5, "expected a whole number, 1 or more"],
      ["maxSamples", -1, "expected a whole number, 0 or more"],
      ["maxSamples", 1.5, "expected a whole number, 0 or more"],
      [
        "generatedAt",
        "yesterday",
        "expected an ISO date-time with offset, e.g. 2024-04-03T14:05:00+02:00",
      ],
      ["tempDir", "/no/such/folder", "not a folder; give an existing folder"],
      ["previous", "/no/such/folder", "not a folder; give an existing folder"],
      ["onProgress", "yes", "expected a function"],
    ];
    for (const [option, value, problem] of cases) {
      const e = await validateFolder(".", {
        rrd: "2023-01-01",
        ruleset: "fake.ikb@1.0.0",
        compiledRoot: COMPILED,
        [option]: value,
      }).catch((x) => x);
      expect(e, option).toBeInstanceOf(InvalidArgumentError);
      expect(e).toMatchObject({
        code: "REGEL_INVALID_ARGUMENT",
        argument: option,
      });
      expect(e.message).toBe(`${option} ${JSON.stringify(value)}: ${problem}`);
    }
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
