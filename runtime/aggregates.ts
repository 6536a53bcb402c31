/**
 * The declared aggregates of a ruleset (docs/language.md, "Aggregates"), computed while
 * `regel validate` goes through the IKBs: counts of IKBs and records, exact sums of number
 * fields, shares of IKBs in a category or with a marking, and the findings of a rule. Memory is
 * one counter (or one exact sum) per aggregate: no record is kept.
 *
 * @module
 */
import type { AggregateTrace } from "../compiler/contract.js";
import type { AggregateReport } from "./report-types.js";

/** One aggregate being computed. */
interface Running {
  readonly decl: AggregateTrace;
  /** IKBs that pass the filters (count ikb, proportion ikb), or records counted (count E). */
  count: number;
  /** `sum E.f`: the exact sum, unscaled at `decl.scale`. */
  sum: bigint;
  /** `sum E.f`: how many values took part (present and valid). */
  values: number;
}

/** The running counts of an {@link Aggregates}, as plain data (structured-cloneable). */
export interface AggregatesState {
  ikbs: number;
  running: { count: number; sum: bigint; values: number }[];
}

/**
 * Computes the aggregates of one delivery. Call {@link ikb} once per IKB (its records by entity
 * and the categories it is in), then {@link report}.
 */
export class Aggregates {
  private readonly running: Running[];
  /** The IKBs seen: the denominator of a share. */
  private ikbs = 0;

  constructor(decls: readonly AggregateTrace[] | undefined) {
    this.running = (decls ?? []).map((decl) => ({
      decl,
      count: 0,
      sum: 0n,
      values: 0,
    }));
  }

  /** Whether the ruleset declares any aggregate (so callers can skip the per-IKB call). */
  get any(): boolean {
    return this.running.length > 0;
  }

  /** Add one IKB: its decoded records by entity and the categories it is in. */
  ikb(
    records: Readonly<Record<string, readonly unknown[]>>,
    categories: readonly string[],
  ): void {
    this.ikbs++;
    // indexed loops: called once per IKB, where an array iterator is an object per loop
    for (let k = 0; k < this.running.length; k++) {
      const r = this.running[k];
      const d = r.decl;
      if (d.measure === "count-findings") continue;
      if (d.category !== undefined && !categories.includes(d.category))
        continue;
      if (d.marking !== undefined && !hasMarking(records, d.marking)) continue;
      switch (d.measure) {
        case "count-ikbs":
        case "share-ikbs":
          r.count++;
          break;
        case "count-records":
          r.count += records[d.entity!]?.length ?? 0;
          break;
        case "sum": {
          const list = records[d.entity!] ?? [];
          for (let i = 0; i < list.length; i++) {
            const v = (list[i] as Record<string, unknown>)[d.field!];
            if (typeof v === "bigint") r.sum += v;
            else if (typeof v === "number" && Number.isInteger(v))
              r.sum += BigInt(v);
            else continue;
            r.values++;
          }
          break;
        }
      }
    }
  }

  /** The running counts, as plain data: what a worker thread hands back ({@link merge}). */
  state(): AggregatesState {
    return {
      ikbs: this.ikbs,
      running: this.running.map((r) => ({
        count: r.count,
        sum: r.sum,
        values: r.values,
      })),
    };
  }

  /** Add the counts of another run of the same ruleset over other IKBs (a worker's {@link state}). */
  merge(other: AggregatesState): void {
    this.ikbs += other.ikbs;
    this.running.forEach((r, i) => {
      const o = other.running[i];
      r.count += o.count;
      r.sum += o.sum;
      r.values += o.values;
    });
  }

  /**
   * The aggregates' values; `findings(code)` gives the number of findings of a rule. A share's
   * denominator is the number of IKBs (groups with a key: a row without an IKB key is in none).
   */
  report(findings: (code: string) => number): AggregateReport[] {
    const ikbs = this.ikbs;
    return this.running.map((r) => {
      const d = r.decl;
      const base = {
        name: d.name,
        title: d.title ?? null,
        measure: d.measure,
      };
      switch (d.measure) {
        case "count-ikbs":
        case "count-records":
          return { ...base, unit: "count", value: r.count, text: `${r.count}` };
        case "count-findings": {
          const n = findings(d.rule!);
          return { ...base, unit: "count", value: n, text: `${n}` };
        }
        case "sum": {
          const text = decimalText(r.sum, d.scale ?? 0);
          return { ...base, unit: "amount", value: Number(text), text };
        }
        case "share-ikbs": {
          if (ikbs === 0)
            return {
              ...base,
              unit: "percent",
              value: null,
              text: "not computed: the delivery has no IKBs",
            };
          const value = (r.count * 100) / ikbs;
          return {
            ...base,
            unit: "percent",
            value,
            text: `${value.toFixed(2)} % (${r.count} of ${ikbs})`,
          };
        }
      }
    });
  }
}

/**
 * Does a record of the IKB carry the marking? The same rule as a category's `marking` line
 * (compiler/emit-classify.ts): the value, or a value that does not fit the field's type (kept in
 * `$invalid`), which cannot show the marking absent. An empty field is no marking.
 */
function hasMarking(
  records: Readonly<Record<string, readonly unknown[]>>,
  m: NonNullable<AggregateTrace["marking"]>,
): boolean {
  const list = records[m.entity] ?? [];
  for (let i = 0; i < list.length; i++) {
    const record = list[i] as Record<string, unknown> & {
      $invalid?: Record<string, unknown>;
    };
    if (record[m.field] === m.value) return true;
    if (
      record.$invalid !== undefined &&
      Object.hasOwn(record.$invalid, m.field)
    )
      return true;
  }
  return false;
}

/** An unscaled bigint as exact decimal text: `12345n` at scale 2 is `123.45`. */
export function decimalText(unscaled: bigint, scale: number): string {
  if (scale === 0) return unscaled.toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled)
    .toString()
    .padStart(scale + 1, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
