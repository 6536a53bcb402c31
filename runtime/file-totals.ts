/**
 * The file totals of a delivery (`require count = TR.record_count`, `require sum balance =
 * TR.total_balance`, a literal or a parameter in place of the trailer's field): counted and added
 * up during the scan pass, in constant memory per rule, and compared once every file is read.
 *
 * - `count`: the records of the rule's entities read from their files (a row rejected for its
 *   shape, such as a wrong number of columns, is reported by itself and not counted).
 * - `sum f`: the exact sum of `f` over the rows in which it is present and valid (the module's
 *   {@link FileTotalProjection}: unscaled bigints, no floating point); a value that does not fit
 *   its type is reported by `value is valid`, not guessed.
 * - the figure: a `single` entity's field on its one row (with its line), or the literal's or
 *   parameter's value on the RRD.
 *
 * No finding when a file of the rule is not read to the end, or the figure is absent, not valid
 * or (a `single` entity without exactly one record) not one value: each of those is reported by
 * itself.
 *
 * @module
 */
import type {
  EntityMeta,
  FileRule,
  FileTotalProjection,
  FileTotalRule,
  RuleContext,
} from "../compiler/contract.js";
import type { CellNormalizer } from "./dialect.js";

/** What the delivery knows of one entity's file once the scan pass is done. */
export interface TotalsFileState {
  file: string;
  /** Whether the file was read to the end. */
  read: boolean;
}

/** A file total that does not hold: on the rule's first entity, at the figure's line. */
export interface FileTotalFinding {
  rule: FileRule;
  /** The rule's first entity (whose file the finding is on). */
  entity: string;
  file: string;
  /** The `single` entity's line, when it is in the same file. */
  line: number | undefined;
  message: string;
}

/** A file total's running figures: what a range's part hands over ({@link FileTotalsPart}). */
export interface TotalFigures {
  sum: bigint;
  /** Rows whose summed value was present and valid, and rows looked at. */
  summed: number;
  seen: number;
  /** The `single` entity's figure and line; `records` counts its rows (of a keyed figure: those with the key). */
  figure: bigint | undefined;
  figureLine: number | undefined;
  records: number;
  /** With a `when`: the rows of the rule's entity that meet it. */
  matched: number;
}

interface Total extends TotalFigures {
  rule: FileRule;
  total: FileTotalRule;
  projection: FileTotalProjection;
}

/** Every file total of a compiled ruleset. */
export class FileTotals {
  private readonly totals: Total[] = [];

  constructor(
    fileRules: readonly FileRule[],
    projections: Readonly<Record<string, FileTotalProjection>> | undefined,
    private readonly entities: readonly EntityMeta[],
  ) {
    for (const rule of fileRules) {
      const projection = projections?.[rule.code];
      if (rule.check !== "total" || !rule.total || !projection) continue;
      this.totals.push({
        rule,
        total: rule.total,
        projection,
        sum: 0n,
        summed: 0,
        seen: 0,
        figure: undefined,
        figureLine: undefined,
        records: 0,
        matched: 0,
      });
      if (projection.when) this.touched.add(rule.entities[0]);
      if (rule.total.measure === "count")
        for (const e of rule.entities) this.counts.set(e, 0);
      if (rule.total.field !== undefined) this.touched.add(rule.entities[0]);
      if (rule.total.single !== undefined) this.touched.add(rule.total.single);
    }
  }

  /** The entities whose cells a total reads. */
  private readonly touched = new Set<string>();
  /** The records of each entity a `count` counts. */
  private readonly counts = new Map<string, number>();
  /**
   * Per entity whose rows were seen: whether a `count` counts them and the rows not yet added to
   * {@link counts} ({@link addRows}), whether a total reads their cells, and the totals whose
   * rule is on it or whose figure is its (in rule order).
   */
  private readonly byEntity = new Map<
    string,
    { counted: boolean; rows: number; touched: boolean; mine: Total[] }
  >();

  /** The rows counted by {@link row} added to {@link counts}. */
  private addRows(): void {
    for (const [entity, e] of this.byEntity)
      if (e.rows > 0) {
        this.counts.set(entity, (this.counts.get(entity) ?? 0) + e.rows);
        e.rows = 0;
      }
  }

