import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  readCsvBatches,
  type CsvEvent,
  type CsvProjection,
  type CsvReaderOptions,
} from "../../runtime/csv-reader.js";
import {
  ByteCsvTokenizer,
  byteTokenizerFits,
} from "../../runtime/csv-bytes.js";

const utf8 = (s: string) => Buffer.from(s, "utf8");

/**
 * How a file is tokenized: by the text tokenizer, the byte tokenizer, or the byte tokenizer
 * splitting runs of plain ASCII lines natively (`splitLines`, a small delivery's read).
 */
type Reader = "text" | "bytes" | "split";

/**
 * The batches a reader gives for `chunks`, with the consumer's habit of the scan in
 * runtime/stage-read.ts: the projection is set once the first row (the header) has been received.
 */
async function batches(
  chunks: readonly Uint8Array[],
  options: CsvReaderOptions,
  keep: Uint8Array | undefined,
  reader: Reader,
): Promise<CsvEvent[][]> {
  const projection: CsvProjection = {};
  const out: CsvEvent[][] = [];
  let header = false;
  for await (const batch of readCsvBatches(chunks, {
    ...options,
    projection,
    tokenizer: reader === "text" ? "text" : "bytes",
    splitLines: reader === "split",
  })) {
    out.push(batch.map((e) => (header ? blank(e, keep) : e)));
    header ||= batch.some((e) => e.kind === "row");
    if (keep && header) projection.keep = keep;
  }
  return out;
}

/**
 * A row with the cells a projection leaves out blanked: those of a record tokenized while the
 * projection was set may arrive in full (csv-reader.ts, CsvProjection), and the text tokenizer
 * tokenizes an unfinished record earlier than the byte tokenizer does.
 */
function blank(e: CsvEvent, keep: Uint8Array | undefined): CsvEvent {
  if (e.kind === "problem" || keep === undefined) return e;
  const cells = e.cells.map((c, i) =>
    i > 0 && (i >= keep.length || keep[i] === 0) ? "" : c,
  );
  return { ...e, cells };
}

/** The byte readers (with and without `splitLines`) give the text tokenizer's batches. */
async function expectSameAsText(
  chunks: readonly Uint8Array[],
  options: CsvReaderOptions,
  keep: Uint8Array | undefined,
): Promise<CsvEvent[][]> {
  const text = await batches(chunks, options, keep, "text");
  expect(await batches(chunks, options, keep, "bytes")).toEqual(text);
  expect(await batches(chunks, options, keep, "split")).toEqual(text);
  return text;
}

/** An event as [line, kind, cells or code, message]. */
function summary(e: CsvEvent): unknown[] {
  return e.kind === "row"
    ? [e.line, e.kind, e.cells]
    : [e.line, e.kind, e.code, e.message];
}

/** A problem's code (undefined for a row). */
function codeOf(e: CsvEvent): string | undefined {
  return e.kind === "problem" ? e.code : undefined;
}

/** Cut `bytes` at the given places (sorted, within bounds), as a stream would. */
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const places = [...new Set(at.map((p) => p % (bytes.length + 1)))].sort(
    (a, b) => a - b,
  );
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...places, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

/** Pieces of hostile CSV: separators of every dialect, quotes, line ends, multi-byte characters. */
const validPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(",", ";", "|", "\t").map(utf8) },
  { weight: 5, arbitrary: fc.constantFrom('"', "'").map(utf8) },
  { weight: 5, arbitrary: fc.constantFrom("\n", "\r", "\r\n").map(utf8) },
  {
    weight: 8,
    arbitrary: fc.constantFrom("a", "bc", "12", " ", "x y").map(utf8),
  },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom("é", "€", "😀", "\uFFFF", "\uFEFF", "ß")
      .map(utf8),
  },
);

