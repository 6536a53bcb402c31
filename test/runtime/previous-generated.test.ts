/**
 * A previous-delivery check over two generated deliveries: `regel generate --previous-out` writes
 * T and T−1 with changes injected between them (runtime/synthetic/previous.ts), and validating T
 * with T−1 finds exactly the changes of the ground truth (`ground-truth/previous-findings.csv`)
 * with the shipped GLO 1.3.0 rules etc0005–etc0008 — no more, no fewer (etc0008: accounts of T−1
 * gone from T, within an IKB that stays and with a whole IKB); T itself is the delivery generated
 * without T−1, and T−1 validated on its own states its own row counts.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import type { Report } from "../../runtime/report-types.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";

const CODES = ["etc0005", "etc0006", "etc0007", "etc0008"];
const RRD = "2024-03-31";
const tmp = () => mkdtempSync(join(tmpdir(), "regel-previous-"));
const T = tmp();
const T1 = tmp();
const PLAIN = tmp();
let report: Report;
let previousAlone: Report;

beforeAll(async () => {
  const loaded = await loadCompiled(
    join(import.meta.dirname, "../../rulesets/compiled/ikb.glo@1.3.0"),
  );
  const opts = {
    depositors: 1500,
    seed: 7,
    defectRate: 0.05,
    markingRate: 0.02,
    rrd: RRD,
  };
  generateDelivery(loaded.module, {
    ...opts,
    out: T,
    previousOut: T1,
    changeRate: 0.1,
  });
  generateDelivery(loaded.module, { ...opts, out: PLAIN });
  report = await validateDelivery(T, loaded, {
    rrd: RRD,
    previous: T1,
    maxSamples: 100_000,
    sortBudget: 1 << 20,
  });
  previousAlone = await validateDelivery(T1, loaded, { rrd: RRD });
}, 300_000);

describe("a previous-delivery check over two generated deliveries", () => {
  it("finds exactly the changes injected between T−1 and T", () => {
    const truth = (
      parse(readFileSync(join(T, "ground-truth", "previous-findings.csv")), {
        columns: true,
      }) as Record<string, string>[]
    )
      .map((r) => `${r.rule} ${r.role} ${r.key}`)
      .sort();
    const found = [...report.rules, ...report.secondaryRules]
      .filter((r) => CODES.includes(r.code))
      .flatMap((r) =>
        r.samples.map((s) => `${r.code} ${s.role ?? ""} ${s.key}`),
      )
      .sort();
    expect(new Set(truth.map((t) => t.split(" ")[0]))).toEqual(new Set(CODES));
    expect(truth.length).toBeGreaterThan(30);
    expect(found).toEqual(truth);
  });

  it("finds the accounts gone from T: in IKBs that stay and with whole IKBs", () => {
    const gone = [...report.rules, ...report.secondaryRules].find(
      (r) => r.code === "etc0008",
    )!;
    expect(gone.samplesOmitted).toBe(0);
    const within = gone.samples.filter((s) => s.previous?.ikbDelivered);
    const whole = gone.samples.filter(
      (s) => s.previous?.ikbDelivered === false,
    );
    expect(within.length).toBeGreaterThan(5);
    expect(whole.length).toBeGreaterThan(5);
    expect(within.length + whole.length).toBe(gone.samples.length);
    // the IKBs whose accounts are gone with them are those T−1 has and T has not
    expect(new Set(whole.map((s) => s.previous!.ikb)).size).toBe(
      report.previousDelivery!.ikbsGone,
    );
    // each names its record in T−1: the file and line there, and the IKB it belonged to
    const lines = readFileSync(join(T1, "bank_account.csv"), "utf8").split(
      "\n",
    );
    for (const s of gone.samples) {
      expect(s.file).toBe("bank_account.csv");
      const [ikb, account] = lines[s.line! - 1].split(",");
      expect(s.key).toBe(`ikb_id=${ikb};account_id=${account}`);
      expect(s.previous!.ikb).toBe(ikb);
    }
  });

  it("writes T−1's own row counts: T−1 validated on its own has no count findings", () => {
    const etd = readFileSync(join(T1, "entity_type_delivery.csv"), "utf8")
      .trim()
      .split("\n");
    expect(etd.length).toBeGreaterThan(2);
    const fileRules = [
      ...previousAlone.rules,
      ...previousAlone.secondaryRules,
    ].filter((r) => r.target === "file");
    expect(fileRules.length).toBeGreaterThan(0);
    expect(fileRules.filter((r) => r.count > 0).map((r) => r.code)).toEqual([]);
  });

  it("meets IKBs that are new in T and IKBs that are gone from T", () => {
    const pd = report.previousDelivery!;
    expect(pd.given).toBe(true);
    expect(pd.ikbsMatched).toBeLessThan(report.ikbs!.count);
    expect(pd.ikbsMatched).toBeGreaterThan(report.ikbs!.count * 0.95);
    const np = pd.files.find((f) => f.entity === "NP")!;
    const ids = (dir: string) =>
      new Set(
        (
          parse(readFileSync(join(dir, "natural_person.csv")), {
            columns: true,
          }) as Record<string, string>[]
        ).map((r) => r.ikb_id),
      );
    const now = ids(T);
    const gone = [...ids(T1)].filter((k) => !now.has(k));
    expect(gone.length).toBeGreaterThan(0);
    expect(np.rows).toBeGreaterThan(0);
  });

  it("leaves T as it is generated without T−1", () => {
    for (const file of readdirSync(PLAIN).filter((f) => f.endsWith(".csv")))
      expect(readFileSync(join(T, file), "utf8")).toBe(
        readFileSync(join(PLAIN, file), "utf8"),
      );
  });
});
