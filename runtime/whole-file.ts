/**
 * The whole-file checks of one file (`require unique a, b`, `require one a per b`,
 * `require count per b = n`), within the runtime's memory bound: a hash pass, then a second pass
 * over the rows that may be involved that keeps only numbers per row, in typed arrays.
 *
 * 1. **Scan** (the delivery's scan pass): every row's combination (the module's
 *    {@link WholeFileProjection}: the `unique` fields, or the `per` fields of `one a per b`) is
 *    hashed (cyrb53, 53 bits) into a growable Float64Array: 8 bytes per row, whatever the width of
 *    the fields.
 * 2. **Seal**: the hashes that occur more than once are the candidates (a sorted Float64Array,
 *    found by spreading the rows over buckets by their hashes' top bits: {@link repeatedHashes}). A
 *    file without candidates has no finding and is not read again (`count per b = n`: nor when
 *    every row states 1). The scan's hashes, in row order, give one bit per row: whether the row
 *    may be involved (its hash a candidate, or it states another number than 1).
 * 3. **Collect** (a second read of the file, only when there are candidates; the same rows in the
 *    same order as the scan, so a row's bit says whether its combination need be built at all):
 *    of every row whose
 *    hash is a candidate (`count per`: also every row that states another number than 1) it keeps
 *    its line, a 106-bit digest of its exact combination (two cyrb53 hashes with different seeds),
 *    and for `one a per b` the id of its value (the value texts are interned), for `count per`
 *    the number it states: about 40 bytes per row, no string per row.
 * 4. **Finish**: the rows are sorted by digest and line; the groups that break the rule give their
 *    rows a finding, kept as the row's line and its group (with the group's size and first lines).
 *    The message and values of a finding are rebuilt in the validate pass from the cells of the
 *    row itself ({@link WholeFileCheck.findingAt}), so that the finding counts for its IKB like any
 *    other. Memory: about 12 bytes per row that breaks the rule, plus its group's first lines; a
 *    `one a per b` group that breaks the rule also keeps its message's end as text.
 *
 * Two combinations are told apart by their 106-bit digests, not their texts: two different
 * combinations share a digest with a probability of about n² / 2^107 (below 10^-18 for 10^7 rows).
 * A joined check's pairs have an 85-bit digest (53 + 32: round 1 keeps 4 bytes of the second
 * half per pair, so that its collect reads the record's file alone): n² / 2^86, below 10^-11.
 *
 * A row whose combination (or value) has an absent field, or a value that does not fit its type,
 * takes no part, as an absent value takes no part in a comparison (docs/language.md).
 *
 * @module
 */
import {
  MASK,
  type EntityMeta,
  type FileRule,
  type WholeFileProjection,
} from "../compiler/contract.js";
import { Float64List } from "./float64-list.js";
import { hash53, sharedCopy } from "./key-set.js";
import { ownText } from "./own-text.js";

/** Lines named in one finding's message; the rest are counted. */
const LINES_SHOWN = 20;

/** The seed of the second half of a combination's digest (the first half is the scan's hash). */
const SEED2 = 0x9e3779b9;

/** What a row that breaks a whole-file rule is told. */
export interface WholeFileFinding {
  message: string;
  /** The CSV text of the rule's fields on this row. */
  values: Record<string, string | null>;
}

