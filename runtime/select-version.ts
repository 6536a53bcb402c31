/**
 * Choose the compiled ruleset version in force on a reporting reference date (RRD).
 *
 * @module
 */
import { join } from "node:path";
import type { CompiledRuleset } from "../compiler/contract.js";
import {
  defaultCompiledRoot,
  listCompiled,
  loadCompiled,
  readCompiledMeta,
  RulesetLoadError,
  type CompiledMeta,
  type LoadedRuleset,
} from "./load-compiled.js";
import { rrdToDays, UnknownRulesetError } from "./errors.js";

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

/** What {@link selectRuleset} chooses from and by. */
export interface SelectOptions {
  /** The root holding `<name>@<version>/validators.js` folders. */
  root: string;
  /** `name@version` (exact), or `name` (the version in force on the RRD). */
  ruleset?: string;
  /** YYYY-MM-DD. */
  rrd?: string;
  /**
   * Names of the entries of the delivery folder. Without a ruleset name, the ruleset is the one
   * whose data model reads files of the delivery; when several do, selection refuses.
   */
  deliveryFiles?: readonly string[];
}

/** A `name@version` folder name: no path separators, no `..`. */
const PINNED =
  /^[A-Za-z0-9_][A-Za-z0-9_.-]*@[0-9]+\.[0-9]+\.[0-9]+[A-Za-z0-9.+-]*$/;

/** The files of a data model that are in the delivery (as CSV, or as NDJSON: `<stem>.ndjson` / `.jsonl`). */
export function filesRead(
  modelFiles: readonly string[],
  deliveryFiles: readonly string[],
): string[] {
  const present = new Set(deliveryFiles);
  const out: string[] = [];
  for (const f of modelFiles) {
    const stem = f.replace(/\.csv$/i, "");
    const hit = [f, `${stem}.ndjson`, `${stem}.jsonl`].find((n) =>
      present.has(n),
    );
    if (hit !== undefined) out.push(hit);
  }
  return out;
}

/**
 * Select and load a ruleset. With `name@version` that version is loaded. Otherwise, among the
 * compiled rulesets in force on the RRD (the highest version per name; only `name` when given),
 * the one whose data model reads files of the delivery: when more than one does, or none does
 * and there is more than one, it refuses with a {@link RulesetLoadError} that names the
 * candidates and asks for the ruleset. Choosing reads the header line of each candidate's
 * `validators.js` (its `trace.json` for a module compiled without one; see
 * `readCompiledMeta` in runtime/load-compiled.ts); only the chosen module is imported.
 *
 * @throws InvalidRrdError when `opts.rrd` is given and is not a YYYY-MM-DD date
 */
