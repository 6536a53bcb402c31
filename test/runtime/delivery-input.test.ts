/**
 * Reading a delivery safely (issue 16): no foreign code is imported, header problems never echo
 * personal data, and the common mistakes (another separator, a folder or FIFO in a file's place,
 * a column name that differs in case or spaces) get a message that says what to fix.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shownColumn, validateDelivery } from "../../runtime/delivery.js";
import { defaultCompiledRoot } from "../../runtime/load-compiled.js";
import { selectRuleset } from "../../runtime/select-version.js";
import { summaryText } from "../../runtime/report-text.js";
import type { Report } from "../../runtime/report-types.js";
import { BA_HEADER, delivery, fake, NP_HEADER } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SHIPPED = join(ROOT, "rulesets", "compiled");
const EXAMPLE = join(ROOT, "examples", "ikb-delivery");
const MAIN = join(ROOT, "dist", "cli", "main.js");

const work = mkdtempSync(join(tmpdir(), "regel-input-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A compiled-ruleset folder whose module leaves `marker` behind when it is imported. */
function trap(root: string, id: string, marker: string, validFrom: string) {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "validators.js"),
    `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "imported");\nexport const metadata = {};\n`,
  );
  const [name, version] = id.split("@");
  writeFileSync(
    join(dir, "trace.json"),
    JSON.stringify({
      metadata: { name, version, id, validFrom },
      entities: [{ name: "NP", file: "natural_person.csv", fields: [] }],
    }),
  );
}

function regel(args: string[], cwd: string) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    encoding: "utf8",
  });
}

describe("no foreign code", () => {
  it("`regel validate . --rrd` in a folder holding rulesets/compiled does not import it", () => {
    const dir = join(work, "foreign");
    cpSync(EXAMPLE, dir, { recursive: true });
    const marker = join(work, "foreign-imported");
    trap(join(dir, "rulesets", "compiled"), "x@1.0.0", marker, "2000-01-01");
    const run = regel(
      ["validate", ".", "--rrd", "2024-03-31", "--no-progress", "--json"],
      dir,
    );
    expect(existsSync(marker)).toBe(false);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.ruleset.id).toBe("ikb.glo@1.3.0");
    expect(report.filesNotRead).toContainEqual({
      name: "rulesets",
      kind: "folder",
      reason: "a folder, not a file of ikb.glo@1.3.0",
    });
    // it says that the local folder is not used, and how to use it
    expect(run.stderr).toContain(
      `note: ${join(dir, "rulesets", "compiled")} is not used`,
    );
    expect(run.stderr).toContain("--compiled");
  });

  it("`regel generate` there does not import it either", () => {
    const dir = mkdtempSync(join(work, "foreign-gen-"));
    const marker = join(dir, "imported");
    trap(
      join(dir, "rulesets", "compiled"),
      "ikb.glo@9.0.0",
      marker,
      "2000-01-01",
    );
    const run = regel(
      ["generate", "--depositors", "3", "--seed", "1", "--out", "d"],
      dir,
    );
    expect(run.stderr).not.toMatch(/    at /);
    expect(run.status).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(run.stdout).toMatch(/^ikb\.glo@1\.3\.0: 3 depositors/);
  });

  it("choosing in a named root reads trace.json and imports only the chosen module", async () => {
    const root = join(work, "named-root");
    cpSync(join(SHIPPED, "ikb.glo@1.3.0"), join(root, "ikb.glo@1.3.0"), {
      recursive: true,
    });
    const markers = [join(work, "old-imported"), join(work, "other-imported")];
    // one out of force, one in force but with no file in the delivery
    trap(root, "ikb.glo@0.1.0", markers[0], "1990-01-01");
    writeFileSync(
      join(root, "ikb.glo@0.1.0", "trace.json"),
      JSON.stringify({
        metadata: {
          name: "ikb.glo",
          version: "0.1.0",
          validFrom: "1990-01-01",
          validUntil: "1991-01-01",
        },
        entities: [{ file: "natural_person.csv" }],
      }),
    );
    trap(root, "other@1.0.0", markers[1], "2000-01-01");
    writeFileSync(
      join(root, "other@1.0.0", "trace.json"),
      JSON.stringify({
        metadata: { name: "other", version: "1.0.0" },
        entities: [{ file: "other.csv" }],
      }),
    );
    const rs = await selectRuleset({
      root,
      rrd: "2024-03-31",
      deliveryFiles: readdirSync(EXAMPLE),
    });
    expect(rs.module.metadata.id).toBe("ikb.glo@1.3.0");
    for (const m of markers) expect(existsSync(m), m).toBe(false);
  });

  it("a pinned name must be a compiled folder of the root, not a path", async () => {
    await expect(
      selectRuleset({ root: SHIPPED, ruleset: "../compiled/ikb.glo@1.3.0" }),
    ).rejects.toThrow(/is not compiled/);
  });

  it("the default root is the package's own, whatever the working directory", () => {
    const dir = mkdtempSync(join(work, "cwd-"));
    mkdirSync(join(dir, "rulesets", "compiled"), { recursive: true });
    const before = process.cwd();
    process.chdir(dir);
    try {
      expect(defaultCompiledRoot()).toBe(SHIPPED);
    } finally {
      process.chdir(before);
    }
  });
});

