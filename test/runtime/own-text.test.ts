/**
 * A string kept past its piece (runtime/own-text.ts) is the same text and keeps none of the piece:
 * in a fresh process, keys cut from 2,000 pieces of 32 KiB (as the byte tokenizer cuts cells from
 * a piece's text) keep the pieces alive as they are, and not once made strings of their own.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownText } from "../../runtime/own-text.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OWN_TEXT = join(ROOT, "dist", "runtime", "own-text.js");

/** MiB of memory in use (V8's heap and external strings) after keeping 2,000 keys and a full collection. */
function keptMiB(keyLength: number, owned: boolean): number {
  const script = `
    const { ownText } = await import(${JSON.stringify(OWN_TEXT)});
    const kept = [];
    for (let i = 0; i < 2000; i++) {
      const piece = Buffer.alloc(32768, 65 + (i % 26)).toString("latin1");
      const key = piece.slice(100, 100 + ${keyLength});
      kept.push(${owned ? "ownText(key)" : "key"});
    }
    globalThis.gc();
    const m = process.memoryUsage();
    process.stdout.write(String((m.heapUsed + m.external) / 1048576));
    if (kept.length !== 2000) process.exit(1);
  `;
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", "--input-type=module", "-e", script],
    { encoding: "utf8" },
  );
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout);
}

describe("ownText", () => {
  it("gives the same text, whatever it holds", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        expect(ownText(text)).toBe(text);
      }),
    );
    const piece = "x".repeat(100) + "NLBANKC0000123456" + "y".repeat(100);
    expect(ownText(piece.slice(100, 117))).toBe("NLBANKC0000123456");
  });

  it("keeps none of the piece a key of 13 characters or more was cut from", () => {
    // 2,000 pieces of 32 KiB are 62.5 MiB: kept as slices, every piece stays
    expect(keptMiB(20, false)).toBeGreaterThan(50);
    expect(keptMiB(20, true)).toBeLessThan(10);
    // halves of 13 characters or more are views of the piece too, until joined
    expect(keptMiB(30, true)).toBeLessThan(10);
    // shorter than 13 characters, V8 copies a slice anyway
    expect(keptMiB(12, false)).toBeLessThan(10);
  });
});