/** A growable Uint32Array. */
class Words {
  data = new Uint32Array(1024);
  n = 0;
  push(x: number): void {
    if (this.n === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = x;
  }
}

/**
 * A joined check's pairs per record of its own file, in the order the records were paired: one
 * byte a record (most have one pair, or none), a map for the few with 255 or more.
 */
class PairCounts {
  private data = new Uint8Array(1024);
  private n = 0;
  private readonly many = new Map<number, number>();
  push(pairs: number): void {
    if (this.n === this.data.length) {
      const bigger = new Uint8Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    if (pairs >= 255) this.many.set(this.n, pairs);
    this.data[this.n++] = Math.min(pairs, 255);
  }
  /** The pairs of the `i`th record (0 beyond the records pushed). */
  at(i: number): number {
    if (i >= this.n) return 0;
    const k = this.data[i];
    return k === 255 ? this.many.get(i)! : k;
  }
}

/** The rows of the second read that may be involved, one number of each per row. */
interface Collected {
  line: Float64List;
  /** The two halves of the combination's digest. */
  d1: Float64List;
  d2: Float64List;
  /** `one-per`: the id of the value's text; `count-per`: the number the row states. */
  aux: Float64List;
  /** `one-per`: the id of the text shown for the value (the CSV text of its fields). */
  shownId: Float64List;
}

/** The rows that break the rule, sorted by line, and their groups. */
interface Found {
  /** Lines of the rows that break the rule, ascending. */
  lines: Float64Array;
  /** The group of each of them. */
  group: Uint32Array;
  /** Per group: its size, and where its first lines start in {@link Found.groupLines}. */
  size: Uint32Array;
  start: Uint32Array;
  /** The first {@link LINES_SHOWN} lines of each group. */
  groupLines: Float64Array;
  /** `one-per`: the end of each group's message (one text per group, shared by its rows). */
  tails: string[] | undefined;
}

/** One whole-file rule over one file. */
export class WholeFileCheck {
  readonly rule: FileRule;
  private readonly projection: WholeFileProjection;
  private readonly file: string;
  /** Cell positions of the rule's fields (combination, then the fields that must agree). */
  private readonly cols: number[];
  private readonly names: string[];
  private readonly personal: boolean[];
  /** The scan's hash of each row, in row order (NaN: the row takes no part). */
  private hashes: Float64List | undefined = new Float64List();
  /** `count-per`: the scan's rows (their places in row order) that state another number than 1. */
  private notOneRows: Float64List | undefined;
  /** The hashes that occur more than once, sorted. */
  private candidates: Float64Array | undefined;
  /** One bit per row of the scan: whether the second read must look at the row. */
  private involved: Uint8Array | undefined;
  /** The number of rows of the scan, and the place of the second read's next row among them. */
  private scanned = 0;
  private row = 0;
  /**
   * A joined check (`ownWidth` finite): per pair of round 1 (numbered from {@link firstPair}), the
   * low 32 bits of the second half of its digest, and per record of the own file its number of
   * pairs ({@link scanOwn}); kept by the check that paired them, for round 2
   * ({@link takeOwn}), which then reads the own file alone. The digest of a joined check's
   * combination is so 85 bits (53 + 32): n² / 2^86 for two of n combinations to share one.
   */
  private second: Words | undefined;
  private pairCounts: PairCounts | undefined;
  private firstPair = 0;
  /** Round 2 of a joined check: the own record next read, and the next involved pair's place in {@link involvedHashes}. */
  private ownRow = 0;
  private nextInvolved = 0;
  /** A sealed joined check: the scan's hash of each pair that may be involved, in pair order. */
  private involvedHashes: Float64Array | undefined;
  private collected: Collected | undefined;
  /** `one-per`: value texts and shown texts by id (only during the second read). */
  private valueIds: Map<string, number> | undefined;
  private shownIds: Map<string, number> | undefined;
  private found: Found | undefined;

  /**
   * @param index header position of each field of `entity` (-1: missing column)
   * @param showPersonal whether messages may show the values of `personal` fields
   */
  constructor(
    rule: FileRule,
    projection: WholeFileProjection,
    entity: EntityMeta,
    index: readonly number[],
    file: string,
    private readonly showPersonal: boolean,
    /**
     * A joined check (`for file NP with SA by customer_id`): the cells of the record's own file;
     * the cells after them are the joined record's, which a finding does not show (`***`).
     */
    private readonly ownWidth = Infinity,
  ) {
    this.rule = rule;
    this.projection = projection;
    this.file = file;
    const key = rule.check === "unique" ? rule.fields! : rule.per!;
    const value = rule.check === "unique" ? [] : rule.fields!;
    this.names = [...key, ...value];
    const fields = this.names.map((n) =>
      entity.fields.findIndex((f) => f.name === n),
    );
    this.cols = fields.map((i) => (i < 0 ? -1 : index[i]));
    this.personal = fields.map((i) => entity.fields[i]?.personal === true);
    this.index = index;
    if (ownWidth !== Infinity) {
      this.second = new Words();
      this.pairCounts = new PairCounts();
    }
  }

  private readonly index: readonly number[];

  /** The header positions of the rule's fields that the file has (the cells the scan must keep). */
  get columns(): number[] {
    return this.cols.filter((c) => c >= 0);
  }

  /**
   * The header positions of the fields round 2 of a joined check reads of a record ({@link
   * takeOwn}): the values (`one a per b`) or the number stated (`count per`), not the combination.
   */
  get valueColumns(): number[] {
    return this.cols.slice(this.keyWidth).filter((c) => c >= 0);
  }

  /** The number of fields of the combination (the `per` fields of `one a per b`). */
  private get keyWidth(): number {
    return this.rule.check === "unique"
      ? this.rule.fields!.length
      : this.rule.per!.length;
  }

  /** `count-per`: whether some row states another number than 1 (then the file is read again). */
  private notOne = false;

  /** The two halves of the digest of the row {@link digestOf} last looked at. */
  private readonly digest = new Float64Array(2);
  private readonly digest1 = new Float64Array(1);

  /**
   * Whether the row takes part; then its combination's hashes are in {@link digest} (the second
   * only when `both`). The module hashes the combination itself (`hash` of its
   * {@link WholeFileProjection}, which builds no text); a module compiled before it gives the text.
   */
  private digestOf(cells: readonly string[], both: boolean): boolean {
    const p = this.projection;
    const d = this.digest;
    if (p.hash !== undefined) {
      // the second hash only when asked for (the module computes as many as `out` holds)
      if (!p.hash(cells, this.index, both ? d : this.digest1)) return false;
      if (!both) d[0] = this.digest1[0];
    } else {
      const k = p.key(cells, this.index);
      if (k === undefined) return false;
      d[0] = hash53(k);
      if (both) d[1] = hash53(k, SEED2);
    }
    if (p.count !== undefined) {
      const n = p.count(cells, this.index);
      if (n === undefined) return false;
      if (n !== 1 && this.hashes !== undefined) {
        this.notOne = true;
        (this.notOneRows ??= new Float64List()).push(this.hashes.n);
      }
      return true;
    }
    return p.value === undefined || p.value(cells, this.index) !== undefined;
  }

