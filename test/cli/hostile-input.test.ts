/**
 * CLI-level properties over hostile input (fast-check, the built command as a real process):
 *
 * - hostile CSV deliveries (random bytes, broken quotes, large fields, wrong or missing headers,
 *   control characters, BOMs, CR / LF / CRLF mixes): no stack trace, an exit code from the
 *   documented set, `rowsRead = rowsValidated + rowsRejected` per file in report.json, and no
 *   personal value of the input in any output (report.json, report.html, samples, stdout, stderr);
 * - hostile rulesets (a valid one with random damage, or random bytes): `regel compile` ends with
 *   no stack trace and a documented exit code.
 *
 * Personal cells (last_name, date_of_birth of the fixture ruleset fake.ikb) hold a unique marker
 * (`PII` and ten letters) so that any leak is found by a plain text search.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../runtime/report-types.js";
import { BASE } from "../dsl/checker-helpers.js";
import {
  ensureBuilt,
  ROOT,
  runCliAsync,
  STACK_TRACE,
  type CliResult,
} from "./built-cli.js";

const COMPILED = join(ROOT, "test", "runtime", "fixtures", "compiled");
const DOCUMENTED_EXIT_CODES = [0, 1, 2, 3];
/**
 * Runs per property: few in `npm test` (each spawns the CLI); `REGEL_FUZZ_RUNS=200` for a deep
 * search, with a fresh random seed unless `REGEL_FUZZ_SEED` is given.
 */
const deep = process.env.REGEL_FUZZ_RUNS !== undefined;
const settings = (runs: number) => ({
  numRuns: deep ? Number(process.env.REGEL_FUZZ_RUNS) : runs,
  seed: process.env.REGEL_FUZZ_SEED
    ? Number(process.env.REGEL_FUZZ_SEED)
    : deep
      ? undefined
      : 20240329,
  endOnFailure: true,
});
let work: string;
let n = 0;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "regel-hostile-"));
}, 120_000);

/** A file of the delivery: the columns of its header and which of them are personal. */
const FILES = {
  "natural_person.csv": {
    columns: [
      "ikb_id",
      "customer_id",
      "last_name",
      "date_of_birth",
      "reliability_indicator_code",
    ],
    personal: ["last_name", "date_of_birth"],
  },
  "bank_account.csv": {
    columns: ["ikb_id", "account_id", "holder_id", "balance"],
    personal: [] as string[],
  },
} as const;

/** A personal value that can be found anywhere by a text search. */
const personalMarker = fc
  .string({
    unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    minLength: 10,
    maxLength: 10,
  })
  .map((s) => `PII${s}`);

