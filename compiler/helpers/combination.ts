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

/**
 * The hashes the runtime takes of {@link $combination}'s text (runtime/whole-file.ts: cyrb53,
 * runtime/key-set.ts `hash53`, with seed 0 into `out[0]` and, when `out` has room for it, seed
 * 0x9e3779b9 into `out[1]`), computed over the values without building the text; false (and
 * `out` untouched) when a value is absent. The same numbers as hashing the text, so that modules
 * with and without it agree.
 */
export function $combinationHash(
  values: readonly (string | number | bigint | boolean | undefined)[],
  out: Float64Array,
): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === undefined) return false;
  const both = out.length > 1;
  let a1 = 0xdeadbeef;
  let a2 = 0x41c6ce57;
  let b1 = 0xdeadbeef ^ 0x9e3779b9;
  let b2 = 0x41c6ce57 ^ 0x9e3779b9;
  for (let i = 0; i < values.length; i++) {
    const t = String(values[i]);
    const n = t.length;
    // the length's decimal digits, most significant first, then ":" (58); then the text, in a
    // loop of its own (the text is most of what is hashed)
    let p = 1;
    while (p * 10 <= n) p *= 10;
    for (; p >= 1; p /= 10) {
      const ch = 48 + (Math.floor(n / p) % 10);
      a1 = Math.imul(a1 ^ ch, 2654435761);
      a2 = Math.imul(a2 ^ ch, 1597334677);
      b1 = Math.imul(b1 ^ ch, 2654435761);
      b2 = Math.imul(b2 ^ ch, 1597334677);
    }
    a1 = Math.imul(a1 ^ 58, 2654435761);
    a2 = Math.imul(a2 ^ 58, 1597334677);
    b1 = Math.imul(b1 ^ 58, 2654435761);
    b2 = Math.imul(b2 ^ 58, 1597334677);
    if (both)
      for (let j = 0; j < n; j++) {
        const ch = t.charCodeAt(j);
        a1 = Math.imul(a1 ^ ch, 2654435761);
        a2 = Math.imul(a2 ^ ch, 1597334677);
        b1 = Math.imul(b1 ^ ch, 2654435761);
        b2 = Math.imul(b2 ^ ch, 1597334677);
      }
    else
      for (let j = 0; j < n; j++) {
        const ch = t.charCodeAt(j);
        a1 = Math.imul(a1 ^ ch, 2654435761);
        a2 = Math.imul(a2 ^ ch, 1597334677);
      }
  }
  a1 = Math.imul(a1 ^ (a1 >>> 16), 2246822507);
  a1 ^= Math.imul(a2 ^ (a2 >>> 13), 3266489909);
  a2 = Math.imul(a2 ^ (a2 >>> 16), 2246822507);
  a2 ^= Math.imul(a1 ^ (a1 >>> 13), 3266489909);
  out[0] = 4294967296 * (2097151 & a2) + (a1 >>> 0);
  if (both) {
    b1 = Math.imul(b1 ^ (b1 >>> 16), 2246822507);
    b1 ^= Math.imul(b2 ^ (b2 >>> 13), 3266489909);
    b2 = Math.imul(b2 ^ (b2 >>> 16), 2246822507);
    b2 ^= Math.imul(b1 ^ (b1 >>> 13), 3266489909);
    out[1] = 4294967296 * (2097151 & b2) + (b1 >>> 0);
  }
  return true;
}
