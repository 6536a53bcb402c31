/**
 * The bundling of the `regel` command (scripts/bundle-cli.ts): a module started by
 * `new URL("./x.js", import.meta.url)` — a worker — is bundled beside the entry where the URL
 * points; a URL out of the module's folder is refused at build time; the build is deterministic;
 * what `regel validate` loads beyond start-up is two chunks, of which a command that validates
 * nothing loads only the small one, and what only a run with threads, T−1 or quarterly figures
 * uses is in chunks it loads when it uses them; every chunk is ASCII and says what its source says,
 * and a template taken raw beyond ASCII stops the build.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../source-folders.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

interface BundleCli {
  bundleCli: (
    root: string,
    options?: { entry?: string; outDir?: string },
  ) => Promise<void>;
}

let bundler: BundleCli;
let work: string;

beforeAll(async () => {
  ensureBuilt();
  bundler = (await import(
    pathToFileURL(join(ROOT, "dist", "scripts", "bundle-cli.js")).href
  )) as BundleCli;
  work = mkdtempSync(join(tmpdir(), "regel-cli-bundle-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the bundled command", () => {
  it("bundles a worker started by new URL('./x.js', import.meta.url) as x.js beside the entry, and it runs", async () => {
    const out = join(work, "url-entry");
    await bundler.bundleCli(ROOT, {
      entry: join(FIXTURES, "url-entry", "main.js"),
      outDir: out,
    });
    expect(existsSync(join(out, "work.js"))).toBe(true);
    // the worker's module is no longer beside the code that starts it in the fixture's layout
    expect(existsSync(join(out, "runtime"))).toBe(false);
    const run = spawnSync(process.execPath, [join(out, "regel.js")], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("42 1\n");
  });

  it("refuses a module started from outside its importer's folder", async () => {
    await expect(
      bundler.bundleCli(ROOT, {
        entry: join(FIXTURES, "url-entry-outside", "main.js"),
        outDir: join(work, "outside"),
      }),
    ).rejects.toThrow(/only a module "\.\/name\.js" beside its importer/);
  });

  it("writes every chunk in ASCII, and the program says what its source says", async () => {
    const out = join(work, "beyond-ascii");
    await bundler.bundleCli(ROOT, {
      entry: join(FIXTURES, "beyond-ascii", "main.js"),
      outDir: out,
    });
    const code = readFileSync(join(out, "regel.js"), "utf8");
    expect(code).not.toMatch(/[^\0-\x7f]/);
    const run = spawnSync(process.execPath, [join(out, "regel.js")], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual([
      "één · T−1 — 😀 €",
      "≤ 3 ×",
      true,
      2,
    ]);
  });

  it("refuses a template taken raw (css, js) that holds a character beyond ASCII", async () => {
    await expect(
      bundler.bundleCli(ROOT, {
        entry: join(FIXTURES, "raw-beyond-ascii", "main.js"),
        outDir: join(work, "raw-beyond-ascii"),
      }),
    ).rejects.toThrow(/the css template is taken raw: write its text in ASCII/);
  });

  it("writes the chunks of the regel command in ASCII", () => {
    const dir = join(ROOT, "dist", "bin");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".js")))
      expect(
        readFileSync(join(dir, file), "utf8").search(/[^\0-\x7f]/),
        file,
      ).toBe(-1);
  });

  it("is deterministic: two builds of the command write the same files", async () => {
    const js = (dir: string) =>
      readdirSync(dir)
        .filter((f) => f.endsWith(".js"))
        .sort()
        .map((f) => [f, readFileSync(join(dir, f), "utf8")]);
    await bundler.bundleCli(ROOT, { outDir: join(work, "one") });
    await bundler.bundleCli(ROOT, { outDir: join(work, "two") });
    const one = js(join(work, "one"));
    expect(one.length).toBeGreaterThan(10);
    expect(js(join(work, "two"))).toEqual(one);
  }, 60_000);

  it("puts what `regel validate` imports beyond start-up into two chunks: what only commands that validate import, and the rest", async () => {
    const out = join(work, "one");
    if (!existsSync(out)) await bundler.bundleCli(ROOT, { outDir: out });
    /** The chunks a chunk imports statically, transitively, itself included. */
    const graph = (file: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      const text = readFileSync(join(out, file), "utf8");
      for (const m of text.matchAll(
        /^(?:import|export)\b[^;]*?from "\.\/([^"]+)"/gm,
      ))
        graph(m[1], seen);
      return seen;
    };
    const entry = readFileSync(join(out, "regel.js"), "utf8");
    const chunkOf = (command: string) =>
      new RegExp(`name: "${command}",[^]*?import\\("\\.\\/([^"]+)"\\)`).exec(
        entry,
      )![1];
    const startUp = graph("regel.js");
    const validate = [
      ...graph(chunkOf("validate")),
      ...graph(chunkOf("record")),
    ].filter((f) => !startUp.has(f));
    const extra = [...new Set(validate)].filter(
      (f) => f !== chunkOf("validate") && f !== chunkOf("record"),
    );
    expect(extra.map((f) => f.replace(/-[\w-]{8}\.js$/, "")).sort()).toEqual([
      "validate-run",
      "validate-shared",
    ]);
    // a command that validates nothing does not load the large chunk
    for (const command of ["trace", "fmt", "history", "catalogue", "diff"])
      expect(
        [...graph(chunkOf(command))].filter((f) =>
          f.startsWith("validate-run-"),
        ),
        command,
      ).toEqual([]);
    // what only a run with threads, T−1 or quarterly figures uses is in chunks of its own, which
    // `regel validate` imports when it uses them, not at its start
    const modulesOf = (files: Iterable<string>) =>
      [...files].flatMap((f) =>
        [
          ...readFileSync(join(out, f), "utf8").matchAll(
            /^\/\/ dist\/(\S+)\.js$/gm,
          ),
        ].map((m) => m[1]),
      );
    const loadedByValidate = new Set(modulesOf(validate));
    const all = new Set(
      modulesOf(readdirSync(out).filter((f) => f.endsWith(".js"))),
    );
    for (const lazy of [
      "runtime/parallel-scan",
      "runtime/parallel-validate",
      "runtime/validate-worker",
      "runtime/merge-partials",
      "runtime/worker-pool",
      "runtime/worker-run",
      "runtime/previous-delivery",
      "runtime/quarterly",
    ]) {
      expect(all.has(lazy), lazy).toBe(true);
      expect(loadedByValidate.has(lazy), lazy).toBe(false);
    }
  }, 60_000);
});
