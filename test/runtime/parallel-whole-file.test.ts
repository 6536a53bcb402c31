/**
 * The whole-file passes over worker threads, by IKB-key range (runtime/stage-whole-file.ts,
 * runtime/whole-file-worker.ts): the report folder is byte-identical whatever the number of
 * threads, on generated deliveries with golden (dup0001) and silver (dup0002, joined) duplicates
 * whose records lie far apart in the file (so in different ranges), near duplicates that must not
 * match, a ruleset with more whole-file checks (bench/rulesets/bench.wholefile: one over the
 * largest file, read by range without a joined check), and files not in IKB key order (sorted
 * over the threads: a joined check reads each range's runs); a failing whole-file worker fails the
 * run with its error.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { compile } from "../../compiler/compile.js";
import { validateDelivery } from "../../runtime/delivery.js";
import type { DeliveryOptions } from "../../runtime/delivery-state.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { WholeFileCheck } from "../../runtime/whole-file.js";
import { RangeWork } from "../../runtime/stage-whole-file.js";
import { writtenReportFiles } from "./helpers.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { ensureBuilt } from "../source-folders.js";

const work = mkdtempSync(join(tmpdir(), "regel-wf-threads-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let glo: LoadedRuleset;
let wholeFile: LoadedRuleset;
let delivery: string;

beforeAll(async () => {
  // the workers run the built entry (dist/runtime/pool-worker.js)
  ensureBuilt();
  glo = await loadCompiled(join("rulesets", "compiled", "ikb.glo@1.3.0"));
  // ikb.glo@1.3.0 with three more whole-file checks, one over bank_account.csv (as the bench)
  const outDir = join(work, "compiled");
  const result = await compile(["rulesets", join("bench", "rulesets")], {
    outDir,
  });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  for (const f of result.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
  wholeFile = await loadCompiled(join(outDir, "bench.wholefile@1.0.0"));
  delivery = join(work, "d");
  generateDelivery(glo.module, {
    depositors: 3000,
    seed: 23,
    defectRate: 0.1,
    markingRate: 0.02,
    duplicateRate: 0.1,
    rrd: "2024-03-31",
    out: delivery,
  });
  across = duplicatesAcross(delivery);
}, 300_000);

/** Lines of natural_person.csv: a person, its duplicate and its near duplicate far from it. */
let across: { early: number; late: number; near: number };

/**
 * The generator puts a duplicate right after the person it repeats: here a person in the first
 * tenth of natural_person.csv is repeated in the last tenth under its own customer number (name,
 * date of birth, identification number and structured address copied: dup0001 and dup0002), and
 * nearly repeated after that (another identification number and house number: neither).
 */
function duplicatesAcross(dir: string): typeof across {
  const read = (file: string) =>
    readFileSync(join(dir, file), "utf8").trimEnd().split("\n");
  const np = read("natural_person.csv");
  const sa = read("structured_address.csv");
  const c = (name: string) => np[0].split(",").indexOf(name);
  const a = (name: string) => sa[0].split(",").indexOf(name);
  const addressOf = (customer: string) =>
    sa.findIndex(
      (l, i) =>
        i > 0 &&
        !l.includes('"') &&
        l.split(",")[a("customer_id")] === customer,
    );
  const usable = (i: number) => {
    const cells = np[i].split(",");
    return (
      !np[i].includes('"') &&
      cells[c("identification_number")] !== "" &&
      cells[c("date_of_birth")] !== "" &&
      addressOf(cells[c("customer_id")]) > 0
    );
  };
  const from = (i: number) => {
    while (!usable(i)) i++;
    return i;
  };
  const early = from(Math.floor(np.length * 0.1));
  const late = from(Math.floor(np.length * 0.9));
  const near = from(late + 1);
  const person = np[early].split(",");
  const address = sa[addressOf(person[c("customer_id")])].split(",");
  const copy = (i: number, nearly: boolean) => {
    const cells = np[i].split(",");
    for (const f of [
      "last_name",
      "date_of_birth",
      "identification_number",
      "identification_country",
    ])
      cells[c(f)] = person[c(f)];
    if (nearly) cells[c("identification_number")] += "9";
    np[i] = cells.join(",");
    const at = addressOf(cells[c("customer_id")]);
    const to = sa[at].split(",");
    for (const f of ["postal_code", "house_number", "house_number_addition"])
      to[a(f)] = address[a(f)];
    if (nearly) to[a("house_number")] += "1";
    sa[at] = to.join(",");
  };
  copy(late, false);
  copy(near, true);
  writeFileSync(join(dir, "natural_person.csv"), np.join("\n") + "\n");
  writeFileSync(join(dir, "structured_address.csv"), sa.join("\n") + "\n");
  // line numbers: the header is line 1
  return { early: early + 1, late: late + 1, near: near + 1 };
}

/** Validate with `threads` and write the report folder: its files, name → content. */
async function reportFiles(
  dir: string,
  threads: number,
  l: LoadedRuleset,
  opts: Partial<DeliveryOptions> = {},
): Promise<Map<string, string>> {
  const report = await validateDelivery(dir, l, {
    rrd: "2024-03-31",
    threads,
    maxSamples: 100_000,
    ...opts,
  });
  const files = await writtenReportFiles(report, work, "utf8");
  return files;
}

interface Rule {
  code: string;
  count: number;
  samples: { message: string }[];
}

