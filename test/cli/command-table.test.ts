/**
 * The command table (cli/command-table.ts) that `regel --help` lists without importing the
 * commands says of each command what its module registers: the same name, term and description,
 * in the same order; and the root help is the same whether commands are listed from the table or
 * fully registered.
 */
import { Command, Help } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS, invokedCommand } from "../../cli/command-table.js";

async function fullProgram(): Promise<Command> {
  const program = new Command().name("regel");
  for (const entry of COMMANDS) (await entry.load()).register(program);
  return program;
}

describe("the command table", () => {
  it("matches what every command module registers", async () => {
    const program = await fullProgram();
    const help = new Help();
    expect(
      program.commands.map((c) => ({
        name: c.name(),
        term: help.subcommandTerm(c),
        description: help.subcommandDescription(c),
      })),
    ).toEqual(
      COMMANDS.map(({ name, term, description }) => ({
        name,
        term,
        description,
      })),
    );
  });

  it("finds the command a command line runs, also after `help`", () => {
    const argv = (...a: string[]) => ["node", "regel", ...a];
    expect(invokedCommand(argv("validate", "d", "--rrd", "x"))).toBe(
      "validate",
    );
    expect(invokedCommand(argv("--json", "check", "rulesets"))).toBe("check");
    expect(invokedCommand(argv("help", "trace"))).toBe("trace");
    expect(invokedCommand(argv("--help"))).toBeUndefined();
    expect(invokedCommand(argv("valdate"))).toBeUndefined();
  });
});
