/**
 * The normalisations a bank applies before it compares depositors (the golden and silver
 * triangle, docs/language.md "Normalisation"): `normalized_text`, `normalized_name`,
 * `normalized_code` and `normalized_address`. Each takes the present texts of its arguments (an
 * absent argument is skipped) and gives undefined when nothing is left.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

import { $isAscii } from "./text.js";

/**
 * Letters that NFKD does not split into a base letter and a mark (escaped: the helpers are ASCII,
 * test/compiler/ascii.test.ts).
 */
export const $FOLDED: Readonly<Record<string, string>> = {
  "\u00df": "ss", // sharp s
  "\u00e6": "ae", // ae ligature
  "\u0153": "oe", // oe ligature
  "\u00f8": "o", // o with stroke
  "\u0142": "l", // l with stroke
  "\u0111": "d", // d with stroke
  "\u00f0": "d", // eth
  "\u00fe": "th", // thorn
  "\u0131": "i", // dotless i
};

/**
 * Words dropped from a name: the Dutch tussenvoegsels (and their abbreviations `v`, `vd`, `d`, `t`,
 * `s`, written `v.d.`, `'t`, `'s`) and the common foreign name particles.
 */
export const $NAME_PARTICLES: ReadonlySet<string> = new Set([
  "van",
  "de",
  "der",
  "den",
  "het",
  "t",
  "s",
  "te",
  "ten",
  "ter",
  "in",
  "op",
  "aan",
  "bij",
  "uit",
  "voor",
  "onder",
  "over",
  "v",
  "vd",
  "d",
  "l",
  "la",
  "le",
  "les",
  "du",
  "von",
  "vom",
  "zu",
  "zum",
  "zur",
  "di",
  "da",
  "del",
  "della",
  "dos",
  "das",
  "des",
  "do",
]);

/** Abbreviated address words, as a bank's systems write them, and the word they stand for. */
export const $ADDRESS_WORDS: ReadonlyMap<string, string> = new Map([
  ["str", "straat"],
  ["ln", "laan"],
  ["wg", "weg"],
  ["pl", "plein"],
  ["pln", "plein"],
  ["gr", "gracht"],
  ["kd", "kade"],
  ["sngl", "singel"],
  ["hn", "haven"],
]);

/**
 * The words of the present texts: decomposed (NFKD), marks removed, lower case, every character
 * that is no letter or digit a separator. Texts of ASCII only (NFKD and the marks change nothing
 * there, and the letters and digits are `A-Z`, `a-z`, `0-9`) are split by a loop over their
 * characters; any other goes through the Unicode steps.
 */
export function $normalWords(texts: readonly (string | undefined)[]): string[] {
  const words: string[] = [];
  $wordsInto(texts, words);
  return words;
}

/**
 * Scratch list of the helpers that join the words of a value ({@link $normalizedName},
 * {@link $normalizedCode}): those run once per row of a whole-file check, and a new list per
 * call (room for 17 words at the first) was most of what they allocated. Only its first places
 * (as many as {@link $wordsInto} returned) are read; it is never shrunk.
 */
export const $WORD_LIST: string[] = [];

/**
 * {@link $normalWords} of `texts` written into `out` from its start (past the end of `out` when
 * it is shorter); returns the number of words.
 */
export function $wordsInto(texts: readonly (string | undefined)[], out: string[]): number {
  for (let k = 0; k < texts.length; k++) {
    const t = texts[k];
    if (t !== undefined && !$isAscii(t)) {
      const words = $unicodeWords(texts);
      for (let i = 0; i < words.length; i++) out[i] = words[i];
      return words.length;
    }
  }
  let n = 0;
  for (let k = 0; k < texts.length; k++) {
    const t = texts[k];
    if (t === undefined) continue;
    let from = -1;
    let upper = false;
    for (let i = 0; i <= t.length; i++) {
      const c = i < t.length ? t.charCodeAt(i) : 0;
      const lower = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
      const capital = c >= 65 && c <= 90;
      if (lower || capital) {
        if (from < 0) from = i;
        if (capital) upper = true;
      } else if (from >= 0) {
        const w = t.slice(from, i);
        out[n++] = upper ? w.toLowerCase() : w;
        from = -1;
        upper = false;
      }
    }
  }
  return n;
}

