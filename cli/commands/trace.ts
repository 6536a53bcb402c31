/**
 * `regel trace CODE [--version V] [--json]`: from a validation code to its title, meaning (and the
 * articles that give it), assumptions, severity, roles, articles, source location, the categories
 * it feeds and its examples, in every ruleset version that declares it. Exit codes: 0 found, 2
 * unknown code or version, or bad paths.
 *
 * @module
 */
import {
  aggregateTraceText,
  allAggregates,
  traceAggregate,
} from "../../audit/trace-aggregate.js";
import {
  allPlausibilities,
  allReconciliations,
  plausibilityTraceText,
  reconcileTraceText,
  tracePlausibility,
  traceReconcile,
} from "../../audit/trace-plausibility.js";
import type { Command } from "commander";
import {
  allCodes,
  similarCodes,
  traceRule,
  traceText,
} from "../../audit/trace-query.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import {
  hasErrors,
  loadProject,
  type Project,
  ProjectError,
} from "../../dsl/project.js";
import { printErr, printOut } from "../terminal-text.js";
import { RULESETS_OPTION_HELP, rulesetsFolder } from "../rulesets-folder.js";

interface Options {
  version?: string;
  json?: boolean;
  rulesets: string;
}

/** What a command run printed and its exit code (so tests can run commands in-process). */
export interface CommandOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Load the rulesets of a read-only command: under `--rulesets` when `named`, else where
 * {@link rulesetsFolder} finds them (with the `note` that says so). A project with errors still
 * yields the versions that resolved; the caller is told so through `warning`.
 */
export async function loadRulesets(named: string | undefined): Promise<
  | {
      project: Project;
      folder: string;
      note: string | undefined;
      warning: string | undefined;
    }
  | { error: string }
> {
  const { folder, note } = rulesetsFolder(named);
  let project: Project;
  try {
    project = await loadProject([folder]);
  } catch (e) {
    if (e instanceof ProjectError) return { error: e.message };
    throw e;
  }
  const warning = hasErrors(project.diagnostics)
    ? `the rulesets under ${folder} have errors (run \`regel check\`); showing what resolved`
    : undefined;
  return { project, folder, note, warning };
}

/** The note and the warning of {@link loadRulesets}, as `regel COMMAND:` lines for standard error. */
export function loadNotices(
  command: string,
  loaded: { note: string | undefined; warning: string | undefined },
): string {
  return (
    (loaded.note ? `regel ${command}: note: ${loaded.note}\n` : "") +
    (loaded.warning ? `regel ${command}: warning: ${loaded.warning}\n` : "")
  );
}

/** Register the `trace` command. */
export function register(program: Command): void {
  // The root program's `--version` would otherwise swallow `trace CODE --version 1.2.0`: program
  // options are only recognised before the subcommand (`regel --version` still works).
  program.enablePositionalOptions();
  program
    .command("trace")
    .description(
      "Show a validation code: meaning, assumptions, severity, class and scope, articles, source, categories and examples per version (or a declared aggregate, reconcile or plausibility name: what it measures or compares, its method, window, threshold and watched series, tolerances, articles, assumptions, source)",
    )
    .argument(
      "<code>",
      "validation code, e.g. dmc0000, or an aggregate, reconcile or plausibility name, e.g. depositors, quarterly, own_history",
    )
    .option(
      "--version <version>",
      "only this ruleset version (1.3.0 or ikb.glo@1.3.0)",
    )
    .option("--json", "print JSON")
    .option("--rulesets <dir>", RULESETS_OPTION_HELP)
    .action(async (code: string, options: Options) => {
      const out = await runTrace(code, options);
      printOut(out.stdout);
      printErr(out.stderr);
      process.exitCode = out.code;
    });
}

function versionsOf(
  rulesets: readonly ResolvedRuleset[],
  code: string,
): string[] {
  return rulesets
    .filter((r) => r.rules.some((x) => x.code === code))
    .map((r) => r.id);
}

/** Run `regel trace` and return what it prints. */
export async function runTrace(
  code: string,
  options: Partial<Options> = {},
): Promise<CommandOutput> {
  const loaded = await loadRulesets(options.rulesets);
  if ("error" in loaded)
    return { code: 2, stdout: "", stderr: `regel trace: ${loaded.error}\n` };
  const stderr = loadNotices("trace", loaded);
  const rulesets = loaded.project.rulesets;
  const codes = allCodes(rulesets);
  if (!codes.includes(code) && allAggregates(rulesets).includes(code)) {
    // a declared aggregate (docs/language.md, "Aggregates and reconciliation")
    const t = traceAggregate(rulesets, code, options.version);
    if (t.versions.length === 0)
      return {
        code: 2,
        stdout: "",
        stderr: `${stderr}regel trace: aggregate \`${code}\` is not in version ${options.version}\n`,
      };
    return {
      code: 0,
      stdout:
        options.json === true
          ? `${JSON.stringify(t, null, 2)}\n`
          : aggregateTraceText(t),
      stderr,
    };
  }
  if (!codes.includes(code)) {
    // a reconciliation or a plausibility check (docs/language.md, "Plausibility")
    const declared = allReconciliations(rulesets).includes(code)
      ? {
          kind: "reconcile",
          trace: traceReconcile(rulesets, code, options.version),
          text: reconcileTraceText,
        }
      : allPlausibilities(rulesets).includes(code)
        ? {
            kind: "plausibility",
            trace: tracePlausibility(rulesets, code, options.version),
            text: plausibilityTraceText,
          }
        : undefined;
    if (declared !== undefined) {
      if (declared.trace.versions.length === 0)
        return {
          code: 2,
          stdout: "",
          stderr: `${stderr}regel trace: ${declared.kind} \`${code}\` is not in version ${options.version}\n`,
        };
      return {
        code: 0,
        stdout:
          options.json === true
            ? `${JSON.stringify(declared.trace, null, 2)}\n`
            : (declared.text as (t: unknown) => string)(declared.trace),
        stderr,
      };
    }
  }
  if (!codes.includes(code)) {
    const close = similarCodes(code, codes);
    const hint =
      close.length > 0
        ? `did you mean ${close.map((c) => `\`${c}\``).join(", ")}?`
        : codes.length === 0
          ? "these rulesets declare no rules; `regel trace` takes the validation code of a rule, or the name of an aggregate, reconciliation or plausibility check"
          : `known codes: ${codes.join(", ")}`;
    return {
      code: 2,
      stdout: "",
      stderr: `${stderr}regel trace: unknown validation code \`${code}\`; ${hint}\n`,
    };
  }
  const trace = traceRule(rulesets, code, {
    version: options.version,
    readText: (f) => loaded.project.texts.get(f),
  });
  if (trace.versions.length === 0) {
    const declaring = versionsOf(rulesets, code);
    const names = [
      ...new Set(
        rulesets.filter((r) => declaring.includes(r.id)).map((r) => r.name),
      ),
    ];
    const v = options.version;
    const versionExists = rulesets.some(
      (r) => names.includes(r.name) && (r.version === v || r.id === v),
    );
    return {
      code: 2,
      stdout: "",
      stderr: versionExists
        ? `${stderr}regel trace: \`${code}\` is not in version ${v}; it is in ${declaring.join(", ")}\n`
        : `${stderr}regel trace: there is no version ${v} of ${names.join(" or ")}; \`${code}\` is in ${declaring.join(", ")}\n`,
    };
  }
  const stdout =
    options.json === true
      ? `${JSON.stringify(trace, null, 2)}\n`
      : traceText(trace);
  return { code: 0, stdout, stderr };
}
