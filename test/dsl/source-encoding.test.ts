/**
 * A ruleset file that is not valid UTF-8 (issue 16): `"André"` saved as Latin-1 is error REG105
 * with its line and column in `regel check`, `regel compile` and `regel fmt`, and neither
 * `regel fmt` nor `prettier --write` ever writes such a file (the byte would be lost).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prettier from "prettier";
import { beforeAll, describe, expect, it } from "vitest";
import { runFmt } from "../../cli/commands/fmt.js";
import { compile } from "../../compiler/compile.js";
import plugin from "../../dsl/prettier-plugin.js";
import { loadProject } from "../../dsl/project.js";
import { decodeSource } from "../../dsl/source-text.js";
import { ensureBuilt, regel } from "../cli/cli-helpers.js";
import { BASE } from "./checker-helpers.js";

/** The base ruleset with `"André"` in Latin-1 (0xE9) on line 1 and, badly formatted, on line 15. */
function latin1Ruleset(): Buffer {
  const text = BASE.replace('"Base"', '"Andr\u00e9"').replace(
    "field last_name: text(200) personal",
    'field last_name:   text(200) personal "\u00e9\u00e9n"',
  );
  return Buffer.from(text, "latin1");
}

const where = (bytes: Buffer) =>
  decodeSource(bytes, "x.regel").diagnostics.map((d) => [
    d.code,
    d.span.start.line,
    d.span.start.column,
  ]);

describe("decodeSource", () => {
  it("REG105 at the first bad byte of each line, with the column of the decoded line", () => {
    expect(where(latin1Ruleset())).toEqual([
      ["REG105", 1, 27],
      ["REG105", 15, 42],
    ]);
    const [d] = decodeSource(latin1Ruleset(), "x.regel").diagnostics;
    expect(d.severity).toBe("error");
    expect(d.message).toContain("not valid UTF-8: the byte 0xE9");
    expect(d.message).toContain("save the file as UTF-8");
  });

  it("counts lines as the lexer does: LF, CRLF and a lone CR; columns in UTF-16 units after valid text", () => {
    const bytes = Buffer.concat([
      Buffer.from("a\r\nb\rc\n\u{1F600}x", "utf8"),
      Buffer.from([0xff]),
      Buffer.from("\n  ", "utf8"),
      Buffer.from([0xc3]), // a cut-off sequence
    ]);
    expect(where(bytes)).toEqual([
      ["REG105", 4, 4],
      ["REG105", 5, 3],
    ]);
  });

  it("reports ten lines and notes how many more there are", () => {
    const bytes = Buffer.from("\u00e9\n".repeat(25), "latin1");
    const ds = decodeSource(bytes, "x.regel").diagnostics;
    expect(ds).toHaveLength(10);
    expect(ds[9].notes).toEqual([
      "15 more lines of this file have bytes that are not UTF-8",
    ]);
  });

  it("valid UTF-8, with or without a byte-order mark, decodes exactly as Node's utf8", () => {
    for (const text of ["\uFEFFruleset a@1.0.0", "André \u{1F600}\r\n", ""]) {
      const bytes = Buffer.from(text, "utf8");
      expect(decodeSource(bytes, "x.regel")).toEqual({
        text: bytes.toString("utf8"),
        diagnostics: [],
      });
    }
  });
});

describe("a Latin-1 ruleset in the tools", () => {
  const dir = mkdtempSync(join(tmpdir(), "regel-encoding-"));
  const file = join(dir, "latin1.regel");
  beforeAll(() => {
    writeFileSync(file, latin1Ruleset());
    ensureBuilt();
  }, 180_000);

  it("loadProject and compile report REG105 and compile nothing", async () => {
    const project = await loadProject([file]);
    expect(project.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual(
      [
        ["REG105", 1],
        ["REG105", 15],
      ],
    );
    const compiled = await compile([file], { outDir: join(dir, "out") });
    expect(compiled.files).toEqual([]);
    expect(compiled.diagnostics.map((d) => d.code)).toContain("REG105");
  });

  it("regel check exits 1 with file:line:column and a code frame", () => {
    const r = regel(["check", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${file}:1:27: error REG105: this file is not valid UTF-8`,
    );
    expect(r.stdout).toContain(`${file}:15:42: error REG105`);
    expect(r.stdout).toMatch(/\|\s+\^/);
  });

  it("regel fmt and regel fmt --check refuse it and leave its bytes as they were", () => {
    const before = readFileSync(file);
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
    };
    expect(runFmt([file], {}, io)).toBe(1);
    expect(runFmt([file], { check: true }, io)).toBe(1);
    expect(lines.join("\n")).toContain(`${file}:15:42: error REG105`);
    expect(lines.join("\n")).toContain("not formatted: it is not valid UTF-8");
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("the prettier plugin refuses it too, so prettier --write cannot destroy the byte", async () => {
    const text = readFileSync(file, "utf8"); // as prettier reads it: U+FFFD for the bad bytes
    await expect(
      prettier.format(text, { filepath: file, plugins: [plugin] }),
    ).rejects.toThrow(/REG105/);
    // a U+FFFD written on purpose in a UTF-8 file is still formatted
    const good = join(dir, "replacement.regel");
    writeFileSync(good, BASE.replace('"Base"', '"\uFFFD"'));
    await expect(
      prettier.format(readFileSync(good, "utf8"), {
        filepath: good,
        plugins: [plugin],
      }),
    ).resolves.toContain('"\uFFFD"');
  });
});
