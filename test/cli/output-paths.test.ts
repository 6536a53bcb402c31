/**
 * Output paths that cannot be folders — under /proc, under a file, a symbolic link to nothing —
 * end the built `regel` command at once with one line naming the path and the cause (exit 3),
 * never a hang, and leave nothing behind.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, MAIN, ROOT, STACK_TRACE } from "./built-cli.js";

const WERKDAGEN = join(ROOT, "rulesets", "nl.werkdagen", "1.0.0.regel");
let work: string;

/** Run `regel ARGS`, killed after 15 s: Node's recursive mkdir loops forever under /proc. */
function regel(args: readonly string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: work,
    encoding: "utf8",
    timeout: 15_000,
  });
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "regel-out-paths-"));
}, 120_000);

describe.runIf(existsSync("/proc/self"))("an --out under /proc", () => {
  it("compile, generate and catalogue end with exit 3 and the cause, not a hang", () => {
    for (const args of [
      ["compile", WERKDAGEN, "--out", "/proc/regel-x"],
      ["generate", "--depositors", "5", "--out", "/proc/regel-x"],
      ["catalogue", join(ROOT, "rulesets"), "--out", "/proc/regel-x"],
    ]) {
      const r = regel(args);
      expect(r.signal, args[0]).toBeNull();
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(
        new RegExp(
          `^regel ${args[0]}: cannot create the folder /proc/regel-x\\S*: /proc does not allow a new folder in it \\(ENOENT\\)\\n$`,
        ),
      );
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
  }, 60_000);
});
