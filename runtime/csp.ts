/**
 * The Content-Security-Policy of regel's HTML pages (report.html, the `assess --html` page): they
 * are self-contained, so the policy allows nothing but their own inline style sheets, named by
 * hash — no scripts, no external assets, no forms, no `<base>`. A string from a ruleset or a
 * delivery that somehow reached the page unescaped could still not run or load anything.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The policy for a page whose only assets are the given inline `<style>` texts (exactly as in the page). */
export function contentSecurityPolicy(styles: readonly string[]): string {
  const hashes = styles.map(
    (s) =>
      `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`,
  );
  return [
    "default-src 'none'",
    `style-src ${hashes.join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** The `<meta>` element that carries {@link contentSecurityPolicy}. */
export function cspMeta(styles: readonly string[]): string {
  return `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(styles)}">`;
}
