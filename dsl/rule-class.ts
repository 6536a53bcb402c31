/**
 * Business rule classification and scope: what kind of constraint a rule is and whether it is
 * checked within the data delivery or with data outside it (docs/language.md § Rule classes and
 * scope).
 *
 * DNB's published logical data models (AnaCredit GLO, CRE, RRE; /work/shared/domain-facts.md §3.1,
 * found in source) give every business rule a three-letter prefix, a classification, a scope and a
 * severity: `dmc` "domain constraint", `omc` "other model constraint", `etc` "entity type
 * constraint" (usually "Checked with data outside of the data delivery": against the previous
 * delivery), `tpc` "tuple constraint", `spc` "specialisation model constraint". The DGS LDM also
 * uses `smc` and `tmc`, which no public source defines; that they are the specialisation and tuple
 * constraints is an inference (domain-facts §3.1, marked [INFERENCE]), so {@link PREFIX_CLASSES}
 * marks them `inferred`.
 *
 * A rule's class comes from its code prefix unless the rule declares one (`class WORD`); a
 * declared class that contradicts a prefix found in source is an error (REG233), one that
 * contradicts an inferred prefix a warning (REG234). regel's own checks (no GLO code) declare
 * `class own`. The scope comes from the class unless declared (`scope within|outside delivery`).
 *
 * @module
 */
import type { RuleDecl } from "./ast.js";

/** A business rule classification; `own` is regel's own check, `unclassified` no class known. */
export type RuleClass =
  | "domain"
  | "other_model"
  | "entity_type"
  | "tuple"
  | "specialisation"
  | "own"
  | "unclassified";

/** Where a rule's data comes from: the delivery alone, or also data outside it (e.g. T−1). */
export type RuleScope = "within" | "outside";

/** Where a rule's class or scope was taken from. */
export type ClassBasis =
  /** the `class` / `scope` clause */
  | "declared"
  /** a prefix whose class is found in DNB's published models */
  | "prefix"
  /** a prefix whose class is inferred (smc, tmc) */
  | "prefix-inferred"
  /** the class's usual scope */
  | "class"
  /** no clause and no known prefix */
  | "none";

/** The words `class` accepts, with the classification as DNB's models print it. */
export const CLASS_LABELS: Readonly<Record<RuleClass, string>> = {
  domain: "domain constraint",
  other_model: "other model constraint",
  entity_type: "entity type constraint",
  tuple: "tuple constraint",
  specialisation: "specialisation model constraint",
  own: "regel's own check (no GLO code)",
  unclassified: "unclassified",
};

/** The scope as DNB's models print it. */
export const SCOPE_LABELS: Readonly<Record<RuleScope, string>> = {
  within: "Checked within the data delivery",
  outside: "Checked with data outside of the data delivery",
};

/** The words a `class` clause accepts (not `unclassified`, which is what no class means). */
export const DECLARABLE_CLASSES: readonly RuleClass[] = [
  "domain",
  "other_model",
  "entity_type",
  "tuple",
  "specialisation",
  "own",
];

/** A prefix's class and whether a public source gives it. */
export interface PrefixClass {
  class: RuleClass;
  inferred: boolean;
}

/** The class of each known GLO code prefix (domain-facts §3.1). */
export const PREFIX_CLASSES: Readonly<Record<string, PrefixClass>> = {
  dmc: { class: "domain", inferred: false },
  omc: { class: "other_model", inferred: false },
  etc: { class: "entity_type", inferred: false },
  tpc: { class: "tuple", inferred: false },
  spc: { class: "specialisation", inferred: false },
  smc: { class: "specialisation", inferred: true },
  tmc: { class: "tuple", inferred: true },
};

/** The usual scope of a class: entity type constraints compare with the previous delivery. */
export function defaultScope(c: RuleClass): RuleScope {
  return c === "entity_type" ? "outside" : "within";
}

/** The prefix class of a rule code (`dmc0000` → domain), or undefined for an unknown prefix. */
export function prefixClass(code: string): PrefixClass | undefined {
  const m = /^([a-z]{3})[0-9]+$/.exec(code);
  return m ? PREFIX_CLASSES[m[1]] : undefined;
}

/** A rule's class and scope with where each came from. */
export interface Classification {
  class: RuleClass;
  classFrom: ClassBasis;
  scope: RuleScope;
  scopeFrom: ClassBasis;
}

function isClass(w: string): w is RuleClass {
  return (DECLARABLE_CLASSES as readonly string[]).includes(w);
}

/**
 * The class and scope of a rule: the declared ones where valid, else those of its code prefix
 * (and that class's usual scope). Unknown words count as not declared (the checker reports them).
 */
export function classify(
  code: string,
  decl: Pick<RuleDecl, "classification" | "scope">,
): Classification {
  const declared = decl.classification?.name;
  const fromPrefix = prefixClass(code);
  const [cls, classFrom]: [RuleClass, ClassBasis] =
    declared !== undefined && isClass(declared)
      ? [declared, "declared"]
      : fromPrefix
        ? [fromPrefix.class, fromPrefix.inferred ? "prefix-inferred" : "prefix"]
        : ["unclassified", "none"];
  const word = decl.scope?.word.name;
  const declaredScope =
    (word === "within" || word === "outside") &&
    decl.scope?.noun.name === "delivery"
      ? word
      : undefined;
  return declaredScope
    ? { class: cls, classFrom, scope: declaredScope, scopeFrom: "declared" }
    : { class: cls, classFrom, scope: defaultScope(cls), scopeFrom: "class" };
}

/** {@link classify} with the labels DNB's models print: the shape trace.json and reports carry. */
export function describeClass(
  code: string,
  decl: Pick<RuleDecl, "classification" | "scope">,
): {
  class: RuleClass;
  label: string;
  classFrom: "declared" | "prefix" | "prefix-inferred" | "none";
  scope: RuleScope;
  scopeLabel: string;
  scopeFrom: "declared" | "class";
} {
  const c = classify(code, decl);
  return {
    class: c.class,
    label: CLASS_LABELS[c.class],
    classFrom: c.classFrom === "class" ? "none" : c.classFrom,
    scope: c.scope,
    scopeLabel: SCOPE_LABELS[c.scope],
    scopeFrom: c.scopeFrom === "declared" ? "declared" : "class",
  };
}
