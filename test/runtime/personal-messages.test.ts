/**
 * Personal data never reaches a message (issue 16). `vp.bankgegevens` rule vpd001 used to write
 * "date_of_birth heeft geen geldige waarde: 19700101" beside the masked value, in JSON, HTML and
 * CSV. Now: the checker refuses a placeholder of a personal field without `|masked` (REG230), the
 * compiler and the reference interpreter render such a placeholder masked in any case, and the
 * runtime masks personal values in every message it reports.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { compileRuleset } from "../../compiler/compile.js";
import type { CompiledRuleset } from "../../compiler/contract.js";
import { interpretRecord } from "../../interpreter/reference-interpreter.js";
import { loadProjectFromTexts } from "../../dsl/project.js";
import { validateDelivery } from "../../runtime/delivery.js";
import { loadCompiled } from "../../runtime/load-compiled.js";
import { MASK, maskMessage } from "../../runtime/mask.js";
import { writeReport } from "../../runtime/report-write.js";
import { BASE, load } from "../dsl/checker-helpers.js";
import { context, run, type Module } from "../compiler/compile-harness.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** An attribute rule over a personal and a plain field with the given message. */
const rule = (message: string, title = "Test") => `
rule dmc0100 "${title}"
  assumption "a test rule"
  severity signalling
  implements br art 2
  for NP.last_name, NP.deceased
  require value is absent
${message === "" ? "" : `  message "${message}"\n`}  example fail NP { customer_id: "1", deceased: "J" }
  example pass NP { customer_id: "2" }
`;

const codes = (text: string) =>
  load({ "t.regel": BASE + text }).diagnostics.map((d) => d.code);

describe("REG230: a placeholder of a personal field must be masked", () => {
  it("refuses {value} of an attribute rule that checks a personal field, and {field} of a personal field", () => {
    expect(codes(rule("{attribute}: {value}"))).toEqual(["REG230"]);
    expect(codes(rule("geboren {date_of_birth}"))).toEqual(["REG230"]);
    // the title is the message when there is none
    expect(codes(rule("", "Naam {last_name}"))).toEqual(["REG230"]);
    const [d] = load({ "t.regel": BASE + rule("{value}") }).diagnostics;
    expect(d.message).toContain(
      "shows `{value}`, the value of personal field NP.last_name",
    );
    expect(d.message).toContain("write `{value|masked}`");
  });

  it("accepts |masked (spaces allowed), {attribute}, and the values of fields that are not personal", () => {
    expect(codes(rule("{attribute}: {value|masked}"))).toEqual([]);
    expect(codes(rule("{value | masked} {last_name|masked}"))).toEqual([]);
    expect(codes(rule("{attribute} {deceased} {customer_id}"))).toEqual([]);
  });
});

/** Compile the first ruleset of a text even when the checker refused it, and import it. */
async function compileAnyway(text: string): Promise<Module> {
  const project = loadProjectFromTexts(new Map([["t.regel", text]]));
  const out = await compileRuleset(project.rulesets[0], {
    texts: project.texts,
  });
  expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const dir = mkdtempSync(join(tmpdir(), "regel-personal-"));
  writeFileSync(join(dir, "validators.js"), out.js);
  return (await import(
    pathToFileURL(join(dir, "validators.js")).href
  )) as Module;
}

describe("the compiled rule and the reference interpreter show a personal value masked", () => {
  const row = {
    customer_id: "1",
    ikb_id: "I",
    last_name: "Jansen",
    deceased: "J",
  };
  it.each([
    [
      "{attribute}: {value} / {last_name}",
      "last_name: *** / ***",
      "deceased: J / ***",
    ],
    ["{attribute}: {value|masked}", "last_name: ***", "deceased: J"],
  ])(
    "%s (belt and braces: also without |masked)",
    async (message, personal, plain) => {
      const text = BASE + rule(message);
      const m = await compileAnyway(text);
      const project = loadProjectFromTexts(new Map([["t.regel", text]]));
      const compiled = run(m, "NP", row, context("2024-01-01")).findings;
      const reference = interpretRecord(project.rulesets[0], "NP", row, {
        rrd: "2024-01-01",
        ikb: {},
      });
      for (const findings of [compiled, reference]) {
        const messages = findings
          .filter((f) => f.rule === "dmc0100")
          .map((f) => [f.attribute, f.message]);
        expect(messages.sort()).toEqual([
          ["deceased", plain],
          ["last_name", personal],
        ]);
      }
    },
  );
});

describe("vp.bankgegevens vpd001 end to end", () => {
  it("reports an invalid date of birth without its value in report.json, report.html and the samples", async () => {
    const rs = await loadCompiled(
      join(ROOT, "rulesets", "compiled", "vp.bankgegevens@1.0.0"),
    );
    const np = (rs.module as CompiledRuleset).entities.find(
      (e) => e.name === "NaturalPerson",
    )!;
    const header = np.fields.map((f) => f.column);
    const row = header.map((c) =>
      c === "record_id"
        ? "R1"
        : c === "date_of_birth"
          ? "19700101"
          : c === "address_type"
            ? "WERKADRES"
            : "",
    );
    const dir = mkdtempSync(join(tmpdir(), "regel-vp-"));
    writeFileSync(
      join(dir, "vp_natural_person.csv"),
      `${header.join(",")}\n${row.join(",")}\n`,
    );
    const report = await validateDelivery(dir, rs, { rrd: "2024-03-31" });
    const vpd001 = [...report.rules, ...report.secondaryRules].find(
      (r) => r.code === "vpd001",
    )!;
    expect(
      vpd001.samples.map((s) => [s.attribute, s.message, s.values]),
    ).toEqual([
      [
        "address_type",
        "address_type heeft geen geldige waarde: WERKADRES",
        { address_type: "WERKADRES" },
      ],
      [
        "date_of_birth",
        "date_of_birth heeft geen geldige waarde: ***",
        { date_of_birth: MASK },
      ],
    ]);
    const out = join(dir, "out");
    const written = await writeReport(report, out);
    expect(written.some((p) => p.endsWith(".csv"))).toBe(true);
    for (const p of written)
      expect(readFileSync(p, "utf8"), p).not.toContain("19700101");
    expect(readdirSync(join(out, "samples")).length).toBeGreaterThan(0);
  });
});

describe("maskMessage (the runtime's own messages, and modules compiled before REG230)", () => {
  const personal = new Set(["bsn", "last_name"]);
  it("masks every personal value of the finding's values and key, longest first", () => {
    expect(
      maskMessage(
        "the key bsn=123456782;id=7 also occurs; Jansen-Jansens Jansen",
        { last_name: "Jansen", id: "7" },
        "bsn=123456782;id=7",
        personal,
      ),
    ).toBe("the key bsn=***;id=7 also occurs; ***-***s ***");
  });
  it("leaves messages alone without personal fields, and one-character values", () => {
    expect(maskMessage("a 1 b", { last_name: "1" }, "", personal)).toBe(
      "a 1 b",
    );
    expect(maskMessage("Jansen", { last_name: "Jansen" }, "", undefined)).toBe(
      "Jansen",
    );
  });
});
