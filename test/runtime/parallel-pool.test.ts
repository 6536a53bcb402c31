/**
 * One pool of worker threads per run (runtime/worker-pool.ts): with N threads, the scan (every
 * file split: `scanSplitBytes`), the key sets' sorts (`sealSplitHashes`), the whole-file passes
 * and the validate pass together start N − 1
 * workers, not some per pass; the report is the one thread's; the pool is stopped at the end of
 * the run, whether it succeeded or failed.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import { createRun } from "../../runtime/delivery-state.js";
import {
  HASH_JOB_KIND,
  type HashJob,
  type HashWorkerMessage,
} from "../../runtime/hash-worker.js";
import { runPool, type PoolJob } from "../../runtime/worker-pool.js";
import { closeRunPool } from "../../runtime/worker-start.js";
import { workerRunData } from "../../runtime/worker-run.js";
import { HashSet53 } from "../../runtime/key-set.js";
import { WholeFileCheck } from "../../runtime/whole-file.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { generateDelivery } from "../../runtime/synthetic/generate.js";
import { ensureBuilt } from "../source-folders.js";

/** Every worker the run starts, kept to count them and to see that they exited. */
const started: Worker[] = [];
/**
 * How many workers the system lets the process start (`started` counted): past it `new Worker`
 * throws, as Node's does when a container's pids.max refuses a thread.
 */
const system = { threads: Infinity };
vi.mock("../../runtime/worker-start.js", async (importOriginal) => {
  const original =
    await importOriginal<typeof import("../../runtime/worker-start.js")>();
  return {
    ...original,
    startWorker: (script: URL, data: unknown) => {
      if (started.length >= system.threads)
        throw Object.assign(new Error("EAGAIN"), {
          code: "ERR_WORKER_INIT_FAILED",
        });
      const worker = original.startWorker(script, data);
      started.push(worker);
      return worker;
    },
  };
});

