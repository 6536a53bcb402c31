import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
import { validateDelivery } from "../../runtime/delivery.js";
import { reportToJson } from "../../runtime/report-json.js";
import { REPORT_VERSION } from "../../runtime/report-types.js";
import { BA_HEADER, delivery, fake, FIXTURES, NP_HEADER } from "./helpers.js";

const schema = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "../../docs/report-schema.json"),
    "utf8",
  ),
);

describe("docs/report-schema.json", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv); // check the `date` / `date-time` formats too
  const validate = ajv.compile(schema);

  it("accepts the reports the runtime writes (accepted, rejected, with bad input)", async () => {
    const rs = await fake();
    const reports = [
      await validateDelivery(join(FIXTURES, "delivery-ok"), rs, {
        rrd: "2022-12-31",
        generatedAt: "2024-01-01T00:00:00Z",
      }),
      await validateDelivery(join(FIXTURES, "delivery-missing"), rs, {
        rrd: "2019-12-31",
      }),
      await validateDelivery(
        delivery({
          "natural_person.csv": NP_HEADER + 'I1,"x\n',
          "bank_account.csv": BA_HEADER + "a,b\n",
        }),
        rs,
        {
          rrd: "2024-06-30",
        },
      ),
      // 1.1.0: a row without an IKB key, a file not read, a delivery without records
      await validateDelivery(
        delivery({
          "natural_person.csv": NP_HEADER + ",C1,X,1970-01-01,\n",
          "bank_account.csv": BA_HEADER,
          "manifest.json": "{}",
        }),
        rs,
        { rrd: "2022-12-31" },
      ),
      await validateDelivery(
        delivery({ "natural_person.csv": NP_HEADER }),
        rs,
        { rrd: "2022-12-31" },
      ),
    ];
    expect(reports[3].ikbs!.ungroupedRows).toBe(1);
    expect(reports[3].filesNotRead!.length).toBe(1);
    expect(reports[4].deliveryProblems!.length).toBe(1);
    for (const r of reports) {
      const ok = validate(JSON.parse(reportToJson(r)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
    expect(reports[1].groeipad).toBeNull();
    expect(reports[2].groeipad).toMatchObject({ year: 2024, norm: 100 });
  });

  it("names the report version the runtime writes", () => {
    expect(REPORT_VERSION).toMatch(
      new RegExp(schema.properties.reportVersion.pattern),
    );
  });

  it("rejects a report with an unknown property (the schema is closed)", async () => {
    const r = JSON.parse(
      reportToJson(
        await validateDelivery(join(FIXTURES, "delivery-ok"), await fake(), {
          rrd: "2022-12-31",
        }),
      ),
    );
    r.extra = 1;
    expect(validate(r)).toBe(false);
  });
});
