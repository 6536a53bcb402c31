/**
 * One measurement of the benchmark, run in a child process of `bench/run.ts` so that its peak RSS
 * is its own: `node dist/bench/measure.js <task> ...`. Prints one JSON line: the timings in
 * milliseconds, the peak RSS in MiB, and task-specific counts (which the runner cross-checks).
 *
 * @module
 */
import { createReadStream, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import Papa from "papaparse";
import { inferSchema, initParser } from "udsv";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Finding, RuleContext } from "../compiler/contract.js";
import { loadCompiled } from "../runtime/load-compiled.js";
import { csvFiles, regelReadOnly } from "./read-only.js";
import { oneReadFloor } from "./one-read-floor.js";
import { setV8Flags, validationV8Flags } from "../runtime/v8-flags.js";
import { dateToDays } from "../runtime/delivery.js";
import { validateEndToEnd } from "./validate-end-to-end.js";
import {
  loadProject,
  loadProjectFromTexts,
  findRuleset,
} from "../dsl/project.js";
import { compile } from "../compiler/compile.js";
import { interpretRecord } from "../interpreter/reference-interpreter.js";
import { fieldSchema, FIELD_RULES_BA } from "./field-schema.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** csv-parse merely parsing every CSV file of the delivery: the baseline of end-to-end validation. */
async function csvParseOnly(folder: string): Promise<Record<string, number>> {
  const started = performance.now();
  let rows = 0;
  for (const file of csvFiles(folder)) {
    const parser = createReadStream(file).pipe(parse({ bom: true }));
    for await (const _record of parser) rows++;
  }
  return { ms: performance.now() - started, rows };
}

/** papaparse merely parsing every CSV file of the delivery (all cells as text), streamed. */
async function papaparseOnly(folder: string): Promise<Record<string, number>> {
  const started = performance.now();
  let rows = 0;
  for (const file of csvFiles(folder))
    await new Promise<void>((resolve, reject) => {
      Papa.parse(createReadStream(file, { encoding: "utf8" }), {
        chunk: (results: Papa.ParseResult<unknown>) => {
          rows += results.data.length;
        },
        complete: () => resolve(),
        error: (e: Error) => reject(e),
      });
    });
  return { ms: performance.now() - started, rows };
}

/** uDSV merely parsing every CSV file of the delivery into string arrays, streamed. */
async function udsvOnly(folder: string): Promise<Record<string, number>> {
  const started = performance.now();
  let rows = 0;
  const count = () => {
    rows++;
  };
  for (const file of csvFiles(folder)) {
    let parser: ReturnType<typeof initParser> | undefined;
    for await (const text of createReadStream(file, {
      encoding: "utf8",
      highWaterMark: 1 << 18,
    }) as AsyncIterable<string>) {
      parser ??= initParser(
        inferSchema(text, { col: ",", row: "\n", encl: '"' }),
      );
      parser.chunk<string[]>(text, parser.stringArrs, count);
    }
    parser?.end();
    rows++; // the header row, which uDSV reads as the schema
  }
  return { ms: performance.now() - started, rows };
}

/**
 * DuckDB (one thread) loading every CSV file of the delivery into a table, all columns as text
 * (`read_csv(..., all_varchar = true)`), then dropping it.
 */
async function duckdbOnly(folder: string): Promise<Record<string, number>> {
  const started = performance.now();
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  const con = await db.connect();
  let rows = 0;
  for (const file of csvFiles(folder)) {
    const path = file.replaceAll("'", "''");
    await con.run(
      `CREATE TABLE t AS SELECT * FROM read_csv('${path}', all_varchar = true, header = true, delim = ',', quote = '"', escape = '"')`,
    );
    const result = await con.runAndReadAll("SELECT count(*) FROM t");
    rows += Number(result.getRows()[0][0]) + 1; // and the header row
    await con.run("DROP TABLE t");
  }
  con.closeSync();
  return { ms: performance.now() - started, rows };
}

/**
 * The machine's own ceiling for parallel work of this kind: `threads` worker threads at once, each
 * reading every cell of every file as the "read" task does (the byte tokenizer, a string per
 * cell), with nothing shared, handed over or merged. Its throughput against one such read alone
 * is what that many cores give here for allocation-heavy JavaScript (the garbage collector's and
 * the compiler's own threads, caches and memory shared), the most `regel validate --threads` can
 * gain.
 */
async function regelReadParallel(
  folder: string,
  threads: number,
): Promise<Record<string, number>> {
  return inThreads("read-worker.js", { readFolder: folder }, threads);
}

/**
 * The one-read floor (bench/one-read-floor.ts) in `threads` worker threads at once, each over the
 * whole delivery, nothing shared or merged: the most this machine's cores give work of the kind
 * `regel validate` does (reading, allocating, checking), against which its threads row compares.
 */
