/**
 * `regel trace`: the query over the shipped rulesets and the command's output and exit codes
 * (run in-process through `runTrace`).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runTrace } from "../../cli/commands/trace.js";
import {
  allCodes,
  similarCodes,
  traceRule,
  traceText,
} from "../../audit/trace-query.js";
import { loadProject, type Project } from "../../dsl/project.js";

/** A rulesets folder of its own holding the folder `name` with `files`; returns the rulesets folder. */
function rulesetsWith(name: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "regel-trace-"));
  mkdirSync(join(root, name));
  for (const [file, text] of Object.entries(files))
    writeFileSync(join(root, name, file), text);
  return root;
}

let project: Project;
beforeAll(async () => {
  project = await loadProject(["rulesets"]);
});

describe("traceRule on the shipped rulesets", () => {
  it("dmc0003 is traced in both GLO versions, inherited by 1.3.0 but with 1.3.0's categories", () => {
    const t = traceRule(project.rulesets, "dmc0003", {
      readText: (f) => project.texts.get(f),
    });
    expect(t.versions.map((v) => v.ruleset)).toEqual([
      "ikb.glo@1.2.0",
      "ikb.glo@1.3.0",
    ]);
    const [v12, v13] = t.versions;
    expect(v13.origin).toBe("ikb.glo@1.2.0");
    expect(v13.location).toEqual(v12.location);
    expect(v13.location.file).toBe("rulesets/ikb.glo/1.2.0.regel");
    // Bijlage 3: 1.2.0 lists "dmc0003 (D)" and "dmc0003 (V)"; 1.3.0 adds the attribute NP.date_of_birth.
    expect(
      v12.categories.map((c) => [c.category, c.role, c.attributes]),
    ).toEqual([
      ["claim", "V", []],
      ["identity", "D", []],
    ]);
    expect(
      v13.categories.map((c) => [c.category, c.role, c.attributes]),
    ).toEqual([
      ["claim", "V", ["NP.date_of_birth"]],
      ["identity", "D", ["NP.date_of_birth"]],
    ]);
    expect(v13.articles.map((a) => `${a.source} ${a.locator}`)).toContain(
      "bk bijlage 3",
    );
    expect(
      v13.examples.filter((e) => e.expect === "fail").length,
    ).toBeGreaterThan(0);
    expect(v13.examples[0].text).toMatch(/^example (pass|fail) /);
    expect(v13.require).toContain("rrd");
  });

  it("the source location points at the rule code in the file", () => {
    const v = traceRule(project.rulesets, "omc0019").versions[0];
    const line = project.texts.get(v.location.file)!.split("\n")[
      v.location.line - 1
    ];
    expect(line.slice(v.location.column - 1)).toMatch(/^omc0019\b/);
    expect(line).toMatch(/^rule omc0019/);
  });

  it("a rule only in 1.3.0 has one version; --version narrows", () => {
    expect(
      traceRule(project.rulesets, "omc0019").versions.map((v) => v.ruleset),
    ).toEqual(["ikb.glo@1.3.0"]);
    expect(
      traceRule(project.rulesets, "omc0019", { version: "1.2.0" }).versions,
    ).toEqual([]);
    expect(
      traceRule(project.rulesets, "dmc0000", {
        version: "ikb.glo@1.2.0",
      }).versions.map((v) => v.ruleset),
    ).toEqual(["ikb.glo@1.2.0"]);
  });

  it("shows the assumptions a rule rests on, and the articles that give a sourced meaning", () => {
    const read = { readText: (f: string) => project.texts.get(f) };
    const [dmc] = traceRule(project.rulesets, "dmc0001", read).versions;
    expect(dmc.meaningFrom).toEqual([]);
    expect(dmc.assumptions).toEqual([
      {
        text: "dmc0001 = a Dutch identification number (BSN) fails the eleven-test.",
        location: {
          file: "rulesets/ikb.glo/1.3.0.regel",
          line: 256,
          column: 3,
        },
      },
      {
        text: "checked for depositors and representatives (Bijlage 4 control 3.5 item 3, 3.7 d); the category table's (D) decides that only a depositor's counts for identity.",
        location: {
          file: "rulesets/ikb.glo/1.3.0.regel",
          line: 257,
          column: 3,
        },
      },
    ]);
    const [vpl] = traceRule(project.rulesets, "vpl001", read).versions;
    expect(vpl.meaningFrom).toEqual([
      {
        source: "bvb",
        sourceTitle: "Besluit verwijzingsportaal bankgegevens",
        locator: "art 3 lid 4",
      },
    ]);
    expect(vpl.assumptions).toHaveLength(1);
    const [fil] = traceRule(project.rulesets, "fil0001", read).versions;
    expect(fil.meaningFrom.map((a) => a.locator)).toEqual([
      "bijlage 4 control 5.3",
    ]);
    // the meaning is the source's; that a missing file blocks the delivery is the ruleset's reading
    expect(fil.assumptions.map((a) => a.text)).toEqual([
      expect.stringMatching(/^blocking: a delivery without one of its files/),
    ]);
  });

  it("a rule that feeds no category says so with an empty list", () => {
    const secondary = allCodes(project.rulesets).find((c) =>
      traceRule(project.rulesets, c).versions.some(
        (v) => v.categories.length === 0,
      ),
    );
    expect(secondary).toBeDefined();
  });

  it("similarCodes proposes near codes, closest first", () => {
    expect(similarCodes("dmc003", ["dmc0003", "omc0019", "dmc0004"])[0]).toBe(
      "dmc0003",
    );
    expect(similarCodes("DMC0003", ["dmc0003"])).toEqual(["dmc0003"]);
    expect(similarCodes("zzz", ["dmc0003"])).toEqual([]);
  });
});

