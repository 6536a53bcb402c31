/**
 * `--temp-dir` of the commands that may sort a delivery (`regel validate`, `regel verify`),
 * checked before their run: the sort makes its folder there only when a file is not in IKB key
 * order, which would be found late or not at all.
 *
 * @module
 */
import { isFolder } from "../runtime/make-folder.js";
import { realFolder, withinFolder } from "./folder-paths.js";

/**
 * Why `--temp-dir` cannot be used: not an existing folder, or inside the `delivery` folder (a
 * killed run's sort folder would be listed as part of the delivery by the next run); undefined
 * when it can, or is not given.
 */
export function tempDirProblem(
  dir: string | undefined,
  delivery?: string,
): string | undefined {
  if (dir === undefined) return undefined;
  if (!isFolder(dir))
    return `--temp-dir ${JSON.stringify(dir)} is not a folder: give an existing folder for the sort's temporary files`;
  if (
    delivery !== undefined &&
    withinFolder(realFolder(dir), realFolder(delivery))
  )
    return `--temp-dir ${JSON.stringify(dir)} is in the delivery folder ${delivery}: give a folder outside it (a stopped run's sort files would become part of the delivery)`;
  return undefined;
}
