/**
 * CLI start-up of the command users run, the package's `bin` (the bundled command,
 * dist/bin/regel.js: scripts/bundle-cli.ts): wall time of `regel --help` and `regel --version`
 * against a bare `node -e ""`, medians over interleaved runs (so a busy moment of the machine hits
 * all alike). The target is 3 × the bare node: the root help and the version import no command
 * module (see cli/command-table.ts). Beside them `regel validate` of the bundled example
 * (examples/ikb-delivery, report written to a temporary folder), whose target is 2 × the bare
 * `regel --version` (issue 15), with the CPU time (user + system) of its process. Beside that, the
 * one-read floor of the same delivery run cold (bench/floor-cold.ts, bundled into one file): a
 * process that only loads the ruleset, reads the files once and checks every row, the part of the
 * example's time that is the work itself.
 *
 * Every process runs without the environment variables that make node work before any script
 * ({@link startupEnv}): a machine that sets `NODE_EXTRA_CA_CERTS` adds the parse of its
 * certificates to every start (about 40 ms on the machine of bench/results.md), which would hide
 * the command's own start-up in the ratios. What the environment as it is adds is reported beside.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Medians in milliseconds. */
export interface Startup {
  bareMs: number;
  /**
   * Bare `node -e ""` with the environment as it is, when it sets a variable {@link startupEnv}
   * leaves out (their names in `leftOut`); undefined otherwise.
   */
  bareAsIsMs?: number;
  /** The variables of {@link START_UP_VARIABLES} this environment sets. */
  leftOut?: string[];
  helpMs: number;
  versionMs: number;
  /** `regel validate` of the bundled example, end to end (report folder written). */
  exampleMs: number;
  /** Its CPU time, user + system (undefined where /proc is not there to tell). */
  exampleCpuMs: number | undefined;
  /** Rows the example's report says were read. */
  exampleRows: number;
  /**
   * The example's one-read floor in a fresh process (bench/floor-cold.ts, bundled); undefined
   * when it was not measured.
   */
  floorMs?: number;
  /** The IKBs the floor assembled (the example's report counts the same). */
  floorIkbs?: number;
  repeats: number;
}

/** The bundled example and its reporting reference date (examples/ikb-delivery/manifest.json). */
export const EXAMPLE = join("examples", "ikb-delivery");
const EXAMPLE_RRD = "2024-03-31";
/** The compiled ruleset `regel validate` chooses for the example at that date. */
const EXAMPLE_RULESET = "ikb.glo@1.3.0";

/**
 * CPU time (user + system, ms) of this process's children that have been waited for, from
 * /proc/self/stat (cutime, cstime; clock ticks of 10 ms); undefined off Linux.
 */
function childrenCpuMs(): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  const stat = readFileSync("/proc/self/stat", "utf8");
  // the fields after the command name (which may hold spaces) in parentheses
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields 16 and 17 of proc(5), counted from the state (field 3) here
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/**
 * Variables that make node do work before any script runs, whatever the script:
 * `NODE_EXTRA_CA_CERTS` (node reads and parses the certificate file at start-up, in Node 20) and
 * `NODE_OPTIONS` (flags, preloaded modules).
 */
export const START_UP_VARIABLES: readonly string[] = [
  "NODE_EXTRA_CA_CERTS",
  "NODE_OPTIONS",
];

/** `env` without {@link START_UP_VARIABLES}: the environment the start-up rows are measured in. */
export function startupEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of START_UP_VARIABLES) delete clean[name];
  return clean;
}

/**
 * Wall time of `node args` (and its CPU time, see {@link childrenCpuMs}); exit codes above
 * `maxStatus` fail (validate exits 1 for a rejected delivery, still a complete run). Run in
 * {@link startupEnv} unless `env` is given.
 */
