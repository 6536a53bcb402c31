/**
 * The second half of `npm run build` (after `tsc`): what the `exports` map of package.json points
 * at besides tsc's ESM output.
 *
 * - `dist/rulesets/<id>/validators.d.ts` (+ `.d.cts`): the types of each compiled ruleset for
 *   `regel/rulesets/<id>`. Taken from `rulesets/compiled/<id>/validators.d.ts` when the compiler
 *   emitted one; otherwise declarations are generated from its `validators.ts`.
 * - `dist/cjs/`: the CommonJS build (`require("regel")`, `regel/compiler`, `regel/dsl` and each
 *   ruleset), bundled by rolldown from tsc's ESM output, with the dependencies left as `require`s —
 *   except chevrotain, which is ESM-only and so is bundled in (Node 20 before 20.19 cannot
 *   `require` an ES module). Compiled rulesets are still loaded with `import()`, which CommonJS has.
 * - `.d.cts` beside every `.d.ts` of the public entry points' folders: the same declarations for
 *   a CommonJS consumer (under `moduleResolution: nodenext` a `.d.ts` in this `type: module`
 *   package describes an ES module).
 * - `dist/bin/`: the `regel` command bundled (the package's `bin`; scripts/bundle-cli.ts).
 *
 * Run by `npm run build`; the tarball test (test/package/consumer.test.ts) runs it too.
 *
 * @module
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCli, CLI_BUNDLE_ENTRY } from "./bundle-cli.js";

/** The package root: dist/scripts/build-package.js → two folders up. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DIST = join(ROOT, "dist");
const COMPILED = join(ROOT, "rulesets", "compiled");

/** Folders of dist/ whose declarations the public entry points reach. */
const TYPED_FOLDERS = ["runtime", "compiler", "dsl", "interpreter", "audit"];

/** The CommonJS entry points: name in dist/cjs → tsc's ESM module. */
const CJS_ENTRIES: Record<string, string> = {
  index: join(DIST, "runtime", "index.js"),
  compiler: join(DIST, "compiler", "index.js"),
  dsl: join(DIST, "dsl", "index.js"),
};

/** Dependencies bundled into the CommonJS build (ES-module-only packages and their own dependencies). */
const BUNDLED = ["chevrotain", "@chevrotain/", "lodash-es"];