/** {@link $normalWords} of texts that are not all ASCII. */
export function $unicodeWords(texts: readonly (string | undefined)[]): string[] {
  let s = "";
  for (const t of texts) if (t !== undefined && t !== "") s += " " + t;
  const folded = s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[\u00df\u00e6\u0153\u00f8\u0142\u0111\u00f0\u00fe\u0131]/g, (c) => $FOLDED[c] ?? c);
  return folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== "");
}

/** `normalized_text(a, ...)`: the words, one space between them. */
export function $normalizedText(texts: readonly (string | undefined)[]): string | undefined {
  const w = $normalWords(texts);
  return w.length === 0 ? undefined : w.join(" ");
}

/** The length of the longest of {@link $NAME_PARTICLES}: a longer word is none (not looked up). */
export const $LONGEST_PARTICLE: number = Math.max(...[...$NAME_PARTICLES].map((p) => p.length));

/** A number for the ASCII word `t[from..to)` (letters and digits, either case), the same for its lower case. */
export function $wordCode(t: string, from: number, to: number): number {
  let code = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    // 0-9 are 1..10, a-z (or A-Z) 11..36: base 37, at most $LONGEST_PARTICLE (5) places
    code = code * 37 + (c <= 57 ? c - 47 : (c | 32) - 86);
  }
  return code;
}

/** The {@link $NAME_PARTICLES} as numbers of their characters ({@link $wordCode}). */
export const $PARTICLE_CODES: ReadonlySet<number> = new Set(
  [...$NAME_PARTICLES].map((p) => $wordCode(p, 0, p.length)),
);

/** Whether the ASCII word `t[from..to)` (letters and digits, any case) is a name particle. */
export function $isParticleAt(t: string, from: number, to: number): boolean {
  return to - from <= $LONGEST_PARTICLE && $PARTICLE_CODES.has($wordCode(t, from, to));
}

/**
 * `normalized_name(a, ...)`: the words without name particles (`van den Berg`, `Berg, van den`
 * and `v.d. Berg` are all `berg`), joined without spaces (`J.P.` and `J. P.` are `jp`). A name of
 * particles only keeps them.
 */
export function $normalizedName(texts: readonly (string | undefined)[]): string | undefined {
  const w = $WORD_LIST;
  const n = $wordsInto(texts, w);
  if (n === 0) return undefined;
  // words are never empty: nothing kept is the empty text
  let kept = "";
  for (let i = 0; i < n; i++) if (w[i].length > $LONGEST_PARTICLE || !$NAME_PARTICLES.has(w[i])) kept += w[i];
  if (kept !== "") return kept;
  let all = "";
  for (let i = 0; i < n; i++) all += w[i];
  return all;
}

/** `normalized_code(a, ...)`: letters and digits only (`111.222.333` is `111222333`). */
export function $normalizedCode(texts: readonly (string | undefined)[]): string | undefined {
  const w = $WORD_LIST;
  const n = $wordsInto(texts, w);
  if (n === 0) return undefined;
  let s = w[0];
  for (let i = 1; i < n; i++) s += w[i];
  return s;
}

/**
 * `normalized_address(a, ...)`: the words with abbreviations written out (`Kerkstr.` is
 * `kerkstraat`, `ln` is `laan`), joined without spaces (`12 A` is `12a`, `1234 AB` and `1234AB` are `1234ab`). Two letters after four
 * digits are a postcode's and stay as they are (`6546 LN` is `6546ln`, not `6546laan`).
 */
export function $normalizedAddress(texts: readonly (string | undefined)[]): string | undefined {
  const w = $normalWords(texts);
  if (w.length === 0) return undefined;
  let s = "";
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    // the letters of a Dutch postcode (`6546 LN`) are no abbreviated street word
    if (i > 0 && /^[a-z]{2}$/.test(x) && /^\d{4}$/.test(w[i - 1])) s += x;
    else {
      const whole = $ADDRESS_WORDS.get(x);
      s += whole ?? (x.length > 3 && x.endsWith("str") ? x.slice(0, -3) + "straat" : x);
    }
  }
  return s;
}
