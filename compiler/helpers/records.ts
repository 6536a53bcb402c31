/**
 * Records: reading cells, keeping the text of cells that did not decode, the IKB's records.
 *
 * Inlined into generated modules by compiler/prelude.ts, which copies each declaration the module uses
 * (without `export`); written in the generated code's format.
 *
 * @module
 */

/** The text of cell `i` ("" when the column or the cell is missing). */
export function $cell(cells: readonly string[], i: number): string {
  if (i < 0) return "";
  const c = cells[i];
  return c === undefined ? "" : c;
}

export function $isValid(r: { $invalid?: Record<string, string> }, field: string): boolean {
  return r.$invalid === undefined || !Object.hasOwn(r.$invalid, field);
}
/** The CSV text of a field that did not decode or was delivered as an unknown text, else the rendered value. */
export function $text(
  r: { $invalid?: Record<string, string>; $unknown?: Record<string, string> },
  field: string,
  rendered: string | null,
): string | null {
  if (r.$unknown !== undefined && Object.hasOwn(r.$unknown, field)) return r.$unknown[field];
  return r.$invalid !== undefined && Object.hasOwn(r.$invalid, field) ? r.$invalid[field] : rendered;
}
/** Whether a field was delivered as one of its `unknown` texts ("Unknown", "Non-applicable", ...). */
export function $isUnknown(r: { $unknown?: Record<string, string> }, field: string): boolean {
  return r.$unknown !== undefined && Object.hasOwn(r.$unknown, field);
}
/**
 * How the attribute of a finding was reported, for a field that declares `unknown` texts:
 * `unknown` (one of those texts), `missing` (empty), undefined when it has a value.
 */
export function $reported(
  r: { $unknown?: Record<string, string> },
  field: string,
  rendered: string | null,
): "unknown" | "missing" | undefined {
  if ($isUnknown(r, field)) return "unknown";
  return rendered === null ? "missing" : undefined;
}
/**
 * Keep in `r.$unknown` the text of every cell delivered as one of its field's `unknown` texts
 * (`fields`: each field's position in `index`, name and texts). One loop for all the fields, so
 * that it is warm for each of them once one has come (docs in compiler/emit-decoders.ts).
 */
export function $markUnknown(
  r: { $unknown?: Record<string, string> },
  cells: readonly string[],
  index: readonly number[],
  fields: readonly (readonly [number, string, readonly string[]])[],
): void {
  for (let i = 0; i < fields.length; i++) {
    const [position, name, texts] = fields[i];
    const c = $cell(cells, index[position]);
    if (texts.includes(c)) (r.$unknown ??= {})[name] = c;
  }
}
/** Record the text of every cell that is not empty, not an unknown text and did not decode (`names` in field order). */
export function $markInvalid(
  r: { $invalid?: Record<string, string>; $unknown?: Record<string, string> },
  cells: readonly string[],
  index: readonly number[],
  names: readonly string[],
): void {
  const values = r as unknown as Record<string, unknown>;
  for (let i = 0; i < names.length; i++) {
    const c = $cell(cells, index[i]);
    if (c !== "" && values[names[i]] === undefined && !$isUnknown(r, names[i]))
      (r.$invalid ??= {})[names[i]] = c;
  }
}

export const $NO_ROWS: readonly never[] = [];

/**
 * An aggregate over an IKB list at least this long (`exists(NP where NP.customer_id =
 * customer_id ...)`) looks only at the records an index picks ({@link $rowsEqual},
 * `$rowsDerivedInto`): looking at every record of the list for each record of the IKB takes time
 * quadratic in the IKB, hours for a delivery whose rows all carry one IKB key. A list this short
 * is looked through as it is (most IKBs have a few records).
 */
export const $INDEX_FROM = 64;

/**
 * The indexes made for one rule context (one IKB), by name: each with the list it was made of
 * and that list's length then, so that a list changed since is indexed again.
 */
export const $IKB_INDEXES = new WeakMap<
  object,
  Map<string, { rows: readonly unknown[]; length: number; index: unknown }>
>();

/** The index named `name` of the list `rows` of context `ctx`: made by `make` when first asked for. */
export function $ikbIndex<I>(ctx: object, rows: readonly unknown[], name: string, make: () => I): I {
  let made = $IKB_INDEXES.get(ctx);
  if (made === undefined) $IKB_INDEXES.set(ctx, (made = new Map()));
  const had = made.get(name);
  if (had !== undefined && had.rows === rows && had.length === rows.length) return had.index as I;
  const index = make();
  made.set(name, { rows, length: rows.length, index });
  return index;
}