function files(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The compiled ruleset folders (`name@version`) that hold a `validators.js`. */
export function compiledIds(): string[] {
  if (!existsSync(COMPILED)) return [];
  return readdirSync(COMPILED)
    .filter((d) => existsSync(join(COMPILED, d, "validators.js")))
    .sort();
}

/** Relative `./x.js` specifiers of a declaration file as `./x.cjs` (so they resolve to `.d.cts`). */
export function toCtsSpecifiers(text: string): string {
  return text.replace(
    /(from\s+|import\(\s*)(["'])(\.{1,2}\/[^"']*?)\.js\2/g,
    "$1$2$3.cjs$2",
  );
}

async function rulesetDeclarations(ids: string[]): Promise<void> {
  const generate: { id: string; source: string }[] = [];
  for (const id of ids) {
    const out = join(DIST, "rulesets", id);
    mkdirSync(out, { recursive: true });
    const emitted = join(COMPILED, id, "validators.d.ts");
    if (existsSync(emitted))
      copyFileSync(emitted, join(out, "validators.d.ts"));
    else if (existsSync(join(COMPILED, id, "validators.ts")))
      generate.push({ id, source: join(COMPILED, id, "validators.ts") });
    else
      throw new Error(
        `${join(COMPILED, id)} has neither validators.d.ts nor validators.ts: run \`regel compile\``,
      );
  }
  if (generate.length > 0) {
    // Only here, at build time: TypeScript is a devDependency.
    const ts = (await import("typescript")).default;
    const program = ts.createProgram(
      generate.map((g) => g.source),
      {
        declaration: true,
        emitDeclarationOnly: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        rootDir: COMPILED,
        outDir: join(DIST, "rulesets"),
        types: [],
        noEmitOnError: false,
      },
    );
    const result = program.emit();
    const errors = result.diagnostics.filter(
      (d) => d.category === ts.DiagnosticCategory.Error,
    );
    if (errors.length > 0)
      throw new Error(
        ts.formatDiagnostics(errors, {
          getCanonicalFileName: (f) => f,
          getCurrentDirectory: () => ROOT,
          getNewLine: () => "\n",
        }),
      );
  }
  for (const id of ids) {
    const dts = join(DIST, "rulesets", id, "validators.d.ts");
    copyFileSync(dts, join(DIST, "rulesets", id, "validators.d.cts"));
  }
}

function ctsDeclarations(): void {
  for (const folder of TYPED_FOLDERS)
    for (const dts of files(join(DIST, folder), ".d.ts"))
      writeFileSync(
        dts.replace(/\.d\.ts$/, ".d.cts"),
        toCtsSpecifiers(readFileSync(dts, "utf8")),
      );
}

async function commonJs(ids: string[]): Promise<void> {
  const { build } = await import("rolldown");
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const deps = Object.keys(pkg.dependencies ?? {});
  const bundled = (id: string) =>
    BUNDLED.some((b) => id === b || id.startsWith(b));
  const input: Record<string, string> = { ...CJS_ENTRIES };
  for (const id of ids)
    input[`rulesets/${id}/validators`] = join(COMPILED, id, "validators.js");
  // Built aside and moved in place, so a reader never sees half a build.
  const aside = join(DIST, `cjs.build-${process.pid}`);
  rmSync(aside, { recursive: true, force: true });
  await build({
    input,
    platform: "node",
    logLevel: "warn",
    // The runtime imports some modules lazily so that the CLI's chunks leave them out
    // (scripts/bundle-cli.ts); runtime/index.ts exports them, so here they cannot be split off,
    // which is expected and not worth a warning on every build (`npm ci` included).
    checks: { ineffectiveDynamicImport: false },
    external: (id) =>
      id.startsWith("node:") ||
      (!bundled(id) && deps.some((d) => id === d || id.startsWith(`${d}/`))),
    output: {
      dir: aside,
      format: "cjs",
      entryFileNames: "[name].cjs",
      chunkFileNames: "[name].cjs",
      // A module path in an error's stack is the installed file; no source maps are shipped.
      sourcemap: false,
    },
  });
  // Two builds at once (test workers) may swap in turn: the last one wins, both are the same.
  for (let attempt = 0; ; attempt++) {
    rmSync(join(DIST, "cjs"), { recursive: true, force: true });
    try {
      renameSync(aside, join(DIST, "cjs"));
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Is the package build newer than everything it is made from (tsc's output of the typed folders
 * and the compiled rulesets)? Tests build it only when not.
 */
export function packageBuildIsCurrent(): boolean {
  const ids = compiledIds();
  const outputs = [
    join(ROOT, CLI_BUNDLE_ENTRY),
    ...Object.keys(CJS_ENTRIES).map((n) => join(DIST, "cjs", `${n}.cjs`)),
    ...ids.flatMap((id) => [
      join(DIST, "rulesets", id, "validators.d.cts"),
      join(DIST, "cjs", "rulesets", id, "validators.cjs"),
    ]),
  ];
  const oldestOutput = Math.min(...outputs.map(mtime));
  if (oldestOutput === 0) return false;
  const inputs = [
    ...[...TYPED_FOLDERS, "cli", "lsp"].flatMap((f) =>
      files(join(DIST, f), ".js"),
    ),
    ...ids.flatMap((id) =>
      ["validators.js", "validators.ts", "validators.d.ts"].map((f) =>
        join(COMPILED, id, f),
      ),
    ),
    join(ROOT, "package.json"),
  ];
  return inputs.every((f) => mtime(f) <= oldestOutput);
}

/** Build everything the exports map needs beyond tsc's output. */
export async function buildPackage(): Promise<void> {
  const ids = compiledIds();
  await rulesetDeclarations(ids);
  ctsDeclarations();
  await commonJs(ids);
  await bundleCli(ROOT);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildPackage();
  const dist = relative(process.cwd(), DIST) || ".";
  process.stdout.write(
    `package build: ${dist}/bin (the regel command), ${dist}/cjs, ruleset types, .d.cts (${Date.now() - started} ms)\n`,
  );
}
