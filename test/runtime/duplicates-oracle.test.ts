/**
 * Duplicate depositors end to end: `regel generate --duplicate-rate` repeats earlier depositors
 * under new customer numbers (respelled as another system writes them) and adds near duplicates
 * that must not match, by the golden triangle (dup0001) and the silver one (dup0002, the address
 * joined from structured_address.csv); validating the delivery with ikb.glo 1.3.0 finds exactly
 * the ground truth (every record of every duplicate group, dup0001, dup0002 and every other rule
 * alike, with one thread and over worker threads) and no near duplicate (docs/language.md,
 * Normalisation and Joined records;
 * rulesets/ikb.glo/1.3.0.regel, dup0001 and dup0002).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import type { Report } from "../../runtime/report-types.js";
import { respell } from "../../runtime/synthetic/duplicates.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { LAST_NAMES } from "../../runtime/synthetic/identifiers.js";
import { Random } from "../../runtime/synthetic/random.js";
import { $normalizedName } from "../../compiler/helpers/normalize.js";
import { ensureBuilt } from "../source-folders.js";

const work = mkdtempSync(join(tmpdir(), "regel-duplicates-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function csv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true }) as Record<
    string,
    string
  >[];
}

function groundTruth(dir: string): Map<string, string[]> {
  const byRule = new Map<string, string[]>();
  for (const r of csv(join(dir, "ground-truth", "findings.csv"))) {
    const list = byRule.get(r.rule) ?? [];
    list.push([r.entity, r.role, r.attribute, r.key].join("|"));
    byRule.set(r.rule, list);
  }
  for (const list of byRule.values()) list.sort();
  return byRule;
}

function reported(report: Report): Map<string, string[]> {
  const byRule = new Map<string, string[]>();
  for (const rule of [...report.rules, ...report.secondaryRules]) {
    if (rule.count === 0) continue;
    expect(rule.samplesOmitted).toBe(0);
    byRule.set(
      rule.code,
      rule.samples
        .map((s) =>
          [s.entity, s.role ?? "", s.attribute ?? "", s.key].join("|"),
        )
        .sort(),
    );
  }
  return byRule;
}

describe("duplicate depositors in a generated delivery", () => {
  it("respelled names normalise to the original and are never the same text", () => {
    const random = new Random(3);
    for (let i = 0; i < 500; i++) {
      const name = random.pick(LAST_NAMES);
      const other = respell(random, name);
      expect(other).not.toBe(name);
      expect($normalizedName([other])).toBe($normalizedName([name]));
      // dmc0002's characters only
      expect(other).toMatch(/^[\p{L}\p{M}][\p{L}\p{M} '.-]*$/u);
    }
  });

  it("finds exactly the injected duplicates (both records of each) and none of the near duplicates", async () => {
    const dir = join(work, "d1");
    const rrd = "2024-03-31";
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const summary = generateDelivery(loaded.module, {
      depositors: 2000,
      seed: 11,
      defectRate: 0.1,
      markingRate: 0.02,
      duplicateRate: 0.1,
      rrd,
      out: dir,
    });
    const near = csv(join(dir, "ground-truth", "near-duplicates.csv"));
    const truth = groundTruth(dir);
    const dups = truth.get("dup0001") ?? [];
    const silver = truth.get("dup0002") ?? [];
    // not vacuous: groups and near duplicates of every kind, by both triangles
    expect(summary.findingsPerRule.dup0001).toBeGreaterThan(20);
    expect(dups.length).toBe(summary.findingsPerRule.dup0001);
    expect(summary.findingsPerRule.dup0002).toBeGreaterThan(20);
    expect(silver.length).toBe(summary.findingsPerRule.dup0002);
    expect(new Set(near.map((n) => n.differs))).toEqual(
      new Set([
        "last_name",
        "date_of_birth",
        "identification_number",
        "address",
      ]),
    );
    expect(new Set(near.map((n) => `${n.triangle} ${n.differs}`))).toEqual(
      new Set([
        "golden last_name",
        "golden date_of_birth",
        "golden identification_number",
        "silver address",
      ]),
    );

    const report = await validateDelivery(dir, loaded, {
      rrd,
      maxSamples: 1_000_000,
    });
    expect(report.rows.rejected).toBe(0);
    expect(reported(report)).toEqual(truth);
    // the same over worker threads (the whole-file passes by IKB-key range, the workers of
    // dist/runtime/pool-worker.js)
    ensureBuilt();
    for (const threads of [2, 3]) {
      const many = await validateDelivery(dir, loaded, {
        rrd,
        maxSamples: 1_000_000,
        threads,
      });
      expect(reported(many), `${threads} threads`).toEqual(truth);
    }

    // every finding names the line of the other record of its group
    const rule = report.rules.find((r) => r.code === "dup0001")!;
    for (const s of rule.samples)
      expect(s.message).toMatch(
        /^last_name=\*\*\*;date_of_birth=\*\*\*;identification_number=\*\*\*;identification_country="[A-Z]{2}" has 2 different values of customer_id in natural_person\.csv: "C\d+" \(line \d+\), "C\d+" \(line \d+\)$/,
      );
    const silverRule = report.rules.find((r) => r.code === "dup0002")!;
    expect(silverRule.samples.length).toBe(silver.length);
    for (const s of silverRule.samples)
      expect(s.message).toMatch(
        /^last_name=\*\*\*;date_of_birth=\*\*\*;SA\.postal_code=\*\*\*;SA\.house_number=\*\*\*;SA\.house_number_addition=\*\*\* has 2 different values of customer_id in natural_person\.csv: "C\d+" \(line \d+\), "C\d+" \(line \d+\)$/,
      );
    // a near duplicate is flagged by neither triangle
    const flagged = new Set(
      [...rule.samples, ...silverRule.samples].map((s) => s.key),
    );
    for (const n of near) {
      expect(flagged.has(`ikb_id=${n.ikb_id};customer_id=${n.ikb_id}`)).toBe(
        false,
      );
      expect(
        flagged.has(
          `ikb_id=${n.earlier_ikb_id};customer_id=${n.earlier_ikb_id}`,
        ),
      ).toBe(false);
    }
  });

  it("leaves the delivery as it was without --duplicate-rate", async () => {
    const loaded = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const options = {
      depositors: 300,
      seed: 5,
      defectRate: 0.2,
      markingRate: 0.05,
      rrd: "2024-03-31",
    };
    generateDelivery(loaded.module, { ...options, out: join(work, "a") });
    generateDelivery(loaded.module, {
      ...options,
      duplicateRate: 0,
      out: join(work, "b"),
    });
    for (const f of ["natural_person.csv", "ground-truth/findings.csv"])
      expect(readFileSync(join(work, "b", f), "utf8")).toBe(
        readFileSync(join(work, "a", f), "utf8"),
      );
  });
});