  /** Step 1: a row of the scan pass. */
  scan(cells: readonly string[]): void {
    const second = this.second;
    const part = this.digestOf(cells, second !== undefined);
    this.hashes!.push(part ? this.digest[0] : NaN);
    // a joined check keeps the digest's second half for round 2, which reads no joined record
    if (second !== undefined) second.push(part ? this.digest[1] % 2 ** 32 : 0);
  }

  /**
   * Step 1 of a joined check: the record of the own file whose pairs were just {@link scan}ned
   * has `pairs` of them (called for every good record of the own file, in the order of round 2's
   * read of it, pairs or not).
   */
  scanOwn(pairs: number): void {
    this.pairCounts!.push(pairs);
  }

  /**
   * Step 2's input handed over, for {@link repeatedHashes} in another thread
   * (runtime/seal-key-sets.ts): the scan's hashes in row order, the check's own array (not
   * copied: the check no longer reads it); {@link seal} then takes what that thread found. Not
   * for a joined check, whose seal reads its hashes again.
   */
  takeScanHashes(): Float64Array {
    if (this.ownWidth !== Infinity)
      throw new Error("a joined check seals its hashes itself");
    const hashes = this.hashes!.data.subarray(0, this.hashes!.n);
    this.handedOver = hashes.length;
    this.hashes = undefined;
    return hashes;
  }

  /**
   * A joined check's hashes of its pairs in order, copied into shared memory: for
   * {@link repeatedHashes} of a part of them in another thread (runtime/stage-whole-file.ts),
   * whose answers together are then given to {@link seal}.
   */
  joinedHashes(): Float64Array {
    if (this.ownWidth === Infinity)
      throw new Error("only a joined check keeps its hashes for its seal");
    return sharedCopy(this.hashes!.data.subarray(0, this.hashes!.n));
  }

  /** The rows the scan hashed so far (0 once they are handed over or sealed). */
  get scanRows(): number {
    return this.hashes?.n ?? 0;
  }

  /** The rows whose hashes {@link takeScanHashes} handed over (undefined: none were). */
  private handedOver: number | undefined;
  /** What {@link seal} answered (undefined: not sealed yet). */
  private sealAnswer: boolean | undefined;

  /**
   * Step 2: whether any combination may occur twice (then the file is read once more). With
   * `repeated`, the {@link repeatedHashes} of the hashes {@link takeScanHashes} handed over, or
   * (a joined check) of {@link joinedHashes}, found elsewhere; without, of the scan's hashes
   * here. A check sealed before gives the same answer again.
   */
  seal(repeated?: RepeatedHashes): boolean {
    if (this.sealAnswer !== undefined) return this.sealAnswer;
    this.sealAnswer = this.sealOnce(repeated);
    return this.sealAnswer;
  }

  private sealOnce(given: RepeatedHashes | undefined): boolean {
    // a joined check keeps its hashes (its seal reads them again); another check's, once handed
    // over, are gone
    const joined = this.ownWidth !== Infinity;
    if (
      (given === undefined && this.handedOver !== undefined) ||
      (given !== undefined && this.handedOver === undefined && !joined)
    )
      throw new Error(
        "a check's repeated hashes come from its own hashes or from those it handed over",
      );
    const inOrder =
      this.hashes !== undefined
        ? this.hashes.data.subarray(0, this.hashes.n)
        : undefined;
    const n = inOrder?.length ?? this.handedOver!;
    const repeated = given ?? repeatedHashes(inOrder!);
    this.candidates = repeated.candidates;
    if (this.candidates.length === 0 && !this.notOne) {
      this.hashes = undefined;
      this.dropPairs();
      return false;
    }
    const involved = repeated.rows ?? new Uint8Array((n >>> 3) + 1);
    if (this.notOneRows !== undefined) {
      const rows = this.notOneRows.data;
      for (let j = 0; j < this.notOneRows.n; j++)
        involved[rows[j] >>> 3] |= 1 << (rows[j] & 7);
      this.notOneRows = undefined;
    }
    if (this.ownWidth !== Infinity) {
      const hashes = new Float64List();
      for (let i = 0; i < n; i++)
        if ((involved[i >>> 3] & (1 << (i & 7))) !== 0)
          hashes.push(inOrder![i]);
      this.involvedHashes = hashes.take();
      this.nextInvolved = 0;
    }
    this.hashes = undefined;
    this.involved = involved;
    this.scanned = n;
    this.startCollecting(0);
    return true;
  }

  /** Whether `h` is a candidate hash (binary search). */
  private isCandidate(h: number): boolean {
    const d = this.candidates!;
    let lo = 0;
    let hi = d.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (d[mid] < h) lo = mid + 1;
      else if (d[mid] > h) hi = mid - 1;
      else return true;
    }
    return false;
  }

