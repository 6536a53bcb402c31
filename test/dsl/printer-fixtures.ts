/**
 * Inputs shared by the printer tests: the complete examples of docs/language.md and the rulesets
 * under rulesets/ (whichever exist when the tests run).
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every fenced block marked `regel` (a complete file) in docs/language.md. */
export function languageDocBlocks(): { name: string; text: string }[] {
  const md = readFileSync(join(ROOT, "docs/language.md"), "utf8");
  const out: { name: string; text: string }[] = [];
  for (const m of md.matchAll(/```regel\n([\s\S]*?)```/g)) {
    out.push({ name: `docs/language.md block ${out.length + 1}`, text: m[1] });
  }
  return out;
}

/**
 * The `regel-fragment` blocks of docs/language.md that name a complete block in their first line
 * (`// part of: example.entities@1.0.0`), each appended to that block.
 */
export function languageDocFragments(): {
  name: string;
  fragment: string;
  text: string;
}[] {
  const md = readFileSync(join(ROOT, "docs/language.md"), "utf8");
  const blocks = languageDocBlocks();
  const out: { name: string; fragment: string; text: string }[] = [];
  for (const m of md.matchAll(/```regel-fragment\n([\s\S]*?)```/g)) {
    const partOf = /^\/\/ part of: (\S+@\S+)/.exec(m[1])?.[1];
    const whole = blocks.find(
      (b) => partOf !== undefined && b.text.startsWith(`ruleset ${partOf}`),
    );
    if (whole)
      out.push({
        name: `fragment of ${partOf}`,
        fragment: m[1],
        text: `${whole.text}\n${m[1]}`,
      });
  }
  return out;
}

/** Every `.regel` file under rulesets/ (not rulesets/compiled). */
export function rulesetFiles(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== "compiled" && e.name !== "node_modules")
        walk(p);
      else if (e.isFile() && e.name.endsWith(".regel"))
        out.push({ name: p.slice(ROOT.length), text: readFileSync(p, "utf8") });
    }
  };
  walk(join(ROOT, "rulesets"));
  return out;
}

/** A file with a comment in every position the formatter has to keep. */
export const COMMENTED = `// file comment before everything

/// Header doc.
ruleset example.comments@1.0.0 "Comments" // after the header line
  // before valid
  valid from 2023-07-01
  source br "Beleidsregel" // after a source

// a section heading

/// Entity doc.
// plain comment between doc and entity
entity NP "Natural person"
  file "natural_person.csv" // after file
  // before key
  key customer_id
  /// Field doc.
  field customer_id: text(40) required // after a field
  // before a field without doc
  field last_name: text(200)
  // at the end of the entity, hugging it

/// Rule doc.
rule dmc0000 "Verplicht" // after the rule line
  // before meaning
  meaning "A mandatory attribute is missing." // after meaning
  severity signalling // after severity
  implements br art 2.2 sub e, // inside implements, after a comma
    br art 3 // at the end of implements
  for NP.last_name
  /// a doc comment that documents nothing
  require value is present and // inside the condition
    value != "" // at the end of the condition
  // before the first example
  example fail NP { last_name: "" }
  example pass NP { last_name: "Jansen" } // after the last example

// at the end of the file

// the very last line
`;

/** `assumption` clauses in free order, with comments around them: the formatter moves both. */
export const ASSUMED = `ruleset example.assumed@1.0.0
  source br "Beleidsregel"
  // before the header's assumption
  assumption "header" // after it

entity NP "Natural person"
  file "np.csv"
  key id
  // before the entity's own assumption, written late
  assumption "entity"
  field id: text(40) required
    // before the field's assumption
    assumption "field" // after the field's assumption
  field x: text

rule r "R"
  meaning "A long meaning that leaves no room on its line for the article it is taken from." from br art 2
  assumption "rule one" // after the first
  assumption "rule two"
  severity signalling

calendar c
  holiday h "H" on 1 january assumption "holiday"
  holiday i "I" on 2 january
  implements br art 3
  assumption "calendar, written last"
`;
