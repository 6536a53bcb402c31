/**
 * The provenance section of a report: the compiled rulesets (with the sha256 of their `.regel`
 * sources and of the compiled file), every input file (name, size, sha256, rows), how the RRD was
 * given and the options that change results. `regel verify` runs a report again from it.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import { LIMITS } from "./csv-reader.js";
import { deliveryFilePath } from "./delivery-file.js";
import type { SourceFileHash } from "../compiler/contract.js";
import type { GroeipadNorm } from "./groeipad.js";
import type { LoadedRuleset } from "./load-compiled.js";
import type { QuarterlyFigures } from "./quarterly.js";
import type {
  InputProvenance,
  PreviousDeliveryReport,
  PreviousProvenance,
  Provenance,
  QuarterlyProvenance,
  RulesetProvenance,
} from "./report-types.js";
import type { SourceCheck } from "./source-check.js";

/** Samples per rule when no option says otherwise (as the GLO report). */
export const DEFAULT_MAX_SAMPLES = 1000;

function checked(
  check: SourceCheck | undefined,
): RulesetProvenance["sourcesChecked"] {
  // a stale module never gets this far (validateDelivery refuses it)
  return check === undefined || check.status === "stale"
    ? "unrecorded"
    : check.status;
}

function sources(files: readonly SourceFileHash[] | undefined) {
  return (files ?? []).map((f) => ({
    path: f.path,
    ruleset: f.ruleset,
    sha256: f.sha256,
  }));
}

/** The provenance of the ruleset that validated the delivery. */
export function rulesetProvenance(loaded: LoadedRuleset): RulesetProvenance {
  return {
    id: loaded.module.metadata.id,
    compiled: {
      file: `${basename(loaded.dir)}/validators.js`,
      sha256: loaded.compiledSha256 ?? null,
    },
    sources: sources(loaded.module.metadata.sourceFiles),
    sourcesChecked: checked(loaded.sourceCheck),
  };
}

/** The provenance of the compiled ruleset the groeipad norm was read from. */
export function groeipadProvenance(norm: GroeipadNorm): RulesetProvenance {
  return {
    id: norm.ruleset,
    compiled: { file: `${norm.ruleset}/trace.json`, sha256: norm.traceSha256 },
    sources: sources(norm.sourceFiles),
    sourcesChecked: checked(norm.sourceCheck),
  };
}

/** Everything {@link reportProvenance} needs. */
export interface ProvenanceInput {
  loaded: LoadedRuleset;
  /** The groeipad norm the verdict was held against, when the report has one. */
  groeipad: GroeipadNorm | undefined;
  inputs: InputProvenance[];
  rrdChosenBy: Provenance["rrdChosenBy"] | undefined;
  showPersonalData: boolean | undefined;
  maxSamples: number | undefined;
  maxFieldLength: number | undefined;
  maxFields: number | undefined;
  maxRecordLength: number | undefined;
  /** The quarterly file, when the delivery was reconciled with one. */
  quarterly?: QuarterlyFigures;
  /** The previous delivery, when one was given. */
  previous?: PreviousProvenance;
}

/** The quarterly file's provenance: name as given, size, sha256 and the figures read. */
export function quarterlyProvenance(q: QuarterlyFigures): QuarterlyProvenance {
  return {
    file: q.file,
    bytes: q.bytes,
    sha256: q.sha256,
    figures: [...q.figures].map(([name, f]) => ({ name, value: f.text })),
  };
}

/**
 * The previous delivery's provenance: every file of `report.files` that was read from the folder,
 * once, with its size, sha256 (`sha256Of`: hashed as the run read it) and the records read.
 */
export async function previousProvenance(
  report: PreviousDeliveryReport,
  sha256Of: (file: string) => Promise<string | null>,
): Promise<PreviousProvenance | undefined> {
  if (!report.given || report.folder === null) return undefined;
  const files: InputProvenance[] = [];
  for (const f of report.files) {
    if (f.status === "missing" || files.some((x) => x.file === f.file))
      continue;
    const path = deliveryFilePath(report.folder, f.file);
    const bytes = existsSync(path) ? statSync(path).size : 0;
    const rows = report.files
      .filter((g) => g.file === f.file)
      .reduce((n, g) => n + g.rows, 0);
    files.push({
      file: f.file,
      bytes,
      sha256: await sha256Of(f.file),
      rows,
    });
  }
  return { folder: report.folder, files };
}

/** The report's `provenance` section. */
export function reportProvenance(p: ProvenanceInput): Provenance {
  return {
    ruleset: rulesetProvenance(p.loaded),
    groeipad: p.groeipad === undefined ? null : groeipadProvenance(p.groeipad),
    inputs: p.inputs,
    rrdChosenBy: p.rrdChosenBy ?? "option",
    options: {
      showPersonalData: p.showPersonalData === true,
      maxSamples: p.maxSamples ?? DEFAULT_MAX_SAMPLES,
      maxFieldLength: p.maxFieldLength ?? LIMITS.maxFieldLength,
      maxFields: p.maxFields ?? LIMITS.maxFields,
      maxRecordLength: p.maxRecordLength ?? LIMITS.maxRecordLength,
    },
    ...(p.quarterly === undefined
      ? {}
      : { quarterly: quarterlyProvenance(p.quarterly) }),
    ...(p.previous === undefined ? {} : { previous: p.previous }),
  };
}
