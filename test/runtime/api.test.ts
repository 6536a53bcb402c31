import { afterEach, describe, expect, it, vi } from "vitest";
import { Command } from "commander";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  selectRuleset,
  compareVersions,
  inForce,
} from "../../runtime/select-version.js";
import {
  validateCsv,
  validateIkbs,
  validateRecords,
  validateFolder,
} from "../../runtime/validate.js";
import type { Finding } from "../../runtime/index.js";
import { register } from "../../cli/commands/validate.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { REPORT_VERSION } from "../../runtime/report-types.js";
import { COMPILED, fake, FIXTURES } from "./helpers.js";

describe("version selection", () => {
  it("compares versions and validity periods", () => {
    expect(compareVersions("1.10.0", "1.9.9")).toBeGreaterThan(0);
    expect(compareVersions("1.3.0-rc.1", "1.3.0")).toBeLessThan(0);
    expect(inForce("2023-06-30", "2020-01-01", "2023-07-01")).toBe(true);
    expect(inForce("2023-07-01", "2020-01-01", "2023-07-01")).toBe(false);
  });

  it("picks the version in force on the RRD", async () => {
    const a = await selectRuleset({ root: COMPILED, rrd: "2023-06-30" });
    const b = await selectRuleset({ root: COMPILED, rrd: "2023-07-01" });
    expect(a.module.metadata.id).toBe("fake.ikb@1.0.0");
    expect(b.module.metadata.id).toBe("fake.ikb@1.1.0");
    const pinned = await selectRuleset({
      root: COMPILED,
      ruleset: "fake.ikb@1.0.0",
      rrd: "2024-01-01",
    });
    expect(pinned.module.metadata.id).toBe("fake.ikb@1.0.0");
    await expect(
      selectRuleset({ root: COMPILED, rrd: "2019-01-01" }),
    ).rejects.toThrow(/no compiled ruleset/);
    await expect(
      selectRuleset({ root: COMPILED, ruleset: "nope@1.0.0" }),
    ).rejects.toThrow(/not compiled/);
  });
});

describe("embedding API", () => {
  it("validates a stream of records with typed findings", async () => {
    const rs = await fake();
    async function* rows() {
      yield {
        ikb_id: "I1",
        customer_id: "C1",
        last_name: "Jansen",
        date_of_birth: "1970-01-01",
      };
      yield { ikb_id: "I1", customer_id: "C2", date_of_birth: "1970-13-01" };
    }
    const out = [];
    for await (const r of validateRecords(rs, "NP", rows(), {
      rrd: "2022-12-31",
    }))
      out.push(r);
    expect(out[0].passed).toBe(true);
    expect(out[0].record).toMatchObject({
      customer_id: "C1",
      date_of_birth: 0,
    });
    expect(out[1].passed).toBe(false);
    expect(out[1].findings.map((f) => [f.rule, f.attribute]).sort()).toEqual([
      ["dmc0000", "date_of_birth"],
      ["dmc0000", "last_name"],
      ["fmt0001", "date_of_birth"],
    ]);
  });

  it("gives every finding its rule's law: title, articles and assumptions, one frozen object per rule", async () => {
    const rs = await loadCompiled(
      join("rulesets", "compiled", "ikb.glo@1.3.0"),
    );
    const trace = new Map(rs.module.trace.map((t) => [t.code, t]));
    const { Readable } = await import("node:stream");
    const findings: Finding[] = [];
    const np = { ikb_id: "C1", customer_id: "C1", date_of_birth: "2030-01-01" };
    for await (const r of validateRecords(rs, "NP", [np, { ...np }], {
      rrd: "2024-03-01",
    }))
      findings.push(...r.findings);
    for await (const r of validateCsv(
      rs,
      "NP",
      Readable.from(["ikb_id,customer_id,date_of_birth\nC1,C1,1970-13-01\n"]),
      { rrd: "2024-03-01" },
    ))
      if (r.kind === "record") findings.push(...r.findings);
    for await (const r of validateIkbs(
      rs,
      [
        {
          key: "C1",
          records: { NP: [np], BA: [{ ikb_id: "C1", account_id: "A1" }] },
        },
      ],
      { rrd: "2024-03-01" },
    ))
      findings.push(...r.findings);
    // No last name, born after the RRD (so a minor without representation), no names, no
    // address; a date that is no real day.
    expect(new Set(findings.map((f) => f.rule))).toEqual(
      new Set([
        "dmc0000",
        "dmc0003",
        "smc0001",
        "smc0006",
        "smc0011",
        "val0001",
      ]),
    );
    for (const f of findings) {
      const t = trace.get(f.rule)!;
      expect(f.law).toBe(rs.module.laws[f.rule]);
      expect(f.law).toEqual({
        code: f.rule,
        title: t.title,
        articles: t.articles,
        assumptions: t.assumptions,
      });
      expect(Object.isFrozen(f.law) && Object.isFrozen(f.law.articles)).toBe(
        true,
      );
    }
    const dmc0003 = findings.find((f) => f.rule === "dmc0003")!;
    expect(dmc0003.law.title).toBe("Geboortedatum onwaarschijnlijk");
    expect(dmc0003.law.articles.map((a) => `${a.source} ${a.locator}`)).toEqual(
      ["bk bijlage 3", "bk bijlage 4 control 3.5", "bk bijlage 4 control 3.7"],
    );
    expect(dmc0003.law.assumptions[0]).toMatch(/^dmc0003 = the date of birth/);
    // Two findings of one rule share the one law: nothing is allocated per finding.
    const both = findings.filter((f) => f.rule === "dmc0003");
    expect(both.length).toBeGreaterThan(1);
    expect(both[0].law).toBe(both[1].law);
  });

  it("gives findings a law from the trace for modules compiled before findings carried one", async () => {
    const rs = await fake();
    const out: Finding[] = [];
    for await (const r of validateRecords(
      rs,
      "NP",
      [{ ikb_id: "I1", customer_id: "C2" }],
      { rrd: "2022-12-31" },
    ))
      out.push(...r.findings);
    expect(out.map((f) => f.law.code)).toEqual(out.map((f) => f.rule));
    expect(out[0].law.title).toBe(
      rs.module.trace.find((t) => t.code === out[0].rule)!.title,
    );
    expect(out[0].law).toBe(rs.module.laws[out[0].rule]);
  });

  it("validates a CSV stream of one entity, with lines and rejected rows", async () => {
    const rs = await fake();
    const { Readable } = await import("node:stream");
    const csv =
      "customer_id,ikb_id,last_name,date_of_birth\nC1,I1,Jansen,1970-01-01\nC2,I1\nC3,I1,Smit,1970-02-30\n";
    const out = [];
    for await (const r of validateCsv(
      rs,
      "NP",
      Readable.from([Buffer.from(csv)]),
      { rrd: "2022-12-31" },
    ))
      out.push(r);
    expect(out.map((r) => [r.kind, r.line])).toEqual([
      ["record", 2],
      ["rejected", 3],
      ["record", 4],
    ]);
    const last = out[2];
    expect(
      last.kind === "record" && last.findings.map((f) => [f.rule, f.line]),
    ).toEqual([
      ["fmt0001", 4],
      ["dmc0000", 4],
    ]);
  });

  it("validates and classifies whole IKBs", async () => {
    const rs = await fake();
    const res = [];
    for await (const r of validateIkbs(
      rs,
      [
        {
          key: "I1",
          records: {
            NP: [
              {
                ikb_id: "I1",
                customer_id: "I1",
                last_name: "J",
                date_of_birth: "1970-01-01",
              },
            ],
            BA: [["I1", "A1", "I1", "5.00"]],
          },
        },
        {
          key: "I2",
          records: {
            NP: [{ ikb_id: "I2", customer_id: "I2", last_name: "K" }],
          },
        },
      ],
      { rrd: "2022-12-31" },
    ))
      res.push(r);
    expect(res[0].classification).toEqual({
      categories: [],
      payoutsBlocked: [],
      meetsAutomatedControls: true,
    });
    expect(res[0].records.BA[0]).toMatchObject({ balance: 500n });
    expect(res[1].classification.categories).toEqual(["amount", "identity"]);
  });

  it("validates a folder end to end", async () => {
    const r = await validateFolder(join(FIXTURES, "delivery-ok"), {
      rrd: "2022-12-31",
      compiledRoot: COMPILED,
    });
    expect(r.ruleset.id).toBe("fake.ikb@1.0.0");
    expect(r.rows.read).toBe(7);
  });
});

