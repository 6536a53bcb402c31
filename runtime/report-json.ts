/**
 * The JSON form of the report: keys sorted at every level, two-space indentation, a final newline,
 * so the same input gives a byte-identical file.
 *
 * @module
 */
import type { Report } from "./report-types.js";

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    // no prototype: a key `__proto__` (from a name in a ruleset) stays a key
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  if (typeof v === "bigint") return v.toString();
  return v;
}

/** Serialise any value with sorted keys (undefined properties omitted, bigints as strings). */
export function stableStringify(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 2) + "\n";
}

/** The report as JSON text. */
export function reportToJson(report: Report): string {
  return stableStringify(report);
}
