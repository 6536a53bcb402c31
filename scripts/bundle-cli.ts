/**
 * The `regel` command as users run it (the package's `bin`, `dist/bin/regel.js`): tsc's ES modules
 * of the CLI bundled by rolldown into `dist/bin/` — the entry and, beside it, a chunk per lazily
 * imported command (cli/command-table.ts), per group of modules that commands share, and two
 * chunks for what `regel validate` loads beyond start-up ({@link validateRunChunks}). For
 * `regel validate` of the bundled example that is 12 modules to load (and the compiled ruleset)
 * instead of the ~60 of `dist/cli/main.js` and its dependencies, each of which costs the module
 * loader a resolution, a read and a compile (bench/results.md, "`regel validate` of the bundled
 * example").
 *
 * - Dependencies stay imports of `node_modules`, except the few that every command loads at
 *   start-up ({@link INLINED}), which are bundled in.
 * - `dist/bin/` is one folder below the package root, like `dist/cli/`, so the modules that find
 *   the package from `import.meta.url` (its package.json, `rulesets/compiled`, the compiler's
 *   helper sources, docs/report-schema.json) find it from a chunk too.
 * - A module started by URL, `new URL("./x.js", import.meta.url)` (how `new Worker` is given its
 *   entry), becomes a chunk of its own, `dist/bin/x.js`: where that URL points from every chunk.
 * - The source maps go through tsc's maps to the TypeScript sources: with
 *   `node --enable-source-maps`, a stack trace (`REGEL_DEBUG=1`, cli/failure.ts) names
 *   `runtime/….ts`. The package ships no maps (package.json `files`).
 *
 * The library (`import "regel"`, the exports map) stays tsc's unbundled output in dist/.
 *
 * @module
 */
