/**
 * Every number in the HTML report leads, by clicks, to its rule, source and article: category rows
 * link to the rules that feed them, rule rows link back to their categories and to their articles,
 * and show their source location and their text as written; every internal link has a target.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import { escapeHtml } from "../../runtime/escape.js";

describe("HTML report links", async () => {
  const loaded = await loadCompiled(
    join("rulesets", "compiled", "ikb.glo@1.3.0"),
  );
  const report = await validateDelivery(
    join("examples", "ikb-delivery"),
    loaded,
    { rrd: "2024-03-31" },
  );
  const html = renderHtml(report, { samplesDir: "samples" });
  const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));

  it("has a target for every internal link", () => {
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(50);
    expect(targets.filter((t) => !ids.has(t))).toEqual([]);
  });

  it("links each category to every rule of its Bijlage 3 entries, and each rule back", () => {
    for (const category of report.categories) {
      const row = html.slice(html.indexOf(`id="category-${category.name}"`));
      const rowHtml = row.slice(0, row.indexOf("</tr>"));
      for (const result of category.results)
        expect(rowHtml).toContain(`href="#rule-${result.code}"`);
      expect(rowHtml).toContain(`<td class="n">${category.count}</td>`);
    }
    const identity = report.categories.find((c) => c.name === "identity")!;
    const ruleRow = html.slice(
      html.indexOf(`id="rule-${identity.results[0].code}"`),
    );
    expect(ruleRow.slice(0, ruleRow.indexOf("</tr>"))).toContain(
      `href="#category-identity"`,
    );
  });

  it("gives every rule row its articles and its source location", () => {
    for (const rule of [...report.rules, ...report.secondaryRules]) {
      const row = html.slice(html.indexOf(`id="rule-${rule.code}"`));
      // the row ends where the next rule row or the table ends (its samples table is nested inside)
      const rowHtml = row.slice(
        0,
        Math.min(
          ...['\n<tr id="rule-', "</table><h2>", "</table>\n"]
            .map((m) => row.indexOf(m))
            .filter((i) => i > 0),
        ),
      );
      expect(rowHtml).toContain(
        `${rule.location.file}:${rule.location.line}:${rule.location.column}`,
      );
      // the rule as written in the ruleset, escaped
      expect(rule.source).toMatch(new RegExp(`^(replace )?rule ${rule.code} `));
      expect(rowHtml).toContain(
        `<pre class="mono">${escapeHtml(rule.source)}</pre>`,
      );
      for (const article of rule.articles)
        expect(rowHtml).toContain(`href="#source-${article.source}"`);
    }
  });
});
