/**
 * The metadata files of a synthetic delivery (`file ... metadata` entities): the row count per
 * entity type that the ruleset's file totals compare with (`require count = ETD.row_count where
 * entity_type = "bank_account"`, with a `when` for a subtype without a file of its own), written
 * true to the rows generated, or with injected count defects and their ground truth.
 *
 * The generator counts the rows it wrote itself; a subtype's `when` is asked of the compiled
 * module (the projection the runtime calls too), so no subtype condition is written twice. The
 * expected findings are worked out here from the declared and the delivered counts.
 *
 * @module
 */
import type {
  CompiledRuleset,
  EntityMeta,
  FileRule,
  RuleContext,
} from "../../compiler/contract.js";
import type { Random } from "./random.js";

/** One figure of a metadata file: the row of `entity` whose `keyField` is `key`. */
interface Declared {
  entity: string;
  keyField: string;
  key: string;
  /** The field that holds the count. */
  field: string;
  /** The count rules that compare with it (`count`, without or with a `when`). */
  rules: FileRule[];
}

/** An expected delivery-level finding: a rule on the file of its first entity. */
export interface ExpectedFileFinding {
  rule: string;
  entity: string;
  file: string;
}

/** Counts the rows of each entity, and of each `when` of a count rule, as they are written. */
export class MetadataCounter {
  private readonly declared: Declared[] = [];
  private readonly rows = new Map<string, number>();
  private readonly matched = new Map<string, number>();
  private readonly index = new Map<string, number[]>();

  constructor(private readonly ruleset: CompiledRuleset) {
    const meta = new Set(
      ruleset.entities.filter((e) => e.metadata).map((e) => e.name),
    );
    for (const rule of ruleset.fileRules ?? []) {
      const t = rule.total;
      if (rule.check !== "total" || t === undefined) continue;
      if (t.measure !== "count" || t.single === undefined) continue;
      if (!meta.has(t.single) || t.key === undefined) continue;
      if (t.keyField === undefined) continue;
      const field = t.figure.slice(t.figure.indexOf(".") + 1).split(" ")[0];
      let d = this.declared.find(
        (x) => x.entity === t.single && x.key === t.key,
      );
      if (d === undefined) {
        d = {
          entity: t.single,
          keyField: t.keyField,
          key: t.key,
          field,
          rules: [],
        };
        this.declared.push(d);
      }
      d.rules.push(rule);
    }
  }

  /** Whether the ruleset has metadata files with counts to write. */
  get active(): boolean {
    return this.declared.length > 0;
  }

  /** A row written to `entity`'s file, its cells in field order. */
  row(entity: EntityMeta, cells: readonly (string | undefined)[]): void {
    this.rows.set(entity.name, (this.rows.get(entity.name) ?? 0) + 1);
    for (const d of this.declared)
      for (const rule of d.rules) {
        const when = this.ruleset.fileTotals?.[rule.code]?.when;
        if (when === undefined || rule.entities[0] !== entity.name) continue;
        let index = this.index.get(entity.name);
        if (index === undefined) {
          index = entity.fields.map((_, i) => i);
          this.index.set(entity.name, index);
        }
        const c = cells.map((x) => x ?? "");
        if (when(c, index, this.context()))
          this.matched.set(rule.code, (this.matched.get(rule.code) ?? 0) + 1);
      }
  }

  /** The RRD in days, for a `when` that reads it. */
  rrd = 0;

  private context(): RuleContext {
    return { rrd: this.rrd, ikb: {}, ikbKey: undefined };
  }

  /** The delivered count a rule compares with its figure. */
  private delivered(rule: FileRule): number {
    if (rule.total?.when !== undefined) return this.matched.get(rule.code) ?? 0;
    return rule.entities.reduce((n, e) => n + (this.rows.get(e) ?? 0), 0);
  }

  /**
   * The rows of each metadata file: one per declared figure, true to the rows delivered unless
   * `defects` (how many figures to get wrong, at most one per figure) says otherwise.
   * A wrong figure is off by 1 to 3 rows (never below zero).
   */
  metadataRows(
    random: Random,
    defects: number,
  ): {
    rows: Map<string, Record<string, string>[]>;
    expected: ExpectedFileFinding[];
  } {
    const figures = this.declared.map((d) => {
      // every count rule of one figure sees the same rows (the generator writes no other)
      const count = this.delivered(d.rules[0]);
      return { d, count, stated: count };
    });
    const wrong = new Set<number>();
    const n = Math.min(Math.max(0, Math.floor(defects)), figures.length);
    while (wrong.size < n) wrong.add(random.int(0, figures.length - 1));
    for (const i of [...wrong].sort((a, b) => a - b)) {
      const f = figures[i];
      const delta = random.int(1, 3);
      f.stated =
        f.count >= delta && random.chance(0.5)
          ? f.count - delta
          : f.count + delta;
    }
    const rows = new Map<string, Record<string, string>[]>();
    const expected: ExpectedFileFinding[] = [];
    for (const f of figures) {
      const list = rows.get(f.d.entity) ?? [];
      list.push({ [f.d.keyField]: f.d.key, [f.d.field]: String(f.stated) });
      rows.set(f.d.entity, list);
      for (const rule of f.d.rules)
        if (this.delivered(rule) !== f.stated) expected.push(this.on(rule));
    }
    // sums over a metadata file (`sum row_count when <subtypes> = ETD.row_count where ... parent`)
    for (const rule of this.ruleset.fileRules ?? []) {
      const t = rule.total;
      if (rule.check !== "total" || t?.measure !== "sum") continue;
      const list = rows.get(rule.entities[0]);
      const figureOf = figures.find(
        (f) => f.d.entity === t.single && f.d.key === t.key,
      );
      if (list === undefined || figureOf === undefined) continue;
      const entity = this.ruleset.entities.find(
        (e) => e.name === rule.entities[0],
      )!;
      const index = entity.fields.map((_, i) => i);
      const when = this.ruleset.fileTotals?.[rule.code]?.when;
      let sum = 0;
      for (const r of list) {
        const cells = entity.fields.map((f) => r[f.name] ?? "");
        if (when && !when(cells, index, this.context())) continue;
        sum += Number(r[t.field!] ?? 0);
      }
      if (sum !== figureOf.stated) expected.push(this.on(rule));
    }
    expected.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
    return { rows, expected };
  }

  private on(rule: FileRule): ExpectedFileFinding {
    const entity = this.ruleset.entities.find(
      (e) => e.name === rule.entities[0],
    );
    return {
      rule: rule.code,
      entity: rule.entities[0],
      file: entity?.file ?? "",
    };
  }
}