/** Hostile cell text: quotes, separators, line breaks, control and bidi characters, long runs. */
const hostileCell = fc.oneof(
  fc.constantFrom("", "I1", "I2", "K1", "100.00", "-0", "1970-01-01"),
  fc.string({
    unit: fc.constantFrom(
      ..."aZ09 ,;\"'\t\r\n\\\u0000\u0007\u001b\u007f\u00a0\u202e\u2066\ufeff\ud83d\ude00é=+-@",
    ),
    maxLength: 12,
  }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.integer({ min: 200, max: 4000 }).map((k) => "x".repeat(k)),
);

/** A personal cell: the marker, sometimes inside hostile text (quoted when written). */
const personalCell = fc.oneof(
  personalMarker,
  fc
    .tuple(fc.constantFrom("", " ", '"', "\n", "\u202e"), personalMarker)
    .map(([pre, m]) => `${pre}${m}`),
);

/** How a cell is written: plainly, quoted, or with a broken quote. */
function writeCell(value: string, how: number): string {
  if (how === 0 && !/[",\r\n]/.test(value)) return value;
  if (how === 3) return `"${value}"x`; // a character after the closing quote
  if (how === 4) return `"${value}`; // never closed (only ever the last cell written)
  return `"${value.replace(/"/g, '""')}"`;
}

interface HostileFile {
  name: keyof typeof FILES;
  header: "right" | "shuffled" | "renamed" | "missing" | "case";
  bom: boolean;
  rows: { cells: string[]; quoting: number[]; extra: number }[];
  eol: string[];
  /** Replace the whole file by random bytes. */
  bytes?: Uint8Array;
}

const hostileFile = (name: keyof typeof FILES): fc.Arbitrary<HostileFile> => {
  const spec = FILES[name];
  const row = fc.record({
    cells: fc.tuple(
      ...spec.columns.map((c) =>
        (spec.personal as readonly string[]).includes(c)
          ? personalCell
          : hostileCell,
      ),
    ),
    quoting: fc.array(fc.nat({ max: 4 }), {
      minLength: spec.columns.length,
      maxLength: spec.columns.length,
    }),
    // -1: a cell short, 0: as the header, 1: a cell too many
    extra: fc.integer({ min: -1, max: 1 }),
  });
  return fc.record(
    {
      name: fc.constant(name),
      header: fc.constantFrom(
        "right",
        "shuffled",
        "renamed",
        "missing",
        "case",
      ),
      bom: fc.boolean(),
      rows: fc.array(row, { maxLength: 6 }),
      eol: fc.array(fc.constantFrom("\n", "\r\n", "\r"), {
        minLength: 8,
        maxLength: 8,
      }),
      bytes: fc.option(fc.uint8Array({ maxLength: 300 }), { freq: 6 }),
    },
    { requiredKeys: ["name", "header", "bom", "rows", "eol"] },
  ) as fc.Arbitrary<HostileFile>;
};

/** The bytes of a hostile file, and the personal markers it holds. */
function render(f: HostileFile): { data: Buffer; personal: string[] } {
  const spec = FILES[f.name];
  if (f.bytes) return { data: Buffer.from(f.bytes), personal: [] };
  const order = spec.columns.map((_, i) => i);
  if (f.header === "shuffled") order.reverse();
  const header = order.map((i) => {
    const c = spec.columns[i];
    return f.header === "renamed"
      ? `${c}_x`
      : f.header === "case"
        ? c.toUpperCase()
        : c;
  });
  const lines: string[] = [];
  if (f.header !== "missing") lines.push(header.join(","));
  const personal: string[] = [];
  for (const r of f.rows) {
    let cells = order.map((i) => r.cells[i]);
    let quoting = order.map((i) => r.quoting[i]);
    if (r.extra < 0) {
      cells = cells.slice(0, -1);
      quoting = quoting.slice(0, -1);
    } else if (r.extra > 0) {
      cells = [...cells, "extra"];
      quoting = [...quoting, 0];
    }
    for (const [i, c] of cells.entries()) {
      const col = spec.columns[order[i]];
      if ((spec.personal as readonly string[]).includes(col))
        personal.push(...(c.match(/PII[A-Z]{10}/g) ?? []));
    }
    lines.push(
      cells
        .map((c, i) =>
          // an unclosed quote only as the last cell of the last row: it swallows the rest
          writeCell(
            c,
            quoting[i] === 4 && !(r === f.rows.at(-1) && i === cells.length - 1)
              ? 2
              : quoting[i],
          ),
        )
        .join(","),
    );
  }
  let text = "";
  lines.forEach((l, i) => (text += l + f.eol[i % f.eol.length]));
  return {
    data: Buffer.concat([
      Buffer.from(f.bom ? "\ufeff" : ""),
      Buffer.from(text, "utf8"),
    ]),
    personal,
  };
}

/** Every text regel wrote for a run: the output files, stdout and stderr. */
function outputs(out: string, r: CliResult): Map<string, string> {
  const texts = new Map([
    ["stdout", r.stdout],
    ["stderr", r.stderr],
  ]);
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) walk(join(dir, e.name));
      else texts.set(e.name, readFileSync(join(dir, e.name), "utf8"));
  };
  walk(out);
  return texts;
}

describe("hostile input, end to end", () => {
  it("hostile CSV deliveries: no stack trace, a documented exit code, every row accounted, no personal value in any output", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileFile("natural_person.csv"),
        fc.option(hostileFile("bank_account.csv"), { freq: 4 }),
        async (np, ba) => {
          const dir = join(work, `case-${n++}`);
          const delivery = join(dir, "delivery");
          mkdirSync(delivery, { recursive: true });
          const personal: string[] = [];
          for (const f of [np, ba]) {
            if (!f) continue;
            const { data, personal: p } = render(f);
            writeFileSync(join(delivery, f.name), data);
            personal.push(...p);
          }
          const out = join(dir, "out");
          const r = await runCliAsync([
            "validate",
            delivery,
            "--compiled",
            COMPILED,
            "--ruleset",
            "fake.ikb@1.0.0",
            "--rrd",
            "2022-12-31",
            "--out",
            out,
            "--no-progress",
          ]);
          expect(r.stderr).not.toMatch(STACK_TRACE);
          expect(DOCUMENTED_EXIT_CODES).toContain(r.status);
          expect(r.status, r.stderr).toBeLessThanOrEqual(1);
          const report = JSON.parse(
            readFileSync(join(out, "report.json"), "utf8"),
          ) as Report;
          for (const f of report.files)
            expect(f.rowsRead, `${f.file}: read = validated + rejected`).toBe(
              f.rowsValidated + f.rowsRejected,
            );
          for (const [name, text] of outputs(out, r))
            for (const value of personal)
              expect(
                text.includes(value),
                `personal value ${value} in ${name}`,
              ).toBe(false);
        },
      ),
      {
        ...settings(8),
        examples: [
          // a file without its header row: the first record must not be echoed as column names
          [
            {
              name: "natural_person.csv",
              header: "missing",
              bom: false,
              rows: [
                ["I1", "K1", "PIIAAAAAAAAAA", "PIIBBBBBBBBBB", ""],
                ["I2", "I2", "PIICCCCCCCCCC", "PIIDDDDDDDDDD", ""],
              ].map((cells) => ({ cells, quoting: [0, 0, 0, 0, 0], extra: 0 })),
              eol: Array<string>(8).fill("\n"),
            },
            null,
          ],
        ],
      },
    );
  }, 600_000);

  it("a BSN used as IKB key and customer number (what idn0002 flags) is in no output unless --show-personal-data", async () => {
    // examples/ikb-delivery with depositor C0000000001's BSN as its IKB key and customer numbers
    const bsn = "260277009";
    const delivery = join(work, "bsn-as-key");
    mkdirSync(delivery, { recursive: true });
    const example = join(ROOT, "examples", "ikb-delivery");
    for (const f of readdirSync(example).filter((f) => f.endsWith(".csv")))
      writeFileSync(
        join(delivery, f),
        readFileSync(join(example, f), "utf8").replaceAll("C0000000001", bsn),
      );
    const validate = (out: string, ...options: string[]) =>
      runCliAsync([
        "validate",
        delivery,
        "--rrd",
        "2024-03-31",
        "--out",
        out,
        "--junit",
        join(out, "junit.xml"),
        "--generated-at",
        "2024-04-01T00:00:00Z",
        "--no-progress",
        ...options,
      ]);
    const masked = join(work, "bsn-masked");
    const r = await validate(masked);
    expect(r.status, r.stderr).toBeLessThanOrEqual(1);
    const texts = outputs(masked, r);
    for (const name of [
      "report.json",
      "report.html",
      "idn0002.csv",
      "junit.xml",
    ])
      expect(texts.has(name), name).toBe(true);
    for (const [name, text] of texts)
      expect(text.includes(bsn), `BSN in ${name}`).toBe(false);
    const report = JSON.parse(texts.get("report.json")!) as Report;
    const idn0002 = report.secondaryRules.find((x) => x.code === "idn0002")!;
    expect(idn0002.samples.map((x) => [x.key, x.values])).toEqual([
      ["ikb_id=***;customer_id=***", { customer_id: "***" }],
      ["ikb_id=***;customer_id=***-V1", { customer_id: "***-V1" }],
    ]);
    // the same report on a second run: masking keeps it deterministic
    expect((await validate(join(work, "bsn-masked-again"))).stdout).toBe(
      r.stdout,
    );
    expect(
      readFileSync(join(work, "bsn-masked-again", "report.json"), "utf8"),
    ).toBe(texts.get("report.json"));
    // shown when asked: the BSN was in the delivery and idn0002 found it
    const shown = join(work, "bsn-shown");
    await validate(shown, "--show-personal-data");
    const shownJson = readFileSync(join(shown, "report.json"), "utf8");
    expect(shownJson).toContain(`ikb_id=${bsn};customer_id=${bsn}`);
  }, 120_000);

  it("hostile rulesets: regel compile ends with no stack trace and a documented exit code", async () => {
    const damage = fc.oneof(
      // random text spliced in at a random place, or a span cut out
      fc.record({
        at: fc.nat({ max: BASE.length }),
        cut: fc.nat({ max: 40 }),
        insert: fc.string({
          unit: fc.constantFrom(
            ..."\"'{}()[]:;,.=<>@#\n\r\t \u0000\u001b\u202e\u2066\ufeffé0aZ",
          ),
          maxLength: 20,
        }),
      }),
      fc.uint8Array({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const dir = join(work, `ruleset-${n++}`);
        mkdirSync(dir);
        const file = join(dir, "t.regel");
        writeFileSync(
          file,
          d instanceof Uint8Array
            ? Buffer.from(d)
            : BASE.slice(0, d.at) + d.insert + BASE.slice(d.at + d.cut),
        );
        const r = await runCliAsync([
          "compile",
          file,
          "--out",
          join(dir, "compiled"),
        ]);
        expect(r.stderr).not.toMatch(STACK_TRACE);
        expect(r.stderr).not.toMatch(/internal error/);
        expect(DOCUMENTED_EXIT_CODES).toContain(r.status);
      }),
      settings(4),
    );
  }, 600_000);
});
