/**
 * A light runtime (issue 13 item 2): importing `regel` — ESM or CommonJS — loads none of the
 * compiler's dependencies (ts-morph, TypeScript, prettier, chevrotain) nor SQLite; `regel --help`
 * and `--version` import no command module; `regel validate` loads no compiler dependency — both
 * the bundled command (the bin) and tsc's unbundled one. The positive control: `regel/dsl` does
 * load chevrotain, so the trace sees what it should.
 */
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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

/**
 * The modules a run of the command loaded, with each chunk of the bundled command (dist/bin) read
 * back through its source map as the sources it holds (`cli/commands/validate.ts`,
 * `node_modules/commander/...`), so the same checks hold of both forms of the command.
 */
function sourcesOf(modules: string[]): string[] {
  return modules.flatMap((m) => {
    const file = m.startsWith("file:") ? fileURLToPath(m.split("?")[0]) : m;
    if (
      !file.startsWith(join(ROOT, "dist", "bin")) ||
      !existsSync(`${file}.map`)
    )
      return [m];
    const map = JSON.parse(readFileSync(`${file}.map`, "utf8")) as {
      sources: string[];
    };
    return map.sources.map((s) => resolve(dirname(file), s));
  });
}

describe.each([
  [
    "the bundled command (the bin, dist/bin/regel.js)",
    join("dist", "bin", "regel.js"),
  ],
  [
    "tsc's unbundled command (dist/cli/main.js)",
    join("dist", "cli", "main.js"),
  ],
])("%s loads what the command needs", (_form, cli) => {
  const main = join(ROOT, cli);
  const bundled = cli.includes(join("dist", "bin"));

  it.each(["--help", "--version"])(
    "`regel %s` imports no command module and no heavy dependency",
    (flag) => {
      const run = loadedModules([main, flag]);
      expect(run.status, run.stderr).toBe(0);
      const sources = sourcesOf(run.modules);
      expect(sources.some((m) => m.includes("/cli/main."))).toBe(true);
      expect(sources.filter((m) => m.includes("/cli/commands/"))).toEqual([]);
      // commander and signal-exit are bundled into the bin (scripts/bundle-cli.ts)
      expect(packagesOf(run.modules)).toEqual(
        bundled ? [] : ["commander", "signal-exit"],
      );
      expect(packagesOf(sources)).toEqual(["commander", "signal-exit"]);
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
    const sources = sourcesOf(run.modules);
    expect(sources.some((m) => m.includes("/cli/commands/validate."))).toBe(
      true,
    );
    expect(heavyIn(sources)).toEqual([]);
    // what only some runs need loads when they need it (issue 15: the example within 2 × start-up):
    // a single-byte encoding, a progress bar on a terminal, quarterly figures as CSV, --junit, -
    const packages = packagesOf(sources);
    for (const lazy of ["iconv-lite", "cli-progress", "csv-parse"])
      expect(packages).not.toContain(lazy);
    expect(sources.filter((m) => /report-junit|stdin-input/.test(m))).toEqual(
      [],
    );
  });

  it("`regel check` loads the parser (chevrotain) and `regel history` SQLite, each only there", () => {
    const check = loadedModules([main, "check", "--help"]);
    expect(heavyIn(sourcesOf(check.modules))).toContain("chevrotain");
    const history = loadedModules([
      main,
      "history",
      "--history",
      join(tmpdir(), "regel-no-such-history.sqlite"),
    ]);
    expect(heavyIn(sourcesOf(history.modules))).toEqual(["node-sqlite3-wasm"]);
  });
});
