import type { Command } from "commander";

/** Placeholder until the `generate` command lands. */
export function register(program: Command): void {
  program
    .command("generate")
    .description("(not yet available)")
    .action(() => {
      process.stderr.write("regel generate: not yet available\n");
      process.exitCode = 2;
    });
}
