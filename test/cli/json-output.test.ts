/**
 * `--json` on every command (issue 13 item 5): each command offers it, and prints one JSON
 * document on standard output — checked here for the commands that gained it (fmt, compile,
 * catalogue, generate, record, verify); check, validate, trace, diff, history, assess and explain
 * have their own tests.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Command } from "commander";
import { COMMANDS } from "../../cli/command-table.js";
import { ensureBuilt, ROOT, runCli } from "./built-cli.js";

const work = mkdtempSync(join(tmpdir(), "regel-json-"));

beforeAll(() => ensureBuilt(), 240_000);

function json(args: string[], expected: number, cwd = ROOT): any {
  const run = runCli(args, { cwd });
  expect(run.status, run.stderr).toBe(expected);
  return JSON.parse(run.stdout);
}

describe("--json", () => {
  it("every command has --json (but `lsp`, which speaks JSON-RPC)", async () => {
    const program = new Command();
    for (const entry of COMMANDS) (await entry.load()).register(program);
    expect(
      program.commands
        .filter((c) => c.name() !== "lsp")
        .filter((c) => !c.options.some((o) => o.long === "--json"))
        .map((c) => c.name()),
    ).toEqual([]);
    expect(program.commands).toHaveLength(COMMANDS.length);
  });

  it("fmt: the status of every file, with diagnostics", () => {
    const file = join(work, "messy.regel");
    writeFileSync(file, "ruleset   a.b@1.0.0\n");
    const broken = join(work, "broken.regel");
    writeFileSync(broken, 'ruleset a.b@1.0.0\nrule r "t"\n  require a =\n');
    const out = json(["fmt", "--check", "--json", file, broken], 1);
    expect(out.changed).toBe(1);
    expect(out.files.map((f: { status: string }) => f.status).sort()).toEqual([
      "not-formatted",
      "would-reformat",
    ]);
    const bad = out.files.find((f: { path: string }) => f.path === broken);
    expect(bad.diagnostics[0]).toMatchObject({
      severity: "error",
      file: broken,
    });
    expect(runCli(["fmt", join(work, "nope.regel")]).status).toBe(2);
  });

  it("compile: files written, then up to date under --check", () => {
    const out = join(work, "compiled");
    const ruleset = join(ROOT, "rulesets", "nl.werkdagen");
    const first = json(["compile", ruleset, "--out", out, "--json"], 0);
    // validators.js and trace.json at least (and the module's types or source)
    expect(first.written).toEqual(
      expect.arrayContaining([
        `${out}/nl.werkdagen@1.0.0/trace.json`,
        `${out}/nl.werkdagen@1.0.0/validators.js`,
      ]),
    );
    for (const path of first.written)
      expect(path.startsWith(`${out}/nl.werkdagen@1.0.0/`)).toBe(true);
    const check = json(
      ["compile", ruleset, "--out", out, "--check", "--json"],
      0,
    );
    expect(check).toMatchObject({ missing: [], stale: [], obsolete: [] });
    expect(check.unchanged).toBe(first.written.length);
  });

  it("catalogue: up to date under --check", () => {
    const out = json(["catalogue", "--check", "--json"], 0);
    expect(out).toMatchObject({
      out: "docs/rulesets",
      upToDate: true,
      changed: [],
      missing: [],
    });
  });

  it("generate, validate, record and verify: one run through a pipeline of JSON", () => {
    const delivery = join(work, "delivery");
    const gen = json(
      [
        "generate",
        "--depositors",
        "20",
        "--seed",
        "3",
        "--out",
        delivery,
        "--json",
      ],
      0,
    );
    expect(gen).toMatchObject({ out: delivery, depositors: 20 });
    const report = join(work, "report");
    const validated = runCli([
      "validate",
      delivery,
      "--rrd",
      "2024-03-31",
      "--out",
      report,
      "--no-progress",
      "--json",
    ]);
    expect([0, 1]).toContain(validated.status);
    const recorded = json(
      [
        "record",
        join(report, "report.json"),
        "--bank",
        "B",
        "--delivery-id",
        "1",
        "--delivered-at",
        "2024-04-02T09:30:00+02:00",
        "--history",
        join(work, "h.sqlite"),
        "--json",
      ],
      0,
    );
    expect(recorded.run).toMatchObject({ id: 1, bank: "B", deliveryId: "1" });
    const verified = json(
      ["verify", join(report, "report.json"), "--delivery", delivery, "--json"],
      0,
    );
    expect(verified).toMatchObject({
      reproduced: true,
      differences: [],
      notRun: null,
    });
    expect(
      JSON.parse(readFileSync(join(report, "report.json"), "utf8")).rrd,
    ).toBe("2024-03-31");
  });
});

describe("--json on an internal error", () => {
  afterEach(() => {
    vi.doUnmock("../../dsl/project.js");
    vi.resetModules();
    vi.restoreAllMocks();
  });

  it("check and compile still print one JSON document, with the error and no `errors` count", async () => {
    // a bug anywhere under the command: loading the rulesets throws a plain Error
    vi.resetModules();
    vi.doMock("../../dsl/project.js", async (original) => ({
      ...(await original<typeof import("../../dsl/project.js")>()),
      loadProject: async () => {
        throw new Error("a bug");
      },
    }));
    let stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const { runCheck } = await import("../../cli/commands/check.js");
    const { runCompile } = await import("../../cli/commands/compile.js");
    expect(await runCheck([work], { json: true })).toBe(3);
    expect(JSON.parse(stdout)).toEqual({ error: "internal error: a bug" });
    stdout = "";
    expect(await runCompile([work], { json: true, check: true })).toBe(3);
    expect(JSON.parse(stdout)).toEqual({ error: "internal error: a bug" });
  });
});