function run(
  args: string[],
  maxStatus = 0,
  env: NodeJS.ProcessEnv = startupEnv(process.env),
): { ms: number; cpuMs: number | undefined; stdout: string } {
  const cpu0 = childrenCpuMs();
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { encoding: "utf8", env });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu1 = childrenCpuMs();
  if (child.status === null || child.status > maxStatus)
    throw new Error(`node ${args.join(" ")} failed:\n${child.stderr}`);
  return {
    ms,
    cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
    stdout: child.stdout,
  };
}

const wallMs = (args: string[]): number => run(args).ms;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The package's `bin`, the file `npx regel` runs (relative to the package root, the bench's folder). */
export function regelBin(): string {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
    bin: { regel: string };
  };
  return pkg.bin.regel;
}

/** Where {@link bundleColdFloor} writes the bundled floor (beside the compiled bench). */
const COLD_FLOOR_BUNDLE = join("dist", "bench", "floor-cold.bundle.js");

/**
 * Bundle the cold floor's entry (dist/bench/floor-cold.js, built by `npm run build`) with its
 * imports into one file, as the CLI is bundled (scripts/bundle-cli.ts), so that its process loads
 * one module besides the compiled ruleset; returns the bundle's path.
 */
export async function bundleColdFloor(): Promise<string> {
  const { build } = await import("rolldown");
  await build({
    input: join("dist", "bench", "floor-cold.js"),
    platform: "node",
    logLevel: "silent",
    output: { file: COLD_FLOOR_BUNDLE, format: "esm", sourcemap: false },
  });
  return COLD_FLOOR_BUNDLE;
}

/**
 * Measure start-up `repeats` times each (after one warm-up run of each, not counted); with
 * `floorBundle` (from {@link bundleColdFloor}) the example's cold floor too, in the same rounds.
 */
