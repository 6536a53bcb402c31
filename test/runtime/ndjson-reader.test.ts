import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readNdjsonBatches } from "../../runtime/ndjson-reader.js";
import type { CsvEvent } from "../../runtime/csv-reader.js";

async function events(
  chunks: (string | Buffer)[],
  max?: number,
  maxField?: number,
) {
  const out: CsvEvent[] = [];
  const unknown: [string, number][] = [];
  const src = chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c));
  for await (const b of readNdjsonBatches(src, ["a", "b"], {
    maxRecordLength: max,
    maxFieldLength: maxField,
    onUnknownKey: (k, l) => unknown.push([k, l]),
  }))
    out.push(...b);
  return { out, unknown };
}

describe("NDJSON reader", () => {
  it("maps objects onto columns, with line numbers, across chunk boundaries", async () => {
    const { out, unknown } = await events([
      '{"a":"x","b":1}\r\n\n{"b":tr',
      'ue,"c":2,"a":null}\n{"a":"é"}',
    ]);
    expect(out).toEqual([
      { kind: "row", cells: ["a", "b"], line: 0 },
      { kind: "row", cells: ["x", "1"], line: 1 },
      { kind: "row", cells: ["", "true"], line: 3 },
      { kind: "row", cells: ["é", ""], line: 4 },
    ]);
    expect(unknown).toEqual([["c", 3]]);
  });

  it("rejects invalid JSON, non-objects, nested values, invalid UTF-8 and long lines with their lines", async () => {
    const { out } = await events(
      [
        '{"a":\n[1]\n{"a":{"x":1}}\n',
        Buffer.concat([
          Buffer.from('{"a":"'),
          Buffer.from([0xff]),
          Buffer.from('"}\n'),
        ]),
        `{"a":"${"x".repeat(100)}"}\n{"a":"ok"}\n`,
      ],
      50,
    );
    expect(
      out
        .slice(1)
        .map((e) => (e.kind === "row" ? ["row", e.line] : [e.code, e.line])),
    ).toEqual([
      ["invalid-json", 1],
      ["invalid-json", 2],
      ["invalid-json", 3],
      ["invalid-utf8", 4],
      ["record-too-large", 5],
      ["row", 6],
    ]);
  });

  it("says why a line is not JSON without quoting the line (a personal value may be in it)", async () => {
    const { out } = await events(
      [
        '{"a":"C1","b":Geheimnaam}\n{"a":"C2","b":"Zwartkop\n{"a":"C3","b":"Pieters" "x"}\n{"a":"C4",',
      ],
      1000,
    );
    const messages = out.flatMap((e) =>
      e.kind === "problem" ? [e.message] : [],
    );
    expect(messages).toEqual([
      "not valid JSON: an unexpected character (a text value without its quotes?)",
      "not valid JSON: Unterminated string at character 24 of the line",
      "not valid JSON: Expected ',' or '}' after property value at character 25 of the line",
      "not valid JSON: Expected double-quoted property name at character 11 of the line",
    ]);
    expect(messages.join()).not.toMatch(/Geheim|Zwart|Pieters|C[1-4]/);
  });

  it("names the key of a value over the field limit and of invalid UTF-8 (issue 16)", async () => {
    const { out } = await events(
      [
        `{"a":"ok","b":"${"y".repeat(30)}"}\n`,
        Buffer.concat([
          Buffer.from('{"a":"ok","b":"'),
          Buffer.from([0xe9]),
          Buffer.from('"}\n'),
        ]),
        '{"a":"ok","b":"short"}\n',
      ],
      1000,
      20,
    );
    expect(
      out.slice(1).map((e) => [e.line, e.kind === "row" ? e.cells : e.message]),
    ).toEqual([
      [
        1,
        'key "b" is longer than 20 characters (the limit of a field); the line is not read',
      ],
      [
        2,
        'key "b" holds bytes that are not valid UTF-8, or U+FFFF (which stands for such bytes)',
      ],
      [3, ["ok", "short"]],
    ]);
  });

  it("keeps a JSON number as its source text, as a CSV cell would be", async () => {
    const { out } = await events([
      '{"a":100.000000000000001,"b":12345678901234567890}\n',
      '{"a":1e3,"b":-0}\n',
      '{ "a" : -1.50E+2 , "b" :\t0.10 }\n',
      '{"a":9007199254740993,"b":1234567890123456.78}\n',
    ]);
    expect(out.slice(1).map((e) => (e.kind === "row" ? e.cells : e))).toEqual([
      ["100.000000000000001", "12345678901234567890"],
      ["1e3", "-0"],
      ["-1.50E+2", "0.10"],
      ["9007199254740993", "1234567890123456.78"],
    ]);
  });

  it("takes a number's text from its own key, not from strings, escaped keys or nested values", async () => {
    const { out, unknown } = await events([
      '{"a":"x \\"b\\":2.0, 3.0}","b":3.10}\n',
      '{"\\u0061":1.0,"b":"7.00"}\n',
      '{"c":{"a":1.5,"b":[2.0,{"a":3}]},"a":4.00}\n',
      '{"a":1.0,"a":2.00,"b":1.0,"b":"s"}\n',
      '{"a":true,"b":null}\n',
    ]);
    expect(out.slice(1).map((e) => (e.kind === "row" ? e.cells : e))).toEqual([
      ['x "b":2.0, 3.0}', "3.10"],
      ["1.0", "7.00"],
      ["4.00", ""],
      // a key given twice: not read (JSON.parse would keep the last value without a word)
      {
        kind: "problem",
        code: "invalid-json",
        line: 4,
        message:
          'key "a" is given twice: which value is meant is not clear (JSON keeps the last without a word); the line is not read',
      },
      ["true", ""],
    ]);
    expect(unknown).toEqual([["c", 3]]);
  });

  it("does not read a line that gives a key twice, however it is written", async () => {
    const { out } = await events([
      '{"a":"1","b":"2","a":"1000000"}\n',
      '{"a":"1","\\u0061":"2"}\n',
      '{"c":{"b":1,"b":2},"b":"x"}\n',
      '{"a":"\\"a\\":","b":"a"}\n',
    ]);
    expect(
      out
        .slice(1)
        .map((e) =>
          e.kind === "row"
            ? e.cells
            : e.kind === "problem"
              ? `${e.line}: ${e.message.slice(0, 22)}`
              : e,
        ),
    ).toEqual([
      '1: key "a" is given twice',
      '2: key "a" is given twice',
      // a name repeated in a nested object, or in a string, is no member of the line
      ["", "x"],
      ['"a":', "a"],
    ]);
  });

  it("holds a number's source text to the field limit", async () => {
    const { out } = await events([`{"a":1.${"0".repeat(20)}}\n`], 1000, 20);
    expect(
      out.slice(1).map((e) => (e.kind === "row" ? e.cells : e.code)),
    ).toEqual(["field-too-large"]);
  });

  it("gives every number cell the number's source text (property)", async () => {
    const columns = ["k0", "k1", "k2", "k3"];
    const digits = (min: number) =>
      fc.stringMatching(new RegExp(`^[0-9]{${min},25}$`));
    const numberText = fc
      .tuple(
        fc.constantFrom("", "-"),
        fc.oneof(
          fc.constant("0"),
          fc
            .tuple(fc.integer({ min: 1, max: 9 }), digits(0))
            .map(([d, r]) => `${d}${r}`),
        ),
        fc.option(
          digits(1).map((f) => `.${f}`),
          { nil: "" },
        ),
        fc.option(
          fc
            .tuple(
              fc.constantFrom("e", "E"),
              fc.constantFrom("", "+", "-"),
              digits(1),
            )
            .map((p) => p.join("")),
          { nil: "" },
        ),
      )
      .map((p) => p.join(""));
    const cell = fc.oneof(
      numberText.map((text) => ({ text, json: text })),
      fc
        .string({ unit: "grapheme", maxLength: 12 })
        .filter((s) => !s.includes("\uffff"))
        .map((text) => ({ text, json: JSON.stringify(text) })),
    );
    const space = fc.constantFrom("", " ", "\t", "  ");
    const record = fc.uniqueArray(
      fc.tuple(fc.constantFrom(...columns), cell, space, space),
      { selector: ([key]) => key, maxLength: columns.length },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 5 }),
        async (records) => {
          const text = records
            .map(
              (r) =>
                `{${r.map(([k, c, s1, s2]) => `${s1}"${k}"${s2}:${s1}${c.json}${s2}`).join(",")}}`,
            )
            .join("\n");
          const events: CsvEvent[] = [];
          for await (const batch of readNdjsonBatches(
            [Buffer.from(text)],
            columns,
          ))
            events.push(...batch);
          const rows = events
            .slice(1)
            .map((e) => (e.kind === "row" ? e.cells : [e.message]));
          expect(rows).toEqual(
            records.map((r) =>
              columns.map((col) => r.find(([k]) => k === col)?.[1].text ?? ""),
            ),
          );
        },
      ),
    );
  });
});