describe("regel validate (in process)", () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  async function cli(args: string[]) {
    let stdout = "";
    let stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation(
      (s: string | Uint8Array) => ((stdout += String(s)), true),
    );
    vi.spyOn(process.stderr, "write").mockImplementation(
      (s: string | Uint8Array) => ((stderr += String(s)), true),
    );
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync(["node", "regel", "validate", ...args]);
    vi.restoreAllMocks();
    const code = process.exitCode;
    process.exitCode = undefined;
    return { code, stdout, stderr };
  }

  it("writes JSON, HTML and CSV samples; exit 0 when accepted", async () => {
    const out = mkdtempSync(join(tmpdir(), "regel-out-"));
    const r = await cli([
      join(FIXTURES, "delivery-ok"),
      "--rrd",
      "2022-12-31",
      "--compiled",
      COMPILED,
      "--out",
      out,
      "--no-progress",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("status: ACCEPTED");
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(json.reportVersion).toBe(REPORT_VERSION);
    expect(existsSync(join(out, "report.html"))).toBe(true);
    expect(existsSync(join(out, "samples", "dmc0000.csv"))).toBe(true);
  });

  it("--json prints the report; the same input gives the same bytes", async () => {
    const args = [
      join(FIXTURES, "delivery-ok"),
      "--rrd",
      "2022-12-31",
      "--compiled",
      COMPILED,
      "--json",
      "--no-progress",
    ];
    const a = await cli(args);
    const b = await cli(args);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).status).toBe("accepted");
  });

  it("exit 1 when rejected, 2 on usage errors", async () => {
    const rejected = await cli([
      join(FIXTURES, "delivery-missing"),
      "--rrd",
      "2022-12-31",
      "--compiled",
      COMPILED,
      "--no-progress",
    ]);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain("fil0001");
    expect(
      (await cli(["/nonexistent-folder", "--rrd", "2022-12-31"])).code,
    ).toBe(2);
    expect(
      (await cli([FIXTURES, "--rrd", "2022-13-45", "--compiled", COMPILED]))
        .code,
    ).toBe(2);
    const noRs = await cli([
      join(FIXTURES, "delivery-ok"),
      "--rrd",
      "1999-01-01",
      "--compiled",
      COMPILED,
    ]);
    expect(noRs.code).toBe(2);
    expect(noRs.stderr).toMatch(/no compiled ruleset/);
    const noRoot = await cli([
      join(FIXTURES, "delivery-ok"),
      "--rrd",
      "2022-12-31",
      "--compiled",
      join(FIXTURES, "no-such-folder"),
    ]);
    expect(noRoot.code).toBe(2);
    expect(noRoot.stderr).toMatch(
      /--compiled .*no-such-folder is not a folder/,
    );
  });
});
