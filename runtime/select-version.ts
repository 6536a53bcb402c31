/**
 * Choose the compiled ruleset version in force on a reporting reference date (RRD).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  listCompiled,
  loadCompiled,
  RulesetLoadError,
  type LoadedRuleset,
} from "./load-compiled.js";

/** Compare two semantic versions (pre-release tags sort before the release). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  const ra = pa.slice(3).join(".");
  const rb = pb.slice(3).join(".");
  if (ra === rb) return 0;
  if (ra === "") return 1;
  if (rb === "") return -1;
  return ra < rb ? -1 : 1;
}

/** Is `rrd` (YYYY-MM-DD) within [validFrom, validUntil)? Missing bounds are open. */
export function inForce(
  rrd: string,
  validFrom: string | undefined,
  validUntil: string | undefined,
): boolean {
  return (
    (validFrom === undefined || validFrom <= rrd) &&
    (validUntil === undefined || rrd < validUntil)
  );
}

export interface SelectOptions {
  /** The root holding `<name>@<version>/validators.js` folders. */
  root: string;
  /** `name@version` (exact), or `name` (the version in force on the RRD). */
  ruleset?: string;
  /** YYYY-MM-DD. */
  rrd?: string;
  /** Files present in the delivery: when several ruleset names are in force, the best match wins. */
  deliveryFiles?: readonly string[];
}

/**
 * Select and load a ruleset. With `name@version` that version is loaded; otherwise among the
 * compiled versions in force on the RRD (restricted to `name` when given) the one whose entity
 * files best match the delivery, then the highest version, then the name.
 */
export async function selectRuleset(
  opts: SelectOptions,
): Promise<LoadedRuleset> {
  if (opts.ruleset?.includes("@")) {
    const dir = join(opts.root, opts.ruleset);
    if (!existsSync(join(dir, "validators.js")))
      throw new RulesetLoadError(
        `ruleset ${opts.ruleset} is not compiled (looked in ${opts.root})`,
      );
    return loadCompiled(dir);
  }
  if (!opts.rrd)
    throw new RulesetLoadError(
      "give --rrd YYYY-MM-DD or --ruleset name@version",
    );
  const rrd = opts.rrd;
  const candidates: { loaded: LoadedRuleset; score: number }[] = [];
  for (const d of listCompiled(opts.root)) {
    const name = d.slice(0, d.indexOf("@"));
    if (opts.ruleset && name !== opts.ruleset) continue;
    const loaded = await loadCompiled(join(opts.root, d));
    const m = loaded.module.metadata;
    if (!inForce(rrd, m.validFrom, m.validUntil)) continue;
    const files = loaded.module.entities
      .map((e) => e.file)
      .filter((f): f is string => !!f);
    if (files.length === 0) continue;
    const present = new Set(opts.deliveryFiles ?? []);
    // an entity file counts as present also as NDJSON (`<stem>.ndjson` / `<stem>.jsonl`)
    const has = (f: string) => {
      const stem = f.replace(/\.csv$/i, "");
      return (
        present.has(f) ||
        present.has(`${stem}.ndjson`) ||
        present.has(`${stem}.jsonl`)
      );
    };
    candidates.push({ loaded, score: files.filter(has).length });
  }
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      (a.loaded.module.metadata.name < b.loaded.module.metadata.name
        ? -1
        : a.loaded.module.metadata.name > b.loaded.module.metadata.name
          ? 1
          : 0) ||
      compareVersions(
        b.loaded.module.metadata.version,
        a.loaded.module.metadata.version,
      ),
  );
  const best = candidates[0];
  if (!best)
    throw new RulesetLoadError(
      `no compiled ruleset${opts.ruleset ? ` named ${opts.ruleset}` : ""} with a data model is in force on ${rrd} (looked in ${opts.root})`,
    );
  return best.loaded;
}
