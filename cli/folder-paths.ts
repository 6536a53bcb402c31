/**
 * Where a folder given on the command line really is, and whether one is inside another: the
 * checks of `regel validate --out` against the delivery folder and of `regel generate
 * --previous-out` against `--out`, made before anything is written.
 *
 * @module
 */
import { existsSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import {
  basename,
  dirname,
  isAbsolute,
  join,
  relative,
  resolve,
  sep,
} from "node:path";

/**
 * The absolute path of a folder with its symbolic links resolved, also those of a part that does
 * not exist yet (a link to a folder the run would create). `hops` stops a loop of links.
 */
export function realFolder(path: string, hops = 0): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  if (hops < 40 && isLink(absolute))
    return realFolder(
      resolve(dirname(absolute), readlinkSync(absolute)),
      hops + 1,
    );
  const parent = dirname(absolute);
  return parent === absolute
    ? absolute
    : join(realFolder(parent, hops), basename(absolute));
}

/** Whether `path` is a symbolic link (not when a file above it is in the way: that is found later). */
function isLink(path: string): boolean {
  try {
    return (
      lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true
    );
  } catch {
    return false;
  }
}

/** Whether the real folder `inner` is `outer` or inside it (both from {@link realFolder}). */
export function withinFolder(inner: string, outer: string): boolean {
  const r = relative(outer, inner);
  return r !== ".." && !r.startsWith(`..${sep}`) && !isAbsolute(r);
}
