/**
 * What a person would notice on a page, measured in the browser: script errors, policy
 * violations, requests, labels of a chart that stick out of it or overlap, links that lead
 * nowhere. Used by report-pages.test.ts; each check returns the problems it found, as sentences.
 */
// the callbacks of page.evaluate run in the browser: they use the DOM types
/// <reference lib="dom" />
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";

export interface OpenedPage {
  page: Page;
  /** Script errors, console errors and warnings (Chromium reports policy violations there), dialogs. */
  problems: string[];
  /** Every request after the page's own document (all are aborted: the page must work offline). */
  requests: string[];
}

/** Open `file` (or HTML text, with `content`) in a new tab of `browser`, watching everything it does. */
export async function openPage(
  browser: Browser,
  target: { file: string } | { content: string },
  options: { javaScript?: boolean; width?: number } = {},
): Promise<OpenedPage> {
  const page = await browser.newPage();
  await page.setViewport({ width: options.width ?? 1280, height: 900 });
  await page.setJavaScriptEnabled(options.javaScript ?? true);
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) =>
    problems.push(`script error: ${(e as Error).message}`),
  );
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn")
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const url = "file" in target ? pathToFileURL(target.file).href : undefined;
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    if (url !== undefined && r.url() === url && r.isNavigationRequest())
      void r.continue();
    else {
      requests.push(r.url());
      void r.abort();
    }
  });
  if ("file" in target) await page.goto(url!, { waitUntil: "load" });
  else await page.setContent(target.content, { waitUntil: "load" });
  return { page, problems, requests };
}

/**
 * Text of an SVG chart that is not inside its chart, has no size, overlaps other text, or is
 * crossed by a reference mark (`.mark` lines). Charts not shown (0 × 0) are skipped.
 */
export async function chartProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const overlap = (a: DOMRect, b: DOMRect) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
    document.querySelectorAll("svg").forEach((svg, i) => {
      const box = svg.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) return;
      const name = `chart ${i + 1} (${svg.getAttribute("aria-label") ?? svg.querySelector("title")?.textContent ?? svg.getAttribute("class")})`;
      const texts = Array.from(svg.querySelectorAll("text")).map((t) => ({
        text: t.textContent ?? "",
        r: t.getBoundingClientRect(),
      }));
      for (const { text, r } of texts) {
        if (r.width < 1 || r.height < 1)
          out.push(`${name}: "${text}" has no size`);
        const sticks = [
          r.left < box.left - 0.5
            ? `${(box.left - r.left).toFixed(1)} px left`
            : "",
          r.right > box.right + 0.5
            ? `${(r.right - box.right).toFixed(1)} px right`
            : "",
          r.top < box.top - 0.5
            ? `${(box.top - r.top).toFixed(1)} px above`
            : "",
          r.bottom > box.bottom + 0.5
            ? `${(r.bottom - box.bottom).toFixed(1)} px below`
            : "",
        ].filter((x) => x !== "");
        if (sticks.length > 0)
          out.push(`${name}: "${text}" is cut off (${sticks.join(", ")})`);
      }
      texts.forEach((a, j) =>
        texts.slice(j + 1).forEach((b) => {
          if (overlap(a.r, b.r))
            out.push(`${name}: "${a.text}" overlaps "${b.text}"`);
        }),
      );
      svg.querySelectorAll(".mark line, line.mark").forEach((line) => {
        // a line's box has no width (or height) of its own: give it its stroke's
        const b = line.getBoundingClientRect();
        const r = new DOMRect(b.x - 1, b.y - 1, b.width + 2, b.height + 2);
        for (const t of texts)
          if (overlap(r, t.r))
            out.push(
              `${name}: a ${line.closest(".mark")?.getAttribute("class")} line crosses "${t.text}"`,
            );
      });
    });
    return out;
  });
}

/** In-page links whose target is missing, and links of any other kind than those `allowed`. */
export async function linkProblems(
  page: Page,
  allowed: (href: string) => boolean,
): Promise<{ problems: string[]; inPage: number }> {
  const links = await page.$$eval("a[href]", (as) =>
    as.map((a) => {
      const href = a.getAttribute("href") ?? "";
      return {
        href,
        found:
          href.startsWith("#") &&
          document.getElementById(decodeURIComponent(href.slice(1))) !== null,
      };
    }),
  );
  const problems: string[] = [];
  for (const l of links)
    if (l.href.startsWith("#")) {
      if (!l.found) problems.push(`link ${l.href} leads nowhere in the page`);
    } else if (!allowed(l.href)) problems.push(`link ${l.href} is not allowed`);
  return {
    problems,
    inPage: links.filter((l) => l.href.startsWith("#")).length,
  };
}
