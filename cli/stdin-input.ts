/**
 * `regel validate -`: one entity's records read from standard input, as CSV (header first) or
 * NDJSON (one JSON object per line). The stream is copied into a private temporary folder under
 * the entity's file name (`natural_person.csv`, or `natural_person.ndjson`), which is then
 * validated as a delivery of that one entity (`DeliveryOptions.entities`), so every guarantee of a
 * delivery holds: each row accounted for, limits, provenance (the sha256 of what was read). The
 * folder is removed when the command ends, also on a signal.
 *
 * @module
 */
import {
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  closeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { onExitCleanup } from "../runtime/exit-cleanup.js";
import type { EntityMeta } from "../compiler/contract.js";

/** How a stream is read: `csv` or `ndjson`; `auto` looks at its first character (`{`: NDJSON). */
export type StreamFormat = "csv" | "ndjson" | "auto";

/** The format of a file by its first non-blank character (after a byte-order mark). */
export function sniffFormat(file: string): "csv" | "ndjson" {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf
      .subarray(0, n)
      .toString("utf8")
      .replace(/^\uFEFF/, "");
    return text.trimStart().startsWith("{") ? "ndjson" : "csv";
  } finally {
    closeSync(fd);
  }
}

/** A delivery folder holding one entity's file read from `input`. */
export interface StreamDelivery {
  folder: string;
  /** The file name in it (the entity's file, `.ndjson` for NDJSON). */
  file: string;
  format: "csv" | "ndjson";
  /** Remove the folder (also done at exit). */
  dispose(): void;
}

/** Copy `input` into a new temporary folder as the file of `entity`. */
export async function spoolEntity(
  input: NodeJS.ReadableStream,
  entity: EntityMeta,
  format: StreamFormat,
  tempDir?: string,
): Promise<StreamDelivery> {
  const folder = mkdtempSync(join(tempDir ?? tmpdir(), "regel-stdin-"));
  let removed = false;
  const dispose = () => {
    if (removed) return;
    removed = true;
    rmSync(folder, { recursive: true, force: true });
    stop();
  };
  const stop = onExitCleanup(() => dispose());
  try {
    const csvName = entity.file ?? `${entity.name}.csv`;
    const spooled = join(folder, csvName);
    await pipeline(input, createWriteStream(spooled, { mode: 0o600 }));
    const actual = format === "auto" ? sniffFormat(spooled) : format;
    let file = csvName;
    if (actual === "ndjson") {
      file = `${csvName.replace(/\.csv$/i, "")}.ndjson`;
      renameSync(spooled, join(folder, file));
    }
    return { folder, file, format: actual, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
