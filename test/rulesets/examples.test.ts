/**
 * Every inline example of every shipped ruleset (rulesets/) behaves as declared, run by the
 * reference interpreter: one test per example, named `<ruleset@version> <rule> <pass|fail>#<n>`,
 * so that a failure names the rule and the line. Every rule has at least one passing and one
 * failing example.
 */
import { describe, expect, it } from "vitest";
import { runExamples } from "../../interpreter/example-runner.js";
import { loadProject } from "../../dsl/project.js";

const project = await loadProject(["rulesets"]);
const errors = project.diagnostics.filter((d) => d.severity === "error");

describe("shipped rulesets", () => {
  it("load without errors", () => {
    expect(
      errors.map(
        (d) =>
          `${d.span.file}:${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`,
      ),
    ).toEqual([]);
    expect(project.rulesets.length).toBeGreaterThan(0);
  });
});

// Rulesets without rules (norms, measures, calendars) have no examples.
for (const ruleset of project.rulesets.filter((r) => r.rules.length > 0)) {
  describe(ruleset.id, () => {
    for (const r of runExamples(ruleset)) {
      const where = `${r.span.file}:${r.span.start.line}`;
      it(`${ruleset.id} ${r.rule} ${r.example} (${where})`, () => {
        expect(r.error, `${where}: the interpreter failed`).toBeUndefined();
        expect(
          r.actual,
          `${where}: example ${r.example} of ${r.rule}; findings: ${JSON.stringify(r.findings)}`,
        ).toBe(r.expected);
      });
    }

    for (const rule of ruleset.rules) {
      // Inherited rules are covered under the version that declared them.
      if (rule.origin !== ruleset.id) continue;
      it(`${ruleset.id} ${rule.code} has a passing and a failing example`, () => {
        const kinds = new Set(rule.decl.examples.map((e) => e.expect));
        const where = `${rule.decl.span.file}:${rule.decl.span.start.line}`;
        expect(
          kinds.has("pass"),
          `${where}: ${rule.code} has no pass example`,
        ).toBe(true);
        expect(
          kinds.has("fail"),
          `${where}: ${rule.code} has no fail example`,
        ).toBe(true);
      });
    }
  });
}
