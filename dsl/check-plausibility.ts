/**
 * Checks of `plausibility` declarations (docs/language.md § Plausibility): the words of `compare`,
 * `method` and `watch`, and numbers the outlier method can use. Rule codes and aggregate names in
 * `watch` are not looked up: the figures come from the history store, recorded by runs of other
 * rulesets (a plausibility in ikb.groeipad watches the rules of ikb.glo).
 *
 * @module
 */
import type { PlausibilityDecl } from "./ast.js";
import { CODES } from "./check-codes.js";
import { missing, type Reporter, suggest } from "./check-context.js";
import {
  COMPARE_WORDS,
  METHOD_WORDS,
  PLAUSIBILITY_DEFAULTS,
  WATCH_WORDS,
} from "./plausibility-words.js";

const list = (words: readonly string[]) =>
  words.map((w) => `\`${w}\``).join(", ");

/** Check the plausibility declarations `decls` (those written in the file being checked). */
export function checkPlausibilities(
  decls: readonly PlausibilityDecl[],
  reporter: Reporter,
): void {
  for (const d of decls) {
    if (d.compare !== undefined && !missing(d.compare)) {
      if (!(COMPARE_WORDS as readonly string[]).includes(d.compare.name))
        reporter.report(
          CODES.plausibilityWord,
          `\`compare ${d.compare.name}\`: compare with ${list(COMPARE_WORDS)}`,
          d.compare.span,
          suggest(d.compare.name, COMPARE_WORDS),
        );
    }
    if (d.method !== undefined && !missing(d.method)) {
      if (!(METHOD_WORDS as readonly string[]).includes(d.method.name))
        reporter.report(
          CODES.plausibilityWord,
          `unknown method \`${d.method.name}\`; the methods are ${list(METHOD_WORDS)}`,
          d.method.span,
          suggest(d.method.name, METHOD_WORDS),
        );
    }
    for (const s of d.watch) {
      if (missing(s.word)) continue;
      const word = s.word.name;
      if (!(WATCH_WORDS as readonly string[]).includes(word)) {
        reporter.report(
          CODES.plausibilitySeries,
          `unknown series \`${word}\`; a plausibility watches ${list(WATCH_WORDS)}`,
          s.word.span,
          suggest(word, WATCH_WORDS),
        );
      } else if (word === "aggregate" && s.name === undefined) {
        reporter.report(
          CODES.plausibilitySeries,
          "`aggregate` names one aggregate (`aggregate depositors`); `aggregates` watches every recorded one",
          s.span,
        );
      } else if (
        s.name !== undefined &&
        word !== "aggregate" &&
        word !== "findings"
      ) {
        reporter.report(
          CODES.plausibilitySeries,
          `\`${word}\` takes no name; only \`findings CODE\` and \`aggregate NAME\` do`,
          s.name.span,
        );
      }
    }
    const peers = d.compare?.name === "peers";
    const minimum =
      d.minimum?.value ??
      PLAUSIBILITY_DEFAULTS.minimum[peers ? "peers" : "history"];
    const window = d.window?.value ?? PLAUSIBILITY_DEFAULTS.window;
    if (d.minimum !== undefined && d.minimum.value < 2)
      reporter.report(
        CODES.plausibilityNumber,
        `\`minimum ${d.minimum.value}\`: at least 2 values are needed to measure a spread`,
        d.minimum.span,
      );
    if (d.window !== undefined && !peers && window < minimum)
      reporter.report(
        CODES.plausibilityNumber,
        `\`window ${window}\` is smaller than the minimum history of ${minimum}: nothing would ever be evaluated`,
        d.window.span,
      );
    if (d.threshold !== undefined && !(Number(d.threshold.text) > 0))
      reporter.report(
        CODES.plausibilityNumber,
        `\`threshold ${d.threshold.text}\`: the threshold on |z| must be above 0`,
        d.threshold.span,
      );
    if (d.watch.length === 0 && !missing(d.name))
      reporter.report(
        CODES.plausibilityNoWatch,
        `plausibility \`${d.name.name}\` watches nothing: add \`watch ...\` with the series to watch (${list(WATCH_WORDS)})`,
        d.name.span,
      );
  }
}
