/**
 * Every record / attribute example of every shipped ruleset, run through the committed compiled
 * module (an independent check of the compiler against the examples the analysts wrote; the
 * reference interpreter runs the same examples in test/rulesets). `fail` examples must give a
 * finding of the example's rule for the subject record, `pass` examples none.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type {
  CompiledRuleset,
  Finding,
  RuleContext,
} from "../../compiler/contract.js";
import { exampleCase } from "../../compiler/example-runner.js";
import { ruleFunctionName } from "../../compiler/emit-rules.js";
import { text } from "../../compiler/code.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProject, loadProjectFromTexts } from "../../dsl/project.js";
import { compileTexts, writeFiles } from "./compile-harness.js";

type RuleFn = (
  entity: string,
  record: unknown,
  ctx: RuleContext,
  out?: Finding[],
) => Finding[];

function dayNumber(date: string): number {
  return (
    Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(5, 7)) - 1,
      Number(date.slice(8, 10)),
    ) / 86400000
  );
}

/** The complete `regel` blocks of docs/language.md, by a made-up path. */
function languageDocBlocks(): Map<string, string> {
  const md = readFileSync("docs/language.md", "utf8");
  return new Map(
    [...md.matchAll(/```regel\n([\s\S]*?)```/g)].map((m, i) => [
      `docs/language-${i + 1}.regel`,
      m[1],
    ]),
  );
}

describe("docs/language.md examples through compiled modules", async () => {
  const texts = languageDocBlocks();
  const result = await compileTexts(Object.fromEntries(texts));
  const dir = writeFiles(result);
  const project = loadProjectFromTexts(texts);
  for (const ruleset of project.rulesets) {
    it(`${ruleset.id}`, async () => {
      await expectExamples(
        ruleset,
        join(dir, "out", ruleset.id, "validators.js"),
      );
    });
  }
});

describe("shipped examples through the compiled modules", async () => {
  const project = await loadProject(["rulesets"]);
  for (const ruleset of project.rulesets) {
    const file = resolve("rulesets/compiled", ruleset.id, "validators.js");
    it(`${ruleset.id}: every record example gives the expected verdict`, async () => {
      await expectExamples(ruleset, file);
    });
  }
});

async function expectExamples(
  ruleset: ResolvedRuleset,
  file: string,
): Promise<void> {
  expect(existsSync(file)).toBe(true);
  const m = (await import(pathToFileURL(file).href)) as CompiledRuleset &
    Record<string, unknown>;
  const decode = (entity: string, row: Record<string, string>): unknown => {
    const meta = m.entities.find((e) => e.name === entity)!;
    const header = Object.keys(row);
    const cells = header.map((h) => row[h]);
    return m.decoders[entity](
      cells,
      meta.fields.map((f) => header.indexOf(f.column)),
      [],
    );
  };
  const wrong: string[] = [];
  let count = 0;
  for (const rule of ruleset.rules) {
    const fn = m[text(ruleFunctionName(rule))] as RuleFn | undefined;
    for (const ex of rule.decl.examples) {
      if (ex.kind !== "RecordExample" || fn === undefined) continue;
      const c = exampleCase(ruleset, ex);
      const ikb: Record<string, unknown[]> = {};
      let subject: unknown;
      for (const [entity, rows] of Object.entries(c.ikb)) {
        ikb[entity] = rows.map((row) => {
          const record = decode(entity, row);
          if (row === c.subject) subject = record;
          return record;
        });
      }
      subject ??= decode(c.entity, c.subject);
      const findings = fn(c.entity, subject, {
        rrd: dayNumber(c.rrd),
        ikb,
        ikbKey: undefined,
      });
      count++;
      if (findings.length > 0 !== (ex.expect === "fail"))
        wrong.push(
          `${rule.code} example ${ex.expect} at line ${ex.span.start.line}`,
        );
    }
  }
  expect(wrong).toEqual([]);
  if (
    ruleset.rules.some((r) =>
      r.decl.examples.some((e) => e.kind === "RecordExample"),
    )
  )
    expect(count).toBeGreaterThan(0);
}
