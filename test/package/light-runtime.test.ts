/**
 * A light runtime (issue 13 item 2): importing `regel` — ESM or CommonJS — loads none of the
 * compiler's dependencies (ts-morph, TypeScript, prettier, chevrotain) nor SQLite; `regel --help`
 * and `--version` import no command module; `regel validate` loads no compiler dependency. The
 * positive control: `regel/dsl` does load chevrotain, so the trace sees what it should.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../source-folders.js";
import { buildPackageOnce } from "./package-build.js";
import { loadedModules, packagesOf } from "./module-trace.js";

const HEAVY = [
  "ts-morph",
  "@ts-morph/common",
  "typescript",
  "prettier",
  "chevrotain",
  "@chevrotain/types",
  "lodash-es",
  "node-sqlite3-wasm",
];

const heavyIn = (modules: string[]) =>
  packagesOf(modules).filter((p) => HEAVY.includes(p));

beforeAll(async () => {
  ensureBuilt();
  await buildPackageOnce();
}, 240_000);

describe("importing regel", () => {
  it('ESM: `import "regel"` loads no compiler dependency and no SQLite', () => {
    const url = pathToFileURL(join(ROOT, "dist", "runtime", "index.js")).href;
    const run = loadedModules([
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(url)}); if (typeof m.validateRecords !== "function") process.exit(9);`,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.modules.some((m) => m.includes("runtime/validate.js"))).toBe(
      true,
    );
    expect(heavyIn(run.modules)).toEqual([]);
  });

  it('CommonJS: `require("regel")` loads no compiler dependency and no SQLite', () => {
    const file = join(ROOT, "dist", "cjs", "index.cjs");
    const run = loadedModules([
      "-e",
      `const m = require(${JSON.stringify(file)}); if (typeof m.validateRecords !== "function") process.exit(9);`,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.modules.some((m) => m.endsWith("index.cjs"))).toBe(true);
    expect(heavyIn(run.modules)).toEqual([]);
  });

  it("the trace sees a heavy dependency when one is loaded: `regel/dsl` loads chevrotain", () => {
    const url = pathToFileURL(join(ROOT, "dist", "dsl", "index.js")).href;
    const run = loadedModules([
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(url)});`,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(heavyIn(run.modules)).toContain("chevrotain");
  });
});

describe("the regel command loads what the command needs", () => {
  const main = join(ROOT, "dist", "cli", "main.js");

  it.each(["--help", "--version"])(
    "`regel %s` imports no command module and no heavy dependency",
    (flag) => {
      const run = loadedModules([main, flag]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.modules.filter((m) => m.includes("/cli/commands/"))).toEqual(
        [],
      );
      expect(packagesOf(run.modules)).toEqual(["commander", "signal-exit"]);
    },
  );

  it("`regel validate` loads no compiler dependency", () => {
    const run = loadedModules(
      [
        main,
        "validate",
        join("examples", "ikb-delivery"),
        "--rrd",
        "2024-03-31",
        "--no-progress",
      ],
      { cwd: ROOT },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(heavyIn(run.modules)).toEqual([]);
    // what only some runs need loads when they need it (issue 15: the example within 2 × start-up):
    // a single-byte encoding, a progress bar on a terminal, quarterly figures as CSV, --junit, -
    const packages = packagesOf(run.modules);
    for (const lazy of ["iconv-lite", "cli-progress", "csv-parse"])
      expect(packages).not.toContain(lazy);
    expect(
      run.modules.filter((m) => /report-junit|stdin-input/.test(m)),
    ).toEqual([]);
  });

  it("`regel check` loads the parser (chevrotain) and `regel history` SQLite, each only there", () => {
    const check = loadedModules([main, "check", "--help"]);
    expect(heavyIn(check.modules)).toContain("chevrotain");
    const history = loadedModules([
      main,
      "history",
      "--history",
      join(tmpdir(), "regel-no-such-history.sqlite"),
    ]);
    expect(heavyIn(history.modules)).toEqual(["node-sqlite3-wasm"]);
  });
});
