/**
 * Which modules a Node process loads: run a script in a child process with a preload that records
 * every ES module the loader loads (a `load` hook) and, at exit, every CommonJS module in
 * `require.cache` — so a package pulled in by `require` inside a CommonJS dependency is seen too.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const PRELOAD = `
import { register, createRequire } from "node:module";
import { appendFileSync } from "node:fs";
const out = process.env.REGEL_TRACE_OUT;
register("data:text/javascript," + encodeURIComponent(\`
import { appendFileSync } from "node:fs";
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) { appendFileSync(out, url + "\\\\n"); return next(url, context); }
\`), { parentURL: import.meta.url, data: { out } });
const require = createRequire(import.meta.url);
process.on("exit", () => {
  const cjs = Object.keys(require.cache).map((f) => f + "\\n").join("");
  appendFileSync(out, cjs);
});
`;

/** The files and URLs a `node` run with `args` loaded (module specifiers as file paths or URLs). */
export function loadedModules(
  args: string[],
  options: { cwd?: string; input?: string } = {},
): {
  modules: string[];
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const dir = mkdtempSync(join(tmpdir(), "regel-trace-"));
  const preload = join(dir, "preload.mjs");
  const out = join(dir, "modules.txt");
  writeFileSync(preload, PRELOAD);
  writeFileSync(out, "");
  const child = spawnSync(
    process.execPath,
    ["--import", pathToFileURL(preload).href, ...args],
    {
      cwd: options.cwd,
      input: options.input,
      encoding: "utf8",
      env: { ...process.env, REGEL_TRACE_OUT: out },
    },
  );
  const modules = [
    ...new Set(readFileSync(out, "utf8").split("\n").filter(Boolean)),
  ];
  return {
    modules,
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
  };
}

/** The packages (`node_modules/<name>` or `node_modules/@scope/name`) among loaded modules, sorted. */
export function packagesOf(modules: readonly string[]): string[] {
  const names = new Set<string>();
  for (const m of modules) {
    const path = decodeURIComponent(m).replace(/\\/g, "/");
    const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    if (match) names.add(match[1]);
  }
  return [...names].sort();
}
