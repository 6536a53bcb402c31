/**
 * A whole-number option value as given on the command line: digits only. `Number()` alone would
 * also take "0x2", "1e1" (10), " 2", "2.0" and "", each meaning something the user did not write.
 *
 * @module
 */

/** The positive whole number `value` spells in decimal digits, else undefined. */
export function positiveCount(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^[0-9]+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
