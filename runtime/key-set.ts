/**
 * Compact key sets for the delivery-level checks (unique key, references) over files too large to
 * hold their keys as strings: 8 bytes per key (a 53-bit hash in a Float64Array), sorted once.
 * Hash collisions are resolved exactly by the caller (a duplicate hash is only a candidate).
 *
 * @module
 */

/** cyrb53: a fast 53-bit string hash (public domain, bryc). */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * {@link hash53} of `cols.map((c) => cells[c] ?? "").join("\u001f")`, without building that string
 * (a missing cell counts as empty, as in `join`).
 */
export function hash53Cells(
  cells: readonly string[],
  cols: readonly number[],
  seed = 0,
): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let k = 0; k < cols.length; k++) {
    if (k > 0) {
      h1 = Math.imul(h1 ^ 0x1f, 2654435761);
      h2 = Math.imul(h2 ^ 0x1f, 1597334677);
    }
    const s = cells[cols[k]] ?? "";
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A growable list of hashes; {@link HashSet53.seal} sorts it for lookups. */
export class HashSet53 {
  private data: Float64Array<ArrayBufferLike> = new Float64Array(1024);
  private n = 0;
  private sealed = false;

  add(key: string): void {
    this.addHash(hash53(key));
  }

  /** Add a hash computed by the caller ({@link hash53} or {@link hash53Cells}). */
  addHash(h: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = h;
  }

  get size(): number {
    return this.n;
  }

  /**
   * The hashes added so far, in the order added, as a copy (before {@link seal}): what a worker
   * of the parallel scan hands back for its range of a file (runtime/parallel-scan.ts).
   */
  added(): Float64Array<ArrayBuffer> {
    if (this.sealed) throw new Error("the key set is sealed");
    return this.data.slice(0, this.n);
  }

  /** Add the hashes of another set ({@link added}), after those added so far. */
  addAll(hashes: Float64Array): void {
    if (this.sealed) throw new Error("the key set is sealed");
    if (this.n + hashes.length > this.data.length) {
      let size = this.data.length;
      while (size < this.n + hashes.length) size *= 2;
      const bigger = new Float64Array(size);
      bigger.set(this.data.subarray(0, this.n));
      this.data = bigger;
    }
    this.data.set(hashes, this.n);
    this.n += hashes.length;
  }

  /** Sort, trim, and return the hashes that occur more than once. */
  seal(): Set<number> {
    this.data = this.sortByBucket();
    this.sealed = true;
    const dup = new Set<number>();
    for (let i = 1; i < this.n; i++)
      if (this.data[i] === this.data[i - 1]) dup.add(this.data[i]);
    return dup;
  }

  /**
   * Bucket starts by the top `bits` bits of the 53-bit hash (hashes are uniform), so a lookup
   * searches a bucket of about one hash instead of the whole array: 4 bytes per key at most.
   */
  private index: Uint32Array<ArrayBufferLike> = new Uint32Array(2);
  private shift = 2 ** 53;

  /**
   * Seal the set and move its hashes and index into SharedArrayBuffers, in place: worker threads
   * (runtime/parallel-validate.ts) then read this one copy, and no private copy stays behind in
   * the main thread (at 10 M depositors the key sets are hundreds of MB).
   */
  share(): void {
    if (!this.sealed) this.seal();
    this.data = sharedCopy(this.data);
    this.index = sharedCopy(this.index);
  }

  /**
   * The hashes sorted, and {@link index} built, in one counting sort by bucket: a bucket holds
   * about one hash, so the sort within it is an insertion sort of a few (a large bucket, of many
   * equal hashes, is sorted as a whole). The result is that of `Float64Array.prototype.sort`.
   */
  private sortByBucket(): Float64Array<ArrayBuffer> {
    const n = this.n;
    const d = this.data;
    let bits = 0;
    while (bits < 26 && 2 ** (bits + 1) <= n) bits++;
    const buckets = 2 ** bits;
    const shift = 2 ** (53 - bits);
    this.shift = shift;
    // index[b + 1]: the hashes in bucket b, then summed into where each bucket starts
    const index = new Uint32Array(buckets + 1);
    for (let i = 0; i < n; i++) index[Math.floor(d[i] / shift) + 1]++;
    for (let b = 0; b < buckets; b++) index[b + 1] += index[b];
    const next = index.slice(0, buckets);
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[next[Math.floor(d[i] / shift)]++] = d[i];
    for (let b = 0; b < buckets; b++) {
      const lo = index[b];
      const hi = index[b + 1];
      if (hi - lo < 2) continue;
      if (hi - lo > 16) {
        sorted.subarray(lo, hi).sort();
        continue;
      }
      for (let i = lo + 1; i < hi; i++) {
        const x = sorted[i];
        let j = i - 1;
        while (j >= lo && sorted[j] > x) {
          sorted[j + 1] = sorted[j];
          j--;
        }
        sorted[j + 1] = x;
      }
    }
    this.index = index;
    return sorted;
  }

  /** Is the key (probably) in the set? Exact for absence. */
  has(key: string): boolean {
    if (!this.sealed) this.seal();
    const h = hash53(key);
    const bucket = Math.floor(h / this.shift);
    let lo = this.index[bucket];
    let hi = this.index[bucket + 1] - 1;
    const d = this.data;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (d[mid] < h) lo = mid + 1;
      else if (d[mid] > h) hi = mid - 1;
      else return true;
    }
    return false;
  }
}

/**
 * A typed array's copy in a SharedArrayBuffer, of the same kind (the array itself when it is in
 * one already): what worker threads read without a copy of their own each.
 */
export function sharedCopy<T extends ArrayBufferView>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const shared = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(shared).set(
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
  );
  const Kind = a.constructor as new (buffer: SharedArrayBuffer) => T;
  return new Kind(shared);
}
