/**
 * One thread of bench/measure.ts's "one-read-floor-threads" task: runs the one-read floor
 * (bench/one-read-floor.ts) over the whole delivery in `workerData` and posts its numbers.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { oneReadFloor } from "./one-read-floor.js";

const { folder, compiled, rrd } = workerData as {
  folder: string;
  compiled: string;
  rrd: string;
};
parentPort!.postMessage(await oneReadFloor(folder, compiled, rrd));
