/**
 * A validation report as JUnit XML (`regel validate --junit FILE`), the test-report format CI
 * systems show: one test suite per run (the ruleset version), one test case per rule — a failure
 * when the rule has findings, with the count, the severity and the samples of the report (masked
 * as in the report), skipped when the rule was not evaluated (`notEvaluated`: it did not pass
 * either) — and one test case per input problem code (`input.*`), a failure too.
 * Everything from a delivery or a ruleset enters the XML escaped; invisible control characters
 * are shown as `\uXXXX`, as in every other output, and what else XML 1.0 cannot hold (a lone
 * surrogate, U+FFFE, U+FFFF) is replaced by U+FFFD.
 *
 * @module
 */
import { showInvisible } from "./escape.js";
import type { Report, RuleReport, Sample } from "./report-types.js";

/**
 * Text for XML content and attribute values: escaped, invisible controls (a bidirectional
 * override would reorder what a CI page shows) as `\uXXXX`, and only characters XML 1.0 allows.
 */
export function xmlText(value: string): string {
  return showInvisible(value)
    .replace(
      // what XML 1.0 forbids and showInvisible leaves (it shows every C0 control): lone
      // surrogates, U+FFFE and U+FFFF
      /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      "\uFFFD",
    )
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join("");
}

function sampleLine(s: Sample): string {
  const where =
    s.file !== null ? `${s.file}${s.line !== null ? `:${s.line}` : ""} ` : "";
  const what = [s.entity, s.attribute].filter((x) => x !== null).join(".");
  return `${where}${what} [${s.key}]: ${s.message}`;
}

function ruleCase(suite: string, r: RuleReport): string {
  const name = `${r.code} ${r.title}`;
  const classname = `${suite}.${r.entities.join(",") || "delivery"}`;
  if (r.notEvaluated !== undefined)
    // not a pass: CI must show it as skipped, as the summary shows NOT EVALUATED
    return [
      `    <testcase${attrs({ classname, name })}>`,
      `      <skipped${attrs({ message: `not evaluated: ${r.notEvaluated.reason}` })}/>`,
      "    </testcase>",
    ].join("\n");
  if (r.count === 0) return `    <testcase${attrs({ classname, name })}/>`;
  const body = [
    `${r.count} finding${r.count === 1 ? "" : "s"} in ${r.records} record${r.records === 1 ? "" : "s"} (${r.percentage} %), severity ${r.severity}`,
    ...r.articles.map((a) => `implements ${a.source} ${a.locator}`),
    ...r.samples.map(sampleLine),
    ...(r.samplesOmitted > 0 ? [`… and ${r.samplesOmitted} more`] : []),
  ].join("\n");
  return [
    `    <testcase${attrs({ classname, name })}>`,
    `      <failure${attrs({ type: r.severity, message: `${r.count} finding${r.count === 1 ? "" : "s"}: ${r.title}` })}>${xmlText(body)}</failure>`,
    "    </testcase>",
  ].join("\n");
}

/** The JUnit XML of a report. Deterministic: the same report gives the same bytes. */
export function reportToJunit(report: Report): string {
  const suite = report.ruleset.id;
  const rules = [...report.rules, ...report.secondaryRules];
  const cases = rules.map((r) => ruleCase(suite, r));
  for (const p of report.inputProblems) {
    const lines = [
      ...report.files
        .flatMap((f) => f.problems)
        .filter((x) => x.code === p.code)
        .map(
          (x) =>
            `${x.file}${x.line !== undefined ? `:${x.line}` : ""}: ${x.message}`,
        ),
      ...(report.deliveryProblems ?? [])
        .filter((x) => x.code === p.code)
        .map((x) => x.message),
    ];
    cases.push(
      [
        `    <testcase${attrs({ classname: `${suite}.input`, name: p.code })}>`,
        `      <failure${attrs({ type: p.severity, message: `${p.count} input problem${p.count === 1 ? "" : "s"}: ${p.code}` })}>${xmlText(lines.join("\n"))}</failure>`,
        "    </testcase>",
      ].join("\n"),
    );
  }
  const failures =
    rules.filter((r) => r.notEvaluated === undefined && r.count > 0).length +
    report.inputProblems.length;
  const skipped = rules.filter((r) => r.notEvaluated !== undefined).length;
  const counts = { tests: cases.length, failures, errors: 0, skipped };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "regel validate", ...counts })}>`,
    `  <testsuite${attrs({ name: suite, ...counts })}>`,
    `    <properties>`,
    `      <property${attrs({ name: "rrd", value: report.rrd })}/>`,
    `      <property${attrs({ name: "status", value: report.status })}/>`,
    `      <property${attrs({ name: "rows.read", value: report.rows.read })}/>`,
    `    </properties>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
