/**
 * The groeipad norm for a report: the minimum share of IKBs that must meet the automated controls
 * on the reporting reference date, read from the norms of the compiled rulesets (the groeipad
 * ruleset, `rulesets/ikb.groeipad`), never from a table in code. The runtime looks for a norm
 * period in force on the RRD (`year Y` for the RRD's year, or `from ... [until ...]`) with a
 * requirement `automated_controls_pass >= N %`, and beside it for an aim on the same metric
 * (`aim automated_controls_pass >= N %`): the aim is reported, never held against the delivery.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  sha256Hex,
  type NormTrace,
  type SourceFileHash,
} from "../compiler/contract.js";
import {
  compiledHeader,
  listCompiled,
  readTraceJson,
} from "./load-compiled.js";
import { inForce } from "./select-version.js";
import { checkSources, type SourceCheck } from "./source-check.js";

/** The metric of the groeipad ruleset that the report's pass rate is held against. */
export const PASS_RATE_METRIC = "automated_controls_pass";

/** An aim on the share meeting the automated controls: what the source hopes for, not a norm. */
export interface GroeipadAim {
  /** The percentage aimed at. */
  target: number;
  /** Where the aim comes from: ruleset, norm, source location and articles. */
  source: string;
}

export interface GroeipadNorm {
  year: number;
  /** Minimum percentage of IKBs meeting the automated controls. */
  norm: number;
  /** The aim in force on the RRD beside the norm, if the ruleset states one. */
  aim: GroeipadAim | undefined;
  /** Where the norm comes from: ruleset, norm, source location and articles. */
  source: string;
  /**
   * The assumptions stated on the norm (`assumption "..."` on its declaration, for all its
   * periods): a norm the sources do not give, such as the groeipad's 95 % from 2024, says so.
   */
  assumptions: string[];
  /** `name@version` of the compiled ruleset that states the norm. */
  ruleset: string;
  /** Its folder, and the sha256 of the `trace.json` the norm was read from. */
  dir: string;
  traceSha256: string;
  /** The `.regel` files it was compiled from, and whether they are current (see runtime/source-check.ts). */
  sourceFiles: SourceFileHash[] | undefined;
  sourceCheck: SourceCheck;
}

function periodInForce(
  period: NormTrace["periods"][number],
  rrd: string,
): boolean {
  if (period.year !== undefined) return Number(rrd.slice(0, 4)) === period.year;
  return inForce(rrd, period.from, period.until);
}

/** `N %` of a requirement as a number; undefined for anything else. */
function percentOf(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Whether a compiled ruleset under `compiledRoot` declares a groeipad norm (a requirement on
 * `automated_controls_pass`) in any period: the report shows the groeipad only then
 * (docs/report.md, `groeipadDeclared`).
 */
export function groeipadDeclared(compiledRoot: string): boolean {
  for (const dir of listCompiled(compiledRoot)) {
    const traceFile = join(compiledRoot, dir, "trace.json");
    if (!existsSync(traceFile)) continue;
    const header = compiledHeader(join(compiledRoot, dir));
    if (header !== undefined) {
      if (header.normMetrics.includes(PASS_RATE_METRIC)) return true;
      continue;
    }
    const data = readTraceJson(traceFile).data as {
      norms?: NormTrace[];
    };
    for (const n of data.norms ?? [])
      for (const period of n.periods)
        for (const q of period.requirements)
          if (q.metric === PASS_RATE_METRIC && q.aim !== true) return true;
  }
  return false;
}

/**
 * The norm in force on `rrd` among the compiled rulesets under `compiledRoot`, with the aim in
 * force beside it in the same ruleset; undefined when none states a norm (an aim alone is no norm).
 */
export function loadGroeipadNorm(
  compiledRoot: string,
  rrd: string,
): GroeipadNorm | undefined {
  for (const dir of listCompiled(compiledRoot)) {
    const traceFile = join(compiledRoot, dir, "trace.json");
    if (!existsSync(traceFile)) continue;
    // a module whose header names no norm on the pass rate has none: its trace.json is not read
    if (
      compiledHeader(join(compiledRoot, dir))?.normMetrics.includes(
        PASS_RATE_METRIC,
      ) === false
    )
      continue;
    const { text, data: parsed } = readTraceJson(traceFile);
    const data = parsed as {
      metadata?: { sourceFiles?: SourceFileHash[] };
      norms?: NormTrace[];
      assumptions?: { on: string; name: string; text: string }[];
    };
    let norm: { value: number; source: string; name: string } | undefined;
    let aim: GroeipadAim | undefined;
    for (const n of data.norms ?? []) {
      const articles = n.articles
        .map((a) => `${a.source} ${a.locator}`)
        .join(", ");
      const source = `${dir} norm ${n.name} (${n.location.file}:${n.location.line}; ${articles})`;
      for (const period of n.periods) {
        if (!periodInForce(period, rrd)) continue;
        for (const q of period.requirements) {
          if (q.metric !== PASS_RATE_METRIC) continue;
          const value = percentOf(q.value);
          if (value === undefined) continue;
          if (q.aim === true) {
            if (aim === undefined && (q.op === ">=" || q.op === "="))
              aim = { target: value, source };
          } else if (norm === undefined && q.op === ">=")
            norm = { value, source, name: n.name };
        }
      }
    }
    if (norm === undefined) continue;
    return {
      year: Number(rrd.slice(0, 4)),
      norm: norm.value,
      aim,
      source: norm.source,
      assumptions: (data.assumptions ?? [])
        .filter((a) => a.on === "norm" && a.name === norm.name)
        .map((a) => a.text),
      ruleset: dir,
      dir: join(compiledRoot, dir),
      traceSha256: sha256Hex(text),
      sourceFiles: data.metadata?.sourceFiles,
      sourceCheck: checkSources(
        data.metadata?.sourceFiles,
        dirname(resolve(compiledRoot)),
      ),
    };
  }
  return undefined;
}
