/**
 * Names are resolved once, by the checker (dsl/links.ts): the passes after it — the emitters in
 * compiler/, the reference interpreter, the audit tools, the language server — read the links and never look a
 * declaration up by name again. Names that come from data (the command line, a report, a
 * delivery's files) go through dsl/named.ts. This test keeps direct lookups out.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./source-folders.js";

/** The passes after the checker. */
const FOLDERS = ["compiler", "interpreter", "audit", "lsp"];

/** Lookups of a declaration by name in the resolved model. */
const LOOKUPS: { pattern: RegExp; why: string }[] = [
  {
    pattern: /\.(entities|codeLists)\.(get|has)\(/,
    why: "an entity or code list by name",
  },
  {
    pattern:
      /\.(fields|rules|categories|payouts|metrics|norms|measures|calendars|sources)\.(find|findIndex|some|filter)\(\s*\(?\s*(\w+)\s*\)?\s*=>\s*\3\.(name|code|alias)\b/,
    why: "a search by name",
  },
  { pattern: /\bfieldOf\(/, why: "a field by name" },
];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

function offences(text: string, file = "x.ts"): string[] {
  return text
    .split("\n")
    .flatMap((line, i) =>
      LOOKUPS.filter((l) => l.pattern.test(line)).map(
        (l) =>
          `${file}:${i + 1}: ${l.why} (read the link, dsl/links.ts; names from data: dsl/named.ts): ${line.trim()}`,
      ),
    );
}

describe("no lookups by name after the checker", () => {
  it("the patterns catch the lookups they are for", () => {
    for (const bad of [
      "const e = ctx.ruleset.entities.get(ref.entity.name);",
      "if (!ruleset.entities.has(name)) throw",
      "const list = rs.codeLists.get(type.codeList.name);",
      "entity.fields.find((f) => f.name === name)",
      "e.fields.some((f) => f.name === ikbField)",
      "entity.fields.findIndex(fd => fd.name === k)",
      "ruleset.rules.find((r) => r.code === code)",
      "r.sources.find((s) => s.alias.name === a.source.name)",
      "const field = fieldOf(entity, name);",
    ])
      expect(offences(bad), bad).toHaveLength(1);
    for (const fine of [
      "entity.fields.filter((f) => f.decl.personal)",
      "links.field(ref.field, entity)",
      "ruleset.entities.values()",
      "entityNamed(ruleset, name)",
    ])
      expect(offences(fine), fine).toEqual([]);
  });

  it("none in compiler/, interpreter/, audit/ or lsp/", () => {
    const files = FOLDERS.flatMap(tsFiles);
    expect(files.length).toBeGreaterThan(20);
    expect(
      files.flatMap((f) => offences(readFileSync(join(ROOT, f), "utf8"), f)),
    ).toEqual([]);
  });
});
