/**
 * Resume points of the CSV reader (csv-reader.ts `resumePoint` / `start`), where the workers of
 * the parallel validate pass start reading (runtime/stage-partition.ts): read from any resume
 * point recorded after a batch, a file gives exactly the events that followed that batch, with
 * the same line numbers, whatever the file holds (quoted line breaks, CR / LF / CRLF, a byte
 * order mark, bad quotes, invalid UTF-8, records over a limit); problems with the same code and
 * line.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  readCsvFileBatches,
  type CsvEvent,
  type CsvReaderOptions,
} from "../../runtime/csv-reader.js";

const work = mkdtempSync(join(tmpdir(), "regel-resume-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One cell: plain, quoted with separators and line breaks in it, or broken. */
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9 é€]{0,12}$/) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom("a", ",", "\n", "\r\n", "\r", '""', "ü"), {
        maxLength: 8,
      })
      .map((parts) => `"${parts.join("")}"`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('"bad"x', "x\uFFFDy", "z".repeat(60)),
  },
);
const record = fc.array(cell, { minLength: 1, maxLength: 5 });
const lineEnd = fc.constantFrom("\n", "\r\n", "\r");

/**
 * An event as compared: a problem's message may name a column by the first row read (the header
 * of a full read), which a read from a resume point does not have; the workers skip problems.
 */
function comparable(e: CsvEvent): unknown {
  return e.kind === "row" ? e : { kind: e.kind, code: e.code, line: e.line };
}

async function events(
  path: string,
  options: CsvReaderOptions,
): Promise<{
  all: CsvEvent[];
  points: { offset: number; line: number; after: number }[];
}> {
  const resumePoint = { offset: -1, line: 0 };
  const all: CsvEvent[] = [];
  const points: { offset: number; line: number; after: number }[] = [];
  for await (const batch of readCsvFileBatches(path, {
    ...options,
    resumePoint,
  })) {
    all.push(...batch);
    if (resumePoint.offset >= 0)
      points.push({ ...resumePoint, after: all.length });
  }
  return { all, points };
}

describe("resume points of the CSV reader", () => {
  it("property: read from a resume point, a file gives the events after its batch", async () => {
    // Not every file has a resume point: none while the text tokenizer reads (from invalid UTF-8
    // to a later record boundary), none where every batch ends just after a CR, no batch at all
    // for blank lines only (`""` lines, say). Most random files have several; the property must
    // not pass vacuously.
    let runsWithPoints = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(record, lineEnd), { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        fc.boolean(),
        async (records, bom, invalidByte) => {
          // repeated to several batches of the reader (32 KiB each)
          const once = records
            .map(([cells, end]) => cells.join(",") + end)
            .join("");
          const text = once.repeat(
            Math.ceil(200_000 / Math.max(1, once.length)),
          );
          let bytes = Buffer.concat([
            bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
            Buffer.from(text, "utf8"),
          ]);
          if (invalidByte) {
            bytes = Buffer.from(bytes);
            bytes[Math.floor(bytes.length * 0.7)] = 0xff;
          }
          const path = join(work, "f.csv");
          writeFileSync(path, bytes);
          const options: CsvReaderOptions = { maxFieldLength: 40 };
          const { all, points } = await events(path, options);
          if (points.length > 0) runsWithPoints++;
          for (const p of points) {
            const rest: CsvEvent[] = [];
            for await (const batch of readCsvFileBatches(path, {
              ...options,
              start: { offset: p.offset, line: p.line },
            }))
              rest.push(...batch);
            expect(rest.map(comparable)).toEqual(
              all.slice(p.after).map(comparable),
            );
          }
        },
      ),
      { numRuns: 25 },
    );
    expect(runsWithPoints).toBeGreaterThan(10);
  }, 120_000);

  it("has no resume point after the batch the end flushes", async () => {
    // the last record without a line end, or with a quote never closed, is flushed by the end,
    // in a batch of its own: the read is over, and the point after the batch before gives it
    for (const last of ['3,"4\n5\n', "3,4"]) {
      const path = join(work, "end.csv");
      writeFileSync(path, "a,b\n" + "1,2\n".repeat(50_000) + last);
      const resumePoint = { offset: -1, line: 0 };
      const batches: CsvEvent[][] = [];
      let before: { offset: number; line: number } | undefined;
      for await (const batch of readCsvFileBatches(path, { resumePoint })) {
        batches.push(batch);
        if (resumePoint.offset >= 0) before = { ...resumePoint };
      }
      expect(resumePoint.offset).toBe(-1);
      expect(before).toEqual({ offset: 4 + 4 * 50_000, line: 50_002 });
      const rest: CsvEvent[] = [];
      for await (const batch of readCsvFileBatches(path, { start: before }))
        rest.push(...batch);
      expect(rest.map(comparable)).toEqual(batches.at(-1)!.map(comparable));
      expect(rest).toHaveLength(1);
    }
  });

  it("a file of more than one batch has resume points", async () => {
    const path = join(work, "big.csv");
    writeFileSync(path, "a,b\n" + "1,2\n".repeat(50_000));
    const { all, points } = await events(path, {});
    expect(all).toHaveLength(50_001);
    expect(points.length).toBeGreaterThan(3);
  });
});