function rulesOf(files: Map<string, string>): Rule[] {
  const json = JSON.parse(files.get("report.json")!) as Record<
    "rules" | "secondaryRules",
    Rule[]
  >;
  return [...json.rules, ...json.secondaryRules];
}

/** The lines a whole-file finding's message names (`(line 12)`, `(lines 3 and 9)`). */
function linesNamed(message: string): number[] {
  return [...message.matchAll(/\(lines? ([\d, and]+)\)/g)].flatMap((m) =>
    m[1].split(/, | and /).map(Number),
  );
}

/** Copy `from` to a new delivery with `file` changed by `edit` (its lines, header first). */
function edited(
  from: string,
  file: string,
  edit: (lines: string[]) => void,
): string {
  const dir = mkdtempSync(join(work, "e-"));
  for (const e of readdirSync(from, { withFileTypes: true }))
    if (e.isFile())
      writeFileSync(join(dir, e.name), readFileSync(join(from, e.name)));
  const lines = readFileSync(join(dir, file), "utf8").trimEnd().split("\n");
  edit(lines);
  writeFileSync(join(dir, file), lines.join("\n") + "\n");
  return dir;
}

describe("the whole-file passes over worker threads", () => {
  it("ikb.glo@1.3.0: the same report folder over 1, 2, 3 and 5 threads, with duplicates in different ranges", async () => {
    const one = await reportFiles(delivery, 1, glo);
    const rules = rulesOf(one);
    for (const code of ["dup0001", "dup0002"]) {
      const rule = rules.find((r) => r.code === code);
      expect(rule?.count ?? 0, code).toBeGreaterThan(20);
      const named = rule!.samples.map((s) => linesNamed(s.message));
      // the group across the file: its records in the first and the last tenth, on either
      // side of any cut between two ranges
      expect(
        named.filter(
          (ls) => ls.includes(across.early) && ls.includes(across.late),
        ).length,
        `${code}: the group across the file`,
      ).toBe(2);
      expect(
        named.some((ls) => ls.includes(across.near)),
        `${code}: the near duplicate`,
      ).toBe(false);
    }
    for (const threads of [2, 3, 5])
      expect(await reportFiles(delivery, threads, glo), `${threads}`).toEqual(
        one,
      );
  }, 300_000);

  it("bench.wholefile (whole-file checks over NP and over bank_account.csv alone): the same report folder over 1, 2 and 3 threads", async () => {
    const one = await reportFiles(delivery, 1, wholeFile);
    const rules = rulesOf(one);
    for (const code of ["dup0001", "dup0002", "wfb0001", "wfb0003"])
      expect(
        rules.find((r) => r.code === code)?.count ?? 0,
        code,
      ).toBeGreaterThan(0);
    for (const threads of [2, 3])
      expect(
        await reportFiles(delivery, threads, wholeFile),
        `${threads}`,
      ).toEqual(one);
  }, 300_000);

  it("with the scan split by byte range (every file, runtime/parallel-scan.ts) and every seal split over the threads too: the same report folder over 2 and 3 threads, for both rulesets", async () => {
    // the whole-file readers start at the resume points the merged scan recorded, with their
    // good-row counts: a wrong count misplaces the per-row bits of dup0001 and wfb0001; the
    // joined check's (dup0002) repeated hashes are looked for in two halves, one in a worker
    const split = vi.spyOn(WholeFileCheck.prototype, "joinedHashes");
    for (const l of [glo, wholeFile]) {
      const one = await reportFiles(delivery, 1, l);
      for (const threads of [2, 3]) {
        split.mockClear();
        expect(
          await reportFiles(delivery, threads, l, {
            scanSplitBytes: 1,
            sealSplitHashes: 1,
          }),
          `${l.module.metadata.id}, ${threads}`,
        ).toEqual(one);
        expect(split).toHaveBeenCalled();
      }
    }
    split.mockRestore();
  }, 300_000);

  it("a file not in IKB key order, sorted over the threads: the joined check reads each range's runs over the threads, the own-file checks read it in file order; the same report", async () => {
    const ranges = vi.spyOn(RangeWork.prototype, "round1");
    for (const file of ["structured_address.csv", "natural_person.csv"]) {
      // the last row first: the file is sorted through runs, split by range
      const dir = edited(delivery, file, (lines) =>
        lines.splice(1, 0, lines.pop()!),
      );
      for (const l of [glo, wholeFile]) {
        const one = await reportFiles(dir, 1, l);
        ranges.mockClear();
        expect(await reportFiles(dir, 3, l), file).toEqual(one);
        // ikb.glo@1.3.0's only whole-file checks are dup0001 (over NP alone) and dup0002 (NP
        // joined with SA): with either file out of key order, only the joined check is read by
        // range, and only over the file's runs
        expect(ranges, `${file}, ${l.module.metadata.id}`).toHaveBeenCalled();
      }
    }
    ranges.mockRestore();
  }, 300_000);

  it("a failing whole-file worker fails the run with its error", async () => {
    // a worker refuses a compiled module other than the one the main thread loaded
    const other = { ...glo, compiledSha256: "0".repeat(64) };
    await expect(
      validateDelivery(delivery, other, { rrd: "2024-03-31", threads: 2 }),
    ).rejects.toThrow(/worker \d of the whole-file pass failed: .*changed/);
  }, 120_000);
});
