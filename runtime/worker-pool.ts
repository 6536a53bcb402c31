/**
 * The worker threads of one run of `validateDelivery` (issue 15): one pool, started when the
 * first parallel pass asks for it (the scan of the first large file, early in the read stage), and
 * reused by the scan (runtime/parallel-scan.ts), the whole-file passes
 * (runtime/stage-whole-file.ts) and the validate pass (runtime/parallel-validate.ts). Each worker
 * loads the compiled ruleset once and keeps its warm code from pass to pass; before the pool,
 * every pass started workers of its own, each loading the ruleset and warming up from scratch.
 *
 * One built entry (runtime/pool-worker.ts) runs every kind of job. A job gets a message
 * channel of its own ({@link PoolJob}), so each pass talks to its worker as it did to a worker of
 * its own; a worker runs one job at a time, in the order it was sent them, and a job waits for a
 * free worker, or (`queued`) for a worker with at most one job: a job queued behind the one a
 * worker runs starts the moment that one ends, without waiting for the main thread to turn its
 * event loop and hand it out (the scan's ranges, runtime/parallel-scan.ts). An idle worker does
 * not keep the process alive (`unref`); `validateDelivery` stops the pool at its end, whether the
 * run succeeded or failed (`closeRunPool` in runtime/worker-start.ts). A worker that fails (an
 * error, or an exit before the pool was stopped) fails its job and every later job of the run: the
 * run fails.
 * The main thread reads a job's messages in order through a {@link WorkerLink}.
 *
 * @module
 */
import type { MessagePort, Transferable, Worker } from "node:worker_threads";
import { reportFromEvent, type DeliveryRun } from "./delivery-state.js";
import {
  poolWorkerScript,
  runPools,
  startWorker,
  workerThreads,
} from "./worker-start.js";
import { workerRunData, type WorkerRunData } from "./worker-run.js";
import { WORKERS_REFUSED } from "./stage-partition.js";
import { inputErrorOf } from "./errors.js";

/** The `kind` of a pool worker's `workerData`. */
export const POOL_KIND = "regel-worker-pool";

/** What a pool worker is started with (its `workerData`). */
export interface PoolWorkerData extends WorkerRunData {
  kind: typeof POOL_KIND;
}

/** A job for a pool worker: its kind, its data, and the worker's end of the job's channel. */
export interface PoolJobMessage {
  type: "job";
  kind: string;
  job: unknown;
  port: MessagePort;
}

/** A pool worker's message to the pool: it finished its job and is free. */
export interface PoolFreeMessage {
  type: "free";
}

/** Why a worker failed: its error, or its exit code when it stopped before the pool did. */
export type WorkerFailure = { error: Error } | { exitCode: number };

/**
 * One job on a worker of the pool, as the main thread sees it: the main thread's end of its
 * channel, and the worker's failure.
 */
export interface PoolJob {
  readonly port: MessagePort;
  /** Called once if the worker fails (now, when it had failed already). */
  onFailure(listener: (f: WorkerFailure) => void): void;
  /** The main thread is done with the job (its answer came, or the run failed). */
  close(): void;
}

interface PoolWorker {
  worker: Worker;
  /** The job running first, then those queued behind it (none: idle). */
  jobs: RunningJob[];
}

/** How many jobs a worker holds at most: the one it runs, and one queued. */
const QUEUE_DEPTH = 2;

interface RunningJob {
  port: MessagePort;
  listeners: ((f: WorkerFailure) => void)[];
  failure: WorkerFailure | undefined;
}