/** Add `item` to the list of `key` in `lists` (made when the key comes first). */
export function $addTo<K, V>(lists: Map<K, V[]>, key: K, item: V): void {
  const same = lists.get(key);
  if (same === undefined) lists.set(key, [item]);
  else same.push(item);
}

/**
 * The records of `rows` (an IKB list of context `ctx`, `key` naming its entity and field) whose
 * `field` is `value` (`===`), in their order; none when `value` is absent. An aggregate whose
 * `where` requires that equality looks at these alone: the records it leaves out fail it.
 */
export function $rowsEqual<T>(
  ctx: object,
  rows: readonly T[],
  key: string,
  field: string,
  value: unknown,
): readonly T[] {
  if (value === undefined) return $NO_ROWS;
  const index = $ikbIndex(ctx, rows, key, () => {
    const byValue = new Map<unknown, T[]>();
    for (let i = 0; i < rows.length; i++) {
      const v = (rows[i] as Record<string, unknown>)[field];
      if (v === undefined) continue;
      $addTo(byValue, v, rows[i]);
    }
    return byValue;
  });
  return index.get(value) ?? $NO_ROWS;
}

/**
 * {@link $rowsEqual} of several fields: the records of `rows` whose `fields` are `values`, each
 * (`===`), in their order; none when a value is absent. The values are keyed by their JSON text:
 * values that are `===` have the same.
 */
export function $rowsEqualAll<T>(
  ctx: object,
  rows: readonly T[],
  key: string,
  fields: readonly string[],
  values: readonly unknown[],
): readonly T[] {
  for (let f = 0; f < values.length; f++) if (values[f] === undefined) return $NO_ROWS;
  const index = $ikbIndex(ctx, rows, key, () => {
    const byValues = new Map<string, T[]>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Record<string, unknown>;
      const of = fields.map((f) => row[f]);
      if (of.includes(undefined)) continue;
      const text = JSON.stringify(of);
      $addTo(byValues, text, rows[i]);
    }
    return byValues;
  });
  return index.get(JSON.stringify(values)) ?? $NO_ROWS;
}
/** The records of one entity in the IKB (no allocation when there are none). */
export function $ikbRows<T>(ikb: Readonly<Record<string, readonly unknown[]>>, entity: string): readonly T[] {
  const rows = ikb[entity];
  return (rows === undefined ? $NO_ROWS : rows) as readonly T[];
}

/**
 * The record of the previous delivery (T-1) with the same key as `r`, found among the records of
 * `r`'s entity in its IKB there (`ctx.previous[E]`); undefined when there is none, or when a key
 * field of `r` is absent.
 */
export function $previous<R>(
  list: readonly unknown[] | undefined,
  r: R,
  key: readonly string[],
): R | undefined {
  if (list === undefined) return undefined;
  const a = r as unknown as Record<string, unknown>;
  if (list.length >= $INDEX_FROM) return $sameKey(list, a, key) as R | undefined;
  for (let i = 0; i < list.length; i++) {
    const b = list[i] as Record<string, unknown>;
    let same = true;
    for (let k = 0; k < key.length && same; k++) same = a[key[k]] !== undefined && a[key[k]] === b[key[k]];
    if (same) return b as R;
  }
  return undefined;
}

/**
 * Whether the delivery still has the record `r` of the previous delivery (`for previous E ...
 * require present`): a record of `list` (the IKB's records of E in the delivery) with the same
 * key. True also when a key field of `r` is absent: such a record cannot be found again, so it is
 * not reported as gone.
 */
export function $delivered<R>(list: readonly unknown[] | undefined, r: R, key: readonly string[]): boolean {
  const a = r as unknown as Record<string, unknown>;
  for (let k = 0; k < key.length; k++) if (a[key[k]] === undefined) return true;
  if (list === undefined) return false;
  if (list.length >= $INDEX_FROM) return $sameKey(list, a, key) !== undefined;
  for (let i = 0; i < list.length; i++) {
    const b = list[i] as Record<string, unknown>;
    let same = true;
    for (let k = 0; k < key.length && same; k++) same = a[key[k]] === b[key[k]];
    if (same) return true;
  }
  return false;
}

/**
 * The first record of `list` whose `key` fields are those of `a` (`===`, each present), through
 * the list's index by those fields ({@link $rowsEqualAll}, the list its own context: made once per
 * list); undefined when there is none.
 */
export function $sameKey(
  list: readonly unknown[],
  a: Record<string, unknown>,
  key: readonly string[],
): Record<string, unknown> | undefined {
  const values = key.map((k) => a[k]);
  const candidates = $rowsEqualAll(
    list,
    list as readonly Record<string, unknown>[],
    `$sameKey:${key.join(",")}`,
    key,
    values,
  );
  for (const b of candidates) if (key.every((k, i) => b[k] === values[i])) return b;
  return undefined;
}
