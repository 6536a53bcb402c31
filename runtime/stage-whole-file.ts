/**
 * The whole-file passes of the validate stage (runtime/stage-validate.ts calls
 * {@link wholeFilePass} before the IKBs are validated): the second read of a file whose
 * whole-file checks (runtime/whole-file.ts) found combinations that may occur twice, and the
 * joined checks (`for file NP with SA by customer_id`), which read two files together by IKB.
 * The findings wait in the checks for the validate pass (`WholeFileCheck.findingAt`).
 *
 * @module
 */
import type { EntityMeta } from "../compiler/contract.js";
import { groupByKey, type KeyedRow } from "./assemble.js";
import { WholeFileCheck } from "./whole-file.js";
import {
  columnOf,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { canonicalCells, goodRows } from "./stage-read.js";
import { rowsByIkbKey } from "./stage-group.js";

/**
 * The second read of the whole-file checks (runtime/whole-file.ts): only of a file read to the
 * end in which some combination may occur twice; the findings then wait for the validate pass.
 * A file in IKB key order that the joined pass reads anyway is not read for them by itself.
 */
export async function wholeFilePass(s: DeliveryRun): Promise<void> {
  const pending = new Map<FileState, WholeFileCheck[]>();
  for (const f of s.files) {
    const sealed = f.wholeFile.filter((w) => w.seal());
    if (sealed.length > 0 && f.report.readStatus === "read")
      pending.set(f, sealed);
  }
  await joinedPass(s, pending);
  for (const [f, checks] of pending) {
    for await (const batch of goodRows(s, f))
      for (const row of batch) collectRow(f, checks, row);
    for (const w of checks) w.finish();
  }
}

/**
 * A row of the second read, for each check: the rows of the scan, in its order; a row the scan
 * found cannot be involved is not even decoded.
 */
function collectRow(
  f: FileState,
  checks: readonly WholeFileCheck[],
  row: KeyedRow,
): void {
  let cells: string[] | undefined;
  for (const w of checks)
    if (!w.skip())
      w.take((cells ??= canonicalCells(f, row.cells)), row.line, row.cells);
}

/**
 * The whole-file checks over joined records (`for file NP with SA by customer_id`): the two
 * files are read together, one IKB at a time (sorted as for the validate pass), and each record
 * is paired with the joined entity's records of its IKB whose `by` cell is the same text; every
 * pair is one row of the check (its line the record's). A hash pass over the pairs and, when
 * some combination may occur twice, a second one that collects the candidates: the memory is
 * that of {@link WholeFileCheck} plus one IKB of the two files, never a table of the joined
 * file. A missing or unreadable file of either entity, or one without the IKB key, gives no
 * finding (the file is reported by itself).
 *
 * The hash pass also does the second read of the record's file for the checks of its own rows
 * (`pending`, taken out of it) when that file was in IKB key order: the pass then sees its rows in
 * file order, as the scan did.
 */
async function joinedPass(
  s: DeliveryRun,
  pending: Map<FileState, WholeFileCheck[]>,
): Promise<void> {
  for (const r of s.rs.fileRules) {
    const join = r.join;
    const projection = s.rs.wholeFile?.[r.code];
    if (join === undefined || projection === undefined) continue;
    const own = s.files.find((f) => f.entity.name === r.entities[0]);
    const other = s.files.find((f) => f.entity.name === join.entity);
    if (
      own === undefined ||
      other === undefined ||
      own.report.readStatus !== "read" ||
      other.report.readStatus !== "read" ||
      own.ikbCol < 0 ||
      other.ikbCol < 0
    )
      continue;
    const byOwn = columnOf(own, join.by);
    const byOther = columnOf(other, join.by);
    if (byOwn < 0 || byOther < 0) continue;
    // one row of the check: the record's fields, then the joined record's as `SA.field`
    const entity: EntityMeta = {
      ...own.entity,
      fields: [
        ...own.entity.fields,
        ...other.entity.fields.map((fd) => ({
          ...fd,
          name: `${other.entity.name}.${fd.name}`,
        })),
      ],
    };
    const index = [
      ...own.index,
      ...other.index.map((i) => (i < 0 ? -1 : i + own.width)),
    ];
    const w = new WholeFileCheck(
      r,
      projection,
      entity,
      index,
      own.file,
      s.opts.showPersonalData === true,
      own.width,
    );
    const pair = new PairCells(own, other);
    const ownChecks =
      own.runs === undefined && own.report.sortedByIkbKey !== false
        ? pending.get(own)
        : undefined;
    if (ownChecks) pending.delete(own);
    await eachPair(
      s,
      own,
      other,
      byOwn,
      byOther,
      (a, b) => {
        pair.fill(a, b);
        w.scan(pair.cells);
      },
      ownChecks && ((a) => collectRow(own, ownChecks, a)),
    );
    if (ownChecks) for (const c of ownChecks) c.finish();
    if (w.seal()) {
      // the pairs again, in the same order: only those the scan found may be involved are built
      await eachPair(s, own, other, byOwn, byOther, (a, b) => {
        if (w.skip()) return;
        pair.fill(a, b);
        w.take(pair.cells, a.line, pair.delivered);
      });
      w.finish();
    }
    own.wholeFile.push(w);
  }
}

/**
 * Every record of `own` with each record of `other` in its IKB whose `by` cell is the same, in
 * the same order on every call (IKB key, then the records' lines); `eachOwn` sees every good row
 * of `own` first, in the order {@link rowsByIkbKey} gives them.
 */
async function eachPair(
  s: DeliveryRun,
  own: FileState,
  other: FileState,
  byOwn: number,
  byOther: number,
  fn: (a: KeyedRow, b: KeyedRow) => void,
  eachOwn?: (a: KeyedRow) => void,
): Promise<void> {
  const source = (f: FileState) => rowsByIkbKey(s, f);
  for await (const groups of groupByKey([source(own), source(other)]))
    for (const g of groups) {
      const [mine, theirs] = g.rows;
      if (eachOwn) for (const a of mine) eachOwn(a);
      if (mine.length === 0 || theirs.length === 0 || g.key.trim() === "")
        continue;
      for (const a of mine) {
        const by = a.cells[byOwn];
        if (by === "") continue;
        for (const b of theirs) if (b.cells[byOther] === by) fn(a, b);
      }
    }
}

/**
 * The cells of one pair of {@link eachPair} (the record's, then the joined record's), in arrays
 * that each pair reuses: a whole-file check keeps no cells, only what it derives from them.
 */
class PairCells {
  /** As the decoders read them (a file's dialect decoded). */
  readonly cells: string[];
  /** As the files hold them (the same array when neither file has a dialect). */
  readonly delivered: string[];
  private readonly ownWidth: number;
  private readonly own: FileState;
  private readonly other: FileState;

  constructor(own: FileState, other: FileState) {
    this.own = own;
    this.other = other;
    this.ownWidth = own.width;
    this.cells = new Array<string>(own.width + other.width).fill("");
    this.delivered =
      own.normalize || other.normalize
        ? new Array<string>(own.width + other.width).fill("")
        : this.cells;
  }

  fill(a: KeyedRow, b: KeyedRow): void {
    const n = this.ownWidth;
    if (this.delivered !== this.cells) {
      copyInto(this.delivered, a.cells, 0);
      copyInto(this.delivered, b.cells, n);
    }
    copyInto(this.cells, canonicalCells(this.own, a.cells), 0);
    copyInto(this.cells, canonicalCells(this.other, b.cells), n);
  }
}

function copyInto(to: string[], from: readonly string[], at: number): void {
  for (let i = 0; i < from.length; i++) to[at + i] = from[i];
}
