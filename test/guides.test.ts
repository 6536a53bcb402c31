/**
 * The guides in docs/guides/ run as written: each guide's ```sh blocks, in order, in one bash
 * shell (`set -e`), from a scratch copy of what they need of the repository (rulesets, the example
 * delivery; dist/ and node_modules/ linked), with `regel` on the PATH as the built CLI. The three
 * guides run in parallel to keep this test short.
 */
import { spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "./source-folders.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "cli", "main.js");
const GUIDES = join(ROOT, "docs", "guides");

/** The ```sh blocks of a Markdown text, in order. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

let work: string;
let bin: string;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "regel-guides-"));
  cpSync(join(ROOT, "rulesets"), join(work, "rulesets"), {
    recursive: true,
    filter: (src) => !src.includes(`${join("rulesets", "compiled")}`),
  });
  cpSync(
    join(ROOT, "test", "runtime", "fixtures", "glo-delivery"),
    join(work, "test", "runtime", "fixtures", "glo-delivery"),
    { recursive: true },
  );
  cpSync(join(ROOT, "package.json"), join(work, "package.json"));
  symlinkSync(join(ROOT, "dist"), join(work, "dist"));
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));
  bin = join(work, ".bin");
  mkdirSync(bin);
  writeFileSync(
    join(bin, "regel"),
    `#!/bin/sh\nexec node ${JSON.stringify(MAIN)} "$@"\n`,
  );
  chmodSync(join(bin, "regel"), 0o755);
}, 240_000);

function runGuide(
  name: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = [
    "set -e",
    ...shellBlocks(readFileSync(join(GUIDES, name), "utf8")),
  ].join("\n");
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ""}`,
        TMPDIR: work,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("shellBlocks", () => {
  it("takes only ```sh blocks, whole, in order", () => {
    const md =
      "a\n```sh\necho 1\necho 2\n```\n```regel\nx\n```\n```sh\necho 3\n```\n";
    expect(shellBlocks(md)).toEqual(["echo 1\necho 2\n", "echo 3\n"]);
  });
});

describe("docs/guides run as written", () => {
  let results: Record<
    string,
    { code: number | null; stdout: string; stderr: string }
  >;
  beforeAll(async () => {
    const names = ["analyst.md", "engineer.md", "auditor.md"];
    const outs = await Promise.all(names.map(runGuide));
    results = Object.fromEntries(names.map((n, i) => [n, outs[i]]));
  }, 180_000);

  it("every guide has shell blocks and uses regel", () => {
    for (const name of ["analyst.md", "engineer.md", "auditor.md"]) {
      const blocks = shellBlocks(readFileSync(join(GUIDES, name), "utf8"));
      expect(blocks.length, name).toBeGreaterThanOrEqual(4);
      expect(blocks.join("\n"), name).toMatch(/^regel /m);
    }
  });

  it("analyst: a new version written as a delta checks clean, diffs and is picked on its RRD", () => {
    const r = results["analyst.md"];
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("7 files, 7 rulesets: 0 errors");
    expect(r.stdout).toContain("ikb.glo@1.3.0 -> ikb.glo@1.4.0");
    expect(r.stdout).toContain("+ value <= rrd and value > rrd - 120 years");
    expect(r.stdout).toContain(
      "regel validate — ikb.glo@1.4.0 — RRD 2025-03-31",
    );
  });

  it("engineer: import, compile, batch validate, read the JSON report, pipes, CI reports, record", () => {
    const r = results["engineer.md"];
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^REGEL_UNKNOWN_COLUMN: row 1 of NP: unknown column "lastname" \(did you mean "last_name"\?\)/m,
    );
    expect(r.stdout).toMatch(/^require\("regel"\): .*balance/m);
    expect(r.stdout).toContain("SARIF 2.1.0 regel");
    expect(r.stdout).toMatch(
      /^from stdin: bank_account\.csv 3 rows accepted$/m,
    );
    expect(r.stdout).toContain("regel validate exited with 0");
    expect(r.stdout).toMatch(/ikb\.glo@1\.3\.0 accepted [\d.]+ % of 120 IKBs/);
    expect(r.stdout).toContain("dmc0003 NP date_of_birth");
    expect(r.stdout).toContain(
      "  Geboortedatum onwaarschijnlijk; implements bk bijlage 3, bk bijlage 4 control 3.5, bk bijlage 4 control 3.7\n  assumption: dmc0003 = the date of birth is implausible",
    );
    expect(r.stdout).toMatch(/recorded run 1 in .*history\.sqlite/);
    expect(r.stdout).toMatch(
      /^Voorbeeldbank +2024-Q1-2 +2024-03-29 +2024-04-03T08:00:00\+02:00 +accepted/m,
    );
    // the same report again, under another delivery id: one delivery, refused
    expect(r.stdout).toContain("regel record exited with 2");
    expect(r.stdout).not.toMatch(/^Voorbeeldbank +2024-Q1-3/m);
  });

  it("auditor: explain, trace, history and the groeipad assessment", () => {
    const r = results["auditor.md"];
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("ikb_id=IKB001;customer_id=IKB001");
    expect(r.stdout).toContain("regel verify: reproduced");
    expect(r.stdout).toMatch(
      /input file natural_person\.csv: sha256 [0-9a-f]{12}… in the report/,
    );
    expect(r.stdout).toContain("regel verify exited with 1");
    expect(r.stdout).toMatch(
      /✗ valid_bsn\(identification_number\) {2}= {2}false/,
    );
    expect(r.stdout).toContain("dmc0001 in ikb.glo@1.3.0");
    expect(r.stdout).toContain(
      "Groeipad assessment: bank Voorbeeldbank, 2023 (RRD 2023-04-21)",
    );
    expect(r.stdout).toContain("deliveries before acceptance: 1");
    expect(r.stdout).toContain(
      "[MET] audit_reports_delivered_on <= 2023-08-31: 2023-08-29",
    );
    expect(r.stdout).toContain("[NO EVIDENCE] dnb_notified_timely = true");
    expect(r.stdout).toContain("options, not a decision");
  });
});
