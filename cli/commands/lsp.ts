/**
 * `regel lsp --stdio`: the language server for editors (`lsp/server.ts`), speaking the Language
 * Server Protocol on standard input and output. It runs until the editor ends it.
 *
 * @module
 */
import type { Command } from "commander";

interface Options {
  stdio?: boolean;
}

export function register(program: Command): void {
  program
    .command("lsp")
    .description(
      "Run the language server for editors (diagnostics, hover, definitions, completion, rename, formatting) over stdio",
    )
    .option(
      "--stdio",
      "speak the Language Server Protocol on stdin/stdout (the default)",
    )
    .action(async (options: Options) => {
      // vscode-languageserver reads the transport from the command line; stdio is the one we offer.
      if (!options.stdio) process.argv.push("--stdio");
      const { startServer } = await import("../../lsp/server.js");
      startServer();
    });
}
