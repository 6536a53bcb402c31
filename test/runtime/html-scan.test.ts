/**
 * The html template's scanner (runtime/html.ts `templateHoles`) skips text, attribute values,
 * comments and raw text by `indexOf`; it must find the same holes and refuse the same templates,
 * with the same messages, as the scan character by character it replaced (kept here as the
 * reference, verbatim).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { templateHoles } from "../../runtime/html.js";

type Hole =
  | { kind: "text" }
  | { kind: "title" }
  | { kind: "attribute"; name: string }
  | { kind: "url"; name: string };

const URL_ATTRIBUTES = new Set([
  "href",
  "xlink:href",
  "src",
  "srcset",
  "action",
  "formaction",
  "poster",
  "cite",
  "data",
  "ping",
  "background",
  "manifest",
  "codebase",
  "longdesc",
  "usemap",
]);

const RAW_TEXT = new Set(["script", "style", "textarea", "xmp", "iframe"]);

// the scanner of commit 2213889, character by character
function referenceScan(strings: readonly string[]): Hole[] {
  const holes: Hole[] = [];
  let state:
    | "text"
    | "tag-name"
    | "tag"
    | "attribute-name"
    | "after-attribute-name"
    | "before-value"
    | "value"
    | "unquoted-value"
    | "comment"
    | "declaration"
    | "raw" = "text";
  let tag = "";
  let closing = false;
  let attribute = "";
  let quote = "";
  let rawEnd = "";
  let inTitle = false;
  let valueStart = false;
  const where = (i: number) =>
    `${JSON.stringify(strings.slice(0, i + 1).join("${…}"))}`;
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i];
    for (let j = 0; j < s.length; j++) {
      const c = s[j];
      switch (state) {
        case "text":
          if (c !== "<") break;
          if (s.startsWith("<!--", j)) {
            state = "comment";
            j += 3;
          } else if (s[j + 1] === "!") state = "declaration";
          else if (/[A-Za-z/]/.test(s[j + 1] ?? "")) {
            closing = s[j + 1] === "/";
            if (closing) j++;
            state = "tag-name";
            tag = "";
          }
          break;
        case "comment":
          if (s.startsWith("-->", j)) {
            state = "text";
            j += 2;
          }
          break;
        case "declaration":
          if (c === ">") state = "text";
          break;
        case "raw":
          if (s.slice(j, j + rawEnd.length).toLowerCase() === rawEnd) {
            state = "tag";
            closing = true;
            j += rawEnd.length - 1;
          }
          break;
        case "tag-name":
          if (/[\s/>]/.test(c)) {
            state = "tag";
            j--;
          } else tag += c.toLowerCase();
          break;
        case "tag":
          if (c === ">") {
            if (tag === "title") inTitle = !closing;
            if (!closing && RAW_TEXT.has(tag)) {
              state = "raw";
              rawEnd = `</${tag}`;
            } else state = "text";
          } else if (!/[\s/]/.test(c)) {
            state = "attribute-name";
            attribute = c.toLowerCase();
          }
          break;
        case "attribute-name":
          if (c === "=") state = "before-value";
          else if (/\s/.test(c)) state = "after-attribute-name";
          else if (c === ">" || c === "/") {
            state = "tag";
            j--;
          } else attribute += c.toLowerCase();
          break;
        case "after-attribute-name":
          if (c === "=") state = "before-value";
          else if (!/\s/.test(c)) {
            state = "tag";
            j--;
          }
          break;
        case "before-value":
          if (c === '"' || c === "'") {
            state = "value";
            quote = c;
            valueStart = true;
            continue;
          } else if (!/\s/.test(c)) {
            state = "unquoted-value";
            j--;
          }
          break;
        case "value":
          if (c === quote) state = "tag";
          break;
        case "unquoted-value":
          if (/\s/.test(c)) state = "tag";
          else if (c === ">") {
            state = "tag";
            j--;
          }
          break;
      }
      valueStart = false;
    }
    if (i === strings.length - 1) break;
    // strings[i] ends where value i stands
    switch (state) {
      case "text":
        if (/<\/?!?$|&#?[A-Za-z0-9]*$/.test(strings[i]))
          throw new Error(
            `html: a value cannot start a tag or complete a character reference: ${where(i)}`,
          );
        holes.push(inTitle ? { kind: "title" } : { kind: "text" });
        break;
      case "value": {
        if (
          /^on/.test(attribute) ||
          attribute === "style" ||
          attribute === "srcdoc"
        )
          throw new Error(
            `html: a value in the ${attribute} attribute is not allowed: ${where(i)}`,
          );
        if (URL_ATTRIBUTES.has(attribute)) {
          if (!valueStart || strings[i + 1][0] !== quote)
            throw new Error(
              `html: a value in a ${attribute} attribute must be the whole value (a Url): ${where(i)}`,
            );
          holes.push({ kind: "url", name: attribute });
        } else holes.push({ kind: "attribute", name: attribute });
        break;
      }
      case "raw":
        throw new Error(
          `html: a value inside <${tag}> is not allowed (use css/js constants): ${where(i)}`,
        );
      case "comment":
        throw new Error(
          `html: a value inside a comment is not allowed: ${where(i)}`,
        );
      default:
        throw new Error(
          `html: a value inside a tag must stand in a quoted attribute value: ${where(i)}`,
        );
    }
  }
  if (state !== "text")
    throw new Error(
      `html: the template ends inside a tag, attribute, comment or <${tag}>: ${where(strings.length - 1)}`,
    );
  return holes;
}

function outcome(scan: (s: readonly string[]) => Hole[], parts: string[]) {
  try {
    return { holes: scan(parts) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Pieces of markup and text that move the scanner between its states. */
