/**
 * The one-read floor of a small delivery run cold (bench/startup.ts; issue 15, target 4): a fresh
 * process that loads the compiled ruleset, reads every IKB file once and decodes, checks and
 * classifies every row (bench/one-read-floor.ts), with the V8 flags of a short `regel validate`
 * (cli/v8-tuning.ts: no optimizing compiler). The bench bundles this entry into one file
 * ({@link bundleColdFloor}) and times its process beside `regel --version` and `regel validate` of
 * the same delivery: what the work itself costs a process, without the command line, the scan,
 * the key sets, the whole-file checks, the tallies and the report.
 *
 * Usage: `node floor-cold.js FOLDER COMPILED_DIR RRD`; prints `{"ikbs":N,"rows":N}`.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { setV8Flags, validationV8Flags } from "../runtime/v8-flags.js";
import { oneReadFloor } from "./one-read-floor.js";

// a short run's flags, in this one thread
await setV8Flags(validationV8Flags(true, 1, availableParallelism()));
const [folder, compiledDir, rrd] = process.argv.slice(2);
if (folder === undefined || compiledDir === undefined || rrd === undefined) {
  process.stderr.write("usage: node floor-cold.js FOLDER COMPILED_DIR RRD\n");
  process.exit(2);
}
const floor = await oneReadFloor(folder, compiledDir, rrd);
process.stdout.write(
  `${JSON.stringify({ ikbs: floor.ikbs, rows: floor.rows })}\n`,
);
