import { describe, expect, it } from "vitest";
import {
  csvCell,
  escapeHtml,
  neutraliseFormula,
  safeUrl,
  showInvisible,
} from "../../runtime/escape.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import { REPORT_SCRIPT } from "../../runtime/html-report-script.js";
import { ruleSamplesCsv, sampleFiles } from "../../runtime/report-csv.js";
import { parseCsvText } from "../../runtime/csv-reader.js";
import { summaryText } from "../../runtime/report-text.js";
import { reportToJson, stableStringify } from "../../runtime/report-json.js";
import { BA_HEADER, delivery, fake, NP_HEADER } from "./helpers.js";
import fc from "fast-check";

const HOSTILE = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "=cmd|' /C calc'!A1",
  "+1+cmd|' /C calc'!A1",
  "-2+3",
  "@SUM(A1:A2)",
  "'single' & \"double\"",
];

function csvQuote(v: string) {
  return `"${v.replace(/"/g, '""')}"`;
}

async function hostileReport() {
  // hostile values in a key, a non-personal value (balance) and a ref value (holder_id)
  const np = NP_HEADER + "I1,I1,Jansen,1970-01-01,\n";
  const ba =
    BA_HEADER +
    HOSTILE.map(
      (v, i) => `I1,${csvQuote(v + i)},${csvQuote(v)},${csvQuote(v)}\n`,
    ).join("");
  return validateDelivery(
    delivery({ "natural_person.csv": np, "bank_account.csv": ba }),
    await fake(),
    { rrd: "2022-12-31" },
  );
}