describe("header problems never echo personal data", () => {
  /** The example's natural_person.csv without its header: line 1 is a depositor. */
  function headerless(): { dir: string; personal: string[] } {
    const dir = mkdtempSync(join(work, "headerless-"));
    for (const f of readdirSync(EXAMPLE))
      if (f.endsWith(".csv")) cpSync(join(EXAMPLE, f), join(dir, f));
    const lines = readFileSync(join(dir, "natural_person.csv"), "utf8").split(
      "\n",
    );
    writeFileSync(join(dir, "natural_person.csv"), lines.slice(1).join("\n"));
    // first_names, last_name, date_of_birth, identification_number of the first depositor
    const cells = lines[1].split(",");
    return { dir, personal: [cells[3], cells[5], cells[6]] };
  }

  it("a CSV without a header row: no cell of its first row appears in any report form", () => {
    const { dir, personal } = headerless();
    expect(personal).toEqual(["Sanne", "1994-07-18", "260277009"]);
    const out = join(work, "headerless-out");
    const run = regel(
      ["validate", dir, "--rrd", "2024-03-31", "--out", out, "--no-progress"],
      ROOT,
    );
    expect(run.status).toBe(1);
    const outputs = [run.stdout, run.stderr];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(d, e.name));
        else outputs.push(readFileSync(join(d, e.name), "utf8"));
    };
    walk(out);
    expect(outputs.length).toBeGreaterThan(3);
    for (const text of outputs)
      for (const value of personal) expect(text).not.toContain(value);
    const report = JSON.parse(
      readFileSync(join(out, "report.json"), "utf8"),
    ) as Report;
    const np = report.files.find((f) => f.entity === "NP")!;
    expect(np.problems.map((p) => p.code)).toEqual(["input.no-header"]);
    expect(np.problems[0].message).toMatch(
      /^line 1 is not a header: none of its 12 cells is a column of NP \(expected ikb_id, customer_id, .*\)\. Does the file start without a header row\?/,
    );
    // the first line is a record too: all 347 are counted, none validated
    expect(np).toMatchObject({ rowsRead: 347, rowsRejected: 347 });
  });

  it("an unknown header cell is shown only when it looks like a column name", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv":
          "ikb_id,customer_id,last_name,date_of_birth,reliability_indicator_code,260277009,extra_column,Branch Office\nI1,I1,J,1970-01-01,,,,\n",
        "bank_account.csv": BA_HEADER + "I1,A1,I1,1.00\n",
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    expect(r.files[0].problems.map((p) => p.message)).toEqual([
      "column 6 (9 characters, not shown: not a column name) is not a field of NP; it is ignored",
      'column "extra_column" is not a field of NP; it is ignored',
      'column "Branch Office" is not a field of NP; it is ignored',
    ]);
  });

  it("shownColumn: a BSN, a date, an IBAN or an e-mail address is never shown", () => {
    for (const v of [
      "260277009",
      "1994-07-18",
      "NL91ABNA0417164300",
      "j@x.nl",
      "a".repeat(65),
    ])
      expect(shownColumn(v, 2)).toBe(
        `column 3 (${v.length} characters, not shown: not a column name)`,
      );
    expect(shownColumn("date_of_birth", 0)).toBe('column "date_of_birth"');
  });
});

