#!/usr/bin/env node
/**
 * The `regel` command. Each subcommand lives in `cli/commands/<name>.ts` and exports
 * `register(program)`.
 *
 * @module
 */
import { Command } from "commander";
import {
  commandName,
  exitQuietlyOnClosedPipe,
  reportFailure,
} from "./failure.js";
import { register as registerCheck } from "./commands/check.js";
import { register as registerFmt } from "./commands/fmt.js";
import { register as registerCompile } from "./commands/compile.js";
import { register as registerValidate } from "./commands/validate.js";
import { register as registerGenerate } from "./commands/generate.js";
import { register as registerCatalogue } from "./commands/catalogue.js";
import { register as registerTrace } from "./commands/trace.js";
import { register as registerDiff } from "./commands/diff.js";
import { register as registerRecord } from "./commands/record.js";
import { register as registerHistory } from "./commands/history.js";
import { register as registerAssess } from "./commands/assess.js";
import { register as registerExplain } from "./commands/explain.js";
import { printErr, printOut } from "./terminal-text.js";
import { register as registerVerify } from "./commands/verify.js";
import { toolVersion } from "../runtime/tool-version.js";

exitQuietlyOnClosedPipe();
const program = new Command();
// commander's usage errors throw (exit 2 below) instead of exiting 1; set before the subcommands,
// which inherit it
program.exitOverride();
program
  .name("regel")
  .description(
    "Rules language and compiler for Dutch deposit-guarantee (DGS / IKB) regulation",
  )
  .version(toolVersion())
  // commander echoes arguments in its errors ("unknown option ..."): made safe like all output
  .configureOutput({ writeOut: printOut, writeErr: printErr })
  .addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 negative verdict (rejected, blocking findings, errors, stale),\n" +
      "2 usage error, 3 environment error (cannot write the output, full disk) or a bug.",
  );

registerCheck(program);
registerFmt(program);
registerCompile(program);
registerValidate(program);
registerGenerate(program);
registerCatalogue(program);
registerTrace(program);
registerDiff(program);
registerRecord(program);
registerHistory(program);
registerAssess(program);
registerExplain(program);
registerVerify(program);

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
