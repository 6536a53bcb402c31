/**
 * The `.regel` files behind a compiled ruleset, named so that compiled output does not depend on
 * the working directory.
 *
 * **The rulesets root** is the folder that holds `<name>/<version>.regel` (in this repository:
 * `rulesets/`). A source file is named by its path relative to that root: a file inside a folder
 * named after its ruleset is `<name>/<file>` (`ikb.glo/1.3.0.regel`); any other file is named by
 * its file name alone, its own folder being the root (`fixture.regel`). Source locations in
 * `trace.json`, in the generated module and in reports use these paths, and the compiled module
 * records, for every file of its `extends` / `uses` chain, the path, the ruleset it declares and
 * the sha256 of its text (`metadata.sourceFiles`). The runtime finds the sources again beside the
 * compiled root (`<root>/compiled/<name>@<version>/` → `<root>/<path>`) to check that the compiled
 * output is current (runtime/source-check.ts).
 *
 * @module
 */
import { posix, resolve } from "node:path";
import type { ResolvedRuleset } from "../dsl/model.js";
import { sha256Hex, type SourceFileHash } from "./contract.js";

/**
 * The path of `file` relative to the rulesets root: `<name>/<file name>` when the file lies in a
 * folder named after `name` (its ruleset's name), else the file name alone. Forward slashes. A
 * relative path is resolved first, so `1.3.0.regel` given inside `ikb.glo/` is `ikb.glo/1.3.0.regel`.
 */
export function rulesetRelativePath(file: string, name: string): string {
  const parts = resolve(file)
    .split(/[\\/]/)
    .filter((p) => p !== "" && p !== ".");
  const base = parts[parts.length - 1] ?? file;
  return parts.length >= 2 && parts[parts.length - 2] === name
    ? `${name}/${base}`
    : base;
}

/**
 * The ruleset and every ruleset it `extends` or `uses`, transitively, each once. Rulesets not in
 * `all` (not loaded) are left out.
 */
export function sourceChain(
  ruleset: ResolvedRuleset,
  all: readonly ResolvedRuleset[],
): ResolvedRuleset[] {
  const byId = new Map(all.map((r) => [r.id, r]));
  const out: ResolvedRuleset[] = [];
  const seen = new Set<string>();
  const visit = (r: ResolvedRuleset): void => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    out.push(r);
    for (const parent of [r.extends, ...r.uses]) {
      const p = parent === undefined ? undefined : byId.get(parent);
      if (p !== undefined) visit(p);
    }
  };
  visit(ruleset);
  return out;
}

/** How the source files of one compiled ruleset are named and what they hash to. */
export interface ModuleSources {
  /** The rulesets-root-relative path of a file a span points into. */
  path(file: string): string;
  /** Every file of the chain, sorted by path; undefined when the texts are not known. */
  files: SourceFileHash[] | undefined;
}

/**
 * The sources of `ruleset`: its chain among `all`, each file named by {@link rulesetRelativePath}
 * and hashed from `texts` (path as loaded → text). Without the text of every file of the chain,
 * `files` is undefined (nothing is recorded rather than a partial list).
 */
export function moduleSources(
  ruleset: ResolvedRuleset,
  all: readonly ResolvedRuleset[],
  texts: ReadonlyMap<string, string>,
): ModuleSources {
  const chain = sourceChain(ruleset, all);
  const names = new Map(
    chain.map((r) => [r.file, rulesetRelativePath(r.file, r.name)]),
  );
  // A table's CSV is named from the folder of the `.regel` file that declares it.
  for (const r of chain)
    for (const t of r.tables)
      if (
        t.path !== undefined &&
        t.file !== undefined &&
        names.has(t.span.file)
      )
        names.set(
          t.path,
          posix.normalize(
            posix.join(
              posix.dirname(names.get(t.span.file)!),
              t.file.value.replace(/\\/g, "/"),
            ),
          ),
        );
  const path = (file: string): string =>
    names.get(file) ?? rulesetRelativePath(file, "");
  const complete = chain.every((r) => texts.has(r.file));
  const files = complete
    ? chain
        .map((r) => ({
          path: names.get(r.file)!,
          ruleset: r.id,
          sha256: sha256Hex(texts.get(r.file)!),
        }))
        .concat(
          // The CSV files of its tables: a changed CSV makes the module stale, as a changed .regel does.
          chain.flatMap((r) =>
            r.tables
              .filter(
                (t) =>
                  t.sha256 !== undefined &&
                  t.path !== undefined &&
                  t.span.file === r.file,
              )
              .map((t) => ({
                path: names.get(t.path!)!,
                ruleset: r.id,
                sha256: t.sha256!,
              })),
          ),
        )
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    : undefined;
  return { path, files };
}
