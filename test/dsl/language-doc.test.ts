/**
 * docs/language.md is executable: every ```regel block is a complete file that must parse and
 * check without a single diagnostic, and whose examples must behave as declared. A ```regel-fragment
 * block names the block it belongs to in its first comment line (`// part of: NAME@VERSION`); when
 * that block exists, the fragment appended to it must still parse. A block that `extends` another
 * block's ruleset is checked together with that block.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runExamples } from "../../interpreter/example-runner.js";
import { parse } from "../../dsl/parser.js";
import { loadProjectFromTexts } from "../../dsl/project.js";

const DOC = "docs/language.md";
const markdown = readFileSync(DOC, "utf8");

interface Block {
  lang: "regel" | "regel-fragment";
  text: string;
  line: number;
}

function blocks(md: string): Block[] {
  const out: Block[] = [];
  const re = /^```(regel|regel-fragment)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of md.matchAll(re)) {
    const line = md.slice(0, m.index).split("\n").length;
    out.push({ lang: m[1] as Block["lang"], text: m[2], line });
  }
  return out;
}

const all = blocks(markdown);
const full = all.filter((b) => b.lang === "regel");
const nameOf = (text: string) =>
  /^\s*ruleset\s+([A-Za-z0-9_.]+@[0-9][^\s"]*)/m.exec(text)?.[1];

describe(DOC, () => {
  it("has regel blocks to test", () => {
    expect(full.length).toBeGreaterThanOrEqual(5);
  });

  for (const block of full) {
    const label = `${nameOf(block.text) ?? "block"} (line ${block.line})`;
    describe(label, () => {
      const path = `${DOC}:${block.line}.regel`;
      const base = /^\s*extends\s+(\S+)/m.exec(block.text)?.[1];
      const host =
        base === undefined
          ? undefined
          : full.find((b) => nameOf(b.text) === base);
      const texts = new Map([[path, block.text]]);
      if (host !== undefined) texts.set(`${DOC}:${host.line}.regel`, host.text);
      const project = loadProjectFromTexts(texts);
      const own = project.rulesets.filter((r) => r.id === nameOf(block.text));

      it("parses and checks without diagnostics", () => {
        expect(
          base === undefined || host !== undefined,
          `the block it extends (${base}) is in the document`,
        ).toBe(true);
        expect(
          project.diagnostics.map(
            (d) =>
              `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`,
          ),
        ).toEqual([]);
        expect(own).toHaveLength(1);
      });

      const results = own.flatMap((r) => runExamples(r));
      for (const r of results) {
        it(`${r.rule} ${r.example} (line ${block.line + r.span.start.line})`, () => {
          expect(r.error).toBeUndefined();
          expect({
            example: `${r.rule} ${r.example}`,
            outcome: r.actual,
          }).toEqual({
            example: `${r.rule} ${r.example}`,
            outcome: r.expected,
          });
        });
      }
    });
  }

  for (const block of all.filter((b) => b.lang === "regel-fragment")) {
    const target = /^\s*\/\/\s*part of:\s*(\S+)/.exec(block.text)?.[1];
    const host = full.find((b) => nameOf(b.text) === target);
    it.skipIf(host === undefined)(
      `fragment at line ${block.line} parses as part of ${target}`,
      () => {
        const { diagnostics } = parse(
          `${host!.text}\n${block.text}`,
          `${DOC}:${block.line}.regel`,
        );
        expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      },
    );
  }
});
