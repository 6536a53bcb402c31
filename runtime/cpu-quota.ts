/**
 * The cores this process may keep busy: `os.availableParallelism()` (the CPUs it may run on),
 * or fewer when a control group's CPU quota allows fewer. A container given 2 CPUs on a host of 64
 * sees 64 cores through Node 20 (libuv 1.46 reads the CPU affinity, not the quota): `threads:
 * "auto"` would start 16 workers that share two CPUs' time.
 *
 * The quota is read as the kernel applies it: the process's control group and each group above
 * it, in cgroup v2 (`cpu.max`) and in cgroup v1's cpu controller (`cpu.cfs_quota_us` over
 * `cpu.cfs_period_us`); the least of them counts. The groups are looked up at their usual mount
 * points (/sys/fs/cgroup, and /sys/fs/cgroup/cpu,cpuacct or /sys/fs/cgroup/cpu for v1); inside a
 * container whose own group is mounted there (a cgroup namespace, or Docker's cgroup v1 mounts),
 * the path /proc/self/cgroup names is not under the mount point, and the walk up to the mount
 * point finds the container's group there.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

/**
 * The cores `os.availableParallelism()` gives, or fewer under a CPU quota: at least one, a
 * quota of 1.5 CPUs counting as 2 (a second thread still gains there).
 */
export function availableCores(): number {
  return coresAllowed(availableParallelism(), cpuQuota());
}

/** Of `cores`, those a quota of `quota` CPUs keeps busy (rounded up), at least one. */
export function coresAllowed(cores: number, quota: number | undefined): number {
  return quota === undefined
    ? cores
    : Math.max(1, Math.min(cores, Math.ceil(quota)));
}

/**
 * The CPUs (a fraction, e.g. 1.5) that the CPU quotas of this process's control groups allow
 * together, the least of them; undefined when no group has a quota, or on a system without
 * control groups. `root` is the file system's root (another one for tests).
 */
export function cpuQuota(root = "/"): number | undefined {
  const groups = readText(join(root, "proc/self/cgroup"));
  if (groups === undefined) return undefined;
  let least: number | undefined;
  const take = (cpus: number | undefined): void => {
    if (cpus !== undefined && (least === undefined || cpus < least))
      least = cpus;
  };
  for (const line of groups.split("\n")) {
    // hierarchy-ID:controllers:path
    const first = line.indexOf(":");
    const second = line.indexOf(":", first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (line.slice(0, first) === "0" && controllers === "")
      for (const dir of groupDirs(join(root, "sys/fs/cgroup"), path))
        take(cpuMax(readText(join(dir, "cpu.max"))));
    else if (controllers.split(",").includes("cpu"))
      for (const mount of ["cpu,cpuacct", "cpu"])
        for (const dir of groupDirs(join(root, "sys/fs/cgroup", mount), path))
          take(
            cfsQuota(
              readText(join(dir, "cpu.cfs_quota_us")),
              readText(join(dir, "cpu.cfs_period_us")),
            ),
          );
  }
  return least;
}

/** The folders of the group at `path` under `mount` and of each group above it, up to `mount`. */
function groupDirs(mount: string, path: string): string[] {
  const dirs = [mount];
  let at = mount;
  for (const part of path.split("/"))
    if (part !== "" && part !== "." && part !== "..")
      dirs.push((at = join(at, part)));
  return dirs;
}

/** The CPUs of cgroup v2's `cpu.max` ("max 100000" or "150000 100000"); undefined for none. */
export function cpuMax(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const [max, period] = text.trim().split(/\s+/);
  return perPeriod(Number(max), Number(period ?? "100000"));
}

/** The CPUs of cgroup v1's quota and period (a quota of −1: none); undefined for none. */
export function cfsQuota(
  quota: string | undefined,
  period: string | undefined,
): number | undefined {
  if (quota === undefined || period === undefined) return undefined;
  return perPeriod(Number(quota.trim()), Number(period.trim()));
}

/** `quota` over `period` when both are positive numbers ("max" and −1 are not). */
function perPeriod(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) &&
    quota > 0 &&
    Number.isFinite(period) &&
    period > 0
    ? quota / period
    : undefined;
}

/** The text of a file, or undefined when it cannot be read (absent, not permitted). */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
