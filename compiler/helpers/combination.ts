/**
 * Combinations of decoded values, for the whole-file checks (`unique a, b`, `one a per b`).
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

import { $isParticleAt, $normalizedCode, $normalizedName } from "./normalize.js";

/**
 * One text for a combination of decoded values, equal for two combinations exactly when their
 * values are (each part is followed by ":" and its length, so no separator can be forged: read
 * from the end, the last ":" ends a part's text, whose length is the digits after it);
 * undefined when a value is absent: a combination with an absent value takes no part in the
 * check. The length follows the text so that {@link $combinationHash} can take a normalised
 * part's hash in one pass over it, counting its length as it goes.
 */
export function $combination(
  values: readonly (string | number | bigint | boolean | undefined)[],
): string | undefined {
  let s = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) return undefined;
    const t = String(v);
    s += t + ":" + t.length;
  }
  return s;
}

/**
 * The hashes the runtime takes of {@link $combination}'s text (runtime/whole-file.ts: cyrb53,
 * runtime/key-set.ts `hash53`, with seed 0 into `out[0]` and, when `out` has room for it, seed
 * 0x9e3779b9 into `out[1]`), computed over the values without building the text; false (and
 * `out` untouched) when a value is absent. The same numbers as hashing the text, so that modules
 * with and without it agree. A module's `hash` projections hash their values part by part
 * ({@link $hashStart}, {@link $hashPart}, {@link $hashEnd}) without an array of them.
 */
export function $combinationHash(
  values: readonly (string | number | bigint | boolean | undefined)[],
  out: Float64Array,
): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === undefined) return false;
  const both = out.length > 1;
  $hashStart();
  for (let i = 0; i < values.length; i++) $hashPart(values[i]!, both);
  $hashEnd(out);
  return true;
}

/**
 * The four 32-bit lanes of the two cyrb53 hashes of the combination being hashed (seed 0: lanes
 * 0 and 1; seed 0x9e3779b9: lanes 2 and 3), between {@link $hashStart} and {@link $hashEnd}.
 */
export const $HASH_LANES = new Int32Array(4);

/** The decimal digits of an integer {@link $hashPart} hashes, least significant first. */
export const $HASH_DIGITS = new Uint8Array(16);

/** Begin the hashes of a combination: then {@link $hashPart} of each value, then {@link $hashEnd}. */
export function $hashStart(): void {
  const s = $HASH_LANES;
  s[0] = 0xdeadbeef;
  s[1] = 0x41c6ce57;
  s[2] = 0xdeadbeef ^ 0x9e3779b9;
  s[3] = 0x41c6ce57 ^ 0x9e3779b9;
}

/**
 * One value of the combination, hashed as its part of {@link $combination}'s text (`String(v)`,
 * ":", then its length in decimal); the second hash's lanes too when `both`. A safe integer (a
 * date's day number) is hashed from its digits, without building its text.
 */
export function $hashPart(v: string | number | bigint | boolean, both: boolean): void {
  const s = $HASH_LANES;
  let a1 = s[0];
  let a2 = s[1];
  let b1 = s[2];
  let b2 = s[3];
  let n: number;
  if (typeof v === "number" && Number.isSafeInteger(v)) {
    // String(v) is the sign and the digits (-0 is "0")
    const negative = v < 0;
    let m = negative ? -v : v;
    const d = $HASH_DIGITS;
    let digits = 0;
    do {
      const r = m % 10;
      d[digits++] = r;
      m = (m - r) / 10;
    } while (m > 0);
    if (negative) {
      a1 = Math.imul(a1 ^ 45, 2654435761);
      a2 = Math.imul(a2 ^ 45, 1597334677);
      b1 = Math.imul(b1 ^ 45, 2654435761);
      b2 = Math.imul(b2 ^ 45, 1597334677);
    }
    for (let j = digits - 1; j >= 0; j--) {
      const ch = 48 + d[j];
      a1 = Math.imul(a1 ^ ch, 2654435761);
      a2 = Math.imul(a2 ^ ch, 1597334677);
      b1 = Math.imul(b1 ^ ch, 2654435761);
      b2 = Math.imul(b2 ^ ch, 1597334677);
    }
    n = digits + (negative ? 1 : 0);
  } else {
    const t = String(v);
    n = t.length;
    for (let j = 0; j < n; j++) {
      const ch = t.charCodeAt(j);
      a1 = Math.imul(a1 ^ ch, 2654435761);
      a2 = Math.imul(a2 ^ ch, 1597334677);
      if (both) {
        b1 = Math.imul(b1 ^ ch, 2654435761);
        b2 = Math.imul(b2 ^ ch, 1597334677);
      }
    }
  }
  s[0] = a1;
  s[1] = a2;
  s[2] = b1;
  s[3] = b2;
  $hashLength(n);
}