describe("escaping primitives", () => {
  it("escapes HTML specials", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;",
    );
  });
  it("neutralises formulas but keeps plain numbers", () => {
    expect(neutraliseFormula("=1+2")).toBe("'=1+2");
    expect(neutraliseFormula("+31")).toBe("'+31");
    expect(neutraliseFormula("-2+3")).toBe("'-2+3");
    expect(neutraliseFormula("@x")).toBe("'@x");
    expect(neutraliseFormula("\t=x")).toBe("'\t=x");
    expect(neutraliseFormula("-12.50")).toBe("-12.50");
    expect(neutraliseFormula("Jansen")).toBe("Jansen");
  });
  it("links only http(s) URLs", () => {
    expect(safeUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeUrl('https://x"onmouseover=1')).toBeUndefined();
    expect(safeUrl("https://www.dnb.nl/")).toBe("https://www.dnb.nl/");
  });
  it("property: escaped text never contains markup characters, and a CSV cell reads back", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(escapeHtml(s)).not.toMatch(/[<>"'`]/);
        const ev = parseCsvText(`${csvCell(s)},end\n`);
        const back = ev[0] && ev[0].kind === "row" ? ev[0].cells[0] : "";
        const shown = showInvisible(s);
        expect(back === shown || back === `'${shown}`).toBe(true);
        expect(back).not.toMatch(/^[=+@\t\r]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe("hostile values in the reports", () => {
  it("HTML: every value is escaped; no script, no injected attributes", async () => {
    const html = renderHtml(await hostileReport(), { samplesDir: "samples" });
    // the one script is the page's own filter script (its hash is the CSP's; test/runtime/csp.test.ts)
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script>${REPORT_SCRIPT.text}</script>`);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    // self-contained: no external resources
    expect(html).not.toMatch(/<(link|iframe|object|embed)\b|<script\s/i);
    expect(html).not.toMatch(/src="https?:/i);
  });

  it("HTML: every rule links to its articles and source location", async () => {
    const html = renderHtml(await hostileReport());
    // (the row carries the rule's data for the filters after its id)
    expect(html).toContain('<tr id="rule-dmc0000" ');
    expect(html).toContain('href="#source-br"');
    // the location as text: a relative link would break once the report is moved away from the repository
    expect(html).toContain("test/runtime/fixtures/fake.regel:20:");
    expect(html).not.toContain('href="test/runtime/fixtures/fake.regel');
    expect(html).toContain('<li id="source-bk">');
    expect(html).toContain("<svg");
  });

  it("CSV samples: formula cells neutralised, quoting intact", async () => {
    const files = sampleFiles(await hostileReport());
    const text = files.get("fil0004.csv")!;
    const rows = parseCsvText(text).flatMap((e) =>
      e.kind === "row" ? [e.cells] : [],
    );
    expect(rows[0]).toEqual([
      "rule",
      "severity",
      "ruleset",
      "entity",
      "role",
      "attribute",
      "key",
      "values",
      "message",
      "file",
      "line",
    ]);
    expect(rows).toHaveLength(1 + HOSTILE.length);
    for (const row of rows.slice(1))
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.map((r) => r[7])).toContain("holder_id==cmd|' /C calc'!A1");
    // a message template that starts with the value puts the hostile value first in its cell
    const rule = {
      ...(await hostileReport()).rules.find((x) => x.code === "fil0004")!,
    };
    rule.samples = HOSTILE.map((v) => ({
      ...rule.samples[0],
      message: v,
      attribute: v,
    }));
    const own = parseCsvText(ruleSamplesCsv(rule)).flatMap((e) =>
      e.kind === "row" ? [e.cells] : [],
    );
    expect(own.slice(1).map((r) => r[8])).toEqual(
      HOSTILE.map((v) => (/^[=+\-@]/.test(v) ? `'${v}` : v)),
    );
    // the key column holds the hostile account id, neutralised where it starts a cell
    expect(rows.some((r) => r[6].includes("<script>"))).toBe(true);
  });

  it("CSV samples: control characters are written as \\uXXXX, never raw, formulas still neutralised", async () => {
    expect(csvCell("Jan\u0000sen\u001b[2J")).toBe("Jan\\u0000sen\\u001b[2J");
    expect(csvCell("=1+2\u0000")).toBe("'=1+2\\u0000");
    expect(csvCell("\u0085x")).toBe("\\u0085x");
    expect(csvCell("a\u007f")).toBe("a\\u007f");
    // a leading CR is shown, so it starts no formula; a tab is kept and neutralised as before
    expect(csvCell("\r=x")).toBe("\\u000d=x");
    expect(csvCell("\t=x")).toBe("'\t=x");
    const r = await validateDelivery(
      delivery({
        "natural_person.csv": NP_HEADER + "I1,I1,Jansen,1970-01-01,\n",
        "bank_account.csv":
          BA_HEADER + "I1,A1,I\u00009\u001b[2J,10.00\nI1,A2,=X\u0000,10.00\n",
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    const files = sampleFiles(r);
    expect(files.size).toBeGreaterThan(0);
    for (const [name, text] of files)
      expect(text, name).not.toMatch(
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/,
      );
    const text = files.get("fil0004.csv")!;
    expect(text).toContain("holder_id=I\\u00009\\u001b[2J");
    expect(text).toContain("holder_id==X\\u0000");
  });

  it("report.json: DEL, C1 controls, line separators and bidirectional controls are JSON escapes, never raw; the parsed report is the same", async () => {
    const r = await validateDelivery(
      delivery({
        "natural_person.csv": NP_HEADER + "I1,I1,Jansen,1970-01-01,\n",
        "bank_account.csv":
          BA_HEADER + "I1,A1,I\u0085\u007f\u2028\u202e9\u0000,10.00\n",
      }),
      await fake(),
      { rrd: "2022-12-31" },
    );
    const text = reportToJson(r);
    expect(text).not.toMatch(
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202e]/,
    );
    expect(text).toContain("I\\u0085\\u007f\\u2028\\u202e9\\u0000");
    expect(JSON.parse(text)).toEqual(JSON.parse(stableStringify(r)));
  });

  it("terminal summary prints counts and rows read = validated + rejected", async () => {
    const text = summaryText(await hostileReport());
    expect(text).toMatch(/rows: 8 read = 8 validated \+ 0 rejected/);
  });

  it("terminal summary: a line feed in a value (a file name, a rule's title) starts no line of its own", async () => {
    const r = await hostileReport();
    const forged = "x\nstatus: ACCEPTED\ny.csv";
    const text = summaryText({
      ...r,
      status: "rejected",
      filesNotRead: [
        { name: forged, kind: "file", reason: "not a file of the ruleset" },
      ],
    } as typeof r);
    expect(text.split("\n").filter((l) => l.startsWith("status:"))).toEqual([
      "status: REJECTED",
    ]);
    expect(text).toContain("x\\u000astatus: ACCEPTED\\u000ay.csv");
  });
});
