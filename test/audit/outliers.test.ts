/**
 * The outlier method (audit/outliers.ts): the robust z-score on known figures, its invariance
 * under a change of unit, a series with one injected jump flagged at that jump and nowhere else,
 * "not evaluated" without enough history, and peers seen only as a position.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  evaluateHistory,
  evaluateOutliers,
  evaluatePeers,
  median,
  robustZ,
  roundsBefore,
  toExplain,
  type Observation,
  type OutlierSpec,
} from "../../audit/outliers.js";

const HISTORY: OutlierSpec = {
  name: "own_history",
  title: "Own history",
  compare: "history",
  method: "robust_z",
  threshold: 3.5,
  window: 8,
  minimum: 4,
  watch: ["ikbs", "percentage", "blocking_errors", "errors", "findings"],
};
const PEERS: OutlierSpec = {
  ...HISTORY,
  name: "peers",
  compare: "peers",
  minimum: 2,
};

/** A quarterly RRD: quarter i from 2021 on. */
function rrdOf(i: number): string {
  const y = 2021 + Math.floor(i / 4);
  const m = [3, 6, 9, 12][i % 4];
  const d = m === 3 || m === 12 ? 31 : 30;
  return `${y}-${String(m).padStart(2, "0")}-${d}`;
}

/** A deterministic small wobble (no randomness: the test must be reproducible). */
const wobble = (i: number, size: number) => ((i * 7919) % 13) - 6 * (size / 6);

function run(
  bank: string,
  i: number,
  over: Partial<Observation> = {},
): Observation & { accepted: boolean } {
  return {
    bank,
    deliveryId: `${bank}-${i}`,
    rrd: rrdOf(i),
    ikbs: 10_000 + Math.round(wobble(i, 6) * 10),
    percentage: 97 + wobble(i, 6) / 20,
    blockingErrors: 0,
    errors: 300 + Math.round(wobble(i, 6) * 3),
    findings: { dmc0000: 200 + Math.round(wobble(i, 6) * 2), omc0001: 100 },
    aggregates: {},
    accepted: true,
    ...over,
  };
}

describe("robust z-score", () => {
  it("is 0.6745 (x - median) / MAD on known figures", () => {
    // values 1..9: median 5, deviations 4,3,2,1,0,1,2,3,4 -> MAD 2
    const r = robustZ(13, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.median).toBe(5);
    expect(r.mad).toBe(2);
    expect(r.z).toBeCloseTo((0.6745 * 8) / 2, 10);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("falls back to the mean absolute deviation when the MAD is 0, and to infinity when all are equal", () => {
    // median 10, deviations 0,0,0,5 -> MAD 0, mean AD 1.25
    const r = robustZ(15, [10, 10, 10, 15]);
    expect(r.mad).toBe(0);
    expect(r.z).toBeCloseTo(5 / (1.2533 * 1.25), 10);
    expect(robustZ(11, [10, 10, 10]).z).toBe(Infinity);
    expect(robustZ(9, [10, 10, 10]).z).toBe(-Infinity);
    expect(robustZ(10, [10, 10, 10]).z).toBe(0);
  });

  it("does not change with the unit of the figures (z(a x + b) = z(x) for a > 0)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), {
          minLength: 3,
          maxLength: 12,
        }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -500, max: 500 }),
        (values, x, a, b) => {
          const z1 = robustZ(x, values).z;
          const z2 = robustZ(
            a * x + b,
            values.map((v) => a * v + b),
          ).z;
          if (!Number.isFinite(z1)) expect(z2).toBe(z1);
          else expect(z2).toBeCloseTo(z1, 6);
        },
      ),
    );
  });
});

