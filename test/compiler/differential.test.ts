/**
 * Differential property test: for every entity of every shipped ruleset version, random CSV rows
 * (valid values, edge values, the literals the rules compare against, random unicode) with small
 * random IKB contexts go through both the compiled validators (`compileRuleset`, imported from a
 * temp dir) and the reference interpreter. Both must report the same multiset of findings
 * ({rule, severity, entity, role, attribute, key, values, message}) and the same classification.
 *
 * Findings are compared as sorted multisets: the compiled decoders report `value is valid` rules
 * while decoding and the fused checks run rules in their own order, while the interpreter lists
 * decode findings first and then rules in ruleset order.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRuleset } from "../../compiler/compile.js";
import { exampleCase } from "../../interpreter/example-runner.js";
import type { CompiledRuleset, Finding } from "../../compiler/contract.js";
import { parseDate } from "../../interpreter/interpret-values.js";
import {
  classifyIkb,
  interpretRecord,
} from "../../interpreter/reference-interpreter.js";
import type { Expr } from "../../dsl/ast.js";
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRuleset,
} from "../../dsl/model.js";
import { loadProject, loadProjectFromTexts } from "../../dsl/project.js";

/**
 * Runs per entity: modest, so that the whole file stays well under a minute. A fixed seed keeps the
 * suite reproducible; set REGEL_DIFF_RUNS / REGEL_DIFF_SEED to explore further.
 */
const RUNS = Number(process.env.REGEL_DIFF_RUNS ?? 40);
const SEED = Number(process.env.REGEL_DIFF_SEED ?? 20240101);

// ---------------------------------------------------------------- generators

/** IKB keys used by generated rows: mostly one IKB, sometimes another. */
const IKB_KEYS = ["IKB-1", "IKB-1", "IKB-2"];
/** Identifier values shared by key, ref and `role by` fields so that lookups and roles hit. */
const IDS = ["IKB-1", "C1", "C2", "A1", "x"];

/** Every literal text a ruleset's rules mention (compared values, code values, dates), by kind. */
interface Literals {
  strings: string[];
  numbers: string[];
  dates: string[];
}

function collect(expr: Expr | undefined, out: Literals): void {
  if (!expr) return;
  switch (expr.kind) {
    case "String":
      out.strings.push(expr.value);
      break;
    case "Integer":
    case "Decimal":
      out.numbers.push(expr.text);
      break;
    case "Date":
      out.dates.push(expr.text);
      break;
    case "Unary":
      collect(expr.operand, out);
      break;
    case "Binary":
      collect(expr.left, out);
      collect(expr.right, out);
      break;
    case "Is":
    case "Matches":
      collect(expr.operand, out);
      break;
    case "In":
      collect(expr.operand, out);
      for (const v of expr.values) collect(v, out);
      break;
    case "Call":
      for (const a of expr.args) collect(a, out);
      break;
    case "Aggregate":
      collect(expr.value, out);
      collect(expr.where, out);
      break;
    case "If":
      collect(expr.condition, out);
      collect(expr.then, out);
      collect(expr.otherwise, out);
      break;
    default:
      break;
  }
}

