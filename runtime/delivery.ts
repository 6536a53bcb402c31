/**
 * Validate an IKB-bestand (a folder of CSV files) against a compiled ruleset and build the report:
 * a pipeline of stages, each in its own file with one job, passing one {@link DeliveryRun}
 * (runtime/delivery-state.ts) from stage to stage.
 *
 * ```text
 *  folder ──► read ──────────► group ──────────► validate ─────────────► report ──► Report
 *             stage-read.ts    stage-group.ts    stage-validate.ts        stage-report.ts
 *             listing, T−1,    unsorted IKB      key sets sealed,         counts, samples,
 *             scan pass:       files sorted      whole-file checks,       IKBs, categories,
 *             headers, rows,   into runs         IKBs merged by key,      provenance
 *             key sets,                          one IKB at a time:
 *             totals, sha256                     decode, check, classify
 *                  │                                   │
 *                  └──── problems, findings ──► tally (stage-tally.ts): per code and rule
 * ```
 *
 * Two reads per file: the read stage's scan reads every row once (header and row-structure
 * problems, whether the file is sorted by IKB key, compact hash sets for the unique-key and
 * references checks); the validate stage reads the good rows again, in IKB key order (from the
 * group stage's runs for a file that was not sorted). Memory: 8 bytes per key for the file checks,
 * the sort budget, one IKB.
 *
 * @module
 */
import { dirname } from "node:path";
import { TempSpace } from "./assemble.js";
import { groeipadDeclared, loadGroeipadNorm } from "./groeipad.js";
import type { LoadedRuleset } from "./load-compiled.js";
import { previousProvenance } from "./provenance.js";
import { assertRulesetCurrent, assertSourcesCurrent } from "./source-check.js";
import type { Report } from "./report-types.js";
import {
  createRun,
  throwCallerFailure,
  type DeliveryOptions,
} from "./delivery-state.js";
import { checkUnchanged, readStage } from "./stage-read.js";
import { groupStage } from "./stage-group.js";
import { validateStage } from "./stage-validate.js";
import { buildReport } from "./stage-report.js";
import { closeRunPool } from "./worker-start.js";
import { rrdToDays } from "./errors.js";
import {
  checkDeliveryFolder,
  checkDeliveryOptions,
} from "./folder-arguments.js";

export {
  dateToDays,
  type DeliveryOptions,
  type Progress,
} from "./delivery-state.js";
export { deliveryFiles, duplicateColumns, shownColumn } from "./stage-read.js";
export { INPUT_TITLES, pct } from "./stage-report.js";

/**
 * Validate the delivery in `folder` against `loaded`.
 *
 * @throws InvalidRrdError when `opts.rrd` is missing or not a YYYY-MM-DD date
 * @throws InvalidArgumentError when `folder` is not a folder, or an option has a value
 *   `regel validate` refuses for its flag (runtime/folder-arguments.ts)
 * @throws StaleRulesetError (runtime/source-check.ts) when the compiled ruleset, or the one the
 *   groeipad norm comes from, is older than the `.regel` sources beside its compiled root
 * @throws Error when a delivered file, or one of T−1, changed during the run (its size or
 *   modification time): its passes may have read different contents (runtime/stage-read.ts
 *   `checkUnchanged`)
 */
export async function validateDelivery(
  folder: string,
  loaded: LoadedRuleset,
  opts: DeliveryOptions,
): Promise<Report> {
  checkDeliveryFolder(folder);
  // before anything reads it (the groeipad norm is chosen by it), as validateFolder checks it
  rrdToDays(opts?.rrd);
  checkDeliveryOptions(opts);
  // the groeipad is a norm on IKBs: a ruleset that names its own unit is not held against it
  const ikb = loaded.module.metadata.ikb;
  const heldToGroeipad =
    ikb !== undefined &&
    ikb.unit === undefined &&
    groeipadDeclared(dirname(loaded.dir));
  const groeipad = heldToGroeipad
    ? loadGroeipadNorm(dirname(loaded.dir), opts.rrd)
    : undefined;
  // compiled output older than its sources would validate with the old rules: refuse it
  assertRulesetCurrent(loaded);
  if (groeipad)
    assertSourcesCurrent(groeipad.ruleset, groeipad.dir, groeipad.sourceCheck);
  const s = createRun(folder, loaded, opts, groeipad, heldToGroeipad);
  const temp = new TempSpace(opts.tempDir);
  try {
    await readStage(s, temp);
    throwCallerFailure(s);
    await groupStage(s, temp);
    throwCallerFailure(s);
    await validateStage(s);
    throwCallerFailure(s);
    // a file written or replaced while it was read: no report that mixes two versions
    checkUnchanged(s);
    const previous = s.previous;
    if (previous !== undefined)
      s.previousInputs = await previousProvenance(previous.report, (file) =>
        previous.sha256(file),
      );
  } catch (e) {
    // the caller's onProgress threw (a stage may have met it as another error): the run fails with it
    throwCallerFailure(s);
    throw e;
  } finally {
    // the worker threads of the parallel passes, if any started (runtime/worker-pool.ts)
    await closeRunPool(s);
    await temp.dispose();
  }
  return buildReport(s);
}
