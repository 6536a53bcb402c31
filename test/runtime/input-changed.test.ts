/**
 * A delivered file that changes while it is validated (still being written, or replaced) fails
 * the run with the file named, instead of a report whose passes read two versions of it and whose
 * sha256 vouches for one (runtime/stage-read.ts `checkUnchanged`).
 */
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateDelivery } from "../../runtime/delivery.js";
import type { Progress } from "../../runtime/delivery-state.js";
import {
  loadCompiled,
  type LoadedRuleset,
} from "../../runtime/load-compiled.js";
import { ROOT } from "../source-folders.js";

const work = mkdtempSync(join(tmpdir(), "regel-changed-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let glo: LoadedRuleset;
beforeAll(async () => {
  glo = await loadCompiled(join(ROOT, "rulesets", "compiled", "ikb.glo@1.3.0"));
});

/** A copy of the bundled example, and `change` done to it once the run has begun reading. */
async function run(change?: (dir: string) => void, previous?: string) {
  const dir = mkdtempSync(join(work, "d-"));
  cpSync(join(ROOT, "examples", "ikb-delivery"), dir, { recursive: true });
  let changed = false;
  return validateDelivery(dir, glo, {
    rrd: "2024-03-31",
    previous,
    onProgress: (p: Progress) => {
      if (change !== undefined && !changed && p.phase === "scan") {
        changed = true;
        change(dir);
      }
    },
  });
}

describe("a delivered file that changes during the run", () => {
  it("a file unchanged gives its report", async () => {
    expect((await run()).status).toBe("accepted");
  });

  it("a file written to while it is validated fails the run, the file named with what it was and is", async () => {
    await expect(
      run((dir) => appendFileSync(join(dir, "bank_account.csv"), "B1,A1\n")),
    ).rejects.toThrow(
      /^bank_account\.csv changed during the run \(\d+ bytes, modified .+, when it was first read; now \d+ bytes, modified .+\): its passes may have read different contents, so no report is made/,
    );
  });

  it("a file replaced by one of the same size (another modification time) fails it too", async () => {
    await expect(
      run((dir) => {
        const path = join(dir, "natural_person.csv");
        const later = new Date(statSync(path).mtimeMs + 60_000);
        utimesSync(path, later, later);
      }),
    ).rejects.toThrow(/^natural_person\.csv changed during the run/);
  });

  it("a file of the previous delivery changed after its first read fails it, named as T−1's", async () => {
    const previous = mkdtempSync(join(work, "t1-"));
    cpSync(join(ROOT, "examples", "ikb-delivery"), previous, {
      recursive: true,
    });
    // the same delivery as its own T−1: nothing changed, a report
    expect((await run(undefined, previous)).status).toBe("accepted");
    await expect(
      run(
        () => appendFileSync(join(previous, "natural_person.csv"), "\n"),
        previous,
      ),
    ).rejects.toThrow(
      /^natural_person\.csv of the previous delivery changed during the run/,
    );
  });

  it("a file removed during the run fails it", async () => {
    await expect(
      run((dir) => rmSync(join(dir, "address.csv"))),
    ).rejects.toThrow(
      /^address\.csv changed during the run \(.+now gone or unreadable\)/,
    );
  });
});
