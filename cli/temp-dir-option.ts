/**
 * `--temp-dir` of the commands that may sort a delivery (`regel validate`, `regel verify`),
 * checked before their run: the sort makes its folder there only when a file is not in IKB key
 * order, which would be found late or not at all.
 *
 * @module
 */
import { isFolder } from "../runtime/make-folder.js";

/** Why `--temp-dir` cannot be used (not an existing folder); undefined when it can, or is not given. */
export function tempDirProblem(dir: string | undefined): string | undefined {
  if (dir === undefined || isFolder(dir)) return undefined;
  return `--temp-dir ${JSON.stringify(dir)} is not a folder: give an existing folder for the sort's temporary files`;
}
