/**
 * The bench's start-up rows (bench/startup.ts): `regel --help`, `regel --version` and `regel
 * validate` of the bundled example, and how they replace the previous ones in bench/results.md.
 * (The measurement itself spawns the built CLI 88 times: `npm run bench -- --startup-only 1`.)
 */
import { describe, expect, it } from "vitest";
import {
  startupEnv,
  startupRows,
  withStartupRows,
} from "../../bench/startup.js";

const measured = {
  bareMs: 50,
  helpMs: 80,
  versionMs: 90,
  exampleMs: 200,
  exampleCpuMs: 230,
  exampleRows: 1860,
  repeats: 21,
};

describe("bench: CLI start-up rows", () => {
  it("states the example's time against `regel --version` (the target) and bare node, with its CPU", () => {
    const rows = startupRows(measured);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/^\| `regel validate` of the bundled example/);
    expect(rows[2]).toContain("1,860 rows");
    expect(rows[2]).toContain("CPU user + system 0.23 s");
    expect(rows[2]).toContain(
      "| 0.200 | 2.22 × `regel --version`, 4.00 × bare node | ≤ 2 × `regel --version` |",
    );
    expect(
      startupRows({ ...measured, exampleCpuMs: undefined })[2],
    ).not.toContain("CPU");
  });

  it("measures without the variables that make node work before any script, and says what they cost", () => {
    const env = {
      PATH: "/usr/bin",
      NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt",
      NODE_OPTIONS: "--require x",
    };
    expect(startupEnv(env)).toEqual({ PATH: "/usr/bin" });
    // the environment itself is left as it was
    expect(env.NODE_EXTRA_CA_CERTS).toBe("/etc/ssl/certs/ca-certificates.crt");
    expect(startupRows(measured)[0]).not.toContain("without");
    const rows = startupRows({
      ...measured,
      bareMs: 25,
      bareAsIsMs: 66,
      leftOut: ["NODE_EXTRA_CA_CERTS"],
    });
    expect(rows[1]).toContain(
      'bare `node -e ""`: 0.025 s; every process without this environment\'s NODE_EXTRA_CA_CERTS, with which a bare node takes 0.066 s) | 0.090 | 3.60 × bare node |',
    );
  });

  it("adds the example's cold floor against `regel --version`, and the example against the floor", () => {
    const rows = startupRows({ ...measured, floorMs: 125, floorIkbs: 300 });
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatch(/^\| the example's one-read floor, cold/);
    expect(rows[3]).toContain("300 IKBs classified");
    expect(rows[3]).toContain(
      "| 0.125 | 1.39 × `regel --version`; the example is 1.60 × it | reference |",
    );
    // the floor's row is replaced like the others
    const table = withStartupRows("| a |\n| - |\n| b |\n\ntext", rows);
    expect(withStartupRows(table, rows)).toBe(table);
    expect(withStartupRows(table, startupRows(measured))).toBe(
      withStartupRows("| a |\n| - |\n| b |\n\ntext", startupRows(measured)),
    );
  });

  it("replaces the rows where they are, and adds them at the end of the first table once", () => {
    const table = [
      "| measurement | time (s) |",
      "| --- | ---: |",
      "| before | 1 |",
      "| `regel --help` start-up old | 0.1 |",
      "| `regel --version` start-up old | 0.1 |",
      "| after | 2 |",
      "",
      "text",
    ].join("\n");
    const rows = startupRows(measured);
    const once = withStartupRows(table, rows);
    expect(once.split("\n").slice(3, 7)).toEqual([...rows, "| after | 2 |"]);
    expect(withStartupRows(once, rows)).toBe(once);
    const fresh = withStartupRows("| a |\n| - |\n| b |\n\ntext", rows);
    expect(fresh.split("\n")).toEqual([
      "| a |",
      "| - |",
      "| b |",
      ...rows,
      "",
      "text",
    ]);
  });

  it("leaves the notes alone, though a row there names the bundled example too", () => {
    const rows = startupRows(measured);
    const notes =
      "## Notes\n\n| target | measured |\n| --- | --- |\n| `regel validate` of the bundled example ≤ 2 × | 2.5 × |\n";
    const results = `| a |\n| - |\n| \`regel --version\` start-up old | 0.1 |\n\n${notes}`;
    const updated = withStartupRows(results, rows);
    expect(updated.endsWith(`\n${notes}`)).toBe(true);
    expect(updated.split("\n").slice(0, 5)).toEqual([
      "| a |",
      "| - |",
      ...rows,
    ]);
  });
});
