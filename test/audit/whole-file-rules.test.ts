/**
 * The whole-file checks in the audit tools: `regel trace` and the catalogue show the rule's check
 * as written (`require unique a, b`, `require one a per b`, `require count per b = n`) beside its
 * articles, like any other rule.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCatalogue } from "../../audit/catalogue.js";
import { requireText } from "../../audit/trace-query.js";
import { loadProjectFromTexts } from "../../dsl/project.js";

/** The whole-file block of docs/language.md. */
const text = [
  ...readFileSync("docs/language.md", "utf8").matchAll(
    /```regel\n([\s\S]*?)```/g,
  ),
]
  .map((m) => m[1])
  .find((t) => t.includes("ruleset example.wholefile@1.0.0"))!;
const project = loadProjectFromTexts(new Map([["wf.regel", text]]));
const ruleset = project.rulesets[0];
const rule = (code: string) => ruleset.rules.find((r) => r.code === code)!;

describe("whole-file rules in trace and catalogue", () => {
  it("trace gives each check as written", () => {
    expect(project.diagnostics).toEqual([]);
    expect(requireText(rule("dup0001").decl)).toBe(
      "one customer_id per national_id",
    );
    expect(requireText(rule("dup0002").decl)).toBe(
      "unique last_name, date_of_birth",
    );
    expect(requireText(rule("joint001").decl)).toBe(
      "count per account_id = count_of_depositors",
    );
  });

  it("the catalogue page shows the check and the rule's article", () => {
    const page = renderCatalogue([ruleset]).find((f) =>
      f.path.includes("example.wholefile"),
    )!.content;
    expect(page).toContain(
      "require count per account_id = count_of_depositors",
    );
    expect(page).toContain("require one customer_id per national_id");
    expect(page).toMatch(/joint001[\s\S]*scv art 5/);
  });
});
