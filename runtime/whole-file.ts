/**
 * The whole-file checks of one file (`require unique a, b`, `require one a per b`,
 * `require count per b = n`), within the runtime's memory bound: a hash pass, then an exact pass
 * over the few rows that may be involved.
 *
 * 1. **Scan** (the delivery's scan pass): every row's combination (the module's
 *    {@link WholeFileProjection}: the `unique` fields, or the `per` fields of `one a per b`) is
 *    hashed into a {@link HashSet53}: 8 bytes per row, whatever the width of the fields.
 * 2. **Seal**: the hashes that occur more than once are the candidates. A file without candidates
 *    has no finding and is not read again (`count per b = n`: nor when every row states 1).
 * 3. **Collect** (a second read of the file, only when there are candidates): the rows whose hash
 *    is a candidate are grouped by their exact combination (a hash collision is told apart here),
 *    with their line and, for `one a per b`, the values that must agree; for `count per b = n`
 *    also every row that states another number than 1 (alone with its hash, it is wrong for sure).
 * 4. **Finish**: the groups that break the rule give every row in them a finding (`count per`:
 *    every row whose number is not the size of its group), which
 *    {@link WholeFileCheck.findingAt} hands to the validate pass, so that the finding counts for
 *    its IKB like any other. Memory: the candidate rows, then the findings.
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
import { hash53, HashSet53 } from "./key-set.js";

/** Lines named in one finding's message; the rest are counted. */
const LINES_SHOWN = 20;

/** A row of a candidate group. */
interface Member {
  line: number;
  /** `one-per`: the exact text of the values that must agree. */
  value: string | undefined;
  /** The CSV text of the rule's fields (combination first), for the finding's values. */
  cells: string[];
}

