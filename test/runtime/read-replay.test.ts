/**
 * A small delivery tokenized once (runtime/read-replay.ts): the first read of a file, kept, and
 * every replay of it give the batches a read of the file gives (rows, lines, problems, and every
 * cell a projection keeps, set from the start or after the header; a served read holds the
 * others too), each batch in a fresh array, the events shared with the kept read; a read that
 * stopped early is not kept; reads that want the bytes (hashing, progress) or a range read the
 * file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  readCsvFileBatches,
  type CsvEvent,
  type CsvProjection,
  type CsvReaderOptions,
} from "../../runtime/csv-reader.js";
import { ReadReplay } from "../../runtime/read-replay.js";

const work = mkdtempSync(join(tmpdir(), "regel-replay-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One cell: plain, quoted with separators and line breaks, or broken. */
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9 é€]{0,12}$/) },
  // ASCII only: files of them are read by the kept read's split of plain lines (splitLines)
  { weight: 12, arbitrary: fc.stringMatching(/^[a-z0-9 ]{0,12}$/) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom("a", ",", "\n", "\r\n", '""', "ü"), {
        maxLength: 6,
      })
      .map((parts) => `"${parts.join("")}"`),
  },
  { weight: 1, arbitrary: fc.constantFrom('"bad"x', "z".repeat(40)) },
);
const record = fc.array(cell, { minLength: 1, maxLength: 5 });

/**
 * The batches of a read, as the consumer sees them; `keep` is set on the projection after the
 * first batch (a consumer that read the header) unless `fromStart`.
 */
async function consume(
  batches: AsyncGenerator<CsvEvent[]>,
  projection: CsvProjection,
  keep: Uint8Array | undefined,
  fromStart: boolean,
): Promise<CsvEvent[][]> {
  if (fromStart) projection.keep = keep;
  const out: CsvEvent[][] = [];
  for await (const batch of batches) {
    out.push(batch);
    projection.keep = keep;
  }
  return out;
}

/**
 * `batches` as a consumer that reads only the cells `keep` marks sees them: the others `""` (the
 * first cell is always kept, as the readers keep it). A read by the tokenizer leaves them `""`
 * once the projection is set; a served read holds them.
 */
function onKept(
  batches: CsvEvent[][],
  keep: Uint8Array | undefined,
): CsvEvent[][] {
  return batches.map((batch) =>
    batch.map((ev) =>
      ev.kind !== "row" || keep === undefined
        ? ev
        : {
            ...ev,
            cells: ev.cells.map((c, i) => (i === 0 || keep[i] ? c : "")),
          },
    ),
  );
}

/** A fresh read of `path` with the projection, as the reader gives it. */
function read(path: string, options: CsvReaderOptions) {
  return readCsvFileBatches(path, options);
}

