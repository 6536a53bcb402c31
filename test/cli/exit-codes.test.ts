/**
 * No crash, ever: the built `regel` command against usage errors, a closed pipe, an unexpected
 * error, and output places it cannot use (a file where a folder belongs, foreign files, another
 * run's lock, a read-only folder, a full disk). Each ends with one clear line on stderr, no stack
 * trace, and the documented exit code (cli/exit-codes.ts); the previous report stays intact.
 */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAssess } from "../../cli/commands/assess.js";
import { runRecord } from "../../cli/commands/record.js";
import {
  ensureBuilt,
  MAIN,
  ROOT,
  runCli,
  runCliAsync,
  STACK_TRACE,
  type CliResult,
} from "./built-cli.js";
import { completeReportSet } from "./report-set.js";
import { mountSmallDisk, type SmallDisk } from "./small-disk.js";

const GLO = join(ROOT, "test", "runtime", "fixtures", "glo-delivery");
const OLD = "2024-01-01T00:00:00Z";
let work: string;
/** A delivery whose report (~400 KiB with its samples) does not fit on the small disk. */
let big: string;

const validate = (out: string, stamp = "2024-05-05T00:00:00Z") => [
  "validate",
  GLO,
  "--rrd",
  "2022-12-31",
  "--generated-at",
  stamp,
  "--out",
  out,
  "--no-progress",
];

/** One clear line on stderr naming the command, no stack trace. */
function clearFailure(r: CliResult, command: string, words: RegExp): void {
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr).toMatch(new RegExp(`^regel ${command}: `));
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(words);
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "regel-exit-"));
  big = join(work, "big");
  const g = runCli([
    "generate",
    "--depositors",
    "300",
    "--seed",
    "7",
    "--defect-rate",
    "0.6",
    "--rrd",
    "2024-03-29",
    "--out",
    big,
  ]);
  expect(g.status, g.stderr).toBe(0);
}, 120_000);

