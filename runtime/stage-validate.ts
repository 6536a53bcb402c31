/**
 * Stage 3 of the pipeline (runtime/delivery.ts), **validate**: seal the key sets of the read
 * stage, finish the whole-file checks (stage-whole-file.ts: a second read where a combination may
 * occur twice, and the joined checks), then merge the IKB files by IKB key (stage-group.ts) and, one IKB at a time,
 * decode its records, run the compiled checks, the unique-key, references and whole-file checks
 * of each row, the `for previous E` checks on the IKB's records in T−1, and classify the IKB
 * (Bijlage 3). Every finding and problem goes to the tally stage (stage-tally.ts); the IKB's
 * classification is counted in `ikbCount`, `categoryCounts`, `payoutCounts` and `aggregates`.
 * With `threads` the IKBs are split by key range over worker threads (stage-partition.ts,
 * parallel-validate.ts), each running {@link validateGrouped} on its range.
 *
 * @module
 */
import type { Finding, RuleContext } from "../compiler/contract.js";
import {
  groupByKey,
  largeIkbMessage,
  LargeIkbError,
  MAX_IKB_ROWS,
  type KeyGroup,
  type KeyedRow,
} from "./assemble.js";
import { IkbTooLargeError } from "./errors.js";
import { INVALID } from "./csv-reader.js";
import { showDelivered } from "./dialect.js";
import { ikbKeyDefect, unusableIkbKey } from "./ikb-key.js";
import { HashSet53, hash53Cells } from "./key-set.js";
import { inIkb } from "./ikb-lookup.js";
import { emptyHoleyObjectArray } from "./object-arrays.js";
import { ownText } from "./own-text.js";
import {
  progressDone,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { goodRows } from "./stage-read.js";
import { rowsByIkbKey } from "./stage-group.js";
import { countBlocking, problem, tally } from "./stage-tally.js";
import { parallelPlan } from "./stage-partition.js";
import { wholeFilePass } from "./stage-whole-file.js";
import { sealKeySets } from "./seal-key-sets.js";

/**
 * The validate stage: the file checks made ready (key sets sealed, whole-file checks finished),
 * then every IKB, and the records outside IKBs, validated.
 */
export async function validateStage(s: DeliveryRun): Promise<void> {
  await sealKeySets(
    s,
    [
      ...s.refSets.values(),
      ...s.files.flatMap((f) => (f.unique ? [f.unique.hashes] : [])),
    ],
    s.files.flatMap((f) => f.wholeFile),
  );
  for (const target of s.refSets.keys()) {
    const entity = target.slice(0, target.indexOf("."));
    if (
      s.files.some(
        (f) => f.entity.name === entity && f.report.readStatus === "read",
      )
    )
      s.completeTargets.add(target);
  }
  for (const f of s.files)
    if (f.unique) {
      f.unique.candidates = f.unique.hashes.seal();
      // only the candidates are read from here on: the sorted hashes (8 bytes a row) can go
      f.unique.hashes = new HashSet53();
    }
  await wholeFilePass(s);
  for (const f of s.files) {
    for (const r of f.refs)
      r.against = s.completeTargets.has(r.target)
        ? s.refSets.get(r.target)
        : undefined;
  }
  if (s.previous !== undefined && s.rs.gone !== undefined)
    // a whole IKB of T−1 the delivery no longer has: its records are checked on their own
    s.previous.onGone = (p) =>
      goneRecords(s, p.key, p.records, p.lines, undefined, undefined);
  await validateAll(s);
}

const EMPTY_IKB: Readonly<Record<string, readonly unknown[]>> = Object.freeze(
  Object.create(null),
);

// ---- validate pass -------------------------------------------------------------------

async function validateAll(s: DeliveryRun): Promise<void> {
  const readable = s.files.filter((f) => f.report.readStatus === "read");
  const grouped = readable.filter((f) => f.ikbCol >= 0);
  const flat = readable.filter((f) => f.ikbCol < 0);
  if (grouped.length) {
    // worker threads, one range of IKB keys each, when the delivery is one they cover
    let plan = parallelPlan(s, grouped);
    // fewer workers than planned for (the system refused some): planned again with those that run
    if (
      typeof plan !== "string" &&
      !(await import("./worker-pool.js")).workersStarted(
        s,
        plan.ranges.length - 1,
      )
    )
      plan = parallelPlan(s, grouped);
    s.opts.onThreads?.(
      typeof plan === "string" ? 1 : plan.ranges.length,
      typeof plan === "string" ? plan : s.threadsLimit?.why,
    );
    if (typeof plan !== "string") {
      // loaded only by a run that uses threads (a chunk of its own in the bundled command)
      const { validateInWorkers } = await import("./parallel-validate.js");
      await validateInWorkers(s, grouped, plan);
    } else
      await validateGrouped(
        s,
        grouped,
        grouped.map((f) => rowsByIkbKey(s, f)),
      );
    progressDone(
      s,
      "validate",
      grouped.map((f) => f.file).join(", "),
      s.rowsTotal,
      s.rowsDone,
    );
  }
  // the IKBs of T−1 after the delivery's last one are gone too
  await s.previous?.finish();
  for (const f of flat) {
    for await (const batch of goodRows(s, f))
      for (const row of batch)
        processIkb(s, undefined, [f], rowsOfOne(row), undefined);
  }
}

/**
 * Validate the IKBs of the IKB files `grouped`, whose good rows `sources` gives in IKB key order
 * (all of them, or one range of keys in a worker: runtime/validate-worker.ts).
 */
export async function validateGrouped(
  s: DeliveryRun,
  grouped: readonly FileState[],
  sources: readonly AsyncIterator<KeyedRow[]>[],
): Promise<void> {
  const names = s.rs.entities
    .filter((e) => e.file && grouped.some((g) => g.entity === e))
    .map((e) => e.name);
  const ikbRecords = new IkbRecords(names);
  try {
    await validateGroups(s, grouped, sources, ikbRecords);
  } catch (e) {
    if (!(e instanceof LargeIkbError)) throw e;
    throw new IkbTooLargeError(
      largeIkbMessage(
        e,
        grouped.slice(0, e.source + 1).map((f) => f.file),
        "it is checked",
        s.rs.metadata.ikb!.key,
      ),
    );
  }
}

/** The groups of {@link validateGrouped}, validated. */
async function validateGroups(
  s: DeliveryRun,
  grouped: readonly FileState[],
  sources: readonly AsyncIterator<KeyedRow[]>[],
  ikbRecords: IkbRecords,
): Promise<void> {
  // rows without a usable key in pieces: each is checked on its own
  for await (const groups of groupByKey(
    sources,
    s.opts.maxIkbRows ?? MAX_IKB_ROWS,
    true,
  )) {
    // no await without a previous delivery: a promise turn per IKB costs more than its checks
    if (s.previous === undefined) {
      processGroups(s, grouped, groups, ikbRecords);
      continue;
    }
    for (const g of groups) {
      if (unusableIkbKey(g.key)) {
        ungroupedRows(s, grouped, g, ikbRecords.empty);
        continue;
      }
      const ikb = ikbRecords.next();
      const previous = await s.previous.seek(g.key);
      processIkb(s, g.key, grouped, g.rows, ikb, previous);
    }
  }
}

/**
 * The IKBs of one batch of groups, without a previous delivery. A plain function, so that the
 * optimizing compiler takes this loop (the loop of an async function it does not).
 */
function processGroups(
  s: DeliveryRun,
  grouped: readonly FileState[],
  groups: readonly KeyGroup[],
  ikbRecords: IkbRecords,
): void {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (unusableIkbKey(g.key)) ungroupedRows(s, grouped, g, ikbRecords.empty);
    else processIkb(s, g.key, grouped, g.rows, ikbRecords.next());
  }
}

