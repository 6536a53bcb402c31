/**
 * An app that bundles regel inside (as esbuild, rollup or webpack do; here rolldown, which builds
 * regel's own bundles): regel's code then runs from the app's bundle, away from the package and
 * its `rulesets/compiled`. Loading a shipped ruleset by name fails with a typed error that says
 * what to pass, and works with the folder named by the `compiledRoot` option or the
 * `REGEL_RULESETS` environment variable.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../source-folders.js";

let work: string;
let app: string;

/** What the bundled app printed: the loaded ruleset's id, or the error it got. */
interface Outcome {
  id?: string;
  name?: string;
  code?: string;
  message?: string;
  isRegelError?: boolean;
}

beforeAll(async () => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "regel-bundled-app-"));
  app = join(work, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  // the app's own manifest: the first package.json above the bundle is not regel's
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "some-app", type: "module", private: true }),
  );
  const entry = join(app, "src", "main.js");
  writeFileSync(
    entry,
    `import { loadRuleset, RegelError } from ${JSON.stringify(join(ROOT, "dist", "runtime", "index.js"))};
const compiledRoot = process.argv[2];
try {
  const loaded = await loadRuleset("ikb.glo@1.3.0", compiledRoot === undefined ? {} : { compiledRoot });
  console.log(JSON.stringify({ id: loaded.module.metadata.id }));
} catch (e) {
  console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, isRegelError: e instanceof RegelError }));
}
`,
  );
  const { build } = await import("rolldown");
  await build({
    input: entry,
    platform: "node",
    logLevel: "silent",
    external: (id) => id.startsWith("node:"),
    output: { dir: join(app, "dist"), format: "esm", entryFileNames: "app.js" },
  });
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function runApp(
  env: Record<string, string> = {},
  compiledRoot?: string,
  cwd = app,
): Outcome {
  const environment = { ...process.env, ...env };
  if (env.REGEL_RULESETS === undefined) delete environment.REGEL_RULESETS;
  const result = spawnSync(
    process.execPath,
    [
      join(app, "dist", "app.js"),
      ...(compiledRoot === undefined ? [] : [compiledRoot]),
    ],
    { cwd, env: environment, encoding: "utf8" },
  );
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as Outcome;
}

describe("an app that bundles regel inside", () => {
  it("gets RulesetsNotFoundError, saying which option and variable to set, when it names no folder", () => {
    const outcome = runApp();
    expect(outcome).toMatchObject({
      name: "RulesetsNotFoundError",
      code: "REGEL_RULESETS_NOT_FOUND",
      isRegelError: true,
    });
    expect(outcome.message).toContain('compiledRoot: "<folder>/compiled"');
    expect(outcome.message).toContain("REGEL_RULESETS=<folder>");
    expect(outcome.message).toContain("node_modules/regel/rulesets");
  });

  it("loads the shipped ruleset from the folder REGEL_RULESETS names", () => {
    expect(runApp({ REGEL_RULESETS: join(ROOT, "rulesets") })).toEqual({
      id: "ikb.glo@1.3.0",
    });
  });

  it("and from the folder the compiledRoot option names", () => {
    expect(runApp({}, join(ROOT, "rulesets", "compiled"))).toEqual({
      id: "ikb.glo@1.3.0",
    });
  });

  it("does not take the app's own rulesets/compiled beside its package.json for regel's", () => {
    const own = join(app, "rulesets", "compiled");
    mkdirSync(own, { recursive: true });
    try {
      expect(runApp({}, undefined, work)).toMatchObject({
        code: "REGEL_RULESETS_NOT_FOUND",
      });
    } finally {
      rmSync(join(app, "rulesets"), { recursive: true, force: true });
    }
  });

  it("gets RulesetsNotFoundError naming REGEL_RULESETS when it names a folder without compiled rulesets", () => {
    const empty = join(work, "no-rulesets");
    mkdirSync(empty, { recursive: true });
    const outcome = runApp({ REGEL_RULESETS: empty });
    expect(outcome).toMatchObject({ code: "REGEL_RULESETS_NOT_FOUND" });
    expect(outcome.message).toContain(`REGEL_RULESETS is ${empty}`);
  });
});
