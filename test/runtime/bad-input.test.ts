import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../runtime/csv-reader.js";
import { validateDelivery } from "../../runtime/delivery.js";
import type { Report } from "../../runtime/report-types.js";
import { BA_HEADER, delivery, fake, NP_HEADER } from "./helpers.js";

const NP_OK = NP_HEADER + "I1,I1,Jansen,1970-01-01,\n";
const BA_OK = BA_HEADER + "I1,A1,I1,10.00\n";

async function run(files: Record<string, string | Buffer>): Promise<Report> {
  return validateDelivery(delivery(files), await fake(), { rrd: "2022-12-31" });
}

function problems(r: Report) {
  return r.files.flatMap((f) =>
    f.problems.map((p) => ({
      code: p.code,
      file: p.file,
      line: p.line,
      severity: p.severity,
    })),
  );
}

function accounted(r: Report) {
  expect(r.rows.read).toBe(r.rows.validated + r.rows.rejected);
  for (const f of r.files)
    expect(f.rowsRead).toBe(f.rowsValidated + f.rowsRejected);
}

describe("bad input gives a clear finding with file and line, never a crash", () => {
  it("missing file: reported under the `present` rule, delivery rejected", async () => {
    const r = await run({ "natural_person.csv": NP_OK });
    expect(problems(r)).toEqual([
      {
        code: "fil0001",
        file: "bank_account.csv",
        line: undefined,
        severity: "blocking",
      },
    ]);
    expect(r.files[1].readStatus).toBe("missing");
    expect(r.status).toBe("rejected");
    expect(r.blockingErrors.map((b) => b.code)).toEqual(["fil0001"]);
    expect(r.rules.find((x) => x.code === "fil0001")!.count).toBe(1);
    accounted(r);
  });

  it("empty file: blocking, stops that file, the other file is still read", async () => {
    const r = await run({
      "natural_person.csv": "",
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "input.empty-file",
        file: "natural_person.csv",
        line: undefined,
        severity: "blocking",
      },
    ]);
    expect(r.files[0].readStatus).toBe("stopped");
    expect(r.files[1].rowsValidated).toBe(1);
    expect(r.status).toBe("rejected");
    accounted(r);
  });

  it("missing column: reported under the `header` rule on line 1; stops the file", async () => {
    const r = await run({
      "natural_person.csv":
        "ikb_id,last_name,date_of_birth,reliability_indicator_code\nI1,J,1970-01-01,\n",
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "fil0002",
        file: "natural_person.csv",
        line: 1,
        severity: "blocking",
      },
    ]);
    expect(r.files[0].problems[0].message).toContain('"customer_id"');
    expect(r.files[0].readStatus).toBe("stopped");
    accounted(r);
  });

  it("unknown column: a signalling problem; the file is still accepted", async () => {
    const r = await run({
      "natural_person.csv":
        NP_HEADER.trim() + ",extra\nI1,I1,Jansen,1970-01-01,,x\n",
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "input.unknown-column",
        file: "natural_person.csv",
        line: 1,
        severity: "signalling",
      },
    ]);
    expect(r.status).toBe("accepted");
    expect(r.rows).toEqual({ read: 2, validated: 2, rejected: 0 });
  });

  it("duplicate column in the header: blocking", async () => {
    const r = await run({
      "natural_person.csv": "ikb_id,ikb_id\nI1,I1\n",
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "input.duplicate-column",
        file: "natural_person.csv",
        line: 1,
        severity: "blocking",
      },
    ]);
  });

  it("wrong column counts: each row rejected with its line; the rest is validated", async () => {
    const r = await run({
      "natural_person.csv":
        NP_OK +
        "I2,I2,Smit\nI3,I3,Bakker,1980-01-01,,extra\nI4,I4,Visser,1990-01-01,\n",
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "input.column-count",
        file: "natural_person.csv",
        line: 3,
        severity: "blocking",
      },
      {
        code: "input.column-count",
        file: "natural_person.csv",
        line: 4,
        severity: "blocking",
      },
    ]);
    expect(r.files[0]).toMatchObject({
      rowsRead: 4,
      rowsValidated: 2,
      rowsRejected: 2,
      status: "rejected",
      blockingByCode: [{ code: "input.column-count", count: 2 }],
    });
    expect(r.files[1]).toMatchObject({
      status: "accepted",
      blockingByCode: [],
    });
    expect(r.ikbs!.count).toBe(2);
    accounted(r);
  });

  it("broken quoting: invalid closing quote and an unclosed quote, with lines", async () => {
    const r = await run({
      "natural_person.csv":
        NP_OK +
        'I2,I2,"Smit"x,1970-01-01,\nI3,I3,Bakker,1980-01-01,\nI4,I4,"Visser,1990-01-01,\nI5,I5,X,,\n',
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "input.invalid-closing-quote",
        file: "natural_person.csv",
        line: 3,
        severity: "blocking",
      },
      {
        code: "input.unclosed-quote",
        file: "natural_person.csv",
        line: 5,
        severity: "blocking",
      },
    ]);
    expect(r.files[0]).toMatchObject({
      rowsRead: 4,
      rowsValidated: 2,
      rowsRejected: 2,
    });
    accounted(r);
  });

  it("invalid UTF-8: the row is rejected with its line", async () => {
    const bytes = Buffer.concat([
      Buffer.from(NP_OK + "I2,I2,"),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(",1970-01-01,\nI3,I3,Ok,1970-01-01,\n"),
    ]);
    const r = await run({
      "natural_person.csv": bytes,
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "input.invalid-utf8",
        file: "natural_person.csv",
        line: 3,
        severity: "blocking",
      },
    ]);
    accounted(r);
  });

  it("huge field: rejected without being kept, reading continues", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv":
          NP_OK + `I2,I2,${"x".repeat(5000)},,\nI3,I3,Ok,1970-01-01,\n`,
        "bank_account.csv": BA_OK,
      }),
      await fake(),
      { rrd: "2022-12-31", maxFieldLength: 1000 },
    );
    expect(problems(r)).toEqual([
      {
        code: "input.field-too-large",
        file: "natural_person.csv",
        line: 3,
        severity: "blocking",
      },
    ]);
    expect(r.files[0].rowsValidated).toBe(2);
    accounted(r);
  });

  it("BOM and CRLF are accepted", async () => {
    const r = await run({
      "natural_person.csv": "\uFEFF" + NP_OK.replace(/\n/g, "\r\n"),
      "bank_account.csv": BA_OK.replace(/\n/g, "\r\n"),
    });
    expect(problems(r)).toEqual([]);
    expect(r.status).toBe("accepted");
  });

  it("duplicate keys: reported under the unique-key rule with both lines", async () => {
    const r = await run({
      "natural_person.csv": NP_OK,
      "bank_account.csv": BA_OK + "I1,A2,I1,1.00\nI1,A1,I1,2.00\n",
    });
    const u = r.rules.find((x) => x.code === "fil0003")!;
    expect(u.count).toBe(1);
    expect(u.samples[0]).toMatchObject({
      file: "bank_account.csv",
      line: 4,
      key: "ikb_id=I1;account_id=A1",
    });
    expect(u.samples[0].message).toContain("line 2");
    expect(r.status).toBe("rejected");
  });

  it("a required value missing is a blocking decode finding with file and line", async () => {
    const r = await run({
      "natural_person.csv": NP_OK,
      "bank_account.csv": BA_OK + "I1,,I1,1.00\n",
    });
    const req = r.rules.find((x) => x.code === "req0001")!;
    expect(req.samples[0]).toMatchObject({
      file: "bank_account.csv",
      line: 3,
      attribute: "account_id",
    });
    expect(r.blockingErrors).toEqual([
      {
        code: "req0001",
        title: "Verplicht veld leeg",
        count: 1,
        file: "bank_account.csv",
        line: 3,
      },
    ]);
  });

  it("an invalid RRD is an error, not a crash later", async () => {
    await expect(
      validateDelivery(delivery({}), await fake(), { rrd: "2022-02-30" }),
    ).rejects.toThrow(/invalid RRD/);
  });
});

