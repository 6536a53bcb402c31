/**
 * The path of a declared file in a delivery folder, never outside it: the one place where a folder
 * and a file name from a compiled module (or a report) are joined.
 *
 * @module
 */
import { join } from "node:path";
import { deliveryFileNameProblem } from "../compiler/contract.js";
import { RulesetLoadError } from "./errors.js";

/**
 * `folder/file`, for a `file` that is a plain file name.
 *
 * @throws RulesetLoadError when `file` is not a plain file name (a module made by hand, or by a
 *   compiler before REG151): reading or writing it could leave the folder
 */
export function deliveryFilePath(folder: string, file: string): string {
  const problem = deliveryFileNameProblem(file);
  if (problem !== undefined)
    throw new RulesetLoadError(
      `${JSON.stringify(file)} is not the name of a file in a delivery folder (${problem}): the compiled ruleset declares it, and it is not read or written; fix its \`file\` clause and run \`regel compile\` again`,
    );
  return join(folder, file);
}
