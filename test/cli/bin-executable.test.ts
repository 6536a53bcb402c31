/**
 * The package's `bin` is the bundled command (scripts/bundle-cli.ts): what `npx regel` runs in this
 * repository and in a project that installs regel. It must behave as tsc's unbundled
 * `dist/cli/main.js`, which most CLI tests run.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, ROOT } from "../source-folders.js";
import { buildPackageOnce } from "../package/package-build.js";

const BIN = join(ROOT, "dist", "bin", "regel.js");
const MAIN = join(ROOT, "dist", "cli", "main.js");

async function built(): Promise<void> {
  ensureBuilt();
  await buildPackageOnce();
}

/** Every file under `dir` with its content, by path relative to it. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) {
      const path = join(e.parentPath, e.name);
      out.set(path.slice(dir.length + 1), readFileSync(path, "utf8"));
    }
  return out;
}

describe("the regel bin", () => {
  it("is the bundled command, executable after the build, so `npx regel` of the README runs it", async () => {
    await built();
    const pkg = JSON.parse(
      readFileSync(join(ROOT, "package.json"), "utf8"),
    ) as { bin: Record<string, string>; version: string };
    expect(join(ROOT, pkg.bin.regel)).toBe(BIN);
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    const version = execFileSync(BIN, ["--version"], { encoding: "utf8" });
    expect(version.trim()).toBe(pkg.version);
  });

  it("validates the bundled example as the unbundled CLI does: the same report folder, byte for byte, and the same terminal output", async () => {
    await built();
    const work = mkdtempSync(join(tmpdir(), "regel-bin-"));
    try {
      const run = (cli: string, out: string) =>
        spawnSync(
          process.execPath,
          [
            cli,
            "validate",
            join("examples", "ikb-delivery"),
            "--rrd",
            "2024-03-31",
            "--out",
            join(work, out),
            "--no-progress",
          ],
          { cwd: ROOT, encoding: "utf8" },
        );
      const bundled = run(BIN, "bundled");
      const unbundled = run(MAIN, "unbundled");
      expect(bundled.status, bundled.stderr).toBe(unbundled.status);
      expect(bundled.stdout).toBe(
        unbundled.stdout.replaceAll("unbundled", "bundled"),
      );
      const a = tree(join(work, "bundled"));
      expect(a.size).toBeGreaterThan(3);
      expect(a).toEqual(tree(join(work, "unbundled")));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  it("lists every command in its help and loads a command's chunk when it runs (`regel trace`)", async () => {
    await built();
    const help = spawnSync(process.execPath, [BIN, "--help"], {
      encoding: "utf8",
    });
    expect(help.stdout).toBe(
      spawnSync(process.execPath, [MAIN, "--help"], { encoding: "utf8" })
        .stdout,
    );
    const trace = spawnSync(process.execPath, [BIN, "trace", "dmc0003"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(trace.status, trace.stderr).toBe(0);
    expect(trace.stdout).toMatch(/dmc0003/);
  });

  it("names the TypeScript sources in a stack trace (REGEL_DEBUG=1, node --enable-source-maps)", async () => {
    await built();
    const work = mkdtempSync(join(tmpdir(), "regel-bin-"));
    try {
      // the JUnit file cannot be written inside a file: an environment error, with its stack
      // (a report folder there is refused before the run, with no stack to show)
      writeFileSync(join(work, "a-file"), "");
      const run = spawnSync(
        process.execPath,
        [
          "--enable-source-maps",
          BIN,
          "validate",
          join("examples", "ikb-delivery"),
          "--rrd",
          "2024-03-31",
          "--out",
          join(work, "report"),
          "--junit",
          join(work, "a-file", "junit.xml"),
          "--no-progress",
        ],
        {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, REGEL_DEBUG: "1" },
        },
      );
      expect(run.status).toBe(3);
      expect(run.stderr).toMatch(
        /^\s+at .*cli\/commands\/validate\.ts:\d+:\d+/m,
      );
      expect(run.stderr).not.toMatch(/dist\/bin\//);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