/**
 * The hashes of the combination {@link $hashStart} began: seed 0 into `out[0]` and, when `out`
 * has room for it, seed 0x9e3779b9 into `out[1]`.
 */
export function $hashEnd(out: Float64Array): void {
  const s = $HASH_LANES;
  let a1 = s[0];
  let a2 = s[1];
  a1 = Math.imul(a1 ^ (a1 >>> 16), 2246822507);
  a1 ^= Math.imul(a2 ^ (a2 >>> 13), 3266489909);
  a2 = Math.imul(a2 ^ (a2 >>> 16), 2246822507);
  a2 ^= Math.imul(a1 ^ (a1 >>> 13), 3266489909);
  out[0] = 4294967296 * (2097151 & a2) + (a1 >>> 0);
  if (out.length > 1) {
    let b1 = s[2];
    let b2 = s[3];
    b1 = Math.imul(b1 ^ (b1 >>> 16), 2246822507);
    b1 ^= Math.imul(b2 ^ (b2 >>> 13), 3266489909);
    b2 = Math.imul(b2 ^ (b2 >>> 16), 2246822507);
    b2 ^= Math.imul(b1 ^ (b1 >>> 13), 3266489909);
    out[1] = 4294967296 * (2097151 & b2) + (b1 >>> 0);
  }
}

/** The end of a part of {@link $combination}'s text: ":", then `n` (its length) in decimal, most significant digit first. */
export function $hashLength(n: number): void {
  const s = $HASH_LANES;
  let a1 = Math.imul(s[0] ^ 58, 2654435761);
  let a2 = Math.imul(s[1] ^ 58, 1597334677);
  let b1 = Math.imul(s[2] ^ 58, 2654435761);
  let b2 = Math.imul(s[3] ^ 58, 1597334677);
  let p = 1;
  while (p * 10 <= n) p *= 10;
  for (; p >= 1; p /= 10) {
    const ch = 48 + (Math.floor(n / p) % 10);
    a1 = Math.imul(a1 ^ ch, 2654435761);
    a2 = Math.imul(a2 ^ ch, 1597334677);
    b1 = Math.imul(b1 ^ ch, 2654435761);
    b2 = Math.imul(b2 ^ ch, 1597334677);
  }
  s[0] = a1;
  s[1] = a2;
  s[2] = b1;
  s[3] = b2;
}

/** Whether the character code is an ASCII letter or digit (what `$wordsInto` keeps of ASCII text). */
export function $isAsciiWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/**
 * Hash the characters `from..to` of the ASCII text `t`, letters and digits only, in lower case,
 * into the lanes (the second hash's too when `both`).
 */
