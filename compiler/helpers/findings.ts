/**
 * Findings and the law they carry.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */
import type { Finding, RuleLaw, Severity, Role, ArticleTrace } from "../contract.js";

/** Append one finding (failure path only). */
export function $push(
  out: Finding[],
  law: RuleLaw,
  severity: Severity,
  entity: string,
  role: Role | undefined,
  attribute: string | undefined,
  key: string,
  values: Record<string, string | null>,
  message: string,
  reported?: "unknown" | "missing",
): void {
  if (reported === undefined)
    out.push({ rule: law.code, severity, entity, role, attribute, key, values, message, law });
  else out.push({ rule: law.code, severity, entity, role, attribute, key, values, message, law, reported });
}

/** A rule's law, frozen all the way down: one per rule, shared by all of its findings. */
export function $law(code: string, title: string, articles: ArticleTrace[], assumptions: string[]): RuleLaw {
  for (const a of articles) Object.freeze(a);
  return Object.freeze({
    code,
    title,
    articles: Object.freeze(articles),
    assumptions: Object.freeze(assumptions),
  });
}

/** The laws by rule code, in an object without a prototype (so no code can meet an inherited name). */
export function $lawTable(laws: readonly RuleLaw[]): Readonly<Record<string, RuleLaw>> {
  const table: Record<string, RuleLaw> = Object.create(null);
  for (const law of laws) table[law.code] = law;
  return Object.freeze(table);
}
