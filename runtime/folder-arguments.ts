/**
 * The arguments of `validateFolder` and `validateDelivery` (runtime/validate.ts,
 * runtime/delivery.ts), checked before a run as `regel validate` checks its folder and flags:
 * a value the command refuses (exit 2) is an {@link InvalidArgumentError} here, never a run that
 * reports on something else.
 *
 * @module
 */
import { isIsoDateTime } from "./calendar-date.js";
import type { DeliveryOptions } from "./delivery-state.js";
import { InvalidArgumentError } from "./errors.js";
import { isFolder } from "./make-folder.js";
import { MAX_THREADS } from "./thread-limit.js";

/** The options that are counts of one or more (characters, fields, rows, bytes, hashes). */
const POSITIVE = [
  "sortBudget",
  "maxFieldLength",
  "maxFields",
  "maxRecordLength",
  "maxIkbRows",
  "scanSplitBytes",
  "sealSplitHashes",
  "sortPieceBytes",
] as const;

const isCount = (v: unknown, least: number) =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= least;

/**
 * @throws InvalidArgumentError when an option has a value `regel validate` refuses for its flag
 *   (or that the report's schema refuses: `maxSamples`), or a callback is not a function
 */
export function checkDeliveryOptions(opts: DeliveryOptions): void {
  const refuse = (name: string, problem: string): never => {
    throw new InvalidArgumentError(
      name,
      (opts as unknown as Record<string, unknown>)[name],
      problem,
    );
  };
  const { threads } = opts;
  if (threads !== undefined && threads !== "auto")
    if (!isCount(threads, 1) || threads > MAX_THREADS)
      refuse(
        "threads",
        `expected "auto" or a whole number from 1 to ${MAX_THREADS}`,
      );
  for (const name of POSITIVE)
    if (opts[name] !== undefined && !isCount(opts[name], 1))
      refuse(name, "expected a whole number, 1 or more");
  if (opts.maxSamples !== undefined && !isCount(opts.maxSamples, 0))
    refuse("maxSamples", "expected a whole number, 0 or more");
  if (
    opts.generatedAt !== undefined &&
    !(typeof opts.generatedAt === "string" && isIsoDateTime(opts.generatedAt))
  )
    refuse(
      "generatedAt",
      "expected an ISO date-time with offset, e.g. 2024-04-03T14:05:00+02:00",
    );
  for (const name of ["tempDir", "previous"] as const) {
    const dir = opts[name];
    if (dir !== undefined && !(typeof dir === "string" && isFolder(dir)))
      refuse(name, "not a folder; give an existing folder");
  }
  for (const name of ["onProgress", "onThreads"] as const)
    if (opts[name] !== undefined && typeof opts[name] !== "function")
      refuse(name, "expected a function");
}

/**
 * @throws InvalidArgumentError when `folder` is not a folder (absent, a file, not a path): the run
 *   would report every file of the delivery missing
 */
export function checkDeliveryFolder(folder: unknown): void {
  if (typeof folder !== "string" || !isFolder(folder))
    throw new InvalidArgumentError(
      "folder",
      folder,
      "not a folder; give the path of the delivery folder",
    );
}
