/**
 * Combinations of decoded values, for the whole-file checks (`unique a, b`, `one a per b`).
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

/**
 * One text for a combination of decoded values, equal for two combinations exactly when their
 * values are (each part is prefixed by its length, so no separator can be forged); undefined
 * when a value is absent: a combination with an absent value takes no part in the check.
 */
export function $combination(
  values: readonly (string | number | bigint | boolean | undefined)[],
): string | undefined {
  let s = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) return undefined;
    const t = String(v);
    s += t.length + ":" + t;
  }
  return s;
}
