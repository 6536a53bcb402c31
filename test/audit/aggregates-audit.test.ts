/**
 * Declared aggregates and reconciliations where an auditor looks: `regel trace NAME`, `regel diff`
 * and the catalogue (docs/language.md, "Aggregates and reconciliation").
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffRulesets, diffText } from "../../audit/ruleset-diff.js";
import {
  aggregateTraceText,
  traceAggregate,
} from "../../audit/trace-aggregate.js";
import { runTrace } from "../../cli/commands/trace.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { AGGREGATES_RULESET } from "../runtime/aggregate-fixture.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The fixture as version 1.0.0 and a 1.1.0 that changes, adds and removes aggregates. */
function versions() {
  const v110 = AGGREGATES_RULESET.replace(
    "ruleset t.aggregates@1.0.0\n  valid from 2024-01-01",
    "ruleset t.aggregates@1.1.0\n  valid from 2025-01-01",
  )
    .replace(
      "  figure total_deposits = total_deposits tolerance 1.00",
      "  figure total_deposits = total_deposits tolerance 0.1 %",
    )
    .replace(
      'aggregate accounts "Number of accounts"\n  implements bk regel 657\n  count BA\n',
      'aggregate accounts "Number of accounts"\n  implements bk regel 657\n  count NP\n',
    )
    .replace(
      'aggregate missing_names "Findings of omc0001"\n  implements bk regel 657\n  count result omc0001\n',
      'aggregate interest "Interest"\n  implements bk regel 657\n  sum BA.covered\n',
    );
  const p = loadProjectFromTexts(
    new Map([
      [
        "a.regel",
        AGGREGATES_RULESET.replace(
          "valid from 2024-01-01",
          "valid from 2024-01-01 until 2025-01-01",
        ),
      ],
      ["b.regel", v110],
    ]),
  );
  expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return p.rulesets;
}

describe("regel diff", () => {
  it("shows aggregates added, removed and changed, and a changed tolerance", () => {
    const [a, b] = versions();
    const d = diffRulesets(a, b);
    const agg = d.other.find((o) => o.kind === "aggregate");
    expect(agg?.added).toEqual(["interest"]);
    expect(agg?.removed).toEqual(["missing_names"]);
    expect(agg?.changed.map((c) => [c.name, c.from, c.to])).toEqual([
      [
        "accounts",
        '"Number of accounts" count BA implements bk regel 657',
        '"Number of accounts" count NP implements bk regel 657',
      ],
    ]);
    const rec = d.other.find((o) => o.kind === "reconcile");
    expect(rec?.changed[0].to).toContain(
      "figure total_deposits = total_deposits tolerance 0.1 %",
    );
    expect(diffText(d)).toContain("accounts");
  });
});

describe("regel trace NAME for an aggregate", () => {
  it("shows per version what it measures, its articles, assumptions and the figures reconciled with it", () => {
    const t = traceAggregate(versions(), "total_deposits");
    expect(t.versions.map((v) => [v.ruleset, v.measure])).toEqual([
      ["t.aggregates@1.0.0", "sum BA.balance"],
      ["t.aggregates@1.1.0", "sum BA.balance"],
    ]);
    expect(t.versions.map((v) => v.reconciledAs)).toEqual([
      [{ reconcile: "quarterly", figure: "total_deposits", tolerance: "1.00" }],
      [
        {
          reconcile: "quarterly",
          figure: "total_deposits",
          tolerance: "0.1 %",
        },
      ],
    ]);
    const text = aggregateTraceText(t);
    expect(text).toContain("  measures: sum BA.balance");
    expect(text).toContain(
      "  reconciled: figure total_deposits of quarterly, tolerance 1.00",
    );
  });

  it("works on the shipped rulesets through the command", async () => {
    const out = await runTrace("share_identity", {
      rulesets: join(ROOT, "rulesets"),
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("aggregate share_identity");
    expect(out.stdout).toContain(
      "  measures: proportion ikb in category identity",
    );
    expect(out.stdout).toContain("  implements: bk par 2.2");
  });
});

describe("the catalogue", () => {
  it("lists the aggregates and the reconciliation of ikb.glo 1.3.0", () => {
    const page = readFileSync(
      join(ROOT, "docs", "rulesets", "ikb.glo-1.3.0.md"),
      "utf8",
    );
    expect(page).toContain("## Aggregates (11)");
    expect(page).toContain(
      '| <a id="aggregate-total_deposits"></a>`total_deposits` | `sum BA.balance` |',
    );
    expect(page).toContain(
      '### <a id="reconcile-quarterly"></a>Reconciliation quarterly — DGS-kwartaalrapportage',
    );
    expect(page).toContain(
      "| `total_deposits` | [`total_deposits`](#aggregate-total_deposits) | 0.1 % of the reported figure |",
    );
  });
});
