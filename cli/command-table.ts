/**
 * The `regel` subcommands as the root help lists them, each with the module that registers it.
 * `regel --help` and `regel --version` read only this table; a command's module — and with it the
 * compiler, the parser or SQLite — is imported only when that command runs (or shows its help),
 * so start-up stays close to a bare `node` (bench/: CLI start-up). test/cli/command-table.test.ts
 * checks each entry against what its module registers.
 *
 * @module
 */
import type { Command } from "commander";

/** One subcommand: its name, its term and description in the root help, and its module. */
export interface CommandEntry {
  name: string;
  /** As commander prints it in the root help, e.g. `check [options] <paths...>`. */
  term: string;
  description: string;
  load: () => Promise<{ register(program: Command): void }>;
}

/** Every subcommand, in the order of the root help. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "check",
    term: "check [options] <paths...>",
    description:
      "Parse and check rulesets: names, versions, types, and every rule's examples run through the compiled validators",
    load: () => import("./commands/check.js"),
  },
  {
    name: "fmt",
    term: "fmt [options] <paths...>",
    description:
      "format .regel files in the canonical layout (folders are searched for *.regel)",
    load: () => import("./commands/fmt.js"),
  },
  {
    name: "compile",
    term: "compile [options] <paths...>",
    description:
      "Compile rulesets to self-contained JavaScript validator modules with their type declarations (.d.ts) that record the sha256 of their .regel sources (after running every rule's examples through them)",
    load: () => import("./commands/compile.js"),
  },
  {
    name: "validate",
    term: "validate [options] <folder>",
    description:
      "Validate an IKB-bestand (a folder of CSV files) and report the findings",
    load: () => import("./commands/validate.js"),
  },
  {
    name: "generate",
    term: "generate [options]",
    description:
      "write a synthetic IKB-bestand with injected defects and a ground-truth file",
    load: () => import("./commands/generate.js"),
  },
  {
    name: "catalogue",
    term: "catalogue [options] [paths...]",
    description:
      "Generate the Markdown ruleset catalogue, the traceability matrix and the Bijlage 4 coverage matrix",
    load: () => import("./commands/catalogue.js"),
  },
  {
    name: "trace",
    term: "trace [options] <code>",
    description:
      "Show a validation code: meaning, assumptions, severity, class and scope, articles, source, categories and examples per version (or a declared aggregate, reconcile or plausibility name: what it measures or compares, its method, window, threshold and watched series, tolerances, articles, assumptions, source)",
    load: () => import("./commands/trace.js"),
  },
  {
    name: "diff",
    term: "diff [options] <from> <to>",
    description:
      "Show what changes between two ruleset versions (rules and Bijlage 3 categories)",
    load: () => import("./commands/diff.js"),
  },
  {
    name: "record",
    term: "record [options] <report>",
    description:
      "Record a validation run (from its report.json) in the history database",
    load: () => import("./commands/record.js"),
  },
  {
    name: "history",
    term: "history [options]",
    description: "List the recorded validation runs",
    load: () => import("./commands/history.js"),
  },
  {
    name: "assess",
    term: "assess [options]",
    description:
      "Assess a bank against the groeipad norms of a year, with evidence and the enforcement options",
    load: () => import("./commands/assess.js"),
  },
  {
    name: "explain",
    term: "explain [options]",
    description:
      "Evaluate one rule on one record step by step, down to the failing sub-condition",
    load: () => import("./commands/explain.js"),
  },
  {
    name: "verify",
    term: "verify [options] <report>",
    description:
      "Validate a delivery again as a report says and state whether the report reproduces exactly",
    load: () => import("./commands/verify.js"),
  },
  {
    name: "lsp",
    term: "lsp [options]",
    description:
      "Run the language server for editors (diagnostics, hover, definitions, completion, rename, formatting) over stdio",
    load: () => import("./commands/lsp.js"),
  },
];

/**
 * The commands to register for real when `invoked` runs: it alone. A command's module registers
 * all of its options itself (`validate` takes its `--record` from the record command's module),
 * so that a run imports no other command's module.
 */
export function commandsToLoad(invoked: string | undefined): Set<string> {
  const entry = COMMANDS.find((c) => c.name === invoked);
  return new Set(entry ? [entry.name] : []);
}

/**
 * The subcommand a command line runs (or asks help for: `regel help validate`), if it names one.
 * Options before it belong to the root program (`regel --no-color validate ...` is not a thing:
 * positional options are on, see cli/main.ts).
 */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith("-"));
  const first = words[0] === "help" ? words[1] : words[0];
  return COMMANDS.some((c) => c.name === first) ? first : undefined;
}
