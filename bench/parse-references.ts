/**
 * The parse-only reference rows of `npm run bench` (issue 15): csv-parse, papaparse, uDSV and
 * DuckDB's `read_csv` merely parsing the delivery's CSV files, regel's own reader merely reading
 * them (byte and text tokenizer), a raw byte scan as the physical floor, the floor of a one-read
 * design (bench/one-read-floor.ts), `regel validate` end to end (one thread, worker threads, and
 * one-thread runs side by side: what the machine's cores give its work when nothing is split),
 * measured **interleaved** (one run of each in turn, `repeats` rounds), so that on a
 * loaded machine every ratio compares runs made at about the same time. One row is derived from
 * two others, not run: one read of every cell plus the compiled ruleset alone, the least a design
 * takes that keeps today's reader and compiled checks (target 1 asks for less).
 *
 * @module
 */

import { availableParallelism } from "node:os";

/** One measurement's numbers (bench/measure.ts prints them). */
export type Measurement = Record<string, number>;

/** A task of bench/measure.ts with the label of its row. */
interface Task {
  key: string;
  label: string;
  args: string[];
}

/** The tasks, in the order of the rows. */
function tasks(dir: string, compiled: string, rrd: string): Task[] {
  return [
    {
      key: "csv-parse",
      label: "csv-parse merely parsing the files (baseline)",
      args: ["csv-parse", dir],
    },
    {
      key: "papaparse",
      label: "papaparse merely parsing the files (all cells as text)",
      args: ["papaparse", dir],
    },
    {
      key: "udsv",
      label: "uDSV merely parsing the files (string arrays)",
      args: ["udsv", dir],
    },
    {
      key: "duckdb",
      label:
        "DuckDB `read_csv` loading the files into a table, one thread, all columns as text",
      args: ["duckdb", dir],
    },
    {
      key: "read-bytes",
      label: "regel's CSV reader merely reading every cell (byte tokenizer)",
      args: ["read", dir, "bytes"],
    },
    {
      key: "read-text",
      label: "regel's CSV reader merely reading every cell (text tokenizer)",
      args: ["read", dir, "text"],
    },
    {
      key: "read-threads",
      label: `regel's CSV reader, ${THREADS} threads at once, each reading every cell of every file (nothing shared or merged): the machine's ceiling for parallel work of this kind`,
      args: ["read-threads", dir, String(THREADS)],
    },
    {
      key: "byte-scan",
      label:
        "raw byte scan: every byte read, line ends counted (`Buffer.indexOf`): the physical floor",
      args: ["byte-scan", dir],
    },
    {
      key: "one-read-floor",
      label:
        "the floor of a one-read design: regel's reader reading every IKB file once, the rows merged into IKBs by key, every row decoded and checked and every IKB classified by the compiled ruleset (no scan, key sets, references, unique keys, whole-file checks, tallies or report)",
      args: ["one-read-floor", dir, compiled, rrd],
    },
    {
      key: "one-read-floor-threads",
      label: `the one-read floor, ${THREADS} threads at once, each over the whole delivery (nothing shared or merged): the machine's ceiling for work of the kind \`regel validate\` does`,
      args: ["one-read-floor-threads", dir, compiled, rrd, String(THREADS)],
    },
    {
      key: "validate",
      label:
        "`regel validate` end to end (decode, checks, IKB assembly, file checks, report)",
      args: ["validate", dir, compiled, rrd],
    },
    {
      key: "validate-threads",
      label: `\`regel validate --threads ${THREADS}\` end to end: worker threads, the same report`,
      args: ["validate-threads", dir, compiled, rrd, String(THREADS)],
    },
    {
      key: "validate-side-by-side",
      label: `\`regel validate\` with one thread, ${THREADS} runs at once (worker threads of one process, each over the whole delivery, nothing shared or merged): the machine's ceiling for \`regel validate\`'s own work`,
      args: ["validate-side-by-side", dir, compiled, rrd, String(THREADS)],
    },
  ];
}

/** Worker threads of the threads row: every core of the machine, at least 2, at most 16. */
export const THREADS = Math.min(16, Math.max(2, availableParallelism()));

/** The median of `values` (the mean of the middle two when their number is even). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Run every task once per round, `repeats` rounds; the median of every number per task.
 * `once` runs one measurement in a fresh process (bench/run.ts).
 */
