/**
 * Does a report reproduce? Validate the delivery again with the ruleset, RRD and options the
 * report's provenance names, and compare the new report with the report file byte for byte
 * (apart from `generatedAt`, taken over, and `sourcesChecked`, which says only whether this run
 * could find the `.regel` sources). `plausibility.outliers` are evaluated again against the
 * history store the report names (or `--history`), reading only the runs it read then: an edited
 * outlier list does not reproduce, a delivery recorded since changes nothing. A report reconciled with a quarterly file (`--quarterly`) or compared
 * with a previous delivery (`--previous`) needs that file or folder again: verify refuses without
 * it, naming what the report read. When it does not reproduce, say which hash differs (tool
 * version, ruleset source, compiled module, input file, quarterly file, previous delivery file) and
 * which findings and counts differ.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { dateProblem } from "../runtime/calendar-date.js";
import { validateDelivery } from "../runtime/delivery.js";
import { InputHash } from "../runtime/input-hash.js";
import { deliveryFilePath } from "../runtime/delivery-file.js";
import { loadCompiled, RulesetLoadError } from "../runtime/load-compiled.js";
import { rulesetProvenance } from "../runtime/provenance.js";
import {
  QuarterlyError,
  readQuarterly,
  type QuarterlyFigures,
} from "../runtime/quarterly.js";
import {
  contentDifferences,
  inputDifferences,
  rulesetDifferences,
  sourceDifferences,
} from "./report-diff.js";
import { reportToJson } from "../runtime/report-json.js";
import type {
  InputProvenance,
  Provenance,
  Report,
  RulesetProvenance,
} from "../runtime/report-types.js";
import { StaleRulesetError } from "../runtime/source-check.js";
import type { OutliersSection } from "../runtime/outlier-types.js";
import { loadPlausibility, outliersSection } from "./plausibility-report.js";
import { toolVersion } from "../runtime/tool-version.js";

/** What to verify. */
export interface VerifyInput {
  /** The report as written (`report.json`), its exact text. */
  reportText: string;
  /** The delivery folder the report was made from. */
  delivery: string;
  /** Folder with the compiled rulesets. */
  compiledRoot: string;
  /** Folder for temporary sort runs. */
  tempDir?: string;
  /** The quarterly file, when the report was reconciled with one (`--quarterly FILE`). */
  quarterly?: string;
  /** The previous delivery folder, when the report compared with one (`--previous DIR`). */
  previous?: string;
  /**
   * The history the report's outliers were evaluated against, when it is not (or no longer) at
   * the path the report names (`plausibility.outliers.history`).
   */
  history?: string;
}

/** The verdict. */
export interface VerifyResult {
  reproduced: boolean;
  /** What produced the report and differs now: tool version, ruleset sources, compiled modules, input files, the quarterly file, previous delivery files. */
  hashes: string[];
  /** Findings and counts that differ, `path: in the report → now`. */
  differences: string[];
  /** Why the delivery could not be validated again (e.g. stale compiled output); undefined when it was. */
  notRun: string | undefined;
  /** Remarks that do not make the report differ (e.g. the sources could not be checked this time). */
  notes: string[];
  /** The new report, when the delivery was validated again. */
  report: Report | undefined;
}

/** The report cannot be verified as given (no provenance, ruleset not compiled, ...): a usage error. */
export class VerifyError extends Error {
  override name = "VerifyError";
}

/** Hash the files the report read, straight from the delivery (when it cannot be validated again). */
async function hashInputs(
  folder: string,
  inputs: readonly InputProvenance[],
): Promise<InputProvenance[]> {
  const out: InputProvenance[] = [];
  for (const i of inputs) {
    const path = deliveryFilePath(folder, i.file);
    if (!existsSync(path)) continue;
    const bytes = statSync(path).size;
    const sha256 = await new InputHash().digest(path, bytes);
    // rows are only known by reading the file as the runtime does; keep the report's
    out.push({ file: i.file, bytes, sha256, rows: i.rows });
  }
  return out;
}

