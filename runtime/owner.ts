/**
 * Which process owns a temporary folder or a lock: a small `{ pid, host }` marker, so that a later
 * run can tell its own leftovers (the owner is dead) from a folder another run is still using.
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";

/** The owner of a temporary folder or lock. */
export interface Owner {
  pid: number;
  host: string;
}

/** This process as an owner. */
export function thisOwner(): Owner {
  return { pid: process.pid, host: hostname() };
}

/** Write the marker of this process to `path` (mode 0600). */
export function writeOwner(path: string): void {
  writeFileSync(path, JSON.stringify(thisOwner()), { mode: 0o600 });
}

/** The owner recorded in `path`, or undefined when the marker is missing or not one of ours. */
export function readOwner(path: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, "utf8")) as Partial<Owner>;
    return typeof o.pid === "number" &&
      Number.isSafeInteger(o.pid) &&
      o.pid > 0 &&
      typeof o.host === "string"
      ? { pid: o.pid, host: o.host }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the owner is a process of this machine that no longer runs. An owner on another host
 * is never taken for dead: its folder may be in use over a shared file system.
 */
export function ownerIsGone(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    // EPERM: the process exists but belongs to another user
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}
