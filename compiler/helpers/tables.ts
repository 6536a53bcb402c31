/**
 * Reference data: the value a `table` holds for a key (`lookup(rates.rate, currency)`).
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

/** The value of the row whose key is `key`; absent when the key is absent or no row has it. */
export function $lookup<K, T>(rows: ReadonlyMap<K, T>, key: K | undefined): T | undefined {
  return key === undefined ? undefined : rows.get(key);
}
