/**
 * The project loader: finds `.regel` files, parses and checks them together, and hands out the
 * resolved rulesets. Used by every command that reads rulesets (`check`, `compile`, `catalogue`, ...).
 *
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { RegelFile } from "./ast.js";
import { check } from "./checker.js";
import { type Diagnostic, sortDiagnostics } from "./diagnostics.js";
import type { ResolvedRuleset } from "./model.js";
import { parse, type ParseResult } from "./parser.js";
import { decodeSource } from "./source-text.js";
import { compareVersions } from "./types.js";

/** Everything read from a set of ruleset files. */
export interface Project {
  /** File path (as given, relative to the working directory) → text. */
  texts: Map<string, string>;
  /** Parsed files, in path order. */
  files: RegelFile[];
  /** Resolved versions, sorted by name then version. */
  rulesets: ResolvedRuleset[];
  /** Parse and check diagnostics, sorted (see `sortDiagnostics`). */
  diagnostics: Diagnostic[];
}

/** A problem with the paths themselves (not with their content): the CLI prints it and exits 2. */
export class ProjectError extends Error {
  override name = "ProjectError";
}

/** Folders never searched: dependencies and compiler output. */
function skipFolder(dir: string, name: string): boolean {
  if (name === "node_modules" || name.startsWith(".")) return true;
  return (
    name === "compiled" && normalize(dir).split(/[\\/]/).pop() === "rulesets"
  );
}

async function collect(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skipFolder(dir, e.name)) await collect(p, out);
    } else if (e.isFile() && e.name.endsWith(".regel")) out.push(p);
  }
}

/**
 * The `.regel` files named by `paths` (files as given, folders searched recursively), sorted and
 * without duplicates. Throws {@link ProjectError} for a path that does not exist.
 */
export async function findRegelFiles(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new ProjectError(`no such file or folder: ${p}`);
    }
    if (info.isDirectory()) await collect(p, found);
    else found.push(p);
  }
  const seen = new Set<string>();
  const unique = found.filter((p) => {
    const key = normalize(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort();
}

/** Read, parse and check the rulesets under `paths` (files or folders). */
export async function loadProject(paths: string[]): Promise<Project> {
  const files = await findRegelFiles(paths);
  const texts = new Map<string, string>();
  const encoding: Diagnostic[] = [];
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(f);
    } catch (e) {
      throw new ProjectError(
        `cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    const source = decodeSource(bytes, f);
    texts.set(f, source.text);
    encoding.push(...source.diagnostics);
  }
  const project = loadProjectFromTexts(texts);
  if (encoding.length === 0) return project;
  // A file that is not UTF-8 is still parsed (its other errors are worth knowing), but it has an
  // error, so nothing is compiled or formatted from it.
  return {
    ...project,
    diagnostics: sortDiagnostics([...encoding, ...project.diagnostics]),
  };
}

/**
 * Parse and check texts given in memory (path → text); for tests and tools. Paths are used as given.
 *
 * @param parseFile how a text is parsed; the language server passes a cache, so a keystroke
 *   re-parses only the file it changed (the checker never changes the parsed files).
 */
export function loadProjectFromTexts(
  texts: Map<string, string>,
  parseFile: (text: string, path: string) => ParseResult = parse,
): Project {
  const paths = [...texts.keys()].sort();
  const files: RegelFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const parsed = parseFile(texts.get(path)!, path);
    files.push(parsed.file);
    diagnostics.push(...parsed.diagnostics);
  }
  const checked = check(files);
  // The parser reports a missing header itself (REG111); the checker's REG209 is for ASTs built
  // some other way, so drop it where the parser already spoke.
  const headerReported = new Set(
    diagnostics.filter((d) => d.code === "REG111").map((d) => d.span.file),
  );
  diagnostics.push(
    ...checked.diagnostics.filter(
      (d) => !(d.code === "REG209" && headerReported.has(d.span.file)),
    ),
  );
  return {
    texts: new Map(paths.map((p) => [p, texts.get(p)!])),
    files,
    rulesets: checked.rulesets,
    diagnostics: sortDiagnostics(diagnostics),
  };
}

/**
 * A ruleset by `name@version`; with a bare `name`, its highest version. Undefined when not loaded.
 */
export function findRuleset(
  project: Pick<Project, "rulesets">,
  ref: string,
): ResolvedRuleset | undefined {
  if (ref.includes("@")) return project.rulesets.find((r) => r.id === ref);
  let best: ResolvedRuleset | undefined;
  for (const r of project.rulesets) {
    if (
      r.name === ref &&
      (best === undefined || compareVersions(r.version, best.version) > 0)
    )
      best = r;
  }
  return best;
}

/** Whether any diagnostic is an error (warnings do not count). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
