/**
 * Declared aggregates computed by `regel validate` (runtime/aggregates.ts): counts, exact sums,
 * filters by category and marking, shares and findings per rule, in report.json.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { decimalText } from "../../runtime/aggregates.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import {
  AGGREGATES_DELIVERY,
  AGGREGATES_RULESET,
} from "./aggregate-fixture.js";
import { delivery } from "./helpers.js";

let loaded: LoadedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(AGGREGATES_RULESET, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.aggregates@1.0.0"));
}, 120_000);

describe("aggregates in report.json", () => {
  it("gives every declared aggregate its value on the delivery", async () => {
    const report = await validateDelivery(
      delivery(AGGREGATES_DELIVERY),
      loaded,
      { rrd: "2024-06-30" },
    );
    expect(report.reportVersion).toBe("1.5.0");
    expect(
      report.aggregates?.map((a) => [a.name, a.unit, a.value, a.text]),
    ).toEqual([
      ["depositors", "count", 3, "3"],
      ["accounts", "count", 4, "4"],
      // exact: 100.10 + 0.20 + 50.00 - 10.00, never 140.29999999999998
      ["total_deposits", "amount", 140.3, "140.30"],
      // an absent value takes no part
      ["covered_deposits", "amount", 150.3, "150.30"],
      ["identity_balance", "amount", 50, "50.00"],
      ["share_identity", "percent", 100 / 3, "33.33 % (1 of 3)"],
      ["share_unreliable", "percent", 100 / 3, "33.33 % (1 of 3)"],
      ["missing_names", "count", 1, "1"],
    ]);
  });

  it("are absent from a report whose ruleset declares none", async () => {
    const report = await validateDelivery(
      delivery({ "natural_person.csv": "ikb_id,customer_id\n" }),
      { ...loaded, module: { ...loaded.module, aggregates: undefined } },
      { rrd: "2024-06-30" },
    );
    expect("aggregates" in report).toBe(false);
  });

  it("a share of no IKBs is not computed, never 0 %", async () => {
    const report = await validateDelivery(
      delivery({
        "natural_person.csv": "ikb_id,customer_id,last_name,reliability\n",
        "bank_account.csv": "ikb_id,account_id,balance,covered\n",
      }),
      loaded,
      { rrd: "2024-06-30" },
    );
    const share = report.aggregates?.find((a) => a.name === "share_identity");
    expect(share?.value).toBeNull();
    expect(share?.text).toBe("not computed: the delivery has no IKBs");
  });
});

describe("decimalText", () => {
  it("writes unscaled values exactly", () => {
    expect(decimalText(14030n, 2)).toBe("140.30");
    expect(decimalText(-5n, 2)).toBe("-0.05");
    expect(decimalText(7n, 0)).toBe("7");
  });
});
