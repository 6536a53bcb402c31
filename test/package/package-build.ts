/**
 * Build what the exports map points at beyond tsc's output (scripts/build-package.ts) when it is
 * older than its inputs, once per test process: the CommonJS build, the ruleset types and the
 * `.d.cts` declarations. (After `npm ci` / `npm run build` it is current and nothing runs.)
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { ROOT } from "../source-folders.js";

let built: Promise<void> | undefined;

/** Run dist/scripts/build-package.js (after `ensureBuilt()`) when it is not current, once. */
export function buildPackageOnce(): Promise<void> {
  built ??= import(
    pathToFileURL(join(ROOT, "dist", "scripts", "build-package.js")).href
  ).then(
    (m: {
      buildPackage: () => Promise<void>;
      packageBuildIsCurrent: () => boolean;
    }) => (m.packageBuildIsCurrent() ? undefined : m.buildPackage()),
  );
  return built;
}