  /** The header positions an entity's scan must keep for the totals (`index`: field → cell). */
  columns(entity: string, index: readonly number[]): number[] {
    const out: number[] = [];
    for (const t of this.totals) {
      const fields: string[] = [];
      if (t.total.field !== undefined && t.rule.entities[0] === entity)
        fields.push(t.total.field);
      if (t.total.single === entity) {
        fields.push(figureField(t.total));
        if (t.total.keyField !== undefined) fields.push(t.total.keyField);
      }
      // a `when` reads the fields the module names (any field of the row, when it names none)
      if (t.projection.when && t.rule.entities[0] === entity)
        fields.push(
          ...(t.projection.whenFields ??
            this.meta(entity)?.fields.map((f) => f.name) ??
            []),
        );
      for (const field of fields) {
        const i = this.meta(entity)?.fields.findIndex((f) => f.name === field);
        if (i !== undefined && i >= 0 && index[i] >= 0) out.push(index[i]);
      }
    }
    return out;
  }

  /** A row of the scan pass that fits its file's shape. */
  row(
    entity: string,
    cells: readonly string[],
    index: readonly number[],
    line: number,
    normalize?: CellNormalizer,
  ): void {
    // one lookup per row: what the totals do with this entity's rows
    let e = this.byEntity.get(entity);
    if (e === undefined) {
      e = {
        counted: this.counts.has(entity),
        rows: 0,
        touched: this.touched.has(entity),
        mine: this.totals.filter(
          (t) => t.rule.entities[0] === entity || t.total.single === entity,
        ),
      };
      this.byEntity.set(entity, e);
    }
    if (e.counted) e.rows++;
    if (!e.touched) return;
    // the scan reads cells as written; a dialect's dates and decimals are decoded canonical
    if (normalize) {
      const copy = cells.slice();
      normalize.normalize(copy);
      cells = copy;
    }
    const mine = e.mine;
    // the row decoded once for every `when` of its entity (the same decode function)
    let decodedBy: FileTotalProjection["decode"];
    let decoded: unknown;
    for (let k = 0; k < mine.length; k++) {
      const t = mine[k];
      // a row that does not meet the `when` is not counted or summed (it may still hold the figure)
      let meets = true;
      if (t.projection.when && t.rule.entities[0] === entity) {
        const decode = t.projection.decode;
        if (decode !== undefined && decode !== decodedBy) {
          decoded = decode(cells, index);
          decodedBy = decode;
        }
        meets = t.projection.when(
          cells,
          index,
          this.context,
          decode === undefined ? undefined : decoded,
        );
        if (meets) t.matched++;
      }
      if (meets && t.projection.value && t.rule.entities[0] === entity) {
        t.seen++;
        const v = t.projection.value(cells, index);
        if (v !== undefined) {
          t.sum += v;
          t.summed++;
        }
      }
      if (t.projection.single && t.total.single === entity) {
        if (t.projection.match && !t.projection.match(cells, index)) continue;
        t.records++;
        t.figure = t.projection.single(cells, index);
        t.figureLine = line;
      }
    }
  }

  /** The totals that do not hold, once every file is scanned (`rrd`: days since 1970-01-01). */
  findings(
    state: (entity: string) => TotalsFileState | undefined,
    rrd: number,
  ): FileTotalFinding[] {
    this.addRows();
    const out: FileTotalFinding[] = [];
    for (const t of this.totals) {
      const files = t.rule.entities.map(state);
      if (files.some((f) => f === undefined || !f.read)) continue;
      const scale = t.projection.scale;
      const factor = 10n ** BigInt(scale);
      let figure: bigint | undefined;
      let where = "";
      let line: number | undefined;
      if (t.projection.single) {
        const single = state(t.total.single!);
        if (!single?.read) continue;
        if (t.total.key !== undefined && t.records !== 1) {
          // a metadata file without the row for the key (or with two) cannot state the figure
          out.push(keyedProblem(t, files[0]!.file, single.file));
          continue;
        }
        if (t.records !== 1) continue;
        figure = t.figure;
        where = ` (${single.file} line ${t.figureLine})`;
        if (single.file === files[0]!.file) line = t.figureLine;
      } else figure = t.projection.figure?.(rrd);
      if (figure === undefined) continue;
      const rows = t.projection.when
        ? t.matched
        : t.rule.entities.reduce((n, e) => n + (this.counts.get(e) ?? 0), 0);
      const value = t.total.measure === "count" ? BigInt(rows) * factor : t.sum;
      if (holds(value, t.total.op, figure)) continue;
      const names =
        t.rule.entities.join(" and ") +
        (t.total.when === undefined ? "" : ` (records with ${t.total.when})`);
      const fileNames = [...new Set(files.map((f) => f!.file))].join(", ");
      const measured =
        t.total.measure === "count"
          ? `${names} ${t.rule.entities.length > 1 ? "have" : "has"} ${rows} ${rows === 1 ? "record" : "records"} in ${fileNames}`
          : `the sum of ${t.total.field} over ${names} in ${fileNames} is ${decimalText(value, scale)} (${t.summed} of ${t.seen} ${t.seen === 1 ? "record" : "records"} with a valid ${t.total.field})`;
      const against =
        // a literal is its own figure; a trailer's field or a parameter is shown with its value
        /^-?[0-9]/.test(t.total.figure)
          ? ""
          : `; ${t.total.figure}${where} is ${decimalText(figure, scale)}`;
      const wanted = `${t.total.measure === "count" ? "count" : `sum ${t.total.field}`} ${t.total.op} ${t.total.figure}${t.total.when === undefined ? "" : ` when ${t.total.when}`}`;
      out.push({
        rule: t.rule,
        entity: t.rule.entities[0],
        file: files[0]!.file,
        line,
        message: `${measured}${against}: required ${wanted}`,
      });
    }
    return out;
  }

