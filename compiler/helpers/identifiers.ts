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
  const kind = $identifierKind(id);
  if (kind === 0 || !$isAscii(value)) return $derivedFromText(id, value);
  if ($includesAnyCase(id, value)) return true;
  // A digest is 32 (md5), 40 (sha1) or 64 (sha256) hex digits: without such a run, hash nothing.
  if (kind === 1) return false;
  const lower = id.toLowerCase();
  return (
    lower.includes($digestHex("md5", value)) ||
    lower.includes($digestHex("sha1", value)) ||
    lower.includes($digestHex("sha256", value))
  );
}

/**
 * The identifier {@link $derivedFrom} looked at last and its kind ({@link $identifierKind}): a rule
 * looks for the values of every record of an IKB in the same identifier, one call after another.
 */
export const $LAST_IDENTIFIER = { id: "", kind: 1 };

/**
 * 0: `id` is not all ASCII; 1: ASCII without 32 hex digits in a row; 2: ASCII with such a run
 * ({@link $hasHexRun}). Remembered for the last identifier asked about.
 */
export function $identifierKind(id: string): number {
  const last = $LAST_IDENTIFIER;
  if (id !== last.id) {
    last.id = id;
    last.kind = !$isAscii(id) ? 0 : $hasHexRun(id) ? 2 : 1;
  }
  return last.kind;
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
  if (s.length < 32) return false;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = $asciiLower(s.charCodeAt(i));
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) {
      if (++run === 32) return true;
    } else run = 0;
  }
  return false;
}
