/**
 * Output paths that cannot be folders — under /proc, under a file, a symbolic link to nothing —
 * end the built `regel` command at once with one line naming the path and the cause (exit 3),
 * never a hang, and leave nothing behind.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, MAIN, ROOT, STACK_TRACE } from "./built-cli.js";

const DELIVERY = join(ROOT, "examples", "ikb-delivery");
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

afterAll(() => rmSync(work, { recursive: true, force: true }));

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

describe("regel validate --out checked before the validation", () => {
  /** `regel validate` of `delivery` (the example) with `options`. */
  const validateWith = (delivery: string, ...options: string[]) =>
    regel([
      "validate",
      delivery,
      "--rrd",
      "2024-03-31",
      ...options,
      "--no-progress",
    ]);
  /** `regel validate` of the example into `out`. */
  const validate = (out: string) => validateWith(DELIVERY, "--out", out);

  /** Exit 2, one line on stderr, no summary on stdout: a usage error found before the run. */
  function usageError(r: ReturnType<typeof regel>, words: string) {
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`regel validate: ${words}\n`);
  }

  /** Exit 3, one line on stderr, no summary on stdout: the validation never started. */
  function refusedBeforeTheRun(r: ReturnType<typeof regel>, words: string) {
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`regel validate: ${words}\n`);
  }

  it("a symbolic link to nothing: named with its target; no staging folder or lock left", () => {
    const dir = join(work, "dangling-case");
    mkdirSync(dir);
    symlinkSync("/nonexistent/target", join(dir, "dangling"));
    refusedBeforeTheRun(
      validate(join(dir, "dangling")),
      `${join(dir, "dangling")} is a symbolic link to /nonexistent/target that does not exist; create that folder, or give another one for the output`,
    );
    expect(readdirSync(dir)).toEqual(["dangling"]);
  });

  it("a folder in the delivery folder, directly or through a link: refused before the run (exit 2), nothing written", () => {
    const copy = join(work, "in-delivery");
    cpSync(DELIVERY, copy, { recursive: true });
    symlinkSync(copy, join(work, "link-to-delivery"));
    const before = readdirSync(copy);
    for (const out of [
      join(copy, "report"),
      join(work, "link-to-delivery", "report", "deeper"),
    ]) {
      usageError(
        validateWith(copy, "--out", out),
        `--out ${out} is in the delivery folder ${copy}: give a folder outside it (the report would become part of the delivery)`,
      );
    }
    expect(readdirSync(copy)).toEqual(before);
    // beside the delivery is fine
    const beside = validateWith(copy, "--out", `${copy}-report`);
    expect(beside.status, beside.stderr).toBe(0);
  });

  it("a --temp-dir in the delivery folder, or the folder itself: refused before the run (exit 2)", () => {
    const copy = join(work, "temp-in-delivery");
    cpSync(DELIVERY, copy, { recursive: true });
    mkdirSync(join(copy, "tmp"));
    for (const temp of [copy, join(copy, "tmp")])
      usageError(
        validateWith(copy, "--temp-dir", temp),
        `--temp-dir ${JSON.stringify(temp)} is in the delivery folder ${copy}: give a folder outside it (a stopped run's sort files would become part of the delivery)`,
      );
  });

  it("a --temp-dir that is not a folder (absent, a file, empty): refused before the run (exit 2)", () => {
    const file = join(work, "a-file");
    writeFileSync(file, "x");
    for (const temp of [join(work, "no-such-folder"), file, ""]) {
      usageError(
        validateWith(DELIVERY, "--temp-dir", temp),
        `--temp-dir ${JSON.stringify(temp)} is not a folder: give an existing folder for the sort's temporary files`,
      );
    }
    expect(existsSync(join(work, "no-such-folder"))).toBe(false);
  });

  it("an --out that holds the sort folder of a killed run (--temp-dir the same folder): replaced, the leftover gone; one of a live run refused", () => {
    // a sort folder as a run killed by SIGKILL leaves it: its owner marker names a process gone
    const out = join(work, "out-and-temp");
    const leftover = (name: string, pid: number) => {
      mkdirSync(join(out, name), { recursive: true });
      writeFileSync(join(out, name, "NP-00000.csv"), "unmasked rows\n");
      writeFileSync(
        join(out, name, "owner.json"),
        JSON.stringify({ pid, host: hostname() }),
      );
    };
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    leftover("regel-sort-AbC123", gone);
    const r = validateWith(DELIVERY, "--out", out, "--temp-dir", out);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "report.html",
      "report.json",
      "samples",
    ]);
    // a live run's sort folder is not regel's to remove: the folder is refused as before
    leftover("regel-sort-Live99", process.pid);
    refusedBeforeTheRun(
      validate(out),
      `${out} holds files that regel did not write; regel replaces the whole folder, so give a new or empty folder (or one with an earlier report)`,
    );
    expect(existsSync(join(out, "regel-sort-Live99", "NP-00000.csv"))).toBe(
      true,
    );
  });

  it("a folder under a file: the file is named", () => {
    const dir = join(work, "file-case");
    mkdirSync(join(dir, "out1"), { recursive: true });
    writeFileSync(join(dir, "out1", "report.json"), "{}");
    const out = join(dir, "out1", "report.json", "x");
    refusedBeforeTheRun(
      validate(out),
      `cannot create ${out}: ${join(dir, "out1", "report.json")} is a file`,
    );
    expect(readdirSync(dir)).toEqual(["out1"]);
    expect(readdirSync(join(dir, "out1"))).toEqual(["report.json"]);
  });

  it.runIf(existsSync("/proc/self"))(
    "a folder under /proc: the folder that allows no new one is named, no lock file",
    () => {
      refusedBeforeTheRun(
        validate("/proc/regel-x"),
        "cannot create the folder /proc/regel-x: /proc does not allow a new folder in it (ENOENT)",
      );
      refusedBeforeTheRun(
        validate("/proc/regel-x/y"),
        "cannot create the folder /proc/regel-x/y: /proc does not allow a new folder in it (ENOENT)",
      );
    },
  );
});