  /** The context of a `when`: the RRD in days (set before the scan), no IKB. */
  private context: RuleContext = { rrd: 0, ikb: {}, ikbKey: undefined };

  /** The RRD in days, for a `when` that reads it (set before the scan). */
  set rrd(days: number) {
    this.context = { rrd: days, ikb: {}, ikbKey: undefined };
  }

  private meta(entity: string): EntityMeta | undefined {
    return this.entities.find((e) => e.name === entity);
  }

  /**
   * What the rows seen so far added, as plain data: the totals of one range of a file, counted by
   * a worker of the parallel scan (runtime/parallel-scan.ts) in totals of its own.
   */
  partial(): FileTotalsPart {
    this.addRows();
    return {
      totals: this.totals.map((t) => ({
        sum: t.sum,
        summed: t.summed,
        seen: t.seen,
        figure: t.figure,
        figureLine: t.figureLine,
        records: t.records,
        matched: t.matched,
      })),
      counts: [...this.counts],
    };
  }

  /**
   * Add the rows of a later range ({@link partial}, of totals of the same ruleset) as if this
   * object had seen them: sums and counts added, the figure the range's last; its lines are
   * counted from the range's start, `lineShift` lines before the file's.
   */
  addPartial(part: FileTotalsPart, lineShift: number): void {
    part.totals.forEach((p, i) => {
      const t = this.totals[i];
      t.sum += p.sum;
      t.summed += p.summed;
      t.seen += p.seen;
      t.matched += p.matched;
      if (p.records > 0) {
        t.figure = p.figure;
        t.figureLine =
          p.figureLine === undefined ? undefined : p.figureLine + lineShift;
      }
      t.records += p.records;
    });
    this.addRows();
    for (const [entity, n] of part.counts)
      this.counts.set(entity, (this.counts.get(entity) ?? 0) + n);
  }
}

/** What {@link FileTotals.partial} hands over (structured-cloneable: bigints, numbers). */
export interface FileTotalsPart {
  totals: TotalFigures[];
  counts: [string, number][];
}

/** The field of a figure written `E.f` or `E.f where k = "KEY"`. */
function figureField(total: FileTotalRule): string {
  const f = total.figure.slice(total.figure.indexOf(".") + 1);
  const where = f.indexOf(" ");
  return where < 0 ? f : f.slice(0, where);
}

/** A keyed figure whose record is not in its file, or is there more than once. */
function keyedProblem(
  t: Total,
  file: string,
  figureFile: string,
): FileTotalFinding {
  const entity = t.total.single!;
  const keyText = `${t.total.keyField} = ${JSON.stringify(t.total.key)}`;
  const found =
    t.records === 0
      ? `${figureFile} has no ${entity} record with ${keyText}`
      : `${figureFile} has ${t.records} ${entity} records with ${keyText} (the last at line ${t.figureLine})`;
  return {
    rule: t.rule,
    entity: t.rule.entities[0],
    file,
    line: undefined,
    message: `${found}, so ${t.total.figure} is not one figure: required ${t.total.measure === "count" ? "count" : `sum ${t.total.field}`} ${t.total.op} ${t.total.figure}`,
  };
}

function holds(a: bigint, op: FileTotalRule["op"], b: bigint): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

/** An unscaled bigint as a decimal text with `scale` places: `7040100n, 2` → `70401.00`. */
export function decimalText(v: bigint, scale: number): string {
  if (scale === 0) return String(v);
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
