/**
 * File dialects end to end (issue 12 item 5): a ruleset declares how an entity's file is written
 * (separator, quote, encoding, header row, date format, decimal mark); the delivery is read so,
 * nothing is guessed, every row is accounted for and findings name the physical line and show the
 * values as delivered.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { validateCsv, type CsvRowResult } from "../../runtime/validate.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import type { Report } from "../../runtime/report-types.js";
import { compileTexts, writeFiles } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

/** A one-entity ruleset whose file is written as `options` say. */
const ruleset = (options: string) => `ruleset t.dialect@1.0.0
  source s "Spec"

entity C "Customer"
  file "customers.txt" ${options}
  key id
  field id: text(10) required
  field name: text(50)
  field born: date
  field balance: money

rule fmt001 "Value does not fit"
  meaning "A value does not fit its type."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for C.*
  require value is valid
  example fail C { id: "1", born: "2020-02-30" }
  example pass C { id: "1", born: 2020-02-28, balance: 12.50 }

rule fil001 "File missing"
  meaning "The file is missing."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for file C
  require present
  example fail file C missing
  example pass file C rows { id: "1", born: 2020-02-28, balance: 12.50 }
`;

async function load(options: string): Promise<LoadedRuleset> {
  const dir = writeFiles(await compileTexts({ "t.regel": ruleset(options) }));
  return loadCompiled(join(dir, "out", "t.dialect@1.0.0"));
}

/** Line, attribute and shown value of every sample of a rule. */
function samples(
  r: Report,
  code: string,
): [number | null, string | null, unknown][] {
  const rule = [...r.rules, ...r.secondaryRules].find((x) => x.code === code);
  return (rule?.samples ?? []).map((s) => [
    s.line,
    s.attribute,
    s.attribute === null ? null : s.values[s.attribute],
  ]);
}