describe("clear messages for common mistakes", () => {
  async function run(files: Record<string, string>): Promise<Report> {
    return validateDelivery(delivery(files), await fake(), {
      rrd: "2022-12-31",
    });
  }
  const BA = BA_HEADER + "I1,A1,I1,1.00\n";

  it("a `;`-separated file: says so, and how to fix it", async () => {
    const r = await run({
      "natural_person.csv":
        "ikb_id;customer_id;last_name;date_of_birth;reliability_indicator_code\nI1;I1;Jansen;1970-01-01;\n",
      "bank_account.csv": BA,
    });
    expect(r.files[0].problems).toEqual([
      {
        code: "input.wrong-delimiter",
        severity: "blocking",
        file: "natural_person.csv",
        line: 1,
        message:
          "this file looks `;`-separated: the header holds 5 `;`-separated column names; regel reads comma-separated files (RFC 4180): save it with `,` as the separator",
      },
    ]);
    expect(r.files[0]).toMatchObject({ rowsRead: 1, rowsRejected: 1 });
  });

  it("a tab-separated file too", async () => {
    const r = await run({
      "natural_person.csv": NP_HEADER.replaceAll(",", "\t"),
      "bank_account.csv": BA,
    });
    expect(r.files[0].problems[0].message).toMatch(
      /^this file looks tab-separated/,
    );
  });

  it("a header-less `;`-separated file: no header, and a hint at the separator", async () => {
    const r = await run({
      "natural_person.csv": "I1;I1;Jansen;1970-01-01;\n",
      "bank_account.csv": BA,
    });
    expect(r.files[0].problems[0].code).toBe("input.no-header");
    expect(r.files[0].problems[0].message).toMatch(
      /The line holds `;`: is the file separated by it\?$/,
    );
    expect(r.files[0].problems[0].message).not.toContain("Jansen");
  });

  it("a folder where a file is expected", async () => {
    const dir = delivery({ "bank_account.csv": BA });
    mkdirSync(join(dir, "natural_person.csv"));
    const r = await validateDelivery(dir, await fake(), { rrd: "2022-12-31" });
    expect(r.files[0].problems[0]).toMatchObject({
      code: "fil0001",
      message:
        "natural_person.csv (NP) is a folder, not a regular file: it is not read; put the CSV file itself in the delivery",
    });
    expect(r.filesNotRead).toEqual([
      {
        name: "natural_person.csv",
        kind: "folder",
        reason: "a folder, not a regular file",
      },
    ]);
  });

  it.skipIf(process.platform === "win32")(
    "a FIFO where a file is expected: reported, never opened (the run does not hang)",
    async () => {
      const dir = delivery({ "bank_account.csv": BA });
      const made = spawnSync("mkfifo", [join(dir, "natural_person.csv")]);
      expect(made.status).toBe(0);
      const r = await validateDelivery(dir, await fake(), {
        rrd: "2022-12-31",
      });
      expect(r.files[0].problems[0].message).toBe(
        "natural_person.csv (NP) is a FIFO (named pipe), not a regular file: it is not read; put the CSV file itself in the delivery",
      );
      expect(r.status).toBe("rejected");
    },
  );

  it("a column name that differs only in case or trailing space: did you mean", async () => {
    const r = await run({
      "natural_person.csv":
        "ikb_id,customer_id,Last_Name,date_of_birth ,reliability_indicator_code\nI1,I1,Jansen,1970-01-01,\n",
      "bank_account.csv": BA,
    });
    expect(r.files[0].problems.map((p) => [p.code, p.message])).toEqual([
      [
        "input.unknown-column",
        'column "Last_Name" is not a field of NP; did you mean "last_name"? (column names must match exactly, in case and spaces too); it is ignored',
      ],
      [
        "input.unknown-column",
        'column "date_of_birth " is not a field of NP; did you mean "date_of_birth"? (column names must match exactly, in case and spaces too); it is ignored',
      ],
      [
        "fil0002",
        'column "last_name" (NP.last_name) is missing from the header (column 3 is "Last_Name": names must match exactly, in case and spaces too)',
      ],
      [
        "fil0002",
        'column "date_of_birth" (NP.date_of_birth) is missing from the header (column 4 is "date_of_birth ": names must match exactly, in case and spaces too)',
      ],
    ]);
  });

  it("a file name that differs only in case: did you mean", async () => {
    const r = await run({
      "Natural_Person.csv": NP_HEADER + "I1,I1,Jansen,1970-01-01,\n",
      "bank_account.csv": BA,
    });
    expect(r.files[0].problems[0].message).toBe(
      'file natural_person.csv (NP) is not in the delivery; the delivery holds "Natural_Person.csv": file names must match exactly, in case, spaces and invisible characters too',
    );
    expect(summaryText(r)).toContain(
      'Natural_Person.csv (not a file of fake.ikb@1.0.0; did you mean natural_person.csv? (file names must match exactly; this one is "Natural_Person.csv"))',
    );
  });

  it("a file name with a trailing space or an invisible character: did you mean, with what cannot be seen written out", async () => {
    for (const [name, shown] of [
      ["natural_person.csv ", "natural_person.csv\\u{20}"],
      ["natural_person.csv\u200b", "natural_person.csv\\u{200B}"],
      ["\ufeffnatural_person.csv", "\\u{FEFF}natural_person.csv"],
    ]) {
      const r = await run({
        [name]: NP_HEADER + "I1,I1,Jansen,1970-01-01,\n",
        "bank_account.csv": BA,
      });
      expect(r.files[0].problems[0].message).toBe(
        `file natural_person.csv (NP) is not in the delivery; the delivery holds "${shown}": file names must match exactly, in case, spaces and invisible characters too`,
      );
      expect(r.filesNotRead).toContainEqual({
        name,
        kind: "file",
        reason: `not a file of fake.ikb@1.0.0; did you mean natural_person.csv? (file names must match exactly; this one is "${shown}")`,
      });
    }
  });

  it("a symbolic link that cannot be followed: says so, not 'missing' or 'a device'", async () => {
    const dir = delivery({ "bank_account.csv": BA });
    symlinkSync("natural_person.csv", join(dir, "natural_person.csv"));
    symlinkSync(join(dir, "nowhere.csv"), join(dir, "extra.csv"));
    const r = await validateDelivery(dir, await fake(), { rrd: "2022-12-31" });
    const np = r.files.find((f) => f.file === "natural_person.csv")!;
    expect(np.readStatus).toBe("missing");
    expect(np.problems[0].message).toBe(
      "natural_person.csv (NP) is a symbolic link that cannot be followed (its target is missing, or links loop), not a regular file: it is not read; put the CSV file itself in the delivery",
    );
    expect(r.filesNotRead).toEqual([
      {
        name: "extra.csv",
        kind: "other",
        reason:
          "a symbolic link that cannot be followed (its target is missing, or links loop), not a file of fake.ikb@1.0.0",
      },
      {
        name: "natural_person.csv",
        kind: "other",
        reason:
          "a symbolic link that cannot be followed (its target is missing, or links loop), not a regular file",
      },
    ]);
  });
});
