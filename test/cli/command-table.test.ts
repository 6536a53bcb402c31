/**
 * The command table (cli/command-table.ts) that `regel --help` lists without importing the
 * commands says of each command what its module registers: the same name, term and description,
 * in the same order; and the root help is the same whether commands are listed from the table or
 * fully registered.
 */
import { Command, Help } from "commander";
import { describe, expect, it } from "vitest";
import {
  COMMANDS,
  commandsToLoad,
  invokedCommand,
} from "../../cli/command-table.js";

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

  it("loads the invoked command's module alone, which registers every option the command has; `validate` has its `--record` (from the record command's module) on its own", async () => {
    expect([...commandsToLoad("validate")]).toEqual(["validate"]);
    expect([...commandsToLoad("trace")]).toEqual(["trace"]);
    expect([...commandsToLoad(undefined)]).toEqual([]);
    // a command registered alone has the options it has in the full program: no module adds
    // options to another command
    const alone = new Map<string, string[]>();
    for (const entry of COMMANDS) {
      const program = new Command();
      const load = commandsToLoad(entry.name);
      for (const e of COMMANDS.filter((c) => load.has(c.name)))
        (await e.load()).register(program);
      const command = program.commands.find((c) => c.name() === entry.name)!;
      alone.set(
        entry.name,
        command.options.map((o) => o.long ?? ""),
      );
    }
    expect(alone.get("validate")).toContain("--record");
    const full = await fullProgram();
    for (const c of full.commands)
      expect(alone.get(c.name()), c.name()).toEqual(
        c.options.map((o) => o.long ?? ""),
      );
  });
});
