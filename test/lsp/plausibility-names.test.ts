/**
 * The language server on aggregate, reconcile and plausibility names (lsp/hover.ts,
 * lsp/completion.ts, lsp/names.ts), over the shipped rulesets in process: hover on a declaration's
 * name or on an aggregate named in a `figure`, and aggregate names completed after `figure NAME =`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { completionsAt } from "../../lsp/completion.js";
import { hoverAt } from "../../lsp/hover.js";
import { Workspace } from "../../lsp/workspace.js";

const ROOT = join(import.meta.dirname, "..", "..", "rulesets");
const GLO13 = join(ROOT, "ikb.glo", "1.3.0.regel");
const GROEIPAD = join(ROOT, "ikb.groeipad", "1.0.0.regel");
const workspace = new Workspace();
beforeAll(() => workspace.scan([ROOT]), 60_000);

function hover(path: string, needle: string, shift: number): string {
  const text = readFileSync(path, "utf8");
  const at = text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const h = hoverAt(workspace.analyseFile(path), path, at + shift);
  return (h?.contents as { value: string } | undefined)?.value ?? "";
}

describe("hover", () => {
  it("an aggregate named in a figure: what it measures, articles, assumptions", () => {
    const text = hover(GLO13, "figure number_of_depositors = depositors", 31);
    expect(text).toContain(
      "**aggregate** `depositors` — Aantal depositohouders (IKB's)",
    );
    expect(text).toContain("measures `count ikb`");
    expect(text).toContain("implements bk par 2.2");
    expect(text).toContain("_assumption:_ one IKB is one depositor");
  });

  it("a reconciliation's name: its figures, aggregates and tolerances", () => {
    const text = hover(GLO13, "reconcile quarterly", 11);
    expect(text).toContain(
      "**reconcile** `quarterly` — DGS-kwartaalrapportage",
    );
    expect(text).toContain(
      "- figure `number_of_depositors` = aggregate `depositors`, tolerance 0\n- figure `number_of_deposits` = aggregate `accounts`, tolerance 0\n- figure `total_deposits` = aggregate `total_deposits`, tolerance 0.1 %",
    );
    expect(text).toContain(
      "_assumption:_ the layout of the quarterly DGS report",
    );
  });

  it("a plausibility check's name: comparison, method, numbers with defaults filled in, watched series", () => {
    const own = hover(GROEIPAD, "plausibility own_history", 14);
    expect(own).toContain(
      "**plausibility** `own_history` — Uitschietende waarden tegen het eigen patroon",
    );
    expect(own).toContain(
      "compare history · method robust_z · threshold 3.5 · window 8 · minimum 4",
    );
    expect(own).toContain(
      "watch ikbs, percentage, blocking_errors, errors, findings, aggregates",
    );
    // `peers` writes no window: the default is shown
    const peers = hover(GROEIPAD, "plausibility peers", 14);
    expect(peers).toContain(
      "compare peers · method robust_z · threshold 3.5 · window 8 · minimum 3",
    );
  });
});

describe("completion", () => {
  it("offers the aggregates after `figure NAME =`, and only them", () => {
    const text = readFileSync(GLO13, "utf8");
    const at = text.indexOf("figure number_of_depositors = depositors") + 30;
    const labels = completionsAt(
      workspace.analyseFile(GLO13),
      GLO13,
      text,
      at,
    ).map((c) => c.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        "depositors",
        "accounts",
        "total_deposits",
        "share_identity",
      ]),
    );
    expect(labels).not.toContain("figure");
    expect(labels).not.toContain("dmc0000");
  });

  it("offers the aggregates after `aggregate` and rule codes after `findings` in a watch list", async () => {
    const text = readFileSync(GLO13, "utf8").replace(
      "reconcile quarterly",
      "plausibility probe\n  watch errors, aggregate \n\nreconcile quarterly",
    );
    workspace.open(GLO13, text);
    try {
      const at =
        text.indexOf("watch errors, aggregate ") +
        "watch errors, aggregate ".length;
      const analysis = workspace.analyseFile(GLO13);
      expect(
        completionsAt(analysis, GLO13, text, at).map((c) => c.label),
      ).toContain("total_deposits");
      const findings = text.replace(
        "watch errors, aggregate ",
        "watch errors, findings ",
      );
      workspace.open(GLO13, findings);
      const at2 =
        findings.indexOf("watch errors, findings ") +
        "watch errors, findings ".length;
      const codes = completionsAt(
        workspace.analyseFile(GLO13),
        GLO13,
        findings,
        at2,
      ).map((c) => c.label);
      expect(codes).toEqual(expect.arrayContaining(["dmc0000", "dmc0001"]));
    } finally {
      await workspace.close(GLO13);
    }
  });
});
