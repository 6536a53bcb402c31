/**
 * Safe HTML fragments: the only way regel builds its HTML pages (report.html, the `assess --html`
 * page), as compiler/code.ts is for generated TypeScript.
 *
 * A page is assembled from {@link Html} values made by the {@link html} tagged template. Its
 * literal parts are the program's own markup; every interpolated value is escaped
 * ({@link escapeHtml}) unless it is itself an `Html` fragment. The template also reads where each
 * value stands and refuses, when the page is built, the places where escaping would not be enough:
 * - inside a tag but outside a quoted attribute value (`<td class=${x}>`), or as a tag's name
 *   (`<${x}>`) or the rest of a character reference (`&${x};`);
 * - in an event handler (`on…`), `style` or `srcdoc` attribute;
 * - in a URL attribute (`href`, `src`, …) unless the value is a whole {@link Url}, which only
 *   {@link fragmentUrl} (an in-page `#id`), {@link httpUrl} (http(s) only) and
 *   {@link relativeUrl} (a plain relative file path) make;
 * - inside `<script>`, `<style>` or a comment (inline assets come only from {@link css} and
 *   {@link js} constants, which take no values);
 * - an `Html` fragment inside an attribute value or a `<title>`.
 * A template must end outside any tag, so a fragment can never leave a tag or attribute open for
 * the text that follows it. (ajv's lesson, as in code.ts: injection impossible by construction,
 * not by remembering to escape.)
 *
 * @module
 */
import { escapeHtml, htmlId, safeUrl } from "./escape.js";

const HTML = Symbol("html");
const URL_TEXT = Symbol("url");

/** A piece of an HTML page. Only this module can make one from raw text. */
export interface Html {
  readonly [HTML]: string;
}

/** A URL that may stand in a link: an in-page fragment, an http(s) URL or a relative file path. */
export interface Url {
  readonly [URL_TEXT]: string;
}

/** What may be interpolated into {@link html}. `null` and `undefined` give nothing. */
export type HtmlValue =
  Html | Url | string | number | null | undefined | readonly HtmlValue[];

function make(text: string): Html {
  return { [HTML]: text };
}

/** The text of a fragment (of a whole page, to write it). */
export function htmlText(fragment: Html): string {
  return fragment[HTML];
}

export function isHtml(value: unknown): value is Html {
  return typeof value === "object" && value !== null && HTML in value;
}

function isUrl(value: unknown): value is Url {
  return typeof value === "object" && value !== null && URL_TEXT in value;
}

/** The link to the element with id `id` in the same page; the id must be one {@link htmlId} makes. */
export function fragmentUrl(id: string): Url {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(id))
    throw new Error(`not a safe element id: ${JSON.stringify(id)}`);
  return { [URL_TEXT]: `#${id}` };
}

/** The link to the element `htmlId(prefix, name)` in the same page. */
export function anchor(prefix: string, name: string): Url {
  return fragmentUrl(htmlId(prefix, name));
}

/** An http(s) URL as a link (see {@link safeUrl}); undefined for anything else. */
export function httpUrl(url: string | null | undefined): Url | undefined {
  const safe = safeUrl(url);
  return safe === undefined ? undefined : { [URL_TEXT]: safe };
}

/**
 * A relative path to a file beside the page (`samples/dmc0001.csv`): segments of letters, digits,
 * `_`, `.` and `-`, none of them `.` or `..`; undefined for anything else.
 */
export function relativeUrl(path: string): Url | undefined {
  const segments = path.split("/");
  const ok = segments.every(
    (s) => /^[A-Za-z0-9_.-]+$/.test(s) && s !== "." && s !== "..",
  );
  return ok ? { [URL_TEXT]: path } : undefined;
}

/** Join fragments with a separator fragment. */
export function joinHtml(
  parts: readonly Html[],
  separator: Html = make(""),
): Html {
  // `+`, not Array#join: V8 links the pieces (a rope) instead of copying them at every level of
  // the page; the page is copied once, when it is written
  let out = "";
  for (let i = 0; i < parts.length; i++)
    out = i === 0 ? parts[i][HTML] : out + separator[HTML] + parts[i][HTML];
  return make(out);
}

/** Where an interpolated value stands in its template. */
type Hole =
  | { kind: "text" }
  | { kind: "title" }
  | { kind: "attribute"; name: string }
  | { kind: "url"; name: string };

/** Attributes whose value the browser loads or follows. */
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

/** Elements whose content is not markup. */
const RAW_TEXT = new Set(["script", "style", "textarea", "xmp", "iframe"]);

const holesOf = new WeakMap<TemplateStringsArray, Hole[]>();

/** Read the template's literal parts once, like a browser would, and say where each value stands. */
function scan(strings: TemplateStringsArray): Hole[] {
  const cached = holesOf.get(strings);
  if (cached !== undefined) return cached;
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
  holesOf.set(strings, holes);
  return holes;
}

function valueText(value: HtmlValue, hole: Hole): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) {
    // concatenated, not joined: see joinHtml
    let out = "";
    for (const v of value as readonly HtmlValue[]) out += valueText(v, hole);
    return out;
  }
  if (isHtml(value)) {
    if (hole.kind !== "text")
      throw new Error(
        `html: a fragment cannot stand in ${hole.kind === "title" ? "a <title>" : `the ${hole.name} attribute`}`,
      );
    return value[HTML];
  }
  if (isUrl(value)) return escapeHtml(value[URL_TEXT]);
  if (hole.kind === "url")
    throw new Error(
      `html: the ${hole.name} attribute takes only a Url (fragmentUrl, httpUrl, relativeUrl), not ${typeof value}`,
    );
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new Error(`html: cannot show the number ${value}`);
    return String(value);
  }
  if (typeof value === "string") return escapeHtml(value);
  throw new Error(`html: cannot show a ${typeof value}`);
}

/**
 * The tagged template: literal parts are the program's markup; values are escaped unless they are
 * {@link Html} fragments, and refused where escaping is not enough (see the module comment).
 */
export function html(
  strings: TemplateStringsArray,
  ...values: readonly HtmlValue[]
): Html {
  const holes = scan(strings);
  let out = strings[0];
  for (let i = 0; i < values.length; i++)
    out += valueText(values[i], holes[i]) + strings[i + 1];
  return make(out);
}

const ASSET = Symbol("asset");

/** An inline style sheet or script of a page: literal program text, never data. */
export interface InlineAsset {
  readonly [ASSET]: "style" | "script";
  /** The text exactly as it stands between the tags (the Content-Security-Policy hashes it). */
  readonly text: string;
}

function asset(
  kind: "style" | "script",
  strings: TemplateStringsArray,
  values: readonly unknown[],
): InlineAsset {
  if (values.length > 0)
    throw new Error(`${kind === "style" ? "css" : "js"}: takes no values`);
  const text = strings.raw.join("");
  if (new RegExp(`</${kind}|<!--`, "i").test(text))
    throw new Error(`${kind}: the text cannot hold </${kind} or <!--`);
  return { [ASSET]: kind, text };
}

/** A style sheet constant: `css\`…\`` with no values (its text is taken raw). */
export function css(
  strings: TemplateStringsArray,
  ...none: never[]
): InlineAsset {
  return asset("style", strings, none);
}

/** A script constant: `js\`…\`` with no values (its text is taken raw). */
export function js(
  strings: TemplateStringsArray,
  ...none: never[]
): InlineAsset {
  return asset("script", strings, none);
}

/** The `<style>` or `<script>` element of an inline asset. */
export function inlineElement(a: InlineAsset): Html {
  const kind = a[ASSET];
  return make(`<${kind}>${a.text}</${kind}>`);
}