describe("regel trace (command)", () => {
  it("prints the text trace and exits 0", async () => {
    const r = await runTrace("dmc0000", { version: "1.3.0" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dmc0000 in ikb.glo@1.3.0");
    expect(r.stdout).toContain("declared:   rulesets/ikb.glo/1.3.0.regel:");
    expect(r.stdout).toContain("notification (D) on ");
    expect(r.stdout).not.toContain("ikb.glo@1.2.0 (valid");
  });

  it("--json is the trace as data", async () => {
    const r = await runTrace("dmc0001", { json: true });
    const data = JSON.parse(r.stdout);
    expect(data.code).toBe("dmc0001");
    expect(data.versions[0].severity).toBe("signalling");
    expect(data.versions[0].roles).toEqual(["D", "V"]);
    expect(data.versions[0].meaningFrom).toEqual([]);
    expect(data.versions[0].assumptions[0].text).toBe(
      "dmc0001 = a Dutch identification number (BSN) fails the eleven-test.",
    );
  });

  it("prints the assumptions, and where a meaning comes from", async () => {
    const glo = await runTrace("dmc0001");
    expect(glo.stdout).toContain(
      "  assumptions:\n    dmc0001 = a Dutch identification number (BSN) fails the eleven-test.  (rulesets/ikb.glo/1.3.0.regel:256)\n",
    );
    const vp = await runTrace("vpl003");
    expect(vp.stdout).toContain(
      "the connected party uses in its operations.\n              (from bvb art 9 lid 2)\n",
    );
    expect(vp.stdout).not.toContain("assumptions:");
  });

  it("an unknown code exits 2 and lists close codes", async () => {
    const r = await runTrace("dmc003");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /unknown validation code `dmc003`; did you mean `dmc0003`/,
    );
  });

  it("a far-off code exits 2 and lists all known codes", async () => {
    const r = await runTrace("qqq9");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("known codes: cnt0001, cnt0002, cnt0003, ");
    expect(r.stderr).toContain(", dmc0000, ");
  });

  it("a version without the code exits 2 and names the versions that have it", async () => {
    const r = await runTrace("omc0019", { version: "1.2.0" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("it is in ikb.glo@1.3.0");
  });

  it("a version that does not exist says so, not that the code is missing from it (outside re-try)", async () => {
    const r = await runTrace("dmc0001", { version: "9.9.9" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "regel trace: there is no version 9.9.9 of ikb.glo; `dmc0001` is in ikb.glo@",
    );
  });

  it("an unknown name in rulesets without rules says what trace takes, not an empty list of codes (outside re-try)", async () => {
    const root = rulesetsWith("t.cl", {
      "1.0.0.regel": `ruleset t.cl@1.0.0\n  valid from 2024-01-01\n  source br "B"\n\ncodelist cl "C"\n  assumption "a"\n  value "A"\n`,
    });
    const r = await runTrace("cl", { rulesets: root });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("known codes:");
    expect(r.stderr).toContain(
      "unknown validation code `cl`; these rulesets declare no rules; `regel trace` takes the validation code of a rule",
    );
  });

  it("a missing ruleset folder exits 2", async () => {
    const r = await runTrace("dmc0000", { rulesets: "no/such/folder" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no such file or folder");
  });
});

describe("traceRule lists the reference-data tables a rule reads", () => {
  it("an inline table and a CSV table with its sha256, in the order named", async () => {
    const csv = "code,name\nS1,Banks\nS2,Households\n";
    const root = rulesetsWith("t.rd", {
      "sectors.csv": csv,
      "1.0.0.regel": `ruleset t.rd@1.0.0
  source bk "B"

table rates "Rates"
  column currency: text key
  column rate: decimal
  row "EUR", 1.0

table sectors "Sectors"
  file "sectors.csv"
  column code: text key
  column name: text

entity BA "Account"
  file "ba.csv"
  key id
  field id: text(9) required
  field currency: text(3)
  field sector: text(3)

rule rd0001 "Bekend"
  assumption "test"
  severity signalling
  implements bk 1
  for BA
  require sector in sectors and lookup(rates.rate, currency) > 0
  example pass BA { id: "1", sector: "S1", currency: "EUR" }
  example fail BA { id: "1", sector: "S9", currency: "EUR" }
`,
    });
    const p = await loadProject([root]);
    const t = traceRule(p.rulesets, "rd0001");
    const sha = createHash("sha256").update(csv).digest("hex");
    expect(
      t.versions[0]!.tables.map((x) => [x.name, x.rows, x.sha256]),
    ).toEqual([
      ["sectors", 2, sha],
      ["rates", 1, null],
    ]);
    expect(traceText(t)).toContain(
      `sectors "Sectors" (code: text key, name: text), 2 rows from ${join(root, "t.rd", "sectors.csv")} sha256 ${sha}`,
    );
  });
});

describe("the text trace of a hostile ruleset", () => {
  it("a line feed in a title or meaning starts no line of its own", async () => {
    const root = rulesetsWith("t.lf", {
      "1.0.0.regel": `ruleset t.lf@1.0.0
  source bk "B"

entity BA "Account"
  file "ba.csv"
  key id
  field id: text(9) required
  field note: text(9)

rule lf0001 "Note\\nseverity:   signalling"
  meaning "A note.\\n  class:      none"
  assumption "test"
  severity blocking
  implements bk 1
  for BA.note
  require value is absent
  example pass BA { id: "1" }
  example fail BA { id: "1", note: "x" }
`,
    });
    const p = await loadProject([root]);
    const lines = traceText(traceRule(p.rulesets, "lf0001")).split("\n");
    expect(lines.filter((l) => l.startsWith("  severity:"))).toEqual([
      "  severity:   blocking",
    ]);
    expect(lines).toContain("  title:      Note\\u000aseverity:   signalling");
    expect(lines).toContain("  meaning:    A note.\\u000a  class:      none");
  });
});
