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

/** An element id {@link fragmentUrl} links to (made once: a literal in the function is a new object per call). */
const SAFE_ID = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** A segment of a {@link relativeUrl}. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** The link to the element with id `id` in the same page; the id must be one {@link htmlId} makes. */
export function fragmentUrl(id: string): Url {
  if (!SAFE_ID.test(id))
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
    (s) => PLAIN_SEGMENT.test(s) && s !== "." && s !== "..",
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
export type Hole =
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

/** States of the template reader ({@link templateHoles}), numbered: compared once per character. */
const TEXT = 0,
  TAG_NAME = 1,
  TAG = 2,
  ATTRIBUTE_NAME = 3,
  AFTER_ATTRIBUTE_NAME = 4,
  BEFORE_VALUE = 5,
  VALUE = 6,
  UNQUOTED_VALUE = 7,
  COMMENT = 8,
  DECLARATION = 9,
  RAW = 10;

/** The white space of a JavaScript `\s`, asked of one UTF-16 code unit. */
const SPACE = /\s/;
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    (code >= 0xa0 && SPACE.test(String.fromCharCode(code)))
  );
}

/** A letter A-Z or a-z. */
function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * `s.slice(from, to)` in lower case, character by character as the name was read (for ASCII, the
 * same as one `toLowerCase` of the slice; a context-dependent mapping such as a final sigma is not).
 */
function lowerName(s: string, from: number, to: number): string {
  let ascii = true;
  for (let k = from; k < to; k++)
    if (s.charCodeAt(k) > 127) {
      ascii = false;
      break;
    }
  if (ascii) return s.slice(from, to).toLowerCase();
  let out = "";
  for (let k = from; k < to; k++) out += s[k].toLowerCase();
  return out;
}

/**
 * Read a template's literal parts once, like a browser would, and say where each value stands
 * (cached per template; exported for the tests). Runs of text, attribute values and comments are
 * skipped with `indexOf`: the page's 70-odd templates are read at every run of `regel validate`.
 */
export function templateHoles(strings: TemplateStringsArray): Hole[] {
  const cached = holesOf.get(strings);
  if (cached !== undefined) return cached;
  const holes: Hole[] = [];
  let state = TEXT;
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
    const n = s.length;
    for (let j = 0; j < n; j++) {
      const c = s.charCodeAt(j);
      // true only right after the opening quote of a value (see the URL attribute check)
      valueStart = false;
      switch (state) {
        case TEXT: {
          if (c !== 60 /* < */) {
            const next = s.indexOf("<", j + 1);
            if (next < 0) j = n;
            else j = next - 1;
            break;
          }
          const c1 = j + 1 < n ? s.charCodeAt(j + 1) : -1;
          if (c1 === 33 /* ! */) {
            if (s.startsWith("<!--", j)) {
              state = COMMENT;
              j += 3;
            } else state = DECLARATION;
          } else if (isAsciiLetter(c1) || c1 === 47 /* / */) {
            closing = c1 === 47;
            if (closing) j++;
            state = TAG_NAME;
            tag = "";
          }
          break;
        }
        case COMMENT: {
          const end = s.indexOf("-->", j);
          if (end < 0) j = n;
          else {
            state = TEXT;
            j = end + 2;
          }
          break;
        }
        case DECLARATION: {
          const end = s.indexOf(">", j);
          if (end < 0) j = n;
          else {
            state = TEXT;
            j = end;
          }
          break;
        }
        case RAW: {
          // rawEnd starts with "<": only there can it match
          const at = c === 60 ? j : s.indexOf("<", j);
          if (at < 0) {
            j = n;
            break;
          }
          j = at;
          if (s.slice(j, j + rawEnd.length).toLowerCase() === rawEnd) {
            state = TAG;
            closing = true;
            j += rawEnd.length - 1;
          }
          break;
        }
        case TAG_NAME: {
          let end = j;
          for (; end < n; end++) {
            const e = s.charCodeAt(end);
            if (isSpace(e) || e === 47 || e === 62) break;
          }
          tag += lowerName(s, j, end);
          if (end < n) state = TAG;
          j = end - 1;
          break;
        }
        case TAG:
          if (c === 62 /* > */) {
            if (tag === "title") inTitle = !closing;
            if (!closing && RAW_TEXT.has(tag)) {
              state = RAW;
              rawEnd = `</${tag}`;
            } else state = TEXT;
          } else if (!isSpace(c) && c !== 47) {
            state = ATTRIBUTE_NAME;
            attribute = lowerName(s, j, j + 1);
          }
          break;
        case ATTRIBUTE_NAME: {
          let end = j;
          for (; end < n; end++) {
            const e = s.charCodeAt(end);
            if (e === 61 || isSpace(e) || e === 62 || e === 47) break;
          }
          attribute += lowerName(s, j, end);
          j = end;
          if (end === n) break;
          const e = s.charCodeAt(end);
          if (e === 61) state = BEFORE_VALUE;
          else if (isSpace(e)) state = AFTER_ATTRIBUTE_NAME;
          else {
            state = TAG;
            j--;
          }
          break;
        }
        case AFTER_ATTRIBUTE_NAME:
          if (c === 61) state = BEFORE_VALUE;
          else if (!isSpace(c)) {
            state = TAG;
            j--;
          }
          break;
        case BEFORE_VALUE:
          if (c === 34 || c === 39) {
            state = VALUE;
            quote = s[j];
            valueStart = true;
            continue;
          } else if (!isSpace(c)) {
            state = UNQUOTED_VALUE;
            j--;
          }
          break;
        case VALUE: {
          const end = s.indexOf(quote, j);
          if (end < 0) j = n;
          else {
            state = TAG;
            j = end;
          }
          break;
        }
        case UNQUOTED_VALUE:
          if (isSpace(c)) state = TAG;
          else if (c === 62) {
            state = TAG;
            j--;
          }
          break;
      }
    }
    if (i === strings.length - 1) break;
    // strings[i] ends where value i stands
    switch (state) {
      case TEXT:
        if (/<\/?!?$|&#?[A-Za-z0-9]*$/.test(strings[i]))
          throw new Error(
            `html: a value cannot start a tag or complete a character reference: ${where(i)}`,
          );
        holes.push(inTitle ? { kind: "title" } : { kind: "text" });
        break;
      case VALUE: {
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
      case RAW:
        throw new Error(
          `html: a value inside <${tag}> is not allowed (use css/js constants): ${where(i)}`,
        );
      case COMMENT:
        throw new Error(
          `html: a value inside a comment is not allowed: ${where(i)}`,
        );
      default:
        throw new Error(
          `html: a value inside a tag must stand in a quoted attribute value: ${where(i)}`,
        );
    }
  }
  if (state !== TEXT)
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
  const holes = templateHoles(strings);
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
