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
 * False when either is absent or the value is shorter than {@link $MIN_DERIVED_LENGTH}.
 */
export function $derivedFrom(id: string | undefined, value: string | undefined): boolean {
  if (id === undefined || value === undefined || value.length < $MIN_DERIVED_LENGTH) return false;
  const lower = id.toLowerCase();
  if (lower.includes(value.toLowerCase())) return true;
  // A digest is 32 (md5), 40 (sha1) or 64 (sha256) hex digits: without such a run, hash nothing.
  if (!$HEX_RUN.test(lower)) return false;
  return (
    lower.includes($digestHex("md5", value)) ||
    lower.includes($digestHex("sha1", value)) ||
    lower.includes($digestHex("sha256", value))
  );
}
