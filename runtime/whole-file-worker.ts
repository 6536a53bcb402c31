/**
 * A worker thread of the whole-file passes over key ranges (runtime/stage-whole-file.ts starts
 * it; its entry is runtime/validate-worker.ts, which runs {@link wholeFileWork} for a job of kind
 * `WHOLE_FILE_JOB_KIND`: one built worker script, found as the validate pass finds it). It loads
 * the compiled ruleset itself (the checks' projections are functions of the module), rebuilds
 * the files and checks from plain data, and reads only the rows of its range of IKB keys.
 *
 * Round 1: per joined check, the hashes of the pairs of its range in order (and the second read
 * of the own file's checks along, from the row number of its resume point); then the own-file
 * checks of the other files; message `scanned`. It waits for `sealed` (the main thread's sealed
 * joined checks, with the number of the range's first pair), reads the pairs again for those with
 * candidates, and sends `collected`.
 *
 * @module
 */
import type { MessagePort } from "node:worker_threads";
import {
  createRun,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { InputHash } from "./input-hash.js";
import { loadCompiled } from "./load-compiled.js";
import {
  RangeWork,
  type WholeFileJob,
  type WholeFileMessage,
  type WholeFileSealedMessage,
  type WholeFileWorkerFile,
} from "./stage-whole-file.js";

/** A file of the job as a state the shared functions of stage-whole-file.ts read. */
function fileState(s: DeliveryRun, d: WholeFileWorkerFile): FileState {
  const entity = s.rs.entities.find((e) => e.name === d.entity);
  if (entity === undefined)
    throw new Error(`the compiled ruleset has no entity ${d.entity}`);
  return {
    entity,
    blocking: new Map(),
    format: "csv",
    file: d.file,
    path: d.path,
    report: {
      entity: d.entity,
      file: d.file,
      readStatus: "read",
      status: "accepted",
      sortedByIkbKey: true,
      rowsRead: 0,
      rowsValidated: 0,
      rowsRejected: 0,
      blockingErrors: 0,
      blockingByCode: [],
      problems: [],
      problemsOmitted: 0,
    },
    bytes: 0,
    width: d.width,
    index: d.index,
    ikbCol: d.ikbCol,
    keyCols: [],
    refs: [],
    wholeFile: [],
    roleByField: -1,
    hash: new InputHash(),
  };
}

function nextMessage(port: MessagePort): Promise<WholeFileSealedMessage> {
  return new Promise((resolve) =>
    port.once("message", (m: WholeFileSealedMessage) => resolve(m)),
  );
}

/** Run the job's two rounds over its range (see the module comment). */
export async function wholeFileWork(
  port: MessagePort,
  job: WholeFileJob,
): Promise<void> {
  const loaded = await loadCompiled(job.compiledDir);
  if (loaded.compiledSha256 !== job.compiledSha256)
    throw new Error(
      `${job.compiledDir}/validators.js changed while the delivery was validated`,
    );
  const s = createRun(job.folder, loaded, job.opts, undefined, false);
  const work = new RangeWork(
    s,
    job.files.map((d) => fileState(s, d)),
    job,
  );
  const sealed = nextMessage(port);
  port.postMessage((await work.round1()) satisfies WholeFileMessage);
  port.postMessage(
    (await work.round2(await sealed)) satisfies WholeFileMessage,
  );
}
