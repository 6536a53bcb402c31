/**
 * The law of a rule — its code, title, articles and assumptions — in the shape every finding
 * carries it (`RuleLaw` of compiler/contract.ts). Generated modules emit it as one frozen
 * constant per rule; the reference interpreter builds the same object, so the two agree.
 *
 * @module
 */
import type { ResolvedRule } from "../dsl/model.js";
import type { ArticleTrace, RuleLaw } from "./contract.js";

/** The law of `rule` as plain data (for emitting it as a literal). */
export function ruleLawData(rule: ResolvedRule): {
  code: string;
  title: string;
  articles: ArticleTrace[];
  assumptions: string[];
} {
  return {
    code: rule.code,
    title: rule.decl.title,
    articles: rule.articles.map((a) => ({
      source: a.sourceAlias,
      sourceTitle: a.sourceTitle,
      locator: a.locator,
    })),
    assumptions: (rule.decl.assumptions ?? []).map((a) => a.text),
  };
}

const cache = new WeakMap<ResolvedRule, RuleLaw>();

/** The law of `rule`, frozen, one object per rule (as a generated module shares it). */
export function ruleLaw(rule: ResolvedRule): RuleLaw {
  let law = cache.get(rule);
  if (law === undefined) {
    const d = ruleLawData(rule);
    law = Object.freeze({
      code: d.code,
      title: d.title,
      articles: Object.freeze(d.articles.map((a) => Object.freeze(a))),
      assumptions: Object.freeze(d.assumptions),
    });
    cache.set(rule, law);
  }
  return law;
}
