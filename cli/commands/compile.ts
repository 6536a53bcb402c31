/**
 * `regel compile <files or folders...> [--out <dir>] [--check]`: compile every ruleset version to
 * `<out>/<name>@<version>/validators.ts`, `validators.js` and `trace.json`.
 *
 * Output names source files relative to the rulesets root, so it is the same from any working
 * directory, and records the sha256 of every `.regel` file of each module's `extends` / `uses`
 * chain (see compiler/source-files.ts).
 * Before anything is written, every rule's examples run through the modules just compiled
 * (cli/example-check.ts); an example whose verdict differs (REG408) is an error like any other.
 * Writes only files whose contents changed. With `--check` nothing is written: the command lists
 * the files that are missing or stale (and version folders no ruleset produces) and exits 1 when
 * there are any (for CI: "is the committed output current?"). `--json` prints the same as JSON
 * (diagnostics, files written / out of date). Exit codes: 0 ok, 1 diagnostics with
 * errors or stale output, 2 bad paths, 3 the output cannot be written (a file where a folder
 * belongs, a read-only folder, a full disk; each file is replaced atomically).
 *
 * @module
 */
import { mkdir, readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import {
  compile,
  DEFAULT_OUT_DIR,
  type CompiledFile,
} from "../../compiler/compile.js";
import {
  formatDiagnostic,
  sortDiagnostics,
  type Diagnostic,
} from "../../dsl/diagnostics.js";
import { loadProject, ProjectError } from "../../dsl/project.js";
import { checkExamplesCompiled } from "../example-check.js";
import { EXIT } from "../exit-codes.js";
import { printErr, printOut } from "../terminal-text.js";
import { writeFileAtomic } from "../../runtime/atomic-file.js";
import { isSystemError, reportFailure } from "../failure.js";
import { toJson, type JsonDiagnostic } from "../json-diagnostic.js";

/** What differs between the compiled output and the files on disk. */
export interface OutputStatus {
  missing: string[];
  stale: string[];
  current: string[];
  /** Version folders (`name@version`) in the output folder that no ruleset produces any more. */
  obsolete: string[];
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Compare compiled files with what is on disk. */
export async function outputStatus(
  files: readonly CompiledFile[],
  outDir: string,
): Promise<OutputStatus> {
  const status: OutputStatus = {
    missing: [],
    stale: [],
    current: [],
    obsolete: [],
  };
  for (const f of files) {
    const existing = await readOrUndefined(f.path);
    if (existing === undefined) status.missing.push(f.path);
    else if (existing !== f.contents) status.stale.push(f.path);
    else status.current.push(f.path);
  }
  const produced = new Set(files.map((f) => dirname(f.path)));
  let entries: string[] = [];
  try {
    entries = (await readdir(outDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    // no output folder yet
  }
  for (const name of entries.sort()) {
    const dir = join(outDir, name).replace(/\\/g, "/");
    if (name.includes("@") && !produced.has(dir)) status.obsolete.push(dir);
  }
  return status;
}

async function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
): Promise<string> {
  const texts = new Map<string, string | undefined>();
  const parts: string[] = [];
  for (const d of diagnostics) {
    if (!texts.has(d.span.file))
      texts.set(d.span.file, await readOrUndefined(d.span.file));
    parts.push(`${formatDiagnostic(d, texts.get(d.span.file))}\n`);
  }
  return parts.join("\n");
}

/** Run the examples through the modules just compiled (`validators.js` of each version folder). */
async function compiledExamples(
  paths: string[],
  files: readonly CompiledFile[],
): Promise<Diagnostic[]> {
  const compiled = new Map(
    files
      .filter((f) => basename(f.path) === "validators.js")
      .map((f) => [basename(dirname(f.path)), f.contents]),
  );
  return (await checkExamplesCompiled(await loadProject(paths), { compiled }))
    .diagnostics;
}

/** What `regel compile --json` prints. */
export interface CompileJson {
  diagnostics: JsonDiagnostic[];
  /** Files written (or, with `--check`, missing or stale), relative to the working folder. */
  written: string[];
  missing: string[];
  stale: string[];
  unchanged: number;
  /** Version folders no ruleset produces any more. */
  obsolete: string[];
}

/** Run the command; returns the exit code. */
export async function runCompile(
  paths: string[],
  options: { out?: string; check?: boolean; json?: boolean },
): Promise<number> {
  const json = options.json === true;
  const print = (body: Partial<CompileJson>) =>
    printOut(
      `${JSON.stringify(
        {
          diagnostics: [],
          written: [],
          missing: [],
          stale: [],
          unchanged: 0,
          obsolete: [],
          ...body,
        },
        null,
        2,
      )}\n`,
    );
  let result;
  try {
    result = await compile(paths, { outDir: options.out ?? DEFAULT_OUT_DIR });
    if (!result.diagnostics.some((d) => d.severity === "error"))
      result = {
        ...result,
        diagnostics: sortDiagnostics([
          ...result.diagnostics,
          ...(await compiledExamples(paths, result.files)),
        ]),
      };
  } catch (e) {
    const message =
      e instanceof ProjectError
        ? e.message
        : `internal error: ${(e as Error).message}`;
    printErr(`regel compile: ${message}\n`);
    return e instanceof ProjectError ? EXIT.usage : EXIT.environment;
  }
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const diagnostics = result.diagnostics.map(toJson);
  if (result.diagnostics.length > 0 && !json)
    printErr(await renderDiagnostics(result.diagnostics));
  if (errors.length > 0) {
    if (json) print({ diagnostics });
    printErr(`regel compile: ${errors.length} error(s); nothing written\n`);
    return EXIT.failed;
  }
  const outDir = (options.out ?? DEFAULT_OUT_DIR)
    .replace(/\\/g, "/")
    .replace(/\/+$/, "");
  const status = await outputStatus(result.files, outDir);
  if (options.check === true) {
    if (json) {
      print({
        diagnostics,
        missing: status.missing,
        stale: status.stale,
        obsolete: status.obsolete,
        unchanged: status.current.length,
      });
      return status.missing.length +
        status.stale.length +
        status.obsolete.length >
        0
        ? EXIT.failed
        : EXIT.ok;
    }
    const lines = [
      ...status.missing.map((p) => `missing:  ${p}`),
      ...status.stale.map((p) => `stale:    ${p}`),
      ...status.obsolete.map(
        (p) => `obsolete: ${p}/ (no ruleset version produces it; delete it)`,
      ),
    ];
    if (lines.length > 0) {
      printOut(
        `${lines.join("\n")}\nregel compile --check: ${lines.length} file(s) out of date; run \`regel compile\`\n`,
      );
      return EXIT.failed;
    }
    printOut(
      `regel compile --check: ${status.current.length} file(s) up to date\n`,
    );
    return EXIT.ok;
  }
  const changed = new Set([...status.missing, ...status.stale]);
  try {
    for (const f of result.files) {
      if (!changed.has(f.path)) continue;
      await mkdir(dirname(f.path), { recursive: true });
      // atomic per file: a full disk never leaves a truncated module for `regel validate` to load
      writeFileAtomic(f.path, f.contents);
    }
  } catch (e) {
    if (isSystemError(e)) return reportFailure("compile", e);
    throw e;
  }
  if (json) {
    print({
      diagnostics,
      written: result.files
        .map((f) => f.path)
        .filter((path) => changed.has(path)),
      unchanged: status.current.length,
      obsolete: status.obsolete,
    });
    return EXIT.ok;
  }
  printOut(
    `regel compile: wrote ${changed.size} file(s), ${status.current.length} unchanged\n`,
  );
  for (const dir of status.obsolete)
    printOut(
      `note: ${dir}/ is not produced by any ruleset version; delete it\n`,
    );
  return EXIT.ok;
}

export function register(program: Command): void {
  program
    .command("compile")
    .description(
      "Compile rulesets to self-contained TypeScript/JavaScript validator modules that record the sha256 of their .regel sources (after running every rule's examples through them)",
    )
    .argument("<paths...>", ".regel files or folders (searched recursively)")
    .option("-o, --out <dir>", "output folder", DEFAULT_OUT_DIR)
    .option(
      "--check",
      "write nothing; exit 1 when the output on disk is missing or stale",
    )
    .option(
      "--json",
      "print the diagnostics and the files written (or out of date) as JSON",
    )
    .action(
      async (
        paths: string[],
        options: { out?: string; check?: boolean; json?: boolean },
      ) => {
        process.exitCode = await runCompile(paths, options);
      },
    );
}
