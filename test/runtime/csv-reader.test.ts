import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fc from "fast-check";
import {
  fileChunks,
  LIMITS,
  parseCsvText,
  readCsv,
  readCsvFile,
  readCsvBatches,
  type CsvEvent,
  type CsvProjection,
} from "../../runtime/csv-reader.js";

const require = createRequire(import.meta.url);
const spectrumDir = dirname(require.resolve("csv-spectrum/package.json"));

function rowsToObjects(events: CsvEvent[]): Record<string, string>[] {
  const rows = events.filter((e) => e.kind === "row") as { cells: string[] }[];
  if (rows.length === 0) return [];
  const [header, ...body] = rows;
  return body.map((r) =>
    Object.fromEntries(header.cells.map((h, i) => [h, r.cells[i] ?? ""])),
  );
}

describe("csv reader: csv-spectrum", () => {
  const names = readdirSync(join(spectrumDir, "csvs")).map((f) =>
    f.replace(/\.csv$/, ""),
  );
  for (const name of names) {
    it(`reads ${name}`, async () => {
      const csv = readFileSync(join(spectrumDir, "csvs", `${name}.csv`));
      const json = JSON.parse(
        readFileSync(join(spectrumDir, "json", `${name}.json`), "utf8"),
      );
      // location_coordinates.json holds its single row as an object, not an array
      const expected = Array.isArray(json) ? json : [json];
      // ... and its expected phone number (1234567890) is not the one in the CSV (2095257564): a
      // fixture error in csv-spectrum 2.0.0, corrected here so the rest of the row is still checked.
      if (name === "location_coordinates")
        expected[0]["Contact Phone Number"] = "2095257564";
      const events: CsvEvent[] = [];
      for await (const e of readCsv([csv])) events.push(e);
      expect(events.filter((e) => e.kind === "problem")).toEqual([]);
      expect(rowsToObjects(events)).toEqual(expected);
    });
  }
});

