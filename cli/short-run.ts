/**
 * A short `regel validate` without V8's optimizing compiler. Validating a small delivery (the
 * bundled example: 1,860 rows) runs most of its code only a few hundred times: TurboFan compiles
 * the hottest functions of the runtime and of the compiled ruleset (about 75 ms of CPU for the
 * example, on a second thread) and the run is over before the optimized code pays that back. Up to
 * {@link SMALL_DELIVERY_BYTES} the process turns TurboFan off before the command runs (the
 * interpreter and the baseline compiler, Sparkplug, still run); a larger delivery runs as V8
 * decides. V8's scavenge task is off too (see {@link tuneForShortRun}). Output is the same either
 * way; bench/results.md has the measurements.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";

/**
 * The largest delivery (bytes of its files, with those of `--previous`) validated without the
 * optimizing compiler. Measured (bench/results.md): without it the CPU time is lower up to about
 * 3.3 MB, but with a core to spare TurboFan compiles beside the main thread, and the wall time is
 * the same at 0.8 MB and longer at 1.6 MB (+40 ms). The example (0.26 MB) is faster either way.
 */
export const SMALL_DELIVERY_BYTES = 1024 * 1024;

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
  // No scavenge as a task once the young generation is 80 % full: a short run ends soon after,
  // and the example's ended in one (1-1.5 ms) while its report was written; scavenges still
  // happen when the young generation is full.
  setFlagsFromString("--no-minor-gc-task");
  return true;
}