  /**
   * Step 3: a row of the second read: `cells` as the decoders read them (what is compared), and
   * `delivered` as the file holds them (what a message shows; the same cells in a file without a
   * dialect). The rows must be the scan's, in its order.
   */
  collect(
    cells: readonly string[],
    line: number,
    delivered: readonly string[] = cells,
  ): void {
    if (!this.skip()) this.take(cells, line, delivered);
  }

  /**
   * Step 3 in two parts, for a caller that builds a row's cells only when they are needed: move
   * to the next row of the second read, and tell whether the scan found that it cannot be
   * involved (then {@link take} need not be called for it).
   */
  skip(): boolean {
    if (this.collected === undefined) return true;
    const i = this.row++;
    // a row beyond the scan's (a caller's mistake) is looked at, as without the bits
    if (i >= this.scanned) return false;
    return (this.involved![i >>> 3] & (1 << (i & 7))) === 0;
  }

  /** Step 3 for the row {@link skip} moved to: what {@link collect} does with a row the bits do not rule out. */
  take(
    cells: readonly string[],
    line: number,
    delivered: readonly string[] = cells,
  ): void {
    const c = this.collected;
    if (!c) return;
    if (!this.digestOf(cells, true)) return;
    const stated = this.projection.count?.(cells, this.index);
    const h = this.digest[0];
    // `count-per`: a row alone with its hash that states 1 is right; every other row is looked at
    if (!this.isCandidate(h) && (stated === undefined || stated === 1)) return;
    c.line.push(line);
    c.d1.push(h);
    c.d2.push(this.digest[1]);
    this.pushValue(c, cells, delivered);
  }

  /**
   * Step 3 of a joined check, from the own file alone: the next record of round 1's order (the
   * same good records, in the same order: `cells` decoded, `delivered` as the file holds them)
   * and those of its pairs the seal found may be involved. A pair's line, value and number are
   * its own record's; its digest is round 1's. What {@link take} collects of the same pairs
   * built with the joined records, without reading the joined file again.
   */
  takeOwn(
    cells: readonly string[],
    line: number,
    delivered: readonly string[] = cells,
  ): void {
    const pairs = this.pairCounts!.at(this.ownRow++);
    const c = this.collected;
    if (c === undefined || pairs === 0) return;
    const involved = this.involved!;
    for (let p = 0; p < pairs; p++) {
      const i = this.row++;
      if ((involved[i >>> 3] & (1 << (i & 7))) === 0) continue;
      c.line.push(line);
      c.d1.push(this.involvedHashes![this.nextInvolved++]);
      c.d2.push(this.second!.data[i - this.firstPair]);
      this.pushValue(c, cells, delivered);
    }
  }

  /** `count-per`: the number the row states; `one-per`: the ids of its value and of the text shown. */
  private pushValue(
    c: Collected,
    cells: readonly string[],
    delivered: readonly string[],
  ): void {
    const stated = this.projection.count?.(cells, this.index);
    if (stated !== undefined) c.aux.push(stated);
    else if (this.valueIds) {
      c.aux.push(
        intern(this.valueIds, this.projection.value!(cells, this.index)!),
      );
      // the text shown for this value is the row's value fields as delivered (the first row's
      // text, for values equal once decoded: `1,5` and `1,50`)
      const shown: string[] = [];
      for (let i = this.keyWidth; i < this.cols.length; i++)
        shown.push(this.cell(delivered, i));
      c.shownId.push(intern(this.shownIds!, JSON.stringify(shown)));
    }
  }

