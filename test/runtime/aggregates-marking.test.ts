/**
 * An aggregate's `with E.f = "VALUE"` filter and a category's `marking E.f = "VALUE"` follow one
 * rule (runtime/aggregates.ts, compiler/emit-classify.ts): a value that does not fit the field's
 * type (kept in `$invalid`, found only by `value is valid`) counts as the marking, an empty field
 * does not. Otherwise the report's aggregate and its category count disagree on the same IKBs.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { compileAndImport } from "../compiler/compile-harness.js";
import { AGGREGATES_RULESET } from "./aggregate-fixture.js";
import { delivery } from "./helpers.js";

// the fixture's ruleset with a category on the marking its `share_unreliable` filters on
const RULESET = `${AGGREGATES_RULESET}
category unreliable "Betrouwbaarheid niet gegarandeerd"
  blocks identity_established
  implements bk bijlage 3
  marking NP.reliability = "NIET GEGARANDEERD"
`;

let loaded: LoadedRuleset;

beforeAll(async () => {
  const { dir } = await compileAndImport(RULESET, "t.regel");
  loaded = await loadCompiled(join(dir, "out", "t.aggregates@1.0.0"));
}, 120_000);

describe("aggregates: a malformed marking counts as the marking, as in the classification", () => {
  it("counts the IKB whose marking field holds a value not in its code list, not the one with an empty field", async () => {
    const report = await validateDelivery(
      delivery({
        "natural_person.csv":
          "ikb_id,customer_id,last_name,reliability\n" +
          "C1,C1,Jansen,GEGARANDEERD\n" +
          "C2,C2,Visser,\n" +
          "C3,C3,Bakker,NIET GEGARANDEERD\n" +
          "C4,C4,Smit,NIET GEGARANDEERDX\n",
        "bank_account.csv":
          "ikb_id,account_id,balance,covered\n" + "C1,A1,1.00,1.00\n",
      }),
      loaded,
      { rrd: "2024-06-30" },
    );
    const category = report.categories.find((c) => c.name === "unreliable");
    // C3 (the marking) and C4 (a malformed value) are in the category; C2 (empty) is not
    expect(category?.count).toBe(2);
    const share = report.aggregates?.find((a) => a.name === "share_unreliable");
    expect(share?.text).toBe("50.00 % (2 of 4)");
  });
});