export function $hashAsciiWordChars(t: string, from: number, to: number, both: boolean): void {
  const s = $HASH_LANES;
  let a1 = s[0];
  let a2 = s[1];
  let b1 = s[2];
  let b2 = s[3];
  for (let i = from; i < to; i++) {
    let ch = t.charCodeAt(i);
    if (!$isAsciiWordChar(ch)) continue;
    if (ch <= 90 && ch >= 65) ch += 32;
    a1 = Math.imul(a1 ^ ch, 2654435761);
    a2 = Math.imul(a2 ^ ch, 1597334677);
    if (both) {
      b1 = Math.imul(b1 ^ ch, 2654435761);
      b2 = Math.imul(b2 ^ ch, 1597334677);
    }
  }
  s[0] = a1;
  s[1] = a2;
  s[2] = b1;
  s[3] = b2;
}

/** {@link $hashPart} of `v` and true, or false when `v` is undefined. */
export function $hashPartOf(v: string | undefined, both: boolean): boolean {
  if (v === undefined) return false;
  $hashPart(v, both);
  return true;
}

/**
 * `$hashPartOf($normalizedCode(texts), both)`. Texts of ASCII only are hashed in one pass over
 * their letters and digits, in lower case, without building the words or the code (the lanes
 * are written only at the end: a text that is not ASCII goes the long way, from the start).
 */
export function $hashNormalizedCode(texts: readonly (string | undefined)[], both: boolean): boolean {
  const s = $HASH_LANES;
  let a1 = s[0];
  let a2 = s[1];
  let b1 = s[2];
  let b2 = s[3];
  let n = 0;
  for (let k = 0; k < texts.length; k++) {
    const t = texts[k];
    if (t === undefined) continue;
    for (let i = 0; i < t.length; i++) {
      let ch = t.charCodeAt(i);
      if (!$isAsciiWordChar(ch)) {
        if (ch > 0x7f) return $hashPartOf($normalizedCode(texts), both);
        continue;
      }
      if (ch <= 90 && ch >= 65) ch += 32;
      n++;
      a1 = Math.imul(a1 ^ ch, 2654435761);
      a2 = Math.imul(a2 ^ ch, 1597334677);
      if (both) {
        b1 = Math.imul(b1 ^ ch, 2654435761);
        b2 = Math.imul(b2 ^ ch, 1597334677);
      }
    }
  }
  if (n === 0) return false;
  s[0] = a1;
  s[1] = a2;
  s[2] = b1;
  s[3] = b2;
  $hashLength(n);
  return true;
}

/**
 * `$hashPartOf($normalizedName(texts), both)`. Texts of ASCII only are hashed in one pass over
 * their words that are no name particles, letters and digits in lower case, without building
 * the words or the name; a name of particles only is hashed again from the start with all of
 * them, and a text that is not ASCII goes the long way.
 */
export function $hashNormalizedName(texts: readonly (string | undefined)[], both: boolean): boolean {
  const s = $HASH_LANES;
  const s0 = s[0];
  const s1 = s[1];
  const s2 = s[2];
  const s3 = s[3];
  let kept = 0;
  let all = 0;
  for (let k = 0; k < texts.length; k++) {
    const t = texts[k];
    if (t === undefined) continue;
    let from = -1;
    for (let i = 0; i <= t.length; i++) {
      const c = i < t.length ? t.charCodeAt(i) : 0;
      if ($isAsciiWordChar(c)) {
        if (from < 0) from = i;
      } else {
        if (c > 0x7f) {
          s[0] = s0;
          s[1] = s1;
          s[2] = s2;
          s[3] = s3;
          return $hashPartOf($normalizedName(texts), both);
        }
        if (from >= 0) {
          all += i - from;
          if (!$isParticleAt(t, from, i)) {
            kept += i - from;
            $hashAsciiWordChars(t, from, i, both);
          }
          from = -1;
        }
      }
    }
  }
  if (all === 0) return false;
  if (kept === 0) {
    // a name of particles only keeps them
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    for (let k = 0; k < texts.length; k++) {
      const t = texts[k];
      if (t !== undefined) $hashAsciiWordChars(t, 0, t.length, both);
    }
  }
  $hashLength(kept === 0 ? all : kept);
  return true;
}
