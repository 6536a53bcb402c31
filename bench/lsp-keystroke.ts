/**
 * The language server's answer to a keystroke (issue 14: < 100 ms in a 750-line ruleset): in the
 * largest shipped ruleset, type a word into a rule's title one character at a time and time what
 * `regel lsp` does for each change — store the new text, re-parse that file, check it with its
 * `extends` / `uses` chain (the other files' parses are kept) and build its diagnostics. Measured
 * in-process (the protocol's own cost, a JSON message each way, is not the server's work).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findRegelFiles } from "../dsl/index.js";
import { diagnosticsFor } from "../lsp/diagnostics.js";
import { Workspace } from "../lsp/workspace.js";

/** What {@link measureKeystroke} found. */
export interface Keystroke {
  file: string;
  lines: number;
  keystrokes: number;
  medianMs: number;
  maxMs: number;
}

/** Time `keystrokes` changes to the largest `.regel` file under `folder`. */
export async function measureKeystroke(
  folder: string,
  keystrokes: number,
): Promise<Keystroke> {
  const files = await findRegelFiles([resolve(folder)]);
  const lines = (p: string) => readFileSync(p, "utf8").split("\n").length;
  const file = files.reduce((a, b) => (lines(b) > lines(a) ? b : a));
  const text = readFileSync(file, "utf8");
  const workspace = new Workspace();
  await workspace.scan([resolve(folder)]);
  workspace.open(file, text);
  diagnosticsFor(workspace, file); // the file as opened: not a keystroke
  // Type into the title of the middle rule, as an analyst would.
  const rules = [...text.matchAll(/^rule \w+ "/gm)];
  const at = rules[Math.floor(rules.length / 2)];
  const insertAt = (at.index ?? 0) + at[0].length;
  const times: number[] = [];
  let typed = "";
  for (let i = 0; i < keystrokes; i++) {
    typed += "abcdefghijklmnopqrstuvwxyz"[i % 26];
    const next = text.slice(0, insertAt) + typed + text.slice(insertAt);
    const start = performance.now();
    workspace.open(file, next);
    diagnosticsFor(workspace, file);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    file,
    lines: lines(file),
    keystrokes,
    medianMs: times[Math.floor(times.length / 2)],
    maxMs: times[times.length - 1],
  };
}

/** The bench row. */
export function keystrokeRow(k: Keystroke, root: string): string {
  const rel = k.file.startsWith(root) ? k.file.slice(root.length + 1) : k.file;
  return `| \`regel lsp\`: a keystroke in ${rel} (${k.lines} lines), diagnostics with its chain (median of ${k.keystrokes}; slowest ${k.maxMs.toFixed(0)} ms) | ${(k.medianMs / 1000).toFixed(3)} | | < 0.1 s | |`;
}

/** `results` with its keystroke row replaced by `row` (or added after the last row). */
export function withKeystrokeRow(results: string, row: string): string {
  const lines = results.split("\n");
  const kept = lines.filter((l) => !l.startsWith("| `regel lsp`: a keystroke"));
  let end = kept.findIndex(
    (l, i) => l.startsWith("|") && !(kept[i + 1] ?? "").startsWith("|"),
  );
  if (end < 0) end = kept.length - 1;
  kept.splice(end + 1, 0, row);
  return kept.join("\n");
}
