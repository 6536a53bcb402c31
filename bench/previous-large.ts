/**
 * `node dist/bench/previous-large.js [--depositors N] [--dir D] [--max-old-space-size MiB]`
 * (after `npm run build`): the memory bound of `regel validate --previous` and of the duplicate
 * check dup0001 at N depositors (default 10,000,000; issues 15, 17 item 4, 19 item 1).
 *
 * Generates, once (cached), a delivery T of ikb.glo@1.3.0 (seed 5, `--duplicate-rate 0.01`) and
 * its previous delivery T−1 (`--previous-out`, whose files `regel generate` writes out of IKB-key
 * order, so T−1 goes through the external sort), then validates T against T−1 once in a fresh
 * process (`dist/bench/measure.js validate`, report included) and prints one Markdown row: wall
 * time, CPU time, peak RSS, and the findings of etc0005–etc0007 and dup0001, which must equal the
 * generator's ground truth (ground-truth/summary.json) or the script fails.
 *
 * Kept apart from `npm run bench`: the 10 M delivery and its T−1 are 16 GB and take about half an
 * hour to generate, the validation another half hour on a 2-core machine.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { loadCompiled } from "../runtime/load-compiled.js";
import { generateDelivery } from "../runtime/synthetic/generate.js";

const RULESET = "ikb.glo@1.3.0";
const RRD = "2024-03-31";
const COMPILED = join(
  process.env.REGEL_COMPILED ?? join("rulesets", "compiled"),
  RULESET,
);
const DUPLICATE_RATE = 0.01;
/** The rules whose findings are compared with the ground truth. */
const CHECKED = ["etc0005", "etc0006", "etc0007", "dup0001"];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined
    ? process.argv[i + 1]
    : fallback;
}

interface Summary {
  findingsPerRule: Record<string, number>;
  previous?: { findingsPerRule: Record<string, number> };
}

async function main(): Promise<void> {
  const depositors = Number(option("--depositors", "10000000"));
  const base = option(
    "--dir",
    join(
      "bench",
      ".cache",
      `${RULESET}-${depositors}-seed5-dup${DUPLICATE_RATE}`,
    ),
  );
  const heap = option("--max-old-space-size", "16384");
  const t = join(base, "T");
  const t1 = join(base, "T1");
  const summaryFile = join(t, "ground-truth", "summary.json");
  if (!existsSync(summaryFile)) {
    process.stderr.write(
      `generating ${depositors.toLocaleString("en")} depositors into ${t} and ${t1} ...\n`,
    );
    const loaded = await loadCompiled(COMPILED);
    generateDelivery(loaded.module, {
      depositors,
      seed: 5,
      defectRate: 0.05,
      markingRate: 0.02,
      duplicateRate: DUPLICATE_RATE,
      rrd: RRD,
      out: t,
      previousOut: t1,
    });
  }
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as Summary;
  const truth: Record<string, number> = {
    ...summary.findingsPerRule,
    ...summary.previous?.findingsPerRule,
  };
  process.stderr.write(`validating ${t} --previous ${t1} ...\n`);
  const load = loadavg()[0];
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${heap}`,
      join("dist", "bench", "measure.js"),
      "validate",
      t,
      COMPILED,
      RRD,
      t1,
    ],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (child.status !== 0)
    throw new Error(`measure validate failed:\n${child.stderr}`);
  const m = JSON.parse(child.stdout.trim().split("\n").pop() ?? "") as Record<
    string,
    number
  >;
  const found = CHECKED.map((c) => `${m[`rule:${c}`] ?? 0}`);
  const wrong = CHECKED.filter((c) => (m[`rule:${c}`] ?? 0) !== truth[c]);
  if (wrong.length)
    throw new Error(
      `findings differ from the ground truth: ${wrong.map((c) => `${c} ${m[`rule:${c}`] ?? 0} ≠ ${truth[c]}`).join(", ")}`,
    );
  process.stdout.write(
    [
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average at start ${load.toFixed(1)}; --max-old-space-size=${heap}`,
      "| depositors | run | wall (s) | CPU (s) | peak RSS (MiB) | etc0005 / etc0006 / etc0007 / dup0001 found = ground truth |",
      "| ---: | --- | ---: | ---: | ---: | --- |",
      `| ${depositors.toLocaleString("en")} | \`regel validate --previous\` (${Math.round(m.rows).toLocaleString("en")} rows), once | ${(m.ms / 1000).toFixed(1)} | ${(m.cpuMs / 1000).toFixed(1)} | ${m.peakRssMiB} | ${found.join(" / ")} = ground truth |`,
      "",
    ].join("\n"),
  );
}

await main();
