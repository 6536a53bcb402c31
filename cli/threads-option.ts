/**
 * The value of `regel validate --threads`: `auto`, or a whole number from 1 to
 * {@link MAX_THREADS_OPTION}. Read by the command itself and, before it runs, by cli/v8-tuning.ts.
 *
 * @module
 */

import { MAX_THREADS } from "../runtime/thread-limit.js";
import { positiveCount } from "./count-option.js";

/** The most threads `--threads` takes (as validateFolder's `threads`). */
export const MAX_THREADS_OPTION = MAX_THREADS;

/**
 * `--threads` as given (default `"auto"`: runtime/stage-partition.ts `autoThreads`): `"auto"`,
 * the number, or undefined when it is neither.
 */
export function threadsOption(value: unknown): number | "auto" | undefined {
  if (value === undefined || value === "auto") return "auto";
  const n = positiveCount(value);
  return n !== undefined && n <= MAX_THREADS_OPTION ? n : undefined;
}
