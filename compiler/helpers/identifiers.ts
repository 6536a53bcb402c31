/**
 * Identifiers derived from customer data (Handboek Gegevenslevering DGS 3.2: a bank account
 * identifier holds "geen naar klanten herleidbare gegevens (of hashes daarvan)").
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format. The digests come from Node's own
 * node:crypto, taken with `process.getBuiltinModule` (Node 20.16 and later) so that a module still
 * imports nothing.
 *
 * @module
 */

import { $addTo, $ikbIndex, $NO_ROWS } from "./records.js";
import { $isAscii } from "./text.js";

/** The lowercase hex digest (md5, sha1 or sha256) of a text's UTF-8 bytes, by node:crypto. */
export function $digestHex(algorithm: "md5" | "sha1" | "sha256", s: string): string {
  const crypto = (
    globalThis as unknown as {
      process: {
        getBuiltinModule(id: "node:crypto"): {
          createHash(a: string): { update(d: string, e: "utf8"): { digest(e: "hex"): string } };
        };
      };
    }
  ).process.getBuiltinModule("node:crypto");
  return crypto.createHash(algorithm).update(s, "utf8").digest("hex");
}

/** Values shorter than this are not looked for: a short value is found inside an identifier by chance. */
export const $MIN_DERIVED_LENGTH = 6;

/** 32 hex digits in a row: the shortest digest looked for (md5). */
export const $HEX_RUN = /[0-9a-f]{32}/;

/**
 * Whether identifier `id` is derived from `value` as far as that is decidable: it contains the value
 * (equal included; letters in any case), or the md5, sha1 or sha256 hex digest of it (any case).
 * False when either is absent or the value is shorter than {@link $MIN_DERIVED_LENGTH}. Texts of
 * ASCII only (the usual ones) are compared without lower-case copies or a regular expression.
 */
export function $derivedFrom(id: string | undefined, value: string | undefined): boolean {
  if (id === undefined || value === undefined || value.length < $MIN_DERIVED_LENGTH) return false;
  // An ASCII identifier too short for a digest holds no longer value, in any case: no code
  // point's lower case is shorter than itself (test/compiler/hot-helpers.test.ts), so whether
  // `value` is ASCII need not be asked.
  if (value.length > id.length && id.length < 32 && $isAscii(id)) return false;
  if (!$isAscii(id) || !$isAscii(value)) return $derivedFromText(id, value);
  if ($includesAnyCase(id, value)) return true;
  // A digest is 32 (md5), 40 (sha1) or 64 (sha256) hex digits: without such a run, hash nothing.
  if (!$hasHexRun(id)) return false;
  const lower = id.toLowerCase();
  return (
    lower.includes($digestHex("md5", value)) ||
    lower.includes($digestHex("sha1", value)) ||
    lower.includes($digestHex("sha256", value))
  );
}

/** {@link $derivedFrom} of texts that are not all ASCII (lower case as Unicode has it). */
export function $derivedFromText(id: string, value: string): boolean {
  const lower = id.toLowerCase();
  if (lower.includes(value.toLowerCase())) return true;
  if (!$HEX_RUN.test(lower)) return false;
  return (
    lower.includes($digestHex("md5", value)) ||
    lower.includes($digestHex("sha1", value)) ||
    lower.includes($digestHex("sha256", value))
  );
}

/** An ASCII letter's lower case (`A-Z` to `a-z`); any other code unit as it is. */
export function $asciiLower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Whether ASCII `text` contains ASCII `part`, letters in any case (`includes` of both lower-cased). */
export function $includesAnyCase(text: string, part: string): boolean {
  const last = text.length - part.length;
  const first = $asciiLower(part.charCodeAt(0));
  for (let i = 0; i <= last; i++) {
    if ($asciiLower(text.charCodeAt(i)) !== first) continue;
    let j = 1;
    while (j < part.length && $asciiLower(text.charCodeAt(i + j)) === $asciiLower(part.charCodeAt(j))) j++;
    if (j === part.length) return true;
  }
  return false;
}

/** Whether ASCII `s` has 32 hex digits in a row, letters in any case ({@link $HEX_RUN} of its lower case). */
export function $hasHexRun(s: string): boolean {
  if (s.length < 32) return false; // shorter than any run
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = $asciiLower(s.charCodeAt(i));
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) {
      if (++run === 32) return true;
    } else run = 0;
  }
  return false;
}

/**
 * Where the values of an IKB list are found by {@link $rowsDerivedInto}: positions of the records
 * by the lower case of their value (values shorter than {@link $MIN_DERIVED_LENGTH} left out), the
 * lengths of those lower cases, and positions by the values' hex digests (made when an identifier
 * first has a run of hex digits).
 */
export interface $DerivedIndex {
  byText: Map<string, number[]>;
  lengths: number[];
  byDigest: Map<string, number[]> | undefined;
}

/**
 * The records of `rows` (an IKB list of context `ctx`, `key` naming its entity and field) whose
 * `field` identifier `id` may be derived from ({@link $derivedFrom}): whose value's lower case is
 * in `id`'s, or its md5, sha1 or sha256 digest; in their order, none when `id` is absent. Every
 * record for which `$derivedFrom(id, value)` holds is among them (an aggregate whose `where`
 * requires it looks at these alone); `$derivedFrom` still decides.
 */
export function $rowsDerivedInto<T>(
  ctx: object,
  rows: readonly T[],
  key: string,
  field: string,
  id: string | undefined,
): readonly T[] {
  if (id === undefined) return $NO_ROWS;
  const index = $ikbIndex<$DerivedIndex>(ctx, rows, key, () => {
    const byText = new Map<string, number[]>();
    const lengths = new Set<number>();
    for (let i = 0; i < rows.length; i++) {
      const v = (rows[i] as Record<string, unknown>)[field];
      if (typeof v !== "string" || v.length < $MIN_DERIVED_LENGTH) continue;
      const lower = v.toLowerCase();
      lengths.add(lower.length);
      $addTo(byText, lower, i);
    }
    return { byText, lengths: [...lengths].sort((a, b) => a - b), byDigest: undefined };
  });
  const lower = id.toLowerCase();
  const found: number[] = [];
  $positionsIn(lower, index.byText, index.lengths, found);
  if ($HEX_RUN.test(lower)) {
    if (index.byDigest === undefined) {
      const byDigest = new Map<string, number[]>();
      for (const [, at] of index.byText)
        for (const i of at) {
          const v = (rows[i] as Record<string, unknown>)[field] as string;
          for (const digest of [$digestHex("md5", v), $digestHex("sha1", v), $digestHex("sha256", v)]) {
            $addTo(byDigest, digest, i);
          }
        }
      index.byDigest = byDigest;
    }
    $positionsIn(lower, index.byDigest, [32, 40, 64], found);
  }
  if (found.length === 0) return $NO_ROWS;
  found.sort((a, b) => a - b);
  const picked: T[] = [];
  for (let k = 0; k < found.length; k++)
    if (k === 0 || found[k] !== found[k - 1]) picked.push(rows[found[k]]);
  return picked;
}

/** Add to `found` the positions `byText` holds for every piece of `text` as long as one of `lengths`. */
export function $positionsIn(
  text: string,
  byText: Map<string, number[]>,
  lengths: readonly number[],
  found: number[],
): void {
  for (let l = 0; l < lengths.length; l++) {
    const length = lengths[l];
    for (let p = 0; p + length <= text.length; p++) {
      const at = byText.get(text.slice(p, p + length));
      if (at !== undefined) for (let k = 0; k < at.length; k++) found.push(at[k]);
    }
  }
}