import {
  chmodSync,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import MagicString from "magic-string";
import type { Plugin } from "rolldown";
import { parseAst } from "rolldown/parseAst";

/** The folder of the bundled command, relative to the package root. */
export const CLI_BUNDLE_DIR = join("dist", "bin");
/** Its entry, the package's `bin` (package.json). */
export const CLI_BUNDLE_ENTRY = join(CLI_BUNDLE_DIR, "regel.js");

/**
 * Dependencies bundled into the command: commander, which every command loads (8 CommonJS
 * modules), and the two small ones `regel validate` loads besides it. Bundled, they cost no
 * package resolution and no loader round trip per module; measured in bench/results.md.
 */
export const INLINED: readonly string[] = [
  "commander",
  "signal-exit",
  "fastest-levenshtein",
];

/** tsc's `.js.map` of a module it emitted, handed to rolldown, which chains it into the bundle's. */
function tscSourceMaps(): Plugin {
  return {
    name: "regel:tsc-source-maps",
    load(id) {
      if (!id.endsWith(".js") || id.includes(`${sep}node_modules${sep}`))
        return null;
      const mapFile = `${id}.map`;
      if (!existsSync(mapFile)) return null;
      const code = readFileSync(id, "utf8").replace(
        /\n\/\/# sourceMappingURL=\S+\s*$/,
        "\n",
      );
      const map = JSON.parse(readFileSync(mapFile, "utf8")) as {
        sources: string[];
        sourceRoot?: string;
      };
      // tsc's sources are relative to its map's folder; rolldown relates them to the bundle's
      map.sources = map.sources.map((s) =>
        resolve(dirname(id), map.sourceRoot ?? "", s),
      );
      delete map.sourceRoot;
      return { code, map: JSON.stringify(map) };
    },
  };
}

/** Tags whose templates are taken raw (runtime/html.ts `css`, `js`, with rolldown's renamings; `String.raw`). */
const RAW_TAG = /^(?:(?:css|js)(?:\$\d+)?|String\.raw)$/;

/**
 * Every chunk in ASCII. Node decodes a module's source into a string of two bytes per character
 * when it holds one character beyond ASCII, and a comment's dash is enough: the validate chunks
 * then take twice the memory and a slower scan to compile (measured in bench/results.md, "The
 * command's chunks in ASCII"). rolldown's `charset: "ascii"` escapes strings, regular expressions
 * and names; this escapes what it leaves, comments and the text of templates, as `\uXXXX` (the
 * same characters once a template is read). A template taken raw (`css`, `js`, `String.raw`)
 * would change, so one beyond ASCII stops the build, as does a line separator (U+2028, U+2029),
 * which ends a line comment where its escape would not.
 */
function asciiOutput(): Plugin {
  return {
    name: "regel:ascii-output",
    renderChunk(code, chunk) {
      if (!/[^\0-\x7f]/.test(code)) return null;
      const fail = (at: number, why: string): never => {
        const line = code.slice(0, at).split("\n").length;
        throw new Error(`${chunk.fileName}:${line}: ${why}`);
      };
      const separator = code.search(/[\u2028\u2029]/);
      if (separator >= 0)
        fail(separator, "a line separator (U+2028, U+2029) outside a string");
      const visit = (node: unknown): void => {
        if (typeof node !== "object" || node === null) return;
        if (Array.isArray(node)) {
          for (const child of node) visit(child);
          return;
        }
        const n = node as {
          type?: string;
          tag?: { start: number; end: number };
          start?: number;
          end?: number;
        };
        if (n.type === "TaggedTemplateExpression" && n.tag !== undefined) {
          const tag = code.slice(n.tag.start, n.tag.end);
          const at = RAW_TAG.test(tag)
            ? code.slice(n.start, n.end).search(/[^\0-\x7f]/)
            : -1;
          if (at >= 0)
            fail(
              (n.start ?? 0) + at,
              `the ${tag} template is taken raw: write its text in ASCII`,
            );
        }
        for (const [key, value] of Object.entries(node))
          if (key !== "parent") visit(value);
      };
      visit(parseAst(code));
      const out = new MagicString(code);
      for (let i = 0; i < code.length; i++) {
        const unit = code.charCodeAt(i);
        if (unit > 0x7f)
          out.overwrite(i, i + 1, `\\u${unit.toString(16).padStart(4, "0")}`);
      }
      return { code: out.toString(), map: out.generateMap({ hires: true }) };
    },
  };
}

/** The name of the chunk that holds what `regel validate` loads beyond start-up (see {@link validateRunChunks}). */
export const VALIDATE_RUN_CHUNK = "validate-run";
/** The chunk of what `regel validate` shares with commands that validate nothing (see {@link validateRunChunks}). */
export const VALIDATE_SHARED_CHUNK = "validate-shared";

/**
 * The modules `regel validate` imports statically beyond those every command loads at start-up,
 * in two chunks instead of the dozen rolldown makes of them by which commands share them (each
 * chunk a resolution, a read and a compile for the module loader):
 * - {@link VALIDATE_RUN_CHUNK}: those that only commands which validate import (their modules
 *   import `runtime/delivery` too: check, compile, verify, generate), which need most of it;
 * - {@link VALIDATE_SHARED_CHUNK}: those that a command which validates nothing imports as well
 *   (the history for `history` and `assess`, the report's HTML for `assess`, small helpers for
 *   `fmt`, `trace`, `diff`, `catalogue`): such a command loads this chunk, not the large one.
 *
 * The plugin finds the modules once the module graph is built (the commands are the modules the
 * command table imports); the groups' `test`s ask it. It follows static imports only: a module
 * that a run imports when it uses it (the threads' modules, T−1, the quarterly figures: each at
 * the one place that decides to use it) gets a chunk of its own, which a short run never loads.
 */
function validateRunChunks(files: {
  main: string;
  commandTable: string;
  validate: string;
  delivery: string;
}): { plugin: Plugin; run: Set<string>; shared: Set<string> } {
  const run = new Set<string>();
  const shared = new Set<string>();
  const plugin: Plugin = {
    name: "regel:validate-run-chunks",
    buildEnd() {
      const reach = (from: string): Set<string> => {
        const seen = new Set<string>();
        const todo = [from];
        for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
          if (seen.has(id)) continue;
          const info = this.getModuleInfo(id);
          if (info === null) continue;
          seen.add(id);
          todo.push(...info.importedIds);
        }
        return seen;
      };
      if (this.getModuleInfo(files.validate) === null) return;
      const startUp = reach(files.main);
      const others = (
        this.getModuleInfo(files.commandTable)?.dynamicallyImportedIds ?? []
      )
        .filter((id) => id !== files.validate)
        .map(reach)
        .filter((graph) => !graph.has(files.delivery));
      for (const id of reach(files.validate)) {
        if (startUp.has(id)) continue;
        if (others.some((graph) => graph.has(id))) shared.add(id);
        else run.add(id);
      }
    },
  };
  return { plugin, run, shared };
}

