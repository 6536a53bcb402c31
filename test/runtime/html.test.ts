/**
 * The `html` tagged template (runtime/html.ts) escapes by construction: every value is escaped
 * unless it is an `Html` fragment; values are refused where escaping would not be enough (inside
 * a tag, in an event handler or style, in a URL attribute unless it is a whole `Url`, inside
 * `<script>` / `<style>` / a comment, a fragment in an attribute or a `<title>`); only in-page
 * fragments, http(s) URLs and plain relative paths become links. The page modules write markup
 * only through it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { BIDI_CLASS } from "../../dsl/bidi.js";
import {
  BIDI_CONTROL_CLASS,
  escapeHtml,
  safeUrl,
  showInvisible,
} from "../../runtime/escape.js";
import {
  anchor,
  css,
  fragmentUrl,
  html,
  type HtmlValue,
  htmlText,
  httpUrl,
  inlineElement,
  joinHtml,
  js,
  relativeUrl,
} from "../../runtime/html.js";
import { ROOT } from "../source-folders.js";

const HOSTILE = [
  `"><script>alert(1)</script>`,
  `' onmouseover='alert(1)`,
  "`${alert(1)}`",
  "javascript:alert(1)",
  "</title><script>x</script>",
  "a\u202Eevil\u2066x\u200F",
  "bell\u0007esc\u001b[2Jcr\rnul\u0000del\u007fcsi\u009b",
  "line\u2028para\u2029",
  "&amp; &lt; &#60;",
];

const text = (v: HtmlValue) => htmlText(html`<p title="${v}">${v}</p>`);

describe("the html template escapes every value", () => {
  it("escapes strings in text and in quoted attributes; numbers as they are; null and undefined as nothing", () => {
    expect(text(`<b a="1">'x' & \`y\``)).toBe(
      '<p title="&lt;b a=&quot;1&quot;&gt;&#39;x&#39; &amp; &#96;y&#96;">&lt;b a=&quot;1&quot;&gt;&#39;x&#39; &amp; &#96;y&#96;</p>',
    );
    expect(text(12.5)).toBe('<p title="12.5">12.5</p>');
    expect(text(null)).toBe('<p title=""></p>');
    expect(text(undefined)).toBe('<p title=""></p>');
    expect(text(["<a>", 1, null])).toBe('<p title="&lt;a&gt;1">&lt;a&gt;1</p>');
    expect(() => text(Number.NaN)).toThrow(/cannot show the number NaN/);
    expect(() => text(true as unknown as string)).toThrow(
      /cannot show a boolean/,
    );
  });

  it("splices Html fragments in text, and only there", () => {
    const b = html`<b>${"<i>"}</b>`;
    expect(htmlText(html`<p>${b}${[b, b]}</p>`)).toBe(
      "<p><b>&lt;i&gt;</b><b>&lt;i&gt;</b><b>&lt;i&gt;</b></p>",
    );
    expect(() => html`<p title="${b}">x</p>`).toThrow(
      /a fragment cannot stand in the title attribute/,
    );
    expect(() => html`<title>${b}</title>`).toThrow(
      /a fragment cannot stand in a <title>/,
    );
    expect(htmlText(html`<title>${"a<b"}</title>`)).toBe(
      "<title>a&lt;b</title>",
    );
    expect(htmlText(joinHtml([b, b], html`<br>`))).toBe(
      "<b>&lt;i&gt;</b><br><b>&lt;i&gt;</b>",
    );
  });

  it("shows invisible control characters as \\uXXXX, the set the terminal escapes too", () => {
    expect(escapeHtml("a\u202Eb\u0007c\u2028d\te\nf")).toBe(
      "a\\u202eb\\u0007c\\u2028d\te\nf",
    );
    expect(text("\u2066x\u2069")).toBe(
      '<p title="\\u2066x\\u2069">\\u2066x\\u2069</p>',
    );
    // the runtime keeps its own copy of the bidirectional controls of dsl/bidi.ts
    expect(BIDI_CONTROL_CLASS).toBe(BIDI_CLASS);
  });

  it("property: no value can open or close markup, or hide behind an invisible character", () => {
    const invisible =
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.constantFrom(...HOSTILE),
          fc
            .array(fc.constantFrom(...HOSTILE, "<", '"', "'", "&"))
            .map((a) => a.join("")),
        ),
        (s) => {
          const out = text(s);
          const escaped = escapeHtml(s);
          expect(out).toBe(`<p title="${escaped}">${escaped}</p>`);
          expect(escaped).not.toMatch(/[<>"'`]/);
          expect(escaped).not.toMatch(/&(?!(amp|lt|gt|quot|#39|#96);)/);
          expect(escaped).not.toMatch(invisible);
          // the escape is reversible: nothing is lost
          expect(
            escaped
              .replace(/&lt;/g, "<")
              .replace(/&gt;/g, ">")
              .replace(/&quot;/g, '"')
              .replace(/&#39;/g, "'")
              .replace(/&#96;/g, "`")
              .replace(/&amp;/g, "&"),
          ).toBe(showInvisible(s));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the html template refuses values where escaping is not enough", () => {
  const x = "v";
  it.each([
    ["an unquoted attribute value", () => html`<td class=${x}>`],
    ["a tag name", () => html`<${x}>`],
    ["a closing tag name", () => html`</${x}>`],
    ["the rest of a character reference", () => html`&${x};`],
    ["an attribute name", () => html`<a ${x}="1">`],
    ["an event handler", () => html`<a onclick="${x}">`],
    ["an event handler, any case", () => html`<a OnMouseOver="go(${x})">`],
    ["a style attribute", () => html`<a style="${x}">`],
    ["an iframe's srcdoc", () => html`<iframe srcdoc="${x}"></iframe>`],
    ["a string as href", () => html`<a href="${x}">`],
    ["a string as src", () => html`<img src="${x}">`],
    ["part of an href", () => html`<a href="#${anchor("rule", "a")}">`],
    [
      "two values in an href",
      () => html`<a href="${anchor("rule", "a")}${anchor("rule", "b")}">`,
    ],
    ["a value in a script", () => html`<script>var a = ${x};</script>`],
    ["a value in a style sheet", () => html`<style>p{color:${x}}</style>`],
    ["a value in a comment", () => html`<!-- ${x} -->`],
    ["a template ending inside a tag", () => html`<a href="x"`],
    ["a template ending inside a script", () => html`<script>`],
  ])("%s", (_what, make) => {
    expect(make).toThrow(/^html: /);
  });

  it("takes a Url, whole, in a URL attribute", () => {
    expect(htmlText(html`<a href="${anchor("rule", "dmc0001")}">x</a>`)).toBe(
      '<a href="#rule-dmc0001">x</a>',
    );
    expect(
      htmlText(
        html`<a href='${httpUrl("https://wetten.overheid.nl/BWBR0002448")}'>x</a>`,
      ),
    ).toBe(`<a href='https://wetten.overheid.nl/BWBR0002448'>x</a>`);
    expect(
      htmlText(html`<a href="${relativeUrl("samples/dmc0001.csv")}">`),
    ).toBe('<a href="samples/dmc0001.csv">');
  });
});

describe("only safe URLs become links", () => {
  it.each([
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " https://x.nl/",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "https://dnb.nl@evil.example/",
    "https://user:pw@dnb.nl/",
    'https://x.nl/"onmouseover=alert(1)',
    "https://x.nl/a b",
    "https://x.nl/\u202Egnp.exe",
    "https://x.nl/\u0000",
    "https://x.nl/\\..\\",
    "http://",
    "",
    null,
    undefined,
  ])("not %j", (url) => {
    expect(safeUrl(url)).toBeUndefined();
    expect(httpUrl(url)).toBeUndefined();
  });

  it("http(s) URLs, normalised", () => {
    expect(safeUrl("https://www.dnb.nl/")).toBe("https://www.dnb.nl/");
    expect(safeUrl("HTTPS://Wetten.Overheid.nl/BWBR0002448")).toBe(
      "https://wetten.overheid.nl/BWBR0002448",
    );
    expect(safeUrl("https://bücher.example/ü")).toBe(
      "https://xn--bcher-kva.example/%C3%BC",
    );
  });

  it("in-page fragments of safe ids, relative paths of plain segments", () => {
    expect(() => fragmentUrl('x" onclick="y')).toThrow(/not a safe element id/);
    expect(() => fragmentUrl("")).toThrow(/not a safe element id/);
    expect(htmlText(html`<a href="${anchor("rule", 'a"b<c')}">`)).toBe(
      '<a href="#rule-a_b_c">',
    );
    for (const bad of [
      "../secret.csv",
      "samples/../../x",
      "/etc/passwd",
      "javascript:alert(1)",
      "samples//x.csv",
      "samples/x y.csv",
      "samples/./x.csv",
    ])
      expect(relativeUrl(bad), bad).toBeUndefined();
  });
});

describe("inline assets", () => {
  it("take no values and cannot close their element", () => {
    const call = css as unknown as (
      s: TemplateStringsArray,
      ...v: unknown[]
    ) => unknown;
    expect(() =>
      call(Object.assign(["a{", "}"], { raw: ["a{", "}"] }), "x"),
    ).toThrow(/css: takes no values/);
    expect(() => js`var a = "</script><script>alert(1)";`).toThrow(
      /cannot hold <\/script/,
    );
    expect(() => css`</STYLE>`).toThrow(/cannot hold <\/style/);
    expect(htmlText(inlineElement(css`p{color:red}`))).toBe(
      "<style>p{color:red}</style>",
    );
  });
});

/** Template literals and string literals holding markup that are not an html, css or js template. */
function markupOutsideTemplates(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), "utf8"),
    ts.ScriptTarget.ES2022,
    true,
  );
  const out: string[] = [];
  const markup = /<\/?[A-Za-z!]/;
  const visit = (node: ts.Node): void => {
    if (
      ts.isTaggedTemplateExpression(node) &&
      ts.isIdentifier(node.tag) &&
      ["html", "css", "js"].includes(node.tag.text)
    ) {
      // its literal parts are the program's own markup; its values are checked as any expression
      if (ts.isTemplateExpression(node.template))
        node.template.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    if (
      (ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateHead(node) ||
        ts.isTemplateMiddle(node) ||
        ts.isTemplateTail(node)) &&
      markup.test(node.text) &&
      !ts.isImportDeclaration(node.parent)
    ) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      out.push(`${file}:${line + 1}: ${node.getText().slice(0, 60)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe("the HTML pages are built only through the html template", () => {
  const pages = [
    "runtime/html-report.ts",
    "runtime/html-provenance.ts",
    "runtime/html-charts.ts",
    "runtime/csp.ts",
    "audit/assess-render.ts",
  ];
  it("no markup outside html`…` templates, and no escaping by hand", () => {
    for (const file of pages) {
      expect(markupOutsideTemplates(file)).toEqual([]);
      expect(readFileSync(join(ROOT, file), "utf8")).not.toMatch(
        /escapeHtml|\.join\("<|\+ "<|parts\.push/,
      );
    }
  });
  it("the check finds markup concatenated with data", () => {
    expect(
      markupOutsideTemplates("test/runtime/fixtures/html-by-hand.ts.txt"),
    ).toEqual([
      "test/runtime/fixtures/html-by-hand.ts.txt:2: `<td>${",
      "test/runtime/fixtures/html-by-hand.ts.txt:2: }</td>`",
      'test/runtime/fixtures/html-by-hand.ts.txt:3: "<br>"',
    ]);
  });
});
