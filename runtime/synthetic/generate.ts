/**
 * `regel generate`: a synthetic IKB-bestand with known, injected defects and its ground truth.
 * Deterministic for a seed, linear in the number of depositors, streaming (memory does not grow
 * with N): each IKB is built, defects are injected, and its rows are appended to the CSV files.
 *
 * Output: one CSV file per entity (as the data model binds them), `manifest.json`, and
 * `ground-truth/` with `findings.csv` (every injected finding; `reported` is `unknown` / `missing`
 * for a finding about a field with `unknown` texts, as report.json says it), `file-findings.csv`
 * (the findings of the file totals: the metadata file's row counts, see ./metadata-files.ts),
 * `ikbs.csv` (the expected
 * categories of every IKB) and `summary.json` (counts per rule and category, the share of IKBs
 * meeting the automated controls).
 *
 * @module
 */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { makeFolderSync } from "../make-folder.js";
import type {
  CompiledRuleset,
  EntityMeta,
  Role,
  RuleTrace,
} from "../../compiler/contract.js";
import { buildIkb, type RawRecord, type SyntheticIkb } from "./ikb-builder.js";
import { inject, injectableCodes, type ExpectedFinding } from "./defects.js";
import { expectedCategories, type ExpectedResult } from "./ground-truth.js";
import { Random } from "./random.js";
import { PreviousGenerator } from "./previous.js";
import { MetadataCounter } from "./metadata-files.js";

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
function daysOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}
import { injectDuplicate, type EarlierPerson } from "./duplicates.js";

export interface GenerateOptions {
  depositors: number;
  seed: number;
  /** Share of IKBs that get one injected defect (0..1). */
  defectRate: number;
  /** Share of IKBs that get one marking of the category table (0..1). */
  markingRate: number;
  /** Restrict injected defects to these codes (default: every code the generator can inject). */
  defects?: readonly string[];
  /**
   * How many row counts of the metadata file (`entity_type_delivery.csv`) to state wrongly
   * (default 0: every count is true). Their findings are in `ground-truth/file-findings.csv`.
   */
  countDefects?: number;
  /**
   * Share of IKBs (0..1) whose depositor is an earlier depositor under a new customer number, or
   * (half of them) a near duplicate that must not match (runtime/synthetic/duplicates.ts); needs a
   * ruleset with dup0001. Where the ruleset has dup0002, half of them are by the silver triangle
   * (name, date of birth, address). Default 0: nothing else of the delivery changes.
   */
  duplicateRate?: number;
  rrd: string;
  out: string;
  /**
   * Also write the previous delivery (T−1) here, with changes injected between it and this one
   * (runtime/synthetic/previous.ts); their ground truth is `ground-truth/previous-findings.csv`.
   */
  previousOut?: string;
  /** Share of IKBs with one change between T−1 and T (0..1; default 0.05). */
  changeRate?: number;
  /** Called every `progressEvery` depositors. */
  onProgress?: (done: number) => void;
}

export interface GenerateSummary {
  ruleset: string;
  rrd: string;
  seed: number;
  depositors: number;
  defectRate: number;
  markingRate: number;
  rows: Record<string, number>;
  findingsPerRule: Record<string, number>;
  ikbsPerCategory: Record<string, number>;
  ikbsMeetingAutomatedControls: number;
  percentageMeetingAutomatedControls: number;
  /** With `previousOut`: rows per file of T−1, and the findings its changes must give per rule. */
  previous?: {
    rows: Record<string, number>;
    findingsPerRule: Record<string, number>;
  };
  /** Row counts of the metadata file stated wrongly (`countDefects`). */
  countDefects: number;
  /** The expected delivery-level findings of the file totals, per rule. */
  fileFindingsPerRule: Record<string, number>;
}

/** Quote a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
export function csvCell(value: string | undefined): string {
  if (value === undefined) return "";
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Buffered appends to one file. */
class CsvSink {
  private readonly fd: number;
  private buffer = "";
  rows = 0;

  constructor(path: string, header: readonly string[]) {
    this.fd = openSync(path, "w");
    this.buffer = `${header.map(csvCell).join(",")}\n`;
  }

