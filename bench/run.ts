/**
 * `npm run bench`: generates synthetic deliveries (cached under bench/.cache) and measures, as
 * medians over repeats, each in a fresh child process (so its peak RSS is its own):
 *
 * - csv-parse merely parsing the delivery's CSV files (the baseline), and as parse-only references
 *   papaparse, uDSV, DuckDB's `read_csv`, regel's own reader and a raw byte scan (the physical
 *   floor), interleaved with `regel validate` end to end on the same files, in one thread and with
 *   `--threads` (every core, at least 2; bench/parse-references.ts);
 * - the same with the whole-file checks of bench/rulesets/bench.wholefile (ikb.glo@1.3.0 plus
 *   `unique` / `one ... per` over NP and BA), against the plain validate row;
 * - the same delivery with the rows of every file shuffled (bench/shuffle.ts), in one thread and
 *   with `--threads`: a delivery in no IKB key order, sorted through runs;
 * - the same without the duplicate check dup0001 (bench/rulesets/bench.noduplicates), so that the
 *   plain validate row shows what the golden triangle costs (the delivery repeats 1 % of its
 *   depositors, half of them near duplicates: `regel generate --duplicate-rate 0.01`);
 * - compiled validators vs the reference interpreter on the same records;
 * - field-level checks of BA vs ajv on the equivalent JSON Schema (same verdict on every record);
 * - parse + check + compile of all shipped rulesets;
 * - CLI start-up: `regel --help` / `--version` against a bare `node -e ""`, and `regel validate` of
 *   the bundled example against them, and the example's one-read floor run cold (bench/startup.ts,
 *   bench/floor-cold.ts), every process without `NODE_EXTRA_CA_CERTS` and `NODE_OPTIONS`;
 * - `regel lsp`: a keystroke in the largest shipped ruleset (bench/lsp-keystroke.ts).
 *
 * Writes bench/results.md with figures, ratios, the command, the machine and the date.
 *
 * Options: `--depositors N` (default 1,000,000), `--repeats R` (default 3), `--records N` for the
 * interpreter and ajv comparisons (default 1,000,000), `--large N` (also validate one delivery of N
 * depositors once, e.g. 10,000,000), `--out FILE` (default bench/results.md), `--startup-only 1`
 * (measure only the CLI start-up and the bundled example, and replace their rows in the results
 * file), `--lsp-only 1` (measure only the language server's keystroke and replace its row),
 * `--references-only 1` (measure only the parse-only references and validate, interleaved, and
 * replace their section), `--scaling-only 1` (measure only `regel validate` with one thread and
 * with every core on deliveries of the sizes `--scaling` lists, default 100000,1000000,3000000,
 * interleaved, and replace their section at the start of the notes: bench/thread-scaling.ts).
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, platform, release, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compile } from "../compiler/compile.js";
import { loadCompiled } from "../runtime/load-compiled.js";
import { generateDelivery } from "../runtime/synthetic/generate.js";
import { ikbKey } from "../runtime/synthetic/ikb-builder.js";
import {
  bundleColdFloor,
  measureStartup,
  startupRows,
  withStartupRows,
} from "./startup.js";
import {
  measureReferences,
  medians,
  referenceRows,
  THREADS,
  referenceTable,
  phaseTable,
  withReferenceSection,
  type Measurement,
} from "./parse-references.js";
import { shuffledCopy } from "./shuffle.js";
import {
  keystrokeRow,
  measureKeystroke,
  withKeystrokeRow,
} from "./lsp-keystroke.js";
import {
  measureScaling,
  scalingTables,
  withScalingSection,
} from "./thread-scaling.js";

/** Start-up runs are short: many of them, for a stable median. */
const STARTUP_REPEATS = 21;
/** Keystrokes typed into the largest shipped ruleset. */
const KEYSTROKES = 41;

interface Options {
  depositors: number;
  repeats: number;
  records: number;
  large: number | undefined;
  out: string;
  startupOnly: boolean;
  lspOnly: boolean;
  referencesOnly: boolean;
  scalingOnly: boolean;
  /** The deliveries' sizes (depositors) of `--scaling-only`. */
  scaling: number[];
}

const RULESET = "ikb.glo@1.3.0";
const RRD = "2024-03-31";
const COMPILED = join(
  process.env.REGEL_COMPILED ?? join("rulesets", "compiled"),
  RULESET,
);

