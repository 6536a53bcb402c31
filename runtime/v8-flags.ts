/**
 * The V8 flags a validation runs with, set after start-up (cli/v8-tuning.ts decides for
 * `regel validate`; the bench sets the same): why each, with its measurements, is in
 * cli/v8-tuning.ts and bench/results.md.
 *
 * @module
 */
/** What every `regel validate` sets: rows streamed in batches are not pretenured. */
export const VALIDATION_V8_FLAGS: readonly string[] = [
  "--no-allocation-site-pretenuring",
];

/**
 * What a short `regel validate` sets besides: no TurboFan, and no scavenge as a task once the young
 * generation is 80 % full (a short run ends soon after, and the example's ended in one, 1-1.5 ms,
 * while its report was written; scavenges still happen when the young generation is full).
 */
export const SHORT_VALIDATION_V8_FLAGS: readonly string[] = [
  "--no-opt",
  "--no-minor-gc-task",
];

/** Set V8 `flags` for the rest of the process (worker threads started later included). */
export async function setV8Flags(flags: readonly string[]): Promise<void> {
  // Only here: `node:v8` is not loaded otherwise. A flag set after start-up applies to V8's
  // decisions from then on; nothing has been optimized or pretenured yet.
  const { setFlagsFromString } = await import("node:v8");
  for (const flag of flags) setFlagsFromString(flag);
}