async function oneReadFloorParallel(
  folder: string,
  compiled: string,
  rrd: string,
  threads: number,
): Promise<Record<string, number>> {
  return inThreads("floor-worker.js", { folder, compiled, rrd }, threads);
}

/**
 * `regel validate` with one thread, in `threads` worker threads at once, each over the whole
 * delivery, nothing shared or merged: what this machine's cores give `regel validate`'s own work
 * when nothing is split, handed over or waited for, beside which the threads row is read.
 */
async function validateSideBySide(
  folder: string,
  compiled: string,
  rrd: string,
  threads: number,
): Promise<Record<string, number>> {
  return inThreads("validate-thread.js", { folder, compiled, rrd }, threads);
}

/**
 * `threads` workers of `entry` (beside this file) started at once; their rows, IKBs and findings
 * summed.
 */
async function inThreads(
  entry: string,
  workerData: Record<string, string>,
  threads: number,
): Promise<Record<string, number>> {
  const started = performance.now();
  const each = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<Record<string, number>>((done, fail) => {
          // no execArgv: Node refuses V8 options (--max-old-space-size) for a worker
          const worker = new Worker(new URL(entry, import.meta.url), {
            workerData,
            execArgv: [],
          });
          worker.once("message", done);
          worker.once("error", fail);
        }),
    ),
  );
  return {
    ms: performance.now() - started,
    rows: each.reduce((n, r) => n + r.rows, 0),
    ikbs: each.reduce((n, r) => n + (r.ikbs ?? 0), 0),
    findings: each.reduce((n, r) => n + (r.findings ?? 0), 0),
    threads,
  };
}

/**
 * The physical floor: read every byte of the delivery's CSV files and count the line ends
 * (`Buffer.indexOf`), decoding nothing.
 */
async function rawByteScan(folder: string): Promise<Record<string, number>> {
  const started = performance.now();
  let lines = 0;
  let bytes = 0;
  for (const file of csvFiles(folder))
    for await (const chunk of createReadStream(file, {
      highWaterMark: 1 << 18,
    }) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1))
        lines++;
    }
  return { ms: performance.now() - started, rows: lines, bytes };
}

interface Ikb {
  key: string;
  rows: Record<string, Record<string, string>[]>;
  cells: Record<string, string[][]>;
}

/**
 * The IKBs with keys up to `lastKey` (the generator writes keys in sorted order), read fully into
 * memory as raw rows (for the interpreter) and as cells in field order (for the compiled decoders).
 */