/** The whole-file workload: ikb.glo@1.3.0 with whole-file checks, compiled under bench/.cache. */
const WHOLE_FILE = "bench.wholefile@1.0.0";
/** ikb.glo@1.3.0 without dup0001: the baseline of the duplicate check. */
const NO_DUPLICATES = "bench.noduplicates@1.0.0";
/** Share of depositors repeated (or nearly) in the bench's deliveries. */
const DUPLICATE_RATE = 0.01;

async function compileWholeFile(): Promise<string> {
  // outside the source tree: its .d.ts files are no sources (test/source-format.test.ts)
  const outDir = join(tmpdir(), "regel-bench-compiled");
  const result = await compile(["rulesets", join("bench", "rulesets")], {
    outDir,
  });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0)
    throw new Error(errors.map((d) => `${d.code} ${d.message}`).join("\n"));
  for (const f of result.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
  return join(outDir, WHOLE_FILE);
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    depositors: 1_000_000,
    repeats: 3,
    records: 1_000_000,
    large: undefined,
    out: join("bench", "results.md"),
    startupOnly: false,
    lspOnly: false,
    referencesOnly: false,
    scalingOnly: false,
    scaling: [100_000, 1_000_000, 3_000_000],
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const n = Number(value);
    if (flag === "--out") options.out = value;
    else if (flag === "--scaling") {
      options.scaling = (value ?? "").split(",").map(Number);
      if (
        options.scaling.length < 2 ||
        options.scaling.some((d) => !Number.isInteger(d) || d <= 0) ||
        new Set(options.scaling).size !== options.scaling.length
      )
        throw new Error(
          "--scaling needs two or more different numbers of depositors, e.g. 100000,1000000",
        );
      options.scaling.sort((a, b) => a - b);
    } else if (!Number.isFinite(n) || n <= 0)
      throw new Error(`${flag} needs a positive number`);
    else if (flag === "--depositors") options.depositors = n;
    else if (flag === "--repeats") options.repeats = n;
    else if (flag === "--records") options.records = n;
    else if (flag === "--large") options.large = n;
    else if (flag === "--startup-only") options.startupOnly = true;
    else if (flag === "--lsp-only") options.lspOnly = true;
    else if (flag === "--references-only") options.referencesOnly = true;
    else if (flag === "--scaling-only") options.scalingOnly = true;
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

async function delivery(
  depositors: number,
): Promise<{ dir: string; rowsPerIkb: number }> {
  const dir = join(
    "bench",
    ".cache",
    `${RULESET}-${depositors}-seed1-dup${DUPLICATE_RATE}`,
  );
  const summaryFile = join(dir, "ground-truth", "summary.json");
  if (!existsSync(summaryFile)) {
    process.stderr.write(
      `generating ${depositors.toLocaleString("en")} depositors into ${dir} ...\n`,
    );
    const loaded = await loadCompiled(COMPILED);
    generateDelivery(loaded.module, {
      depositors,
      seed: 1,
      defectRate: 0.05,
      markingRate: 0.02,
      duplicateRate: DUPLICATE_RATE,
      rrd: RRD,
      out: dir,
    });
  }
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as {
    rows: Record<string, number>;
  };
  const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
  return { dir, rowsPerIkb: rows / depositors };
}

function measureOnce(args: string[]): Measurement {
  const child = spawnSync(
    process.execPath,
    [
      "--max-old-space-size=16384",
      join("dist", "bench", "measure.js"),
      ...args,
    ],
    {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    },
  );
  if (child.status !== 0)
    throw new Error(`measure ${args.join(" ")} failed:\n${child.stderr}`);
  const line = child.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as Measurement;
}

/** Repeat a measurement; the median of every numeric property. */
function measure(label: string, args: string[], repeats: number): Measurement {
  const runs: Measurement[] = [];
  for (let r = 0; r < repeats; r++) {
    process.stderr.write(`${label}: run ${r + 1}/${repeats}\n`);
    runs.push(measureOnce(args));
  }
  return medians(runs);
}

function gitCommit(): string {
  return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
    encoding: "utf8",
  }).trim();
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const ratio = (a: number, b: number): string => (a / b).toFixed(2);

/** The results file as it is (empty when there is none yet). */
function readResults(out: string): string {
  return existsSync(out) ? readFileSync(out, "utf8") : "";
}

/** The machine, as the results name it; `withOs`: its operating system too (the file's header). */
function machine(withOs = false): string {
  const os = withOs ? `${platform()} ${release()}, ` : "";
  return `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${os}Node ${process.version}`;
}

