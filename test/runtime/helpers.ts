import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import type { Report } from "../../runtime/report-types.js";
import { writeReport } from "../../runtime/report-write.js";

export const FIXTURES = join(import.meta.dirname, "fixtures");
export const COMPILED = join(FIXTURES, "compiled");

export function fake(version = "1.0.0"): Promise<LoadedRuleset> {
  return loadCompiled(join(COMPILED, `fake.ikb@${version}`));
}

/** Write a delivery folder with the given files (name -> contents) and return its path. */
export function delivery(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "regel-test-"));
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(dir, name), text);
  return dir;
}

export const NP_HEADER =
  "ikb_id,customer_id,last_name,date_of_birth,reliability_indicator_code\n";
export const BA_HEADER = "ikb_id,account_id,holder_id,balance\n";

/** V8's full collection (exposed at run time: a flag set now applies to a new context). */
export function fullGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** A small seeded generator of numbers in [0, 1) (mulberry32): the same sequence for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Write `report` into a new folder under `parent` and read the folder back: each file by its
 * path in the folder, its bytes as `encoding` (to compare report folders whole).
 */
export async function writtenReportFiles(
  report: Report,
  parent: string,
  encoding: "utf8" | "base64",
): Promise<Map<string, string>> {
  const out = mkdtempSync(join(parent, "r-"));
  rmSync(out, { recursive: true });
  await writeReport(report, out);
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const e of readdirSync(join(out, sub), { withFileTypes: true }))
      if (e.isDirectory()) walk(join(sub, e.name));
      else
        files.set(
          join(sub, e.name),
          readFileSync(join(out, sub, e.name)).toString(encoding),
        );
  };
  walk("");
  return files;
}
