/**
 * Replace the contents of a folder as one set: after a crash at any moment (`kill -9`, power cut,
 * full disk) the folder holds either its previous complete contents or the new complete ones,
 * never a mix and never a truncated file.
 *
 * For a folder `P/B` the files are written, each fsynced, into a staging folder `P/.B.regel-tmp`
 * beside it (same file system, so renames are atomic). Then:
 *
 * 1. `.B.regel-tmp` → `.B.regel-new` (the new set is complete and durable);
 * 2. `B` → `.B.regel-old`, `.B.regel-new` → `B` (the swap; fsync of `P`);
 * 3. `.B.regel-old` is removed.
 *
 * Only in the instant between the two renames of step 2 is `B` absent. Whoever comes next — the
 * exit hook of this process (SIGINT, SIGTERM, an error), or the next run after a SIGKILL — finishes
 * an interrupted swap ({@link recoverFolder}): a complete `.B.regel-new` is moved into place, and
 * `.B.regel-tmp` / `.B.regel-old` (and a `.B.regel-probe`, see `tryCreating`) are removed. A lock
 * file `P/.B.regel-lock` (pid and host of the writer) keeps two runs from writing the same folder;
 * a lock whose process is gone is taken over.
 *
 * @module
 */
import {
  accessSync,
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  open,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { constants } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { onExitCleanup } from "./exit-cleanup.js";
import { makeFolderSync, nearestExisting, whyNoFolder } from "./make-folder.js";
import { ownerIsGone, readOwner, thisOwner } from "./owner.js";

/** A step of `commitFolder`, in order; `write` comes once per file. */
export type CommitStep =
  "lock" | "write" | "ready" | "retire" | "install" | "clean" | "unlock";

/** Why a folder cannot be written (besides the file system's own errors, which are passed on). */
export class OutputFolderError extends Error {
  constructor(
    message: string,
    /** `file`: a file, or a symbolic link to nothing, is in the way; `foreign`: files regel did not write; `busy`: another run holds the lock; `read-only`. */
    readonly reason: "file" | "foreign" | "busy" | "read-only",
  ) {
    super(message);
    this.name = "OutputFolderError";
  }
}

/** How a report folder is committed (replaced as one set). */
export interface CommitOptions {
  /**
   * True when an existing folder may be replaced: it holds only what an earlier commit of the same
   * kind wrote (the names of its entries are given). Default: only an empty folder.
   */
  replaceable?: (dir: string) => boolean;
  /** Called before each step, synchronously; fault-injection tests stop the process here. */
  onStep?: (step: CommitStep, file?: string) => void;
}

/** A lock without a readable owner (killed between creating and writing it) is stale after this. */
const UNOWNED_LOCK_MS = 5_000;

interface Names {
  dir: string;
  parent: string;
  tmp: string;
  next: string;
  old: string;
  lock: string;
  /** Made and removed at once by {@link tryCreating}; left only by a kill in between. */
  probe: string;
}

function names(dir: string): Names {
  let target = resolve(dir);
  // a symlink to a folder: replace the folder it points to, not the link
  try {
    if (lstatSync(target).isSymbolicLink()) target = realpathSync(target);
  } catch {
    // absent: created by the commit
  }
  const parent = dirname(target);
  const base = basename(target);
  const side = (what: string) => join(parent, `.${base}.regel-${what}`);
  return {
    dir: target,
    parent,
    tmp: side("tmp"),
    next: side("new"),
    old: side("old"),
    lock: side("lock"),
    probe: side("probe"),
  };
}

/** fsync a folder so a rename in it is durable; not possible on every platform (then skipped). */
function syncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // Windows and some file systems cannot fsync a folder
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Finish or undo an interrupted commit (synchronous: also runs in the exit hook). */
function recoverSync(n: Names): boolean {
  let changed = false;
  if (existsSync(n.next)) {
    // the new set is complete: finish the swap
    if (existsSync(n.dir)) {
      rmSync(n.old, { recursive: true, force: true });
      renameSync(n.dir, n.old);
    }
    renameSync(n.next, n.dir);
    syncDir(n.parent);
    changed = true;
  }
  for (const leftover of [n.old, n.tmp, n.probe])
    if (existsSync(leftover)) {
      rmSync(leftover, { recursive: true, force: true });
      changed = true;
    }
  return changed;
}

/** Remove the lock file, if it is there (unlinkSync: rmSync costs 0.4 ms the first time, see commitFolder). */
function removeLock(n: Names): void {
  try {
    unlinkSync(n.lock);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

function takeLock(n: Names): void {
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(n.lock, "wx", 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0)
        throw (e as NodeJS.ErrnoException).code === "EEXIST" ? busy(n) : e;
      const owner = readOwner(n.lock);
      let stale: boolean;
      if (owner) stale = ownerIsGone(owner);
      else {
        let age = 0;
        try {
          age = Date.now() - statSync(n.lock).mtimeMs;
        } catch {
          // removed meanwhile
        }
        stale = age > UNOWNED_LOCK_MS;
      }
      if (!stale) throw busy(n);
      removeLock(n);
      continue;
    }
    try {
      // not fsynced: the lock keeps live runs apart, and after a crash or a power cut its owner is
      // gone whatever the disk holds (a lock without an owner is stale after UNOWNED_LOCK_MS)
      writeSync(fd, JSON.stringify(thisOwner()));
    } catch (e) {
      // a full disk: no lock without an owner stays behind
      closeSync(fd);
      removeLock(n);
      throw e;
    }
    closeSync(fd);
    return;
  }
}

function busy(n: Names): OutputFolderError {
  const owner = readOwner(n.lock);
  return new OutputFolderError(
    `another regel run${owner ? ` (pid ${owner.pid} on ${owner.host})` : ""} is writing ${n.dir}; ` +
      `wait for it to end, or delete ${n.lock} if no run is active`,
    "busy",
  );
}

/**
 * Finish an interrupted commit into `dir` (a SIGKILL between the renames of a swap), unless a live
 * run holds its lock. Returns true when something was moved or removed.
 */
export async function recoverFolder(dir: string): Promise<boolean> {
  const n = names(dir);
  if (!existsSync(n.parent)) return false;
  takeLock(n);
  try {
    return recoverSync(n);
  } finally {
    removeLock(n);
  }
}

/**
 * Throw {@link OutputFolderError} when something is in the way of the absent folder `n.dir`: a
 * file above it, or a symbolic link (it, or one above it) to nothing — the swap would rename onto
 * the link and fail only after the whole run.
 */
function checkNothingInTheWay(n: Names): void {
  if (existsSync(n.dir)) return;
  const inTheWay = whyNoFolder(n.dir);
  if (inTheWay === undefined) return;
  throw new OutputFolderError(
    inTheWay.startsWith(`${n.dir} `)
      ? `${inTheWay}; create that folder, or give another one for the output`
      : `cannot create ${n.dir}: ${inTheWay}`,
    "file",
  );
}

/**
 * Create and remove a folder `.B.regel-probe` where the first absent folder of `n.dir` would go:
 * a folder that exists but allows no new one (procfs says ENOENT) is found now, not at the lock
 * file or after the run. Throws the `mkdir` error, naming `n.dir`.
 */
function tryCreating(n: Names): void {
  if (existsSync(n.dir)) return;
  const probe = join(nearestExisting(dirname(n.dir)), basename(n.probe));
  try {
    mkdirSync(probe);
  } catch (e) {
    // another run's probe, or one left by a kill: a folder could be made there
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return;
    (e as NodeJS.ErrnoException).path = n.dir;
    throw e;
  }
  try {
    rmdirSync(probe);
  } catch (e) {
    // removed by a run recovering the folder meanwhile
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

/**
 * Throw {@link OutputFolderError} when `n.dir` cannot be replaced: a file, foreign contents, or a
 * folder that cannot be written. (What is in the way of an absent `n.dir` is for
 * {@link checkNothingInTheWay} and {@link tryCreating}, which `commitFolder` runs before its lock.)
 */
function checkTarget(n: Names, replaceable = emptyFolder): void {
  if (existsSync(n.dir)) {
    if (!statSync(n.dir).isDirectory())
      throw new OutputFolderError(
        `${n.dir} is a file, not a folder; give a folder for the output`,
        "file",
      );
    if (!replaceable(n.dir))
      throw new OutputFolderError(
        `${n.dir} holds files that regel did not write; regel replaces the whole folder, so give a new or empty folder (or one with an earlier report)`,
        "foreign",
      );
  }
  // the set is written beside the folder and swapped in: the folder that holds it must be writable
  const probe = nearestExisting(existsSync(n.dir) ? n.dir : n.parent);
  for (const p of new Set([probe, existsSync(n.dir) ? n.parent : probe]))
    try {
      accessSync(p, constants.W_OK);
    } catch {
      throw new OutputFolderError(
        `${p} is read-only; ${existsSync(n.dir) ? "the previous contents are left as they are" : "nothing was written"}`,
        "read-only",
      );
    }
}

/**
 * Check, before a long run, that {@link commitFolder} could replace `dir`: throws
 * {@link OutputFolderError} when it is a file, holds foreign files or is read-only, or when a file
 * or a symbolic link to nothing is in the way of an absent `dir`; throws the `mkdir` error (its
 * `path` is `dir`) when the folder above allows no new folder. Leaves nothing behind.
 */
export function checkFolder(
  dir: string,
  options: Pick<CommitOptions, "replaceable"> = {},
): void {
  const n = names(dir);
  checkNothingInTheWay(n);
  checkTarget(n, options.replaceable);
  tryCreating(n);
}

/** True when the folder `dir` is empty. */
function emptyFolder(dir: string): boolean {
  return readdirSync(dir).length === 0;
}

/** Write all of `text` to `fd`. */
function writeAll(fd: number, text: string): void {
  const data = Buffer.from(text, "utf8");
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/**
 * A new file of the set, created (opened with `wx`) in libuv's thread pool while the main thread
 * makes the texts: on a file system without a journal, ext4 skips the recently deleted inodes
 * when it allocates one, which made each creation in a busy folder (/tmp here) cost 0.2-0.3 ms of
 * the main thread's time.
 */
class NewFile {
  fd: number | undefined;
  error: Error | undefined;
  done = false;
  /** The descriptor was passed on (to {@link Syncs}), which closes it. */
  passed = false;
  readonly opened: Promise<void>;

  constructor(
    readonly rel: string,
    readonly path: string,
    public text: FileText,
  ) {
    this.opened = new Promise<void>((resolve) =>
      open(path, "wx", 0o666, (e, fd) => {
        this.done = true;
        if (e) this.error = e;
        else this.fd = fd;
        resolve();
      }),
    );
  }

  /** Close the descriptor unless it was passed on (after an error). */
  async close(): Promise<void> {
    await this.opened;
    if (this.fd !== undefined && !this.passed) closeAll([this.fd]);
  }
}

/** Files written before their fsyncs are awaited together (and so open at once), at most. */
const SYNC_BATCH = 64;

/** fsync `fd` in libuv's thread pool. */
function fsynced(fd: number): Promise<void> {
  return new Promise<void>((done, failed) =>
    fsync(fd, (e) => (e ? failed(e) : done())),
  );
}

/**
 * Files written, to be fsynced in libuv's thread pool, side by side (a report set is 20-odd files:
 * one at a time they were a tenth of `regel validate` on the bundled example, bench/) and beside
 * the main thread while it makes the next files' texts. The fsyncs start in batches, not after each
 * write: an fsync under way made each following file's creation about three times as slow.
 */
class Syncs {
  private readonly fds: number[] = [];
  private readonly running: Promise<void>[] = [];

  get size(): number {
    return this.fds.length;
  }

  /** The written file `fd`, to be fsynced; closed by {@link settle} or {@link abandon}. */
  add(fd: number): void {
    this.fds.push(fd);
  }

  /** Start the fsyncs of the files added since the last call. */
  start(): void {
    for (const fd of this.fds.slice(this.running.length))
      this.running.push(fsynced(fd));
  }

  /**
   * Wait for the fsyncs of all files added (and those of the `folders`, whose errors are ignored
   * as in {@link syncDir}) and close every descriptor; the first error of a file is thrown after that.
   */
  async settle(folders: number[] = []): Promise<void> {
    this.start();
    const [synced] = await Promise.all([
      Promise.allSettled(this.running),
      // as syncDir: a folder that cannot be fsynced (some platforms) is skipped
      Promise.allSettled(folders.map(fsynced)),
    ]);
    this.running.length = 0;
    closeAll(this.fds);
    closeAll(folders);
    for (const r of synced) if (r.status === "rejected") throw r.reason;
  }

  /** After an error: wait for the fsyncs in flight (their errors ignored), then close. */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.running.splice(0));
    closeAll(this.fds);
  }
}

/** Descriptors of the folders that can be opened for an fsync (see {@link syncDir}). */
function openFolders(paths: Iterable<string>): number[] {
  const fds: number[] = [];
  for (const path of paths)
    try {
      fds.push(openSync(path, "r"));
    } catch {
      // Windows cannot open a folder: skipped, as syncDir does
    }
  return fds;
}

function closeAll(fds: number[]): void {
  for (const fd of fds.splice(0))
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
}

/**
 * The text of a file of a set, or a function that makes it: called when the file is due, after the
 * files before it were written, so that making it overlaps their fsyncs.
 */
export type FileText = string | (() => string);

/**
 * Replace the contents of `dir` with `files` (relative path → text, see {@link FileText}; a path
 * ending in `/` is a folder that exists even when empty) as one set, written in the map's order;
 * see the module comment for the protocol. Creates `dir` and its parents when absent. Returns the paths written,
 * sorted. Throws {@link OutputFolderError} when `dir` cannot be replaced (a file, a file above it
 * or a symbolic link to nothing, foreign contents, read-only, another writer) and the file system's error (ENOSPC, EROFS, EACCES…) when a write
 * fails; in both cases the previous contents are left as they were.
 */
export async function commitFolder(
  dir: string,
  files: ReadonlyMap<string, FileText>,
  options: CommitOptions = {},
): Promise<string[]> {
  const step = options.onStep ?? (() => undefined);
  const n = names(dir);
  // before the lock file: a link to nothing, or a file above, would fail at the lock or the swap
  checkNothingInTheWay(n);
  tryCreating(n);
  // synchronous: a round trip through the thread pool costs more than the system call
  makeFolderSync(n.parent);
  step("lock");
  takeLock(n);
  let swapping = false;
  const removeExitHook = onExitCleanup(() => {
    // an error or a signal mid-commit: finish a started swap, drop a partial set, free the lock;
    // never throw on the way out (what is left, the next run recovers)
    try {
      if (swapping) recoverSync(n);
      else rmSync(n.tmp, { recursive: true, force: true });
      removeLock(n);
    } catch {
      // the next run finishes the job
    }
  });
  try {
    recoverSync(n);
    checkTarget(n, options.replaceable);
    const written: string[] = [];
    // written, fsync started (see Syncs)
    const unsynced = new Syncs();
    /**
     * Write, in their order, the files of `batch` whose text is made and that are created (all of
     * them when `all`: their creation was awaited).
     */
    const writeCreated = (batch: NewFile[], all: boolean) => {
      for (const file of batch) {
        if (file.passed || typeof file.text !== "string") continue;
        if (!file.done && !all) continue;
        if (file.error) throw file.error;
        step("write", file.rel);
        file.passed = true;
        unsynced.add(file.fd as number);
        writeAll(file.fd as number, file.text);
        written.push(join(n.dir, file.rel));
      }
    };
    let batch: NewFile[] = [];
    try {
      mkdirSync(n.tmp);
      // every folder first: the files are then created side by side
      const dirs = new Set([n.tmp]);
      const entries: [string, string, FileText][] = [];
      for (const [rel, entry] of files) {
        const path = join(n.tmp, rel);
        const folder = rel.endsWith("/") ? path.slice(0, -1) : dirname(path);
        if (!dirs.has(folder)) {
          makeFolderSync(folder);
          dirs.add(folder);
        }
        // a path ending in "/" is a folder that exists even when empty
        if (!rel.endsWith("/")) entries.push([rel, path, entry]);
      }
      for (let first = 0; first < entries.length; first += SYNC_BATCH) {
        batch = entries
          .slice(first, first + SYNC_BATCH)
          .map(([rel, path, text]) => new NewFile(rel, path, text));
        for (const file of batch)
          if (typeof file.text !== "string") {
            // the files created by now are written and fsynced while the text is made
            await new Promise((resolve) => setImmediate(resolve));
            writeCreated(batch, false);
            unsynced.start();
            file.text = file.text();
          }
        for (const file of batch) await file.opened;
        writeCreated(batch, true);
        if (first + SYNC_BATCH < entries.length) await unsynced.settle();
      }
      // every file and folder of the set durable before it is declared complete (the rename below)
      await unsynced.settle(openFolders(dirs));
      step("ready");
      renameSync(n.tmp, n.next);
    } catch (e) {
      await Promise.all(batch.map((file) => file.close()));
      await unsynced.abandon();
      rmSync(n.tmp, { recursive: true, force: true });
      // name the folder the user asked for, not the staging one; and name it for an error of a
      // write or fsync, which knows only its descriptor (a full disk: which disk)
      const err = e as NodeJS.ErrnoException;
      if (err.path?.startsWith(n.tmp))
        err.path = n.dir + err.path.slice(n.tmp.length);
      else if (err instanceof Error && err.syscall && err.path === undefined)
        err.path = n.dir;
      throw e;
    }
    syncDir(n.parent);
    swapping = true;
    if (existsSync(n.dir)) {
      step("retire");
      renameSync(n.dir, n.old);
    }
    step("install");
    renameSync(n.next, n.dir);
    syncDir(n.parent);
    swapping = false;
    step("clean");
    // rmSync loads Node's recursive remover the first time (0.4 ms): not for a folder that is absent
    if (existsSync(n.old)) rmSync(n.old, { recursive: true, force: true });
    return written.sort();
  } catch (e) {
    if (swapping)
      try {
        recoverSync(n);
      } catch {
        // the exit hook or the next run tries again; the error that stopped us is the news
      }
    throw e;
  } finally {
    removeExitHook();
    step("unlock");
    removeLock(n);
  }
}
