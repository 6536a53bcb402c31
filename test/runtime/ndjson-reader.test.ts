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
});