const PIECES = [
  "<",
  ">",
  "/",
  "!",
  "-",
  "--",
  "<!--",
  "-->",
  "<!",
  "<!DOCTYPE html>",
  '"',
  "'",
  "=",
  " ",
  "\n",
  "\t",
  "\u00a0",
  "\u2028",
  "a",
  "A",
  "x",
  "1",
  "on",
  "On",
  "href",
  "HREF",
  "xlink:href",
  "style",
  "srcdoc",
  "src",
  "class",
  "data-x",
  "script",
  "SCRIPT",
  "title",
  "&",
  "&#",
  "&amp;",
  "#",
  "<a ",
  "<a",
  "</a>",
  "<p>",
  "<title>",
  "</title>",
  "<TITLE>",
  "<script>",
  "</script>",
  "</ScRiPt",
  "<style>",
  "</style",
  "<textarea>",
  "</textarea>",
  "<iframe ",
  "<xmp>",
  " href=",
  ' href="',
  " onclick=",
  ' title="',
  " style='",
  "İ",
  "Σ",
  "ς",
  "K",
];

describe("templateHoles", () => {
  it("the same holes and errors as the scan character by character, for the templates of the pages", () => {
    // every template regel renders is checked when its page is built; here a few by hand
    for (const parts of [
      [
        '<tr id="',
        '" data-order="',
        '"><td class="mono code"><a href="',
        '">',
        "</a>",
        "</td></tr>",
      ],
      ["<title>", "</title><p>", "</p>"],
      ["<!-- x -->\n<p title='", "'>", "</p>"],
      [
        '<svg class="chart" role="img" aria-label="',
        '"><rect x="',
        '" width="',
        '"/></svg>',
      ],
    ])
      expect(outcome(templateHoles, parts)).toEqual(
        outcome(referenceScan, parts),
      );
  });

  it("property: the same holes and errors as the scan character by character", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .array(fc.constantFrom(...PIECES), { maxLength: 12 })
            .map((p) => p.join("")),
          { minLength: 1, maxLength: 5 },
        ),
        (parts) => {
          expect(outcome(templateHoles, parts)).toEqual(
            outcome(referenceScan, parts),
          );
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
