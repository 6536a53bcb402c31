/**
 * The **tally** of the pipeline (runtime/delivery.ts), beside the stages rather than after them:
 * where the read and validate stages count what they find. An input problem is kept (up to the
 * sample limit) on its file and counted per code; a finding is counted per rule (findings,
 * records, first file and line, unknown / missing values) with its sample masked as the report
 * shows it (runtime/mask.ts). The counts wait in the
 * {@link DeliveryRun} (`tallies`, `inputCounts`, `deliveryProblems`) for the report stage.
 *
 * @module
 */
import type { Finding } from "../compiler/contract.js";
import { MASK } from "../compiler/contract.js";
import { countReported, reportedOf } from "./unknown-values.js";
import { maskBsns, maskKey, maskMessage, maskValues } from "./mask.js";
import { ownText } from "./own-text.js";
import type { DeliveryProblem, InputProblem } from "./report-types.js";
import type { DeliveryRun, FileState } from "./delivery-state.js";

/** Record a problem of the delivery as a whole. */
export function deliveryProblem(s: DeliveryRun, p: DeliveryProblem): void {
  s.deliveryProblems.push(p);
  const c = s.inputCounts.get(p.code);
  if (c) c.count++;
  else
    s.inputCounts.set(p.code, {
      severity: p.severity,
      count: 1,
      file: null,
      line: null,
    });
}

export function countBlocking(
  s: DeliveryRun,
  f: FileState,
  code: string,
): void {
  f.report.blockingErrors++;
  f.blocking.set(code, (f.blocking.get(code) ?? 0) + 1);
}

/** Record an input problem on a file (and under its rule code when it is a file rule). */
export function problem(s: DeliveryRun, f: FileState, p: InputProblem): void {
  const r = f.report;
  if (r.problems.length < s.maxSamples) r.problems.push(p);
  else r.problemsOmitted++;
  if (p.severity === "blocking") countBlocking(s, f, p.code);
  const c = s.inputCounts.get(p.code);
  if (c) c.count++;
  else
    s.inputCounts.set(p.code, {
      severity: p.severity,
      count: 1,
      file: p.file,
      line: p.line ?? null,
    });
  if (s.trace.has(p.code)) {
    tally(
      s,
      {
        rule: p.code,
        severity: p.severity,
        entity: f.entity.name,
        role: undefined,
        attribute: undefined,
        key: "",
        values: {},
        message: p.message,
        law: s.rs.laws[p.code],
        file: p.file,
        line: p.line,
      },
      true,
    );
  }
}

/**
 * An IKB key as a sample shows it: masked when the IKB key field of `entity` is personal, or when
 * the key is (or holds) a BSN.
 */
function maskIkb(s: DeliveryRun, entity: string, key: string): string {
  if (s.opts.showPersonalData) return key;
  const field = s.rs.metadata.ikb?.key;
  return field !== undefined && s.personal.get(entity)?.has(field) === true
    ? MASK
    : maskBsns(key);
}

/** A sample's text: with its BSNs masked ({@link maskBsns}) unless personal data is shown. */
function sampleText(s: DeliveryRun, text: string): string {
  return ownText(s.opts.showPersonalData ? text : maskBsns(text));
}

export function tally(s: DeliveryRun, fd: Finding, newRecord: boolean): void {
  let t = s.tallies.get(fd.rule);
  if (!t) {
    t = {
      severity: fd.severity,
      count: 0,
      records: 0,
      samples: [],
      omitted: 0,
      firstFile: fd.file ?? null,
      firstLine: fd.line ?? null,
      // present from the start: every rule's tally has one shape
      reported: undefined,
      ofPrevious: undefined,
    };
    s.tallies.set(fd.rule, t);
  }
  t.count++;
  if (fd.previous !== undefined) t.ofPrevious = true;
  t.reported = countReported(t.reported, fd);
  if (newRecord) t.records++;
  const room = t.samples.length < s.maxSamples;
  // counted on every finding, not in a branch taken only once the samples are full: tally,
  // optimized before that, was left at the first finding past them
  t.omitted += room ? 0 : 1;
  if (room) {
    const personal = s.opts.showPersonalData
      ? undefined
      : s.personal.get(fd.entity);
    const values = maskValues(fd.values, personal);
    const owned: Record<string, string | null> = {};
    for (const k in values) {
      const v = values[k];
      owned[k] = v === null ? null : sampleText(s, v);
    }
    t.samples.push({
      key: sampleText(s, maskKey(fd.key, personal)),
      entity: fd.entity,
      role: fd.role ?? null,
      attribute: fd.attribute ?? null,
      values: owned,
      message: sampleText(
        s,
        maskMessage(fd.message, fd.values, fd.key, personal),
      ),
      file: fd.file ?? null,
      line: fd.line ?? null,
      ...reportedOf(fd),
      ...(fd.previous === undefined
        ? {}
        : {
            previous: {
              ikb: ownText(maskIkb(s, fd.entity, fd.previous.ikb)),
              ikbDelivered: fd.previous.ikbDelivered,
            },
          }),
    });
  }
}
