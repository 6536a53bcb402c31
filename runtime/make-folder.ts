/**
 * Create a folder and its missing parents, like `mkdir -p`, and say why one cannot be.
 *
 * Not `mkdirSync(path, { recursive: true })`: Node 20's loops forever when the file system answers
 * ENOENT for a child of a folder that exists (any path under `/proc`): it steps back to the parent
 * on ENOENT and forward again on its EEXIST.
 *
 * @module
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  statSync,
} from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Create the folder `path` and every missing folder above it (with `mode`, default 0o777 less the
 * umask). An existing folder, or a symbolic link to one, is fine. Otherwise throws the error of
 * the first `mkdir` that fails, with `path` set to `path` as given (see {@link whyNoFolder})
 * — never loops: each missing folder is tried once, from the top down.
 */
export function makeFolderSync(path: string, mode?: number): void {
  const target = resolve(path);
  const missing: string[] = [];
  let dir = target;
  // up to the first folder that exists: bounded by the depth of the path
  for (;;) {
    try {
      if (statSync(dir).isDirectory()) break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up; mkdir below reports it
      if ((code === "ENOENT" || code === "ENOTDIR") && dirname(dir) !== dir) {
        missing.push(dir);
        dir = dirname(dir);
        continue;
      }
      throw e;
    }
    // a file (or a link to one) where a folder is needed: mkdir says EEXIST or ENOTDIR
    missing.push(dir);
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, { mode });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // created meanwhile by another process
      if (code === "EEXIST" && isFolder(folder)) continue;
      // the folder the caller asked for, as given; whyNoFolder finds what is in the way
      (e as NodeJS.ErrnoException).path = path;
      throw e;
    }
  }
}

/** `path` when it exists, else the nearest folder above it that does (the root at the least). */
export function nearestExisting(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/** Whether `path` is a folder (a link to one included); false when it is absent or unreadable. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Why the folder `path` could not be created, judged from what is there, in words: `/a/b is a
 * file`, `/a/b is a symbolic link to /x that does not exist`, or — when `mkdir` said ENOENT
 * (`code`) though the folder above exists — `/proc does not allow a new folder in it` (procfs,
 * sysfs). Undefined when nothing in the way is found (the error's own code then says it).
 */
export function whyNoFolder(path: string, code?: string): string | undefined {
  let entry = resolve(path);
  let missingBelow = false;
  for (;;) {
    let isLink: boolean;
    try {
      isLink = lstatSync(entry).isSymbolicLink();
    } catch {
      if (dirname(entry) === entry) return undefined;
      missingBelow = true;
      entry = dirname(entry);
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(entry).isDirectory();
    } catch {
      return isLink
        ? `${entry} is a symbolic link to ${readlinkSync(entry)} that does not exist`
        : undefined;
    }
    if (!isDir) return `${entry} is a file`;
    return missingBelow && code === "ENOENT"
      ? `${entry} does not allow a new folder in it`
      : undefined;
  }
}
