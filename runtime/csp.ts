/**
 * The Content-Security-Policy of regel's HTML pages (report.html, the `assess --html` page): they
 * are self-contained, so the policy allows nothing but their own inline style sheets and scripts,
 * each named by its hash — no other script, no external assets, no forms, no `<base>`, and
 * (Trusted Types) no HTML parsed from strings by a script. A string from a ruleset or a delivery
 * that somehow reached the page unescaped could still not run or load anything.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { html, type Html, type InlineAsset, inlineElement } from "./html.js";

function hash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The policy for a page whose only assets are the given inline style sheets and scripts. */
export function contentSecurityPolicy(
  styles: readonly InlineAsset[],
  scripts: readonly InlineAsset[] = [],
): string {
  return [
    "default-src 'none'",
    `style-src ${styles.map((s) => hash(s.text)).join(" ")}`,
    ...(scripts.length === 0
      ? []
      : [
          `script-src ${scripts.map((s) => hash(s.text)).join(" ")}`,
          "require-trusted-types-for 'script'",
          "trusted-types 'none'",
        ]),
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/**
 * The head of a page up to its title: charset, the `<meta>` element that carries
 * {@link contentSecurityPolicy} (before anything it governs), no referrer, the viewport, the
 * title, and the page's inline style sheets.
 */
export function pageHead(
  title: string,
  styles: readonly InlineAsset[],
  scripts: readonly InlineAsset[] = [],
): Html {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(styles, scripts)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
${styles.map(inlineElement)}
</head>`;
}
