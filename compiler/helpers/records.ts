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
  for (let i = 0; i < list.length; i++) {
    const b = list[i] as Record<string, unknown>;
    let same = true;
    for (let k = 0; k < key.length && same; k++) same = a[key[k]] === b[key[k]];
    if (same) return true;
  }
  return false;
}
