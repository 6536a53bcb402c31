/**
 * Stage 4 of the pipeline (runtime/delivery.ts), **report**: the {@link Report} from the run's
 * counts: each file's status, the rules with their counts, percentages and samples (primary and
 * secondary), the blocking errors, the IKBs that meet the automated controls, the groeipad, the
 * categories and payouts, the aggregates and their reconciliation with the quarterly figures, the
 * files not read, and the provenance. It only reads the {@link DeliveryRun}, but for each file's
 * `status` and `blockingByCode`, set here.
 *
 * @module
 */
import { join } from "node:path";
import { NOT_EVALUATED_REASON, previousRules } from "./previous-rules.js";
import { reportProvenance } from "./provenance.js";
import { inForce } from "./select-version.js";
import { toolVersion } from "./tool-version.js";
import {
  REPORT_VERSION,
  type BlockingError,
  type FileNotRead,
  type Report,
  type RuleReport,
} from "./report-types.js";
import {
  delivered,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import {
  entryKind,
  KIND_TEXT,
  looseFileName,
  visibleFileName,
} from "./stage-read.js";

/** Every entry of the delivery folder that the ruleset does not read, with the reason. */
function filesNotRead(s: DeliveryRun): FileNotRead[] {
  const read = new Set(s.files.filter((f) => delivered(f)).map((f) => f.file));
  const out: FileNotRead[] = [];
  for (const name of s.entries) {
    if (read.has(name)) continue;
    const k = entryKind(join(s.folder, name));
    // the report's kinds: what cannot be followed or read counts as "other"
    const kind = k === "missing" || k === "broken-link" ? "other" : k;
    const what = KIND_TEXT[k];
    // the names under which each entity of the data model could be delivered
    const names = (f: FileState) => {
      const stem = f.entity.file!.replace(/\.csv$/i, "");
      return [f.entity.file!, `${stem}.ndjson`, `${stem}.jsonl`];
    };
    const exact = s.files.find((f) => names(f).includes(name));
    const near = s.files.find((f) =>
      names(f).some((n) => looseFileName(n) === looseFileName(name)),
    );
    let reason: string;
    if (exact && delivered(exact))
      reason = `${exact.entity.name} is read from ${exact.file}`;
    else if (exact) reason = `${what}, not a regular file`;
    else if (near && !delivered(near))
      reason = `not a file of ${s.rs.metadata.id}; did you mean ${near.entity.file}? (file names must match exactly; this one is "${visibleFileName(name)}")`;
    else
      reason = `${kind === "file" ? "" : `${what}, `}not a file of ${s.rs.metadata.id}`;
    out.push({ name, kind, reason });
  }
  return out;
}

export async function buildReport(s: DeliveryRun): Promise<Report> {
  // loaded only by a run given quarterly figures (a chunk of its own in the bundled command)
  const reconcile =
    s.opts.quarterly && s.rs.reconciliations?.[0]
      ? (await import("./quarterly.js")).reconcile
      : undefined;
  const rs = s.rs;
  const m = rs.metadata;
  const validatedBy = new Map<string, number>();
  for (const f of s.files)
    validatedBy.set(
      f.entity.name,
      (validatedBy.get(f.entity.name) ?? 0) + f.report.rowsValidated,
    );
  for (const f of s.files)
    if (f.report.blockingErrors > 0) {
      f.report.status = "rejected";
      f.report.blockingByCode = [...f.blocking]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([code, count]) => ({ code, count }));
    }

  const ruleReports: RuleReport[] = [];
  const codes = new Set<string>([...s.trace.keys(), ...s.tallies.keys()]);
  for (const code of [...codes].sort()) {
    const t = s.trace.get(code);
    const tally = s.tallies.get(code);
    const entities = t
      ? [...t.entities]
      : [...new Set(tally?.samples.map((s) => s.entity) ?? [])];
    // a rule on the records of T−1 (`for previous E`) counts against the records read there
    const base =
      tally?.ofPrevious === true
        ? (s.previous?.report.files ?? [])
            .filter((f) => entities.includes(f.entity))
            .reduce((a, f) => a + f.rows, 0)
        : entities.reduce((a, e) => a + (validatedBy.get(e) ?? 0), 0);
    const records = tally?.records ?? 0;
    ruleReports.push({
      code,
      title: t?.title ?? code,
      meaning: t?.meaning ?? null,
      severity: t?.severity ?? tally?.severity ?? "signalling",
      ...(t?.classification ? { classification: { ...t.classification } } : {}),
      target: t?.target ?? "record",
      entities,
      origin: t?.origin ?? m.id,
      location: t?.location ?? { file: "", line: 0, column: 0 },
      source: t?.source ?? null,
      articles: t ? [...t.articles] : [],
      assumptions: t ? [...(t.assumptions ?? [])] : [],
      ...(t?.previous === true && s.previous === undefined
        ? { notEvaluated: { reason: NOT_EVALUATED_REASON } }
        : {}),
      count: tally?.count ?? 0,
      records,
      percentage: Math.min(100, pct(records, base)),
      samples: tally?.samples ?? [],
      samplesOmitted: tally?.omitted ?? 0,
      ...(tally?.reported === undefined ? {} : { ...tally.reported }),
    });
  }
  const isPrimary = (r: RuleReport) =>
    r.severity === "blocking" ||
    (s.trace.get(r.code)?.categories.length ?? 0) > 0 ||
    r.target === "file";

  const blockingErrors: BlockingError[] = [];
  for (const r of ruleReports)
    if (r.severity === "blocking" && r.count > 0) {
      const t = s.tallies.get(r.code)!;
      blockingErrors.push({
        code: r.code,
        title: r.title,
        count: r.count,
        file: t.firstFile,
        line: t.firstLine,
      });
    }
  for (const [code, c] of [...s.inputCounts].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  ))
    if (c.severity === "blocking" && !s.trace.has(code))
      blockingErrors.push({
        code,
        title: INPUT_TITLES[code] ?? code,
        count: c.count,
        file: c.file,
        line: c.line,
      });
  blockingErrors.sort((a, b) =>
    a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
  );

  const rows = { read: 0, validated: 0, rejected: 0 };
  for (const f of s.files) {
    rows.read += f.report.rowsRead;
    rows.validated += f.report.rowsValidated;
    rows.rejected += f.report.rowsRejected;
  }
  const hasIkb = m.ikb !== undefined;
  // every row without an IKB key counts as an IKB that does not meet the automated controls
  const ikbTotal = s.ikbCount + s.ungroupedRows;
  // rounded down: a displayed 95 % or 100 % never overstates the exact share the norm is judged on
  const percentage = pctDown(s.ikbMeeting, ikbTotal);
  const norm = s.groeipad;
  const aggregates = s.aggregates.any
    ? s.aggregates.report((code) => s.tallies.get(code)?.count ?? 0)
    : undefined;

  const report: Report = {
    reportVersion: REPORT_VERSION,
    generator: {
      name: "regel",
      version: s.opts.generatorVersion ?? toolVersion(),
    },
    ...(s.opts.generatedAt ? { generatedAt: s.opts.generatedAt } : {}),
    ruleset: {
      id: m.id,
      name: m.name,
      version: m.version,
      title: m.title ?? null,
      validFrom: m.validFrom ?? null,
      validUntil: m.validUntil ?? null,
      sources: m.sources.map((s) => ({
        alias: s.alias,
        title: s.title,
        url: s.url ?? null,
      })),
    },
    rrd: s.opts.rrd,
    ...(inForce(s.opts.rrd, m.validFrom, m.validUntil)
      ? {}
      : { rulesetInForce: false as const }),
    personalDataShown: !!s.opts.showPersonalData,
    status: blockingErrors.length > 0 ? "rejected" : "accepted",
    blockingErrors,
    rows,
    files: s.files.map((f) => f.report),
    filesNotRead: filesNotRead(s),
    ...(s.opts.entities === undefined
      ? {}
      : { partialDelivery: { entities: [...s.opts.entities] } }),
    deliveryProblems: s.deliveryProblems,
    ikbs: hasIkb
      ? {
          ...(m.ikb?.unit === undefined ? {} : { unit: m.ikb.unit }),
          count: ikbTotal,
          meetingAutomatedControls: s.ikbMeeting,
          percentage,
          ungroupedRows: s.ungroupedRows,
        }
      : null,
    groeipad:
      hasIkb && norm !== undefined
        ? {
            year: norm.year,
            norm: norm.norm,
            percentage,
            meetsNorm: shareReaches(s.ikbMeeting, ikbTotal, norm.norm),
            source: norm.source,
            ...(norm.assumptions.length === 0
              ? {}
              : { assumptions: norm.assumptions }),
            ...(norm.aim === undefined
              ? {}
              : {
                  aim: {
                    target: norm.aim.target,
                    reached: shareReaches(
                      s.ikbMeeting,
                      ikbTotal,
                      norm.aim.target,
                    ),
                    source: norm.aim.source,
                  },
                }),
          }
        : null,
    groeipadDeclared: hasIkb && s.groeipadDeclared,
    categories: rs.categories.map((c) => ({
      name: c.name,
      title: c.title,
      payout: c.payout ?? null,
      articles: [...c.articles],
      location: c.location,
      results: c.results.map((x) => ({
        code: x.code,
        role: x.role ?? null,
        attributes: [...x.attributes],
      })),
      markings: c.markings.map((m) => ({
        entity: m.entity,
        field: m.field,
        value: m.value,
        role: m.role ?? null,
      })),
      count: s.categoryCounts.get(c.name) ?? 0,
      percentage: pct(s.categoryCounts.get(c.name) ?? 0, ikbTotal),
    })),
    payouts: [...rs.payouts]
      .sort((a, b) => a.number - b.number)
      .map((p) => ({
        name: p.name,
        number: p.number,
        title: p.title,
        articles: [...p.articles],
        ikbsBlocked: s.payoutCounts.get(p.name) ?? 0,
        percentage: pct(s.payoutCounts.get(p.name) ?? 0, ikbTotal),
      })),
    inputProblems: [...s.inputCounts]
      .filter(([code]) => !s.trace.has(code))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([code, c]) => ({ code, severity: c.severity, count: c.count })),
    rules: ruleReports.filter(isPrimary),
    secondaryRules: ruleReports.filter((r) => !isPrimary(r)),
    ...(aggregates === undefined ? {} : { aggregates }),
    ...(s.opts.quarterly && rs.reconciliations?.[0] && reconcile
      ? {
          plausibility: {
            reconciliation: reconcile(
              rs.reconciliations[0],
              aggregates ?? [],
              s.opts.quarterly,
            ),
          },
        }
      : {}),
    provenance: reportProvenance({
      loaded: s.loaded,
      groeipad: hasIkb ? norm : undefined,
      inputs: s.files
        // a file of record types is read by several entities: one input
        .filter(
          (f, i, all) =>
            delivered(f) && all.findIndex((g) => g.file === f.file) === i,
        )
        .map((f) => ({
          file: f.file,
          bytes: f.bytes,
          sha256: f.sha256 ?? null,
          rows: f.report.rowsRead,
        })),
      rrdChosenBy: s.opts.rrdChosenBy,
      showPersonalData: s.opts.showPersonalData,
      maxSamples: s.opts.maxSamples,
      maxFieldLength: s.opts.maxFieldLength,
      maxFields: s.opts.maxFields,
      maxRecordLength: s.opts.maxRecordLength,
      quarterly:
        s.opts.quarterly && rs.reconciliations?.[0]
          ? s.opts.quarterly
          : undefined,
      previous: s.previousInputs,
    }),
  };
  const reading = previousRules(rs).codes;
  if (s.previous !== undefined || reading.length > 0)
    report.previousDelivery = s.previous?.report ?? {
      given: false,
      folder: null,
      rules: reading,
      ikbsMatched: 0,
      ikbsGone: 0,
      files: [],
    };
  return report;
}

