/**
 * The screenshot of docs/guides/analyst.md ("Editing with the VS Code extension"): a shipped
 * ruleset highlighted by the extension's TextMate grammar, in VS Code's Dark+ colours, with the
 * hover `regel lsp` answers on a field, rendered in headless Chromium (test/browser/chromium.ts).
 *
 * The picture goes to test-artifacts/editor/; with `REGEL_UPDATE_DOCS=1` it also replaces
 * docs/guides/img/vscode-editing.png. The test checks that the page shows every line of the
 * ruleset as written, every token coloured by the grammar, and the hover inside the picture.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "puppeteer-core";
import {
  HoverRequest,
  type MarkupContent,
} from "vscode-languageserver-protocol/node";
import { launchBrowser } from "../browser/chromium.js";
import { ensureBuilt, ROOT } from "../source-folders.js";
import { positionOf, startLsp, uri } from "../lsp/lsp-client.js";
import { tokenize, type Token } from "./textmate.js";

const FILE = join(ROOT, "rulesets", "ikb.glo", "1.3.0.regel");
const ARTIFACTS = join(ROOT, "test-artifacts", "editor");
const DOC_IMAGE = join(ROOT, "docs", "guides", "img", "vscode-editing.png");
/** The lines shown: the rule `tmc0005` and the one after it. */
const FIRST = "rule tmc0005";
const LINES = 22;
/** The field hovered, in the `require` line. */
const HOVERED = "require last_transaction_date";

/** VS Code's Dark+ colours for the scopes the grammar gives (longest scope prefix wins). */
const THEME: [string, string][] = [
  ["comment.line.documentation", "#6A9955"],
  ["comment", "#6A9955"],
  ["string", "#CE9178"],
  ["constant.character.escape", "#D7BA7D"],
  ["constant.numeric", "#B5CEA8"],
  ["constant.language", "#569CD6"],
  ["constant.other.article", "#D7BA7D"],
  ["keyword.operator.word", "#C586C0"],
  ["keyword.operator", "#D4D4D4"],
  ["keyword", "#569CD6"],
  ["entity.name.function", "#DCDCAA"],
  ["entity.name", "#4EC9B0"],
  ["support.type", "#4EC9B0"],
  ["variable.other.constant", "#4FC1FF"],
  ["variable", "#9CDCFE"],
  ["punctuation", "#D4D4D4"],
];

function colour(t: Token): string | undefined {
  for (const scope of [...t.scopes].reverse()) {
    let best: [string, string] | undefined;
    for (const entry of THEME)
      if (
        (scope === entry[0] || scope.startsWith(`${entry[0]}.`)) &&
        (best === undefined || entry[0].length > best[0].length)
      )
        best = entry;
    if (best !== undefined) return best[1];
  }
  return undefined;
}

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[
        c
      ]!,
  );

/** The hover's Markdown as simple HTML: paragraphs, `code`, **bold** and the assumption label, all text escaped. */
function hoverHtml(markdown: string): string {
  return markdown
    .split("\n\n")
    .map(
      (p) =>
        `<p>${escape(p)
          .replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
          .replace(/`(.+?)`/g, "<code>$1</code>")
          .replace(/^_assumption:_/, "<i>assumption:</i>")}</p>`,
    )
    .join("");
}

let browser: Browser;

beforeAll(async () => {
  ensureBuilt();
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

describe("the analyst guide's screenshot of the extension", () => {
  it("shows a shipped ruleset highlighted by the grammar, with a hover from regel lsp", async () => {
    const text = readFileSync(FILE, "utf8");
    const all = text.split("\n");
    const from = all.findIndex((l) => l.startsWith(FIRST));
    const shown = all.slice(from, from + LINES);
    const tokens = await tokenize(text);

    const lsp = await startLsp(join(ROOT, "rulesets"));
    await lsp.open(FILE);
    const at = positionOf(text, HOVERED, "require ".length + 3);
    const hover = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri(FILE) },
      position: at,
    });
    expect(await lsp.close()).toBe(0);
    const markdown = (hover!.contents as MarkupContent).value;
    expect(markdown).toContain("**field** `BA.last_transaction_date: date`");

    const uncoloured: string[] = [];
    const lineHtml = shown.map((_, i) => {
      const n = from + i + 1;
      const spans = tokens
        .filter((t) => t.line === n)
        .map((t) => {
          const c = colour(t);
          if (c === undefined && t.text.trim() !== "") uncoloured.push(t.text);
          return c === undefined
            ? escape(t.text)
            : `<span style="color:${c}">${escape(t.text)}</span>`;
        })
        .join("");
      const hovered = n === at.line + 1 ? ' id="hovered"' : "";
      return `<div class="line"${hovered}><span class="no">${n}</span><span class="code">${spans}</span></div>`;
    });
    expect(uncoloured).toEqual([]);

    const html = `<!doctype html><html><head><meta charset="utf-8"><style>
      body { margin: 0; background: #1e1e1e; font: 13px/19px "DejaVu Sans Mono", monospace; color: #d4d4d4; }
      .tab { background: #252526; color: #fff; padding: 6px 14px; font-family: sans-serif; font-size: 12px; border-bottom: 1px solid #333; }
      .editor { position: relative; padding: 8px 0; width: 1180px; }
      .line { white-space: pre; }
      .no { display: inline-block; width: 44px; padding-right: 16px; text-align: right; color: #858585; }
      .hover { position: absolute; width: 560px; background: #252526; border: 1px solid #454545; padding: 2px 10px; font: 12px/17px sans-serif; color: #ccc; box-shadow: 0 2px 8px #000; }
      .hover code { font-family: monospace; color: #dcdcaa; }
      .hover p { margin: 6px 0; }
    </style></head><body>
      <div class="tab">1.3.0.regel — rulesets/ikb.glo</div>
      <div class="editor">${lineHtml.join("")}
        <div class="hover" id="hover">${hoverHtml(markdown)}</div>
      </div></body></html>`;

    const page = await browser.newPage();
    await page.setViewport({ width: 1180, height: 520 });
    await page.setContent(html, { waitUntil: "load" });
    // The hover sits under the hovered name, as VS Code shows it.
    await page.evaluate((character) => {
      const line = document.getElementById("hovered")!;
      const code = line.querySelector(".code")! as HTMLElement;
      const hover = document.getElementById("hover")!;
      const charWidth =
        code.getBoundingClientRect().width / code.textContent!.length;
      const editor = line.parentElement!.getBoundingClientRect();
      const box = line.getBoundingClientRect();
      hover.style.left = `${60 + character * charWidth}px`;
      hover.style.top = `${box.bottom - editor.top + 2}px`;
    }, at.character);

    // Every line as written, nothing lost or added.
    const lines = await page.$$eval(".line .code", (els) =>
      els.map((e) => e.textContent),
    );
    expect(lines).toEqual(shown);
    // The hover is entirely inside the picture.
    const box = await (await page.$("#hover"))!.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(1180);
    expect(box!.y + box!.height).toBeLessThanOrEqual(520);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, "vscode-editing.png");
    await page.screenshot({ path: shot });
    await page.close();
    if (process.env.REGEL_UPDATE_DOCS === "1") copyFileSync(shot, DOC_IMAGE);
    // The committed picture is a PNG of the same size as the one just taken.
    const size = (file: string) => {
      const png = readFileSync(file);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      return [png.readUInt32BE(16), png.readUInt32BE(20)];
    };
    expect(size(DOC_IMAGE)).toEqual(size(shot));
  }, 120_000);
});
