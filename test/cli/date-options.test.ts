/**
 * The date options (tester's defects h3): `--rrd 2024-02-30` is "not a calendar day", not
 * "expected a date YYYY-MM-DD", for `validate` and `generate` alike (generate wrote it into its
 * manifest), and `validate --generated-at` must be an ISO date-time.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, regel, ROOT } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "regel-date-options-"));
const delivery = join(ROOT, "examples", "ikb-delivery");

beforeAll(() => ensureBuilt(), 180_000);

describe("date options", () => {
  it("validate --rrd 2024-02-30 says it is not a calendar day", () => {
    const r = regel(["validate", delivery, "--rrd", "2024-02-30"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "regel validate: --rrd 2024-02-30: not a calendar day (2024-02 has no day 30)\n",
    );
  });

  it("validate --rrd 24-3-31 still asks for YYYY-MM-DD", () => {
    const r = regel(["validate", delivery, "--rrd", "24-3-31"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "regel validate: --rrd 24-3-31: expected a date YYYY-MM-DD\n",
    );
  });

  it("validate --rrd 0001-01-01 is a calendar day, refused for having no ruleset in force", () => {
    const r = regel(["validate", delivery, "--rrd", "0001-01-01"]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("expected a date");
    expect(r.stderr).toContain("0001-01-01");
  });

  it("generate --rrd 2024-02-30 is refused (exit 2) and writes nothing", () => {
    const out = join(dir, "gen-bad-rrd");
    const r = regel([
      "generate",
      "--depositors",
      "10",
      "--rrd",
      "2024-02-30",
      "--out",
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "regel generate: --rrd 2024-02-30: not a calendar day (2024-02 has no day 30)\n",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("validate --generated-at notatime is refused (exit 2) before anything is written", () => {
    const out = join(dir, "gen-at");
    const r = regel([
      "validate",
      delivery,
      "--rrd",
      "2024-03-31",
      "--generated-at",
      "notatime",
      "--out",
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "regel validate: --generated-at notatime: expected an ISO date-time with offset, e.g. 2024-04-03T14:05:00+02:00\n",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("validate --record --delivered-at yesterday is refused before the run, not after it", () => {
    const out = join(dir, "delivered-at");
    const r = regel([
      "validate",
      delivery,
      "--rrd",
      "2024-03-31",
      "--out",
      out,
      "--record",
      "--bank",
      "X",
      "--delivery-id",
      "d1",
      "--delivered-at",
      "yesterday",
      "--history",
      join(dir, "delivered-at.sqlite"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "regel validate: --delivered-at yesterday: expected an ISO date-time with offset, e.g. 2024-04-03T14:05:00+02:00\n" +
        "regel validate --record: the validation did not complete; nothing recorded\n",
    );
    expect(existsSync(out)).toBe(false);
  });
});
