/**
 * The oracle test: a synthetic delivery with known, injected defects is validated end to end, and
 * the runtime's findings must equal the generator's ground truth exactly — per rule (every finding's
 * IKB, entity, role, attribute and key), per Bijlage 3 category, and the share of IKBs meeting the
 * automated controls.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  generateDelivery,
  type GenerateSummary,
} from "../../runtime/synthetic/generate.js";
import type { Report } from "../../runtime/report-types.js";
import { injectableCodes } from "../../runtime/synthetic/defects.js";

import { ensureBuilt } from "../source-folders.js";

const work = mkdtempSync(join(tmpdir(), "regel-oracle-"));
// the multi-threaded runs start the built worker entry (dist/runtime/pool-worker.js)
beforeAll(() => ensureBuilt(), 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Case {
  ruleset: string;
  rrd: string;
  seed: number;
  depositors: number;
  defectRate: number;
  markingRate: number;
}

const CASES: Case[] = [
  {
    ruleset: "ikb.glo@1.3.0",
    rrd: "2024-03-31",
    seed: 1,
    depositors: 400,
    defectRate: 0.3,
    markingRate: 0.05,
  },
  {
    ruleset: "ikb.glo@1.3.0",
    rrd: "2023-12-31",
    seed: 2,
    depositors: 1500,
    defectRate: 0.2,
    markingRate: 0.03,
  },
  {
    ruleset: "ikb.glo@1.2.0",
    rrd: "2023-03-31",
    seed: 3,
    depositors: 800,
    defectRate: 0.3,
    markingRate: 0.05,
  },
  {
    ruleset: "ikb.glo@1.3.0",
    rrd: "2024-02-29",
    seed: 4,
    depositors: 2500,
    defectRate: 0.1,
    markingRate: 0.02,
  },
  {
    ruleset: "ikb.glo@1.2.0",
    rrd: "2022-12-31",
    seed: 5,
    depositors: 2500,
    defectRate: 0.3,
    markingRate: 0.03,
  },
];

function groundTruthFindings(dir: string): Map<string, string[]> {
  const rows = parse(readFileSync(join(dir, "ground-truth", "findings.csv")), {
    columns: true,
  }) as Record<string, string>[];
  const byRule = new Map<string, string[]>();
  for (const r of rows) {
    const list = byRule.get(r.rule) ?? [];
    list.push([r.entity, r.role, r.attribute, r.key, r.reported].join("|"));
    byRule.set(r.rule, list);
  }
  for (const list of byRule.values()) list.sort();
  return byRule;
}

function reportedFindings(report: Report): Map<string, string[]> {
  const byRule = new Map<string, string[]>();
  for (const rule of [...report.rules, ...report.secondaryRules]) {
    if (rule.count === 0) continue;
    expect(rule.samplesOmitted, `all samples of ${rule.code} are kept`).toBe(0);
    byRule.set(
      rule.code,
      rule.samples
        .map((s) =>
          [
            s.entity,
            s.role ?? "",
            s.attribute ?? "",
            s.key,
            s.reported ?? "",
          ].join("|"),
        )
        .sort(),
    );
  }
  return byRule;
}

/** Ruleset versions whose generated deliveries had a value reported as unknown ("Unknown", "Non-applicable"). */
const reportedUnknown = new Set<string>();

/** Codes injected per ruleset version over all cases: every code the generator knows must be exercised. */
const injected = new Map<string, Set<string>>();

describe.each(CASES)(
  "oracle: $ruleset seed $seed, $depositors depositors",
  (c) => {
    it("finds exactly the injected defects, categories and pass rate", async () => {
      const dir = join(work, `${c.ruleset}-${c.seed}`);
      const loaded = await loadCompiled(
        join("rulesets", "compiled", c.ruleset),
      );
      const summary: GenerateSummary = generateDelivery(loaded.module, {
        depositors: c.depositors,
        seed: c.seed,
        defectRate: c.defectRate,
        markingRate: c.markingRate,
        rrd: c.rrd,
        out: dir,
      });
      // The generator must actually have injected something of most kinds, or the test proves little.
      expect(Object.keys(summary.findingsPerRule).length).toBeGreaterThan(10);
      const seen = injected.get(c.ruleset) ?? new Set<string>();
      for (const code of Object.keys(summary.findingsPerRule)) seen.add(code);
      injected.set(c.ruleset, seen);

      const report = await validateDelivery(dir, loaded, {
        rrd: c.rrd,
        maxSamples: 1_000_000,
        threads: 1,
      });
      // multi-threaded (runtime/parallel-validate.ts): the same report, byte for byte
      let threads = 0;
      const parallel = await validateDelivery(dir, loaded, {
        rrd: c.rrd,
        maxSamples: 1_000_000,
        threads: 3,
        onThreads: (n) => (threads = n),
      });
      expect(threads, "validated over more than one thread").toBeGreaterThan(1);
      expect(JSON.stringify(parallel)).toBe(JSON.stringify(report));

      expect(report.status).toBe("accepted");
      expect(report.rows.read).toBe(
        report.rows.validated + report.rows.rejected,
      );
      expect(report.rows.rejected).toBe(0);

      expect(reportedFindings(report)).toEqual(groundTruthFindings(dir));
      for (const list of groundTruthFindings(dir).values())
        for (const f of list)
          if (f.endsWith("|unknown")) reportedUnknown.add(c.ruleset);

      const perCategory = Object.fromEntries(
        report.categories
          .filter((k) => k.count > 0)
          .map((k) => [k.name, k.count]),
      );
      expect(perCategory).toEqual(summary.ikbsPerCategory);

      expect(report.ikbs?.count).toBe(c.depositors);
      expect(report.ikbs?.meetingAutomatedControls).toBe(
        summary.ikbsMeetingAutomatedControls,
      );
      expect(report.ikbs?.percentage).toBe(
        summary.percentageMeetingAutomatedControls,
      );
    });
  },
);

