/**
 * Replace one file atomically: the text goes to a temporary name in the same folder, is fsynced,
 * and is renamed over the target. A crash or a full disk leaves the old file or the new one, never
 * a truncated one.
 *
 * @module
 */
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

/**
 * Write `text` (UTF-8) to `path` atomically; on failure the old file is left as it was. An existing
 * file keeps its permissions; a symbolic link keeps pointing at the file, which is replaced.
 */
export function writeFileAtomic(target: string, text: string): void {
  let path = target;
  let mode: number | undefined;
  try {
    path = realpathSync(target);
    mode = statSync(path).mode & 0o7777;
  } catch {
    // a new file
  }
  const tmp = join(
    dirname(path),
    `.${basename(path)}.regel-tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  try {
    const fd = openSync(tmp, "wx", 0o666);
    try {
      if (mode !== undefined) fchmodSync(fd, mode);
      const data = Buffer.from(text, "utf8");
      let off = 0;
      while (off < data.length)
        off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was created (e.g. a file where the folder should be)
    }
    // name the file the user asked for, not the temporary one
    const err = e as NodeJS.ErrnoException;
    if (err.path === tmp) {
      err.path = target;
      err.syscall = "write";
    }
    throw e;
  }
  let dir: number | undefined;
  try {
    dir = openSync(dirname(path), "r");
    fsyncSync(dir);
  } catch {
    // not every platform can fsync a folder
  } finally {
    if (dir !== undefined) closeSync(dir);
  }
}
