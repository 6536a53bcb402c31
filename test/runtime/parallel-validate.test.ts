/**
 * The validate pass over worker threads (runtime/parallel-validate.ts): the report folder is
 * byte-identical whatever the number of threads, on deliveries with findings over the sample
 * limit, unique keys duplicated across IKBs far apart (so across ranges), rows without an IKB key,
 * rows the reader rejects, broken references and whole-file findings; deliveries the parallel
 * pass does not cover are validated in one thread (and say so); a failing worker fails the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import type { DeliveryOptions } from "../../runtime/delivery-state.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { ensureBuilt, ROOT } from "../source-folders.js";
import { refusedOptions, workerExecArgv } from "../../runtime/worker-start.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { seededRandom, writtenReportFiles } from "./helpers.js";

const RULESET = `ruleset t.threads@1.0.0
  valid from 2020-01-01
  source br "Beleidsregel Individueel Klantbeeld"

entity NP "Natural person"
  file "natural_person.csv"
  key customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field last_name: text(200) personal
  field date_of_birth: date personal

entity AD "Address"
  file "address.csv"
  key address_id
  field ikb_id: text(40) required
  field address_id: text(40) required
  field customer_id: ref NP.customer_id
  field country: text(2)

ikb "Individueel klantbeeld"
  key ikb_id
  depositor NP by customer_id

rule fil0003 "Dubbele sleutel"
  meaning "Two records of a file share a key." from br art 2.2
  severity blocking
  implements br art 2.2
  for file NP, AD
  require unique key
  example fail file NP rows { ikb_id: "K1", customer_id: "C1" }, { ikb_id: "K2", customer_id: "C1" }
  example pass file NP rows { ikb_id: "K1", customer_id: "C1" }, { ikb_id: "K1", customer_id: "C2" }

rule fil0004 "Verwijzing naar niets"
  meaning "A reference does not resolve." from br art 2.2
  severity blocking
  implements br art 2.2
  for file AD
  require references
  example fail file AD rows { ikb_id: "K1", address_id: "A1", customer_id: "C1" }
  example pass file AD rows { ikb_id: "K1", address_id: "A1", customer_id: "C1" } with NP { ikb_id: "K1", customer_id: "C1" }

rule dup0001 "Een persoon onder twee klantnummers"
  meaning "A person has one customer number." from br art 4
  severity signalling
  implements br art 4
  for file NP
  require one customer_id per last_name, date_of_birth
  example fail file NP rows { customer_id: "C1", last_name: "Jansen", date_of_birth: 1970-01-01 }, { customer_id: "C2", last_name: "Jansen", date_of_birth: 1970-01-01 }
  example pass file NP rows { customer_id: "C1", last_name: "Jansen", date_of_birth: 1970-01-01 }, { customer_id: "C1", last_name: "Jansen", date_of_birth: 1970-01-01 }

rule dmc0000 "Verplicht attribuut ontbreekt"
  meaning "A mandatory attribute is missing." from br art 2.2
  severity signalling
  implements br art 2.2
  for NP.date_of_birth, NP.last_name
  require value is present
  example fail NP { last_name: "Jansen" }
  example pass NP { last_name: "Jansen", date_of_birth: 1970-01-01 }

rule fmt0001 "Waarde past niet bij het type"
  meaning "A value does not fit the type of its field." from br art 2.2
  severity signalling
  implements br art 2.2
  for NP.*, AD.*
  require value is valid
  example fail NP { customer_id: "1", date_of_birth: "1970-02-30" }
  example pass NP { customer_id: "1", date_of_birth: 1970-02-28 }
`;

const work = mkdtempSync(join(tmpdir(), "regel-threads-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let loaded: LoadedRuleset;
beforeAll(async () => {
  // the workers run the built entry (dist/runtime/pool-worker.js)
  ensureBuilt();
  const { dir } = await compileAndImport(RULESET, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.threads@1.0.0"));
}, 300_000);

interface Shape {
  seed: number;
  ikbs: number;
  /** Share of persons whose customer number is an earlier one's (the unique key repeats). */
  duplicates: number;
  /** Share of persons without a date of birth (a finding each). */
  defects: number;
}

