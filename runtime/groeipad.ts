/**
 * The groeipad norm for a report: the minimum share of IKBs that must meet the automated controls
 * on the reporting reference date, read from the norms of the compiled rulesets (the groeipad
 * ruleset, `rulesets/ikb.groeipad`), never from a table in code. The runtime looks for a norm
 * period in force on the RRD (`year Y` for the RRD's year, or `from ... [until ...]`) with a
 * requirement `automated_controls_pass >= N %`.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  sha256Hex,
  type NormTrace,
  type SourceFileHash,
} from "../compiler/contract.js";
import { listCompiled } from "./load-compiled.js";
import { inForce } from "./select-version.js";
import { checkSources, type SourceCheck } from "./source-check.js";

/** The metric of the groeipad ruleset that the report's pass rate is held against. */
export const PASS_RATE_METRIC = "automated_controls_pass";

export interface GroeipadNorm {
  year: number;
  /** Minimum percentage of IKBs meeting the automated controls. */
  norm: number;
  /** Where the norm comes from: ruleset, norm, source location and articles. */
  source: string;
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

/** The norm in force on `rrd` among the compiled rulesets under `compiledRoot`; undefined when none states one. */
export function loadGroeipadNorm(
  compiledRoot: string,
  rrd: string,
): GroeipadNorm | undefined {
  for (const dir of listCompiled(compiledRoot)) {
    const traceFile = join(compiledRoot, dir, "trace.json");
    if (!existsSync(traceFile)) continue;
    const text = readFileSync(traceFile, "utf8");
    const data = JSON.parse(text) as {
      metadata?: { sourceFiles?: SourceFileHash[] };
      norms?: NormTrace[];
    };
    for (const norm of data.norms ?? []) {
      for (const period of norm.periods) {
        if (!periodInForce(period, rrd)) continue;
        const requirement = period.requirements.find(
          (q) => q.metric === PASS_RATE_METRIC && q.op === ">=",
        );
        const percent =
          requirement === undefined
            ? undefined
            : /^(\d+(?:\.\d+)?)\s*%$/.exec(requirement.value);
        if (percent === undefined || percent === null) continue;
        const articles = norm.articles
          .map((a) => `${a.source} ${a.locator}`)
          .join(", ");
        return {
          year: Number(rrd.slice(0, 4)),
          norm: Number(percent[1]),
          source: `${dir} norm ${norm.name} (${norm.location.file}:${norm.location.line}; ${articles})`,
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
    }
  }
  return undefined;
}
