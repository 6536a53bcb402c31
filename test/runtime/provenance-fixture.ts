/**
 * A scratch project for the provenance tests: a small ruleset in two versions (1.1.0 extends
 * 1.0.0) under `<root>/rulesets/t.prov/`, compiled into `<root>/rulesets/compiled`, and a delivery
 * `<root>/delivery/np.csv`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { compile } from "../../compiler/compile.js";

export const T_PROV_100 = `ruleset t.prov@1.0.0 "Provenance test"
  valid from 2020-01-01 until 2021-01-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key customer_id
  field customer_id: text(40) required
  field last_name: text(10)

rule dmc0001 "Naam ontbreekt"
  severity signalling
  implements br art 1
  for NP.last_name
  require value is present
  example fail NP { customer_id: "C" }
  example pass NP { customer_id: "C", last_name: "X" }
`;

export const T_PROV_110 = `ruleset t.prov@1.1.0 "Provenance test 1.1"
  extends t.prov@1.0.0
  valid from 2021-01-01
  source br "Beleidsregel"
`;

export const NP_CSV = "customer_id,last_name\nC1,Jansen\nC2,\nC3,de Vries\n";

export interface ProvenanceFixture {
  root: string;
  rulesets: string;
  compiled: string;
  delivery: string;
}

/** Compile the `.regel` files under `rulesets` into `out` (written to disk). */
export async function compileInto(rulesets: string, out: string) {
  const result = await compile([rulesets], { outDir: out });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  for (const f of result.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
}

/** Write and compile the scratch project. */
export async function provenanceFixture(): Promise<ProvenanceFixture> {
  const root = mkdtempSync(join(tmpdir(), "regel-provenance-"));
  const rulesets = join(root, "rulesets");
  mkdirSync(join(rulesets, "t.prov"), { recursive: true });
  writeFileSync(join(rulesets, "t.prov", "1.0.0.regel"), T_PROV_100);
  writeFileSync(join(rulesets, "t.prov", "1.1.0.regel"), T_PROV_110);
  const compiled = join(rulesets, "compiled");
  await compileInto(rulesets, compiled);
  const delivery = join(root, "delivery");
  mkdirSync(delivery);
  writeFileSync(join(delivery, "np.csv"), NP_CSV);
  return { root, rulesets, compiled, delivery };
}
