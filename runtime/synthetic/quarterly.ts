/**
 * The bank's quarterly figures for a generated delivery (`regel generate --quarterly-out FILE
 * [--quarterly-wrong N]`): one `figure,value` line per figure of the ruleset's first `reconcile`
 * (docs/language.md, "Aggregates and reconciliation"), each the value of the aggregate it is
 * declared against on the generated delivery, so that `regel validate --quarterly FILE` reconciles
 * it — except N figures, chosen by the seed, made wrong by more than their tolerance. The wrong
 * ones are the ground truth, written to `ground-truth/quarterly-wrong.csv` beside the delivery.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeFolderSync } from "../make-folder.js";
import type { ReconcileTrace } from "../../compiler/contract.js";
import type { AggregateReport } from "../report-types.js";
import { Random } from "./random.js";

/** A figure written wrongly: what the delivery has and what the file says. */
export interface WrongFigure {
  figure: string;
  aggregate: string;
  delivered: string;
  written: string;
}

export interface QuarterlyOptions {
  /** The file to write (`--quarterly-out`). */
  file: string;
  /** Figures to make wrong (`--quarterly-wrong`, default 0). */
  wrong: number;
  seed: number;
  /** The delivery folder: the ground truth goes to its `ground-truth/quarterly-wrong.csv`. */
  out: string;
}

/** The aggregate's value as the quarterly file writes it: exact for a sum. */
function valueText(a: AggregateReport): string | undefined {
  if (a.value === null) return undefined;
  return a.unit === "amount" && /^-?[0-9]+(\.[0-9]+)?$/.test(a.text)
    ? a.text
    : String(a.value);
}

/** `text` + `delta` (a whole number), keeping the decimals of `text`. */
function addWhole(text: string, delta: bigint): string {
  const negative = text.startsWith("-");
  const [whole, frac = ""] = (negative ? text.slice(1) : text).split(".");
  const scale = 10n ** BigInt(frac.length);
  const scaled =
    (negative ? -1n : 1n) * BigInt(`${whole}${frac}`) + delta * scale;
  const sign = scaled < 0n ? "-" : "";
  const digits = (scaled < 0n ? -scaled : scaled)
    .toString()
    .padStart(frac.length + 1, "0");
  return frac.length === 0
    ? `${sign}${digits}`
    : `${sign}${digits.slice(0, -frac.length)}.${digits.slice(-frac.length)}`;
}

/**
 * A wrong value, outside the tolerance: off by at least 2 % of the value, three times a
 * percentage tolerance, and twice an absolute tolerance plus one, up or (when it stays at or
 * above 0) down.
 */
function wrongValue(
  text: string,
  tolerance: ReconcileTrace["figures"][number]["tolerance"],
  random: Random,
): string {
  const v = Math.abs(Number(text));
  const tol = Number(tolerance.value);
  const delta = Math.ceil(
    Math.max(
      1,
      v * 0.02,
      tolerance.kind === "percent" ? (v * tol * 3) / 100 : 0,
      tolerance.kind === "absolute" ? tol * 2 + 1 : 0,
    ),
  );
  const down = random.chance(0.5) && Number(text) - delta >= 0;
  return addWhole(text, BigInt(down ? -delta : delta));
}

/** Write the quarterly file and its ground truth; the wrong figures, in declaration order. */
export function writeQuarterlyFigures(
  reconcile: ReconcileTrace,
  aggregates: readonly AggregateReport[],
  opts: QuarterlyOptions,
): WrongFigure[] {
  const figures = reconcile.figures.flatMap((f) => {
    const a = aggregates.find((x) => x.name === f.aggregate);
    const text = a === undefined ? undefined : valueText(a);
    return text === undefined ? [] : [{ ...f, text }];
  });
  if (opts.wrong > figures.length)
    throw new Error(
      `--quarterly-wrong ${opts.wrong}: reconcile ${reconcile.name} has ${figures.length} figure${figures.length === 1 ? "" : "s"} with a value on this delivery`,
    );
  const random = new Random(opts.seed ^ 0x5157);
  const order = figures.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const wrongAt = new Set(order.slice(0, opts.wrong));
  const wrong: WrongFigure[] = [];
  const lines = ["figure,value"];
  figures.forEach((f, i) => {
    const written = wrongAt.has(i)
      ? wrongValue(f.text, f.tolerance, random)
      : f.text;
    if (wrongAt.has(i))
      wrong.push({
        figure: f.name,
        aggregate: f.aggregate,
        delivered: f.text,
        written,
      });
    lines.push(`${f.name},${written}`);
  });
  writeFileSync(opts.file, `${lines.join("\n")}\n`);
  const truth = join(opts.out, "ground-truth");
  makeFolderSync(truth);
  writeFileSync(
    join(truth, "quarterly-wrong.csv"),
    `${["figure,aggregate,delivered,written", ...wrong.map((w) => `${w.figure},${w.aggregate},${w.delivered},${w.written}`)].join("\n")}\n`,
  );
  return wrong;
}
