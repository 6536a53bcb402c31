/**
 * runtime/whole-file.ts on its own: the hash pass decides whether a file is read again, and the
 * exact pass tells hash collisions apart (projections written by hand, as a module has them).
 */
import { describe, expect, it } from "vitest";
import type { EntityMeta, FileRule } from "../../compiler/contract.js";
import { WholeFileCheck } from "../../runtime/whole-file.js";

const entity: EntityMeta = {
  name: "BA",
  file: "ba.csv",
  key: ["account_id"],
  fields: [
    {
      name: "account_id",
      column: "account_id",
      type: "text",
      required: true,
      personal: false,
    },
    {
      name: "holders",
      column: "holders",
      type: "integer",
      required: false,
      personal: false,
    },
  ],
} as unknown as EntityMeta;
const index = [0, 1];
const text = (c: string | undefined) => (c ? `${c.length}:${c}` : undefined);

function check(
  rule: Partial<FileRule>,
  projection: ConstructorParameters<typeof WholeFileCheck>[1],
) {
  return new WholeFileCheck(
    {
      code: "w1",
      severity: "signalling",
      entities: ["BA"],
      check: "unique",
      ...rule,
    } as FileRule,
    projection,
    entity,
    index,
    "ba.csv",
    false,
  );
}

describe("WholeFileCheck", () => {
  it("unique: distinct combinations need no second read", () => {
    const w = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    for (const a of ["A1", "A2", "A3", ""]) w.scan([a, "1"]);
    expect(w.seal()).toBe(false);
  });

  it("unique: a repeated combination is read again and named on every row", () => {
    const w = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    const rows = [["A1"], ["A2"], ["A1"]];
    for (const r of rows) w.scan(r);
    expect(w.seal()).toBe(true);
    rows.forEach((r, i) => w.collect(r, i + 2));
    w.finish();
    expect(w.findingAt(3)).toBeUndefined();
    expect(w.findingAt(2)?.message).toBe(
      'account_id="A1" occurs 2 times in ba.csv: lines 2 and 4',
    );
    expect(w.findingAt(4)?.values).toEqual({ account_id: "A1" });
  });

  it("a hash collision is no finding: the exact values tell the rows apart", () => {
    // a projection whose texts differ but which the test makes collide: equal hashes are only candidates
    const w = check({ fields: ["account_id"] }, { key: (c) => text(c[0]) });
    w.scan(["A1"]);
    w.scan(["A1"]);
    expect(w.seal()).toBe(true);
    // the second read sees other values than the scan (as a colliding pair would give): no finding
    w.collect(["A1"], 2);
    w.collect(["B1"], 3);
    w.finish();
    expect(w.findingAt(2)).toBeUndefined();
  });

  it("count per: rows that state 1 and are alone with their hash are not read again", () => {
    const w = check(
      { check: "count-per", fields: ["holders"], per: ["account_id"] },
      {
        key: (c) => text(c[0]),
        count: (c) => (c[1] ? Number(c[1]) : undefined),
      },
    );
    for (const a of ["A1", "A2"]) w.scan([a, "1"]);
    expect(w.seal()).toBe(false);
  });

  it("count per: a row that states 2 alone is read again and found", () => {
    const w = check(
      { check: "count-per", fields: ["holders"], per: ["account_id"] },
      {
        key: (c) => text(c[0]),
        count: (c) => (c[1] ? Number(c[1]) : undefined),
      },
    );
    const rows = [
      ["A1", "1"],
      ["A2", "2"],
    ];
    for (const r of rows) w.scan(r);
    expect(w.seal()).toBe(true);
    rows.forEach((r, i) => w.collect(r, i + 2));
    w.finish();
    expect(w.findingAt(2)).toBeUndefined();
    expect(w.findingAt(3)?.message).toBe(
      'account_id="A2" is on 1 record of ba.csv: line 3; the row states holders="2"',
    );
  });
});