/** What a row that breaks a whole-file rule is told. */
export interface WholeFileFinding {
  message: string;
  /** The CSV text of the rule's fields on this row. */
  values: Record<string, string | null>;
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
  private hashes: HashSet53 | undefined = new HashSet53();
  private candidates: Set<number> | undefined;
  private groups: Map<string, Member[]> | undefined;
  /** The rows that break the rule: the row, and the end of its message, shared by its group. */
  private readonly byLine = new Map<number, { member: Member; tail: string }>();

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
  }

  private readonly index: readonly number[];

  /** The header positions of the rule's fields that the file has (the cells the scan must keep). */
  get columns(): number[] {
    return this.cols.filter((c) => c >= 0);
  }

  /** The number of fields of the combination (the `per` fields of `one a per b`). */
  private get keyWidth(): number {
    return this.rule.check === "unique"
      ? this.rule.fields!.length
      : this.rule.per!.length;
  }

  /** `count-per`: whether some row states another number than 1 (then the file is read again). */
  private notOne = false;

  /** The row's combination; undefined when it takes no part. */
  private keyOf(cells: readonly string[]): string | undefined {
    const k = this.projection.key(cells, this.index);
    if (k !== undefined && this.projection.count !== undefined) {
      const n = this.projection.count(cells, this.index);
      if (n === undefined) return undefined;
      if (n !== 1) this.notOne = true;
      return k;
    }
    if (k === undefined || this.projection.value === undefined) return k;
    return this.projection.value(cells, this.index) === undefined
      ? undefined
      : k;
  }

  /** Step 1: a row of the scan pass. */
  scan(cells: readonly string[]): void {
    const k = this.keyOf(cells);
    if (k !== undefined) this.hashes!.addHash(hash53(k));
  }

  /** Step 2: whether any combination may occur twice (then the file is read once more). */
  seal(): boolean {
    this.candidates = this.hashes!.seal();
    this.hashes = undefined;
    if (this.candidates.size === 0 && !this.notOne) return false;
    this.groups = new Map();
    return true;
  }

  /** Step 3: a row of the second read. */
  collect(cells: readonly string[], line: number): void {
    if (!this.groups) return;
    const k = this.keyOf(cells);
    if (k === undefined) return;
    const stated = this.projection.count?.(cells, this.index);
    // `count-per`: a row alone with its hash that states 1 is right; every other row is looked at
    if (
      !this.candidates!.has(hash53(k)) &&
      (stated === undefined || stated === 1)
    )
      return;
    const member: Member = {
      line,
      value:
        stated !== undefined
          ? String(stated)
          : this.projection.value?.(cells, this.index),
      cells: this.cols.map((c) => (c < 0 ? "" : (cells[c] ?? ""))),
    };
    const g = this.groups.get(k);
    if (g) g.push(member);
    else this.groups.set(k, [member]);
  }

  /** Step 4: the findings of the groups that break the rule. */
  finish(): void {
    if (!this.groups) return;
    for (const g of this.groups.values()) {
      if (this.rule.check === "count-per") this.miscounts(g);
      else if (g.length < 2) continue;
      else if (this.rule.check === "unique") this.duplicates(g);
      else this.disagreements(g);
    }
    this.groups = undefined;
    this.candidates = undefined;
  }

  /** The finding of the row at `line`, if it breaks the rule (its message built only now). */
  findingAt(line: number): WholeFileFinding | undefined {
    if (this.byLine.size === 0) return undefined;
    const hit = this.byLine.get(line);
    if (hit === undefined) return undefined;
    const stated =
      this.rule.check === "count-per"
        ? `; the row states ${this.shown(hit.member, this.keyWidth, this.names.length)}`
        : "";
    return {
      message: `${this.shown(hit.member, 0, this.keyWidth)} ${hit.tail}${stated}`,
      values: this.values(hit.member),
    };
  }

  private miscounts(g: Member[]): void {
    const wrong = g.filter((m) => Number(m.value) !== g.length);
    if (wrong.length === 0) return;
    const tail = `is on ${g.length} ${g.length === 1 ? "record" : "records"} of ${this.file}: ${lines(g.map((m) => m.line))}`;
    for (const member of wrong) this.byLine.set(member.line, { member, tail });
  }

  private duplicates(g: Member[]): void {
    // one text per group, shared by its rows: the rows are named once, not once per row
    const tail = `occurs ${g.length} times in ${this.file}: ${lines(g.map((m) => m.line))}`;
    for (const member of g) this.byLine.set(member.line, { member, tail });
  }

  private disagreements(g: Member[]): void {
    const byValue = new Map<string, Member[]>();
    for (const m of g) {
      const list = byValue.get(m.value!);
      if (list) list.push(m);
      else byValue.set(m.value!, [m]);
    }
    if (byValue.size < 2) return;
    const width = this.names.length - this.keyWidth;
    const what = this.names.slice(this.keyWidth).join(", ");
    const parts = [...byValue.values()].map(
      (ms) =>
        `${this.shown(ms[0], this.keyWidth, this.names.length, false)} (${lines(ms.map((x) => x.line))})`,
    );
    const tail = `has ${byValue.size} different ${width === 1 ? "values" : "combinations"} of ${what} in ${this.file}: ${parts.join(", ")}`;
    for (const member of g) this.byLine.set(member.line, { member, tail });
  }

  /** `a=x;b=y` for the fields `from..to` of a member (personal values masked unless shown). */
  private shown(m: Member, from: number, to: number, named = true): string {
    const out: string[] = [];
    for (let i = from; i < to; i++) {
      const v =
        this.personal[i] && !this.showPersonal
          ? MASK
          : JSON.stringify(m.cells[i]);
      out.push(named ? `${this.names[i]}=${v}` : v);
    }
    return out.join(named ? ";" : ", ");
  }

  private values(m: Member): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    this.names.forEach(
      (n, i) => (out[n] = m.cells[i] === "" ? null : m.cells[i]),
    );
    return out;
  }
}

/** `line 3` / `lines 3, 7 and 12` / `lines 3, 7, ... and 40 more`. */
export function lines(ls: readonly number[]): string {
  if (ls.length === 1) return `line ${ls[0]}`;
  if (ls.length > LINES_SHOWN)
    return `lines ${ls.slice(0, LINES_SHOWN).join(", ")} and ${ls.length - LINES_SHOWN} more`;
  return `lines ${ls.slice(0, -1).join(", ")} and ${ls[ls.length - 1]}`;
}
