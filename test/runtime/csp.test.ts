/**
 * Both HTML pages (report.html and the `regel assess --html` page) carry a Content-Security-Policy
 * that allows only their own inline style sheets and scripts, by hash: no other script, no
 * external or injected assets, and (report.html, whose filter script is its only script) no HTML
 * parsed from strings (Trusted Types). The browser test (test/browser/report-pages.test.ts) checks
 * that Chromium enforces it.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Assessment } from "../../audit/assess.js";
import { assessmentHtml } from "../../audit/assess-render.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import { FIXTURES, fake } from "./helpers.js";

/** Decode the character references the html template writes in an attribute value. */
function attributeValue(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#96;/g, "`")
    .replace(/&amp;/g, "&");
}

const sha256 = (text: string) =>
  `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** The policy of a page, and the hashes of its inline style sheets and scripts. */
function policyOf(html: string): {
  policy: Map<string, string[]>;
  styles: string[];
  scripts: string[];
} {
  const metas = [
    ...html.matchAll(
      /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g,
    ),
  ];
  expect(metas).toHaveLength(1);
  // the policy must come before anything it governs
  expect(html.indexOf(metas[0][0])).toBeLessThan(html.indexOf("<style"));
  const policy = new Map(
    attributeValue(metas[0][1])
      .split(";")
      .map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as [string, string[]];
      }),
  );
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) =>
    sha256(m[1]),
  );
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) =>
    sha256(m[1]),
  );
  return { policy, styles, scripts };
}

function expectOwnAssetsOnly(html: string): void {
  const { policy, styles, scripts } = policyOf(html);
  expect(policy.get("default-src")).toEqual(["'none'"]);
  expect(policy.get("base-uri")).toEqual(["'none'"]);
  expect(policy.get("form-action")).toEqual(["'none'"]);
  // exactly the page's own style sheets and scripts, by hash; nothing inline by permission
  expect(styles.length).toBeGreaterThan(0);
  expect(policy.get("style-src")).toEqual(styles);
  expect(html).not.toContain("unsafe-inline");
  expect(html).not.toContain("unsafe-eval");
  if (scripts.length === 0)
    expect([...policy.keys()].filter((k) => k.startsWith("script"))).toEqual(
      [],
    );
  else {
    expect(policy.get("script-src")).toEqual(scripts);
    expect(policy.get("require-trusted-types-for")).toEqual(["'script'"]);
    expect(policy.get("trusted-types")).toEqual(["'none'"]);
  }
  // every <script> element is one the policy names: none with a src, none with attributes
  expect(html.match(/<script\b/gi) ?? []).toHaveLength(scripts.length);
  // a style attribute or an event handler would be blocked by this policy, and so would look broken
  expect(html).not.toMatch(/\sstyle="/);
  expect(html).not.toMatch(/\son[a-z]+="/i);
}

const HOSTILE_BANK = `<style>body{display:none}</style><script>alert(1)</script>`;

describe("Content-Security-Policy", () => {
  it("report.html allows only its own inline style sheet and its one script", async () => {
    const report = await validateDelivery(
      join(FIXTURES, "delivery-ok"),
      await fake(),
      { rrd: "2022-12-31" },
    );
    const html = renderHtml(report, { samplesDir: "samples" });
    expectOwnAssetsOnly(html);
    expect(policyOf(html).scripts).toHaveLength(1);
  });

  it("the regel assess --html page allows only its own inline style sheet (it has no script)", () => {
    const a: Assessment = {
      bank: HOSTILE_BANK,
      year: 2023,
      rrd: "2023-04-21",
      otherRrds: [],
      rulesets: {
        groeipad: "ikb.groeipad@1.0.0",
        handhaving: null,
        calendar: null,
      },
      deliveries: [],
      deliveriesUntilAccepted: null,
      averageDeliveriesUntilAccepted: null,
      rrdsWithoutAcceptance: [],
      deliveriesBeforeAcceptance: 0,
      norms: [],
      measures: [],
      chart: [
        { year: 2022, percentage: 91.5, norm: 90 },
        { year: 2023, percentage: null, norm: 95 },
      ],
      outliers: {
        indicator: "Verklaring bank bij uitschietende en afwijkende waarden",
        deliveryId: HOSTILE_BANK,
        status: "evaluated",
        checks: [],
        explain: [`errors: ${HOSTILE_BANK}`],
      },
      maatwerk: "options, not a decision",
    };
    const html = assessmentHtml(a);
    expectOwnAssetsOnly(html);
    // the hostile bank name is text, not a second style sheet or a script
    expect(policyOf(html).styles).toHaveLength(1);
    expect(policyOf(html).scripts).toHaveLength(0);
  });
});
