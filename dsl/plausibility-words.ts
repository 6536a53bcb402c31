/**
 * The words of a `plausibility` declaration (docs/language.md § Plausibility) and its defaults:
 * one list that the checker, the compiler and the outlier method (audit/outliers.ts) share.
 *
 * @module
 */
import type { PlausibilityDecl } from "./ast.js";

/** `compare history` (the bank's own earlier deliveries) or `compare peers` (other banks). */
export const COMPARE_WORDS = ["history", "peers"] as const;

/** `method robust_z`: the only method so far (median / MAD robust z-score). */
export const METHOD_WORDS = ["robust_z"] as const;

/** Series the history store records for every run (table runs). */
export const BUILT_IN_SERIES = [
  "ikbs",
  "percentage",
  "blocking_errors",
  "errors",
] as const;

/**
 * What a `watch` item starts with: a built-in series; `findings` (every rule) or `findings CODE`;
 * `aggregates` (every recorded aggregate) or `aggregate NAME`.
 */
export const WATCH_WORDS = [
  ...BUILT_IN_SERIES,
  "findings",
  "aggregates",
  "aggregate",
] as const;

/** What a declaration without the clause means. */
export const PLAUSIBILITY_DEFAULTS = {
  compare: "history",
  method: "robust_z",
  threshold: 3.5,
  window: 8,
  /** Earlier deliveries (history) or other banks (peers) needed before anything is judged. */
  minimum: { history: 4, peers: 3 },
} as const;

/** A declaration's settings with every default filled in (what trace.json records). */
export function plausibilitySettings(p: PlausibilityDecl): {
  compare: "history" | "peers";
  method: "robust_z";
  threshold: number;
  window: number;
  minimum: number;
  watch: string[];
} {
  const compare = p.compare?.name === "peers" ? "peers" : "history";
  return {
    compare,
    method: "robust_z",
    threshold:
      p.threshold === undefined
        ? PLAUSIBILITY_DEFAULTS.threshold
        : Number(p.threshold.text),
    window: p.window?.value ?? PLAUSIBILITY_DEFAULTS.window,
    minimum: p.minimum?.value ?? PLAUSIBILITY_DEFAULTS.minimum[compare],
    watch: p.watch.map((w) =>
      w.name === undefined ? w.word.name : `${w.word.name} ${w.name.name}`,
    ),
  };
}