const work = mkdtempSync(join(tmpdir(), "regel-pool-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let glo: LoadedRuleset;
let delivery: string;
beforeAll(async () => {
  // the workers run the built entry (dist/runtime/pool-worker.js)
  ensureBuilt();
  glo = await loadCompiled(join("rulesets", "compiled", "ikb.glo@1.3.0"));
  delivery = join(work, "d");
  generateDelivery(glo.module, {
    depositors: 1500,
    seed: 31,
    defectRate: 0.1,
    markingRate: 0.02,
    duplicateRate: 0.1,
    rrd: "2024-03-31",
    out: delivery,
  });
}, 300_000);

/** Whether `worker` has exited (its thread id is −1 then). */
const exited = (worker: Worker) => worker.threadId === -1;

describe("one worker pool per run", () => {
  it("N threads start N − 1 workers for the three passes, stopped at the end, with the one thread's report", async () => {
    const one = await validateDelivery(delivery, glo, { rrd: "2024-03-31" });
    const handedOver = vi.spyOn(HashSet53.prototype, "takeUnsorted");
    const checksHandedOver = vi.spyOn(
      WholeFileCheck.prototype,
      "takeScanHashes",
    );
    for (const threads of [2, 3]) {
      started.length = 0;
      handedOver.mockClear();
      checksHandedOver.mockClear();
      let used = 0;
      const many = await validateDelivery(delivery, glo, {
        rrd: "2024-03-31",
        threads,
        scanSplitBytes: 1,
        sealSplitHashes: 1,
        onThreads: (n) => (used = n),
      });
      // key sets were sorted in the workers too (runtime/seal-key-sets.ts); with 3 threads the
      // sizes of this delivery deal dup0001's seal to a worker (with 2, to this thread)
      expect(handedOver).toHaveBeenCalled();
      expect(checksHandedOver).toHaveBeenCalledTimes(threads === 3 ? 1 : 0);
      // the validate pass went over the threads (the scan and the whole-file passes too: the
      // files are split from 1 byte, and dup0001/dup0002 have duplicates)
      expect(used).toBe(threads);
      expect(many.rules).toEqual(one.rules);
      expect(many.inputProblems).toEqual(one.inputProblems);
      expect(started.length, `${threads} threads`).toBe(threads - 1);
      expect(started.every(exited)).toBe(true);
    }
  }, 120_000);

  it("a queued job is sent to a busy worker at once and runs after the job before it; a third waits for a free place", async () => {
    const s = createRun(
      delivery,
      glo,
      { rrd: "2024-03-31", threads: 2 },
      undefined,
      false,
    );
    started.length = 0;
    const pool = runPool(s, 1)!;
    // what the one worker is sent (jobs) and says (free), in the order the main thread sees it
    const seen: string[] = [];
    const worker = started[0];
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (m: { type: string }, transfer?: never) => {
      if (m.type === "job") seen.push("job");
      post(m, transfer);
    };
    let frees = 0;
    const allFree = new Promise<void>((resolve) =>
      worker.on("message", (m: { type: string }) => {
        if (m.type !== "free") return;
        seen.push("free");
        if (++frees === 3) resolve();
      }),
    );
    const hashJob = (file: string): HashJob => {
      const path = join(delivery, file);
      return { ...workerRunData(s), path, size: statSync(path).size };
    };
    const answer = (job: PoolJob) =>
      new Promise<string | null>((resolve) =>
        job.port.once("message", (m: HashWorkerMessage) => resolve(m.sha256)),
      );
    const files = ["bank_account.csv", "natural_person.csv", "address.csv"];
    try {
      const first = await pool.run(HASH_JOB_KIND, hashJob(files[0]));
      // the worker runs the first job (it is still loading the ruleset): the second is queued
      // behind it, not held back here
      const second = await pool.run(HASH_JOB_KIND, hashJob(files[1]), [], true);
      expect(seen).toEqual(["job", "job"]);
      // the worker holds two jobs: a third, even queued, waits until one of them is done
      const third = await pool.run(HASH_JOB_KIND, hashJob(files[2]), [], true);
      const digests = await Promise.all([first, second, third].map(answer));
      await allFree;
      expect(seen).toEqual(["job", "job", "free", "job", "free", "free"]);
      // each job answered for its own file, in order
      expect(digests).toEqual(
        files.map((f) =>
          createHash("sha256")
            .update(readFileSync(join(delivery, f)))
            .digest("hex"),
        ),
      );
    } finally {
      await closeRunPool(s);
    }
  }, 120_000);

  it("a system that refuses worker threads: the run takes those that start (none: one thread), says why, and reports as one thread", async () => {
    const one = await validateDelivery(delivery, glo, { rrd: "2024-03-31" });
    try {
      for (const [allowed, threads, expected] of [
        [0, 3, 1],
        [1, 3, 2],
        [0, 2, 1],
      ] as const) {
        system.threads = allowed;
        started.length = 0;
        let used = 0;
        let why: string | undefined;
        const many = await validateDelivery(delivery, glo, {
          rrd: "2024-03-31",
          threads,
          // every pass would split: the scan's, the seal's, the whole-file passes' and the
          // validate pass's threads all meet the refusal
          scanSplitBytes: 1,
          sealSplitHashes: 1,
          onThreads: (n, w) => {
            used = n;
            why = w;
          },
        });
        const what = `${allowed} allowed, threads ${threads}`;
        expect(started.length, what).toBe(allowed);
        expect(used, what).toBe(expected);
        expect(why, what).toBe(
          `worker threads could not be started (ERR_WORKER_INIT_FAILED: EAGAIN): ${expected} thread${expected === 1 ? "" : "s"} used`,
        );
        expect(many.status).toBe(one.status);
        expect(many.files).toEqual(one.files);
        expect(many.rules).toEqual(one.rules);
        expect(many.inputProblems).toEqual(one.inputProblems);
        expect(many.ikbs).toEqual(one.ikbs);
        expect(started.every(exited)).toBe(true);
      }
    } finally {
      system.threads = Infinity;
    }
  }, 120_000);

  it("a pool the system refuses every worker has none, limits its run to one thread, and fails a job at once rather than wait", async () => {
    const s = createRun(
      delivery,
      glo,
      { rrd: "2024-03-31", threads: 3 },
      undefined,
      false,
    );
    system.threads = 0;
    started.length = 0;
    try {
      const pool = runPool(s, 2)!;
      expect(pool.size).toBe(0);
      expect(pool.startError?.message).toBe("EAGAIN");
      expect(s.threadsLimit?.threads).toBe(1);
      await expect(
        pool.run(HASH_JOB_KIND, {
          ...workerRunData(s),
          path: join(delivery, "bank_account.csv"),
          size: 0,
        } satisfies HashJob),
      ).rejects.toThrow("no worker thread could be started: EAGAIN");
      // the system allows threads again: the pool does not try again within the run
      system.threads = Infinity;
      expect(runPool(s, 2)!.size).toBe(0);
    } finally {
      system.threads = Infinity;
      await closeRunPool(s);
    }
  });

  it("a failing run stops its pool", async () => {
    started.length = 0;
    // the workers refuse a compiled module other than the one the main thread loaded
    const other = { ...glo, compiledSha256: "0".repeat(64) };
    await expect(
      validateDelivery(delivery, other, {
        rrd: "2024-03-31",
        threads: 3,
        scanSplitBytes: 1,
      }),
    ).rejects.toThrow(/worker \d of the scan failed: .*changed/);
    expect(started.length).toBeGreaterThan(0);
    expect(started.every(exited)).toBe(true);
  }, 120_000);
});
