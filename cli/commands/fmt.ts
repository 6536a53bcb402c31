/**
 * `regel fmt <files or folders> [--check] [--json]`: print `.regel` files in the canonical
 * layout. Exit codes: 0 ok, 1 a file has parse errors or (with `--check`) would change, 2 a path
 * does not exist.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { formatDiagnostic, sortDiagnostics } from "../../dsl/diagnostics.js";
import { noRegelFilesMessage } from "../../dsl/project.js";
import { format } from "../../dsl/printer.js";
import { decodeSource } from "../../dsl/source-text.js";
import { printErr, printOut } from "../terminal-text.js";
import { writeFileAtomic } from "../../runtime/atomic-file.js";
import { EXIT } from "../exit-codes.js";
import { toJson, type JsonDiagnostic } from "../json-diagnostic.js";

/** Where `regel fmt` writes its report; replaceable in tests. */
export interface FmtOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface FmtOptions {
  /** Write nothing; report the files that would change. */
  check?: boolean;
  /** Print what was done as JSON (see {@link FmtJson}) instead of lines. */
  json?: boolean;
}

/** What `regel fmt --json` prints. */
export interface FmtJson {
  files: {
    path: string;
    status: "unchanged" | "formatted" | "would-reformat" | "not-formatted";
    /** Why a file was not formatted (parse errors, not UTF-8), as `regel check --json` gives them. */
    diagnostics: JsonDiagnostic[];
  }[];
  /** Files that were (or with `--check` would be) reformatted. */
  changed: number;
}

/** Folders never searched: dependencies, VCS data and generated validators. */
function skipFolder(path: string): boolean {
  const name = basename(path);
  if (name === "node_modules" || name === ".git") return true;
  return name === "compiled" && basename(dirname(path)) === "rulesets";
}

/**
 * The `.regel` files named by `paths`: files as given, folders searched recursively (skipping
 * `node_modules`, `.git` and `rulesets/compiled`). Sorted, without duplicates.
 */
export function collectRegelFiles(paths: readonly string[]): {
  files: string[];
  missing: string[];
} {
  const files = new Set<string>();
  const missing: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!skipFolder(path)) walk(path);
      } else if (entry.isFile() && entry.name.endsWith(".regel")) {
        files.add(path);
      }
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) missing.push(path);
    else if (statSync(path).isDirectory()) {
      if (!skipFolder(path)) walk(path);
    } else files.add(path);
  }
  return { files: [...files].sort(), missing };
}

/**
 * Format the files; returns the exit code: 0 when all is well, 1 when a file has parse errors or
 * is not valid UTF-8 (it is never written then) or (with `check`) a file would change, 2 when a
 * path does not exist or a folder holds no `.regel` file (then nothing is formatted).
 */
export function runFmt(
  paths: readonly string[],
  options: FmtOptions,
  output: FmtOutput,
): number {
  const { files, missing } = collectRegelFiles(paths);
  let exitCode: number = EXIT.ok;
  for (const path of missing) {
    output.err(`regel fmt: no such file or folder: ${path}`);
    exitCode = EXIT.usage;
  }
  if (missing.length > 0) return exitCode;
  // as `regel check` and `regel compile`: a folder without rulesets is a mistake, not "all formatted"
  for (const path of paths)
    if (
      statSync(path).isDirectory() &&
      collectRegelFiles([path]).files.length === 0
    ) {
      output.err(`regel fmt: ${noRegelFilesMessage(path)}`);
      exitCode = EXIT.usage;
    }
  if (exitCode !== EXIT.ok) return exitCode;
  const fail = () => {
    if (exitCode === EXIT.ok) exitCode = EXIT.failed;
  };
  const json: FmtJson = { files: [], changed: 0 };
  const say = (line: string) => {
    if (options.json !== true) output.out(line);
  };
  const complain = (line: string) => {
    if (options.json !== true) output.err(line);
  };
  let changed = 0;
  for (const path of files) {
    // Bytes, not text: a file that is not UTF-8 is reported and never written back (REG105).
    const { text, diagnostics: encoding } = decodeSource(
      readFileSync(path),
      path,
    );
    if (encoding.length > 0) {
      for (const d of encoding) complain(formatDiagnostic(d, text));
      complain(`regel fmt: ${path} not formatted: it is not valid UTF-8`);
      json.files.push({
        path,
        status: "not-formatted",
        diagnostics: encoding.map(toJson),
      });
      fail();
      continue;
    }
    const result = format(text, path);
    const errors = sortDiagnostics(
      result.diagnostics.filter((d) => d.severity === "error"),
    );
    if (errors.length > 0) {
      for (const d of errors) complain(formatDiagnostic(d, text));
      complain(
        `regel fmt: ${path} not formatted: it has ${errors.length === 1 ? "a parse error" : `${errors.length} parse errors`}`,
      );
      json.files.push({
        path,
        status: "not-formatted",
        diagnostics: errors.map(toJson),
      });
      fail();
      continue;
    }
    if (result.text === text) {
      json.files.push({ path, status: "unchanged", diagnostics: [] });
      continue;
    }
    changed++;
    if (options.check) {
      say(`would reformat ${path}`);
      json.files.push({ path, status: "would-reformat", diagnostics: [] });
      fail();
    } else {
      writeFileAtomic(path, result.text);
      say(`formatted ${path}`);
      json.files.push({ path, status: "formatted", diagnostics: [] });
    }
  }
  json.changed = changed;
  if (options.json === true) output.out(JSON.stringify(json, null, 2));
  if (options.check && changed > 0) {
    complain(
      `${changed} of ${files.length} file${files.length === 1 ? "" : "s"} would be reformatted (run \`regel fmt\` without --check)`,
    );
  }
  return exitCode;
}

/** Register `regel fmt`. */
export function register(program: Command): void {
  program
    .command("fmt")
    .description(
      "format .regel files in the canonical layout (folders are searched for *.regel)",
    )
    .argument("<paths...>", "files or folders")
    .option(
      "--check",
      "write nothing; exit 1 and list the files that would change",
    )
    .option("--json", "print each file's status (and diagnostics) as JSON")
    .action((paths: string[], options: FmtOptions) => {
      process.exitCode = runFmt(paths, options, {
        out: (line) => printOut(`${line}\n`),
        err: (line) => printErr(`${line}\n`),
      });
    });
}
