/**
 * What differs between two reports, as lines an auditor can read: the hashes of what produced them
 * (tool version, ruleset sources, compiled modules, input files) and the findings and counts
 * (`rules[dmc0001].count: 3 → 4`). Used by `regel verify`.
 *
 * @module
 */
import { stableStringify } from "../runtime/report-json.js";
import type {
  InputProvenance,
  Report,
  RulesetProvenance,
  SourceProvenance,
} from "../runtime/report-types.js";

const short = (sha: string | null | undefined): string =>
  sha === null || sha === undefined ? "none" : `${sha.slice(0, 12)}…`;

/** Differences between the sources of a ruleset in the report and now, by path. */
export function sourceDifferences(
  label: string,
  before: readonly SourceProvenance[],
  now: readonly SourceProvenance[],
  where: string,
): string[] {
  const out: string[] = [];
  const nowBy = new Map(now.map((s) => [s.path, s]));
  const beforeBy = new Map(before.map((s) => [s.path, s]));
  for (const b of before) {
    const n = nowBy.get(b.path);
    if (n === undefined)
      out.push(
        `${label} source ${b.path} (${b.ruleset}): in the report, not in the ruleset ${where}`,
      );
    else if (n.sha256 !== b.sha256)
      out.push(
        `${label} source ${b.path} (${b.ruleset}): sha256 ${short(b.sha256)} in the report, ${short(n.sha256)} ${where}`,
      );
  }
  for (const n of now)
    if (!beforeBy.has(n.path))
      out.push(
        `${label} source ${n.path} (${n.ruleset}): ${where}, not in the report's ruleset`,
      );
  return out;
}

/** Differences between two rulesets' provenance: their compiled file and their sources. */
export function rulesetDifferences(
  label: string,
  before: RulesetProvenance | null,
  now: RulesetProvenance | null,
): string[] {
  if (before === null && now === null) return [];
  if (before === null || now === null)
    return [
      `${label}: ${before === null ? "none" : before.id} in the report, ${now === null ? "none" : now.id} now`,
    ];
  const out: string[] = [];
  if (before.id !== now.id)
    out.push(`${label}: ${before.id} in the report, ${now.id} now`);
  if (before.compiled.sha256 !== now.compiled.sha256)
    out.push(
      `${label} compiled module ${now.compiled.file}: sha256 ${short(before.compiled.sha256)} in the report, ${short(now.compiled.sha256)} now`,
    );
  out.push(...sourceDifferences(label, before.sources, now.sources, "now"));
  return out;
}

/** Differences between the input files of the report and those read now. */
export function inputDifferences(
  before: readonly InputProvenance[],
  now: readonly InputProvenance[],
  what = "input file",
  where = "the delivery",
): string[] {
  const out: string[] = [];
  const nowBy = new Map(now.map((i) => [i.file, i]));
  const beforeBy = new Map(before.map((i) => [i.file, i]));
  for (const b of before) {
    const n = nowBy.get(b.file);
    if (n === undefined)
      out.push(
        `${what} ${b.file}: in the report (${b.bytes} bytes), not in ${where} now`,
      );
    else if (n.sha256 !== b.sha256 || n.bytes !== b.bytes)
      out.push(
        `${what} ${b.file}: sha256 ${short(b.sha256)} in the report, ${short(n.sha256)} now (${
          b.bytes === n.bytes && b.rows === n.rows
            ? `${b.bytes} bytes, ${b.rows} rows in both`
            : `${b.bytes} → ${n.bytes} bytes, ${b.rows} → ${n.rows} rows`
        })`,
      );
  }
  for (const n of now)
    if (!beforeBy.has(n.file))
      out.push(
        `${what} ${n.file}: not in the report, read now (${n.bytes} bytes, ${n.rows} rows)`,
      );
  return out;
}

/** Properties whose differences are described by the hash comparison instead. */
const SKIP = new Set(["provenance", "generator"]);

/** The property that identifies the items of both arrays of objects, when they have a unique one. */
function identity(
  a: readonly unknown[],
  b: readonly unknown[],
): string | undefined {
  const unique = (items: readonly unknown[], k: string): boolean => {
    const values = items.map((x) =>
      x !== null && typeof x === "object"
        ? (x as Record<string, unknown>)[k]
        : undefined,
    );
    return (
      values.every((v) => typeof v === "string") &&
      new Set(values).size === values.length
    );
  };
  return ["code", "file", "name"].find((k) => unique(a, k) && unique(b, k));
}

/** Canonical JSON (sorted keys), so objects compare by content whatever their key order. */
const canon = (v: unknown): string =>
  v === undefined ? "absent" : stableStringify(v).trimEnd();

/** A value for a line of text: compact JSON, long ones cut. */
function show(v: unknown): string {
  if (v === undefined) return "absent";
  const text = JSON.stringify(JSON.parse(canon(v)));
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    // samples and problems are lists in input order, whatever file or code they name
    const key = /\.(samples|problems)$/.test(path) ? undefined : identity(a, b);
    if (key === undefined) {
      // items without identity (samples, problems): one line for the list
      if (canon(a) === canon(b)) return;
      const first = a.findIndex((x, i) => canon(x) !== canon(b[i]));
      const at = first < 0 ? Math.min(a.length, b.length) : first;
      out.push(
        `${path}: ${a.length} → ${b.length} item${b.length === 1 ? "" : "s"}, the first difference at [${at}]`,
      );
      return;
    }
    const keyOf = (x: unknown): string =>
      String((x as Record<string, unknown>)[key]);
    const am = new Map(a.map((x) => [keyOf(x), x]));
    const bm = new Map(b.map((x) => [keyOf(x), x]));
    for (const k of new Set([...am.keys(), ...bm.keys()]))
      walk(am.get(k), bm.get(k), `${path}[${k}]`, out);
    return;
  }
  if (
    a !== null &&
    b !== null &&
    typeof a === "object" &&
    typeof b === "object" &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
    for (const k of keys)
      if (!(path === "" && SKIP.has(k)))
        walk(ao[k], bo[k], path === "" ? k : `${path}.${k}`, out);
    return;
  }
  if (canon(a) !== canon(b)) out.push(`${path}: ${show(a)} → ${show(b)}`);
}

/**
 * The findings and counts that differ between two reports (provenance and generator left out),
 * as `path: before → after`, items of arrays named by their code, file or name.
 */
export function contentDifferences(
  before: Report | Record<string, unknown>,
  now: Report | Record<string, unknown>,
): string[] {
  const out: string[] = [];
  walk(before, now, "", out);
  return out;
}
