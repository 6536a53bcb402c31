/**
 * Verdicts that cannot be silently wrong (issue 10 §1): rows without an IKB key stay in the
 * denominator, ruleset selection never picks a ruleset that does not fit the delivery, a delivery
 * without records is not accepted, rows after a rejected header are accounted, and the RRD is
 * never guessed.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Command } from "commander";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { validateDelivery } from "../../runtime/delivery.js";
import { parseCsvText } from "../../runtime/csv-reader.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { selectRuleset } from "../../runtime/select-version.js";
import { summaryText } from "../../runtime/report-text.js";
import { renderHtml } from "../../runtime/html-report.js";
import { sampleFiles } from "../../runtime/report-csv.js";
import { register } from "../../cli/commands/validate.js";
import type { Report } from "../../runtime/report-types.js";
import { BA_HEADER, COMPILED, delivery, fake, NP_HEADER } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SHIPPED = join(ROOT, "rulesets", "compiled");
const EXAMPLE = join(ROOT, "examples", "ikb-delivery");
const MAIN = join(ROOT, "dist", "cli", "main.js");

const work = mkdtempSync(join(tmpdir(), "regel-verdicts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function accounted(r: Report) {
  expect(r.rows.read).toBe(r.rows.validated + r.rows.rejected);
  for (const f of r.files)
    expect(f.rowsRead, f.file).toBe(f.rowsValidated + f.rowsRejected);
}

function keyProblems(r: Report): string[] {
  return r.files
    .flatMap((f) => f.problems)
    .filter((p) => p.code === "input.missing-ikb-key")
    .map((p) => `${p.file}:${p.line}`)
    .sort();
}

describe("rows without an IKB key stay in the denominator", () => {
  it("blanking ikb_id in every row of the failing IKBs of the example no longer gives ACCEPTED, 100 %, met", async () => {
    const dir = join(work, "blank-keys");
    cpSync(EXAMPLE, dir, { recursive: true });
    const failing = new Set(
      (
        parse(readFileSync(join(dir, "ground-truth", "ikbs.csv")), {
          columns: true,
        }) as { ikb_id: string; categories: string }[]
      )
        .filter((r) => r.categories !== "")
        .map((r) => r.ikb_id),
    );
    expect(failing.size).toBe(45);
    const blanked: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".csv"))) {
      const lines = readFileSync(join(dir, name), "utf8").split("\n");
      for (let i = 1; i < lines.length; i++) {
        const comma = lines[i].indexOf(",");
        if (failing.has(lines[i].slice(0, comma))) {
          lines[i] = lines[i].slice(comma);
          blanked.push(`${name}:${i + 1}`);
        }
      }
      writeFileSync(join(dir, name), lines.join("\n"));
    }
    const r = await validateDelivery(
      dir,
      await loadCompiled(join(SHIPPED, "ikb.glo@1.3.0")),
      { rrd: "2024-03-31" },
    );
    // today: ACCEPTED, 255 IKBs, 100 %, groeipad met
    expect(r.status).toBe("rejected");
    expect(r.ikbs).toEqual({
      count: 255 + blanked.length,
      meetingAutomatedControls: 255,
      percentage: Math.round((255 * 10000) / (255 + blanked.length)) / 100,
      ungroupedRows: blanked.length,
    });
    expect(r.ikbs!.percentage).toBeLessThan(83.67);
    expect(r.groeipad!.meetsNorm).toBe(false);
    // every row without a key is reported with its file and line
    expect(keyProblems(r)).toEqual(blanked.sort());
    expect(r.blockingErrors).toContainEqual(
      expect.objectContaining({
        code: "input.missing-ikb-key",
        count: blanked.length,
      }),
    );
    expect(summaryText(r)).toContain(
      `${blanked.length} row(s) without an IKB key`,
    );
    expect(renderHtml(r)).toContain("rows without an IKB key");
    accounted(r);
  });

  it("a key of white space only is no key", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv":
          NP_HEADER + "I1,I1,Jansen,1970-01-01,\n  ,C2,X,,\n",
        "bank_account.csv": BA_HEADER + "I1,A1,I1,10.00\n",
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    expect(r.ikbs).toMatchObject({
      count: 2,
      meetingAutomatedControls: 1,
      ungroupedRows: 1,
    });
    expect(keyProblems(r)).toEqual(["natural_person.csv:3"]);
  });

  it("a key holding a control character, or made only of invisible characters, is no key; the message names the character", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv":
          NP_HEADER +
          "I1,I1,Jansen,1970-01-01,\n" +
          // a control character after a real key: without the check, an IKB of its own
          "I1\u0000,C2,X,,\n" +
          "\u200b,C3,X,,\n" +
          " \u2060\u200d,C4,X,,\n" +
          "I\u007f5,C5,X,,\n" +
          "I\u00856,C6,X,,\n" +
          "\u001b[2J,C7,X,,\n" +
          // visible characters around a zero-width one: a key (odd, but not invisible)
          "I\u200c8,C8,X,,\n",
        "bank_account.csv": BA_HEADER + "I1,A1,I1,10.00\n",
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    expect(r.ikbs).toMatchObject({
      count: 8,
      meetingAutomatedControls: 2,
      ungroupedRows: 6,
    });
    expect(r.status).toBe("rejected");
    const messages = r.files[0].problems
      .filter((p) => p.code === "input.missing-ikb-key")
      .map((p) => [p.line, p.message.replace(/\): it belongs .*/, ")")])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(messages).toEqual([
      [
        3,
        "the row has no usable IKB key (NP.ikb_id holds the control character U+0000)",
      ],
      [
        4,
        "the row has no usable IKB key (NP.ikb_id is only invisible characters: U+200B)",
      ],
      [
        5,
        "the row has no usable IKB key (NP.ikb_id is only invisible characters: U+2060)",
      ],
      [
        6,
        "the row has no usable IKB key (NP.ikb_id holds the control character U+007F)",
      ],
      [
        7,
        "the row has no usable IKB key (NP.ikb_id holds the control character U+0085)",
      ],
      [
        8,
        "the row has no usable IKB key (NP.ikb_id holds the control character U+001B)",
      ],
    ]);
    accounted(r);
  });

  it("the tester's delivery: a NUL after an IKB key of the example is a row without a key, and no output holds a raw control character", async () => {
    const dir = join(work, "nul-keys");
    cpSync(EXAMPLE, dir, { recursive: true });
    rmSync(join(dir, "ground-truth"), { recursive: true });
    rmSync(join(dir, "manifest.json"));
    const path = join(dir, "natural_person.csv");
    const lines = readFileSync(path, "utf8").split("\n");
    const second = lines[1].split(",");
    second[4] = "Jan\u0000sen\u001b[2J";
    lines[1] = second.join(",");
    const third = lines[2].split(",");
    third[0] += "\u0000";
    lines[2] = third.join(",");
    writeFileSync(path, lines.join("\n"));
    const r = await validateDelivery(
      dir,
      await loadCompiled(join(SHIPPED, "ikb.glo@1.3.0")),
      { rrd: "2024-03-31" },
    );
    // today: ACCEPTED, 301 IKBs (the NUL key one of its own), no input problem
    expect(r.status).toBe("rejected");
    expect(r.ikbs).toMatchObject({ count: 301, ungroupedRows: 1 });
    expect(keyProblems(r)).toEqual(["natural_person.csv:3"]);
    const files = sampleFiles(r);
    for (const [name, text] of files)
      expect(text, name).not.toMatch(
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/,
      );
    accounted(r);
  });

  it("property: blanking keys never lowers the number of IKBs or of IKBs failing the controls, and every blanked row is reported", async () => {
    const rs = await fake();
    const ikb = fc.record({
      dob: fc.boolean(),
      accounts: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(ikb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        async (ikbs, blank) => {
          const np: string[][] = [];
          const ba: string[][] = [];
          ikbs.forEach((x, i) => {
            const k = `I${i + 1}`;
            np.push([k, k, "Jansen", x.dob ? "1970-01-01" : "", ""]);
            for (let a = 0; a < x.accounts; a++)
              ba.push([k, `${k}-A${a}`, k, "10.00"]);
          });
          const files = (mask: boolean) => {
            let n = 0;
            const out: string[] = [];
            const text = (header: string, rows: string[][], name: string) =>
              header +
              rows
                .map((row, i) => {
                  const b = mask && blank[n++ % blank.length];
                  if (b) out.push(`${name}:${i + 2}`);
                  return (b ? ["", ...row.slice(1)] : row).join(",") + "\n";
                })
                .join("");
            return {
              files: {
                "natural_person.csv": text(NP_HEADER, np, "natural_person.csv"),
                "bank_account.csv": text(BA_HEADER, ba, "bank_account.csv"),
              },
              blanked: out,
            };
          };
          const opts = { rrd: "2022-12-31" };
          const before = await validateDelivery(
            delivery(files(false).files),
            rs,
            opts,
          );
          const b = files(true);
          const after = await validateDelivery(delivery(b.files), rs, opts);
          const failing = (r: Report) =>
            r.ikbs!.count - r.ikbs!.meetingAutomatedControls;
          expect(after.ikbs!.ungroupedRows).toBe(b.blanked.length);
          expect(after.ikbs!.count).toBeGreaterThanOrEqual(before.ikbs!.count);
          expect(failing(after)).toBeGreaterThanOrEqual(failing(before));
          expect(keyProblems(after)).toEqual(b.blanked.sort());
          if (b.blanked.length > 0) expect(after.status).toBe("rejected");
          accounted(after);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** A folder with the example's natural_person.csv and header-only verwijzingsportaal files. */
function mixedFolder(): string {
  const dir = mkdtempSync(join(work, "mixed-"));
  cpSync(join(EXAMPLE, "natural_person.csv"), join(dir, "natural_person.csv"));
  const trace = JSON.parse(
    readFileSync(join(SHIPPED, "vp.bankgegevens@1.0.0", "trace.json"), "utf8"),
  ) as { entities: { file: string; fields: { column: string }[] }[] };
  for (const e of trace.entities)
    writeFileSync(
      join(dir, e.file),
      e.fields.map((f) => f.column).join(",") + "\n",
    );
  return dir;
}

describe("ruleset selection never picks a ruleset that does not fit the delivery", () => {
  it("a folder that fits two rulesets is an error naming both and asking for --ruleset", async () => {
    const dir = mixedFolder();
    const attempt = selectRuleset({
      root: SHIPPED,
      rrd: "2024-03-31",
      deliveryFiles: readdirSync(dir),
    });
    await expect(attempt).rejects.toThrow(
      /ikb\.glo@1\.3\.0 \(natural_person\.csv\)/,
    );
    await expect(attempt).rejects.toThrow(/vp\.bankgegevens@1\.0\.0/);
    await expect(attempt).rejects.toThrow(
      /--ruleset ikb\.glo or --ruleset vp\.bankgegevens/,
    );

    const cli = spawnSync(
      process.execPath,
      [MAIN, "validate", dir, "--rrd", "2024-03-31", "--no-progress"],
      { encoding: "utf8" },
    );
    expect(cli.status).toBe(2);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toMatch(/more than one ruleset.*--ruleset/);
    expect(cli.stderr).not.toMatch(/    at /);
  });

  it("with --ruleset, every file the ruleset does not read is reported in JSON, HTML and the summary", async () => {
    const dir = mixedFolder();
    const r = await validateDelivery(
      dir,
      await selectRuleset({
        root: SHIPPED,
        ruleset: "ikb.glo",
        rrd: "2024-03-31",
        deliveryFiles: readdirSync(dir),
      }),
      { rrd: "2024-03-31" },
    );
    expect(r.ruleset.id).toBe("ikb.glo@1.3.0");
    expect(r.files.find((f) => f.entity === "NP")!.rowsValidated).toBe(347);
    expect(r.filesNotRead).toEqual(
      [
        "vp_legal_person.csv",
        "vp_natural_person.csv",
        "vp_request_log.csv",
      ].map((name) => ({
        name,
        kind: "file",
        reason: "not a file of ikb.glo@1.3.0",
      })),
    );
    const text = summaryText(r);
    expect(text).toContain("not read (3): vp_legal_person.csv");
    const html = renderHtml(r);
    for (const n of r.filesNotRead!) expect(html).toContain(n.name);
  });

  it("the only ruleset in force is used even when no file fits: the files are then reported missing and not read", async () => {
    const dir = delivery({ "Natural_Person.CSV": NP_HEADER });
    const rs = await selectRuleset({
      root: COMPILED,
      rrd: "2022-12-31",
      deliveryFiles: readdirSync(dir),
    });
    const r = await validateDelivery(dir, rs, { rrd: "2022-12-31" });
    expect(r.status).toBe("rejected");
    expect(r.filesNotRead).toEqual([
      {
        name: "Natural_Person.CSV",
        kind: "file",
        reason:
          'not a file of fake.ikb@1.0.0; did you mean natural_person.csv? (file names must match exactly; this one is "Natural_Person.CSV")',
      },
    ]);
  });

  it("the example delivery: its manifest and ground truth are reported as not read, the verdict is unchanged", async () => {
    const r = await validateDelivery(
      EXAMPLE,
      await loadCompiled(join(SHIPPED, "ikb.glo@1.3.0")),
      { rrd: "2024-03-31" },
    );
    expect(r.status).toBe("accepted");
    expect(r.filesNotRead!.map((n) => [n.name, n.kind])).toEqual([
      ["ground-truth", "folder"],
      ["manifest.json", "file"],
    ]);
  });
});

describe("a delivery without records is not accepted", () => {
  it("all files header-only: rejected with input.no-records, naming what the ruleset reads", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv": NP_HEADER,
        "bank_account.csv": BA_HEADER,
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    expect(r.status).toBe("rejected");
    expect(r.deliveryProblems).toEqual([
      {
        code: "input.no-records",
        severity: "blocking",
        message:
          "the delivery holds no records: natural_person.csv, bank_account.csv are empty or header-only. " +
          "fake.ikb@1.0.0 reads its records from natural_person.csv, bank_account.csv; " +
          "an IKB needs at least a depositor record in natural_person.csv",
      },
    ]);
    expect(r.blockingErrors).toEqual([
      {
        code: "input.no-records",
        title: "The delivery holds no records",
        count: 1,
        file: null,
        line: null,
      },
    ]);
    expect(r.inputProblems).toEqual([
      { code: "input.no-records", severity: "blocking", count: 1 },
    ]);
    expect(summaryText(r)).toContain("input.no-records (blocking)");
  });

  it("the verwijzingsportaal files header-only, chosen with --ruleset: rejected, not ACCEPTED", async () => {
    const dir = mixedFolder();
    const r = await validateDelivery(
      dir,
      await loadCompiled(join(SHIPPED, "vp.bankgegevens@1.0.0")),
      { rrd: "2024-03-31" },
    );
    expect(r.status).toBe("rejected");
    expect(r.deliveryProblems!.map((p) => p.code)).toEqual([
      "input.no-records",
    ]);
    expect(r.filesNotRead!.map((n) => n.name)).toEqual(["natural_person.csv"]);
  });

  it("one file with records is enough; a header-only file of an otherwise filled delivery is not a problem", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv": NP_HEADER + "I1,I1,Jansen,1970-01-01,\n",
        "bank_account.csv": BA_HEADER,
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    expect(r.deliveryProblems).toEqual([]);
  });
});

describe("rows of a file whose header is rejected are counted and accounted", () => {
  const rows =
    "I1,I1,Jansen,1970-01-01,\nI2,I2,Smit,1971-02-03,\nI3,I3,Bos,,\n";
  it.each([
    [
      "a duplicate column",
      "ikb_id,customer_id,last_name,last_name,date_of_birth,reliability_indicator_code\n",
      "input.duplicate-column",
    ],
    [
      "a missing column",
      "ikb_id,last_name,date_of_birth,reliability_indicator_code\n",
      "fil0002",
    ],
    [
      "the wrong delimiter",
      NP_HEADER.replaceAll(",", ";"),
      "input.wrong-delimiter",
    ],
  ])("%s", async (_, header, code) => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv": header + rows,
        "bank_account.csv": BA_HEADER + "I1,A1,I1,10.00\n",
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    const np = r.files.find((f) => f.entity === "NP")!;
    // today: 0 read, 0 validated, 0 rejected
    expect(np).toMatchObject({
      readStatus: "stopped",
      rowsRead: 3,
      rowsValidated: 0,
      rowsRejected: 3,
    });
    expect(np.problems.map((p) => p.code)).toContain(code);
    expect(r.status).toBe("rejected");
    accounted(r);
  });

  it("property: every record is counted, read = validated + rejected per file, whatever is done to the header", async () => {
    const rs = await fake();
    const columns = NP_HEADER.trim().split(",");
    const header = fc.oneof(
      fc.shuffledSubarray(columns).map((c) => c.join(",")),
      fc
        .tuple(fc.shuffledSubarray(columns, { minLength: 1 }), fc.nat())
        .map(([c, i]) => [...c, c[i % c.length]].join(",")),
      fc.constantFrom(";", "\t", "|").map((sep) => columns.join(sep)),
      fc.constant(""),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.array(
          fc
            .array(fc.constantFrom("I1", "", "x", "1970-01-01", '"q', "a;b"), {
              minLength: 1,
              maxLength: 7,
            })
            .map((c) => c.join(",")),
          { maxLength: 8 },
        ),
        async (h, lines) => {
          const text = [h, ...lines].join("\n") + "\n";
          const r = await validateDelivery(
            delivery({
              "natural_person.csv": text,
              "bank_account.csv": BA_HEADER + "I1,A1,I1,10.00\n",
            }),
            rs,
            { rrd: "2022-12-31" },
          );
          accounted(r);
          // every record after the header is read; a first line that is no header is a record too
          const records = parseCsvText(text).length;
          const np = r.files.find((f) => f.entity === "NP")!;
          const noHeader = np.problems.some(
            (p) => p.code === "input.no-header",
          );
          expect(np.rowsRead).toBe(
            Math.max(0, records - 1) + (noHeader ? 1 : 0),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the RRD is never guessed", () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it("--ruleset name@version without --rrd is a usage error (exit 2) that asks for the RRD", async () => {
    let stderr = "";
    let stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation(
      (s: string | Uint8Array) => ((stdout += String(s)), true),
    );
    vi.spyOn(process.stderr, "write").mockImplementation(
      (s: string | Uint8Array) => ((stderr += String(s)), true),
    );
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync([
      "node",
      "regel",
      "validate",
      join(import.meta.dirname, "fixtures", "delivery-ok"),
      "--ruleset",
      "fake.ikb@1.0.0",
      "--compiled",
      COMPILED,
      "--no-progress",
    ]);
    vi.restoreAllMocks();
    const code = process.exitCode;
    process.exitCode = undefined;
    // today: validated as of 2020-01-01 (the version's `valid from`), exit 0
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/give --rrd YYYY-MM-DD/);
  });

  it("a pinned version not in force on the RRD is used with a warning", () => {
    const run = spawnSync(
      process.execPath,
      [
        MAIN,
        "validate",
        join(import.meta.dirname, "fixtures", "delivery-ok"),
        "--rrd",
        "2024-01-31",
        "--ruleset",
        "fake.ikb@1.0.0",
        "--compiled",
        COMPILED,
        "--no-progress",
      ],
      { encoding: "utf8" },
    );
    expect(run.stdout).toContain("fake.ikb@1.0.0 — RRD 2024-01-31");
    expect(run.stderr).toContain(
      "warning: fake.ikb@1.0.0 is not in force on 2024-01-31 (valid 2020-01-01 – 2023-07-01)",
    );
  });

  it("the report of a pinned version not in force says so (report.json, summary, report.html), and regel record refuses it", () => {
    const out = join(work, "not-in-force");
    const run = spawnSync(
      process.execPath,
      [
        MAIN,
        "validate",
        join(import.meta.dirname, "fixtures", "delivery-ok"),
        "--rrd",
        "2024-01-31",
        "--ruleset",
        "fake.ikb@1.0.0",
        "--compiled",
        COMPILED,
        "--no-progress",
        "--out",
        out,
      ],
      { encoding: "utf8" },
    );
    const warning =
      "warning: fake.ikb@1.0.0 is not in force on the RRD 2024-01-31 (valid 2020-01-01 – 2023-07-01)";
    expect(run.stdout).toContain(warning);
    const report = JSON.parse(
      readFileSync(join(out, "report.json"), "utf8"),
    ) as Report;
    expect(report.rulesetInForce).toBe(false);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain(warning);
    const record = spawnSync(
      process.execPath,
      [
        MAIN,
        "record",
        join(out, "report.json"),
        "--bank",
        "P",
        "--delivery-id",
        "1",
        "--delivered-at",
        "2024-02-02T10:00:00+01:00",
        "--history",
        join(work, "not-in-force.sqlite"),
      ],
      { encoding: "utf8" },
    );
    expect(record.status).toBe(2);
    expect(record.stderr).toContain(
      "regel record: the report's ruleset fake.ikb@1.0.0 was not in force on its RRD 2024-01-31",
    );
    // a version in force on its RRD: no such property, as before
    const inForce = spawnSync(
      process.execPath,
      [
        MAIN,
        "validate",
        join(import.meta.dirname, "fixtures", "delivery-ok"),
        "--rrd",
        "2022-01-31",
        "--ruleset",
        "fake.ikb@1.0.0",
        "--compiled",
        COMPILED,
        "--no-progress",
        "--json",
      ],
      { encoding: "utf8" },
    );
    expect(JSON.parse(inForce.stdout)).not.toHaveProperty("rulesetInForce");
  });
});
