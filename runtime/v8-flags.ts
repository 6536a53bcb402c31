/**
 * The V8 flags a validation runs with, set after start-up (cli/v8-tuning.ts decides for
 * `regel validate`; the bench sets the same): why each, with its measurements, is in
 * cli/v8-tuning.ts and bench/results.md.
 *
 * @module
 */
/** What every `regel validate` sets: rows streamed in batches are not pretenured. */
const VALIDATION_V8_FLAGS: readonly string[] = [
  "--no-allocation-site-pretenuring",
];

/**
 * What a short `regel validate` sets besides: no TurboFan, and no scavenge as a task once the young
 * generation is 80 % full (a short run ends soon after, and the example's ended in one, 1-1.5 ms,
 * while its report was written; scavenges still happen when the young generation is full).
 */
const SHORT_VALIDATION_V8_FLAGS: readonly string[] = [
  "--no-opt",
  "--no-minor-gc-task",
];

/**
 * What a validation whose threads take every core sets besides: V8's parallel scavenge off. Its
 * helper threads would wait for cores the validating threads hold; on 2 cores with 2 threads the
 * 1 M delivery ran 0.1–0.35 s shorter without it (bench/results.md).
 */
const ALL_CORES_V8_FLAGS: readonly string[] = ["--no-parallel-scavenge"];

/**
 * The V8 flags of a validation: {@link VALIDATION_V8_FLAGS}; {@link SHORT_VALIDATION_V8_FLAGS} too
 * when it is `short`; {@link ALL_CORES_V8_FLAGS} too when its `threads` (the main thread
 * included) are at least `cores`.
 */
export function validationV8Flags(
  short: boolean,
  threads: number,
  cores: number,
): string[] {
  return [
    ...VALIDATION_V8_FLAGS,
    ...(short ? SHORT_VALIDATION_V8_FLAGS : []),
    ...(threads >= 2 && threads >= cores ? ALL_CORES_V8_FLAGS : []),
  ];
}

/** Set V8 `flags` for the rest of the process (worker threads started later included). */
export async function setV8Flags(flags: readonly string[]): Promise<void> {
  // Only here: `node:v8` is not loaded otherwise. A flag set after start-up applies to V8's
  // decisions from then on; nothing has been optimized or pretenured yet.
  const { setFlagsFromString } = await import("node:v8");
  for (const flag of flags) setFlagsFromString(flag);
}
