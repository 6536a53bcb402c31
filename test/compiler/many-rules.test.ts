/**
 * Many rules on one entity (issue 16): `regel compile` of 350+ rules on one entity ended in
 * "Maximum call stack size exceeded" (TypeScript's binder recursed once per `&&` of the fused
 * check) while `regel check` passed the same file. 2,000 rules compile, and the fused check still
 * finds exactly the rules a record breaks.
 */
import { describe, expect, it } from "vitest";
import type { Finding } from "../../compiler/contract.js";
import {
  compileAndImport,
  context,
  run,
  type Module,
} from "./compile-harness.js";

const RULES = 2000;

/** One entity and RULES rules on it: rule i fails when `amount` is i. */
function manyRules(n: number): string {
  let text = `ruleset t.many@1.0.0 "Many rules"
  valid from 2023-01-01
  source br "Beleidsregel"

entity NP "Natural person"
  file "np.csv"
  key customer_id
  field customer_id: text(40) required
  field amount: integer
`;
  for (let i = 0; i < n; i++) {
    text += `
rule r${String(i).padStart(5, "0")} "Rule ${i}"
  severity signalling
  implements br art 2
  for NP
  require amount is absent or amount != ${i}
  example fail NP { customer_id: "1", amount: ${i} }
  example pass NP { customer_id: "1" }
`;
  }
  return text;
}

describe(`${RULES} rules on one entity`, () => {
  let m: Module;
  let source: string;

  it("compile", async () => {
    const compiled = await compileAndImport(manyRules(RULES), "many.regel", {
      emitTs: true,
    });
    m = compiled.module;
    source = compiled.result.files.find((f) =>
      f.path.endsWith("validators.ts"),
    )!.contents;
    expect(m.trace).toHaveLength(RULES);
  }, 300_000);

  it("the fused check is cut into chains and still short-circuits to the rules that fail", () => {
    expect(source).toMatch(/^ *pass &&=$/m);
    const ctx = context("2024-01-01");
    const ok = run(m, "NP", { customer_id: "1", amount: "-5" }, ctx);
    expect(ok.passed).toBe(true);
    expect(ok.findings).toEqual([]);
    for (const amount of [0, 99, 100, 1500, RULES - 1]) {
      const bad = run(
        m,
        "NP",
        { customer_id: "1", amount: String(amount) },
        ctx,
      );
      expect(bad.passed).toBe(false);
      expect(bad.findings.map((f: Finding) => f.rule)).toEqual([
        `r${String(amount).padStart(5, "0")}`,
      ]);
    }
  });
});