/** The worker threads of one run (see the module comment). */
export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting: (() => void)[] = [];
  private failure: WorkerFailure | undefined;
  private stopped = false;
  private readonly data: PoolWorkerData;
  /**
   * Why a worker could not be started (`new Worker` threw: the system refused a thread,
   * ERR_WORKER_INIT_FAILED); the pool then keeps the workers it has and starts no more.
   */
  startError: Error | undefined;

  constructor(
    s: DeliveryRun,
    private readonly script: URL,
  ) {
    this.data = { kind: POOL_KIND, ...workerRunData(s) };
  }

  /** The workers started. */
  get size(): number {
    return this.workers.length;
  }

  /** Start workers until there are `n`, or until one cannot be started ({@link startError}). */
  grow(n: number): void {
    while (
      !this.stopped &&
      this.startError === undefined &&
      this.workers.length < n
    )
      this.start();
  }

  private start(): void {
    let worker: Worker;
    try {
      worker = startWorker(this.script, this.data);
    } catch (e) {
      // a container's limit on processes (pids.max) or threads: fewer workers, not a failed run
      this.startError = e instanceof Error ? e : new Error(String(e));
      return;
    }
    worker.unref();
    const w: PoolWorker = { worker, jobs: [] };
    worker.on("message", (m: PoolFreeMessage) => {
      if (m.type !== "free") return;
      w.jobs.shift();
      if (w.jobs.length === 0) worker.unref();
      // every waiting job looks again: one waiting for a free worker may still find none where
      // one that may be queued would
      for (const resolve of this.waiting.splice(0)) resolve();
    });
    worker.on("error", (error: Error) => this.fail(w, { error }));
    worker.on("exit", (exitCode) => {
      if (!this.stopped) this.fail(w, { exitCode });
    });
    this.workers.push(w);
  }

  /**
   * Run a job of `kind` on the next free worker (`transfer`: what its data hands over rather
   * than copies); `queued`: or behind the job of a worker that runs only one. The job's messages
   * go over its own channel ({@link PoolJob.port}).
   */
  async run(
    kind: string,
    job: unknown,
    transfer: readonly Transferable[] = [],
    queued = false,
  ): Promise<PoolJob> {
    if (this.workers.length === 0) this.grow(1);
    // no worker to wait for: the callers ask for the pool's size first (runPool)
    if (this.workers.length === 0)
      throw new Error(
        `no worker thread could be started: ${this.startError?.message ?? "the pool is stopped"}`,
      );
    const depth = queued ? QUEUE_DEPTH : 1;
    let w = this.free(depth);
    while (w === undefined && this.failure === undefined && !this.stopped) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      w = this.free(depth);
    }
    const { port1, port2 } = new (workerThreads().MessageChannel)();
    const running: RunningJob = {
      port: port1,
      listeners: [],
      failure: this.failure ?? (this.stopped ? { exitCode: 1 } : undefined),
    };
    if (w !== undefined && running.failure === undefined) {
      w.jobs.push(running);
      w.worker.ref();
      w.worker.postMessage(
        { type: "job", kind, job, port: port2 } satisfies PoolJobMessage,
        [port2, ...transfer],
      );
    }
    return {
      port: port1,
      onFailure(listener) {
        if (running.failure !== undefined) listener(running.failure);
        else running.listeners.push(listener);
      },
      close() {
        port1.close();
      },
    };
  }

  /** Stop the workers (the run is done, or failed). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const resolve of this.waiting.splice(0)) resolve();
    // an idle worker is unref'd, and ref() before terminate() does not keep the process alive
    // until its exit (Node 20): a timer does
    const alive = setInterval(() => {}, 1 << 30);
    try {
      await Promise.all(this.workers.map((w) => w.worker.terminate()));
    } finally {
      clearInterval(alive);
    }
  }

  /** The worker with the fewest jobs, if it holds fewer than `depth`. */
  private free(depth: number): PoolWorker | undefined {
    if (this.failure !== undefined || this.stopped) return undefined;
    let best: PoolWorker | undefined;
    for (const w of this.workers)
      if (w.jobs.length < (best?.jobs.length ?? depth)) best = w;
    return best;
  }

  private fail(w: PoolWorker, f: WorkerFailure): void {
    // the first reason counts (an error is followed by an exit)
    this.failure ??= f;
    for (const job of w.jobs)
      if (job.failure === undefined) {
        job.failure = f;
        for (const listener of job.listeners.splice(0)) listener(f);
      }
    // jobs waiting for a worker fail with it
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/**
 * The worker pool of the run `s`, started with `workers` workers (grown to as many when it was
 * started with fewer); undefined when the worker entry is not built or the ruleset was not loaded
 * from its compiled folder (then the main thread does the work).
 */
export function runPool(
  s: DeliveryRun,
  workers: number,
): WorkerPool | undefined {
  // only pools of this module are kept there
  let pool = runPools.get(s) as WorkerPool | undefined;
  if (pool === undefined) {
    const script = poolWorkerScript();
    if (script === undefined || s.loaded.compiledSha256 === undefined)
      return undefined;
    pool = new WorkerPool(s, script);
    runPools.set(s, pool);
  }
  pool.grow(workers);
  const error = pool.startError;
  if (
    error !== undefined &&
    pool.size + 1 < (s.threadsLimit?.threads ?? Infinity)
  )
    s.threadsLimit = {
      threads: pool.size + 1,
      why: `${WORKERS_REFUSED} (${"code" in error ? `${String(error.code)}: ` : ""}${error.message}): ${pool.size + 1} thread${pool.size === 0 ? "" : "s"} used`,
    };
  return pool;
}

/**
 * Start the run's pool with `workers` workers (or find it started with as many); false when the
 * system refused some ({@link WorkerPool.startError}): the run's `threadsLimit` then says how many
 * threads it has, and a pass plans again with that many (runtime/stage-partition.ts `runThreads`).
 */
export function workersStarted(s: DeliveryRun, workers: number): boolean {
  const pool = runPool(s, workers);
  return pool !== undefined && pool.size >= workers;
}

/** Describes a worker's failure in an error of the pass `pass` (worker `k` counted from 0). */
export function failureError(f: WorkerFailure, k: number, pass: string): Error {
  // the delivery's fault, not the worker's: the message one thread gives
  const input = "error" in f ? inputErrorOf(f.error) : undefined;
  if (input !== undefined) return input;
  return "error" in f
    ? new Error(`worker ${k + 1} of ${pass} failed: ${f.error.message}`, {
        cause: f.error,
      })
    : new Error(
        `worker ${k + 1} of ${pass} stopped (exit code ${f.exitCode}) before it finished`,
      );
}

/**
 * A job the main thread runs itself, with a worker's code, over a channel of its own (`run` gets
 * the worker's end): its messages are structured-cloned as a worker's are, and its error is its
 * failure.
 */
export function localJob(run: (port: MessagePort) => Promise<void>): PoolJob {
  const { port1, port2 } = new (workerThreads().MessageChannel)();
  const listeners: ((f: WorkerFailure) => void)[] = [];
  let failure: WorkerFailure | undefined;
  run(port2).catch((error: unknown) => {
    failure = {
      error: error instanceof Error ? error : new Error(String(error)),
    };
    for (const listener of listeners.splice(0)) listener(failure);
  });
  return {
    port: port1,
    onFailure(listener) {
      if (failure !== undefined) listener(failure);
      else listeners.push(listener);
    },
    close() {
      port1.close();
      port2.close();
    },
  };
}

/**
 * One worker: its messages in order, and its failure as a rejected {@link next}. `M`: the
 * messages it sends, `S`: those it is sent; `pass` names its work in errors.
 */
export class WorkerLink<M extends { type: string }, S> {
  private readonly queue: M[] = [];
  private waiting:
    { resolve: (m: M) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly job: PoolJob,
    private readonly k: number,
    onRows: (rows: number) => void,
    private readonly pass: string,
  ) {
    job.port.on("message", (m: M | { type: "progress"; rows: number }) => {
      if (m.type === "progress")
        reportFromEvent(onRows, (m as { rows: number }).rows);
      else this.deliver(m as M);
    });
    job.onFailure((f) => this.fail(failureError(f, k, pass)));
  }

  /** The worker's next message, which must be of type `type`. */
  next<T extends M["type"]>(type: T): Promise<Extract<M, { type: T }>> {
    const check = (m: M) => {
      if (m.type !== type)
        throw new Error(
          `worker ${this.k + 1} of ${this.pass} sent ${m.type}, expected ${type}`,
        );
      return m as Extract<M, { type: T }>;
    };
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued).then(check);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<M>((resolve, reject) => {
      this.waiting = { resolve, reject };
    }).then(check);
  }

  send(m: S): void {
    this.job.port.postMessage(m);
  }

  /**
   * The main thread is done with the job (it has handed back its state, or the run failed; a
   * job still running then ends with the run's pool).
   */
  async stop(): Promise<void> {
    this.failure ??= new Error("stopped");
    this.job.close();
  }

  private deliver(m: M): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) w.resolve(m);
    else this.queue.push(m);
  }

  private fail(e: Error): void {
    // the first reason counts
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(this.failure);
  }
}