/** `--scaling-only`: one thread and every core on deliveries of each size (bench/thread-scaling.ts). */
async function scalingSection(options: Options): Promise<string[]> {
  const dirs: string[] = [];
  for (const depositors of options.scaling)
    dirs.push((await delivery(depositors)).dir);
  const started = new Date();
  const loadBefore = loadavg()[0];
  const points = measureScaling(
    options.scaling,
    dirs,
    COMPILED,
    RRD,
    options.repeats,
    measureOnce,
  );
  return [
    `### Worker threads and the size of the delivery (issue 15, target 2)`,
    "",
    `\`npm run bench -- ${process.argv.slice(2).join(" ")}\` on ${machine()}: \`regel validate\` of deliveries from \`regel generate\` (${RULESET}, seed 1, --duplicate-rate ${DUPLICATE_RATE}, in IKB key order) with one thread and with ${THREADS} (\`--threads ${THREADS}\`), measured interleaved (${options.repeats} round${options.repeats === 1 ? "" : "s"} of one run of each, each a fresh process; medians; the phases from the same runs' progress events as in the phase table above): ${started.toISOString().slice(0, 16)} UTC, commit ${gitCommit()}, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after. Same rows, IKBs and findings with one thread and with ${THREADS} at every size.`,
    "",
    ...scalingTables(points),
  ];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.startupOnly) {
    const rows = startupRows(
      measureStartup(STARTUP_REPEATS, await bundleColdFloor()),
    );
    const previous = readResults(options.out);
    writeFileSync(options.out, withStartupRows(previous, rows));
    process.stdout.write(`${rows.join("\n")}\n`);
    return;
  }
  if (options.lspOnly) {
    const row = keystrokeRow(
      await measureKeystroke("rulesets", KEYSTROKES),
      process.cwd(),
    );
    const previous = readResults(options.out);
    writeFileSync(options.out, withKeystrokeRow(previous, row));
    process.stdout.write(`${row}\n`);
    return;
  }
  if (options.scalingOnly) {
    const section = await scalingSection(options);
    const previous = readResults(options.out);
    writeFileSync(options.out, withScalingSection(previous, section));
    process.stdout.write(`${section.join("\n")}\n`);
    return;
  }
  const started = new Date();
  const { dir, rowsPerIkb } = await delivery(options.depositors);
  const lastKey = ikbKey(Math.max(1, Math.ceil(options.records / rowsPerIkb)));

  // csv-parse, the other parsers and validate interleaved (bench/parse-references.ts)
  const loadBefore = loadavg()[0];
  const references = measureReferences(
    dir,
    COMPILED,
    RRD,
    options.repeats,
    measureOnce,
  );
  const referenceSection = [
    `\`npm run bench -- ${process.argv.slice(2).join(" ")}\` on ${machine()}. Parse-only references and \`regel validate\` on the same files, measured interleaved (${options.repeats} rounds of one run of each, each a fresh process; medians; CPU: user + system time of the task, module imports not counted): ${started.toISOString().slice(0, 16)} UTC, commit ${gitCommit()}, ${options.depositors.toLocaleString("en")} depositors, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after.`,
    "",
    ...referenceTable(referenceRows(references, dir, COMPILED, RRD)),
    "",
    ...phaseTable(references),
  ];
  if (options.referencesOnly) {
    const previous = readResults(options.out);
    writeFileSync(
      options.out,
      withReferenceSection(previous, referenceSection),
    );
    process.stdout.write(`${referenceSection.join("\n")}\n`);
    return;
  }
  const parseOnly = references.get("csv-parse")!;
  const validate = references.get("validate")!;
  const wholeFileDir = await compileWholeFile();
  const wholeFile = measure(
    "validate + whole-file checks",
    ["validate", dir, wholeFileDir, RRD],
    options.repeats,
  );
  const noDuplicatesDir = join(dirname(wholeFileDir), NO_DUPLICATES);
  const noDuplicates = measure(
    "validate without dup0001",
    ["validate", dir, noDuplicatesDir, RRD],
    options.repeats,
  );
  const shuffled = `${dir}-shuffled`;
  if (!existsSync(join(shuffled, "natural_person.csv"))) {
    process.stderr.write(`shuffling its rows into ${shuffled} ...\n`);
    await shuffledCopy(dir, shuffled);
  }
  const unsorted = measure(
    "validate, rows shuffled",
    ["validate", shuffled, COMPILED, RRD],
    options.repeats,
  );
  const unsortedThreads = measure(
    `validate --threads ${THREADS}, rows shuffled`,
    ["validate-threads", shuffled, COMPILED, RRD, String(THREADS)],
    options.repeats,
  );
  for (const m of [unsorted, unsortedThreads])
    for (const k of ["rows", "ikbs", "findings"])
      if (m[k] !== validate[k])
        throw new Error(
          `validate of the shuffled delivery and of the delivery differ in ${k}: ${m[k]} against ${validate[k]}`,
        );
  const interpreter = measure(
    "interpreter",
    ["interpreter", dir, COMPILED, RRD, lastKey],
    options.repeats,
  );
  const ajv = measure(
    "ajv",
    ["ajv", dir, COMPILED, RRD, String(options.records)],
    options.repeats,
  );
  const compile = measure("compile", ["compile"], options.repeats);
  const megabyte = measure(
    "parse-check-1mb",
    ["parse-check-1mb"],
    options.repeats,
  );
  process.stderr.write("CLI start-up\n");
  const startup = measureStartup(STARTUP_REPEATS, await bundleColdFloor());
  process.stderr.write("regel lsp keystroke\n");
  const keystroke = await measureKeystroke("rulesets", KEYSTROKES);

  let large:
    | {
        depositors: number;
        parse: Measurement;
        validate: Measurement;
        threads: Measurement;
        noDuplicates: Measurement;
        wholeFile: Measurement;
      }
    | undefined;
  if (options.large !== undefined) {
    const big = await delivery(options.large);
    large = {
      depositors: options.large,
      parse: measure("csv-parse (large)", ["csv-parse", big.dir], 1),
      validate: measure(
        "validate (large)",
        ["validate", big.dir, COMPILED, RRD],
        1,
      ),
      threads: measure(
        `validate --threads ${THREADS} (large)`,
        ["validate-threads", big.dir, COMPILED, RRD, String(THREADS)],
        1,
      ),
      noDuplicates: measure(
        "validate without dup0001 (large)",
        ["validate", big.dir, noDuplicatesDir, RRD],
        1,
      ),
      wholeFile: measure(
        "validate + whole-file checks (large)",
        ["validate", big.dir, wholeFileDir, RRD],
        1,
      ),
    };
  }

  if (interpreter.compiledFindings !== interpreter.interpretedFindings) {
    throw new Error(
      `compiled and interpreted findings differ: ${interpreter.compiledFindings} vs ${interpreter.interpretedFindings}`,
    );
  }
  if (ajv.disagreements !== 0)
    throw new Error(
      `ajv and the compiled field checks disagree on ${ajv.disagreements} records`,
    );

  const commit = gitCommit();
  const lines = [
    "# Benchmark results",
    "",
    `Command: \`npm run bench -- ${process.argv.slice(2).join(" ")}\`  `,
    `Date: ${started.toISOString().slice(0, 10)}; commit ${commit}  `,
    `Machine: ${machine(true)}  `,
    `Data: \`regel generate\` ${RULESET}, seed 1, --duplicate-rate ${DUPLICATE_RATE}, ${options.depositors.toLocaleString("en")} depositors, ${Math.round(validate.rows).toLocaleString("en")} data rows in 7 CSV files; RRD ${RRD}.  `,
    `Each figure is the median of ${options.repeats} runs, each in a fresh process; peak RSS is that process's maximum resident set size.`,
    "",
    "| measurement | time (s) | ratio | target | peak RSS (MiB) |",
    "| --- | ---: | ---: | --- | ---: |",
    `| csv-parse merely parsing the files (baseline) | ${seconds(parseOnly.ms)} | 1.00 | | ${parseOnly.peakRssMiB} |`,
    `| \`regel validate\` end to end (decode, checks, IKB assembly, file checks, report) | ${seconds(validate.ms)} | ${ratio(validate.ms, parseOnly.ms)} × csv-parse | ≤ 1.5 × | ${validate.peakRssMiB} |`,
    `| the same without the duplicate check dup0001 (${NO_DUPLICATES}; dup0001: \`one customer_id per normalized_name(last_name), date_of_birth, normalized_code(identification_number), identification_country\` over NP) | ${seconds(noDuplicates.ms)} | validate = ${ratio(validate.ms, noDuplicates.ms)} × this | | ${noDuplicates.peakRssMiB} |`,
    `| the same with 3 whole-file checks (${WHOLE_FILE}: \`one customer_id per identification_number\`, \`unique last_name, first_names, date_of_birth\` over NP, \`one count_of_depositors per account_id\` over BA) | ${seconds(wholeFile.ms)} | ${ratio(wholeFile.ms, validate.ms)} × validate | | ${wholeFile.peakRssMiB} |`,
    `| the same delivery, the data rows of every file shuffled (bench/shuffle.ts: no IKB file in key order, each sorted through runs), one thread (same findings) | ${seconds(unsorted.ms)} | ${ratio(unsorted.ms, validate.ms)} × validate | | ${unsorted.peakRssMiB} |`,
    `| the same, \`--threads ${THREADS}\` (the sort in pieces, the validate pass by key range over the threads; same findings) | ${seconds(unsortedThreads.ms)} | ${ratio(unsorted.ms, unsortedThreads.ms)} × one thread's throughput | | ${unsortedThreads.peakRssMiB} |`,
    `| reference interpreter, ${Math.round(interpreter.records).toLocaleString("en")} records in ${Math.round(interpreter.ikbs).toLocaleString("en")} IKBs | ${seconds(interpreter.interpreterMs)} | 1.00 | | ${interpreter.peakRssMiB} |`,
    `| compiled validators, same records (same ${Math.round(interpreter.compiledFindings)} findings) | ${seconds(interpreter.compiledMs)} | ${ratio(interpreter.interpreterMs, interpreter.compiledMs)} × faster | ≥ 10 × | |`,
    `| ajv on the equivalent JSON Schema, ${Math.round(ajv.records).toLocaleString("en")} BA records | ${seconds(ajv.ajvMs)} | 1.00 | | ${ajv.peakRssMiB} |`,
    `| compiled BA field checks (val0001 decoding, dmc0000, dmc0005, etc0001), same records, ${ajv.disagreements} verdicts differ | ${seconds(ajv.compiledMs)} | ${ratio(ajv.ajvMs, ajv.compiledMs)} × ajv's speed | ≥ 1 × | |`,
    `| parse + check all shipped rulesets (${compile.rulesets} versions) | ${seconds(compile.parseCheckMs)} | | < 1 s | ${compile.peakRssMiB} |`,
    `| parse + check ${(megabyte.bytes / 1e6).toFixed(2)} MB of rulesets (${megabyte.files} files, ${megabyte.rules} rules) | ${seconds(megabyte.ms)} | | well under 1 s | ${megabyte.peakRssMiB} |`,
    `| compile all shipped rulesets, first run in the process | ${seconds(compile.compileColdMs)} | | < 2 s | |`,
    `| compile all shipped rulesets, second run | ${seconds(compile.compileWarmMs)} | | | |`,
    ...startupRows(startup),
    keystrokeRow(keystroke, process.cwd()),
  ];
  if (large !== undefined) {
    lines.push(
      `| csv-parse, ${large.depositors.toLocaleString("en")} depositors (${Math.round(large.validate.rows).toLocaleString("en")} data rows), once | ${seconds(large.parse.ms)} | 1.00 | | ${large.parse.peakRssMiB} |`,
      `| \`regel validate\`, ${large.depositors.toLocaleString("en")} depositors, once | ${seconds(large.validate.ms)} | ${ratio(large.validate.ms, large.parse.ms)} × csv-parse | peak RSS < 2 GiB | ${large.validate.peakRssMiB} |`,
      `| \`regel validate --threads ${THREADS}\`, the same delivery, once (same findings: ${large.threads.findings === large.validate.findings ? "yes" : "NO"}) | ${seconds(large.threads.ms)} | ${ratio(large.validate.ms, large.threads.ms)} × one thread's throughput | < 2 min at 10 M | ${large.threads.peakRssMiB} |`,
      `| the same without dup0001, once | ${seconds(large.noDuplicates.ms)} | validate = ${ratio(large.validate.ms, large.noDuplicates.ms)} × this | | ${large.noDuplicates.peakRssMiB} |`,
      `| the same with the 3 whole-file checks, once | ${seconds(large.wholeFile.ms)} | ${ratio(large.wholeFile.ms, large.validate.ms)} × validate | peak RSS < 2 GiB | ${large.wholeFile.peakRssMiB} |`,
    );
  }
  lines.push("");
  const previous = readResults(options.out);
  const notes = previous.includes("\n## Notes")
    ? previous.slice(previous.indexOf("\n## Notes"))
    : "";
  writeFileSync(
    options.out,
    withReferenceSection(`${lines.join("\n")}${notes}`, referenceSection),
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
