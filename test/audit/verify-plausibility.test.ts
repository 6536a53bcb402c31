/**
 * The quarterly file (`--quarterly`) and the previous delivery (`--previous`) are result-changing
 * inputs: report.json records them in its provenance (name as given, size, sha256, the figures
 * read; each file of T−1 with its rows), report.html shows them, and `regel verify` reproduces
 * such a report only when given them again — it refuses without them, naming what the report
 * read, and names the differing hash when a given file differs from the recorded one.
 */
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { runVerify } from "../../cli/commands/verify.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { renderHtml } from "../../runtime/html-report.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { readQuarterly } from "../../runtime/quarterly.js";
import { reportToJson } from "../../runtime/report-json.js";
import type { Report } from "../../runtime/report-types.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";

const ROOT = join(import.meta.dirname, "..", "..");
const COMPILED = join(ROOT, "rulesets", "compiled");
const RRD = "2024-03-31";
const AT = "2024-04-02T10:00:00Z";
const work = mkdtempSync(join(tmpdir(), "regel-verify-plaus-"));
const T = join(work, "t");
const T1 = join(work, "t1");
const QUARTERLY = join(work, "quarterly.csv");
const QUARTERLY_TEXT =
  "figure,value\nnumber_of_depositors,120\nnumber_of_deposits,999\n";
let loaded: LoadedRuleset;
let report: Report;
let reportPath: string;

async function validate(opts: {
  quarterly?: string;
  previous?: string;
}): Promise<Report> {
  return validateDelivery(T, loaded, {
    rrd: RRD,
    generatedAt: AT,
    quarterly:
      opts.quarterly === undefined
        ? undefined
        : readQuarterly(
            opts.quarterly,
            readFileSync(opts.quarterly),
            loaded.module.reconciliations,
          ),
    previous: opts.previous,
  });
}

beforeAll(async () => {
  loaded = await loadCompiled(join(COMPILED, "ikb.glo@1.3.0"));
  generateDelivery(loaded.module, {
    depositors: 120,
    seed: 11,
    defectRate: 0.05,
    markingRate: 0.02,
    rrd: RRD,
    out: T,
    previousOut: T1,
    changeRate: 0.1,
  });
  writeFileSync(QUARTERLY, QUARTERLY_TEXT);
  report = await validate({ quarterly: QUARTERLY, previous: T1 });
  reportPath = join(work, "report.json");
  writeFileSync(reportPath, reportToJson(report));
}, 300_000);

describe("provenance of --quarterly and --previous", () => {
  it("records the quarterly file: name as given, size, sha256 and the figures read", () => {
    const q = report.provenance!.quarterly!;
    expect(q.file).toBe(QUARTERLY);
    expect(q.bytes).toBe(Buffer.byteLength(QUARTERLY_TEXT));
    expect(q.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(q.sha256).toBe(report.plausibility!.reconciliation!.sha256);
    expect(q.figures).toEqual([
      { name: "number_of_depositors", value: "120" },
      { name: "number_of_deposits", value: "999" },
    ]);
  });

  it("records each file of the previous delivery read, with size, sha256 and rows", () => {
    const p = report.provenance!.previous!;
    expect(p.folder).toBe(T1);
    const read = report.previousDelivery!.files.filter(
      (f) => f.status === "read",
    );
    expect(read.length).toBeGreaterThan(0);
    expect(p.files.map((f) => f.file)).toEqual([
      ...new Set(read.map((f) => f.file)),
    ]);
    for (const f of p.files) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.bytes).toBe(readFileSync(join(T1, f.file)).byteLength);
      expect(f.rows).toBeGreaterThan(0);
    }
  });

  it("fits docs/report-schema.json, and a run without the options records neither", async () => {
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const check = ajv.compile(
      JSON.parse(
        readFileSync(join(ROOT, "docs", "report-schema.json"), "utf8"),
      ),
    );
    const plain = await validate({});
    for (const r of [report, plain]) {
      check(JSON.parse(reportToJson(r)));
      expect(check.errors ?? []).toEqual([]);
    }
    expect(plain.provenance).not.toHaveProperty("quarterly");
    expect(plain.provenance).not.toHaveProperty("previous");
    // the provenance adds nothing else: the same keys as before, in the same order
    expect(Object.keys(plain.provenance!)).toEqual([
      "ruleset",
      "groeipad",
      "inputs",
      "rrdChosenBy",
      "options",
    ]);
  });

  it("report.html shows both in the provenance block, escaped", () => {
    const page = renderHtml(report);
    const block = page.slice(
      page.indexOf('<details id="provenance">'),
      page.indexOf("</details>", page.indexOf('<details id="provenance">')),
    );
    expect(block).toContain("<th>quarterly file</th>");
    expect(block).toContain("number_of_depositors 120, number_of_deposits 999");
    expect(block).toContain(report.provenance!.quarterly!.sha256);
    expect(block).toContain(`previous delivery ${T1}`);
    expect(block).toContain(report.provenance!.previous!.files[0].sha256!);
  });
});

