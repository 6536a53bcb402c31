import { describe, expect, it } from "vitest";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { COMPILED, fake, FIXTURES } from "./helpers.js";

const DELIVERY = join(FIXTURES, "delivery-ok");

describe("the groeipad in a report (issue 12 item 7)", () => {
  it("is shown when a compiled ruleset beside the validated one declares a groeipad norm", async () => {
    const r = await validateDelivery(DELIVERY, await fake(), {
      rrd: "2022-12-31",
    });
    expect(r.groeipadDeclared).toBe(true);
    expect(r.groeipad).not.toBeNull();
    expect(renderHtml(r)).toContain('id="groeipad"');
  });

  it("says no norm is in force when one is declared for other years only", async () => {
    const r = await validateDelivery(DELIVERY, await fake(), {
      rrd: "2019-12-31",
    });
    expect(r.groeipadDeclared).toBe(true);
    expect(r.groeipad).toBeNull();
    expect(renderHtml(r)).toContain("No groeipad norm is in force");
  });

  it("is not shown when no compiled ruleset declares one", async () => {
    const alone = join(mkdtempSync(join(tmpdir(), "regel-alone-")), "compiled");
    cpSync(join(COMPILED, "fake.ikb@1.0.0"), join(alone, "fake.ikb@1.0.0"), {
      recursive: true,
    });
    const r = await validateDelivery(
      DELIVERY,
      await loadCompiled(join(alone, "fake.ikb@1.0.0")),
      { rrd: "2022-12-31" },
    );
    expect(r.groeipadDeclared).toBe(false);
    expect(r.groeipad).toBeNull();
    const page = renderHtml(r);
    expect(page).not.toContain('id="groeipad"');
    expect(page).not.toContain("No groeipad norm");
  });
});