function literalsOf(ruleset: ResolvedRuleset): Literals {
  const out: Literals = { strings: [], numbers: [], dates: [] };
  for (const rule of ruleset.rules) {
    collect(rule.decl.when, out);
    if (rule.decl.require && rule.decl.require.kind !== "FileCheck")
      collect(rule.decl.require, out);
  }
  for (const cat of ruleset.categories)
    for (const m of cat.decl.markings) out.strings.push(m.value.value);
  // Table cells, so that `in TABLE` and `lookup` find rows (and miss them).
  for (const t of ruleset.tables)
    for (const r of t.rows) for (const v of r.values) collect(v, out);
  return {
    strings: [...new Set(out.strings)],
    numbers: [...new Set(out.numbers)],
    dates: [...new Set(out.dates)],
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

const anyDate = fc
  .record({
    y: fc.integer({ min: 1890, max: 2100 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

const EDGE_DATES = [
  "2024-02-29",
  "2023-02-29",
  "2024-01-01",
  "2023-12-31",
  "1894-01-01",
  "2024-13-01",
  "2024-04-31",
  "24-01-01",
  "2024-1-1",
  "1970-01-01",
];

const unicode = fc.string({ unit: "grapheme", maxLength: 12 });

/** Texts for the built-in format checks: valid and nearly valid postcodes, IBANs, BSNs and country codes. */
const FORMATS = [
  "1234 AB",
  "1234AB",
  "0123 AB",
  "1234 ab",
  "1234  AB",
  "9999 ZZ",
  "NL91ABNA0417164300",
  "NL91ABNA0417164301",
  "nl91abna0417164300",
  "NL91 ABNA 0417 1643 00",
  "DE89370400440532013000",
  "GB82WEST12345698765432",
  "BE68539007547034",
  "BE6853900754703",
  "FR1420041010050500013M02606",
  "XX00",
  "NL00ABNA0000000000",
  "111222333",
  "123456782",
  "000000000",
  "12345678",
  "1234567890",
  "11122233a",
  "NL",
  "nl",
  "XX",
  "DE",
  "UK",
  "GB",
  "EL",
  "NLD",
  "",
];

function textCell(
  max: number | undefined,
  lits: Literals,
): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [
    fc.constant(""),
    fc.string({ maxLength: 12 }),
    unicode,
    fc.constantFrom(...IDS),
    fc.constantFrom(...FORMATS),
  ];
  if (lits.strings.length > 0) options.push(fc.constantFrom(...lits.strings));
  if (max !== undefined) {
    options.push(
      fc.constant("x".repeat(max)),
      fc.constant("x".repeat(max + 1)),
      fc.constant("😀".repeat(max)),
      fc.constant("😀".repeat(max + 1)),
    );
  }
  return fc.oneof(...options);
}

function decimalCell(
  precision: number,
  scale: number,
  lits: Literals,
): fc.Arbitrary<string> {
  const digits = (n: number) =>
    fc.stringMatching(new RegExp(`^[0-9]{1,${Math.max(1, n)}}$`));
  const options: fc.Arbitrary<string>[] = [
    fc.constant(""),
    fc
      .tuple(
        fc.boolean(),
        digits(Math.max(1, precision - scale)),
        fc.option(digits(scale + 1), { nil: undefined }),
      )
      .map(
        ([neg, w, f]) =>
          `${neg ? "-" : ""}${w}${f === undefined || scale === 0 ? "" : `.${f}`}`,
      ),
    fc.integer({ min: -100_000, max: 100_000 }).map(String),
    fc.constantFrom(
      "0",
      "-0",
      "0.00",
      "1.",
      ".5",
      "1e3",
      "1,5",
      "abc",
      "-",
      "9".repeat(precision),
      "9".repeat(precision + 1),
      `${"9".repeat(Math.max(1, precision - scale))}.${"9".repeat(scale)}`,
      "99999999999999999999999.99",
      "1.005",
      "-0.01",
    ),
  ];
  if (lits.numbers.length > 0) options.push(fc.constantFrom(...lits.numbers));
  return fc.oneof(...options);
}

/** The arbitrary CSV text of one field. */
function cellFor(
  ruleset: ResolvedRuleset,
  entity: ResolvedEntity,
  field: ResolvedField,
  lits: Literals,
): fc.Arbitrary<string> {
  const ikbKey = ruleset.ikb?.key.name;
  if (field.name === ikbKey) return fc.constantFrom(...IKB_KEYS);
  const isId =
    entity.key.includes(field.name) ||
    entity.roleBy === field.name ||
    field.decl.type.name === "ref";
  const t = field.decl.type;
  const typed = baseCell(ruleset, t, lits, 0);
  // A field with `unknown` texts: those texts, and near misses that are bad values (or plain text).
  const texts = (field.decl.unknownValues ?? []).map((u) => u.value);
  const base =
    texts.length === 0
      ? typed
      : fc.oneof(
          { weight: 3, arbitrary: typed },
          { weight: 2, arbitrary: fc.constantFrom(...texts) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              ...texts.flatMap((u) => [u.toLowerCase(), ` ${u}`]),
            ),
          },
        );
  if (isId)
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...IDS) },
      { weight: 1, arbitrary: base },
    );
  return base;
}

function baseCell(
  ruleset: ResolvedRuleset,
  t: ResolvedField["decl"]["type"],
  lits: Literals,
  depth: number,
): fc.Arbitrary<string> {
  switch (t.name) {
    case "text":
      return textCell(t.maxLength, lits);
    case "integer":
      return fc.oneof(
        fc.constant(""),
        fc.integer({ min: -5, max: 20 }).map(String),
        fc.integer().map(String),
        fc.constantFrom(
          "9007199254740991",
          "9007199254740992",
          "-9007199254740993",
          "1.5",
          "01",
          "+1",
          " 1",
          "x",
        ),
        ...(lits.numbers.length > 0 ? [fc.constantFrom(...lits.numbers)] : []),
      );
    case "money":
      return decimalCell(18, 2, lits);
    case "decimal":
      return decimalCell(t.precision ?? 18, t.scale ?? 0, lits);
    case "date":
      return fc.oneof(
        fc.constant(""),
        anyDate,
        fc.constantFrom(...EDGE_DATES),
        ...(lits.dates.length > 0 ? [fc.constantFrom(...lits.dates)] : []),
      );
    case "datetime":
      return fc.oneof(
        fc.constant(""),
        fc
          .tuple(
            anyDate,
            fc.integer({ min: 0, max: 23 }),
            fc.integer({ min: 0, max: 59 }),
            fc.constantFrom("Z", "+01:00", "-05:30", ""),
          )
          .map(([d, h, m, z]) => `${d}T${pad(h, 2)}:${pad(m, 2)}:00${z}`),
        fc.constantFrom(
          "2024-02-29T23:59:59.999Z",
          "2023-02-29T00:00:00Z",
          "2024-03-01T24:00:00Z",
          "2024-03-01T10:00Z",
          "2024-03-01T10:00:00.123456+02:00",
          "2024-03-01",
        ),
      );
    case "boolean":
      return fc.constantFrom("", "true", "false", "TRUE", "1", "ja");
    case "code": {
      const list = t.codeList
        ? ruleset.codeLists.get(t.codeList.name)
        : undefined;
      const values = list?.values.map((v) => v.code) ?? [];
      return fc.oneof(
        {
          weight: 4,
          arbitrary:
            values.length > 0 ? fc.constantFrom(...values) : fc.constant(""),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "",
            "UNKNOWN",
            ...values.map((v) => v.toLowerCase()),
            ...values.map((v) => ` ${v}`),
          ),
        },
      );
    }
    case "ref": {
      const target = t.refEntity
        ? ruleset.entities.get(t.refEntity.name)
        : undefined;
      const f = target?.fields.find((g) => g.name === t.refField?.name);
      return f && depth < 4
        ? baseCell(ruleset, f.decl.type, lits, depth + 1)
        : textCell(undefined, lits);
    }
  }
}