export function measureStartup(repeats: number, floorBundle?: string): Startup {
  const main = regelBin();
  const runs = {
    bare: [] as number[],
    bareAsIs: [] as number[],
    help: [] as number[],
    version: [] as number[],
    example: [] as number[],
    exampleCpu: [] as number[],
    floor: [] as number[],
  };
  const work = mkdtempSync(join(tmpdir(), "regel-bench-startup-"));
  const out = join(work, "report");
  const validate = [
    main,
    "validate",
    EXAMPLE,
    "--rrd",
    EXAMPLE_RRD,
    "--out",
    out,
    "--no-progress",
  ];
  const floorArgs =
    floorBundle === undefined
      ? undefined
      : [
          floorBundle,
          EXAMPLE,
          join("rulesets", "compiled", EXAMPLE_RULESET),
          EXAMPLE_RRD,
        ];
  let exampleRows = 0;
  let floorIkbs: number | undefined;
  const leftOut = START_UP_VARIABLES.filter(
    (name) => process.env[name] !== undefined,
  );
  try {
    for (let r = -1; r < repeats; r++) {
      const bare = wallMs(["-e", ""]);
      const bareAsIs =
        leftOut.length > 0 ? run(["-e", ""], 0, process.env).ms : undefined;
      const help = wallMs([main, "--help"]);
      const version = wallMs([main, "--version"]);
      // a fresh folder each time: the same work each run (no earlier report to replace)
      rmSync(out, { recursive: true, force: true });
      const example = run(validate, 1);
      const floor = floorArgs === undefined ? undefined : run(floorArgs);
      if (r < 0) {
        const report = JSON.parse(
          readFileSync(join(out, "report.json"), "utf8"),
        ) as { rows: { read: number }; ikbs: { count: number } };
        exampleRows = report.rows.read;
        if (floor !== undefined) {
          floorIkbs = (JSON.parse(floor.stdout) as { ikbs: number }).ikbs;
          // the floor must do the example's work: every IKB the report counts
          if (floorIkbs !== report.ikbs.count)
            throw new Error(
              `the cold floor assembled ${floorIkbs} IKBs, the example's report counts ${report.ikbs.count}`,
            );
        }
        continue;
      }
      if (floor !== undefined) runs.floor.push(floor.ms);
      runs.bare.push(bare);
      if (bareAsIs !== undefined) runs.bareAsIs.push(bareAsIs);
      runs.help.push(help);
      runs.version.push(version);
      runs.example.push(example.ms);
      if (example.cpuMs !== undefined) runs.exampleCpu.push(example.cpuMs);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return {
    bareMs: median(runs.bare),
    ...(leftOut.length > 0
      ? { bareAsIsMs: median(runs.bareAsIs), leftOut }
      : {}),
    helpMs: median(runs.help),
    versionMs: median(runs.version),
    exampleMs: median(runs.example),
    exampleCpuMs:
      runs.exampleCpu.length === repeats ? median(runs.exampleCpu) : undefined,
    exampleRows,
    floorMs: runs.floor.length > 0 ? median(runs.floor) : undefined,
    floorIkbs,
    repeats,
  };
}

/** The rows of bench/results.md for start-up. */
export function startupRows(s: Startup): string[] {
  const asIs =
    s.bareAsIsMs === undefined || s.leftOut === undefined
      ? ""
      : `; every process without this environment's ${s.leftOut.join(" and ")}, with which a bare node takes ${(s.bareAsIsMs / 1000).toFixed(3)} s`;
  const row = (what: string, ms: number) =>
    `| ${what} start-up (median of ${s.repeats}; bare \`node -e ""\`: ${(s.bareMs / 1000).toFixed(3)} s${asIs}) | ${(ms / 1000).toFixed(3)} | ${(ms / s.bareMs).toFixed(2)} × bare node | ≤ 3 × | |`;
  const cpu =
    s.exampleCpuMs === undefined
      ? ""
      : `; CPU user + system ${(s.exampleCpuMs / 1000).toFixed(2)} s`;
  return [
    row("`regel --help`", s.helpMs),
    row("`regel --version`", s.versionMs),
    `| \`regel validate\` of the bundled example (${EXAMPLE}, ${s.exampleRows.toLocaleString("en")} rows, report folder written; median of ${s.repeats}, interleaved with the rows above${cpu}) | ${(s.exampleMs / 1000).toFixed(3)} | ${(s.exampleMs / s.versionMs).toFixed(2)} × \`regel --version\`, ${(s.exampleMs / s.bareMs).toFixed(2)} × bare node | ≤ 2 × \`regel --version\` | |`,
    ...(s.floorMs === undefined
      ? []
      : [
          `| the example's one-read floor, cold (bench/floor-cold.ts bundled into one file, a fresh process: the ruleset loaded, every IKB file read once, every row decoded and checked, ${s.floorIkbs?.toLocaleString("en")} IKBs classified; no command line, scan, key sets, whole-file checks, tallies or report; median of ${s.repeats}, interleaved) | ${(s.floorMs / 1000).toFixed(3)} | ${(s.floorMs / s.versionMs).toFixed(2)} × \`regel --version\`; the example is ${(s.exampleMs / s.floorMs).toFixed(2)} × it | reference | |`,
        ]),
  ];
}

/**
 * Replace the start-up rows of a results.md text where they are (or add them at the end of its
 * first table). Only the table before the notes is touched: a row of the notes may start the same
 * way (the targets table names the bundled example too).
 */
export function withStartupRows(results: string, rows: string[]): string {
  const notesAt = results.indexOf("\n## Notes");
  if (notesAt >= 0)
    return (
      withStartupRows(results.slice(0, notesAt), rows) + results.slice(notesAt)
    );
  const ours = (l: string) =>
    /^\| `regel (--help|--version)` start-up|^\| `regel validate` of the bundled example|^\| the example's one-read floor, cold/.test(
      l,
    );
  const lines = results.split("\n");
  const at = lines.findIndex(ours);
  const kept = lines.filter((l) => !ours(l));
  let end = at;
  if (end < 0) {
    end =
      kept.findIndex(
        (l, i) => l.startsWith("|") && !(kept[i + 1] ?? "").startsWith("|"),
      ) + 1;
    if (end <= 0) end = kept.length;
  }
  kept.splice(end, 0, ...rows);
  return kept.join("\n");
}
