/**
 * A file's sha256 (runtime/input-hash.ts), however its bytes reach the hash: streamed by a reader
 * in chunks, the rest read here asynchronously (`catchUp`) or synchronously by a worker's hash
 * job (`readRest`), or the rest read by `digest` itself. Every way gives the file's own digest,
 * and a file that cannot be read gives null, not a digest of what was read.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputHash } from "../../runtime/input-hash.js";

const dir = mkdtempSync(join(tmpdir(), "regel-input-hash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `size` bytes that no two reads could mix up unnoticed (no period of 1 MiB). */
function bytesFile(
  name: string,
  size: number,
): { path: string; bytes: Buffer } {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + (i >>> 11)) & 0xff;
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("InputHash", () => {
  // over a read buffer (1 MiB) and a bit, so the rest takes more than one read
  const { path, bytes } = bytesFile("data.bin", (1 << 20) * 2 + 12345);

  for (const streamed of [0, 1, 70_000, bytes.length])
    it(`readRest after ${streamed} streamed bytes gives the file's digest`, async () => {
      const hash = new InputHash();
      hash.update(bytes.subarray(0, streamed));
      hash.readRest(path, bytes.length);
      expect(await hash.digest(path, bytes.length)).toBe(sha256(bytes));
    });

  it("catchUp and readRest give the same digest", async () => {
    const a = new InputHash();
    const b = new InputHash();
    a.update(bytes.subarray(0, 3));
    b.update(bytes.subarray(0, 3));
    await a.catchUp(path, bytes.length);
    b.readRest(path, bytes.length);
    expect(await a.digest(path, bytes.length)).toBe(
      await b.digest(path, bytes.length),
    );
  });

  it("a file that cannot be read gives null after readRest, not the digest of nothing", async () => {
    const hash = new InputHash();
    const gone = join(dir, "absent.bin");
    hash.readRest(gone, 10);
    expect(await hash.digest(gone, 10)).toBeNull();
  });

  it("an adopted digest is taken as it is, and nothing is read", async () => {
    const hash = new InputHash();
    hash.adopt("a digest computed elsewhere");
    expect(await hash.digest(join(dir, "absent.bin"), 10)).toBe(
      "a digest computed elsewhere",
    );
  });
});