/** A random CSV row of an entity, by column name; some columns may be left out. */
function rowFor(
  ruleset: ResolvedRuleset,
  entity: ResolvedEntity,
  lits: Literals,
): fc.Arbitrary<Record<string, string>> {
  const cells = entity.fields.map((f) =>
    fc.oneof(
      {
        weight: 15,
        arbitrary: cellFor(ruleset, entity, f, lits).map(
          (v) => [f.column, v] as const,
        ),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
  );
  return fc.tuple(...cells).map((pairs) => {
    const row: Record<string, string> = {};
    for (const p of pairs) if (p) row[p[0]] = p[1];
    return row;
  });
}

/** A subject row plus an IKB of 0–3 extra rows per entity (the subject is part of it). */
interface Case {
  entity: string;
  subject: Record<string, string>;
  ikb: Record<string, Record<string, string>[]>;
  rrd: string;
}

const RRDS = ["2024-01-01", "2023-07-01", "2024-02-29", "2022-12-30"];

/**
 * Cases built from the ruleset's own record examples of this entity, with up to two cells of the
 * subject replaced by random text: near-valid records that reach the rules' deeper conditions.
 */
function exampleCaseFor(
  ruleset: ResolvedRuleset,
  entity: ResolvedEntity,
  lits: Literals,
): fc.Arbitrary<Case> | undefined {
  const cases: Case[] = [];
  for (const rule of ruleset.rules) {
    for (const ex of rule.decl.examples) {
      if (ex.kind === "RecordExample" && ex.subject.entity.name === entity.name)
        cases.push(exampleCase(ruleset, ex));
    }
  }
  if (cases.length === 0) return undefined;
  const mutation = fc.array(
    fc
      .integer({ min: 0, max: entity.fields.length - 1 })
      .chain((i) =>
        cellFor(ruleset, entity, entity.fields[i], lits).map(
          (v) => [entity.fields[i].column, v] as const,
        ),
      ),
    { maxLength: 2 },
  );
  return fc
    .tuple(
      fc.constantFrom(...cases),
      mutation,
      fc.constantFrom(...RRDS, undefined),
    )
    .map(([c, changes, rrd]) => {
      const subject = { ...c.subject };
      for (const [column, v] of changes) subject[column] = v;
      const ikb = Object.fromEntries(
        Object.entries(c.ikb).map(([name, rows]) => [
          name,
          rows.map((r) => (r === c.subject ? subject : r)),
        ]),
      );
      return { entity: c.entity, subject, ikb, rrd: rrd ?? c.rrd };
    });
}

function caseFor(
  ruleset: ResolvedRuleset,
  entity: ResolvedEntity,
  lits: Literals,
): fc.Arbitrary<Case> {
  const random = randomCaseFor(ruleset, entity, lits);
  const fromExamples = exampleCaseFor(ruleset, entity, lits);
  return fromExamples === undefined ? random : fc.oneof(random, fromExamples);
}

function randomCaseFor(
  ruleset: ResolvedRuleset,
  entity: ResolvedEntity,
  lits: Literals,
): fc.Arbitrary<Case> {
  const others = [...ruleset.entities.values()].map((e) =>
    fc
      .array(rowFor(ruleset, e, lits), { maxLength: 2 })
      .map((rows) => [e.name, rows] as const),
  );
  return fc
    .record({
      subject: rowFor(ruleset, entity, lits),
      others: fc.tuple(...others),
      rrd: fc.constantFrom(...RRDS),
    })
    .map(({ subject, others, rrd }) => {
      const ikb: Record<string, Record<string, string>[]> = {};
      for (const [name, rows] of others) ikb[name] = [...rows];
      (ikb[entity.name] ??= []).unshift(subject);
      return { entity: entity.name, subject, ikb, rrd };
    });
}

/**
 * `c` with every list of its IKB that has records grown to `size` by copies of them, in turn
 * (the subject's entity's too: the subject repeats).
 */
function padded(c: Case, size: number): Case {
  const ikb: Record<string, Record<string, string>[]> = {};
  for (const [name, rows] of Object.entries(c.ikb)) {
    const grown = [...rows];
    for (let i = 0; rows.length > 0 && grown.length < size; i++)
      grown.push({ ...rows[i % rows.length] });
    ikb[name] = grown;
  }
  return { ...c, ikb };
}

// ---------------------------------------------------------------- both sides

type Row = Record<string, string>;

/** The comparable part of a finding (the runtime fills in file and line), its law included. */
function norm(f: Finding): string {
  const values = Object.fromEntries(
    Object.entries(f.values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify({
    rule: f.rule,
    severity: f.severity,
    entity: f.entity,
    role: f.role ?? null,
    attribute: f.attribute ?? null,
    key: f.key,
    values,
    message: f.message,
    law: f.law,
    reported: f.reported ?? null,
  });
}

const sorted = (fs: readonly Finding[]) => fs.map(norm).sort();

/** Cells and index of a row for a compiled decoder: columns in a fixed shuffled order, missing columns -1. */
function cellsOf(
  entity: ResolvedEntity,
  row: Row,
): { cells: string[]; index: number[] } {
  const cells: string[] = [];
  const index: number[] = [];
  // Reverse order, so that cell positions differ from field positions.
  const present = entity.fields
    .filter((f) => Object.hasOwn(row, f.column))
    .reverse();
  for (const f of present) cells.push(row[f.column]);
  for (const f of entity.fields) index.push(present.indexOf(f));
  return { cells, index };
}

function ikbKeyOf(
  ruleset: ResolvedRuleset,
  entity: ResolvedEntity,
  row: Row,
): string | undefined {
  const key = ruleset.ikb?.key.name;
  const field = entity.fields.find((f) => f.name === key);
  if (field === undefined) return undefined;
  const v = row[field.column] ?? "";
  return v === "" ? undefined : v;
}

interface Loaded {
  ruleset: ResolvedRuleset;
  module: CompiledRuleset;
}

/**
 * A ruleset dense in the language features the shipped rulesets use little or not at all (exact
 * arithmetic and division, integer sums, nested aggregates, workdays, datetimes, `in` over numbers
 * and dates, every built-in function, placeholders), so that the compiler is cross-checked on them
 * too. It has no examples (the property test is its test): only warnings and REG406 are tolerated.
 */
const FEATURES = `
ruleset test.features@1.0.0
  source t "Test"

codelist status "Status"
  value "A"
  value "B"
  value "ONBEKEND"

calendar werk "Werkdagen"
  implements t art 1
  weekend saturday, sunday
  holiday nieuwjaar "Nieuwjaarsdag" on 1 january
  holiday koningsdag "Koningsdag" on 27 april if sunday -1 from 2014
  holiday paas2 "Tweede Paasdag" easter +1
  holiday goede_vrijdag "Goede Vrijdag" easter -2 until 2023

entity NP "Person"
  file "np.csv"
  key ikb_id, customer_id
  role by customer_id
  field ikb_id: text(10) required
  field customer_id: text(10) required
  field name: text(8)
  field born: date
  field status: code status
  field score: integer
  field iban: text(34)
  field bsn: text(9)
  field country: text(2)
  field postcode: text(7)
  field died: date unknown "Unknown", "Non-applicable"
  field title: text(6) unknown "Unknown"
  field stand: code status unknown "Non-applicable"

entity BA "Account"
  file "ba.csv"
  key ikb_id, account_id
  field ikb_id: text(10) required
  field account_id: text(10) required
  field holder_id: ref NP.customer_id
  field balance: money
  field rate: decimal(5,3)
  field score: integer
  field opened: date
  field opened_at: datetime
  field blocked: boolean

ikb "IKB"
  key ikb_id
  depositor NP by customer_id

payout p1 1 "Uitkering"
  implements t art 1

rule a01 "Rekenen"
  severity signalling
  implements t art 1
  for BA
  when balance is present and rate is present
  require balance * rate / 3 > 1.5 and balance + rate - 10 >= 0 and -balance < 0
  message "{account_id}: {balance} x {rate}"

rule a02 "Delen"
  severity signalling
  implements t art 1
  for BA
  require score / 7 = 0.142857 or balance / score >= 2.5 or rate / 0.003 < 100
  message "{score} {balance} {rate}"

rule a03 "Gehele getallen"
  severity blocking
  applies to V
  implements t art 1
  for NP
  require score + 1 > 3 * 2 and score - 100 < 0
  message "{attribute}{value}{score}"

rule d01 "Datums"
  severity signalling
  implements t art 1
  for BA
  when opened is present
  require opened + 1 months <= rrd and rrd - 3 workdays < opened + 2 years and year(opened) = 2024 and opened + 10 days != 2024-03-10
  message "{opened}"

rule d02 "Tijdstippen"
  severity signalling
  implements t art 1
  for BA
  require opened_at + 48 h > 2024-01-01T00:00:00Z and opened_at - 30 min < rrd and (opened is absent or opened <= opened_at) and opened_at - 2 days >= 2023-12-30T12:00:00+02:00
  message "{opened_at}"

rule d03 "Werkdagen"
  severity signalling
  implements t art 1
  for NP.born
  when value is present
  require value + 3 workdays != rrd and value - 1 workdays <= rrd + 5 workdays and value + 0 workdays >= 1900-01-01

rule g01 "Aggregaten"
  severity signalling
  applies to D
  implements t art 1
  for NP
  require count(BA where BA.holder_id = customer_id) >= 1 and sum(BA.balance where BA.holder_id = customer_id) < 1000 and sum(BA.score) <= 10
  message "{customer_id}"

rule g02 "Geneste aggregaten"
  severity signalling
  implements t art 1
  for BA
  require exists(NP where NP.customer_id = holder_id and count(BA where BA.holder_id = NP.customer_id and BA.account_id != account_id) = 0) or not exists(NP)

rule g03 "Rekenen in aggregaten"
  severity signalling
  implements t art 1
  for NP
  require sum(BA.balance * BA.rate / 100 where BA.holder_id = customer_id) < 10 and sum(BA.score * 2 + 1) >= 3 and sum(if BA.blocked then BA.balance else 0) = 0
  message "{customer_id}"

rule k01 "Kiezen"
  severity signalling
  implements t art 1
  for BA
  require max(balance, rate, 1) >= min(score, 3) and (if blocked then balance else rate * 2) != 1.50 and min(opened, rrd - 1 years) < max(opened, 2024-01-01) and (if score > 2 then opened else rrd) < 2024-06-01
  message "{balance} {rate} {score}"

rule k02 "Afronden"
  severity signalling
  implements t art 1
  for BA
  when balance is present
  require round(balance / 3, 1, half_even) = round(balance / 3, 1, half_up) and round(balance / 7, 0, half_down) != round(balance / 7, 0, up) and round(-balance / 3, 1, down) < round(balance * rate, 2, ceiling) and round(balance, 4, floor) > round(score, 0, half_up) and round(-balance / 6, 2, floor) = round(-balance / 6, 2, ceiling) - 0.01
  message "{balance}"

rule p01 "Parameters"
  severity signalling
  implements t art 1
  for BA
  require (balance is absent or balance <= limiet) and (score is absent or score < grens * 4) and (opened is absent or opened >= peil - 10 years) and (blocked is absent or blocked = streng)
  message "{balance} {score} {opened}"

parameter limiet: money "Limiet"
  implements t art 1
  from 2020-01-01 until 2024-01-01 value 500
  from 2024-01-01 value 750.50

parameter grens: integer "Grens"
  implements t art 1
  from 2020-01-01 value 3

parameter peil: date "Peildatum"
  implements t art 1
  from 2020-01-01 until 2023-07-01 value 2023-01-01
  from 2023-07-01 value 2024-01-01

parameter streng: boolean "Streng"
  implements t art 1
  from 2020-01-01 until 2024-01-01 value false
  from 2024-01-01 value true

rule t01 "Referentiedata"
  severity signalling
  implements t art 1
  for BA
  require (balance is absent or rate is absent or balance * lookup(koersen.koers, holder_id) < 1000 + rate) and (score is absent or score in niveaus or score not in niveaus.grens) and (opened is absent or lookup(dagen.naam, opened) != "oud") and (lookup(niveaus.naam, score) is absent or lookup(niveaus.grens, score) > 1)
  message "{balance} {rate} {score}"

table koersen "Koersen"
  implements t art 1
  column klant: text key
  column koers: decimal
  row "C1", 1.5
  row "C2", 0.9215
  row "x", 2

table niveaus "Niveaus"
  implements t art 1
  file "niveaus.csv"
  column niveau: integer key
  column naam: text
  column grens: money

table dagen "Dagen"
  implements t art 1
  column dag: date key
  column naam: text
  row 2024-01-01, "oud"
  row 2024-02-29, "schrikkel"

rule i01 "Lijsten"
  severity signalling
  implements t art 1
  for BA
  require (rate is absent or rate in (0.5, 1.25, 1)) and score not in (1, 2, 3) and (opened not in (2024-02-29, 2024-01-01))

rule i02 "Codes"
  severity signalling
  implements t art 1
  for NP.status
  require value in ("A", "B") or value is absent
  message "{attribute}={value}"

rule f01 "Functies"
  severity signalling
  implements t art 1
  for NP
  require (iban is absent or valid_iban(iban)) and (bsn is absent or valid_bsn(bsn)) and (country is absent or valid_country(country)) and (postcode is absent or valid_postcode(postcode))

rule f02 "Tekst"
  severity signalling
  implements t art 1
  for NP.name, NP.customer_id
  when value is present
  require length(value) >= 2 and value matches "[A-Z][a-z]*|C[0-9]+" and not (value = "Xx")
  message "{attribute} {value} {name}"

rule v01 "Geldig"
  severity signalling
  implements t art 1
  for NP.*, BA.rate, BA.opened, BA.opened_at, BA.blocked
  require value is valid
  message "{attribute}: {value}"

rule v02 "Geldig met voorwaarde"
  severity signalling
  implements t art 1
  for BA.balance, BA.score
  when blocked = true
  require value is valid and value is present
  message "{attribute}: {value}"

rule u01 "Onbekend"
  severity signalling
  implements t art 1
  for NP.died, NP.title, NP.stand, NP.name
  require value is present
  message "{attribute}={value} {title|masked}"

rule u02 "Onbekend of bekend"
  severity signalling
  applies to D
  implements t art 1
  for NP
  when died is unknown or title is known or stand is not unknown
  require (died is absent or died > born) and not (title is unknown and stand = "A") and (stand is known or status is present)
  message "{died} {title|masked} {stand}"

rule b01 "Booleans"
  severity signalling
  implements t art 1
  for BA
  when blocked
  require not (balance > 0) and score is not present

category c1 "Categorie"
  blocks p1
  implements t art 1
  result a03 (V)
  result v01 on NP.born, BA.rate
  result g01
  marking NP.status = "ONBEKEND" (D)
  marking NP.country = "XX" (V)

category c2 "Tweede"
  blocks p1
  implements t art 1
  result f02 (D) on NP.name
  result u01 on NP.died
  marking NP.stand = "B"
`;

const project = await loadProject(["rulesets"]);
const features = loadProjectFromTexts(
  new Map([["test/features.regel", FEATURES]]),
  undefined,
  // A table beside the ruleset, given in memory; the name-like cell is a quote-breaking one.
  new Map([
    [
      "test/niveaus.csv",
      'niveau,naam,grens\n1,laag,0.50\n3,"mid""del",3\n7,"</script>${x}`",12.25\n',
    ],
  ]),
);
const targets = [
  ...project.rulesets.filter(
    (r) =>
      r.entities.size > 0 &&
      r.rules.some((x) => x.decl.target?.kind !== "FileTarget"),
  ),
  ...features.rulesets,
];
const loaded = new Map<string, Loaded>();
let outDir: string | undefined;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "regel-differential-"));
  for (const ruleset of targets) {
    const compiled = await compileRuleset(ruleset);
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual(
      [],
    );
    const dir = join(outDir, ruleset.id);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "validators.js");
    writeFileSync(file, compiled.js);
    const module = (await import(pathToFileURL(file).href)) as CompiledRuleset;
    loaded.set(ruleset.id, { ruleset, module });
  }
}, 120_000);

