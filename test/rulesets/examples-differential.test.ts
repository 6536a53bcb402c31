/**
 * Examples mean what a real run means: every example of every shipped ruleset, run (a) as an
 * example, the way `regel check` runs it (cli/example-check.ts: the record path of the compiled
 * module), and (b) as a delivery (its files written as CSV with each entity's full header, then
 * `validateDelivery` with the example's RRD, as `regel validate` runs it) gives the same verdict for
 * the example's rule, and that verdict is the one the example declares. The reference interpreter
 * gives it too. Record examples are one-group deliveries: the delivery holds exactly one IKB when
 * the subject is in one.
 */
import { mkdtempSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  recordExampleFindings,
  deliveryExampleFindings,
  reportExampleFindings,
  writeExampleDelivery,
} from "../../cli/example-check.js";
import {
  exampleDeliveries,
  isDelivery,
  runExamples,
  type ExampleDelivery,
} from "../../interpreter/example-runner.js";
import type { Finding } from "../../compiler/contract.js";
import type { ResolvedRuleset } from "../../dsl/model.js";
import { loadProject } from "../../dsl/project.js";
import { validateDelivery } from "../../runtime/delivery.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";

const project = await loadProject(["rulesets"]);
const work = mkdtempSync(join(tmpdir(), "regel-examples-differential-"));
afterAll(() => rm(work, { recursive: true, force: true }));

const verdict = (findings: Finding[]) =>
  findings.length > 0 ? "fail" : "pass";

/** (b): the example's files validated as a delivery. */
async function asDelivery(
  ruleset: ResolvedRuleset,
  loaded: LoadedRuleset,
  d: ExampleDelivery,
) {
  const dir = await mkdtemp(join(work, "delivery-"));
  await writeExampleDelivery(ruleset, d, dir);
  // the example's IKB in the previous delivery (T−1), as `regel validate --previous` reads it
  let previous: string | undefined;
  if (d.previous !== undefined) {
    previous = await mkdtemp(join(work, "previous-"));
    const files = Object.fromEntries(
      Object.entries(d.files).map(([name, f]) => [
        name,
        { header: f.header, rows: d.previous![name] ?? [] },
      ]),
    );
    await writeExampleDelivery(ruleset, { ...d, files }, previous);
  }
  const report = await validateDelivery(dir, loaded, {
    rrd: d.rrd,
    showPersonalData: true,
    tempDir: work,
    previous,
  });
  return { report, findings: reportExampleFindings(ruleset, report, d) };
}

const withExamples = project.rulesets.filter((r) =>
  r.rules.some((rule) => rule.decl.examples.length > 0),
);

it("the shipped rulesets have examples to compare", () => {
  expect(withExamples.map((r) => r.id)).toEqual([
    "ikb.glo@1.2.0",
    "ikb.glo@1.3.0",
    "vp.bankgegevens@1.0.0",
  ]);
});

for (const ruleset of withExamples) {
  describe(ruleset.id, async () => {
    const loaded = await loadCompiled(resolve("rulesets/compiled", ruleset.id));
    const interpreted = new Map(
      runExamples(ruleset).map((r) => [`${r.rule} ${r.example}`, r.actual]),
    );
    const deliveries = exampleDeliveries(ruleset);

    it("every example can be built", () => {
      expect(deliveries.filter((d) => !isDelivery(d))).toEqual([]);
    });

    for (const d of deliveries.filter(isDelivery)) {
      const where = `${d.span.file}:${d.span.start.line}`;
      it(`${d.rule} ${d.label} (${where})`, async () => {
        const example =
          d.subject !== undefined
            ? recordExampleFindings(ruleset, loaded.module, d)
            : await deliveryExampleFindings(ruleset, loaded, d, work);
        const { report, findings } = await asDelivery(ruleset, loaded, d);
        expect(
          {
            example: verdict(example),
            delivery: verdict(findings),
            interpreter: interpreted.get(`${d.rule} ${d.label}`),
          },
          `${where}: example findings ${JSON.stringify(example)}; delivery findings ${JSON.stringify(findings)}`,
        ).toEqual({
          example: d.expected,
          delivery: d.expected,
          interpreter: d.expected,
        });
        // Nothing is lost on the way: every row written is read and accounted for.
        const written = Object.values(d.files).reduce(
          (n, f) => n + f.rows.length,
          0,
        );
        expect(report.rows.read).toBe(written);
        expect(report.rows.read).toBe(
          report.rows.validated + report.rows.rejected,
        );
        if (d.subject !== undefined) {
          // The subject was validated, and the example is a delivery of one IKB.
          const file = report.files.find((f) => f.entity === d.entity);
          expect(file?.rowsValidated).toBeGreaterThanOrEqual(1);
          if (d.subject.ikbKey !== undefined)
            expect(report.ikbs?.count).toBe(1);
          // The findings are the same records, roles and attributes.
          expect(
            findings.map((f) => [f.attribute, f.role, f.key]).sort(),
          ).toEqual(example.map((f) => [f.attribute, f.role, f.key]).sort());
        }
      });
    }
  });
}