  /** Step 4: the findings of the groups that break the rule. */
  finish(): void {
    const c = this.collected;
    if (!c) return;
    const n = c.line.n;
    const line = c.line.data;
    const d1 = c.d1.data;
    const d2 = c.d2.data;
    const aux = c.aux.data;
    // the rows of a combination together, in file order
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) =>
      d1[a] !== d1[b]
        ? d1[a] - d1[b]
        : d2[a] !== d2[b]
          ? d2[a] - d2[b]
          : line[a] - line[b],
    );
    const hitLines = new Float64List();
    const hitGroup = new Float64List();
    const size = new Float64List();
    const start = new Float64List();
    const groupLines = new Float64List();
    const tails: string[] | undefined =
      this.rule.check === "one-per" ? [] : undefined;
    const shownTexts =
      this.shownIds === undefined ? [] : [...this.shownIds.keys()];
    for (let from = 0; from < n;) {
      let to = from + 1;
      while (
        to < n &&
        d1[order[to]] === d1[order[from]] &&
        d2[order[to]] === d2[order[from]]
      )
        to++;
      const g = order.subarray(from, to);
      from = to;
      let breaking: (i: number) => boolean;
      let tail: string | undefined;
      if (this.rule.check === "count-per") {
        if (g.every((i) => aux[i] === g.length)) continue;
        breaking = (i) => aux[i] !== g.length;
      } else if (g.length < 2) continue;
      else if (this.rule.check === "unique") breaking = () => true;
      else {
        tail = this.disagreement(g, line, aux, c.shownId.data, shownTexts);
        if (tail === undefined) continue;
        breaking = () => true;
      }
      const id = size.n;
      size.push(g.length);
      start.push(groupLines.n);
      for (let j = 0; j < g.length && j < LINES_SHOWN; j++)
        groupLines.push(line[g[j]]);
      if (tails) tails.push(tail!);
      for (const i of g)
        if (breaking(i)) {
          hitLines.push(line[i]);
          hitGroup.push(id);
        }
    }
    this.collected = undefined;
    this.candidates = undefined;
    this.involved = undefined;
    this.valueIds = undefined;
    this.shownIds = undefined;
    this.dropPairs();
    if (hitLines.n === 0) return;
    // by line, for the validate pass's lookups
    const lines = hitLines.take();
    const groups = hitGroup.take();
    const byLine = new Uint32Array(lines.length);
    for (let i = 0; i < byLine.length; i++) byLine[i] = i;
    byLine.sort((a, b) => lines[a] - lines[b]);
    const found: Found = {
      lines: new Float64Array(lines.length),
      group: new Uint32Array(lines.length),
      size: Uint32Array.from(size.take()),
      start: Uint32Array.from(start.take()),
      groupLines: groupLines.take(),
      tails,
    };
    byLine.forEach((i, j) => {
      found.lines[j] = lines[i];
      found.group[j] = groups[i];
    });
    this.found = found;
  }

  /** `one-per`: the end of the message of a group whose rows disagree; undefined when they agree. */
  private disagreement(
    g: Uint32Array,
    line: Float64Array,
    valueId: Float64Array,
    shownId: Float64Array,
    shownTexts: readonly string[],
  ): string | undefined {
    const byValue = new Map<number, { shown: number; lines: number[] }>();
    for (const i of g) {
      const v = byValue.get(valueId[i]);
      // a joined record with two joined rows of one combination is named once
      if (v) {
        if (v.lines[v.lines.length - 1] !== line[i]) v.lines.push(line[i]);
      } else byValue.set(valueId[i], { shown: shownId[i], lines: [line[i]] });
    }
    if (byValue.size < 2) return undefined;
    const width = this.names.length - this.keyWidth;
    const what = this.names.slice(this.keyWidth).join(", ");
    const kind = width === 1 ? "values" : "combinations";
    // every record of the group has this message: it names at most LINES_SHOWN lines in all, so
    // that a group of n records makes a report of n messages, not of n² lines
    const parts: string[] = [];
    let named = 0;
    for (const v of byValue.values()) {
      if (named >= LINES_SHOWN) break;
      const shown = Math.min(v.lines.length, LINES_SHOWN - named);
      parts.push(
        `${this.shownCells(JSON.parse(shownTexts[v.shown]) as string[], this.keyWidth, false)} (${lines(v.lines, v.lines.length, shown)})`,
      );
      named += shown;
    }
    const more = byValue.size - parts.length;
    const rest =
      more > 0
        ? ` and ${more} more ${more === 1 ? kind.slice(0, -1) : kind}`
        : "";
    return `has ${byValue.size} different ${kind} of ${what} in ${this.file}: ${parts.join(", ")}${rest}`;
  }

  /**
   * The finding of the row at `line`, if it breaks the rule (its message built only now, from
   * `cells`, the row's cells as the file holds them: a dialect's `01012000` and `1,5`, not the
   * decoded text).
   */
  findingAt(
    line: number,
    cells: readonly string[],
  ): WholeFileFinding | undefined {
    const f = this.found;
    if (f === undefined) return undefined;
    let lo = 0;
    let hi = f.lines.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (f.lines[mid] < line) lo = mid + 1;
      else if (f.lines[mid] > line) hi = mid - 1;
      else {
        at = mid;
        break;
      }
    }
    if (at < 0) return undefined;
    const g = f.group[at];
    const size = f.size[g];
    const first = Array.from(
      f.groupLines.subarray(
        f.start[g],
        f.start[g] + Math.min(size, LINES_SHOWN),
      ),
    );
    const tail =
      f.tails !== undefined
        ? f.tails[g]
        : this.rule.check === "count-per"
          ? `is on ${size} ${size === 1 ? "record" : "records"} of ${this.file}: ${lines(first, size)}`
          : `occurs ${size} times in ${this.file}: ${lines(first, size)}`;
    const mine = this.cols.map((_, i) => this.cell(cells, i));
    const stated =
      this.rule.check === "count-per"
        ? `; the row states ${this.shown(mine, this.keyWidth, this.names.length)}`
        : "";
    return {
      message: `${this.shown(mine, 0, this.keyWidth)} ${tail}${stated}`,
      values: this.values(mine),
    };
  }

  /** The CSV text of the rule's `i`th field on a row ("" when the file lacks the column). */
  private cell(cells: readonly string[], i: number): string {
    const c = this.cols[i];
    return c < 0 ? "" : (cells[c] ?? "");
  }

  /** `a=x;b=y` for the fields `from..to` of a row's field texts (personal values masked unless shown). */
  private shown(
    texts: readonly string[],
    from: number,
    to: number,
    named = true,
  ): string {
    const out: string[] = [];
    for (let i = from; i < to; i++) {
      const v =
        (this.personal[i] && !this.showPersonal) || this.joinedAt(i)
          ? MASK
          : JSON.stringify(texts[i]);
      out.push(named ? `${this.names[i]}=${v}` : v);
    }
    return out.join(named ? ";" : ", ");
  }

  /** {@link shown} of the value fields, given their texts only (from field `from` on). */
  private shownCells(
    valueTexts: readonly string[],
    from: number,
    named: boolean,
  ): string {
    const texts = [...new Array<string>(from).fill(""), ...valueTexts];
    return this.shown(texts, from, this.names.length, named);
  }

  private values(texts: readonly string[]): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    this.names.forEach((n, i) => {
      if (!this.joinedAt(i)) out[n] = texts[i] === "" ? null : texts[i];
    });
    return out;
  }

  /** Whether the rule's `i`th field is a joined record's (not in the cells a finding is built from). */
  private joinedAt(i: number): boolean {
    return this.cols[i] >= this.ownWidth;
  }

  // ---- partial states: the passes over key ranges in worker threads (stage-whole-file.ts) ----

  /**
   * Step 1 of one range (a worker): the hashes scanned so far, in row order, handed over; the
   * check scans no more. Rows are numbered from the range's first row.
   */
  scanPart(): WholeFileScanPart {
    const part: WholeFileScanPart = {
      hashes: this.hashes!.take(),
      notOneRows: this.notOneRows?.take(),
      notOne: this.notOne,
    };
    this.hashes = undefined;
    this.notOneRows = undefined;
    return part;
  }

  /** Room for at least `more` rows of step 1's hashes (as `HashSet53.reserve` makes room). */
  reserveScan(more: number): void {
    this.hashes?.reserve(more);
  }

  /** Step 1 from the ranges' parts, added in range order (before {@link seal}). */
  addScanPart(part: WholeFileScanPart): void {
    const base = this.hashes!.n;
    this.hashes!.pushAll(part.hashes);
    if (part.notOneRows !== undefined)
      for (let i = 0; i < part.notOneRows.length; i++)
        (this.notOneRows ??= new Float64List()).push(base + part.notOneRows[i]);
    if (part.notOne) this.notOne = true;
  }

  /** What a worker needs of a sealed check for step 3 over its range (see {@link adoptSealed}). */
  sealedPart(): WholeFileSealedPart {
    return {
      candidates: this.candidates!,
      involved: this.involved!,
      scanned: this.scanned,
      involvedHashes: this.involvedHashes,
    };
  }

  /**
   * In a worker: step 3 from row `row` of the scan on, with the sealed state of the main thread's
   * check ({@link sealedPart}); {@link collectedPart} then hands the rows taken back.
   */
  adoptSealed(part: WholeFileSealedPart, row: number): void {
    this.hashes = undefined;
    this.notOneRows = undefined;
    this.candidates = part.candidates;
    this.involved = part.involved;
    this.scanned = part.scanned;
    this.involvedHashes = part.involvedHashes;
    this.firstPair = row;
    // the involved pairs of the earlier ranges come first in involvedHashes
    let before = 0;
    for (let i = 0; i < row && i < part.scanned; i++)
      if ((part.involved[i >>> 3] & (1 << (i & 7))) !== 0) before++;
    this.nextInvolved = before;
    this.startCollecting(row);
  }

  /** Step 3 begins at row `row` of the scan, with nothing collected yet. */
  private startCollecting(row: number): void {
    this.row = row;
    this.ownRow = 0;
    this.collected = {
      line: new Float64List(),
      d1: new Float64List(),
      d2: new Float64List(),
      aux: new Float64List(),
      shownId: new Float64List(),
    };
    if (this.rule.check === "one-per") {
      this.valueIds = new Map();
      this.shownIds = new Map();
    }
  }

  /** In a worker: the rows step 3 took over its range, handed over (ids as texts). */
  collectedPart(): WholeFileCollectedPart {
    const c = this.collected!;
    const part: WholeFileCollectedPart = {
      line: c.line.take(),
      d1: c.d1.take(),
      d2: c.d2.take(),
      aux: c.aux.take(),
      shownId: c.shownId.take(),
      valueTexts: this.valueIds === undefined ? [] : [...this.valueIds.keys()],
      shownTexts: this.shownIds === undefined ? [] : [...this.shownIds.keys()],
    };
    this.collected = undefined;
    this.valueIds = undefined;
    this.shownIds = undefined;
    this.dropPairs();
    return part;
  }

  /** A joined check's numbers per pair and per record, once round 2 is done (or not needed). */
  private dropPairs(): void {
    this.second = undefined;
    this.pairCounts = undefined;
    this.involvedHashes = undefined;
  }

  /**
   * Step 3 from the ranges' parts, added in range order (before {@link finish}): the texts are
   * interned again in the order a single read would have met them.
   */
  addCollectedPart(part: WholeFileCollectedPart): void {
    const c = this.collected;
    if (c === undefined) return;
    for (let i = 0; i < part.line.length; i++) {
      c.line.push(part.line[i]);
      c.d1.push(part.d1[i]);
      c.d2.push(part.d2[i]);
    }
    for (let i = 0; i < part.aux.length; i++)
      c.aux.push(
        this.valueIds === undefined
          ? part.aux[i]
          : intern(this.valueIds, part.valueTexts[part.aux[i]]),
      );
    for (let i = 0; i < part.shownId.length; i++)
      c.shownId.push(intern(this.shownIds!, part.shownTexts[part.shownId[i]]));
  }
}

