/**
 * How many threads `threads: "auto"` takes (runtime/stage-partition.ts `autoThreads`): one for a
 * small delivery, else the cores, at most 16 and no more than the memory the process may use
 * holds at 512 MiB a thread (a container's limit, not the host's).
 */
import { describe, expect, it, vi } from "vitest";
import {
  AUTO_MEMORY_PER_THREAD,
  AUTO_MIN_BYTES,
  autoThreads,
  MAX_AUTO_THREADS,
  threadsWanted,
} from "../../runtime/stage-partition.js";

const GiB = 1024 ** 3;

/** How often `threadsWanted` looked up the cores (a control group's files, runtime/cpu-quota.ts). */
const lookups = vi.hoisted(() => ({ cores: 0 }));
vi.mock("../../runtime/cpu-quota.js", async (importOriginal) => {
  const original =
    await importOriginal<typeof import("../../runtime/cpu-quota.js")>();
  return {
    ...original,
    availableCores: () => {
      lookups.cores++;
      return original.availableCores();
    },
  };
});

describe("threads: auto", () => {
  it("stays in one thread below 256 MB of IKB files, whatever the machine", () => {
    expect(autoThreads(AUTO_MIN_BYTES - 1, 64, 256 * GiB)).toBe(1);
    expect(autoThreads(0, 2, 24 * GiB)).toBe(1);
  });

  it("takes the cores of a large delivery, at most 16", () => {
    expect(autoThreads(AUTO_MIN_BYTES, 2, 24 * GiB)).toBe(2);
    expect(autoThreads(8 * GiB, 12, 64 * GiB)).toBe(12);
    expect(autoThreads(8 * GiB, 64, 256 * GiB)).toBe(MAX_AUTO_THREADS);
  });

  it("takes no more threads than the memory holds at 512 MiB each, and at least one", () => {
    expect(AUTO_MEMORY_PER_THREAD).toBe(512 * 1024 ** 2);
    // a container of 2 GiB on a host of 64 cores: four threads (10 M depositors peaked at 1.6 GB
    // with four)
    expect(autoThreads(8 * GiB, 64, 2 * GiB)).toBe(4);
    expect(autoThreads(8 * GiB, 16, 8 * GiB)).toBe(16);
    expect(autoThreads(8 * GiB, 16, 8 * GiB - 1)).toBe(15);
    expect(autoThreads(8 * GiB, 16, 256 * 1024 ** 2)).toBe(1);
  });

  it("is what the options' `auto` gives; a number is taken as given, no option is one thread", () => {
    expect(threadsWanted("auto", AUTO_MIN_BYTES - 1)).toBe(1);
    expect(threadsWanted("auto", AUTO_MIN_BYTES)).toBeGreaterThanOrEqual(1);
    expect(threadsWanted("auto", AUTO_MIN_BYTES)).toBeLessThanOrEqual(
      MAX_AUTO_THREADS,
    );
    expect(threadsWanted(3, 0)).toBe(3);
    expect(threadsWanted(2.7, 0)).toBe(2);
    expect(threadsWanted(undefined, 10 * GiB)).toBe(1);
  });

  it("looks the cores up only for a delivery large enough to take more than one thread", () => {
    lookups.cores = 0;
    expect(threadsWanted("auto", AUTO_MIN_BYTES - 1)).toBe(1);
    expect(threadsWanted("auto", 0)).toBe(1);
    expect(lookups.cores).toBe(0);
    threadsWanted("auto", AUTO_MIN_BYTES);
    expect(lookups.cores).toBe(1);
  });
});
