/**
 * The V8 flags `regel validate` sets for itself once the command line is read (a flag on node's
 * own command line would cost more: node then drops its built-in code cache, about 25 ms).
 *
 * - **Every validation: no allocation-site pretenuring.** V8 watches how many objects of each
 *   allocation site survive a scavenge and, above a rate, allocates that site's objects in the old
 *   generation from then on. A validation streams rows in batches, and whether a batch's rows are
 *   still held when a scavenge comes is a matter of timing: in 6 of 21 one-thread runs of a
 *   1,000,000-depositor delivery V8 pretenured the rows, the old generation filled every 70 ms and
 *   the run took 14.4–16.5 s instead of 11.2–12.9 s (user CPU 17.5–20.6 s against 12–14 s; in one
 *   such run main-thread GC took 2.9 s against 0.5 s). Without pretenuring the rows die young,
 *   every run (24 of 24).
 * - **A short validation (up to {@link SMALL_DELIVERY_BYTES}): no optimizing compiler.** Validating
 *   a small delivery (the bundled example: 1,860 rows) runs most of its code only a few hundred
 *   times: TurboFan compiles the hottest functions of the runtime and of the compiled ruleset
 *   (about 75 ms of CPU for the example, on a second thread) and the run is over before the
 *   optimized code pays that back (the interpreter and the baseline compiler, Sparkplug, still
 *   run); a larger delivery runs as V8 decides. V8's scavenge task is off too (see
 *   runtime/v8-flags.ts).
 * - **Threads on every core: no parallel scavenge.** Its helper threads would only wait for the
 *   cores the validating threads hold.
 *
 * Output is the same either way; bench/results.md has the measurements.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { setV8Flags, validationV8Flags } from "../runtime/v8-flags.js";
import { threadsOption } from "./threads-option.js";

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
 * The threads `regel validate` of `folder` asks for with `--threads` (`auto`, the default: as many
 * as the run will take, runtime/stage-partition.ts `threadsWanted`; one for a `short` run); 1 for
 * a value the command refuses.
 */
async function threadsAskedFor(
  folder: string,
  threads: unknown,
  short: boolean,
): Promise<number> {
  const asked = threadsOption(threads);
  if (asked === "auto") {
    // a short run is far below AUTO_MIN_BYTES: its start does not load the module
    if (short) return 1;
    const { AUTO_MIN_BYTES, threadsWanted } =
      await import("../runtime/stage-partition.js");
    return threadsWanted("auto", folderBytes([folder], AUTO_MIN_BYTES) ?? 0);
  }
  return asked ?? 1;
}

/**
 * Before a command runs (commander's `preAction`): for `regel validate`, set the V8 flags of
 * runtime/v8-flags.ts `validationV8Flags` — every validation's, a short one's, and those of one
 * whose threads take every core. Returns the flags it set (none for another command).
 */
export async function tuneV8ForRun(action: Command): Promise<string[]> {
  if (action.name() !== "validate") return [];
  const [folder] = action.args;
  const { previous, threads } = action.opts<{
    previous?: unknown;
    threads?: unknown;
  }>();
  if (folder === undefined) return [];
  const short = isShortValidation(
    folder,
    typeof previous === "string" ? previous : undefined,
  );
  const asked = await threadsAskedFor(folder, threads, short);
  // the cores matter to a run of more than one thread only (loaded for it alone)
  const cores =
    asked < 2 ? 1 : (await import("../runtime/cpu-quota.js")).availableCores();
  const flags = validationV8Flags(short, asked, cores);
  await setV8Flags(flags);
  return flags;
}
