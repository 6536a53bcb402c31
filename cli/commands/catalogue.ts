/**
 * `regel catalogue [paths...] [--out docs/rulesets] [--check]`: render the ruleset catalogue
 * (one Markdown page per ruleset version, a traceability matrix and an index) and write it, or,
 * with `--check`, only report which files are stale (exit 1) — the CI staleness check. An output
 * folder that cannot be written (a file in the way, read-only, a full disk) is exit 3.
 *
 * @module
 */
import { join } from "node:path";
import type { Command } from "commander";
import {
  diffCatalogue,
  renderCatalogue,
  writeCatalogue,
} from "../../audit/catalogue.js";
import { formatDiagnostic } from "../../dsl/diagnostics.js";
import { hasErrors, loadProject, ProjectError } from "../../dsl/project.js";
import { printErr, printOut } from "../terminal-text.js";
import { isSystemError, reportFailure } from "../failure.js";
import { EXIT } from "../exit-codes.js";
import { toJson } from "../json-diagnostic.js";

interface Options {
  out: string;
  check?: boolean;
  json?: boolean;
}

/** Register the `catalogue` command. */
export function register(program: Command): void {
  program
    .command("catalogue")
    .description(
      "Generate the Markdown ruleset catalogue and traceability matrix",
    )
    .argument("[paths...]", "ruleset files or folders", ["rulesets"])
    .option("--out <dir>", "output folder", "docs/rulesets")
    .option("--check", "do not write; exit 1 and list the files that are stale")
    .option(
      "--json",
      "print the files written (or stale) and any diagnostics as JSON",
    )
    .action(async (paths: string[], options: Options) => {
      try {
        process.exitCode = await run(paths, options);
      } catch (e) {
        // --out on a file, a read-only folder, a full disk: say so, exit 3
        if (!isSystemError(e)) throw e;
        process.exitCode = reportFailure("catalogue", e);
      }
    });
}

async function run(paths: string[], options: Options): Promise<number> {
  const json = (body: object) =>
    printOut(`${JSON.stringify({ out: options.out, ...body }, null, 2)}\n`);
  let project;
  try {
    project = await loadProject(paths);
  } catch (e) {
    if (e instanceof ProjectError) {
      printErr(`regel catalogue: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (hasErrors(project.diagnostics)) {
    if (options.json === true)
      json({ diagnostics: project.diagnostics.map(toJson) });
    else
      for (const d of project.diagnostics)
        printErr(`${formatDiagnostic(d, project.texts.get(d.span.file))}\n`);
    printErr(
      "regel catalogue: the rulesets have errors; no catalogue written\n",
    );
    return EXIT.failed;
  }
  const files = renderCatalogue(project.rulesets, {
    readText: (file) => project.texts.get(file),
  });
  if (options.check === true) {
    const diff = diffCatalogue(files, options.out);
    if (options.json === true) {
      json({
        upToDate:
          diff.changed.length + diff.missing.length + diff.extra.length === 0,
        changed: diff.changed,
        missing: diff.missing,
        noLongerGenerated: diff.extra,
        files: files.length,
      });
      return diff.changed.length + diff.missing.length + diff.extra.length === 0
        ? EXIT.ok
        : EXIT.failed;
    }
    const stale = [
      ...diff.changed.map((f) => `changed: ${join(options.out, f)}`),
      ...diff.missing.map((f) => `missing: ${join(options.out, f)}`),
      ...diff.extra.map((f) => `no longer generated: ${join(options.out, f)}`),
    ];
    if (stale.length === 0) {
      printOut(`${options.out}: ${files.length} files up to date\n`);
      return EXIT.ok;
    }
    for (const line of stale) printOut(`${line}\n`);
    printOut(
      `${options.out} is stale: run \`regel catalogue --out ${options.out}\`\n`,
    );
    return EXIT.failed;
  }
  const diff = writeCatalogue(files, options.out);
  const written = diff.changed.length + diff.missing.length;
  if (options.json === true) {
    json({
      written: [...diff.changed, ...diff.missing].sort(),
      noLongerGenerated: diff.extra,
      files: files.length,
    });
    return EXIT.ok;
  }
  printOut(`${options.out}: ${written} of ${files.length} files written`);
  if (diff.extra.length > 0)
    printOut(
      `; no longer generated (removed if regel wrote them): ${diff.extra.join(", ")}`,
    );
  printOut("\n");
  return EXIT.ok;
}
