/**
 * How the `regel` command ends when something goes wrong: a usage error of commander exits 2, a
 * file-system problem (full disk, read-only folder, a file where a folder belongs) prints one line
 * that says what and where and exits 3, and anything unexpected prints one line naming the command
 * with a hint to report it, also exit 3 — never a stack trace (`REGEL_DEBUG=1` shows it).
 *
 * @module
 */
import { accessSync, constants } from "node:fs";
import { dirname } from "node:path";
import { CommanderError } from "commander";
import { OutputFolderError } from "../runtime/folder-commit.js";
import { nearestExisting, whyNoFolder } from "../runtime/make-folder.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { printErr } from "./terminal-text.js";

/** What an errno code means, in words. */
const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: "no space left on the device (the disk is full)",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a file is in the way where a folder is needed",
  EISDIR: "it is a folder, not a file",
  EEXIST: "it exists already",
  ENOENT: "no such file or folder",
  ENOTEMPTY: "the folder is not empty",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EIO: "input/output error",
  EBUSY: "the file or folder is busy",
  EFBIG: "the file is too large",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
};

const SYSCALL_VERBS: Record<string, string> = {
  open: "open",
  write: "write",
  mkdir: "create the folder",
  rename: "rename",
  rmdir: "remove",
  unlink: "remove",
  fsync: "write",
  close: "write",
  scandir: "read the folder",
  read: "read",
  access: "access",
  copyfile: "copy to",
};

/** True for an error of the operating system (an errno error with a code such as ENOSPC). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === "string" &&
    /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!) &&
    typeof (e as NodeJS.ErrnoException).syscall === "string"
  );
}

/**
 * The file-system error that `e` is, or that caused it: a worker's error comes wrapped in its
 * pass's (runtime/worker-pool.ts `failureError`), and is the same error as in one thread.
 */
export function systemErrorOf(e: unknown): NodeJS.ErrnoException | undefined {
  let x: unknown = e;
  for (let depth = 0; x instanceof Error && depth < 8; depth++) {
    if (isSystemError(x)) return x;
    x = x.cause;
  }
  return undefined;
}

/**
 * One line for a file-system error: `cannot write /x/report.json: no space left on the device (the
 * disk is full) (ENOSPC)`. `path` names the file when the error does not.
 */
export function systemErrorMessage(
  e: NodeJS.ErrnoException,
  path?: string,
): string {
  let code = e.code ?? "";
  let inTheWay: string | undefined;
  if (e.syscall === "mkdir" && e.path) {
    // ENOENT, EEXIST, ENOTDIR say little: name what is in the way (a file, a dangling link)
    inTheWay = whyNoFolder(e.path, code);
    if (code === "ENOENT") {
      // under a read-only or forbidden folder: name the real cause
      try {
        accessSync(nearestExisting(dirname(e.path)), constants.W_OK);
      } catch (cause) {
        code = (cause as NodeJS.ErrnoException).code ?? code;
        inTheWay = undefined;
      }
    }
  }
  const verb = SYSCALL_VERBS[e.syscall ?? ""] ?? e.syscall ?? "use";
  const where = e.path ?? path;
  const what =
    inTheWay ?? ERRNO_WORDS[code] ?? e.message.replace(/^E[A-Z0-9]+: /, "");
  return `cannot ${verb}${where ? ` ${where}` : ""}: ${what} (${code})`;
}

/**
 * Print the message for an error that ended a command and return its exit code: 2 for a usage
 * error, 3 for an environment error or a bug. `command` is the subcommand's name, if known.
 */
export function reportFailure(
  command: string | undefined,
  e: unknown,
): ExitCode {
  const prefix = command ? `regel ${command}` : "regel";
  if (e instanceof CommanderError) {
    // commander has printed its message ("error: unknown option '--x'"); help and version exit 0
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (e instanceof OutputFolderError) {
    printErr(`${prefix}: ${e.message}\n`);
    return EXIT.environment;
  }
  if (isSystemError(e)) {
    printErr(`${prefix}: ${systemErrorMessage(e)}\n`);
    debugStack(e);
    return EXIT.environment;
  }
  const message = e instanceof Error ? e.message : String(e);
  printErr(
    `${prefix}: internal error: ${message.split("\n")[0]} — this is a bug in regel; please report it with the command you ran (REGEL_DEBUG=1 shows the details)\n`,
  );
  debugStack(e);
  return EXIT.environment;
}

function debugStack(e: unknown): void {
  if (process.env.REGEL_DEBUG && e instanceof Error && e.stack)
    printErr(`${e.stack}\n`);
}

/** The subcommand named on the command line (the first argument that is not an option). */
export function commandName(
  argv: readonly string[],
  known: readonly string[],
): string | undefined {
  const first = argv.slice(2).find((a) => !a.startsWith("-"));
  return first !== undefined && known.includes(first) ? first : undefined;
}

/**
 * End quietly when the reader of stdout or stderr goes away (`regel validate --json | head`): the
 * output is not wanted any more, so this is neither an error nor a stack trace.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
      throw e;
    });
}