/** Verify a report against its delivery; see the module comment. */
export async function verifyReport(input: VerifyInput): Promise<VerifyResult> {
  let before: Report;
  try {
    before = JSON.parse(input.reportText) as Report;
  } catch (e) {
    throw new VerifyError(`the report is not JSON: ${(e as Error).message}`);
  }
  const p: Provenance | undefined = before?.provenance;
  if (p === undefined)
    throw new VerifyError(
      `the report (reportVersion ${before?.reportVersion}) records no provenance; regel verify needs a report of reportVersion 1.1 or later: validate again to get one`,
    );
  if (
    typeof p.ruleset?.id !== "string" ||
    !Array.isArray(p.inputs) ||
    typeof p.options !== "object" ||
    p.options === null ||
    typeof before.rrd !== "string"
  )
    throw new VerifyError(
      "the report's provenance is incomplete (it needs ruleset.id, inputs, options and the rrd): it is not a report regel wrote",
    );
  // regel writes only real days; another would fail deep inside the validation as a bug
  const rrdProblem = dateProblem(before.rrd);
  if (rrdProblem !== undefined)
    throw new VerifyError(
      `the report's rrd ${JSON.stringify(before.rrd)}: ${rrdProblem}; it is not a report regel wrote`,
    );
  const dir = join(input.compiledRoot, p.ruleset.id);
  if (!existsSync(join(dir, "validators.js")))
    throw new VerifyError(
      `the report was made with ${p.ruleset.id}, which is not compiled in ${input.compiledRoot}; give --compiled DIR with the compiled rulesets`,
    );
  let loaded;
  try {
    loaded = await loadCompiled(dir);
  } catch (e) {
    if (e instanceof RulesetLoadError) throw new VerifyError(e.message);
    throw e;
  }

  const hashes: string[] = [];
  const notes: string[] = [];
  const version = toolVersion();
  if (before.generator?.version !== version)
    hashes.push(
      `tool version: regel ${before.generator?.version} made the report, this is regel ${version}`,
    );

  const quarterly = readRecordedQuarterly(p, input, loaded, hashes, notes);
  const previous = recordedPrevious(p, input, notes);
  if (typeof quarterly === "string")
    return {
      reproduced: false,
      hashes,
      differences: [],
      notRun: quarterly,
      notes,
      report: undefined,
    };

  let after: Report | undefined;
  let notRun: string | undefined;
  try {
    after = await validateDelivery(input.delivery, loaded, {
      rrd: before.rrd,
      rrdChosenBy: p.rrdChosenBy,
      showPersonalData: p.options.showPersonalData,
      maxSamples: p.options.maxSamples,
      maxFieldLength: p.options.maxFieldLength,
      maxFields: p.options.maxFields,
      maxRecordLength: p.options.maxRecordLength,
      generatedAt: before.generatedAt,
      tempDir: input.tempDir,
      quarterly,
      previous,
    });
  } catch (e) {
    // a damaged compiled ruleset read during the run (the groeipad's trace.json): exit 2
    if (e instanceof RulesetLoadError) throw new VerifyError(e.message);
    if (!(e instanceof StaleRulesetError)) throw e;
    notRun = e.message;
  }

  if (after === undefined) {
    // Stale compiled output: compare what can be compared without running it.
    const now: RulesetProvenance = rulesetProvenance(loaded);
    hashes.push(...rulesetDifferences("ruleset", p.ruleset, now));
    // the sources as they are beside the compiled rulesets now (a missing one left out)
    const changed = new Map(
      (loaded.sourceCheck?.changed ?? []).map((c) => [c.path, c.now]),
    );
    const current = now.sources.flatMap((s) => {
      const sha = changed.has(s.path) ? changed.get(s.path) : s.sha256;
      return sha === null || sha === undefined ? [] : [{ ...s, sha256: sha }];
    });
    hashes.push(
      ...sourceDifferences(
        "ruleset",
        p.ruleset.sources,
        current,
        `beside the compiled rulesets (${loaded.sourceCheck?.rulesetsRoot})`,
      ).filter((line) => !hashes.includes(line)),
    );
    hashes.push(
      ...inputDifferences(p.inputs, await hashInputs(input.delivery, p.inputs)),
    );
    if (p.previous !== undefined && previous !== undefined)
      hashes.push(
        ...inputDifferences(
          p.previous.files,
          await hashInputs(previous, p.previous.files),
          "previous delivery file",
          `the previous delivery ${previous}`,
        ),
      );
    return {
      reproduced: false,
      hashes,
      differences: [],
      notRun,
      notes,
      report: undefined,
    };
  }

  const q = after.provenance!;
  // Whether the sources could be checked depends on where the compiled rulesets are, not on
  // what produced the report: take it over, and say so.
  for (const [label, b, a] of [
    ["ruleset", p.ruleset, q.ruleset],
    ["groeipad ruleset", p.groeipad, q.groeipad],
  ] as const)
    if (b !== null && a !== null && b.sourcesChecked !== a.sourcesChecked) {
      notes.push(
        `the ${label}'s sources were ${b.sourcesChecked === "current" ? "checked" : `not checked (${b.sourcesChecked})`} for the report and ${a.sourcesChecked === "current" ? "checked" : `not checked (${a.sourcesChecked})`} now`,
      );
      a.sourcesChecked = b.sourcesChecked;
    }
  // The outliers compare the delivery with the history store (audit/plausibility-report.ts):
  // evaluated again against it, so that an edited outlier list does not reproduce.
  const outlierDifferences = outliersAgain(before, after, input);
  if (outlierDifferences.note !== undefined)
    notes.push(outlierDifferences.note);
  // The previous delivery's folder is named as given: take the name over when it is given
  // under another path now (its files are compared by their hashes).
  if (p.previous !== undefined && q.previous !== undefined) {
    q.previous.folder = p.previous.folder;
    if (after.previousDelivery?.folder != null)
      after.previousDelivery.folder = p.previous.folder;
  }
  hashes.push(
    ...rulesetDifferences("ruleset", p.ruleset, q.ruleset),
    ...rulesetDifferences("groeipad ruleset", p.groeipad, q.groeipad),
    ...inputDifferences(p.inputs, q.inputs),
    ...inputDifferences(
      p.previous?.files ?? [],
      q.previous?.files ?? [],
      "previous delivery file",
      `the previous delivery ${previous ?? ""}`,
    ),
  );
  const reproduced = reportToJson(after) === input.reportText;
  const differences = reproduced
    ? []
    : [...contentDifferences(before, after), ...outlierDifferences.lines];
  if (!reproduced && hashes.length === 0 && differences.length === 0)
    differences.push(
      "the report file differs from a new report only in its form (whitespace, key order or an edited provenance): it is not the file regel wrote",
    );
  return {
    reproduced,
    hashes,
    differences,
    notRun,
    notes,
    report: after,
  };
}

