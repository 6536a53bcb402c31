/**
 * The bench's keystroke measurement of `regel lsp` (bench/lsp-keystroke.ts): it types into the
 * largest shipped ruleset, and its row replaces the previous one in bench/results.md.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  keystrokeRow,
  measureKeystroke,
  withKeystrokeRow,
} from "../../bench/lsp-keystroke.js";
import { ROOT } from "../source-folders.js";

describe("bench: a keystroke in regel lsp", () => {
  it("types into the largest shipped ruleset and times every keystroke", async () => {
    const k = await measureKeystroke(join(ROOT, "rulesets"), 3);
    expect(k.file).toBe(join(ROOT, "rulesets", "ikb.glo", "1.2.0.regel"));
    expect(k.lines).toBeGreaterThan(750);
    expect(k.keystrokes).toBe(3);
    expect(k.medianMs).toBeGreaterThan(0);
    expect(k.maxMs).toBeGreaterThanOrEqual(k.medianMs);
    expect(keystrokeRow(k, ROOT)).toMatch(
      /^\| `regel lsp`: a keystroke in rulesets\/ikb\.glo\/1\.2\.0\.regel \(\d+ lines\).* \| \d+\.\d{3} \| \| < 0\.1 s \| \|$/,
    );
  });

  it("replaces its row in the results table, keeping the others and the notes", () => {
    const results = [
      "| measurement | time (s) |",
      "| --- | ---: |",
      "| a | 1 |",
      "| `regel lsp`: a keystroke in x (1 lines) | 0.500 | | < 0.1 s | |",
      "",
      "## Notes",
    ].join("\n");
    const row =
      "| `regel lsp`: a keystroke in x (1 lines) | 0.050 | | < 0.1 s | |";
    expect(withKeystrokeRow(results, row)).toBe(
      results.replace("0.500", "0.050"),
    );
    expect(withKeystrokeRow("| a |\n| b |\n\nnotes", row)).toBe(
      `| a |\n| b |\n${row}\n\nnotes`,
    );
  });
});
