/**
 * Compact key sets for the delivery-level checks (unique key, references) over files too large to
 * hold their keys as strings: 8 bytes per key (a 53-bit hash in a Float64Array), sorted once.
 * Hash collisions are resolved exactly by the caller (a duplicate hash is only a candidate).
 *
 * @module
 */
import { appendedFloat64, doubling, grownFloat64 } from "./float64-list.js";

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

/**
 * A growable list of hashes; {@link HashSet53.seal} sorts it for lookups.
 *
 * A set made `exact` (a small delivery read in one thread) holds the keys themselves instead, in
 * native `Set`s: its answers are those of the hashes (without their rare false "present"), and
 * a key costs one native look-up instead of a hash computed in JavaScript, which a short run
 * executes in the interpreter, and a sort (the bundled example: about 3 ms of its run). The
 * methods that hand hashes over to worker threads turn such a set into hashes first.
 */
export class HashSet53 {
  private data: Float64Array<ArrayBufferLike> = new Float64Array(1024);
  private n = 0;
  private sealed = false;
  /** An exact set: every key added (undefined: the set holds hashes). */
  private keys: Set<string> | undefined;
  /** An exact set: the keys added more than once, and how many times more. */
  private repeated: Map<string, number> | undefined;

  /** @param exact hold the keys themselves (for a small delivery: see the class). */
  constructor(exact = false) {
    if (exact) {
      this.keys = new Set();
      this.repeated = new Map();
    }
  }

  add(key: string): void {
    const keys = this.keys;
    if (keys === undefined) {
      this.addHash(hash53(key));
      return;
    }
    const before = keys.size;
    keys.add(key);
    if (keys.size === before)
      this.repeated!.set(key, (this.repeated!.get(key) ?? 0) + 1);
    this.n++;
  }

  /**
   * Add the key of the cells `cols` of a row: {@link hash53Cells} of them, or in an exact set
   * their text (`cols.map((c) => cells[c] ?? "").join("\u001f")`, what that hash hashes).
   */
  addCells(cells: readonly string[], cols: readonly number[]): void {
    if (this.keys === undefined) {
      this.addHash(hash53Cells(cells, cols));
      return;
    }
    // joined by hand: no closure and no array per row
    let text = cells[cols[0]] ?? "";
    for (let k = 1; k < cols.length; k++)
      text += "\u001f" + (cells[cols[k]] ?? "");
    this.add(text);
  }

  /** Add a hash computed by the caller ({@link hash53} or {@link hash53Cells}). */
  addHash(h: number): void {
    if (this.keys !== undefined) this.hashed();
    if (this.n === this.data.length)
      this.data = grownFloat64(this.data, this.n, doubling(this.data.length));
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
    this.hashed();
    if (this.sealed) throw new Error("the key set is sealed");
    return this.data.slice(0, this.n);
  }

  /**
   * Room for at least `more` hashes after those added so far, in one growth: the parallel scan
   * reserves about a file's hashes from its first range (runtime/parallel-scan.ts), where the
   * array doubled and was copied again and again (at 10 M depositors about a second of the main
   * thread while the worker waited). Untouched room costs no memory until written.
   */
  reserve(more: number): void {
    this.hashed();
    if (this.sealed || this.n + more <= this.data.length) return;
    this.data = grownFloat64(this.data, this.n, more);
  }

  /** Add the hashes of another set ({@link added}), after those added so far. */
  addAll(hashes: Float64Array): void {
    this.hashed();
    if (this.sealed) throw new Error("the key set is sealed");
    this.data = appendedFloat64(this.data, this.n, hashes);
    this.n += hashes.length;
  }

  /**
   * An exact set as hashes: the hash of each key as many times as it was added (the hashes of
   * a set that held hashes from the start, in another order).
   */
  private hashed(): void {
    const keys = this.keys;
    if (keys === undefined) return;
    const repeated = this.repeated!;
    this.keys = undefined;
    this.repeated = undefined;
    this.n = 0;
    let n = keys.size;
    for (const more of repeated.values()) n += more;
    this.data = new Float64Array(Math.max(1024, n));
    for (const k of keys) this.data[this.n++] = hash53(k);
    for (const [k, more] of repeated)
      for (let i = 0; i < more; i++) this.data[this.n++] = hash53(k);
  }

  /**
   * Sort (a large set in place: {@link SORT_IN_PLACE_HASHES}) and return the hashes that occur
   * more than once (of an exact set: the {@link hash53} of each key added more than once, a key's
   * {@link hash53Cells} for {@link addCells}).
   */
  seal(): Set<number> {
    if (this.repeated !== undefined) {
      const dup = new Set<number>();
      for (const k of this.repeated.keys()) dup.add(hash53(k));
      return dup;
    }
    if (!this.sealed) this.adoptSorted(sortHashes(this.data, this.n));
    const d = this.data;
    const dup = new Set<number>();
    for (let i = 1; i < this.n; i++) if (d[i] === d[i - 1]) dup.add(d[i]);
    return dup;
  }