/**
 * A group without an IKB key: each row belongs to no IKB that can be named, is checked on its
 * own and counts as one IKB that does not meet the automated controls (docs/report.md, "Rows
 * without an IKB key"): a row never leaves the denominator.
 */
function ungroupedRows(
  s: DeliveryRun,
  grouped: readonly FileState[],
  g: KeyGroup,
  emptyIkb: Record<string, unknown[]>,
): void {
  g.rows.forEach((rows, i) => {
    for (const row of rows) ungrouped(s, grouped[i], row, emptyIkb);
  });
}

/**
 * The records of one IKB by entity, as the compiled module reads them (`ikb.NP`): an object of
 * the same shape for every IKB, so that those reads are fast property loads. Its prototype has
 * no properties and no prototype itself: an entity may be called `toString` or `constructor`.
 * (An `Object.create(null)` object is a hash table in V8, looked up by name on every read.)
 */
class IkbRecords {
  private readonly proto: object = Object.freeze(Object.create(null));
  /**
   * The records of a row without an IKB key (no IKB: none): of the shape of every IKB's, so that
   * the compiled checks, which read `ctx.ikb`, see one shape. Never written to.
   */
  readonly empty: Record<string, unknown[]>;
  constructor(private readonly names: readonly string[]) {
    this.empty = this.next();
  }

