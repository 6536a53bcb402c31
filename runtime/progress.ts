/**
 * A progress bar on stderr (cli-progress), shown only when stderr is a terminal: one bar per phase
 * and file (scan, sort, validate) with rows, rate and time left.
 *
 * @module
 */
import type * as CliProgress from "cli-progress";
import { createRequire } from "node:module";
import { onExitCleanup } from "./exit-cleanup.js";
import type { Progress } from "./delivery.js";

/**
 * What the bar's own stop writes back, for a way out without it: line wrapping on and the
 * cursor shown (the bar turns both off while it draws), and a line end after the bar.
 */
const TERMINAL_BACK = "\x1b[?7h\x1b[?25h\n";

/**
 * Returns an `onProgress` callback and a `stop` function; both do nothing when not on a TTY. The
 * bar hides the cursor and turns line wrapping off; both come back with `stop`, and on every
 * other way out — an error, Ctrl-C, SIGTERM — by an exit hook, so the terminal is never left
 * without a cursor or wrapping.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  onProgress?: (p: Progress) => void;
  stop: () => void;
} {
  if (!stream.isTTY) return { stop: () => undefined };
  // loaded only for a terminal: not by `--no-progress`, a pipe or a test (start-up, bench/)
  const cliProgress = createRequire(import.meta.url)(
    "cli-progress",
  ) as typeof CliProgress;
  let bar: CliProgress.SingleBar | undefined;
  let key = "";
  /** When the bar's phase began: the last report of the phase before it (or the bar's making). */
  let t0 = performance.now();
  let lastAt = t0;
  let removeExitHook: (() => void) | undefined;
  const endBar = () => {
    bar?.stop();
    bar = undefined;
  };
  const stop = () => {
    endBar();
    removeExitHook?.();
    removeExitHook = undefined;
  };
  return {
    onProgress(p: Progress) {
      const k = `${p.phase}:${p.file}`;
      if (k !== key || !bar) {
        // a new phase or file: a fresh bar, so rate and time left are its own
        endBar();
        removeExitHook ??= onExitCleanup(() => {
          if (bar) stream.write(TERMINAL_BACK);
        });
        key = k;
        // the first report of a phase comes after its first rows (every 65,536 in the sort):
        // its rate counts them from where the phase before ended, not from this report
        t0 = lastAt;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format:
              "{phase} {file} |{bar}| {percentage}% · {rows} rows · {rate} rows/s · ETA {eta_formatted}",
            hideCursor: true,
            clearOnComplete: false,
            etaBuffer: 20,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(1, p.total), 0, {
          phase: p.phase,
          file: p.file,
          rows: p.rows,
          rate: 0,
        });
      }
      lastAt = performance.now();
      const secs = (lastAt - t0) / 1000;
      const rate = secs > 0 ? Math.round(p.rows / secs) : 0;
      bar.update(Math.min(p.done, p.total), {
        phase: p.phase,
        file: p.file,
        rows: p.rows,
        rate,
      });
    },
    stop,
  };
}
