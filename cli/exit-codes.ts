/**
 * The exit codes of every `regel` command, in one place so that batch jobs and CI can rely on
 * them (documented in the README and docs/guides/engineer.md).
 *
 * @module
 */

/** Exit codes of the `regel` command. */
export const EXIT = {
  /** Accepted / clean: no blocking finding, no error. */
  ok: 0,
  /** The verdict is negative: a delivery rejected, a blocking finding, a ruleset with errors, a stale file under `--check`. */
  failed: 1,
  /** Usage error: a wrong flag, a missing argument, input the user must fix before anything can run. */
  usage: 2,
  /** Internal or environment error: a file that cannot be written, a full disk, a bug. */
  environment: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
