import type { Command } from "commander";

/** Placeholder until the `compile` command lands. */
export function register(program: Command): void {
  program
    .command("compile")
    .description("(not yet available)")
    .action(() => {
      process.stderr.write("regel compile: not yet available\n");
      process.exitCode = 2;
    });
}
