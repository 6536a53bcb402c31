import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { escapeHtml, showInvisible } from "../../runtime/escape.js";

/** escapeHtml as it was written before its fast path: both passes over every value. */
const twoPasses = (value: unknown): string =>
  showInvisible(String(value ?? "")).replace(
    /[&<>"'`]/g,
    (c) =>
      ({
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        "`": "&#96;",
      })[c]!,
  );

describe("escapeHtml gives a value that needs nothing back as it is, and escapes the rest as before", () => {
  const special = [
    "&",
    "<",
    ">",
    '"',
    "'",
    "`",
    "\u0000",
    "\u0008",
    "\u000b",
    "\u001f",
    "\u007f",
    "\u009f",
    "\u2028",
    "\u2029",
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
  ];

  it("every character that is escaped, alone and among plain text", () => {
    for (const c of special)
      for (const s of [c, `ab${c}cd`, `${c}${c}`]) {
        expect(escapeHtml(s)).toBe(twoPasses(s));
        expect(escapeHtml(s)).not.toBe(s);
      }
    for (const s of ["", "plain text", "tab\tand\nline feed", "é ü ß €"])
      expect(escapeHtml(s)).toBe(s);
  });

  it("random strings and other values", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.string({ unit: fc.constantFrom(...special, "a", " ", "\t") }),
          fc.integer(),
          fc.constant(null),
          fc.constant(undefined),
        ),
        (v) => {
          expect(escapeHtml(v)).toBe(twoPasses(v));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