/** Step 1 of a whole-file check over one range of rows ({@link WholeFileCheck.scanPart}). */
export interface WholeFileScanPart {
  /** The hash of each row, in row order (NaN: the row takes no part). */
  hashes: Float64Array;
  /** `count-per`: the rows (numbered from the range's first) that state another number than 1. */
  notOneRows: Float64Array | undefined;
  notOne: boolean;
}

/** A sealed whole-file check, as a worker's step 3 needs it ({@link WholeFileCheck.sealedPart}). */
export interface WholeFileSealedPart {
  candidates: Float64Array;
  involved: Uint8Array;
  scanned: number;
  /** A joined check: the scan's hash of each pair that may be involved, in pair order. */
  involvedHashes: Float64Array | undefined;
}

/** The rows step 3 took over one range ({@link WholeFileCheck.collectedPart}). */
export interface WholeFileCollectedPart {
  line: Float64Array;
  d1: Float64Array;
  d2: Float64Array;
  /** `one-per`: ids into `valueTexts`; `count-per`: the number each row states. */
  aux: Float64Array;
  /** `one-per`: ids into `shownTexts`. */
  shownId: Float64Array;
  valueTexts: string[];
  shownTexts: string[];
}

/** What {@link repeatedHashes} finds. */
export interface RepeatedHashes {
  /** The hashes that occur more than once, ascending. */
  candidates: Float64Array;
  /** One bit per row, set when its hash is a candidate (undefined when none is). */
  rows: Uint8Array | undefined;
}

