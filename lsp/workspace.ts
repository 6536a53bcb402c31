/**
 * The language server's store: the `.regel` files of the workspace folders (read from disk),
 * overlaid by the documents open in the editor, each parsed once per text, and the checked
 * projects built from them.
 *
 * Checking is incremental by file: a keystroke re-parses only the changed file (the parse of
 * every other file is kept while its text stays the same) and checks only the open file with its
 * `extends` / `uses` chain. Find references and rename, which must see every file that could name
 * a declaration, check the whole workspace; each checked project is kept until a text in it
 * changes.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  findRegelFiles,
  loadProjectFromTexts,
  parse,
  readDataFile,
  type ParseResult,
  type Project,
  type RegelFile,
  type ResolvedRuleset,
} from "../dsl/index.js";

/** A checked set of files, with the parse of each. */
export interface Analysis extends Project {
  /** The parse of each file, by path. */
  parsed: Map<string, ParseResult>;
}

interface Entry {
  text: string;
  /** Counts every change of the text: part of the key of a checked project. */
  version: number;
  parsed: ParseResult | undefined;
  document: TextDocument | undefined;
}

/** Files by path, open documents over disk contents, parses and checked projects cached. */
export class Workspace {
  private readonly files = new Map<string, Entry>();
  private readonly openPaths = new Set<string>();
  private readonly checked = new Map<string, Analysis>();
  private clock = 0;
  /**
   * Counts the editor's opens and closes of each path and the disk reads started for it: a read
   * that finishes after a newer one started, or after the editor opened the path, is dropped.
   */
  private readonly generations = new Map<string, number>();

  /** Read every `.regel` file under `folders` (files already open keep their editor text). */
  async scan(folders: readonly string[]): Promise<void> {
    const paths =
      folders.length === 0 ? [] : await findRegelFiles([...folders]);
    for (const path of paths) {
      if (this.openPaths.has(path)) continue;
      // A file that vanished between listing and reading is simply not there.
      await this.readDisk(path, false);
    }
  }

  /** Set the text of `path` (an open document's, or a file's as read from disk). */
  put(path: string, text: string): void {
    const entry = this.files.get(path);
    if (entry !== undefined && entry.text === text) return;
    this.files.set(path, {
      text,
      version: ++this.clock,
      parsed: undefined,
      document: undefined,
    });
    for (const key of this.checked.keys())
      if (key.split("\n").some((k) => k.startsWith(`${path}\t`)))
        this.checked.delete(key);
  }

  /** The editor opened (or changed) `path`. */
  open(path: string, text: string): void {
    this.bump(path);
    this.openPaths.add(path);
    this.put(path, text);
  }

  /**
   * The editor closed `path`: from now on its text is the one on disk. The read is asynchronous:
   * if the editor opens `path` again before it finishes (a revert, a reopen), the editor's text
   * stays, and the disk text read for the close is dropped.
   */
  async close(path: string): Promise<void> {
    this.openPaths.delete(path);
    await this.readDisk(path, true);
  }

  /**
   * Put the disk text of `path`, unless the editor has it open or a newer open, close or read of
   * it started meanwhile. A file that cannot be read is forgotten when `forgetMissing`.
   */
  private async readDisk(path: string, forgetMissing: boolean): Promise<void> {
    const generation = this.bump(path);
    let text: string | undefined;
    try {
      text = await readFile(path, "utf8");
    } catch {
      text = undefined;
    }
    if (this.generations.get(path) !== generation || this.openPaths.has(path))
      return;
    if (text !== undefined) this.put(path, text);
    else if (forgetMissing) this.files.delete(path);
  }

  private bump(path: string): number {
    const generation = (this.generations.get(path) ?? 0) + 1;
    this.generations.set(path, generation);
    return generation;
  }

  /** Whether `path` is open in the editor. */
  isOpen(path: string): boolean {
    return this.openPaths.has(path);
  }

  /** The open paths. */
  openFiles(): string[] {
    return [...this.openPaths];
  }