function loadIkbs(
  folder: string,
  entities: readonly {
    name: string;
    file: string | undefined;
    fields: readonly { name: string; column: string }[];
  }[],
  lastKey: string,
  ikbKey: string,
): { ikbs: Ikb[]; records: number } {
  const byKey = new Map<string, Ikb>();
  let records = 0;
  for (const entity of entities) {
    if (entity.file === undefined) continue;
    const table = parseSync(readFileSync(join(folder, entity.file), "utf8"), {
      bom: true,
    }) as string[][];
    const header = table[0];
    const index = entity.fields.map((f) => header.indexOf(f.column));
    const keyIndex = header.indexOf(ikbKey);
    for (let i = 1; i < table.length; i++) {
      const row = table[i];
      const key = row[keyIndex];
      if (key > lastKey) break;
      let ikb = byKey.get(key);
      if (ikb === undefined) {
        ikb = { key, rows: {}, cells: {} };
        byKey.set(key, ikb);
      }
      const raw: Record<string, string> = {};
      const cells: string[] = [];
      entity.fields.forEach((f, j) => {
        const cell = index[j] >= 0 ? (row[index[j]] ?? "") : "";
        cells.push(cell);
        if (cell !== "") raw[f.name] = cell;
      });
      (ikb.rows[entity.name] ??= []).push(raw);
      (ikb.cells[entity.name] ??= []).push(cells);
      records++;
    }
  }
  return {
    ikbs: [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
    records,
  };
}

/** Compiled validators against the reference interpreter on the same records, IKB by IKB. */
async function compiledVsInterpreter(
  folder: string,
  compiledDir: string,
  rrd: string,
  lastKey: string,
): Promise<Record<string, number>> {
  const loaded = await loadCompiled(compiledDir);
  const m = loaded.module;
  const project = await loadProject(["rulesets"]);
  const ruleset = findRuleset(project, m.metadata.id);
  if (ruleset === undefined)
    throw new Error(`ruleset ${m.metadata.id} not found under rulesets/`);
  const ikbKey = m.metadata.ikb?.key ?? "ikb_id";
  const { ikbs, records } = loadIkbs(folder, m.entities, lastKey, ikbKey);
  const identity = new Map(
    m.entities.map((e) => [e.name, e.fields.map((_, i) => i)]),
  );
  const entityNames = m.entities.map((e) => e.name);
  const rrdDays = dateToDays(rrd);

  const t0 = performance.now();
  let compiledFindings = 0;
  for (const ikb of ikbs) {
    const out: Finding[] = [];
    const decoded: Record<string, unknown[]> = {};
    for (const name of entityNames) {
      const decode = m.decoders[name];
      const index = identity.get(name)!;
      const list: unknown[] = [];
      for (const cells of ikb.cells[name] ?? [])
        list.push(decode(cells, index, out));
      decoded[name] = list;
    }
    const ctx: RuleContext = { rrd: rrdDays, ikb: decoded, ikbKey: ikb.key };
    for (const name of entityNames) {
      const check = m.checks[name];
      for (const record of decoded[name]) check(record, ctx, out);
    }
    compiledFindings += out.length;
  }
  const compiledMs = performance.now() - t0;

  const t1 = performance.now();
  let interpretedFindings = 0;
  for (const ikb of ikbs) {
    for (const name of entityNames) {
      for (const row of ikb.rows[name] ?? []) {
        interpretedFindings += interpretRecord(ruleset, name, row, {
          rrd,
          ikb: ikb.rows,
          ikbKey: ikb.key,
        }).length;
      }
    }
  }
  const interpreterMs = performance.now() - t1;
  return {
    compiledMs,
    interpreterMs,
    records,
    ikbs: ikbs.length,
    compiledFindings,
    interpretedFindings,
  };
}

/** Field-level checks of BA: compiled decoder + rules against ajv on the equivalent JSON Schema. */
async function fieldChecksVsAjv(
  folder: string,
  compiledDir: string,
  rrd: string,
  target: number,
): Promise<Record<string, number>> {
  const loaded = await loadCompiled(compiledDir);
  const m = loaded.module;
  // The rule functions are exports of the generated module beyond the contract's.
  const exports = (await import(
    pathToFileURL(resolve(compiledDir, "validators.js")).href
  )) as Record<string, unknown>;
  const project = await loadProject(["rulesets"]);
  const ruleset = findRuleset(project, m.metadata.id)!;
  const meta = m.entities.find((e) => e.name === "BA")!;
  const table = parseSync(readFileSync(join(folder, meta.file!), "utf8"), {
    bom: true,
    to_line: target + 1,
  }) as string[][];
  const header = table[0];
  const columns = meta.fields.map((f) => header.indexOf(f.column));
  const cellsList: string[][] = [];
  const objects: Record<string, string>[] = [];
  for (let i = 1; i < table.length; i++) {
    const cells = columns.map((c) => (c >= 0 ? (table[i][c] ?? "") : ""));
    cellsList.push(cells);
    const object: Record<string, string> = {};
    meta.fields.forEach((f, j) => {
      if (cells[j] !== "") object[f.name] = cells[j];
    });
    objects.push(object);
  }
  const ajv = new Ajv({ allErrors: false });
  addFormats(ajv);
  const validate = ajv.compile(fieldSchema(ruleset, "BA"));
  const index = meta.fields.map((_, i) => i);
  const decode = m.decoders.BA;
  const ruleFunctions = FIELD_RULES_BA.map(
    (code) =>
      exports[code] as (
        e: string,
        r: unknown,
        c: RuleContext,
        o: Finding[],
      ) => Finding[],
  );
  const ctx: RuleContext = { rrd: dateToDays(rrd), ikb: {}, ikbKey: undefined };

  const compiledVerdicts = new Uint8Array(objects.length);
  const t0 = performance.now();
  for (let i = 0; i < cellsList.length; i++) {
    const out: Finding[] = [];
    const record = decode(cellsList[i], index, out);
    for (const rule of ruleFunctions) rule("BA", record, ctx, out);
    compiledVerdicts[i] = out.length === 0 ? 1 : 0;
  }
  const compiledMs = performance.now() - t0;

  const ajvVerdicts = new Uint8Array(objects.length);
  const t1 = performance.now();
  for (let i = 0; i < objects.length; i++)
    ajvVerdicts[i] = validate(objects[i]) ? 1 : 0;
  const ajvMs = performance.now() - t1;

  let disagreements = 0;
  let valid = 0;
  for (let i = 0; i < objects.length; i++) {
    if (compiledVerdicts[i] !== ajvVerdicts[i]) disagreements++;
    valid += ajvVerdicts[i];
  }
  return { compiledMs, ajvMs, records: objects.length, valid, disagreements };
}

/** Parse, check and compile every shipped ruleset, in memory. */
async function compileAll(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const project = await loadProject(["rulesets"]);
  const t1 = performance.now();
  const result = await compile(["rulesets"]);
  const t2 = performance.now();
  const again = await compile(["rulesets"]);
  const t3 = performance.now();
  if (
    result.diagnostics.length > 0 ||
    again.files.length !== result.files.length
  )
    throw new Error("compile failed");
  return {
    parseCheckMs: t1 - t0,
    compileColdMs: t2 - t1,
    compileWarmMs: t3 - t2,
    rulesets: project.rulesets.length,
    files: result.files.length,
  };
}

/**
 * Parse and check about 1 MB of rulesets: copies of GLO 1.2.0 under other ruleset names (so they
 * are distinct, valid rulesets), checked together as one project.
 */
function parseCheckMegabyte(): Record<string, number> {
  const source = readFileSync(
    join("rulesets", "ikb.glo", "1.2.0.regel"),
    "utf8",
  );
  const texts = new Map<string, string>();
  let bytes = 0;
  for (let copy = 1; bytes < 1_000_000; copy++) {
    const text = source.replace(
      "ruleset ikb.glo@1.2.0",
      `ruleset bench.copy${copy}@1.0.0`,
    );
    if (text === source)
      throw new Error(
        "rulesets/ikb.glo/1.2.0.regel no longer starts with its header",
      );
    texts.set(`bench/copy${copy}.regel`, text);
    bytes += Buffer.byteLength(text);
  }
  const started = performance.now();
  const project = loadProjectFromTexts(texts);
  const ms = performance.now() - started;
  const errors = project.diagnostics.filter(
    (d) => d.severity === "error",
  ).length;
  if (errors > 0) throw new Error(`the 1 MB project has ${errors} errors`);
  return {
    ms,
    bytes,
    files: texts.size,
    rules: project.rulesets.reduce((n, r) => n + r.rules.length, 0),
  };
}

/**
 * Set the V8 flags `regel validate` sets for itself (cli/v8-tuning.ts) on a large delivery in
 * `threads` threads: the validate tasks and the floors run as it does.
 */
function flagsOfValidation(threads: number): Promise<void> {
  return setV8Flags(validationV8Flags(false, threads, availableParallelism()));
}

async function main(): Promise<void> {
  const [task, ...args] = process.argv.slice(2);
  // the task's CPU time only (the imports above are already done)
  const cpuBefore = process.cpuUsage();
  let result: Record<string, number>;
  switch (task) {
    case "csv-parse":
      result = await csvParseOnly(args[0]);
      break;
    case "papaparse":
      result = await papaparseOnly(args[0]);
      break;
    case "udsv":
      result = await udsvOnly(args[0]);
      break;
    case "duckdb":
      result = await duckdbOnly(args[0]);
      break;
    case "read":
      result = await regelReadOnly(
        args[0],
        args[1] === "text" ? "text" : "bytes",
      );
      break;
    case "read-threads":
      result = await regelReadParallel(args[0], Number(args[1]));
      break;
    case "byte-scan":
      result = await rawByteScan(args[0]);
      break;
    case "validate":
      await flagsOfValidation(1);
      result = await validateEndToEnd(args[0], args[1], args[2], args[3]);
      break;
    case "one-read-floor":
      await flagsOfValidation(1);
      result = await oneReadFloor(args[0], args[1], args[2]);
      break;
    case "one-read-floor-threads":
      await flagsOfValidation(Number(args[3]));
      result = await oneReadFloorParallel(
        args[0],
        args[1],
        args[2],
        Number(args[3]),
      );
      break;
    case "validate-side-by-side":
      await flagsOfValidation(Number(args[3]));
      result = await validateSideBySide(
        args[0],
        args[1],
        args[2],
        Number(args[3]),
      );
      break;
    case "validate-threads":
      await flagsOfValidation(Number(args[3]));
      result = await validateEndToEnd(
        args[0],
        args[1],
        args[2],
        undefined,
        Number(args[3]),
      );
      break;
    case "interpreter":
      result = await compiledVsInterpreter(args[0], args[1], args[2], args[3]);
      break;
    case "ajv":
      result = await fieldChecksVsAjv(
        args[0],
        args[1],
        args[2],
        Number(args[3]),
      );
      break;
    case "parse-check-1mb":
      result = parseCheckMegabyte();
      break;
    case "compile":
      result = await compileAll();
      break;
    default:
      throw new Error(`unknown task ${task}`);
  }
  // CPU time (user + system, all threads) beside the wall time: less disturbed by other
  // processes on a loaded machine (not counting the module imports)
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  process.stdout.write(
    `${JSON.stringify({ task, ...result, cpuMs, peakRssMiB: peakRssMiB() })}\n`,
  );
}

await main();