  /**
   * A new object with a list per entity, its properties added in the same order: the shared
   * empty {@link NO_RECORDS} until the IKB has a record of the entity ({@link recordsOf}).
   */
  next(): Record<string, unknown[]> {
    const ikb = Object.create(this.proto) as Record<string, unknown[]>;
    for (let i = 0; i < this.names.length; i++) ikb[this.names[i]] = NO_RECORDS;
    return ikb;
  }
}

/**
 * The records of an entity of which an IKB has none, shared by every IKB: never written to
 * ({@link recordsOf} replaces it). Not frozen, and of the elements kind of the lists that
 * {@link recordsOf} makes (holey, of objects), so that the compiled module's loops over an IKB's
 * records (`ikb.NP.length`, `ikb.NP[i]`) see one kind of array: a frozen empty array has a map of
 * its own, and the first IKB without a record of an entity sent every such loop back to the
 * interpreter.
 */
const NO_RECORDS: unknown[] = emptyHoleyObjectArray();

/**
 * The list of an IKB's records of an entity, grown by `more` places for the records to come
 * (made when the first ones come): one array of the right length, where a list grown by push
 * had room for 17 records at the first one.
 */
function recordsOf(
  ikb: Record<string, unknown[]>,
  entity: string,
  more: number,
): unknown[] {
  let list = ikb[entity];
  if (list === undefined || list === NO_RECORDS)
    ikb[entity] = list = new Array<unknown>(more);
  else list.length += more;
  return list;
}

/**
 * A row of an IKB file whose IKB key is unusable: empty, only invisible characters, or holding a
 * control character ({@link unusableIkbKey}).
 */
function ungrouped(
  s: DeliveryRun,
  f: FileState,
  row: KeyedRow,
  emptyIkb: Record<string, unknown[]>,
): void {
  const key = s.rs.metadata.ikb!.key;
  s.ungroupedRows++;
  problem(s, f, {
    code: "input.missing-ikb-key",
    severity: "blocking",
    file: f.file,
    line: row.line,
    message: `the row has no usable IKB key (${f.entity.name}.${key} ${ikbKeyDefect(row.key)}): it belongs to no IKB and counts as an IKB that does not meet the automated controls`,
  });
  processIkb(s, undefined, [f], rowsOfOne(row), undefined, undefined, emptyIkb);
}

/**
 * The rows of one file for {@link processIkb}: `row` alone, in an array of the kind of a group's
 * (holey: runtime/assemble.ts), so that processIkb's loops see one kind of array.
 */
function rowsOfOne(row: KeyedRow): KeyedRow[][] {
  const rows = new Array<KeyedRow[]>(1);
  rows[0] = [row];
  return rows;
}