  /** Every known path, sorted. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** The text of `path`, if known. */
  text(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  /** `path` as a text document (for offsets ↔ positions). */
  document(path: string): TextDocument | undefined {
    const entry = this.files.get(path);
    if (entry === undefined) return undefined;
    entry.document ??= TextDocument.create(
      path,
      "regel",
      entry.version,
      entry.text,
    );
    return entry.document;
  }

  /** The parse of `path` (parsed once per text). */
  parse(path: string): ParseResult | undefined {
    const entry = this.files.get(path);
    if (entry === undefined) return undefined;
    entry.parsed ??= parse(entry.text, path);
    return entry.parsed;
  }

  /**
   * `path` and the files of the ruleset versions it `extends` or `uses`, transitively, found by
   * their headers among the known files.
   */
  chain(path: string): string[] {
    const byId = new Map<string, string[]>();
    for (const p of this.paths()) {
      const ref = this.parse(p)?.file.header?.ref;
      if (ref === undefined) continue;
      const id = `${ref.name}@${ref.version}`;
      byId.set(id, [...(byId.get(id) ?? []), p]);
    }
    const out = new Set<string>();
    const visit = (p: string): void => {
      if (out.has(p)) return;
      out.add(p);
      const header: RegelFile["header"] = this.parse(p)?.file.header;
      for (const ref of [header?.extends, ...(header?.uses ?? [])])
        if (ref !== undefined)
          for (const q of byId.get(`${ref.name}@${ref.version}`) ?? [])
            visit(q);
    };
    visit(path);
    return [...out].sort();
  }

  /** The other known files that declare the same `name@version` as `path` (REG210). */
  duplicatesOf(path: string): string[] {
    const id = this.rulesetIdOf(path);
    if (id === undefined) return [];
    return this.paths().filter((p) => p !== path && this.rulesetIdOf(p) === id);
  }

  private rulesetIdOf(path: string): string | undefined {
    const ref = this.parse(path)?.file.header?.ref;
    return ref === undefined || !ref.name || !ref.version
      ? undefined
      : `${ref.name}@${ref.version}`;
  }

  /** Check `paths` together (kept until one of their texts changes). */
  analyse(paths: readonly string[]): Analysis {
    const known = paths.filter((p) => this.files.has(p));
    const key = known
      .map((p) => `${p}\t${this.files.get(p)!.version}`)
      .join("\n");
    const cached = this.checked.get(key);
    if (cached !== undefined) return cached;
    const texts = new Map(known.map((p) => [p, this.files.get(p)!.text]));
    const parsed = new Map<string, ParseResult>();
    const project = loadProjectFromTexts(
      texts,
      (_text, path) => {
        const result = this.parse(path)!;
        parsed.set(path, result);
        return result;
      },
      // A table's CSV is read from disk beside its ruleset (it has no editor buffer).
      readDataFile,
    );
    const analysis: Analysis = { ...project, parsed };
    if (this.checked.size > 16) this.checked.clear();
    this.checked.set(key, analysis);
    return analysis;
  }

  /** `path` checked with its chain. */
  analyseFile(path: string): Analysis {
    return this.analyse(this.chain(path));
  }

  /** Every known file checked together. */
  analyseAll(): Analysis {
    return this.analyse(this.paths());
  }

  /**
   * Every known file checked together, but of the files declaring the same version as `path`
   * only `path` itself: the checker keeps the first of two files that declare one version
   * (REG210), and references and rename from `path` must read `path`'s own text.
   */
  analyseAllFor(path: string): Analysis {
    const duplicates = new Set(this.duplicatesOf(path));
    return duplicates.size === 0
      ? this.analyseAll()
      : this.analyse(this.paths().filter((p) => !duplicates.has(p)));
  }
}

/** The ruleset version read from `path` in `analysis`. */
export function rulesetOf(
  analysis: Analysis,
  path: string,
): ResolvedRuleset | undefined {
  return analysis.rulesets.find((r) => r.file === path);
}
