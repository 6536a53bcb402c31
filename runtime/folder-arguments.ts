/**
 * The arguments of `validateFolder` and `validateDelivery` (runtime/validate.ts,
 * runtime/delivery.ts), checked before a run as `regel validate` checks its folder and flags:
 * a value the command refuses (exit 2) is an {@link InvalidArgumentError} here, never a run that
 * reports on something else.
 *
 * @module
 */
import { InvalidArgumentError } from "./errors.js";
import { isFolder } from "./make-folder.js";

/**
 * @throws InvalidArgumentError when `folder` is not a folder (absent, a file, not a path): the run
 *   would report every file of the delivery missing
 */
export function checkDeliveryFolder(folder: unknown): void {
  if (typeof folder !== "string" || !isFolder(folder))
    throw new InvalidArgumentError(
      "folder",
      folder,
      "not a folder; give the path of the delivery folder",
    );
}
