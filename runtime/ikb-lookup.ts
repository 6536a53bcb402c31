/**
 * Whether an IKB's records hold a value (runtime/stage-validate.ts, references): looked through
 * for a short list, through a set per list and field for a long one.
 *
 * @module
 */

/**
 * Whether a record of the IKB has `value` in the referenced field (`entity.field`): then a row
 * of the target file holds it, and the target's key set would say so too (it has every such
 * cell). The records of an IKB are a few, in memory; a look-up in the key set of a large file
 * waits for memory twice (its bucket index, then its hashes), for most references in vain.
 */
export function inIkb(
  ikb: Record<string, unknown[]> | undefined,
  entity: string,
  field: string,
  value: string,
): boolean {
  if (ikb === undefined) return false;
  const records = ikb[entity] as Record<string, unknown>[] | undefined;
  if (records === undefined) return false;
  if (records.length >= IN_IKB_INDEX_FROM)
    return valuesOf(records, field).has(value);
  for (let i = 0; i < records.length; i++)
    if (records[i][field] === value) return true;
  return false;
}

/**
 * An IKB list at least this long is looked through once per field, into a set ({@link valuesOf}):
 * looking through it for every reference of the IKB takes time quadratic in the IKB, hours for a
 * delivery whose rows all carry one IKB key (as compiler/helpers/records.ts `$INDEX_FROM`).
 */
const IN_IKB_INDEX_FROM = 64;

/** The sets of {@link valuesOf} by list and field, with the list's length when made. */
const ikbValues = new WeakMap<
  readonly unknown[],
  { length: number; byField: Map<string, Set<unknown>> }
>();

/** The values of `field` in an IKB's list of records (made once per list and field). */
function valuesOf(
  records: readonly Record<string, unknown>[],
  field: string,
): Set<unknown> {
  let made = ikbValues.get(records);
  if (made === undefined || made.length !== records.length) {
    made = { length: records.length, byField: new Map() };
    ikbValues.set(records, made);
  }
  let values = made.byField.get(field);
  if (values === undefined) {
    values = new Set();
    for (let i = 0; i < records.length; i++) values.add(records[i][field]);
    made.byField.set(field, values);
  }
  return values;
}
