/**
 * NDJSON input keeps every JSON number as written, as a CSV cell would be: `JSON.parse` alone
 * would make `100.000000000000001` the double `100` before the checks see it, and change a sum.
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
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../runtime/report-types.js";
import { ensureBuilt, ROOT, runCli } from "./built-cli.js";

const DELIVERY = join(ROOT, "examples", "ikb-delivery");
const BASE = [
  "--ruleset",
  "ikb.glo@1.3.0",
  "--rrd",
  "2024-03-31",
  "--no-progress",
];

beforeAll(() => ensureBuilt(), 240_000);

describe("JSON numbers in NDJSON input", () => {
  it("a balance with too many decimals is a finding whether it is a JSON number or a string", () => {
    const run = runCli(
      [
        "validate",
        "-",
        "--entity",
        "BA",
        ...BASE,
        "--input-format",
        "ndjson",
        "--out",
        "-",
      ],
      {
        input:
          '{"ikb_id":"C1","account_id":"A1","balance":100.000000000000001}\n' +
          '{"ikb_id":"C1","account_id":"A2","balance":"100.000000000000001"}\n',
      },
    );
    expect(run.stdout, run.stderr).not.toBe("");
    const report = JSON.parse(run.stdout) as Report;
    const typeFindings = [...report.rules, ...report.secondaryRules].find(
      (r) => r.code === "val0001",
    )!;
    expect(typeFindings.count).toBe(2);
    expect(typeFindings.samples.map((s) => s.line).sort()).toEqual([1, 2]);
  });

  it("a folder delivery's bank_account.ndjson sums its balances exactly, as the CSV file does", () => {
    const [header, first, ...rest] = readFileSync(
      join(DELIVERY, "bank_account.csv"),
      "utf8",
    )
      .trimEnd()
      .split("\n");
    const names = header.split(",");
    const balance = names.indexOf("balance");
    const rows = [first, ...rest].map((r) => r.split(","));
    rows[0][balance] = "1234567890123456.78";
    const asCsv = mkdtempSync(join(tmpdir(), "regel-ndjson-numbers-"));
    const asNdjson = mkdtempSync(join(tmpdir(), "regel-ndjson-numbers-"));
    try {
      for (const d of [asCsv, asNdjson])
        cpSync(DELIVERY, d, { recursive: true });
      writeFileSync(
        join(asCsv, "bank_account.csv"),
        [header, ...rows.map((r) => r.join(","))].join("\n") + "\n",
      );
      rmSync(join(asNdjson, "bank_account.csv"));
      writeFileSync(
        join(asNdjson, "bank_account.ndjson"),
        rows
          .map(
            (r) =>
              `{${names
                .map((n, i) =>
                  // balance and interest as JSON numbers, written as the CSV file writes them
                  r[i] !== "" && (n === "balance" || n === "interest")
                    ? `"${n}":${r[i]}`
                    : `"${n}":${JSON.stringify(r[i])}`,
                )
                .join(",")}}`,
          )
          .join("\n") + "\n",
      );
      const total = (dir: string) => {
        const run = runCli(["validate", dir, ...BASE, "--out", "-"]);
        expect(run.stdout, run.stderr).not.toBe("");
        const report = JSON.parse(run.stdout) as Report;
        expect(report.files.find((f) => f.entity === "BA")?.file).toBe(
          dir === asNdjson ? "bank_account.ndjson" : "bank_account.csv",
        );
        return report.aggregates!.find((a) => a.name === "total_deposits")!
          .text;
      };
      // the exact sum, in cents: every balance of the file has two decimals
      const cents = rows.reduce(
        (sum, r) => sum + BigInt(r[balance].replace(".", "")),
        0n,
      );
      const exact = `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
      expect(exact).toBe("1234567933024936.02");
      const fromCsv = total(asCsv);
      expect(fromCsv).toBe(exact);
      expect(total(asNdjson)).toBe(fromCsv);
    } finally {
      rmSync(asCsv, { recursive: true, force: true });
      rmSync(asNdjson, { recursive: true, force: true });
    }
  });
});