afterAll(() => {
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

/** Run one case through both sides; returns the sorted findings of each and the classifications. */
function runBoth(l: Loaded, c: Case) {
  const { ruleset, module } = l;
  const entity = ruleset.entities.get(c.entity)!;
  const rrd = parseDate(c.rrd)!;
  const ikbKey = ikbKeyOf(ruleset, entity, c.subject);

  // Compiled: decode every record of the IKB, then the fused check of the subject.
  const decodedIkb: Record<string, unknown[]> = {};
  for (const [name, rows] of Object.entries(c.ikb)) {
    const e = ruleset.entities.get(name)!;
    decodedIkb[name] = rows.map((row) => {
      const { cells, index } = cellsOf(e, row);
      return module.decoders[name](cells, index, []);
    });
  }
  const compiled: Finding[] = [];
  const { cells, index } = cellsOf(entity, c.subject);
  const record = module.decoders[c.entity](cells, index, compiled);
  const checkOut: Finding[] = [];
  const passed = module.checks[c.entity](
    record,
    { rrd, ikb: decodedIkb, ikbKey },
    checkOut,
  );
  compiled.push(...checkOut);

  const interpreted = interpretRecord(ruleset, c.entity, c.subject, {
    rrd: c.rrd,
    ikb: c.ikb,
    ikbKey,
  });

  // Classification of the IKB from the interpreter's findings for all of its records.
  const all: Finding[] = [];
  for (const [name, rows] of Object.entries(c.ikb)) {
    const e = ruleset.entities.get(name)!;
    for (const row of rows)
      all.push(
        ...interpretRecord(ruleset, name, row, {
          rrd: c.rrd,
          ikb: c.ikb,
          ikbKey: ikbKeyOf(ruleset, e, row),
        }),
      );
  }
  return {
    passed,
    checkFindings: checkOut.length,
    compiled: sorted(compiled),
    interpreted: sorted(interpreted),
    compiledClass: module.classify(all, decodedIkb),
    interpretedClass: classifyIkb(ruleset, all, c.ikb),
  };
}

/** What the generated cases reached, so that the suite can show it is not comparing empty results. */
const fired = new Set<string>();
const passedEntities = new Set<string>();
const categoriesHit = new Set<string>();

describe("compiled validators agree with the reference interpreter", () => {
  it("has shipped rulesets with record rules to compare", () => {
    expect(targets.map((r) => r.id)).toContain("ikb.glo@1.3.0");
  });

  it("the feature ruleset checks (it has no examples on purpose)", () => {
    // Warnings are expected (a03 uses {attribute} and {value} in a record rule on purpose).
    const other = features.diagnostics.filter(
      (d) => d.severity === "error" && d.code !== "REG406",
    );
    expect(
      other.map(
        (d) =>
          `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`,
      ),
    ).toEqual([]);
    expect(features.rulesets.map((r) => r.id)).toEqual(["test.features@1.0.0"]);
  });

  for (const ruleset of targets) {
    const lits = literalsOf(ruleset);
    for (const entity of ruleset.entities.values()) {
      it(`${ruleset.id} ${entity.name}`, () => {
        const l = loaded.get(ruleset.id);
        expect(l, `${ruleset.id} did not compile`).toBeDefined();
        fc.assert(
          fc.property(caseFor(ruleset, entity, lits), (c) => {
            const r = runBoth(l!, c);
            for (const f of r.interpreted)
              fired.add(`${ruleset.id} ${(JSON.parse(f) as Finding).rule}`);
            if (r.passed) passedEntities.add(`${ruleset.id} ${entity.name}`);
            for (const cat of r.interpretedClass.categories)
              categoriesHit.add(`${ruleset.id} ${cat}`);
            expect(r.compiled).toEqual(r.interpreted);
            expect(r.passed).toBe(r.checkFindings === 0);
            expect(r.compiledClass).toEqual(r.interpretedClass);
          }),
          { numRuns: RUNS, seed: SEED },
        );
      });
    }
  }

  // IKB lists of $INDEX_FROM (64) records and more: the aggregates look at the records an index
  // picks (compiler/emit-expr.ts `indexedRows`), the interpreter at every record
  const large = targets.find((r) => r.id === "ikb.glo@1.3.0");
  if (large !== undefined) {
    const lits = literalsOf(large);
    for (const entity of large.entities.values()) {
      it(`${large.id} ${entity.name}, IKB lists of 64 records and more`, () => {
        const l = loaded.get(large.id)!;
        let agreed = 0;
        fc.assert(
          fc.property(
            caseFor(large, entity, lits),
            fc.integer({ min: 64, max: 90 }),
            (c, size) => {
              const r = runBoth(l, padded(c, size));
              expect(r.compiled).toEqual(r.interpreted);
              expect(r.compiledClass).toEqual(r.interpretedClass);
              agreed++;
            },
          ),
          { numRuns: Math.max(4, RUNS >> 2), seed: SEED },
        );
        expect(agreed).toBeGreaterThan(0);
      });
    }
  }

  it("the generated cases make most rules fire and some records pass", () => {
    for (const ruleset of targets) {
      const rules = ruleset.rules.filter(
        (r) =>
          r.decl.target !== undefined && r.decl.target.kind !== "FileTarget",
      );
      const hit = rules.filter((r) => fired.has(`${ruleset.id} ${r.code}`));
      const missed = rules.filter((r) => !hit.includes(r)).map((r) => r.code);
      expect(
        hit.length / rules.length,
        `${ruleset.id}: rules that never fired: ${missed.join(", ")}`,
      ).toBeGreaterThanOrEqual(0.75);
      // The feature ruleset's rules are too demanding together for a random record to pass them all.
      if (ruleset.id !== "test.features@1.0.0") {
        expect(
          [...passedEntities].some((e) => e.startsWith(`${ruleset.id} `)),
          `${ruleset.id}: no record passed all rules`,
        ).toBe(true);
      }
      if (ruleset.categories.length > 0)
        expect(
          [...categoriesHit].some((c) => c.startsWith(`${ruleset.id} `)),
        ).toBe(true);
    }
  });
});