/**
 * Evaluate the report's outliers (`plausibility.outliers`) again and put them into `after`: the
 * declarations in force on the RRD under the compiled root, for the bank the section names,
 * against the history it names (or `input.history`, then named as in the report), reading only
 * the runs the report read (`historyRuns`: ids up to its `lastRunId`), so that deliveries
 * recorded since change nothing. A report without `historyRuns` (reportVersion 1.4) is evaluated
 * against the whole history as it is now; a delivery recorded since for an earlier RRD, or
 * another bank's for this one, then changes them, and the difference says so. Throws {@link VerifyError} when the section
 * was evaluated against a history that is not there now and none is given.
 */
function outliersAgain(
  before: Report,
  after: Report,
  input: VerifyInput,
): { lines: string[]; note: string | undefined } {
  const recorded = before.plausibility?.outliers;
  const specs = loadPlausibility(input.compiledRoot, before.rrd);
  // A report made through the API has no section (only `regel validate` adds it): nothing to
  // compare.
  if (recorded === undefined) return { lines: [], note: undefined };
  const file = input.history ?? recorded.history ?? undefined;
  if (
    recorded.status === "evaluated" &&
    file !== undefined &&
    !existsSync(file)
  )
    throw new VerifyError(
      `the report's outliers (plausibility.outliers) were evaluated against the history ${file}, which is not there: give --history FILE, the history as it was when the report was made`,
    );
  // (no declaration in force: outliersSection says so, as validate did)
  const again: OutliersSection = outliersSection(after, specs, {
    bank: recorded.bank ?? undefined,
    history: file,
    upToRunId: recorded.historyRuns?.lastRunId,
  });
  // the history as named in the report, when it is given under another path now
  again.history = recorded.history;
  // a report made before the runs read were recorded (reportVersion 1.4) names none
  if (recorded.historyRuns === undefined) delete again.historyRuns;
  after.plausibility = { ...after.plausibility, outliers: again };
  const runsRead = recorded.historyRuns;
  const where =
    file === undefined
      ? ""
      : runsRead === undefined
        ? ` against the history ${file} as it is now`
        : ` against the history ${file}, the ${runsRead.count} runs the report read (ids up to ${runsRead.lastRunId})`;
  if (isDeepStrictEqual(again, recorded))
    return {
      lines: [],
      note:
        recorded.status === "evaluated"
          ? `the outliers (plausibility.outliers) were evaluated again${where}: the same`
          : undefined,
    };
  const lines = [
    runsRead === undefined
      ? `plausibility.outliers: evaluated again${where}, they differ from the report's (the report does not name the runs it read: a delivery recorded since for an earlier RRD, or another bank's for this RRD, changes them too)`
      : `plausibility.outliers: evaluated again${where}, they differ from the report's`,
  ];
  const countNow = again.historyRuns?.count;
  if (runsRead !== undefined && countNow !== runsRead.count)
    lines.push(
      countNow === undefined
        ? `plausibility.outliers.historyRuns: the report read ${runsRead.count} runs; the history cannot be read now`
        : `plausibility.outliers.historyRuns: the report read ${runsRead.count} runs with ids up to ${runsRead.lastRunId}, the history holds ${countNow} such runs now (runs removed, or another history)`,
    );
  if (again.status !== recorded.status)
    lines.push(
      `plausibility.outliers.status: ${recorded.status} → ${again.status}`,
    );
  const explained = new Set(again.explain);
  const reported = new Set(recorded.explain);
  for (const e of recorded.explain)
    if (!explained.has(e))
      lines.push(`plausibility.outliers.explain: in the report, not now: ${e}`);
  for (const e of again.explain)
    if (!reported.has(e))
      lines.push(`plausibility.outliers.explain: now, not in the report: ${e}`);
  return { lines, note: undefined };
}

