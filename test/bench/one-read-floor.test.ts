/**
 * The one-read floor of the bench (bench/one-read-floor.ts): it reads every IKB file once and
 * assembles the same IKBs as `regel validate`, and it refuses files that are not in IKB key order.
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { oneReadFloor } from "../../bench/one-read-floor.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";

const EXAMPLE = "examples/ikb-delivery";
const COMPILED = "rulesets/compiled/ikb.glo@1.3.0";
const scratch = mkdtempSync(join(tmpdir(), "regel-floor-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("bench: the one-read floor", () => {
  it("assembles the IKBs validate counts, from every row of the IKB files", async () => {
    const floor = await oneReadFloor(EXAMPLE, COMPILED, "2024-03-31");
    const report = await validateDelivery(
      EXAMPLE,
      await loadCompiled(COMPILED),
      { rrd: "2024-03-31" },
    );
    expect(floor.ikbs).toBe(report.ikbs!.count);
    // the IKB files' rows: every data row but those of the two metadata files
    const metadataRows = ["attribute_delivery.csv", "entity_type_delivery.csv"]
      .map(
        (f) =>
          readFileSync(join(EXAMPLE, f), "utf8").trimEnd().split("\n").length -
          1,
      )
      .reduce((a, b) => a + b, 0);
    expect(floor.rows).toBe(report.rows.read - metadataRows);
    expect(floor.problems).toBe(0);
    expect(floor.findings).toBeGreaterThan(0);
    expect(floor.compiledMs).toBeGreaterThan(0);
    expect(floor.compiledMs).toBeLessThan(floor.ms);
  });

  it("refuses a file that is not in IKB key order", async () => {
    const dir = join(scratch, "unsorted");
    cpSync(EXAMPLE, dir, { recursive: true });
    const file = join(dir, "bank_account.csv");
    const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split("\n");
    writeFileSync(file, [header, ...rows.reverse()].join("\n") + "\n");
    await expect(oneReadFloor(dir, COMPILED, "2024-03-31")).rejects.toThrow(
      /bank_account\.csv is not in IKB key order at line \d+: /,
    );
  });
});