export function measureReferences(
  dir: string,
  compiled: string,
  rrd: string,
  repeats: number,
  once: (args: string[]) => Measurement,
): Map<string, Measurement> {
  const all = tasks(dir, compiled, rrd);
  const runs = new Map<string, Measurement[]>(all.map((t) => [t.key, []]));
  for (let r = 0; r < repeats; r++)
    for (const t of all) {
      process.stderr.write(`${t.key}: round ${r + 1}/${repeats}\n`);
      runs.get(t.key)!.push(once(t.args));
    }
  const out = new Map<string, Measurement>();
  for (const [key, list] of runs) out.set(key, medians(list));
  return out;
}

/** The median of every number of the measurements `list` (of one task). */
export function medians(list: readonly Measurement[]): Measurement {
  const m: Measurement = {};
  for (const k of Object.keys(list[0]))
    if (typeof list[0][k] === "number") m[k] = median(list.map((x) => x[k]));
  return m;
}

/** The rows of the results table, every ratio against csv-parse and papaparse of the same rounds. */
export function referenceRows(
  measured: Map<string, Measurement>,
  dir: string,
  compiled: string,
  rrd: string,
): string[] {
  const base = measured.get("csv-parse")!;
  const papa = measured.get("papaparse")!;
  const one = measured.get("validate")!;
  const many = measured.get("validate-threads")!;
  const reader = measured.get("read-bytes")!;
  const readers = measured.get("read-threads")!;
  if (readers.rows !== THREADS * reader.rows)
    throw new Error(
      `the ${THREADS} reading threads read ${readers.rows} rows, not ${THREADS} × ${reader.rows}`,
    );
  for (const k of ["rows", "ikbs", "findings"])
    if (one[k] !== many[k])
      throw new Error(
        `validate with ${THREADS} threads and with one differ in ${k}: ${many[k]} against ${one[k]}`,
      );
  const floor = measured.get("one-read-floor")!;
  if (floor.ikbs !== one.ikbs)
    throw new Error(
      `the one-read floor assembled ${floor.ikbs} IKBs, validate ${one.ikbs}`,
    );
  const floors = measured.get("one-read-floor-threads")!;
  if (floors.ikbs !== THREADS * floor.ikbs)
    throw new Error(
      `the ${THREADS} floor threads assembled ${floors.ikbs} IKBs, not ${THREADS} × ${floor.ikbs}`,
    );
  const copies = measured.get("validate-side-by-side")!;
  for (const k of ["rows", "ikbs", "findings"])
    if (copies[k] !== THREADS * one[k])
      throw new Error(
        `the ${THREADS} validate runs side by side found ${copies[k]} ${k}, not ${THREADS} × ${one[k]}`,
      );
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const r = (a: number, b: number) => (a / b).toFixed(2);
  return tasks(dir, compiled, rrd).flatMap((t) => {
    const m = measured.get(t.key)!;
    const ratio = (() => {
      switch (t.key) {
        case "csv-parse":
          return "1.00";
        case "validate-threads":
          return `${r(one.ms, m.ms)} × one thread's throughput, ${r(m.ms, papa.ms)} × papaparse`;
        case "validate-side-by-side":
          return `${r(THREADS * one.ms, m.ms)} × one thread's throughput: the threads row without splits, hand-overs or waits`;
        case "read-threads":
          return `${r(THREADS * reader.ms, m.ms)} × one reader's throughput`;
        case "one-read-floor-threads":
          return `${r(THREADS * floor.ms, m.ms)} × one floor's throughput`;
        default:
          return `${r(m.ms, base.ms)} × csv-parse, ${r(m.ms, papa.ms)} × papaparse`;
      }
    })();
    const target =
      t.key === "validate"
        ? "≤ 1.0 × papaparse"
        : t.key === "validate-threads"
          ? "≥ 1.8 × one thread (2 cores)"
          : "";
    const cpu = m.cpuMs === undefined ? "" : s(m.cpuMs);
    const row = `| ${t.label} | ${s(m.ms)} | ${ratio} | ${target} | ${cpu} | ${m.peakRssMiB} |`;
    if (t.key === "one-read-floor") {
      // the compiled ruleset's share of the same runs: what the checks cost by themselves; with
      // one read of every cell, the least a design takes that keeps today's reader and checks
      const least = reader.ms + m.compiledMs;
      return [
        row,
        `| of which the compiled ruleset alone (decoding, row checks, classification; timed over batches of IKBs) | ${s(m.compiledMs)} | ${r(m.compiledMs, base.ms)} × csv-parse, ${r(m.compiledMs, papa.ms)} × papaparse |  |  |  |`,
        `| today's reader and checks, nothing else (derived, not run): one read of every cell (regel's reader, byte tokenizer) plus the compiled ruleset alone (the row above) | ${s(least)} | ${r(least, papa.ms)} × papaparse: the least of any design that keeps them |  |  |  |`,
      ];
    }
    return [row];
  });
}

