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
import type { KeyedRow } from "./assemble.js";
import {
  createRun,
  type DeliveryRun,
  type FileState,
} from "./delivery-state.js";
import { InputHash } from "./input-hash.js";
import { loadCompiled } from "./load-compiled.js";
import {
  checkColumns,
  collectRow,
  eachPair,
  joinColumns,
  joinedCheck,
  PairCells,
  plainRows,
  type SealedCheck,
  type WholeFileJob,
  type WholeFileMessage,
  type WholeFileSealedMessage,
  type WholeFileWorkerFile,
} from "./stage-whole-file.js";
import type { StartPoint } from "./stage-partition.js";
import { WholeFileCheck } from "./whole-file.js";

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

/** An own-file check of `f`, sealed as in the main thread, collecting from the range's first row. */
function ownCheck(
  s: DeliveryRun,
  f: FileState,
  d: WholeFileWorkerFile,
  c: SealedCheck,
): WholeFileCheck {
  const rule = s.rs.fileRules.find(
    (r) => r.code === c.code && r.join === undefined,
  );
  const projection = s.rs.wholeFile?.[c.code];
  if (rule === undefined || projection === undefined)
    throw new Error(`the compiled ruleset has no whole-file check ${c.code}`);
  const w = new WholeFileCheck(
    rule,
    projection,
    f.entity,
    f.index,
    f.file,
    s.opts.showPersonalData === true,
  );
  w.adoptSealed(c.sealed, d.startRow);
  return w;
}

/**
 * The good rows of `f` whose IKB key is in [lo, hi), read from `start`; `below` is called for
 * each good row before the range (read from the resume point, not the range's).
 */
async function* rangeRows(
  s: DeliveryRun,
  f: FileState,
  keep: Uint8Array,
  start: StartPoint,
  lo: string | null,
  hi: string | null,
  below?: () => void,
): AsyncGenerator<KeyedRow[]> {
  let inRange = lo === null;
  for await (const batch of plainRows(s, f, keep, start, hi)) {
    if (inRange) {
      yield batch;
      continue;
    }
    // the file is in key order: once a row is in the range, so are the rows after it
    let i = 0;
    while (i < batch.length && batch[i].key < lo!) {
      below?.();
      i++;
    }
    if (i === batch.length) continue;
    inRange = true;
    yield i === 0 ? batch : batch.slice(i);
  }
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
  const files = job.files.map((d) => fileState(s, d));
  const { lo, hi } = job;
  const read = (i: number, keep: Uint8Array, below?: () => void) =>
    rangeRows(s, files[i], keep, job.files[i].start, lo, hi, below);
  const joins = job.joins.map((d) => {
    const rule = s.rs.fileRules.find((r) => r.code === d.code);
    const j = rule && joinedCheck(s, rule, [files[d.own], files[d.other]]);
    if (j === undefined)
      throw new Error(`the compiled ruleset has no joined check ${d.code}`);
    return j;
  });
  const scanned: Extract<WholeFileMessage, { type: "scanned" }> = {
    type: "scanned",
    joins: [],
    collects: [],
  };
  const keeps = joins.map((j, i) => {
    const d = job.joins[i];
    const checks = d.ownChecks.map((c) =>
      ownCheck(s, j.own, job.files[d.own], c),
    );
    return { checks, keep: joinColumns(j, checks) };
  });
  for (let i = 0; i < joins.length; i++) {
    const j = joins[i];
    const d = job.joins[i];
    const { checks, keep } = keeps[i];
    const pair = new PairCells(j.own, j.other);
    let pairs = 0;
    await eachPair(
      [
        read(d.own, keep[0], () => {
          for (const c of checks) c.skip();
        }),
        read(d.other, keep[1]),
      ],
      j,
      (a, b) => {
        pair.fill(a, b);
        j.w.scan(pair.cells);
        pairs++;
      },
      checks.length > 0 ? (a) => collectRow(j.own, checks, a) : undefined,
    );
    scanned.joins.push({
      scan: j.w.scanPart(),
      pairs,
      own: checks.map((c) => c.collectedPart()),
    });
  }
  for (const d of job.collects) {
    const f = files[d.file];
    const checks = d.checks.map((c) => ownCheck(s, f, job.files[d.file], c));
    const below = () => {
      for (const c of checks) c.skip();
    };
    for await (const batch of read(d.file, checkColumns(f, checks), below))
      for (const row of batch) collectRow(f, checks, row);
    scanned.collects.push(checks.map((c) => c.collectedPart()));
  }
  const sealed = nextMessage(port);
  port.postMessage(scanned satisfies WholeFileMessage);
  const answer = await sealed;
  const collected: (typeof answer.joins)[number][] = answer.joins;
  const out: Extract<WholeFileMessage, { type: "collected" }> = {
    type: "collected",
    joins: [],
  };
  for (let i = 0; i < joins.length; i++) {
    const part = collected[i];
    if (part === null) {
      out.joins.push(null);
      continue;
    }
    const j = joins[i];
    const d = job.joins[i];
    j.w.adoptSealed(part.sealed, part.row);
    const pair = new PairCells(j.own, j.other);
    const keep = joinColumns(j, []);
    await eachPair(
      [read(d.own, keep[0]), read(d.other, keep[1])],
      j,
      (a, b) => {
        if (j.w.skip()) return;
        pair.fill(a, b);
        j.w.take(pair.cells, a.line, pair.delivered);
      },
    );
    out.joins.push(j.w.collectedPart());
  }
  port.postMessage(out satisfies WholeFileMessage);
}
