/**
 * Both HTML pages (report.html and the `regel assess --html` page) carry a Content-Security-Policy
 * that allows only their own inline style sheets: no scripts, no external or injected assets.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Assessment } from "../../audit/assess.js";
import { assessmentHtml } from "../../audit/assess-render.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import { FIXTURES, fake } from "./helpers.js";

/** The policy of a page, and the hashes of its inline style sheets. */
function policyOf(html: string): {
  policy: Map<string, string[]>;
  styles: string[];
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
    metas[0][1].split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as [string, string[]];
    }),
  );
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`,
  );
  return { policy, styles };
}

function expectOwnAssetsOnly(html: string): void {
  const { policy, styles } = policyOf(html);
  expect(policy.get("default-src")).toEqual(["'none'"]);
  expect(policy.get("base-uri")).toEqual(["'none'"]);
  expect(policy.get("form-action")).toEqual(["'none'"]);
  // exactly the page's own style sheets, by hash; nothing inline by permission
  expect(styles.length).toBeGreaterThan(0);
  expect(policy.get("style-src")).toEqual(styles);
  expect(html).not.toContain("unsafe-inline");
  expect([...policy.keys()].filter((k) => k.startsWith("script"))).toEqual([]);
  // a style attribute would be blocked by this policy, and so would look broken
  expect(html).not.toMatch(/\sstyle="/);
  expect(html).not.toMatch(/<script\b/i);
}

const HOSTILE_BANK = `<style>body{display:none}</style><script>alert(1)</script>`;

describe("Content-Security-Policy", () => {
  it("report.html allows only its own inline style sheet", async () => {
    const report = await validateDelivery(
      join(FIXTURES, "delivery-ok"),
      await fake(),
      { rrd: "2022-12-31" },
    );
    expectOwnAssetsOnly(renderHtml(report, { samplesDir: "samples" }));
  });

  it("the regel assess --html page allows only its own inline style sheet", () => {
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
      deliveriesBeforeAcceptance: 0,
      norms: [],
      measures: [],
      chart: [
        { year: 2022, percentage: 91.5, norm: 90 },
        { year: 2023, percentage: null, norm: 95 },
      ],
      maatwerk: "options, not a decision",
    };
    const html = assessmentHtml(a);
    expectOwnAssetsOnly(html);
    // the hostile bank name is text, not a second style sheet
    expect(policyOf(html).styles).toHaveLength(1);
  });
});
