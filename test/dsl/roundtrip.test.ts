import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenize } from "../../dsl/lexer.js";
import { parse } from "../../dsl/parser.js";
import { format, print } from "../../dsl/printer.js";
import { expr, regelFile, stripAst } from "./ast-arbitrary.js";
import { languageDocBlocks, rulesetFiles } from "./printer-fixtures.js";

const NUM_RUNS = 200;

function parseOk(text: string) {
  const { file, diagnostics } = parse(text, "generated.regel");
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new Error(
      `printed text does not parse:\n${errors.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`).join("\n")}\n---\n${text}`,
    );
  }
  return file;
}

describe("round trip", () => {
  it("parse(print(ast)) is the AST again (spans and comments aside)", () => {
    fc.assert(
      fc.property(regelFile, (ast) => {
        const text = print(ast);
        expect(stripAst(parseOk(text))).toEqual(stripAst(ast));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("expressions of any shape read back as the same tree", () => {
    fc.assert(
      fc.property(expr, (e) => {
        const ast = parseOk(`ruleset a@1.0.0\n\nrule r "t"\n  require x\n`);
        const rule = ast.declarations[0];
        if (rule.kind !== "Rule") throw new Error("expected a rule");
        rule.require = e;
        const back = parseOk(print(ast)).declarations[0];
        expect(back.kind === "Rule" && stripAst(back.require)).toEqual(
          stripAst(e),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/u;

/** The invisible characters of `text` (controls, format characters, separators) but line ends and spaces. */
function rawInvisible(text: string): string[] {
  return [...text].filter((c) => c !== "\n" && c !== " " && INVISIBLE.test(c));
}

describe("invisible characters", () => {
  it("print writes none raw: texts hold them as escapes", () => {
    fc.assert(
      fc.property(regelFile, (ast) => {
        expect(rawInvisible(print(ast))).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("idempotency", () => {
  it("format(format(x)) === format(x) for generated files", () => {
    fc.assert(
      fc.property(regelFile, (ast) => {
        const once = print(ast);
        expect(format(once, "generated.regel").text).toBe(once);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it.each(
    [...languageDocBlocks(), ...rulesetFiles()].map((f) => [f.name, f.text]),
  )("format is idempotent on %s", (name, text) => {
    const once = format(text, name);
    const twice = format(once.text, name);
    expect(twice.text).toBe(once.text);
  });
});

/** Comment texts of a source in order (with their slashes). */
function commentTexts(text: string): string[] {
  return tokenize(text, "x.regel").comments.map(
    (c) => `${c.doc ? "///" : "//"} ${c.text}`,
  );
}

describe("comments survive formatting", () => {
  it("every comment inserted anywhere in a generated file comes back once, in order", () => {
    fc.assert(
      fc.property(
        regelFile,
        fc.infiniteStream(
          fc.constantFrom("none", "none", "own", "trailing", "both"),
        ),
        (ast, where) => {
          // Put comments between and after the lines of a canonical file.
          const lines = print(ast).split("\n");
          const out: string[] = [];
          let n = 0;
          const stream = where[Symbol.iterator]();
          for (const line of lines) {
            const w = stream.next().value as string;
            // A comment inside a run of `///` lines or after one would change what they document.
            const afterDoc =
              out.length > 0 &&
              out[out.length - 1].trimStart().startsWith("///");
            const isDoc = line.trimStart().startsWith("///");
            if ((w === "own" || w === "both") && !afterDoc)
              out.push(`// own ${n++}`);
            out.push(
              line !== "" && !isDoc && (w === "trailing" || w === "both")
                ? `${line} // trailing ${n++}`
                : line,
            );
          }
          const text = out.join("\n");
          const formatted = format(text, "commented.regel");
          expect(
            formatted.diagnostics.filter((d) => d.severity === "error"),
          ).toEqual([]);
          expect(commentTexts(formatted.text)).toEqual(commentTexts(text));
          expect(format(formatted.text, "commented.regel").text).toBe(
            formatted.text,
          );
          // The comments do not change what the file means.
          expect(stripAst(parseOk(formatted.text))).toEqual(
            stripAst(parseOk(print(ast))),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("comments between any two tokens come back once, and the file means the same", () => {
    fc.assert(
      fc.property(
        regelFile,
        fc.infiniteStream(fc.integer({ min: 0, max: 9 })),
        (ast, dice) => {
          const printed = print(ast);
          const roll = dice[Symbol.iterator]();
          let text = "";
          let at = 0;
          let n = 0;
          for (const t of tokenize(printed, "x.regel").tokens) {
            const end = (t.endOffset ?? t.startOffset) + 1;
            text += printed.slice(at, end);
            at = end;
            if ((roll.next().value as number) < 2) text += ` // c${n++}\n`;
          }
          text += printed.slice(at);
          const formatted = format(text, "commented.regel");
          expect(
            formatted.diagnostics.filter((d) => d.severity === "error"),
          ).toEqual([]);
          expect(commentTexts(formatted.text).sort()).toEqual(
            commentTexts(text).sort(),
          );
          expect(format(formatted.text, "commented.regel").text).toBe(
            formatted.text,
          );
          expect(stripAst(parseOk(formatted.text))).toEqual(
            stripAst(parseOk(text)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