/**
 * The buffers of a {@link RepeatedHashes} that a worker hands over (transfers, not copies) with
 * it: the arrays {@link repeatedHashes} made.
 */
export function repeatedBuffers(r: RepeatedHashes): ArrayBuffer[] {
  return [r.candidates, ...(r.rows === undefined ? [] : [r.rows])].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** Rows of a bucket above which {@link repeatedHashes} sorts it instead of comparing every two. */
const SMALL_BUCKET = 12;

/**
 * A part of the hashes' values, for {@link repeatedHashes} split over threads: part `k` of `of`
 * (a power of two) holds the hashes whose top log2(`of`) bits are `k`. A hash repeats within its
 * part, so the parts' answers together ({@link joinRepeated}) are the whole's.
 */
export interface HashPart {
  k: number;
  of: number;
}

/** Every hash: the one part of one. */
const WHOLE: HashPart = { k: 0, of: 1 };

/**
 * The hashes that occur more than once in `hashes` (NaN: a row that takes no part, equal to
 * nothing), sorted, and one bit per row (by place in `hashes`) that is set when the row's hash is
 * one of them (undefined when none is); with `part`, only the hashes of that part are looked at.
 * The hashes' low 32 bits are spread over about n / 2 buckets by their top bits (the hashes are
 * uniform): a count and a scatter, then a look within each bucket, in order, for two equal ones,
 * which marks the bucket. Only the rows of marked buckets (the repeated hashes', and the few that
 * merely share their bucket and low bits) are then sorted by their whole hash. 4 bytes per row
 * meanwhile; the look within the buckets reads the scattered numbers in order, where looking up
 * each row's hash by its number did not.
 */
export function repeatedHashes(
  hashes: Float64Array,
  part: HashPart = WHOLE,
): RepeatedHashes {
  // each loop a function of its own: in one function, the optimizing compiler compiled it on
  // the first loop, before the others had run, and it was deoptimized at each next loop
  // ("insufficient type feedback") and compiled again
  const n = hashes.length;
  // the part holds about n / of of them (the hashes are uniform)
  let bits = 1;
  while (bits < 21 && 2 ** (bits + 1) * part.of <= n) bits++;
  const buckets = 2 ** bits;
  // a 53-bit hash's top bits: its part's and then `bits` more (exact: powers of two)
  const scale = 2 ** 53 / (part.of * buckets);
  // the part's first bucket among all parts' buckets
  const first = part.k * buckets;
  const start = bucketStarts(hashes, buckets, scale, first);
  const low = lowByBucket(hashes, start, buckets, scale, first);
  const marked = markedBuckets(start, low, buckets);
  if (marked === undefined)
    return { candidates: new Float64List().take(), rows: undefined };
  return repeatedIn(hashes, suspectRows(hashes, marked, buckets, scale, first));
}

/**
 * The {@link repeatedHashes} of all `n` hashes from those of their parts, given in part order
 * (k = 0, 1, …): the candidates one after the other (each part's are above the one's before),
 * the rows' bits together.
 */
export function joinRepeated(
  parts: readonly RepeatedHashes[],
  n: number,
): RepeatedHashes {
  const candidates = new Float64Array(
    parts.reduce((m, p) => m + p.candidates.length, 0),
  );
  let at = 0;
  let rows: Uint8Array | undefined;
  for (const p of parts) {
    candidates.set(p.candidates, at);
    at += p.candidates.length;
    if (p.rows === undefined) continue;
    rows ??= new Uint8Array((n >>> 3) + 1);
    for (let i = 0; i < rows.length; i++) rows[i] |= p.rows[i];
  }
  return { candidates, rows };
}

/** Where each bucket starts in the rows grouped by bucket (one more: the end). */
function bucketStarts(
  hashes: Float64Array,
  buckets: number,
  scale: number,
  first: number,
): Uint32Array {
  const n = hashes.length;
  const start = new Uint32Array(buckets + 1);
  for (let i = 0; i < n; i++) {
    // NaN, or a hash of another part: no bucket
    const b = Math.floor(hashes[i] / scale) - first;
    if (b >= 0 && b < buckets) start[b + 1]++;
  }
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  return start;
}

/** The low 32 bits of each hash (ToUint32 of an integer below 2^53 is exact), by bucket. */
function lowByBucket(
  hashes: Float64Array,
  start: Uint32Array,
  buckets: number,
  scale: number,
  first: number,
): Uint32Array {
  const n = hashes.length;
  const next = start.slice(0, buckets);
  const low = new Uint32Array(start[buckets]);
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    const b = Math.floor(h / scale) - first;
    if (b >= 0 && b < buckets) low[next[b]++] = h >>> 0;
  }
  return low;
}

