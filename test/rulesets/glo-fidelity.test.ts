/**
 * What the GLO rulesets check against what the Beoordelingskader says, on whole IKBs through the
 * compiled validators (the embedding API):
 * - a missing last name is reported under GLO 1.2.0 too (Bijlage 4 control 3.5 item 1, L2586;
 *   3.7 b, L2614), not only where the 1.3.0 table lists it for dmc0000;
 * - representatives are checked like depositors (control 3.7 c-d, L2615-2618), and the category
 *   table's (D)/(V) (legend L2279-2283) decides whether a finding puts the IKB in a category.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../compiler/contract.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import {
  buildIkb,
  type RawRecord,
  type SyntheticIkb,
} from "../../runtime/synthetic/ikb-builder.js";
import { Random } from "../../runtime/synthetic/random.js";
import { validateIkbs } from "../../runtime/validate.js";

const VERSIONS = [
  { id: "ikb.glo@1.2.0", rrd: "2023-03-31" },
  { id: "ikb.glo@1.3.0", rrd: "2024-03-31" },
] as const;

/** A clean IKB of a natural-person depositor with at least one representative. */
function ikbWithRepresentative(rrd: string): SyntheticIkb {
  const random = new Random(42);
  for (let n = 1; n < 10_000; n++) {
    const ikb = buildIkb(random, n, { rrd });
    if (
      ikb.kind === "NP" &&
      ikb.records.NP.some((p) => p.customer_id !== ikb.key)
    )
      return ikb;
  }
  throw new Error("no IKB with a representative");
}

function people(ikb: SyntheticIkb): { depositor: RawRecord; rep: RawRecord } {
  return {
    depositor: ikb.records.NP.find((p) => p.customer_id === ikb.key)!,
    rep: ikb.records.NP.find((p) => p.customer_id !== ikb.key)!,
  };
}

function withoutAddressOf(ikb: SyntheticIkb, customerId: string): void {
  const gone = new Set(
    ikb.records.AD.filter((a) => a.customer_id === customerId).map(
      (a) => a.address_id,
    ),
  );
  for (const e of ["AD", "SA", "UA"])
    ikb.records[e] = ikb.records[e].filter((r) => !gone.has(r.address_id));
}

async function validate(
  id: string,
  rrd: string,
  ikb: SyntheticIkb,
): Promise<{ findings: Finding[]; categories: string[] }> {
  const rs = await loadCompiled(join("rulesets", "compiled", id));
  // the builder writes every field of the newest data model; keep those of this version
  const fields = new Map(
    rs.module.entities.map((e) => [
      e.name,
      new Set(e.fields.map((f) => f.name)),
    ]),
  );
  for (const [entity, rows] of Object.entries(ikb.records))
    for (const row of rows)
      for (const k of Object.keys(row))
        if (!fields.get(entity)?.has(k)) delete row[k];
  for await (const r of validateIkbs(
    rs,
    [{ key: ikb.key, records: ikb.records }],
    {
      rrd,
    },
  ))
    return { findings: r.findings, categories: r.classification.categories };
  throw new Error("no result");
}

const brief = (fs: Finding[]) =>
  fs
    .map((f) => `${f.rule} ${f.entity} ${f.role ?? "-"} ${f.attribute ?? "-"}`)
    .sort();

describe.each(VERSIONS)("$id", ({ id, rrd }) => {
  it("a clean IKB with a representative has no finding", async () => {
    const r = await validate(id, rrd, ikbWithRepresentative(rrd));
    expect(brief(r.findings)).toEqual([]);
    expect(r.categories).toEqual([]);
  });

  it("reports a missing last name of the depositor and of a representative (control 3.5 item 1, 3.7 b)", async () => {
    const ikb = ikbWithRepresentative(rrd);
    const { depositor, rep } = people(ikb);
    delete depositor.last_name;
    delete rep.last_name;
    const r = await validate(id, rrd, ikb);
    // 1.2.0: regel's own ctl0001 (the 1.2.0 table lists no last name for dmc0000); 1.3.0: dmc0000
    const code = id === "ikb.glo@1.2.0" ? "ctl0001" : "dmc0000";
    expect(brief(r.findings)).toEqual([
      `${code} NP D last_name`,
      `${code} NP V last_name`,
    ]);
    // the 1.3.0 table puts a depositor's missing last name in identity; 1.2.0's puts it nowhere
    expect(r.categories).toEqual(id === "ikb.glo@1.2.0" ? [] : ["identity"]);
  });

  it("reports a representative without an address (3.7 c), which the table's (D) keeps out of notification", async () => {
    const ikb = ikbWithRepresentative(rrd);
    withoutAddressOf(ikb, people(ikb).rep.customer_id);
    const r = await validate(id, rrd, ikb);
    expect(brief(r.findings)).toEqual(["smc0006 NP V customer_id"]);
    expect(r.categories).toEqual([]);
    const own = ikbWithRepresentative(rrd);
    withoutAddressOf(own, own.key);
    const d = await validate(id, rrd, own);
    expect(brief(d.findings)).toEqual(["smc0006 NP D customer_id"]);
    expect(d.categories).toEqual(["notification"]);
  });

  it("reports a representative's identification number without its country (3.7 d), in no category", async () => {
    const ikb = ikbWithRepresentative(rrd);
    people(ikb).rep.identification_number = "111222333";
    const r = await validate(id, rrd, ikb);
    expect(brief(r.findings)).toEqual(["smc0012 NP V -"]);
    expect(r.categories).toEqual([]);
  });
});

describe("ikb.glo@1.3.0: the other rules checked for both roles", () => {
  const rrd = "2024-03-31";
  it("dmc0001, dmc0002 and tmc0002 report a representative's data; only the depositor's count for identity", async () => {
    const ikb = ikbWithRepresentative(rrd);
    const { rep } = people(ikb);
    rep.identification_number = "123456789"; // fails the eleven-test
    rep.identification_country = "NL";
    rep.initials = "J2";
    rep.deceased = "true"; // without a date of death: tmc0002 (and smc0014, the table's (V))
    const r = await validate("ikb.glo@1.3.0", rrd, ikb);
    expect(brief(r.findings)).toEqual([
      "dmc0001 NP V -",
      "dmc0002 NP V initials",
      "smc0014 NP V -",
      "tmc0002 NP V -",
    ]);
    // smc0014 (V) is in the claim category; dmc0001, dmc0002 and tmc0002 are listed only with (D)
    expect(r.categories).toEqual(["claim"]);
  });
});
