/**
 * The clause tables of `dsl/parser-grammar.ts` drive the grammar, the repeat and order checks
 * (REG122, REG123), where parsing resumes after an error, the clauses REG116 offers and the
 * printer's order. This test takes every row of every table through all of them, with one sample
 * per way the clause starts: a clause added to a table needs a sample here (the type checker asks
 * for it) and is then tested like every other.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../dsl/diagnostics.js";
import { parse } from "../../dsl/parser.js";
import {
  CLAUSE_TABLES,
  type ClauseKind,
  type ClauseName,
} from "../../dsl/parser-grammar.js";
import { print } from "../../dsl/printer.js";

/** The head of a declaration of each kind (the header's is the whole file's first line). */
const HEADS: Record<ClauseKind, string> = {
  RulesetHeader: "ruleset t.clauses@1.0.0",
  CodeList: "codelist c",
  Entity: "entity E",
  ExtendEntity: "extend entity E",
  ExtendCategory: "extend category c",
  ExtendCodeList: "extend codelist c",
  Ikb: "ikb",
  Rule: 'rule r "t"',
  Category: 'category c "t"',
  Payout: 'payout p 1 "t"',
  Metric: "metric m: percent",
  Norm: "norm n",
  Measure: 'measure m "t"',
  Calendar: "calendar c",
  Parameter: "parameter p: money",
  Table: "table t",
  Aggregate: 'aggregate a "t"',
  Reconcile: 'reconcile q "t"',
  Plausibility: 'plausibility p "t"',
};

/** One sample per clause and per way it starts (in the order of its `starts`). */
const SAMPLES: { [K in ClauseKind]: Record<ClauseName<K>, string[]> } = {
  RulesetHeader: {
    extends: ["extends t.base@1.0.0"],
    uses: ["uses t.other@1.0.0"],
    valid: ["valid from 2024-01-01"],
    source: ['source bk "Beoordelingskader"'],
    assumption: ['assumption "a"'],
  },
  CodeList: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    value: ['value "A"'],
  },
  Entity: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    file: [
      // with every option of a file dialect, so that they go through the printer and recovery too
      'file "e.txt" delimiter "|" quote none encoding "windows-1252" header none dates "DDMMYYYY" decimal "," optional',
    ],
    key: ["key id"],
    role: ["role by id"],
    field: ["field id: text optional"],
  },
  ExtendEntity: {
    field: ["field x: text", "replace field x: text"],
    remove: ["remove field y"],
  },
  ExtendCategory: {
    result: ["result r (D) on E.x"],
    marking: ['marking E.x = "A" (V)'],
    remove: ["remove result r", 'remove marking E.x = "B"'],
  },
  ExtendCodeList: {
    value: ['value "A" "a"'],
    remove: ['remove value "B"'],
  },
  Ikb: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    key: ["key id"],
    depositor: ["depositor E by id"],
  },
  Rule: {
    meaning: ['meaning "m"'],
    assumption: ['assumption "a"'],
    severity: ["severity blocking"],
    class: ["class tuple"],
    scope: ["scope within delivery"],
    applies: ["applies to D"],
    implements: ["implements bk 1"],
    for: ["for E"],
    when: ["when x = 1"],
    require: ["require x is present"],
    message: ['message "m"'],
    example: ["example pass E { x: 1 }"],
  },
  Category: {
    assumption: ['assumption "a"'],
    blocks: ["blocks p"],
    implements: ["implements bk 1"],
    result: ["result r"],
    marking: ['marking E.x = "A"'],
  },
  Payout: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
  },
  Metric: {
    assumption: ['assumption "a"'],
  },
  Plausibility: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    compare: ["compare peers"],
    window: ["window 8"],
    minimum: ["minimum 4"],
    method: ["method robust_z"],
    threshold: ["threshold 3.5"],
    watch: ["watch ikbs, findings dmc0000, aggregate depositors"],
  },
  Norm: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    period: [
      "year 2024: m >= 90 %",
      "from 2024-01-01: m >= 90 %, aim m >= 100 %",
    ],
  },
  Measure: {
    assumption: ['assumption "a"'],
    kind: ["kind formal"],
    character: ["character remedial"],
    implements: ["implements bk 1"],
    basis: ["basis bk 1"],
    precondition: ['precondition "p"'],
    fine: ["fine category 1 base 100 EUR"],
  },
  Calendar: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    weekend: ["weekend saturday"],
    holiday: ['holiday h "H" on 1 january'],
  },
  Parameter: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    from: ["from 2024-01-01 value 100000.00"],
  },
  Table: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    file: ['file "t.csv"'],
    column: ["column c: text key"],
    row: ['row "A"'],
  },
  Aggregate: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    count: ["count ikb"],
    sum: ["sum E.x"],
    proportion: ["proportion ikb"],
    in: ["in category c"],
    with: ['with E.x = "A"'],
  },
  Reconcile: {
    assumption: ['assumption "a"'],
    implements: ["implements bk 1"],
    figure: ["figure f = a tolerance 0.5 %"],
  },
};

