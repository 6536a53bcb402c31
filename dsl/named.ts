/**
 * Declarations by name, for names that come from outside the ruleset's text: the command line
 * (`regel trace CODE`), the findings of a report, the files of a delivery. A name written in a
 * ruleset is resolved once, by the checker; later passes read its link (`dsl/links.ts`) and never
 * call these for it. `test/lookups.test.ts` keeps other lookups by name out of the passes after
 * the checker.
 *
 * @module
 */
import type {
  ResolvedEntity,
  ResolvedField,
  ResolvedRule,
  ResolvedRuleset,
} from "./model.js";

/** The entity called `name` in `ruleset` (a name from data). */
export function entityNamed(
  ruleset: ResolvedRuleset,
  name: string,
): ResolvedEntity | undefined {
  return ruleset.entities.get(name);
}

/** The field called `name` of `entity` (a name from data: a finding's attribute, a CSV header). */
export function fieldNamed(
  entity: ResolvedEntity,
  name: string,
): ResolvedField | undefined {
  return entity.fields.find((f) => f.name === name);
}

/** The rule with code `code` in `ruleset` (a code from data: the command line, a finding). */
export function ruleCoded(
  ruleset: ResolvedRuleset,
  code: string,
): ResolvedRule | undefined {
  return ruleset.rules.find((r) => r.code === code);
}
