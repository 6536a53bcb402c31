/**
 * Portability (issue 13 item 5): a checkout with `core.autocrlf=true` (as on Windows) keeps
 * `.regel` files, the generated validators and catalogue, and the sources LF — so `regel fmt
 * --check`, `regel compile --check` and `regel catalogue --check` hold there — while CSV fixtures
 * keep their bytes (some are CRLF on purpose); and no source builds a file path by string
 * concatenation (node:path does it).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, SOURCE_FOLDERS } from "./source-folders.js";

function git(args: string[], cwd: string): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

describe("line ends in a checkout with core.autocrlf=true", () => {
  it("keeps .regel, generated and source files LF, and CSV data as committed", () => {
    const dir = mkdtempSync(join(tmpdir(), "regel-autocrlf-"));
    git(["clone", "--quiet", "--no-checkout", ROOT, dir], tmpdir());
    git(["config", "core.autocrlf", "true"], dir);
    git(["checkout", "--quiet", "HEAD", "--", "."], dir);
    const committed = git(["ls-files"], dir).split("\n").filter(Boolean);
    const lf = committed.filter((f) =>
      /\.(regel|ts|js|json|md)$|^rulesets\/compiled\/|^docs\/rulesets\//.test(
        f,
      ),
    );
    expect(lf.length).toBeGreaterThan(100);
    const crlf = lf.filter((f) => readFileSync(join(dir, f)).includes("\r\n"));
    expect(crlf).toEqual([]);
    for (const f of committed.filter((x) => x.endsWith(".csv")))
      expect(
        readFileSync(join(dir, f)).equals(
          Buffer.from(git(["show", `HEAD:${f}`], dir), "utf8"),
        ),
        f,
      ).toBe(true);
  }, 60_000);
});

describe("file paths", () => {
  /** Building a path with "/" by hand breaks on Windows; these lines are URLs or portable ids. */
  const ALLOWED = [
    // a link in the HTML report: a URL, always "/"
    "${samplesDir}/${sampleFileName(r.code)}",
  ];
  const CONCAT = [
    /["'`]\/["'`]\s*\+/, // "/" + x
    /\+\s*["'`]\/["'`]/, // x + "/"
    /\+\s*(path\.)?sep\b/, // x + sep
    /\$\{[^}]*(dir|Dir|folder|Folder|root|Root|out|Out|path|Path)\}\/\$\{/, // `${dir}/${name}`
  ];

  function sources(dir: string): string[] {
    return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? sources(join(dir, e.name))
        : e.name.endsWith(".ts")
          ? [join(dir, e.name)]
          : [],
    );
  }

  it("are joined with node:path, not by string concatenation", () => {
    const found: string[] = [];
    for (const file of SOURCE_FOLDERS.flatMap(sources))
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line)) return;
          if (ALLOWED.some((a) => line.includes(a))) return;
          if (CONCAT.some((re) => re.test(line)))
            found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    expect(found).toEqual([]);
  });
});
