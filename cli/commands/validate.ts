import type { Command } from "commander";

/** Placeholder until the `validate` command lands. */
export function register(program: Command): void {
  program
    .command("validate")
    .description("(not yet available)")
    .action(() => {
      process.stderr.write("regel validate: not yet available\n");
      process.exitCode = 2;
    });
}