describe("ReadReplay", () => {
  it("gives the events of a read: the kept read and every replay, with any projection", async () => {
    let n = 0;
    let servedRuns = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 0, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 0, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        async (records, keepBits, firstFromStart, replayFromStart) => {
          const path = join(work, `f${n++}.csv`);
          // small limits, so that records over them are problems too
          const limits = { maxFieldLength: 30, maxRecordLength: 80 };
          writeFileSync(path, records.map((r) => r.join(",")).join("\n"));
          const keep =
            keepBits.length === 0
              ? undefined
              : Uint8Array.from(keepBits, (b) => (b ? 1 : 0));
          const file = {};
          const replay = new ReadReplay<object>();
          replay.keep(file);
          const asRead = async (fromStart: boolean) => {
            const projection: CsvProjection = {};
            return consume(
              read(path, { ...limits, projection }),
              projection,
              keep,
              fromStart,
            );
          };
          let reads = 0;
          const viaReplay = async (fromStart: boolean) => {
            const projection: CsvProjection = {};
            return consume(
              replay.read(file, { ...limits, projection }, (o) => {
                reads++;
                return read(path, o);
              }),
              projection,
              keep,
              fromStart,
            );
          };
          const full = await consume(read(path, limits), {}, undefined, false);
          // the first read is kept (unless its projection is set from the start), the later ones
          // replayed: what the consumer reads is a read's; a served read holds every cell
          const first = await viaReplay(firstFromStart);
          expect(onKept(first, keep)).toEqual(
            onKept(await asRead(firstFromStart), keep),
          );
          const readsBefore = reads;
          const second = await viaReplay(replayFromStart);
          const third = await viaReplay(replayFromStart);
          const served = reads === readsBefore;
          if (served) servedRuns++;
          expect(onKept(second, keep)).toEqual(
            onKept(await asRead(replayFromStart), keep),
          );
          if (served) expect(second).toEqual(full);
          expect(third).toEqual(second);
          // fresh batch arrays (the consumer may write over them: keyedRows does), the events
          // of the kept read when served (never copied: no consumer writes into them)
          for (let b = 0; b < second.length; b++) {
            expect(third[b]).not.toBe(second[b]);
            if (served)
              second[b].forEach((ev, i) => expect(third[b][i]).toBe(ev));
          }
        },
      ),
      { numRuns: 150 },
    );
    // the property saw replays, not only reads
    expect(servedRuns).toBeGreaterThan(20);
  });

  it("the kept read splits runs of plain ASCII lines natively (splitLines), with the events of a read", async () => {
    const path = join(work, "plain.csv");
    writeFileSync(
      path,
      '\uFEFFid,code,note\n1,EUR,x\n\n2,EUR,"a,b"\n3,USD,y\r\n' +
        `4,EUR,${"z".repeat(40)}\n5,EUR`,
    );
    const limits = { maxFieldLength: 30 };
    const asked: CsvReaderOptions[] = [];
    const replay = new ReadReplay<object>();
    const file = {};
    replay.keep(file);
    const viaReplay = () =>
      consume(
        replay.read(file, limits, (o) => {
          asked.push(o);
          return read(path, o);
        }),
        {},
        undefined,
        false,
      );
    const asRead = await consume(read(path, limits), {}, undefined, false);
    expect(await viaReplay()).toEqual(asRead);
    expect(await viaReplay()).toEqual(asRead);
    expect(asked.map((o) => o.splitLines)).toEqual([true]);
    expect(
      asRead.flat().map((e) => [e.line, e.kind === "row" ? e.cells : e.code]),
    ).toEqual([
      [1, ["id", "code", "note"]],
      [2, ["1", "EUR", "x"]],
      [4, ["2", "EUR", "a,b"]],
      [5, ["3", "USD", "y"]],
      [6, "field-too-large"],
      [7, ["5", "EUR"]],
    ]);
  });

  it("keeps only a read to the end, and only when asked", async () => {
    const path = join(work, "stop.csv");
    writeFileSync(
      path,
      "a,b\n" + Array.from({ length: 20_000 }, (_, i) => `${i},x`).join("\n"),
    );
    let reads = 0;
    const counting = (o: CsvReaderOptions) => {
      reads++;
      return read(path, o);
    };
    const replay = new ReadReplay<object>();
    const file = {};
    // not asked for: every read reads the file
    for await (const _ of replay.read(file, {}, counting)) break;
    for await (const _ of replay.read(file, {}, counting));
    expect(reads).toBe(2);
    // asked for, but the first read stops after one batch: not kept, the next read reads
    replay.keep(file);
    for await (const _ of replay.read(file, {}, counting)) break;
    for await (const _ of replay.read(file, {}, counting));
    expect(reads).toBe(4);
    // asked for again and read to the end: the later reads are replays
    replay.keep(file);
    let rows = 0;
    for await (const batch of replay.read(file, {}, counting))
      rows += batch.length;
    const replayed: CsvEvent[] = [];
    for await (const batch of replay.read(file, {}, counting))
      replayed.push(...batch);
    expect(reads).toBe(5);
    expect(replayed.length).toBe(rows);
    expect(replayed.at(-1)).toEqual({
      kind: "row",
      cells: ["19999", "x"],
      line: 20_001,
    });
  });

  it("reads the file for a read that hashes, counts bytes, records resume points or reads a range", async () => {
    const path = join(work, "hooks.csv");
    writeFileSync(path, "a,b\n1,2\n3,4\n");
    let reads = 0;
    const counting = (o: CsvReaderOptions) => {
      reads++;
      return read(path, o);
    };
    const replay = new ReadReplay<object>();
    const file = {};
    replay.keep(file);
    // kept: a read that hashes keeps its events (the hook sees every chunk)
    let hashed = 0;
    for await (const _ of replay.read(
      file,
      { onChunk: (c) => (hashed += c.byteLength) },
      counting,
    ));
    expect(hashed).toBe(12);
    expect(reads).toBe(1);
    for (const options of [
      { onChunk: () => undefined },
      { onBytes: () => undefined },
      { resumePoint: { offset: -1, line: 0 } },
      { start: { offset: 4, line: 2 } },
      { tokenizer: "text" as const },
      { encoding: "iso-8859-1" as const },
    ]) {
      for await (const _ of replay.read(file, options, counting));
    }
    expect(reads).toBe(7);
    for await (const _ of replay.read(file, {}, counting));
    expect(reads).toBe(7);
  });
});
