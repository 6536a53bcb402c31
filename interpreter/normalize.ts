/**
 * The reference meaning of the normalisations (`normalized_text`, `normalized_name`,
 * `normalized_code`, `normalized_address`; docs/language.md, Normalisation), written apart from
 * the compiled helpers (compiler/helpers/normalize.ts) so that the differential tests compare two
 * readings of the same text. The word lists are data and are shared.
 *
 * @module
 */
import {
  $ADDRESS_WORDS,
  $FOLDED,
  $NAME_PARTICLES,
} from "../compiler/helpers/normalize.js";

/** Whether a character (after folding) is part of a word: a letter or a digit. */
const WORD_CHAR = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;

/** The words of the present texts, folded: no marks, lower case, split at anything else. */
function words(texts: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  let word = "";
  const joined = texts.filter((t) => t !== undefined && t !== "").join(" ");
  for (const ch of joined.normalize("NFKD")) {
    if (MARK.test(ch)) continue;
    for (const c of ch.toLowerCase()) {
      const f = Object.hasOwn($FOLDED, c) ? $FOLDED[c] : c;
      if (WORD_CHAR.test(f)) word += f;
      else if (word !== "") {
        out.push(word);
        word = "";
      }
    }
  }
  if (word !== "") out.push(word);
  return out;
}

/** The value of the normalisation `name` of `texts` (undefined: nothing present). */
export function normalize(
  name: string,
  texts: readonly (string | undefined)[],
): string | undefined {
  const w = words(texts);
  if (w.length === 0) return undefined;
  switch (name) {
    case "normalized_text":
      return w.join(" ");
    case "normalized_code":
      return w.join("");
    case "normalized_name": {
      const kept = w.filter((x) => !$NAME_PARTICLES.has(x));
      return (kept.length > 0 ? kept : w).join("");
    }
    case "normalized_address":
      return w
        .map((x, i) => {
          const afterPostcodeDigits =
            i > 0 && w[i - 1].length === 4 && /^[0-9]+$/.test(w[i - 1]);
          if (afterPostcodeDigits && x.length === 2 && /^[a-z]+$/.test(x))
            return x;
          const whole = $ADDRESS_WORDS.get(x);
          if (whole !== undefined) return whole;
          return x.length > 3 && x.endsWith("str")
            ? `${x.slice(0, x.length - 3)}straat`
            : x;
        })
        .join("");
    default:
      throw new Error(`unknown normalisation ${name}`);
  }
}