/** ... and bytes that are not UTF-8 (which send the rest of the input to the text path). */
const piece = fc.oneof(
  { weight: 30, arbitrary: validPiece },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        [0xff],
        [0xc3],
        [0x80],
        [0xe2, 0x82],
        [0xf0, 0x9f, 0x98],
        [0xed, 0xa0, 0x80],
        // U+FFFF next to an invalid byte, and cut off before its last byte
        [0xef, 0xbf, 0xbf, 0xff],
        [0xff, 0xef, 0xbf, 0xbf],
        [0xef, 0xbf],
      )
      .map((b) => Uint8Array.from(b)),
  },
);

const hostile = fc
  .tuple(fc.boolean(), fc.array(piece, { maxLength: 80 }))
  .map(([bom, parts]) =>
    Buffer.concat([
      bom ? Uint8Array.from([0xef, 0xbb, 0xbf]) : new Uint8Array(),
      ...parts,
    ]),
  );

/**
 * Tables of plain and quoted cells in a dialect, mostly well formed (the common case the byte
 * path handles), with the dialect.
 */
const dialectTable = fc
  .record({
    delimiter: fc.constantFrom(",", ";", "|", "\t"),
    quote: fc.constantFrom('"', "'"),
  })
  .chain((d) =>
    fc
      .array(
        fc.array(
          fc.oneof(
            fc.string({ unit: "grapheme", maxLength: 8 }),
            fc.constantFrom(
              "a'b",
              'a"b',
              "x,y",
              "x;y|z\tw",
              "p\r\nq",
              "r\ns",
              "t\ru",
              "",
            ),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        { maxLength: 12 },
      )
      .chain((rows) =>
        fc.constantFrom("\n", "\r\n", "\r").map((eol) => {
          const special = new RegExp(`[${d.quote}${d.delimiter}\r\n]`);
          const quote = (c: string) =>
            special.test(c) || c === ""
              ? `${d.quote}${c.replaceAll(d.quote, d.quote + d.quote)}${d.quote}`
              : c;
          return {
            options: d,
            bytes: utf8(
              rows.map((r) => r.map(quote).join(d.delimiter)).join(eol) + eol,
            ),
          };
        }),
      ),
  );

/** Tables of plain and quoted cells, mostly well formed (the common case the byte path handles). */
const table = fc
  .array(
    fc.array(
      fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 8 }),
        fc.constantFrom('a"b', "x,y", "p\r\nq", "r\ns", "t\ru", "", "\uFFFF"),
      ),
      { minLength: 1, maxLength: 5 },
    ),
    { maxLength: 12 },
  )
  .chain((rows) =>
    fc
      .tuple(fc.constantFrom("\n", "\r\n", "\r"), fc.boolean())
      .map(([eol, last]) => {
        const quote = (c: string) =>
          /[",\r\n]/.test(c) || c === "" ? `"${c.replaceAll('"', '""')}"` : c;
        const text = rows.map((r) => r.map(quote).join(",")).join(eol);
        return utf8(last && text !== "" ? text + eol : text);
      }),
  );

const options: fc.Arbitrary<CsvReaderOptions> = fc.record(
  {
    delimiter: fc.constantFrom(",", ";", "|", "\t"),
    quote: fc.constantFrom<string | null>('"', "'", null),
    maxFieldLength: fc.integer({ min: 1, max: 12 }),
    maxFields: fc.integer({ min: 1, max: 6 }),
    maxRecordLength: fc.integer({ min: 1, max: 30 }),
    columns: fc.array(fc.constantFrom("a", "b", ""), { maxLength: 4 }),
  },
  { requiredKeys: [] },
);

const keep = fc.option(fc.uint8Array({ min: 0, max: 1, maxLength: 6 }), {
  nil: undefined,
});

describe("byte tokenizer = text tokenizer (differential, issue 15)", () => {
  it("property: the same batches of rows, problems and line numbers on hostile bytes, any chunking, dialect, limits and projection", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostile, table),
        fc.array(fc.nat(), { maxLength: 8 }),
        options,
        keep,
        async (bytes, at, opts, mask) => {
          await expectSameAsText(cut(bytes, at), opts, mask);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("property: the same on well-formed tables with the default limits, read in one chunk or byte by byte", async () => {
    await fc.assert(
      fc.asyncProperty(table, keep, async (bytes, mask) => {
        for (const chunks of [[bytes], cut(bytes, [...bytes.keys()])])
          await expectSameAsText(chunks, {}, mask);
      }),
      { numRuns: 300 },
    );
  });

  it("property: the same on tables in a dialect (its delimiter and quote escaped by doubling), any chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        dialectTable,
        fc.array(fc.nat(), { maxLength: 8 }),
        keep,
        async ({ options: d, bytes }, at, mask) => {
          await expectSameAsText(cut(bytes, at), d, mask);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("property: the same on lines with and without quotes, each with its own line end, of varying widths, near the limits, any projection and chunking", async () => {
    // the byte path splits a line with no quote and no CR before its LF on the delimiter alone
    // (and judges the limits from its length when it is short), other lines field by field
    const cell = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom("a", "bc", "12345", "NL", "") },
      {
        weight: 2,
        arbitrary: fc.constantFrom('"q"', '"x,y"', '"a""b"', '"p\r\nq"'),
      },
      { weight: 1, arbitrary: fc.constantFrom("é", "€uro", 'a"b', '"bad"x') },
    );
    const line = fc.tuple(
      fc.array(cell, { minLength: 1, maxLength: 7 }),
      fc.constantFrom("\n", "\r\n", "\r"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 16 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.record(
          {
            maxFieldLength: fc.integer({ min: 3, max: 8 }),
            maxFields: fc.integer({ min: 2, max: 8 }),
            maxRecordLength: fc.integer({ min: 4, max: 30 }),
          },
          { requiredKeys: [] },
        ),
        fc.option(fc.uint8Array({ min: 0, max: 1, maxLength: 9 }), {
          nil: undefined,
        }),
        async (lines, at, opts, mask) => {
          const bytes = utf8(
            lines.map(([c, eol]) => c.join(",") + eol).join(""),
          );
          await expectSameAsText(cut(bytes, at), opts, mask);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("property: the same on runs of plain lines (what splitLines splits natively), ASCII or not, broken by quotes, CR and invalid bytes, a BOM, empty lines, an unfinished last line, lengths near the limits, any projection and chunking", async () => {
    const cell = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.constantFrom("a", "bc", "12345", "NL", "", "EUR", "x y"),
      },
      { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9 ]{0,14}$/) },
      // non-ASCII (a piece of valid UTF-8 is split as decoded text)
      { weight: 2, arbitrary: fc.stringMatching(/^[a-zé€ß😀\uFEFF]{0,6}$/) },
      {
        weight: 1,
        // (a U+FFFF, which the text path reads as an invalid byte's mark: the record is
        // rejected, in a cell a projection keeps or drops)
        arbitrary: fc.constantFrom(
          '"q"',
          '"a""b"',
          'a"b',
          "é",
          "\t",
          "\uFFFF",
          "x\uFFFFy",
        ),
      },
    );
    const line = fc.oneof(
      {
        weight: 12,
        arbitrary: fc
          .array(cell, { minLength: 1, maxLength: 9 })
          .map((c) => utf8(c.join(",") + "\n")),
      },
      { weight: 2, arbitrary: fc.constant(utf8("\n")) },
      {
        weight: 1,
        arbitrary: fc
          .array(cell, { minLength: 1, maxLength: 4 })
          .map((c) => utf8(c.join(",") + "\r\n")),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          Uint8Array.from([0x61, 0xff, 0x0a]),
          // a U+FFFF next to an invalid byte, in the next field, on the next line
          Uint8Array.from([0x61, 0x2c, 0xef, 0xbf, 0xbf, 0xff, 0x0a]),
          Uint8Array.from([0x61, 0x2c, 0xef, 0xbf, 0xbf, 0x2c, 0xff, 0x0a]),
          Uint8Array.from([
            0x61, 0x2c, 0xef, 0xbf, 0xbf, 0x0a, 0x61, 0xff, 0x0a,
          ]),
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(line, { maxLength: 40 }),
        fc.option(fc.stringMatching(/^[a-z,]{1,6}$/), { nil: undefined }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.record(
          {
            maxFieldLength: fc.integer({ min: 2, max: 16 }),
            maxFields: fc.integer({ min: 2, max: 10 }),
            maxRecordLength: fc.integer({ min: 3, max: 40 }),
          },
          { requiredKeys: [] },
        ),
        keep,
        async (bom, lines, unfinished, at, opts, mask) => {
          const bytes = Buffer.concat([
            bom ? Uint8Array.from([0xef, 0xbb, 0xbf]) : new Uint8Array(),
            ...lines,
            unfinished === undefined ? new Uint8Array() : utf8(unfinished),
          ]);
          await expectSameAsText(cut(bytes, at), opts, mask);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("property: splitLines with a projection from the first record: exactly the byte path's cells (dropped ones, past the projection's end too, as \"\")", async () => {
    const line = fc
      .array(fc.constantFrom("a", "bc", "EUR", "", "12345", '"q"', "é"), {
        minLength: 1,
        maxLength: 9,
      })
      .map((c) => c.join(","));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 30 }),
        fc.uint8Array({ min: 0, max: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (lines, mask, at) => {
          const chunks = cut(utf8(lines.join("\n") + "\n"), at);
          const read = async (splitLines: boolean) => {
            const out: CsvEvent[] = [];
            for await (const batch of readCsvBatches(chunks, {
              projection: { keep: mask },
              splitLines,
            }))
              out.push(...batch);
            return out;
          };
          const viaSplit = await read(true);
          expect(viaSplit).toEqual(await read(false));
          for (const e of viaSplit)
            if (e.kind === "row")
              e.cells.forEach((c, i) => {
                if (i > 0 && !(mask[i] === 1)) expect(c).toBe("");
              });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("splitLines: the rows, line numbers, header and problems of a plain file with a BOM, empty lines, a long line, a quoted line, a CR line end and an unfinished last line", async () => {
    const csv =
      "\uFEFFid,code,amount\n" +
      "1,EUR,10\n" +
      "\n" +
      "2,EUR,20\n" +
      `3,${"z".repeat(12)},30\n` +
      '4,"E,UR",40\n' +
      "5,EUR,50\r\n" +
      "6,EUR\n" +
      "7,EUR,70";
    for (const at of [[], [7, 20], [1, 2, 3, 30, 31, 60]]) {
      const text = await expectSameAsText(
        cut(utf8(csv), at),
        { maxFieldLength: 10 },
        undefined,
      );
      expect(
        text.flat().map((e) => [e.line, e.kind === "row" ? e.cells : e.code]),
      ).toEqual([
        [1, ["id", "code", "amount"]],
        [2, ["1", "EUR", "10"]],
        [4, ["2", "EUR", "20"]],
        [5, "field-too-large"],
        [6, ["4", "E,UR", "40"]],
        [7, ["5", "EUR", "50"]],
        [8, ["6", "EUR"]],
        [9, ["7", "EUR", "70"]],
      ]);
    }
  });

  it("an unfinished record completed by a piece with bytes that are not UTF-8 after it: read with them by the text path, as the text tokenizer reads it", async () => {
    // U+FFFF, a line end, an invalid byte, cut inside the U+FFFF: the first record is rejected
    // whichever path reads it
    const bytes = Uint8Array.from([0xef, 0xbf, 0xbf, 0x0a, 0xff]);
    for (const at of [[], [2], [1], [3, 4]]) {
      const text = await expectSameAsText(cut(bytes, at), {}, undefined);
      expect(text.flat().map((e) => [e.line, e.kind, codeOf(e)])).toEqual([
        [1, "problem", "invalid-utf8"],
        [2, "problem", "invalid-utf8"],
      ]);
    }
  });

  it("a U+FFFF in a cell the projection drops, in a record finished by a piece with an invalid byte: rejected by every reader, at every cut (the case of issue 15)", async () => {
    const bytes = Buffer.concat([
      utf8("a\na,\uFFFF,12345\n"),
      Uint8Array.from([0x61, 0xff, 0x0a]),
      utf8("a,,"),
    ]);
    for (let p = 0; p <= bytes.length; p++)
      for (let q = p; q <= bytes.length; q++)
        for (const mask of [new Uint8Array(0), undefined]) {
          const text = await expectSameAsText(cut(bytes, [p, q]), {}, mask);
          expect(text.flat().map(summary)).toEqual([
            [1, "row", ["a"]],
            [
              2,
              "problem",
              "invalid-utf8",
              "field 2 holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)",
            ],
            [
              3,
              "problem",
              "invalid-utf8",
              'column "a" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
            ],
            [4, "row", ["a", "", ""]],
          ]);
        }
  });

  it("a U+FFFF (UTF-8 EF BF BF) rejects its record as invalid UTF-8, kept or dropped by the projection, with or without invalid bytes in the file, naming its first field", async () => {
    const csv =
      "id,name,note\n1,a\uFFFF,x\n2,b,\uFFFF\n3,\uFFFF,\uFFFF\n4,c,d\n";
    for (const tail of [[], [0xff, 0x0a]])
      for (const mask of [undefined, Uint8Array.of(1, 1, 0), Uint8Array.of(1)])
        for (const at of [[], [17], [16, 18], [21, 24, 27]]) {
          const bytes = Buffer.concat([utf8(csv), Uint8Array.from(tail)]);
          const text = await expectSameAsText(cut(bytes, at), {}, mask);
          // (which cells of the last row arrive depends on the batch it is in: not asserted)
          expect(
            text
              .flat()
              .map((e) => (e.line === 5 ? [e.line, e.kind] : summary(e))),
          ).toEqual([
            [1, "row", ["id", "name", "note"]],
            [
              2,
              "problem",
              "invalid-utf8",
              'column "name" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
            ],
            [
              3,
              "problem",
              "invalid-utf8",
              'column "note" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
            ],
            [
              4,
              "problem",
              "invalid-utf8",
              'column "name" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
            ],
            [5, "row"],
            ...(tail.length
              ? [
                  [
                    6,
                    "problem",
                    "invalid-utf8",
                    'column "id" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
                  ],
                ]
              : []),
          ]);
        }
  });

  it("property: a projection changes no record's verdict, problem or line, only which cells arrive (every reader, hostile bytes, any chunking)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostile, table),
        fc.array(fc.nat(), { maxLength: 8 }),
        options,
        fc.uint8Array({ min: 0, max: 1, maxLength: 6 }),
        fc.constantFrom<Reader>("text", "bytes", "split"),
        async (bytes, at, opts, mask, reader) => {
          const chunks = cut(bytes, at);
          const full = await batches(chunks, opts, undefined, reader);
          let header = false;
          const blanked = full.map((batch) => {
            const out = batch.map((e) => (header ? blank(e, mask) : e));
            header ||= batch.some((e) => e.kind === "row");
            return out;
          });
          expect(await batches(chunks, opts, mask, reader)).toEqual(blanked);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("an invalid byte sends the text path its piece, not the rest of the input: the byte path takes over at the next record's start", () => {
    const events: CsvEvent[] = [];
    const t = new ByteCsvTokenizer((e) => events.push(e), undefined);
    t.push(Buffer.from("a,b\n1,Ren\xe9\n2,y\n", "latin1"));
    // the text path reads: no place to resume a read at
    expect(t.resumable()).toBeUndefined();
    t.push(utf8("3,z\n4,"));
    // the first line end of the next piece ended a record: the byte path read on ("4," pending)
    expect(t.resumable()).toEqual({ pendingBytes: 2, line: 5 });
    t.push(utf8("w\n"));
    t.end();
    expect(
      events.map((e) =>
        e.kind === "row" ? [e.line, ...e.cells] : [e.line, e.code],
      ),
    ).toEqual([
      [1, "a", "b"],
      [2, "invalid-utf8"],
      [3, "2", "y"],
      [4, "3", "z"],
      [5, "4", "w"],
    ]);
  });

  it("a record longer than the byte path keeps (1 MiB) and a field over the limit: the same problems, and the lines after them stay right", async () => {
    const big = `a,b\n1,"${"x".repeat(1_500_000)}"\n2,${"y".repeat(20_000)}\n3,"p\r\nq"\n4,é\n`;
    const chunks = cut(utf8(big), [100, 70_000, 1_200_000, 1_500_020]);
    const viaText = await expectSameAsText(chunks, {}, undefined);
    expect(viaText.flat().map((e) => [e.kind, e.line])).toEqual([
      ["row", 1],
      ["problem", 2],
      ["problem", 3],
      ["row", 4],
      ["row", 6],
    ]);
  });

  it("a short cell equal to its column's cell in the record before is the same text, however either was written", async () => {
    // quoted and unquoted, with `""` escapes, non-ASCII, other lengths, a column past the
    // previous record's width, a record over a limit between them
    const csv =
      "h1,h2,h3\n" +
      'EUR,true,"a""b"\n' +
      'EUR,"true",a"b\n' +
      '"EUR",tru,"a""b"\n' +
      "EURO,true,é\n" +
      "EUR,true,é,x\n" +
      'EUR,"true""",e\n' +
      `EUR,${"z".repeat(30)},e\n` +
      "EUR,true,e\n" +
      ",true,e\n" +
      "EUR,,e\n";
    for (const at of [[], [5, 17, 40], [1, 2, 3, 60, 61]]) {
      const chunks = cut(utf8(csv), at);
      const options: CsvReaderOptions = { maxFieldLength: 20 };
      const viaText = await expectSameAsText(chunks, options, undefined);
      expect(
        viaText.flat().map((e) => (e.kind === "row" ? e.cells : e.code)),
      ).toEqual([
        ["h1", "h2", "h3"],
        ["EUR", "true", 'a"b'],
        ["EUR", "true", 'a"b'],
        ["EUR", "tru", 'a"b'],
        ["EURO", "true", "é"],
        ["EUR", "true", "é", "x"],
        ["EUR", 'true"', "e"],
        "field-too-large",
        ["EUR", "true", "e"],
        ["", "true", "e"],
        ["EUR", "", "e"],
      ]);
    }
  });

  it("reads a dialect of ASCII separators in UTF-8, and leaves others to the text tokenizer", () => {
    expect(byteTokenizerFits({ delimiter: ";", quote: "'" })).toBe(true);
    expect(byteTokenizerFits({ delimiter: "\t", quote: null })).toBe(true);
    expect(byteTokenizerFits({ encoding: "windows-1252" })).toBe(false);
    expect(byteTokenizerFits({ delimiter: "§" })).toBe(false);
    expect(byteTokenizerFits({ delimiter: '"' })).toBe(false);
  });
});

describe("a read of records (CsvProjection.records, the external sort's read)", () => {
  /** The events of `chunks` read with `projection` from the first record on. */
  async function read(
    chunks: readonly Uint8Array[],
    opts: CsvReaderOptions,
    projection: CsvProjection | undefined,
    reader: Reader,
  ): Promise<CsvEvent[]> {
    const out: CsvEvent[] = [];
    for await (const batch of readCsvBatches(chunks, {
      ...opts,
      projection,
      tokenizer: reader === "text" ? "text" : "bytes",
      splitLines: reader === "split",
    }))
      out.push(...batch);
    return out;
  }

  /**
   * The same records, lines and problems as a full read; a record with text holds its full
   * read's cells joined by `,` (the default dialect only) and the cells `keep` keeps (and the
   * first), the others blank; a record without text holds every cell.
   */
  async function expectRecords(
    chunks: readonly Uint8Array[],
    opts: CsvReaderOptions,
    keep: Uint8Array,
  ): Promise<number> {
    let texts = 0;
    const plainDialect =
      (opts.delimiter ?? ",") === "," && (opts.quote ?? '"') === '"';
    for (const reader of ["text", "bytes", "split"] as const) {
      const full = await read(chunks, opts, undefined, reader);
      const records = await read(chunks, opts, { keep, records: true }, reader);
      expect(records.map(codeOf)).toEqual(full.map(codeOf));
      expect(records.map((e) => e.line)).toEqual(full.map((e) => e.line));
      records.forEach((e, i) => {
        const f = full[i];
        // (a problem's message names a column by the header's cell, which a projection from
        // the first record leaves blank: the sort passes problems over, the scan reported them)
        if (e.kind === "problem" || f.kind === "problem") {
          expect([e.kind, codeOf(e)]).toEqual([f.kind, codeOf(f)]);
          return;
        }
        expect(e.cells.length).toBe(f.cells.length);
        if (e.text === undefined) {
          expect(e.cells).toEqual(f.cells);
          return;
        }
        texts++;
        // only the byte tokenizer gives text (not on the lines it splits natively), and only in
        // the default dialect
        expect(reader).not.toBe("text");
        expect(plainDialect).toBe(true);
        expect(e.text).toBe(f.cells.join(","));
        expect(e.text).not.toMatch(/["\r\n\ud800-\udfff]/);
        expect(e.cells).toEqual(
          f.cells.map((c, col) => (col === 0 || keep[col] === 1 ? c : "")),
        );
      });
    }
    return texts;
  }

  /** Lines of mostly plain cells (what the sort reads most), some quoted or not ASCII. */
  const plainTable = fc
    .array(
      fc.tuple(
        fc.array(
          fc.constantFrom("C1", "bc", "12", "", "x y", "é", "€", '"q"', "😀"),
          { minLength: 1, maxLength: 5 },
        ),
        fc.constantFrom("\n", "\r\n"),
      ),
      { maxLength: 12 },
    )
    .map((lines) => utf8(lines.map(([c, eol]) => c.join(",") + eol).join("")));

  it("property: the same records, lines and problems as a full read; text only for a plain line, with its cells joined; any input, chunking, dialect, limits and projection", async () => {
    let texts = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostile, table, { weight: 3, arbitrary: plainTable }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.oneof(options, { weight: 3, arbitrary: fc.constant({}) }),
        fc.uint8Array({ min: 0, max: 1, maxLength: 6 }),
        async (bytes, at, opts, keep) => {
          texts += await expectRecords(cut(bytes, at), opts, keep);
        },
      ),
      { numRuns: 2000 },
    );
    // (the property held for records with text, not only for records without)
    expect(texts).toBeGreaterThan(1000);
  });

  it("gives text for plain lines, ASCII or not, ended by LF or CR LF, and none for a quoted line, a line with a surrogate pair, or in another dialect", async () => {
    const csv = utf8(
      "id,name,code\n" +
        "C1,Bakker,NL\n" +
        "C2,Müller,DE\n" +
        'C3,"Jansen, J.",NL\n' +
        "C4,😀,NL\n" +
        "C5,x,NL\r\n" +
        "C6,,\n",
    );
    const keep = Uint8Array.of(1, 0, 0);
    const events = await read([csv], {}, { keep, records: true }, "bytes");
    expect(
      events.map((e) =>
        e.kind === "row" ? [e.line, e.text ?? null, e.cells] : e.code,
      ),
    ).toEqual([
      [1, "id,name,code", ["id", "", ""]],
      [2, "C1,Bakker,NL", ["C1", "", ""]],
      [3, "C2,Müller,DE", ["C2", "", ""]],
      [4, null, ["C3", "Jansen, J.", "NL"]],
      [5, null, ["C4", "😀", "NL"]],
      [6, "C5,x,NL", ["C5", "", ""]],
      [7, "C6,,", ["C6", "", ""]],
    ]);
    const semicolons = await read(
      [utf8("id;name\nC1;Bakker\n")],
      { delimiter: ";" },
      { keep: Uint8Array.of(1, 0), records: true },
      "bytes",
    );
    expect(
      semicolons.map((e) => (e.kind === "row" ? [e.text ?? null, e.cells] : e)),
    ).toEqual([
      [null, ["id", "name"]],
      [null, ["C1", "Bakker"]],
    ]);
  });
});
