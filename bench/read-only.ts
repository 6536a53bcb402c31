/**
 * regel's CSV reader merely reading a delivery (bench/measure.ts's "read" task, and each thread of
 * its "read-threads" task, bench/read-worker.ts).
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readCsvFileBatches } from "../runtime/csv-reader.js";

/** The delivery's CSV files, by name. */
export function csvFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".csv"))
    .sort()
    .map((f) => join(folder, f));
}

/**
 * regel's own CSV reader merely reading every CSV file of the delivery (all cells, no checks),
 * with the byte or the text tokenizer (runtime/csv-bytes.ts, runtime/csv-reader.ts).
 */
export async function regelReadOnly(
  folder: string,
  tokenizer: "bytes" | "text",
): Promise<Record<string, number>> {
  const started = performance.now();
  let rows = 0;
  let cells = 0;
  for (const file of csvFiles(folder))
    for await (const batch of readCsvFileBatches(file, { tokenizer }))
      for (const e of batch) {
        rows++;
        if (e.kind === "row") cells += e.cells.length;
      }
  return { ms: performance.now() - started, rows, cells };
}