describe("outliers against the bank's own history", () => {
  it("flags a series of deliveries at the one injected jump and nowhere else", () => {
    const JUMP = 9;
    const runs = Array.from({ length: 14 }, (_, i) =>
      run(
        "bank-a",
        i,
        i === JUMP
          ? {
              findings: { dmc0000: 2_000, omc0001: 100 },
              errors: 2_100,
            }
          : {},
      ),
    );
    const flagged: string[] = [];
    const notEvaluated: number[] = [];
    for (let i = 0; i < runs.length; i++) {
      const [check] = evaluateOutliers([HISTORY], runs[i], runs);
      if (check.status === "not evaluated") notEvaluated.push(i);
      for (const s of check.series)
        if (s.status === "outlier")
          flagged.push(`${i} ${s.series} ${s.direction}`);
    }
    expect(notEvaluated).toEqual([0, 1, 2, 3]);
    expect(flagged).toEqual([
      `${JUMP} errors high`,
      `${JUMP} findings dmc0000 high`,
    ]);
  });

  it("gives a count at least the spread of chance: 1 finding every time, then 2, is usual; then 10 is not", () => {
    const spec = { ...HISTORY, watch: ["findings omc0001"] };
    const earlier = Array.from({ length: 6 }, (_, i) =>
      run("bank-a", i, { findings: { omc0001: 1 } }),
    );
    const judged = (n: number) =>
      evaluateHistory(
        spec,
        run("bank-a", 6, { findings: { omc0001: n } }),
        earlier,
      ).series[0];
    expect(judged(2)).toMatchObject({ status: "usual", z: 1 });
    expect(judged(10)).toMatchObject({
      status: "outlier",
      z: 9,
      direction: "high",
    });
    // not a count: a share keeps the plain robust z (all equal, any change is an outlier)
    const share = { ...HISTORY, watch: ["percentage"] };
    const flat = earlier.map((o) => ({ ...o, percentage: 97 }));
    expect(
      evaluateHistory(share, run("bank-a", 6, { percentage: 96.5 }), flat)
        .series[0],
    ).toMatchObject({ status: "outlier", z: null, direction: "low" });
  });

  it("says why it is not evaluated without enough history, never 'usual'", () => {
    const runs = [0, 1].map((i) => run("bank-a", i));
    const current = run("bank-a", 2);
    const check = evaluateHistory(HISTORY, current, runs);
    expect(check.status).toBe("not evaluated");
    expect(check.reason).toBe(
      "only 2 earlier deliveries of bank bank-a recorded; at least 4 are needed",
    );
    expect(check.series).toEqual([]);
    expect(evaluateHistory(HISTORY, current, []).reason).toMatch(
      /no earlier delivery of bank bank-a is recorded/,
    );
  });

  it("uses only the last `window` rounds, one per RRD (the accepted delivery, else the last)", () => {
    const runs = [
      ...Array.from({ length: 10 }, (_, i) => run("bank-a", i)),
      // a rejected first try for the round of run 9, recorded before the accepted one
      { ...run("bank-a", 9), deliveryId: "bank-a-9-try", accepted: false },
      run("bank-b", 3),
    ];
    const rounds = roundsBefore(runs, "bank-a", rrdOf(10));
    expect(rounds.map((r) => r.deliveryId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `bank-a-${i}`),
    );
    const check = evaluateHistory(HISTORY, run("bank-a", 10), rounds);
    expect(check.comparedWith).toBe(8);
    const errors = check.series.find((s) => s.series === "errors")!;
    expect(errors.history!.map((h) => h.deliveryId)).toEqual(
      Array.from({ length: 8 }, (_, i) => `bank-a-${i + 2}`),
    );
    expect(errors.band!.low).toBeLessThan(errors.band!.median);
    expect(errors.band!.high).toBeGreaterThan(errors.band!.median);
  });

  it("reads declared aggregates and does not evaluate one the history did not record", () => {
    const spec = { ...HISTORY, watch: ["aggregates", "aggregate covered"] };
    const earlier = Array.from({ length: 5 }, (_, i) =>
      run("bank-a", i, { aggregates: { depositors: 5_000 + i } }),
    );
    const current = run("bank-a", 5, {
      aggregates: { depositors: 9_000, covered: 1e9 },
    });
    const check = evaluateHistory(spec, current, earlier);
    expect(check.series.map((s) => [s.series, s.status])).toEqual([
      ["aggregate covered", "not evaluated"],
      ["aggregate depositors", "outlier"],
    ]);
    expect(check.series[0].reason).toMatch(/recorded in only 0 of the earlier/);
    expect(toExplain([check])).toEqual([
      expect.stringMatching(
        /^aggregate depositors: 9000 is unusually high against the bank's own history/,
      ),
    ]);
  });
});

describe("outliers against peers", () => {
  it("compares per 1,000 IKBs and shows only the bank's own value and position", () => {
    // three banks of very different size with the same error rate, one with ten times the rate
    const banks = [
      run("small", 4, { ikbs: 1_000, errors: 30 }),
      run("mid", 4, { ikbs: 10_000, errors: 310 }),
      run("large", 4, { ikbs: 100_000, errors: 2_900 }),
      run("odd", 4, { ikbs: 20_000, errors: 6_000 }),
    ];
    const checks = banks.map((b) =>
      evaluatePeers({ ...PEERS, watch: ["errors", "ikbs"] }, b, banks),
    );
    const errors = checks.map((c) =>
      c.series.find((s) => s.series === "errors")!,
    );
    expect(errors.map((s) => s.status)).toEqual([
      "usual",
      "usual",
      "usual",
      "outlier",
    ]);
    expect(errors[3]).toMatchObject({
      value: 300,
      direction: "high",
      position: { rank: 4, of: 4 },
    });
    // the size itself is not compared
    expect(checks[0].series.find((s) => s.series === "ikbs")!.status).toBe(
      "not evaluated",
    );
    // no other bank's figure anywhere in the result
    const text = JSON.stringify(checks[3]);
    for (const figure of [
      "1000",
      "10000",
      "100000",
      '"30"',
      "310",
      "2900",
      '"history":',
    ])
      expect(text).not.toContain(figure);
    expect(toExplain([checks[3]])[0]).toMatch(
      /^errors: 300 per 1,000 IKBs is unusually high against 3 other banks \(position 4 of 4/,
    );
  });

  it("is not evaluated with too few other banks at the same RRD", () => {
    const runs = [run("a", 4), run("b", 4), run("c", 3)];
    const [check] = evaluateOutliers([PEERS], runs[0], runs);
    expect(check.status).toBe("not evaluated");
    expect(check.reason).toBe(
      `only 1 other bank recorded a delivery for RRD ${rrdOf(4)} in the history; at least 2 needed`,
    );
  });
});
