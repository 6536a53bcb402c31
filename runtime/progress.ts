/**
 * A progress bar on stderr (cli-progress), shown only when stderr is a terminal.
 *
 * @module
 */
import cliProgress from "cli-progress";
import type { Progress } from "./delivery.js";

/** Returns an `onProgress` callback and a `stop` function; both do nothing when not on a TTY. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  onProgress?: (p: Progress) => void;
  stop: () => void;
} {
  if (!stream.isTTY) return { stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        "{phase} {file} |{bar}| {percentage}% · {rows} rows · {rate} rows/s · ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let phaseKey = "";
  const t0 = performance.now();
  return {
    onProgress(p: Progress) {
      const key = `${p.phase}:${p.file}`;
      const secs = (performance.now() - t0) / 1000;
      const payload = {
        phase: p.phase,
        file: p.file,
        rows: p.rows,
        rate: secs > 0 ? Math.round(p.rows / secs) : 0,
      };
      if (!started) {
        bar.start(Math.max(1, p.total), p.done, payload);
        started = true;
      } else if (key !== phaseKey) {
        bar.setTotal(Math.max(1, p.total));
      }
      phaseKey = key;
      bar.update(p.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
