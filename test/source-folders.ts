/**
 * The folders of the project's TypeScript source (the pipeline: dsl → compiler → interpreter →
 * runtime → audit, with cli and bench), and the one `ensureBuilt()` that tests running the built
 * `regel` command call first.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");

/** Source folders compiled into dist/ (tsconfig.build.json). */
export const SOURCE_FOLDERS = [
  "dsl",
  "compiler",
  "interpreter",
  "runtime",
  "audit",
  "lsp",
  "cli",
  "bench",
  "scripts",
] as const;

function mtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/** Is any `.ts` source under `dir` newer than its `.js` in dist/ (or without one)? */
function stale(dir: string): boolean {
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) {
      if (stale(rel)) return true;
    } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
      const built = join(ROOT, "dist", rel.replace(/\.ts$/, ".js"));
      if (mtime(join(ROOT, rel)) > mtime(built)) return true;
    }
  }
  return false;
}

/**
 * Build dist/ when a source file is newer than its compiled form: tsc, then what the exports map
 * needs beyond it (the CommonJS build, ruleset types: scripts/build-package.ts), as `npm run build`.
 */
export function ensureBuilt(): void {
  if (!SOURCE_FOLDERS.some(stale)) return;
  // tsc exits non-zero while a file has type errors; it still emits.
  spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "ignore",
  });
  spawnSync(process.execPath, [join("dist", "scripts", "build-package.js")], {
    cwd: ROOT,
    stdio: "ignore",
  });
}