/** The phases of `regel validate` in the phase table, by the field of bench/validate-end-to-end.ts. */
const PHASES: [field: string, label: string][] = [
  [
    "scanMs",
    "start-up and the scan (headers, every row read once, key sets, file totals, sha256)",
  ],
  ["betweenMs", "the key sets sealed and the whole-file passes"],
  [
    "passMs",
    "the validate pass (the IKB files read again and merged by key; every row decoded and checked, every IKB classified)",
  ],
  ["reportMs", "the tallies and the report"],
];

/**
 * Where the time of `regel validate` goes, with one thread and with {@link THREADS}: the phases
 * of the same runs as the reference rows (their progress events, `PhaseClock` in
 * bench/validate-end-to-end.ts), each the median of its own, so that they need not add up to the
 * median of the whole. Shows which phase the threads speed up less than the others (target 2).
 */
export function phaseTable(measured: Map<string, Measurement>): string[] {
  const one = measured.get("validate")!;
  const many = measured.get("validate-threads")!;
  if (one.passMs === undefined || many.passMs === undefined) return [];
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const rate = (perS: number) =>
    `${Math.round(perS / 1000).toLocaleString("en")} k`;
  return [
    `| phase of \`regel validate\` (the runs above) | one thread (s) | ${THREADS} threads (s) | one thread's time / ${THREADS} threads' |`,
    "| --- | ---: | ---: | ---: |",
    ...PHASES.map(
      ([field, label]) =>
        `| ${label} | ${s(one[field])} | ${s(many[field])} | ${(one[field] / many[field]).toFixed(2)} × |`,
    ),
    `| the validate pass's steady rate, rows per second between a tenth and nine tenths of its rows (no start, no end of a range) | ${rate(one.steadyRowsPerS)} | ${rate(many.steadyRowsPerS)} | ${(many.steadyRowsPerS / one.steadyRowsPerS).toFixed(2)} × |`,
    `| the whole run (the rows above) | ${s(one.ms)} | ${s(many.ms)} | ${(one.ms / many.ms).toFixed(2)} × |`,
  ];
}

/** The table of the reference rows, with its header. */
export function referenceTable(rows: string[]): string[] {
  return [
    "| measurement | time (s) | ratio | target | CPU (s) | peak RSS (MiB) |",
    "| --- | ---: | ---: | --- | ---: | ---: |",
    ...rows,
  ];
}

/** A marked section of the results file: its lines between `<!-- name -->` and `<!-- /name -->`. */
export function markedBlock(name: string, lines: readonly string[]): string {
  return [`<!-- ${name} -->`, ...lines, `<!-- /${name} -->`].join("\n");
}

/** `results` with its marked section `name` replaced by `block`; undefined when it has none. */
export function replaceMarked(
  results: string,
  name: string,
  block: string,
): string | undefined {
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const from = results.indexOf(start);
  const to = results.indexOf(end);
  return from >= 0 && to > from
    ? results.slice(0, from) + block + results.slice(to + end.length)
    : undefined;
}

/** The results file with its section of reference rows replaced (or added before the notes). */
export function withReferenceSection(
  results: string,
  section: string[],
): string {
  const block = markedBlock("parse-references", section);
  const replaced = replaceMarked(results, "parse-references", block);
  if (replaced !== undefined) return replaced;
  const notes = results.indexOf("\n## Notes");
  return notes >= 0
    ? `${results.slice(0, notes)}\n${block}\n${results.slice(notes)}`
    : `${results}\n${block}\n`;
}
