/**
 * Checks of the `unknown` texts of a field (`field date_of_birth: date unknown "Unknown",
 * "Non-applicable"`; docs/language.md, "Unknown values"): a field that identifies or links records
 * takes none (REG237), and each text is a real, distinct text that cannot be a value of the field
 * (REG238). `is unknown` is checked with the other expressions (dsl/check-expr.ts, REG239).
 *
 * @module
 */
import { CODES } from "./check-codes.js";
import type { Reporter, RulesetIndex } from "./check-context.js";
import type { ResolvedEntity, ResolvedField } from "./model.js";

/** REG237 / REG238 for one field of a resolved entity. */
export function checkUnknownTexts(
  index: RulesetIndex,
  reporter: Reporter,
  entity: ResolvedEntity,
  field: ResolvedField,
): void {
  const texts = field.decl.unknownValues ?? [];
  if (texts.length === 0) return;
  const first = texts[0]!;
  // An identifier that is "Unknown" cannot identify or link a record: leave it empty instead.
  const role = entity.key.includes(field.name)
    ? "a `key` field"
    : entity.roleBy === field.name
      ? "the `role by` field"
      : field.decl.required
        ? "a `required` field"
        : field.decl.type?.name === "ref"
          ? "a `ref` field"
          : undefined;
  if (role !== undefined)
    reporter.report(
      CODES.unknownOnIdentifier,
      `\`${field.name}\` is ${role}: it identifies or links records, so it cannot be delivered as unknown; drop the \`unknown\` texts (an unknown value of such a field is delivered empty)`,
      first.span,
    );
  const codes =
    field.decl.type?.name === "code" && field.decl.type.codeList !== undefined
      ? index.rs.codeLists.get(field.decl.type.codeList.name)
      : undefined;
  const seen = new Set<string>();
  for (const t of texts) {
    if (t.value === "")
      reporter.report(
        CODES.badUnknownText,
        `an empty \`unknown\` text: an empty cell is already a missing value; write the text the delivery uses, e.g. "Unknown"`,
        t.span,
      );
    else if (seen.has(t.value))
      reporter.report(
        CODES.badUnknownText,
        `\`unknown\` text "${t.value}" is given twice for \`${field.name}\``,
        t.span,
      );
    else if (codes?.values.some((v) => v.code === t.value) === true)
      reporter.report(
        CODES.badUnknownText,
        `"${t.value}" is a value of code list \`${codes.name.name}\`, so it cannot also stand for an unknown value of \`${field.name}\`; remove it from one of the two`,
        t.span,
      );
    seen.add(t.value);
  }
}
