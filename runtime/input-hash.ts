/**
 * The sha256 of an input file, computed from the chunks the CSV / NDJSON readers read anyway
 * (their `onChunk` hook), so a delivery is not read a second time for its provenance. A file
 * scanned in ranges over worker threads is hashed whole by one of them instead
 * (runtime/hash-worker.ts, {@link InputHash.adopt}).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

/** Hashes the bytes of one file as a reader streams them. */
export class InputHash {
  private readonly hash = createHash("sha256");
  private hashed = 0;
  /** The digest of the whole file, computed elsewhere ({@link adopt}). */
  private whole: string | undefined;

  /**
   * Take the digest of the whole file from elsewhere (a worker that read it all:
   * runtime/hash-worker.ts); {@link digest} then reads nothing. Null (that read failed) leaves the
   * file to this hash.
   */
  adopt(sha256: string | null): void {
    if (sha256 !== null) this.whole = sha256;
  }

  /** Feed the next chunk of the file, in order (pass as the readers' `onChunk`). */
  readonly update = (chunk: Uint8Array): void => {
    this.hash.update(chunk);
    this.hashed += chunk.byteLength;
  };

  /**
   * Read and hash the rest of the file (of `size` bytes) now, e.g. while worker threads scan it
   * (runtime/parallel-scan.ts); a read error is left for {@link digest} to meet again.
   */
  async catchUp(path: string, size: number): Promise<void> {
    if (this.hashed >= size) return;
    try {
      const handle = await open(path, "r");
      try {
        // one buffer, read into again and again: hashing consumes it at once, and a new buffer
        // per read would be garbage for the thread's collector while it scans
        const buffer = Buffer.allocUnsafeSlow(1 << 20);
        while (this.hashed < size) {
          const { bytesRead } = await handle.read(
            buffer,
            0,
            Math.min(buffer.length, size - this.hashed),
            this.hashed,
          );
          if (bytesRead === 0) break;
          this.update(buffer.subarray(0, bytesRead));
        }
      } finally {
        await handle.close();
      }
    } catch {
      // digest reads from where this stopped, and returns null if it fails too
    }
  }

  /**
   * Read and hash the rest of the file now, synchronously: for a thread that has nothing else to
   * do meanwhile (a worker's hash job, runtime/hash-worker.ts). Each asynchronous read waited for
   * libuv's thread pool: 470–520 ms for bank_account.csv of the 1 M delivery (465 MB), 350–375 ms
   * read synchronously (bench/results.md). A read error is left for {@link digest} to meet again.
   */
  readRest(path: string, size: number): void {
    if (this.hashed >= size) return;
    let fd: number | undefined;
    try {
      fd = openSync(path, "r");
      const buffer = Buffer.allocUnsafeSlow(1 << 20);
      while (this.hashed < size) {
        const bytesRead = readSync(
          fd,
          buffer,
          0,
          Math.min(buffer.length, size - this.hashed),
          this.hashed,
        );
        if (bytesRead === 0) break;
        this.update(buffer.subarray(0, bytesRead));
      }
    } catch {
      // digest reads from where this stopped, and returns null if it fails too
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /**
   * The hex digest of the whole file of `size` bytes at `path`. When the reader stopped before the
   * end (a header problem stops a file), the rest is read here. Null when the file cannot be read.
   */
  async digest(path: string, size: number): Promise<string | null> {
    if (this.whole !== undefined) return this.whole;
    if (this.hashed < size) {
      try {
        for await (const chunk of createReadStream(path, {
          start: this.hashed,
        }))
          this.update(chunk as Buffer);
      } catch {
        return null;
      }
    }
    return this.hash.digest("hex");
  }
}