/** A file holding one declaration of `kind` with these clause lines. */
function file(kind: ClauseKind, clauses: string[]): string {
  const body = [HEADS[kind], ...clauses.map((c) => `  ${c}`)].join("\n");
  return kind === "RulesetHeader"
    ? `${body}\n`
    : `${HEADS.RulesetHeader}\n\n${body}\n`;
}

function diagnostics(text: string): Diagnostic[] {
  return parse(text, "clauses.regel").diagnostics;
}

const codes = (text: string): string[] => diagnostics(text).map((d) => d.code);

const kinds = Object.keys(CLAUSE_TABLES) as ClauseKind[];

describe("clause tables", () => {
  for (const kind of kinds) {
    const table = CLAUSE_TABLES[kind];
    const samples = SAMPLES[kind] as Record<string, string[]>;
    describe(kind, () => {
      it("has a sample for every way each clause starts, which parses", () => {
        for (const clause of table.clauses) {
          const list = samples[clause.name];
          expect(list.length, clause.name).toBe(clause.starts.length);
          clause.starts.forEach((start, n) =>
            expect(list[n].startsWith(`${start} `), list[n]).toBe(true),
          );
          for (const sample of list)
            expect(codes(file(kind, [sample])), sample).toEqual([]);
        }
      });

      it("REG122 for a clause given twice, unless it may repeat", () => {
        for (const clause of table.clauses) {
          const sample = samples[clause.name][0];
          const found = diagnostics(file(kind, [sample, sample]));
          if (clause.repeatable) expect(found, clause.name).toEqual([]);
          else
            expect(found.map((d) => d.message)).toEqual([
              `\`${clause.name}\` is given twice in this ${table.keyword}`,
            ]);
        }
      });

      it(
        table.ordered
          ? "REG123 for two clauses out of the table's order"
          : "takes its clauses in any order",
        () => {
          const rows = table.clauses;
          for (let i = 0; i < rows.length; i++) {
            for (let j = i + 1; j < rows.length; j++) {
              const text = file(kind, [
                samples[rows[j].name][0],
                samples[rows[i].name][0],
              ]);
              const found = diagnostics(text).map((d) => d.message);
              expect(found, `${rows[j].name} before ${rows[i].name}`).toEqual(
                table.ordered
                  ? [
                      `\`${rows[i].name}\` must come before \`${rows[j].name}\` in a ${table.keyword}`,
                    ]
                  : [],
              );
            }
          }
        },
      );

      it("after text that is no clause, resumes at each clause and offers them all (REG116)", () => {
        const offered = table.clauses
          .flatMap((c) => c.starts)
          .map((s) => `\`${s}\``);
        for (const clause of table.clauses) {
          for (const sample of samples[clause.name]) {
            const found = diagnostics(file(kind, ["42", sample]));
            expect(
              found.map((d) => d.code),
              sample,
            ).toEqual(["REG116"]);
            const listed = found[0].message.split(" takes ")[1];
            expect(listed, sample).toContain(offered[offered.length - 1]);
            for (const o of offered) expect(listed, sample).toContain(o);
            // The clause after the junk was read: it prints as without the junk.
            const clean = parse(file(kind, [sample]), "clauses.regel").file;
            const resumed = parse(
              file(kind, ["42", sample]),
              "clauses.regel",
            ).file;
            expect(print(resumed), sample).toEqual(print(clean));
          }
        }
      });

      it("prints its clauses in the table's order", () => {
        const shuffled = [...table.clauses]
          .reverse()
          .map((c) => samples[c.name][0]);
        const inOrder = table.clauses.map((c) => samples[c.name][0]);
        const printed = print(
          parse(file(kind, shuffled), "clauses.regel").file,
        );
        expect(printed).toEqual(
          print(parse(file(kind, inOrder), "clauses.regel").file),
        );
        const lines = printed.split("\n").map((l) => l.trim());
        let at = -1;
        for (const sample of inOrder) {
          const line = lines.indexOf(sample, at + 1);
          expect(line, sample).toBeGreaterThan(at);
          at = line;
        }
      });
    });
  }
});
