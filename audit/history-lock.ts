/**
 * One regel process at a time in a history file: a lock folder `<history>.regel-lock` holding its
 * owner (`{ pid, host }`, runtime/owner.ts), taken around every read and write of the history and
 * released right after.
 *
 * Why a lock of our own: the WebAssembly SQLite (node-sqlite3-wasm) locks a database with a
 * folder `<history>.lock` that says nothing about its owner, so a process killed mid-write would
 * leave the history locked for good. This lock names its owner: a lock whose owner is a process of
 * this machine that no longer runs is stale and is broken — together with the `.lock` folder the
 * killed process left, which nobody else can hold while this lock is held — and SQLite then rolls
 * the killed process's unfinished transaction back from its journal. A live owner is waited for,
 * up to a timeout, then refused with a message that names it.
 *
 * @module
 */
import { mkdirSync, renameSync, rmSync, rmdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  ownerIsGone,
  readOwner,
  writeOwner,
  type Owner,
} from "../runtime/owner.js";

/** Why the lock could not be taken: `busy` (another process holds it) or the folder cannot be written. */
export class HistoryLockError extends Error {
  override name = "HistoryLockError";
  constructor(
    message: string,
    readonly reason: "busy" | "unwritable",
    readonly owner?: Owner,
  ) {
    super(message);
  }
}

const OWNER_FILE = "owner.json";
/** A lock folder without an owner file this old was left by a process killed while taking it. */
const ORPHAN_MS = 10_000;

/** Lock folders held by this process, with how often (the lock is re-entrant within a process). */
const held = new Map<string, number>();

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** The lock folder of a history file. */
export function lockFolder(file: string): string {
  return `${resolve(file)}.regel-lock`;
}

function sameOwner(a: Owner | undefined, b: Owner): boolean {
  return a !== undefined && a.pid === b.pid && a.host === b.host;
}

/**
 * Break the stale lock of `dead`: move the folder aside first, so that two processes breaking it
 * at once cannot remove a fresh lock that a third just took.
 */
function breakStale(dir: string, dead: Owner): void {
  const aside = `${dir}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, aside);
  } catch {
    return; // someone else broke it first
  }
  if (!sameOwner(readOwner(join(aside, OWNER_FILE)), dead)) {
    // Not the lock we judged stale (taken again in between): put it back.
    try {
      renameSync(aside, dir);
      return;
    } catch {
      // a newer lock is in place; the one moved aside is gone with its owner's next release
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

/** The age of a folder in milliseconds (0 when it is gone). */
function ageMs(dir: string): number {
  try {
    return Date.now() - statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Take the lock of `file`, waiting up to `timeoutMs` for another process to release it. Returns
 * false, without a lock, when `mode` is `read` and the folder cannot be written (a read-only
 * medium: nobody writes there either).
 *
 * @throws HistoryLockError `busy` after the timeout, `unwritable` when a write cannot take the lock
 */
export function acquire(
  file: string,
  mode: "read" | "write",
  timeoutMs: number,
): boolean {
  const dir = lockFolder(file);
  const count = held.get(dir);
  if (count !== undefined) {
    held.set(dir, count + 1);
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    try {
      // The folder appears with its owner inside (renamed into place), so a process killed while
      // taking the lock never leaves an ownerless lock that others must wait out.
      const pending = `${dir}.new-${process.pid}`;
      rmSync(pending, { recursive: true, force: true });
      mkdirSync(pending, { mode: 0o700 });
      writeOwner(join(pending, OWNER_FILE));
      try {
        renameSync(pending, dir);
      } catch (e) {
        rmSync(pending, { recursive: true, force: true });
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOTEMPTY" || code === "EEXIST")
          throw Object.assign(new Error("lock taken"), { code: "EEXIST" });
        throw e;
      }
      held.set(dir, 1);
      // Every regel process reads and writes the history only while holding this lock, so a
      // SQLite lock folder present now was left by a process killed mid-transaction.
      rmSync(`${resolve(file)}.lock`, { recursive: true, force: true });
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") {
        if (mode === "read") return false;
        throw new HistoryLockError(
          `cannot lock the history ${file} for writing: ${(e as Error).message}`,
          "unwritable",
        );
      }
    }
    const owner = readOwner(join(dir, OWNER_FILE));
    if (owner !== undefined && ownerIsGone(owner)) {
      breakStale(dir, owner);
      continue;
    }
    if (owner === undefined && ageMs(dir) > ORPHAN_MS) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who =
        owner !== undefined
          ? `process ${owner.pid} on ${owner.host}`
          : "another process";
      throw new HistoryLockError(
        `the history ${file} is locked by another process (${who}); try again when it is done (nothing was written). If no regel command is running, remove the folder ${dir}`,
        "busy",
        owner,
      );
    }
    sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(pause * 2, 50);
  }
}

/** Release the lock of `file` taken by {@link acquire}. */
export function release(file: string): void {
  const dir = lockFolder(file);
  const count = held.get(dir);
  if (count === undefined) return;
  if (count > 1) {
    held.set(dir, count - 1);
    return;
  }
  held.delete(dir);
  rmSync(join(dir, OWNER_FILE), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // a stray file in it: left alone; without an owner it expires as an orphan
  }
}

/** Run `fn` holding the lock of `file` (see {@link acquire}). */
export function withLock<T>(
  file: string,
  mode: "read" | "write",
  timeoutMs: number,
  fn: () => T,
): T {
  const locked = acquire(file, mode, timeoutMs);
  try {
    return fn();
  } finally {
    if (locked) release(file);
  }
}
