/**
 * The version of regel itself, read once from its package.json (never a string in code), for
 * reports and `regel --version`.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** The `version` of the regel package.json above this module (dist/runtime or runtime). */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "regel" && typeof pkg.version === "string")
        return (cached = pkg.version);
    }
    dir = dirname(dir);
  }
  throw new Error(
    "cannot find the package.json of regel to read its version (is the installation complete?)",
  );
}