function processIkb(
  s: DeliveryRun,
  key: string | undefined,
  files: readonly FileState[],
  rows: KeyedRow[][],
  ikb: Record<string, unknown[]> | undefined,
  previous?: Record<string, unknown[]>,
  emptyIkb: Readonly<Record<string, readonly unknown[]>> = EMPTY_IKB,
): void {
  const itemFile = s.itemFile;
  const itemRow = s.itemRow;
  const itemRecord = s.itemRecord;
  const itemOut = s.itemOut;
  const itemDelivered = s.itemDelivered;
  let n = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const fileRows = rows[i];
    if (fileRows.length === 0) continue;
    const decode = f.decode;
    const list = ikb
      ? recordsOf(ikb, f.entity.name, fileRows.length)
      : undefined;
    let at = list === undefined ? 0 : list.length - fileRows.length;
    for (let j = 0; j < fileRows.length; j++) {
      const row = fileRows[j];
      // the findings lists are reused from IKB to IKB (findings are taken out of them)
      let out = itemOut[n];
      if (out === undefined) itemOut[n] = out = [];
      else if (out.length !== 0) out.length = 0;
      let record: unknown;
      try {
        if (f.normalize) {
          // normalized in a copy: the delivered cells may be a kept read's, which later reads
          // share (runtime/read-replay.ts)
          itemDelivered[n] = row.cells;
          row.cells = row.cells.slice();
          f.normalize.normalize(row.cells);
        }
        record = decode ? decode(row.cells, f.index, out) : {};
      } catch (e) {
        internalError(s, f, row, "decoding", e);
        continue;
      }
      if (list) list[at++] = record;
      itemFile[n] = f;
      itemRow[n] = row;
      itemRecord[n] = record;
      n++;
    }
    // a row that did not decode has no record
    if (list !== undefined && at < list.length) list.length = at;
  }
  // every context has the same properties in the same order (`previous` too, undefined without
  // a previous delivery), so that the compiled checks see one shape of context
  const ctx: RuleContext = {
    rrd: s.rrdDays,
    ikb: ikb ?? emptyIkb,
    ikbKey: key,
    previous,
  };
  const all: Finding[] = [];
  for (let k = 0; k < n; k++) {
    const f = itemFile[k];
    const row = itemRow[k];
    const out = itemOut[k];
    const check = f.check;
    try {
      if (check) check(itemRecord[k], ctx, out);
    } catch (e) {
      internalError(s, f, row, "checking", e);
      continue;
    }
    fileChecks(
      s,
      f,
      row,
      key,
      out,
      f.normalize ? itemDelivered[k] : row.cells,
      ikb,
    );
    if (out.length > 0) {
      const codes = new Set<string>();
      for (let o = 0; o < out.length; o++) {
        const fd = out[o];
        fd.file = f.file;
        fd.line = row.line;
        if (f.normalize) {
          showDelivered(fd.values, f.normalize, row.cells, itemDelivered[k]);
          fd.message = fd.message.split(INVALID).join("");
        }
        tally(s, fd, !codes.has(fd.rule));
        codes.add(fd.rule);
        if (fd.severity === "blocking") countBlocking(s, f, fd.rule);
        all.push(fd);
      }
    }
    f.report.rowsValidated++;
  }
  if (previous !== undefined && key !== undefined && s.rs.gone)
    // the records of this IKB in T−1 that the delivery no longer has
    goneRecords(s, key, previous, s.previous!.lines, ctx, all);
  // drop the references so that the rows of this IKB can be collected
  for (let k = 0; k < n; k++) {
    itemRow[k] = undefined as unknown as KeyedRow;
    itemRecord[k] = undefined;
    if (itemOut[k].length > 0) itemOut[k].length = 0;
  }
  s.rowsDone += n;
  if (s.opts.onProgress && (s.rowsDone & 0x3fff) < n)
    s.opts.onProgress({
      phase: "validate",
      file: files.map((f) => f.file).join(", "),
      done: s.rowsDone,
      total: s.rowsTotal,
      rows: s.rowsDone,
    });
  if (ikb) {
    s.ikbCount++;
    const c = s.rs.classify(all, ikb);
    if (c.meetsAutomatedControls) s.ikbMeeting++;
    if (c.categories.length > 0)
      for (const cat of new Set(c.categories))
        s.categoryCounts.set(cat, (s.categoryCounts.get(cat) ?? 0) + 1);
    if (c.payoutsBlocked.length > 0)
      for (const p of new Set(c.payoutsBlocked))
        s.payoutCounts.set(p, (s.payoutCounts.get(p) ?? 0) + 1);
    if (s.aggregates.any) s.aggregates.ikb(ikb, c.categories);
  }
}

/**
 * The `for previous E` rules (accounts that disappear, `rs.gone`) on the records of one IKB of
 * T−1. `ctx` is the IKB's context in the delivery, with its records; undefined when the whole
 * IKB is gone (its records are then checked against an empty IKB, and their findings count in
 * no IKB). Findings name the record's file and line in T−1 and the IKB (`finding.previous`);
 * with `all` they join the IKB's findings (its classification).
 */
