/**
 * A file-system error the way `regel validate` reports it: the same exit code and line whether
 * the main thread or a worker thread met it (a worker's error arrives wrapped by its pass), and
 * naming the file of a write that failed, which a write's error does not name itself.
 */
import { describe, expect, it } from "vitest";
import { RunWriter } from "../../runtime/assemble.js";
import { failureError } from "../../runtime/worker-pool.js";
import {
  isSystemError,
  systemErrorMessage,
  systemErrorOf,
} from "../../cli/failure.js";

/** A full disk's error as `fs.write` gives it: no path. */
function noSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error("ENOSPC: no space left on device, write"), {
    code: "ENOSPC",
    errno: -28,
    syscall: "write",
  });
}

describe("a file-system error", () => {
  it("is found under a worker's failure, as in one thread", () => {
    const e = noSpace();
    const wrapped = failureError({ error: e }, 0, "the sort");
    expect(isSystemError(wrapped)).toBe(false);
    expect(systemErrorOf(wrapped)).toBe(e);
    expect(systemErrorOf(e)).toBe(e);
    expect(systemErrorOf(new Error("a bug"))).toBeUndefined();
    expect(
      systemErrorOf(failureError({ exitCode: 1 }, 1, "the sort")),
    ).toBeUndefined();
  });

  it.runIf(process.platform === "linux")(
    "of a sort run that cannot be written names the run file (a full disk: /dev/full)",
    async () => {
      // every run goes to /dev/full, where every write fails with ENOSPC
      const w = new RunWriter({ file: async () => "/dev/full" }, "t", 1);
      w.add({ key: "K1", line: 2, cells: ["K1", "Jansen"] });
      const failed = await w.flush().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSystemError(failed)).toBe(true);
      expect(systemErrorMessage(failed as NodeJS.ErrnoException)).toBe(
        "cannot write /dev/full: no space left on the device (the disk is full) (ENOSPC)",
      );
    },
  );
});
