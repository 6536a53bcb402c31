/**
 * A short `regel validate` without V8's optimizing compiler. Validating a small delivery (the
 * bundled example: 1,860 rows) runs most of its code only a few hundred times: TurboFan compiles
 * the hottest functions of the runtime and of the compiled ruleset (on a second thread, about 70 ms
 * of CPU for the example) and the run is over before the optimized code pays that back. Below
 * {@link SMALL_DELIVERY_BYTES} the process turns TurboFan off before the command runs (the
 * interpreter and the baseline compiler, Sparkplug, still run); a larger delivery runs as V8
 * decides. Output is the same either way; bench/results.md has the measurements and the
 * break-even.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";

/**
 * The largest delivery (bytes of its files, with those of `--previous`) validated without the
 * optimizing compiler. Measured break-even: between 3.3 MB (4,000 depositors, still faster without)
 * and 4.9 MB (6,000, slower); this keeps a margin below it.
 */
export const SMALL_DELIVERY_BYTES = 2 * 1024 * 1024;

/**
 * The bytes of the files directly in each folder together, counted up to just above `limit`;
 * undefined when a folder cannot be listed (standard input `-`, a missing folder: the command
 * reports that itself).
 */
export function folderBytes(
  folders: readonly string[],
  limit: number,
): number | undefined {
  let total = 0;
  try {
    for (const folder of folders)
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (!entry.isFile()) continue;
        total += statSync(join(folder, entry.name)).size;
        if (total > limit) return total;
      }
  } catch {
    return undefined;
  }
  return total;
}

/** Is `regel validate` of `folder` (and its T−1 `previous`) short enough to run unoptimized? */
export function isShortValidation(
  folder: string,
  previous: string | undefined,
): boolean {
  const bytes = folderBytes(
    previous === undefined ? [folder] : [folder, previous],
    SMALL_DELIVERY_BYTES,
  );
  return bytes !== undefined && bytes <= SMALL_DELIVERY_BYTES;
}

/**
 * Before a command runs (commander's `preAction`): for a short `regel validate`, turn V8's
 * optimizing compiler off for the rest of the process. Returns whether it did.
 */
export async function tuneForShortRun(action: Command): Promise<boolean> {
  if (action.name() !== "validate") return false;
  const [folder] = action.args;
  const { previous } = action.opts<{ previous?: unknown }>();
  if (
    folder === undefined ||
    !isShortValidation(
      folder,
      typeof previous === "string" ? previous : undefined,
    )
  )
    return false;
  // Only here: `node:v8` is not loaded otherwise. A flag set after start-up applies to the
  // tiering decisions from then on; nothing has been optimized yet.
  const { setFlagsFromString } = await import("node:v8");
  setFlagsFromString("--no-opt");
  return true;
}