function goneRecords(
  s: DeliveryRun,
  key: string,
  records: Record<string, unknown[]>,
  lines: Record<string, number[]>,
  ctx: RuleContext | undefined,
  all: Finding[] | undefined,
): void {
  const gone = s.rs.gone!;
  const context: RuleContext = ctx ?? {
    rrd: s.rrdDays,
    ikb: EMPTY_IKB,
    ikbKey: key,
    previous: records,
  };
  for (const entity of Object.keys(gone)) {
    const check = gone[entity];
    const list = records[entity] ?? [];
    const file = s.rs.entities.find((e) => e.name === entity)?.file;
    for (let i = 0; i < list.length; i++) {
      const out: Finding[] = [];
      try {
        check(list[i], context, out);
      } catch (e) {
        throw new Error(
          `checking ${file ?? entity} line ${lines[entity]?.[i]} of the previous delivery: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      const codes = new Set<string>();
      for (let o = 0; o < out.length; o++) {
        const fd = out[o];
        fd.file = file;
        fd.line = lines[entity]?.[i];
        fd.previous = { ikb: key, ikbDelivered: ctx !== undefined };
        tally(s, fd, !codes.has(fd.rule));
        codes.add(fd.rule);
        all?.push(fd);
      }
    }
  }
}

/**
 * A compiled decoder or check threw on a row (a bug in generated code, or input it did not
 * expect): the row is rejected with the file, line and message, and the run goes on.
 */
function internalError(
  s: DeliveryRun,
  f: FileState,
  row: KeyedRow,
  what: string,
  e: unknown,
): void {
  f.report.rowsRejected++;
  problem(s, f, {
    code: "input.validator-error",
    severity: "blocking",
    file: f.file,
    line: row.line,
    message: `the compiled validator failed while ${what} this row: ${(e as Error)?.message ?? String(e)}`,
  });
}

/** Unique-key and references checks of one row. */
function fileChecks(
  s: DeliveryRun,
  f: FileState,
  row: KeyedRow,
  ikbKey: string | undefined,
  out: Finding[],
  /** The row's cells as the file holds them (whole-file messages show these). */
  delivered: readonly string[],
  /** The records of the row's IKB by entity (undefined outside an IKB). */
  ikb?: Record<string, unknown[]>,
): void {
  const e = f.entity;
  if (
    f.refs.length === 0 &&
    !(f.unique?.candidates?.size ?? 0) &&
    f.wholeFile.length === 0
  )
    return;
  const role =
    f.roleByField >= 0 && ikbKey !== undefined
      ? row.cells[f.index[f.roleByField]] === ikbKey
        ? ("D" as const)
        : ("V" as const)
      : undefined;
  const u = f.unique;
  if (u && u.candidates && u.candidates.size > 0) {
    if (u.candidates.has(hash53Cells(row.cells, f.keyCols))) {
      const kt = keyText(s, f, row.cells);
      const first = u.seen.get(kt);
      if (first === undefined) u.seen.set(ownText(kt), row.line);
      else
        out.push({
          rule: u.code,
          severity: u.severity,
          entity: e.name,
          role,
          attribute: undefined,
          key: renderKey(f, row),
          values: Object.fromEntries(
            e.key.map((k, i) => [k, row.cells[f.keyCols[i]] ?? null]),
          ),
          message: `the key ${renderKey(f, row)} also occurs at line ${first}`,
          law: s.rs.laws[u.code],
        });
    }
  }
  for (const w of f.wholeFile) {
    const found = w.findingAt(row.line, delivered);
    if (found)
      out.push({
        rule: w.rule.code,
        severity: w.rule.severity,
        entity: e.name,
        role,
        attribute: undefined,
        key: renderKey(f, row),
        values: found.values,
        message: found.message,
        law: s.rs.laws[w.rule.code],
      });
  }
  for (const r of f.refs) {
    const value = row.cells[r.col];
    // only against a target file read to the end (a missing one is reported by itself)
    if (
      value !== "" &&
      r.against !== undefined &&
      !inIkb(ikb, r.targetEntity, r.targetField, value) &&
      !r.against.has(value)
    )
      out.push({
        rule: r.code,
        severity: r.severity,
        entity: e.name,
        role,
        attribute: r.field,
        key: renderKey(f, row),
        values: { [r.field]: value },
        message: `${e.name}.${r.field} = ${JSON.stringify(value)} does not match any ${r.target}`,
        law: s.rs.laws[r.code],
      });
  }
}

/** A record's unique key as one text (its key cells joined by U+001F), compared exactly. */
export function keyText(
  s: DeliveryRun,
  f: FileState,
  cells: readonly string[],
): string {
  return f.keyCols.map((c) => cells[c]).join("\u001f");
}

/** A record's key as `field=value;field=value`, for findings. */
function renderKey(f: FileState, row: KeyedRow): string {
  return f.entity.key
    .map((k, i) => `${k}=${row.cells[f.keyCols[i]] ?? ""}`)
    .join(";");
}