export async function selectRuleset(
  opts: SelectOptions,
): Promise<LoadedRuleset> {
  // versions are chosen by comparing the RRD with their dates as text: only a calendar day compares right
  if (opts.rrd !== undefined) rrdToDays(opts.rrd);
  const compiled = listCompiled(opts.root);
  if (opts.ruleset?.includes("@")) {
    if (!PINNED.test(opts.ruleset) || !compiled.includes(opts.ruleset))
      throw new UnknownRulesetError(opts.ruleset, compiled, opts.root);
    return loadChecked(opts.root, opts.ruleset);
  }
  const wanted = opts.ruleset;
  if (wanted && !compiled.some((d) => d.startsWith(`${wanted}@`)))
    throw new UnknownRulesetError(wanted, compiled, opts.root);
  if (!opts.rrd)
    throw new RulesetLoadError(
      "give --rrd YYYY-MM-DD (and --ruleset name or name@version to choose the ruleset)",
    );
  const rrd = opts.rrd;
  const byName = new Map<string, CompiledMeta>();
  const unreadable: string[] = [];
  for (const d of compiled) {
    const name = d.slice(0, d.indexOf("@"));
    if (opts.ruleset && name !== opts.ruleset) continue;
    const meta = readCompiledMeta(join(opts.root, d));
    if (meta === undefined) {
      unreadable.push(d);
      continue;
    }
    if (meta.id !== d)
      throw new RulesetLoadError(
        `${meta.readFrom} describes ${meta.id}, not ${d}; run \`regel compile\` again`,
      );
    if (!inForce(rrd, meta.validFrom, meta.validUntil)) continue;
    if (meta.files.length === 0) continue;
    const best = byName.get(meta.name);
    if (!best || compareVersions(meta.version, best.version) > 0)
      byName.set(meta.name, meta);
  }
  const candidates = [...byName.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (candidates.length === 0)
    throw new RulesetLoadError(
      `no compiled ruleset${opts.ruleset ? ` named ${opts.ruleset}` : ""} with a data model is in force on ${rrd} (looked in ${opts.root}${
        unreadable.length
          ? `; without trace.json, so not considered: ${unreadable.join(", ")}`
          : ""
      })`,
    );
  if (candidates.length === 1) return loadChecked(opts.root, candidates[0].id);
  const delivery = opts.deliveryFiles ?? [];
  const fitting = candidates.filter(
    (c) => filesRead(c.files, delivery).length > 0,
  );
  if (fitting.length === 1) return loadChecked(opts.root, fitting[0].id);
  const list = (cs: CompiledMeta[], withFiles: boolean) =>
    cs
      .map(
        (c) =>
          `${c.id} (${(withFiles ? filesRead(c.files, delivery) : c.files).join(", ")})`,
      )
      .join("; ");
  throw new RulesetLoadError(
    fitting.length > 1
      ? `the delivery fits more than one ruleset in force on ${rrd}: ${list(fitting, true)}. ` +
          `Choose one with --ruleset ${fitting.map((c) => c.name).join(" or --ruleset ")}`
      : `${opts.deliveryFiles ? "no file of the delivery belongs to" : "choose between"} the rulesets in force on ${rrd}: ${list(candidates, false)}. ` +
          `Choose one with --ruleset ${candidates.map((c) => c.name).join(" or --ruleset ")}`,
  );
}

/**
 * Load a compiled ruleset by `name@version` (or by `name`: the version in force on `rrd`) from
 * regel's own compiled rulesets, or from `compiledRoot`. Name the module's type for a typed
 * ruleset: `loadRuleset<typeof import("regel/rulesets/ikb.glo@1.3.0")>("ikb.glo@1.3.0")`.
 *
 * @throws UnknownRulesetError when no such ruleset is compiled there (the message lists those that are)
 * @throws RulesetsNotFoundError when no `compiledRoot` is given and regel's own compiled rulesets
 *   are not found (an app bundled with regel inside): the message says what to set
 * @throws RulesetLoadError when the compiled module cannot be loaded, or (by name) none is in force on `rrd`
 * @throws InvalidRrdError when `rrd` is given and is not a YYYY-MM-DD date
 */
export async function loadRuleset<M extends CompiledRuleset = CompiledRuleset>(
  ruleset: string,
  opts: { compiledRoot?: string; rrd?: string } = {},
): Promise<LoadedRuleset<M>> {
  if (opts.rrd !== undefined) rrdToDays(opts.rrd);
  if (typeof ruleset !== "string" || ruleset === "")
    throw new UnknownRulesetError(
      String(ruleset),
      listCompiled(opts.compiledRoot ?? defaultCompiledRoot()),
      opts.compiledRoot ?? defaultCompiledRoot(),
    );
  if (!ruleset.includes("@") && opts.rrd === undefined)
    throw new RulesetLoadError(
      `give the version (e.g. ${ruleset}@1.0.0), or an rrd to load the version of ${ruleset} in force on that date`,
    );
  return (await selectRuleset({
    root: opts.compiledRoot ?? defaultCompiledRoot(),
    ruleset,
    rrd: opts.rrd,
  })) as LoadedRuleset<M>;
}

/** Load `root/id` and check that the module is the ruleset its folder and trace.json name. */
async function loadChecked(root: string, id: string): Promise<LoadedRuleset> {
  const loaded = await loadCompiled(join(root, id));
  if (loaded.module.metadata.id !== id)
    throw new RulesetLoadError(
      `${join(root, id, "validators.js")} is ${loaded.module.metadata.id}, not ${id}; run \`regel compile\` again`,
    );
  return loaded;
}