  /**
   * Hand the hashes over to be sorted elsewhere (a worker's {@link sortHashes}, the buffer
   * transferred): the first `n` of `hashes`. The set is empty until {@link adoptSorted}.
   */
  takeUnsorted(): { hashes: Float64Array<ArrayBuffer>; n: number } {
    this.hashed();
    if (this.sealed) throw new Error("the key set is sealed");
    const hashes = this.data as Float64Array<ArrayBuffer>;
    this.data = new Float64Array(0);
    return { hashes, n: this.n };
  }

  /** Seal the set with its hashes sorted ({@link sortHashes} of {@link takeUnsorted}). */
  adoptSorted(r: SortedHashes): void {
    if (r.sorted.length !== this.n)
      throw new Error(
        `${r.sorted.length} sorted hashes for a set of ${this.n}`,
      );
    this.data = r.sorted;
    this.index = r.index;
    this.shift = r.shift;
    this.sealed = true;
  }

  /**
   * Bucket starts by the top `bits` bits of the 53-bit hash (hashes are uniform), so a lookup
   * searches a bucket of 4 to 8 hashes instead of the whole array: 1 byte per key at most.
   */
  private index: Uint32Array<ArrayBufferLike> = new Uint32Array(2);
  private shift = 2 ** 53;

  /**
   * Seal the set and move its hashes and index into SharedArrayBuffers, in place: worker threads
   * (runtime/parallel-validate.ts) then read this one copy, and no private copy stays behind in
   * the main thread (at 10 M depositors the key sets are hundreds of MB).
   */
  share(): void {
    this.hashed();
    if (!this.sealed) this.seal();
    this.data = sharedCopy(this.data);
    this.index = sharedCopy(this.index);
  }