describe("oracle coverage", () => {
  it("the generator delivered values as unknown, and the report said so, for both GLO versions", () => {
    expect([...reportedUnknown].sort()).toEqual([
      "ikb.glo@1.2.0",
      "ikb.glo@1.3.0",
    ]);
  });

  it.each(["ikb.glo@1.2.0", "ikb.glo@1.3.0"])(
    "every code the generator can inject for %s was injected and found",
    async (ruleset) => {
      const loaded = await loadCompiled(join("rulesets", "compiled", ruleset));
      const codes = injectableCodes(
        new Map(loaded.module.trace.map((t) => [t.code, t])),
      );
      expect(codes.length).toBeGreaterThan(20);
      expect(codes.filter((code) => !injected.get(ruleset)?.has(code))).toEqual(
        [],
      );
    },
  );
});

describe("generator", () => {
  it("is deterministic for a seed and differs between seeds", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const options = {
      depositors: 200,
      defectRate: 0.2,
      markingRate: 0.05,
      rrd: "2024-03-31",
    };
    generateDelivery(loaded.module, {
      ...options,
      seed: 7,
      out: join(work, "det-a"),
    });
    generateDelivery(loaded.module, {
      ...options,
      seed: 7,
      out: join(work, "det-b"),
    });
    generateDelivery(loaded.module, {
      ...options,
      seed: 8,
      out: join(work, "det-c"),
    });
    for (const file of [
      "natural_person.csv",
      "bank_account.csv",
      "ground-truth/findings.csv",
    ]) {
      expect(readFileSync(join(work, "det-a", file), "utf8")).toBe(
        readFileSync(join(work, "det-b", file), "utf8"),
      );
    }
    expect(
      readFileSync(join(work, "det-a", "bank_account.csv"), "utf8"),
    ).not.toBe(readFileSync(join(work, "det-c", "bank_account.csv"), "utf8"));
  });

  it("writes clean data that meets every rule when no defects or markings are asked for", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const dir = join(work, "clean");
    generateDelivery(loaded.module, {
      depositors: 1000,
      seed: 11,
      defectRate: 0,
      markingRate: 0,
      rrd: "2024-03-31",
      out: dir,
    });
    const report = await validateDelivery(dir, loaded, { rrd: "2024-03-31" });
    const fired = [...report.rules, ...report.secondaryRules]
      .filter((r) => r.count > 0)
      .map((r) => `${r.code}: ${r.samples[0]?.key}`);
    expect(fired).toEqual([]);
    expect(report.ikbs?.percentage).toBe(100);
  });

  it("refuses a code it cannot inject, naming the ones it can", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.2.0"),
    );
    expect(() =>
      generateDelivery(loaded.module, {
        depositors: 10,
        seed: 1,
        defectRate: 0.5,
        markingRate: 0,
        defects: ["omc0019"],
        rrd: "2023-03-31",
        out: join(work, "refused"),
      }),
    ).toThrow(
      /cannot inject omc0019 for ikb\.glo@1\.2\.0; injectable: .*dmc0000/,
    );
  });
});

/** The file-total findings of a report (problems whose code is a file total rule), one per rule. */
function reportedFileTotals(report: Report, codes: Set<string>): string[] {
  return report.files
    .flatMap((f) => f.problems)
    .filter((p) => codes.has(p.code))
    .map((p) => `${p.code}|${p.file}`)
    .sort();
}

describe("oracle: the row counts of entity_type_delivery.csv (issue 17 item 1)", () => {
  it.each([
    { seed: 21, countDefects: 0 },
    { seed: 22, countDefects: 1 },
    { seed: 23, countDefects: 3 },
    { seed: 24, countDefects: 9 },
  ])(
    "seed $seed with $countDefects wrong counts: exactly the injected count findings",
    async ({ seed, countDefects }) => {
      const loaded = await loadCompiled(
        join("rulesets", "compiled", "ikb.glo@1.3.0"),
      );
      const dir = join(work, `counts-${seed}`);
      const summary = generateDelivery(loaded.module, {
        depositors: 300,
        seed,
        defectRate: 0.2,
        markingRate: 0.02,
        countDefects,
        rrd: "2024-03-31",
        out: dir,
      });
      expect(summary.countDefects).toBe(countDefects);
      const expected = (
        parse(readFileSync(join(dir, "ground-truth", "file-findings.csv")), {
          columns: true,
        }) as Record<string, string>[]
      )
        .map((r) => `${r.rule}|${r.file}`)
        .sort();
      // a wrong count is found by its own rule, and a wrong bank account figure also by the sum
      if (countDefects > 0) expect(expected.length).toBeGreaterThanOrEqual(1);
      else expect(expected).toEqual([]);
      const report = await validateDelivery(dir, loaded, {
        rrd: "2024-03-31",
        maxSamples: 1_000_000,
      });
      const totals = new Set(
        (loaded.module.fileRules ?? [])
          .filter((r) => r.check === "total")
          .map((r) => r.code),
      );
      expect(reportedFileTotals(report, totals)).toEqual(expected);
      expect(report.status).toBe(
        expected.length === 0 ? "accepted" : "rejected",
      );
      // the record findings are those of the ground truth, whatever the counts say
      const records = reportedFindings(report);
      for (const code of totals) records.delete(code);
      expect(records).toEqual(groundTruthFindings(dir));
    },
  );
});