/**
 * The buckets that hold two equal low parts, one bit each (a repeated hash is in one of them);
 * undefined when none does.
 */
function markedBuckets(
  start: Uint32Array,
  low: Uint32Array,
  buckets: number,
): Uint8Array | undefined {
  const marked = new Uint8Array((buckets >>> 3) + 1);
  let anyMarked = false;
  for (let b = 0; b < buckets; b++) {
    const lo = start[b];
    const hi = start[b + 1];
    if (hi - lo < 2) continue;
    let twice = false;
    if (hi - lo > SMALL_BUCKET) {
      const sorted = low.subarray(lo, hi).sort();
      for (let i = 1; i < sorted.length && !twice; i++)
        twice = sorted[i] === sorted[i - 1];
    } else
      for (let i = lo; i < hi - 1 && !twice; i++)
        for (let j = i + 1; j < hi; j++)
          if (low[i] === low[j]) {
            twice = true;
            break;
          }
    if (twice) {
      marked[b >>> 3] |= 1 << (b & 7);
      anyMarked = true;
    }
  }
  return anyMarked ? marked : undefined;
}

/** The rows (places in `hashes`) of the marked buckets, in order. */
function suspectRows(
  hashes: Float64Array,
  marked: Uint8Array,
  buckets: number,
  scale: number,
  first: number,
): Uint32Array {
  const n = hashes.length;
  const suspects = new Words();
  for (let i = 0; i < n; i++) {
    const b = Math.floor(hashes[i] / scale) - first;
    if (!(b >= 0 && b < buckets)) continue;
    if ((marked[b >>> 3] & (1 << (b & 7))) !== 0) suspects.push(i);
  }
  return suspects.data.subarray(0, suspects.n);
}

/** {@link repeatedHashes} of the `suspects` rows: sorted by their whole hash, the equal ones. */
function repeatedIn(hashes: Float64Array, order: Uint32Array): RepeatedHashes {
  const n = hashes.length;
  const found = new Float64List();
  order.sort((a, b) => hashes[a] - hashes[b]);
  let rows: Uint8Array | undefined;
  for (let from = 0; from < order.length;) {
    const h = hashes[order[from]];
    let to = from + 1;
    while (to < order.length && hashes[order[to]] === h) to++;
    if (to - from > 1) {
      found.push(h);
      rows ??= new Uint8Array((n >>> 3) + 1);
      for (let i = from; i < to; i++)
        rows[order[i] >>> 3] |= 1 << (order[i] & 7);
    }
    from = to;
  }
  // ascending: the rows were sorted by hash
  return { candidates: found.take(), rows };
}

/** The id of `text` in `ids` (the next id when it is new). */
function intern(ids: Map<string, number>, text: string): number {
  let id = ids.get(text);
  // (kept to the end of the run: not as a slice of the piece it was read from)
  if (id === undefined) ids.set(ownText(text), (id = ids.size));
  return id;
}

/**
 * `line 3` / `lines 3, 7 and 12` / `lines 3, 7, ... and 40 more`: `ls` are the first lines of
 * `total`, of which the first `shown` are named (`ls` holds at least that many when there are
 * more).
 */
export function lines(
  ls: readonly number[],
  total = ls.length,
  shown = LINES_SHOWN,
): string {
  if (total === 1) return `line ${ls[0]}`;
  if (total > shown)
    return `lines ${ls.slice(0, shown).join(", ")} and ${total - shown} more`;
  return `lines ${ls.slice(0, -1).join(", ")} and ${ls[ls.length - 1]}`;
}
