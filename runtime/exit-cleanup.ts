/**
 * Cleanups that run however the process ends (an error, `process.exit`, SIGINT, SIGTERM,
 * SIGHUP), over signal-exit, and that a second signal does not cut short.
 *
 * signal-exit takes its signal listeners away before it calls the cleanups, so a second SIGINT
 * while they run (Ctrl-C pressed twice) would get the default action and kill the process half
 * way: a sort folder of unmasked rows left behind. While the cleanups of a signal run, these
 * signals are caught and ignored; the process still ends by the first one.
 *
 * @module
 */
import { onExit } from "signal-exit";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function ignore(): void {
  // a signal while the cleanups run: they finish, then the process ends by the first signal
}

let shielded = false;

/** The listeners that ignore a second signal, registered before any cleanup of this module. */
function shield(): void {
  if (shielded) return;
  shielded = true;
  onExit((_code, signal) => {
    if (signal === null || process.platform === "win32") return;
    for (const s of SIGNALS) process.on(s, ignore);
  });
  // last: signal-exit then sends the process its signal again, which must not be ignored
  onExit(
    () => {
      for (const s of SIGNALS) process.off(s, ignore);
    },
    { alwaysLast: true },
  );
}

/**
 * Run `cleanup` when the process ends, however it ends (see the module comment); returns the
 * function that takes it off again. `cleanup` is synchronous and must not throw.
 */
export function onExitCleanup(cleanup: () => void): () => void {
  shield();
  return onExit(() => {
    cleanup();
  });
}
