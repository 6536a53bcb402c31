#!/usr/bin/env node
/**
 * The `regel` command. Each subcommand lives in `cli/commands/<name>.ts` and exports
 * `register(program)`.
 *
 * @module
 */
import { Command, Help } from "commander";
import { COMMANDS, commandsToLoad, invokedCommand } from "./command-table.js";
import {
  commandName,
  exitQuietlyOnClosedPipe,
  reportFailure,
} from "./failure.js";
import { tuneV8ForRun } from "./v8-tuning.js";
import { printErr, printOut } from "./terminal-text.js";
import { toolVersion } from "../runtime/tool-version.js";

exitQuietlyOnClosedPipe();
const program = new Command();
// commander's usage errors throw (exit 2 below) instead of exiting 1; set before the subcommands,
// which inherit it
program.exitOverride();
// Program options are only recognised before the subcommand: `regel trace CODE --version 1.2.0`
// is trace's --version, while `regel --version` still works.
program.enablePositionalOptions();
program
  .name("regel")
  .description(
    "Rules language and compiler for Dutch deposit-guarantee (DGS / IKB) regulation",
  )
  .version(toolVersion())
  // commander echoes arguments in its errors ("unknown option ..."): made safe like all output
  .configureOutput({ writeOut: printOut, writeErr: printErr })
  // V8 flags for a validation: no pretenuring of streamed rows; for a small delivery, no
  // optimized code that would not pay back its compiling
  .hook("preAction", async (_program, action) => {
    await tuneV8ForRun(action);
  })
  .addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 negative verdict (rejected, blocking findings, errors, stale),\n" +
      "2 usage error, 3 environment error (cannot write the output, full disk) or a bug.\n" +
      "Every command but `lsp` takes --json for machine-readable output.",
  );

// Only the command that runs is imported (with what it needs: the compiler, the parser, SQLite);
// the others are listed in the root help from the command table.
const load = commandsToLoad(invokedCommand(process.argv));
const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
const help = new Help();
program.configureHelp({
  subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd),
});
for (const entry of COMMANDS) {
  if (load.has(entry.name)) (await entry.load()).register(program);
  else program.command(entry.name).description(entry.description);
}

const command = commandName(
  process.argv,
  program.commands.map((c) => c.name()),
);
const fail = (e: unknown) => {
  process.exitCode = reportFailure(command, e);
};
process.on("uncaughtException", (e) => {
  fail(e);
  process.exit();
});
process.on("unhandledRejection", (e) => {
  fail(e);
  process.exit();
});
try {
  await program.parseAsync(process.argv);
} catch (e) {
  fail(e);
}
