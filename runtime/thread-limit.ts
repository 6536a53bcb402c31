/**
 * The most threads a run takes (`threads`, `regel validate --threads`), in a module of its own:
 * the command line reads it at start-up, before it loads anything else of the runtime.
 *
 * @module
 */

/** The most threads a run takes (`threads`, `regel validate --threads`). */
export const MAX_THREADS = 256;
