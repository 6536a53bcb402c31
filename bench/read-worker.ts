/**
 * One thread of bench/measure.ts's "read-threads" task: reads every cell of the delivery in
 * `workerData.readFolder` once and posts its counts. Imports only the reader, so that the threads
 * start reading at once.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { regelReadOnly } from "./read-only.js";

parentPort!.postMessage(
  await regelReadOnly(
    (workerData as { readFolder: string }).readFolder,
    "bytes",
  ),
);
