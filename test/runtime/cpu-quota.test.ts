/**
 * The cores a control group's CPU quota allows (runtime/cpu-quota.ts), read from a file system
 * laid out as Linux lays out /proc/self/cgroup and /sys/fs/cgroup: cgroup v2, cgroup v1 (as on a
 * host, and as inside a container whose own group is mounted at the mount point), and hybrid.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  cfsQuota,
  coresAllowed,
  cpuMax,
  cpuQuota,
} from "../../runtime/cpu-quota.js";

const roots: string[] = [];

/** A root holding `files` (path → text). */
function rootWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "regel-cgroup-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0))
    rmSync(root, { recursive: true, force: true });
});

describe("the CPU quota of the process's control groups", () => {
  it("is none without control groups, or without a quota", () => {
    expect(cpuQuota(rootWith({}))).toBeUndefined();
    expect(
      cpuQuota(
        rootWith({
          "proc/self/cgroup": "0::/user.slice\n",
          "sys/fs/cgroup/user.slice/cpu.max": "max 100000\n",
        }),
      ),
    ).toBeUndefined();
    expect(
      cpuQuota(
        rootWith({
          "proc/self/cgroup": "3:cpu,cpuacct:/\n",
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "-1\n",
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
        }),
      ),
    ).toBeUndefined();
  });

  it("cgroup v2: the least quota of the group and the groups above it", () => {
    const root = rootWith({
      "proc/self/cgroup": "0::/kubepods/pod1/c1\n",
      "sys/fs/cgroup/kubepods/cpu.max": "max 100000\n",
      "sys/fs/cgroup/kubepods/pod1/cpu.max": "150000 100000\n",
      "sys/fs/cgroup/kubepods/pod1/c1/cpu.max": "400000 100000\n",
    });
    expect(cpuQuota(root)).toBe(1.5);
  });

  it("cgroup v2 in a cgroup namespace: the container's own group at the mount point", () => {
    // /proc/self/cgroup says "/" and /sys/fs/cgroup is the container's group
    const root = rootWith({
      "proc/self/cgroup": "0::/\n",
      "sys/fs/cgroup/cpu.max": "200000 100000\n",
    });
    expect(cpuQuota(root)).toBe(2);
  });

  it("cgroup v1 in a container: the host's path is not under the mount, the mount point's group is", () => {
    const root = rootWith({
      "proc/self/cgroup":
        "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n",
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "50000\n",
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
    });
    expect(cpuQuota(root)).toBe(0.5);
  });

  it("hybrid (v2 without controllers, v1's cpu mounted alone): the group's quota counts", () => {
    const root = rootWith({
      "proc/self/cgroup": "1:cpu:/regel\n0::/\n",
      "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
      "sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
      "sys/fs/cgroup/cpu/regel/cpu.cfs_quota_us": "300000\n",
      "sys/fs/cgroup/cpu/regel/cpu.cfs_period_us": "100000\n",
      // the unified hierarchy without the cpu controller has no cpu.max
    });
    expect(cpuQuota(root)).toBe(3);
  });

  it("reads the files' formats, and nothing else as a quota", () => {
    expect(cpuMax("max 100000")).toBeUndefined();
    expect(cpuMax("50000 100000\n")).toBe(0.5);
    expect(cpuMax("250000")).toBe(2.5);
    expect(cpuMax("garbage 100000")).toBeUndefined();
    expect(cpuMax(undefined)).toBeUndefined();
    expect(cfsQuota("-1", "100000")).toBeUndefined();
    expect(cfsQuota("200000\n", "100000\n")).toBe(2);
    expect(cfsQuota("200000", "0")).toBeUndefined();
    expect(cfsQuota("200000", undefined)).toBeUndefined();
  });
});

describe("the cores a quota allows", () => {
  it("are the cores without a quota, else the quota rounded up, at least one", () => {
    expect(coresAllowed(2, undefined)).toBe(2);
    expect(coresAllowed(64, 2)).toBe(2);
    expect(coresAllowed(64, 1.5)).toBe(2);
    expect(coresAllowed(2, 0.5)).toBe(1);
    expect(coresAllowed(4, 8)).toBe(4);
    expect(coresAllowed(64, 0.01)).toBe(1);
  });
});