/** A delivery sorted by IKB key, with the findings and problems the test is about. */
function generate(shape: Shape): string {
  const rnd = seededRandom(shape.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const names = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Mulder"];
  const np: string[] = ["ikb_id,customer_id,last_name,date_of_birth"];
  const ad: string[] = ["ikb_id,address_id,customer_id,country"];
  // rows without an IKB key sort first
  np.push(",CX1,Jansen,1970-01-01", " ,CX2,Bakker,1971-02-03");
  ad.push(",AX1,CX1,NL");
  const customers: string[] = [];
  for (let i = 1; i <= shape.ikbs; i++) {
    const ikb = `K${String(i).padStart(7, "0")}`;
    const persons = rnd() < 0.2 ? 2 : 1;
    for (let p = 0; p < persons; p++) {
      const own = `C${i}-${p}`;
      const id =
        customers.length > 10 && rnd() < shape.duplicates
          ? pick(customers)
          : own;
      customers.push(own);
      const dob =
        rnd() < shape.defects
          ? ""
          : rnd() < 0.01
            ? "1970-02-30"
            : `19${50 + Math.floor(rnd() * 40)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`;
      np.push(`${ikb},${id},${pick(names)},${dob}`);
      if (rnd() < 0.005) np.push(`${ikb},${own}-bad,too,many,cells`);
      for (let a = 0; a < (rnd() < 0.7 ? 1 : 2); a++)
        ad.push(
          `${ikb},A${i}-${p}-${a},${rnd() < 0.01 ? "C-nobody" : own},${pick(["NL", "BE", "Nederland"])}`,
        );
    }
  }
  const dir = mkdtempSync(join(work, "d-"));
  writeFileSync(join(dir, "natural_person.csv"), np.join("\n") + "\n");
  writeFileSync(join(dir, "address.csv"), ad.join("\r\n") + "\r\n");
  return dir;
}

/** Validate with `threads` and write the report folder; its files (name → bytes) and the threads used. */
async function reportFiles(
  dir: string,
  threads: number,
  opts: Partial<DeliveryOptions> = {},
  l: LoadedRuleset = loaded,
): Promise<{ files: Map<string, string>; used: number; why?: string }> {
  let used = 0;
  let why: string | undefined;
  const report = await validateDelivery(dir, l, {
    rrd: "2024-03-31",
    threads,
    onThreads: (n, w) => {
      used = n;
      why = w;
    },
    ...opts,
  });
  const files = await writtenReportFiles(report, work, "base64");
  return { files, used, why };
}

describe("validate over worker threads", () => {
  const shapes: (Shape & { maxSamples?: number })[] = [
    { seed: 1, ikbs: 4000, duplicates: 0.01, defects: 0.05 },
    { seed: 2, ikbs: 3000, duplicates: 0.05, defects: 0.3, maxSamples: 3 },
    { seed: 3, ikbs: 5000, duplicates: 0.001, defects: 0.01, maxSamples: 50 },
  ];
  it.each(shapes)(
    "the report folder is byte-identical with 1, 2, 3 and 5 threads (seed $seed)",
    async (shape) => {
      const dir = generate(shape);
      const opts =
        shape.maxSamples === undefined ? {} : { maxSamples: shape.maxSamples };
      const one = await reportFiles(dir, 1, opts);
      expect(one.used).toBe(1);
      const json = JSON.parse(
        Buffer.from(one.files.get("report.json")!, "base64").toString(),
      ) as Record<
        "rules" | "secondaryRules",
        { code: string; count: number; samplesOmitted: number }[]
      >;
      const rules = [...json.rules, ...json.secondaryRules];
      // the delivery has what the test is about
      const count = (code: string) =>
        rules.find((r) => r.code === code)?.count ?? 0;
      for (const code of ["fil0003", "fil0004", "dup0001", "dmc0000"])
        expect(
          count(code),
          `${code} in ${rules.map((r) => r.code).join(" ")}`,
        ).toBeGreaterThan(0);
      if (shape.maxSamples !== undefined)
        expect(
          rules.some((r) => r.samplesOmitted > 0),
          "samples over the limit",
        ).toBe(true);
      for (const threads of [2, 3, 5]) {
        const many = await reportFiles(dir, threads, opts);
        expect(many.used, `threads used of ${threads}`).toBeGreaterThan(1);
        expect(many.used).toBeLessThanOrEqual(threads);
        expect([...many.files.keys()]).toEqual([...one.files.keys()]);
        for (const [name, bytes] of one.files)
          expect(many.files.get(name), `${name} with ${threads} threads`).toBe(
            bytes,
          );
      }
    },
    120_000,
  );

  it("a delivery without unique-key candidates (no exchange before the ranges validate), samples over the limit: the same report folder over 1, 2 and 3 threads", async () => {
    // no repeated customer: no unique-key candidates, so the ranges validate at once and their
    // partial states carry the samples of every rule up to the limit, merged in range order
    const dir = generate({
      seed: 12,
      ikbs: 25_000,
      duplicates: 0,
      defects: 0.2,
    });
    const opts = { maxSamples: 4 };
    const one = await reportFiles(dir, 1, opts);
    const json = JSON.parse(
      Buffer.from(one.files.get("report.json")!, "base64").toString(),
    ) as Record<"rules" | "secondaryRules", { samplesOmitted: number }[]>;
    expect(
      [...json.rules, ...json.secondaryRules].some((r) => r.samplesOmitted > 0),
    ).toBe(true);
    for (const threads of [2, 3]) {
      const many = await reportFiles(dir, threads, opts);
      expect(many.used).toBe(threads);
      expect(many.files).toEqual(one.files);
    }
  }, 120_000);

  it("ikb.glo@1.3.0 with duplicate depositors (dup0001, joined dup0002) and a repeated row: the same report folder over 1, 2 and 4 threads", async () => {
    const glo = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const dir = join(work, "glo");
    generateDelivery(glo.module, {
      depositors: 3000,
      seed: 11,
      defectRate: 0.1,
      markingRate: 0.02,
      duplicateRate: 0.05,
      rrd: "2024-03-31",
      out: dir,
    });
    // a repeated row: its unique key (ikb_id, account_id) twice, within its IKB
    const path = join(dir, "bank_account.csv");
    const lines = readFileSync(path, "utf8").split("\n");
    lines.splice(1000, 0, lines[1000]);
    writeFileSync(path, lines.join("\n"));
    const one = await reportFiles(dir, 1, { maxSamples: 20 }, glo);
    const json = JSON.parse(
      Buffer.from(one.files.get("report.json")!, "base64").toString(),
    ) as Record<"rules" | "secondaryRules", { code: string; count: number }[]>;
    const rules = [...json.rules, ...json.secondaryRules];
    for (const code of ["dup0001", "dup0002", "fil0003"])
      expect(
        rules.find((r) => r.code === code)?.count ?? 0,
        code,
      ).toBeGreaterThan(0);
    for (const threads of [2, 4]) {
      const many = await reportFiles(dir, threads, { maxSamples: 20 }, glo);
      expect(many.used).toBeGreaterThan(1);
      expect(many.files).toEqual(one.files);
    }
  }, 120_000);

  it("ikb.glo@1.3.0 with IKB keys holding a control character or only invisible characters: rows without a key, the same report folder over 1, 2 and 4 threads", async () => {
    const glo = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const dir = join(work, "glo-control-keys");
    generateDelivery(glo.module, {
      depositors: 3000,
      seed: 13,
      defectRate: 0.05,
      markingRate: 0.02,
      duplicateRate: 0.05,
      rrd: "2024-03-31",
      out: dir,
    });
    /** After the last row of the IKB of line `at`, a copy of it with its key `key(ikb)`: the file stays in key order. */
    const insert = (file: string, at: number, key: (ikb: string) => string) => {
      const path = join(dir, file);
      const lines = readFileSync(path, "utf8").split("\n");
      const ikb = lines[at].split(",")[0];
      let last = at;
      while (lines[last + 1]?.split(",")[0] === ikb) last++;
      const copy = lines[last].split(",");
      copy[0] = key(ikb);
      lines.splice(last + 1, 0, copy.join(","));
      writeFileSync(path, lines.join("\n"));
    };
    // keys far apart, so in different ranges; the invisible ones sort after every letter
    insert("natural_person.csv", 100, (k) => `${k}\u0000`);
    insert("natural_person.csv", 2000, (k) => `${k}\u001b[2J`);
    insert("bank_account.csv", 3000, (k) => `${k}\u0085`);
    const np = join(dir, "natural_person.csv");
    const last = readFileSync(np, "utf8").trimEnd().split("\n").pop()!;
    const rest = last.slice(last.indexOf(","));
    writeFileSync(
      np,
      readFileSync(np, "utf8").trimEnd() +
        `\n\u200b${rest}\n\u3000\u2060${rest}\n\ufeff${rest}\n`,
    );
    const one = await reportFiles(dir, 1, {}, glo);
    const json = JSON.parse(
      Buffer.from(one.files.get("report.json")!, "base64").toString(),
    ) as {
      ikbs: { ungroupedRows: number };
      files: { problems: { code: string; message: string }[] }[];
    };
    expect(json.ikbs.ungroupedRows).toBe(6);
    const messages = json.files
      .flatMap((f) => f.problems)
      .filter((p) => p.code === "input.missing-ikb-key")
      .map((p) => /ikb_id (.*?)\)/.exec(p.message)![1])
      .sort();
    expect(messages).toEqual([
      "holds the control character U+0000",
      "holds the control character U+001B",
      "holds the control character U+0085",
      "is only invisible characters: U+200B",
      "is only invisible characters: U+2060",
      "is white space only",
    ]);
    for (const threads of [2, 4]) {
      const many = await reportFiles(dir, threads, {}, glo);
      expect(many.used).toBeGreaterThan(1);
      expect(many.files).toEqual(one.files);
    }
  }, 120_000);

  it("validates a file not in IKB key order over the threads, from its runs split by key range, with the same report", async () => {
    const dir = generate({
      seed: 4,
      ikbs: 2000,
      duplicates: 0.01,
      defects: 0.1,
    });
    const path = join(dir, "natural_person.csv");
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    // the last person first: the file is sorted through runs, over the threads
    lines.splice(1, 0, lines.pop()!);
    writeFileSync(path, lines.join("\n") + "\n");
    const one = await reportFiles(dir, 1);
    const many = await reportFiles(dir, 3);
    expect(many.used).toBe(3);
    expect(many.why).toBeUndefined();
    expect(many.files).toEqual(one.files);
  });

  it("validates in one thread when a previous delivery is read", async () => {
    const dir = generate({ seed: 5, ikbs: 1000, duplicates: 0, defects: 0.1 });
    const previous = generate({
      seed: 6,
      ikbs: 1000,
      duplicates: 0,
      defects: 0.1,
    });
    const one = await reportFiles(dir, 1, { previous });
    const many = await reportFiles(dir, 4, { previous });
    expect(many.used).toBe(1);
    expect(many.why).toMatch(/previous delivery/);
    expect(many.files).toEqual(one.files);
  });

  it("'auto' keeps a small delivery in one thread", async () => {
    const dir = generate({ seed: 7, ikbs: 500, duplicates: 0, defects: 0.1 });
    let used = 0;
    await validateDelivery(dir, loaded, {
      rrd: "2024-03-31",
      threads: "auto",
      onThreads: (n) => (used = n),
    });
    expect(used).toBe(1);
  });

  it("workers start from `node --input-type=module -e …` too (the entry's options are not theirs)", () => {
    expect(
      workerExecArgv([
        "--input-type=module",
        "-e",
        "code",
        "--max-old-space-size=100",
        "--input-type",
        "module",
        "--enable-source-maps",
      ]),
    ).toEqual(["--max-old-space-size=100", "--enable-source-maps"]);
    const dir = generate({ seed: 9, ikbs: 2000, duplicates: 0, defects: 0.1 });
    const dist = (m: string) =>
      JSON.stringify(pathToFileURL(join(ROOT, "dist", "runtime", m)).href);
    const run = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { loadCompiled } = await import(${dist("load-compiled.js")});
         const { validateDelivery } = await import(${dist("delivery.js")});
         const loaded = await loadCompiled(${JSON.stringify(loaded.dir)});
         let used = 0;
         await validateDelivery(${JSON.stringify(dir)}, loaded, { rrd: "2024-03-31", threads: 2, onThreads: (n) => (used = n) });
         console.log(used);`,
      ],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("2");
  });

  it("workers of all three passes start from a process given V8 options (`--max-old-space-size`), which Node refuses for a worker", async () => {
    expect(
      refusedOptions(
        Object.assign(
          new Error(
            "Initiated Worker with invalid execArgv flags: --max-old-space-size=4096, --no-opt",
          ),
          { code: "ERR_WORKER_INVALID_EXEC_ARGV" },
        ),
      ),
    ).toEqual(["--max-old-space-size=4096", "--no-opt"]);
    expect(refusedOptions(new Error("a: b"))).toEqual([]);
    const dir = generate({
      seed: 10,
      ikbs: 2000,
      duplicates: 0.05,
      defects: 0.1,
    });
    const one = await validateDelivery(dir, loaded, { rrd: "2024-03-31" });
    const dist = (m: string) =>
      JSON.stringify(pathToFileURL(join(ROOT, "dist", "runtime", m)).href);
    const run = spawnSync(
      process.execPath,
      [
        "--max-old-space-size=4096",
        "--max-semi-space-size=16",
        "--enable-source-maps",
        "--input-type=module",
        "-e",
        // every file's scan split too (scanSplitBytes), and duplicates for the whole-file pass
        `const { loadCompiled } = await import(${dist("load-compiled.js")});
         const { validateDelivery } = await import(${dist("delivery.js")});
         const loaded = await loadCompiled(${JSON.stringify(loaded.dir)});
         let used = 0;
         const report = await validateDelivery(${JSON.stringify(dir)}, loaded, { rrd: "2024-03-31", threads: 2, scanSplitBytes: 1, onThreads: (n) => (used = n) });
         console.log(JSON.stringify({ used, rules: report.rules.map((r) => [r.code, r.count]) }));`,
      ],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    // the pool's workers stopped, and the process ended with the run (not with a top-level
    // await left unsettled: exit code 13)
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { used: number; rules: unknown };
    expect(out.used).toBe(2);
    expect(out.rules).toEqual(one.rules.map((r) => [r.code, r.count]));
    expect(out.rules).toContainEqual(["dup0001", expect.any(Number)]);
  });

  it("a failing worker fails the run with its error (no hang)", async () => {
    // no date of birth at all: dup0001 has no candidate, so no whole-file worker starts first
    // (test/runtime/parallel-whole-file.test.ts fails one of those)
    const dir = generate({
      seed: 8,
      ikbs: 3000,
      duplicates: 0.01,
      defects: 1,
    });
    // a worker refuses a compiled module other than the one the main thread loaded
    const other = { ...loaded, compiledSha256: "0".repeat(64) };
    await expect(
      validateDelivery(dir, other, { rrd: "2024-03-31", threads: 2 }),
    ).rejects.toThrow(/worker \d of the validate pass failed: .*changed/);
  });
});