describe("hostile input within the limits of a record (issue 16)", () => {
  const messages = (r: Report) =>
    r.files.flatMap((f) => f.problems.map((p) => [p.code, p.line, p.message]));

  it("a bad closing quote followed by a quoted line break: one rejected record, the next rows on their own lines", async () => {
    const r = await run({
      "natural_person.csv":
        NP_OK + 'I2,I2,"Smit"x,"1970-\n01-01",\nI3,I3,Bakker,1980-01-01,\n',
      "bank_account.csv": BA_OK,
    });
    expect(messages(r)).toEqual([
      [
        "input.invalid-closing-quote",
        3,
        'column "last_name": unexpected character "x" after a closing quote',
      ],
    ]);
    expect(r.files[0]).toMatchObject({
      rowsRead: 3,
      rowsValidated: 2,
      rowsRejected: 1,
    });
    accounted(r);
  });

  it("fields over the default limit (10,000 characters) are rejected per record with the column; the report stays small", async () => {
    const big = "x".repeat(20_000);
    const rows = Array.from(
      { length: 50 },
      (_, i) => `I${i + 2},I${i + 2},${big},,\n`,
    ).join("");
    const r = await run({
      "natural_person.csv": NP_OK + rows,
      "bank_account.csv": BA_OK,
    });
    expect(r.files[0]).toMatchObject({
      rowsRead: 51,
      rowsValidated: 1,
      rowsRejected: 50,
    });
    expect(messages(r)[0]).toEqual([
      "input.field-too-large",
      3,
      'column "last_name" is longer than 10,000 characters (the limit of a field); the record is not read',
    ]);
    expect(JSON.stringify(r)).not.toContain("x".repeat(100));
    accounted(r);
  });

  it("a record with too many fields, or too much text, is rejected with its line; the options set the limits", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv":
          NP_OK +
          `I2,I2,${",".repeat(40)}\nI3,I3,${"y".repeat(40)},1970-01-01,${"z".repeat(40)}\nI4,I4,Ok,,\n`,
        "bank_account.csv": BA_OK,
      }),
      await fake(),
      { rrd: "2022-12-31", maxFields: 20, maxRecordLength: 80 },
    );
    expect(messages(r)).toEqual([
      [
        "input.too-many-fields",
        3,
        "the record has 43 fields, more than 20 (the limit of a record); it is not read",
      ],
      [
        "input.record-too-large",
        4,
        "the record holds 94 characters, more than 80 (the limit of a record); it is not read",
      ],
    ]);
    expect(r.blockingErrors.map((b) => [b.code, b.title])).toEqual([
      ["input.record-too-large", "Record too large"],
      ["input.too-many-fields", "Too many fields in a record"],
    ]);
    accounted(r);
  });
});