/**
 * The quarterly file the report was reconciled with, read again under the name the report gives
 * it (so that an unchanged file reproduces wherever it is now). A changed file is named in
 * `hashes`; a file that cannot be used now is the reason the delivery is not validated again
 * (the string returned). Undefined when the report has no quarterly file.
 */
function readRecordedQuarterly(
  p: Provenance,
  input: VerifyInput,
  loaded: Awaited<ReturnType<typeof loadCompiled>>,
  hashes: string[],
  notes: string[],
): QuarterlyFigures | string | undefined {
  const recorded = p.quarterly;
  if (recorded === undefined) {
    if (input.quarterly !== undefined)
      throw new VerifyError(
        `the report was not reconciled with a quarterly file: leave out --quarterly ${input.quarterly}`,
      );
    return undefined;
  }
  if (input.quarterly === undefined)
    throw new VerifyError(
      `the report was reconciled with the quarterly file ${recorded.file} (${recorded.bytes} bytes, sha256 ${recorded.sha256}): give it with --quarterly FILE`,
    );
  let bytes: Buffer;
  try {
    bytes = readFileSync(input.quarterly);
  } catch (e) {
    throw new VerifyError(
      `cannot read --quarterly ${input.quarterly}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (input.quarterly !== recorded.file)
    notes.push(
      `the quarterly file is given as ${input.quarterly}; the report names it ${recorded.file}: compared by its sha256`,
    );
  const q = qProvenance(bytes);
  if (q.sha256 !== recorded.sha256 || q.bytes !== recorded.bytes)
    hashes.push(
      `quarterly file ${recorded.file}: sha256 ${recorded.sha256.slice(0, 12)}… in the report, ${q.sha256.slice(0, 12)}… now (${recorded.bytes} → ${q.bytes} bytes)`,
    );
  try {
    return readQuarterly(recorded.file, bytes, loaded.module.reconciliations);
  } catch (e) {
    if (e instanceof QuarterlyError)
      return `the quarterly file ${input.quarterly} cannot be used now: ${e.message}`;
    throw e;
  }
}

function qProvenance(bytes: Uint8Array): { sha256: string; bytes: number } {
  return {
    sha256: createHash("sha256").update(bytes).digest("hex"),
    bytes: bytes.byteLength,
  };
}

/** The previous delivery folder to validate with, when the report compared with one. */
function recordedPrevious(
  p: Provenance,
  input: VerifyInput,
  notes: string[],
): string | undefined {
  const recorded = p.previous;
  if (recorded === undefined) {
    if (input.previous !== undefined)
      throw new VerifyError(
        `the report was not compared with a previous delivery: leave out --previous ${input.previous}`,
      );
    return undefined;
  }
  if (input.previous === undefined)
    throw new VerifyError(
      `the report was compared with the previous delivery ${recorded.folder} (${recorded.files.map((f) => `${f.file} sha256 ${f.sha256 ?? "unreadable"}`).join(", ") || "no files read"}): give it with --previous DIR`,
    );
  if (!existsSync(input.previous) || !statSync(input.previous).isDirectory())
    throw new VerifyError(`--previous ${input.previous} is not a folder`);
  if (input.previous !== recorded.folder)
    notes.push(
      `the previous delivery is given as ${input.previous}; the report names it ${recorded.folder}: its files are compared by their sha256`,
    );
  return input.previous;
}

/** Read a report file for {@link verifyReport}; a {@link VerifyError} when it cannot be read. */
export function readReportText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new VerifyError(
      `cannot read the report ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