describe("regel verify of a report with --quarterly and --previous", () => {
  it("reproduces it when given the same quarterly file and previous delivery (exit 0)", async () => {
    const out = await runVerify(reportPath, {
      delivery: T,
      compiled: COMPILED,
      quarterly: QUARTERLY,
      previous: T1,
    });
    expect(out.stderr).toBe("");
    expect(out.stdout).toContain("regel verify: reproduced");
    expect(out.code).toBe(0);
  });

  it("reproduces from copies elsewhere: the files are compared by content", async () => {
    const q = join(work, "elsewhere.csv");
    const t1 = join(work, "t1-copy");
    cpSync(QUARTERLY, q);
    cpSync(T1, t1, { recursive: true });
    const out = await runVerify(reportPath, {
      delivery: T,
      compiled: COMPILED,
      quarterly: q,
      previous: t1,
    });
    expect(out.stdout).toContain("regel verify: reproduced");
    expect(out.stdout).toContain(
      `note: the quarterly file is given as ${q}; the report names it ${QUARTERLY}`,
    );
    expect(out.code).toBe(0);
  });

  it("refuses without them, naming what the report read (exit 2)", async () => {
    const noQ = await runVerify(reportPath, {
      delivery: T,
      compiled: COMPILED,
      previous: T1,
    });
    expect(noQ.code).toBe(2);
    expect(noQ.stderr).toContain(
      `regel verify: the report was reconciled with the quarterly file ${QUARTERLY} (${Buffer.byteLength(QUARTERLY_TEXT)} bytes, sha256 ${report.provenance!.quarterly!.sha256}): give it with --quarterly FILE`,
    );
    const noP = await runVerify(reportPath, {
      delivery: T,
      compiled: COMPILED,
      quarterly: QUARTERLY,
    });
    expect(noP.code).toBe(2);
    expect(noP.stderr).toContain(
      `regel verify: the report was compared with the previous delivery ${T1} (`,
    );
    expect(noP.stderr).toContain("give it with --previous DIR");
  });

  it("names the quarterly file's hash when the file given differs (exit 1)", async () => {
    const q = join(work, "changed.csv");
    writeFileSync(q, QUARTERLY_TEXT.replace("999", "998"));
    const out = await runVerify(reportPath, {
      delivery: T,
      compiled: COMPILED,
      quarterly: q,
      previous: T1,
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("regel verify: NOT reproduced");
    expect(out.stdout).toContain(
      `  quarterly file ${QUARTERLY}: sha256 ${report.provenance!.quarterly!.sha256.slice(0, 12)}… in the report,`,
    );
    expect(out.stdout).toContain("plausibility.reconciliation");
  });

  it("names the previous delivery file's hash when a file of T−1 differs (exit 1)", async () => {
    const t1 = join(work, "t1-changed");
    cpSync(T1, t1, { recursive: true });
    const changed = report.provenance!.previous!.files[0];
    const text = readFileSync(join(t1, changed.file), "utf8");
    // the same records in another order of the last two lines: other bytes, the same rows
    const lines = text.trimEnd().split("\n");
    [lines[lines.length - 1], lines[lines.length - 2]] = [
      lines[lines.length - 2],
      lines[lines.length - 1],
    ];
    writeFileSync(join(t1, changed.file), `${lines.join("\n")}\n`);
    const out = await runVerify(reportPath, {
      delivery: T,
      compiled: COMPILED,
      quarterly: QUARTERLY,
      previous: t1,
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      `  previous delivery file ${changed.file}: sha256 ${changed.sha256!.slice(0, 12)}`,
    );
    expect(readdirSync(t1)).toContain(changed.file);
  });

  it("refuses --quarterly and --previous for a report that read neither (exit 2)", async () => {
    const plain = join(work, "plain.json");
    writeFileSync(plain, reportToJson(await validate({})));
    const out = await runVerify(plain, {
      delivery: T,
      compiled: COMPILED,
      quarterly: QUARTERLY,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      "the report was not reconciled with a quarterly file: leave out --quarterly",
    );
    const ok = await runVerify(plain, { delivery: T, compiled: COMPILED });
    expect(ok.code).toBe(0);
  });
});
