/**
 * Checks of a rule's classification and scope (docs/language.md § Rule classes and scope): the
 * words of `class` and `scope` (REG235), a declared class against the class of the code prefix
 * (REG233 where a source gives the prefix's class, REG234 where it is inferred), and a scope
 * outside the delivery on a rule that reads only the delivery (REG236).
 *
 * @module
 */
import { CODES } from "./check-codes.js";
import { missing, type Reporter, suggest } from "./check-context.js";
import type { ResolvedRule } from "./model.js";
import { readsPrevious } from "./previous.js";
import {
  CLASS_LABELS,
  classify,
  DECLARABLE_CLASSES,
  prefixClass,
} from "./rule-class.js";

/** Report what is wrong with the `class` and `scope` of one rule. */
export function checkRuleClass(reporter: Reporter, rule: ResolvedRule): void {
  const d = rule.decl;
  if (missing(d.code)) return;
  const code = d.code.name;
  const declared = d.classification;
  if (declared !== undefined && !missing(declared)) {
    if (!(DECLARABLE_CLASSES as readonly string[]).includes(declared.name)) {
      reporter.report(
        CODES.unknownRuleClassWord,
        `\`${declared.name}\` is not a rule class; write one of ${DECLARABLE_CLASSES.map((c) => `\`${c}\``).join(", ")}`,
        declared.span,
        suggest(declared.name, DECLARABLE_CLASSES),
      );
    } else {
      const p = prefixClass(code);
      if (p !== undefined && p.class !== declared.name) {
        const what = `rule \`${code}\` is declared \`class ${declared.name}\` (${CLASS_LABELS[declared.name as keyof typeof CLASS_LABELS]}), but its prefix \`${code.slice(0, 3)}\``;
        if (p.inferred)
          reporter.report(
            CODES.classContradictsInferredPrefix,
            `${what} is taken to be ${a(CLASS_LABELS[p.class])}; the declared class is used`,
            declared.span,
            {
              warning: true,
              notes: [
                "no public source defines this prefix: its class is inferred (docs/language.md § Rule classes and scope); when you know better, say so in an `assumption` and drop the `class` clause, or rename the code",
              ],
            },
          );
        else
          reporter.report(
            CODES.classContradictsPrefix,
            `${what} is ${a(CLASS_LABELS[p.class])} in DNB's data models`,
            declared.span,
            {
              suggestion: `class ${p.class}`,
              notes: [
                "a GLO code's class is given by its prefix; regel's own checks carry a code of their own (e.g. `ctl0001`) with `class own`",
              ],
            },
          );
      }
    }
  }
  const s = d.scope;
  if (s !== undefined && !missing(s.word) && !missing(s.noun)) {
    const ok =
      (s.word.name === "within" || s.word.name === "outside") &&
      s.noun.name === "delivery";
    if (!ok)
      reporter.report(
        CODES.unknownRuleClassWord,
        `\`scope ${s.word.name} ${s.noun.name}\` is not a scope; write \`scope within delivery\` or \`scope outside delivery\``,
        s.span,
        suggest(`${s.word.name} ${s.noun.name}`, [
          "within delivery",
          "outside delivery",
        ]),
      );
  }
  const c = classify(code, d);
  if (readsPrevious(d)) {
    // reading T−1 is what `scope outside delivery` means: only a declared `within` contradicts it
    if (c.scope === "within" && c.scopeFrom === "declared")
      reporter.report(
        CODES.previousWithinScope,
        `rule \`${code}\` reads the previous delivery (\`previous\`), but is declared \`scope within delivery\``,
        d.scope?.span ?? d.code.span,
        {
          warning: true,
          suggestion: "scope outside delivery",
          notes: [
            "a rule that reads `previous` is checked with data outside the delivery; drop the `scope` clause or declare `scope outside delivery`",
          ],
        },
      );
    return;
  }
  if (c.scope === "outside") {
    // A rule with this scope that does not read `previous` (the previous delivery, T−1) checks
    // something other than what its scope says.
    const why =
      c.scopeFrom === "declared"
        ? "is declared `scope outside delivery`"
        : `is ${a(CLASS_LABELS[c.class])}, which DNB's models usually check with data outside the delivery`;
    reporter.report(
      CODES.outsideScopeReadsDelivery,
      `rule \`${code}\` ${why}, but its conditions read only the delivery`,
      d.scope?.span ?? d.classification?.span ?? d.code.span,
      {
        warning: true,
        notes: [
          "declare `scope within delivery` and say in an `assumption` why the rule is checked within the delivery",
        ],
      },
    );
  }
}

/** `a domain constraint`, `an entity type constraint`. */
function a(label: string): string {
  return `${/^[aeiou]/.test(label) ? "an" : "a"} ${label}`;
}
