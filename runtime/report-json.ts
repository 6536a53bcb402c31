/**
 * The JSON form of the report: keys sorted at every level, two-space indentation, a final newline,
 * so the same input gives a byte-identical file.
 *
 * @module
 */
import type { Report } from "./report-types.js";

/** A copy of `v` with the keys of every object sorted (undefined properties omitted, bigints as strings). */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v as unknown[]) out.push(nested(x) ? sortKeys(x) : x);
    return out;
  }
  if (typeof v === "bigint") return v.toString();
  if (!v || typeof v !== "object") return v;
  const keys = Object.keys(v).sort();
  // an ordinary object (V8 keeps it in fast mode: less memory, a faster JSON.stringify); without a
  // prototype only when a key `__proto__` (from a name in a ruleset) must stay a key
  const out: Record<string, unknown> = keys.includes("__proto__")
    ? Object.create(null)
    : {};
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = nested(x) ? sortKeys(x) : x;
  }
  return out;
}

/** True for the values {@link sortKeys} changes: objects, arrays and bigints. */
function nested(x: unknown): boolean {
  return (typeof x === "object" && x !== null) || typeof x === "bigint";
}

/** Serialise any value with sorted keys (undefined properties omitted, bigints as strings). */
export function stableStringify(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 2) + "\n";
}

/** The report as JSON text. */
export function reportToJson(report: Report): string {
  return stableStringify(report);
}
