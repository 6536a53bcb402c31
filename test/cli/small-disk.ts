/**
 * A small file system for the full-disk and read-only tests: a tmpfs of a few hundred KiB mounted
 * on a fresh folder. Mounting needs root on Linux; elsewhere the tests that need it say so and
 * skip (the other tests do not depend on it).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SmallDisk {
  path: string;
  /** Remount read-only. */
  readOnly(): void;
  unmount(): void;
}

/** Mount a tmpfs of `kib` KiB, or return why it cannot be done here. */
export function mountSmallDisk(kib: number): SmallDisk | string {
  if (process.platform !== "linux") return "tmpfs mounts need Linux";
  if (process.getuid?.() !== 0) return "mounting a tmpfs needs root";
  const path = mkdtempSync(join(tmpdir(), "regel-disk-"));
  const r = spawnSync(
    "mount",
    ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", path],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) {
    rmSync(path, { recursive: true, force: true });
    return `mount failed: ${(r.stderr || r.error?.message || "").trim()}`;
  }
  return {
    path,
    readOnly() {
      const ro = spawnSync("mount", ["-o", "remount,ro", path], {
        encoding: "utf8",
      });
      if (ro.status !== 0) throw new Error(`remount read-only: ${ro.stderr}`);
    },
    unmount() {
      spawnSync("umount", ["-l", path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