  /** Is the key (probably) in the set? Exact for absence. */
  has(key: string): boolean {
    if (this.keys !== undefined) return this.keys.has(key);
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

/**
 * From this many hashes on (32 MiB) {@link sortHashes} sorts in place. A sort into a new array
 * holds the set twice: at 10 M depositors, whose sets hold about 70 M hashes, the seal was the
 * run's peak of memory (1.75–1.97 GiB; 1.35–1.39 GiB in place). Moving the hashes in place takes
 * about twice as long (1.5 s against 0.7 s for 20 M), so a smaller set, as every set of a delivery
 * of up to about 2 M depositors is, is sorted into a new array.
 */
export const SORT_IN_PLACE_HASHES = 1 << 22;

/** A set's hashes sorted, with the bucket index its lookups search ({@link sortHashes}). */
export interface SortedHashes {
  sorted: Float64Array<ArrayBuffer>;
  /** Where each bucket of hashes starts in `sorted` (one more entry than buckets). */
  index: Uint32Array<ArrayBuffer>;
  /** A hash's bucket is `Math.floor(hash / shift)`. */
  shift: number;
}

/**
 * The first `n` hashes of `d` sorted, and their bucket index built: a counting sort by the top
 * bits of the hash in two passes, then an insertion sort within each bucket, which holds 4 to 8
 * hashes (a large bucket, of many equal hashes, is sorted as a whole). The first pass sorts by
 * the top 12 bits: a few thousand places are written to at a time, which the caches hold (one
 * pass by all the bucket bits wrote to a random place of the whole array for every hash). The
 * second sorts each of those parts, small enough for the caches, by the rest of the bucket bits,
 * and then within its buckets. At 20 M hashes: 0.58–0.69 s against 0.69–0.99 s for one pass with
 * a bucket per hash, and an index of 8 MB instead of 64. The result is that of
 * `Float64Array.prototype.sort`. A function of its input alone, so that a worker thread can sort
 * a set the main thread hands over (runtime/seal-key-sets.ts).
 *
 * From `inPlaceFrom` hashes on ({@link SORT_IN_PLACE_HASHES}) the first pass moves the hashes
 * within `d` instead of into a new array, and the result is `d`'s first `n` (`d` is changed).
 */
export function sortHashes(
  d: Float64Array<ArrayBufferLike>,
  n: number,
  inPlaceFrom = SORT_IN_PLACE_HASHES,
): SortedHashes {
  // Each pass is a function of its own: one function of many loops is optimized on the stack in
  // its first loop, before the later loops have run, and left again at each of them (every set
  // sorted, as the compiled code is kept); a function per loop is optimized once, as it is.
  // the counts and places as small integers (`1 << b`; `2 ** b` is a double to the compiler)
  let bits = 0;
  while (bits < 24 && 1 << (bits + 3) <= n) bits++;
  const buckets = 1 << bits;
  const shift = 2 ** (53 - bits);
  // pass 1, by the top `high` bits: parts[p] is where part p starts
  const high = Math.min(bits, 12);
  const partCount = 1 << high;
  const partShift = 2 ** (53 - high);
  const parts = new Uint32Array(partCount + 1);
  countBuckets(d, 0, n, parts, partShift, 0);
  sumCounts(parts, 0, partCount);
  let sorted: Float64Array<ArrayBuffer>;
  if (n >= inPlaceFrom) {
    permuteParts(d, parts, partCount, partShift);
    // (a set's own array: shared memory only once it is sealed, HashSet53.share)
    sorted = (
      d.length === n ? d : d.subarray(0, n)
    ) as Float64Array<ArrayBuffer>;
  } else {
    sorted = new Float64Array(n);
    scatter(d, 0, n, sorted, parts.slice(0, partCount), partShift, 0);
  }
  // pass 2, within each part by the rest of the bucket bits; index[b]: where bucket b starts
  const width = 1 << (bits - high);
  let index: Uint32Array<ArrayBuffer>;
  if (width === 1) index = parts;
  else {
    index = new Uint32Array(buckets + 1);
    const part = new Float64Array(largestPart(parts, partCount));
    const at = new Uint32Array(width);
    for (let p = 0; p < partCount; p++)
      sortPart(sorted, parts, p, width, shift, index, part, at);
  }
  if (width === 1) sortBuckets(sorted, index, 0, buckets);
  return { sorted, index, shift };
}

/** Count the hashes `d[from..to)` by bucket (`x / shift` less `first`) at `counts[bucket + 1]`. */
function countBuckets(
  d: Float64Array<ArrayBufferLike>,
  from: number,
  to: number,
  counts: Uint32Array,
  shift: number,
  first: number,
): void {
  for (let i = from; i < to; i++)
    counts[Math.floor(d[i] / shift) - first + 1]++;
}

/** Running sums of `counts[from..to]`: then `counts[b]` is where bucket `b` starts. */
function sumCounts(counts: Uint32Array, from: number, to: number): void {
  for (let b = from; b < to; b++) counts[b + 1] += counts[b];
}

/** Put each hash of `d[from..to)` at `next[bucket]` (`x / shift` less `first`), moved on. */
function scatter(
  d: Float64Array<ArrayBufferLike>,
  from: number,
  to: number,
  sorted: Float64Array,
  next: Uint32Array,
  shift: number,
  first: number,
): void {
  for (let i = from; i < to; i++) {
    const x = d[i];
    sorted[next[Math.floor(x / shift) - first]++] = x;
  }
}

/**
 * Move each hash of `d` into its part (`x / shift`; `parts[p]` is where part p starts) within
 * `d` itself: each hash out of place is carried along the cycle of hashes it displaces.
 */
function permuteParts(
  d: Float64Array<ArrayBufferLike>,
  parts: Uint32Array,
  partCount: number,
  shift: number,
): void {
  const next = parts.slice(0, partCount);
  for (let p = 0; p < partCount; p++) {
    const end = parts[p + 1];
    for (let i = next[p]; i < end; i = next[p]) {
      let x = d[i];
      let t = Math.floor(x / shift);
      while (t !== p) {
        const j = next[t]++;
        const y = d[j];
        d[j] = x;
        x = y;
        t = Math.floor(x / shift);
      }
      d[i] = x;
      next[p] = i + 1;
    }
  }
}

/** The number of hashes in the largest part. */
function largestPart(parts: Uint32Array, partCount: number): number {
  let largest = 0;
  for (let p = 0; p < partCount; p++)
    if (parts[p + 1] - parts[p] > largest) largest = parts[p + 1] - parts[p];
  return largest;
}

/**
 * Sort part `p` (its hashes at `parts[p]` to `parts[p + 1]` of `sorted`) by the buckets of
 * `width` it has, and within them; `index[b]` is where bucket `b` starts. `part` and `at` are
 * room for the part's hashes and its buckets' places.
 */
function sortPart(
  sorted: Float64Array,
  parts: Uint32Array,
  p: number,
  width: number,
  shift: number,
  index: Uint32Array,
  part: Float64Array,
  at: Uint32Array,
): void {
  const lo = parts[p];
  const hi = parts[p + 1];
  const first = p * width;
  // counts at index[b + 1], summed from the part's start (index[first + width] is the next
  // part's start: its own counts go to the places after it)
  index[first] = lo;
  countBuckets(sorted, lo, hi, index, shift, 0);
  sumCounts(index, first, first + width);
  if (hi - lo < 2) return;
  part.set(sorted.subarray(lo, hi));
  for (let k = 0; k < width; k++) at[k] = index[first + k];
  scatter(part, 0, hi - lo, sorted, at, shift, first);
  // while the part is in the caches
  sortBuckets(sorted, index, first, first + width);
}

/** Sort the hashes within each of the buckets `from` to `to` (`index` gives where each starts). */
function sortBuckets(
  sorted: Float64Array,
  index: Uint32Array,
  from: number,
  to: number,
): void {
  for (let b = from; b < to; b++) {
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
}
