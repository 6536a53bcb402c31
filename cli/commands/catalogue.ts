import type { Command } from "commander";

/** Placeholder until the `catalogue` command lands. */
export function register(program: Command): void {
  program
    .command("catalogue")
    .description("(not yet available)")
    .action(() => {
      process.stderr.write("regel catalogue: not yet available\n");
      process.exitCode = 2;
    });
}
