/**
 * The project loader: finds `.regel` files, parses and checks them together, and hands out the
 * resolved rulesets. Used by every command that reads rulesets (`check`, `compile`, `catalogue`, ...).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, normalize, resolve } from "node:path";
import type { RegelFile, RulesetRef } from "./ast.js";
import { check } from "./checker.js";
import type { DataReader } from "./check-tables.js";
import { causeOrder, type Diagnostic, sortDiagnostics } from "./diagnostics.js";
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
  /** Parse and check diagnostics, causes first (see `sortDiagnostics`). */
  diagnostics: Diagnostic[];
  /**
   * The file paths in cause-first order (each after the versions it extends or uses): pass it to
   * `sortDiagnostics` when adding diagnostics, so the order stays causes first.
   */
  fileOrder?: string[];
  /**
   * Files not named on the command line but loaded because a named file `extends` or `uses`
   * what they declare (`loadProject` with `chain`), in the order they were found.
   */
  chain?: ChainFile[];
}

/** A file loaded for the `extends` / `uses` chain of the files named. */
export interface ChainFile {
  /** Its path (as found: relative when the named path was). */
  file: string;
  /** The `name@version` it declares. */
  ruleset: string;
  /** Why it was loaded: the reference that names it, e.g. `extends ikb.glo@1.2.0`. */
  reason: string;
  /** The `name@version` whose header holds that reference. */
  by: string;
}

