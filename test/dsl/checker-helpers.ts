/**
 * Helpers for the checker tests: a small clean ruleset to build cases on, and position lookup by
 * marker text so expected line:column values follow the text of each case.
 */
import type { Diagnostic } from "../../dsl/diagnostics.js";
import { loadProjectFromTexts, type Project } from "../../dsl/project.js";

/** A clean ruleset: two entities, an IKB, a code list, a payout, a metric and one rule. */
export const BASE = `ruleset t.base@1.0.0 "Base"
  valid from 2023-01-01
  source br "Beleidsregel"

codelist yes_no "Ja / nee"
  value "J"
  value "N"

entity NP "Natural person"
  file "np.csv"
  key ikb_id, customer_id
  role by customer_id
  field ikb_id: text(40) required
  field customer_id: text(40) required
  field last_name: text(200) personal
  field date_of_birth: date personal
  field deceased: code yes_no
  field opened_at: datetime

entity BA "Bank account"
  file "ba.csv"
  key ikb_id, account_id
  field ikb_id: text(40) required
  field account_id: text(40) required
  field holder_id: ref NP.customer_id
  field balance: money
  field count_of_depositors: integer
  field iban: text(34)

ikb "IKB"
  key ikb_id
  depositor NP by customer_id

payout identity_established 1 "Identiteit vastgesteld"
  implements br art 2

metric automated_controls_pass: percent "Share"

rule dmc0001 "Geboortedatum ontbreekt"
  meaning "The date of birth is missing." from br art 2
  severity signalling
  implements br art 2
  for NP
  require date_of_birth is present
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "1", date_of_birth: 1970-01-01 }
`;

/** A rule on NP (marked as an assumption) with the given clauses after `for`, plus a pass and a fail example. */
export function npRule(clauses: string, code = "dmc0100"): string {
  return `
rule ${code} "Test"
  assumption "A test rule: its meaning is our own."
  severity signalling
  implements br art 2
  for NP
  ${clauses}
  example fail NP { customer_id: "1" }
  example pass NP { customer_id: "2" }
`;
}

export function load(files: Record<string, string>): Project {
  // `.csv` files are the CSV files of reference-data tables, read beside the rulesets.
  const entries = Object.entries(files);
  return loadProjectFromTexts(
    new Map(entries.filter(([f]) => !f.endsWith(".csv"))),
    undefined,
    new Map(entries.filter(([f]) => f.endsWith(".csv"))),
  );
}

/** 1-based line and column of the nth occurrence (0-based) of `needle` in `text`. */
export function posOf(
  text: string,
  needle: string,
  nth = 0,
): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`marker not found: ${needle}`);
  }
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  return { line, column };
}

/** Diagnostics as `CODE line:column` strings, for compact assertions. */
export function brief(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map(
    (d) =>
      `${d.code} ${d.span.file}:${d.span.start.line}:${d.span.start.column}`,
  );
}
