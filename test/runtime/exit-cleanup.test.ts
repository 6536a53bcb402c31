/**
 * runtime/exit-cleanup.ts in a real process: a second signal while the cleanups of the first
 * run (Ctrl-C pressed twice) does not cut them short, and the process still ends by the signal.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../cli/built-cli.js";

const dist = (file: string) =>
  JSON.stringify(pathToFileURL(join(ROOT, "dist", "runtime", file)).href);

/**
 * A process that makes a sort folder of 300 run files, registers (before the folder's own
 * cleanup) a cleanup that sends it `second`, and sends itself `first`.
 */
function interruptedTwice(
  first: NodeJS.Signals,
  second: NodeJS.Signals,
): { signal: NodeJS.Signals | null; base: string; stdout: string } {
  const base = mkdtempSync(join(tmpdir(), "regel-exit-"));
  const script = `
    import { writeFileSync } from "node:fs";
    import { join } from "node:path";
    import { TempSpace } from ${dist("assemble.js")};
    import { onExitCleanup } from ${dist("exit-cleanup.js")};
    const temp = new TempSpace(${JSON.stringify(base)});
    onExitCleanup(() => process.kill(process.pid, ${JSON.stringify(second)}));
    const dir = await temp.folder();
    for (let i = 0; i < 300; i++)
      writeFileSync(join(dir, "run-" + i + ".csv"), "C1,Jansen,NL91ABNA0417164300\\n");
    process.stdout.write("written\\n");
    process.kill(process.pid, ${JSON.stringify(first)});
    setTimeout(() => process.stdout.write("not ended\\n"), 5000);
  `;
  const child = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", script],
    { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
  );
  return { signal: child.signal, base, stdout: child.stdout };
}

beforeAll(() => ensureBuilt(), 120_000);

describe.skipIf(process.platform === "win32")("exit cleanups", () => {
  it("let the process go when the last is taken off (no signal listener left)", () => {
    const script = `
      import { onExitCleanup } from ${dist("exit-cleanup.js")};
      const count = () => process.listenerCount("SIGINT");
      const before = count();
      const a = onExitCleanup(() => undefined);
      const b = onExitCleanup(() => undefined);
      const both = count();
      a();
      a();
      const one = count();
      b();
      process.stdout.write(JSON.stringify({ before, both, one, after: count() }));
    `;
    const child = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
    );
    const counts = JSON.parse(child.stdout) as Record<string, number>;
    expect(counts.before).toBe(0);
    expect(counts.both).toBeGreaterThan(0);
    expect(counts.one).toBe(counts.both);
    expect(counts.after).toBe(0);
  });

  for (const [first, second] of [
    ["SIGINT", "SIGINT"],
    ["SIGTERM", "SIGINT"],
    ["SIGINT", "SIGTERM"],
  ] as const)
    it(`finish when ${second} comes while those of ${first} run, and the process ends by ${first}`, () => {
      const r = interruptedTwice(first, second);
      expect(r.stdout).toBe("written\n");
      expect(r.signal).toBe(first);
      // the sort folder and its 300 files of unmasked rows are gone
      expect(existsSync(r.base)).toBe(true);
      expect(readdirSync(r.base)).toEqual([]);
    });
});