/** Titles of the input problems that are not rules of the ruleset. */
export const INPUT_TITLES: Readonly<Record<string, string>> = {
  "input.missing-file": "File missing from the delivery",
  "input.empty-file": "Empty file (no header)",
  "input.duplicate-column": "Column appears twice in the header",
  "input.missing-column": "Column missing from the header",
  "input.absent-column": "Optional column not in the file",
  "input.unknown-record-type": "Record of no declared record type",
  "input.record-count": "Not exactly one record of a single-record entity",
  "input.unknown-column": "Column not in the data model",
  "input.column-count": "Row has a different number of columns than the header",
  "input.repeated-header": "Header row repeated inside the file",
  "input.invalid-closing-quote":
    "Broken quoting: character after a closing quote",
  "input.unclosed-quote": "Broken quoting: quoted field never closed",
  "input.field-too-large": "Field too large",
  "input.record-too-large": "Record too large",
  "input.too-many-fields": "Too many fields in a record",
  "input.invalid-utf8": "Invalid UTF-8",
  "input.invalid-encoding": "Bytes not valid in the file's declared encoding",
  "input.invalid-json": "NDJSON line is not a JSON object of scalar values",
  "input.unreadable": "File cannot be read",
  "input.validator-error": "The compiled validator failed on a row",
  "input.missing-ikb-key": "Row without an IKB key",
  "input.no-records": "The delivery holds no records",
  "input.no-header": "First line is not a header",
  "input.wrong-delimiter": "File not separated as declared",
};

/** A percentage with two decimals; 0 when the base is 0. */
export function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part * 10000) / whole) / 100;
}

/**
 * A percentage rounded down to two decimals; 0 when the base is 0. For a pass rate: rounded half
 * up, 18,999 of 20,000 (94.995 %) would show as 95 % beside "norm 95 % — not met".
 */
export function pctDown(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((part * 10000) / whole) / 100;
}

/**
 * Whether `part` of `whole` is at least `percent` %, on the exact share (never a rounded one);
 * false when the base is 0 (unless `percent` is 0).
 */
export function shareReaches(
  part: number,
  whole: number,
  percent: number,
): boolean {
  // counts are integers: part * 100 / whole is correctly rounded and far from a percent it misses
  return whole === 0 ? percent <= 0 : (part * 100) / whole >= percent;
}