describe("csv reader: line numbers and problems", () => {
  it("numbers records by their first line with LF, CRLF and quoted line breaks", () => {
    const ev = parseCsvText(
      '\uFEFFa,b\r\n1,"x\r\ny"\r\n\r\n3,4\r\n5,"p\nq\nr"\n6,7',
    );
    expect(ev).toEqual([
      { kind: "row", cells: ["a", "b"], line: 1 },
      { kind: "row", cells: ["1", "x\r\ny"], line: 2 },
      { kind: "row", cells: ["3", "4"], line: 5 },
      { kind: "row", cells: ["5", "p\nq\nr"], line: 6 },
      { kind: "row", cells: ["6", "7"], line: 9 },
    ]);
  });

  it("rejects a record with an invalid closing quote and continues", () => {
    const ev = parseCsvText('a,b\n1,"2"x\n3,4\n');
    expect(ev.map((e) => [e.kind, e.line])).toEqual([
      ["row", 1],
      ["problem", 2],
      ["row", 3],
    ]);
    expect(ev[1]).toMatchObject({ code: "invalid-closing-quote" });
  });

  it("reports an unclosed quote at the line where the record starts", () => {
    const ev = parseCsvText('a,b\n1,2\n3,"4\n5,6\n');
    expect(ev[2]).toMatchObject({
      kind: "problem",
      code: "unclosed-quote",
      line: 3,
    });
  });

  it("rejects oversized fields without keeping them and continues", () => {
    const ev = parseCsvText(
      `a,b\n1,${"x".repeat(100)}\n2,"${"y".repeat(100)}"\n3,4\n`,
      50,
    );
    expect(ev.map((e) => (e.kind === "row" ? e.cells[0] : e.code))).toEqual([
      "a",
      "field-too-large",
      "field-too-large",
      "3",
    ]);
  });

  it("rejects records with invalid UTF-8 bytes, naming the line", async () => {
    const bytes = Buffer.concat([
      Buffer.from("a,b\n1,2\n3,"),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("\n4,5\n"),
    ]);
    const ev: CsvEvent[] = [];
    for await (const e of readCsv([bytes])) ev.push(e);
    expect(ev.map((e) => [e.kind, e.line])).toEqual([
      ["row", 1],
      ["row", 2],
      ["problem", 3],
      ["row", 4],
    ]);
  });

  it("keeps multi-byte characters split across chunks", async () => {
    const all = Buffer.from("a,b\nél,€\n");
    const ev: CsvEvent[] = [];
    for await (const e of readCsv([...all].map((b) => Uint8Array.of(b))))
      ev.push(e);
    expect(ev[1]).toEqual({ kind: "row", cells: ["él", "€"], line: 2 });
  });

  it("keeps empty fields, including a last empty field", () => {
    expect(parseCsvText("a,b,c\r\n1,,\r\n,,3\n,2,\n")).toEqual([
      { kind: "row", cells: ["a", "b", "c"], line: 1 },
      { kind: "row", cells: ["1", "", ""], line: 2 },
      { kind: "row", cells: ["", "", "3"], line: 3 },
      { kind: "row", cells: ["", "2", ""], line: 4 },
    ]);
    expect(parseCsvText("a,b\n1,")).toEqual([
      { kind: "row", cells: ["a", "b"], line: 1 },
      { kind: "row", cells: ["1", ""], line: 2 },
    ]);
  });

  it("an empty input has no records", () => {
    expect(parseCsvText("")).toEqual([]);
    expect(parseCsvText("\uFEFF")).toEqual([]);
  });

  it("property: any table written with quoting reads back the same, whatever the chunking", async () => {
    const cell = fc.string({
      unit: fc.constantFrom("a", "b", ",", '"', "\n", "\r\n", " ", "é", "="),
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        async (rows, chunk, crlf) => {
          const eol = crlf ? "\r\n" : "\n";
          // quote only when needed, so unquoted and empty fields are exercised too
          const q = (v: string) =>
            /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
          const text = rows.map((r) => r.map(q).join(",")).join(eol) + eol;
          const parts: string[] = [];
          for (let i = 0; i < text.length; i += chunk)
            parts.push(text.slice(i, i + chunk));
          const ev: CsvEvent[] = [];
          for await (const e of readCsv(parts)) ev.push(e);
          expect(ev.map((e) => (e.kind === "row" ? e.cells : e.code))).toEqual(
            rows,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: a projection changes only the cells left out, never records, lines, counts or problems", async () => {
    const text = fc.string({
      unit: fc.constantFrom(
        "a",
        "bcdefghijklmnop",
        ",",
        '"',
        "\n",
        "\r\n",
        "\r",
        " ",
      ),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.array(fc.boolean(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 3, max: 60 }),
        async (csv, mask, chunk, maxField, maxFields, maxRecordLength) => {
          const parts: string[] = [];
          for (let i = 0; i < csv.length; i += chunk)
            parts.push(csv.slice(i, i + chunk));
          const read = async (projection?: CsvProjection) => {
            const ev: CsvEvent[] = [];
            const opts = {
              maxFieldLength: maxField,
              maxFields,
              maxRecordLength,
              projection,
            };
            for await (const b of readCsvBatches(parts, opts)) ev.push(...b);
            return ev;
          };
          const full = await read();
          const keep = Uint8Array.from(mask, (b) => (b ? 1 : 0));
          const part = await read({ keep });
          expect(part.length).toBe(full.length);
          part.forEach((e, i) => {
            const f = full[i];
            expect(e.kind).toBe(f.kind);
            expect(e.line).toBe(f.line);
            if (e.kind === "problem" || f.kind === "problem") {
              expect(e.kind === "problem" && e.code).toBe(
                f.kind === "problem" && f.code,
              );
              return;
            }
            expect(e.cells.length).toBe(f.cells.length);
            e.cells.forEach((c, j) =>
              expect(c).toBe(j === 0 || keep[j] ? f.cells[j] : ""),
            );
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("csv reader: hostile input (issue 16)", () => {
  /** Read `text` in pieces of `chunk` characters. */
  async function read(
    text: string,
    chunk: number,
    limits: {
      maxFieldLength?: number;
      maxFields?: number;
      maxRecordLength?: number;
    } = {},
  ): Promise<CsvEvent[]> {
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += chunk)
      parts.push(text.slice(i, i + chunk));
    const ev: CsvEvent[] = [];
    for await (const e of readCsv(parts, limits)) ev.push(e);
    return ev;
  }
  const brief = (ev: CsvEvent[]) =>
    ev.map((e) => (e.kind === "row" ? [e.line, ...e.cells] : [e.line, e.code]));

  it("a bad closing quote followed by a quoted line break is one record, and the lines after it stay right", async () => {
    const text =
      'id,name,note\r\n1,"Jan"sen,"line one\r\nline two"\r\n2,Piet,ok\r\n3,"a""b","c\nd"\n4,x,y\n';
    for (let chunk = 1; chunk <= text.length; chunk++) {
      const ev = await read(text, chunk);
      expect(brief(ev)).toEqual([
        [1, "id", "name", "note"],
        [2, "invalid-closing-quote"],
        [4, "2", "Piet", "ok"],
        [5, "3", 'a"b', "c\nd"],
        [7, "4", "x", "y"],
      ]);
    }
    const [, problem] = parseCsvText(text);
    expect(problem).toMatchObject({
      line: 2,
      message: 'column "name": unexpected character "s" after a closing quote',
    });
  });

  it("a stray quote takes the lines after it into its field: the record is reported at its first line, and the message names the lines it took", async () => {
    const text =
      'ikb_id,account_id,x\nK1,A1,v\nK2,A2,v\nK3,"A3,v\nK4,A4,v\nK5,A5,v\r\nK6,A6,v\nK7,A7,v\nK8,"A8,v\nK9,A9,v\n';
    const expected = [
      [1, "ikb_id", "account_id", "x"],
      [2, "K1", "A1", "v"],
      [3, "K2", "A2", "v"],
      [4, "invalid-closing-quote"],
      [10, "K9", "A9", "v"],
    ];
    const message =
      'column "account_id": unexpected character "A" after a closing quote 5 lines below the record\'s first line: a quoted field ran on over them, so 6 lines are read as this one record';
    const text1 = parseCsvText(text);
    expect(brief(text1)).toEqual(expected);
    expect(text1[3]).toMatchObject({ message });
    // the byte tokenizer (bytes in any cut) hands the record to the text path: the same event
    const bytes = Buffer.from(text);
    for (const chunk of [1, 7, 16, bytes.length]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunk)
        pieces.push(bytes.subarray(i, i + chunk));
      const ev: CsvEvent[] = [];
      for await (const batch of readCsvBatches(pieces)) ev.push(...batch);
      expect(brief(ev), `chunks of ${chunk}`).toEqual(expected);
      expect(ev[3]).toMatchObject({ message });
    }
  });

  it("a field over the limit rejects its record, names the column, and is never kept", () => {
    const ev = parseCsvText(
      `ikb_id,product_label\nI1,${"x".repeat(30)}\nI2,"${"y".repeat(30)}"\nI3,ok\n`,
      20,
    );
    expect(brief(ev)).toEqual([
      [1, "ikb_id", "product_label"],
      [2, "field-too-large"],
      [3, "field-too-large"],
      [4, "I3", "ok"],
    ]);
    expect(ev[1]).toMatchObject({
      message:
        'column "product_label" is longer than 20 characters (the limit of a field); the record is not read',
    });
    // before the header is known the field is named by its position
    expect(parseCsvText(`a,${"x".repeat(30)}\n`, 20)[0]).toMatchObject({
      message:
        "field 2 is longer than 20 characters (the limit of a field); the record is not read",
    });
  });

  it("a record with more fields, or more text, than the limits is rejected and reading goes on", async () => {
    const fields = await read(`a,b\n1,${",".repeat(50)}\n2,3\n`, 7, {
      maxFields: 10,
    });
    expect(brief(fields)).toEqual([
      [1, "a", "b"],
      [2, "too-many-fields"],
      [3, "2", "3"],
    ]);
    expect(fields[1]).toMatchObject({
      message:
        "the record has 52 fields, more than 10 (the limit of a record); it is not read",
    });
    const text = await read(
      `a,b\n${"x".repeat(8)},"${"y".repeat(8)}\n"\n2,3\n`,
      3,
      {
        maxRecordLength: 12,
      },
    );
    expect(brief(text)).toEqual([
      [1, "a", "b"],
      [2, "record-too-large"],
      [4, "2", "3"],
    ]);
    expect(text[1]).toMatchObject({
      message:
        "the record holds 17 characters, more than 12 (the limit of a record); it is not read",
    });
  });

  it("a field over its limit in a record over the record limit is the same problem however the input is cut", async () => {
    const bytes = Buffer.from("ab,cdefghijk\n", "utf8");
    const limits = {
      maxFieldLength: 6,
      maxRecordLength: 1,
      tokenizer: "text",
    } as const;
    const read = async (chunks: Uint8Array[]) => {
      const out: CsvEvent[] = [];
      for await (const e of readCsv(chunks, limits)) out.push(e);
      return out;
    };
    const whole = await read([bytes]);
    expect(whole).toEqual([
      expect.objectContaining({ code: "field-too-large", line: 1 }),
    ]);
    // byte by byte the record limit was passed first, and the field's length was no longer counted
    expect(await read([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it("invalid UTF-8 names the column", async () => {
    const ev: CsvEvent[] = [];
    for await (const e of readCsv([
      Buffer.concat([
        Buffer.from("id,last_name\n1,Andr"),
        Buffer.from([0xe9]),
        Buffer.from("\n2,ok\n"),
      ]),
    ]))
      ev.push(e);
    expect(ev[1]).toEqual({
      kind: "problem",
      code: "invalid-utf8",
      line: 2,
      message:
        'column "last_name" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
    });
  });

  it("a U+FFFF, in text or bytes, and an undefined Windows-1252 byte reject their record in a column the projection drops too, whatever the chunking", async () => {
    const read = async (
      chunks: (Uint8Array | string)[],
      options: Parameters<typeof readCsvBatches>[1],
    ) => {
      const projection: CsvProjection = {};
      const out: unknown[] = [];
      for await (const batch of readCsvBatches(chunks, {
        ...options,
        projection,
      }))
        for (const e of batch) {
          // (a row's dropped cells arrive in full when it shares the header's batch)
          out.push(
            e.kind === "problem"
              ? [e.line, e.code, e.message]
              : e.line === 1
                ? [e.line, e.cells]
                : [e.line, "row"],
          );
          projection.keep = Uint8Array.of(1, 0);
        }
      return out;
    };
    const text = "id,note\n1,a\uFFFFb\n2,ok\n";
    const expected = [
      [1, ["id", "note"]],
      [
        2,
        "invalid-utf8",
        'column "note" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
      ],
      [3, "row"],
    ];
    for (const tokenizer of ["text", "bytes"] as const) {
      expect(
        await read(["id,note\n", "1,a\uFFFF", "b\n2,ok\n"], { tokenizer }),
      ).toEqual(expected);
      const bytes = Buffer.from(text, "utf8");
      for (let at = 0; at <= bytes.length; at++)
        expect(
          await read([bytes.subarray(0, at), bytes.subarray(at)], {
            tokenizer,
          }),
        ).toEqual(expected);
    }
    expect(
      await read(
        [
          Buffer.from("id,note\n1,a", "latin1"),
          Uint8Array.of(0x81),
          Buffer.from("\n2,ok\n", "latin1"),
        ],
        {
          encoding: "windows-1252",
        },
      ),
    ).toEqual([
      [1, ["id", "note"]],
      [
        2,
        "invalid-encoding",
        'column "note" holds bytes that are not valid Windows-1252',
      ],
      [3, "row"],
    ]);
  });

  it("30 million commas after one row: one rejected record, memory bounded (no cell kept past the limit)", async () => {
    const commas = ",".repeat(1 << 20);
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    // the heap is measured between chunks, while the record is being read
    function* source() {
      yield "a,b\n1,";
      for (let i = 0; i < 30; i++) {
        yield commas;
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
      yield "\n2,3\n";
    }
    const ev: CsvEvent[] = [];
    for await (const batch of readCsvBatches(source())) ev.push(...batch);
    expect(brief(ev)).toEqual([
      [1, "a", "b"],
      [2, "too-many-fields"],
      [3, "2", "3"],
    ]);
    // 31 million cells would take hundreds of MB; the limit keeps 10,000
    expect(peak).toBeLessThan(64 << 20);
  });
});

describe("csv reader: dialects (issue 12 item 5)", () => {
  const read = async (
    chunks: (Uint8Array | string)[],
    options: Parameters<typeof readCsv>[1],
  ) => {
    const ev: CsvEvent[] = [];
    for await (const e of readCsv(chunks, options)) ev.push(e);
    return ev;
  };

  it("reads `;`, `|` and tab as the declared delimiter; a comma is then data", () => {
    for (const d of [";", "|", "\t"]) {
      const text = `a${d}b\n1,5${d}"x${d}y"\n${d}\n`;
      expect(parseCsvText(text, undefined, { delimiter: d })).toEqual([
        { kind: "row", cells: ["a", "b"], line: 1 },
        { kind: "row", cells: ["1,5", `x${d}y`], line: 2 },
        { kind: "row", cells: ["", ""], line: 3 },
      ]);
    }
  });

  it("reads the declared quote character, and no quoting at all with quote none", () => {
    expect(
      parseCsvText("a;b\n'x;''y';\"z\"\n", undefined, {
        delimiter: ";",
        quote: "'",
      }),
    ).toEqual([
      { kind: "row", cells: ["a", "b"], line: 1 },
      { kind: "row", cells: ["x;'y", '"z"'], line: 2 },
    ]);
    // without quoting a quote is an ordinary character, and a line break always ends the record
    expect(
      parseCsvText('a|b\n"x|y"\n', undefined, { delimiter: "|", quote: null }),
    ).toEqual([
      { kind: "row", cells: ["a", "b"], line: 1 },
      { kind: "row", cells: ['"x', 'y"'], line: 2 },
    ]);
  });

  it("decodes ISO-8859-1 byte by byte: 0x80 is U+0080, never guessed as the euro sign", async () => {
    const ev = await read(
      [Buffer.from([0x61, 0x3b, 0xe9, 0x0a, 0x80, 0x3b, 0xfc, 0x0a])],
      {
        delimiter: ";",
        encoding: "iso-8859-1",
      },
    );
    expect(ev).toEqual([
      { kind: "row", cells: ["a", "é"], line: 1 },
      { kind: "row", cells: ["\u0080", "ü"], line: 2 },
    ]);
  });

  it("decodes Windows-1252 (0x80 is €) and rejects the record holding one of its five undefined bytes", async () => {
    const bytes = Buffer.concat([
      Buffer.from("a,b\n"),
      Buffer.from([0x80, 0x2c, 0xe9, 0x0a]),
      Buffer.from([0x31, 0x2c, 0x81, 0x0a]),
      Buffer.from("2,3\n"),
    ]);
    const ev = await read([bytes], { encoding: "windows-1252" });
    expect(ev).toEqual([
      { kind: "row", cells: ["a", "b"], line: 1 },
      { kind: "row", cells: ["€", "é"], line: 2 },
      {
        kind: "problem",
        code: "invalid-encoding",
        line: 3,
        message: 'column "b" holds bytes that are not valid Windows-1252',
      },
      { kind: "row", cells: ["2", "3"], line: 4 },
    ]);
  });

  it("reads UTF-8 bytes in a file declared ISO-8859-1 as what they are in ISO-8859-1 (no guessing)", async () => {
    const ev = await read([Buffer.from("é\n", "utf8")], {
      encoding: "iso-8859-1",
    });
    expect(ev).toEqual([{ kind: "row", cells: ["Ã©"], line: 1 }]);
  });

  it("names columns from the declared columns when the file has no header row, never from its first record", async () => {
    const ev = await read(
      [Buffer.from("Jansen|1\nde Vries|\xff\n", "latin1")],
      {
        delimiter: "|",
        columns: ["name", "id"],
      },
    );
    expect(ev[1]).toEqual({
      kind: "problem",
      code: "invalid-utf8",
      line: 2,
      message:
        'column "id" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
    });
  });

  it("property: any table written in a dialect reads back the same, with its line numbers, whatever the chunking", async () => {
    const dialect = fc.record({
      delimiter: fc.constantFrom(",", ";", "|", "\t"),
      quote: fc.constantFrom<string | null>('"', "'", null),
      encoding: fc.constantFrom(
        "utf-8",
        "iso-8859-1",
        "windows-1252",
      ) as fc.Arbitrary<"utf-8" | "iso-8859-1" | "windows-1252">,
    });
    const cell = fc.string({
      unit: fc.constantFrom(
        "a",
        "b",
        ",",
        ";",
        "|",
        "\t",
        '"',
        "'",
        "\n",
        " ",
        "é",
        "ü",
      ),
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(
        dialect,
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 7 }),
        async (d, table, chunk) => {
          // without a quote character a cell cannot hold the delimiter or a line break
          const rows =
            d.quote === null
              ? table.map((r) =>
                  r.map((c) =>
                    c.split(d.delimiter).join("").split("\n").join(""),
                  ),
                )
              : table;
          // a record of one empty cell is an empty line, not a record
          const kept = rows.filter((r) => !(r.length === 1 && r[0] === ""));
          const q = (v: string) =>
            d.quote !== null &&
            (v.includes(d.delimiter) || v.includes(d.quote) || v.includes("\n"))
              ? `${d.quote}${v.split(d.quote).join(d.quote + d.quote)}${d.quote}`
              : v;
          const text =
            kept.map((r) => r.map(q).join(d.delimiter)).join("\n") + "\n";
          const bytes = Buffer.from(
            text,
            d.encoding === "utf-8" ? "utf8" : "latin1",
          );
          const parts: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += chunk)
            parts.push(bytes.subarray(i, i + chunk));
          const ev = await read(parts, d);
          expect(ev.map((e) => (e.kind === "row" ? e.cells : e.code))).toEqual(
            kept,
          );
          // each record starts on the line after the line breaks of the records before it
          let line = 1;
          kept.forEach((r, i) => {
            expect(ev[i].line).toBe(line);
            line += r.map(q).join(d.delimiter).split("\n").length;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("csv reader: file chunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-chunks-"));
  const chunksOf = async (path: string, chunk: number) => {
    const out: Uint8Array[] = [];
    // copied: a chunk's bytes are the reader's once the next one is asked for
    for await (const c of fileChunks(path, chunk)) out.push(Buffer.from(c));
    return out;
  };

  it("reads a file of at most one chunk at once, a larger one in chunks, an empty one as none", async () => {
    const small = join(dir, "small.csv");
    writeFileSync(small, "a,b\n1,2\n");
    const big = join(dir, "big.csv");
    const text = "a,b\n" + "1,2\n".repeat(100);
    writeFileSync(big, text);
    const empty = join(dir, "empty.csv");
    writeFileSync(empty, "");
    expect((await chunksOf(small, 8)).map((c) => c.byteLength)).toEqual([8]);
    const chunks = await chunksOf(big, 64);
    expect(chunks.length).toBe(Math.ceil(text.length / 64));
    expect(Buffer.concat(chunks).toString("utf8")).toBe(text);
    expect(await chunksOf(empty, 64)).toEqual([]);
  });

  it("the same events whether a file is read at once or streamed", async () => {
    const path = join(dir, "quoted.csv");
    // a quoted line break, a bad quote, a byte that is not UTF-8 (0xff) and characters of 2, 3
    // and 4 bytes (cut between chunks: the bytes of a sequence carried to the next one), 40 times
    writeFileSync(
      path,
      Buffer.concat(
        Array.from({ length: 40 }, (_, i) =>
          Buffer.concat([
            Buffer.from(i === 0 ? "id,t\n" : "", "latin1"),
            Buffer.from('1,"x\r\ny"\n2,"bad"x\n3,\xff\n', "latin1"),
            Buffer.from(`4,é€𝄞${"ab".slice(0, i % 3)}\n`, "utf8"),
          ]),
        ),
      ),
    );
    const events = async (chunk: number) => {
      const out: CsvEvent[] = [];
      for await (const b of readCsvBatches(fileChunks(path, chunk)))
        out.push(...b);
      return out;
    };
    const whole = await events(1 << 20);
    expect(whole.filter((e) => e.kind === "problem").length).toBe(80);
    expect(
      whole.filter((e) => e.kind === "row" && e.cells[1].startsWith("é€𝄞"))
        .length,
    ).toBe(40);
    for (const chunk of [5, 7, 11]) expect(await events(chunk)).toEqual(whole);
  });

  it("a missing file fails at the first read, as a stream does", async () => {
    const it = readCsvFile(join(dir, "absent.csv"));
    await expect(it.next()).rejects.toThrow(/ENOENT/);
  });
});

describe("the limits as docs/report.md states them", () => {
  it("every sentence on the field limit gives the default of LIMITS, never another size", () => {
    const doc = readFileSync(
      join(import.meta.dirname, "..", "..", "docs", "report.md"),
      "utf8",
    ).replaceAll("\n", " ");
    const shown = LIMITS.maxFieldLength.toLocaleString("en-US");
    expect(doc).toContain(
      `| characters in one field (NDJSON: one value) | ${shown} | \`--max-field-length N\` |`,
    );
    // each sentence that says which fields are rejected names the limit in force
    const sentences = doc.match(/[^.|]*field longer than[^.|]*/g) ?? [];
    expect(sentences.length).toBeGreaterThan(0);
    for (const s of sentences) expect(s).toContain(`${shown} characters`);
    expect(doc).not.toMatch(/field longer than \d+ [KMG]i?B/);
  });
});
