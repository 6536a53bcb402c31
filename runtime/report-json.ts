/**
 * The JSON form of the report: keys sorted at every level, two-space indentation, a final newline,
 * so the same input gives a byte-identical file.
 *
 * @module
 */
import { showInvisible } from "./escape.js";
import type { Report } from "./report-types.js";

/**
 * A copy of `v` with the keys of every object sorted (undefined properties omitted, bigints as
 * strings). Written for the short run without the optimising compiler: index loops (a `for…of`
 * allocates a result object per element) and {@link sortNames} for the keys, so that making
 * report.json adds little garbage (the bundled example's report ended in a scavenge).
 */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) {
    const n = v.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      out[i] =
        (typeof x === "object" && x !== null) || typeof x === "bigint"
          ? sortKeys(x)
          : x;
    }
    return out;
  }
  if (typeof v === "bigint") return v.toString();
  if (!v || typeof v !== "object") return v;
  const keys = sortNames(Object.keys(v));
  // an ordinary object (V8 keeps it in fast mode: less memory, a faster JSON.stringify); without a
  // prototype only when a key `__proto__` (from a name in a ruleset) must stay a key
  let out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++)
    if (keys[i] === "__proto__") {
      out = Object.create(null) as Record<string, unknown>;
      break;
    }
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined)
      out[k] =
        (typeof x === "object" && x !== null) || typeof x === "bigint"
          ? sortKeys(x)
          : x;
  }
  return out;
}

/** Longest list of names {@link sortNames} sorts itself; a longer one goes to `Array#sort`. */
const INSERTION_SORT_MAX = 24;

/**
 * `names` sorted in place as `Array#sort` sorts strings (by UTF-16 code units) and returned. An
 * object's few keys by insertion: `Array#sort` allocates its work arrays on every call (half a
 * megabyte for the 600 objects of the bundled example's report).
 */
export function sortNames(names: string[]): string[] {
  const n = names.length;
  if (n > INSERTION_SORT_MAX) return names.sort();
  for (let i = 1; i < n; i++) {
    const name = names[i];
    let j = i - 1;
    while (j >= 0 && names[j] > name) {
      names[j + 1] = names[j];
      j--;
    }
    names[j + 1] = name;
  }
  return names;
}

/** Serialise any value with sorted keys (undefined properties omitted, bigints as strings). */
export function stableStringify(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 2) + "\n";
}

/**
 * The report as JSON text. The invisible characters JSON.stringify leaves raw (DEL, C1 controls,
 * line and paragraph separators, bidirectional controls) are written as `\uXXXX` escapes too, as
 * report.html shows them: a value of the delivery reaches no output file raw. They occur only
 * inside strings, so the text parses to the same report.
 */
export function reportToJson(report: Report): string {
  return showInvisible(stableStringify(report));
}
