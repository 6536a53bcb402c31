/**
 * A copy of a generated delivery with the data rows of every CSV file in a random order (the
 * header kept; seeded, so the same copy every time): no IKB file in IKB key order, as a bank's
 * export sorted by account or by nothing gives them. Lines are split at line feeds: the generated
 * delivery holds no line break inside a field. `regel validate` then sorts every IKB file
 * through runs (runtime/assemble.ts, runtime/parallel-sort.ts), which the bench measures beside
 * the sorted delivery (bench/run.ts).
 *
 * @module
 */
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
} from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Random } from "../runtime/synthetic/random.js";

/** Write a copy of the CSV files of `from` into `to`, their data rows shuffled. */
export async function shuffledCopy(
  from: string,
  to: string,
  seed = 1,
): Promise<void> {
  mkdirSync(to, { recursive: true });
  const r = new Random(seed);
  for (const name of readdirSync(from)
    .filter((f) => f.endsWith(".csv"))
    .sort()) {
    const lines: string[] = [];
    for await (const line of createInterface({
      input: createReadStream(join(from, name), "utf8"),
      crlfDelay: Infinity,
    }))
      lines.push(line);
    const header = lines.shift();
    for (let i = lines.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      const t = lines[i];
      lines[i] = lines[j];
      lines[j] = t;
    }
    const out = createWriteStream(join(to, name));
    const write = (text: string): Promise<void> | undefined =>
      out.write(text)
        ? undefined
        : new Promise<void>((ok) => out.once("drain", () => ok()));
    if (header !== undefined) await write(`${header}\n`);
    for (let i = 0; i < lines.length; i += 4096)
      await write(`${lines.slice(i, i + 4096).join("\n")}\n`);
    await new Promise<void>((ok, fail) =>
      out.end(() => ok()).once("error", fail),
    );
  }
}
