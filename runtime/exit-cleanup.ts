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

/**
 * Register the listeners that ignore a second signal; returns the function that removes them.
 * Registered before the cleanups, so that they run first.
 */
function shield(): () => void {
  const removeFirst = onExit((_code, signal) => {
    if (signal === null || process.platform === "win32") return;
    for (const s of SIGNALS) process.on(s, ignore);
  });
  // last: signal-exit then sends the process its signal again, which must not be ignored
  const removeLast = onExit(
    () => {
      for (const s of SIGNALS) process.off(s, ignore);
    },
    { alwaysLast: true },
  );
  return () => {
    removeFirst();
    removeLast();
  };
}

/** Cleanups registered and not taken off; the shield is there while there are any. */
let registered = 0;
let removeShield: (() => void) | undefined;

/**
 * Run `cleanup` when the process ends, however it ends (see the module comment); returns the
 * function that takes it off again (when the last one is taken off, signal-exit lets the process
 * go, as before any was registered). `cleanup` is synchronous and must not throw.
 */
export function onExitCleanup(cleanup: () => void): () => void {
  if (registered++ === 0) removeShield = shield();
  const remove = onExit(() => {
    cleanup();
  });
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    remove();
    if (--registered === 0) {
      removeShield?.();
      removeShield = undefined;
    }
  };
}
