/**
 * `regel check <files or folders...> [--format text|json|sarif] [--json]`: parse and check
 * rulesets, run every rule's examples through the compiled validators (cli/example-check.ts),
 * print every diagnostic with a code frame (or as JSON, or as a SARIF 2.1.0 log for code-scanning
 * UIs: cli/sarif.ts), then a summary. Exit code 1 when there is an error, 2 when a path cannot be
 * read, a folder holds no `.regel` file or an option is wrong, 3 on an internal error, 0 otherwise.
 *
 * @module
 */
import type { Command } from "commander";
import {
  formatDiagnostic,
  sortDiagnostics,
  type Diagnostic,
} from "../../dsl/diagnostics.js";
import { loadProject, ProjectError, type Project } from "../../dsl/project.js";
import { printErr, printOut } from "../terminal-text.js";
import { EXIT } from "../exit-codes.js";
import { toJson } from "../json-diagnostic.js";
import { sarifLog } from "../sarif.js";
import { toolVersion } from "../../runtime/tool-version.js";
import {
  checkExamplesCompiled,
  type ExampleCheckOptions,
} from "../example-check.js";

export { toJson, type JsonDiagnostic } from "../json-diagnostic.js";

/** A checked project: its diagnostics include the examples', and `examples` says how many ran. */
export type CheckedProject = Project & { examples?: number };

/** How `regel check` prints its diagnostics. */
export type CheckFormat = "text" | "json" | "sarif";
const FORMATS: readonly CheckFormat[] = ["text", "json", "sarif"];

/**
 * The report of a checked project, as text (code frames), JSON or SARIF (`true` is JSON, `false`
 * text). Returns the text and the exit code.
 */
export function renderCheck(
  project: CheckedProject,
  format: CheckFormat | boolean,
  options: { verbose?: boolean } = {},
): { output: string; exitCode: number } {
  const chain = project.chain ?? [];
  const json = format === true || format === "json";
  const diagnostics = sortDiagnostics(project.diagnostics, project.fileOrder);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const exitCode = errors > 0 ? EXIT.failed : EXIT.ok;
  if (format === "sarif") {
    const log = sarifLog(diagnostics, { version: toolVersion() });
    return { output: `${JSON.stringify(log, null, 2)}\n`, exitCode };
  }
  if (json) {
    const body = {
      diagnostics: diagnostics.map(toJson),
      files: project.files.length,
      rulesets: project.rulesets.length,
      errors,
      warnings,
      examples: project.examples ?? 0,
      chain,
    };
    return { output: `${JSON.stringify(body, null, 2)}\n`, exitCode };
  }
  const parts = diagnostics.map((d) =>
    formatDiagnostic(d, project.texts.get(d.span.file)),
  );
  const ran =
    (project.examples ?? 0) > 0
      ? `; ${project.examples} examples run through the compiled validators`
      : "";
  const loaded =
    chain.length > 0
      ? ` (${chain.length} of them loaded for the extends/uses chain${options.verbose === true ? "" : "; --verbose lists them"})`
      : "";
  const summary = `${project.files.length} files${loaded}, ${project.rulesets.length} rulesets: ${errors} errors, ${warnings} warnings${ran}`;
  const listed =
    options.verbose === true && chain.length > 0
      ? [
          `loaded for the extends/uses chain:\n${chain.map((c) => `  ${c.file}: ${c.ruleset} (${c.reason}, in ${c.by})\n`).join("")}`,
        ]
      : [];
  return {
    output: [...parts.map((p) => `${p}\n`), ...listed, `${summary}\n`].join(
      "\n",
    ),
    exitCode,
  };
}

/**
 * Load and check the rulesets under `paths`, then run their examples through the compiled
 * validators; the example diagnostics (REG408) join the project's.
 */
export async function checkProject(
  paths: string[],
  options: ExampleCheckOptions = {},
): Promise<CheckedProject> {
  const project = await loadProject(paths, { chain: true });
  const checked = await checkExamplesCompiled(project, options);
  return {
    ...project,
    diagnostics: sortDiagnostics(
      [...project.diagnostics, ...checked.diagnostics],
      project.fileOrder,
    ),
    examples: checked.examples,
  };
}

/** Run the command; returns the exit code. */
export async function runCheck(
  paths: string[],
  options: { json?: boolean; format?: string; verbose?: boolean },
): Promise<number> {
  const format = options.format ?? (options.json === true ? "json" : "text");
  if (!FORMATS.includes(format as CheckFormat)) {
    printErr(
      `regel check: --format ${format}: use one of ${FORMATS.join(", ")}\n`,
    );
    return EXIT.usage;
  }
  if (options.json === true && format !== "json") {
    printErr(
      `regel check: --json is --format json; give one of --json and --format ${format}\n`,
    );
    return EXIT.usage;
  }
  let project: CheckedProject;
  try {
    project = await checkProject(paths);
  } catch (e) {
    // Never a stack trace: a bad path is the user's to fix, anything else is a bug to report.
    if (e instanceof ProjectError) {
      printErr(`regel check: ${e.message}\n`);
      return EXIT.usage;
    }
    const message = `internal error: ${(e as Error).message}`;
    printErr(`regel check: ${message}\n`);
    // standard output stays one JSON document; `errors` is absent, so no gate reads it as 0
    if (format === "json")
      printOut(`${JSON.stringify({ error: message }, null, 2)}\n`);
    return EXIT.environment;
  }
  const { output, exitCode } = renderCheck(project, format as CheckFormat, {
    verbose: options.verbose,
  });
  printOut(output);
  return exitCode;
}

export function register(program: Command): void {
  program
    .command("check")
    .description(
      "Parse and check rulesets: names, versions, types, and every rule's examples run through the compiled validators",
    )
    .argument("<paths...>", ".regel files or folders (searched recursively)")
    .option(
      "--format <format>",
      "text (code frames), json, or sarif (SARIF 2.1.0, for code-scanning UIs)",
    )
    .option("--json", "print the diagnostics as JSON (--format json)")
    .option(
      "--verbose",
      "also list the files loaded for the extends/uses chain of the files named",
    )
    .addHelpText(
      "after",
      `
A file that \`extends\` or \`uses\` a version not among the paths given is checked
with that version loaded from the folder the file sits in, or its parent (the
rulesets root): \`regel check rulesets/ikb.glo/1.3.0.regel\` loads
rulesets/ikb.glo/1.2.0.regel. Of those files only errors are reported; --verbose
(and "chain" in --json) names them.

Every \`example\` runs as a delivery of one IKB through the compiled validators, as
\`regel validate\` runs them; an example whose verdict differs is error REG408 at
the example's file:line:column (docs/language.md, section Examples).
Compiled modules are cached by the sha256 of their sources in $REGEL_CACHE_DIR
(default $XDG_CACHE_HOME/regel or ~/.cache/regel); REGEL_CACHE_DIR=off turns the
cache off.`,
    )
    .action(
      async (
        paths: string[],
        options: { json?: boolean; format?: string; verbose?: boolean },
      ) => {
        process.exitCode = await runCheck(paths, options);
      },
    );
}
