import type { Command } from "commander";

/** Placeholder until the `fmt` command lands. */
export function register(program: Command): void {
  program
    .command("fmt")
    .description("(not yet available)")
    .action(() => {
      process.stderr.write("regel fmt: not yet available\n");
      process.exitCode = 2;
    });
}
