/**
 * Masking of personal data (fields marked `personal`: BSN, names, dates of birth) in reports.
 *
 * @module
 */
import type { EntityMeta } from "../compiler/contract.js";

/** What a masked value is shown as (no length or character hint). */
export const MASK = "***";

/** Personal field names per entity (both the field name and its CSV column). */
export function personalFields(
  entities: readonly EntityMeta[],
): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const e of entities) {
    const s = new Set<string>();
    for (const f of e.fields)
      if (f.personal) {
        s.add(f.name);
        s.add(f.column);
      }
    m.set(e.name, s);
  }
  return m;
}

/** Mask the personal values of a finding's `values`. */
export function maskValues(
  values: Record<string, string | null>,
  personal: ReadonlySet<string> | undefined,
): Record<string, string | null> {
  if (!personal || personal.size === 0) return values;
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(values))
    out[k] = v !== null && personal.has(k) ? MASK : v;
  return out;
}

/** Mask personal parts of a record key rendered as `field=value;field=value`. */
export function maskKey(
  key: string,
  personal: ReadonlySet<string> | undefined,
): string {
  if (!personal || personal.size === 0) return key;
  return key
    .split(";")
    .map((part) => {
      const eq = part.indexOf("=");
      return eq > 0 && personal.has(part.slice(0, eq))
        ? `${part.slice(0, eq)}=${MASK}`
        : part;
    })
    .join(";");
}