describe("rows without an IKB key", () => {
  it("are checked one by one, reported with their lines and each counted as an IKB that fails", async () => {
    const r = await run({
      "natural_person.csv": NP_OK + ",C7,X,1970-01-01,\n,C8,Y,1970-01-01,\n",
      "bank_account.csv": BA_OK,
    });
    expect(r.ikbs).toEqual({
      count: 3,
      meetingAutomatedControls: 1,
      percentage: 33.33,
      ungroupedRows: 2,
    });
    expect(r.rows).toEqual({ read: 4, validated: 4, rejected: 0 });
    expect(r.rules.find((x) => x.code === "req0001")!.count).toBe(2);
    expect(
      problems(r).filter((p) => p.code === "input.missing-ikb-key"),
    ).toEqual([
      {
        code: "input.missing-ikb-key",
        file: "natural_person.csv",
        line: 3,
        severity: "blocking",
      },
      {
        code: "input.missing-ikb-key",
        file: "natural_person.csv",
        line: 4,
        severity: "blocking",
      },
    ]);
    expect(r.status).toBe("rejected");
  });
});

describe("a compiled validator that throws", () => {
  it("rejects that row with file, line and message; the run goes on", async () => {
    const r = await run({
      "natural_person.csv":
        NP_OK + "I2,I2,THROW,1970-01-01,\nI3,I3,Ok,1970-01-01,\n",
      "bank_account.csv": BA_OK,
    });
    expect(problems(r)).toEqual([
      {
        code: "input.validator-error",
        file: "natural_person.csv",
        line: 3,
        severity: "blocking",
      },
    ]);
    expect(r.files[0].problems[0].message).toContain("boom");
    expect(r.files[0]).toMatchObject({
      rowsRead: 3,
      rowsValidated: 2,
      rowsRejected: 1,
    });
    accounted(r);
  });
});

describe("references", () => {
  it("are checked against a referenced file without rows too", async () => {
    const r = await run({
      "natural_person.csv": NP_HEADER,
      "bank_account.csv": BA_OK,
    });
    expect(r.rules.find((x) => x.code === "fil0004")!.count).toBe(1);
  });
  it("find a value among the IKB's own records or anywhere in the referenced file, and nowhere else", async () => {
    const r = await run({
      "natural_person.csv":
        NP_HEADER +
        "I1,C1,Jansen,1970-01-01,\n" +
        "I2,C2,Smit,1970-01-01,\n" +
        // a row the reader rejects (a column too many): its customer is no record and in no key set
        "I3,C3,Smit,1970-01-01,,x\n" +
        "I3,C4,Smit,1970-01-01,\n",
      "bank_account.csv":
        BA_HEADER +
        "I1,A1,C1,10.00\n" + // the IKB's own person
        "I1,A2,C2,10.00\n" + // a person of another IKB
        "I2,A3,C9,10.00\n" + // nobody
        "I3,A4,C3,10.00\n" + // the rejected row's customer
        "I3,A5,C4,10.00\n", // the IKB's own person again
    });
    expect(r.rules.find((x) => x.code === "fil0004")!.count).toBe(2);
    expect(JSON.stringify(r)).toContain(
      '\\"C9\\" does not match any NP.customer_id',
    );
    expect(JSON.stringify(r)).toContain(
      '\\"C3\\" does not match any NP.customer_id',
    );
    expect(JSON.stringify(r)).not.toContain('\\"C2\\" does not match');
  });
  it("are not checked against a missing file (that is reported by itself)", async () => {
    const r = await run({ "bank_account.csv": BA_OK });
    expect(r.rules.find((x) => x.code === "fil0004")!.count).toBe(0);
    expect(r.blockingErrors.map((b) => b.code)).toEqual(["fil0001"]);
  });
});
