/**
 * Per-field date formats (docs/language.md, File dialects): `field d: date format "DD-MM-YYYY"`
 * says how that one date field is written, overriding the file's `dates` option (or the ISO
 * default of a file without options). A delivery is read so by the compiled validators; the
 * examples (canonical values: a string is the text of a canonical cell) hold in the reference
 * interpreter and, with file examples written in each field's format, in the compiled validators
 * alike; findings show the value as delivered.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  checkExamplesCompiled,
  writeExampleDelivery,
} from "../../cli/example-check.js";
import {
  exampleDeliveries,
  isDelivery,
  runExamples,
} from "../../interpreter/example-runner.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import type { Report } from "../../runtime/report-types.js";
import { load as loadProject } from "../dsl/checker-helpers.js";
import { compileTexts, writeFiles } from "../compiler/compile-harness.js";
import { delivery } from "./helpers.js";

/** A customer file whose dates are DDMMYYYY except `opened_on` (with dashes), and a plain one. */
const RULESET = (options: string) => `ruleset t.fmt@1.0.0
  source s "Spec"

entity C "Customer"
  file "customers.txt" ${options}
  key id
  field id: text(10) required
  field born: date
  field opened_on: date format "DD-MM-YYYY"

entity N "Note"
  file "notes.csv"
  key id
  field id: text(10) required
  field noted_on: date format "DD/MM/YYYY"

rule fmt001 "Value does not fit"
  meaning "A value does not fit its type."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for C.*
  require value is valid
  example pass C { id: "1", born: 2000-01-31, opened_on: 2020-02-29 }
  example fail C { id: "1", opened_on: "29022020" }
  example fail C { id: "1", opened_on: "29-02-2020" }
  example fail C { id: "1", born: "31-01-2000" }

rule fmt002 "Note date does not fit"
  meaning "A note date does not fit its type."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for N.noted_on
  require value is valid
  example pass N { id: "1", noted_on: 2024-12-31 }
  example fail N { id: "1", noted_on: "31/12/2024" }

rule ord001 "Opened before birth"
  meaning "An account is opened before its holder was born."
  assumption "a test rule"
  severity signalling
  implements s art 1
  for C
  when born is present and opened_on is present
  require opened_on >= born
  example pass C { id: "1", born: 2000-01-31, opened_on: 2000-01-31 }
  example fail C { id: "1", born: 2000-01-31, opened_on: 2000-01-30 }

rule fil001 "Customers"
  meaning "The customer file is there."
  assumption "a test rule"
  severity blocking
  implements s art 1
  for file C
  require present
  example pass file C rows { id: "1", born: 2000-01-31, opened_on: 2020-02-29 }
  example fail file C missing
`;

const OPTIONS = 'delimiter "|" header none dates "DDMMYYYY"';

/** Line, attribute and shown value of every sample of a rule. */
function samples(r: Report, code: string): [number | null, unknown][] {
  const rule = [...r.rules, ...r.secondaryRules].find((x) => x.code === code);
  return (rule?.samples ?? []).map((s) => [
    s.line,
    s.attribute === null ? null : s.values[s.attribute],
  ]);
}

describe("a date field's own format", () => {
  it("is checked: the examples hold interpreted and compiled alike", async () => {
    const project = loadProject({ "t.regel": RULESET(OPTIONS) });
    expect(project.diagnostics).toEqual([]);
    const interpreted = runExamples(project.rulesets[0]);
    expect(interpreted).toHaveLength(10);
    expect(interpreted.map((r) => [r.example, r.actual])).toEqual(
      interpreted.map((r) => [r.example, r.expected]),
    );
    // file examples are written in each field's format; a verdict that differs is REG408. A
    // string in the field's own format is no date in a record example but a valid one in a file:
    // it stands for no delivery (REG410), whichever kind of example gives it
    const compiled = await checkExamplesCompiled(project, { cacheDir: null });
    const lineOf = (marker: string) =>
      RULESET(OPTIONS)
        .split("\n")
        .findIndex((l) => l.includes(marker)) + 1;
    expect(
      compiled.diagnostics.map((d) => `${d.code} ${d.span.start.line}`),
    ).toEqual([
      `REG410 ${lineOf('opened_on: "29-02-2020"')}`,
      `REG410 ${lineOf('noted_on: "31/12/2024"')}`,
    ]);
  });

  it("writes a file example's dates in each field's format", async () => {
    const rs = loadProject({ "t.regel": RULESET(OPTIONS) }).rulesets[0];
    const d = exampleDeliveries(rs)
      .filter(isDelivery)
      .find((x) => x.rule === "fil001" && x.expected === "pass")!;
    const dir = mkdtempSync(join(tmpdir(), "regel-fmt-"));
    await writeExampleDelivery(rs, d, dir);
    expect(readFileSync(join(dir, "customers.txt"), "utf8")).toBe(
      "1|31012000|29-02-2020\n",
    );
  });

  it("overrides the file's `dates` (and the ISO default) in a delivery, shown as delivered", async () => {
    const dir = writeFiles(await compileTexts({ "t.regel": RULESET(OPTIONS) }));
    const rs = await loadCompiled(join(dir, "out", "t.fmt@1.0.0"));
    expect(rs.module.entities[0].fields[2]).toMatchObject({
      name: "opened_on",
      dateFormat: "DD-MM-YYYY",
    });
    const r = await validateDelivery(
      delivery({
        "customers.txt":
          "1|31012000|29-02-2020\n" + // both as declared
          "2|31012000|29022020\n" + // the file's format in the field with its own: not valid
          "3|31-01-2000|01-01-2020\n" + // the field's format in a file-format field: not valid
          "4|31012000|30-01-2000\n", // opened the day before the birth
        "notes.csv": "id,noted_on\n1,31/12/2024\n2,2024-12-31\n",
      }),
      rs,
      { rrd: "2024-01-01", showPersonalData: true },
    );
    expect(samples(r, "fmt001")).toEqual([
      [2, "29022020"],
      [3, "31-01-2000"],
    ]);
    expect(samples(r, "fmt002")).toEqual([[3, "2024-12-31"]]);
    const ord = [...r.rules, ...r.secondaryRules].find(
      (x) => x.code === "ord001",
    );
    expect(ord?.samples.map((s) => [s.line, s.values])).toEqual([
      [4, { born: "31012000", opened_on: "30-01-2000" }],
    ]);
  });
});