describe("file dialects in a delivery", () => {
  it("reads a pipe-separated Windows-1252 file without a header, DDMMYYYY dates and a decimal comma", async () => {
    const rs = await load(
      'delimiter "|" encoding "windows-1252" header none dates "DDMMYYYY" decimal ","',
    );
    const bytes = Buffer.concat([
      Buffer.from("1|J\xe9r\xf4me \x80|31012000|12,50\n", "latin1"),
      Buffer.from("2|Bob|2000-01-31|3.5\n"),
      Buffer.from("3|Ann|30022000|1234\n"),
      Buffer.from("4|Z\x81|01012000|1\n", "latin1"),
      Buffer.from("5|Eve||\n"),
    ]);
    const r = await validateDelivery(delivery({ "customers.txt": bytes }), rs, {
      rrd: "2024-01-01",
      showPersonalData: true,
    });
    const file = r.files[0];
    // every physical line is a row: four read and validated, one rejected for its byte
    expect([file.rowsRead, file.rowsValidated, file.rowsRejected]).toEqual([
      5, 4, 1,
    ]);
    expect(file.problems).toEqual([
      {
        code: "input.invalid-encoding",
        severity: "blocking",
        file: "customers.txt",
        line: 4,
        message: 'column "name" holds bytes that are not valid Windows-1252',
      },
    ]);
    // an ISO date in a DDMMYYYY file and a decimal point in a decimal-comma file are not guessed;
    // 30 February is read as written, not as 2000-02-30; values are shown as delivered
    expect(samples(r, "fmt001")).toEqual([
      [2, "born", "2000-01-31"],
      [2, "balance", "3.5"],
      [3, "born", "30022000"],
    ]);
  });

  it("validateCsv reads an entity's file in its declared dialect, as the folder is read", async () => {
    // validateCsv read every file as comma-separated UTF-8 with a header row: the whole file
    // came back as one header of unknown columns, and no row was validated
    const rs = await load(
      'delimiter "|" encoding "windows-1252" header none dates "DDMMYYYY" decimal ","',
    );
    const bytes = Buffer.concat([
      Buffer.from("1|J\xe9r\xf4me \x80|31012000|12,50\n", "latin1"),
      Buffer.from("2|Bob|2000-01-31|3.5\n"),
      Buffer.from("3|Ann|30022000|1234\n"),
      Buffer.from("4|Z\x81|01012000|1\n", "latin1"),
      Buffer.from("5|Eve||\n"),
    ]);
    const folder = await validateDelivery(
      delivery({ "customers.txt": bytes }),
      rs,
      { rrd: "2024-01-01", showPersonalData: true },
    );
    const out: CsvRowResult[] = [];
    // in chunks that split a line, as a stream gives them
    for await (const r of validateCsv(
      rs,
      "C",
      [bytes.subarray(0, 7), bytes.subarray(7)],
      { rrd: "2024-01-01" },
    ))
      out.push(r);
    expect(out.map((r) => [r.kind, r.line])).toEqual([
      ["record", 1],
      ["record", 2],
      ["record", 3],
      ["rejected", 4],
      ["record", 5],
    ]);
    expect(out[3]).toMatchObject({
      code: folder.files[0].problems[0].code,
      message: folder.files[0].problems[0].message,
    });
    expect((out[0] as { record: { name: unknown } }).record.name).toBe(
      "J\u00e9r\u00f4me \u20ac",
    );
    // the same findings, with the values as the file holds them
    const findings = out.flatMap((r) =>
      r.kind === "record"
        ? r.findings.map((f) => [
            f.line,
            f.attribute,
            f.values[f.attribute!],
            f.message.includes("\uffff"),
          ])
        : [],
    );
    expect(findings).toEqual(
      samples(folder, "fmt001").map((s) => [...s, false]),
    );
  });

  it("validateCsv reads `;` with its own quote character and a header row", async () => {
    const rs = await load(`delimiter ";" quote "'" dates "DD-MM-YYYY"`);
    const out: CsvRowResult[] = [];
    for await (const r of validateCsv(
      rs,
      "C",
      [
        "id;name;born;balance\n1;'de Vries; J.';31-01-2000;10.00\n2;x;2000-01-31;1\n",
      ],
      { rrd: "2024-01-01" },
    ))
      out.push(r);
    expect(
      out.map((r) => [
        r.kind,
        r.line,
        r.kind === "record" ? r.findings.map((f) => f.attribute) : r.code,
      ]),
    ).toEqual([
      ["record", 2, []],
      ["record", 3, ["born"]],
    ]);
    expect((out[0] as { record: { name: unknown } }).record.name).toBe(
      "de Vries; J.",
    );
  });

  it("leaves a field's unknown texts as they are in a file of DDMMYYYY dates and a decimal comma: unknown, not a bad value", async () => {
    const dir = writeFiles(
      await compileTexts({
        "t.regel": ruleset('delimiter ";" dates "DDMMYYYY" decimal ","')
          .replace("field born: date", 'field born: date unknown "Unknown"')
          .replace(
            "field balance: money",
            'field balance: money unknown "Unknown"',
          ),
      }),
    );
    const rs = await loadCompiled(join(dir, "out", "t.dialect@1.0.0"));
    const r = await validateDelivery(
      delivery({
        "customers.txt":
          "id;name;born;balance\n1;A;Unknown;Unknown\n2;B;31012000;12,50\n3;C;Onbekend;x\n",
      }),
      rs,
      { rrd: "2024-01-01", showPersonalData: true },
    );
    // only row 3's texts are bad values; row 1's are the declared unknowns
    expect(samples(r, "fmt001")).toEqual([
      [4, "born", "Onbekend"],
      [4, "balance", "x"],
    ]);
  });

  it("reads `;` with a quote character of its own and the header's column names", async () => {
    const rs = await load(`delimiter ";" quote "'" dates "DD-MM-YYYY"`);
    const text =
      "id;name;born;balance\n1;'de Vries; J.';31-01-2000;10.00\n2;x;2000-01-31;1\n";
    const r = await validateDelivery(delivery({ "customers.txt": text }), rs, {
      rrd: "2024-01-01",
    });
    expect(r.files[0].rowsValidated).toBe(2);
    expect(samples(r, "fmt001").map(([l, a]) => [l, a])).toEqual([[3, "born"]]);
  });

  it("names the declared separator when the file is written with another one", async () => {
    const rs = await load('delimiter ";"');
    const r = await validateDelivery(
      delivery({ "customers.txt": "id,name,born,balance\n1,a,,\n" }),
      rs,
      { rrd: "2024-01-01" },
    );
    expect(r.files[0].problems[0].code).toBe("input.wrong-delimiter");
    expect(r.files[0].problems[0].message).toContain(
      "this file looks `,`-separated: the header holds 4 `,`-separated column names; C declares its file `;`-separated",
    );
  });

  it("a file with an ISO-8859-1 encoding never reads UTF-8 bytes as UTF-8", async () => {
    const rs = await load('encoding "iso-8859-1"');
    const r = await validateDelivery(
      delivery({
        "customers.txt": Buffer.from("id,name,born,balance\n1,é,,\n"),
      }),
      rs,
      { rrd: "2024-01-01", showPersonalData: true },
    );
    // name is text(50): "Ã©" fits, so the row is read, as ISO-8859-1 says
    expect(r.files[0].rowsValidated).toBe(1);
    expect(samples(r, "fmt001")).toEqual([]);
  });
});
