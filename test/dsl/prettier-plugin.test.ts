import fc from "fast-check";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { tokenize } from "../../dsl/lexer.js";
import plugin from "../../dsl/prettier-plugin.js";
import { format, print } from "../../dsl/printer.js";
import { regelFile } from "./ast-arbitrary.js";
import {
  ASSUMED,
  COMMENTED,
  languageDocBlocks,
  rulesetFiles,
} from "./printer-fixtures.js";

const withPrettier = (text: string, filepath?: string): Promise<string> =>
  prettier.format(
    text,
    filepath === undefined
      ? { parser: "regel", plugins: [plugin] }
      : { filepath, plugins: [plugin] },
  );

describe("prettier plugin", () => {
  it("declares the regel language for .regel files", () => {
    expect(plugin.languages?.[0]).toMatchObject({
      name: "regel",
      parsers: ["regel"],
      extensions: [".regel"],
    });
    expect(plugin.parsers?.regel.astFormat).toBe("regel");
    expect(plugin.printers?.regel).toBeDefined();
  });

  it.each(
    [
      ...languageDocBlocks(),
      ...rulesetFiles(),
      { name: "comments fixture", text: COMMENTED },
      { name: "assumptions fixture", text: ASSUMED },
    ].map((f) => [f.name, f.text]),
  )("gives the same bytes as regel fmt on %s", async (name, text) => {
    const ours = format(text, name);
    if (ours.diagnostics.some((d) => d.severity === "error")) {
      await expect(withPrettier(text)).rejects.toThrow();
      return;
    }
    expect(await withPrettier(text)).toBe(ours.text);
  });

  it("finds the parser from the file name", async () => {
    const messy = `ruleset a@1.0.0 "A" source br "B" // c\nmetric m: percent`;
    expect(await withPrettier(messy, "rulesets/a/1.0.0.regel")).toBe(
      format(messy, "a.regel").text,
    );
  });

  it("agrees with regel fmt on CRLF line ends and a byte-order mark", async () => {
    const text = `\uFEFFruleset a@1.0.0 "A"\r\n  source br "B" // c\r\n\r\nmetric m: percent\r\n`;
    const ours = format(text, "crlf.regel").text;
    expect(ours).toBe(
      `\uFEFFruleset a@1.0.0 "A"\n  source br "B" // c\n\nmetric m: percent\n`,
    );
    expect(await withPrettier(text)).toBe(ours);
  });

  it("keeps every comment and never throws 'Comment was not printed'", async () => {
    const out = await withPrettier(COMMENTED);
    const texts = (t: string) =>
      tokenize(t, "x.regel").comments.map((c) => c.text);
    expect(texts(out)).toEqual(texts(COMMENTED));
  });

  it("refuses a file with parse errors, pointing at the error", async () => {
    const broken = `ruleset a@1.0.0\n\nrule r "t"\n  require a =\n`;
    await expect(withPrettier(broken)).rejects.toThrow(/REG1\d\d/);
  });

  it("matches print() on generated files", async () => {
    await fc.assert(
      fc.asyncProperty(regelFile, async (ast) => {
        const text = print(ast);
        expect(await withPrettier(text)).toBe(text);
      }),
      { numRuns: 50 },
    );
  });
});
