/**
 * A real `regel validate` interrupted mid-run. The external sort's temporary files hold unmasked
 * rows (names, IBANs): stopped by SIGINT, SIGTERM or SIGKILL, nothing may stay behind — after
 * SIGKILL the next run removes it. Ctrl-C on a terminal leaves the cursor visible and line
 * wrapping on.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { removeLeftoverSortDirs } from "../../runtime/assemble.js";
import { ensureBuilt, MAIN, runCli } from "./built-cli.js";

let delivery: string;
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const WRAP_OFF = "\x1b[?7l";
const WRAP_ON = "\x1b[?7h";

/** Reverse the data rows of a CSV file so it is no longer in IKB-key order (forces a sort). */
function unsort(path: string): void {
  const [header, ...rows] = readFileSync(path, "utf8").trimEnd().split("\n");
  writeFileSync(path, [header, ...rows.reverse()].join("\n") + "\n");
}

beforeAll(() => {
  ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), "regel-sort-test-"));
  delivery = join(work, "delivery");
  const g = runCli([
    "generate",
    "--depositors",
    "1500",
    "--seed",
    "5",
    "--rrd",
    "2024-03-29",
    "--out",
    delivery,
  ]);
  expect(g.status, g.stderr).toBe(0);
  unsort(join(delivery, "bank_account.csv"));
  unsort(join(delivery, "natural_person.csv"));
}, 120_000);

interface Stopped {
  signal: NodeJS.Signals | null;
  stderr: string;
  dirMode: number;
  fileMode: number;
  runsSeen: number;
  left: string[];
  tempBase: string;
}

/** Start `regel validate` with a tiny sort budget, wait until sort runs are on disk, send `signal`. */
async function stopMidSort(signal: NodeJS.Signals): Promise<Stopped> {
  const tempBase = mkdtempSync(join(tmpdir(), "regel-sort-base-"));
  const child = spawn(
    process.execPath,
    [
      MAIN,
      "validate",
      delivery,
      "--rrd",
      "2024-03-29",
      "--temp-dir",
      tempBase,
      "--sort-budget",
      "20000",
      "--no-progress",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<NodeJS.Signals | null>((res) =>
    child.on("exit", (_code, sig) => res(sig)),
  );
  let dirMode = 0;
  let fileMode = 0;
  let runsSeen = 0;
  const deadline = Date.now() + 50_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const dir = readdirSync(tempBase).find((n) => n.startsWith("regel-sort-"));
    if (dir) {
      const runs = readdirSync(join(tempBase, dir)).filter((n) =>
        n.endsWith(".csv"),
      );
      if (runs.length >= 3) {
        dirMode = statSync(join(tempBase, dir)).mode & 0o777;
        fileMode = statSync(join(tempBase, dir, runs[0])).mode & 0o777;
        runsSeen = runs.length;
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill(signal);
  const sig = await exited;
  return {
    signal: sig,
    stderr,
    dirMode,
    fileMode,
    runsSeen,
    left: readdirSync(tempBase),
    tempBase,
  };
}

describe("temporary sort files", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    it(`are private and removed when the run gets ${signal} mid-sort`, async () => {
      const r = await stopMidSort(signal);
      expect(r.runsSeen).toBeGreaterThanOrEqual(3);
      if (process.platform !== "win32") {
        expect(r.dirMode).toBe(0o700);
        expect(r.fileMode).toBe(0o600);
      }
      // the process still ends by the signal (a shell sees 130 / 143), quietly
      expect(r.signal, r.stderr).toBe(signal);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.left).toEqual([]);
    });

  it("left by SIGKILL are removed by the next run", async () => {
    const r = await stopMidSort("SIGKILL");
    expect(r.runsSeen).toBeGreaterThanOrEqual(3);
    expect(r.left).toHaveLength(1);
    const marker = JSON.parse(
      readFileSync(join(r.tempBase, r.left[0], "owner.json"), "utf8"),
    );
    expect(marker.host).toBe(hostname());
    // the next run, here one that needs no sort at all, sweeps it
    const next = runCli([
      "validate",
      join(import.meta.dirname, "..", "runtime", "fixtures", "glo-delivery"),
      "--rrd",
      "2022-12-31",
      "--temp-dir",
      r.tempBase,
      "--no-progress",
    ]);
    expect(next.status, next.stderr).toBeLessThanOrEqual(1);
    expect(readdirSync(r.tempBase)).toEqual([]);
  });
});

describe("removeLeftoverSortDirs", () => {
  it("removes only folders of this host whose owner process is gone", async () => {
    const base = mkdtempSync(join(tmpdir(), "regel-sweep-"));
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    const make = (name: string, owner?: object) => {
      mkdirSync(join(base, name));
      writeFileSync(join(base, name, "run-00000.ndjson"), "[]\n");
      if (owner)
        writeFileSync(join(base, name, "owner.json"), JSON.stringify(owner));
    };
    make("regel-sort-dead", { pid: dead, host: hostname() });
    make("regel-sort-alive", { pid: process.pid, host: hostname() });
    make("regel-sort-elsewhere", { pid: dead, host: `not-${hostname()}` });
    make("regel-sort-unmarked");
    make("someone-elses", { pid: dead, host: hostname() });
    const removed = await removeLeftoverSortDirs(base);
    expect(removed).toEqual([join(base, "regel-sort-dead")]);
    expect(existsSync(join(base, "regel-sort-dead"))).toBe(false);
    expect(readdirSync(base).sort()).toEqual([
      "regel-sort-alive",
      "regel-sort-elsewhere",
      "regel-sort-unmarked",
      "someone-elses",
    ]);
  });
});

describe("the progress bar", () => {
  it("leaves the terminal cursor visible after Ctrl-C", async (ctx) => {
    // a real terminal: `script` (util-linux) runs the command on a pseudo-terminal
    if (
      process.platform !== "linux" ||
      spawnSync("script", ["--version"]).status !== 0
    ) {
      console.warn("skipped: no `script` command to open a pseudo-terminal");
      ctx.skip();
    }
    const command = [process.execPath, MAIN, "validate", delivery]
      .map((a) => `'${a}'`)
      .join(" ");
    const child = spawn(
      "script",
      [
        "-qfec",
        `${command} --rrd 2024-03-29 --sort-budget 20000 --temp-dir '${mkdtempSync(join(tmpdir(), "regel-tty-"))}'`,
        "/dev/null",
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let out = "";
    let interrupted = false;
    child.stdout.on("data", (d) => {
      out += String(d);
      if (!interrupted && out.includes(HIDE_CURSOR)) {
        // the bar is drawing: Ctrl-C, as typed (the terminal sends SIGINT to the command)
        interrupted = true;
        child.stdin.write("\x03");
      }
    });
    await new Promise((r) => child.on("exit", r));
    expect(interrupted).toBe(true);
    expect(out).not.toContain("status:");
    expect(out.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(
      out.lastIndexOf(HIDE_CURSOR),
    );
    // line wrapping, which the bar turns off while it draws, is on again
    expect(out.lastIndexOf(WRAP_ON)).toBeGreaterThan(out.lastIndexOf(WRAP_OFF));
  });
});