/** Options of {@link loadProject}. */
export interface LoadOptions {
  /**
   * Also load, from the folder each named path sits in and that folder's parent (the rulesets
   * root, as in `rulesets/ikb.glo/1.3.0.regel`), the files that the named ones `extends` or
   * `uses` and are not named themselves, so one file can be checked alone. Only their errors are
   * reported (they may cause the named file's); their warnings are not.
   */
  chain?: boolean;
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

async function collect(
  dir: string,
  out: string[],
  depth = Infinity,
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skipFolder(dir, e.name) && depth > 0)
        await collect(p, out, depth - 1);
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

async function readText(f: string, encoding: Diagnostic[]): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(f);
  } catch (e) {
    throw new ProjectError(
      `cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const source = decodeSource(bytes, f);
  encoding.push(...source.diagnostics);
  return source.text;
}

/**
 * Throws {@link ProjectError} for a folder among `paths` that holds no `.regel` file: a mistyped
 * or wrong folder would otherwise be checked, compiled or formatted as "nothing to do, all well".
 */
export async function requireRegelFiles(paths: string[]): Promise<void> {
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory() !== true) continue;
    if ((await findRegelFiles([p])).length === 0)
      throw new ProjectError(noRegelFilesMessage(p));
  }
}

/** The message for a folder named on the command line that holds no `.regel` file. */
export function noRegelFilesMessage(folder: string): string {
  return `no .regel files in ${folder} (folders are searched recursively): name a folder that holds rulesets, or a .regel file`;
}

/**
 * Read, parse and check the rulesets under `paths` (files or folders).
 *
 * @throws ProjectError for a path that does not exist or cannot be read, and for a folder that
 *   holds no `.regel` file
 */
export async function loadProject(
  paths: string[],
  options: LoadOptions = {},
): Promise<Project> {
  const files = await findRegelFiles(paths);
  await requireRegelFiles(paths);
  const texts = new Map<string, string>();
  const encoding: Diagnostic[] = [];
  for (const f of files) texts.set(f, await readText(f, encoding));
  const chain =
    options.chain === true ? await loadChain(paths, texts, encoding) : [];
  const project = loadProjectFromTexts(texts, parse, readDataFile);
  let diagnostics = project.diagnostics;
  if (chain.length > 0) {
    // The chain's own warnings are not what was asked about; its errors may be the cause.
    const loaded = new Set(chain.map((c) => c.file));
    diagnostics = diagnostics.filter(
      (d) => d.severity === "error" || !loaded.has(d.span.file),
    );
  }
  // A file that is not UTF-8 is still parsed (its other errors are worth knowing), but it has an
  // error, so nothing is compiled or formatted from it.
  if (encoding.length > 0)
    diagnostics = sortDiagnostics(
      [...encoding, ...diagnostics],
      project.fileOrder,
    );
  return {
    ...project,
    diagnostics,
    ...(options.chain === true ? { chain } : {}),
  };
}

/** Reads a reference-data file (a `table`'s CSV) from disk; undefined when there is none. */
export const readDataFile: DataReader = (path) => {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
};

/** `ruleset NAME@VERSION` at the start of a line: enough to know what a file declares. */
const HEADER_LINE =
  /^ruleset[ \t]+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)@([0-9][0-9A-Za-z.+-]*)/m;

/**
 * Add to `texts` the files that the `extends` / `uses` references of its files need and it does
 * not hold, searched in the folder of each named path and that folder's parent (nearest first).
 * A reference that names no file exactly (`x@1.3`, a version that does not exist) loads every
 * version of that name found, so the checker can name the one meant.
 */
async function loadChain(
  paths: string[],
  texts: Map<string, string>,
  encoding: Diagnostic[],
): Promise<ChainFile[]> {
  const declared = new Map<string, string>(); // name@version → file
  const refs: { ref: RulesetRef; reason: string; by: string }[] = [];
  const noteRefs = (file: RegelFile) => {
    const h = file.header;
    if (h === undefined || !h.ref.name) return;
    const by = `${h.ref.name}@${h.ref.version}`;
    if (h.extends !== undefined)
      refs.push({ ref: h.extends, reason: "extends", by });
    for (const u of h.uses) refs.push({ ref: u, reason: "uses", by });
  };
  for (const [path, text] of texts) {
    const file = parse(text, path).file;
    if (file.header?.ref.name)
      declared.set(`${file.header.ref.name}@${file.header.ref.version}`, path);
    noteRefs(file);
  }
  const missing = () =>
    refs.filter(
      (r) => r.ref.name && !declared.has(`${r.ref.name}@${r.ref.version}`),
    );
  if (missing().length === 0) return [];

  // The candidates: .regel files near the named paths, nearest folder first, each file once.
  const dirs: string[] = [];
  for (const p of paths) {
    let dir = p;
    try {
      if (!(await stat(p)).isDirectory()) dir = dirname(p);
    } catch {
      continue;
    }
    for (const d of [
      dir,
      dirname(resolve(dir)) === resolve(dir) ? dir : join(dir, ".."),
    ])
      if (!dirs.some((x) => resolve(x) === resolve(d))) dirs.push(d);
  }
  const seen = new Set([...texts.keys()].map((k) => resolve(k)));
  const candidates: { file: string; id: string; name: string }[] = [];
  for (const dir of dirs) {
    // Two levels deep: a rulesets root holds `NAME/VERSION.regel`.
    const found: string[] = [];
    try {
      await collect(dir, found, 1);
    } catch {
      continue;
    }
    for (const f of found) {
      if (seen.has(resolve(f))) continue;
      seen.add(resolve(f));
      let head: string;
      try {
        head = (await readFile(f, "utf8")).slice(0, 1 << 16);
      } catch {
        continue;
      }
      const m = HEADER_LINE.exec(head);
      if (m)
        candidates.push({
          file: normalize(f),
          id: `${m[1]}@${m[2]}`,
          name: m[1],
        });
    }
  }

  const chain: ChainFile[] = [];
  const take = async (
    c: (typeof candidates)[number],
    reason: string,
    by: string,
  ) => {
    if (declared.has(c.id) || texts.has(c.file)) return;
    const text = await readText(c.file, encoding);
    texts.set(c.file, text);
    declared.set(c.id, c.file);
    chain.push({ file: c.file, ruleset: c.id, reason, by });
    noteRefs(parse(text, c.file).file);
  };
  for (let round = 0; round < 1000; round++) {
    const open = missing();
    if (open.length === 0) break;
    let added = false;
    for (const { ref, reason, by } of open) {
      const id = `${ref.name}@${ref.version}`;
      const exact = candidates.find((c) => c.id === id);
      const chosen = exact
        ? [exact]
        : candidates.filter((c) => c.name === ref.name);
      for (const c of chosen) {
        if (declared.has(c.id)) continue;
        await take(c, `${reason} ${id}`, by);
        added = true;
      }
    }
    if (!added) break;
  }
  return chain;
}

/**
 * Parse and check texts given in memory (path → text); for tests and tools. Paths are used as given.
 *
 * @param parseFile how a text is parsed; the language server passes a cache, so a keystroke
 *   re-parses only the file it changed (the checker never changes the parsed files).
 * @param readData how the CSV file of a `table` is read (path: the `.regel` file's folder joined
 *   with the table's `file`): a map of such paths to their text for tests, {@link readDataFile}
 *   for files on disk. By default there are none, and a `file` table is REG337.
 */
export function loadProjectFromTexts(
  texts: Map<string, string>,
  parseFile: (text: string, path: string) => ParseResult = parse,
  readData: DataReader | ReadonlyMap<string, string> = () => undefined,
): Project {
  const reader: DataReader =
    typeof readData === "function"
      ? readData
      : (path) => {
          const text = readData.get(path);
          return text === undefined
            ? undefined
            : new TextEncoder().encode(text);
        };
  const paths = [...texts.keys()].sort();
  const files: RegelFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const parsed = parseFile(texts.get(path)!, path);
    files.push(parsed.file);
    diagnostics.push(...parsed.diagnostics);
  }
  const checked = check(files, reader);
  const fileOrder = causeOrder(files);
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
    diagnostics: sortDiagnostics(diagnostics, fileOrder),
    fileOrder,
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
