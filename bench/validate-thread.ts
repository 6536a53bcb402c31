/**
 * One thread of bench/measure.ts's "validate-side-by-side" task: `regel validate` in one thread
 * (bench/validate-end-to-end.ts) over the whole delivery in `workerData`; posts its numbers.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { validateEndToEnd } from "./validate-end-to-end.js";

const { folder, compiled, rrd } = workerData as {
  folder: string;
  compiled: string;
  rrd: string;
};
parentPort!.postMessage(await validateEndToEnd(folder, compiled, rrd));
