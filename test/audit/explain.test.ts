/**
 * `regel explain`: a rule evaluated step by step on one record of a delivery, against the shipped
 * ikb.glo rulesets. The delivery is a copy of the runtime's GLO fixture with one record changed.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runExplain } from "../../cli/commands/explain.js";
import { interpretRule } from "../../interpreter/reference-interpreter.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { findRuleset, loadProject } from "../../dsl/project.js";
import {
  explainRule,
  explanationText,
  type Step,
} from "../../audit/explain.js";
import { writeReport } from "../../runtime/report-write.js";
import { validateFolder } from "../../runtime/validate.js";

const ROOT = join(import.meta.dirname, "..", "..");
const sha256 = (path: string) =>
  createHash("sha256").update(readFileSync(path)).digest("hex");
const dir = mkdtempSync(join(tmpdir(), "regel-explain-"));
const delivery = join(dir, "delivery");
const reportPath = join(dir, "report.json");
let glo: ResolvedRuleset;

beforeAll(async () => {
  cpSync(join(ROOT, "test", "runtime", "fixtures", "glo-delivery"), delivery, {
    recursive: true,
  });
  // A non-natural person registered in NL with neither KvK number nor RSIN (omc0019).
  const nnp = join(delivery, "non_natural_person.csv");
  writeFileSync(
    nnp,
    readFileSync(nnp, "utf8").replace("NL,12345678,123456789,", "NL,,,"),
  );
  // a report as regel validate writes it (regel explain checks it against docs/report-schema.json)
  const report = {
    reportVersion: "1.1.0",
    generator: { name: "regel", version: "0.1.0" },
    ruleset: {
      id: "ikb.glo@1.3.0",
      name: "ikb.glo",
      version: "1.3.0",
      title: null,
      validFrom: "2023-07-01",
      validUntil: null,
      sources: [],
    },
    // the sources the report was made with: the shipped ones
    provenance: {
      ruleset: {
        id: "ikb.glo@1.3.0",
        sources: ["1.2.0", "1.3.0"].map((v) => ({
          path: `ikb.glo/${v}.regel`,
          ruleset: `ikb.glo@${v}`,
          sha256: sha256(join(ROOT, "rulesets", "ikb.glo", `${v}.regel`)),
        })),
        compiled: { file: "ikb.glo@1.3.0/validators.js", sha256: null },
        sourcesChecked: "current",
      },
      groeipad: null,
      // the delivery's files as they are: explain refuses a folder whose files differ
      inputs: readdirSync(delivery)
        .sort()
        .map((file) => ({
          file,
          bytes: statSync(join(delivery, file)).size,
          sha256: sha256(join(delivery, file)),
          rows: 0,
        })),
      rrdChosenBy: "--rrd",
      options: {
        showPersonalData: false,
        maxSamples: 1000,
        maxFieldLength: 10000,
      },
    },
    rrd: "2024-03-31",
    personalDataShown: false,
    status: "accepted",
    blockingErrors: [],
    rows: { read: 0, validated: 0, rejected: 0 },
    files: [],
    ikbs: null,
    groeipad: null,
    categories: [],
    payouts: [],
    inputProblems: [],
    rules: [
      {
        code: "dmc0000",
        title: "Verplicht attribuut ontbreekt",
        meaning: null,
        severity: "signalling",
        target: "attribute",
        entities: ["NP"],
        origin: "ikb.glo@1.3.0",
        location: { file: "rulesets/ikb.glo/1.3.0.regel", line: 1, column: 1 },
        source: null,
        articles: [],
        count: 1,
        records: 1,
        percentage: 0,
        samples: [
          {
            key: "ikb_id=IKB002;customer_id=IKB002",
            entity: "NP",
            role: "D",
            attribute: "date_of_birth",
            values: { date_of_birth: null },
            message: "date_of_birth ontbreekt",
            file: "natural_person.csv",
            line: 3,
          },
        ],
        samplesOmitted: 0,
      },
    ],
    secondaryRules: [],
  };
  writeFileSync(reportPath, JSON.stringify(report));
  glo = findRuleset(await loadProject(["rulesets"]), "ikb.glo@1.3.0")!;
});

function failingLeaves(s: Step): string[] {
  const failingChildren = s.children.filter((c) => c.failing);
  if (!s.failing) return [];
  return failingChildren.length === 0
    ? [s.expr]
    : failingChildren.flatMap(failingLeaves);
}

describe("explainRule", () => {
  it("dmc0000 on a missing date of birth: the failing sub-condition is `value is present`", async () => {
    const x = await explainRule({
      ruleset: glo,
      rule: "dmc0000",
      key: "ikb_id=IKB002;customer_id=IKB002",
      folder: delivery,
      rrd: "2024-03-31",
    });
    expect(x.entity).toBe("NP");
    expect(x.line).toBe(4);
    expect(x.role).toBe("D");
    const dob = x.evaluations.find((e) => e.attribute === "date_of_birth")!;
    expect(dob.outcome).toBe("finding");
    expect(dob.require).toMatchObject({
      expr: "value is present",
      value: "false",
      failing: true,
    });
    expect(
      x.evaluations.find((e) => e.attribute === "last_name")!.outcome,
    ).toBe("pass");
  });

  it("omc0019: descends through or/and to the failing presence tests", async () => {
    const x = await explainRule({
      ruleset: glo,
      rule: "omc0019",
      key: "ikb_id=IKB003;customer_id=IKB003",
      folder: delivery,
      rrd: "2024-03-31",
    });
    const e = x.evaluations[0];
    expect(e.when).toMatchObject({
      expr: "registered_country is present",
      value: "true",
      failing: false,
    });
    expect(e.outcome).toBe("finding");
    const leaves = failingLeaves(e.require!);
    expect(leaves).toContain("coc_number is present");
    expect(leaves).toContain("rsin is present");
    // registered_country = "NL" is true: not on the failing path.
    expect(leaves).not.toContain('registered_country = "NL"');
  });

  it("agrees with the reference interpreter on whether the record has a finding", async () => {
    for (const [rule, entity, key, row] of [
      ["omc0019", "NNP", "ikb_id=IKB003;customer_id=IKB003", 0],
      ["dmc0003", "NP", "ikb_id=IKB001;customer_id=IKB001", 0],
    ] as const) {
      const x = await explainRule({
        ruleset: glo,
        rule,
        key,
        folder: delivery,
        rrd: "2024-03-31",
      });
      const file = glo.entities.get(entity)!.file!;
      const [head, ...lines] = readFileSync(join(delivery, file), "utf8")
        .trim()
        .split("\n");
      const cells = lines[row].split(",");
      const raw = Object.fromEntries(
        head.split(",").map((h, i) => [h, cells[i] ?? ""]),
      );
      const findings = interpretRule(glo, rule, entity, raw, {
        rrd: "2024-03-31",
        ikb: { [entity]: [raw] },
      });
      expect(
        x.evaluations.some((e) => e.outcome === "finding"),
        rule,
      ).toBe(findings.length > 0);
    }
  });

  it("does not explain a rule on the records of the previous delivery on a record of the delivery", async () => {
    await expect(
      explainRule({
        ruleset: glo,
        rule: "etc0008",
        key: "ikb_id=C1;account_id=A1",
        folder: delivery,
        rrd: "2024-03-31",
        entity: "BA",
      }),
    ).rejects.toThrow(/runs on the records of the previous delivery/);
  });

  it("agrees with the reference interpreter for every record rule on every record of the delivery", async () => {
    const csv = (file: string) => {
      const [head, ...lines] = readFileSync(join(delivery, file), "utf8")
        .trim()
        .split("\n");
      const cols = head.split(",");
      return lines.map((l) =>
        Object.fromEntries(l.split(",").map((c, i) => [cols[i], c])),
      );
    };
    const rows = new Map(
      [...glo.entities.values()]
        .filter((e) => e.file)
        .map((e) => [e.name, csv(e.file!)]),
    );
    let compared = 0;
    for (const rule of glo.rules) {
      const t = rule.decl.target;
      if (!t || t.kind === "FileTarget") continue;
      // `for previous E` runs on records of T−1, not of the delivery (see below)
      if (t.kind === "RecordTarget" && t.previous === true) continue;
      for (const [entity, list] of rows) {
        const e = glo.entities.get(entity)!;
        for (const raw of list) {
          const ikb = Object.fromEntries(
            [...rows].map(([n, rs]) => [
              n,
              rs.filter((r) => r.ikb_id === raw.ikb_id),
            ]),
          );
          const expected = interpretRule(glo, rule, entity, raw, {
            rrd: "2024-03-31",
            ikb,
          })
            .map((f) => f.attribute ?? "")
            .sort();
          let got: string[];
          try {
            const x = await explainRule({
              ruleset: glo,
              rule: rule.code,
              key: e.key.map((k) => `${k}=${raw[k]}`).join(";"),
              folder: delivery,
              rrd: "2024-03-31",
              entity,
            });
            got = x.evaluations
              .filter((v) => v.outcome === "finding")
              .map((v) => v.attribute ?? "")
              .sort();
          } catch (err) {
            // The rule does not run on this entity: the interpreter finds nothing either.
            expect((err as Error).message, `${rule.code} ${entity}`).toMatch(
              /does not run on/,
            );
            got = [];
          }
          expect(got, `${rule.code} on ${entity} ${raw.ikb_id}`).toEqual(
            expected,
          );
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("masks personal values unless asked", async () => {
    const args = {
      ruleset: glo,
      rule: "dmc0003",
      key: "ikb_id=IKB001;customer_id=IKB001",
      folder: delivery,
      rrd: "2024-03-31",
    };
    const masked = await explainRule(args);
    expect(JSON.stringify(masked)).not.toContain("1970-01-01");
    expect(masked.values.date_of_birth).toBe("***");
    const shown = await explainRule({ ...args, showPersonalData: true });
    expect(JSON.stringify(shown)).toContain("1970-01-01");
  });

  it("a value that does not fit its type is explained as absent, with its CSV text", async () => {
    const x = await explainRule({
      ruleset: glo,
      rule: "dmc0000",
      key: "ikb_id=IKB004;customer_id=IKB004",
      folder: delivery,
      rrd: "2024-03-31",
      showPersonalData: true,
    });
    const dob = x.evaluations.find((e) => e.attribute === "date_of_birth")!;
    expect(dob.outcome).toBe("finding");
    expect(dob.require!.children[0].note).toContain('"1980-02-30"');
    // masked, a personal field's text is not shown in the note either
    const masked = await explainRule({
      ruleset: glo,
      rule: "dmc0000",
      key: "ikb_id=IKB004;customer_id=IKB004",
      folder: delivery,
      rrd: "2024-03-31",
    });
    expect(JSON.stringify(masked)).not.toContain("1980-02-30");
    expect(
      masked.evaluations.find((e) => e.attribute === "date_of_birth")!.require!
        .children[0].note,
    ).toBe(
      "CSV text *** (personal; --show-personal-data shows it) does not fit the field's type, so it counts as absent",
    );
  });

  it("a line feed in a delivery's value starts no line of the text tree", () => {
    const text = explanationText({
      rule: "x0001",
      title: "T",
      ruleset: "t@1.0.0",
      rrd: "2024-03-31",
      entity: "BA",
      file: "ba.csv",
      line: 2,
      key: "id=1",
      role: null,
      appliesTo: ["D", "V"],
      skipped: null,
      values: {},
      evaluations: [
        {
          attribute: null,
          when: undefined,
          require: {
            expr: "label",
            value: '"Spaar\n  => pass"',
            failing: true,
            children: [],
          },
          outcome: "finding",
        },
      ],
    } as unknown as Parameters<typeof explanationText>[0]);
    expect(text.split("\n").filter((l) => l.startsWith("  => "))).toEqual([
      "  => FINDING",
    ]);
    expect(text).toContain('"Spaar\\u000a  => pass"');
  });
});

describe("explainRule on an NDJSON delivery", () => {
  it("reads <stem>.ndjson like the runtime and explains vpl001 on REF-2 (answered after 9 s)", async () => {
    const vp = findRuleset(
      await loadProject(["rulesets"]),
      "vp.bankgegevens@1.0.0",
    )!;
    const x = await explainRule({
      ruleset: vp,
      rule: "vpl001",
      key: "REF-2",
      folder: join(ROOT, "test", "runtime", "fixtures", "vp-delivery"),
      rrd: "2024-03-31",
    });
    expect(x.file).toMatch(/vp_request_log\.ndjson$/);
    expect(x.line).toBe(2);
    const e = x.evaluations[0];
    expect(e.outcome).toBe("finding");
    expect(e.require).toMatchObject({
      expr: "answered_at <= received_at + verification_answer_time",
      failing: true,
    });
    expect(e.require!.children.map((c) => c.value)).toEqual([
      "2024-03-01T10:00:09.000Z",
      "2024-03-01T10:00:05.000Z",
    ]);
  });
});

describe("regel explain (command)", () => {
  it("prints the steps and marks the failure", async () => {
    const r = await runExplain({
      report: reportPath,
      rule: "omc0019",
      record: "ikb_id=IKB003;customer_id=IKB003",
      delivery,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'omc0019 "Registratienummer niet-natuurlijk persoon ontbreekt" (ikb.glo@1.3.0, RRD 2024-03-31)',
    );
    expect(r.stdout).toMatch(/✗ coc_number is present {2}= {2}false/);
    expect(r.stdout).toContain("=> FINDING");
    expect(r.stderr).toContain("the report lists no findings of omc0019");
  });

  it("the values-only key form works; a sampled record gives no note", async () => {
    const r = await runExplain({
      report: reportPath,
      rule: "dmc0000",
      record: "IKB002;IKB002",
      delivery,
      entity: "NP",
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("bad input: no delivery, unknown rule, unknown record, file rule, not a report", async () => {
    const base = {
      report: reportPath,
      rule: "dmc0000",
      record: "ikb_id=IKB002;customer_id=IKB002",
    };
    expect((await runExplain(base)).stderr).toContain("pass --delivery DIR");
    const rule = await runExplain({ ...base, rule: "dmc9999", delivery });
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain(
      "ikb.glo@1.3.0 has no rule dmc9999; rules: cnt0001, cnt0002, cnt0003, ",
    );
    const rec = await runExplain({
      ...base,
      record: "ikb_id=NOPE;customer_id=NOPE",
      delivery,
      entity: "NP",
    });
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain(
      "keys look like: NP ikb_id=IKB001;customer_id=IKB001",
    );
    expect(
      (await runExplain({ ...base, rule: "fil0001", delivery })).stderr,
    ).toContain("a check on whole files");
    expect(
      (
        await runExplain({
          ...base,
          report: join(delivery, "address.csv"),
          delivery,
        })
      ).stderr,
    ).toContain("is not JSON");
  });
});

describe("regel explain against other rulesets than the report's", () => {
  it("refuses when a source of the ruleset's chain differs from the report's (it would answer pass for a failing record)", async () => {
    // a real report: dmc0001 (invalid BSN) fails for IKB001
    const made = await validateFolder(delivery, {
      rrd: "2024-03-31",
      compiledRoot: join(ROOT, "rulesets", "compiled"),
    });
    const dmc0001 = [...made.rules, ...made.secondaryRules].find(
      (r) => r.code === "dmc0001",
    )!;
    const key = "ikb_id=IKB001;customer_id=IKB001";
    expect(dmc0001.samples.map((x) => x.key)).toContain(key);
    const out = join(dir, "real-report");
    await writeReport(made, out);
    const real = join(out, "report.json");

    // the same rulesets with dmc0001 changed afterwards
    const changed = join(dir, "changed-rulesets");
    mkdirSync(join(changed, "ikb.glo"), { recursive: true });
    for (const v of ["1.2.0", "1.3.0"])
      writeFileSync(
        join(changed, "ikb.glo", `${v}.regel`),
        readFileSync(
          join(ROOT, "rulesets", "ikb.glo", `${v}.regel`),
          "utf8",
        ).replace(
          "require valid_bsn(identification_number)",
          "require identification_number is present",
        ),
      );
    const changedGlo = findRuleset(
      await loadProject([changed]),
      "ikb.glo@1.3.0",
    )!;
    // what explain would say against them: pass, for a record the report lists as failing
    const wrong = await explainRule({
      ruleset: changedGlo,
      rule: "dmc0001",
      key,
      folder: delivery,
      rrd: "2024-03-31",
    });
    expect(wrong.evaluations[0].outcome).toBe("pass");

    const refused = await runExplain({
      report: real,
      rule: "dmc0001",
      record: key,
      delivery,
      rulesets: changed,
    });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(
      `regel explain: the rulesets under ${changed} are not the ones the report was made with:`,
    );
    expect(refused.stderr).toMatch(
      /ruleset source ikb\.glo\/1\.3\.0\.regel \(ikb\.glo@1\.3\.0\): sha256 [0-9a-f]{12}… in the report, [0-9a-f]{12}… under /,
    );
    expect(refused.stderr).not.toContain("ikb.glo/1.2.0.regel");
    expect(refused.stderr).toContain('it could answer "pass"');

    // against the rulesets the report was made with, it explains the finding
    const right = await runExplain({
      report: real,
      rule: "dmc0001",
      record: key,
      delivery,
    });
    expect(right.code).toBe(0);
    expect(right.stdout).toContain("=> FINDING");
    expect(right.stderr).toBe("");
  });

  it("refuses a delivery whose files differ from the report's (it would answer pass for a failing record)", async () => {
    const made = await validateFolder(delivery, {
      rrd: "2024-03-31",
      compiledRoot: join(ROOT, "rulesets", "compiled"),
    });
    const out = join(dir, "report-of-the-delivery");
    await writeReport(made, out);
    const key = "ikb_id=IKB001;customer_id=IKB001";
    // another copy whose depositor has a valid BSN: dmc0001 passes there
    const other = join(dir, "other-delivery");
    cpSync(delivery, other, { recursive: true });
    const np = join(other, "natural_person.csv");
    const lines = readFileSync(np, "utf8").split("\n");
    const at = lines.findIndex((l) => l.startsWith("IKB001,IKB001,"));
    const cells = lines[at].split(",");
    const bsn = lines[0].split(",").indexOf("identification_number");
    cells[bsn] = "111222333";
    lines[at] = cells.join(",");
    writeFileSync(np, lines.join("\n"));
    const passes = await explainRule({
      ruleset: glo,
      rule: "dmc0001",
      key,
      folder: other,
      rrd: "2024-03-31",
    });
    expect(passes.evaluations[0].outcome).toBe("pass");

    const refused = await runExplain({
      report: join(out, "report.json"),
      rule: "dmc0001",
      record: key,
      delivery: other,
    });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(
      `regel explain: ${other} is not the delivery the report was made from:`,
    );
    expect(refused.stderr).toMatch(
      /input file natural_person\.csv: sha256 [0-9a-f]{12}… in the report, [0-9a-f]{12}… now/,
    );
    expect(refused.stderr).not.toContain("address.csv");
    const right = await runExplain({
      report: join(out, "report.json"),
      rule: "dmc0001",
      record: key,
      delivery,
    });
    expect(right.code).toBe(0);
    expect(right.stdout).toContain("=> FINDING");
  });

  it("a report without source hashes (reportVersion 1.0) is explained with a note", async () => {
    const old = join(dir, "old-report.json");
    const json = JSON.parse(readFileSync(reportPath, "utf8"));
    delete json.provenance;
    json.reportVersion = "1.0.0";
    writeFileSync(old, JSON.stringify(json));
    const r = await runExplain({
      report: old,
      rule: "dmc0000",
      record: "ikb_id=IKB002;customer_id=IKB002",
      delivery,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "the report (reportVersion 1.0.0) records no source hashes; cannot confirm",
    );
    expect(r.stderr).toContain(
      `the report records no input hashes; cannot confirm that ${delivery} is the delivery it was made from`,
    );
  });
});