/** `new URL("<specifier>", import.meta.url)`. */
const URL_OF_MODULE =
  /new\s+URL\(\s*(["'])([^"']+)\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * Each module named by `new URL("./x.js", import.meta.url)` becomes the chunk `x.js` of the
 * bundle's one folder, where the URL points from whichever chunk holds the code.
 */
function urlEntries(): Plugin {
  const emitted = new Map<string, string>();
  return {
    name: "regel:url-entries",
    transform(code, id) {
      for (const m of code.matchAll(URL_OF_MODULE)) {
        const specifier = m[2];
        if (!/\.[cm]?js$/.test(specifier)) continue;
        if (!/^\.\/[^/]+\.js$/.test(specifier))
          throw new Error(
            `${id}: new URL(${JSON.stringify(specifier)}, import.meta.url): the bundled command (scripts/bundle-cli.ts) starts only a module "./name.js" beside its importer`,
          );
        const target = resolve(dirname(id), specifier);
        const fileName = basename(specifier);
        const earlier = emitted.get(fileName);
        if (earlier === target) continue;
        if (earlier !== undefined || fileName === basename(CLI_BUNDLE_ENTRY))
          throw new Error(
            `${target} cannot be the bundle's ${fileName}: ${earlier ?? "the entry"} is`,
          );
        emitted.set(fileName, target);
        this.emitFile({ type: "chunk", id: target, fileName });
      }
      return null;
    },
  };
}

/**
 * Bundle `dist/cli/main.js` (tsc's output, which must be current) into `dist/bin/` under `root`.
 * Built aside and moved in place, so a reader never sees half a bundle. `entry` and `outDir`
 * (tests) bundle another program.
 */
export async function bundleCli(
  root: string,
  options: { entry?: string; outDir?: string } = {},
): Promise<void> {
  const { build } = await import("rolldown");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const external = Object.keys(pkg.dependencies ?? {}).filter(
    (d) => !INLINED.includes(d),
  );
  const entry = resolve(options.entry ?? join(root, "dist", "cli", "main.js"));
  const validateRun = validateRunChunks({
    main: entry,
    commandTable: join(dirname(entry), "command-table.js"),
    validate: join(dirname(entry), "commands", "validate.js"),
    delivery: join(dirname(entry), "..", "runtime", "delivery.js"),
  });
  const target = options.outDir ?? join(root, CLI_BUNDLE_DIR);
  const aside = `${target}.build-${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  await build({
    input: { [basename(CLI_BUNDLE_ENTRY, ".js")]: entry },
    // the validate chunks hold command modules: those commands' entries import from them
    preserveEntrySignatures: "allow-extension",
    // the module comments in the bundle name paths relative to it: the same from any folder
    cwd: root,
    platform: "node",
    logLevel: "warn",
    external: (id) =>
      id.startsWith("node:") ||
      external.some((d) => id === d || id.startsWith(`${d}/`)),
    plugins: [tscSourceMaps(), urlEntries(), validateRun.plugin, asciiOutput()],
    output: {
      dir: aside,
      format: "esm",
      charset: "ascii",
      entryFileNames: "[name].js",
      chunkFileNames: "[name]-[hash].js",
      sourcemap: true,
      codeSplitting: {
        // only the modules found: their imports that start-up loads stay where they are
        includeDependenciesRecursively: false,
        groups: [
          {
            name: VALIDATE_RUN_CHUNK,
            test: (id) => validateRun.run.has(id),
          },
          {
            name: VALIDATE_SHARED_CHUNK,
            test: (id) => validateRun.shared.has(id),
          },
        ],
      },
      // the same map on every system
      sourcemapPathTransform: (source) => source.split(sep).join("/"),
    },
  });
  // `npx regel` in this repository runs the file as it is (npm makes an installed bin executable)
  chmodSync(join(aside, basename(CLI_BUNDLE_ENTRY)), 0o755);
  // Two builds at once (test workers) may swap in turn: the last one wins, both are the same.
  for (let attempt = 0; ; attempt++) {
    rmSync(target, { recursive: true, force: true });
    try {
      renameSync(aside, target);
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}
