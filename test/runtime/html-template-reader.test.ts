/**
 * The template reader of the `html` tag (runtime/html.ts `templateHoles`) skips runs of text,
 * attribute values and comments with `indexOf` and compares character codes; it must say the same
 * as the plain character-by-character reader it replaced (kept here as the reference) for every
 * template: the same holes, or the same error.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type Hole, templateHoles } from "../../runtime/html.js";
import { ROOT } from "../source-folders.js";

/** Attributes whose value the browser loads or follows (as runtime/html.ts). */
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

/** Elements whose content is not markup (as runtime/html.ts). */
const RAW_TEXT = new Set(["script", "style", "textarea", "xmp", "iframe"]);

/** The reader as it was before its runs were skipped with indexOf (b73de58): one character at a time. */
function referenceHoles(strings: readonly string[]): Hole[] {
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

/** What a reader says of a template: its holes, or its error message. */
function verdict(
  read: (strings: TemplateStringsArray) => Hole[],
  parts: readonly string[],
): unknown {
  // a fresh array each time: templateHoles caches by the array
  const strings = Object.assign([...parts], {
    raw: [...parts],
  }) as unknown as TemplateStringsArray;
  try {
    return { holes: read(strings) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function expectSameVerdict(parts: readonly string[]): void {
  expect(verdict(templateHoles, parts)).toEqual(verdict(referenceHoles, parts));
}

/** The literal parts of every `html` template in a source file. */
function templatesOf(file: string): string[][] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), "utf8"),
    ts.ScriptTarget.ES2022,
    true,
  );
  const out: string[][] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isTaggedTemplateExpression(node) &&
      ts.isIdentifier(node.tag) &&
      node.tag.text === "html"
    ) {
      const t = node.template;
      out.push(
        ts.isNoSubstitutionTemplateLiteral(t)
          ? [t.text]
          : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)],
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Pieces that move the reader between its states, and some that look like them. */
const PIECES = [
  "<",
  ">",
  "/",
  "!",
  "-",
  "=",
  '"',
  "'",
  " ",
  "\n",
  "\t",
  "\u00a0",
  "\u2028",
  "\u000b",
  "a",
  "B",
  "p",
  "td",
  "Title",
  "title",
  "TITLE",
  "script",
  "STYLE",
  "textarea",
  "on",
  "onclick",
  "href",
  "HREF",
  "src",
  "style",
  "srcdoc",
  "class",
  "data-x",
  "<!--",
  "-->",
  "<!",
  "<!DOCTYPE html>",
  "</",
  "</script",
  "</SCRIPT",
  "</title",
  "<title>",
  "&",
  "&#",
  "&amp",
  "x",
  "\u03a3",
  "\u0130",
  "\u00c9",
  "\ud83d",
];

/** Random parts made of the pieces above and of any short strings. */
const anyPart = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), {
    maxLength: 12,
  })
  .map((p) => p.join(""));

/** Where a value stands in a generated template. */
const HOLE = "\u0000hole\u0000";
const space = fc.constantFrom(
  "",
  " ",
  "  ",
  "\n",
  "\t",
  "\u000b",
  "\f",
  "\r",
  "\u00a0",
  "\u3000",
);
const elementName = fc.constantFrom(
  "a",
  "p",
  "td",
  "title",
  "TITLE",
  "script",
  "Style",
  "textarea",
  "iframe",
  "x-y",
  "\u03a3\u03a3",
  "\u0130",
  "b" + HOLE,
);
const attributeName = fc.constantFrom(
  "class",
  "href",
  "HREF",
  "src",
  "Srcset",
  "style",
  "onclick",
  "title",
  "data-x",
  "srcdoc",
  "\u03a3a",
  "=",
  "on" + HOLE,
);
const textRun = fc.oneof(
  fc.constantFrom(
    "x",
    "a b",
    "&amp;",
    "&",
    "&#",
    "1 < 2",
    "<",
    "-->",
    "--",
    ">",
    "/",
    '"',
    "'",
    HOLE,
    HOLE + HOLE,
  ),
  fc.string({ maxLength: 4 }),
);
const quotedValue = fc
  .tuple(
    fc.constantFrom('"', "'"),
    fc.array(fc.oneof(textRun, fc.constant(HOLE)), { maxLength: 3 }),
  )
  .map(([q, inner]) => q + inner.join("").replaceAll(q, "") + q);
const attribute = fc
  .tuple(
    attributeName,
    fc.oneof(
      fc.constant(""),
      fc
        .tuple(space, space, fc.oneof(quotedValue, textRun))
        .map(([a, b, v]) => `${a}=${b}${v}`),
    ),
  )
  .map(([n, v]) => n + v);
const tag = fc
  .tuple(
    fc.boolean(),
    elementName,
    fc.array(fc.tuple(space, attribute), { maxLength: 3 }),
    space,
    fc.constantFrom(">", "/>", "", " >"),
  )
  .map(
    ([close, name, attrs, s, end]) =>
      `<${close ? "/" : ""}${name}${attrs.map(([w, a]) => (w || " ") + a).join("")}${s}${end}`,
  );
const markupPiece = fc.oneof(
  { weight: 4, arbitrary: tag },
  { weight: 4, arbitrary: textRun },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "<!-- c -->",
      "<!--",
      "-->",
      "<!-->",
      "<!DOCTYPE html>",
      "<!x",
      "</script>",
      "</title>",
      "</SCRIPT >",
    ),
  },
);
const markup = fc.array(markupPiece, { maxLength: 10 });

describe("the html template reader", () => {
  it("reads every html template of the page modules as the reference reader does", () => {
    const files = [
      "runtime/html-report.ts",
      "runtime/html-provenance.ts",
      "runtime/html-charts.ts",
      "runtime/html-plausibility.ts",
      "runtime/csp.ts",
      "audit/assess-render.ts",
    ];
    let count = 0;
    for (const file of files)
      for (const parts of templatesOf(file)) {
        expectSameVerdict(parts);
        count++;
      }
    expect(count).toBeGreaterThan(60);
  });

  it("property: the same holes or the same error as the reference reader, for any template", () => {
    fc.assert(
      fc.property(
        fc.array(anyPart, { minLength: 1, maxLength: 5 }),
        (parts) => {
          expectSameVerdict(parts);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("property: the same for templates shaped like markup, with values anywhere", () => {
    fc.assert(
      fc.property(markup, (pieces) => {
        expectSameVerdict(pieces.join("").split(HOLE));
      }),
      { numRuns: 5000 },
    );
  });

  it("cases near the edges of the skipped runs", () => {
    for (const parts of [
      ['<a href="', '">x</a>'],
      ['<a href="', "", '">x</a>'],
      ['<a title="', '" href="', '">x</a>'],
      ["<p>", "</p><!-- c -->", ""],
      ["<!-- ", " -->"],
      ["<script>", "</script>"],
      ["<script>x</SCRIPT ><p>", "</p>"],
      ["<title>", "</title><p>", "</p>"],
      ["<td class=", ">"],
      ["<td class=x ", ">"],
      ['<td data-\u03a3="', '">'],
      ['<p onClick="', '">'],
      ["a <", ""],
      ["&#", ";"],
      ["<!DOCTYPE html><p>", "</p>"],
      ["<p", ">"],
      ["<p>"],
      ["<p"],
    ])
      expectSameVerdict(parts);
  });
});