describe("usage errors and the end of output", () => {
  it("commander's usage errors exit 2; --version and --help exit 0", async () => {
    const [unknown, missing, required, version, help] = await Promise.all([
      runCliAsync(["validate", GLO, "--bogus"]),
      runCliAsync(["validate"]),
      runCliAsync(["generate", "--out", join(work, "x")]),
      runCliAsync(["--version"]),
      runCliAsync(["validate", "--help"]),
    ]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'folder'");
    expect(required.status).toBe(2);
    expect(required.stderr).toContain("--depositors");
    expect(version.status).toBe(0);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--out <dir>");
    for (const r of [unknown, missing, required])
      expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it("`regel validate --json | head -c 100` ends quietly", () => {
    const r = spawnSync(
      "bash",
      [
        "-c",
        `"$0" "$1" validate "$2" --rrd 2022-12-31 --json --no-progress | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`,
        process.execPath,
        MAIN,
        GLO,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    // the verdict's own code (0 or 1), not a crash
    expect(["0", "1"]).toContain(r.stdout.trim());
  });

  it("an unexpected error prints one line naming the command and a hint to report it, exit 3", async () => {
    // a fault where no command expects one: writing the summary throws
    const fault = `data:text/javascript,process.stdout.write=()=>{throw new TypeError("injected fault")}`;
    const r = await runCliAsync(
      ["validate", GLO, "--rrd", "2022-12-31", "--no-progress"],
      { nodeArgs: ["--import", fault] },
    );
    expect(r.status).toBe(3);
    clearFailure(r, "validate", /internal error: injected fault .*report it/);
  });
});

describe("a damaged compiled ruleset: exit 2, naming the file", () => {
  it("the groeipad's trace.json (read for its norm, not the chosen ruleset's): validate and verify", () => {
    const example = join(ROOT, "examples", "ikb-delivery");
    const args = (compiled: string, out: string) => [
      "validate",
      example,
      "--rrd",
      "2024-03-31",
      "--compiled",
      compiled,
      "--out",
      out,
      "--no-progress",
    ];
    const good = join(ROOT, "rulesets", "compiled");
    const first = runCli(args(good, join(work, "groeipad-ok")));
    expect(first.status, first.stderr).toBe(0);
    const damaged = join(work, "damaged-compiled");
    cpSync(good, damaged, { recursive: true });
    const trace = join(damaged, "ikb.groeipad@1.0.0", "trace.json");
    appendFileSync(trace, "x\n");
    const words = new RegExp(
      `${trace.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON \\(.*\\); run \`regel compile\` again`,
    );
    const v = runCli(args(damaged, join(work, "groeipad-damaged")));
    expect(v.status).toBe(2);
    clearFailure(v, "validate", words);
    const verify = runCli([
      "verify",
      join(work, "groeipad-ok", "report.json"),
      "--delivery",
      example,
      "--compiled",
      damaged,
    ]);
    expect(verify.status).toBe(2);
    clearFailure(verify, "verify", words);
  }, 120_000);
});

describe("output places regel cannot use: exit 3, a clear message", () => {
  it("--out on an existing file (validate, compile, catalogue, generate, assess --html)", async () => {
    const file = join(work, "a-file");
    writeFileSync(file, "not a folder\n");
    const rulesets = join(work, "rulesets");
    mkdirSync(rulesets);
    writeFileSync(
      join(rulesets, "t.regel"),
      readFileSync(
        join(ROOT, "rulesets", "nl.werkdagen", "1.0.0.regel"),
        "utf8",
      ),
    );
    const [v, c, cat, g] = await Promise.all([
      runCliAsync(validate(file)),
      runCliAsync(["compile", rulesets, "--out", file]),
      runCliAsync(["catalogue", rulesets, "--out", file]),
      runCliAsync([
        "generate",
        "--depositors",
        "5",
        "--rrd",
        "2024-03-29",
        "--out",
        file,
      ]),
    ]);
    expect(v.status).toBe(3);
    clearFailure(v, "validate", /a-file is a file, not a folder/);
    expect(c.status).toBe(3);
    clearFailure(c, "compile", /a-file is a file \(EEXIST\)/);
    expect(cat.status).toBe(3);
    clearFailure(cat, "catalogue", /a file is in the way .*\(ENOTDIR\)/);
    expect(g.status).toBe(3);
    clearFailure(g, "generate", /a-file is a file, not a folder/);
    expect(readFileSync(file, "utf8")).toBe("not a folder\n");

    // assess: the verdict is printed, the page cannot be written
    const report = join(work, "glo.json");
    writeFileSync(
      report,
      runCli(["validate", GLO, "--rrd", "2022-12-31", "--json"]).stdout,
    );
    const history = join(work, "history.sqlite");
    expect(
      runRecord(report, {
        bank: "B",
        history,
        deliveryId: "d1",
        deliveredAt: "2023-01-02T10:00:00Z",
      }).code,
    ).toBe(0);
    const a = await runAssess({
      bank: "B",
      year: "2022",
      history,
      html: join(file, "page.html"),
    });
    expect(a.code).toBe(3);
    expect(a.stdout).toContain("Groeipad assessment");
    expect(a.stderr).toMatch(
      /^regel assess: cannot .*page\.html: .*\(ENOTDIR\)\n$/,
    );
  });

  it("a folder with files regel did not write, or one another run is writing, is left alone", async () => {
    const foreign = join(work, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.txt"), "mine\n");
    const busy = join(work, "busy");
    // a lock held by a live process (this test)
    writeFileSync(
      join(work, ".busy.regel-lock"),
      JSON.stringify({
        pid: process.pid,
        host: (await import("node:os")).hostname(),
      }),
    );
    const [f, b] = await Promise.all([
      runCliAsync(validate(foreign)),
      runCliAsync(validate(busy)),
    ]);
    expect(f.status).toBe(3);
    clearFailure(f, "validate", /holds files that regel did not write/);
    expect(readdirSync(foreign)).toEqual(["notes.txt"]);
    expect(b.status).toBe(3);
    clearFailure(b, "validate", /another regel run \(pid \d+/);
    expect(existsSync(busy)).toBe(false);
  });
});

describe("regel generate --out", () => {
  it("refuses to overwrite an existing delivery unless told --force", async () => {
    const out = join(work, "gen");
    const args = (...more: string[]) => [
      "generate",
      "--depositors",
      "5",
      "--rrd",
      "2024-03-29",
      "--out",
      out,
      ...more,
    ];
    expect(runCli(args()).status).toBe(0);
    writeFileSync(join(out, "stale_entity.csv"), "from an earlier delivery\n");
    writeFileSync(join(out, "notes.txt"), "mine\n");
    const before = readFileSync(join(out, "natural_person.csv"), "utf8");
    const refused = runCli(args("--seed", "9"));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/is not empty .*pass --force/);
    expect(readFileSync(join(out, "natural_person.csv"), "utf8")).toBe(before);
    const forced = runCli(args("--seed", "9", "--force"));
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(join(out, "natural_person.csv"), "utf8")).not.toBe(
      before,
    );
    expect(existsSync(join(out, "stale_entity.csv"))).toBe(false);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine\n");
  });
});

describe("a full disk and a read-only folder (a small tmpfs; needs root)", () => {
  let disk: SmallDisk | string;
  beforeAll(() => {
    disk = mountSmallDisk(320);
  });
  afterAll(() => {
    if (typeof disk !== "string") disk.unmount();
  });
  const needDisk = (skip: (note?: string) => void): SmallDisk => {
    if (typeof disk === "string") {
      console.warn(`skipped: ${disk}`);
      skip(disk);
    }
    return disk as SmallDisk;
  };

  it("full disk: exit 3, the summary still printed, the previous report intact", async (ctx) => {
    const d = needDisk(ctx.skip);
    const out = join(d.path, "report");
    const first = await runCliAsync(validate(out, OLD));
    expect(first.status, first.stderr).toBeLessThanOrEqual(1);
    expect(completeReportSet(out)).toBe(OLD);
    const [full, gen] = await Promise.all([
      runCliAsync([
        "validate",
        big,
        "--rrd",
        "2024-03-29",
        "--generated-at",
        "2024-06-06T00:00:00Z",
        "--out",
        out,
        "--no-progress",
      ]),
      runCliAsync([
        "generate",
        "--depositors",
        "2000",
        "--rrd",
        "2024-03-29",
        "--out",
        join(d.path, "delivery"),
      ]),
    ]);
    expect(full.status).toBe(3);
    clearFailure(full, "validate", /no space left on the device .*\(ENOSPC\)/);
    expect(full.stdout).toContain("status:");
    expect(completeReportSet(out)).toBe(OLD);
    expect(readdirSync(d.path).filter((n) => n.includes(".regel-"))).toEqual(
      [],
    );
    expect(gen.status).toBe(3);
    clearFailure(gen, "generate", /\(ENOSPC\)/);
  });

  it("read-only folder: exit 3, the previous report intact", async (ctx) => {
    const d = needDisk(ctx.skip);
    const out = join(d.path, "report");
    expect(completeReportSet(out)).toBe(OLD);
    d.readOnly();
    const [v, c] = await Promise.all([
      runCliAsync(validate(out)),
      runCliAsync([
        "compile",
        join(ROOT, "rulesets", "nl.werkdagen", "1.0.0.regel"),
        "--out",
        join(d.path, "compiled"),
      ]),
    ]);
    expect(v.status).toBe(3);
    clearFailure(v, "validate", /read-only/);
    expect(completeReportSet(out)).toBe(OLD);
    expect(c.status).toBe(3);
    clearFailure(c, "compile", /read-only .*\(EROFS\)/);
  });
});
