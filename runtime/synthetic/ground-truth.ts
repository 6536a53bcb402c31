/**
 * Expected categories of an IKB from its expected findings and markings, read straight from the
 * category table (CategoryTrace) — the generator's own reading of Bijlage 3, independent of the
 * compiled classify().
 *
 * @module
 */
import type { CategoryTrace, Role } from "../../compiler/contract.js";

export interface ExpectedResult {
  rule: string;
  entity: string;
  role: Role | undefined;
  attribute: string | undefined;
}

function attributeMatches(
  listed: readonly string[],
  entity: string,
  attribute: string | undefined,
): boolean {
  if (listed.length === 0) return true;
  if (attribute === undefined) return false;
  return listed.some((a) => a === `${entity}.${attribute}`);
}

/** The categories (sorted) an IKB falls in. */
export function expectedCategories(
  categories: readonly CategoryTrace[],
  results: readonly ExpectedResult[],
  markings: readonly {
    entity: string;
    field: string;
    value: string;
    role: Role | undefined;
  }[],
): string[] {
  const hit = new Set<string>();
  for (const category of categories) {
    const byResult = results.some((r) =>
      category.results.some(
        (c) =>
          c.code === r.rule &&
          (c.role === undefined || c.role === r.role) &&
          attributeMatches(c.attributes, r.entity, r.attribute),
      ),
    );
    const byMarking = markings.some((m) =>
      category.markings.some(
        (c) =>
          c.entity === m.entity &&
          c.field === m.field &&
          c.value === m.value &&
          (c.role === undefined || c.role === m.role),
      ),
    );
    if (byResult || byMarking) hit.add(category.name);
  }
  return [...hit].sort();
}
