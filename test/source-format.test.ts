/**
 * The project's TypeScript source follows one prettier configuration (`.prettierrc.json`, the
 * defaults): a file that `npx prettier --write` would change fails here, with its path.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { SOURCE_FOLDERS } from "./source-folders.js";
import { describe, expect, it } from "vitest";

const FOLDERS = [...SOURCE_FOLDERS, "test"];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "fixtures" && entry.name !== "node_modules")
        out.push(...tsFiles(path));
    } else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

describe("source format", () => {
  it("every .ts file under the source folders is formatted by prettier", async () => {
    const unformatted: string[] = [];
    for (const file of FOLDERS.flatMap(tsFiles).sort()) {
      const text = readFileSync(file, "utf8");
      const options = (await prettier.resolveConfig(file)) ?? {};
      const ok = await prettier.check(text, { ...options, filepath: file });
      if (!ok) unformatted.push(file);
    }
    expect(
      unformatted,
      "run `npx prettier --write <file>` on these files",
    ).toEqual([]);
    // every source file through prettier: a minute on a 2-core machine under load
  }, 180_000);
});
