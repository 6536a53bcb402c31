import type { Command } from "commander";

/** Placeholder until the `check` command lands. */
export function register(program: Command): void {
  program
    .command("check")
    .description("(not yet available)")
    .action(() => {
      process.stderr.write("regel check: not yet available\n");
      process.exitCode = 2;
    });
}
