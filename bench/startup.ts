/**
 * CLI start-up: wall time of `regel --help` and `regel --version` against a bare `node -e ""`,
 * medians over interleaved runs (so a busy moment of the machine hits all three alike). The
 * target is 3 × the bare node: the root help and the version import no command module (see
 * cli/command-table.ts).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** Medians in milliseconds. */
export interface Startup {
  bareMs: number;
  helpMs: number;
  versionMs: number;
  repeats: number;
}

function wallMs(args: string[]): number {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0)
    throw new Error(`node ${args.join(" ")} failed:\n${child.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Measure start-up `repeats` times each (after one warm-up run of each, not counted). */
export function measureStartup(repeats: number): Startup {
  const main = join("dist", "cli", "main.js");
  const runs = {
    bare: [] as number[],
    help: [] as number[],
    version: [] as number[],
  };
  for (let r = -1; r < repeats; r++) {
    const bare = wallMs(["-e", ""]);
    const help = wallMs([main, "--help"]);
    const version = wallMs([main, "--version"]);
    if (r < 0) continue;
    runs.bare.push(bare);
    runs.help.push(help);
    runs.version.push(version);
  }
  return {
    bareMs: median(runs.bare),
    helpMs: median(runs.help),
    versionMs: median(runs.version),
    repeats,
  };
}

/** The rows of bench/results.md for start-up. */
export function startupRows(s: Startup): string[] {
  const row = (what: string, ms: number) =>
    `| ${what} start-up (median of ${s.repeats}; bare \`node -e ""\`: ${(s.bareMs / 1000).toFixed(3)} s) | ${(ms / 1000).toFixed(3)} | ${(ms / s.bareMs).toFixed(2)} × bare node | ≤ 3 × | |`;
  return [
    row("`regel --help`", s.helpMs),
    row("`regel --version`", s.versionMs),
  ];
}

/** Replace the start-up rows of a results.md text (or add them at the end of its table). */
export function withStartupRows(results: string, rows: string[]): string {
  const lines = results.split("\n");
  const kept = lines.filter(
    (l) => !/^\| `regel --(help|version)` start-up/.test(l),
  );
  let end = kept.findIndex(
    (l, i) => l.startsWith("|") && !(kept[i + 1] ?? "").startsWith("|"),
  );
  if (end < 0) end = kept.length - 1;
  kept.splice(end + 1, 0, ...rows);
  return kept.join("\n");
}
