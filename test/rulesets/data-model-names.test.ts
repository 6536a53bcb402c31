/**
 * docs/data-model.md lists every file and column name of the shipped GLO rulesets as confirmed
 * (with its source) or assumed (issue 17 item 8), and the list stays in sync with the rulesets:
 * a file or column added, renamed or removed in a ruleset fails here until the list says whether
 * it is confirmed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../dsl/project.js";

const DOC = readFileSync("docs/data-model.md", "utf8");
const project = await loadProject(["rulesets"]);
const glo = project.rulesets.filter((r) => r.name === "ikb.glo");

interface Row {
  file: string;
  column: string | undefined;
  status: string;
  source: string;
}

/** The rows of the tables under `### heading` in the section "Confirmed and assumed names". */
function rows(heading: string): Row[] {
  const section = DOC.slice(DOC.indexOf("## Confirmed and assumed names"));
  const part = section.slice(section.indexOf(`### ${heading}`));
  const end = part.indexOf("\n#", 4);
  const lines = (end < 0 ? part : part.slice(0, end))
    .split("\n")
    .filter((l) => l.startsWith("| `"));
  return lines.map((l) => {
    const cells = l
      .slice(1, -1)
      .split(" | ")
      .map((c) => c.trim());
    const unquote = (c: string) => c.replace(/^`|`$/g, "");
    return heading === "Files"
      ? {
          file: unquote(cells[0]),
          column: undefined,
          status: cells[2],
          source: cells[3],
        }
      : {
          file: unquote(cells[0]),
          column: unquote(cells[1]),
          status: cells[2],
          source: cells[3],
        };
  });
}

/** Every file and `file column` of every ikb.glo version. */
function model(): { files: Set<string>; columns: Set<string> } {
  const files = new Set<string>();
  const columns = new Set<string>();
  for (const r of glo)
    for (const e of r.entities.values()) {
      files.add(e.file!);
      for (const f of e.fields) columns.add(`${e.file} ${f.column}`);
    }
  return { files, columns };
}

describe("docs/data-model.md: confirmed and assumed names", () => {
  const files = rows("Files");
  const columns = rows("Columns");

  it("lists exactly the files and columns of the GLO rulesets, each once", () => {
    const m = model();
    expect(files.map((r) => r.file).sort()).toEqual([...m.files].sort());
    expect(columns.map((r) => `${r.file} ${r.column}`).sort()).toEqual(
      [...m.columns].sort(),
    );
    expect(new Set(columns.map((r) => `${r.file} ${r.column}`)).size).toBe(
      columns.length,
    );
  });

  it("says of each whether it is confirmed or assumed, and why", () => {
    for (const r of [...files, ...columns]) {
      expect(["confirmed", "assumed"], `${r.file} ${r.column}`).toContain(
        r.status,
      );
      expect(r.source.length, `${r.file} ${r.column}`).toBeGreaterThan(10);
    }
  });

  it("confirms only what a public source names, and cites it", () => {
    expect(
      files.filter((r) => r.status === "confirmed").map((r) => r.file),
    ).toEqual(["bank_account.csv", "attribute_delivery.csv"]);
    const confirmed = columns.filter((r) => r.status === "confirmed");
    for (const r of confirmed)
      expect(r.source, `${r.file} ${r.column}`).toMatch(
        /Bijlage 3|Handboek|lawinsider|dataexplorers/,
      );
    expect(confirmed.map((r) => r.column).sort()).toEqual(
      [
        "date_of_birth",
        "eligibility_indicator_code",
        "eligibility_indicator_code",
        "last_name",
        "legal_capacity_code",
        "reliability_indicator_code",
        "reliability_indicator_code",
        "type_of_representation_competence",
        "type_of_third_party_account",
      ].sort(),
    );
  });
});
