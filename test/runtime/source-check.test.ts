/**
 * Compiled output that matches its source: `regel validate` refuses a compiled ruleset whose
 * `.regel` sources (found beside the compiled root) changed since it was compiled, and says in the
 * report whether the sources could be checked at all.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  loadRuleset,
  RegelError,
  StaleRulesetError,
  validateCsv,
  validateFolder,
  validateIkbs,
  validateRecords,
} from "../../runtime/index.js";
import { checkSources } from "../../runtime/source-check.js";
import { FIXTURES } from "./helpers.js";
import {
  compileInto,
  NP_CSV,
  provenanceFixture,
  type ProvenanceFixture,
} from "./provenance-fixture.js";

const MAIN = join(import.meta.dirname, "..", "..", "dist", "cli", "main.js");

function regel(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function drain(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

let fx: ProvenanceFixture;
beforeEach(async () => {
  fx = await provenanceFixture();
});

describe("stale compiled output", () => {
  it("validate refuses a ruleset whose parent source changed, naming the ruleset, the source and `regel compile`", async () => {
    const parent = join(fx.rulesets, "t.prov", "1.0.0.regel");
    writeFileSync(
      parent,
      readFileSync(parent, "utf8").replace("Naam ontbreekt", "Naam leeg"),
    );
    const r = regel(
      fx.root,
      "validate",
      "delivery",
      "--rrd",
      "2021-06-01",
      "--no-progress",
      "--compiled",
      "rulesets/compiled",
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "the compiled ruleset t.prov@1.1.0 in rulesets/compiled/t.prov@1.1.0 is stale",
    );
    expect(r.stderr).toContain(
      "its source rulesets/t.prov/1.0.0.regel (t.prov@1.0.0, in the chain of t.prov@1.1.0) changed since it was compiled",
    );
    expect(r.stderr).toContain("Run `regel compile rulesets`");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // the embedding API refuses too
    await expect(
      validateFolder(fx.delivery, {
        rrd: "2021-06-01",
        compiledRoot: fx.compiled,
      }),
    ).rejects.toThrow(StaleRulesetError);

    // compiled again, it validates with the new rules
    await compileInto(fx.rulesets, fx.compiled);
    const again = await validateFolder(fx.delivery, {
      rrd: "2021-06-01",
      compiledRoot: fx.compiled,
    });
    expect(
      [...again.rules, ...again.secondaryRules].find(
        (x) => x.code === "dmc0001",
      )?.title,
    ).toBe("Naam leeg");
    expect(again.provenance?.ruleset.sourcesChecked).toBe("current");
  });

  it("a StaleRulesetError is a RegelError with code REGEL_STALE_RULESET, from validateFolder and the record API alike", async () => {
    const parent = join(fx.rulesets, "t.prov", "1.0.0.regel");
    // loaded while current: the record API validates with it
    const current = await loadRuleset("t.prov@1.1.0", {
      compiledRoot: fx.compiled,
    });
    const rows = [{ customer_id: "C1" }];
    const before = await drain(
      validateRecords(current, "NP", rows, { rrd: "2021-06-01" }),
    );
    expect(before).toHaveLength(1);
    writeFileSync(
      parent,
      readFileSync(parent, "utf8").replace("Naam ontbreekt", "Naam leeg"),
    );
    const folder = await validateFolder(fx.delivery, {
      rrd: "2021-06-01",
      compiledRoot: fx.compiled,
    }).catch((e) => e);
    expect(folder).toBeInstanceOf(StaleRulesetError);
    expect(folder).toBeInstanceOf(RegelError);
    expect(folder.code).toBe("REGEL_STALE_RULESET");
    expect(folder.name).toBe("StaleRulesetError");

    // the record API refused nothing: it ran the old rules of a stale ruleset
    const stale = await loadRuleset("t.prov@1.1.0", {
      compiledRoot: fx.compiled,
    });
    const opts = { rrd: "2021-06-01" };
    for (const run of [
      () => drain(validateRecords(stale, "NP", rows, opts)),
      () =>
        drain(
          validateIkbs(stale, [{ key: "C1", records: { NP: rows } }], opts),
        ),
      () => drain(validateCsv(stale, "NP", [NP_CSV], opts)),
    ]) {
      const e = await run().catch((x) => x);
      expect(e).toBeInstanceOf(StaleRulesetError);
      expect(e.code).toBe("REGEL_STALE_RULESET");
      // the same message as validateFolder's
      expect(e.message).toBe(folder.message);
    }
    // the module itself, imported without its folder, has nothing to compare with
    expect(
      await drain(validateRecords(stale.module, "NP", rows, opts)),
    ).toHaveLength(1);
  });

  it("sources that differ are stale; sources none of which is there were not found", async () => {
    const r = checkSources(
      [
        { path: "t.prov/1.0.0.regel", ruleset: "t.prov@1.0.0", sha256: "0" },
        { path: "t.prov/1.1.0.regel", ruleset: "t.prov@1.1.0", sha256: "1" },
      ],
      fx.rulesets,
    );
    expect(r.status).toBe("stale");
    expect(r.changed.map((c) => c.path)).toEqual([
      "t.prov/1.0.0.regel",
      "t.prov/1.1.0.regel",
    ]);
    const missing = checkSources(
      [{ path: "t.prov/0.9.0.regel", ruleset: "t.prov@0.9.0", sha256: "0" }],
      fx.rulesets,
    );
    expect(missing.status).toBe("not-found");
  });

  it("without the sources beside the compiled root it runs, and the report says the sources were not checked", async () => {
    const report = await validateFolder(fx.delivery, {
      rrd: "2021-06-01",
      compiledRoot: fx.compiled,
    });
    expect(report.provenance?.ruleset.sourcesChecked).toBe("current");

    // an installed package that ships only compiled output
    const elsewhere = join(
      mkdtempSync(join(tmpdir(), "regel-installed-")),
      "compiled",
    );
    cpSync(fx.compiled, elsewhere, { recursive: true });
    const r = regel(
      fx.root,
      "validate",
      "delivery",
      "--rrd",
      "2021-06-01",
      "--no-progress",
      "--compiled",
      elsewhere,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.provenance.ruleset.sourcesChecked).toBe("not-found");
    expect(json.provenance.ruleset.sources.map((s: any) => s.path)).toEqual([
      "t.prov/1.0.0.regel",
      "t.prov/1.1.0.regel",
    ]);

    // a module that records no source hashes (hand-written, or compiled by an older regel)
    const fake = await validateFolder(join(FIXTURES, "delivery-ok"), {
      rrd: "2022-12-31",
      compiledRoot: join(FIXTURES, "compiled"),
      ruleset: "fake.ikb@1.0.0",
    });
    expect(fake.provenance?.ruleset.sourcesChecked).toBe("unrecorded");
  });
});
