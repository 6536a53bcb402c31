/**
 * `plausibility` and `reconcile` declarations where an auditor looks: `regel diff` reports a
 * changed threshold, window, minimum, method, comparison or watch list; `regel trace NAME` finds
 * a plausibility check or a reconciliation and shows its settings, source and assumptions
 * (docs/language.md, "Plausibility"; issue 19 item 5).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffRulesets, diffText } from "../../audit/ruleset-diff.js";
import {
  plausibilityTraceText,
  tracePlausibility,
  traceReconcile,
} from "../../audit/trace-plausibility.js";
import { runTrace } from "../../cli/commands/trace.js";
import { loadProjectFromTexts } from "../../dsl/project.js";

const ROOT = join(import.meta.dirname, "..", "..");

const V100 = `ruleset t.plaus@1.0.0
  valid from 2024-01-01 until 2025-01-01
  source bk "Beoordelingskader"

plausibility own "Eigen patroon"
  assumption "eight deliveries are the usual pattern."
  implements bk par 2.2
  compare history
  window 8
  minimum 4
  method robust_z
  threshold 3.5
  watch ikbs, errors

plausibility same "Unchanged"
  implements bk par 2.2
  watch ikbs

plausibility gone "Removed in 1.1.0"
  implements bk par 2.2
  compare peers
  watch percentage
`;

const V110 = V100.replace(
  "ruleset t.plaus@1.0.0\n  valid from 2024-01-01 until 2025-01-01",
  "ruleset t.plaus@1.1.0\n  valid from 2025-01-01",
)
  .replace("  window 8\n  minimum 4\n", "  window 12\n  minimum 4\n")
  .replace(
    "  threshold 3.5\n  watch ikbs, errors",
    "  threshold 3\n  watch ikbs, errors, findings dmc0000",
  )
  // writing out the defaults of `same` is no change
  .replace(
    "  implements bk par 2.2\n  watch ikbs\n",
    "  implements bk par 2.2\n  compare history\n  window 8\n  method robust_z\n  threshold 3.5\n  watch ikbs\n",
  )
  .replace(
    'plausibility gone "Removed in 1.1.0"\n  implements bk par 2.2\n  compare peers\n  watch percentage\n',
    'plausibility added "New"\n  implements bk par 2.2\n  compare peers\n  minimum 5\n  watch errors\n',
  );

function versions() {
  const p = loadProjectFromTexts(
    new Map([
      ["a.regel", V100],
      ["b.regel", V110],
    ]),
  );
  expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return p.rulesets;
}

describe("regel diff of plausibility declarations", () => {
  it("reports added, removed and changed checks: threshold, window and watch list", () => {
    const [a, b] = versions();
    const d = diffRulesets(a, b);
    const pl = d.other.find((o) => o.kind === "plausibility");
    expect(pl?.added).toEqual(["added"]);
    expect(pl?.removed).toEqual(["gone"]);
    // `same` only writes out its defaults: not changed
    expect(pl?.changed.map((c) => c.name)).toEqual(["own"]);
    const own = pl!.changed[0];
    expect(own.from).toContain("threshold 3.5; window 8; minimum 4");
    expect(own.to).toContain("threshold 3; window 12; minimum 4");
    expect(own.from).toContain("watch ikbs, errors;");
    expect(own.to).toContain("watch ikbs, errors, findings dmc0000;");
    const text = diffText(d);
    expect(text).toContain("  + plausibility added");
    expect(text).toContain("  - plausibility gone");
    expect(text).toContain("  ~ plausibility own");
  });

  it("reports a changed method or comparison", () => {
    const [a] = versions();
    const b = loadProjectFromTexts(
      new Map([
        [
          "b.regel",
          V100.replace("t.plaus@1.0.0", "t.plaus@1.0.1").replace(
            "  compare history\n  window 8",
            "  compare peers\n  window 8",
          ),
        ],
      ]),
    ).rulesets[0];
    const pl = diffRulesets(a, b).other.find((o) => o.kind === "plausibility");
    expect(
      pl?.changed.map((c) => [
        c.name,
        c.from.includes("compare history"),
        c.to.includes("compare peers"),
      ]),
    ).toEqual([["own", true, true]]);
    expect(
      diffRulesets(a, a).other.find((o) => o.kind === "plausibility"),
    ).toBeUndefined();
  });
});

describe("regel trace NAME for a plausibility check", () => {
  it("shows per version the method, window, threshold, watched series, source and assumptions", () => {
    const t = tracePlausibility(versions(), "own");
    expect(
      t.versions.map((v) => [
        v.ruleset,
        v.method,
        v.threshold,
        v.window,
        v.minimum,
        v.watch,
      ]),
    ).toEqual([
      ["t.plaus@1.0.0", "robust_z", 3.5, 8, 4, ["ikbs", "errors"]],
      [
        "t.plaus@1.1.0",
        "robust_z",
        3,
        12,
        4,
        ["ikbs", "errors", "findings dmc0000"],
      ],
    ]);
    const text = plausibilityTraceText(t);
    expect(text).toContain("plausibility own\n");
    expect(text).toContain("  method: robust_z, threshold 3.5");
    expect(text).toContain("  window: 12, minimum: 4");
    expect(text).toContain("  watches: ikbs, errors, findings dmc0000");
    expect(text).toContain("  implements: bk par 2.2 (Beoordelingskader)");
    expect(text).toContain("  declared at: a.regel:5:14");
    expect(text).toContain(
      "  assumption: eight deliveries are the usual pattern.",
    );
  });

  it("fills in the defaults, and --version picks one version", () => {
    const t = tracePlausibility(versions(), "added", "1.1.0");
    expect(
      t.versions.map((v) => [v.compare, v.window, v.minimum, v.threshold]),
    ).toEqual([["peers", 8, 5, 3.5]]);
    expect(tracePlausibility(versions(), "added", "1.0.0").versions).toEqual(
      [],
    );
  });

  it("works on the shipped rulesets through the command, text and JSON", async () => {
    const out = await runTrace("own_history", {
      rulesets: join(ROOT, "rulesets"),
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("plausibility own_history");
    expect(out.stdout).toContain("  window: 8, minimum: 4");
    expect(out.stdout).toContain(
      "  watches: ikbs, percentage, blocking_errors, errors, findings, aggregates",
    );
    const json = await runTrace("peers", {
      rulesets: join(ROOT, "rulesets"),
      json: true,
    });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      plausibility: string;
      versions: { compare: string }[];
    };
    expect(parsed.plausibility).toBe("peers");
    expect(parsed.versions.map((v) => v.compare)).toEqual(["peers"]);
    const missing = await runTrace("own_history", {
      rulesets: join(ROOT, "rulesets"),
      version: "9.9.9",
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "plausibility `own_history` is not in version 9.9.9",
    );
  });
});

describe("regel trace NAME for a reconciliation", () => {
  it("shows its figures, aggregates and tolerances on the shipped rulesets", async () => {
    const out = await runTrace("quarterly", {
      rulesets: join(ROOT, "rulesets"),
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("reconcile quarterly");
    expect(out.stdout).toContain(
      "  figure total_deposits = aggregate total_deposits, tolerance 0.1 %",
    );
  });
  it("traceReconcile gives every figure of ikb.glo 1.3.0 with its assumption", async () => {
    const { loadRulesets } = await import("../../cli/commands/trace.js");
    const loaded = await loadRulesets(join(ROOT, "rulesets"));
    if ("error" in loaded) throw new Error(loaded.error);
    const t = traceReconcile(loaded.project.rulesets, "quarterly");
    expect(t.versions.map((v) => v.ruleset)).toEqual(["ikb.glo@1.3.0"]);
    expect(t.versions[0].figures).toEqual([
      {
        figure: "number_of_depositors",
        aggregate: "depositors",
        tolerance: "0",
      },
      { figure: "number_of_deposits", aggregate: "accounts", tolerance: "0" },
      {
        figure: "total_deposits",
        aggregate: "total_deposits",
        tolerance: "0.1 %",
      },
    ]);
    expect(t.versions[0].assumptions[0].text).toMatch(
      /^the layout of the quarterly DGS report/,
    );
  });
});