  write(cells: readonly (string | undefined)[]): void {
    this.buffer += `${cells.map(csvCell).join(",")}\n`;
    this.rows++;
    if (this.buffer.length > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = "";
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function keyOf(entity: EntityMeta, record: RawRecord): string {
  return entity.key.map((k) => `${k}=${record[k] ?? ""}`).join(";");
}

function roleOf(
  entity: EntityMeta,
  record: RawRecord,
  ikbKey: string,
): Role | undefined {
  if (entity.roleBy === undefined) return undefined;
  return record[entity.roleBy] === ikbKey ? "D" : "V";
}

/**
 * How report.json will say the attribute of a finding was reported (docs/report.md, "Unknown
 * values"): for a field with `unknown` texts and no value, `unknown` or `missing`.
 */
function reportedOf(
  entity: EntityMeta,
  record: RawRecord,
  attribute: string | undefined,
): "unknown" | "missing" | undefined {
  if (attribute === undefined) return undefined;
  const texts = entity.fields.find((f) => f.name === attribute)?.unknownValues;
  if (texts === undefined || texts.length === 0) return undefined;
  const v = record[attribute];
  if (v === undefined || v === "") return "missing";
  return texts.includes(v) ? "unknown" : undefined;
}

/** Write a synthetic delivery for the compiled ruleset `ruleset` into `opts.out`. */
export function generateDelivery(
  ruleset: CompiledRuleset,
  opts: GenerateOptions,
): GenerateSummary {
  if (!Number.isInteger(opts.depositors) || opts.depositors < 1)
    throw new Error("--depositors must be a whole number of at least 1");
  if (!(opts.defectRate >= 0 && opts.defectRate <= 1))
    throw new Error("--defect-rate must lie between 0 and 1");
  if (!(opts.markingRate >= 0 && opts.markingRate <= 1))
    throw new Error("--marking-rate must lie between 0 and 1");
  const countDefects = opts.countDefects ?? 0;
  if (!(Number.isInteger(countDefects) && countDefects >= 0))
    throw new Error("--count-defects must be a whole number of at least 0");
  const duplicateRate = opts.duplicateRate ?? 0;
  if (!(duplicateRate >= 0 && duplicateRate <= 1))
    throw new Error("--duplicate-rate must lie between 0 and 1");
  const rules = new Map<string, RuleTrace>(
    ruleset.trace.map((r) => [r.code, r]),
  );
  const available = injectableCodes(rules);
  const codes =
    opts.defects === undefined ? available : [...opts.defects].sort();
  for (const code of codes) {
    if (!available.includes(code)) {
      throw new Error(
        `cannot inject ${code} for ${ruleset.metadata.id}; injectable: ${available.join(", ")}`,
      );
    }
  }
  if (duplicateRate > 0 && !rules.has("dup0001"))
    throw new Error(
      `--duplicate-rate needs a ruleset with dup0001 (ikb.glo 1.3.0 or later); ${ruleset.metadata.id} has none`,
    );
  const entities = new Map(ruleset.entities.map((e) => [e.name, e]));
  const markings = ruleset.categories
    .flatMap((c) => c.markings)
    .filter((m) => entities.has(m.entity));

  makeFolderSync(join(opts.out, "ground-truth"));
  const sinks = new Map<string, CsvSink>();
  for (const entity of ruleset.entities) {
    if (entity.file === undefined) continue;
    sinks.set(
      entity.name,
      new CsvSink(
        join(opts.out, entity.file),
        entity.fields.map((f) => f.column),
      ),
    );
  }
  const findingsSink = new CsvSink(
    join(opts.out, "ground-truth", "findings.csv"),
    ["ikb_id", "rule", "entity", "role", "attribute", "key", "reported"],
  );
  const ikbsSink = new CsvSink(join(opts.out, "ground-truth", "ikbs.csv"), [
    "ikb_id",
    "categories",
  ]);
  const nearSink =
    duplicateRate > 0
      ? new CsvSink(join(opts.out, "ground-truth", "near-duplicates.csv"), [
          "ikb_id",
          "earlier_ikb_id",
          "differs",
          "triangle",
        ])
      : undefined;
  let earlierPerson: EarlierPerson | undefined;

  const changeRate = opts.changeRate ?? 0.05;
  if (!(changeRate >= 0 && changeRate <= 1))
    throw new Error("--change-rate must lie between 0 and 1");
  const previous =
    opts.previousOut === undefined
      ? undefined
      : {
          gen: new PreviousGenerator(
            opts.seed,
            rules,
            entities,
            changeRate,
            opts.rrd,
          ),
          sinks: new Map<string, CsvSink>(),
          findings: new CsvSink(
            join(opts.out, "ground-truth", "previous-findings.csv"),
            ["ikb_id", "rule", "entity", "role", "attribute", "key"],
          ),
          perRule: {} as Record<string, number>,
          // T−1's own metadata files: its row counts, stated true
          counter: new MetadataCounter(ruleset),
        };
  if (previous !== undefined) {
    previous.counter.rrd = daysOf(opts.rrd);
    makeFolderSync(opts.previousOut!);
    for (const entity of ruleset.entities)
      if (entity.file !== undefined)
        previous.sinks.set(
          entity.name,
          new CsvSink(
            join(opts.previousOut!, entity.file),
            entity.fields.map((f) => f.column),
          ),
        );
  }
  const counter = new MetadataCounter(ruleset);
  counter.rrd = daysOf(opts.rrd);
  const random = new Random(opts.seed);
  const findingsPerRule: Record<string, number> = {};
  const ikbsPerCategory: Record<string, number> = {};
  let meeting = 0;
  let earlierPersonId: string | undefined;
  let earlierAccountId: string | undefined;

  for (let n = 1; n <= opts.depositors; n++) {
    const ikb = buildIkb(random, n, { rrd: opts.rrd });
    let expected: ExpectedFinding[] = [];
    if (codes.length > 0 && random.chance(opts.defectRate)) {
      // Try a few codes: some defects only fit some IKBs (an NNP-only defect on a natural person).
      for (let attempt = 0; attempt < 8; attempt++) {
        const applied = inject(random.pick(codes), ikb, {
          random,
          rrd: opts.rrd,
          rules,
          earlierPersonId,
          earlierAccountId,
          unknownTexts: (entity, field) =>
            entities.get(entity)?.fields.find((f) => f.name === field)
              ?.unknownValues ?? [],
        });
        if (applied !== undefined) {
          expected = applied;
          break;
        }
      }
    }
    let injected = expected.length > 0;
    if (
      !injected &&
      earlierPerson !== undefined &&
      random.chance(duplicateRate)
    ) {
      const outcome = injectDuplicate(
        ikb,
        earlierPerson,
        random,
        opts.rrd,
        0.5,
        // half of them by the silver triangle, where the ruleset checks it (dup0002)
        rules.has("dup0002") ? 0.5 : 0,
      );
      if (outcome !== undefined) {
        injected = true;
        // the earlier person is in a group now: no second duplicate of it
        earlierPerson = undefined;
        if (outcome.kind === "duplicate") expected = outcome.findings;
        else
          nearSink!.write([
            outcome.near.ikbKey,
            outcome.near.earlierIkbKey,
            outcome.near.differs,
            outcome.near.triangle,
          ]);
      }
    }
    const setMarkings: {
      entity: string;
      field: string;
      value: string;
      role: Role | undefined;
    }[] = [];
    if (markings.length > 0 && random.chance(opts.markingRate)) {
      const marking = random.pick(markings);
      const meta = entities.get(marking.entity)!;
      const candidates = (ikb.records[marking.entity] ?? []).filter(
        (r) =>
          marking.role === undefined ||
          roleOf(meta, r, ikb.key) === marking.role,
      );
      if (candidates.length > 0) {
        const record = random.pick(candidates);
        record[marking.field] = marking.value;
        setMarkings.push({
          entity: marking.entity,
          field: marking.field,
          value: marking.value,
          role: roleOf(meta, record, ikb.key),
        });
      }
    }
    writeIkb(ikb, ruleset.entities, sinks, counter);
    if (previous !== undefined) {
      const changed: ExpectedFinding[] = [];
      for (const before of previous.gen.previousOf(
        ikb,
        n,
        opts.depositors,
        changed,
      ))
        writeIkb(before, ruleset.entities, previous.sinks, previous.counter);
      for (const f of changed) {
        const meta = entities.get(f.entity)!;
        previous.findings.write([
          f.ikbKey ?? ikb.key,
          f.rule,
          f.entity,
          roleOf(meta, f.record, f.ikbKey ?? ikb.key),
          f.attribute,
          keyOf(meta, f.record),
        ]);
        previous.perRule[f.rule] = (previous.perRule[f.rule] ?? 0) + 1;
      }
    }

    const results: ExpectedResult[] = [];
    for (const f of expected) {
      const meta = entities.get(f.entity)!;
      const role = roleOf(meta, f.record, f.ikbKey ?? ikb.key);
      // `applies to`: a rule meant for one role does not check records of the other.
      const roles = rules.get(f.rule)?.roles ?? [];
      if (role !== undefined && roles.length > 0 && !roles.includes(role))
        continue;
      // a finding in an earlier IKB (a duplicate's first record) counts for that IKB, whose
      // categories are written; dup0001 is in no category
      if (f.ikbKey === undefined)
        results.push({
          rule: f.rule,
          entity: f.entity,
          role,
          attribute: f.attribute,
        });
      findingsSink.write([
        f.ikbKey ?? ikb.key,
        f.rule,
        f.entity,
        role,
        f.attribute,
        keyOf(meta, f.record),
        reportedOf(meta, f.record, f.attribute),
      ]);
      findingsPerRule[f.rule] = (findingsPerRule[f.rule] ?? 0) + 1;
    }
    const categories = expectedCategories(
      ruleset.categories,
      results,
      setMarkings,
    );
    ikbsSink.write([ikb.key, categories.join(";")]);
    if (categories.length === 0) meeting++;
    for (const c of categories)
      ikbsPerCategory[c] = (ikbsPerCategory[c] ?? 0) + 1;

    const np = ikb.records.NP[0];
    if (np !== undefined) earlierPersonId = np.customer_id;
    // a clean depositor with an identification number can be duplicated by a later IKB
    const depositor = ikb.records.NP.find((p) => p.customer_id === ikb.key);
    if (
      duplicateRate > 0 &&
      !injected &&
      depositor?.identification_number !== undefined
    ) {
      const address = ikb.records.SA.find((a) => a.customer_id === ikb.key);
      earlierPerson = {
        ikbKey: ikb.key,
        record: { ...depositor },
        ...(address === undefined ? {} : { address: { ...address } }),
      };
    }
    earlierAccountId = ikb.records.BA[0]?.account_id ?? earlierAccountId;
    if (opts.onProgress !== undefined && n % 10_000 === 0) opts.onProgress(n);
  }

  // the metadata files last: their counts are those of the rows written (unless made wrong);
  // the count defects draw from their own stream, so the rows above do not depend on them
  const metadata = counter.metadataRows(
    new Random(opts.seed ^ 0x5eed),
    countDefects,
  );
  for (const [name, list] of metadata.rows) {
    const entity = entities.get(name)!;
    const sink = sinks.get(name);
    for (const r of list) sink?.write(entity.fields.map((f) => r[f.name]));
  }
  const fileFindingsSink = new CsvSink(
    join(opts.out, "ground-truth", "file-findings.csv"),
    ["rule", "entity", "file"],
  );
  const fileFindingsPerRule: Record<string, number> = {};
  for (const f of metadata.expected) {
    fileFindingsSink.write([f.rule, f.entity, f.file]);
    fileFindingsPerRule[f.rule] = (fileFindingsPerRule[f.rule] ?? 0) + 1;
  }
  fileFindingsSink.close();

  const rows: Record<string, number> = {};
  for (const [name, sink] of sinks) {
    sink.close();
    rows[name] = sink.rows;
  }
  findingsSink.close();
  ikbsSink.close();
  let previousSummary: GenerateSummary["previous"];
  if (previous !== undefined) {
    const prevMetadata = previous.counter.metadataRows(
      new Random(opts.seed ^ 0x5eed),
      0,
    );
    for (const [name, list] of prevMetadata.rows) {
      const entity = entities.get(name)!;
      const sink = previous.sinks.get(name);
      for (const r of list) sink?.write(entity.fields.map((f) => r[f.name]));
    }
    const prevRows: Record<string, number> = {};
    for (const [name, sink] of previous.sinks) {
      sink.close();
      prevRows[name] = sink.rows;
    }
    previous.findings.close();
    previousSummary = {
      rows: prevRows,
      findingsPerRule: sortKeys(previous.perRule),
    };
    writeFileSync(
      join(opts.previousOut!, "manifest.json"),
      `${JSON.stringify({ generator: "regel generate", previousOf: opts.out, ruleset: ruleset.metadata.id, seed: opts.seed, depositors: opts.depositors }, null, 2)}\n`,
    );
  }
  nearSink?.close();

  const summary: GenerateSummary = {
    ruleset: ruleset.metadata.id,
    rrd: opts.rrd,
    seed: opts.seed,
    depositors: opts.depositors,
    defectRate: opts.defectRate,
    markingRate: opts.markingRate,
    rows,
    findingsPerRule: sortKeys(findingsPerRule),
    ikbsPerCategory: sortKeys(ikbsPerCategory),
    ikbsMeetingAutomatedControls: meeting,
    percentageMeetingAutomatedControls:
      Math.round((meeting / opts.depositors) * 10_000) / 100,
    ...(previousSummary === undefined ? {} : { previous: previousSummary }),
    countDefects,
    fileFindingsPerRule: sortKeys(fileFindingsPerRule),
  };
  writeFileSync(
    join(opts.out, "ground-truth", "summary.json"),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  writeFileSync(
    join(opts.out, "manifest.json"),
    `${JSON.stringify({ generator: "regel generate", ruleset: ruleset.metadata.id, rrd: opts.rrd, seed: opts.seed, depositors: opts.depositors }, null, 2)}\n`,
  );
  return summary;
}

function writeIkb(
  ikb: SyntheticIkb,
  entities: readonly EntityMeta[],
  sinks: Map<string, CsvSink>,
  counter?: MetadataCounter,
): void {
  for (const entity of entities) {
    const sink = sinks.get(entity.name);
    if (sink === undefined) continue;
    for (const record of ikb.records[entity.name] ?? []) {
      const cells = entity.fields.map((f) => record[f.name]);
      sink.write(cells);
      counter?.row(entity, cells);
    }
  }
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
